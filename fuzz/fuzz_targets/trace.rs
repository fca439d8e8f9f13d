//! `race`'s trace reader on arbitrary and truncated traces (`maprace::fuzzing::read_trace`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| maprace::fuzzing::read_trace(data));
