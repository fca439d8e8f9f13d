//! The command line as a user meets it: exit codes, output formats, bad input, go-tool
//! loading rules. Runs the built binary.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn maprace(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maprace")).args(args).current_dir(dir).output().expect("maprace runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const RACY: &str = r#"package main

import "time"

var hits = map[string]int{}

func main() {
	go func() { hits["a"]++ }()
	hits["b"] = 1
	time.Sleep(time.Millisecond)
}
"#;

const CLEAN: &str = r#"package main

func main() {
	m := map[string]int{}
	m["a"] = 1
	println(len(m))
}
"#;

fn module(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("write go.mod");
    for (name, body) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, body).expect("write file");
    }
    dir
}

#[test]
fn findings_exit_1_in_go_vet_format() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(1), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("main.go:8:"), "{stdout}");
    assert!(stdout.contains("main.go:9:2: MR001 unguarded-map-access: "), "{stdout}");
    assert!(stdout.contains("fix: guard every access"), "{stdout}");
}

#[test]
fn clean_code_exits_0_and_prints_nothing() {
    let dir = module(&[("main.go", CLEAN.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
}

#[test]
fn json_has_the_documented_shape() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("broken.go", b"package main\nfunc (")]);
    let out = maprace(dir.path(), &["check", "--format", "json", "./..."]);
    assert_eq!(out.status.code(), Some(2), "broken.go was not analysed completely: exit 2, findings still printed");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let f = &v["findings"][0];
    for key in ["rule", "name", "file", "line", "column", "message", "related", "fix"] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert_eq!(f["rule"], "MR001");
    assert!(f["related"][0]["file"].is_string() && f["related"][0]["line"].is_number());
    let errors = v["errors"].as_array().expect("errors array");
    assert!(errors.iter().any(|e| e["file"].as_str().unwrap_or("").ends_with("broken.go")), "{errors:?}");
}

#[test]
fn missing_path_is_exit_2_naming_it() {
    let dir = module(&[("main.go", CLEAN.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./nope/..."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("nope"), "{}", text(&out.stderr));
}

#[test]
fn bad_flag_and_unknown_rule_are_exit_2() {
    let dir = module(&[("main.go", CLEAN.as_bytes())]);
    assert_eq!(maprace(dir.path(), &["check", "--frobnicate"]).status.code(), Some(2));
    assert_eq!(maprace(dir.path(), &["check", "--rule", "MR999", "."]).status.code(), Some(2));
    assert_eq!(maprace(dir.path(), &["explain", "MR999"]).status.code(), Some(2));
}

#[test]
fn non_utf8_file_is_named_and_the_run_goes_on() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("latin1.go", b"package main\n// caf\xe9\n")]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(2), "a file that could not be analysed makes the run incomplete");
    assert!(text(&out.stderr).contains("latin1.go") && text(&out.stderr).contains("UTF-8"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("MR001"), "the other file is still analysed");
}

#[test]
fn syntax_errors_are_named_and_the_rest_is_analysed() {
    let broken = format!("{RACY}\nfunc broken( {{\n");
    let dir = module(&[("main.go", broken.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert!(text(&out.stderr).contains("main.go: syntax error at"), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("MR001"), "{}", text(&out.stdout));
}

#[test]
fn deeply_nested_input_does_not_crash() {
    let depth = 20_000;
    let src = format!("package main\n\nvar x = {}1{}\n\nfunc main() {{ _ = x }}\n", "(".repeat(depth), ")".repeat(depth));
    let dir = module(&[("deep.go", src.as_bytes()), ("main.go", RACY.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert!(matches!(out.status.code(), Some(1) | Some(2)), "stderr: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("MR001"));
}

#[test]
fn go_tool_skip_rules_and_generated_files() {
    let generated = format!("// Code generated by hand. DO NOT EDIT.\n\n{RACY}");
    let dir = module(&[
        ("testdata/t.go", RACY.as_bytes()),
        ("vendor/v/v.go", RACY.as_bytes()),
        ("_skip/s.go", RACY.as_bytes()),
        (".hidden/h.go", RACY.as_bytes()),
        ("gen/gen.go", generated.as_bytes()),
        ("ok/ok.go", CLEAN.as_bytes()),
    ]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let out = maprace(dir.path(), &["check", "--include-generated", "./..."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("gen.go"));
}

#[test]
fn test_files_are_included_unless_asked() {
    let test_src = RACY.replace("func main()", "func TestX(t *testing.T)").replace("import \"time\"", "import (\n\t\"testing\"\n\t\"time\"\n)");
    let dir = module(&[("x_test.go", test_src.as_bytes()), ("main.go", b"package main\n\nfunc main() {}\n")]);
    assert_eq!(maprace(dir.path(), &["check", "./..."]).status.code(), Some(1));
    assert_eq!(maprace(dir.path(), &["check", "--no-tests", "./..."]).status.code(), Some(0));
}

#[test]
fn explain_prints_every_rule() {
    let dir = tempfile::tempdir().expect("temp dir");
    let list = text(&maprace(dir.path(), &["explain"]).stdout);
    for id in maprace::rules::RuleId::ALL {
        assert!(list.contains(&id.to_string()), "{list}");
        let doc = maprace(dir.path(), &["explain", &id.to_string()]);
        assert_eq!(doc.status.code(), Some(0));
        assert!(text(&doc.stdout).contains("## Fix"));
    }
}

const CALLBACK: &str = r#"package main

import "example.com/lib/pool"

func main() {
	seen := map[string]bool{}
	pool.ForEach([]string{"a", "b"}, func(s string) {
		seen[s] = true
	})
}
"#;

#[test]
fn configured_concurrent_apis_spawn_their_callbacks() {
    let dir = module(&[("main.go", CALLBACK.as_bytes())]);
    assert_eq!(maprace(dir.path(), &["check", "."]).status.code(), Some(0), "unknown API: callback taken as synchronous");
    let out = maprace(dir.path(), &["check", "--concurrent", "pool.ForEach", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    fs::write(dir.path().join(".maprace.json"), r#"{"concurrent": ["ForEach"]}"#).expect("write config");
    assert_eq!(maprace(dir.path(), &["check", "."]).status.code(), Some(1));
    fs::write(dir.path().join(".maprace.json"), r#"{"concurent": []}"#).expect("write config");
    let out = maprace(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(".maprace.json"), "{}", text(&out.stderr));
}

#[test]
fn pretty_format_draws_the_source_line() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    let out = maprace(dir.path(), &["check", "--format", "pretty", "./..."]);
    assert_eq!(out.status.code(), Some(1));
    let s = text(&out.stdout);
    assert!(s.contains("warning[MR001]: unguarded-map-access"), "{s}");
    assert!(s.contains("--> main.go:9:2") || s.contains("--> ./main.go:9:2"), "{s}");
    assert!(s.contains("hits[\"b\"] = 1"), "the source line is shown: {s}");
    assert!(s.contains("help: fix:"), "{s}");
}

/// Primitives made by constructors (`errgroup.WithContext`, `http.NewServeMux`) spawn and
/// order like declared ones: racy callbacks are reported, reads after `Wait` are not.
const CONSTRUCTED: &str = r#"package m

import (
	"context"
	"net/http"

	"golang.org/x/sync/errgroup"
)

func Lengths(ctx context.Context, keys []string) (map[string]int, error) {
	g, ctx := errgroup.WithContext(ctx)
	res := map[string]int{}
	for _, k := range keys {
		g.Go(func() error { res[k] = len(k); return ctx.Err() })
	}
	return res, g.Wait()
}

func Collected(ctx context.Context, keys []string) (int, error) {
	g, _ := errgroup.WithContext(ctx)
	lens := make([]int, len(keys))
	for i, k := range keys {
		g.Go(func() error { lens[i] = len(k); return nil })
	}
	err := g.Wait()
	seen := map[int]bool{}
	for _, n := range lens {
		seen[n] = true
	}
	return len(seen), err
}

type Sessions struct{ byUser map[string]string }

func (s *Sessions) Routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		s.byUser[r.URL.Query().Get("u")] = "ok"
	})
	return mux
}
"#;

#[test]
fn constructed_groups_and_muxes_spawn_like_declared_ones() {
    let dir = module(&[("m.go", CONSTRUCTED.as_bytes())]);
    let out = maprace(dir.path(), &["check", "."]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("m.go:14:23: MR001"), "errgroup.WithContext's Go not taken as a spawn:\n{stdout}");
    assert!(stdout.contains("m.go:38:3: MR001"), "http.NewServeMux's handlers not taken as concurrent:\n{stdout}");
    assert_eq!(stdout.lines().filter(|l| l.contains(": MR0")).count(), 2, "the map filled after Wait is not shared:\n{stdout}");
}

/// A gRPC service (generated `RegisterXServer`) has its methods called per request,
/// concurrently, without any lock in sight to declare it.
const GRPC: &str = r#"package m

import (
	"context"

	"google.golang.org/grpc"

	pb "example.com/greeter/proto"
)

type greeter struct {
	pb.UnimplementedGreeterServer
	seen map[string]int
}

func (g *greeter) SayHello(ctx context.Context, req *pb.HelloRequest) (*pb.HelloReply, error) {
	g.seen[req.GetName()]++
	return &pb.HelloReply{}, nil
}

func Register(s *grpc.Server) {
	pb.RegisterGreeterServer(s, &greeter{seen: map[string]int{}})
}

type tally struct{ seen map[string]int }

func (t *tally) Add(name string) { t.seen[name]++ }
"#;

#[test]
fn registered_grpc_services_run_their_methods_concurrently() {
    let dir = module(&[("m.go", GRPC.as_bytes())]);
    let out = maprace(dir.path(), &["check", "."]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("m.go:17:2: MR001"), "{stdout}");
    assert!(!stdout.contains("m.go:27"), "an unregistered type's methods are not concurrent:\n{stdout}");
}

#[test]
fn jobs_flag_sets_the_threads_not_the_findings() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("b/b.go", RACY.replace("package main", "package b").as_bytes())]);
    let one = maprace(dir.path(), &["check", "--jobs", "1", "./..."]);
    let three = maprace(dir.path(), &["check", "-j", "3", "./..."]);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(one.stdout, three.stdout);
    assert_eq!(maprace(dir.path(), &["check", "--jobs", "x", "."]).status.code(), Some(2), "a bad count is a usage error");
}
