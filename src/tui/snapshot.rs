//! Everything the TUI shows from one load of an inventory and its journal, computed once.
//!
//! Rows hold their display text and a lowercase search text, so filtering is one pass of
//! substring tests and drawing formats nothing that grows with the inventory.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::analysis::{self, Analysis, FindingSeverity, ObjectKind};
use crate::export::rules;
use crate::gates::{self, ItemState, PhaseGate, Subject};
use crate::journal::Journal;
use crate::loader::{self, Inventory, Loaded};
use crate::model::{BaaStatus, CivilDate, Environment, Located, Phase, VendorKind};

/// One row of the systems table.
#[derive(Clone, Debug)]
pub struct SystemRow {
    /// System id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Environment, in lowercase words.
    pub environment: &'static str,
    /// Whether the system is inside the ePHI boundary.
    pub ephi: bool,
    /// The phase number (3 or 5) and wave the system moves in.
    pub wave: Option<(u8, u32)>,
    /// Target services, comma separated.
    pub targets: String,
    /// Number of findings that name the system.
    pub findings: usize,
    /// Lowercase text the filter searches.
    pub search: String,
}

/// One row of the vendors table.
#[derive(Clone, Debug)]
pub struct VendorRow {
    /// Vendor id.
    pub id: String,
    /// Legal or trading name.
    pub name: String,
    /// Kind, in lowercase words.
    pub kind: &'static str,
    /// BAA status.
    pub status: BaaStatus,
    /// Last day the BAA is in force.
    pub expires: Option<CivilDate>,
    /// Days from the as-of date to `expires`; negative once expired.
    pub days_to_expiry: Option<i64>,
    /// Services the BAA covers, comma separated, or "all services".
    pub covers: String,
    /// Indexes of the systems that use the vendor, name it as a flow, log or backup target.
    pub users: Vec<usize>,
    /// Whether the vendor is inside the ePHI boundary.
    pub ephi: bool,
    /// Number of findings that name the vendor.
    pub findings: usize,
    /// Lowercase text the filter searches.
    pub search: String,
}

impl VendorRow {
    /// Returns whether any finding names the vendor, which the "gaps only" toggle shows.
    pub fn has_gap(&self) -> bool {
        self.findings > 0
    }
}

/// One checklist item of a phase.
#[derive(Clone, Debug)]
pub struct ItemRow {
    /// Control id.
    pub control: String,
    /// The item's subject.
    pub subject: Subject,
    /// State on the as-of date.
    pub state: ItemState,
    /// Who made the latest record.
    pub by: String,
    /// Date of the latest record.
    pub on: String,
    /// First line of the latest record's evidence.
    pub evidence: String,
    /// Lowercase text the filter searches.
    pub search: String,
}

/// One finding row: an index into [`Analysis::findings`] and its display text.
#[derive(Clone, Debug)]
pub struct FindingRow {
    /// Index into the analysis's findings.
    pub index: usize,
    /// The main object, such as `vendor lumenlog`.
    pub object: String,
    /// Lowercase text the filter searches.
    pub search: String,
}

/// One system of a wave column.
#[derive(Clone, Copy, Debug)]
pub struct WaveRow {
    /// Wave number.
    pub wave: u32,
    /// Index of the system.
    pub system: usize,
}

/// One automatic check of a phase: a finding rule and how many findings it has there.
#[derive(Clone, Copy, Debug)]
pub struct CheckRow {
    /// Rule id.
    pub rule: &'static str,
    /// What the rule finds.
    pub finds: &'static str,
    /// Blocker findings of the rule in the phase.
    pub blockers: usize,
    /// Warning and notice findings of the rule in the phase.
    pub others: usize,
}

/// Totals for the header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Satisfied checklist items over all phases.
    pub done: usize,
    /// Checklist items over all phases.
    pub items: usize,
    /// Blocker findings.
    pub blockers: usize,
    /// Warning findings.
    pub warnings: usize,
    /// Notice findings.
    pub notices: usize,
}

/// A valid inventory, its analysis, gates and journal, and the rows derived from them.
#[derive(Debug)]
pub struct Snapshot {
    /// The inventory.
    pub inventory: Inventory,
    /// Load warnings; a snapshot is only built from a load without errors.
    pub warnings: Vec<String>,
    /// The analysis on the as-of date.
    pub analysis: Analysis,
    /// The phase gates on the as-of date.
    pub gates: Vec<PhaseGate>,
    /// The journal, or why it could not be read.
    pub journal: Result<Journal, String>,
    /// Systems table rows, by system index.
    pub systems: Vec<SystemRow>,
    /// Vendors table rows, by vendor index.
    pub vendors: Vec<VendorRow>,
    /// Finding rows, in analysis order.
    pub findings: Vec<FindingRow>,
    /// Checklist rows of each phase, in phase order.
    pub checklists: Vec<Vec<ItemRow>>,
    /// Wave columns: phase 3, then phase 5.
    pub waves: [Vec<WaveRow>; 2],
    /// Automatic checks of each phase, in phase order.
    pub checks: Vec<Vec<CheckRow>>,
    /// Indexes of the systems each system depends on.
    pub dependencies: Vec<Vec<usize>>,
    /// Indexes of the systems that depend on each system, in ascending order.
    pub dependents: Vec<Vec<usize>>,
    /// Header totals.
    pub totals: Totals,
    system_ids: HashMap<String, usize>,
    vendor_ids: HashMap<String, usize>,
}

/// Why an inventory could not be shown: its load errors, one line each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadFailure {
    /// The problems, errors first.
    pub problems: Vec<String>,
}

impl Snapshot {
    /// Loads and analyses the inventory in `dir` on `as_of`.
    ///
    /// # Errors
    /// Returns the load problems when the inventory has errors.
    pub fn load(dir: &Path, as_of: CivilDate) -> Result<Snapshot, LoadFailure> {
        let loaded = loader::load(dir);
        if loaded.has_errors() {
            let mut problems: Vec<String> = loaded
                .problems
                .iter()
                .filter(|problem| problem.is_error())
                .map(ToString::to_string)
                .collect();
            problems.extend(
                loaded
                    .problems
                    .iter()
                    .filter(|problem| !problem.is_error())
                    .map(ToString::to_string),
            );
            return Err(LoadFailure { problems });
        }
        let journal = Journal::open(dir).map_err(|error| {
            format!(
                "cannot read {}: {error}",
                dir.join(crate::journal::FILE_NAME).display()
            )
        });
        Ok(Snapshot::build(loaded, journal, as_of))
    }

    /// Builds a snapshot from a load without errors and its journal.
    pub fn build(loaded: Loaded, journal: Result<Journal, String>, as_of: CivilDate) -> Self {
        let Loaded {
            inventory,
            problems,
        } = loaded;
        let warnings = problems.iter().map(ToString::to_string).collect();
        let analysis = analysis::analyse(&inventory, as_of);
        let system_ids: HashMap<String, usize> = inventory
            .systems
            .iter()
            .enumerate()
            .rev()
            .map(|(index, system)| (system.id.value.clone(), index))
            .collect();
        let vendor_ids: HashMap<String, usize> = inventory
            .vendors
            .iter()
            .enumerate()
            .rev()
            .map(|(index, vendor)| (vendor.id.value.clone(), index))
            .collect();
        let mut snapshot = Snapshot {
            warnings,
            analysis,
            gates: Vec::new(),
            journal,
            systems: Vec::new(),
            vendors: Vec::new(),
            findings: Vec::new(),
            checklists: Vec::new(),
            waves: [Vec::new(), Vec::new()],
            checks: Vec::new(),
            dependencies: Vec::new(),
            dependents: Vec::new(),
            totals: Totals::default(),
            system_ids,
            vendor_ids,
            inventory,
        };
        snapshot.build_dependencies();
        snapshot.build_findings();
        snapshot.build_systems();
        snapshot.build_vendors(as_of);
        snapshot.build_waves();
        snapshot.build_checks();
        snapshot.evaluate_gates(as_of);
        snapshot
    }

    /// Evaluates the gates again from the journal and rebuilds the checklist rows, after a
    /// validation was recorded.
    pub fn evaluate_gates(&mut self, as_of: CivilDate) {
        let empty = gates::MemoryStore::new();
        let store: &dyn gates::ValidationStore = match &self.journal {
            Ok(journal) => journal,
            Err(_) => &empty,
        };
        self.gates = gates::evaluate(&self.inventory, &self.analysis, store, as_of);
        self.checklists = self.gates.iter().map(checklist_rows).collect();
        self.totals.done = self.gates.iter().map(|gate| gate.done).sum();
        self.totals.items = self.gates.iter().map(|gate| gate.total).sum();
    }

    /// Returns the index of the system with this id.
    pub fn system_index(&self, id: &str) -> Option<usize> {
        self.system_ids.get(id).copied()
    }

    /// Returns the index of the vendor with this id.
    pub fn vendor_index(&self, id: &str) -> Option<usize> {
        self.vendor_ids.get(id).copied()
    }

    /// Returns the gate of a phase.
    pub fn gate(&self, phase: Phase) -> Option<&PhaseGate> {
        self.gates.iter().find(|gate| gate.phase == phase)
    }

    fn build_dependencies(&mut self) {
        let count = self.inventory.systems.len();
        let mut dependencies = vec![Vec::new(); count];
        let mut dependents = vec![Vec::new(); count];
        for (index, system) in self.inventory.systems.iter().enumerate() {
            for dependency in &system.depends_on {
                if let Some(&target) = self.system_ids.get(dependency.as_str()) {
                    dependencies[index].push(target);
                    dependents[target].push(index);
                }
            }
        }
        self.dependencies = dependencies;
        self.dependents = dependents;
    }

    fn build_findings(&mut self) {
        let mut totals = Totals::default();
        for (index, finding) in self.analysis.findings.iter().enumerate() {
            match finding.severity {
                FindingSeverity::Blocker => totals.blockers += 1,
                FindingSeverity::Warning => totals.warnings += 1,
                FindingSeverity::Notice => totals.notices += 1,
            }
            let object = finding
                .objects
                .first()
                .map(|object| format!("{} {}", kind_label(object.kind), object.id))
                .unwrap_or_default();
            let ids: Vec<&str> = finding.objects.iter().map(|o| o.id.as_str()).collect();
            let search = format!(
                "{} {} {} phase {} {}",
                finding.severity.label(),
                finding.rule,
                ids.join(" "),
                finding.phase.number(),
                finding.message
            )
            .to_lowercase();
            self.findings.push(FindingRow {
                index,
                object,
                search,
            });
        }
        self.totals = totals;
    }

    /// Counts, per system or vendor index, the findings that name it once or more.
    fn finding_counts(&self, kind: ObjectKind) -> HashMap<usize, usize> {
        let mut counts = HashMap::new();
        for finding in &self.analysis.findings {
            let named: HashSet<usize> = finding
                .objects
                .iter()
                .filter(|object| object.kind == kind)
                .filter_map(|object| match kind {
                    ObjectKind::System => self.system_index(&object.id),
                    ObjectKind::Vendor => self.vendor_index(&object.id),
                    ObjectKind::Service => None,
                })
                .collect();
            for index in named {
                *counts.entry(index).or_insert(0) += 1;
            }
        }
        counts
    }

    fn build_systems(&mut self) {
        let counts = self.finding_counts(ObjectKind::System);
        let mut waves: HashMap<usize, (u8, u32)> = HashMap::new();
        for (phase, list) in [
            (3, &self.analysis.waves.low_risk),
            (5, &self.analysis.waves.ephi),
        ] {
            for wave in list {
                for id in &wave.systems {
                    if let Some(index) = self.system_index(id) {
                        waves.insert(index, (phase, wave.number));
                    }
                }
            }
        }
        let graph = &self.analysis.graph;
        let boundary = &self.analysis.boundary;
        self.systems = self
            .inventory
            .systems
            .iter()
            .enumerate()
            .map(|(index, system)| {
                let targets: Vec<&str> =
                    system.target_services.iter().map(Located::as_str).collect();
                let targets = targets.join(", ");
                let environment = environment_label(system.environment);
                let ephi = boundary.contains(graph.systems[index]);
                let search = format!(
                    "{} {} {environment} {targets} {}",
                    system.id.value,
                    system.name,
                    if ephi { "ephi" } else { "" }
                )
                .to_lowercase();
                SystemRow {
                    id: system.id.value.clone(),
                    name: system.name.clone(),
                    environment,
                    ephi,
                    wave: waves.get(&index).copied(),
                    targets,
                    findings: counts.get(&index).copied().unwrap_or(0),
                    search,
                }
            })
            .collect();
    }

    fn build_vendors(&mut self, as_of: CivilDate) {
        let counts = self.finding_counts(ObjectKind::Vendor);
        let mut users: Vec<Vec<usize>> = vec![Vec::new(); self.inventory.vendors.len()];
        for (index, system) in self.inventory.systems.iter().enumerate() {
            let named = system
                .vendors
                .iter()
                .chain(system.flows.iter().map(|flow| &flow.to))
                .chain(&system.logs_to)
                .chain(&system.backups_to);
            let mut seen = HashSet::new();
            for id in named {
                if let Some(vendor) = self.vendor_index(id.as_str())
                    && seen.insert(vendor)
                {
                    users[vendor].push(index);
                }
            }
        }
        let graph = &self.analysis.graph;
        let boundary = &self.analysis.boundary;
        self.vendors = self
            .inventory
            .vendors
            .iter()
            .enumerate()
            .zip(users)
            .map(|((index, vendor), users)| {
                let expires = vendor.baa.expires.as_ref().map(|date| date.value);
                let days_to_expiry = expires.map(|date| i64::from((date.0 - as_of.0).get_days()));
                let covers = if vendor.baa.covers.is_empty() {
                    if vendor.baa.status == BaaStatus::Signed {
                        "all services".to_owned()
                    } else {
                        String::new()
                    }
                } else {
                    let names: Vec<&str> = vendor.baa.covers.iter().map(Located::as_str).collect();
                    names.join(", ")
                };
                let search = format!(
                    "{} {} {} {covers}",
                    vendor.id.value, vendor.name, vendor.baa.status
                )
                .to_lowercase();
                VendorRow {
                    id: vendor.id.value.clone(),
                    name: vendor.name.clone(),
                    kind: vendor_kind_label(vendor.kind),
                    status: vendor.baa.status,
                    expires,
                    days_to_expiry,
                    covers,
                    users,
                    ephi: boundary.contains(graph.vendors[index]),
                    findings: counts.get(&index).copied().unwrap_or(0),
                    search,
                }
            })
            .collect();
    }

    fn build_waves(&mut self) {
        let plan = &self.analysis.waves;
        let mut columns = [Vec::new(), Vec::new()];
        for (column, list) in [&plan.low_risk, &plan.ephi].into_iter().enumerate() {
            for wave in list {
                for id in &wave.systems {
                    if let Some(system) = self.system_index(id) {
                        columns[column].push(WaveRow {
                            wave: wave.number,
                            system,
                        });
                    }
                }
            }
        }
        self.waves = columns;
    }
}

impl Snapshot {
    fn build_checks(&mut self) {
        let mut counts: HashMap<(Phase, &'static str), (usize, usize)> = HashMap::new();
        for finding in &self.analysis.findings {
            let entry = counts.entry((finding.phase, finding.rule)).or_default();
            if finding.severity == FindingSeverity::Blocker {
                entry.0 += 1;
            } else {
                entry.1 += 1;
            }
        }
        self.checks = Phase::ALL
            .iter()
            .map(|&phase| {
                rules::rules_of(phase)
                    .map(|rule| {
                        let (blockers, others) =
                            counts.get(&(phase, rule.id)).copied().unwrap_or_default();
                        CheckRow {
                            rule: rule.id,
                            finds: rule.finds,
                            blockers,
                            others,
                        }
                    })
                    .collect()
            })
            .collect();
    }
}

fn checklist_rows(gate: &PhaseGate) -> Vec<ItemRow> {
    gate.items
        .iter()
        .map(|item| {
            let (by, on, evidence) = match &item.validation {
                Some(validation) => (
                    validation.by.clone(),
                    validation.on.to_string(),
                    validation
                        .evidence
                        .lines()
                        .next()
                        .unwrap_or_default()
                        .to_owned(),
                ),
                None => (String::new(), String::new(), String::new()),
            };
            let search = format!(
                "{} {} {} {by} {evidence}",
                item.control,
                item.subject,
                item.state.label()
            )
            .to_lowercase();
            ItemRow {
                control: item.control.clone(),
                subject: item.subject.clone(),
                state: item.state,
                by,
                on,
                evidence,
                search,
            }
        })
        .collect()
}

/// Returns an object kind in lowercase, as finding rows name it.
pub fn kind_label(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::System => "system",
        ObjectKind::Vendor => "vendor",
        ObjectKind::Service => "service",
    }
}

/// Returns an environment in lowercase, as the inventory spells it.
pub fn environment_label(environment: Environment) -> &'static str {
    match environment {
        Environment::Production => "production",
        Environment::Staging => "staging",
        Environment::Development => "development",
        Environment::Test => "test",
    }
}

/// Returns a vendor kind in lowercase words.
pub fn vendor_kind_label(kind: VendorKind) -> &'static str {
    match kind {
        VendorKind::CloudProvider => "cloud provider",
        VendorKind::Saas => "SaaS",
        VendorKind::Consultancy => "consultancy",
        VendorKind::IntegrationPartner => "integration partner",
        VendorKind::Subprocessor => "subprocessor",
        VendorKind::Other => "other",
    }
}

/// Splits a filter into lowercase words, once per change of the filter.
pub fn filter_words(filter: &str) -> Vec<String> {
    filter.split_whitespace().map(str::to_lowercase).collect()
}

/// Returns whether every word occurs in `search`, which is already lowercase.
pub fn matches_words(search: &str, words: &[String]) -> bool {
    words.iter().all(|word| search.contains(word.as_str()))
}
