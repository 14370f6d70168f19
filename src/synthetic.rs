//! Generated inventories of any size, for load tests and benchmarks.
//!
//! The output is deterministic for a given [`Shape`] and is shaped like a large estate:
//! - The first systems are the shared platform. Every [`PLATFORM_GROUP`] systems get one
//!   identity provider, one logging platform, one backup vault and one integration engine,
//!   which the other systems of that group depend on, log to, back up to and send data
//!   through.
//! - The other systems belong to domains of [`DOMAIN_SIZE`] systems, each owned by one team.
//!   Dependencies and data flows mostly stay inside a domain and point at earlier systems. One
//!   system in ten also depends on a system of an earlier domain, and one in a hundred on a
//!   later system of its own domain, which forms the few dependency cycles real estates have.
//! - Vendor 0 is the cloud provider, which every system uses. One other vendor in three passes
//!   data to up to three subprocessors, so chains form, and BAAs are signed, pending, missing,
//!   not required or unknown, with terms ending between 2025 and 2029.
//! - Systems are split over files of [`Shape::systems_per_file`] under `systems/`, and vendors
//!   over files of [`VENDORS_PER_FILE`] under `vendors/`.
//!
//! Every reference resolves, so the inventory loads without a problem. Its dates are meant to
//! be evaluated around 2026-12-04, when some BAAs, restore tests and access reviews are out of
//! date, so the analysis finds gaps of every common kind.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use crate::catalog::{Provider, eligibility_list};
use crate::gates::{Subject, ValidationStatus, builtin_controls};
use crate::journal::{self, Entry, EntryBody};
use crate::model::{AppliesTo, CivilDate, Phase};

/// Systems served by one set of shared platform systems.
pub const PLATFORM_GROUP: usize = 2_000;

/// Systems in one domain, the unit a team owns.
pub const DOMAIN_SIZE: usize = 100;

/// Vendors per file under `vendors/`.
pub const VENDORS_PER_FILE: usize = 1_000;

/// Size of a generated inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Number of systems.
    pub systems: usize,
    /// Number of vendors, subprocessors included.
    pub vendors: usize,
    /// Systems per file under `systems/`.
    pub systems_per_file: usize,
    /// Seed for the pseudo-random choices.
    pub seed: u64,
}

impl Shape {
    /// A shape with one vendor for every five systems (at least 10) and 2,000 systems a file.
    pub fn with_systems(systems: usize) -> Self {
        Shape {
            systems,
            vendors: (systems / 5).max(10),
            systems_per_file: 2_000,
            seed: 0x5eed,
        }
    }
}

/// A small xorshift generator. The standard library has none, and the data need not be secure.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        // Xorshift never leaves the state 0, so that seed is replaced.
        Rng(if seed == 0 {
            0x9e37_79b9_7f4a_7c15
        } else {
            seed
        })
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// Returns a number in `0..bound`, or 0 when `bound` is 0.
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    /// Returns a number in `range`, which must not be empty.
    fn within(&mut self, range: std::ops::Range<usize>) -> usize {
        range.start + self.below(range.end - range.start)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// Picks one choice, each weighted by its percentage. The weights add up to 100.
    fn pick<T: Copy>(&mut self, choices: &[(T, u64)]) -> T {
        let mut roll = self.next() % 100;
        for &(choice, weight) in choices {
            if roll < weight {
                return choice;
            }
            roll -= weight;
        }
        choices[choices.len() - 1].0
    }
}

/// Kinds of the systems outside the shared platform, with their share in percent.
const KINDS: [(&str, u64); 9] = [
    ("application", 36),
    ("database", 16),
    ("object_storage", 8),
    ("queue", 8),
    ("analytics", 8),
    ("integration", 8),
    ("network", 6),
    ("logging", 4),
    ("other", 6),
];
const ENVIRONMENTS: [(&str, u64); 4] = [
    ("production", 55),
    ("staging", 15),
    ("development", 15),
    ("test", 15),
];
const TRANSPORTS: [(&str, u64); 5] = [
    ("tls_1_2_or_higher", 70),
    ("private_link", 15),
    ("vpn", 10),
    ("tls_below_1_2", 3),
    ("plaintext", 2),
];
const VENDOR_KINDS: [(&str, u64); 5] = [
    ("saas", 55),
    ("subprocessor", 20),
    ("consultancy", 10),
    ("integration_partner", 10),
    ("other", 5),
];
const BAA_STATES: [(&str, u64); 5] = [
    ("signed", 65),
    ("pending", 8),
    ("none", 7),
    ("not_required", 10),
    ("unknown", 10),
];
const HOSTING: [(&str, u64); 4] = [
    ("on-premises VMware cluster", 50),
    ("colocation rack", 20),
    ("existing AWS account", 15),
    ("managed hosting provider", 15),
];

/// The shared platform systems of each group, in the order their indexes follow.
const PLATFORM_ROLES: [Role; 4] = [
    Role::Identity,
    Role::Logging,
    Role::Backup,
    Role::Integration,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Identity,
    Logging,
    Backup,
    Integration,
}

/// Writes a generated inventory into `dir`, which must exist.
///
/// # Errors
/// Fails when a file cannot be written.
pub fn write_inventory(dir: &Path, shape: Shape) -> io::Result<()> {
    fs::write(dir.join("project.yaml"), project_yaml())?;
    fs::create_dir_all(dir.join("systems"))?;
    fs::create_dir_all(dir.join("vendors"))?;
    for (index, text) in vendor_files(shape).into_iter().enumerate() {
        fs::write(
            dir.join("vendors").join(format!("vendors-{index:03}.yaml")),
            text,
        )?;
    }
    for (index, text) in system_files(shape).into_iter().enumerate() {
        fs::write(
            dir.join("systems").join(format!("systems-{index:03}.yaml")),
            text,
        )?;
    }
    Ok(())
}

/// Writes [`journal_text`] to `journal.jsonl` in `dir`, which must exist.
///
/// # Errors
/// Fails when the file cannot be written.
pub fn write_journal(dir: &Path, shape: Shape) -> io::Result<()> {
    fs::write(dir.join(journal::FILE_NAME), journal_text(shape))
}

/// Returns a validation journal in which phase 1 is about half done. Each built-in phase-1
/// control is validated on 2026-11-02 for the project, or for every second system or vendor,
/// as its `applies_to` names.
///
/// The generator does not compute the ePHI boundary, so some entries name a system or vendor
/// outside the control's scope. Gate evaluation ignores those, as it ignores entries about
/// records that left the boundary in a real journal.
///
/// # Panics
/// Panics if `serde_json` fails to serialise an entry, which holds only strings, numbers and
/// a date, so it does not happen.
pub fn journal_text(shape: Shape) -> String {
    const ON: CivilDate = CivilDate(jiff::civil::date(2026, 11, 2));
    let mut text = String::new();
    let mut prev = "0".repeat(64);
    let mut seq = 0;
    let phase_one = builtin_controls()
        .iter()
        .filter(|control| control.phase == Phase::MapPhiAndVendors);
    for control in phase_one {
        let subjects: Vec<Subject> = match control.applies_to {
            AppliesTo::Project => vec![Subject::Project],
            AppliesTo::EachEphiVendor => (0..shape.vendors)
                .step_by(2)
                .map(|index| Subject::Vendor(vendor_id(index)))
                .collect(),
            AppliesTo::EachSystem | AppliesTo::EachEphiSystem | AppliesTo::EachEphiStore => (0
                ..shape.systems)
                .step_by(2)
                .map(|index| Subject::System(system_id(index)))
                .collect(),
        };
        for subject in subjects {
            seq += 1;
            let entry = Entry::seal(EntryBody {
                seq,
                control: control.id.value.clone(),
                subject,
                status: ValidationStatus::Validated,
                by: "Generated reviewer".to_owned(),
                on: ON,
                at: "2026-11-02T09:00:00Z".to_owned(),
                evidence: format!("Review ticket GEN-{seq}"),
                justification: None,
                prev: std::mem::take(&mut prev),
            });
            prev.clone_from(&entry.hash);
            let line = serde_json::to_string(&entry).expect("a journal entry serialises to JSON");
            text.push_str(&line);
            text.push('\n');
        }
    }
    text
}

fn project_yaml() -> &'static str {
    "organisation: Generated Health System\n\
     migration: Generated estate to AWS\n\
     provider: aws\n\
     phase_owners:\n  \
       map_phi_and_vendors: Privacy office\n  \
       design_landing_zone: Cloud platform team\n  \
       move_low_risk_workloads: Cloud platform team\n  \
       validate_controls: Security office\n  \
       migrate_production_ephi: Engineering leadership\n\
     cross_region_backup_required: true\n"
}

fn vendor_id(index: usize) -> String {
    format!("vendor-{index:06}")
}

fn system_id(index: usize) -> String {
    format!("sys-{index:06}")
}

/// Returns the text of each vendor file, [`VENDORS_PER_FILE`] vendors a file.
pub fn vendor_files(shape: Shape) -> Vec<String> {
    let mut rng = Rng::new(shape.seed ^ 0xa11c_e5ed);
    let mut files = Vec::new();
    let mut text = String::new();
    for index in 0..shape.vendors {
        if index % VENDORS_PER_FILE == 0 {
            let last = (index + VENDORS_PER_FILE).min(shape.vendors) - 1;
            let _ = writeln!(
                text,
                "# Vendors {index} to {last} of the generated estate.\n"
            );
        }
        if index == 0 {
            write_cloud_provider(&mut text);
        } else {
            write_vendor(&mut text, &mut rng, shape, index);
        }
        if (index + 1) % VENDORS_PER_FILE == 0 {
            files.push(std::mem::take(&mut text));
        }
    }
    if !text.is_empty() {
        files.push(text);
    }
    files
}

fn write_cloud_provider(text: &mut String) {
    text.push_str(
        "- id: vendor-000000\n  \
           name: Amazon Web Services\n  \
           kind: cloud_provider\n  \
           services: [Cloud hosting]\n  \
           baa:\n    \
             status: signed\n    \
             signed: 2024-01-15\n    \
             document: contracts/aws-baa.pdf\n\n",
    );
}

fn write_vendor(text: &mut String, rng: &mut Rng, shape: Shape, index: usize) {
    let id = vendor_id(index);
    let kind = rng.pick(&VENDOR_KINDS);
    let service_count = 1 + rng.below(3);
    let services: Vec<String> = (1..=service_count)
        .map(|number| format!("Product {index}-{number}"))
        .collect();

    let _ = writeln!(text, "- id: {id}");
    let _ = writeln!(text, "  name: Vendor {index}");
    let _ = writeln!(text, "  kind: {kind}");
    let _ = writeln!(text, "  services: [{}]", services.join(", "));

    let later = shape.vendors - index - 1;
    if later > 0 && rng.chance(33) {
        // Subprocessors come later in the list, so a chain never loops back.
        let mut chosen: Vec<usize> = Vec::new();
        for _ in 0..=rng.below(3) {
            let subprocessor = index + 1 + rng.below(later.min(50));
            if !chosen.contains(&subprocessor) {
                chosen.push(subprocessor);
            }
        }
        let ids: Vec<String> = chosen.into_iter().map(vendor_id).collect();
        let _ = writeln!(text, "  subprocessors: [{}]", ids.join(", "));
    }

    let status = rng.pick(&BAA_STATES);
    let _ = writeln!(text, "  baa:\n    status: {status}");
    if status == "signed" {
        let year = 2022 + rng.below(5);
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let _ = writeln!(
            text,
            "    signed: {year}-{month:02}-{day:02}\n    expires: {}-{month:02}-{day:02}",
            year + 3
        );
        if service_count > 1 && rng.chance(25) {
            let _ = writeln!(text, "    covers: [{}]", services[0]);
        }
        let _ = writeln!(text, "    document: contracts/{id}-baa.pdf");
    }
    text.push('\n');
}

/// Sizes of an estate and the extent of its shared platform.
#[derive(Clone, Copy)]
struct Layout {
    systems: usize,
    vendors: usize,
    /// Number of platform systems, which come first.
    platform: usize,
}

impl Layout {
    fn new(shape: Shape) -> Self {
        let groups = shape.systems.div_ceil(PLATFORM_GROUP);
        Layout {
            systems: shape.systems,
            vendors: shape.vendors,
            platform: (groups * PLATFORM_ROLES.len()).min(shape.systems),
        }
    }

    /// Returns the platform system with `role` that serves system `index`, unless it is
    /// `index` itself or the estate is too small to have it.
    fn platform_of(self, index: usize, role: Role) -> Option<usize> {
        let groups = self.platform / PLATFORM_ROLES.len();
        let group = if index < self.platform {
            index / PLATFORM_ROLES.len()
        } else {
            (index / PLATFORM_GROUP).min(groups.saturating_sub(1))
        };
        let position = PLATFORM_ROLES.iter().position(|&r| r == role)?;
        let platform = group * PLATFORM_ROLES.len() + position;
        (platform < self.platform && platform != index).then_some(platform)
    }

    /// Returns the range of systems in the domain of system `index`, which is not a platform
    /// system.
    fn domain_of(self, index: usize) -> std::ops::Range<usize> {
        let start = self.platform + (index - self.platform) / DOMAIN_SIZE * DOMAIN_SIZE;
        start..(start + DOMAIN_SIZE).min(self.systems)
    }
}

/// Returns the text of each system file, `shape.systems_per_file` systems a file.
pub fn system_files(shape: Shape) -> Vec<String> {
    let services = &eligibility_list(Provider::Aws).services;
    let service_names: Vec<&str> = services.iter().map(|s| s.name.as_str()).collect();
    let layout = Layout::new(shape);
    let per_file = shape.systems_per_file.max(1);
    let mut rng = Rng::new(shape.seed);
    let mut files = Vec::new();
    let mut text = String::new();
    for index in 0..shape.systems {
        if index % per_file == 0 {
            let last = (index + per_file).min(shape.systems) - 1;
            let _ = writeln!(
                text,
                "# Systems {index} to {last} of the generated estate.\n"
            );
        }
        if index < layout.platform {
            write_platform_system(&mut text, layout, index);
        } else {
            write_system(&mut text, &mut rng, layout, &service_names, index);
        }
        if (index + 1) % per_file == 0 {
            files.push(std::mem::take(&mut text));
        }
    }
    if !text.is_empty() {
        files.push(text);
    }
    files
}

/// Writes one shared platform system, which is production and configured as a careful team
/// would configure it.
fn write_platform_system(text: &mut String, layout: Layout, index: usize) {
    let role = PLATFORM_ROLES[index % PLATFORM_ROLES.len()];
    let group = index / PLATFORM_ROLES.len();
    let (kind, name, service, classes) = match role {
        Role::Identity => (
            "identity",
            "Identity provider",
            "AWS IAM Identity Center",
            "[pii]",
        ),
        Role::Logging => (
            "logging",
            "Log platform",
            "Amazon CloudWatch",
            "[ephi, pii]",
        ),
        Role::Backup => ("backup", "Backup vault", "AWS Backup", "[ephi, pii]"),
        Role::Integration => (
            "integration",
            "Integration engine",
            "Amazon Elastic Compute Cloud (Amazon EC2)",
            "[ephi, pii]",
        ),
    };

    let _ = writeln!(text, "- id: {}", system_id(index));
    let _ = writeln!(text, "  name: {name} {group}");
    let _ = writeln!(text, "  kind: {kind}\n  environment: production");
    let _ = writeln!(text, "  owner: Platform team {group}");
    let _ = writeln!(text, "  data_classes: {classes}");
    let _ = writeln!(text, "  hosting: on-premises VMware cluster");
    let _ = writeln!(text, "  target_services: [\"{service}\"]");

    if layout.vendors > 0 {
        let _ = writeln!(text, "  vendors: [{}]", vendor_id(0));
    }
    if role != Role::Identity
        && let Some(identity) = layout.platform_of(index, Role::Identity)
    {
        let _ = writeln!(text, "  depends_on: [{}]", system_id(identity));
    }
    if role != Role::Logging
        && let Some(logging) = layout.platform_of(index, Role::Logging)
    {
        let _ = writeln!(text, "  logs_to: [{}]", system_id(logging));
    }

    if matches!(role, Role::Logging | Role::Backup) {
        text.push_str(
            "  storage:\n    encryption_at_rest: true\n    key_model: customer_managed\n    \
             min_tls: \"1.2\"\n    public_access: false\n    wildcard_permissions: false\n",
        );
        text.push_str(
            "  backup:\n    schedule: daily\n    last_restore_test: 2026-10-01\n    \
             cross_region_copy: true\n    retention_rule: Seven years, then deleted\n    \
             encrypted: true\n    access_restricted: true\n",
        );
    }
    if role == Role::Logging
        && let Some(backup) = layout.platform_of(index, Role::Backup)
    {
        let _ = writeln!(text, "  backups_to: [{}]", system_id(backup));
    }

    let _ = writeln!(text, "  last_access_review: 2026-09-15");
    let _ = writeln!(
        text,
        "  rollback_plan: Fail back to the data centre instance"
    );
    text.push_str("  risk: high\n\n");
}

/// Writes one system of a domain.
fn write_system(text: &mut String, rng: &mut Rng, layout: Layout, services: &[&str], index: usize) {
    let domain = layout.domain_of(index);
    let team = (domain.start - layout.platform) / DOMAIN_SIZE;
    let kind = rng.pick(&KINDS);
    let environment = rng.pick(&ENVIRONMENTS);
    let production = environment == "production";
    let real_patient_data = !production && rng.chance(8);
    let classes = if production {
        rng.pick(&[
            ("[ephi, pii]", 50),
            ("[pii, internal]", 25),
            ("[internal]", 25),
        ])
    } else if real_patient_data {
        "[ephi, pii]"
    } else {
        rng.pick(&[
            ("[internal]", 70),
            ("[pii, internal]", 20),
            ("[public]", 10),
        ])
    };
    let ephi = classes.contains("ephi");

    let _ = writeln!(text, "- id: {}", system_id(index));
    let _ = writeln!(text, "  name: System {index}");
    let _ = writeln!(text, "  kind: {kind}\n  environment: {environment}");
    let _ = writeln!(text, "  owner: Domain team {team}");
    let _ = writeln!(text, "  data_classes: {classes}");
    if real_patient_data {
        text.push_str("  real_patient_data: true\n");
    }
    let _ = writeln!(text, "  hosting: {}", rng.pick(&HOSTING));

    let mut targets = vec![services[rng.below(services.len())]];
    if rng.chance(30) {
        let second = services[rng.below(services.len())];
        if !targets.contains(&second) {
            targets.push(second);
        }
    }
    let _ = writeln!(text, "  target_services: [\"{}\"]", targets.join("\", \""));

    write_vendor_use(text, rng, layout);
    write_dependencies(text, rng, layout, kind, production, index);
    write_flows(text, rng, layout, classes, index);

    if let Some(logging) = layout.platform_of(index, Role::Logging) {
        let mut sinks = vec![system_id(logging)];
        if layout.vendors > 1 && rng.chance(10) {
            sinks.push(vendor_id(rng.within(1..layout.vendors)));
        }
        let _ = writeln!(text, "  logs_to: [{}]", sinks.join(", "));
    }

    if matches!(
        kind,
        "database" | "object_storage" | "queue" | "analytics" | "logging"
    ) {
        write_storage(text, rng, kind);
        if let Some(backup) = layout.platform_of(index, Role::Backup) {
            let _ = writeln!(text, "  backups_to: [{}]", system_id(backup));
        }
    }

    if production && ephi {
        let _ = writeln!(text, "  last_access_review: {}", recent_date(rng));
        text.push_str("  rollback_plan: Switch traffic back to the data centre\n");
    }
    let risk = rng.pick(&[("low", 40), ("medium", 40), ("high", 20)]);
    let _ = writeln!(text, "  risk: {risk}\n");
}

/// Writes `vendors`: the cloud provider, and one or two other vendors for a third of the
/// systems.
fn write_vendor_use(text: &mut String, rng: &mut Rng, layout: Layout) {
    if layout.vendors == 0 {
        return;
    }
    let mut used = vec![0];
    if layout.vendors > 1 && rng.chance(35) {
        for _ in 0..=rng.below(2) {
            let vendor = rng.within(1..layout.vendors);
            if !used.contains(&vendor) {
                used.push(vendor);
            }
        }
    }
    let ids: Vec<String> = used.into_iter().map(vendor_id).collect();
    let _ = writeln!(text, "  vendors: [{}]", ids.join(", "));
}

/// Writes `depends_on`: earlier systems of the domain, the identity provider, and now and then
/// a system of an earlier domain or a later one of the same domain.
fn write_dependencies(
    text: &mut String,
    rng: &mut Rng,
    layout: Layout,
    kind: &str,
    production: bool,
    index: usize,
) {
    let domain = layout.domain_of(index);
    let mut dependencies: Vec<usize> = Vec::new();
    let mut add = |dependency: usize| {
        if dependency != index && !dependencies.contains(&dependency) {
            dependencies.push(dependency);
        }
    };
    if index > domain.start {
        for _ in 0..rng.below(4) {
            add(rng.within(domain.start..index));
        }
    }
    if kind == "application"
        && production
        && let Some(identity) = layout.platform_of(index, Role::Identity)
    {
        add(identity);
    }
    if domain.start > layout.platform && rng.chance(10) {
        add(rng.within(layout.platform..domain.start));
    }
    if index + 1 < domain.end && rng.chance(1) {
        add(rng.within(index + 1..domain.end));
    }
    if dependencies.is_empty() {
        return;
    }
    let ids: Vec<String> = dependencies.into_iter().map(system_id).collect();
    let _ = writeln!(text, "  depends_on: [{}]", ids.join(", "));
}

/// Writes `flows`: one to an earlier system of the domain or the integration engine, and
/// for some systems one to a vendor.
fn write_flows(text: &mut String, rng: &mut Rng, layout: Layout, classes: &str, index: usize) {
    let domain = layout.domain_of(index);
    let mut targets: Vec<String> = Vec::new();
    let integration = layout.platform_of(index, Role::Integration);
    // Most ePHI goes through the integration engine, which is inside the boundary, so few
    // flows reach a system that does not declare ePHI.
    let via_engine = if classes.contains("ephi") {
        rng.chance(80)
    } else {
        rng.chance(20)
    };
    match integration {
        Some(integration) if via_engine || index == domain.start => {
            targets.push(system_id(integration));
        }
        _ if index > domain.start => targets.push(system_id(rng.within(domain.start..index))),
        _ => {}
    }
    if layout.vendors > 1 && rng.chance(15) {
        targets.push(vendor_id(rng.within(1..layout.vendors)));
    }
    if targets.is_empty() {
        return;
    }
    text.push_str("  flows:\n");
    for target in targets {
        let transport = rng.pick(&TRANSPORTS);
        let _ = writeln!(
            text,
            "    - to: {target}\n      data_classes: {classes}\n      transport: {transport}\n      \
             purpose: Records exchange"
        );
    }
}

/// Writes `storage` and `backup` for a system that stores data, with an occasional gap.
fn write_storage(text: &mut String, rng: &mut Rng, kind: &str) {
    let encrypted = !rng.chance(3);
    let key_model = rng.pick(&[
        ("customer_managed", 50),
        ("provider_managed", 45),
        ("external_hsm", 5),
    ]);
    let min_tls = rng.pick(&[("1.2", 75), ("1.3", 20), ("1.0", 5)]);
    let public = rng.chance(1);
    let _ = writeln!(
        text,
        "  storage:\n    encryption_at_rest: {encrypted}\n    key_model: {key_model}\n    \
         min_tls: \"{min_tls}\"\n    public_access: {public}\n    wildcard_permissions: false"
    );
    if kind == "object_storage" {
        let _ = writeln!(text, "    versioning: {}", !rng.chance(20));
    }
    let schedule = rng.pick(&[
        ("daily", 60),
        ("hourly", 15),
        ("continuous", 10),
        ("weekly", 10),
        ("none", 5),
    ]);
    let _ = writeln!(
        text,
        "  backup:\n    schedule: {schedule}\n    last_restore_test: {}\n    \
         cross_region_copy: {}\n    retention_rule: Seven years, then deleted\n    \
         encrypted: true\n    access_restricted: true",
        recent_date(rng),
        !rng.chance(20)
    );
}

/// Returns a date in 2026: in October or November, within 90 days of 2026-12-04, for four in
/// five calls, and from January to August otherwise.
fn recent_date(rng: &mut Rng) -> String {
    let month = if rng.chance(80) {
        10 + rng.below(2)
    } else {
        1 + rng.below(8)
    };
    format!("2026-{month:02}-{:02}", 1 + rng.below(28))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Journal;
    use crate::loader;

    fn load_problems(shape: Shape) -> Vec<String> {
        let temp = tempfile::tempdir().expect("temporary folder");
        write_inventory(temp.path(), shape).expect("write generated inventory");
        let loaded = loader::load(temp.path());
        assert_eq!(loaded.inventory.systems.len(), shape.systems, "{shape:?}");
        assert_eq!(loaded.inventory.vendors.len(), shape.vendors, "{shape:?}");
        loaded.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn small_and_uneven_shapes_load_cleanly() {
        for systems in [1, 2, 3, 4, 5, 99, 104, 105, 2_001, 4_100] {
            for vendors in [0, 1, 2, 60] {
                let shape = Shape {
                    systems,
                    vendors,
                    systems_per_file: 700,
                    seed: 3,
                };
                let problems = load_problems(shape);
                assert!(problems.is_empty(), "{shape:?}: {problems:#?}");
            }
        }
    }

    #[test]
    fn zero_seed_still_varies() {
        let shape = Shape {
            seed: 0,
            ..Shape::with_systems(300)
        };
        let text = system_files(shape).concat();
        assert!(text.contains("environment: production"));
        assert!(text.contains("environment: staging"));
    }

    #[test]
    fn output_is_deterministic() {
        let shape = Shape::with_systems(500);
        assert_eq!(system_files(shape), system_files(shape));
        assert_eq!(vendor_files(shape), vendor_files(shape));
        assert_eq!(journal_text(shape), journal_text(shape));
    }

    #[test]
    fn files_split_by_size() {
        let shape = Shape::with_systems(4_500);
        assert_eq!(system_files(shape).len(), 3);
        assert_eq!(vendor_files(shape).len(), 1);
        assert_eq!(vendor_files(Shape::with_systems(10_000)).len(), 2);
    }

    #[test]
    fn estate_has_platform_and_subprocessors() {
        let shape = Shape::with_systems(2_000);
        let systems = system_files(shape).concat();
        let vendors = vendor_files(shape).concat();
        assert!(systems.contains("kind: identity"));
        assert!(systems.contains("kind: logging"));
        assert!(systems.contains("kind: backup"));
        assert!(systems.contains("backups_to: [sys-000002]"));
        assert!(systems.contains("logs_to: [sys-000001"));
        assert!(vendors.contains("subprocessors: ["));
        assert!(vendors.contains("status: not_required"));
    }

    #[test]
    fn estate_has_dependency_cycles() {
        let temp = tempfile::tempdir().expect("temporary folder");
        write_inventory(temp.path(), Shape::with_systems(2_000)).expect("write inventory");
        let loaded = loader::load(temp.path());
        let today = CivilDate(jiff::civil::date(2026, 12, 4));
        let analysis = crate::analysis::analyse(&loaded.inventory, today);
        let cycles = analysis
            .findings
            .iter()
            .filter(|finding| finding.rule == "dependency-cycle")
            .count();
        assert!(cycles > 0);
    }

    #[test]
    fn journal_chain_verifies() {
        let shape = Shape::with_systems(200);
        let text = journal_text(shape);
        let journal = Journal::parse("journal.jsonl".into(), text.as_bytes());
        assert!(journal.problems().is_empty(), "{:?}", journal.problems());
        assert_eq!(journal.verify().ok(), Some(journal.entries().len()));
        assert!(journal.entries().len() > 100);
    }
}
