//! The lab chart the README embeds: per row, the share of runs `-race` reported, the share of
//! runs that lost updates, and maprace check's verdict. Hand-written SVG, no dependencies.

use std::fmt::Write as _;

use super::measure::{LabReport, RowResult};
use super::render::header;
use super::scenario::Expected;

const ROW_H: u32 = 22;
const TOP: u32 = 74;
const LABEL_W: u32 = 250;
const BAR_W: u32 = 200;
const GAP: u32 = 30;
const VERDICT_W: u32 = 230;
const WIDTH: u32 = LABEL_W + 2 * (BAR_W + GAP) + VERDICT_W + 10;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn rate(n: u32, of: u32) -> f64 {
    if of == 0 { 0.0 } else { f64::from(n) / f64::from(of) }
}

fn bar(out: &mut String, x: u32, y: u32, share: f64, colour: &str, label: &str) {
    let w = (share.clamp(0.0, 1.0) * f64::from(BAR_W)).round();
    let _ = writeln!(out, r##"<rect x="{x}" y="{}" width="{BAR_W}" height="14" fill="#eeeeee"/>"##, y + 3);
    if w > 0.0 {
        let _ = writeln!(out, r##"<rect x="{x}" y="{}" width="{w}" height="14" fill="{colour}"/>"##, y + 3);
    }
    let _ = writeln!(out, r##"<text x="{}" y="{}" class="v">{}</text>"##, x + 4, y + 14, esc(label));
}

/// (text, colour) of maprace check's verdict for a row.
fn verdict(x: &RowResult) -> (String, &'static str) {
    let rules = x.check.rules.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
    match (x.row.expected, x.check.flagged()) {
        _ if x.check.error.is_some() => ("check failed".into(), "#d62728"),
        (Expected::Racy, true) => (format!("\u{2713} caught ({rules})"), "#2ca02c"),
        (Expected::Racy, false) => ("\u{2717} missed".into(), "#d62728"),
        (Expected::Safe, false) => ("\u{2713} quiet".into(), "#2ca02c"),
        (Expected::Safe, true) => (format!("\u{2717} false positive ({rules})"), "#d62728"),
    }
}

pub fn chart(r: &LabReport) -> String {
    let height = TOP + ROW_H * r.rows.len() as u32 + 16;
    let x_race = LABEL_W;
    let x_lost = LABEL_W + BAR_W + GAP;
    let x_verdict = x_lost + BAR_W + GAP;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"##
    );
    let _ = writeln!(
        out,
        "<style>.v{{font-size:11px;fill:#222}} .h{{font-weight:bold}} .safe{{fill:#666;font-style:italic}}</style>"
    );
    let _ = writeln!(out, r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let _ = writeln!(out, r##"<text x="10" y="20" class="h" font-size="14">Who catches which Go map bug: go run -race vs maprace check</text>"##);
    let _ = writeln!(out, r##"<text x="10" y="38" class="v">{}</text>"##, esc(&header(r)));
    let _ = writeln!(out, r##"<text x="10" y="{}" class="h">scenario</text>"##, TOP - 10);
    let _ = writeln!(out, r##"<text x="{x_race}" y="{}" class="h">-race reported (share of runs)</text>"##, TOP - 10);
    let _ = writeln!(out, r##"<text x="{x_lost}" y="{}" class="h">lost updates (share of runs)</text>"##, TOP - 10);
    let _ = writeln!(out, r##"<text x="{x_verdict}" y="{}" class="h">maprace check</text>"##, TOP - 10);
    for (i, x) in r.rows.iter().enumerate() {
        let y = TOP + ROW_H * i as u32;
        if i % 2 == 1 {
            let _ = writeln!(out, r##"<rect x="0" y="{y}" width="{WIDTH}" height="{ROW_H}" fill="#f7f7f7"/>"##);
        }
        let (class, suffix) = match x.row.expected {
            Expected::Racy => ("v", String::new()),
            Expected::Safe => ("v safe", " (safe)".to_string()),
        };
        let _ = writeln!(out, r##"<text x="10" y="{}" class="{class}">{}{}</text>"##, y + 15, esc(&x.row.name), suffix);
        let t = &x.tally;
        let mut label = format!("{}/{}", t.race_reports, t.runs);
        if t.fatal_crashes > 0 {
            label.push_str(&format!(", {} map crash{}", t.fatal_crashes, if t.fatal_crashes == 1 { "" } else { "es" }));
        }
        bar(&mut out, x_race, y, rate(t.race_reports, t.runs), "#1f77b4", &label);
        if t.lost_update_reported > 0 {
            bar(&mut out, x_lost, y, rate(t.lost_update_runs, t.runs), "#ff7f0e", &format!("{}/{}", t.lost_update_runs, t.runs));
        } else {
            let _ = writeln!(out, r##"<text x="{}" y="{}" class="v">-</text>"##, x_lost + 4, y + 15);
        }
        let (text, colour) = verdict(x);
        let _ = writeln!(out, r##"<text x="{x_verdict}" y="{}" fill="{colour}">{}</text>"##, y + 15, esc(&text));
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::render::tests::sample;

    #[test]
    fn chart_has_a_bar_per_measured_share_and_a_verdict_per_row() {
        let svg = chart(&sample());
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        // s3-split-lock: no race reports (no coloured bar), 4/5 lost-update runs: 160 px of 200.
        assert!(svg.contains(r##"width="160" height="14" fill="#ff7f0e""##));
        // s1-waitgroup: reported in every run: a full bar.
        assert!(svg.contains(r##"width="200" height="14" fill="#1f77b4""##));
        assert!(svg.contains(">5/5, 1 map crash<"));
        assert!(svg.contains("\u{2713} caught (MR004)"));
        assert!(svg.contains("\u{2717} missed"));
        assert!(svg.contains("safe-once (safe)"));
        assert!(svg.contains("title") || svg.contains("scenario"));
        assert!(!svg.contains("| piped"), "titles are not drawn, names are");
    }
}
