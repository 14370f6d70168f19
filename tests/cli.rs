//! End-to-end tests of the `hipaa-migrate` binary: exit codes and output of `check`, `schema`
//! and `init`, run on the inventories under `inventories/` and `templates/init/`, and on
//! scratch copies in temporary folders.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const EXIT_OK: i32 = 0;
const EXIT_INVALID: i32 = 2;

/// Files that `init` writes, in the order it writes them.
/// A date on which the starter inventory's restore tests and reviews are recent.
const STARTER_DATE: &str = "2026-02-01";

const STARTER_FILES: [&str; 5] = [
    "project.yaml",
    "systems.yaml",
    "vendors.yaml",
    "services.yaml",
    "controls.yaml",
];

/// Schema kinds accepted by `schema`, with the file name `schema --out` writes for each.
const SCHEMA_KINDS: [(&str, &str); 5] = [
    ("project", "project.schema.json"),
    ("systems", "systems.schema.json"),
    ("vendors", "vendors.schema.json"),
    ("services", "services.schema.json"),
    ("controls", "controls.schema.json"),
];

/// Upper bound on one run of the binary, so a hang fails the test instead of stalling it.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// Environment change for one run.
#[derive(Clone, Copy)]
enum EnvChange<'a> {
    Set(&'a str, &'a str),
    Remove(&'a str),
}

/// Exit code and output of one run of the binary, with the command and folder that produced it.
struct Run {
    command: String,
    current_dir: PathBuf,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Formats the command, folder, exit code and both output streams for a failure message.
    fn report(&self) -> String {
        format!(
            "command: {}\nfolder: {}\nexit code: {}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- end ---",
            self.command,
            self.current_dir.display(),
            self.code
                .map_or_else(|| "none (killed by a signal)".to_owned(), |c| c.to_string()),
            self.stdout,
            self.stderr,
        )
    }

    #[track_caller]
    fn assert_stdout(&self, predicate: &impl Predicate<str>) {
        assert!(
            predicate.eval(&self.stdout),
            "stdout does not match: {predicate}\n{}",
            self.report()
        );
    }

    #[track_caller]
    fn assert_stderr(&self, predicate: &impl Predicate<str>) {
        assert!(
            predicate.eval(&self.stderr),
            "stderr does not match: {predicate}\n{}",
            self.report()
        );
    }

    #[track_caller]
    fn assert_stdout_line(&self, expected: &str) {
        assert!(
            self.stdout.lines().any(|line| line == expected),
            "stdout has no line equal to {expected:?}\n{}",
            self.report()
        );
    }

    /// Asserts that neither stream shows a Rust panic message.
    #[track_caller]
    fn assert_no_panic(&self) {
        let panicked = predicate::str::contains("panicked").not();
        self.assert_stdout(&panicked);
        self.assert_stderr(&panicked);
    }

    /// Parses stdout as one JSON document.
    #[track_caller]
    fn stdout_json(&self) -> Value {
        match serde_json::from_str(&self.stdout) {
            Ok(value) => value,
            Err(error) => panic!("stdout is not valid JSON: {error}\n{}", self.report()),
        }
    }
}

/// Runs the binary in `current_dir` and panics with the whole run when the exit code is not
/// `expected_code`.
#[track_caller]
fn run(current_dir: &Path, args: &[&str], expected_code: i32) -> Run {
    run_with_env(current_dir, args, &[], expected_code)
}

#[track_caller]
fn run_with_env(
    current_dir: &Path,
    args: &[&str],
    env: &[EnvChange<'_>],
    expected_code: i32,
) -> Run {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("hipaa-migrate");
    command
        .args(args)
        .current_dir(current_dir)
        .timeout(RUN_TIMEOUT);
    let mut words = Vec::new();
    for change in env {
        match *change {
            EnvChange::Set(name, value) => {
                command.env(name, value);
                words.push(format!("{name}={value}"));
            }
            EnvChange::Remove(name) => {
                command.env_remove(name);
                words.push(format!("(unset {name})"));
            }
        }
    }
    words.push("hipaa-migrate".to_owned());
    words.extend(args.iter().map(|arg| (*arg).to_owned()));
    let command_text = words.join(" ");
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => panic!(
            "failed to run `{command_text}` in {}: {error}",
            current_dir.display()
        ),
    };
    let result = Run {
        command: command_text,
        current_dir: current_dir.to_path_buf(),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(
        result.code,
        Some(expected_code),
        "unexpected exit code\n{}",
        result.report()
    );
    result
}

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Returns the path of an invalid-inventory case relative to the manifest folder, as the
/// binary prints it when run from there.
fn case_path(case: &str) -> PathBuf {
    Path::new("inventories/invalid").join(case)
}

/// Copies the files of a flat inventory folder into a new temporary folder.
fn copy_case(case: &str) -> TempDir {
    let scratch = TempDir::new().expect("create temporary folder");
    let source = manifest_dir().join(case_path(case));
    for entry in fs::read_dir(&source).expect("read case folder") {
        let entry = entry.expect("read case folder entry");
        assert!(
            entry.file_type().expect("file type").is_file(),
            "{} is not a flat folder",
            source.display()
        );
        fs::copy(entry.path(), scratch.path().join(entry.file_name())).expect("copy case file");
    }
    scratch
}

/// Reads every file under a folder into a map from relative path to contents.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in fs::read_dir(&folder).expect("read folder") {
            let path = entry.expect("read folder entry").path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path.strip_prefix(dir).expect("path under folder");
            let name = name.to_string_lossy().into_owned();
            files.insert(name, fs::read(&path).expect("read file"));
        }
    }
    files
}

/// Every file `init` writes: the starter YAML files and their JSON Schemas.
fn init_files() -> Vec<String> {
    let mut names: Vec<String> = STARTER_FILES
        .iter()
        .map(|name| (*name).to_owned())
        .collect();
    for kind in ["project", "systems", "vendors", "services", "controls"] {
        names.push(format!("schemas/{kind}.schema.json"));
    }
    names.sort_unstable();
    names
}

/// Resolves a local `$ref` such as `#/$defs/System` against the schema root.
fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let pointer = reference
                .strip_prefix('#')
                .unwrap_or_else(|| panic!("non-local $ref {reference}"));
            root.pointer(pointer)
                .unwrap_or_else(|| panic!("$ref {reference} does not resolve"))
        }
        None => schema,
    }
}

/// Invalid-inventory case with one error, and the position and message the binary must report.
struct ErrorCase {
    case: &'static str,
    /// File of the problem, relative to the case folder.
    file: &'static str,
    line: u64,
    column: u64,
    /// Text the message must contain.
    message: &'static str,
    /// Text of the source line at `line`, which the snippet must show.
    source_line: &'static str,
}

const ERROR_CASES: [ErrorCase; 7] = [
    ErrorCase {
        case: "invalid-enum",
        file: "systems.yaml",
        line: 4,
        column: 16,
        message: "`environment`: invalid value `prod`",
        source_line: "environment: prod",
    },
    ErrorCase {
        case: "syntax-error",
        file: "systems.yaml",
        line: 7,
        column: 10,
        message: "invalid YAML: ",
        source_line: "vendors: [aws]",
    },
    ErrorCase {
        case: "unknown-field",
        file: "systems.yaml",
        line: 5,
        column: 3,
        message: "unknown field `ownr`",
        source_line: "ownr: Web team",
    },
    ErrorCase {
        case: "duplicate-id",
        file: "systems/more.yaml",
        line: 1,
        column: 7,
        message: "duplicate id `portal`",
        source_line: "- id: portal",
    },
    ErrorCase {
        case: "unknown-reference",
        file: "systems.yaml",
        line: 8,
        column: 16,
        message: "unknown system id `patient-dbb` in `depends_on`",
        source_line: "depends_on: [patient-dbb]",
    },
    ErrorCase {
        case: "invalid-date",
        file: "systems.yaml",
        line: 22,
        column: 24,
        message: "invalid date `2025-02-30`",
        source_line: "last_restore_test: 2025-02-30",
    },
    ErrorCase {
        case: "yes-as-boolean",
        file: "systems.yaml",
        line: 19,
        column: 20,
        message: "expected a boolean, found the string `yes`",
        source_line: "public_access: yes",
    },
];

#[test]
fn check_valid_base_case() {
    let run = run(
        manifest_dir(),
        &["check", "inventories/invalid/base"],
        EXIT_OK,
    );

    let inventory = case_path("base");
    run.assert_stdout_line(&format!("Inventory: {}", inventory.display()));
    run.assert_stdout_line("Project:   Test Clinic, Test migration (target: AWS)");
    run.assert_stdout_line(
        "Records:   2 systems, 1 vendor, 0 service entries, 0 controls in 3 files",
    );
    run.assert_stdout_line("0 errors, 0 warnings: inventory is valid");
    run.assert_stderr(&predicate::str::is_empty());
}

#[test]
fn check_valid_starter_template() {
    // The starter's dates are fixed, so the date is too: later, its restore tests age.
    let run = run(
        manifest_dir(),
        &["check", "templates/init", "--as-of", STARTER_DATE],
        EXIT_OK,
    );

    // The starter's record counts change as the template is edited, so only the shape is fixed.
    let records_pattern = r"(?m)^Records:   \d+ systems?, \d+ vendors?, \d+ service entr(y|ies), \d+ controls? in 5 files$";
    let records_line = predicate::str::is_match(records_pattern).expect("valid regex");
    run.assert_stdout(&records_line);
    run.assert_stdout_line("0 errors, 0 warnings: inventory is valid");
    run.assert_stderr(&predicate::str::is_empty());
}

#[test]
fn check_example_inventories_valid() {
    // The minimal inventory has no gaps; the Riverbend example has planted blockers.
    for (example, code) in [
        ("inventories/minimal", EXIT_OK),
        ("inventories/riverbend", 1),
    ] {
        let run = run(
            manifest_dir(),
            &["check", example, "--as-of", "2026-12-04"],
            code,
        );

        // Only validity is fixed here, because the examples gain records and warnings over time.
        let verdict =
            predicate::str::is_match(r"(?m)^0 errors, \d+ warnings?: inventory is valid$")
                .expect("valid regex");
        run.assert_stdout(&verdict);
        run.assert_stderr(&predicate::str::is_empty());
    }
}

#[test]
fn check_error_cases_text() {
    for case in &ERROR_CASES {
        let case_dir = case_path(case.case);
        let run = run(
            manifest_dir(),
            &["check", case_dir.to_str().expect("UTF-8 path")],
            EXIT_INVALID,
        );

        let file = case_dir.join(case.file);
        run.assert_stdout_line(&format!(
            "{}:{}:{}: error",
            file.display(),
            case.line,
            case.column
        ));
        run.assert_stdout(&predicate::str::contains(case.message));
        // The snippet numbers its lines, so the source line follows its line number.
        let line_number = case.line.to_string();
        assert!(
            run.stdout.lines().any(|line| {
                line.trim_start().starts_with(&line_number) && line.contains(case.source_line)
            }),
            "case {}: no snippet line {} showing {:?}\n{}",
            case.case,
            case.line,
            case.source_line,
            run.report()
        );
        run.assert_stdout_line("1 error, 0 warnings: inventory is invalid");
        run.assert_stderr(&predicate::str::is_empty());
        run.assert_no_panic();
    }
}

#[test]
fn check_reports_every_mistake() {
    let case_dir = case_path("several-mistakes");
    let run = run(
        manifest_dir(),
        &["check", "inventories/invalid/several-mistakes"],
        EXIT_INVALID,
    );

    let systems = case_dir.join("systems.yaml");
    let vendors = case_dir.join("vendors.yaml");
    for (file, position) in [
        (&systems, "5:3"),
        (&systems, "13:9"),
        (&systems, "22:24"),
        (&vendors, "6:13"),
    ] {
        run.assert_stdout_line(&format!("{}:{position}: error", file.display()));
    }
    run.assert_stdout_line("4 errors, 0 warnings: inventory is invalid");
}

#[test]
fn check_warning_only_exits_zero() {
    let case_dir = case_path("unknown-file");
    let run = run(
        manifest_dir(),
        &["check", "inventories/invalid/unknown-file"],
        EXIT_OK,
    );

    let unknown = case_dir.join("vendor.yaml");
    run.assert_stdout(&predicate::str::contains(format!(
        "{}: warning: unknown inventory file",
        unknown.display()
    )));
    run.assert_stdout(&predicate::str::contains("did you mean vendors.yaml?"));
    run.assert_stdout_line("0 errors, 1 warning: inventory is valid");
}

#[test]
fn check_missing_project_file() {
    let case_dir = case_path("missing-project");
    let run = run(
        manifest_dir(),
        &["check", "inventories/invalid/missing-project"],
        EXIT_INVALID,
    );

    let project = case_dir.join("project.yaml");
    run.assert_stdout(&predicate::str::contains(format!(
        "{}: error: project.yaml not found",
        project.display()
    )));
    run.assert_stdout_line("1 error, 0 warnings: inventory is invalid");
}

#[test]
fn check_json_valid_inventory() {
    let run = run(
        manifest_dir(),
        &["check", "--format", "json", "inventories/invalid/base"],
        EXIT_OK,
    );

    let json = run.stdout_json();
    let report = run.report();
    assert_eq!(json["valid"], Value::Bool(true), "{report}");
    assert_eq!(
        json["inventory"].as_str(),
        case_path("base").to_str(),
        "{report}"
    );
    assert_eq!(json["counts"]["systems"], 2, "{report}");
    assert_eq!(json["counts"]["vendors"], 1, "{report}");
    assert_eq!(json["counts"]["files"], 3, "{report}");
    assert_eq!(json["counts"]["errors"], 0, "{report}");
    assert_eq!(json["counts"]["warnings"], 0, "{report}");
    assert_eq!(json["problems"], Value::Array(Vec::new()), "{report}");
    run.assert_stderr(&predicate::str::is_empty());
}

#[test]
fn check_json_error_cases() {
    for case in &ERROR_CASES {
        let case_dir = case_path(case.case);
        let run = run(
            manifest_dir(),
            &[
                "check",
                "--format",
                "json",
                case_dir.to_str().expect("UTF-8 path"),
            ],
            EXIT_INVALID,
        );

        let json = run.stdout_json();
        let report = run.report();
        assert_eq!(json["valid"], Value::Bool(false), "{report}");
        assert_eq!(json["counts"]["errors"], 1, "{report}");
        assert!(json["counts"]["systems"].is_u64(), "{report}");
        let problem = &json["problems"][0];
        assert_eq!(problem["severity"], "error", "{report}");
        assert_eq!(
            problem["file"].as_str(),
            case_dir.join(case.file).to_str(),
            "{report}"
        );
        assert_eq!(problem["pos"]["line"], case.line, "{report}");
        assert_eq!(problem["pos"]["column"], case.column, "{report}");
        let message = problem["message"].as_str().unwrap_or_default();
        assert!(message.contains(case.message), "{report}");
    }
}

#[test]
fn check_missing_folder_text() {
    let scratch = TempDir::new().expect("create temporary folder");
    let missing = scratch.path().join("no-such-inventory");
    let missing_text = missing.to_str().expect("UTF-8 path");
    let run = run(scratch.path(), &["check", missing_text], EXIT_INVALID);

    let not_found: Vec<&str> = run
        .stdout
        .lines()
        .chain(run.stderr.lines())
        .filter(|line| line.contains("not found"))
        .collect();
    assert_eq!(not_found.len(), 1, "{}", run.report());
    assert!(not_found[0].contains(missing_text), "{}", run.report());
    run.assert_stdout_line("1 error, 0 warnings: inventory is invalid");
    run.assert_no_panic();
    assert!(!missing.exists(), "check created {}", missing.display());
}

#[test]
fn check_missing_folder_json() {
    let scratch = TempDir::new().expect("create temporary folder");
    let missing = scratch.path().join("no-such-inventory");
    let missing_text = missing.to_str().expect("UTF-8 path");
    let run = run(
        scratch.path(),
        &["check", "--format", "json", missing_text],
        EXIT_INVALID,
    );

    let json = run.stdout_json();
    let report = run.report();
    assert_eq!(json["valid"], Value::Bool(false), "{report}");
    assert_eq!(json["problems"][0]["file"], missing_text, "{report}");
    assert_eq!(json["problems"][0]["pos"], Value::Null, "{report}");
    assert_eq!(
        json["problems"][0]["message"], "inventory folder not found",
        "{report}"
    );
    run.assert_no_panic();
}

#[test]
fn check_file_instead_of_folder() {
    let run = run(
        manifest_dir(),
        &["check", "inventories/invalid/base/systems.yaml"],
        EXIT_INVALID,
    );

    run.assert_stdout(&predicate::str::contains(
        "is a file, but an inventory is a folder",
    ));
    run.assert_no_panic();
}

#[test]
fn check_defaults_to_current_folder() {
    let scratch = copy_case("base");

    let text = run(scratch.path(), &["check"], EXIT_OK);
    text.assert_stdout_line("Inventory: .");
    text.assert_stdout_line(
        "Records:   2 systems, 1 vendor, 0 service entries, 0 controls in 3 files",
    );
    text.assert_stdout_line("0 errors, 0 warnings: inventory is valid");

    let json_run = run(scratch.path(), &["check", "--format", "json"], EXIT_OK);
    let json = json_run.stdout_json();
    assert_eq!(json["inventory"], ".", "{}", json_run.report());
    assert_eq!(json["counts"]["systems"], 2, "{}", json_run.report());
}

#[test]
fn check_output_has_no_ansi_escapes() {
    let args = ["check", "inventories/invalid/invalid-enum"];
    let without_no_color = [EnvChange::Remove("NO_COLOR")];
    let with_no_color = [EnvChange::Set("NO_COLOR", "1")];

    for env in [&without_no_color[..], &with_no_color[..]] {
        let run = run_with_env(manifest_dir(), &args, env, EXIT_INVALID);

        // The snippet must still be drawn, so the check below looks at rendered output.
        run.assert_stdout(&predicate::str::contains("environment: prod"));
        let no_escape = predicate::str::contains("\x1b[").not();
        run.assert_stdout(&no_escape);
        run.assert_stderr(&no_escape);
    }
}

#[test]
fn schema_systems_requires_id() {
    let run = run(manifest_dir(), &["schema", "systems"], EXIT_OK);

    let schema = run.stdout_json();
    let report = run.report();
    assert_eq!(
        schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
        "{report}"
    );
    assert_eq!(schema["type"], "array", "{report}");
    assert_eq!(schema["title"], "hipaa-migrate systems.yaml", "{report}");
    let items = resolve(&schema, &schema["items"]);
    let required = items["required"].as_array().map(Vec::as_slice);
    assert!(
        required.is_some_and(|fields| fields.contains(&Value::from("id"))),
        "items do not require `id`\n{report}"
    );
}

#[test]
fn schema_every_kind_parses() {
    for (kind, _) in SCHEMA_KINDS {
        let run = run(manifest_dir(), &["schema", kind], EXIT_OK);

        let schema = run.stdout_json();
        assert_eq!(
            schema["title"],
            format!("hipaa-migrate {kind}.yaml"),
            "{}",
            run.report()
        );
    }
}

#[test]
fn schema_out_writes_five_files() {
    let scratch = TempDir::new().expect("create temporary folder");
    // The folder does not exist yet, so this also checks that `--out` creates it.
    let out = scratch.path().join("schemas/nested");
    let out_text = out.to_str().expect("UTF-8 path");
    let out_run = run(scratch.path(), &["schema", "--out", out_text], EXIT_OK);

    let written = snapshot(&out);
    let mut expected_names: Vec<&str> = SCHEMA_KINDS.iter().map(|(_, name)| *name).collect();
    expected_names.sort_unstable();
    let names: Vec<&str> = written.keys().map(String::as_str).collect();
    assert_eq!(names, expected_names, "{}", out_run.report());

    for (kind, name) in SCHEMA_KINDS {
        let path = out.join(name);
        out_run.assert_stdout_line(&format!("wrote {}", path.display()));
        let text = String::from_utf8(written[name].clone()).expect("schema file is UTF-8");
        let from_file: Value = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("{} is not valid JSON: {error}", path.display()));
        let printed = run(scratch.path(), &["schema", kind], EXIT_OK).stdout_json();
        assert_eq!(
            from_file,
            printed,
            "{} differs from `schema {kind}`",
            path.display()
        );
    }
}

#[test]
fn schema_without_kind_or_out() {
    let run = run(manifest_dir(), &["schema"], EXIT_INVALID);

    run.assert_stderr(&predicate::str::contains("name a file kind to print"));
    run.assert_stderr(&predicate::str::contains("--out DIR"));
    run.assert_stdout(&predicate::str::is_empty());
    run.assert_no_panic();
}

#[test]
fn schema_kind_and_out_conflict() {
    let scratch = TempDir::new().expect("create temporary folder");
    let out = scratch.path().join("schemas");
    let run = run(
        scratch.path(),
        &[
            "schema",
            "systems",
            "--out",
            out.to_str().expect("UTF-8 path"),
        ],
        EXIT_INVALID,
    );

    run.assert_stderr(&predicate::str::contains("cannot be used with"));
    assert!(
        !out.exists(),
        "{} was created\n{}",
        out.display(),
        run.report()
    );
}

#[test]
fn schema_unknown_kind() {
    let run = run(manifest_dir(), &["schema", "system"], EXIT_INVALID);

    run.assert_stderr(&predicate::str::contains("invalid value 'system'"));
    run.assert_stderr(&predicate::str::contains("systems"));
}

#[test]
fn init_writes_valid_starter() {
    let scratch = TempDir::new().expect("create temporary folder");
    // Two missing levels, so this also checks that `init` creates parent folders.
    let target = scratch.path().join("new/inventory");
    let target_text = target.to_str().expect("UTF-8 path");
    let init = run(scratch.path(), &["init", target_text], EXIT_OK);

    let written = snapshot(&target);
    let names: Vec<String> = written.keys().cloned().collect();
    assert_eq!(names, init_files(), "{}", init.report());
    for name in STARTER_FILES {
        init.assert_stdout_line(&format!("wrote {}", target.join(name).display()));
        let template =
            fs::read(manifest_dir().join("templates/init").join(name)).expect("read template");
        assert!(
            written[name] == template,
            "{name} differs from templates/init/{name}\n{}",
            init.report()
        );
    }
    init.assert_stdout(&predicate::str::contains(format!(
        "hipaa-migrate check {target_text}"
    )));

    let check = run(
        scratch.path(),
        &["check", target_text, "--as-of", STARTER_DATE],
        EXIT_OK,
    );
    check.assert_stdout_line("0 errors, 0 warnings: inventory is valid");
}

#[test]
fn init_twice_changes_nothing() {
    let scratch = TempDir::new().expect("create temporary folder");
    let target = scratch.path().join("inventory");
    let target_text = target.to_str().expect("UTF-8 path");
    run(scratch.path(), &["init", target_text], EXIT_OK);
    let edited = target.join("systems.yaml");
    let mut text = fs::read_to_string(&edited).expect("read systems.yaml");
    text.push_str("# edited after init\n");
    fs::write(&edited, text).expect("write systems.yaml");
    let before = snapshot(&target);

    let again = run(scratch.path(), &["init", target_text], EXIT_INVALID);

    again.assert_stderr(&predicate::str::contains(
        "nothing was written, because these files already exist:",
    ));
    for name in STARTER_FILES {
        let path = target.join(name);
        again.assert_stderr(&predicate::str::contains(format!("  {}\n", path.display())));
    }
    again.assert_no_panic();
    // Comparing whole snapshots also catches a temporary file left behind.
    let after = snapshot(&target);
    assert!(
        after == before,
        "files changed: before {:?}, after {:?}\n{}",
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        again.report()
    );
}

#[test]
fn init_with_one_existing_file() {
    let scratch = TempDir::new().expect("create temporary folder");
    let existing = scratch.path().join("vendors.yaml");
    fs::write(&existing, "- id: own-vendor\n").expect("write vendors.yaml");
    let before = snapshot(scratch.path());

    let run = run(scratch.path(), &["init", "."], EXIT_INVALID);

    run.assert_stderr(&predicate::str::contains(
        "already exist:\n  ./vendors.yaml\n",
    ));
    run.assert_stderr(&predicate::str::contains("project.yaml").not());
    let after = snapshot(scratch.path());
    assert!(after == before, "init wrote files\n{}", run.report());
}

#[test]
fn init_beside_unrelated_file() {
    let scratch = TempDir::new().expect("create temporary folder");
    let notes = scratch.path().join("notes.txt");
    fs::write(&notes, "migration notes\n").expect("write notes.txt");
    let target_text = scratch.path().to_str().expect("UTF-8 path");

    let init = run(scratch.path(), &["init", target_text], EXIT_OK);

    let written = snapshot(scratch.path());
    let mut expected_names = init_files();
    expected_names.push("notes.txt".to_owned());
    expected_names.sort_unstable();
    let names: Vec<String> = written.keys().cloned().collect();
    assert_eq!(names, expected_names, "{}", init.report());
    assert_eq!(
        written["notes.txt"],
        b"migration notes\n".to_vec(),
        "{}",
        init.report()
    );
    run(
        scratch.path(),
        &["check", target_text, "--as-of", STARTER_DATE],
        EXIT_OK,
    );
}
