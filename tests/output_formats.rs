//! Every output format of `check` and `race`'s shared layer, through the binary: SARIF
//! validated against the OASIS SARIF 2.1.0 schema (tests/data), GitHub workflow commands,
//! the versioned JSON, pretty and text.

use std::fs;
use std::path::Path;

use maprace::rules::RuleId;

mod binary;
use binary::{maprace, text};

/// A module holding corpus/mr004/store.go (five MR004, each with the check as its other side),
/// corpus/mr005/templates.go (a lower-confidence MR005 at line 22, shown with `--level all`)
/// and a racy file with a `%`, `:` and `,` in its name to exercise the escaping.
fn module() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    fs::write(dir.path().join("go.mod"), "module example.com/m\n\ngo 1.22\n").expect("go.mod");
    fs::create_dir_all(dir.path().join("store")).expect("mkdir");
    fs::copy(root.join("corpus/mr004/store.go"), dir.path().join("store/store.go")).expect("copy corpus case");
    fs::create_dir_all(dir.path().join("tmpl")).expect("mkdir");
    fs::copy(root.join("corpus/mr005/templates.go"), dir.path().join("tmpl/templates.go")).expect("copy corpus case");
    fs::write(
        dir.path().join("odd%name,x.go"),
        "package main\n\nimport \"time\"\n\nvar hits = map[string]int{}\n\nfunc main() {\n\tgo func() { hits[\"a\"]++ }()\n\thits[\"b\"] = 1\n\ttime.Sleep(time.Millisecond)\n}\n",
    )
    .expect("racy file");
    dir
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let dir = module();
    // --level all: the lower-confidence finding is in the document too, as a `note`.
    let out = maprace(dir.path(), &["check", "--format", "sarif", "--level", "all", "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");

    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let schema: serde_json::Value = serde_json::from_str(&fs::read_to_string(schema_path).expect("schema")).expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF does not validate:\n{}", errors.join("\n"));
    // The validator does bite: a level SARIF does not know is rejected.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    assert!(!validator.is_valid(&broken), "the schema check accepts anything");

    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "maprace");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"].as_str().is_some_and(|u| u.starts_with("https://")));
    let rules = driver["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), RuleId::all().len(), "one rules entry per rule of the registry");
    for (r, id) in rules.iter().zip(RuleId::all()) {
        assert_eq!(r["id"], id.to_string());
        assert_eq!(r["name"], id.doc().name);
        assert_eq!(r["shortDescription"]["text"], id.doc().summary);
        let full = r["fullDescription"]["text"].as_str().unwrap_or("");
        assert!(full.len() > id.doc().summary.len() / 2 && !full.contains("## "), "the doc's \"What it finds\": {full}");
        assert!(r["help"]["text"].as_str().is_some_and(|h| h.contains(id.doc().fix)), "help carries the fix: {r}");
    }
    let results = doc["runs"][0]["results"].as_array().expect("results");
    let mr004: Vec<&serde_json::Value> = results.iter().filter(|r| r["ruleId"] == "MR004").collect();
    assert_eq!(mr004.len(), 5, "{results:?}");
    let first = mr004[0];
    assert_eq!(first["level"], "warning");
    assert_eq!(first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "store/store.go");
    assert_eq!(first["locations"][0]["physicalLocation"]["region"]["startLine"], 24);
    assert!(first["locations"][0]["physicalLocation"]["region"]["startColumn"].is_number());
    assert_eq!(first["relatedLocations"][0]["physicalLocation"]["region"]["startLine"], 19, "the check is the other side");
    assert!(first["partialFingerprints"]["maprace/v1"].is_string());
    // The level follows the confidence: a lower-confidence finding is a note.
    let at = |r: &serde_json::Value| {
        let l = &r["locations"][0]["physicalLocation"];
        (l["artifactLocation"]["uri"].as_str().unwrap_or("").to_string(), l["region"]["startLine"].as_u64().unwrap_or(0))
    };
    let low = results.iter().find(|r| at(r) == ("tmpl/templates.go".to_string(), 22)).expect("the want-low MR005 of templates.go");
    assert_eq!((&low["level"], &low["properties"]["confidence"]), (&serde_json::json!("note"), &serde_json::json!("low")), "{low}");
    let high = results.iter().find(|r| at(r) == ("tmpl/templates.go".to_string(), 37)).expect("the MR005 of templates.go:37");
    assert_eq!((&high["level"], &high["properties"]["confidence"]), (&serde_json::json!("warning"), &serde_json::json!("high")), "{high}");
    let odd = results.iter().find(|r| r["ruleId"] == "MR001").expect("the racy file's MR001");
    assert_eq!(odd["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "odd%25name,x.go");
}

#[test]
fn github_annotations_one_per_finding_escaped() {
    let dir = module();
    let out = maprace(dir.path(), &["check", "--format", "github", "./..."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("::error file=")), "{stdout}");
    assert!(lines.contains(&"::error file=store/store.go,line=24,col=3,title=MR004::MR004 racy-lazy-init: r.rooms[room] is created here under Lock at store/store.go:21 but was checked at store/store.go:19 outside this critical section, without a re-check; two goroutines can both create it and one's entries are lost%0Afix: hold Lock across the check and the store; or re-check after Lock; or sync.Once per key; or sync.Map.LoadOrStore; or compare-and-swap an atomic.Pointer to a copied map%0Astore/store.go:19: the check of the same entry"), "{stdout}");
    assert!(stdout.contains("::error file=odd%25name%2Cx.go,line=9,"), "property escaping of % and ,: {stdout}");
    let findings = maprace(dir.path(), &["check", "--format", "json", "./..."]);
    let v: serde_json::Value = serde_json::from_slice(&findings.stdout).expect("json");
    assert_eq!(lines.len(), v["findings"].as_array().map_or(0, Vec::len), "one command per finding");
}

#[test]
fn json_carries_its_schema_version_and_fingerprints() {
    let dir = module();
    let out = maprace(dir.path(), &["check", "--format", "json", "./..."]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"], "maprace");
    let f = &v["findings"][0];
    for key in ["rule", "name", "file", "line", "column", "message", "related", "fix", "evidence", "fingerprint"] {
        assert!(!f[key].is_null(), "finding lacks {key}: {f}");
    }
    assert!(v["errors"].is_array());
}

#[test]
fn pretty_and_text_show_the_same_findings() {
    let dir = module();
    let pretty = maprace(dir.path(), &["check", "--format", "pretty", "store/..."]);
    assert_eq!(pretty.status.code(), Some(1));
    let p = text(&pretty.stdout);
    assert!(p.contains("MR004") && p.contains("store/store.go:24"), "{p}");
    let plain = maprace(dir.path(), &["check", "store/..."]);
    assert_eq!(text(&plain.stdout).matches(": MR004 racy-lazy-init:").count(), 5);
}

#[test]
fn race_accepts_every_format_flag() {
    // The flag is parsed by the same enum; running it needs Go, which tests/race_cli.rs covers.
    let dir = module();
    for f in ["text", "json", "pretty", "sarif", "github"] {
        let out = maprace(dir.path(), &["race", "--format", f, "--analyze", "nonexistent-dir"]);
        assert_eq!(out.status.code(), Some(2), "{f}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("invalid value"), "{f}: {}", text(&out.stderr));
    }
}
