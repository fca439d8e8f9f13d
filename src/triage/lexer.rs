//! Just enough Go lexing over raw text for the triage passes: where a line's comment starts
//! and how braces nest, skipping strings, runes and comments. Never fails: odd input only
//! makes the answers approximate.

/// Byte offset of the `//` that starts a line comment on `line`, if any (not inside a string,
/// rune or raw string that starts on this line).
pub fn comment_start(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' | b'\'' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => return Some(i),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // A block comment on one line: skip it; an unclosed one hides the rest.
                match line[i + 2..].find("*/") {
                    Some(end) => i = i + 2 + end + 1,
                    None => return None,
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The code of a line without its comment, whitespace removed: what a fingerprint keeps of
/// the reported line, so `gofmt` and comment edits do not change it.
pub fn normalized_code(line: &str) -> String {
    let code = match comment_start(line) {
        Some(i) => &line[..i],
        None => line,
    };
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Brace depth at the start of every line (index 0 = line 1), skipping strings, runes, raw
/// strings and comments, which may span lines.
pub fn depth_at_line_starts(text: &str) -> Vec<u32> {
    let b = text.as_bytes();
    let mut depths = vec![0u32];
    let mut depth: u32 = 0;
    let mut i = 0;
    #[derive(PartialEq)]
    enum In {
        Code,
        Raw,
        Block,
    }
    let mut state = In::Code;
    while i < b.len() {
        let c = b[i];
        if c == b'\n' {
            depths.push(depth);
            i += 1;
            continue;
        }
        match state {
            In::Raw => {
                if c == b'`' {
                    state = In::Code;
                }
            }
            In::Block => {
                if c == b'*' && b.get(i + 1) == Some(&b'/') {
                    state = In::Code;
                    i += 1;
                }
            }
            In::Code => match c {
                b'{' => depth += 1,
                b'}' => depth = depth.saturating_sub(1),
                b'`' => state = In::Raw,
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    state = In::Block;
                    i += 1;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'"' | b'\'' => {
                    let q = c;
                    i += 1;
                    while i < b.len() && b[i] != q && b[i] != b'\n' {
                        if b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    if i < b.len() && b[i] == b'\n' {
                        continue;
                    }
                }
                _ => {}
            },
        }
        i += 1;
    }
    depths
}

/// The function or method whose body holds 1-based `line`: `Name` or `Type.Name`; empty at
/// package level. Found by brace structure from the nearest `func` declaration at depth 0.
pub fn enclosing_function(text: &str, line: u32) -> String {
    let depths = depth_at_line_starts(text);
    let mut current = String::new();
    for (idx, l) in text.lines().enumerate() {
        let n = idx as u32 + 1;
        let depth = depths.get(idx).copied().unwrap_or(0);
        if depth == 0 {
            current = if l.starts_with("func ") || l.starts_with("func(") { func_name(l) } else { String::new() };
        }
        if n == line {
            return current;
        }
    }
    String::new()
}

/// `func (s *Store[K]) Get(` → `Store.Get`; `func main() {` → `main`.
fn func_name(decl: &str) -> String {
    let rest = decl["func".len()..].trim_start();
    let (receiver, rest) = match rest.strip_prefix('(') {
        Some(r) => match r.find(')') {
            Some(end) => (Some(&r[..end]), r[end + 1..].trim_start()),
            None => (None, r),
        },
        None => (None, rest),
    };
    let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
    match receiver {
        Some(recv) => {
            let ty = recv.split_whitespace().last().unwrap_or("");
            let ty = ty.trim_start_matches('*');
            let ty = ty.split('[').next().unwrap_or(ty);
            format!("{ty}.{name}")
        }
        None => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings() {
        assert_eq!(comment_start(r#"x := "//not" // yes"#), Some(13));
        assert_eq!(comment_start("m[k] = 1"), None);
        assert_eq!(normalized_code("\tm[k]  =  1 // note"), "m[k]=1");
    }

    #[test]
    fn functions_by_brace_structure() {
        let src = "package p\n\nvar m = map[string]int{}\n\nfunc (s *Store[K]) Get(k K) {\n\tif true {\n\t\tm[\"}\"] = 1\n\t}\n}\n\nfunc main() {\n\tgo func() {\n\t\tm[\"a\"]++\n\t}()\n}\n";
        assert_eq!(enclosing_function(src, 3), "");
        assert_eq!(enclosing_function(src, 7), "Store.Get");
        assert_eq!(enclosing_function(src, 10), "");
        assert_eq!(enclosing_function(src, 13), "main");
    }
}
