//! The fuzz targets' harness functions (`maprace::fuzzing`, driven by cargo-fuzz in `fuzz/`)
//! on stable Rust in CI: every seed (corpus/, tests/syntax/, generated traces) and a few
//! thousand deterministic mutations of them, and once each the inputs the long runs flagged
//! (fuzz/regressions/). Seconds, not minutes; the long runs are `scripts/fuzz.sh` (README,
//! Reliability).

use std::fs;
use std::path::{Path, PathBuf};

use maprace::fuzzing::{check_bytes, read_trace};
use maprace::race::trace::{Event, Kind, Writer};

fn go_seeds() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![root.join("corpus"), root.join("tests/syntax")];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("readable").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "go") {
                files.push(p);
            }
        }
    }
    files.sort();
    files.iter().map(|f| fs::read(f).expect("read seed")).collect()
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Go tokens a mutation splices in: the fuzzer's dictionary in spirit.
const TOKENS: &[&[u8]] = &[
    b"(", b")", b"{", b"}", b"[", b"]", b"func", b"go ", b"defer ", b"map[string]int", b"new(", b":=", b"<-", b"\n", b"\0",
    b"\xff", b"\xef\xbb\xbf", b"\r\n", b"`", b"\"", b"/*", b"//go:build ignore\n", b"mu.Lock()", b"range ", b"...", b"[T any]",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(5) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(v.len() + 1);
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(i..i, t.iter().copied());
            }
            2 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(64)).min(v.len());
                v.drain(i..j);
            }
            3 if !v.is_empty() => {
                let i = rng.below(v.len());
                let j = (i + rng.below(256)).min(v.len());
                let chunk = v[i..j].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            _ => v.truncate(rng.below(v.len() + 1)),
        }
    }
    v
}

#[test]
fn check_harness_over_seeds_and_mutations() {
    let seeds = go_seeds();
    assert!(seeds.len() > 50);
    for s in &seeds {
        check_bytes(s);
    }
    // Inputs the long fuzz runs flagged: run as they are, not mutated (one was slow).
    let regressions = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/check");
    for e in fs::read_dir(regressions).expect("fuzz/regressions/check").flatten() {
        check_bytes(&fs::read(e.path()).expect("read regression"));
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..1000 {
        let s = &seeds[rng.below(seeds.len())];
        check_bytes(&mutate(&mut rng, s));
    }
}

fn trace_seeds() -> Vec<Vec<u8>> {
    let ev = |kind, g, site, a, b| Event { kind, flags: 0, goroutine: g, site, aux: 0, a, b };
    let mut w = Writer::new();
    w.text(true, 1, "main.main\tmain.go\t3\n");
    w.text(false, 7, "\"k\"");
    for k in [Kind::Alloc, Kind::Fork, Kind::Start, Kind::Read, Kind::Acquire, Kind::Write, Kind::Release, Kind::End] {
        w.event(ev(k, 1, 2, 3, 4));
    }
    w.event(ev(Kind::Write, 2, 5, 0x1000, 7));
    let mut seeds = vec![w.bytes.clone()];
    // Truncated at every byte of the last records, and cut inside the header.
    for cut in (w.bytes.len().saturating_sub(100)..w.bytes.len()).chain(0..40) {
        seeds.push(w.bytes[..cut].to_vec());
    }
    seeds
}

#[test]
fn trace_harness_over_seeds_and_mutations() {
    let seeds = trace_seeds();
    for s in &seeds {
        // Odd first byte: raw; even: after a valid header. Both ways for every seed.
        let mut raw = vec![1u8];
        raw.extend_from_slice(s);
        read_trace(&raw);
        read_trace(s);
    }
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..5000 {
        let s = &seeds[rng.below(seeds.len())];
        let mut m = s.clone();
        for _ in 0..1 + rng.below(8) {
            if m.is_empty() {
                break;
            }
            let i = rng.below(m.len());
            m[i] = rng.next() as u8;
        }
        read_trace(&m);
    }
}
