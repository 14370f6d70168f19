//! Finding rules, one small inventory per case.
//!
//! Every case starts from `Fixture::clean()`, an inventory that produces no findings, changes
//! one thing and analyses the result as of `AS_OF`. A case that triggers a rule checks the
//! rule id, severity, phase, main object, its file and line, and the key words of the message.
//! A case next to it shows the same rule staying silent.

use std::fmt::Write as _;
use std::fs;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use hipaa_migrate::analysis::{self, Analysis, Finding, FindingSeverity, ObjectKind};
use hipaa_migrate::loader;
use hipaa_migrate::model::{CivilDate, Phase};
use tempfile::TempDir;

/// The date every analysis treats as today, unless a test passes another one.
const AS_OF: &str = "2026-12-04";

/// Maximum time an analysis may take before a test reports it as looping, far more than
/// inventories this small need.
const ANALYSIS_TIMEOUT: Duration = Duration::from_secs(20);

const CLEAN_PROJECT: &str = "\
organisation: Test Clinic
migration: Rule tests
provider: aws
";

/// Two production ePHI systems on AWS. The database meets every item of the storage and
/// backup checklist, so neither system produces a finding.
const CLEAN_SYSTEMS: &str = "\
- id: portal
  name: Patient portal
  kind: application
  environment: production
  data_classes: [ephi]
  vendors: [aws]
  target_services:
    - Amazon Elastic Compute Cloud (Amazon EC2)
  depends_on: [patient-db]
  flows:
    - to: patient-db
      data_classes: [ephi]
      transport: private_link

- id: patient-db
  name: Patient database
  kind: database
  environment: production
  data_classes: [ephi]
  vendors: [aws]
  target_services:
    - Amazon Relational Database Service (Amazon RDS)
  storage:
    encryption_at_rest: true
    key_model: customer_managed
    min_tls: \"1.2\"
    public_access: false
    wildcard_permissions: false
  backup:
    schedule: daily
    last_restore_test: 2026-11-02
    retention_rule: keep 35 days, then delete automatically
    encrypted: true
    access_restricted: true
  last_access_review: 2026-10-15
";

const CLEAN_VENDORS: &str = "\
- id: aws
  name: Amazon Web Services
  kind: cloud_provider
  services:
    - Amazon Elastic Compute Cloud (Amazon EC2)
    - Amazon Relational Database Service (Amazon RDS)
  baa:
    status: signed
    signed: 2025-01-02
    expires: 2028-01-01
";

/// A production ePHI application with no storage, so no checklist rule applies to it. It
/// uses the vendor `scribe`, which each test appends.
const INTAKE_USES_SCRIBE: &str = "\
- id: intake
  name: Intake forms
  kind: application
  environment: production
  data_classes: [ephi]
  vendors: [scribe]
";

/// An ePHI object store that meets every checklist item, versioning included.
const CLEAN_BUCKET: &str = "\
- id: scan-bucket
  name: Scanned documents
  kind: object_storage
  environment: production
  data_classes: [ephi]
  storage:
    encryption_at_rest: true
    min_tls: \"1.2\"
    public_access: false
    wildcard_permissions: false
    versioning: true
  backup:
    schedule: daily
    last_restore_test: 2026-11-02
    retention_rule: keep 35 days, then delete automatically
    encrypted: true
    access_restricted: true
  last_access_review: 2026-10-15
";

/// A backup store that meets every checklist item that applies to it.
const CLEAN_VAULT: &str = "\
- id: backup-vault
  name: Backup vault
  kind: backup
  environment: production
  data_classes: [ephi]
  storage:
    encryption_at_rest: true
    min_tls: \"1.2\"
    public_access: false
    wildcard_permissions: false
  last_access_review: 2026-10-15
";

/// Returns a SaaS vendor `scribe` with the given BAA status.
fn scribe(status: &str) -> String {
    format!(
        "\
- id: scribe
  name: Scribe Notes
  kind: saas
  baa:
    status: {status}
"
    )
}

/// The inventory files a fixture writes.
#[derive(Clone, Copy, Debug)]
enum File {
    Project,
    Systems,
    Vendors,
    Services,
}

impl File {
    fn name(self) -> &'static str {
        match self {
            File::Project => "project.yaml",
            File::Systems => "systems.yaml",
            File::Vendors => "vendors.yaml",
            File::Services => "services.yaml",
        }
    }
}

/// The text of each inventory file, before it is written to a temporary folder.
#[derive(Clone, Debug)]
struct Fixture {
    project: String,
    systems: String,
    vendors: String,
    /// `services.yaml`, which is written only when a test adds entries.
    services: String,
}

impl Fixture {
    fn clean() -> Self {
        Fixture {
            project: CLEAN_PROJECT.to_owned(),
            systems: CLEAN_SYSTEMS.to_owned(),
            vendors: CLEAN_VENDORS.to_owned(),
            services: String::new(),
        }
    }

    fn text_mut(&mut self, file: File) -> &mut String {
        match file {
            File::Project => &mut self.project,
            File::Systems => &mut self.systems,
            File::Vendors => &mut self.vendors,
            File::Services => &mut self.services,
        }
    }

    /// Replaces the only occurrence of `from` in `file`.
    ///
    /// Panics when `from` occurs zero times or more than once, so an edit never misses
    /// silently and leaves the inventory clean.
    fn replace(mut self, file: File, from: &str, to: &str) -> Self {
        let text = self.text_mut(file);
        let count = text.matches(from).count();
        assert_eq!(
            count,
            1,
            "{}: expected `{from}` exactly once, found it {count} times in:\n{text}",
            file.name()
        );
        *text = text.replacen(from, to, 1);
        self
    }

    /// Appends YAML to `file`, after a blank line.
    fn append(mut self, file: File, yaml: &str) -> Self {
        let text = self.text_mut(file);
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(yaml);
        self
    }

    /// Writes the files, loads them and analyses them as of `AS_OF`.
    fn run(&self) -> Run {
        self.run_on(AS_OF)
    }

    /// Writes the files, loads them and analyses them as of `date`.
    ///
    /// Panics when loading reports any problem, because a test meant to trigger one rule must
    /// not rest on an inventory the loader rejects.
    fn run_on(&self, date: &str) -> Run {
        let dir = tempfile::tempdir().expect("create a temporary inventory folder");
        let mut files = vec![
            (File::Project, &self.project),
            (File::Systems, &self.systems),
            (File::Vendors, &self.vendors),
        ];
        if !self.services.is_empty() {
            files.push((File::Services, &self.services));
        }
        for (file, text) in files {
            fs::write(dir.path().join(file.name()), text).expect("write an inventory file");
        }

        let loaded = loader::load(dir.path());
        let problems: Vec<String> = loaded.problems.iter().map(|p| format!("  {p}")).collect();
        assert!(
            problems.is_empty(),
            "the fixture does not load cleanly:\n{}\n{self:#?}",
            problems.join("\n")
        );
        let as_of = CivilDate::parse(date).expect("a valid as-of date");
        let analysis = analysis::analyse(&loaded.inventory, as_of);
        Run { dir, analysis }
    }

    /// Runs the analysis on another thread and fails if it does not finish in time, so a
    /// rule that loops on a cycle fails the test instead of hanging the suite.
    fn run_with_timeout(&self) -> Run {
        let fixture = self.clone();
        let (sender, receiver) = mpsc::channel();
        thread::spawn(move || {
            // The receiver is gone only when the test already failed on the timeout.
            let _ = sender.send(fixture.run());
        });
        match receiver.recv_timeout(ANALYSIS_TIMEOUT) {
            Ok(run) => run,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("the analysis did not finish within {ANALYSIS_TIMEOUT:?}")
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                panic!("the analysis panicked; its message is printed above")
            }
        }
    }
}

/// What a test expects of the one finding a rule reports about one object.
#[derive(Debug)]
struct Expected<'a> {
    rule: &'a str,
    severity: FindingSeverity,
    phase: Phase,
    /// Kind of the main object, the first in `Finding::objects`.
    kind: ObjectKind,
    /// Id of the main object.
    id: &'a str,
    /// File the main object is written in.
    file: File,
    /// Words the message must contain.
    words: &'a [&'a str],
}

/// The analysis of one fixture, with the folder it was loaded from.
struct Run {
    dir: TempDir,
    analysis: Analysis,
}

impl Run {
    fn findings(&self) -> &[Finding] {
        &self.analysis.findings
    }

    /// Lists every finding, one per line, for assertion messages.
    fn describe(&self) -> String {
        if self.findings().is_empty() {
            return "  (no findings)".to_owned();
        }
        let mut text = String::new();
        for finding in self.findings() {
            let objects: Vec<&str> = finding.objects.iter().map(|o| o.id.as_str()).collect();
            let _ = writeln!(
                text,
                "  {} {} [{:?}] objects {objects:?} path {:?}: {}",
                finding.severity.label(),
                finding.rule,
                finding.phase,
                finding.path,
                finding.message
            );
        }
        text
    }

    fn path(&self, file: File) -> PathBuf {
        self.dir.path().join(file.name())
    }

    /// Returns the 1-based number of the only line of `file` that `matches` accepts.
    fn find_line(&self, file: File, what: &str, matches: impl Fn(&str) -> bool) -> u32 {
        let text = fs::read_to_string(self.path(file)).expect("read back an inventory file");
        let lines: Vec<usize> = text
            .lines()
            .enumerate()
            .filter(|(_, line)| matches(line))
            .map(|(index, _)| index + 1)
            .collect();
        assert_eq!(
            lines.len(),
            1,
            "expected {what} on exactly one line of {}",
            file.name()
        );
        u32::try_from(lines[0]).expect("a small line number")
    }

    /// Returns the line of `file` that contains `needle`.
    fn line_of(&self, file: File, needle: &str) -> u32 {
        self.find_line(file, &format!("`{needle}`"), |line| line.contains(needle))
    }

    /// Returns the line where the list entry with this id starts.
    fn entry_line(&self, file: File, id: &str) -> u32 {
        let entry = format!("- id: {id}");
        self.find_line(file, &format!("`{entry}`"), |line| line.trim_end() == entry)
    }

    fn with_rule(&self, rule: &str) -> Vec<&Finding> {
        self.findings().iter().filter(|f| f.rule == rule).collect()
    }

    /// Returns the only finding of `rule` whose main object is `id`.
    fn only(&self, rule: &str, id: &str) -> &Finding {
        let matching: Vec<&Finding> = self
            .with_rule(rule)
            .into_iter()
            .filter(|f| f.objects.first().is_some_and(|o| o.id == id))
            .collect();
        assert_eq!(
            matching.len(),
            1,
            "expected one `{rule}` finding about `{id}`, found {}; all findings:\n{}",
            matching.len(),
            self.describe()
        );
        matching[0]
    }

    /// Checks the finding `expected` describes and returns it for further checks.
    fn expect(&self, expected: &Expected<'_>) -> &Finding {
        let finding = self.only(expected.rule, expected.id);
        let all = self.describe();
        assert_eq!(
            finding.severity, expected.severity,
            "severity of {expected:?}; all findings:\n{all}"
        );
        assert_eq!(
            finding.phase, expected.phase,
            "phase of {expected:?}; all findings:\n{all}"
        );
        let main = &finding.objects[0];
        assert_eq!(
            main.kind, expected.kind,
            "main object kind of {expected:?}; all findings:\n{all}"
        );
        assert_eq!(
            main.file,
            self.path(expected.file),
            "main object file of {expected:?}; all findings:\n{all}"
        );
        assert_eq!(
            main.line,
            self.entry_line(expected.file, expected.id),
            "main object line of {expected:?}; all findings:\n{all}"
        );
        for word in expected.words {
            assert!(
                finding.message.contains(word),
                "message of {expected:?} lacks `{word}`: {}; all findings:\n{all}",
                finding.message
            );
        }
        finding
    }

    /// Checks that a finding names `id`, of `kind`, among its other objects, at its entry.
    fn assert_names(&self, finding: &Finding, kind: ObjectKind, id: &str, file: File) {
        let Some(object) = finding.objects[1..].iter().find(|o| o.id == id) else {
            panic!(
                "`{}` does not name `{id}`: {:?}",
                finding.rule, finding.objects
            );
        };
        assert_eq!(object.kind, kind, "{object:?}");
        assert_eq!(object.file, self.path(file), "{object:?}");
        assert_eq!(object.line, self.entry_line(file, id), "{object:?}");
    }

    fn assert_absent(&self, rule: &str) {
        assert!(
            self.with_rule(rule).is_empty(),
            "expected no `{rule}` finding; all findings:\n{}",
            self.describe()
        );
    }

    fn assert_clean(&self) {
        assert!(
            self.findings().is_empty(),
            "expected no findings; all findings:\n{}",
            self.describe()
        );
    }
}

fn assert_path(finding: &Finding, expected: &[&str]) {
    assert_eq!(
        finding.path, expected,
        "path of `{}`: {}",
        finding.rule, finding.message
    );
}

fn assert_remediation(finding: &Finding, words: &str) {
    assert!(
        finding.remediation.contains(words),
        "remediation of `{}` lacks `{words}`: {}",
        finding.rule,
        finding.remediation
    );
}

// Clean inventory

#[test]
fn clean_inventory_has_no_findings() {
    Fixture::clean().run().assert_clean();
}

#[test]
fn clean_additions_have_no_findings() {
    let fixtures = [
        Fixture::clean()
            .append(File::Systems, INTAKE_USES_SCRIBE)
            .append(File::Vendors, &scribe("signed")),
        Fixture::clean().append(File::Systems, CLEAN_BUCKET),
        Fixture::clean().append(File::Systems, CLEAN_VAULT),
    ];
    for fixture in fixtures {
        fixture.run().assert_clean();
    }
}

// baa-missing

#[test]
fn baa_missing_for_open_statuses() {
    let cases = [
        ("none", "sign a BAA"),
        ("pending", "sign a BAA"),
        ("unknown", "find out whether a BAA exists"),
    ];
    for (status, remediation) in cases {
        let run = Fixture::clean()
            .append(File::Systems, INTAKE_USES_SCRIBE)
            .append(File::Vendors, &scribe(status))
            .run();
        let finding = run.expect(&Expected {
            rule: "baa-missing",
            severity: FindingSeverity::Blocker,
            phase: Phase::MapPhiAndVendors,
            kind: ObjectKind::Vendor,
            id: "scribe",
            file: File::Vendors,
            words: &[
                "`scribe`",
                "handles ePHI",
                &format!("BAA status is {status}"),
            ],
        });
        run.assert_names(finding, ObjectKind::System, "intake", File::Systems);
        assert_remediation(finding, remediation);
        assert_path(finding, &["intake", "scribe"]);
    }
}

#[test]
fn baa_missing_silent_when_signed() {
    Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, &scribe("signed"))
        .run()
        .assert_clean();
}

#[test]
fn baa_missing_silent_outside_boundary() {
    let run = Fixture::clean()
        .append(
            File::Systems,
            "\
- id: wiki
  name: Staff wiki
  kind: application
  environment: production
  data_classes: [internal]
  vendors: [scribe]
",
        )
        .append(File::Vendors, &scribe("none"))
        .run();
    run.assert_clean();
}

#[test]
fn baa_missing_not_required_with_flow() {
    let run = Fixture::clean()
        .append(
            File::Systems,
            "\
- id: intake
  name: Intake forms
  kind: application
  environment: production
  data_classes: [ephi]
  flows:
    - to: lab
      data_classes: [ephi]
      transport: tls_1_2_or_higher
",
        )
        .append(
            File::Vendors,
            "\
- id: lab
  name: Regional Lab
  kind: integration_partner
  baa:
    status: not_required
",
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-missing",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "lab",
        file: File::Vendors,
        words: &["`lab`", "not needing a BAA", "intake → lab"],
    });
    run.assert_names(finding, ObjectKind::System, "intake", File::Systems);
    assert_path(finding, &["intake", "lab"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn baa_missing_not_required_with_logs() {
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "  depends_on: [patient-db]\n",
            "  depends_on: [patient-db]\n  logs_to: [lumenlog]\n",
        )
        .append(
            File::Vendors,
            "\
- id: lumenlog
  name: Lumenlog, Inc.
  kind: saas
  baa:
    status: not_required
",
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-missing",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "lumenlog",
        file: File::Vendors,
        words: &["`lumenlog`", "not needing a BAA", "portal → lumenlog"],
    });
    assert_path(finding, &["portal", "lumenlog"]);
}

#[test]
fn baa_not_required_vendor_only_used() {
    // A vendor that is only used, with no ePHI flow or log stream to it, is taken at its
    // word that it never handles ePHI.
    let run = Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, &scribe("not_required"))
        .run();
    run.assert_clean();
}

// baa-expired and baa-expiring

#[test]
fn baa_expired_day_before() {
    let run = Fixture::clean()
        .replace(File::Vendors, "expires: 2028-01-01", "expires: 2026-12-03")
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-expired",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &["`aws`", "expired on 2026-12-03", "still handles ePHI"],
    });
    run.assert_names(finding, ObjectKind::System, "portal", File::Systems);
    run.assert_names(finding, ObjectKind::System, "patient-db", File::Systems);
    assert_remediation(finding, "renew the BAA");
    run.assert_absent("baa-expiring");
}

#[test]
fn baa_in_force_on_expiry_date() {
    let fixture =
        Fixture::clean().replace(File::Vendors, "expires: 2028-01-01", "expires: 2026-12-04");

    let on_the_day = fixture.run();
    on_the_day.assert_absent("baa-expired");
    on_the_day.expect(&Expected {
        rule: "baa-expiring",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &["expires on 2026-12-04", "today is its last day"],
    });

    let day_after = fixture.run_on("2026-12-05");
    day_after.expect(&Expected {
        rule: "baa-expired",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &["expired on 2026-12-04"],
    });
    day_after.assert_absent("baa-expiring");
}

#[test]
fn baa_expiring_within_window() {
    let run = Fixture::clean()
        .replace(File::Vendors, "expires: 2028-01-01", "expires: 2027-01-15")
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-expiring",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &["`aws`", "expires on 2027-01-15", "in 42 days"],
    });
    assert_remediation(finding, "renewal");
    run.assert_absent("baa-expired");
}

#[test]
fn baa_expiring_window_edges() {
    // The default window is 90 days: 2027-03-04 is 90 days after the as-of date.
    let last_day = Fixture::clean()
        .replace(File::Vendors, "expires: 2028-01-01", "expires: 2027-03-04")
        .run();
    last_day.expect(&Expected {
        rule: "baa-expiring",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &["in 90 days"],
    });

    Fixture::clean()
        .replace(File::Vendors, "expires: 2028-01-01", "expires: 2027-03-05")
        .run()
        .assert_clean();
}

#[test]
fn baa_expiring_custom_window() {
    let project_with_window = "\
review_intervals:
  baa_expiry_warning_days: 30
";
    Fixture::clean()
        .append(File::Project, project_with_window)
        .replace(File::Vendors, "expires: 2028-01-01", "expires: 2027-01-15")
        .run()
        .assert_clean();
}

// baa-coverage

#[test]
fn baa_coverage_cloud_is_blocker() {
    let run = Fixture::clean()
        .replace(
            File::Vendors,
            "    expires: 2028-01-01\n",
            "    expires: 2028-01-01\n    covers: [Amazon Elastic Compute Cloud (Amazon EC2)]\n",
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-coverage",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "aws",
        file: File::Vendors,
        words: &[
            "`aws`",
            "does not cover `Amazon Relational Database Service (Amazon RDS)`",
            "ePHI systems run on",
        ],
    });
    run.assert_names(finding, ObjectKind::System, "patient-db", File::Systems);
    assert_eq!(finding.objects.len(), 2, "{:?}", finding.objects);
    assert_eq!(run.with_rule("baa-coverage").len(), 1, "{}", run.describe());
}

#[test]
fn baa_coverage_cloud_all_covered() {
    let covers = "    covers:
      - Amazon Elastic Compute Cloud (Amazon EC2)
      - Amazon Relational Database Service (Amazon RDS)
";
    Fixture::clean()
        .replace(
            File::Vendors,
            "    expires: 2028-01-01\n",
            &format!("    expires: 2028-01-01\n{covers}"),
        )
        .run()
        .assert_clean();
}

#[test]
fn baa_coverage_saas_is_warning() {
    let vendor = "\
- id: scribe
  name: Scribe Notes
  kind: saas
  services: [Dictation, Billing export]
  baa:
    status: signed
    expires: 2028-01-01
    covers: [Dictation]
";
    let run = Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, vendor)
        .run();
    let finding = run.expect(&Expected {
        rule: "baa-coverage",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "scribe",
        file: File::Vendors,
        words: &["`scribe`", "does not cover `Billing export`"],
    });
    assert_remediation(finding, "remove it from the vendor's `services`");

    Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(
            File::Vendors,
            &vendor.replace("covers: [Dictation]", "covers: [Dictation, Billing export]"),
        )
        .run()
        .assert_clean();
}

// subprocessor-baa-gap

/// Returns vendors for the chain intake → scribe → voicehost → gpu-farm, with `gpu-farm`'s
/// BAA status given.
fn subprocessor_chain(last_status: &str) -> String {
    format!(
        "\
- id: scribe
  name: Scribe Notes
  kind: saas
  subprocessors: [voicehost]
  baa:
    status: signed

- id: voicehost
  name: Voice Hosting
  kind: subprocessor
  subprocessors: [gpu-farm]
  baa:
    status: signed

- id: gpu-farm
  name: GPU Farm
  kind: subprocessor
  baa:
    status: {last_status}
"
    )
}

#[test]
fn subprocessor_gap_shows_whole_chain() {
    let run = Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, &subprocessor_chain("none"))
        .run();
    let finding = run.expect(&Expected {
        rule: "subprocessor-baa-gap",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "gpu-farm",
        file: File::Vendors,
        words: &[
            "`gpu-farm`",
            "intake → scribe → voicehost → gpu-farm",
            "BAA status is none",
        ],
    });
    assert_path(finding, &["intake", "scribe", "voicehost", "gpu-farm"]);
    assert_remediation(finding, "`voicehost`");
    run.assert_absent("baa-missing");
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn subprocessor_gap_silent_when_signed() {
    Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, &subprocessor_chain("signed"))
        .run()
        .assert_clean();
}

#[test]
fn subprocessor_not_required_is_trusted() {
    Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, &subprocessor_chain("not_required"))
        .run()
        .assert_clean();
}

#[test]
fn subprocessor_cycle_terminates() {
    let vendors = "\
- id: scribe
  name: Scribe Notes
  kind: saas
  subprocessors: [voicehost]
  baa:
    status: signed

- id: voicehost
  name: Voice Hosting
  kind: subprocessor
  subprocessors: [scribe]
  baa:
    status: pending
";
    let run = Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(File::Vendors, vendors)
        .run_with_timeout();
    let finding = run.expect(&Expected {
        rule: "subprocessor-baa-gap",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "voicehost",
        file: File::Vendors,
        words: &["intake → scribe → voicehost", "BAA status is pending"],
    });
    assert_path(finding, &["intake", "scribe", "voicehost"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());

    Fixture::clean()
        .append(File::Systems, INTAKE_USES_SCRIBE)
        .append(
            File::Vendors,
            &vendors.replace("status: pending", "status: signed"),
        )
        .run_with_timeout()
        .assert_clean();
}

// undeclared-ephi

/// An internal application that receives no ePHI.
const REPORTS: &str = "\
- id: reports
  name: Reporting
  kind: application
  environment: production
  data_classes: [internal]
";

/// Returns the clean inventory with a flow of `data_class` from `portal` to `reports`, which
/// the caller appends.
fn portal_sends_reports(data_class: &str) -> Fixture {
    let flows = format!(
        "      transport: private_link
    - to: reports
      data_classes: [{data_class}]
      transport: tls_1_2_or_higher
"
    );
    Fixture::clean().replace(File::Systems, "      transport: private_link\n", &flows)
}

#[test]
fn undeclared_ephi_through_flow() {
    let run = portal_sends_reports("ephi")
        .append(File::Systems, REPORTS)
        .run();
    let finding = run.expect(&Expected {
        rule: "undeclared-ephi",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::System,
        id: "reports",
        file: File::Systems,
        words: &[
            "`reports`",
            "receives ePHI from `portal`",
            "an ePHI data flow",
            "`data_classes`",
        ],
    });
    run.assert_names(finding, ObjectKind::System, "portal", File::Systems);
    assert_path(finding, &["portal", "reports"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn undeclared_ephi_through_backups() {
    let vault = CLEAN_VAULT.replace("  data_classes: [ephi]\n", "");
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "  last_access_review: 2026-10-15\n",
            "  last_access_review: 2026-10-15\n  backups_to: [backup-vault]\n",
        )
        .append(File::Systems, &vault)
        .run();
    let finding = run.expect(&Expected {
        rule: "undeclared-ephi",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::System,
        id: "backup-vault",
        file: File::Systems,
        words: &["receives ePHI from `patient-db`", "through backups"],
    });
    assert_path(finding, &["patient-db", "backup-vault"]);
}

#[test]
fn undeclared_ephi_silent_without_ephi() {
    portal_sends_reports("internal")
        .append(File::Systems, REPORTS)
        .run()
        .assert_clean();

    portal_sends_reports("ephi")
        .append(
            File::Systems,
            &REPORTS.replace("data_classes: [internal]", "data_classes: [ephi]"),
        )
        .run()
        .assert_clean();
}

#[test]
fn ephi_flow_from_undeclared_sender() {
    let sender = "\
- id: reports
  name: Reporting
  kind: application
  environment: production
  data_classes: [internal]
  flows:
    - to: scribe
      data_classes: [ephi]
      transport: plaintext
";
    let run = Fixture::clean()
        .append(File::Systems, sender)
        .append(File::Vendors, &scribe("none"))
        .run();
    run.expect(&Expected {
        rule: "ephi-transport",
        severity: FindingSeverity::Blocker,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "reports",
        file: File::Systems,
        words: &["from `reports` to `scribe`", "no encryption"],
    });
    run.expect(&Expected {
        rule: "baa-missing",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "scribe",
        file: File::Vendors,
        words: &["`scribe`", "BAA status is none"],
    });
    run.only("undeclared-ephi", "reports");
}

// service-not-eligible and service-eligibility-unknown

const RDS: &str = "Amazon Relational Database Service (Amazon RDS)";

#[test]
fn service_not_eligible_names_list() {
    let run = Fixture::clean()
        .replace(
            File::Systems,
            &format!("    - {RDS}"),
            "    - Amazon Lightsail",
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "service-not-eligible",
        severity: FindingSeverity::Blocker,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "patient-db",
        file: File::Systems,
        words: &[
            "`patient-db`",
            "`Amazon Lightsail`",
            "AWS HIPAA Eligible Services Reference",
            "2025-04-16",
        ],
    });
    let service = &finding.objects[1];
    assert_eq!(service.kind, ObjectKind::Service, "{service:?}");
    assert_eq!(service.id, "Amazon Lightsail", "{service:?}");
    assert_eq!(service.file, run.path(File::Systems), "{service:?}");
    assert_eq!(
        service.line,
        run.line_of(File::Systems, "Amazon Lightsail"),
        "{service:?}"
    );
    assert!(
        !finding.remediation.contains("if you meant"),
        "no listed name is close to `Amazon Lightsail`: {}",
        finding.remediation
    );
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn service_near_miss_suggests_name() {
    let misspelt = "Amazon Relational Database Servce (Amazon RDS)";
    let run = Fixture::clean()
        .replace(
            File::Systems,
            &format!("    - {RDS}"),
            &format!("    - {misspelt}"),
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "service-not-eligible",
        severity: FindingSeverity::Blocker,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "patient-db",
        file: File::Systems,
        words: &[misspelt, "2025-04-16"],
    });
    assert_remediation(finding, &format!("if you meant `{RDS}`"));
}

#[test]
fn service_entry_clears_ineligible() {
    let entry = "\
- name: Amazon Lightsail
  provider: aws
  eligible: true
  source: https://example.org/confirmed-by-account-team
  date: 2026-11-18
";
    Fixture::clean()
        .replace(
            File::Systems,
            &format!("    - {RDS}"),
            "    - Amazon Lightsail",
        )
        .append(File::Services, entry)
        .run()
        .assert_clean();
}

#[test]
fn service_entry_can_mark_ineligible() {
    let entry = format!(
        "\
- name: {RDS}
  provider: aws
  eligible: false
  source: contract annex B
  date: 2026-11-18
"
    );
    let run = Fixture::clean().append(File::Services, &entry).run();
    run.expect(&Expected {
        rule: "service-not-eligible",
        severity: FindingSeverity::Blocker,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "patient-db",
        file: File::Systems,
        words: &["services.yaml", "contract annex B", "2026-11-18"],
    });
}

#[test]
fn service_outside_boundary_not_checked() {
    let wiki = "\
- id: wiki
  name: Staff wiki
  kind: application
  environment: production
  data_classes: [internal]
  target_services:
    - Amazon Lightsail
";
    Fixture::clean()
        .append(File::Systems, wiki)
        .run()
        .assert_clean();
}

#[test]
fn misspelled_service_outside_boundary_noted() {
    let wiki = "\
- id: wiki
  name: Staff wiki
  kind: application
  environment: production
  data_classes: [internal]
  target_services:
    - Amazon Auroraa
";
    let run = Fixture::clean().append(File::Systems, wiki).run();
    run.expect(&Expected {
        rule: "service-unlisted",
        severity: FindingSeverity::Notice,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "wiki",
        file: File::Systems,
        words: &["`wiki` uses `Amazon Auroraa`"],
    });
    run.only("service-unlisted", "wiki");
}

/// Returns the clean inventory moved to Azure, with Azure service names.
fn azure_fixture() -> Fixture {
    Fixture::clean()
        .replace(File::Project, "provider: aws", "provider: azure")
        .replace(
            File::Systems,
            &format!("    - {RDS}"),
            "    - Azure SQL Database",
        )
        .replace(
            File::Systems,
            "    - Amazon Elastic Compute Cloud (Amazon EC2)",
            "    - Azure App Service",
        )
}

#[test]
fn service_unknown_on_azure() {
    let run = azure_fixture().run();
    let finding = run.expect(&Expected {
        rule: "service-eligibility-unknown",
        severity: FindingSeverity::Warning,
        phase: Phase::DesignLandingZone,
        kind: ObjectKind::System,
        id: "patient-db",
        file: File::Systems,
        words: &[
            "`Azure SQL Database`",
            "`patient-db`",
            "unknown",
            "services.yaml",
        ],
    });
    assert_eq!(finding.objects[1].id, "Azure SQL Database");
    assert_eq!(
        finding.objects[1].line,
        run.line_of(File::Systems, "Azure SQL Database")
    );
    assert_remediation(finding, "services.yaml");
    run.assert_absent("service-not-eligible");
    assert_eq!(
        run.with_rule("service-eligibility-unknown").len(),
        2,
        "{}",
        run.describe()
    );
}

#[test]
fn service_entry_clears_unknown() {
    let entries = "\
- name: Azure SQL Database
  provider: azure
  eligible: true
  source: Microsoft BAA, in-scope services annex
  date: 2026-11-18

- name: Azure App Service
  provider: azure
  eligible: true
  source: Microsoft BAA, in-scope services annex
  date: 2026-11-18
";
    azure_fixture()
        .append(File::Services, entries)
        .run()
        .assert_clean();
}

#[test]
fn service_entry_for_other_provider() {
    // An entry only counts for the provider it names.
    let entry = "\
- name: Azure SQL Database
  provider: aws
  eligible: true
  source: a mistaken entry
  date: 2026-11-18
";
    let run = azure_fixture().append(File::Services, entry).run();
    run.only("service-eligibility-unknown", "patient-db");
}

// real-data-outside-production

/// Returns a staging application with real patient data that uses `devtools`, and the vendor
/// `devtools` with the given BAA block.
fn staging_copy(real_patient_data: bool, baa: &str) -> Fixture {
    let system = format!(
        "\
- id: test-copy
  name: Staging copy
  kind: application
  environment: staging
  real_patient_data: {real_patient_data}
  vendors: [devtools]
"
    );
    let vendor = format!(
        "\
- id: devtools
  name: Dev Tools
  kind: saas
  baa:
{baa}"
    );
    Fixture::clean()
        .append(File::Systems, &system)
        .append(File::Vendors, &vendor)
}

#[test]
fn real_data_outside_production_flagged() {
    let run = staging_copy(true, "    status: none\n").run();
    let finding = run.expect(&Expected {
        rule: "real-data-outside-production",
        severity: FindingSeverity::Blocker,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::System,
        id: "test-copy",
        file: File::Systems,
        words: &[
            "staging system `test-copy`",
            "real patient data",
            "`devtools`",
            "without a BAA in force",
        ],
    });
    run.assert_names(finding, ObjectKind::Vendor, "devtools", File::Vendors);
    assert_remediation(finding, "synthetic or de-identified");
}

#[test]
fn real_data_with_expired_baa() {
    let run = staging_copy(
        true,
        "    status: signed\n    signed: 2024-01-01\n    expires: 2026-06-30\n",
    )
    .run();
    run.only("real-data-outside-production", "test-copy");
}

#[test]
fn real_data_silent_with_baa() {
    staging_copy(true, "    status: signed\n    expires: 2028-01-01\n")
        .run()
        .assert_clean();
    staging_copy(false, "    status: none\n")
        .run()
        .assert_clean();
}

// ephi-log-sink

#[test]
fn log_sink_vendor_without_baa() {
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "  depends_on: [patient-db]\n",
            "  depends_on: [patient-db]\n  logs_to: [lumenlog]\n",
        )
        .append(
            File::Vendors,
            "\
- id: lumenlog
  name: Lumenlog, Inc.
  kind: saas
  baa:
    status: none
",
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "ephi-log-sink",
        severity: FindingSeverity::Blocker,
        phase: Phase::ValidateControls,
        kind: ObjectKind::System,
        id: "portal",
        file: File::Systems,
        words: &["`portal`", "logs", "vendor `lumenlog`", "no BAA in force"],
    });
    run.assert_names(finding, ObjectKind::Vendor, "lumenlog", File::Vendors);
    assert_path(finding, &["portal", "lumenlog"]);
}

#[test]
fn log_sink_system_without_ephi() {
    let viewer = "\
- id: log-viewer
  name: Log viewer
  kind: application
  environment: production
  data_classes: [internal]
";
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "  depends_on: [patient-db]\n",
            "  depends_on: [patient-db]\n  logs_to: [log-viewer]\n",
        )
        .append(File::Systems, viewer)
        .run();
    let finding = run.expect(&Expected {
        rule: "ephi-log-sink",
        severity: FindingSeverity::Blocker,
        phase: Phase::ValidateControls,
        kind: ObjectKind::System,
        id: "portal",
        file: File::Systems,
        words: &["`portal`", "`log-viewer`", "does not declare ePHI"],
    });
    run.assert_names(finding, ObjectKind::System, "log-viewer", File::Systems);
    assert_path(finding, &["portal", "log-viewer"]);
    // The sink is inside the boundary through the logs, so it is also reported as holding
    // ePHI it does not declare.
    let undeclared = run.only("undeclared-ephi", "log-viewer");
    assert!(
        undeclared.message.contains("through logs"),
        "{}",
        undeclared.message
    );
}

#[test]
fn log_sink_silent_inside_boundary() {
    let with_sink = |sink: &str| {
        Fixture::clean().replace(
            File::Systems,
            "  depends_on: [patient-db]\n",
            &format!("  depends_on: [patient-db]\n  logs_to: [{sink}]\n"),
        )
    };
    with_sink("lumenlog")
        .append(
            File::Vendors,
            "\
- id: lumenlog
  name: Lumenlog, Inc.
  kind: saas
  baa:
    status: signed
    expires: 2028-01-01
",
        )
        .run()
        .assert_clean();
    with_sink("log-viewer")
        .append(
            File::Systems,
            "\
- id: log-viewer
  name: Log viewer
  kind: application
  environment: production
  data_classes: [ephi]
",
        )
        .run()
        .assert_clean();
}

// ephi-transport

#[test]
fn transport_weak_flagged() {
    let cases = [
        ("public_internet", "the public internet"),
        ("plaintext", "no encryption"),
        ("tls_below_1_2", "TLS below 1.2"),
    ];
    for (transport, words) in cases {
        let run = Fixture::clean()
            .replace(
                File::Systems,
                "transport: private_link",
                &format!("transport: {transport}"),
            )
            .run();
        let finding = run.expect(&Expected {
            rule: "ephi-transport",
            severity: FindingSeverity::Blocker,
            phase: Phase::DesignLandingZone,
            kind: ObjectKind::System,
            id: "portal",
            file: File::Systems,
            words: &["from `portal` to `patient-db`", words],
        });
        run.assert_names(finding, ObjectKind::System, "patient-db", File::Systems);
        assert_path(finding, &["portal", "patient-db"]);
    }
}

#[test]
fn transport_strong_silent() {
    for transport in ["private_link", "vpn", "tls_1_2_or_higher"] {
        Fixture::clean()
            .replace(
                File::Systems,
                "transport: private_link",
                &format!("transport: {transport}"),
            )
            .run()
            .assert_clean();
    }
}

#[test]
fn transport_without_ephi_silent() {
    Fixture::clean()
        .replace(
            File::Systems,
            "      data_classes: [ephi]\n      transport: private_link",
            "      data_classes: [internal]\n      transport: plaintext",
        )
        .run()
        .assert_clean();
}

// Storage and backup checklist: every finding gates phase 4.

/// Analyses `fixture`, checks the one `rule` finding about `patient-db` and returns both.
fn expect_store_finding(
    fixture: &Fixture,
    rule: &str,
    severity: FindingSeverity,
    words: &[&str],
) -> (Run, Finding) {
    let run = fixture.run();
    let finding = run
        .expect(&Expected {
            rule,
            severity,
            phase: Phase::ValidateControls,
            kind: ObjectKind::System,
            id: "patient-db",
            file: File::Systems,
            words,
        })
        .clone();
    (run, finding)
}

#[test]
fn encryption_at_rest_false_blocks() {
    let fixture = Fixture::clean().replace(
        File::Systems,
        "encryption_at_rest: true",
        "encryption_at_rest: false",
    );
    expect_store_finding(
        &fixture,
        "encryption-at-rest",
        FindingSeverity::Blocker,
        &["`patient-db`", "not encrypted at rest"],
    );
}

#[test]
fn encryption_at_rest_missing_warns() {
    let fixture = Fixture::clean().replace(File::Systems, "    encryption_at_rest: true\n", "");
    let (_, finding) = expect_store_finding(
        &fixture,
        "encryption-at-rest",
        FindingSeverity::Warning,
        &["`patient-db`", "does not record", "encrypted at rest"],
    );
    assert_remediation(&finding, "storage.encryption_at_rest");
}

#[test]
fn weak_tls_below_1_2() {
    for version in ["1.0", "1.1"] {
        let fixture = Fixture::clean().replace(
            File::Systems,
            "min_tls: \"1.2\"",
            &format!("min_tls: \"{version}\""),
        );
        expect_store_finding(
            &fixture,
            "weak-tls",
            FindingSeverity::Blocker,
            &["`patient-db`", "below TLS 1.2"],
        );
    }
    Fixture::clean()
        .replace(File::Systems, "min_tls: \"1.2\"", "min_tls: \"1.3\"")
        .run()
        .assert_clean();
}

#[test]
fn public_access_true_blocks() {
    let fixture =
        Fixture::clean().replace(File::Systems, "public_access: false", "public_access: true");
    expect_store_finding(
        &fixture,
        "public-access",
        FindingSeverity::Blocker,
        &["`patient-db`", "without authentication"],
    );
}

#[test]
fn public_access_missing_warns() {
    let fixture = Fixture::clean().replace(File::Systems, "    public_access: false\n", "");
    expect_store_finding(
        &fixture,
        "public-access",
        FindingSeverity::Warning,
        &["`patient-db`", "does not record", "publicly accessible"],
    );
}

#[test]
fn wildcard_permissions_block() {
    let fixture = Fixture::clean().replace(
        File::Systems,
        "wildcard_permissions: false",
        "wildcard_permissions: true",
    );
    expect_store_finding(
        &fixture,
        "wildcard-permissions",
        FindingSeverity::Blocker,
        &["`patient-db`", "`*`"],
    );
    Fixture::clean()
        .replace(File::Systems, "    wildcard_permissions: false\n", "")
        .run()
        .assert_clean();
}

#[test]
fn versioning_off_on_bucket() {
    let cases = [
        (
            "    versioning: true\n",
            "    versioning: false\n",
            "is off",
        ),
        ("    versioning: true\n", "", "is not recorded"),
    ];
    for (from, to, words) in cases {
        let run = Fixture::clean()
            .append(File::Systems, CLEAN_BUCKET)
            .replace(File::Systems, from, to)
            .run();
        run.expect(&Expected {
            rule: "versioning-off",
            severity: FindingSeverity::Warning,
            phase: Phase::ValidateControls,
            kind: ObjectKind::System,
            id: "scan-bucket",
            file: File::Systems,
            words: &["`scan-bucket`", words],
        });
        assert_eq!(run.findings().len(), 1, "{}", run.describe());
    }
}

#[test]
fn backup_schedule_missing_blocks() {
    let cases = [
        ("    schedule: daily\n", "    schedule: none\n"),
        ("    schedule: daily\n", ""),
    ];
    for (from, to) in cases {
        let fixture = Fixture::clean().replace(File::Systems, from, to);
        expect_store_finding(
            &fixture,
            "backup-schedule",
            FindingSeverity::Blocker,
            &["`patient-db`", "no automated backup schedule"],
        );
    }
}

#[test]
fn backup_schedule_rare_warns() {
    for schedule in ["weekly", "monthly"] {
        let fixture = Fixture::clean().replace(
            File::Systems,
            "schedule: daily",
            &format!("schedule: {schedule}"),
        );
        expect_store_finding(
            &fixture,
            "backup-schedule",
            FindingSeverity::Warning,
            &["`patient-db`", "less often than daily"],
        );
    }
    for schedule in ["continuous", "hourly"] {
        Fixture::clean()
            .replace(
                File::Systems,
                "schedule: daily",
                &format!("schedule: {schedule}"),
            )
            .run()
            .assert_clean();
    }
}

#[test]
fn restore_test_never_run() {
    let fixture =
        Fixture::clean().replace(File::Systems, "    last_restore_test: 2026-11-02\n", "");
    expect_store_finding(
        &fixture,
        "restore-test",
        FindingSeverity::Blocker,
        &["`patient-db`", "never been restore-tested"],
    );
}

#[test]
fn restore_test_older_than_interval() {
    // 2026-09-04 is 91 days before the as-of date, one more than the default interval.
    let fixture = Fixture::clean().replace(
        File::Systems,
        "last_restore_test: 2026-11-02",
        "last_restore_test: 2026-09-04",
    );
    expect_store_finding(
        &fixture,
        "restore-test",
        FindingSeverity::Blocker,
        &["`patient-db`", "2026-09-04", "91 days ago", "90 days"],
    );
}

#[test]
fn restore_test_at_interval_passes() {
    Fixture::clean()
        .replace(
            File::Systems,
            "last_restore_test: 2026-11-02",
            "last_restore_test: 2026-09-05",
        )
        .run()
        .assert_clean();
}

#[test]
fn restore_test_custom_interval() {
    let fixture = Fixture::clean().append(
        File::Project,
        "review_intervals:\n  restore_test_days: 30\n",
    );
    expect_store_finding(
        &fixture,
        "restore-test",
        FindingSeverity::Blocker,
        &["2026-11-02", "32 days ago", "30 days"],
    );
}

#[test]
fn backup_unencrypted_blocks() {
    let fixture =
        Fixture::clean().replace(File::Systems, "encrypted: true\n", "encrypted: false\n");
    expect_store_finding(
        &fixture,
        "backup-protection",
        FindingSeverity::Blocker,
        &["backups of ePHI store `patient-db`", "not encrypted"],
    );
}

#[test]
fn backup_access_unrestricted_blocks() {
    let fixture = Fixture::clean().replace(
        File::Systems,
        "access_restricted: true",
        "access_restricted: false",
    );
    expect_store_finding(
        &fixture,
        "backup-protection",
        FindingSeverity::Blocker,
        &["backups of `patient-db`", "wider than access to production"],
    );
}

/// Returns the clean inventory with `patient-db` backed up to `backup-vault`.
fn backed_up_to_vault(vault: &str) -> Fixture {
    Fixture::clean()
        .replace(
            File::Systems,
            "  last_access_review: 2026-10-15\n",
            "  last_access_review: 2026-10-15\n  backups_to: [backup-vault]\n",
        )
        .append(File::Systems, vault)
}

#[test]
fn backup_to_weaker_store_blocks() {
    let cases = [
        ("encryption_at_rest: true", "encryption_at_rest: false"),
        ("public_access: false", "public_access: true"),
    ];
    for (from, to) in cases {
        let fixture = backed_up_to_vault(&CLEAN_VAULT.replace(from, to));
        let (run, finding) = expect_store_finding(
            &fixture,
            "backup-protection",
            FindingSeverity::Blocker,
            &["backups of `patient-db`", "go to `backup-vault`"],
        );
        run.assert_names(&finding, ObjectKind::System, "backup-vault", File::Systems);
    }
}

#[test]
fn backup_to_clean_store_passes() {
    backed_up_to_vault(CLEAN_VAULT).run().assert_clean();
}

#[test]
fn retention_rule_missing_warns() {
    let removed = "    retention_rule: keep 35 days, then delete automatically\n";
    for replacement in ["", "    retention_rule: \"  \"\n"] {
        let fixture = Fixture::clean().replace(File::Systems, removed, replacement);
        expect_store_finding(
            &fixture,
            "retention-rule",
            FindingSeverity::Warning,
            &["backups of `patient-db`", "no retention and deletion rule"],
        );
    }
}

#[test]
fn access_review_stale_blocks() {
    let fixture = Fixture::clean().replace(
        File::Systems,
        "last_access_review: 2026-10-15",
        "last_access_review: 2026-09-04",
    );
    expect_store_finding(
        &fixture,
        "access-review",
        FindingSeverity::Blocker,
        &["`patient-db`", "2026-09-04", "91 days ago", "90 days"],
    );
    Fixture::clean()
        .replace(
            File::Systems,
            "last_access_review: 2026-10-15",
            "last_access_review: 2026-09-05",
        )
        .run()
        .assert_clean();
}

#[test]
fn access_review_missing_warns() {
    let fixture = Fixture::clean().replace(File::Systems, "  last_access_review: 2026-10-15\n", "");
    expect_store_finding(
        &fixture,
        "access-review",
        FindingSeverity::Warning,
        &["`patient-db`", "no access review"],
    );
}

#[test]
fn cross_region_copy_when_required() {
    let required = Fixture::clean().append(File::Project, "cross_region_backup_required: true\n");
    expect_store_finding(
        &required,
        "cross-region-copy",
        FindingSeverity::Blocker,
        &["backups of `patient-db`", "second region or account"],
    );

    required
        .replace(
            File::Systems,
            "    access_restricted: true\n",
            "    access_restricted: true\n    cross_region_copy: true\n",
        )
        .run()
        .assert_clean();
}

#[test]
fn cross_region_copy_not_required() {
    Fixture::clean()
        .replace(
            File::Systems,
            "    access_restricted: true\n",
            "    access_restricted: true\n    cross_region_copy: false\n",
        )
        .run()
        .assert_clean();
}

// dependency-cycle

#[test]
fn dependency_cycle_of_two() {
    // Both systems are inside the ePHI boundary, so the cycle concerns phase 5, where they
    // move.
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "  data_classes: [ephi]\n  vendors: [aws]\n  target_services:\n    - Amazon Relational",
            "  data_classes: [ephi]\n  vendors: [aws]\n  depends_on: [portal]\n  \
             target_services:\n    - Amazon Relational",
        )
        .run_with_timeout();
    let finding = run.expect(&Expected {
        rule: "dependency-cycle",
        severity: FindingSeverity::Warning,
        phase: Phase::MigrateProductionEphi,
        kind: ObjectKind::System,
        id: "portal",
        file: File::Systems,
        words: &["dependency cycle", "portal → patient-db → portal"],
    });
    run.assert_names(finding, ObjectKind::System, "patient-db", File::Systems);
    assert_path(finding, &["portal", "patient-db", "portal"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn dependency_cycle_of_one() {
    let run = Fixture::clean()
        .replace(
            File::Systems,
            "depends_on: [patient-db]",
            "depends_on: [portal, patient-db]",
        )
        .run_with_timeout();
    let finding = run.expect(&Expected {
        rule: "dependency-cycle",
        severity: FindingSeverity::Warning,
        phase: Phase::MigrateProductionEphi,
        kind: ObjectKind::System,
        id: "portal",
        file: File::Systems,
        words: &["`portal` lists itself in `depends_on`"],
    });
    assert_eq!(finding.objects.len(), 1, "{:?}", finding.objects);
    assert_path(finding, &["portal", "portal"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

/// Returns three internal applications. Each depends on the next, and the last on `last`.
fn dependency_ring(last: &str) -> String {
    format!(
        "\
- id: scheduling
  name: Scheduling
  kind: application
  environment: production
  data_classes: [internal]
  depends_on: [billing]

- id: billing
  name: Billing
  kind: application
  environment: production
  data_classes: [internal]
  depends_on: [claims]

- id: claims
  name: Claims
  kind: application
  environment: production
  data_classes: [internal]
  depends_on: [{last}]
"
    )
}

#[test]
fn dependency_cycle_of_three() {
    let run = Fixture::clean()
        .append(File::Systems, &dependency_ring("scheduling"))
        .run_with_timeout();
    let finding = run.expect(&Expected {
        rule: "dependency-cycle",
        severity: FindingSeverity::Warning,
        phase: Phase::MoveLowRiskWorkloads,
        kind: ObjectKind::System,
        id: "scheduling",
        file: File::Systems,
        words: &["scheduling → billing → claims → scheduling"],
    });
    run.assert_names(finding, ObjectKind::System, "billing", File::Systems);
    run.assert_names(finding, ObjectKind::System, "claims", File::Systems);
    assert_path(finding, &["scheduling", "billing", "claims", "scheduling"]);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn dependency_cycle_phase_matches_waves() {
    // The ring is outside the ePHI boundary but depends on `patient-db`, so the wave plan
    // moves it in phase 5, and the finding should name that phase.
    let ring = dependency_ring("scheduling").replace(
        "  depends_on: [billing]\n",
        "  depends_on: [billing, patient-db]\n",
    );
    let run = Fixture::clean()
        .append(File::Systems, &ring)
        .run_with_timeout();
    let ephi_wave_systems: Vec<&str> = run
        .analysis
        .waves
        .ephi
        .iter()
        .flat_map(|wave| wave.systems.iter().map(String::as_str))
        .collect();
    assert!(
        ephi_wave_systems.contains(&"scheduling"),
        "the ring should move in phase 5: {:?}",
        run.analysis.waves
    );
    let finding = run.only("dependency-cycle", "scheduling");
    assert_eq!(
        finding.phase,
        Phase::MigrateProductionEphi,
        "all findings:\n{}",
        run.describe()
    );
}

#[test]
fn dependency_chain_has_no_cycle() {
    Fixture::clean()
        .append(File::Systems, &dependency_ring("patient-db"))
        .run_with_timeout()
        .assert_clean();
}

// duplicate-vendor

/// Returns two unused SaaS vendors with the given names.
fn vendor_pair(first: &str, second: &str) -> String {
    format!(
        "\
- id: vendor-one
  name: {first}
  kind: saas
  baa:
    status: none

- id: vendor-two
  name: {second}
  kind: saas
  baa:
    status: none
"
    )
}

#[test]
fn duplicate_vendor_by_legal_suffix() {
    let run = Fixture::clean()
        .append(
            File::Vendors,
            &vendor_pair("\"Lumenlog, Inc.\"", "LumenLog LLC"),
        )
        .run();
    let finding = run.expect(&Expected {
        rule: "duplicate-vendor",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "vendor-one",
        file: File::Vendors,
        words: &[
            "`vendor-one` (Lumenlog, Inc.)",
            "`vendor-two` (LumenLog LLC)",
            "same company",
        ],
    });
    run.assert_names(finding, ObjectKind::Vendor, "vendor-two", File::Vendors);
    assert_eq!(run.findings().len(), 1, "{}", run.describe());
}

#[test]
fn duplicate_vendor_distinct_names() {
    Fixture::clean()
        .append(
            File::Vendors,
            &vendor_pair("\"Lumenlog, Inc.\"", "Northwind Scribe"),
        )
        .run()
        .assert_clean();
}

#[test]
fn duplicate_vendor_short_name() {
    let run = Fixture::clean()
        .append(File::Vendors, &vendor_pair("3M", "3M Company"))
        .run();
    run.expect(&Expected {
        rule: "duplicate-vendor",
        severity: FindingSeverity::Warning,
        phase: Phase::MapPhiAndVendors,
        kind: ObjectKind::Vendor,
        id: "vendor-one",
        file: File::Vendors,
        words: &["`vendor-one` (3M)", "`vendor-two` (3M Company)"],
    });
}
