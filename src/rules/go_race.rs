//! GORACE go-race-detector: a data race Go's own race detector reported during
//! `maprace race -- go test -race ...`. Not a static rule: `maprace check` never reports it.

use super::{Rule, RuleDoc, RuleId};

/// Findings come from `maprace race` (parsed `-race` reports), never from `check`'s facts.
pub const RULE: Rule = Rule { doc: DOC, facts: None, conflict: None };

pub const DOC: RuleDoc = RuleDoc {
    id: RuleId::GORACE,
    name: "go-race-detector",
    summary: "a data race Go's race detector (-race) reported during `maprace race`; not found by maprace itself",
    fix: "order the two accesses (a mutex both hold, a channel, WaitGroup.Wait) or make the variable atomic",
    doc: r#"## What it finds
Nothing by itself: when the command given to `maprace race` builds with `-race`
(`maprace race -- go test -race ./...`, `go run -race .`), Go's race detector runs alongside
maprace's instrumentation, and every `WARNING: DATA RACE` report it prints (to the program's
stderr, which still reaches you unchanged) is parsed and merged into maprace's findings, so one
run gives one report in every output format.

- A race on a map that maprace also found is **one** finding under maprace's rule (MR001,
  MR002, ...), marked `[also reported by Go's race detector]`.
- Every other race — on a struct field, a slice, a variable, or on a map maprace did not record
  (made and used outside the instrumented packages) — is a `GORACE` finding: its location is
  the current access's first frame outside the runtime, its related location the previous
  access, with both stacks and the goroutines' creation sites as Go printed them.

The evidence is always `observed`: Go's detector reports what happened in this run. It reports
nothing a run did not execute, and it does not see check-then-act atomicity violations on maps
(MR004, MR005, MR007): those are maprace's.

## Silent on
Everything `-race` is silent on; and runs without `-race` in the command.

## Example
```go
var n int
go func() { n++ }() // GORACE: write in goroutine 7 races with a previous write in the main goroutine
n++
```

## Fix
Order the two accesses: hold one mutex around both, hand the value over a channel, wait for
the goroutine, or use `sync/atomic`."#,
};
