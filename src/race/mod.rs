//! `maprace race`: instruments a Go build through `-overlay`, records map and sync events, and
//! runs the happens-before engine over the trace.

use clap::Args;

#[derive(Args, Debug)]
pub struct RaceArgs {}

pub fn run(_args: &RaceArgs) -> i32 {
    eprintln!("maprace race: not built yet");
    2
}
