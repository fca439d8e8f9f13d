//! The exact text a user reads for the article's three nested-map scenarios and the split-lock
//! lazy init, pinned with insta. A wording change shows up as a reviewed snapshot diff.

use std::path::Path;

use maprace::check::{CheckOptions, check_paths};

#[test]
fn article_scenarios_text_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let files: Vec<String> = ["corpus/mr002/article.go", "corpus/mr003/article.go", "corpus/mr004/article.go", "corpus/mr004/store.go"]
        .iter()
        .map(|f| root.join(f).display().to_string())
        .collect();
    let outcome = check_paths(&files, &CheckOptions::defaults());
    insta::assert_snapshot!(outcome.report.render_text(root));
}
