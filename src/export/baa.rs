//! The values of the BAA gap report.
//!
//! The summary counts are computed from the same list of rows the detail table prints, so the
//! two always agree.

use std::collections::HashMap;

use serde::Serialize;

use super::ExportContext;
use super::rules::RULES;
use super::view::{CitationView, FindingView, VendorView, citations_of};
use crate::analysis::graph::Node;
use crate::analysis::{Finding, FindingSeverity, ObjectKind};

/// Rules whose findings the report lists, in report order.
pub const BAA_RULES: [&str; 6] = [
    "baa-missing",
    "baa-expired",
    "baa-expiring",
    "baa-coverage",
    "subprocessor-baa-gap",
    "real-data-outside-production",
];

/// The whole report.
#[derive(Debug, Serialize)]
pub struct BaaReport {
    /// One row per rule of [`BAA_RULES`].
    summary: Vec<SummaryRow>,
    /// Totals over `summary`.
    total: SummaryRow,
    /// One row per BAA finding.
    gaps: Vec<GapRow>,
    /// Every vendor of the inventory.
    register: Vec<RegisterRow>,
    citations: Vec<CitationView>,
}

#[derive(Debug, Default, Serialize)]
struct SummaryRow {
    rule: &'static str,
    finds: &'static str,
    blocker: usize,
    warning: usize,
    notice: usize,
    total: usize,
}

#[derive(Debug, Serialize)]
struct GapRow {
    #[serde(flatten)]
    finding: FindingView,
    /// The vendors the finding names.
    vendors: Vec<VendorView>,
    /// Ids of the systems the finding names.
    systems: Vec<String>,
}

#[derive(Debug, Serialize)]
struct RegisterRow {
    #[serde(flatten)]
    vendor: VendorView,
    /// Number of rows of the report that name the vendor.
    gaps: usize,
}

/// Builds the report.
pub fn build(context: &ExportContext<'_>) -> BaaReport {
    let inventory = context.inventory;
    let analysis = context.analysis;
    let findings: Vec<&Finding> = analysis
        .findings
        .iter()
        .filter(|finding| BAA_RULES.contains(&finding.rule))
        .collect();

    let vendor_view = |id: &str| {
        let node = analysis.graph.node_of(id)?;
        let Node::Vendor(index) = analysis.graph.node(node) else {
            return None;
        };
        Some(VendorView::of(
            &inventory.vendors[index],
            analysis.boundary.contains(node),
            context,
        ))
    };
    let gaps: Vec<GapRow> = findings
        .iter()
        .map(|finding| GapRow {
            finding: FindingView::of(finding, &inventory.root),
            vendors: finding
                .objects
                .iter()
                .filter(|object| object.kind == ObjectKind::Vendor)
                .filter_map(|object| vendor_view(&object.id))
                .collect(),
            systems: finding
                .objects
                .iter()
                .filter(|object| object.kind == ObjectKind::System)
                .map(|object| object.id.clone())
                .collect(),
        })
        .collect();

    let mut total = SummaryRow::default();
    let summary: Vec<SummaryRow> = BAA_RULES
        .iter()
        .map(|&rule| {
            let mut row = SummaryRow {
                rule,
                finds: RULES
                    .iter()
                    .find(|info| info.id == rule)
                    .map_or("", |info| info.finds),
                ..SummaryRow::default()
            };
            for gap in gaps.iter().filter(|gap| gap.finding.rule == rule) {
                let severity = gap.finding.severity;
                if severity == FindingSeverity::Blocker.label() {
                    row.blocker += 1;
                } else if severity == FindingSeverity::Warning.label() {
                    row.warning += 1;
                } else {
                    row.notice += 1;
                }
                row.total += 1;
            }
            total.blocker += row.blocker;
            total.warning += row.warning;
            total.notice += row.notice;
            total.total += row.total;
            row
        })
        .collect();

    // Rows naming each vendor, counted in one pass over the rows, because scanning every row
    // for every vendor is quadratic in the size of the estate.
    let mut gaps_of: HashMap<&str, usize> = HashMap::new();
    for gap in &gaps {
        for (position, view) in gap.vendors.iter().enumerate() {
            let named_before = gap.vendors[..position]
                .iter()
                .any(|earlier| earlier.id == view.id);
            if !named_before {
                *gaps_of.entry(view.id.as_str()).or_default() += 1;
            }
        }
    }
    let register = inventory
        .vendors
        .iter()
        .zip(&analysis.graph.vendors)
        .map(|(vendor, &node)| RegisterRow {
            vendor: VendorView::of(vendor, analysis.boundary.contains(node), context),
            gaps: gaps_of.get(vendor.id.as_str()).copied().unwrap_or(0),
        })
        .collect();

    BaaReport {
        summary,
        total,
        gaps,
        register,
        citations: citations_of(findings.iter().copied()),
    }
}
