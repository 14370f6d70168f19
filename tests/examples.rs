//! The bundled inventories load without problems, and `check` counts what their files hold.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::cargo::cargo_bin_cmd;

/// The date the examples' review and expiry dates are written against.
const AS_OF: &str = "2026-12-04";

fn inventory(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("inventories")
        .join(name)
}

/// Counts top-level list entries (lines starting with `- ` at the left margin) in the given
/// file and in every YAML file of the given folder, independently of the loader.
fn count_entries(dir: &Path, file: &str, folder: &str) -> usize {
    let mut paths = vec![dir.join(file)];
    if let Ok(entries) = fs::read_dir(dir.join(folder)) {
        paths.extend(entries.flatten().map(|entry| entry.path()));
    }
    paths
        .iter()
        .filter_map(|path| fs::read_to_string(path).ok())
        .map(|text| text.lines().filter(|line| line.starts_with("- ")).count())
        .sum()
}

fn check_output(dir: &Path) -> (i32, String) {
    let output = cargo_bin_cmd!("hipaa-migrate")
        .arg("check")
        .arg(dir)
        .args(["--as-of", AS_OF])
        .output()
        .expect("run hipaa-migrate");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), stdout)
}

fn assert_counts_match_files(name: &str) {
    let dir = inventory(name);
    let systems = count_entries(&dir, "systems.yaml", "systems");
    let vendors = count_entries(&dir, "vendors.yaml", "vendors");
    let services = count_entries(&dir, "services.yaml", "-");
    let controls = count_entries(&dir, "controls.yaml", "-");
    let (code, stdout) = check_output(&dir);
    assert!(code == 0 || code == 1, "check {name} failed:\n{stdout}");
    let records = stdout
        .lines()
        .find(|line| line.starts_with("Records:"))
        .unwrap_or_else(|| panic!("no Records line in:\n{stdout}"));
    let noun = |count: usize, one: &str, many: &str| {
        if count == 1 {
            format!("1 {one}")
        } else {
            format!("{count} {many}")
        }
    };
    let expected = format!(
        "{}, {}, {}, {}",
        noun(systems, "system", "systems"),
        noun(vendors, "vendor", "vendors"),
        noun(services, "service entry", "service entries"),
        noun(controls, "control", "controls"),
    );
    assert!(
        records.contains(&expected),
        "expected `{expected}` in `{records}`"
    );
    assert!(
        stdout.contains("0 errors, 0 warnings: inventory is valid"),
        "{stdout}"
    );
}

#[test]
fn riverbend_counts_match_files() {
    assert_counts_match_files("riverbend");
}

#[test]
fn minimal_counts_match_files() {
    assert_counts_match_files("minimal");
}

#[test]
fn riverbend_has_documented_size() {
    let dir = inventory("riverbend");
    let systems = count_entries(&dir, "systems.yaml", "systems");
    let vendors = count_entries(&dir, "vendors.yaml", "vendors");
    assert!((20..=40).contains(&systems), "{systems} systems");
    assert!((10..=20).contains(&vendors), "{vendors} vendors");
}

#[test]
fn minimal_has_three_systems_two_vendors() {
    let dir = inventory("minimal");
    assert_eq!(count_entries(&dir, "systems.yaml", "systems"), 3);
    assert_eq!(count_entries(&dir, "vendors.yaml", "vendors"), 2);
}
