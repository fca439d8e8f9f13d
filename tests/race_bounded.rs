//! The engine's memory follows what is alive, not the length of the run (issue #14): a
//! generated stream of 100 million events (10 million in a debug build), shaped like a busy
//! server's trace, is fed to one engine while this binary's allocator counts the bytes held.
//! The stream starts goroutines in waves of more than the engine's clock slots, makes and frees
//! a map per request, cycles a shared map through far more keys than the key histories hold,
//! fills and frees a sync.Map per wave, and synchronises through mutexes, a WaitGroup and
//! atomics. Past the first tenth, the bytes held must stop growing, and stay under a bound.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use maprace::race::engine::{Engine, SLOTS, SiteFacts};
use maprace::race::trace::{Event, FLAG_KEY, FLAG_READ_MODE, FLAG_SYNC_MAP, Kind};

/// The system allocator, counting the bytes it holds and the most it held.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(p, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const EVENTS: u64 = if cfg!(debug_assertions) { 10_000_000 } else { 100_000_000 };

/// Goroutines started per wave: more than the slots, so that some are preempted.
const WAVE: u32 = SLOTS as u32 + 44;

const SHARED: u64 = 0x10_0000;
const MU: u64 = 0x20_0000;
const WG: u64 = 0x30_0000;
const ATOMICS: u64 = 0x40_0000;
/// Per-request maps live at addresses from here (reused once freed, as the allocator does).
const PRIVATE: u64 = 0x1000_0000;
const SYNC_MAPS: u64 = 0x2000_0000;

/// A deterministic stream of events (xorshift for the choices).
struct Stream {
    out: Vec<Event>,
    rng: u64,
    next_gid: u32,
    wave: u64,
    key: u64,
}

impl Stream {
    fn rand(&mut self, n: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        self.rng % n
    }

    fn ev(&mut self, kind: Kind, g: u32, site: u32, flags: u8, a: u64, b: u64) {
        self.out.push(Event { kind, flags, goroutine: g, site, aux: 0, a, b });
    }

    /// One wave: the main goroutine (1) starts `WAVE` workers, which serve requests
    /// interleaved, then end; main waits for them and frees the wave's sync.Map.
    fn wave(&mut self) {
        self.wave += 1;
        let sync_map = SYNC_MAPS + (self.wave % 4) * 0x100;
        self.ev(Kind::Alloc, 1, 9, 0, sync_map, 0);
        let first = self.next_gid;
        for _ in 0..WAVE {
            let g = self.next_gid;
            self.next_gid += 1;
            self.ev(Kind::Fork, 1, 1, 0, g as u64, 0);
            self.ev(Kind::Start, g, 0, 0, 0, 0);
        }
        for _ in 0..8 {
            for g in first..self.next_gid {
                self.request(g, sync_map);
            }
        }
        for g in first..self.next_gid {
            self.ev(Kind::SyncRelease, g, 2, 0, WG, 0);
            self.ev(Kind::End, g, 0, 0, 0, 0);
        }
        self.ev(Kind::SyncAcquire, 1, 3, 0, WG, 0);
        self.ev(Kind::Free, 1, 0, 0, sync_map, 0);
    }

    fn request(&mut self, g: u32, sync_map: u64) {
        // A locked get-then-set of a shared map whose keys never repeat.
        self.key += 1;
        let k = self.key;
        self.ev(Kind::Acquire, g, 0, 0, MU, 0);
        self.ev(Kind::Read, g, 10, FLAG_KEY, SHARED, k);
        self.ev(Kind::Write, g, 11, FLAG_KEY, SHARED, k);
        self.ev(Kind::Release, g, 0, 0, MU, 0);
        // A read-locked lookup.
        self.ev(Kind::Acquire, g, 0, FLAG_READ_MODE, MU, 0);
        let k = self.rand(1 << 20);
        self.ev(Kind::Read, g, 12, FLAG_KEY, SHARED, k);
        self.ev(Kind::Release, g, 0, FLAG_READ_MODE, MU, 0);
        // A map of the request's own, freed after.
        let own = PRIVATE + self.rand(1 << 16) * 0x40;
        self.ev(Kind::Alloc, g, 13, 0, own, 0);
        for i in 0..4 {
            self.ev(Kind::Write, g, 14, FLAG_KEY, own, i);
        }
        self.ev(Kind::Range, g, 15, 0, own, 0);
        self.ev(Kind::Free, g, 0, 0, own, 0);
        // A counter among many, and the wave's sync.Map.
        let a = ATOMICS + self.rand(1 << 10) * 8;
        self.ev(Kind::SyncRelease, g, 16, 0, a, 0);
        self.ev(Kind::SyncAcquire, g, 16, 0, a, 0);
        let k = self.rand(1 << 12);
        self.ev(Kind::Read, g, 17, FLAG_KEY | FLAG_SYNC_MAP, sync_map, k);
        self.ev(Kind::Update, g, 18, FLAG_KEY | FLAG_SYNC_MAP, sync_map, k);
    }
}

#[test]
fn a_hundred_million_events_in_bounded_memory() {
    let mut engine = Engine::new(SiteFacts::default());
    let mut s = Stream { out: Vec::with_capacity(1 << 20), rng: 0x2545_f491_4f6c_dd1d, next_gid: 2, wave: 0, key: 0 };
    s.ev(Kind::UnknownGoroutine, 1, 0, 0, 0, 0);
    let mut fed = 0u64;
    let mut after_tenth = None;
    while fed < EVENTS {
        s.wave();
        for e in s.out.drain(..) {
            engine.event(e);
        }
        fed = engine.events;
        if after_tenth.is_none() && fed >= EVENTS / 10 {
            after_tenth = Some(HELD.load(Ordering::Relaxed));
            PEAK.store(0, Ordering::Relaxed);
        }
    }
    engine.finish();
    assert!(engine.stopped.is_none(), "{:?}", engine.stopped);
    assert!(engine.key_flushes() > 0, "the stream is meant to exceed the key limits");
    let (tenth, end, peak) = (after_tenth.expect("fed a tenth"), HELD.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed));
    let mib = |b: usize| b as f64 / (1 << 20) as f64;
    eprintln!("{fed} events; held after a tenth {:.1} MiB, at the end {:.1} MiB, peak after a tenth {:.1} MiB", mib(tenth), mib(end), mib(peak));
    // The records per goroutine ever started are all that may grow: its index and its creator
    // (12 bytes), in tables that grow by doubling (up to twice that).
    let goroutines = s.next_gid as usize;
    assert!(peak <= tenth + tenth / 4 + 24 * goroutines, "memory kept growing: {:.1} MiB after a tenth, peak {:.1} MiB", mib(tenth), mib(peak));
    assert!(peak <= 128 << 20, "peak {:.1} MiB", mib(peak));
}
