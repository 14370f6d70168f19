//! The values the templates print, shared by phase plans and the BAA gap report.
//!
//! Every text field is the inventory or journal text as written, which the templates escape
//! when they print it.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::ExportContext;
use super::diagram::baa_in_force;
use crate::analysis::{Finding, ObjectKind, ObjectRef};
use crate::catalog::security_rule;
use crate::model::{BaaStatus, Vendor, VendorKind};

/// The lines at the top of every report.
#[derive(Debug, Serialize)]
pub struct HeaderView {
    /// `organisation` of `project.yaml`.
    pub organisation: Option<String>,
    /// `migration` of `project.yaml`.
    pub migration: Option<String>,
    /// Target provider, such as "AWS".
    pub provider: Option<String>,
    /// The date the report treats as today.
    pub as_of: String,
    /// Name and version of the program that wrote the report.
    pub tool: String,
    /// Number of journal entries.
    pub journal_entries: usize,
    /// "intact", or where the hash chain breaks.
    pub journal_chain: String,
    /// Systems in the inventory.
    pub systems: usize,
    /// Vendors in the inventory.
    pub vendors: usize,
    /// Systems inside the ePHI boundary.
    pub boundary_systems: usize,
    /// Vendors inside the ePHI boundary.
    pub boundary_vendors: usize,
}

/// Builds the header.
pub fn header(context: &ExportContext<'_>) -> HeaderView {
    let inventory = context.inventory;
    let analysis = context.analysis;
    let project = inventory.project.as_ref();
    let journal_chain = match context.journal.verify() {
        Ok(_) => "intact".to_owned(),
        Err(problem) => format!("broken at line {}: {}", problem.line, problem.message),
    };
    let boundary_systems = analysis
        .graph
        .systems
        .iter()
        .filter(|&&node| analysis.boundary.contains(node))
        .count();
    let boundary_vendors = analysis
        .graph
        .vendors
        .iter()
        .filter(|&&node| analysis.boundary.contains(node))
        .count();
    HeaderView {
        organisation: project.map(|project| project.organisation.clone()),
        migration: project.map(|project| project.migration.clone()),
        provider: project.map(|project| project.provider.to_string()),
        as_of: context.as_of.to_string(),
        tool: format!("hipaa-migrate {}", env!("CARGO_PKG_VERSION")),
        journal_entries: context.journal.entries().len(),
        journal_chain,
        systems: inventory.systems.len(),
        vendors: inventory.vendors.len(),
        boundary_systems,
        boundary_vendors,
    }
}

/// An object a finding names, and where it is written.
#[derive(Debug, Serialize)]
pub struct ObjectView {
    /// "system", "vendor" or "service".
    pub kind: &'static str,
    /// The id, or the service name.
    pub id: String,
    /// File and line relative to the inventory folder, such as `vendors.yaml:90`.
    pub place: Option<String>,
}

impl ObjectView {
    /// Describes an object of a finding, with its file relative to `root`.
    pub fn of(object: &ObjectRef, root: &Path) -> Self {
        let place = (object.line > 0).then(|| {
            let file = object.file.strip_prefix(root).unwrap_or(&object.file);
            format!("{}:{}", file.display(), object.line)
        });
        ObjectView {
            kind: object_kind_name(object.kind),
            id: object.id.clone(),
            place,
        }
    }
}

fn object_kind_name(kind: ObjectKind) -> &'static str {
    match kind {
        ObjectKind::System => "system",
        ObjectKind::Vendor => "vendor",
        ObjectKind::Service => "service",
    }
}

/// One finding as a report row.
#[derive(Debug, Serialize)]
pub struct FindingView {
    /// Rule id.
    pub rule: &'static str,
    /// "blocker", "warning" or "notice".
    pub severity: &'static str,
    /// Description of the gap.
    pub message: String,
    /// The objects involved, the main one first.
    pub objects: Vec<ObjectView>,
    /// The chain of ids that shows the gap, or empty.
    pub path: Vec<String>,
    /// Remediation.
    pub remediation: String,
    /// Security Rule citations, such as `164.308(b)(1)`.
    pub citations: Vec<&'static str>,
    /// Whether the finding opened only because time passed.
    pub lapsed: bool,
}

impl FindingView {
    /// Describes a finding, with files relative to `root`.
    pub fn of(finding: &Finding, root: &Path) -> Self {
        FindingView {
            rule: finding.rule,
            severity: finding.severity.label(),
            message: finding.message.clone(),
            objects: finding
                .objects
                .iter()
                .map(|object| ObjectView::of(object, root))
                .collect(),
            path: if finding.path.len() > 1 {
                finding.path.clone()
            } else {
                Vec::new()
            },
            remediation: finding.remediation.clone(),
            citations: finding.citations.clone(),
            lapsed: finding.lapsed,
        }
    }
}

/// A Security Rule paragraph a report cites, with its heading.
#[derive(Debug, Serialize)]
pub struct CitationView {
    /// The paragraph, such as `164.308(b)(1)`.
    pub citation: String,
    /// The regulation's heading for it, or `None` when the catalog lacks it.
    pub title: Option<String>,
}

/// Lists the distinct citations of `findings`, in regulation order as text sorts them.
pub fn citations_of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<CitationView> {
    let cited: BTreeSet<&str> = findings
        .into_iter()
        .flat_map(|finding| finding.citations.iter().copied())
        .collect();
    cited
        .into_iter()
        .map(|citation| CitationView {
            citation: citation.to_owned(),
            title: security_rule().get(citation).map(|item| item.title.clone()),
        })
        .collect()
}

/// A vendor and the state of its BAA.
#[derive(Debug, Serialize)]
pub struct VendorView {
    /// Vendor id.
    pub id: String,
    /// Vendor name.
    pub name: String,
    /// Kind in words, such as "cloud provider".
    pub kind: &'static str,
    /// BAA status in words, such as "not required".
    pub status: String,
    /// Date the BAA was signed.
    pub signed: Option<String>,
    /// Last day the BAA is in force.
    pub expires: Option<String>,
    /// "yes", "no", or "not required" for a vendor marked as never handling ePHI.
    pub in_force: &'static str,
    /// Location of the signed document.
    pub document: Option<String>,
    /// Whether the vendor is inside the ePHI boundary.
    pub in_boundary: bool,
}

impl VendorView {
    /// Describes a vendor on `context.as_of`.
    pub fn of(vendor: &Vendor, in_boundary: bool, context: &ExportContext<'_>) -> Self {
        let baa = &vendor.baa;
        let in_force = if baa_in_force(vendor, context.as_of) {
            "yes"
        } else if baa.status == BaaStatus::NotRequired {
            "not required"
        } else {
            "no"
        };
        VendorView {
            id: vendor.id.value.clone(),
            name: vendor.name.clone(),
            kind: vendor_kind_name(vendor.kind),
            status: baa.status.to_string(),
            signed: baa.signed.as_ref().map(|date| date.value.to_string()),
            expires: baa.expires.as_ref().map(|date| date.value.to_string()),
            in_force,
            document: baa.document.clone(),
            in_boundary,
        }
    }
}

/// Returns a vendor kind in words.
pub fn vendor_kind_name(kind: VendorKind) -> &'static str {
    match kind {
        VendorKind::CloudProvider => "cloud provider",
        VendorKind::Saas => "SaaS",
        VendorKind::Consultancy => "consultancy",
        VendorKind::IntegrationPartner => "integration partner",
        VendorKind::Subprocessor => "subprocessor",
        VendorKind::Other => "other",
    }
}
