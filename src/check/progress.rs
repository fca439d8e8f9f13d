//! The progress bar of `check` on stderr: drawn only when the caller asks for it (the CLI,
//! when stderr is a terminal) and only once the run has taken more than a moment, so quick
//! runs and pipelines never see it. Updated from the lowering threads and the analysis.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(700);

pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: AtomicBool,
}

impl Progress {
    pub fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} {elapsed}") {
                bar.set_style(style);
            }
            bar
        });
        Progress { bar, started: Instant::now(), shown: AtomicBool::new(false) }
    }

    /// A new phase of `len` steps.
    pub fn phase(&self, msg: &'static str, len: usize) {
        if let Some(bar) = &self.bar {
            bar.set_message(msg);
            bar.set_length(len as u64);
            bar.set_position(0);
            self.show_if_slow(bar);
        }
    }

    /// One step done (from any thread).
    pub fn inc(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
            self.show_if_slow(bar);
        }
    }

    /// `done` of the phase's steps are done.
    pub fn set(&self, done: usize) {
        if let Some(bar) = &self.bar {
            bar.set_position(done as u64);
            self.show_if_slow(bar);
        }
    }

    /// Erase the bar before the report is printed.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn show_if_slow(&self, bar: &ProgressBar) {
        if self.started.elapsed() >= DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }
}
