//! `--format github`: one GitHub Actions workflow command per finding, which the runner shows
//! as an annotation on the line in the pull request. Escaping follows GitHub's toolkit
//! (`@actions/core` `command.ts`): data escapes `%`, `\r`, `\n`; property values also `:` and `,`.

use std::fmt::Write as _;
use std::path::Path;

use crate::report::Report;

pub fn render(report: &Report, base: &Path) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let mut message = format!("{} {}: {}", f.rule, f.name, f.message);
        let _ = write!(message, "\nfix: {}", f.fix);
        for r in &f.related {
            let _ = write!(message, "\n{}:{}: {}", super::repo_path(&r.file, base), r.line, r.message);
        }
        let _ = writeln!(
            out,
            "::error file={},line={},col={},title={}::{}",
            escape_property(&super::repo_path(&f.file, base)),
            f.line,
            f.column,
            escape_property(&f.rule.to_string()),
            escape_data(&message)
        );
    }
    for e in &report.errors {
        let _ = writeln!(
            out,
            "::error file={},title=maprace::{}",
            escape_property(&super::repo_path(&e.file, base)),
            escape_data(&e.message)
        );
    }
    out
}

/// A `::warning` at a line: what is not a finding but should be seen in the pull request
/// (a suppression comment that silences nothing).
pub fn warning(file: &str, line: u32, message: &str) -> String {
    format!("::warning file={},line={line},title=maprace::{}\n", escape_property(file), escape_data(message))
}

/// The message after `::`.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A `key=value` property: also `:` and `,`, which would end the value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
