//! Each folder under `inventories/invalid/` holds one mistake; each test loads one folder and
//! checks the file, line, column and message of what the loader reports.

use std::fs;
use std::path::{Path, PathBuf};

use hipaa_migrate::diagnostic::{Problem, Severity};
use hipaa_migrate::loader::yaml::Pos;
use hipaa_migrate::loader::{self, Loaded};

fn case_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("inventories/invalid")
        .join(case)
}

fn load_case(case: &str) -> (PathBuf, Loaded) {
    let dir = case_dir(case);
    let loaded = loader::load(&dir);
    (dir, loaded)
}

fn describe(problems: &[Problem]) -> String {
    let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
    lines.join("\n")
}

/// Returns the only problem of a case, failing with every problem listed otherwise.
fn only_problem(case: &str) -> (PathBuf, Problem) {
    let (dir, loaded) = load_case(case);
    assert_eq!(
        loaded.problems.len(),
        1,
        "case {case}: expected one problem, found:\n{}",
        describe(&loaded.problems)
    );
    (dir, loaded.problems[0].clone())
}

fn assert_at(problem: &Problem, file: &Path, line: u32, column: u32) {
    assert_eq!(problem.file.as_deref(), Some(file), "{problem}");
    assert_eq!(problem.pos, Some(Pos { line, column }), "{problem}");
}

#[test]
fn base_case_is_valid() {
    let (_, loaded) = load_case("base");
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    assert_eq!(loaded.inventory.systems.len(), 2);
    assert_eq!(loaded.inventory.vendors.len(), 1);
}

#[test]
fn syntax_error_is_positioned() {
    let (dir, problem) = only_problem("syntax-error");
    assert_eq!(problem.severity, Severity::Error);
    assert_at(&problem, &dir.join("systems.yaml"), 7, 10);
    assert!(problem.message.starts_with("invalid YAML: "), "{problem}");
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or("")
            .contains("unclosed bracket"),
        "{problem}"
    );
}

#[test]
fn type_error_names_field_and_value() {
    let (dir, problem) = only_problem("type-error");
    assert_at(&problem, &dir.join("systems.yaml"), 6, 9);
    assert_eq!(
        problem.message,
        "`wave`: expected a whole number of 0 or more, found string \"first\""
    );
}

#[test]
fn unknown_field_suggests_closest() {
    let (dir, problem) = only_problem("unknown-field");
    assert_at(&problem, &dir.join("systems.yaml"), 5, 3);
    assert_eq!(problem.message, "unknown field `ownr`");
    let help = problem.help.expect("a help line");
    assert!(help.starts_with("did you mean `owner`?"), "{help}");
}

#[test]
fn invalid_enum_lists_allowed_values() {
    let (dir, problem) = only_problem("invalid-enum");
    assert_at(&problem, &dir.join("systems.yaml"), 4, 16);
    assert_eq!(problem.message, "`environment`: invalid value `prod`");
    assert_eq!(
        problem.help.as_deref(),
        Some(
            "did you mean `production`? Allowed values: `production`, `staging`, \
             `development`, `test`"
        )
    );
}

#[test]
fn invalid_date_names_valid_days() {
    let (dir, problem) = only_problem("invalid-date");
    assert_at(&problem, &dir.join("systems.yaml"), 22, 24);
    assert_eq!(
        problem.message,
        "`last_restore_test`: invalid date `2025-02-30`: 2025-02 has days 1 to 28"
    );
}

#[test]
fn duplicate_key_points_at_duplicate() {
    let (dir, problem) = only_problem("duplicate-key");
    assert_at(&problem, &dir.join("systems.yaml"), 4, 3);
    assert_eq!(problem.message, "duplicate key `name`");
}

#[test]
fn duplicate_id_names_both_places() {
    let (dir, problem) = only_problem("duplicate-id");
    assert_at(&problem, &dir.join("systems/more.yaml"), 1, 7);
    assert_eq!(
        problem.message,
        "duplicate id `portal`: already used by a system"
    );
    let related = problem.related.expect("the first definition");
    assert_eq!(related.file, dir.join("systems.yaml"));
    assert_eq!(related.pos, Pos { line: 1, column: 7 });
}

#[test]
fn unknown_reference_suggests_closest_id() {
    let (dir, problem) = only_problem("unknown-reference");
    assert_at(&problem, &dir.join("systems.yaml"), 8, 16);
    assert_eq!(
        problem.message,
        "unknown system id `patient-dbb` in `depends_on`"
    );
    assert_eq!(problem.help.as_deref(), Some("did you mean `patient-db`?"));
}

#[test]
fn reference_to_wrong_kind_is_named() {
    let (dir, problem) = only_problem("wrong-kind-reference");
    assert_at(&problem, &dir.join("systems.yaml"), 8, 16);
    assert_eq!(
        problem.message,
        "`aws` is a vendor, but `depends_on` lists system ids"
    );
    let related = problem.related.expect("the vendor's definition");
    assert_eq!(related.file, dir.join("vendors.yaml"));
}

#[test]
fn yes_is_not_a_boolean() {
    let (dir, problem) = only_problem("yes-as-boolean");
    assert_at(&problem, &dir.join("systems.yaml"), 19, 20);
    assert_eq!(
        problem.message,
        "`public_access`: expected a boolean, found the string `yes`"
    );
    assert_eq!(
        problem.help.as_deref(),
        Some("write `true` or `false`; `yes` is read as text, never as a boolean")
    );
}

#[test]
fn tab_indentation_has_own_message() {
    let (dir, problem) = only_problem("tab-indentation");
    assert_at(&problem, &dir.join("systems.yaml"), 19, 1);
    assert!(
        problem.message.starts_with("a tab is used for indentation"),
        "{problem}"
    );
}

#[test]
fn mapping_instead_of_list_is_rejected() {
    let (dir, problem) = only_problem("not-a-list");
    assert_at(&problem, &dir.join("systems.yaml"), 1, 1);
    assert_eq!(
        problem.message,
        "expected a list of systems, found a mapping"
    );
}

#[test]
fn unknown_citation_suggests_closest() {
    let (dir, problem) = only_problem("unknown-citation");
    assert_at(&problem, &dir.join("controls.yaml"), 4, 32);
    assert_eq!(
        problem.message,
        "unknown Security Rule citation `164.312(z)`"
    );
    assert!(problem.help.is_some(), "{problem}");
}

#[test]
fn baa_expiring_before_signing_is_rejected() {
    let (dir, problem) = only_problem("baa-dates-reversed");
    assert_at(&problem, &dir.join("vendors.yaml"), 8, 14);
    assert_eq!(
        problem.message,
        "BAA expires on 2024-12-31, before it was signed on 2025-01-02"
    );
}

#[test]
fn missing_project_file_is_one_line() {
    let (dir, problem) = only_problem("missing-project");
    assert_eq!(problem.file, Some(dir.join("project.yaml")));
    assert_eq!(problem.pos, None);
    assert_eq!(problem.message, "project.yaml not found");
}

#[test]
fn misspelled_file_name_is_warned() {
    let (dir, problem) = only_problem("unknown-file");
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.file, Some(dir.join("vendor.yaml")));
    assert_eq!(problem.message, "unknown inventory file");
    assert!(
        problem
            .help
            .as_deref()
            .unwrap_or("")
            .starts_with("did you mean vendors.yaml?")
    );
}

#[test]
fn comments_only_file_is_empty_list_with_warning() {
    let (dir, loaded) = load_case("empty-file");
    assert!(!loaded.has_errors(), "{}", describe(&loaded.problems));
    assert_eq!(loaded.inventory.systems.len(), 0);
    assert_eq!(loaded.problems.len(), 1);
    let problem = &loaded.problems[0];
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.file, Some(dir.join("systems.yaml")));
    assert_eq!(
        problem.message,
        "file is empty; read as an empty list of systems"
    );
}

#[test]
fn every_mistake_of_one_load_is_reported() {
    let (dir, loaded) = load_case("several-mistakes");
    let found: Vec<(PathBuf, Pos, &str)> = loaded
        .problems
        .iter()
        .map(|p| {
            (
                p.file.clone().unwrap_or_default(),
                p.pos.unwrap_or_default(),
                p.message.as_str(),
            )
        })
        .collect();
    let systems = dir.join("systems.yaml");
    let vendors = dir.join("vendors.yaml");
    let expected = vec![
        (
            systems.clone(),
            Pos { line: 5, column: 3 },
            "unknown field `ownr`",
        ),
        (
            systems.clone(),
            Pos {
                line: 13,
                column: 9,
            },
            "`kind`: invalid value `databse`",
        ),
        (
            systems,
            Pos {
                line: 22,
                column: 24,
            },
            "`last_restore_test`: invalid date `2025-02-30`: 2025-02 has days 1 to 28",
        ),
        (
            vendors,
            Pos {
                line: 6,
                column: 13,
            },
            "`status`: invalid value `singed`",
        ),
    ];
    assert_eq!(found, expected, "{}", describe(&loaded.problems));
}

/// Writes the base case into a fresh temporary folder for tests that alter files on disk.
fn base_copy() -> tempfile::TempDir {
    let temp = tempfile::tempdir().expect("temporary folder");
    for name in ["project.yaml", "systems.yaml", "vendors.yaml"] {
        fs::copy(case_dir("base").join(name), temp.path().join(name)).expect("copy base file");
    }
    temp
}

#[test]
fn missing_folder_is_one_line() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("no-such-inventory");
    let loaded = loader::load(&dir);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert_eq!(loaded.problems[0].file, Some(dir.clone()));
    assert_eq!(loaded.problems[0].message, "inventory folder not found");
}

#[test]
fn file_given_as_folder_is_one_line() {
    let temp = base_copy();
    let file = temp.path().join("systems.yaml");
    let loaded = loader::load(&file);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert_eq!(
        loaded.problems[0].message,
        "is a file, but an inventory is a folder"
    );
}

#[test]
fn non_utf8_file_names_first_bad_byte() {
    let temp = base_copy();
    let path = temp.path().join("vendors.yaml");
    fs::write(&path, b"- id: aws\n  name: Caf\xe9 Cloud\n").expect("write file");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_at(problem, &path, 2, 12);
    assert_eq!(
        problem.message,
        "not valid UTF-8 text: the first invalid byte is here"
    );
}

#[test]
fn unreadable_file_is_one_line() {
    let temp = base_copy();
    let path = temp.path().join("services.yaml");
    // A symbolic link to itself cannot be opened, even by root, unlike a file without
    // read permission.
    std::os::unix::fs::symlink("services.yaml", &path).expect("create symlink loop");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(problem.file, Some(path));
    assert!(problem.message.starts_with("cannot read: "), "{problem}");
}

#[test]
fn folder_where_file_expected_is_one_line() {
    let temp = base_copy();
    let path = temp.path().join("controls.yaml");
    fs::create_dir(&path).expect("create folder");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert_eq!(loaded.problems[0].file, Some(path));
    assert_eq!(
        loaded.problems[0].message,
        "is a folder, but a YAML file was expected here"
    );
}

#[test]
fn byte_order_mark_is_ignored() {
    let temp = base_copy();
    let path = temp.path().join("project.yaml");
    let text = fs::read_to_string(&path).expect("read project");
    fs::write(&path, format!("\u{feff}{text}")).expect("write project");
    let loaded = loader::load(temp.path());
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    assert_eq!(
        loaded.inventory.project.expect("project").organisation,
        "Test Clinic"
    );
}

#[test]
fn uppercase_no_stays_text() {
    let temp = base_copy();
    let path = temp.path().join("systems.yaml");
    let text = fs::read_to_string(&path).expect("read systems");
    fs::write(&path, text.replace("owner: Web team", "owner: NO")).expect("write systems");
    let loaded = loader::load(temp.path());
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    assert_eq!(loaded.inventory.systems[0].owner.as_deref(), Some("NO"));
}

#[test]
fn merge_key_fills_fields() {
    let temp = base_copy();
    let systems = "\
- &defaults
  id: portal
  name: Patient portal
  kind: application
  environment: production
- <<: *defaults
  id: portal-staging
  environment: staging
";
    fs::write(temp.path().join("systems.yaml"), systems).expect("write systems");
    let loaded = loader::load(temp.path());
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    let staging = &loaded.inventory.systems[1];
    assert_eq!(staging.id.value, "portal-staging");
    assert_eq!(staging.name, "Patient portal");
    assert_eq!(
        staging.environment,
        hipaa_migrate::model::Environment::Staging
    );
}
