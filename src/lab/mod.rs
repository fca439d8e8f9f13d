//! `maprace lab`: runs the embedded scenario corpus under `go run -race` and under maprace,
//! and reports who catches what.

use clap::Args;

#[derive(Args, Debug)]
pub struct LabArgs {}

pub fn run(_args: &LabArgs) -> i32 {
    eprintln!("maprace lab: not built yet");
    2
}
