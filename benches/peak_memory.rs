//! Peak memory of `hipaa-migrate check` on generated estates of 10,000 and 100,000 systems.
//!
//! This target does not use criterion, because criterion times code inside its own process.
//! It writes each estate to a temporary folder with `hipaa_migrate::synthetic`, including a
//! journal in which phase 1 is about half validated. Then it runs the release binary under
//! GNU `time -v` and prints the maximum resident set size and the elapsed time that `time`
//! reports. Without `/usr/bin/time` it prints a note and measures nothing.
//!
//! Run it alone with `cargo bench --bench peak_memory`. A name filter given to `cargo bench`
//! applies here too: the sizes whose name, such as `peak_memory/check/10000`, does not contain
//! the filter are skipped.

use std::path::Path;
use std::process::{Command, Stdio};

use hipaa_migrate::synthetic::{self, Shape};

const SIZES: [usize; 2] = [10_000, 100_000];
const TIME: &str = "/usr/bin/time";

fn main() {
    // `cargo bench` passes `--bench` and any filter, and may pass criterion's options, which
    // do not apply here. The first argument that is not an option is taken as the filter.
    let filter = std::env::args()
        .skip(1)
        .find(|argument| !argument.starts_with('-'));
    if !Path::new(TIME).exists() {
        println!("peak_memory: skipped, because {TIME} (GNU time) is not installed");
        return;
    }
    for systems in SIZES {
        let name = format!("peak_memory/check/{systems}");
        if filter
            .as_ref()
            .is_some_and(|filter| !name.contains(filter.as_str()))
        {
            continue;
        }
        let usage = measure_check(systems);
        let kib = usage.max_rss_kib;
        println!(
            "{name:<32} max RSS {:>5}.{} MiB   elapsed {}",
            kib / 1024,
            kib % 1024 * 10 / 1024,
            usage.elapsed
        );
    }
}

/// Resource use of one run, as GNU `time -v` reports it.
struct Usage {
    /// "Maximum resident set size", in KiB.
    max_rss_kib: u64,
    /// "Elapsed (wall clock) time", as `time` prints it.
    elapsed: String,
}

/// Runs `check` on a generated estate of `systems` systems and returns its resource use.
///
/// # Panics
/// Panics when the estate cannot be written, `check` exits with status 2 (an invalid
/// inventory or a failure) or `time` prints no maximum resident set size.
fn measure_check(systems: usize) -> Usage {
    let folder = tempfile::tempdir().expect("create a temporary folder");
    let shape = Shape::with_systems(systems);
    synthetic::write_inventory(folder.path(), shape).expect("write the generated inventory");
    synthetic::write_journal(folder.path(), shape).expect("write the generated journal");

    let output = Command::new(TIME)
        .arg("-v")
        .arg(env!("CARGO_BIN_EXE_hipaa-migrate"))
        .arg("check")
        .arg(folder.path())
        .args(["--as-of", "2026-12-04", "--format", "json"])
        .stdout(Stdio::null())
        .output()
        .expect("run hipaa-migrate check under GNU time");

    let report = String::from_utf8_lossy(&output.stderr);
    // `check` exits 1 when it finds gaps, which every generated estate has, and 2 when the
    // inventory is invalid; `time` passes the status through.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "hipaa-migrate check failed on {systems} systems with {}:\n{report}",
        output.status
    );

    let field = |label: &str| {
        report
            .lines()
            .find_map(|line| line.trim().strip_prefix(label))
            .map(|value| value.trim().to_owned())
    };
    let max_rss_kib = field("Maximum resident set size (kbytes):")
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("GNU time printed no maximum resident set size:\n{report}"));
    let elapsed = field("Elapsed (wall clock) time (h:mm:ss or m:ss):").unwrap_or_default();
    Usage {
        max_rss_kib,
        elapsed,
    }
}
