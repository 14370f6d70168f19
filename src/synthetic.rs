//! Generated inventories of any size, for load tests and benchmarks.
//!
//! The output is deterministic for a given size and seed, and shaped like a large estate:
//! systems split over several files under `systems/`, vendors with subprocessors under
//! `vendors/`, dependencies and data flows pointing at earlier systems, and a mix of BAA states.

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use crate::catalog::{Provider, eligibility_list};

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

/// A small xorshift generator; the standard library has none and the data need not be secure.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const KINDS: [&str; 8] = [
    "application",
    "database",
    "object_storage",
    "queue",
    "analytics",
    "integration",
    "logging",
    "other",
];
const ENVIRONMENTS: [&str; 4] = ["production", "production", "staging", "development"];
const TRANSPORTS: [&str; 4] = [
    "tls_1_2_or_higher",
    "private_link",
    "vpn",
    "tls_1_2_or_higher",
];
const BAA_STATES: [&str; 6] = ["signed", "signed", "signed", "pending", "none", "unknown"];

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

fn project_yaml() -> &'static str {
    "organisation: Generated Health System\n\
     migration: Generated estate to AWS\n\
     provider: aws\n\
     cross_region_backup_required: true\n"
}

fn vendor_id(index: usize) -> String {
    format!("vendor-{index:06}")
}

fn system_id(index: usize) -> String {
    format!("sys-{index:06}")
}

/// Returns the text of each vendor file, 1,000 vendors a file.
pub fn vendor_files(shape: Shape) -> Vec<String> {
    let mut rng = Rng(shape.seed ^ 0xa11c_e5ed);
    let mut files = Vec::new();
    let mut text = String::new();
    for index in 0..shape.vendors {
        let status = BAA_STATES[rng.below(BAA_STATES.len())];
        let kind = if index == 0 { "cloud_provider" } else { "saas" };
        let _ = writeln!(text, "- id: {}", vendor_id(index));
        let _ = writeln!(text, "  name: Vendor {index}");
        let _ = writeln!(text, "  kind: {kind}");
        let _ = writeln!(text, "  services: [Service A{index}, Service B{index}]");
        if index + 1 < shape.vendors && rng.chance(30) {
            let sub = index + 1 + rng.below((shape.vendors - index - 1).min(50));
            let _ = writeln!(text, "  subprocessors: [{}]", vendor_id(sub));
        }
        let _ = writeln!(text, "  baa:\n    status: {status}");
        if status == "signed" {
            let year = 2023 + rng.below(3);
            let _ = writeln!(
                text,
                "    signed: {year}-03-01\n    expires: {}-02-28",
                year + 3
            );
        }
        text.push('\n');
        if (index + 1) % 1_000 == 0 {
            files.push(std::mem::take(&mut text));
        }
    }
    if !text.is_empty() {
        files.push(text);
    }
    files
}

/// Returns the text of each system file, `shape.systems_per_file` systems a file.
pub fn system_files(shape: Shape) -> Vec<String> {
    let services = &eligibility_list(Provider::Aws).services;
    let mut rng = Rng(shape.seed);
    let mut files = Vec::new();
    let mut text = String::new();
    for index in 0..shape.systems {
        let kind = KINDS[rng.below(KINDS.len())];
        let environment = ENVIRONMENTS[rng.below(ENVIRONMENTS.len())];
        let ephi = rng.chance(40);
        let classes = if ephi { "[ephi, pii]" } else { "[internal]" };
        let _ = writeln!(text, "- id: {}", system_id(index));
        let _ = writeln!(text, "  name: System {index}");
        let _ = writeln!(text, "  kind: {kind}\n  environment: {environment}");
        let _ = writeln!(text, "  owner: Team {}", index % 97);
        let _ = writeln!(text, "  data_classes: {classes}");
        let service = &services[rng.below(services.len())].name;
        let _ = writeln!(text, "  target_services: [\"{service}\"]");
        let vendor = rng.below(shape.vendors);
        let _ = writeln!(text, "  vendors: [{}, {}]", vendor_id(0), vendor_id(vendor));
        if index > 0 {
            let count = rng.below(4);
            let deps: Vec<String> = (0..count).map(|_| system_id(rng.below(index))).collect();
            let _ = writeln!(text, "  depends_on: [{}]", deps.join(", "));
            let target = system_id(rng.below(index));
            let transport = TRANSPORTS[rng.below(TRANSPORTS.len())];
            let _ = writeln!(
                text,
                "  flows:\n    - to: {target}\n      data_classes: {classes}\n      transport: {transport}"
            );
            let _ = writeln!(text, "  logs_to: [{}]", system_id(rng.below(index)));
        }
        if matches!(kind, "database" | "object_storage") {
            let _ = writeln!(
                text,
                "  storage:\n    encryption_at_rest: true\n    key_model: customer_managed\n    \
                 min_tls: \"1.2\"\n    public_access: false"
            );
            let _ = writeln!(
                text,
                "  backup:\n    schedule: daily\n    last_restore_test: 2026-{:02}-15\n    \
                 retention_rule: Seven years",
                1 + rng.below(11)
            );
        }
        let _ = writeln!(
            text,
            "  risk: {}\n",
            ["low", "medium", "high"][rng.below(3)]
        );
        if (index + 1) % shape.systems_per_file.max(1) == 0 {
            files.push(std::mem::take(&mut text));
        }
    }
    if !text.is_empty() {
        files.push(text);
    }
    files
}
