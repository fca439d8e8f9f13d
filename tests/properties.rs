//! Properties of `check` over generated small Go programs built from the corpus's racy shapes
//! (a package map written by goroutines, a mutex-declaring type's map field, a map filled by
//! goroutines started in a loop):
//! - the findings do not depend on the order of the arguments nor on `--jobs`;
//! - renaming identifiers does not change which lines are reported;
//! - a correct `mu.Lock(); defer mu.Unlock()` around both sides of every reported race
//!   silences it.

use std::collections::BTreeSet;
use std::fs;

use maprace::check::{CheckOptions, check_paths};
use proptest::prelude::*;

/// `{name}` placeholders are identifiers; `{L}` is where the lock goes (on the access's own
/// line, so that line numbers do not move); the third field names the mutex there.
const SHAPES: &[(&str, &[&str], &str)] = &[
    (
        r#"package p

import "sync"

var {m} = map[string]int{}
var {mu} sync.Mutex

func {w1}() {
	{L}{m}["a"]++
}

func {w2}(k string) int {
	{L}return {m}[k]
}

func Run() {
	go {w1}()
	go {w1}()
	_ = {w2}("a")
}
"#,
        &["m", "mu", "w1", "w2"],
        "{mu}",
    ),
    (
        r#"package p

import "sync"

type {T} struct {
	{mu} sync.Mutex
	{m}  map[string]int
}

func ({s} *{T}) {Get}(k string) int {
	{L}return {s}.{m}[k]
}

func ({s} *{T}) {Put}(k string, v int) {
	{L}{s}.{m}[k] = v
}

func Use({s} *{T}) {
	go {s}.{Put}("a", 1)
	go {s}.{Put}("b", 2)
	_ = {s}.{Get}("a")
}
"#,
        &["T", "mu", "m", "s", "Get", "Put"],
        "{s}.{mu}",
    ),
    (
        r#"package p

import "sync"

func {F}(keys []string) map[string]int {
	{m} := map[string]int{}
	var {mu} sync.Mutex
	var {wg} sync.WaitGroup
	for _, {k} := range keys {
		{wg}.Add(1)
		go func() {
			defer {wg}.Done()
			{L}{m}[{k}] = len({k})
		}()
	}
	{wg}.Wait()
	return {m}
}
"#,
        &["F", "m", "mu", "wg", "k"],
        "{mu}",
    ),
];

/// The shape's source with `names[i]` for its i-th placeholder, locked or not.
fn render(shape: usize, names: &[String], locked: bool) -> String {
    let (src, holes, mu) = SHAPES[shape];
    let mut out = src.to_string();
    out = out.replace("{L}", &if locked { format!("{mu}.Lock(); defer {mu}.Unlock(); ") } else { String::new() });
    for (h, n) in holes.iter().zip(names) {
        out = out.replace(&format!("{{{h}}}"), n);
    }
    out
}

fn default_names(shape: usize) -> Vec<String> {
    SHAPES[shape].1.iter().map(|s| s.to_string()).collect()
}

/// (file name, line, rule) of every finding of `check` over `files` written to a module,
/// with the arguments in `order` and `jobs` threads.
fn findings(files: &[(String, String)], order: &[usize], jobs: usize) -> BTreeSet<(String, u32, String)> {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("go.mod"), "module example.com/prop\n\ngo 1.26\n").expect("go.mod");
    for (name, src) in files {
        let p = dir.path().join(name);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(&p, src).expect("write");
    }
    let args: Vec<String> = order.iter().map(|&i| dir.path().join(&files[i].0).display().to_string()).collect();
    let mut opts = CheckOptions::defaults();
    opts.jobs = jobs;
    let out = check_paths(&args, &opts);
    assert!(out.report.errors.is_empty(), "{:?}", out.report.errors);
    out.report
        .findings
        .iter()
        .map(|f| {
            let rel = f.file.strip_prefix(dir.path()).unwrap_or(&f.file).display().to_string();
            (rel, f.line, f.rule.to_string())
        })
        .collect()
}

fn lines(f: &BTreeSet<(String, u32, String)>) -> BTreeSet<(u32, String)> {
    f.iter().map(|(_, l, r)| (*l, r.clone())).collect()
}

#[test]
fn every_shape_is_reported_unlocked_and_silent_locked() {
    for s in 0..SHAPES.len() {
        let names = default_names(s);
        let racy = findings(&[("p/p.go".into(), render(s, &names, false))], &[0], 1);
        assert!(!racy.is_empty(), "shape {s} is not reported:\n{}", render(s, &names, false));
        let locked = findings(&[("p/p.go".into(), render(s, &names, true))], &[0], 1);
        assert!(locked.is_empty(), "shape {s} locked still reported: {locked:?}\n{}", render(s, &names, true));
    }
}

/// Identifiers that are not keywords, builtins nor each other: `x` + letters/digits + index.
fn names_for(shape: usize) -> impl Strategy<Value = Vec<String>> {
    let n = SHAPES[shape].1.len();
    prop::collection::vec("[A-Za-z][A-Za-z0-9_]{0,7}", n)
        .prop_map(|v| v.into_iter().enumerate().map(|(i, s)| format!("x{s}{i}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn renaming_identifiers_keeps_the_reported_lines(
        (shape, names) in (0..SHAPES.len()).prop_flat_map(|s| (Just(s), names_for(s))),
    ) {
        let base = findings(&[("p/p.go".into(), render(shape, &default_names(shape), false))], &[0], 1);
        let renamed = findings(&[("p/p.go".into(), render(shape, &names, false))], &[0], 1);
        prop_assert_eq!(lines(&base), lines(&renamed), "names {:?}", names);
        let locked = findings(&[("p/p.go".into(), render(shape, &names, true))], &[0], 1);
        prop_assert!(locked.is_empty(), "locked, renamed {:?}: {:?}", names, locked);
    }

    #[test]
    fn findings_do_not_depend_on_argument_order_or_jobs(
        order in Just((0..SHAPES.len() * 2).collect::<Vec<usize>>()).prop_shuffle(),
        jobs in 1usize..5,
    ) {
        // Each shape twice, in two packages: six files, two per shape.
        let files: Vec<(String, String)> = (0..SHAPES.len() * 2)
            .map(|i| (format!("p{i}/f.go"), render(i % SHAPES.len(), &default_names(i % SHAPES.len()), false)))
            .collect();
        let natural: Vec<usize> = (0..files.len()).collect();
        let base = findings(&files, &natural, 1);
        prop_assert!(!base.is_empty());
        prop_assert_eq!(&base, &findings(&files, &order, jobs));
    }
}
