//! Bad input through the binary (issue #11, item 3): each case is named in the errors with
//! its file and what was not analysed, the run goes on, findings in the good files of the same
//! run are still printed, and the exit code says so (2 when something was not analysed).
//! Large inputs are generated here, not stored; each case takes well under a few seconds in a
//! release build.

use std::fs;
use std::process::{Command, Output};

mod binary;
use binary::{maprace, text};

const RACY: &str = r#"package main

import "time"

var hits = map[string]int{}

func main() {
	go func() { hits["a"]++ }()
	hits["b"] = 1
	time.Sleep(time.Millisecond)
}
"#;

/// The finding RACY always yields.
const RACY_FINDING: &str = "main.go:9:2: MR001";

fn module(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.26\n").expect("write go.mod");
    for (name, body) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(p, body).expect("write file");
    }
    dir
}

/// The run did not crash, exited `code`, still reported RACY's finding, and (when `named` is
/// not empty) named that file in an error containing `what`.
#[track_caller]
fn assert_run(out: &Output, code: i32, named: &str, what: &str) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!stderr.contains("panicked") && !stderr.contains("internal error"), "crashed:\n{stderr}");
    assert_eq!(out.status.code(), Some(code), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(RACY_FINDING), "the good file's finding is lost:\n{stdout}\nstderr:\n{stderr}");
    if !named.is_empty() {
        assert!(
            stderr.lines().any(|l| l.starts_with("maprace: ") && l.contains(named) && l.contains(what)),
            "no error naming {named} with {what:?}:\n{stderr}"
        );
    }
}

/// xorshift: deterministic "random" bytes.
fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut s = seed;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

#[test]
fn random_bytes_are_named_and_the_rest_reported() {
    let binary = bytes(1, 4096);
    let ascii: Vec<u8> = bytes(2, 4096).into_iter().map(|b| b' ' + b % 95).collect();
    let dir = module(&[("main.go", RACY.as_bytes()), ("bin/r.go", &binary), ("asc/r.go", &ascii)]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "bin/r.go", "UTF-8");
    assert_run(&out, 2, "asc/r.go", "syntax error");
}

#[test]
fn invalid_utf8_names_the_position() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("latin1.go", b"package main\n\n// caf\xe9\n")]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "latin1.go", "not valid UTF-8 at 3:7");
}

#[test]
fn byte_order_mark_is_skipped_like_go_does() {
    let with_bom = format!("\u{feff}{RACY}");
    let dir = module(&[("main.go", with_bom.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn crlf_line_endings_keep_lines_and_columns() {
    let crlf = RACY.replace('\n', "\r\n");
    let dir = module(&[("main.go", crlf.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn nul_byte_is_an_error_and_the_rest_of_the_file_is_analysed() {
    let with_nul = RACY.replace("var hits", "// \0\nvar hits");
    let dir = module(&[("main.go", RACY.as_bytes()), ("n/nul.go", with_nul.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "nul.go", "NUL byte at 5:4");
    // The code after the NUL still parsed: the racy map of nul.go is reported too.
    assert!(text(&out.stdout).contains("nul.go:10:2: MR001"), "{}", text(&out.stdout));
}

/// One expression nested `depth` times with `open`/`close` around a core.
fn nested(open: &str, core: &str, close: &str, depth: usize) -> String {
    let mut s = String::with_capacity(depth * (open.len() + close.len()) + core.len());
    for _ in 0..depth {
        s.push_str(open);
    }
    s.push_str(core);
    for _ in 0..depth {
        s.push_str(close);
    }
    s
}

#[test]
fn expressions_nested_100000_deep_do_not_overflow_any_stack() {
    const DEPTH: usize = 100_000;
    let binary: String = std::iter::repeat_n("1+", DEPTH).collect::<String>() + "1";
    let cases = [
        ("parens", nested("(", "1", ")", DEPTH)),
        ("unary", nested("^", "1", "", DEPTH)),
        ("binary", binary),
        ("calls", nested("f(", "1", ")", DEPTH)),
        ("composite", nested("[]any{", "1", "}", DEPTH)),
        ("closures", nested("func() int { return ", "1", " }()", DEPTH)),
    ];
    let mut files: Vec<(String, Vec<u8>)> = vec![("main.go".into(), RACY.as_bytes().to_vec())];
    for (name, e) in &cases {
        let src = format!("package {name}\n\nfunc f(x any) any {{ return x }}\n\nvar X = {e}\n");
        files.push((format!("{name}/{name}.go"), src.into_bytes()));
    }
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let dir = module(&refs);
    let out = maprace(dir.path(), &["check", "./..."]);
    // Parentheses are unwrapped without depth; the others are cut at syntax::MAX_DEPTH and
    // named: part of the file was not analysed.
    assert_run(&out, 2, "unary.go", "nesting deeper than");
    for (name, _) in &cases[1..] {
        assert_run(&out, 2, &format!("{name}.go"), "nesting deeper than");
    }
    assert!(!text(&out.stderr).contains("parens.go"), "{}", text(&out.stderr));
}

#[test]
fn a_50_mb_file_is_skipped_when_generated_and_named_otherwise() {
    let line = "var _ = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}\n";
    let body: String = line.repeat(50 * 1024 * 1024 / line.len());
    let generated = format!("// Code generated by gen. DO NOT EDIT.\n\npackage big\n\n{body}");
    let dir = module(&[("main.go", RACY.as_bytes()), ("gen/big.go", generated.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    let handwritten = format!("package big\n\n{body}");
    fs::write(dir.path().join("gen/big.go"), handwritten).expect("write");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "big.go", "over the 16 MiB limit");
}

#[test]
fn half_a_million_statements_in_one_function() {
    let mut src = String::from("package many\n\nvar m = map[int]int{}\n\nfunc Many() {\n\tx := 0\n");
    for _ in 0..500_000 {
        src.push_str("\tx++\n");
    }
    src.push_str("\tm[x] = x\n}\n");
    let dir = module(&[("main.go", RACY.as_bytes()), ("many/many.go", src.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
}

#[test]
fn a_directory_named_x_go_is_a_directory() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("x.go/inner.go", b"package inner\n")]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    let out = maprace(dir.path(), &["check", "x.go", "."]);
    assert_run(&out, 1, "", "");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_named_and_do_not_hang() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    std::os::unix::fs::symlink("loop.go", dir.path().join("loop.go")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path().join("self")).expect("symlink");
    std::os::unix::fs::symlink("gone.go", dir.path().join("dangling.go")).expect("symlink");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "loop.go", "cannot follow symlink");
    assert_run(&out, 2, "dangling.go", "cannot follow symlink");
    let out = maprace(dir.path(), &["check", "."]);
    assert_run(&out, 2, "loop.go", "cannot follow symlink");
    let out = maprace(dir.path(), &["check", "loop.go", "main.go"]);
    assert_run(&out, 2, "loop.go", "cannot read argument");
}

/// Tests run as root in CI, and root reads mode-000 files: a FIFO named `.go` is the
/// unreadable file every user has (reading it would block forever), and the mode-000 case is
/// checked only when this process really cannot read the file.
#[cfg(unix)]
#[test]
fn unreadable_files_are_named_never_waited_on() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("locked/locked.go", b"package locked\n")]);
    let fifo = dir.path().join("pipe.go");
    let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "pipe.go", "not a regular file");
    let out = maprace(dir.path(), &["check", "pipe.go", "main.go"]);
    assert_run(&out, 2, "pipe.go", "not a regular file");
    fs::remove_file(&fifo).expect("rm fifo");

    use std::os::unix::fs::PermissionsExt;
    let locked = dir.path().join("locked/locked.go");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).expect("chmod");
    if fs::read(&locked).is_ok() {
        eprintln!("running as root: mode 000 does not stop reads here; the FIFO case above stands for it");
        return;
    }
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "locked.go", "cannot read");
}

#[test]
fn a_missing_path_is_named_and_the_others_analysed() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./nope/...", "."]);
    assert_run(&out, 2, "nope", "cannot read argument");
}

#[test]
fn an_empty_directory_is_named() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    fs::create_dir(dir.path().join("empty")).expect("mkdir");
    let out = maprace(dir.path(), &["check", "./empty", "."]);
    assert_run(&out, 2, "empty", "no Go files matched");
}

#[test]
fn no_go_mod_still_analyses() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("main.go"), RACY).expect("write");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn no_package_clause_is_an_error() {
    let dir = module(&[("main.go", RACY.as_bytes()), ("p/nopkg.go", b"// just a comment\n")]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "nopkg.go", "no package clause");
}

#[test]
fn syntax_errors_exit_2_after_the_findings() {
    let broken = format!("{RACY}\nfunc broken( {{\n");
    let dir = module(&[("main.go", broken.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 2, "main.go", "syntax error at");
    let out = maprace(dir.path(), &["check", "--format", "json", "./..."]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["findings"][0]["rule"], "MR001");
    let e = &v["errors"][0];
    assert!(e["file"].as_str().is_some_and(|f| f.ends_with("main.go")), "{e}");
    assert!(e["message"].as_str().is_some_and(|m| m.contains("syntax error at 13:")), "{e}");
}

#[test]
fn cgo_files_are_analysed() {
    let cgo = RACY.replace("import \"time\"", "// #include <stdlib.h>\nimport \"C\"\n\nimport \"time\"").replace(
        "hits[\"b\"] = 1",
        "hits[\"b\"] = int(C.rand())",
    );
    let dir = module(&[("main.go", RACY.as_bytes()), ("c/main.go", cgo.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    assert!(text(&out.stdout).contains("c/main.go:12:2: MR001"), "{}", text(&out.stdout));
}

#[test]
fn files_for_other_platforms_follow_the_target() {
    let tagged = format!("//go:build plan9\n\n{}", RACY.replace("package main", "package other"));
    let suffixed = RACY.replace("package main", "package other");
    let dir = module(&[("main.go", RACY.as_bytes()), ("o/a_plan9.go", suffixed.as_bytes()), ("t/b.go", tagged.as_bytes())]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_run(&out, 1, "", "");
    assert!(!text(&out.stdout).contains("a_plan9.go") && !text(&out.stdout).contains("b.go"), "{}", text(&out.stdout));
    let out = Command::new(env!("CARGO_BIN_EXE_maprace"))
        .args(["check", "./..."])
        .env("GOOS", "plan9")
        .current_dir(dir.path())
        .output()
        .expect("runs");
    assert!(text(&out.stdout).contains("a_plan9.go:9:2: MR001") && text(&out.stdout).contains("b.go:11:2: MR001"), "{}", text(&out.stdout));
    let out = maprace(dir.path(), &["check", "--all-platforms", "./..."]);
    assert!(text(&out.stdout).contains("a_plan9.go") && text(&out.stdout).contains("b.go"), "{}", text(&out.stdout));
}

/// `maprace explain | head -1`: a closed stdout ends the run quietly, as Unix tools do.
#[cfg(unix)]
#[test]
fn closed_stdout_is_not_a_panic() {
    let dir = module(&[("main.go", RACY.as_bytes())]);
    for args in [&["explain"][..], &["explain", "MR001"], &["check", "./..."], &["check", "--format", "json", "./..."]] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_maprace"))
            .args(args)
            .current_dir(dir.path())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .expect("runs");
        let stderr = text(&out.stderr);
        assert!(!stderr.contains("panicked") && !stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}
