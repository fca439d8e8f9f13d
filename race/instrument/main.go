// Command instrument is the Go half of `maprace race`: it type-checks the packages of one
// module and writes instrumented copies of their files plus an overlay description for
// `go build -overlay`. The user's tree is only read. Shipped inside the maprace binary and
// built by it with the user's own go (standard library only).
//
// Output in -out: overlay.json ({"Replace": {original: copy}}), sites.json (what each site
// id passed to the runtime names), and one copy per instrumented file.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// rtModule is the module path the runtime support is built under.
const rtModule = "maprace.dev/rt"

type listedPackage struct {
	Dir        string
	ImportPath string
	Name       string
	Export     string
	GoFiles    []string
	CgoFiles   []string
	ForTest    string
	ImportMap  map[string]string
	Module     *struct {
		Path      string
		Main      bool
		GoVersion string
	}
	Error *struct{ Err string }
}

// Site is one instrumented operation; its id is what the runtime records.
type Site struct {
	ID       int    `json:"id"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Col      int    `json:"col"`
	Func     string `json:"func"`
	Kind     string `json:"kind"`
	Expr     string `json:"expr"`
	MapValue bool   `json:"map_value,omitempty"`
	// EndLine: for an "enter" probe, the last line of the function it starts.
	EndLine int `json:"end_line,omitempty"`
}

type output struct {
	Sites   []Site   `json:"sites"`
	Skipped []string `json:"skipped"`
	Files   int      `json:"files"`
}

func main() {
	root := flag.String("root", ".", "module root")
	out := flag.String("out", "", "output directory")
	rtDir := flag.String("rt", "", "directory of the runtime module (maprace.dev/rt)")
	probes := flag.String("probes", "", "file of `path<TAB>line` lines: the functions holding them get an entry probe")
	pkgs := flag.String("pkgs", "", "newline-separated package patterns the command builds, relative to -dir (default: ./... in -root)")
	dir := flag.String("dir", "", "directory the command runs in (for -pkgs)")
	buildFlags := flag.String("buildflags", "", "newline-separated build flags of the command that change what is compiled (-race, -tags=...)")
	waitProbes := flag.Bool("wait-probes", false, "read -probes only once stdin is closed (maprace writes it while go list runs)")
	flag.Parse()
	if *out == "" || *rtDir == "" {
		fmt.Fprintln(os.Stderr, "usage: instrument -root DIR -out DIR -rt DIR")
		os.Exit(2)
	}
	probeLines := func() (map[string][]int, error) {
		if *waitProbes {
			if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
				return nil, err
			}
		}
		return readProbes(*probes)
	}
	patterns, listDir := []string{"./..."}, *root
	if p := strings.Fields(*pkgs); len(p) > 0 {
		patterns, listDir = p, *dir
	}
	if err := run(*root, listDir, strings.Fields(*buildFlags), patterns, *out, *rtDir, probeLines); err != nil {
		fmt.Fprintln(os.Stderr, "maprace instrument:", err)
		os.Exit(2)
	}
}

// readProbes reads the probe file: the lines `maprace check` reports, per file.
func readProbes(path string) (map[string][]int, error) {
	lines := map[string][]int{}
	if path == "" {
		return lines, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	for _, l := range strings.Split(string(data), "\n") {
		file, num, ok := strings.Cut(l, "\t")
		if !ok {
			continue
		}
		var n int
		if _, err := fmt.Sscan(num, &n); err == nil {
			lines[file] = append(lines[file], n)
		}
	}
	return lines, nil
}

// run instruments the main module's packages among patterns and their dependencies (listed
// in listDir): only what the command builds. probes gives the probe lines; it is called after
// go list, the slow part, so that maprace can run `check` meanwhile.
//
// buildFlags (-race, -tags) select the same files and the same API as the command's build:
// under -race, runtime.RaceDisable exists and race-tagged files are compiled.
func run(root, listDir string, buildFlags, patterns []string, out, rtDir string, probeLines func() (map[string][]int, error)) error {
	args := append([]string{"list", "-e", "-json", "-deps", "-export", "-test"}, buildFlags...)
	cmd := exec.Command("go", append(args, patterns...)...)
	cmd.Dir = listDir
	cmd.Stderr = os.Stderr
	data, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("go list: %v", err)
	}
	var pkgs []*listedPackage
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var p listedPackage
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("go list output: %v", err)
		}
		pkgs = append(pkgs, &p)
	}
	exports := map[string]string{}
	var modPath string
	for _, p := range pkgs {
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Main && modPath == "" {
			modPath = p.Module.Path
		}
	}
	if modPath == "" {
		return fmt.Errorf("no package of the main module found under %s", root)
	}
	// A package's test variant holds its files and its in-package tests: check that one.
	hasVariant := map[string]bool{}
	for _, p := range pkgs {
		if p.ForTest != "" && p.ForTest == strings.SplitN(p.ImportPath, " ", 2)[0] {
			hasVariant[p.ForTest] = true
		}
	}
	probes, err := probeLines()
	if err != nil {
		return fmt.Errorf("probes: %v", err)
	}
	in := &instrumenter{rtPath: rtModule, out: out, overlay: map[string]string{}, done: map[string]bool{}, probes: probes, testPkgs: map[string]string{}, testMains: map[string]bool{}}
	for _, p := range pkgs {
		if p.Module == nil || !p.Module.Main || strings.HasSuffix(p.ImportPath, ".test") || len(p.GoFiles) == 0 {
			continue
		}
		if p.ForTest == "" && hasVariant[p.ImportPath] {
			continue
		}
		if len(p.CgoFiles) > 0 {
			in.skipped = append(in.skipped, p.ImportPath+": uses cgo")
			continue
		}
		in.pkg(p, exports)
	}
	in.addTestMains()
	// The runtime is its own module in a real directory (the assembler cannot read overlaid
	// directories); the overlaid go.mod requires it and replaces it with that directory.
	gomod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return err
	}
	gomod = append(gomod, fmt.Sprintf("\nrequire %s v0.0.0\n\nreplace %s => %s\n", rtModule, rtModule, rtDir)...)
	modCopy := filepath.Join(out, "go.mod")
	if err := os.WriteFile(modCopy, gomod, 0o644); err != nil {
		return err
	}
	in.overlay[filepath.Join(root, "go.mod")] = modCopy
	ov, _ := json.Marshal(map[string]any{"Replace": in.overlay})
	if err := os.WriteFile(filepath.Join(out, "overlay.json"), ov, 0o644); err != nil {
		return err
	}
	st, _ := json.Marshal(output{Sites: append([]Site{}, in.sites...), Skipped: append([]string{}, in.skipped...), Files: in.files})
	return os.WriteFile(filepath.Join(out, "sites.json"), st, 0o644)
}

type instrumenter struct {
	rtPath  string
	out     string
	overlay map[string]string
	done    map[string]bool
	sites   []Site
	skipped []string
	files   int
	// probes: per file, lines whose innermost enclosing function gets an entry probe.
	probes map[string][]int
	// testPkgs: directories with test files, and the name of their non-test package;
	// testMains: those whose tests declare TestMain (its m.Run() is wrapped instead).
	testPkgs  map[string]string
	testMains map[string]bool
}

// addTestMains gives every test binary the exit wait that `main` gets (AtExit): a file with
// a TestMain is added, through the overlay, to each directory whose tests have none.
func (in *instrumenter) addTestMains() {
	for dir, name := range in.testPkgs {
		if in.testMains[dir] {
			continue
		}
		src := fmt.Sprintf("package %s\n\nimport (\n\t\"os\"\n\t\"testing\"\n\n\t__mr %q\n)\n\n// TestMain added by maprace race: the tests' goroutines still running at the end are\n// waited for, as in a program's main.\nfunc TestMain(m *testing.M) { os.Exit(__mr.AfterTests(m.Run())) }\n", name, in.rtPath)
		dst := filepath.Join(in.out, "src", fmt.Sprintf("%d_maprace_testmain_test.go", len(in.overlay)))
		err := os.MkdirAll(filepath.Dir(dst), 0o755)
		if err == nil {
			err = os.WriteFile(dst, []byte(src), 0o644)
		}
		if err != nil {
			// The tests still run; goroutines they leave running are not waited for.
			in.skipped = append(in.skipped, fmt.Sprintf("%s: cannot write the added TestMain (%v): the exit wait is missing there", dir, err))
			continue
		}
		in.overlay[filepath.Join(dir, "zz_maprace_testmain_test.go")] = dst
	}
}

func (in *instrumenter) pkg(p *listedPackage, exports map[string]string) {
	fset := token.NewFileSet()
	var files []*ast.File
	var paths []string
	for _, name := range p.GoFiles {
		if strings.HasSuffix(name, "_test.go") && !strings.HasSuffix(p.Name, "_test") {
			in.testPkgs[p.Dir] = p.Name
		} else if strings.HasSuffix(name, "_test.go") {
			if _, ok := in.testPkgs[p.Dir]; !ok {
				in.testPkgs[p.Dir] = strings.TrimSuffix(p.Name, "_test")
			}
		}
	}
	for _, name := range p.GoFiles {
		path := filepath.Join(p.Dir, name)
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			in.skipped = append(in.skipped, fmt.Sprintf("%s: %v", p.ImportPath, err))
			return
		}
		files = append(files, f)
		paths = append(paths, path)
	}
	lookup := func(path string) (io.ReadCloser, error) {
		if m, ok := p.ImportMap[path]; ok {
			path = m
		}
		e := exports[path]
		if e == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(e)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", lookup)}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Uses:         map[*ast.Ident]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
		in.skipped = append(in.skipped, fmt.Sprintf("%s: type error: %v", p.ImportPath, err))
		return
	}
	for i, f := range files {
		if in.done[paths[i]] {
			continue
		}
		in.done[paths[i]] = true
		src, err := os.ReadFile(paths[i])
		if err != nil {
			in.skipped = append(in.skipped, err.Error())
			continue
		}
		fr := &fileRewriter{in: in, fset: fset, info: info, src: src, path: paths[i], pkgName: p.Name}
		outSrc := fr.rewrite(f)
		if outSrc == nil {
			continue
		}
		in.writeCopy(paths[i], outSrc)
	}
}

// writeCopy writes the instrumented copy of the file at path and overlays it. A copy that
// cannot be written leaves the file as it is, and the run says so.
func (in *instrumenter) writeCopy(path string, src []byte) {
	dst := filepath.Join(in.out, "src", fmt.Sprintf("%d_%s", len(in.overlay), filepath.Base(path)))
	err := os.MkdirAll(filepath.Dir(dst), 0o755)
	if err == nil {
		err = os.WriteFile(dst, src, 0o644)
	}
	if err != nil {
		in.skipped = append(in.skipped, fmt.Sprintf("%s: cannot write the instrumented copy (%v): left as is", path, err))
		return
	}
	in.overlay[path] = dst
	in.files++
}
