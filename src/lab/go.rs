//! The machine's Go toolchain: finding it, checking that `-race` works, building scenarios
//! and running them with a timeout. The only part of the lab that starts processes.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::measure::RunOutput;

/// The Go version the scenarios' go.mod declares (range-over-int and per-iteration loop
/// variables need 1.22).
const GO_MOD: &str = "module maprace.lab/scenario\n\ngo 1.22\n";

#[derive(Clone, Debug)]
pub struct Toolchain {
    /// `go1.26.8`
    pub version: String,
    pub goos: String,
    pub goarch: String,
}

/// A `go` command with the environment the lab needs: no workspace, no user GOFLAGS, and
/// never a toolchain download.
fn go() -> Command {
    let mut c = Command::new("go");
    c.env("GOWORK", "off").env("GOFLAGS", "").env("GOTOOLCHAIN", "local");
    c
}

fn output(cmd: &mut Command, what: &str) -> Result<Output, String> {
    cmd.output().map_err(|e| {
        if e.kind() == io::ErrorKind::NotFound {
            "`go` is not on PATH; install Go 1.22 or later (https://go.dev/dl/) or add it to PATH".to_string()
        } else {
            format!("cannot run `{what}`: {e}")
        }
    })
}

/// First non-empty line, for one-line error messages.
pub fn first_line(text: &str) -> &str {
    text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or("(no output)")
}

impl Toolchain {
    pub fn detect() -> Result<Toolchain, String> {
        let out = output(go().arg("env").arg("GOVERSION").arg("GOOS").arg("GOARCH"), "go env")?;
        if !out.status.success() {
            return Err(format!("`go env` failed: {}", first_line(&String::from_utf8_lossy(&out.stderr))));
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut lines = text.lines().map(str::trim);
        match (lines.next(), lines.next(), lines.next()) {
            (Some(v), Some(os), Some(arch)) if !v.is_empty() => {
                Ok(Toolchain { version: v.to_string(), goos: os.to_string(), goarch: arch.to_string() })
            }
            _ => Err(format!("cannot read the Go version from `go env GOVERSION GOOS GOARCH`: {text:?}")),
        }
    }

    /// Build a trivial program with `-race` so that a toolchain without race support (no
    /// cgo, unsupported platform) fails once, clearly, before any scenario.
    pub fn check_race_support(&self, work: &Path) -> Result<(), String> {
        let dir = work.join("race-support");
        let src = "package main\n\nfunc main() {\n\tdone := make(chan bool)\n\tgo func() { done <- true }()\n\t<-done\n}\n";
        write_package(&dir, src).map_err(|e| format!("cannot write to {}: {e}", dir.display()))?;
        build(&dir, &["-race"]).map(|_| ()).map_err(|e| {
            format!("{} ({}/{}) cannot build with -race: {e}", self.version, self.goos, self.goarch)
        })
    }
}

/// Write a scenario as a one-file module in `dir`.
pub fn write_package(dir: &Path, source: &str) -> io::Result<()> {
    fs::create_dir_all(dir)?;
    fs::write(dir.join("go.mod"), GO_MOD)?;
    fs::write(dir.join("main.go"), source)
}

/// `go build <flags> -o <dir>/scenario .` in `dir`; the binary's path, or the compiler's
/// first error line. Also returns the compiler's stderr (for `-gcflags=-S`).
pub fn build(dir: &Path, flags: &[&str]) -> Result<(PathBuf, String), String> {
    let bin = dir.join(if flags.contains(&"-race") { "scenario-race" } else { "scenario" });
    let mut cmd = go();
    cmd.arg("build").args(flags).arg("-o").arg(&bin).arg(".").current_dir(dir);
    let out = output(&mut cmd, "go build")?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !out.status.success() {
        return Err(first_line(&stderr).to_string());
    }
    Ok((bin, stderr))
}

/// Run `bin` with `GORACE` set to `gorace`, killing it after `timeout`. Output goes through
/// files so that a chatty scenario cannot block on a full pipe.
pub fn run(bin: &Path, gorace: &str, args: &[String], timeout: Duration, log_prefix: &Path) -> io::Result<RunOutput> {
    let out_path = log_prefix.with_extension("stdout");
    let err_path = log_prefix.with_extension("stderr");
    let mut child = Command::new(bin)
        .args(args)
        .env("GORACE", gorace)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&out_path)?)
        .stderr(fs::File::create(&err_path)?)
        .spawn()?;
    let started = Instant::now();
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait()? {
            break (Some(status), false);
        }
        if started.elapsed() >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            break (None, true);
        }
        thread::sleep(Duration::from_millis(10));
    };
    let read = |p: &Path| fs::read(p).map(|b| String::from_utf8_lossy(&b).into_owned());
    Ok(RunOutput {
        stdout: read(&out_path)?,
        stderr: read(&err_path)?,
        exit_code: status.and_then(|s| s.code()),
        timed_out,
    })
}

/// `go tool objdump -s <regexp> <bin>`: the disassembly of matching functions.
pub fn objdump(bin: &Path, symbols: &str) -> Result<String, String> {
    let out = output(go().arg("tool").arg("objdump").arg("-s").arg(symbols).arg(bin), "go tool objdump")?;
    if !out.status.success() {
        return Err(first_line(&String::from_utf8_lossy(&out.stderr)).to_string());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, timeout: Duration) -> RunOutput {
        let dir = tempfile::tempdir().expect("tempdir");
        let args = vec!["-c".to_string(), script.to_string()];
        run(Path::new("/bin/sh"), "halt_on_error=0", &args, timeout, &dir.path().join("run-0-0")).expect("sh runs")
    }

    #[test]
    fn run_captures_both_streams_the_exit_code_and_gorace() {
        let out = sh("echo LOST_UPDATES=2; echo \"GORACE=$GORACE\" >&2; exit 3", Duration::from_secs(10));
        assert_eq!(out.stdout, "LOST_UPDATES=2\n");
        assert_eq!(out.stderr, "GORACE=halt_on_error=0\n");
        assert_eq!(out.exit_code, Some(3));
        assert!(!out.timed_out);
    }

    #[test]
    fn run_kills_a_hung_process_at_the_timeout() {
        let started = Instant::now();
        let out = sh("echo started; exec sleep 30", Duration::from_millis(300));
        assert!(out.timed_out);
        assert_eq!(out.exit_code, None);
        assert_eq!(out.stdout, "started\n");
        assert!(started.elapsed() < Duration::from_secs(5), "killed, not waited for");
    }
}
