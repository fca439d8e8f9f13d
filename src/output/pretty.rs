//! `--format pretty`: findings drawn over their source lines (annotate-snippets), for people
//! at a terminal. The go-vet text stays the default for tools and editors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::report::{Report, display_path};


/// Lines of context around each annotated line.
const CONTEXT: usize = 1;

pub fn render(report: &Report, base: &Path, color: bool) -> String {
    let mut sources: HashMap<PathBuf, Option<String>> = HashMap::new();
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for f in &report.findings {
        let src = sources.entry(f.file.clone()).or_insert_with(|| std::fs::read_to_string(&f.file).ok()).clone();
        let path = display_path(&f.file, base);
        let title = format!("{}: {}", f.name, f.message);
        let mut groups = Vec::new();
        let head = Level::WARNING.primary_title(title.as_str()).id(f.rule.to_string());
        let Some(src) = src else {
            // The file changed or vanished since the analysis: the plain line still names it.
            out.push_str(&format!("{path}:{}:{}: {title}\n", f.line, f.column));
            continue;
        };
        let mut lines: Vec<(u32, &str)> = vec![(f.line, "here")];
        for r in &f.related {
            if r.file == f.file {
                lines.push((r.line, r.message.as_str()));
            }
        }
        let (first, last) = lines.iter().fold((u32::MAX, 0), |(lo, hi), (l, _)| (lo.min(*l), hi.max(*l)));
        let start = (first as usize).saturating_sub(1 + CONTEXT) + 1;
        let end = (last as usize + CONTEXT).min(src.lines().count());
        if last as usize - first as usize > 40 {
            // Far apart: only the finding's own line.
            lines.truncate(1);
        }
        let (lo, hi) = if lines.len() == 1 {
            ((f.line as usize).saturating_sub(CONTEXT).max(1), (f.line as usize + CONTEXT).min(src.lines().count()))
        } else {
            (start, end)
        };
        let window: Vec<&str> = src.lines().skip(lo - 1).take(hi + 1 - lo).collect();
        let text = window.join("\n");
        let offset_of = |line: u32| -> Option<(usize, usize)> {
            let idx = (line as usize).checked_sub(lo)?;
            let before: usize = window.iter().take(idx).map(|l| l.len() + 1).sum();
            let len = window.get(idx)?.len();
            Some((before, before + len))
        };
        let mut snippet = Snippet::source(text.as_str()).line_start(lo).path(path.as_str());
        for (i, (line, label)) in lines.iter().enumerate() {
            let Some((s, e)) = offset_of(*line) else { continue };
            let s = if i == 0 { (s + f.column.saturating_sub(1) as usize).min(e) } else { s + window[(*line as usize) - lo].len() - window[(*line as usize) - lo].trim_start().len() };
            let kind = if i == 0 { AnnotationKind::Primary } else { AnnotationKind::Context };
            snippet = snippet.annotation(kind.span(s..e.max(s)).label(*label));
        }
        groups.push(head.element(snippet));
        let other: Vec<String> =
            f.related.iter().filter(|r| r.file != f.file).map(|r| format!("{}:{}: {}", display_path(&r.file, base), r.line, r.message)).collect();
        let fix = format!("fix: {}", f.fix);
        let mut notes = vec![Group::with_title(Level::HELP.secondary_title(fix.as_str()))];
        for o in &other {
            notes.push(Group::with_title(Level::NOTE.secondary_title(o.as_str())));
        }
        groups.extend(notes);
        out.push_str(&renderer.render(&groups));
        out.push_str("\n\n");
    }
    out
}
