//! Build constraints as the go tool applies them for one target: `_GOOS`/`_GOARCH` file
//! name suffixes and `//go:build` lines. Files built only for other platforms are left out,
//! so one package is not analysed with two copies of a platform-specific function.

const KNOWN_OS: &[&str] = &[
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux", "nacl", "netbsd", "openbsd",
    "plan9", "solaris", "wasip1", "windows", "zos",
];
const KNOWN_ARCH: &[&str] = &[
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle", "mips64", "mips64le",
    "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
];
/// The newest Go release whose `go1.N` build tag is satisfied: the toolchain maprace's Go
/// front end targets. A file for a newer release (`//go:build go1.27`, using syntax this
/// release lacks, such as methods with type parameters) is left out, as the go tool of
/// this release leaves it out. Bump with each Go release.
const NEWEST_GO_MINOR: u32 = 26;

const UNIX_OS: &[&str] =
    &["aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "linux", "netbsd", "openbsd", "solaris"];

/// The platform files are selected for: `$GOOS`/`$GOARCH` when set, else this machine.
#[derive(Clone, Debug)]
pub struct Target {
    pub os: String,
    pub arch: String,
}

impl Target {
    pub fn from_env() -> Target {
        let os = std::env::var("GOOS").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| {
            match std::env::consts::OS {
                "macos" => "darwin",
                other => other,
            }
            .to_string()
        });
        let arch = std::env::var("GOARCH").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| {
            match std::env::consts::ARCH {
                "x86_64" => "amd64",
                "aarch64" => "arm64",
                "x86" => "386",
                "powerpc64" => "ppc64",
                other => other,
            }
            .to_string()
        });
        Target { os, arch }
    }

    fn tag(&self, t: &str) -> bool {
        t == self.os
            || t == self.arch
            || (t == "unix" && UNIX_OS.contains(&self.os.as_str()))
            || t == "gc"
            || t == "cgo"
            || (self.os == "android" && t == "linux")
            || (self.os == "ios" && t == "darwin")
            || (self.os == "illumos" && t == "solaris")
            || t.strip_prefix("go1.").and_then(|v| v.parse::<u32>().ok()).is_some_and(|minor| minor <= NEWEST_GO_MINOR)
    }

    /// `x_linux.go`, `x_amd64.go`, `x_windows_arm64.go` (with `_test` stripped) name their
    /// platform; other names match every target.
    pub fn matches_file_name(&self, name: &str) -> bool {
        let stem = name.strip_suffix(".go").unwrap_or(name);
        let stem = stem.strip_suffix("_test").unwrap_or(stem);
        let parts: Vec<&str> = stem.split('_').collect();
        if parts.len() < 2 {
            return true;
        }
        let last = parts[parts.len() - 1];
        let prev = if parts.len() >= 3 { Some(parts[parts.len() - 2]) } else { None };
        if KNOWN_ARCH.contains(&last) {
            if let Some(os) = prev.filter(|p| KNOWN_OS.contains(p)) {
                return self.tag(os) && self.tag(last);
            }
            return self.tag(last);
        }
        if KNOWN_OS.contains(&last) {
            return self.tag(last);
        }
        true
    }

    /// The `//go:build` line before the package clause, if any, evaluated for this target.
    /// An expression that does not parse keeps the file (it is then analysed, not lost).
    pub fn matches_content(&self, text: &str) -> bool {
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with("package ") {
                break;
            }
            if let Some(expr) = l.strip_prefix("//go:build") {
                return Expr::parse(expr).is_none_or(|e| e.eval(&|t| self.tag(t)));
            }
        }
        true
    }
}

#[derive(Debug)]
enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    fn parse(s: &str) -> Option<Expr> {
        let tokens = tokenize(s)?;
        // `a && a && ...` chains nest one level per operator in the tree that evaluation and
        // drop recurse over: a hostile line must not reach the stack's end.
        if tokens.len() > MAX_TOKENS {
            return None;
        }
        let mut pos = 0;
        let e = parse_or(&tokens, &mut pos, 0)?;
        (pos == tokens.len()).then_some(e)
    }

    fn eval(&self, tag: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => tag(t),
            Expr::Not(e) => !e.eval(tag),
            Expr::And(a, b) => a.eval(tag) && b.eval(tag),
            Expr::Or(a, b) => a.eval(tag) || b.eval(tag),
        }
    }
}

fn tokenize(s: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            ' ' | '\t' => i += 1,
            '(' | ')' | '!' => {
                out.push(c.to_string());
                i += 1;
            }
            '&' | '|' => {
                if chars.get(i + 1) != Some(&c) {
                    return None;
                }
                out.push(format!("{c}{c}"));
                i += 2;
            }
            c if c.is_alphanumeric() || c == '_' || c == '.' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.') {
                    i += 1;
                }
                out.push(chars[start..i].iter().collect());
            }
            _ => return None,
        }
    }
    Some(out)
}

/// Deeper parentheses than this make the constraint unparsable (and the file kept).
const MAX_NESTING: u32 = 64;
/// Longer constraints than this (in tokens) are unparsable too; real ones have a few dozen.
const MAX_TOKENS: usize = 4096;

fn parse_or(t: &[String], pos: &mut usize, depth: u32) -> Option<Expr> {
    let mut left = parse_and(t, pos, depth)?;
    while t.get(*pos).is_some_and(|s| s == "||") {
        *pos += 1;
        left = Expr::Or(Box::new(left), Box::new(parse_and(t, pos, depth)?));
    }
    Some(left)
}

fn parse_and(t: &[String], pos: &mut usize, depth: u32) -> Option<Expr> {
    let mut left = parse_not(t, pos, depth)?;
    while t.get(*pos).is_some_and(|s| s == "&&") {
        *pos += 1;
        left = Expr::And(Box::new(left), Box::new(parse_not(t, pos, depth)?));
    }
    Some(left)
}

fn parse_not(t: &[String], pos: &mut usize, depth: u32) -> Option<Expr> {
    if depth > MAX_NESTING {
        return None;
    }
    let tok = t.get(*pos)?;
    *pos += 1;
    match tok.as_str() {
        "!" => Some(Expr::Not(Box::new(parse_not(t, pos, depth + 1)?))),
        "(" => {
            let e = parse_or(t, pos, depth + 1)?;
            if t.get(*pos)? != ")" {
                return None;
            }
            *pos += 1;
            Some(e)
        }
        ")" | "&&" | "||" => None,
        tag => Some(Expr::Tag(tag.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> Target {
        Target { os: "linux".into(), arch: "amd64".into() }
    }

    #[test]
    fn file_name_suffixes() {
        let t = linux();
        assert!(t.matches_file_name("sys_linux.go"));
        assert!(t.matches_file_name("sys_linux_amd64_test.go"));
        assert!(!t.matches_file_name("sys_windows.go"));
        assert!(!t.matches_file_name("asm_arm64.go"));
        assert!(!t.matches_file_name("x_darwin_amd64.go"));
        assert!(t.matches_file_name("linux.go"), "a bare GOOS name is not a suffix");
        assert!(t.matches_file_name("store.go"));
    }

    #[test]
    fn go_build_expressions() {
        let t = linux();
        let f = |expr: &str| t.matches_content(&format!("//go:build {expr}\n\npackage p\n"));
        assert!(f("linux"));
        assert!(f("unix && !windows"));
        assert!(!f("windows || darwin"));
        assert!(f("(linux || darwin) && amd64"));
        assert!(f("go1.25"));
        assert!(f("go1.26"));
        assert!(!f("go1.27"), "a file for a Go release newer than the newest known is left out");
        assert!(f("!go1.27"));
        assert!(!f("ignore"));
        assert!(f("&& broken"), "an unparsable constraint keeps the file");
        assert!(t.matches_content("package p\n//go:build windows\n"), "after the package clause it is a comment");
    }
}
