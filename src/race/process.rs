//! Running the user's command: its output reaches the user unchanged (teed, not swallowed)
//! while maprace keeps a copy to read Go's race reports and `go test`'s `(cached)` lines;
//! a time limit kills its whole process group; SIGINT/SIGTERM sent to maprace are forwarded
//! to it, and maprace then still analyses what was recorded, removes its temporary directory
//! and exits 130/143 (see [`interrupted`]).

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How much of each output stream is kept for parsing; the rest still passes through.
const KEEP_BYTES: usize = 64 << 20;

/// How long the command gets to stop after a forwarded signal before its group is killed.
const GRACE: Duration = Duration::from_secs(5);

pub struct Ran {
    /// None: killed (by a signal, or by maprace at the time limit).
    pub status: Option<ExitStatus>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub timed_out: bool,
}

pub struct RunOpts {
    /// Copy the command's output to maprace's own stdout/stderr as it comes.
    pub passthrough: bool,
    /// With `passthrough`: the command's stdout goes to maprace's stderr (JSON/SARIF on stdout).
    pub stdout_to_stderr: bool,
    pub timeout: Option<Duration>,
}

/// The signal (SIGINT or SIGTERM) maprace received during the run, if any.
static RECEIVED: AtomicI32 = AtomicI32::new(0);

/// The signal maprace received since [`Signals::install`], if any: the caller exits 128+it.
pub fn interrupted() -> Option<i32> {
    match RECEIVED.load(Ordering::SeqCst) {
        0 => None,
        s => Some(s),
    }
}

/// SIGINT/SIGTERM handlers for the duration of a run: they only record the signal, so that
/// maprace forwards it to the command, analyses what was recorded and removes its temporary
/// directory instead of dying with it. A handler (unlike ignoring the signal) is reset to the
/// default in the child at exec. Dropping restores the previous dispositions.
pub struct Signals {
    #[cfg(unix)]
    previous: Vec<(libc::c_int, libc::sighandler_t)>,
}

#[cfg(unix)]
extern "C" fn record(sig: libc::c_int) {
    // Async-signal-safe: one atomic store.
    RECEIVED.store(sig, Ordering::SeqCst);
}

impl Signals {
    pub fn install() -> Signals {
        RECEIVED.store(0, Ordering::SeqCst);
        #[cfg(unix)]
        {
            let handler = record as extern "C" fn(libc::c_int) as libc::sighandler_t;
            let previous = [libc::SIGINT, libc::SIGTERM]
                .into_iter()
                // SAFETY: `record` is async-signal-safe; the previous handler is restored on drop.
                .map(|s| (s, unsafe { libc::signal(s, handler) }))
                .collect();
            Signals { previous }
        }
        #[cfg(not(unix))]
        Signals {}
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (s, h) in &self.previous {
            // SAFETY: restores the disposition read in `install`.
            unsafe { libc::signal(*s, *h) };
        }
    }
}

/// Copies `from` to `to` (if any) as it comes, keeping up to KEEP_BYTES in the returned buffer.
/// The buffer is shared rather than returned by the thread: a grandchild that outlives the
/// command (and keeps the pipe open) must not keep maprace waiting.
fn pump(mut from: impl Read + Send + 'static, to: Option<Box<dyn Write + Send>>) -> (std::thread::JoinHandle<()>, Arc<Mutex<Vec<u8>>>) {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let shared = Arc::clone(&kept);
    let handle = std::thread::spawn(move || {
        let mut to = to;
        let mut buf = [0u8; 16 << 10];
        loop {
            let n = match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if let Some(w) = to.as_mut() {
                let _ = w.write_all(&buf[..n]);
                let _ = w.flush();
            }
            if let Ok(mut k) = shared.lock()
                && k.len() < KEEP_BYTES
            {
                let room = KEEP_BYTES - k.len();
                k.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    });
    (handle, kept)
}

/// What a pump kept, once it has seen the end of its pipe or `wait` has passed.
fn collect(pump: Option<(std::thread::JoinHandle<()>, Arc<Mutex<Vec<u8>>>)>, wait: Duration) -> Vec<u8> {
    let Some((handle, kept)) = pump else { return Vec::new() };
    let start = Instant::now();
    while !handle.is_finished() && start.elapsed() < wait {
        std::thread::sleep(Duration::from_millis(10));
    }
    if handle.is_finished() {
        let _ = handle.join();
    }
    kept.lock().map(|k| k.clone()).unwrap_or_default()
}

/// Is maprace's stdin a terminal? Then the command stays in maprace's process group, so that
/// it can still read the terminal (a background group reading it would be stopped); the
/// terminal's Ctrl-C reaches it directly.
fn stdin_is_tty() -> bool {
    #[cfg(unix)]
    // SAFETY: isatty only inspects the descriptor.
    return unsafe { libc::isatty(0) } == 1;
    #[cfg(not(unix))]
    false
}

#[cfg(unix)]
fn signal(pid: u32, group: bool, sig: libc::c_int) {
    let pid = pid as libc::pid_t;
    // SAFETY: sends a signal to the child (or the process group created for it).
    unsafe {
        libc::kill(if group { -pid } else { pid }, sig);
    }
}

/// Run `cmd`, teeing its output, until it exits, the time limit passes (its process group is
/// killed), or maprace is told to stop (the signal is forwarded; after a grace period the
/// group is killed).
pub fn run(mut cmd: Command, opts: &RunOpts) -> std::io::Result<Ran> {
    let own_group = !opts.passthrough || !stdin_is_tty();
    #[cfg(unix)]
    if own_group {
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    }
    if !opts.passthrough {
        cmd.stdin(Stdio::null());
    }
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
    let (out_to, err_to): (Option<Box<dyn Write + Send>>, Option<Box<dyn Write + Send>>) = if opts.passthrough {
        let out: Box<dyn Write + Send> = if opts.stdout_to_stderr { Box::new(std::io::stderr()) } else { Box::new(std::io::stdout()) };
        (Some(out), Some(Box::new(std::io::stderr())))
    } else {
        (None, None)
    };
    let out_reader = child.stdout.take().map(|o| pump(o, out_to));
    let err_reader = child.stderr.take().map(|e| pump(e, err_to));
    let start = Instant::now();
    let mut forwarded: Option<Instant> = None;
    let mut timed_out = false;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break Some(s);
        }
        let over_time = opts.timeout.is_some_and(|t| start.elapsed() > t);
        let over_grace = forwarded.is_some_and(|t| t.elapsed() > GRACE);
        if over_time || over_grace {
            timed_out = over_time;
            #[cfg(unix)]
            signal(child.id(), own_group, libc::SIGKILL);
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        #[cfg(unix)]
        if forwarded.is_none()
            && let Some(sig) = interrupted()
        {
            signal(child.id(), own_group, sig);
            forwarded = Some(Instant::now());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // The pipes close when the last process holding them ends; one that outlived the command
    // (its group was not killed, or it left the group) gets a few seconds, not forever.
    let stdout = collect(out_reader, Duration::from_secs(3));
    let stderr = collect(err_reader, Duration::from_secs(3));
    #[cfg(unix)]
    let status = status.filter(|s| std::os::unix::process::ExitStatusExt::signal(s).is_none());
    Ok(Ran { status, stdout, stderr, timed_out })
}
