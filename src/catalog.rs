//! Built-in catalogs: the HIPAA Security Rule citations and each provider's HIPAA-eligible services.
//!
//! Both catalogs are YAML files embedded in the binary. Each is parsed once, on first use, and
//! indexed, so later lookups cost one hash probe. The files' header comments record where every
//! row came from and the date of each list.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::loader::{decode, yaml};

const SECURITY_RULE_FILE: &str = "src/catalog/security-rule.yaml";
const SECURITY_RULE_YAML: &str = include_str!("catalog/security-rule.yaml");
const ELIGIBLE_SERVICES_FILE: &str = "src/catalog/eligible-services.yaml";
const ELIGIBLE_SERVICES_YAML: &str = include_str!("catalog/eligible-services.yaml");

/// Minimum Jaro-Winkler similarity for a "did you mean" suggestion.
///
/// Below this score the nearest entry is usually a different thing, not a misspelling.
const MIN_SIMILARITY: f64 = 0.85;

/// A cloud provider that hipaa-migrate plans migrations to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Provider {
    /// Amazon Web Services.
    Aws,
    /// Microsoft Azure.
    Azure,
    /// Google Cloud.
    Gcp,
}

impl Provider {
    /// Every provider, in declaration order.
    pub const ALL: [Provider; 3] = [Provider::Aws, Provider::Azure, Provider::Gcp];

    /// Returns the identifier that inventory files use, such as `gcp`.
    pub fn id(self) -> &'static str {
        match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
        }
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Aws => "AWS",
            Provider::Azure => "Azure",
            Provider::Gcp => "Google Cloud",
        })
    }
}

/// The Security Rule section a citation belongs to.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Safeguard {
    /// 45 CFR 164.308.
    Administrative,
    /// 45 CFR 164.310.
    Physical,
    /// 45 CFR 164.312.
    Technical,
    /// 45 CFR 164.314.
    Organizational,
    /// 45 CFR 164.316.
    PoliciesAndDocumentation,
}

/// Whether a citation is a standard or one of a standard's implementation specifications.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SpecKind {
    /// A standard.
    Standard,
    /// An implementation specification under a standard.
    ImplementationSpecification,
}

/// The regulation's requirement level for a citation.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// A standard, which every covered entity and business associate must meet.
    Standard,
    /// A required implementation specification, which must be implemented.
    Required,
    /// An addressable implementation specification. It must be implemented where reasonable and
    /// appropriate. Otherwise the entity documents why and implements an equivalent alternative
    /// measure where that is reasonable and appropriate.
    Addressable,
}

/// One standard or implementation specification of the HIPAA Security Rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// Paragraph of 45 CFR Part 164, such as `164.312(a)(2)(iv)`.
    pub citation: String,
    /// The regulation's short heading, such as "Encryption and Decryption".
    pub title: String,
    /// Section the paragraph belongs to.
    pub safeguard: Safeguard,
    /// Standard or implementation specification.
    pub kind: SpecKind,
    /// `Standard` for a standard, otherwise required or addressable.
    pub requirement: Requirement,
    /// Citation of the standard an implementation specification belongs to. It is `None` for a
    /// standard.
    pub parent: Option<String>,
}

/// The built-in HIPAA Security Rule catalog (45 CFR 164.308 to 164.316, as amended in 2013).
#[derive(Clone, Debug, Serialize)]
pub struct SecurityRule {
    /// Every standard and implementation specification, in regulation order.
    pub items: Vec<Citation>,
    /// Position in `items` by normalized citation text.
    #[serde(skip)]
    index: HashMap<String, usize>,
}

/// The layout of `security-rule.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SecurityRuleFile {
    items: Vec<Citation>,
}

impl SecurityRule {
    /// Looks up a citation.
    ///
    /// Whitespace, letter case and a leading `45 CFR` or `§` are ignored, so
    /// `45 CFR § 164.312(b)` finds `164.312(b)`.
    pub fn get(&self, citation: &str) -> Option<&Citation> {
        let index = *self.index.get(&normalize_citation(citation))?;
        Some(&self.items[index])
    }

    /// Finds the citation nearest to a mistyped one, for a "did you mean" hint.
    ///
    /// A paragraph that the catalog divides further, such as `164.308(a)(1)`, suggests its
    /// first citation, `164.308(a)(1)(i)`. Otherwise the most similar citation is suggested.
    /// When the input names one of the catalog's sections, such as `164.308`, only citations of
    /// that section are candidates, so a typo in a paragraph letter never suggests another
    /// section. Returns `None` when nothing is close enough to be a likely typo.
    pub fn closest(&self, citation: &str) -> Option<&str> {
        let normalized = normalize_citation(citation);
        if normalized.is_empty() {
            return None;
        }
        let subparagraph_prefix = format!("{normalized}(");
        if let Some(item) = self
            .items
            .iter()
            .find(|item| normalize_citation(&item.citation).starts_with(&subparagraph_prefix))
        {
            return Some(&item.citation);
        }

        let section = citation_section(&normalized);
        let same_section = self
            .items
            .iter()
            .any(|item| citation_section(&normalize_citation(&item.citation)) == section);

        let mut best: Option<(&str, f64)> = None;
        for item in &self.items {
            let candidate = normalize_citation(&item.citation);
            if same_section && citation_section(&candidate) != section {
                continue;
            }
            let score = strsim::jaro_winkler(&normalized, &candidate);
            if best.is_none_or(|(_, best_score)| score > best_score) {
                best = Some((item.citation.as_str(), score));
            }
        }
        best.filter(|(_, score)| *score >= MIN_SIMILARITY)
            .map(|(text, _)| text)
    }

    /// Indexes the decoded rows and checks that every row is consistent.
    fn build(items: Vec<Citation>) -> Result<Self, String> {
        let mut index = HashMap::with_capacity(items.len());
        for (position, item) in items.iter().enumerate() {
            if index
                .insert(normalize_citation(&item.citation), position)
                .is_some()
            {
                return Err(format!("citation {} is listed twice", item.citation));
            }
        }

        for item in &items {
            let is_standard = item.kind == SpecKind::Standard;
            if is_standard != (item.requirement == Requirement::Standard) {
                return Err(format!(
                    "citation {} has kind {:?} but requirement {:?}",
                    item.citation, item.kind, item.requirement
                ));
            }
            match (&item.parent, is_standard) {
                (None, true) => {}
                (Some(parent), false) => {
                    let parent_is_standard = index
                        .get(&normalize_citation(parent))
                        .is_some_and(|&position| items[position].kind == SpecKind::Standard);
                    if !parent_is_standard {
                        return Err(format!(
                            "citation {} names parent {parent}, which is not a standard in the \
                             catalog",
                            item.citation
                        ));
                    }
                }
                (Some(_), true) => {
                    return Err(format!("standard {} must not have a parent", item.citation));
                }
                (None, false) => {
                    return Err(format!(
                        "implementation specification {} has no parent",
                        item.citation
                    ));
                }
            }
        }
        Ok(SecurityRule { items, index })
    }
}

/// Returns the built-in Security Rule catalog, parsing it on first use.
///
/// # Panics
/// Panics when the embedded file is invalid. That is a build defect, which the unit test
/// `embedded_files_parse` catches.
pub fn security_rule() -> &'static SecurityRule {
    static RULE: OnceLock<SecurityRule> = OnceLock::new();
    RULE.get_or_init(|| {
        parse_security_rule(SECURITY_RULE_YAML).expect(
            "built-in security-rule.yaml is invalid, a build defect (fix the file and rebuild)",
        )
    })
}

fn parse_security_rule(text: &str) -> Result<SecurityRule, String> {
    let file: SecurityRuleFile = decode_yaml(SECURITY_RULE_FILE, text)?;
    SecurityRule::build(file.items).map_err(|message| format!("{SECURITY_RULE_FILE}: {message}"))
}

/// Reduces a citation to the form used as an index key.
///
/// The key drops whitespace, a leading `45 CFR` and section signs, and is lowercase.
fn normalize_citation(citation: &str) -> String {
    let compact: String = citation
        .chars()
        .filter(|character| !character.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let without_part = compact.strip_prefix("45cfr").unwrap_or(&compact);
    without_part.trim_start_matches('§').to_owned()
}

/// Returns the section number of a normalized citation: `164.312` for `164.312(a)(1)`.
fn citation_section(normalized: &str) -> &str {
    normalized.split('(').next().unwrap_or(normalized)
}

/// One entry of a provider's list of HIPAA-eligible services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EligibleService {
    /// The name exactly as the provider's list spells it.
    pub name: String,
    /// The list's own restriction or remark on this entry, such as "excludes Simple AD".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
}

/// A provider's list of services covered by its HIPAA business associate agreement.
#[derive(Clone, Debug, Serialize)]
pub struct EligibilityList {
    /// Provider the list is for.
    pub provider: Provider,
    /// Title of the provider's list or page.
    pub title: String,
    /// Date of the list, which every eligibility verdict should show because lists change.
    pub date: jiff::civil::Date,
    /// Page or copy the list was taken from.
    pub source: String,
    /// Caveat that applies to every verdict from this list.
    pub note: Option<String>,
    /// Listed services, in the list's order. It is empty when no per-service list is built in.
    pub services: Vec<EligibleService>,
    /// Position in `services` by exact name.
    #[serde(skip)]
    exact_index: HashMap<String, usize>,
    /// Position in `services` by lowercase, whitespace-collapsed name.
    #[serde(skip)]
    normalized_index: HashMap<String, usize>,
    /// Normalized names and short forms compared by `closest`, each with its position in
    /// `services`.
    #[serde(skip)]
    suggestion_keys: Vec<(String, usize)>,
}

/// The layout of `eligible-services.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EligibleServicesFile {
    lists: Vec<EligibilityListFile>,
}

/// One entry of `lists:` in `eligible-services.yaml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EligibilityListFile {
    provider: Provider,
    title: String,
    date: jiff::civil::Date,
    source: String,
    #[serde(default)]
    note: Option<String>,
    services: Vec<EligibleService>,
}

impl EligibilityList {
    /// Finds a listed service by name.
    ///
    /// An exact match wins. Otherwise the names are compared ignoring letter case and runs of
    /// whitespace. Short forms such as "Amazon S3" are not matched, because the list does not
    /// spell them, so use [`EligibilityList::closest`] to suggest the listed name.
    pub fn find(&self, name: &str) -> Option<&EligibleService> {
        let position = match self.exact_index.get(name) {
            Some(&position) => position,
            None => *self.normalized_index.get(&normalize_name(name))?,
        };
        Some(&self.services[position])
    }

    /// Finds the listed name nearest to `name`, for a "did you mean" hint.
    ///
    /// Besides each listed name, the comparison uses the name without its bracketed part and
    /// the bracketed abbreviation with the name's first word, so "Amazon S3" suggests
    /// "Amazon Simple Storage Service (S3)". Returns `None` when nothing is close enough to be
    /// a likely typo.
    pub fn closest(&self, name: &str) -> Option<&str> {
        let normalized = normalize_name(name);
        if normalized.is_empty() {
            return None;
        }
        // Most names start with the provider's brand ("Amazon", "AWS", "Google"), which would
        // make any two names look alike, so the brand is left out of the comparison.
        let word = without_brand(&normalized);
        let mut best: Option<(usize, f64)> = None;
        for (key, position) in &self.suggestion_keys {
            let score = strsim::jaro_winkler(word, without_brand(key));
            if best.is_none_or(|(_, best_score)| score > best_score) {
                best = Some((*position, score));
            }
        }
        best.filter(|(_, score)| *score >= MIN_SIMILARITY)
            .map(|(position, _)| self.services[position].name.as_str())
    }

    /// Indexes a decoded list and rejects names that collide after normalization.
    fn build(file: EligibilityListFile) -> Result<Self, String> {
        let mut exact_index = HashMap::with_capacity(file.services.len());
        let mut normalized_index = HashMap::with_capacity(file.services.len());
        let mut suggestion_keys = Vec::with_capacity(file.services.len() * 2);
        for (position, service) in file.services.iter().enumerate() {
            exact_index.insert(service.name.clone(), position);
            let normalized = normalize_name(&service.name);
            if let Some(previous) = normalized_index.insert(normalized.clone(), position) {
                return Err(format!(
                    "{} list: \"{}\" and \"{}\" differ only in letter case or spacing",
                    file.provider.id(),
                    file.services[previous].name,
                    service.name
                ));
            }
            for key in short_forms(&normalized) {
                suggestion_keys.push((key, position));
            }
            suggestion_keys.push((normalized, position));
        }
        Ok(EligibilityList {
            provider: file.provider,
            title: file.title,
            date: file.date,
            source: file.source,
            note: file.note,
            services: file.services,
            exact_index,
            normalized_index,
            suggestion_keys,
        })
    }
}

/// Returns the built-in eligibility list of `provider`, parsing all lists on first use.
///
/// # Panics
/// Panics when the embedded file is invalid. That is a build defect, which the unit test
/// `embedded_files_parse` catches.
pub fn eligibility_list(provider: Provider) -> &'static EligibilityList {
    static LISTS: OnceLock<Vec<EligibilityList>> = OnceLock::new();
    let lists = LISTS.get_or_init(|| {
        parse_eligibility_lists(ELIGIBLE_SERVICES_YAML).expect(
            "built-in eligible-services.yaml is invalid, a build defect (fix the file and rebuild)",
        )
    });
    lists
        .iter()
        .find(|list| list.provider == provider)
        .expect("parse_eligibility_lists checks that every provider has a list")
}

fn parse_eligibility_lists(text: &str) -> Result<Vec<EligibilityList>, String> {
    let file: EligibleServicesFile = decode_yaml(ELIGIBLE_SERVICES_FILE, text)?;
    let mut lists = Vec::with_capacity(file.lists.len());
    for list in file.lists {
        if lists
            .iter()
            .any(|existing: &EligibilityList| existing.provider == list.provider)
        {
            return Err(format!(
                "{ELIGIBLE_SERVICES_FILE}: provider {} has more than one list",
                list.provider.id()
            ));
        }
        lists.push(
            EligibilityList::build(list)
                .map_err(|message| format!("{ELIGIBLE_SERVICES_FILE}: {message}"))?,
        );
    }
    for provider in Provider::ALL {
        if !lists.iter().any(|list| list.provider == provider) {
            return Err(format!(
                "{ELIGIBLE_SERVICES_FILE}: provider {} has no list",
                provider.id()
            ));
        }
    }
    Ok(lists)
}

/// Reduces a service name to the form used as an index key: lowercase, single spaces.
/// Drops a leading provider brand from a normalized service name.
fn without_brand(name: &str) -> &str {
    let mut rest = name;
    for brand in ["amazon ", "aws ", "google cloud ", "google ", "cloud "] {
        rest = rest.strip_prefix(brand).unwrap_or(rest);
    }
    rest
}

fn normalize_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Derives the short forms people write for a normalized name with a trailing bracketed part.
///
/// For "amazon simple storage service (s3)" these are "amazon simple storage service", "s3"
/// and "amazon s3". A bracketed part of several words is used only when it starts with the
/// name's first word, as in "(amazon rds)", or with "formerly". That skips descriptions such as
/// "looker (google cloud core)", which would suggest the entry for unrelated input.
fn short_forms(normalized: &str) -> Vec<String> {
    let Some(without_close) = normalized.strip_suffix(')') else {
        return Vec::new();
    };
    let Some((base, bracketed)) = without_close.rsplit_once(" (") else {
        return Vec::new();
    };
    let bracketed = bracketed.strip_prefix("formerly ").unwrap_or(bracketed);
    let first_word = base.split(' ').next().unwrap_or(base);

    let mut forms = vec![base.to_owned()];
    if !bracketed.contains(' ') {
        forms.push(bracketed.to_owned());
        forms.push(format!("{first_word} {bracketed}"));
    } else if bracketed.starts_with(&format!("{first_word} ")) {
        forms.push(bracketed.to_owned());
    }
    forms
}

/// Parses and decodes one embedded YAML file, naming the file and position on failure.
fn decode_yaml<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, String> {
    let node = match yaml::parse(text) {
        Ok(Some(node)) => node,
        Ok(None) => return Err(format!("{file}: the file contains no YAML document")),
        Err(error) => return Err(format!("{file}:{}: {}", error.pos, error.message)),
    };
    decode::from_node::<T>(&node).map_err(|error| {
        let position = error.pos.map(|pos| format!(":{pos}")).unwrap_or_default();
        match error.help {
            Some(help) => format!("{file}{position}: {} ({help})", error.message),
            None => format!("{file}{position}: {}", error.message),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns the rows of the sections listed in Appendix A to Subpart C.
    fn appendix_a_rows() -> Vec<&'static Citation> {
        security_rule()
            .items
            .iter()
            .filter(|item| {
                ["164.308(", "164.310(", "164.312("]
                    .iter()
                    .any(|section| item.citation.starts_with(section))
            })
            .collect()
    }

    #[test]
    fn embedded_files_parse() {
        if let Err(message) = parse_security_rule(SECURITY_RULE_YAML) {
            panic!("{message}");
        }
        if let Err(message) = parse_eligibility_lists(ELIGIBLE_SERVICES_YAML) {
            panic!("{message}");
        }
    }

    #[test]
    fn security_rule_counts() {
        let items = &security_rule().items;
        let standards = items
            .iter()
            .filter(|item| item.kind == SpecKind::Standard)
            .count();
        let specifications = items
            .iter()
            .filter(|item| item.kind == SpecKind::ImplementationSpecification)
            .count();
        assert_eq!(items.len(), 68);
        assert_eq!(standards, 22);
        assert_eq!(specifications, 46);
    }

    #[test]
    fn appendix_a_counts() {
        let rows = appendix_a_rows();
        let count = |requirement: Requirement| {
            rows.iter()
                .filter(|item| item.requirement == requirement)
                .count()
        };
        assert_eq!(rows.len(), 54);
        assert_eq!(count(Requirement::Standard), 18);
        assert_eq!(count(Requirement::Required), 14);
        assert_eq!(count(Requirement::Addressable), 22);
    }

    #[test]
    fn safeguard_matches_section() {
        for item in &security_rule().items {
            let expected = match citation_section(&item.citation) {
                "164.308" => Safeguard::Administrative,
                "164.310" => Safeguard::Physical,
                "164.312" => Safeguard::Technical,
                "164.314" => Safeguard::Organizational,
                "164.316" => Safeguard::PoliciesAndDocumentation,
                other => panic!("{} is in unexpected section {other}", item.citation),
            };
            assert_eq!(item.safeguard, expected, "{}", item.citation);
        }
    }

    #[test]
    fn known_citation_lookup() {
        let item = security_rule()
            .get("164.312(a)(2)(iv)")
            .expect("164.312(a)(2)(iv) is in the catalog");
        assert_eq!(item.title, "Encryption and Decryption");
        assert_eq!(item.safeguard, Safeguard::Technical);
        assert_eq!(item.kind, SpecKind::ImplementationSpecification);
        assert_eq!(item.requirement, Requirement::Addressable);
        assert_eq!(item.parent.as_deref(), Some("164.312(a)(1)"));
    }

    #[test]
    fn citation_lookup_ignores_prefix_and_spacing() {
        let rule = security_rule();
        for text in [
            "45 CFR § 164.312(b)",
            "§164.312(b)",
            " 164.312 (b) ",
            "164.312(B)",
        ] {
            let item = rule.get(text);
            assert_eq!(
                item.map(|item| item.title.as_str()),
                Some("Audit Controls"),
                "{text}"
            );
        }
        assert!(rule.get("164.312(f)").is_none());
        assert!(rule.get("").is_none());
    }

    #[test]
    fn parents_are_standards() {
        let rule = security_rule();
        for item in &rule.items {
            match &item.parent {
                Some(parent) => {
                    let parent = rule.get(parent);
                    assert!(parent.is_some(), "{} has a missing parent", item.citation);
                    assert_eq!(
                        parent.map(|parent| parent.kind),
                        Some(SpecKind::Standard),
                        "{}",
                        item.citation
                    );
                }
                None => assert_eq!(item.kind, SpecKind::Standard, "{}", item.citation),
            }
        }
    }

    #[test]
    fn citation_closest_suggests_near_match() {
        let rule = security_rule();
        assert_eq!(rule.closest("164.308(a)(1)"), Some("164.308(a)(1)(i)"));
        assert_eq!(rule.closest("164.314(b)(2)"), Some("164.314(b)(2)(i)"));
        assert_eq!(
            rule.closest("164.312(e)(2)(iii)"),
            Some("164.312(e)(2)(ii)")
        );
        assert_eq!(rule.closest("164.312(a)(2)(v)"), Some("164.312(a)(2)(iv)"));
        assert_eq!(rule.closest("164.312(a)(2)(iv)"), Some("164.312(a)(2)(iv)"));
        assert_eq!(rule.closest("encryption"), None);
        assert_eq!(rule.closest("   "), None);
    }

    #[test]
    fn citation_closest_stays_in_section() {
        let rule = security_rule();
        let suggestion = rule.closest("164.310(e)");
        assert!(
            suggestion.is_none_or(|text| text.starts_with("164.310(")),
            "{suggestion:?}"
        );
    }

    #[test]
    fn list_counts() {
        assert_eq!(eligibility_list(Provider::Aws).services.len(), 166);
        assert_eq!(eligibility_list(Provider::Gcp).services.len(), 143);
        assert!(eligibility_list(Provider::Azure).services.is_empty());
    }

    #[test]
    fn list_dates_and_providers() {
        let expected = [
            (Provider::Aws, jiff::civil::date(2025, 4, 16)),
            (Provider::Azure, jiff::civil::date(2023, 4, 6)),
            (Provider::Gcp, jiff::civil::date(2026, 8, 11)),
        ];
        for (provider, date) in expected {
            let list = eligibility_list(provider);
            assert_eq!(list.provider, provider);
            assert_eq!(list.date, date, "{provider}");
        }
    }

    #[test]
    fn azure_note_says_unknown() {
        let note = eligibility_list(Provider::Azure).note.as_deref();
        assert!(
            note.is_some_and(|text| text.contains("unknown unless the inventory states it")),
            "{note:?}"
        );
        assert!(eligibility_list(Provider::Aws).note.is_none());
        assert!(eligibility_list(Provider::Gcp).note.is_none());
    }

    #[test]
    fn find_ignores_case_and_spacing() {
        let aws = eligibility_list(Provider::Aws);
        let found = aws.find("amazon   DYNAMODB ");
        assert_eq!(
            found.map(|service| service.name.as_str()),
            Some("Amazon DynamoDB")
        );
        let found = aws.find("Amazon DynamoDB");
        assert_eq!(
            found.map(|service| service.name.as_str()),
            Some("Amazon DynamoDB")
        );
        assert!(aws.find("Amazon S3").is_none());
        assert!(aws.find("").is_none());
    }

    #[test]
    fn find_keeps_qualifier() {
        let aws = eligibility_list(Provider::Aws);
        let rds = aws
            .find("Amazon Relational Database Service (Amazon RDS)")
            .expect("RDS is listed");
        assert!(
            rds.qualifier
                .as_deref()
                .is_some_and(|text| text.contains("PostgreSQL")),
            "{rds:?}"
        );
        let gcp = eligibility_list(Provider::Gcp);
        let storage = gcp.find("cloud storage").expect("Cloud Storage is listed");
        assert_eq!(storage.name, "Cloud Storage");
        assert_eq!(storage.qualifier, None);
    }

    #[test]
    fn service_closest_suggests_s3() {
        let aws = eligibility_list(Provider::Aws);
        let s3 = "Amazon Simple Storage Service (S3)";
        assert!(aws.find(s3).is_some(), "the list spells S3 as {s3}");
        assert_eq!(aws.closest("Amazon Simple Storage Servce (S3)"), Some(s3));
        assert_eq!(aws.closest("Amazon S3"), Some(s3));
        assert_eq!(aws.closest("amazon simple storage service"), Some(s3));
        assert_eq!(aws.closest("Amazon S3 Glacer"), Some("Amazon S3 Glacier"));
    }

    #[test]
    fn service_closest_uses_short_forms() {
        let aws = eligibility_list(Provider::Aws);
        assert_eq!(
            aws.closest("Amazon RDS"),
            Some("Amazon Relational Database Service (Amazon RDS)")
        );
        assert_eq!(
            aws.closest("Amazon Pinpoint"),
            Some("Amazon Pinpoint and End User Messaging (formerly Amazon Pinpoint)")
        );
        let gcp = eligibility_list(Provider::Gcp);
        assert_eq!(gcp.closest("Looker"), Some("Looker (Google Cloud core)"));
        assert_eq!(gcp.closest("Cloud Storge"), Some("Cloud Storage"));
    }

    #[test]
    fn service_closest_rejects_unrelated() {
        let aws = eligibility_list(Provider::Aws);
        assert_eq!(aws.closest("Oracle Exadata"), None);
        assert_eq!(aws.closest(""), None);
        assert_eq!(
            eligibility_list(Provider::Azure).closest("Azure SQL Database"),
            None
        );
    }

    #[test]
    fn provider_names() {
        let expected = [
            (Provider::Aws, "aws", "AWS"),
            (Provider::Azure, "azure", "Azure"),
            (Provider::Gcp, "gcp", "Google Cloud"),
        ];
        for (provider, id, display) in expected {
            assert_eq!(provider.id(), id);
            assert_eq!(provider.to_string(), display);
            let json = serde_json::to_string(&provider).expect("a provider serializes");
            assert_eq!(json, format!("\"{id}\""));
        }
    }

    #[test]
    fn short_forms_of_bracketed_names() {
        assert_eq!(
            short_forms("amazon simple storage service (s3)"),
            ["amazon simple storage service", "s3", "amazon s3"]
        );
        assert_eq!(
            short_forms("amazon elastic block store (amazon ebs)"),
            ["amazon elastic block store", "amazon ebs"]
        );
        assert_eq!(short_forms("looker (google cloud core)"), ["looker"]);
        assert!(short_forms("cloud storage").is_empty());
    }
}
