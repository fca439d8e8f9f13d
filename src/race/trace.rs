//! The trace format written by the Go runtime support (race/rt/trace.go) and its readers.
//!
//! Version 2. A process writes its trace as segment files `trace-<pid>-<seq>.bin`, all of one
//! size: a 32-byte header (`MRTRACE\0`, version, record size, segment size, segment number,
//! pid; little endian u32s), then 32-byte records. A record is `kind u8, flags u8, 2 bytes
//! padding, goroutine u32, site u32, aux u32, a u64, b u64`. Text records (stack and key
//! definitions) carry `aux` bytes of UTF-8 after the record, padded to 32 bytes. The writer
//! stores a record's first word (kind and flags) last, so a record whose kind is 0 is not
//! written yet (or never will be: the process ended). Kind 254 ends a full segment (the trace
//! goes on in the next one), 253 stops the trace at its disk budget, 252 when maprace stopped
//! reading. Readers never panic on bad input: they stop at the first invalid record and say
//! where, and everything before it is analysed.

use std::fmt;

pub const MAGIC: &[u8; 8] = b"MRTRACE\0";
pub const VERSION: u32 = 2;
pub const RECORD: usize = 32;
/// The segment size the runtime writes (`segSize` in race/rt/trace.go); the writer of tests
/// too. A reader takes any multiple of `RECORD` of at least two records from the header.
pub const SEGMENT: usize = 4 << 20;

/// Record kinds of events (the reader's view); `GO_RECORD_KINDS` below is the one table of
/// every record byte, from which race/rt/kinds_gen.go is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Kind {
    Alloc = 1,
    Read = 2,
    Write = 3,
    Delete = 4,
    Range = 5,
    Len = 6,
    Clear = 7,
    Update = 8,
    Fetch = 9,
    Fork = 10,
    Start = 11,
    End = 12,
    UnknownGoroutine = 13,
    /// Entry of a function holding a static finding (a probe; `aux` is the stack id).
    Enter = 14,
    /// The map at `a` was freed (the runtime saw its weak pointer cleared).
    Free = 15,
    Acquire = 20,
    Release = 21,
    SyncRelease = 30,
    SyncAcquire = 31,
}

impl Kind {
    const ALL: [Kind; 19] = {
        use Kind::*;
        [
            Alloc,
            Read,
            Write,
            Delete,
            Range,
            Len,
            Clear,
            Update,
            Fetch,
            Fork,
            Start,
            End,
            UnknownGoroutine,
            Enter,
            Free,
            Acquire,
            Release,
            SyncRelease,
            SyncAcquire,
        ]
    };

    /// Kind by record byte (a table: one load per record).
    const BY_BYTE: [Option<Kind>; 256] = {
        let mut t = [None; 256];
        let mut i = 0;
        while i < Kind::ALL.len() {
            t[Kind::ALL[i] as usize] = Some(Kind::ALL[i]);
            i += 1;
        }
        t
    };

    #[inline]
    pub(crate) fn from_u8(b: u8) -> Option<Kind> {
        Kind::BY_BYTE[b as usize]
    }
}

const KIND_STACK: u8 = 50;
const KIND_KEY: u8 = 51;
const KIND_SEGMENT_END: u8 = 254;
/// The writer stopped recording at its disk budget (`a`: the budget in bytes); ends the trace.
const KIND_BUDGET: u8 = 253;
/// The writer stopped recording because maprace stopped reading; ends the trace.
const KIND_STALLED: u8 = 252;

/// Flag bits of a record.
pub const FLAG_KEY: u8 = 1;
pub const FLAG_READ_MODE: u8 = 2;
pub const FLAG_SYNC_MAP: u8 = 4;

/// Every record byte the runtime writes, with the name race/rt spells it by and what it
/// means: the single source of the record kinds. race/rt/kinds_gen.go is generated from it
/// (`race::gotables`, checked by a test), so the writer and this reader cannot disagree.
pub const GO_RECORD_KINDS: &[(u8, &str, &str)] = &[
    (Kind::Alloc as u8, "kAlloc", "a map was made (a: the map)"),
    (Kind::Read as u8, "kRead", "a read of one key"),
    (Kind::Write as u8, "kWrite", "a write of one key"),
    (Kind::Delete as u8, "kDelete", "a delete of one key"),
    (Kind::Range as u8, "kRange", "a range over the whole map"),
    (Kind::Len as u8, "kLen", "len of the map"),
    (Kind::Clear as u8, "kClear", "clear of the whole map"),
    (Kind::Update as u8, "kUpdate", "atomic read-modify-write of one key (sync.Map LoadOrStore, Swap, ...)"),
    (Kind::Fetch as u8, "kFetch", "an inner map read out of an outer map"),
    (Kind::Fork as u8, "kFork", "a go statement (a: the child goroutine)"),
    (Kind::Start as u8, "kStart", "a goroutine started running"),
    (Kind::End as u8, "kEnd", "a goroutine ended"),
    (Kind::UnknownGoroutine as u8, "kUnknownG", "a goroutine whose start was not seen"),
    (Kind::Enter as u8, "kEnter", "entry of a function that holds a static finding (a probe)"),
    (Kind::Free as u8, "kFree", "the map at a was freed"),
    (Kind::Acquire as u8, "kAcquire", "a lock acquired (fReadMode: in read mode)"),
    (Kind::Release as u8, "kRelease", "a lock released"),
    (Kind::SyncRelease as u8, "kSyncRel", "an ordering release (Done, send, close, Signal, atomic store)"),
    (Kind::SyncAcquire as u8, "kSyncAcq", "an ordering acquire (Wait, receive, atomic load)"),
    (KIND_STACK, "kStackDef", "a stack definition (aux bytes of text follow)"),
    (KIND_KEY, "kKeyDef", "a key's text (aux bytes of text follow)"),
    (KIND_STALLED, "kStalled", "recording stopped: maprace stopped reading the trace"),
    (KIND_BUDGET, "kBudget", "recording stopped: the trace reached its disk budget (a: the budget in bytes)"),
    (KIND_SEGMENT_END, "kChunkEnd", "the segment is full: the next record is in the next segment"),
];

/// The flag bits, by their race/rt names.
pub const GO_RECORD_FLAGS: &[(u8, &str)] = &[(FLAG_KEY, "fKey"), (FLAG_READ_MODE, "fReadMode"), (FLAG_SYNC_MAP, "fSyncMap")];

/// One recorded operation. `a` is the object (map, lock, channel, ...); for map accesses `b`
/// is the key hash and `aux` the stack id; for `Fork` `a` is the child goroutine; for `Fetch`
/// `a` is the outer map, `b` the inner map and `aux` the low bits of the key hash.
///
/// `repr(C)`: the fields sit at the record's offsets (kind 0, flags 1, goroutine 4, site 8,
/// aux 12, a 16, b 24; 32 bytes), so on a little-endian machine the reader turns a record into
/// an event with one 32-byte copy once the kind byte is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Event {
    pub kind: Kind,
    pub flags: u8,
    pub goroutine: u32,
    pub site: u32,
    pub aux: u32,
    pub a: u64,
    pub b: u64,
}

/// `repr(u8)`: a tag byte, then the variant at its own alignment, so that an event moves as
/// one aligned 32-byte block (with the tag in the event's kind byte, the compiler split the
/// copy into overlapping pieces that stalled store forwarding on every record).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Record<'a> {
    Event(Event),
    /// Stack id and its frames, one `function\tfile\tline` per line.
    Stack(u32, &'a str),
    /// Key hash and the key printed with `%#v`.
    Key(u64, &'a str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.message)
    }
}

/// A segment's header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The segment's size in bytes.
    pub size: usize,
    /// Its number in the process's trace, from 0.
    pub seq: u32,
    pub pid: u32,
}

impl Header {
    /// Reads and checks the header at the start of a segment.
    pub fn read(bytes: &[u8]) -> Result<Header, TraceError> {
        let err = |m: &str| TraceError { offset: 0, message: m.to_string() };
        if bytes.len() < RECORD || &bytes[..8] != MAGIC {
            return Err(err("not a maprace trace (bad magic)"));
        }
        let version = u32le(&bytes[8..]);
        if version != VERSION {
            return Err(err(&format!("trace version {version}, this maprace reads version {VERSION}")));
        }
        if u32le(&bytes[12..]) as usize != RECORD {
            return Err(err("unexpected record size"));
        }
        let size = u32le(&bytes[16..]) as usize;
        if size < 2 * RECORD || !size.is_multiple_of(RECORD) {
            return Err(err("bad segment size"));
        }
        Ok(Header { size, seq: u32le(&bytes[20..]), pid: u32le(&bytes[24..]) })
    }
}

/// Why a segment's records ended (kind 0, an unwritten record, is not among them: whether it
/// ends the trace depends on whether the process is still running).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum End {
    /// The segment is full; the trace goes on in the next one.
    Full,
    /// The writer stopped at its disk budget of this many bytes: the run went on unrecorded.
    Budget(u64),
    /// The writer stopped because maprace stopped reading (after a minute).
    Stalled,
}

/// What is at a position of a segment.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<'a> {
    /// A record, and the position of the next one.
    Record(Record<'a>, usize),
    /// Nothing written there (yet).
    Unwritten,
    End(End),
    /// An invalid record: the segment is corrupt from there on.
    Bad(String),
}

/// Decodes the written record at `pos` of a segment of `size` bytes: `r` is its first 32
/// bytes, `text(start, len)` the `len` bytes at `start`, which the caller checked lie in the
/// segment. Shared by the reader of whole segments and the reader of segments being written.
#[inline]
pub fn decode<'a>(r: &[u8; RECORD], pos: usize, size: usize, text: impl FnOnce(usize, usize) -> &'a [u8]) -> Step<'a> {
    let kind = r[0];
    match kind {
        0 => return Step::Unwritten,
        KIND_SEGMENT_END => return Step::End(End::Full),
        KIND_BUDGET => return Step::End(End::Budget(u64le(&r[16..]))),
        KIND_STALLED => return Step::End(End::Stalled),
        KIND_STACK | KIND_KEY => {
            let len = u32le(&r[12..]) as usize;
            let start = pos + RECORD;
            if len > size - start {
                return Step::Bad("text record runs past the end of its segment".into());
            }
            let Ok(text) = std::str::from_utf8(text(start, len)) else {
                return Step::Bad("text record is not UTF-8".into());
            };
            let id = u64le(&r[16..]);
            let rec = if kind == KIND_STACK { Record::Stack(id as u32, text) } else { Record::Key(id, text) };
            return Step::Record(rec, start + len.div_ceil(RECORD) * RECORD);
        }
        _ => {}
    }
    match Kind::from_u8(kind) {
        Some(kind) => Step::Record(Record::Event(decode_event(r, kind)), pos + RECORD),
        None => Step::Bad(format!("unknown record kind {kind}: the trace is corrupt")),
    }
}

/// Iterates over the records of one segment held in memory (a kept trace, a test's); after
/// `None`, `error` and `end` say how it ended (neither: at an unwritten record or the end of
/// the bytes).
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    pub header: Header,
    pub error: Option<TraceError>,
    pub end: Option<End>,
    done: bool,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Result<Reader<'a>, TraceError> {
        let header = Header::read(bytes)?;
        Ok(Reader { bytes, pos: RECORD, header, error: None, end: None, done: false })
    }

    /// Bytes of records read so far, the header included (the size of the valid prefix).
    pub fn position(&self) -> usize {
        self.pos
    }

    fn fail(&mut self, message: String) -> Option<Record<'a>> {
        self.error = Some(TraceError { offset: self.pos, message });
        self.done = true;
        None
    }
}

fn u32le(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn u64le(b: &[u8]) -> u64 {
    u32le(b) as u64 | (u32le(&b[4..]) as u64) << 32
}

const _: () = {
    assert!(std::mem::size_of::<Event>() == RECORD);
    assert!(std::mem::offset_of!(Event, kind) == 0);
    assert!(std::mem::offset_of!(Event, flags) == 1);
    assert!(std::mem::offset_of!(Event, goroutine) == 4);
    assert!(std::mem::offset_of!(Event, site) == 8);
    assert!(std::mem::offset_of!(Event, aux) == 12);
    assert!(std::mem::offset_of!(Event, a) == 16);
    assert!(std::mem::offset_of!(Event, b) == 24);
};

/// The event of a record whose kind byte is `kind`. One unaligned 32-byte copy (the engine
/// then reads the event with wide loads, which a copy field by field would stall).
#[cfg(target_endian = "little")]
#[inline(always)]
pub(crate) fn decode_event(r: &[u8; RECORD], kind: Kind) -> Event {
    debug_assert_eq!(r[0], kind as u8);
    // SAFETY: `Event` is `repr(C)`, 32 bytes, with every field at its record offset (checked
    // above); its only field with invalid bit patterns is `kind`, whose byte `Kind::from_u8`
    // accepted; the padding bytes 2..4 may hold anything. Integers are little endian on both
    // sides.
    unsafe { std::ptr::read_unaligned(r.as_ptr().cast::<Event>()) }
}

#[cfg(not(target_endian = "little"))]
#[inline(always)]
pub(crate) fn decode_event(r: &[u8; RECORD], kind: Kind) -> Event {
    Event {
        kind,
        flags: r[1],
        goroutine: u32le(&r[4..]),
        site: u32le(&r[8..]),
        aux: u32le(&r[12..]),
        a: u64le(&r[16..]),
        b: u64le(&r[24..]),
    }
}

impl<'a> Iterator for Reader<'a> {
    type Item = Record<'a>;

    #[inline]
    fn next(&mut self) -> Option<Record<'a>> {
        if self.done {
            return None;
        }
        let size = self.bytes.len().min(self.header.size);
        let Some(r) = self.bytes[..size].get(self.pos..self.pos + RECORD) else {
            if self.pos < size {
                return self.fail("trace truncated inside a record".into());
            }
            self.done = true;
            return None;
        };
        let bytes = self.bytes;
        let step = decode(r.try_into().expect("a record is 32 bytes"), self.pos, size, |start, len| &bytes[start..start + len]);
        match step {
            Step::Record(rec, next) => {
                self.pos = next;
                Some(rec)
            }
            Step::Unwritten => {
                self.done = true;
                None
            }
            Step::End(end) => {
                self.end = Some(end);
                self.done = true;
                None
            }
            Step::Bad(message) => self.fail(message),
        }
    }
}

/// Writes traces in the runtime's format, for tests.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    /// Segment 0 of process 1, of the runtime's segment size.
    pub fn new() -> Writer {
        Writer::segment(0, 1, SEGMENT)
    }

    /// The start of segment `seq` of process `pid`, of `size` bytes.
    pub fn segment(seq: u32, pid: u32, size: usize) -> Writer {
        let mut bytes = vec![0u8; RECORD];
        bytes[..8].copy_from_slice(MAGIC);
        bytes[8..12].copy_from_slice(&VERSION.to_le_bytes());
        bytes[12..16].copy_from_slice(&(RECORD as u32).to_le_bytes());
        bytes[16..20].copy_from_slice(&(size as u32).to_le_bytes());
        bytes[20..24].copy_from_slice(&seq.to_le_bytes());
        bytes[24..28].copy_from_slice(&pid.to_le_bytes());
        Writer { bytes }
    }

    /// Ends the segment (the trace goes on in the next one, or stops).
    pub fn end(&mut self, end: End) {
        let mut r = [0u8; RECORD];
        match end {
            End::Full => r[0] = KIND_SEGMENT_END,
            End::Stalled => r[0] = KIND_STALLED,
            End::Budget(b) => {
                r[0] = KIND_BUDGET;
                r[16..24].copy_from_slice(&b.to_le_bytes());
            }
        }
        self.bytes.extend_from_slice(&r);
    }

    pub fn event(&mut self, e: Event) {
        let mut r = [0u8; RECORD];
        r[0] = e.kind as u8;
        r[1] = e.flags;
        r[4..8].copy_from_slice(&e.goroutine.to_le_bytes());
        r[8..12].copy_from_slice(&e.site.to_le_bytes());
        r[12..16].copy_from_slice(&e.aux.to_le_bytes());
        r[16..24].copy_from_slice(&e.a.to_le_bytes());
        r[24..32].copy_from_slice(&e.b.to_le_bytes());
        self.bytes.extend_from_slice(&r);
    }

    pub fn text(&mut self, stack: bool, id: u64, text: &str) {
        let mut r = [0u8; RECORD];
        r[0] = if stack { KIND_STACK } else { KIND_KEY };
        r[12..16].copy_from_slice(&(text.len() as u32).to_le_bytes());
        r[16..24].copy_from_slice(&id.to_le_bytes());
        self.bytes.extend_from_slice(&r);
        self.bytes.extend_from_slice(text.as_bytes());
        let pad = text.len().div_ceil(RECORD) * RECORD - text.len();
        self.bytes.extend(std::iter::repeat_n(0, pad));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: Kind) -> Event {
        Event { kind, flags: 0, goroutine: 1, site: 2, aux: 3, a: 4, b: 5 }
    }

    #[test]
    fn kinds_by_byte() {
        for k in Kind::ALL {
            assert_eq!(Kind::from_u8(k as u8), Some(k));
        }
        let known = (0..=255u8).filter(|&b| Kind::from_u8(b).is_some()).count();
        assert_eq!(known, Kind::ALL.len());
        for k in Kind::ALL {
            assert_eq!(GO_RECORD_KINDS.iter().filter(|(b, _, _)| *b == k as u8).count(), 1, "{k:?} in GO_RECORD_KINDS once");
        }
        let bytes: std::collections::HashSet<u8> = GO_RECORD_KINDS.iter().map(|(b, _, _)| *b).collect();
        assert_eq!(bytes.len(), GO_RECORD_KINDS.len(), "two names for one record byte");
        assert!(!bytes.contains(&0), "kind 0 ends the trace");
    }

    #[test]
    fn round_trip() {
        let mut w = Writer::new();
        w.event(ev(Kind::Write));
        w.text(true, 7, "main.main\tmain.go\t3\n");
        w.text(false, 9, "\"users\"");
        let recs: Vec<_> = Reader::new(&w.bytes).unwrap().collect();
        assert_eq!(recs, vec![
            Record::Event(ev(Kind::Write)),
            Record::Stack(7, "main.main\tmain.go\t3\n"),
            Record::Key(9, "\"users\""),
        ]);
    }

    #[test]
    fn corrupt_and_truncated_traces_keep_the_valid_prefix() {
        let mut w = Writer::new();
        w.event(ev(Kind::Read));
        let mut bad = w.bytes.clone();
        bad.extend_from_slice(&[99u8; RECORD]);
        let mut r = Reader::new(&bad).unwrap();
        assert_eq!(r.next(), Some(Record::Event(ev(Kind::Read))));
        assert_eq!(r.next(), None);
        assert!(r.error.as_ref().unwrap().message.contains("unknown record kind 99"));

        let mut cut = w.bytes.clone();
        cut.extend_from_slice(&[2u8; 10]);
        let mut r = Reader::new(&cut).unwrap();
        assert!(r.next().is_some());
        assert_eq!(r.next(), None);
        assert!(r.error.as_ref().unwrap().message.contains("truncated"));

        assert!(Reader::new(b"garbage").is_err());
    }

    #[test]
    fn segments_say_how_they_end() {
        for end in [End::Full, End::Budget(8 << 20), End::Stalled] {
            let mut w = Writer::segment(3, 77, 1024);
            w.event(ev(Kind::Read));
            w.end(end);
            w.event(ev(Kind::Write));
            let mut r = Reader::new(&w.bytes).unwrap();
            assert_eq!((r.header.seq, r.header.pid, r.header.size), (3, 77, 1024));
            assert_eq!(r.by_ref().count(), 1);
            assert_eq!((r.end, r.error), (Some(end), None));
        }
        // A text record may not run past its segment.
        let mut w = Writer::segment(0, 1, 64);
        w.text(true, 1, "a longer text than the segment holds");
        let mut r = Reader::new(&w.bytes).unwrap();
        assert_eq!(r.next(), None);
        assert!(r.error.unwrap().message.contains("past the end of its segment"));
    }
}
