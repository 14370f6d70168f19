//! Each folder under `inventories/invalid/` holds one mistake; each test loads one folder and
//! checks the file, line, column and message of what the loader reports.

use std::fs;
use std::path::{Path, PathBuf};

use hipaa_migrate::diagnostic::{Problem, Renderer, Severity};
use hipaa_migrate::loader::yaml::Pos;
use hipaa_migrate::loader::{self, Loaded};
use hipaa_migrate::model::TlsVersion;

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
        "`wave`: expected a whole number from 0 to 4294967295, found the string `first`"
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
fn non_utf8_column_skips_byte_order_mark() {
    let temp = base_copy();
    let path = temp.path().join("vendors.yaml");
    fs::write(&path, b"\xef\xbb\xbf- id: \xff\n").expect("write file");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert_at(&loaded.problems[0], &path, 1, 7);
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

/// Loads the base case with each named file replaced by the given text.
fn load_with_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let temp = base_copy();
    for (name, text) in files {
        let path = temp.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folder");
        }
        fs::write(path, text).expect("write file");
    }
    let loaded = loader::load(temp.path());
    (temp, loaded)
}

/// Returns the messages of all problems, in order.
fn messages(loaded: &Loaded) -> Vec<&str> {
    loaded.problems.iter().map(|p| p.message.as_str()).collect()
}

/// Returns a valid system record with `extra` appended, indented as fields of the record.
fn system_with(id: &str, extra: &str) -> String {
    format!("- id: {id}\n  name: Store\n  kind: database\n  environment: production\n{extra}")
}

#[test]
fn storage_errors_are_all_reported() {
    let systems = system_with(
        "store",
        "  storage:\n    encryption_at_rest: sure\n    min_tls: 0.9\n    public_access: maybe\n",
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec![
            "`encryption_at_rest`: expected a boolean, found the string `sure`",
            "`min_tls`: invalid value `0.9`",
            "`public_access`: expected a boolean, found the string `maybe`",
        ],
        "{}",
        describe(&loaded.problems)
    );
    assert_eq!(loaded.inventory.systems.len(), 1, "storage is optional");
}

#[test]
fn errors_in_two_flows_are_both_reported() {
    let systems = format!(
        "{}{}",
        system_with(
            "store",
            "  flows:\n    - to: other\n      data_classes: [ephi]\n      transport: tls\n    \
             - to: other\n      data_classes: [ephi]\n      transport: carrier-pigeon\n",
        ),
        system_with("other", ""),
    );
    let (dir, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    let path = dir.path().join("systems.yaml");
    assert_eq!(loaded.problems.len(), 2, "{}", describe(&loaded.problems));
    assert_at(&loaded.problems[0], &path, 8, 18);
    assert_eq!(
        loaded.problems[0].message,
        "`transport`: invalid value `tls`"
    );
    assert_at(&loaded.problems[1], &path, 11, 18);
    assert_eq!(
        loaded.problems[1].message,
        "`transport`: invalid value `carrier-pigeon`"
    );
    assert_eq!(loaded.inventory.systems.len(), 2);
}

#[test]
fn baa_with_two_errors_reports_both() {
    let vendors = "\
- id: aws
  name: Amazon Web Services
  kind: cloud_provider
  baa:
    status: signed
    expires: 2028-13-01
    covers: everything
";
    let (_temp, loaded) = load_with_files(&[("vendors.yaml", vendors)]);
    assert_eq!(
        messages(&loaded),
        vec![
            "`expires`: invalid date `2028-13-01`: month 13 does not exist",
            "`covers`: expected a list, found the string `everything`",
        ],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn merged_template_error_is_reported_once() {
    let systems = "\
- &template
  id: template
  name: Template
  kind: databse
  environment: production
  owner: Data team
- <<: *template
  id: copy
";
    let (dir, loaded) = load_with_files(&[("systems.yaml", systems)]);
    let path = dir.path().join("systems.yaml");
    // One report for the template itself and one for the record that merges it.
    assert_eq!(loaded.problems.len(), 2, "{}", describe(&loaded.problems));
    assert_at(&loaded.problems[0], &path, 4, 9);
    assert_eq!(
        loaded.problems[0].message,
        "`kind`: invalid value `databse`"
    );
    assert_at(&loaded.problems[1], &path, 7, 7);
    assert_eq!(
        loaded.problems[1].message,
        "`kind`: invalid value `databse`"
    );
}

#[test]
fn missing_id_is_reported_once() {
    let systems = "- name: Store\n  kind: database\n  environment: production\n";
    let (_temp, loaded) = load_with_files(&[("systems.yaml", systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["missing field `id`"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn misspelt_required_field_is_one_error() {
    let systems = "- id: store\n  Name: Store\n  kind: database\n  environment: production\n";
    let (_temp, loaded) = load_with_files(&[("systems.yaml", systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(problem.message, "unknown field `Name`");
    let help = problem.help.as_deref().unwrap_or_default();
    assert!(help.starts_with("did you mean `name`?"), "{help}");
}

#[test]
fn misspelt_project_field_is_one_error() {
    let project = "organization: Test Clinic\nmigration: Test migration\nprovider: aws\n";
    let (_temp, loaded) = load_with_files(&[("project.yaml", project)]);
    assert_eq!(
        messages(&loaded),
        vec!["unknown field `organization`"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn missing_nested_field_keeps_other_flows() {
    let systems = format!(
        "{}{}",
        system_with(
            "store",
            "  flows:\n    - data_classes: [ephi]\n      transport: vpn\n    \
             - to: other\n      data_classes: [pii]\n      transport: vpn\n",
        ),
        system_with("other", ""),
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["`flows`: missing field `to`"],
        "{}",
        describe(&loaded.problems)
    );
    let store = &loaded.inventory.systems[0];
    assert_eq!(store.flows.len(), 1);
    assert_eq!(store.flows[0].to.value, "other");
}

#[test]
fn hex_and_decimal_ids_stay_distinct() {
    let systems = format!("{}{}", system_with("0x10", ""), system_with("\"16\"", ""));
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    let ids: Vec<&str> = loaded
        .inventory
        .systems
        .iter()
        .map(|system| system.id.as_str())
        .collect();
    assert_eq!(ids, vec!["0x10", "16"]);
}

#[test]
fn numbers_in_text_fields_keep_their_spelling() {
    let systems = "\
- id: 007
  name: 1.50
  kind: database
  environment: production
  owner: 123456789012345678901234567890
";
    let (_temp, loaded) = load_with_files(&[("systems.yaml", systems)]);
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    let system = &loaded.inventory.systems[0];
    assert_eq!(system.id.value, "007");
    assert_eq!(system.name, "1.50");
    assert_eq!(
        system.owner.as_deref(),
        Some("123456789012345678901234567890")
    );
}

#[test]
fn tls_versions_are_read_as_written() {
    let systems = format!(
        "{}{}",
        system_with("old", "  storage:\n    min_tls: 1.0\n"),
        system_with("odd", "  storage:\n    min_tls: 1.10\n"),
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["`min_tls`: invalid value `1.10`"],
        "{}",
        describe(&loaded.problems)
    );
    let old = &loaded.inventory.systems[0];
    let storage = old.storage.as_ref().expect("storage");
    assert_eq!(storage.min_tls, Some(TlsVersion::Tls10));
}

#[test]
fn wave_too_large_names_range() {
    let systems = system_with("store", "  wave: 4294967296\n");
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec![
            "`wave`: expected a whole number from 0 to 4294967295, found the integer \
             `4294967296`"
        ],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn float_wave_is_shown_as_written() {
    let systems = system_with("store", "  wave: 1.0\n");
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["`wave`: expected a whole number from 0 to 4294967295, found the number `1.0`"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn tab_inside_valid_yaml_is_accepted() {
    for (case, extra) in [
        (
            "comment after block header",
            "  rollback_plan: |  # steps\n    stop writes\n    \tthen switch DNS\n",
        ),
        (
            "indentation indicator",
            "  rollback_plan: |2\n     stop writes\n    \tthen switch DNS\n",
        ),
        (
            "double-quoted continuation",
            "  rollback_plan: \"stop writes,\n\tthen switch DNS\"\n",
        ),
    ] {
        let systems = system_with("store", extra);
        let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
        assert!(
            loaded.problems.is_empty(),
            "{case}: {}",
            describe(&loaded.problems)
        );
        let plan = loaded.inventory.systems[0].rollback_plan.as_deref();
        assert!(
            plan.is_some_and(|plan| plan.contains("switch DNS")),
            "{case}"
        );
    }
}

#[test]
fn second_document_marker_is_explained() {
    let systems = format!("{}---\n", system_with("store", ""));
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(
        problem.message,
        "the file holds more than one YAML document, but an inventory file holds one"
    );
    let help = problem.help.as_deref().unwrap_or_default();
    assert!(help.contains("remove the extra `---`"), "{help}");
    assert!(!help.contains("unclosed bracket"), "{help}");
}

#[test]
fn infinity_is_read_as_text() {
    let systems = system_with("store", "  hosting: .inf\n  owner: .NaN\n");
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
    let system = &loaded.inventory.systems[0];
    assert_eq!(system.hosting.as_deref(), Some(".inf"));
    assert_eq!(system.owner.as_deref(), Some(".NaN"));
}

#[test]
fn self_referencing_alias_is_explained() {
    let systems = system_with("store", "  depends_on: &loop [*loop]\n");
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert!(!problem.message.contains("weak"), "{problem}");
    assert!(problem.message.contains("alias"), "{problem}");
    let help = problem.help.as_deref().unwrap_or_default();
    assert!(!help.contains("unclosed bracket"), "{help}");
}

#[test]
fn nested_folder_under_systems_is_warned() {
    let (dir, loaded) = load_with_files(&[("systems/team-a/more.yaml", &system_with("x", ""))]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.file, Some(dir.path().join("systems/team-a")));
    assert_eq!(problem.message, "nested folder is not read");
    let help = problem.help.as_deref().unwrap_or_default();
    assert!(help.contains("1 YAML file"), "{help}");
}

#[test]
fn misnamed_folder_is_warned() {
    for (folder, meant) in [("system", "systems/"), ("Vendors", "vendors/")] {
        let file = format!("{folder}/more.yaml");
        let (dir, loaded) = load_with_files(&[(&file, "[]\n")]);
        assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
        let problem = &loaded.problems[0];
        assert_eq!(problem.severity, Severity::Warning);
        assert_eq!(problem.file, Some(dir.path().join(folder)));
        assert_eq!(problem.message, "unknown inventory folder");
        let help = problem.help.as_deref().unwrap_or_default();
        assert!(
            help.starts_with(&format!("did you mean {meant}?")),
            "{help}"
        );
    }
}

#[test]
fn schemas_folder_is_not_warned() {
    let (_dir, loaded) = load_with_files(&[("schemas/systems.schema.yaml", "{}\n")]);
    assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
}

#[test]
fn upper_case_file_name_is_warned() {
    let (dir, loaded) = load_with_files(&[("Services.YAML", "[]\n")]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.file, Some(dir.path().join("Services.YAML")));
    let help = problem.help.as_deref().unwrap_or_default();
    assert!(help.starts_with("did you mean services.yaml?"), "{help}");
}

#[test]
fn upper_case_extension_in_systems_folder_is_warned() {
    let (dir, loaded) = load_with_files(&[("systems/more.YML", &system_with("x", ""))]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(problem.severity, Severity::Warning);
    assert_eq!(problem.file, Some(dir.path().join("systems/more.YML")));
}

#[test]
fn broken_link_is_named() {
    for name in ["services.yaml", "project.yaml"] {
        let temp = base_copy();
        let path = temp.path().join(name);
        let _ = fs::remove_file(&path);
        std::os::unix::fs::symlink("missing-target.yaml", &path).expect("create symlink");
        let loaded = loader::load(temp.path());
        assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
        let problem = &loaded.problems[0];
        assert_eq!(problem.severity, Severity::Error);
        assert_eq!(problem.file, Some(path));
        assert_eq!(problem.message, "is a broken symbolic link");
    }
}

#[test]
fn broken_link_as_folder_is_named() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let link = temp.path().join("inventory");
    std::os::unix::fs::symlink("missing-folder", &link).expect("create symlink");
    let loaded = loader::load(&link);
    assert_eq!(messages(&loaded), vec!["is a broken symbolic link"]);
    assert_eq!(loaded.problems[0].file, Some(link));
}

#[test]
fn unparsable_services_file_keeps_reference_checks() {
    let systems = system_with("store", "  depends_on: [nowhere]\n");
    let (_temp, loaded) =
        load_with_files(&[("systems.yaml", &systems), ("services.yaml", "[unclosed\n")]);
    let found = messages(&loaded);
    assert_eq!(found.len(), 2, "{}", describe(&loaded.problems));
    assert_eq!(found[0], "unknown system id `nowhere` in `depends_on`");
    assert!(found[1].starts_with("invalid YAML"), "{found:?}");
}

#[test]
fn unreadable_systems_folder_hides_unknown_references() {
    let systems = system_with("store", "  depends_on: [nowhere]\n");
    let (temp, _) = load_with_files(&[("systems.yaml", &systems)]);
    // A symbolic link to itself cannot be listed, even by root.
    let folder = temp.path().join("systems");
    std::os::unix::fs::symlink("systems", &folder).expect("create symlink loop");
    let loaded = loader::load(temp.path());
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert_eq!(loaded.problems[0].file, Some(folder));
}

#[test]
fn vendors_file_as_folder_hides_unknown_references() {
    let temp = base_copy();
    fs::remove_file(temp.path().join("vendors.yaml")).expect("remove vendors.yaml");
    fs::create_dir(temp.path().join("vendors.yaml")).expect("create folder");
    let loaded = loader::load(temp.path());
    // The base systems refer to the vendor `aws`, which may be defined in the folder.
    assert_eq!(
        messages(&loaded),
        vec!["is a folder, but a YAML file was expected here"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn folder_problems_sort_first() {
    let systems = system_with("store", "  kind: again\n");
    let (dir, loaded) = load_with_files(&[("systems.yaml", &systems), ("sytems.yaml", "[]\n")]);
    assert_eq!(loaded.problems.len(), 2, "{}", describe(&loaded.problems));
    assert_eq!(
        loaded.problems[0].file,
        Some(dir.path().join("sytems.yaml"))
    );
    assert_eq!(
        loaded.problems[1].file,
        Some(dir.path().join("systems.yaml"))
    );
}

#[test]
fn unlistable_inventory_folder_is_one_line() {
    use std::os::unix::fs::PermissionsExt;

    let temp = base_copy();
    fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o000)).expect("chmod");
    let listable = fs::read_dir(temp.path()).is_ok();
    let loaded = loader::load(temp.path());
    fs::set_permissions(temp.path(), fs::Permissions::from_mode(0o700)).expect("chmod back");
    if listable {
        // Root reads any folder, so the failure cannot be produced; the test then checks only
        // that the load still works.
        assert!(loaded.problems.is_empty(), "{}", describe(&loaded.problems));
        return;
    }
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    assert!(
        loaded.problems[0]
            .message
            .starts_with("cannot open folder: "),
        "{}",
        loaded.problems[0]
    );
}

#[test]
fn control_character_in_id_is_rejected() {
    let systems = system_with("\"store\\e[31m\"", "");
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["invalid id `store\u{1b}[31m`: contains the control character U+001B"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn bidi_override_in_vendor_id_is_rejected() {
    let vendors = "\
- id: \"aws\\u202E\"
  name: Amazon Web Services
  kind: cloud_provider
  baa:
    status: signed
";
    let (_temp, loaded) = load_with_files(&[("vendors.yaml", vendors)]);
    let found = messages(&loaded);
    assert!(
        found.contains(
            &"invalid id `aws\u{202e}`: contains the invisible formatting character U+202E"
        ),
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn invalid_control_ids_are_rejected() {
    let controls = "\
- id: pen test
  phase: validate_controls
  title: External penetration test passed
- id: \"audit\\tlog\"
  phase: validate_controls
  title: Audit log reviewed
";
    let (_temp, loaded) = load_with_files(&[("controls.yaml", controls)]);
    assert_eq!(
        messages(&loaded),
        vec![
            "invalid id `pen test`: ids contain no spaces",
            "invalid id `audit\tlog`: contains the control character U+0009",
        ],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn id_with_space_still_resolves_references() {
    let systems = format!(
        "{}{}",
        system_with("patient db", ""),
        system_with("portal", "  depends_on: [patient db]\n")
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(
        messages(&loaded),
        vec!["invalid id `patient db`: ids contain no spaces"],
        "{}",
        describe(&loaded.problems)
    );
}

#[test]
fn self_references_are_warned() {
    let systems = system_with("store", "  logs_to: [store]\n  backups_to: [store]\n");
    let vendors = "\
- id: aws
  name: Amazon Web Services
  kind: cloud_provider
  subprocessors: [aws]
  baa:
    status: signed
";
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems), ("vendors.yaml", vendors)]);
    assert_eq!(
        messages(&loaded),
        vec![
            "`store` sends its logs to itself",
            "`store` keeps its backups on itself",
            "`aws` lists itself as a subprocessor",
        ],
        "{}",
        describe(&loaded.problems)
    );
    assert!(!loaded.has_errors());
}

#[test]
fn byte_order_mark_is_not_stored() {
    let systems = "\u{feff}- {id: store, name: Store, kind: databse, environment: production}\n";
    let (_temp, loaded) = load_with_files(&[("systems.yaml", systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let problem = &loaded.problems[0];
    assert_eq!(
        problem.pos,
        Some(Pos {
            line: 1,
            column: 34
        })
    );
    let file = &loaded.inventory.files[1];
    assert!(!file.text.starts_with('\u{feff}'));
    let rendered = Renderer::new(&loaded.inventory.files, false).render(problem);
    assert_eq!(
        underlined(&rendered, "kind: databse"),
        "databse",
        "{rendered}"
    );
}

#[test]
fn label_underlines_whole_value() {
    let systems = system_with(
        "store",
        "  flows:\n    - to: Log search\n      data_classes: [ephi]\n      transport: vpn\n",
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let rendered = Renderer::new(&loaded.inventory.files, false).render(&loaded.problems[0]);
    assert_eq!(
        underlined(&rendered, "- to: Log search"),
        "Log search",
        "{rendered}"
    );
}

#[test]
fn transport_prefix_suggests_first_match() {
    let systems = format!(
        "{}{}",
        system_with(
            "store",
            "  flows:\n    - to: other\n      data_classes: [ephi]\n      transport: tls\n",
        ),
        system_with("other", ""),
    );
    let (_temp, loaded) = load_with_files(&[("systems.yaml", &systems)]);
    assert_eq!(loaded.problems.len(), 1, "{}", describe(&loaded.problems));
    let help = loaded.problems[0].help.as_deref().unwrap_or_default();
    assert!(
        help.starts_with("did you mean `tls_1_2_or_higher`?"),
        "{help}"
    );
}

/// Returns the source text under the label drawn below the snippet line containing `line`.
fn underlined(rendered: &str, line: &str) -> String {
    let lines: Vec<&str> = rendered.lines().collect();
    let index = lines
        .iter()
        .position(|l| l.contains(line))
        .unwrap_or_else(|| panic!("no snippet line with {line:?}"));
    let source: Vec<char> = lines[index].chars().collect();
    let marks: Vec<char> = lines[index + 1].chars().collect();
    marks
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(c, '─' | '┬' | '^'))
        .filter_map(|(column, _)| source.get(column))
        .collect()
}
