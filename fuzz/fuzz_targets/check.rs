//! The whole `check` pipeline on arbitrary bytes as one Go file (`maprace::fuzzing::check_bytes`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| maprace::fuzzing::check_bytes(data));
