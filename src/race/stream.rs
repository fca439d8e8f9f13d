//! Following traces while the program writes them (the writer: race/rt/trace.go).
//!
//! One thread follows every process's trace. It finds each process's segments in the trace
//! directory, maps the segment being written, feeds the records written so far to that
//! process's engine, and polls for more (backing off to 2 ms when nothing is new). A segment
//! read to its end is deleted, which lets the writer go on: it keeps at most [`WINDOW`]
//! segments on disk, so the disk holds at most `WINDOW` × 4 MiB per process and a program
//! can run ahead of its analysis by no more than that. A process's trace ends when the
//! process is gone (or the command has ended) and nothing more was written: its engine is
//! finished and dropped at once, so memory follows the processes running, and a process
//! killed in the middle of a record still has everything before it analysed.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::race::driver::TraceStats;
use crate::race::engine::Engine;
use crate::race::findings::{SiteTable, entry_stack, findings};
use crate::race::static_paths::Probed;
use crate::race::trace::{End, Header, Kind, RECORD, Step, decode, decode_event};
use crate::report::Finding;

/// Segments a writer keeps on disk at once (`MAPRACE_TRACE_WINDOW`): 64 MiB per process.
pub const WINDOW: usize = 16;

/// Records fed from one process before the others get their turn.
const BATCH: usize = 1 << 16;

/// How many records ahead the engine is told what comes (`Engine::prefetch`): far enough for
/// the memory it will touch to arrive before it is needed.
const AHEAD: usize = 8;

/// How often the directory is listed for new processes' traces.
const SCAN: Duration = Duration::from_millis(10);

/// The longest pause between polls when nothing new was written.
const IDLE: Duration = Duration::from_millis(2);

/// What one process's trace yielded.
pub struct TraceAnalysis {
    /// The trace, for messages: `trace-<pid>` in the trace directory.
    pub path: PathBuf,
    pub findings: Vec<Finding>,
    pub stats: TraceStats,
    /// Why the trace ended early, if it did.
    pub error: Option<String>,
    pub probed: Probed,
}

/// Every trace followed, and the time spent on them.
#[derive(Default)]
pub struct Collected {
    pub traces: Vec<TraceAnalysis>,
    /// CPU time of the thread that read the records and ran the engines.
    pub busy: Duration,
    /// From the end of the command to the end of the analysis.
    pub drain: Duration,
    /// The most bytes of trace segments seen on disk at once.
    pub peak_disk: u64,
}

/// The thread following a trace directory; dropping it without `finish` stops it too.
pub struct Collector {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Collected>>,
}

impl Collector {
    /// Follows the traces that will appear in `dir`, deleting segments once read unless
    /// `keep`.
    pub fn start(dir: PathBuf, sites: Arc<SiteTable>, keep: bool) -> Collector {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || follow(&dir, &sites, keep, &flag));
        Collector { stop, thread: Some(thread) }
    }

    /// The command has ended: analyses what is left and returns every trace's analysis.
    pub fn finish(mut self) -> Collected {
        self.stop.store(true, Ordering::Release);
        self.thread.take().and_then(|t| t.join().ok()).unwrap_or_default()
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// Analyses the traces kept in `dir` (their writers are gone).
pub fn collect_kept(dir: &Path, sites: &SiteTable) -> Collected {
    follow(dir, sites, true, &AtomicBool::new(true))
}

fn follow(dir: &Path, sites: &SiteTable, keep: bool, stop: &AtomicBool) -> Collected {
    let cpu = thread_cpu_time();
    let mut out = Collected::default();
    let mut active: Vec<Stream> = Vec::new();
    // Processes whose trace ended. Their files are still there with `keep`; without it, any
    // that appear are written after the analysis gave up (deleted, so the writer goes on),
    // unless a segment 0 says a new process got the same pid.
    let mut ended: HashSet<u32> = HashSet::new();
    let mut last_scan: Option<Instant> = None;
    let mut stopped_at: Option<Instant> = None;
    // Whether the directory was listed since the command ended.
    let mut listed_stopped = false;
    let mut pause = Duration::from_micros(50);
    loop {
        let stopping = stop.load(Ordering::Acquire);
        if stopping && stopped_at.is_none() {
            stopped_at = Some(Instant::now());
        }
        // Once the command has ended every trace file exists: listed once then, and again
        // when the traces found are done, before giving up (not each round: a kept trace has
        // hundreds of segments, and stat-ing them each round cost 7% of its analysis).
        let list = if stopping { !listed_stopped || active.is_empty() } else { last_scan.is_none_or(|t| t.elapsed() >= SCAN) };
        // Listed with no trace left to follow: if it finds none either, the analysis is done.
        let listed_idle = stopping && active.is_empty();
        if list {
            listed_stopped |= stopping;
            last_scan = Some(Instant::now());
            let (found, bytes) = traces(dir);
            out.peak_disk = out.peak_disk.max(bytes);
            for (pid, seq) in found {
                if active.iter().any(|s| s.pid == pid) {
                    continue;
                }
                if ended.contains(&pid) {
                    if keep || seq != 0 {
                        if !keep {
                            let _ = fs::remove_file(segment_path(dir, pid, seq));
                        }
                        continue;
                    }
                    ended.remove(&pid);
                }
                active.push(Stream::new(dir, pid, seq, sites));
            }
        }
        let mut progress = false;
        for s in &mut active {
            let moved = s.pump(keep);
            progress |= moved;
            // Nothing new: the trace ends if its writer is gone. The writer's last records
            // were written before it went, so one more look sees them.
            if !moved && (stopping || !alive(s.pid)) && !s.pump(keep) {
                s.done = true;
            }
        }
        for s in active.extract_if(.., |s| s.done) {
            ended.insert(s.pid);
            out.traces.push(s.finish(keep, sites));
            progress = true;
        }
        if stopping && active.is_empty() && listed_idle {
            break;
        }
        if progress {
            pause = Duration::from_micros(50);
        } else {
            std::thread::sleep(pause);
            pause = (pause * 2).min(IDLE);
        }
    }
    out.traces.sort_by(|a, b| a.path.cmp(&b.path));
    out.drain = stopped_at.map_or(Duration::ZERO, |t| t.elapsed());
    out.busy = thread_cpu_time() - cpu;
    out
}

/// The CPU time of the calling thread so far (on Unix; elsewhere its age, which includes the
/// pauses between polls).
fn thread_cpu_time() -> Duration {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: writes the calling thread's CPU clock into `ts`.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) } == 0 {
            return Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32);
        }
    }
    thread_local!(static BORN: Instant = Instant::now());
    BORN.with(|b| b.elapsed())
}

/// The segment files in `dir` as (pid, segment number), in order, and their total size.
fn traces(dir: &Path) -> (Vec<(u32, u32)>, u64) {
    let mut found = Vec::new();
    let mut bytes = 0;
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Some(name) = e.file_name().to_str().and_then(parse_name) {
            found.push(name);
            bytes += e.metadata().map_or(0, |m| m.len());
        }
    }
    found.sort();
    (found, bytes)
}

/// `trace-<pid>-<seq>.bin` → (pid, seq).
fn parse_name(name: &str) -> Option<(u32, u32)> {
    let (pid, seq) = name.strip_prefix("trace-")?.strip_suffix(".bin")?.split_once('-')?;
    Some((pid.parse().ok()?, seq.parse().ok()?))
}

fn segment_path(dir: &Path, pid: u32, seq: u32) -> PathBuf {
    dir.join(format!("trace-{pid}-{seq:06}.bin"))
}

/// Whether process `pid` still exists (a zombie does, until its parent reaps it).
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
        // SAFETY: signal 0 only checks that the process exists.
        unsafe { libc::kill(pid, 0) == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM) }
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// One process's trace being followed.
struct Stream {
    dir: PathBuf,
    pid: u32,
    /// The segment read (or awaited).
    seq: u32,
    segment: Option<Segment>,
    engine: Engine,
    /// Record bytes of the segments read to their end.
    bytes: u64,
    error: Option<String>,
    end: Option<End>,
    done: bool,
}

impl Stream {
    fn new(dir: &Path, pid: u32, seq: u32, sites: &SiteTable) -> Stream {
        let error = (seq != 0).then(|| format!("the trace starts at segment {seq}: earlier segments are missing"));
        Stream { dir: dir.to_path_buf(), pid, seq, segment: None, engine: Engine::new(sites.facts()), bytes: 0, error, end: None, done: false }
    }

    fn fail(&mut self, message: String) -> bool {
        self.error = Some(message);
        self.done = true;
        true
    }

    /// Feeds what was written since the last call (at most `BATCH` records); whether anything
    /// was (or the trace ended).
    fn pump(&mut self, keep: bool) -> bool {
        if self.done {
            return false;
        }
        // Hints cost instructions on every record: given only once the engine's state has
        // outgrown the cache (a go-cache benchmark never gets there; std expvar's at once).
        let hints = self.engine.outgrew_cache();
        for n in 0..BATCH {
            if self.segment.is_none() {
                let path = segment_path(&self.dir, self.pid, self.seq);
                match Segment::open(&path) {
                    Ok(None) => return n > 0,
                    Ok(Some(s)) if s.header.seq == self.seq && s.header.pid == self.pid => self.segment = Some(s),
                    Ok(Some(_)) => return self.fail(format!("{}: the header names another segment", path.display())),
                    Err(e) => return self.fail(format!("{}: {e}", path.display())),
                }
            }
            let seg = self.segment.as_mut().expect("opened above");
            // Events take this path: decoded straight into the engine (a `Step` around them
            // costs a copy in pieces that stalls store forwarding).
            if let Some((kind, r)) = seg.event() {
                if hints {
                    seg.hint(AHEAD, &self.engine);
                }
                if self.engine.stopped.is_none() {
                    self.engine.event(decode_event(r, kind));
                }
                seg.pos += RECORD;
                continue;
            }
            match seg.step() {
                Step::Record(rec, next) => {
                    // After the engine stopped, records are still read (and segments deleted),
                    // so that the writer is not held up.
                    if self.engine.stopped.is_none() {
                        self.engine.feed(rec);
                    }
                    seg.pos = next;
                }
                Step::Unwritten => return n > 0,
                Step::End(End::Full) => {
                    self.bytes += seg.pos as u64;
                    let path = seg.path.clone();
                    self.segment = None;
                    if !keep {
                        let _ = fs::remove_file(&path);
                    }
                    self.seq += 1;
                }
                Step::End(end) => {
                    self.end = Some(end);
                    self.done = true;
                    return true;
                }
                Step::Bad(message) => {
                    let at = seg.pos;
                    let path = seg.path.display().to_string();
                    return self.fail(format!("{path}: at byte {at}: {message}"));
                }
            }
        }
        true
    }

    fn finish(mut self, keep: bool, sites: &SiteTable) -> TraceAnalysis {
        if let Some(seg) = self.segment.take() {
            self.bytes += seg.pos as u64;
            if !keep {
                let _ = fs::remove_file(&seg.path);
            }
        }
        let mut engine = self.engine;
        engine.finish();
        let error = self
            .error
            .map(|e| format!("{e}; the valid prefix was analysed"))
            .or(engine.stopped.clone())
            .or(match self.end {
                Some(End::Budget(b)) => Some(format!(
                    "recording stopped at the trace's disk budget of {} MiB (MAPRACE_TRACE_BUDGET_MB): later operations were not analysed",
                    b >> 20
                )),
                Some(End::Stalled) => Some("recording stopped because the analysis stopped reading: later operations were not analysed".to_string()),
                _ => None,
            });
        let stats = TraceStats { traces: 1, events: engine.events, bytes: self.bytes, ..TraceStats::default() };
        let stacks = engine.probes.pairs().map(|(pair, (a, b))| (pair, [entry_stack(&engine, sites, &a), entry_stack(&engine, sites, &b)])).collect();
        let found = findings(&engine, sites);
        let probed = Probed { probes: std::mem::take(&mut engine.probes), stacks };
        TraceAnalysis { path: self.dir.join(format!("trace-{}", self.pid)), findings: found, stats, error, probed }
    }
}

/// A segment mapped into memory, read while it is written.
struct Segment {
    path: PathBuf,
    map: Mapping,
    header: Header,
    /// The next record's offset.
    pos: usize,
}

impl Segment {
    /// The segment at `path`, None if it does not exist (yet). The writer creates segments
    /// at full size under another name, so an existing one is never short of its header's
    /// size unless it is damaged.
    fn open(path: &Path) -> Result<Option<Segment>, String> {
        let file = match fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        let len = file.metadata().map_err(|e| e.to_string())?.len() as usize;
        let map = Mapping::new(&file, len).map_err(|e| e.to_string())?;
        let header = Header::read(map.bytes(0, len.min(RECORD))).map_err(|e| e.to_string())?;
        if header.size > len {
            return Err(format!("the segment has {len} bytes, its header says {}", header.size));
        }
        Ok(Some(Segment { path: path.to_path_buf(), map, header, pos: RECORD }))
    }

    /// The written event record at `pos`, if that is what is there.
    #[inline]
    fn event(&self) -> Option<(Kind, &[u8; RECORD])> {
        if self.pos + RECORD > self.header.size {
            return None;
        }
        let kind = Kind::from_u8(self.map.word(self.pos) as u8)?;
        Some((kind, self.map.bytes(self.pos, RECORD).try_into().expect("a record is 32 bytes")))
    }

    /// Tells `engine` what the record `n` records ahead will touch, if one seems to be written
    /// there: a hint, maybe wrong (the position may fall inside a text record).
    #[inline]
    fn hint(&self, n: usize, engine: &Engine) {
        let at = self.pos + n * RECORD;
        if at + RECORD > self.header.size {
            return;
        }
        let (first, a, b) = self.map.glance(at);
        if Engine::worth_prefetching(first as u8, (first >> 8) as u8) {
            engine.prefetch(first as u8, a, b);
        }
    }

    fn step(&self) -> Step<'_> {
        let size = self.header.size;
        if self.pos + RECORD > size {
            return Step::Bad("the segment ends without an end record".into());
        }
        if self.map.word(self.pos) & 0xff == 0 {
            return Step::Unwritten;
        }
        let r: &[u8; RECORD] = self.map.bytes(self.pos, RECORD).try_into().expect("a record is 32 bytes");
        decode(r, self.pos, size, |start, len| self.map.bytes(start, len))
    }
}

/// A file mapped read-only and shared: the writer's stores appear in it as they are made.
#[cfg(unix)]
struct Mapping {
    ptr: *const u8,
    len: usize,
}

#[cfg(unix)]
impl Mapping {
    fn new(file: &fs::File, len: usize) -> std::io::Result<Mapping> {
        use std::os::fd::AsRawFd;
        if len == 0 {
            return Ok(Mapping { ptr: std::ptr::NonNull::dangling().as_ptr(), len });
        }
        // The pages at once (the writer made them already), not one fault per 4 KiB.
        #[cfg(target_os = "linux")]
        let flags = libc::MAP_SHARED | libc::MAP_POPULATE;
        #[cfg(not(target_os = "linux"))]
        let flags = libc::MAP_SHARED;
        // SAFETY: a fresh read-only shared mapping of an open file; unmapped on drop.
        let ptr = unsafe { libc::mmap(std::ptr::null_mut(), len, libc::PROT_READ, flags, file.as_raw_fd(), 0) };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        Ok(Mapping { ptr: ptr as *const u8, len })
    }

    /// The 4-byte word at `pos` (a record's kind and flags), with acquire ordering: the writer
    /// stores it last, so what it published before is visible after.
    fn word(&self, pos: usize) -> u32 {
        assert!(pos + 4 <= self.len && pos.is_multiple_of(4));
        // SAFETY: in bounds and aligned (checked); the writer stores this word atomically.
        unsafe { (*self.ptr.add(pos).cast::<std::sync::atomic::AtomicU32>()).load(Ordering::Acquire) }
    }

    /// The first word and the two operands of the record at `pos`, which the writer may be
    /// writing (read with atomic loads only: a hint, never trusted).
    #[inline]
    fn glance(&self, pos: usize) -> (u32, u64, u64) {
        assert!(pos + RECORD <= self.len && pos.is_multiple_of(RECORD));
        // SAFETY: in bounds and aligned (checked; the mapping is page-aligned); atomic loads
        // race with nothing.
        unsafe {
            let at = |i: usize| &*self.ptr.add(pos + i).cast::<std::sync::atomic::AtomicU64>();
            let first = (*self.ptr.add(pos).cast::<std::sync::atomic::AtomicU32>()).load(Ordering::Acquire);
            (first, at(16).load(Ordering::Relaxed), at(24).load(Ordering::Relaxed))
        }
    }

    /// `len` bytes at `pos`: only bytes the writer has published (its records before a word
    /// read by `word`), which it never changes again.
    fn bytes(&self, pos: usize, len: usize) -> &[u8] {
        assert!(pos + len <= self.len);
        // SAFETY: in bounds (checked); published bytes are not written any more.
        unsafe { std::slice::from_raw_parts(self.ptr.add(pos), len) }
    }
}

#[cfg(unix)]
impl Drop for Mapping {
    fn drop(&mut self) {
        if self.len > 0 {
            // SAFETY: unmaps the mapping made in `new`, which nothing borrows any more.
            unsafe { libc::munmap(self.ptr as *mut libc::c_void, self.len) };
        }
    }
}

// The runtime only writes traces on Unix; elsewhere a kept trace is read whole.
#[cfg(not(unix))]
struct Mapping(Vec<u8>);

#[cfg(not(unix))]
impl Mapping {
    fn new(file: &fs::File, _len: usize) -> std::io::Result<Mapping> {
        use std::io::Read;
        let mut v = Vec::new();
        (&*file).read_to_end(&mut v)?;
        Ok(Mapping(v))
    }

    fn word(&self, pos: usize) -> u32 {
        u32::from_le_bytes(self.0[pos..pos + 4].try_into().expect("4 bytes"))
    }

    fn glance(&self, pos: usize) -> (u32, u64, u64) {
        let wide = |i: usize| u64::from_le_bytes(self.0[pos + i..pos + i + 8].try_into().expect("8 bytes"));
        (self.word(pos), wide(16), wide(24))
    }

    fn bytes(&self, pos: usize, len: usize) -> &[u8] {
        &self.0[pos..pos + len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::race::trace::{Event, Kind, Writer};

    fn ev(kind: Kind, g: u32, a: u64, b: u64) -> Event {
        Event { kind, flags: 1, goroutine: g, site: 1, aux: 0, a, b }
    }

    /// Writes segment `seq` of process `pid` at full size (the writer's zero fill).
    fn write_segment(dir: &Path, pid: u32, seq: u32, size: usize, fill: impl FnOnce(&mut Writer)) {
        let mut w = Writer::segment(seq, pid, size);
        fill(&mut w);
        w.bytes.resize(size, 0);
        fs::write(segment_path(dir, pid, seq), &w.bytes).unwrap();
    }

    fn racy(w: &mut Writer) {
        w.event(ev(Kind::Fork, 1, 2, 0));
        w.event(ev(Kind::Fork, 1, 3, 0));
        w.event(ev(Kind::Write, 2, 0x100, 7));
    }

    #[test]
    fn segments_are_followed_across_files_and_deleted_once_read() {
        let dir = tempfile::tempdir().unwrap();
        write_segment(dir.path(), 4242, 0, 256, |w| {
            racy(w);
            w.end(End::Full);
        });
        write_segment(dir.path(), 4242, 1, 256, |w| w.event(ev(Kind::Write, 3, 0x100, 7)));
        // A stale segment number of another process that never existed is a damaged trace.
        write_segment(dir.path(), 4343, 2, 256, |_| {});
        let sites = SiteTable::default();
        let c = Collector::start(dir.path().to_path_buf(), Arc::new(sites), false).finish();
        assert_eq!(c.traces.len(), 2);
        let t = &c.traces[0];
        assert_eq!((t.stats.events, t.findings.len(), &t.error), (4, 1, &None));
        assert_eq!(t.stats.bytes, (2 + 4) * RECORD as u64, "two headers, four records");
        assert!(c.traces[1].error.as_ref().is_some_and(|e| e.contains("starts at segment 2")));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "every segment read was deleted");
    }

    #[cfg(unix)]
    #[test]
    fn records_are_read_as_they_are_published() {
        let dir = tempfile::tempdir().unwrap();
        let path = segment_path(dir.path(), 4242, 0);
        let mut w = Writer::segment(0, 4242, 1024);
        racy(&mut w);
        let written = w.bytes.len();
        w.bytes.resize(1024, 0);
        // The last record's kind is not stored yet.
        let last = written - RECORD;
        let kind = std::mem::replace(&mut w.bytes[last], 0);
        fs::write(&path, &w.bytes).unwrap();
        let mut s = Stream::new(dir.path(), 4242, 0, &SiteTable::default());
        assert!(s.pump(true));
        assert_eq!(s.engine.events, 2);
        assert!(!s.pump(true), "nothing new");
        // The writer publishes it: the mapping sees the store.
        std::os::unix::fs::FileExt::write_at(&fs::OpenOptions::new().write(true).open(&path).unwrap(), &[kind], last as u64).unwrap();
        assert!(s.pump(true));
        assert_eq!(s.engine.events, 3);
    }

    #[test]
    fn kept_traces_are_analysed_whole_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        write_segment(dir.path(), 7, 0, 256, |w| {
            racy(w);
            w.end(End::Budget(8 << 20));
        });
        let c = collect_kept(dir.path(), &SiteTable::default());
        assert!(c.traces[0].error.as_ref().is_some_and(|e| e.contains("disk budget of 8 MiB")));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(parse_name("trace-12-000003.bin"), Some((12, 3)));
        assert_eq!(parse_name("trace-12-000003.bin.tmp"), None);
    }
}
