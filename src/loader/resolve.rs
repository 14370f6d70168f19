//! Cross-record checks: unique ids, references that exist and point at the right kind of
//! record, and citations that exist in the Security Rule.

use std::collections::HashMap;
use std::path::Path;

use crate::catalog;
use crate::diagnostic::{Problem, is_hidden_or_control};
use crate::loader::decode::closest;
use crate::loader::yaml::Pos;
use crate::loader::{Inventory, RecordKind};
use crate::model::{Environment, Located, Origin};

/// Highest wave a system may be pinned to; real plans have a handful of waves.
const MAX_WAVE: u32 = 1_000;

/// What an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdKind {
    System,
    Vendor,
}

impl IdKind {
    fn noun(self) -> &'static str {
        match self {
            IdKind::System => "system",
            IdKind::Vendor => "vendor",
        }
    }
}

/// Which kinds of record a reference may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Accepts {
    Systems,
    Vendors,
    SystemsOrVendors,
}

impl Accepts {
    fn allows(self, kind: IdKind) -> bool {
        match self {
            Accepts::Systems => kind == IdKind::System,
            Accepts::Vendors => kind == IdKind::Vendor,
            Accepts::SystemsOrVendors => true,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Accepts::Systems => "system",
            Accepts::Vendors => "vendor",
            Accepts::SystemsOrVendors => "system or vendor",
        }
    }
}

struct IdEntry {
    kind: IdKind,
    origin: Origin,
    pos: Pos,
}

/// Outcome of checking the text of an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IdText {
    /// The id is usable.
    Valid,
    /// The id is reported as invalid, but other records can still name it as written, so
    /// references to it are not reported as unknown as well.
    Invalid,
    /// The id is empty; nothing can refer to it.
    Empty,
}

struct Resolver<'a> {
    inventory: &'a Inventory,
    ids: HashMap<&'a str, IdEntry>,
    /// The keys of `ids` in the order they were defined, so suggestions do not depend on
    /// hash order.
    id_order: Vec<&'a str>,
    /// The suggestion found for each unknown reference, so a missing id that many records
    /// name is compared against every id only once.
    suggestions: HashMap<(&'a str, Accepts), Option<&'a str>>,
    problems: &'a mut Vec<Problem>,
}

/// Number of distinct unknown references that get a "did you mean" suggestion. Each one is
/// compared against every id, so without a limit an estate of many misspelt ids would take
/// time in proportion to their product.
const MAX_SUGGESTIONS: usize = 500;

/// Checks ids and references across all records, adding a problem for each fault.
pub fn resolve(inventory: &Inventory, problems: &mut Vec<Problem>) {
    let mut resolver = Resolver {
        inventory,
        ids: HashMap::with_capacity(inventory.systems.len() + inventory.vendors.len()),
        id_order: Vec::with_capacity(inventory.systems.len() + inventory.vendors.len()),
        suggestions: HashMap::new(),
        problems,
    };
    resolver.index_ids();
    resolver.check_system_references();
    resolver.check_vendor_references();
    resolver.check_services();
    resolver.check_controls();
}

impl<'a> Resolver<'a> {
    fn path(&self, origin: Origin) -> &'a Path {
        self.inventory.path(origin.file)
    }

    /// Returns the known id closest to an unknown `reference`, among those `accepts` allows.
    /// After [`MAX_SUGGESTIONS`] distinct references, new ones get no suggestion.
    fn suggestion(&mut self, reference: &'a str, accepts: Accepts) -> Option<&'a str> {
        if let Some(&found) = self.suggestions.get(&(reference, accepts)) {
            return found;
        }
        if self.suggestions.len() >= MAX_SUGGESTIONS {
            return None;
        }
        let ids = &self.ids;
        let candidates = self
            .id_order
            .iter()
            .copied()
            .filter(|id| ids.get(id).is_some_and(|entry| accepts.allows(entry.kind)));
        let found = closest(reference, candidates);
        self.suggestions.insert((reference, accepts), found);
        found
    }

    fn index_ids(&mut self) {
        let systems = self
            .inventory
            .systems
            .iter()
            .map(|s| (IdKind::System, &s.id, s.origin));
        let vendors = self
            .inventory
            .vendors
            .iter()
            .map(|v| (IdKind::Vendor, &v.id, v.origin));
        for (kind, id, origin) in systems.chain(vendors) {
            self.index_id(kind, id, origin);
        }
        for invalid in &self.inventory.invalid_records {
            let kind = match invalid.kind {
                RecordKind::System => IdKind::System,
                RecordKind::Vendor => IdKind::Vendor,
                RecordKind::Other => continue,
            };
            self.index_id(kind, &invalid.id, invalid.origin);
        }
    }

    fn index_id(&mut self, kind: IdKind, id: &'a Located<String>, origin: Origin) {
        if self.check_id_text(id, self.path(origin)) == IdText::Empty {
            return;
        }
        if let Some(first) = self.ids.get(id.as_str()) {
            let first_path = self.path(first.origin);
            let problem = Problem::error(
                self.path(origin),
                id.pos,
                format!(
                    "duplicate id `{id}`: already used by a {}",
                    first.kind.noun()
                ),
            )
            .with_help("ids are unique across systems and vendors; rename one of them")
            .with_related(first_path, first.pos, "first used here");
            self.problems.push(problem);
            return;
        }
        self.ids.insert(
            id.as_str(),
            IdEntry {
                kind,
                origin,
                pos: id.pos,
            },
        );
        self.id_order.push(id.as_str());
    }

    /// Reports ids that other records could not refer to reliably: empty ones, and ones with
    /// whitespace, control characters or invisible formatting characters.
    fn check_id_text(&mut self, id: &Located<String>, path: &Path) -> IdText {
        let text = id.as_str();
        if text.trim().is_empty() {
            self.problems.push(
                Problem::error(path, id.pos, "empty id")
                    .with_help("give the entry a short, stable id such as `patient-api`"),
            );
            return IdText::Empty;
        }
        if let Some(hidden) = text.chars().find(|c| is_hidden_or_control(*c)) {
            let kind = if hidden.is_control() {
                "control"
            } else {
                "invisible formatting"
            };
            self.problems.push(
                Problem::error(
                    path,
                    id.pos,
                    format!(
                        "invalid id `{text}`: contains the {kind} character U+{:04X}",
                        u32::from(hidden)
                    ),
                )
                .with_help("ids are plain text; retype the id without that character"),
            );
            return IdText::Invalid;
        }
        if text.chars().any(char::is_whitespace) {
            let suggestion = text
                .split_whitespace()
                .collect::<Vec<_>>()
                .join("-")
                .to_lowercase();
            self.problems.push(
                Problem::error(
                    path,
                    id.pos,
                    format!("invalid id `{text}`: ids contain no spaces"),
                )
                .with_help(format!(
                    "use `{suggestion}` and put the readable name in `name`"
                )),
            );
            return IdText::Invalid;
        }
        IdText::Valid
    }

    /// Adds a problem unless `reference` names a record of an accepted kind.
    fn check_reference(
        &mut self,
        origin: Origin,
        field: &str,
        reference: &'a Located<String>,
        accepts: Accepts,
    ) {
        match self.ids.get(reference.as_str()) {
            Some(entry) if accepts.allows(entry.kind) => {}
            Some(entry) => {
                let entry_path = self.path(entry.origin);
                let problem = Problem::error(
                    self.path(origin),
                    reference.pos,
                    format!(
                        "`{reference}` is a {}, but `{field}` lists {} ids",
                        entry.kind.noun(),
                        accepts.noun()
                    ),
                )
                .with_help(match entry.kind {
                    IdKind::Vendor => {
                        "list vendors under `vendors`, or name the system that \
                                       runs the vendor's product"
                    }
                    IdKind::System => "list systems under `depends_on`, `flows` or `logs_to`",
                })
                .with_related(entry_path, entry.pos, "defined here");
                self.problems.push(problem);
            }
            None if !self.inventory.skipped_files.is_empty() => {}
            None => {
                let help = match self.suggestion(reference.as_str(), accepts) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => format!("add a {} with this id, or fix the spelling", accepts.noun()),
                };
                let problem = Problem::error(
                    self.path(origin),
                    reference.pos,
                    format!("unknown {} id `{reference}` in `{field}`", accepts.noun()),
                )
                .with_help(help);
                self.problems.push(problem);
            }
        }
    }

    fn check_system_references(&mut self) {
        let inventory = self.inventory;
        for system in &inventory.systems {
            let origin = system.origin;
            for vendor in &system.vendors {
                self.check_reference(origin, "vendors", vendor, Accepts::Vendors);
            }
            for dependency in &system.depends_on {
                self.check_reference(origin, "depends_on", dependency, Accepts::Systems);
            }
            for flow in &system.flows {
                self.check_reference(origin, "flows.to", &flow.to, Accepts::SystemsOrVendors);
                if flow.to.value == system.id.value {
                    self.problems.push(
                        Problem::warning(
                            self.path(origin),
                            flow.to.pos,
                            format!("`{}` has a data flow to itself", system.id),
                        )
                        .with_help("remove the flow; data kept inside one system is not a flow"),
                    );
                }
                if flow.data_classes.is_empty() {
                    self.problems.push(
                        Problem::error(
                            self.path(origin),
                            flow.to.pos,
                            "flow carries no data classes",
                        )
                        .with_help("list what it carries, such as `data_classes: [ephi]`"),
                    );
                }
            }
            for sink in &system.logs_to {
                self.check_reference(origin, "logs_to", sink, Accepts::SystemsOrVendors);
                if sink.value == system.id.value {
                    self.problems.push(
                        Problem::warning(
                            self.path(origin),
                            sink.pos,
                            format!("`{}` sends its logs to itself", system.id),
                        )
                        .with_help(
                            "remove it from `logs_to`, which lists the systems or vendors that \
                             receive this system's logs",
                        ),
                    );
                }
            }
            for target in &system.backups_to {
                self.check_reference(origin, "backups_to", target, Accepts::SystemsOrVendors);
                if target.value == system.id.value {
                    self.problems.push(
                        Problem::warning(
                            self.path(origin),
                            target.pos,
                            format!("`{}` keeps its backups on itself", system.id),
                        )
                        .with_help(
                            "a backup held by the system it protects is lost with it; list the \
                             systems or vendors that hold the copies",
                        ),
                    );
                }
            }
            if let Some(wave) = &system.wave
                && !(1..=MAX_WAVE).contains(&wave.value)
            {
                self.problems.push(
                    Problem::error(
                        self.path(origin),
                        wave.pos,
                        format!("invalid wave `{wave}`"),
                    )
                    .with_help(format!(
                        "waves count from 1 to {MAX_WAVE}; remove `wave` to let the plan \
                             choose"
                    )),
                );
            }
            if system.real_patient_data && system.environment == Environment::Production {
                self.problems.push(
                    Problem::warning(
                        self.path(origin),
                        system.id.pos,
                        format!(
                            "`real_patient_data` is set on production system `{}`",
                            system.id
                        ),
                    )
                    .with_help(
                        "the flag marks non-production systems holding copies of patient \
                         records; production systems declare `ephi` in `data_classes` instead",
                    ),
                );
            }
        }
    }

    fn check_vendor_references(&mut self) {
        let inventory = self.inventory;
        for vendor in &inventory.vendors {
            let origin = vendor.origin;
            for subprocessor in &vendor.subprocessors {
                self.check_reference(origin, "subprocessors", subprocessor, Accepts::Vendors);
                if subprocessor.value == vendor.id.value {
                    self.problems.push(
                        Problem::warning(
                            self.path(origin),
                            subprocessor.pos,
                            format!("`{}` lists itself as a subprocessor", vendor.id),
                        )
                        .with_help(
                            "remove it from `subprocessors`, which lists the other vendors this \
                             vendor passes data to",
                        ),
                    );
                }
            }
            if let (Some(signed), Some(expires)) = (&vendor.baa.signed, &vendor.baa.expires)
                && expires.value < signed.value
            {
                self.problems.push(
                    Problem::error(
                        self.path(origin),
                        expires.pos,
                        format!("BAA expires on {expires}, before it was signed on {signed}"),
                    )
                    .with_help("check both dates against the signed document"),
                );
            }
            if !vendor.services.is_empty() {
                for covered in &vendor.baa.covers {
                    if vendor
                        .services
                        .iter()
                        .any(|service| service == covered.as_str())
                    {
                        continue;
                    }
                    let help = match closest(covered, vendor.services.iter().map(String::as_str)) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "add it to the vendor's `services`, or fix the spelling".to_owned(),
                    };
                    self.problems.push(
                        Problem::warning(
                            self.path(origin),
                            covered.pos,
                            format!(
                                "BAA covers `{covered}`, which is not in the vendor's services"
                            ),
                        )
                        .with_help(help),
                    );
                }
            }
        }
    }

    fn check_services(&mut self) {
        let inventory = self.inventory;
        let mut seen: HashMap<(catalog::Provider, String), Origin> = HashMap::new();
        for service in &inventory.services {
            let key = (service.provider, service.name.to_lowercase());
            if let Some(first) = seen.get(&key) {
                let first_path = self.path(*first);
                self.problems.push(
                    Problem::error(
                        self.path(service.origin),
                        service.name.pos,
                        format!(
                            "duplicate service `{}` for {}",
                            service.name, service.provider
                        ),
                    )
                    .with_help("keep one entry per provider and service name")
                    .with_related(first_path, first.pos, "first listed here"),
                );
                continue;
            }
            seen.insert(key, service.origin);
        }
    }

    fn check_controls(&mut self) {
        let inventory = self.inventory;
        let rule = catalog::security_rule();
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for control in &inventory.controls {
            let path = self.path(control.origin);
            self.check_id_text(&control.id, path);
            if let Some(first) = seen.get(control.id.as_str()) {
                self.problems.push(
                    Problem::error(
                        path,
                        control.id.pos,
                        format!("duplicate control id `{}`", control.id),
                    )
                    .with_help("keep one entry per control id")
                    .with_related(path, *first, "first listed here"),
                );
            } else {
                seen.insert(control.id.as_str(), control.id.pos);
            }
            for citation in &control.citations {
                if rule.get(citation).is_some() {
                    continue;
                }
                let help = match rule.closest(citation) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "cite a section of 45 CFR 164.308 to 164.316, such as `164.312(b)`"
                        .to_owned(),
                };
                self.problems.push(
                    Problem::error(
                        path,
                        citation.pos,
                        format!("unknown Security Rule citation `{citation}`"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
