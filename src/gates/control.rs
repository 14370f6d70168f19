//! The control list of one inventory: the built-in catalog merged with its `controls.yaml`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Serialize;

use crate::catalog::security_rule;
use crate::loader::{Inventory, decode, yaml};
use crate::model::ControlEntry;

const CONTROLS_FILE: &str = "src/catalog/controls.yaml";
const CONTROLS_YAML: &str = include_str!("../catalog/controls.yaml");

/// A control of the checklist, built in or from the inventory's `controls.yaml`.
#[derive(Clone, Debug, Serialize)]
pub struct Control {
    /// The control as written. The `origin` of a built-in entry is the default value and
    /// names no inventory file.
    pub entry: ControlEntry,
    /// Whether the entry comes from the built-in catalog. It is false for an inventory entry,
    /// including one that replaces a built-in control.
    pub builtin: bool,
}

impl Control {
    /// Returns the control's id.
    pub fn id(&self) -> &str {
        self.entry.id.as_str()
    }
}

/// Returns the built-in control catalog, parsing it on first use.
///
/// # Panics
/// Panics when the embedded file is invalid. That is a build defect, which the unit tests of
/// this module catch.
pub fn builtin_controls() -> &'static [ControlEntry] {
    static CATALOG: OnceLock<Vec<ControlEntry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        parse_catalog(CONTROLS_YAML)
            .expect("built-in controls.yaml is invalid, a build defect (fix the file and rebuild)")
    })
}

/// Returns the controls that apply to an inventory, ordered by phase and then catalog order.
///
/// The inventory's entries are added after the built-in ones. An inventory entry whose id is a
/// built-in id replaces that control in its catalog position. When the inventory repeats an id,
/// which the loader reports as an error, the first entry wins.
pub fn controls(inventory: &Inventory) -> Vec<Control> {
    let builtin = builtin_controls();
    let mut inventory_entries: HashMap<&str, &ControlEntry> = HashMap::new();
    for entry in &inventory.controls {
        inventory_entries.entry(entry.id.as_str()).or_insert(entry);
    }

    let mut merged = Vec::with_capacity(builtin.len() + inventory.controls.len());
    for entry in builtin {
        let control = match inventory_entries.get(entry.id.as_str()) {
            Some(replacement) => Control {
                entry: (*replacement).clone(),
                builtin: false,
            },
            None => Control {
                entry: entry.clone(),
                builtin: true,
            },
        };
        merged.push(control);
    }

    let mut known_ids: HashSet<&str> = builtin.iter().map(|entry| entry.id.as_str()).collect();
    for entry in &inventory.controls {
        if known_ids.insert(entry.id.as_str()) {
            merged.push(Control {
                entry: entry.clone(),
                builtin: false,
            });
        }
    }
    // A stable sort keeps catalog order, then file order, within each phase.
    merged.sort_by_key(|control| control.entry.phase);
    merged
}

/// Decodes the catalog and checks that ids are unique kebab-case and citations exist.
fn parse_catalog(text: &str) -> Result<Vec<ControlEntry>, String> {
    let node = match yaml::parse(text) {
        Ok(Some(node)) => node,
        Ok(None) => {
            return Err(format!(
                "{CONTROLS_FILE}: the file contains no YAML document"
            ));
        }
        Err(error) => return Err(format!("{CONTROLS_FILE}:{}: {}", error.pos, error.message)),
    };
    let entries: Vec<ControlEntry> = decode::from_node(&node).map_err(|error| {
        let position = error.pos.map(|pos| format!(":{pos}")).unwrap_or_default();
        format!("{CONTROLS_FILE}{position}: {}", error.full_message())
    })?;

    let rule = security_rule();
    let mut seen = HashSet::with_capacity(entries.len());
    for entry in &entries {
        let id = entry.id.as_str();
        let location = format!("{CONTROLS_FILE}:{}", entry.id.pos);
        if !is_kebab_case(id) {
            return Err(format!(
                "{location}: control id `{id}` is not kebab-case (lowercase words joined by `-`)"
            ));
        }
        if !seen.insert(id) {
            return Err(format!("{location}: control id `{id}` is listed twice"));
        }
        if entry.citations.is_empty() {
            return Err(format!("{location}: control `{id}` has no citation"));
        }
        for citation in &entry.citations {
            if rule.get(citation).is_none() {
                return Err(format!(
                    "{CONTROLS_FILE}:{}: control `{id}` cites `{citation}`, which is not in \
                     the Security Rule catalog",
                    citation.pos
                ));
            }
        }
        if entry.review_interval_days.is_some() && entry.review_interval.is_some() {
            return Err(format!(
                "{location}: control `{id}` sets both review_interval_days and review_interval"
            ));
        }
    }
    Ok(entries)
}

/// Returns whether `id` is lowercase ASCII words and digits joined by single hyphens.
fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loader::yaml::Pos;
    use crate::model::{AppliesTo, Located, Phase};

    fn inventory_entry(id: &str, phase: Phase) -> ControlEntry {
        ControlEntry {
            id: Located::new(id.to_owned()),
            phase,
            title: format!("Inventory control {id}"),
            citations: vec![Located::new("164.312(b)".to_owned())],
            applies_to: AppliesTo::Project,
            how_to_validate: None,
            evidence: None,
            review_interval_days: None,
            review_interval: None,
            origin: crate::model::Origin::default(),
        }
    }

    #[test]
    fn catalog_parses() {
        let parsed = parse_catalog(CONTROLS_YAML);
        assert!(parsed.is_ok(), "{parsed:?}");
        assert_eq!(
            builtin_controls().len(),
            parsed.map_or(0, |list| list.len())
        );
    }

    #[test]
    fn catalog_size_in_range() {
        let count = builtin_controls().len();
        assert!((40..=60).contains(&count), "{count} controls");
    }

    #[test]
    fn every_phase_has_controls() {
        for phase in Phase::ALL {
            let count = builtin_controls()
                .iter()
                .filter(|entry| entry.phase == phase)
                .count();
            assert!(count >= 5, "phase {} has {count} controls", phase.number());
        }
    }

    #[test]
    fn every_citation_exists() {
        let rule = security_rule();
        for entry in builtin_controls() {
            assert!(!entry.citations.is_empty(), "{} has no citation", entry.id);
            for citation in &entry.citations {
                assert!(
                    rule.get(citation).is_some(),
                    "{} cites unknown {citation}",
                    entry.id
                );
            }
        }
    }

    #[test]
    fn ids_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for entry in builtin_controls() {
            assert!(is_kebab_case(&entry.id), "{}", entry.id);
            assert!(
                seen.insert(entry.id.as_str()),
                "{} is listed twice",
                entry.id
            );
        }
    }

    #[test]
    fn every_control_says_how_to_validate() {
        for entry in builtin_controls() {
            let filled =
                |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
            assert!(
                filled(&entry.how_to_validate),
                "{} lacks how_to_validate",
                entry.id
            );
            assert!(filled(&entry.evidence), "{} lacks evidence", entry.id);
        }
    }

    #[test]
    fn catalog_keeps_positions() {
        let first = &builtin_controls()[0];
        assert_ne!(first.id.pos, Pos::default());
    }

    #[test]
    fn recurring_checks_use_project_intervals() {
        use crate::model::IntervalKind;
        let find = |id: &str| {
            builtin_controls()
                .iter()
                .find(|entry| entry.id.as_str() == id)
        };
        let restore = find("restore-test").expect("restore-test is built in");
        assert_eq!(restore.review_interval, Some(IntervalKind::RestoreTest));
        assert_eq!(restore.applies_to, AppliesTo::EachEphiStore);
        let review = find("access-review").expect("access-review is built in");
        assert_eq!(review.review_interval, Some(IntervalKind::AccessReview));
        assert_eq!(review.applies_to, AppliesTo::EachEphiStore);
        let baa = find("baa-signed").expect("baa-signed is built in");
        assert_eq!(baa.applies_to, AppliesTo::EachEphiVendor);
        let rollback = find("rollback-plan-tested").expect("rollback-plan-tested is built in");
        assert_eq!(rollback.applies_to, AppliesTo::EachEphiSystem);
        assert_eq!(rollback.phase, Phase::MigrateProductionEphi);
    }

    #[test]
    fn kebab_case_check() {
        for id in ["baa-signed", "mfa", "tls-1-2"] {
            assert!(is_kebab_case(id), "{id}");
        }
        for id in [
            "",
            "-baa",
            "baa-",
            "baa--signed",
            "BAA-signed",
            "baa_signed",
            "baa signed",
        ] {
            assert!(!is_kebab_case(id), "{id}");
        }
    }

    #[test]
    fn parse_rejects_unknown_citation() {
        let text =
            "- id: bad\n  phase: validate_controls\n  title: Bad\n  citations: [\"164.312(z)\"]\n";
        let error = parse_catalog(text).expect_err("164.312(z) is not a citation");
        assert!(error.contains("`164.312(z)`"), "{error}");
        assert!(error.contains(":4:"), "{error}");
    }

    #[test]
    fn parse_rejects_duplicate_id() {
        let entry = "- id: same\n  phase: validate_controls\n  title: Same\n  citations: [\"164.312(b)\"]\n";
        let error = parse_catalog(&entry.repeat(2)).expect_err("the id repeats");
        assert!(error.contains("listed twice"), "{error}");
    }

    #[test]
    fn inventory_entry_replaces_builtin() {
        let mut inventory = Inventory::default();
        let mut replacement = inventory_entry("restore-test", Phase::ValidateControls);
        replacement.review_interval_days = Some(30);
        inventory.controls.push(replacement);
        inventory
            .controls
            .push(inventory_entry("restore-test", Phase::MapPhiAndVendors));

        let merged = controls(&inventory);
        assert_eq!(merged.len(), builtin_controls().len());
        let matching: Vec<&Control> = merged.iter().filter(|c| c.id() == "restore-test").collect();
        assert_eq!(matching.len(), 1);
        assert!(!matching[0].builtin);
        assert_eq!(matching[0].entry.review_interval_days, Some(30));
        assert_eq!(matching[0].entry.title, "Inventory control restore-test");

        let builtin_position = builtin_controls()
            .iter()
            .filter(|entry| entry.phase == Phase::ValidateControls)
            .position(|entry| entry.id.as_str() == "restore-test");
        let merged_position = merged
            .iter()
            .filter(|control| control.entry.phase == Phase::ValidateControls)
            .position(|control| control.id() == "restore-test");
        assert_eq!(merged_position, builtin_position);
    }

    #[test]
    fn inventory_entries_added_in_phase_order() {
        let mut inventory = Inventory::default();
        inventory
            .controls
            .push(inventory_entry("drill-b", Phase::ValidateControls));
        inventory
            .controls
            .push(inventory_entry("drill-a", Phase::MapPhiAndVendors));

        let merged = controls(&inventory);
        assert_eq!(merged.len(), builtin_controls().len() + 2);
        let phases: Vec<Phase> = merged.iter().map(|control| control.entry.phase).collect();
        assert!(phases.is_sorted(), "controls are not ordered by phase");

        let last_of_phase_1 = merged
            .iter()
            .rposition(|control| control.entry.phase == Phase::MapPhiAndVendors);
        let added = merged.iter().position(|control| control.id() == "drill-a");
        assert_eq!(
            added, last_of_phase_1,
            "an added control follows the built-in ones"
        );
        assert!(merged.iter().filter(|c| !c.builtin).count() == 2);
    }
}
