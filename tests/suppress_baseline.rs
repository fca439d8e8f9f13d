//! Suppression comments and baselines as a team adopting maprace uses them, through the
//! binary: `//maprace:ignore`, `//nolint`, `--report-unused-ignores`, `--write-baseline` then
//! `--baseline` across edits that move findings, and a new race that must still fail the run.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

mod binary;
use binary::{maprace, text};

fn corpus_case(rel: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A module with corpus/mr004/store.go as `store/store.go`: five MR004 findings.
fn store_module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    fs::create_dir_all(dir.path().join("store")).expect("mkdir");
    fs::write(dir.path().join("store/store.go"), corpus_case("corpus/mr004/store.go")).expect("store.go");
    dir
}

fn count(out: &Output, rule: &str) -> usize {
    text(&out.stdout).matches(&format!(": {rule} ")).count()
}

fn edit(dir: &Path, f: impl FnOnce(String) -> String) {
    let p = dir.join("store/store.go");
    let src = fs::read_to_string(&p).expect("read");
    fs::write(&p, f(src)).expect("write");
}

/// The store of corpus/mr004/store.go's first case, as the corpus writes it (with its want).
const STORE_LINE: &str =
    "\t\tr.rooms[room] = make(map[string]*Conn) // want \"MR004\" `^r\\.rooms\\[room\\] is created here under Lock .* but was checked .* outside this critical section`";

#[test]
fn baseline_survives_edits_above_and_reformatting_and_catches_new_races() {
    let dir = store_module();
    let before = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(before.status.code(), Some(1));
    assert_eq!(count(&before, "MR004"), 5);

    let w = maprace(dir.path(), &["check", "--write-baseline", "maprace-baseline.json", "./..."]);
    assert_eq!(w.status.code(), Some(0), "{}", text(&w.stderr));
    assert!(text(&w.stderr).contains("recorded 5 finding(s)"), "{}", text(&w.stderr));

    // Unrelated edits: lines added above every finding, a line reformatted (spacing, comment).
    edit(dir.path(), |src| {
        let src = src.replacen("import (", "// Package store keeps rooms.\n//\n// More lines above every finding.\n\nimport (\n\t\"fmt\"\n", 1);
        let src = src.replace(STORE_LINE, "\t\tr.rooms[room]   =   make(map[string]*Conn)   // created lazily");
        src + "\nfunc describe() string { return fmt.Sprint(\"rooms\") }\n"
    });
    let moved = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(count(&moved, "MR004"), 5, "the edit did not fix anything: {}", text(&moved.stdout));
    assert!(!text(&moved.stdout).contains("store.go:24:"), "the findings moved down");
    let after = maprace(dir.path(), &["check", "--baseline", "maprace-baseline.json", "./..."]);
    assert_eq!(after.status.code(), Some(0), "stdout: {}\nstderr: {}", text(&after.stdout), text(&after.stderr));
    assert!(after.stdout.is_empty(), "{}", text(&after.stdout));
    assert!(text(&after.stderr).contains("5 finding(s) recorded"), "{}", text(&after.stderr));

    // A new racy function: reported and failing, while the old ones stay quiet.
    edit(dir.path(), |src| {
        src + r#"
// Feeds is a new type with the same split-lock lazy init.
type Feeds struct {
	mu    sync.RWMutex
	feeds map[string]map[string]int
}

func (f *Feeds) Add(feed, item string) {
	f.mu.RLock()
	_, ok := f.feeds[feed]
	f.mu.RUnlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	if !ok {
		f.feeds[feed] = make(map[string]int)
	}
	f.feeds[feed][item]++
}
"#
    });
    let new = maprace(dir.path(), &["check", "--baseline", "maprace-baseline.json", "./..."]);
    assert_eq!(new.status.code(), Some(1), "{}", text(&new.stderr));
    assert_eq!(count(&new, "MR004"), 1, "{}", text(&new.stdout));
    assert!(text(&new.stdout).contains("f.feeds[feed]"), "{}", text(&new.stdout));
}

#[test]
fn identical_findings_are_counted_not_merged() {
    // Two copies of the same racy line in one function: two fingerprints, so fixing one of
    // them does not hide the other, and adding a third copy is new.
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    let src = "package main\n\nimport \"time\"\n\nvar hits = map[string]int{}\n\nfunc main() {\n\tgo func() { hits[\"a\"]++ }()\n\thits[\"b\"] = 1\n\ttime.Sleep(time.Millisecond)\n\thits[\"b\"] = 1\n}\n";
    fs::write(dir.path().join("main.go"), src).expect("main.go");
    let out = maprace(dir.path(), &["check", "--format", "json", "./..."]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let fps: Vec<&str> = v["findings"].as_array().expect("findings").iter().filter_map(|f| f["fingerprint"].as_str()).collect();
    let mut unique = fps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(fps.len(), unique.len(), "{fps:?}");
}

#[test]
fn ignore_comments_silence_their_line_and_the_next() {
    let dir = store_module();
    edit(dir.path(), |src| {
        // Same line, a rule list.
        let src = src.replace(STORE_LINE, "\t\tr.rooms[room] = make(map[string]*Conn) //maprace:ignore MR004,MR001 rooms are created at start-up only");
        // Line above, every rule.
        let src = src.replacen("\t\ts.byName[name] = inner", "\t\t//maprace:ignore single writer goroutine\n\t\ts.byName[name] = inner", 1);
        // golangci-lint forms.
        let src = src.replacen("\t\ts.topics[topic] = subs", "\t\ts.topics[topic] = subs //nolint:errcheck,maprace // reviewed", 1);
        let src = src.replacen("\t\tix.pages[tenant] = map", "\t\t//nolint\n\t\tix.pages[tenant] = map", 1);
        // A different rule's id does not silence MR004.
        src.replacen("ix.m[k] = map[string][]V{tag: {v}} // want \"MR004\" `^ix\\.m\\[k\\] is created here under Lock .* but was checked .* outside this critical section`", "ix.m[k] = map[string][]V{tag: {v}} //maprace:ignore MR001 wrong rule", 1)
    });
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(count(&out, "MR004"), 1, "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("ix.m[k]"), "{}", text(&out.stdout));
}

#[test]
fn an_ignore_without_a_reason_works_and_is_warned_about() {
    let dir = store_module();
    edit(dir.path(), |src| src.replace(STORE_LINE, "\t\tr.rooms[room] = make(map[string]*Conn) //maprace:ignore MR004"));
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(count(&out, "MR004"), 4);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("store.go:24: //maprace:ignore MR004 has no reason"), "{stderr}");
}

#[test]
fn unused_ignores_are_listed_and_fail_the_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    let clean = "package main\n\nfunc main() {\n\tm := map[string]int{}\n\tm[\"a\"] = 1 //maprace:ignore MR001 was racy once\n\t//nolint:maprace\n\tprintln(len(m)) //nolint:errcheck\n}\n";
    fs::write(dir.path().join("main.go"), clean).expect("main.go");
    let plain = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain.stderr));
    let out = maprace(dir.path(), &["check", "--report-unused-ignores", "./..."]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("main.go:5: //maprace:ignore MR001 matches no finding"), "{stderr}");
    assert!(stderr.contains("main.go:6: //nolint matches no finding"), "{stderr}");
    assert!(!stderr.contains("main.go:7"), "a nolint for another linter is not ours: {stderr}");
    let gh = maprace(dir.path(), &["check", "--report-unused-ignores", "--format", "github", "./..."]);
    assert!(text(&gh.stdout).contains("::warning file=main.go,line=5,title=maprace::"), "{}", text(&gh.stdout));
    // With MR001 not selected, its ignore is not called unused.
    let only = maprace(dir.path(), &["check", "--report-unused-ignores", "--rule", "MR004", "./..."]);
    assert!(!text(&only.stderr).contains("main.go:5"), "{}", text(&only.stderr));
}

#[test]
fn a_bad_baseline_file_is_exit_2_naming_it() {
    let dir = store_module();
    let out = maprace(dir.path(), &["check", "--baseline", "missing.json", "./..."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("missing.json") && text(&out.stderr).contains("--write-baseline"), "{}", text(&out.stderr));
    fs::write(dir.path().join("junk.json"), "{").expect("write");
    let out = maprace(dir.path(), &["check", "--baseline", "junk.json", "./..."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("junk.json"), "{}", text(&out.stderr));
}

#[test]
fn baseline_survives_gofmt() {
    // Written on badly formatted code (spaces for tabs, extra spaces), checked after `gofmt -w`.
    let dir = store_module();
    edit(dir.path(), |src| {
        src.lines()
            .map(|l| {
                let indent = l.len() - l.trim_start_matches('\t').len();
                format!("{}{}\n", "    ".repeat(indent), l.trim_start_matches('\t').replace(" = ", "  =  ").replace("(", "( "))
            })
            .collect()
    });
    let before = maprace(dir.path(), &["check", "--write-baseline", "b.json", "./..."]);
    assert!(text(&before.stderr).contains("recorded 5 finding(s)"), "{}", text(&before.stderr));
    let fmt = Command::new("gofmt").args(["-w", "store/store.go"]).current_dir(dir.path()).output().expect("gofmt runs (Go on PATH)");
    assert!(fmt.status.success(), "{}", text(&fmt.stderr));
    let formatted = fs::read_to_string(dir.path().join("store/store.go")).expect("read");
    assert!(formatted.contains(STORE_LINE), "gofmt restored the original: {formatted}");
    let after = maprace(dir.path(), &["check", "--baseline", "b.json", "./..."]);
    assert_eq!(after.status.code(), Some(0), "{}", text(&after.stdout));
}
