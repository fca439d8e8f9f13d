//! `maprace lab --asm NAME`: the runtime calls the compiler emits for a scenario's functions,
//! with and without `-race`, read from `go build -gcflags=-S`, and the race hooks inside the
//! runtime's own map functions, read from `go tool objdump`. Parsing and rendering are pure.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One `CALL` the compiler emitted: where (`main.go:25`) and to what (`runtime.mapassign_fast64`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Call {
    pub file: String,
    pub line: u32,
    pub target: String,
}

/// Calls worth showing: map operations, race hooks and sync primitives.
pub fn interesting(target: &str) -> bool {
    ["runtime.map", "runtime.makemap", "internal/runtime/maps.", "runtime.race", "sync.", "sync/atomic.", "internal/sync."]
        .iter()
        .any(|p| target.starts_with(p))
}

/// The interesting calls of every `main.` function in `-gcflags=-S` output, in output order.
pub fn parse_listing(listing: &str) -> Vec<(String, Vec<Call>)> {
    let mut funcs: Vec<(String, Vec<Call>)> = Vec::new();
    let mut current: Option<usize> = None;
    for line in listing.lines() {
        if !line.starts_with(['\t', ' ']) {
            current = None;
            if let Some((name, _)) = line.split_once(" STEXT")
                && name.starts_with("main.")
            {
                funcs.push((name.to_string(), Vec::new()));
                current = Some(funcs.len() - 1);
            }
            continue;
        }
        let Some(i) = current else { continue };
        let Some((before, after)) = line.split_once("\tCALL\t") else { continue };
        let target = after.trim().trim_end_matches("(SB)").to_string();
        if !interesting(&target) {
            continue;
        }
        let Some(pos) = before.rfind('(').map(|p| &before[p + 1..]) else { continue };
        let pos = pos.trim().trim_end_matches(')');
        let Some((path, line_no)) = pos.rsplit_once(':') else { continue };
        let file = path.rsplit('/').next().unwrap_or(path).to_string();
        let Ok(line_no) = line_no.parse() else { continue };
        funcs[i].1.push(Call { file, line: line_no, target });
    }
    funcs
}

/// `runtime.mapaccess1_faststr` → the race-related calls inside it, from `go tool objdump`.
pub fn parse_objdump(dump: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in dump.lines() {
        if let Some(rest) = line.strip_prefix("TEXT ") {
            let name = rest.split_whitespace().next().unwrap_or("").trim_end_matches("(SB)").to_string();
            out.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        let (Some(name), Some(pos)) = (&current, line.find("CALL ")) else { continue };
        let target = line[pos + 5..].split_whitespace().next().unwrap_or("").trim_end_matches("(SB)");
        if target.to_ascii_lowercase().contains("race") {
            let calls = out.entry(name.clone()).or_default();
            if !calls.iter().any(|c| c == target) {
                calls.push(target.to_string());
            }
        }
    }
    out
}

/// The runtime map functions a listing calls (what to disassemble).
pub fn runtime_map_functions(funcs: &[(String, Vec<Call>)]) -> Vec<String> {
    let mut names: Vec<String> = funcs
        .iter()
        .flat_map(|(_, calls)| calls)
        .filter(|c| c.target.starts_with("runtime.map") || c.target.starts_with("runtime.makemap"))
        .map(|c| c.target.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A `go tool objdump -s` regexp matching exactly `names`.
pub fn symbol_regexp(names: &[String]) -> String {
    let alts: Vec<String> = names.iter().map(|n| n.replace('.', "\\.")).collect();
    format!("^({})$", alts.join("|"))
}

fn join_calls(calls: &[&Call]) -> String {
    let mut parts: Vec<(String, usize)> = Vec::new();
    for c in calls {
        match parts.last_mut() {
            Some((t, n)) if *t == c.target => *n += 1,
            _ => parts.push((c.target.clone(), 1)),
        }
    }
    parts.into_iter().map(|(t, n)| if n > 1 { format!("{t} ×{n}") } else { t }).collect::<Vec<_>>().join(", ")
}

/// Side by side per function and source line: calls without `-race`, calls with it.
pub fn render(
    scenario: &str,
    header: &str,
    plain: &[(String, Vec<Call>)],
    race: &[(String, Vec<Call>)],
    inside: &Result<BTreeMap<String, Vec<String>>, String>,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{header}");
    let _ = writeln!(
        out,
        "Runtime calls the compiler emits for scenario {scenario} (go build -gcflags=-S; map, race and sync calls only)\n"
    );
    let mut names: Vec<&String> = plain.iter().map(|(n, _)| n).collect();
    for (n, _) in race {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    let calls_of = |funcs: &'_ [(String, Vec<Call>)], name: &str| -> Vec<Call> {
        funcs.iter().find(|(n, _)| n == name).map(|(_, c)| c.clone()).unwrap_or_default()
    };
    for name in names {
        let p = calls_of(plain, name);
        let r = calls_of(race, name);
        if p.is_empty() && r.is_empty() {
            continue;
        }
        let mut places: Vec<(String, u32)> = p.iter().chain(&r).map(|c| (c.file.clone(), c.line)).collect();
        places.sort_by(|a, b| (a.0 != "main.go", a.1, &a.0).cmp(&(b.0 != "main.go", b.1, &b.0)));
        places.dedup();
        let rows: Vec<(String, String, String)> = places
            .iter()
            .map(|(file, line)| {
                let at = |cs: &[Call]| join_calls(&cs.iter().filter(|c| &c.file == file && c.line == *line).collect::<Vec<_>>());
                (format!("{file}:{line}"), at(&p), at(&r))
            })
            .collect();
        let w0 = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0).max(5);
        let w1 = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0).max(13);
        let _ = writeln!(out, "{name}");
        let _ = writeln!(out, "  {:<w0$}  {:<w1$}  with -race", "where", "without -race");
        for (at, a, b) in rows {
            let a = if a.is_empty() { "-".to_string() } else { a };
            let b = if b.is_empty() { "-".to_string() } else { b };
            let _ = writeln!(out, "  {at:<w0$}  {a:<w1$}  {b}");
        }
        let _ = writeln!(out);
    }
    match inside {
        Ok(map) if !map.is_empty() => {
            let _ = writeln!(out, "Inside the runtime (race build, go tool objdump), each map function reports to the detector itself:");
            for (f, calls) in map {
                let calls = if calls.is_empty() { "no race call".to_string() } else { calls.join(", ") };
                let _ = writeln!(out, "  {f} -> {calls}");
            }
        }
        Ok(_) => {}
        Err(e) => {
            let _ = writeln!(out, "(could not disassemble the runtime's map functions: {e})");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "# command-line-arguments
main.main STEXT size=302 args=0x0 locals=0x50 funcid=0x0 align=0x0
\t0x0000 00000 (/tmp/x/main.go:5)\tTEXT\tmain.main(SB), ABIInternal, $88-0
\t0x0012 00018 (/tmp/x/main.go:6)\tCALL\truntime.makemap_small(SB)
\t0x0042 00066 (/tmp/x/main.go:6)\tCALL\truntime.mapassign_faststr(SB)
\t0x005a 00090 (/tmp/x/main.go:6)\tCALL\truntime.gcWriteBarrier2(SB)
\t0x0119 00281 (/usr/local/go/src/fmt/print.go:315)\tCALL\tfmt.Fprintln(SB)
\trel 19+4 t=R_CALL runtime.makemap_small+0
main.main.func2 STEXT size=113 args=0x0 locals=0x28 funcid=0x0 align=0x0
\t0x0025 00037 (/tmp/x/main.go:8)\tCALL\truntime.mapaccess1_faststr(SB)
\t0x0039 00057 (/tmp/x/main.go:8)\tCALL\truntime.mapassign_fast64(SB)
type:.eq.main.T STEXT dupok size=10
\t0x0000 00000 (<autogenerated>:1)\tCALL\truntime.memequal(SB)
go:cuinfo.producer.main SDWARD dupok size=0
";

    #[test]
    fn listing_keeps_map_calls_of_main_functions_with_their_lines() {
        let funcs = parse_listing(LISTING);
        assert_eq!(funcs.len(), 2);
        assert_eq!(funcs[0].0, "main.main");
        let targets: Vec<&str> = funcs[0].1.iter().map(|c| c.target.as_str()).collect();
        assert_eq!(targets, ["runtime.makemap_small", "runtime.mapassign_faststr"]);
        assert_eq!(funcs[0].1[1], Call { file: "main.go".into(), line: 6, target: "runtime.mapassign_faststr".into() });
        assert_eq!(funcs[1].0, "main.main.func2");
        assert_eq!(funcs[1].1.len(), 2);
        assert_eq!(
            runtime_map_functions(&funcs),
            ["runtime.makemap_small", "runtime.mapaccess1_faststr", "runtime.mapassign_fast64", "runtime.mapassign_faststr"]
        );
        assert_eq!(symbol_regexp(&["runtime.mapaccess1_faststr".into()]), "^(runtime\\.mapaccess1_faststr)$");
    }

    #[test]
    fn objdump_collects_race_calls_per_function() {
        let dump = "TEXT runtime.mapaccess1_faststr(SB) /usr/local/go/src/internal/runtime/maps/runtime_faststr.go
  runtime_faststr.go:105\t0x446dc9\t\te892cb0600\t\tCALL internal/race.ReadPC(SB)\t
  runtime_faststr.go:118\t0x446eac\t\te8afc2ffff\t\tCALL internal/runtime/maps.(*Map).getWithoutKeySmallFastStr(SB)
TEXT runtime.makemap_small(SB) /usr/local/go/src/runtime/map.go
  map.go:10\t0x1\t\te8\t\tCALL runtime.newobject(SB)
";
        let m = parse_objdump(dump);
        assert_eq!(m["runtime.mapaccess1_faststr"], ["internal/race.ReadPC"]);
        assert!(m["runtime.makemap_small"].is_empty());
    }

    #[test]
    fn render_puts_both_builds_side_by_side() {
        let plain = parse_listing(LISTING);
        let race_listing = LISTING.replace(
            "\tCALL\truntime.mapassign_fast64(SB)",
            "\tCALL\truntime.mapassign_fast64(SB)\n\t0x0040 00064 (/tmp/x/main.go:8)\tCALL\truntime.racewrite(SB)",
        );
        let race = parse_listing(&race_listing);
        let text = render("s1", "go1.26.8 linux/amd64", &plain, &race, &Ok(BTreeMap::new()));
        let line8 = text.lines().find(|l| l.trim_start().starts_with("main.go:8")).expect("line 8 row");
        assert!(line8.contains("runtime.mapaccess1_faststr, runtime.mapassign_fast64  "), "{line8}");
        assert!(line8.ends_with("runtime.mapassign_fast64, runtime.racewrite"), "{line8}");
    }
}
