package main

// Tests of the rewriting: golden overlays of small packages (testdata/rewrite/*.go, their
// expected copies *.go.golden with the sites they register), and the failures the
// instrumenter must report instead of dropping: edits that overlap and copies it cannot
// write. Run by `go test` here, and from `cargo test` (tests/instrument_go.rs).
//
// go test -run Golden -update   rewrites the golden files after an intended change.

import (
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/rewrite/*.golden")

func newInstrumenter(out string) *instrumenter {
	return &instrumenter{rtPath: rtModule, out: out, overlay: map[string]string{}, done: map[string]bool{}, probes: map[string][]int{}, testPkgs: map[string]string{}, testMains: map[string]bool{}}
}

// rewriteFile type-checks one file as its own package (the standard library from source, so
// no export data or network is needed) and returns its instrumented text.
func rewriteFile(t *testing.T, in *instrumenter, path string) string {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "source", nil), GoVersion: "go1.22"}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Uses:         map[*ast.Ident]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	if _, err := conf.Check("example.com/p", fset, []*ast.File{f}, info); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	fr := &fileRewriter{in: in, fset: fset, info: info, src: src, path: filepath.Base(path), pkgName: f.Name.Name}
	out := fr.rewrite(f)
	if out == nil {
		return string(src)
	}
	return string(out)
}

func TestGoldenRewrites(t *testing.T) {
	inputs, _ := filepath.Glob("testdata/rewrite/*.go")
	if len(inputs) == 0 {
		t.Fatal("no testdata/rewrite/*.go")
	}
	for _, path := range inputs {
		t.Run(filepath.Base(path), func(t *testing.T) {
			in := newInstrumenter(t.TempDir())
			got := rewriteFile(t, in, path)
			if _, err := parser.ParseFile(token.NewFileSet(), path, got, 0); err != nil {
				t.Fatalf("the rewritten file does not parse: %v\n%s", err, got)
			}
			var b strings.Builder
			b.WriteString(got)
			b.WriteString("\n// sites:\n")
			for _, s := range in.sites {
				fmt.Fprintf(&b, "// %d %d:%d %s %s %q\n", s.ID, s.Line, s.Col, s.Kind, s.Func, s.Expr)
			}
			for _, s := range in.skipped {
				fmt.Fprintf(&b, "// skipped: %s\n", s)
			}
			golden := path + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -run Golden -update writes it)", err)
			}
			if string(want) != b.String() {
				t.Errorf("%s differs from the rewrite (go test -run Golden -update, then review the diff):\n%s", golden, b.String())
			}
			if len(in.skipped) > 0 {
				t.Errorf("edits were reported as not applied: %v", in.skipped)
			}
		})
	}
}

// Two edits over the same bytes cannot both be applied: the later one is left out, and the
// run says so (the operation it would have recorded is invisible to the engine).
func TestOverlappingEditsAreReported(t *testing.T) {
	src := "package p\n\nvar x = f(g(1))\n"
	fset := token.NewFileSet()
	file := fset.AddFile("p.go", -1, len(src))
	file.SetLinesForContent([]byte(src))
	in := newInstrumenter(t.TempDir())
	fr := &fileRewriter{in: in, fset: fset, src: []byte(src), path: "p.go", file: file}
	at := func(off int) token.Pos { return file.Pos(off) }
	outer := strings.Index(src, "f(g(1))")
	inner := strings.Index(src, "g(1)")
	fr.replace(at(outer), at(outer+len("f(g(1))")), "F()")
	fr.replace(at(inner), at(inner+len("g(1)")), "G()")
	got := string(fr.apply())
	if got != "package p\n\nvar x = F()\n" {
		t.Errorf("applied: %q", got)
	}
	if len(in.skipped) != 1 || !strings.Contains(in.skipped[0], "p.go:3:11") || !strings.Contains(in.skipped[0], "overlaps") {
		t.Errorf("the dropped edit is not reported with its place: %q", in.skipped)
	}
}

// A copy that cannot be written leaves the file uninstrumented, and the run says which.
func TestUnwritableCopiesAreReported(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "out")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	in := newInstrumenter(blocker) // a file where the output directory should be
	in.writeCopy("/m/a.go", []byte("package a\n"))
	if len(in.overlay) != 0 || in.files != 0 {
		t.Errorf("an unwritten copy is in the overlay: %v", in.overlay)
	}
	if len(in.skipped) != 1 || !strings.Contains(in.skipped[0], "/m/a.go") || !strings.Contains(in.skipped[0], "cannot write") {
		t.Errorf("not reported: %q", in.skipped)
	}
	in.testPkgs["/m"] = "a"
	in.addTestMains()
	if len(in.skipped) != 2 || !strings.Contains(in.skipped[1], "TestMain") {
		t.Errorf("the unwritten TestMain is not reported: %q", in.skipped)
	}
}

// The hook table (generated from src/analysis/models.rs) names hooks only once per method.
func TestMethodHooksAreIndexedByName(t *testing.T) {
	if len(methodHooks) != len(methodHookList) {
		t.Fatalf("%d hooks, %d names: a method listed twice", len(methodHookList), len(methodHooks))
	}
	for name, h := range methodHooks {
		if !strings.HasPrefix(name, "(*") || h.hook == "" {
			t.Errorf("%s: %+v", name, h)
		}
	}
}
