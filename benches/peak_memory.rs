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

/// Criterion's options that take a value in the next argument, such as `--sample-size 20`, as
/// criterion 0.8 defines them.
/// `cargo bench -- OPTIONS` passes them to every benchmark target, this one included, so their
/// values are skipped rather than taken as a filter.
const OPTIONS_WITH_VALUE: [&str; 19] = [
    "--baseline",
    "--baseline-lenient",
    "--color",
    "--confidence-level",
    "--format",
    "--load-baseline",
    "--measurement-time",
    "--noise-threshold",
    "--nresamples",
    "--output-format",
    "--plotting-backend",
    "--profile-time",
    "--sample-size",
    "--save-baseline",
    "--significance-level",
    "--warm-up-time",
    "-b",
    "-c",
    "-s",
];

fn main() {
    let arguments: Vec<String> = std::env::args().skip(1).collect();
    let filter = filter_of(&arguments);
    let names = SIZES.map(|systems| format!("peak_memory/check/{systems}"));
    if arguments.iter().any(|argument| argument == "--list") {
        for name in &names {
            println!("{name}: benchmark");
        }
        return;
    }
    if !Path::new(TIME).exists() {
        println!("peak_memory: skipped, because {TIME} (GNU time) is not installed");
        return;
    }
    for (systems, name) in SIZES.into_iter().zip(names) {
        if filter.as_ref().is_some_and(|filter| !name.contains(filter)) {
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

/// Returns the name filter among the arguments `cargo bench` passes: the first argument that
/// is neither an option nor the value of one.
fn filter_of(arguments: &[String]) -> Option<&str> {
    let mut skip_value = false;
    for argument in arguments {
        if skip_value {
            skip_value = false;
        } else if argument.starts_with('-') {
            skip_value = OPTIONS_WITH_VALUE.contains(&argument.as_str());
        } else {
            return Some(argument);
        }
    }
    None
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
