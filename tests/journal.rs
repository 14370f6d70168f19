//! The validation journal: tampering is detected and named, concurrent writers lose nothing,
//! a killed writer leaves at most a torn tail, and the journal drives the phase gates.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use assert_cmd::cargo::cargo_bin_cmd;
use hipaa_migrate::analysis;
use hipaa_migrate::gates::{self, PhaseState, Subject, ValidationStatus};
use hipaa_migrate::journal::{self, Journal, NewEntry};
use hipaa_migrate::loader;
use hipaa_migrate::model::{CivilDate, Phase};

const ON: &str = "2026-12-04";

fn date(text: &str) -> CivilDate {
    CivilDate::parse(text).expect("valid date")
}

/// Copies the minimal example inventory into a fresh temporary folder.
fn minimal_copy() -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temporary folder");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/minimal");
    for entry in fs::read_dir(&source).expect("read minimal inventory") {
        let path = entry.expect("folder entry").path();
        if path.is_file() {
            let name = path.file_name().expect("file name");
            fs::copy(&path, temp.path().join(name)).expect("copy inventory file");
        }
    }
    temp
}

fn entry(evidence: &str) -> NewEntry {
    NewEntry {
        control: "data-inventory".to_owned(),
        subject: Subject::Project,
        status: ValidationStatus::Validated,
        by: "tester".to_owned(),
        on: date(ON),
        evidence: evidence.to_owned(),
        justification: None,
    }
}

/// Writes a journal of `count` entries and returns its lines.
fn journal_lines(dir: &Path, count: usize) -> Vec<String> {
    let mut journal = Journal::open(dir).expect("open journal");
    for index in 1..=count {
        journal
            .append(&entry(&format!("evidence {index}")), &mut |_| Ok(()))
            .expect("append");
    }
    let text = fs::read_to_string(dir.join(journal::FILE_NAME)).expect("read journal");
    text.lines().map(str::to_owned).collect()
}

fn write_lines(dir: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    fs::write(dir.join(journal::FILE_NAME), text).expect("write journal");
}

fn first_problem(dir: &Path) -> (usize, String) {
    let journal = Journal::open(dir).expect("open journal");
    let problem = journal.verify().expect_err("a broken chain");
    (problem.line, problem.message.clone())
}

#[test]
fn intact_journal_verifies() {
    let temp = minimal_copy();
    journal_lines(temp.path(), 4);
    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.verify().expect("intact chain"), 4);
}

#[test]
fn edited_line_is_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 5);
    lines[2] = lines[2].replace("evidence 3", "evidence three");
    write_lines(temp.path(), &lines);
    let (line, message) = first_problem(temp.path());
    assert_eq!(line, 3);
    assert!(
        message.contains("changed after it was written"),
        "{message}"
    );
}

#[test]
fn edited_last_line_is_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 3);
    lines[2] = lines[2].replace("\"validated\"", "\"failed\"");
    write_lines(temp.path(), &lines);
    assert_eq!(first_problem(temp.path()).0, 3);
}

#[test]
fn deleted_line_is_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 5);
    lines.remove(1);
    write_lines(temp.path(), &lines);
    let (line, message) = first_problem(temp.path());
    assert_eq!(line, 2);
    assert!(message.contains("does not follow line 1"), "{message}");
}

#[test]
fn deleted_first_line_is_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 3);
    lines.remove(0);
    write_lines(temp.path(), &lines);
    let (line, message) = first_problem(temp.path());
    assert_eq!(line, 1);
    assert!(
        message.contains("lines before it were deleted"),
        "{message}"
    );
}

#[test]
fn reordered_lines_are_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 5);
    lines.swap(2, 3);
    write_lines(temp.path(), &lines);
    let (line, message) = first_problem(temp.path());
    assert_eq!(line, 3);
    assert!(message.contains("does not follow line 2"), "{message}");
}

#[test]
fn torn_last_line_is_reported() {
    let temp = minimal_copy();
    let lines = journal_lines(temp.path(), 3);
    let path = temp.path().join(journal::FILE_NAME);
    let mut text = format!("{}\n{}\n", lines[0], lines[1]);
    text.push_str(&lines[2][..lines[2].len() / 2]);
    fs::write(&path, &text).expect("write torn journal");

    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.entries().len(), 2, "complete entries stay readable");
    assert_eq!(journal.problems().len(), 1);
    let problem = &journal.problems()[0];
    assert_eq!(problem.line, 3);
    assert!(problem.torn_tail);
    assert!(problem.message.contains("cut short"), "{}", problem.message);
}

#[test]
fn append_after_torn_tail_is_rejected() {
    let temp = minimal_copy();
    journal_lines(temp.path(), 2);
    let path = temp.path().join(journal::FILE_NAME);
    let mut bytes = fs::read(&path).expect("read journal");
    bytes.extend_from_slice(b"{\"seq\":3,\"cont");
    fs::write(&path, &bytes).expect("write torn journal");

    let mut journal = Journal::open(temp.path()).expect("open journal");
    let error = journal
        .append(&entry("after tear"), &mut |_| Ok(()))
        .expect_err("rejected");
    assert!(error.to_string().contains("line 3"), "{error}");
    assert_eq!(
        fs::read(&path).expect("read journal"),
        bytes,
        "nothing was written"
    );

    let journal::Repair::MovedAside(side) = journal::repair(temp.path()).expect("repair") else {
        panic!("the torn tail must be moved aside");
    };
    assert_eq!(
        fs::read(&side).expect("read side file"),
        b"{\"seq\":3,\"cont"
    );
    let mut journal = Journal::open(temp.path()).expect("open journal");
    journal
        .append(&entry("after repair"), &mut |_| Ok(()))
        .expect("append after repair");
    assert_eq!(
        Journal::open(temp.path())
            .expect("open")
            .verify()
            .expect("intact"),
        3
    );
}

#[test]
fn stale_reader_rereads_before_append() {
    let temp = minimal_copy();
    let mut first = Journal::open(temp.path()).expect("open journal");
    let mut second = Journal::open(temp.path()).expect("open journal");
    first
        .append(&entry("from first"), &mut |_| Ok(()))
        .expect("append");

    let mut rechecked = false;
    second
        .append(&entry("from second"), &mut |fresh| {
            rechecked = true;
            assert_eq!(
                fresh.entries().len(),
                1,
                "the fresh copy has the other append"
            );
            Ok(())
        })
        .expect("append");
    assert!(
        rechecked,
        "the second writer must re-check after the first appended"
    );
    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.verify().expect("intact"), 2);

    let error = first
        .append(&entry("rejected"), &mut |_| {
            Err("gate closed meanwhile".to_owned())
        })
        .expect_err("re-check rejects");
    assert!(
        error.to_string().contains("gate closed meanwhile"),
        "{error}"
    );
    assert_eq!(Journal::open(temp.path()).expect("open").entries().len(), 2);
}

#[test]
fn missing_line_end_is_restored() {
    let temp = minimal_copy();
    journal_lines(temp.path(), 3);
    let path = temp.path().join(journal::FILE_NAME);
    let mut bytes = fs::read(&path).expect("read journal");
    bytes.pop();
    fs::write(&path, &bytes).expect("write journal");
    assert!(Journal::open(temp.path()).expect("open").verify().is_err());

    let outcome = journal::repair(temp.path()).expect("repair");
    assert_eq!(outcome, journal::Repair::EndedLine);
    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(
        journal.verify().expect("intact chain"),
        3,
        "no entry was lost"
    );
}

#[test]
fn repeated_repairs_keep_every_side_file() {
    let temp = minimal_copy();
    journal_lines(temp.path(), 1);
    let path = temp.path().join(journal::FILE_NAME);
    let complete = fs::read(&path).expect("read journal");
    let mut sides = Vec::new();
    for tail in [&b"{\"partial1"[..], &b"{\"partial2"[..]] {
        let mut bytes = complete.clone();
        bytes.extend_from_slice(tail);
        fs::write(&path, &bytes).expect("write torn journal");
        let journal::Repair::MovedAside(side) = journal::repair(temp.path()).expect("repair")
        else {
            panic!("the torn tail must be moved aside");
        };
        assert_eq!(fs::read(&side).expect("read side file"), tail);
        sides.push(side);
    }
    assert_ne!(
        sides[0], sides[1],
        "the second repair must not replace the first side file"
    );
    assert_eq!(
        fs::read(&sides[0]).expect("first side file"),
        b"{\"partial1"
    );
}

#[test]
fn added_field_is_named() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 3);
    lines[1] = lines[1].replacen('{', "{\"approved_by_auditor\":true,", 1);
    write_lines(temp.path(), &lines);
    let (line, message) = first_problem(temp.path());
    assert_eq!(line, 2);
    assert!(message.contains("added field"), "{message}");
}

#[test]
fn entries_after_broken_link_do_not_count() {
    use hipaa_migrate::gates::ValidationStore;

    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 3);
    lines[2] = lines[2].replace("evidence 3", "forged");
    write_lines(temp.path(), &lines);
    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.entries().len(), 3, "the history stays visible");
    let latest = journal
        .latest("data-inventory", &Subject::Project)
        .expect("the last trusted validation");
    assert_eq!(
        latest.evidence, "evidence 2",
        "the changed line does not count"
    );
}

#[test]
fn blank_line_is_ignored() {
    let temp = minimal_copy();
    let mut lines = journal_lines(temp.path(), 3);
    lines.insert(2, String::new());
    write_lines(temp.path(), &lines);
    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.verify().expect("intact chain"), 3);
}

#[test]
fn symlinked_journal_is_rejected() {
    let temp = minimal_copy();
    let target = temp.path().join("elsewhere.txt");
    fs::write(&target, "not a journal\n").expect("write target");
    std::os::unix::fs::symlink(&target, temp.path().join(journal::FILE_NAME)).expect("symlink");
    let error = Journal::open(temp.path()).expect_err("a symlink is rejected");
    assert!(error.to_string().contains("symbolic link"), "{error}");
    assert!(journal::repair(temp.path()).is_err());
    assert_eq!(
        fs::read_to_string(&target).expect("read target"),
        "not a journal\n"
    );
}

#[test]
fn future_dated_validation_is_rejected() {
    let temp = minimal_copy();
    let output = cargo_bin_cmd!("hipaa-migrate")
        .arg("validate")
        .arg(temp.path())
        .args(["data-inventory", "--status", "validated", "--evidence", "x"])
        .args(["--user", "Priya Raman", "--on", "2999-01-01"])
        .output()
        .expect("run hipaa-migrate");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is in the future"), "{stderr}");
}

#[test]
fn verify_missing_folder_fails() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let output = cargo_bin_cmd!("hipaa-migrate")
        .args(["journal", "verify"])
        .arg(temp.path().join("no-such-inventory"))
        .output()
        .expect("run hipaa-migrate");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not found"));
}

#[test]
fn log_escapes_control_characters() {
    let temp = minimal_copy();
    let mut journal = Journal::open(temp.path()).expect("open journal");
    let mut forged = entry("ok\r\u{1b}[2Kforged");
    forged.by = "name\nFAKE 99".to_owned();
    journal.append(&forged, &mut |_| Ok(())).expect("append");
    let output = cargo_bin_cmd!("hipaa-migrate")
        .args(["journal", "log"])
        .arg(temp.path())
        .output()
        .expect("run hipaa-migrate");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(!stdout.contains('\r'), "{stdout:?}");
    assert!(
        !stdout.lines().any(|line| line.starts_with("FAKE")),
        "{stdout:?}"
    );
}

fn writer_path() -> PathBuf {
    // Integration tests run from target/<profile>/deps; `cargo test` builds examples into
    // target/<profile>/examples.
    let exe = std::env::current_exe().expect("test executable path");
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .expect("target profile folder");
    profile
        .join("examples")
        .join(format!("journal_writer{}", std::env::consts::EXE_SUFFIX))
}

fn spawn_writer(dir: &Path, count: u32, tag: &str) -> Child {
    Command::new(writer_path())
        .arg(dir)
        .arg(count.to_string())
        .arg(tag)
        .spawn()
        .unwrap_or_else(|error| panic!("start {}: {error}", writer_path().display()))
}

#[test]
fn concurrent_writers_lose_nothing() {
    let temp = minimal_copy();
    let mut first = spawn_writer(temp.path(), 500, "one");
    let mut second = spawn_writer(temp.path(), 500, "two");
    assert!(first.wait().expect("first writer").success());
    assert!(second.wait().expect("second writer").success());

    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.verify().expect("intact chain"), 1000);
    for tag in ["one", "two"] {
        let mut seen: Vec<u32> = journal
            .entries()
            .iter()
            .filter_map(|e| {
                e.body
                    .evidence
                    .strip_prefix(&format!("{tag}-"))?
                    .parse()
                    .ok()
            })
            .collect();
        seen.sort_unstable();
        assert_eq!(
            seen,
            (1..=500).collect::<Vec<u32>>(),
            "entries of writer {tag}"
        );
    }
}

#[test]
fn killed_writer_leaves_only_torn_tail() {
    for (round, wait_ms) in [5_u64, 20, 45, 80, 130].into_iter().enumerate() {
        let temp = minimal_copy();
        let mut writer = spawn_writer(temp.path(), 1_000_000, "killed");
        std::thread::sleep(Duration::from_millis(wait_ms));
        writer.kill().expect("send SIGKILL");
        writer.wait().expect("reap writer");

        let journal = Journal::open(temp.path()).expect("open journal");
        let problems = journal.problems();
        assert!(
            problems.is_empty() || (problems.len() == 1 && problems[0].torn_tail),
            "round {round}: {problems:?}"
        );
        if !problems.is_empty() {
            journal::repair(temp.path()).expect("repair");
        }
        let repaired = Journal::open(temp.path()).expect("open journal");
        assert!(
            repaired.verify().is_ok(),
            "round {round}: {:?}",
            repaired.problems()
        );
    }
}

fn validate(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = cargo_bin_cmd!("hipaa-migrate")
        .arg("validate")
        .arg(dir)
        .args(args)
        .args(["--user", "Priya Raman", "--on", ON])
        .output()
        .expect("run hipaa-migrate");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn validate_records_and_logs() {
    let temp = minimal_copy();
    let (code, stdout, stderr) = validate(
        temp.path(),
        &[
            "data-inventory",
            "--status",
            "validated",
            "--evidence",
            "Inventory review ticket 42",
        ],
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("line 1: data-inventory project validated by Priya Raman"),
        "{stdout}"
    );

    let journal = Journal::open(temp.path()).expect("open journal");
    assert_eq!(journal.entries().len(), 1);
    assert_eq!(
        journal.entries()[0].body.evidence,
        "Inventory review ticket 42"
    );

    let log = cargo_bin_cmd!("hipaa-migrate")
        .args(["journal", "log"])
        .arg(temp.path())
        .args(["--user", "Priya Raman"])
        .output()
        .expect("run journal log");
    let text = String::from_utf8_lossy(&log.stdout);
    assert!(text.contains("data-inventory"), "{text}");
    assert!(
        text.contains("evidence: Inventory review ticket 42"),
        "{text}"
    );

    let verify = cargo_bin_cmd!("hipaa-migrate")
        .args(["journal", "verify"])
        .arg(temp.path())
        .output()
        .expect("run journal verify");
    assert_eq!(verify.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("1 entry, chain intact"));
}

#[test]
fn locked_phase_validation_is_rejected() {
    let temp = minimal_copy();
    let (code, stdout, stderr) = validate(
        temp.path(),
        &[
            "landing-zone-as-code",
            "--status",
            "validated",
            "--evidence",
            "Terraform plan",
        ],
    );
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("phase 2 (Design the landing zone)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("locked because phase 1 (Map PHI and vendors) is not complete"),
        "{stderr}"
    );
    assert!(
        !temp.path().join(journal::FILE_NAME).exists(),
        "nothing was recorded"
    );
}

#[test]
fn not_applicable_needs_justification() {
    let temp = minimal_copy();
    let (code, _, stderr) = validate(
        temp.path(),
        &[
            "shadow-it-search",
            "--status",
            "not_applicable",
            "--evidence",
            "n/a",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("--justification"), "{stderr}");
}

#[test]
fn wrong_subject_lists_valid_ones() {
    let temp = minimal_copy();
    let (code, _, stderr) = validate(
        temp.path(),
        &[
            "baa-signed",
            "--status",
            "validated",
            "--evidence",
            "BAA on file",
        ],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("pass --vendor"), "{stderr}");
}

#[test]
fn unknown_control_suggests_closest() {
    let temp = minimal_copy();
    let (code, _, stderr) = validate(
        temp.path(),
        &["risk-analysys", "--status", "validated", "--evidence", "x"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `risk-analysis`?"), "{stderr}");
}

/// Records every phase 1 item as validated on `on`, through the journal.
fn validate_phase_one(dir: &Path, on: CivilDate) {
    let loaded = loader::load(dir);
    let analysis = analysis::analyse(&loaded.inventory, on);
    let mut journal = Journal::open(dir).expect("open journal");
    let gates = gates::evaluate(&loaded.inventory, &analysis, &journal, on);
    let items: Vec<(String, Subject)> = gates[0]
        .items
        .iter()
        .map(|item| (item.control.clone(), item.subject.clone()))
        .collect();
    for (control, subject) in items {
        let entry = NewEntry {
            control,
            subject,
            on,
            ..entry("reviewed")
        };
        journal.append(&entry, &mut |_| Ok(())).expect("append");
    }
}

fn phase_one_state(dir: &Path, today: CivilDate) -> PhaseState {
    let loaded = loader::load(dir);
    let analysis = analysis::analyse(&loaded.inventory, today);
    let journal = Journal::open(dir).expect("open journal");
    let gates = gates::evaluate(&loaded.inventory, &analysis, &journal, today);
    assert_eq!(gates[0].phase, Phase::MapPhiAndVendors);
    gates[0].state
}

#[test]
fn expired_validation_regresses_phase() {
    let temp = minimal_copy();
    let validated_on = date("2026-01-10");
    validate_phase_one(temp.path(), validated_on);
    assert_eq!(
        phase_one_state(temp.path(), date("2026-01-10")),
        PhaseState::Complete
    );
    // The yearly risk analysis counts through 2027-01-10 and is overdue from 2027-01-11.
    assert_eq!(
        phase_one_state(temp.path(), date("2027-01-10")),
        PhaseState::Complete
    );
    assert_eq!(
        phase_one_state(temp.path(), date("2027-01-11")),
        PhaseState::Regressed
    );
}
