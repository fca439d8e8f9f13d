package main

// The rewriting of one file: edits at AST offsets (inserts and replacements on the same
// lines, so positions in reports stay the user's), applied in one pass by apply.

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"go/version"
	"path/filepath"
	"sort"
	"strings"
)

type edit struct {
	pos, end int // end > pos: replace [pos, end); else insert at pos
	text     string
	close    bool // an insert that closes an expression (goes before opens at the same offset)
	depth    int
}

type fileRewriter struct {
	in      *instrumenter
	fset    *token.FileSet
	info    *types.Info
	src     []byte
	path    string
	pkgName string
	// file: the file being rewritten, for the positions of edits reported as not made.
	file  *token.File
	edits []edit
	stack []ast.Node
	fn    string
	// preGo120: the file's language version is before Go 1.20.
	preGo120 bool
}

func (fr *fileRewriter) off(p token.Pos) int { return fr.fset.Position(p).Offset }
func (fr *fileRewriter) text(n ast.Node) string {
	return string(fr.src[fr.off(n.Pos()):fr.off(n.End())])
}

func (fr *fileRewriter) insert(p token.Pos, s string, close bool) {
	d := len(fr.stack)
	fr.edits = append(fr.edits, edit{pos: fr.off(p), end: fr.off(p), text: s, close: close, depth: d})
}

func (fr *fileRewriter) replace(p, e token.Pos, s string) {
	fr.edits = append(fr.edits, edit{pos: fr.off(p), end: fr.off(e), text: s})
}

func (fr *fileRewriter) site(n ast.Node, kind, expr string, mapValue bool) string {
	pos := fr.fset.Position(n.Pos())
	id := len(fr.in.sites) + 1
	fr.in.sites = append(fr.in.sites, Site{ID: id, File: fr.path, Line: pos.Line, Col: pos.Column, Func: fr.fn, Kind: kind, Expr: expr, MapValue: mapValue})
	return fmt.Sprint(id)
}

// hookVersion is the language version the instrumented files need (generic hooks, interface
// keys as comparable). An older file is upgraded with a build constraint: the language changes
// from Go 1.14 to 1.21 are additions, and 1.21 keeps the old loop-variable semantics.
const hookVersion = "go1.21"

func (fr *fileRewriter) rewrite(f *ast.File) []byte {
	fr.file = fr.fset.File(f.Package)
	upgrade := ""
	if v := fr.info.FileVersions[f]; v != "" && version.Compare(v, hookVersion) < 0 {
		var ok bool
		if upgrade, ok = fr.upgradeHeader(f); !ok {
			if version.Compare(v, "go1.18") < 0 {
				fr.in.skipped = append(fr.in.skipped, fr.path+": language version "+v+" and a // +build line: left as is")
				return nil
			}
			fr.preGo120 = version.Compare(v, "go1.20") < 0
		}
	}
	for _, d := range f.Decls {
		fr.fn = fr.pkgName
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "TestMain" && fd.Recv == nil && strings.HasSuffix(fr.path, "_test.go") {
			fr.in.testMains[filepath.Dir(fr.path)] = true
			fr.wrapTestRun(fd)
		}
		if fd, ok := d.(*ast.FuncDecl); ok {
			fr.fn = fr.pkgName + "." + fd.Name.Name
			if fd.Recv != nil && len(fd.Recv.List) == 1 {
				fr.fn = fr.pkgName + ".(" + fr.text(fd.Recv.List[0].Type) + ")." + fd.Name.Name
			}
		}
		ast.Inspect(d, fr.visit)
	}
	fr.entryHooks(f)
	if len(fr.edits) == 0 {
		return nil
	}
	fr.insert(f.Name.End(), fmt.Sprintf("; import __mr %q", fr.in.rtPath), false)
	if upgrade != "" {
		if c := buildComment(f); c != nil {
			fr.replace(c.Pos(), c.End(), upgrade)
		} else {
			fr.edits = append(fr.edits, edit{pos: 0, end: 0, text: upgrade, depth: -2})
		}
	}
	return fr.apply()
}

// apply writes the source with the edits made, in offset order. An edit that starts inside
// an earlier replacement cannot be made without corrupting it: it is left out and reported
// (the operation it instruments goes unrecorded, which the user should know).
func (fr *fileRewriter) apply() []byte {
	sort.SliceStable(fr.edits, func(i, j int) bool {
		a, b := fr.edits[i], fr.edits[j]
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		return rank(a) < rank(b)
	})
	var out bytes.Buffer
	last := 0
	for _, e := range fr.edits {
		if e.pos < last {
			line, col := 0, e.pos+1
			if fr.file != nil {
				p := fr.file.Position(fr.file.Pos(e.pos))
				line, col = p.Line, p.Column
			}
			fr.in.skipped = append(fr.in.skipped, fmt.Sprintf("%s:%d:%d: an edit (%q) overlaps an earlier one and was not made: that operation is not recorded", fr.path, line, col, e.text))
			continue
		}
		out.Write(fr.src[last:e.pos])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(fr.src[last:])
	return out.Bytes()
}

// wrapTestRun makes the user's TestMain wait like a program's main: `m.Run()` becomes
// `__mr.AfterTests(m.Run())`.
func (fr *fileRewriter) wrapTestRun(fd *ast.FuncDecl) {
	if fd.Body == nil || len(fd.Type.Params.List) != 1 || len(fd.Type.Params.List[0].Names) != 1 {
		return
	}
	m := fd.Type.Params.List[0].Names[0].Name
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) != 0 {
			return true
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Run" {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == m {
				fr.insert(call.Pos(), "__mr.AfterTests(", false)
				fr.insert(call.End(), ")", true)
			}
		}
		return true
	})
}

// entryHooks adds, at the top of function bodies, the program's exit wait (main.main) and the
// entry probes of the functions holding a probed line (the innermost function around it).
// Each body's `{` is replaced once, so the two never collide with each other or with the
// edits of the body's first statement.
func (fr *fileRewriter) entryHooks(f *ast.File) {
	type fun struct {
		body *ast.BlockStmt
		name string
	}
	var funs []fun
	decl := ""
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			decl = fr.pkgName + "." + n.Name.Name
			if n.Recv != nil && len(n.Recv.List) == 1 {
				decl = fr.pkgName + ".(" + fr.text(n.Recv.List[0].Type) + ")." + n.Name.Name
			}
			if n.Body != nil {
				funs = append(funs, fun{n.Body, decl})
			}
		case *ast.FuncLit:
			funs = append(funs, fun{n.Body, fmt.Sprintf("%s (func literal at line %d)", decl, fr.fset.Position(n.Pos()).Line)})
		}
		return true
	})
	line := func(p token.Pos) int { return fr.fset.Position(p).Line }
	prefix := map[*ast.BlockStmt]string{}
	for _, l := range fr.in.probes[fr.path] {
		inner := -1
		for i, fn := range funs {
			// Nested functions come after their parent in source order: the last match is innermost.
			if line(fn.body.Lbrace) <= l && l <= line(fn.body.Rbrace) {
				inner = i
			}
		}
		if inner < 0 {
			continue
		}
		fn := funs[inner]
		if _, done := prefix[fn.body]; done {
			continue
		}
		id := len(fr.in.sites) + 1
		pos := fr.fset.Position(fn.body.Lbrace)
		fr.in.sites = append(fr.in.sites, Site{ID: id, File: fr.path, Line: pos.Line, Col: pos.Column, Func: fn.name, Kind: "enter", EndLine: line(fn.body.Rbrace)})
		prefix[fn.body] = fmt.Sprintf(" __mr.Enter(%d);", id)
	}
	if fr.pkgName == "main" {
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "main" && fd.Recv == nil && fd.Body != nil {
				prefix[fd.Body] += " defer __mr.AtExit();"
			}
		}
	}
	for body, text := range prefix {
		fr.replace(body.Lbrace, body.Lbrace+1, "{"+text)
	}
}

// buildComment is the file's //go:build line, if any.
func buildComment(f *ast.File) *ast.Comment {
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "//go:build ") {
				return c
			}
		}
	}
	return nil
}

// upgradeHeader is the text that raises the file to hookVersion without moving a line: the
// file's own //go:build line with the version added, or a new constraint before line 1 and a
// //line directive giving line 1 back its number. Not possible with only a // +build line.
func (fr *fileRewriter) upgradeHeader(f *ast.File) (string, bool) {
	if c := buildComment(f); c != nil {
		return "//go:build (" + strings.TrimPrefix(c.Text, "//go:build ") + ") && " + hookVersion, true
	}
	for _, g := range f.Comments {
		if g.Pos() > f.Package {
			break
		}
		for _, c := range g.List {
			if strings.HasPrefix(c.Text, "// +build") {
				return "", false
			}
		}
	}
	return "//go:build " + hookVersion + "\n\n//line " + fr.path + ":1\n", true
}

// rank orders edits at one offset: closing inserts (innermost first), replacements, opening
// inserts (outermost first).
func rank(e edit) int {
	switch {
	case e.end > e.pos:
		return 0
	case e.close:
		return -1000 + (1000 - e.depth)
	default:
		return 1000 + e.depth
	}
}

func (fr *fileRewriter) visit(n ast.Node) bool {
	if n == nil {
		fr.stack = fr.stack[:len(fr.stack)-1]
		return false
	}
	fr.handle(n)
	fr.stack = append(fr.stack, n)
	return true
}

func (fr *fileRewriter) parent(i int) ast.Node {
	if len(fr.stack) < i {
		return nil
	}
	return fr.stack[len(fr.stack)-i]
}

func mapType(t types.Type) *types.Map {
	if t == nil {
		return nil
	}
	m, _ := t.Underlying().(*types.Map)
	return m
}

// mapOf is t's map type if its operations can be hooked in this file: the hooks are generic
// over the key type, and before Go 1.20 an interface key does not satisfy comparable.
func (fr *fileRewriter) mapOf(t types.Type) *types.Map {
	m := mapType(t)
	if m == nil || (fr.preGo120 && hasInterface(m.Key())) {
		return nil
	}
	return m
}

func (fr *fileRewriter) isMap(t types.Type) bool { return fr.mapOf(t) != nil }

// hasInterface: comparing t may compare interfaces (t is not strictly comparable).
func hasInterface(t types.Type) bool {
	switch u := t.Underlying().(type) {
	case *types.Interface:
		return true
	case *types.Array:
		return hasInterface(u.Elem())
	case *types.Struct:
		for i := 0; i < u.NumFields(); i++ {
			if hasInterface(u.Field(i).Type()) {
				return true
			}
		}
	}
	return false
}

func (fr *fileRewriter) typeOf(e ast.Expr) types.Type { return fr.info.TypeOf(e) }

// pure: evaluating the expression twice is harmless (no calls, receives or assignments).
func (fr *fileRewriter) pure(e ast.Expr) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return fr.pure(e.X)
	case *ast.SelectorExpr:
		return fr.pure(e.X)
	case *ast.StarExpr:
		return fr.pure(e.X)
	case *ast.IndexExpr:
		return fr.pure(e.X) && fr.pure(e.Index)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && fr.pure(e.X)
	case *ast.BinaryExpr:
		return fr.pure(e.X) && fr.pure(e.Y)
	case *ast.CallExpr:
		if tv, ok := fr.info.Types[e.Fun]; ok && tv.IsType() && len(e.Args) == 1 {
			return fr.pure(e.Args[0])
		}
	}
	return false
}

// keyArg is the text passing key k of map expression m to a generic hook.
func (fr *fileRewriter) keyArg(m *types.Map, mx, k ast.Expr) (string, bool) {
	kt := fr.info.Types[k]
	if kt.Value != nil || types.Identical(kt.Type, m.Key()) {
		return fr.text(k), true
	}
	if !fr.pure(mx) {
		return "", false
	}
	return "__mr.KC(" + fr.text(mx) + ")(" + fr.text(k) + ")", true
}

// stmtInList: the statement n sits in a statement list, so text can go before it.
func (fr *fileRewriter) stmtInList(depth int) (ast.Stmt, bool) {
	s, ok := fr.parent(depth).(ast.Stmt)
	if !ok {
		return nil, false
	}
	switch fr.parent(depth + 1).(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause, *ast.LabeledStmt:
		return s, true
	}
	return nil, false
}

func (fr *fileRewriter) handle(n ast.Node) {
	switch n := n.(type) {
	case *ast.FuncLit:
		return
	case *ast.IndexExpr:
		fr.index(n)
	case *ast.CompositeLit:
		if n.Type != nil && fr.isMap(fr.typeOf(n)) {
			s := fr.site(n, "alloc", "map literal", false)
			fr.insert(n.Pos(), "__mr.Mk(", false)
			fr.insert(n.End(), ", "+s+")", true)
		}
	case *ast.RangeStmt:
		t := fr.typeOf(n.X)
		if fr.isMap(t) {
			s := fr.site(n, "range", fr.text(n.X), false)
			fr.insert(n.X.Pos(), "__mr.Rg(", false)
			fr.insert(n.X.End(), ", "+s+")", true)
		} else if _, ok := t.Underlying().(*types.Chan); ok && fr.pure(n.X) {
			fr.insert(n.Body.Lbrace+1, " __mr.Acq("+fr.text(n.X)+");", false)
		}
	case *ast.CallExpr:
		fr.call(n)
	case *ast.SendStmt:
		if _, ok := fr.parent(1).(*ast.CommClause); ok {
			return
		}
		fr.insert(n.Chan.Pos(), "__mr.Snd(", false)
		fr.insert(n.Chan.End(), ")", true)
	case *ast.UnaryExpr:
		if n.Op != token.ARROW || fr.inComm() {
			return
		}
		name := "__mr.Rcv("
		if as, ok := fr.parent(1).(*ast.AssignStmt); ok && len(as.Lhs) == 2 {
			name = "__mr.Rcv2("
		}
		if vs, ok := fr.parent(1).(*ast.ValueSpec); ok && len(vs.Names) == 2 {
			name = "__mr.Rcv2("
		}
		fr.replace(n.OpPos, n.OpPos+2, name)
		fr.insert(n.X.End(), ")", true)
	case *ast.SelectStmt:
		fr.selectStmt(n)
	case *ast.GoStmt:
		fr.goStmt(n)
	}
}

// inComm: the node is the communication of a select case (handled by selectStmt).
func (fr *fileRewriter) inComm() bool {
	for i := 1; i <= 3; i++ {
		if cc, ok := fr.parent(i).(*ast.CommClause); ok {
			var c ast.Node = cc.Comm
			return c != nil && (i == 2 || i == 3) && contains(c, fr.parent(i-1))
		}
	}
	return false
}

func contains(outer, inner ast.Node) bool {
	return inner != nil && outer.Pos() <= inner.Pos() && inner.End() <= outer.End()
}

func (fr *fileRewriter) index(n *ast.IndexExpr) {
	m := fr.mapOf(fr.typeOf(n.X))
	if m == nil {
		return
	}
	expr := fr.text(n)
	switch p := fr.parent(1).(type) {
	case *ast.AssignStmt:
		for _, l := range p.Lhs {
			if l == n {
				fr.write(n, m, 1, "write", "W")
				return
			}
		}
		if len(p.Lhs) == 2 && len(p.Rhs) == 1 && p.Rhs[0] == n {
			fr.read(n, m, expr, true)
			return
		}
	case *ast.IncDecStmt:
		fr.write(n, m, 1, "write", "W")
		return
	case *ast.ValueSpec:
		if len(p.Names) == 2 && len(p.Values) == 1 {
			fr.read(n, m, expr, true)
			return
		}
	case *ast.RangeStmt:
		if p.Key == n || p.Value == n {
			return
		}
	}
	fr.read(n, m, expr, false)
}

func (fr *fileRewriter) read(n *ast.IndexExpr, m *types.Map, expr string, commaOk bool) {
	key, ok := fr.keyArg(m, n.X, n.Index)
	if !ok {
		return
	}
	name := "R"
	if commaOk {
		name = "R2"
	}
	inner := fr.isMap(m.Elem())
	if inner {
		name += "I"
	}
	s := fr.site(n, "read", expr, inner)
	fr.insert(n.X.Pos(), "__mr."+name+"(", false)
	if key == fr.text(n.Index) {
		fr.replace(n.Lbrack, n.Lbrack+1, ", ")
		fr.replace(n.Rbrack, n.Rbrack+1, ", "+s+")")
	} else {
		fr.replace(n.Lbrack, n.Lbrack+1, ", __mr.KC("+fr.text(n.X)+")(")
		fr.replace(n.Rbrack, n.Rbrack+1, "), "+s+")")
	}
}

// write records a write of n before the statement holding it (depth levels up), or after it
// when the statement also reads a map.
func (fr *fileRewriter) write(n *ast.IndexExpr, m *types.Map, depth int, kind, hook string) {
	fr.writeKey(n, n.X, n.Index, m, depth, kind, hook)
}

func (fr *fileRewriter) writeKey(n ast.Node, mx, k ast.Expr, m *types.Map, depth int, kind, hook string) {
	st, ok := fr.stmtInList(depth)
	if !ok || !fr.pure(mx) || !fr.pure(k) {
		return
	}
	key, ok := fr.keyArg(m, mx, k)
	if !ok {
		return
	}
	s := fr.site(n, kind, fr.text(mx)+"["+fr.text(k)+"]", fr.isMap(m.Elem()))
	call := "__mr." + hook + "(" + fr.text(mx) + ", " + key + ", " + s + ")"
	if hook == "W" && fr.readsMap(st) {
		// After the statement: `m[k] = m[k] + 1` reads before it writes. Otherwise before it,
		// so that a write the runtime kills with "concurrent map writes" is still recorded.
		end := fr.off(st.End())
		fr.edits = append(fr.edits, edit{pos: end, end: end, text: "; " + call, close: true, depth: -1})
		return
	}
	fr.edits = append(fr.edits, edit{pos: fr.off(st.Pos()), end: fr.off(st.Pos()), text: call + "; ", depth: -1})
}

// readsMap: the right-hand side of assignment st reads some map.
func (fr *fileRewriter) readsMap(st ast.Stmt) bool {
	as, ok := st.(*ast.AssignStmt)
	if !ok {
		return false
	}
	found := false
	for _, r := range as.Rhs {
		ast.Inspect(r, func(n ast.Node) bool {
			if ix, ok := n.(*ast.IndexExpr); ok && fr.isMap(fr.typeOf(ix.X)) {
				found = true
			}
			return !found
		})
	}
	return found
}

// methodHook: a call of the method with go/types full name `name` is rewritten to
// `__mr.<hook>(&recv, args..., site)`; `site` says whether the hook takes the site id.
type methodHook struct {
	name string
	hook string
	site bool
}

// methodHooks indexes methodHookList (hooks_gen.go, generated from src/analysis/models.rs,
// the one table of what library calls do) by name.
var methodHooks = func() map[string]methodHook {
	m := make(map[string]methodHook, len(methodHookList))
	for _, h := range methodHookList {
		m[h.name] = h
	}
	return m
}()

// recvPtr is the text of a pointer to the receiver of a promoted or direct method call.
func (fr *fileRewriter) recvPtr(sel *ast.SelectorExpr, selection *types.Selection) (open, path string, ok bool) {
	t := fr.typeOf(sel.X)
	idx := selection.Index()
	for _, i := range idx[:len(idx)-1] {
		if p, isPtr := t.Underlying().(*types.Pointer); isPtr {
			t = p.Elem()
		}
		st, isStruct := t.Underlying().(*types.Struct)
		if !isStruct {
			return "", "", false
		}
		path += "." + st.Field(i).Name()
		t = st.Field(i).Type()
	}
	if _, isPtr := t.Underlying().(*types.Pointer); isPtr {
		return "(", path, true
	}
	return "&(", path, true
}

func (fr *fileRewriter) call(n *ast.CallExpr) {
	switch fun := ast.Unparen(n.Fun).(type) {
	case *ast.Ident:
		b, ok := fr.info.Uses[fun].(*types.Builtin)
		if !ok {
			return
		}
		switch b.Name() {
		case "len":
			if len(n.Args) == 1 && fr.isMap(fr.typeOf(n.Args[0])) {
				s := fr.site(n, "len", fr.text(n.Args[0]), false)
				fr.replace(fun.Pos(), fun.End(), "__mr.Len")
				fr.insert(n.Rparen, ", "+s, true)
			}
		case "clear":
			if len(n.Args) == 1 && fr.isMap(fr.typeOf(n.Args[0])) {
				s := fr.site(n, "clear", fr.text(n.Args[0]), false)
				fr.replace(fun.Pos(), fun.End(), "__mr.Clr")
				fr.insert(n.Rparen, ", "+s, true)
			}
		case "delete":
			if m := fr.mapOf(fr.typeOf(n.Args[0])); m != nil && len(n.Args) == 2 {
				if _, ok := fr.parent(1).(*ast.ExprStmt); ok {
					fr.writeKey(n, n.Args[0], n.Args[1], m, 1, "delete", "D")
				}
			}
		case "make":
			if fr.isMap(fr.typeOf(n)) {
				s := fr.site(n, "alloc", "make", false)
				fr.insert(n.Pos(), "__mr.Mk(", false)
				fr.insert(n.End(), ", "+s+")", true)
			}
		case "close":
			fr.replace(fun.Pos(), fun.End(), "__mr.Close")
		}
	case *ast.SelectorExpr:
		if selection, ok := fr.info.Selections[fun]; ok && selection.Kind() == types.MethodVal {
			fr.methodCall(n, fun, selection)
			return
		}
		obj, ok := fr.info.Uses[fun.Sel].(*types.Func)
		if !ok || obj.Pkg() == nil || obj.Pkg().Path() != "sync/atomic" || len(n.Args) == 0 || !fr.pure(n.Args[0]) {
			return
		}
		fr.atomic(n, fr.text(n.Args[0]), obj)
	}
}

func (fr *fileRewriter) methodCall(n *ast.CallExpr, fun *ast.SelectorExpr, selection *types.Selection) {
	obj, ok := selection.Obj().(*types.Func)
	if !ok || obj.Pkg() == nil {
		return
	}
	if obj.Pkg().Path() == "sync/atomic" {
		open, path, ok := fr.recvPtr(fun, selection)
		if ok && fr.pure(fun.X) {
			fr.atomic(n, open+fr.text(fun.X)+")"+path, obj)
		}
		return
	}
	h, ok := methodHooks[obj.FullName()]
	if !ok {
		return
	}
	open, path, ok := fr.recvPtr(fun, selection)
	if !ok {
		return
	}
	s := ""
	if h.site {
		s = fr.site(n, strings.ToLower(h.hook), fr.text(n), false)
	}
	fr.insert(fun.X.Pos(), "__mr."+h.hook+"("+open, false)
	mid := ")" + path
	if len(n.Args) > 0 {
		mid += ", "
	}
	fr.replace(fun.X.End(), n.Lparen+1, mid)
	closing := ")"
	if h.site {
		closing = ", " + s + ")"
	}
	fr.replace(n.Rparen, n.Rparen+1, closing)
}

// atomic wraps one sync/atomic operation on the variable at ptr: release before, acquire after.
func (fr *fileRewriter) atomic(n *ast.CallExpr, ptr string, obj *types.Func) {
	sig := obj.Type().(*types.Signature)
	if sig.Results().Len() == 1 {
		fr.insert(n.Pos(), "__mr.APost(__mr.APre("+ptr+"), ", false)
		fr.insert(n.End(), ")", true)
		return
	}
	if st, ok := fr.stmtInList(1); ok {
		if _, isExpr := st.(*ast.ExprStmt); isExpr {
			fr.edits = append(fr.edits, edit{pos: fr.off(st.Pos()), end: fr.off(st.Pos()), text: "__mr.APre(" + ptr + "); ", depth: -1})
		}
	}
}

func (fr *fileRewriter) selectStmt(n *ast.SelectStmt) {
	// Before the label of a labeled select: `break L` must still name the select.
	before := n.Pos()
	if l, ok := fr.parent(1).(*ast.LabeledStmt); ok {
		before = l.Pos()
	}
	for _, c := range n.Body.List {
		cc := c.(*ast.CommClause)
		var ch ast.Expr
		switch comm := cc.Comm.(type) {
		case *ast.SendStmt:
			if fr.pure(comm.Chan) {
				fr.edits = append(fr.edits, edit{pos: fr.off(before), end: fr.off(before), text: "__mr.Rel(" + fr.text(comm.Chan) + "); ", depth: -1})
			}
			continue
		case *ast.ExprStmt:
			ch = recvChan(comm.X)
		case *ast.AssignStmt:
			ch = recvChan(comm.Rhs[0])
		}
		if ch != nil && fr.pure(ch) {
			fr.insert(cc.Colon+1, " __mr.Acq("+fr.text(ch)+");", false)
		}
	}
}

func recvChan(e ast.Expr) ast.Expr {
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.ARROW {
		return u.X
	}
	return nil
}

// goStmt: `go f(a, b)` becomes
// `{ __mrF, __mrA0, __mrA1 := f, a, b; __mrT := __mr.Fork(s); go func() { __mr.Start(__mrT); defer __mr.End(); __mrF(__mrA0, __mrA1) }() }`
// on the same line, so the goroutine's creation and start are recorded and arguments are
// still evaluated at the go statement.
func (fr *fileRewriter) goStmt(n *ast.GoStmt) {
	call := n.Call
	if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
		if _, generic := fr.info.Instances[id]; generic {
			return
		}
		if _, builtin := fr.info.Uses[id].(*types.Builtin); builtin {
			return
		}
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if _, generic := fr.info.Instances[sel.Sel]; generic {
			return
		}
		if obj, ok := fr.info.Uses[sel.Sel].(*types.Func); ok && obj.Pkg() != nil {
			if _, hooked := methodHooks[obj.FullName()]; hooked || obj.Pkg().Path() == "sync/atomic" {
				return // the call itself is rewritten; the goroutine starts unannounced
			}
		}
	}
	lhs := []string{"__mrF"}
	var args []string
	for i, a := range call.Args {
		tv := fr.info.Types[a]
		if tv.Value != nil {
			// A constant is passed as written: in `x := 1` it would take its default type.
			lhs = append(lhs, "_")
			args = append(args, fr.text(a))
			continue
		}
		if b, ok := tv.Type.(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
			return // untyped nil or untyped bool expression: no type to hold it in
		}
		name := fmt.Sprintf("__mrA%d", i)
		lhs = append(lhs, name)
		args = append(args, name)
	}
	callArgs := strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		callArgs += "..."
		fr.replace(call.Ellipsis, call.Ellipsis+3, "")
	}
	s := fr.site(n, "go", "go "+fr.text(call.Fun), false)
	fr.replace(n.Go, n.Go+2, "{ "+strings.Join(lhs, ", ")+" := ")
	if len(call.Args) > 0 {
		fr.replace(call.Lparen, call.Lparen+1, ", ")
	} else {
		fr.replace(call.Lparen, call.Lparen+1, "")
	}
	fr.replace(call.Rparen, call.Rparen+1, "; __mrT := __mr.Fork("+s+"); go func() { __mr.Start(__mrT); defer __mr.End(); __mrF("+callArgs+") }() }")
}
