//! `--stats`: where a `check` run spent its time (one entry per pipeline phase, in order)
//! and its peak memory. Measuring costs a clock read per phase and one `getrusage`.

use std::time::{Duration, Instant};

#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// Wall time per phase, in pipeline order: `load` (arguments to file lists), `parse`
    /// (reading and lowering files, in parallel), `model`, `analysis`, `rules`, `triage`
    /// (config, suppressions, fingerprints).
    pub phases: Vec<(&'static str, Duration)>,
    /// Peak resident set of the process so far, in MiB (`None` where the OS does not say).
    pub peak_rss_mib: Option<u64>,
    /// Where the analysis exceeded a budget and took a cheaper abstraction.
    pub budgets: crate::analysis::budget::BudgetReport,
    /// Files whose facts came from the incremental cache, and files lowered while it was on
    /// (`None`: no cache in use).
    pub cache: Option<(usize, usize)>,
}

impl Stats {
    /// A phase that started at `since` ends now; returns now, where the next one starts.
    pub fn phase(&mut self, name: &'static str, since: Instant) -> Instant {
        let now = Instant::now();
        self.phases.push((name, now - since));
        now
    }

    /// `load 0.01 s, parse 1.20 s, ..., cache 10 of 12 files, peak 312 MiB`.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = self.phases.iter().map(|(n, d)| format!("{n} {:.2} s", d.as_secs_f64())).collect();
        if let Some((hits, misses)) = self.cache {
            parts.push(format!("cache {hits} of {} files", hits + misses));
        }
        // Last: scripts read the peak at the end of the line.
        if let Some(m) = self.peak_rss_mib {
            parts.push(format!("peak {m} MiB"));
        }
        parts.join(", ")
    }

    /// The budgets that fired, one line each (empty when none did).
    pub fn budget_lines(&self) -> Vec<String> {
        let b = &self.budgets;
        let mut out = vec![format!(
            "budgets: {} walk(s) over the per-function budget, {} summaries at their size bound, {} goroutine accesses offered past the entry walk's pool bound, {} summaries merged over the memory budget ({} accesses)",
            b.walks_cut.len(),
            b.summaries_capped.len(),
            b.unpooled,
            b.summaries_merged,
            b.accesses_merged
        )];
        out.extend(b.walks_cut.iter().map(|f| format!("budget: {f}: callee accesses past the per-function budget were not copied")));
        out.extend(b.summaries_capped.iter().map(|f| format!("budget: {f}: accesses past the summary's size bound were not kept")));
        out
    }
}

/// Peak resident set size of this process, in MiB.
pub fn peak_rss_mib() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: getrusage writes into the struct we pass and reads nothing else.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } != 0 {
            return None;
        }
        // Linux reports KiB, macOS bytes.
        let kib = if cfg!(target_os = "macos") { ru.ru_maxrss as u64 / 1024 } else { ru.ru_maxrss as u64 };
        Some(kib / 1024)
    }
    #[cfg(not(unix))]
    None
}
