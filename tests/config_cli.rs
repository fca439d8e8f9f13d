//! `.maprace.toml` as a user writes it, through the binary: found by walking up from the
//! target to the module root, rules enabled and disabled, excluded paths, extra concurrent
//! APIs, errors that name the file, key and line; `.maprace.json` still read, with a note.

use std::fs;

mod binary;
use binary::{maprace, text};

const RACY: &str = "package main\n\nimport \"time\"\n\nvar hits = map[string]int{}\n\nfunc main() {\n\tgo func() { hits[\"a\"]++ }()\n\thits[\"b\"] = 1\n\ttime.Sleep(time.Millisecond)\n}\n";

/// Callbacks run concurrently by an API outside the module: silent unless named.
const POOL: &str = "package main\n\nimport \"example.com/lib/pool\"\n\nfunc main() {\n\tseen := map[string]bool{}\n\tpool.ForEach([]string{\"a\", \"b\"}, func(s string) {\n\t\tseen[s] = true\n\t})\n}\n";

fn module(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    for (name, body) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, body).expect("write");
    }
    dir
}

#[test]
fn checks_disable_a_rule_and_exclude_drops_a_directory() {
    let dir = module(&[("main.go", RACY), ("legacy/old.go", &RACY.replace("package main", "package legacy").replace("func main()", "func Old()"))]);
    let all = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(all.status.code(), Some(1));
    assert!(text(&all.stdout).contains("legacy/old.go"), "{}", text(&all.stdout));

    fs::write(dir.path().join(".maprace.toml"), "# staticcheck-style\nexclude = [\"legacy/...\"]\n").expect("config");
    let excluded = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(excluded.status.code(), Some(1));
    assert!(!text(&excluded.stdout).contains("legacy/"), "{}", text(&excluded.stdout));
    assert!(text(&excluded.stdout).contains("main.go:9"), "{}", text(&excluded.stdout));

    fs::write(dir.path().join(".maprace.toml"), "checks = [\"all\", \"-MR001\"]\nlevel = \"default\"\n").expect("config");
    let disabled = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(disabled.status.code(), Some(0), "{}", text(&disabled.stdout));
}

#[test]
fn found_by_walking_up_from_the_target_to_the_module_root() {
    let dir = module(&[("cmd/app/main.go", RACY)]);
    fs::write(dir.path().join(".maprace.toml"), "checks = [\"-unguarded-map-access\"]\n").expect("config");
    let out = maprace(&dir.path().join("cmd/app"), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "the root's config applies below it: {}", text(&out.stdout));
    // A nearer config wins.
    fs::write(dir.path().join("cmd/.maprace.toml"), "checks = [\"all\"]\n").expect("config");
    let out = maprace(dir.path(), &["check", "cmd/..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
}

#[test]
fn concurrent_and_lock_wrappers_are_read() {
    let dir = module(&[("main.go", POOL)]);
    assert_eq!(maprace(dir.path(), &["check", "./..."]).status.code(), Some(0));
    fs::write(dir.path().join(".maprace.toml"), "concurrent = [\"pool.ForEach\"]\nlock_wrappers = [\"pool.withLock\"]\nlevel = \"all\"\n").expect("config");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("MR001"), "{}", text(&out.stdout));
}

#[test]
fn unknown_keys_and_bad_values_name_the_file_key_and_line() {
    let dir = module(&[("main.go", RACY)]);
    let cases = [
        ("level = \"default\"\n\nchecks_typo = [\"all\"]\n", "line 3", "checks_typo"),
        ("checks = [\"all\",\n  \"-MR999\"]\n", "line 2", "MR999"),
        ("level = \"paranoid\"\n", "line 1", "level"),
        ("\nconcurrent = \"ext.Submit\"\n", "line 2", "concurrent"),
    ];
    for (body, line, key) in cases {
        fs::write(dir.path().join(".maprace.toml"), body).expect("config");
        let out = maprace(dir.path(), &["check", "./..."]);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{body}: {stderr}");
        assert!(stderr.contains(".maprace.toml") && stderr.contains(line) && stderr.contains(key), "{body}: {stderr}");
    }
}

#[test]
fn the_json_config_still_works_with_a_deprecation_note() {
    let dir = module(&[("main.go", POOL)]);
    fs::write(dir.path().join(".maprace.json"), "{\"concurrent\": [\"ForEach\"]}").expect("config");
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(".maprace.json is deprecated"), "{}", text(&out.stderr));
}

/// A store whose writes go through a lock wrapper of a library the module does not contain:
/// the analysis cannot see that `Do` holds a lock while it runs the callback.
const WRAPPED: &str = r#"package main

import "example.com/ext/txn"

type Store struct {
	tx *txn.Txn
	m  map[string]int
}

func (s *Store) Put(k string) {
	s.tx.Do(func() {
		s.m[k]++
	})
}

func main() {
	s := &Store{m: map[string]int{}}
	go s.Put("a")
	s.Put("b")
}
"#;

#[test]
fn lock_wrappers_run_their_callbacks_under_a_lock() {
    let dir = module(&[("main.go", WRAPPED)]);
    let out = maprace(dir.path(), &["check", "./..."]);
    assert_eq!(out.status.code(), Some(1), "without the config the writes race: {}", text(&out.stdout));
    for entry in ["ext/txn.(*Txn).Do", "Do"] {
        fs::write(dir.path().join(".maprace.toml"), format!("lock_wrappers = [\"{entry}\"]\n")).expect("config");
        let out = maprace(dir.path(), &["check", "./..."]);
        assert_eq!(out.status.code(), Some(0), "{entry}: {}{}", text(&out.stdout), text(&out.stderr));
    }
}
