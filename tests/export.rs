//! Tests of `export` and `graph`. They cover snapshots of every report of the bundled example,
//! and Markdown structure checks with the `pulldown-cmark` parser, on the example and on a hostile
//! inventory whose text tries to inject Markdown and HTML. They compare summary counts with
//! detail rows and run the command line: stdout, `-o`, `--templates`, template errors and
//! invalid inventories.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hipaa_migrate::analysis::{self, Analysis};
use hipaa_migrate::export::{self, ExportContext, GraphFormat, Report, rules};
use hipaa_migrate::gates::{self, PhaseGate, Subject, ValidationStatus};
use hipaa_migrate::journal::{Journal, NewEntry};
use hipaa_migrate::loader::{self, Loaded};
use hipaa_migrate::model::{CivilDate, Phase};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use tempfile::TempDir;

/// The date the example's review and expiry dates are written against.
const AS_OF: &str = "2026-12-04";

/// Upper bound on one run of the binary, so a hang fails the test instead of stalling it.
const RUN_TIMEOUT: Duration = Duration::from_secs(60);

fn as_of() -> CivilDate {
    CivilDate::parse(AS_OF).expect("valid date")
}

fn riverbend() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inventories/riverbend")
}

/// A loaded and analysed inventory with its journal and gates.
struct Analysed {
    loaded: Loaded,
    analysis: Analysis,
    gates: Vec<PhaseGate>,
    journal: Journal,
}

impl Analysed {
    fn load(dir: &Path) -> Self {
        let loaded = loader::load(dir);
        let problems: Vec<String> = loaded.problems.iter().map(ToString::to_string).collect();
        assert!(
            !loaded.has_errors(),
            "{} does not load:\n{problems:#?}",
            dir.display()
        );
        let journal = Journal::open(dir).expect("open journal");
        assert!(
            journal.problems().is_empty(),
            "journal problems: {:?}",
            journal.problems()
        );
        let analysis = analysis::analyse(&loaded.inventory, as_of());
        let gates = gates::evaluate(&loaded.inventory, &analysis, &journal, as_of());
        Analysed {
            loaded,
            analysis,
            gates,
            journal,
        }
    }

    fn context(&self) -> ExportContext<'_> {
        ExportContext::new(
            &self.loaded.inventory,
            &self.analysis,
            &self.gates,
            &self.journal,
            as_of(),
        )
    }

    /// Renders every Markdown report, named for messages and snapshots.
    fn markdown_reports(&self) -> Vec<(String, String)> {
        let context = self.context();
        let mut reports: Vec<(String, Report)> = Phase::ALL
            .iter()
            .map(|&phase| (format!("phase_{}", phase.number()), Report::Phase(phase)))
            .collect();
        reports.push(("all_plans".to_owned(), Report::AllPlans));
        reports.push(("baa_gaps".to_owned(), Report::BaaGaps));
        reports
            .into_iter()
            .map(|(name, report)| {
                let text = export::render(&context, report)
                    .unwrap_or_else(|error| panic!("{name} failed: {error}"));
                (name, text)
            })
            .collect()
    }

    fn graph(&self, format: GraphFormat) -> String {
        export::graph(&self.loaded.inventory, &self.analysis, format)
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown inspection
// ---------------------------------------------------------------------------------------------

/// A table as the parser reads it, with the heading it follows.
#[derive(Debug)]
struct Table {
    heading: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    fn column(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|cell| cell == name)
            .unwrap_or_else(|| panic!("no column {name:?} in {:?}", self.header))
    }
}

/// What the parser found in one Markdown document.
#[derive(Debug, Default)]
struct Parsed {
    headings: Vec<(HeadingLevel, String)>,
    tables: Vec<Table>,
    html: Vec<String>,
    links: Vec<String>,
    images: Vec<String>,
    code_spans: Vec<String>,
    code_blocks: Vec<String>,
    emphasis: usize,
    strikethrough: usize,
    strong: Vec<String>,
    /// Number of columns each table's alignment row declares, and the cell counts of its rows.
    table_shapes: Vec<(usize, Vec<usize>)>,
}

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

fn parse(markdown: &str) -> Parsed {
    let mut collector = Collector::default();
    for event in Parser::new_ext(markdown, parser_options()) {
        collector.handle(event);
    }
    collector.parsed
}

/// The state of one pass over the parser's events.
#[derive(Default)]
struct Collector {
    parsed: Parsed,
    /// Text of the heading being read.
    heading: Option<(HeadingLevel, String)>,
    last_heading: String,
    table: Option<Table>,
    /// Number of columns the table's alignment row declares, and the cell count of each row.
    shape: Option<(usize, Vec<usize>)>,
    row: Vec<String>,
    cell: Option<String>,
    strong: Option<String>,
    code_block: Option<String>,
}

impl Collector {
    fn handle(&mut self, event: Event<'_>) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => self.heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = self.heading.take() {
                    self.last_heading.clone_from(&text);
                    self.parsed.headings.push((level, text));
                }
            }
            Event::Start(
                tag @ (Tag::Table(_) | Tag::TableHead | Tag::TableRow | Tag::TableCell),
            ) => self.start_table_part(tag),
            Event::End(
                tag @ (TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow | TagEnd::TableCell),
            ) => {
                self.end_table_part(tag);
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                self.parsed.links.push(dest_url.to_string());
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.parsed.images.push(dest_url.to_string());
            }
            Event::Start(Tag::Emphasis) => self.parsed.emphasis += 1,
            Event::Start(Tag::Strikethrough) => self.parsed.strikethrough += 1,
            Event::Start(Tag::Strong) => self.strong = Some(String::new()),
            Event::End(TagEnd::Strong) => self.parsed.strong.extend(self.strong.take()),
            Event::Start(Tag::CodeBlock(_)) => self.code_block = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => self.parsed.code_blocks.extend(self.code_block.take()),
            Event::Html(html) | Event::InlineHtml(html) => self.parsed.html.push(html.to_string()),
            Event::Code(code) => {
                self.parsed.code_spans.push(code.to_string());
                self.push_text(&code);
            }
            Event::Text(text) => {
                if let Some(block) = &mut self.code_block {
                    block.push_str(&text);
                }
                self.push_text(&text);
            }
            Event::SoftBreak | Event::HardBreak => self.push_text(" "),
            _ => {}
        }
    }

    fn start_table_part(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Table(alignments) => {
                self.shape = Some((alignments.len(), Vec::new()));
                self.table = Some(Table {
                    heading: self.last_heading.clone(),
                    header: Vec::new(),
                    rows: Vec::new(),
                });
            }
            Tag::TableCell => self.cell = Some(String::new()),
            _ => self.row.clear(),
        }
    }

    fn end_table_part(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Table => {
                self.parsed.tables.extend(self.table.take());
                self.parsed.table_shapes.extend(self.shape.take());
            }
            TagEnd::TableCell => self.row.push(self.cell.take().unwrap_or_default()),
            _ => {
                if let Some(shape) = &mut self.shape {
                    shape.1.push(self.row.len());
                }
                let row = std::mem::take(&mut self.row);
                if let Some(table) = &mut self.table {
                    if tag == TagEnd::TableHead {
                        table.header = row;
                    } else {
                        table.rows.push(row);
                    }
                }
            }
        }
    }

    /// Adds text to the heading, table cell and bold text being read.
    fn push_text(&mut self, text: &str) {
        if let Some((_, heading)) = &mut self.heading {
            heading.push_str(text);
        }
        for target in [&mut self.cell, &mut self.strong].into_iter().flatten() {
            target.push_str(text);
        }
    }
}

/// Returns the number of cells of a raw table line: the `|` characters that are not escaped
/// by a backslash, less one. The parser pads short rows and drops extra cells, so only the raw
/// text shows a value that added or removed a column.
fn raw_cell_count(line: &str) -> usize {
    let mut pipes = 0;
    let mut backslashes = 0;
    for c in line.chars() {
        match c {
            '\\' => backslashes += 1,
            '|' => {
                if backslashes % 2 == 0 {
                    pipes += 1;
                }
                backslashes = 0;
            }
            _ => backslashes = 0,
        }
    }
    pipes - 1
}

/// Checks that every line of every raw table has as many cells as its header line.
#[track_caller]
fn assert_raw_tables_consistent(name: &str, markdown: &str) {
    let mut header: Option<(usize, &str)> = None;
    let mut in_fence = false;
    for line in markdown.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        }
        if in_fence || !line.starts_with('|') {
            header = None;
            continue;
        }
        let cells = raw_cell_count(line);
        match header {
            None => header = Some((cells, line)),
            Some((expected, header_line)) => assert_eq!(
                cells, expected,
                "{name}: table line has {cells} cells, its header {expected}:\n{header_line}\n{line}"
            ),
        }
    }
}

/// Returns the anchor GitHub gives a heading: lowercase, punctuation other than `-` and `_`
/// removed, spaces turned into `-`.
fn anchor(text: &str) -> String {
    text.to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// Section headings the templates write, before any " (phase N)" suffix.
const SECTION_HEADINGS: [&str; 17] = [
    "Goal",
    "Status",
    "Gate checklist",
    "Automatic checks",
    "Blocking findings",
    "Warnings and notices",
    "Migration waves",
    "Vendors in scope",
    "Next actions",
    "Security Rule citations",
    "Diagram",
    "Overview",
    "Summary",
    "Gaps",
    "BAA register",
    "Migration plan",
    "BAA gap report",
];

/// Returns whether a heading is one the templates write, with no inventory text in it.
fn is_template_heading(text: &str) -> bool {
    let base = match text.rsplit_once(" (phase ") {
        Some((base, "1)" | "2)" | "3)" | "4)" | "5)")) => base,
        _ => text,
    };
    SECTION_HEADINGS.contains(&base)
        || Phase::ALL
            .iter()
            .any(|phase| base == format!("Phase {}: {}", phase.number(), phase.title()))
}

/// Checks the structure every Markdown report must have, whatever the inventory holds.
#[track_caller]
fn assert_well_formed(name: &str, markdown: &str) {
    let parsed = parse(markdown);

    assert!(
        parsed.html.is_empty(),
        "{name}: HTML nodes {:?}",
        parsed.html
    );
    assert!(
        parsed.images.is_empty(),
        "{name}: images {:?}",
        parsed.images
    );
    for link in &parsed.links {
        let lower = link.to_ascii_lowercase();
        assert!(
            lower.starts_with("https://") || lower.starts_with("http://"),
            "{name}: link to {link:?}"
        );
    }
    assert_eq!(parsed.emphasis, 0, "{name}: emphasis from a value");
    assert_eq!(
        parsed.strikethrough, 0,
        "{name}: strikethrough from a value"
    );
    for code in &parsed.code_spans {
        assert_eq!(
            code, "hipaa-migrate check",
            "{name}: code span from a value"
        );
    }
    for strong in &parsed.strong {
        assert!(
            strong.ends_with(':'),
            "{name}: bold text {strong:?} is not a label"
        );
    }
    for block in &parsed.code_blocks {
        assert!(
            block.starts_with("flowchart LR\n"),
            "{name}: code block {block:?}"
        );
    }

    for (level, text) in &parsed.headings {
        assert!(
            is_template_heading(text),
            "{name}: heading {level:?} {text:?} is not a template heading"
        );
    }
    let mut anchors = HashSet::new();
    for (_, text) in &parsed.headings {
        assert!(
            anchors.insert(anchor(text)),
            "{name}: duplicate heading anchor {text:?}"
        );
    }

    for (declared, rows) in &parsed.table_shapes {
        for cells in rows {
            assert_eq!(
                cells, declared,
                "{name}: row with {cells} cells in a {declared}-column table"
            );
        }
    }
    assert_raw_tables_consistent(name, markdown);
}

/// Returns the first table after a heading that starts with `heading`.
fn table_after<'a>(parsed: &'a Parsed, heading: &str) -> &'a Table {
    parsed
        .tables
        .iter()
        .find(|table| table.heading.starts_with(heading))
        .unwrap_or_else(|| panic!("no table after heading {heading:?}"))
}

fn count(text: &str) -> usize {
    text.trim()
        .parse()
        .unwrap_or_else(|error| panic!("{text:?} is not a count: {error}"))
}

/// Checks that the status line of every phase section agrees with its checklist rows: items
/// satisfied, items in all, and the count of each state.
#[track_caller]
fn assert_status_matches_checklist(name: &str, markdown: &str) {
    let parsed = parse(markdown);
    let statuses: Vec<&str> = markdown
        .lines()
        .filter_map(|line| line.strip_prefix("- **Checklist:** "))
        .collect();
    let checklists: Vec<&Table> = parsed
        .tables
        .iter()
        .filter(|table| table.heading.starts_with("Gate checklist"))
        .collect();
    let empty_checklists = markdown
        .matches("This phase has no checklist items.")
        .count();
    assert_eq!(
        statuses.len(),
        checklists.len() + empty_checklists,
        "{name}"
    );

    let mut tables = checklists.into_iter();
    for status in statuses {
        // "3 of 94 items satisfied (2 validated, 1 not applicable, 91 open, 0 failed, 0 expired)"
        let (done_of_total, breakdown) = status
            .split_once(" items satisfied (")
            .expect("status form");
        let (done_text, total_text) = done_of_total.split_once(" of ").expect("done of total");
        let (done, total) = (count(done_text), count(total_text));
        let mut stated: BTreeMap<String, usize> = BTreeMap::new();
        for part in breakdown.trim_end_matches(')').split(", ") {
            let (number, state) = part.split_once(' ').expect("count and state");
            stated.insert(state.to_owned(), count(number));
        }
        if total == 0 {
            continue;
        }
        let table = tables.next().expect("a checklist table for each status");
        let column = table.column("State");
        let mut counted: BTreeMap<String, usize> = stated.keys().map(|k| (k.clone(), 0)).collect();
        for row in &table.rows {
            *counted.entry(row[column].clone()).or_default() += 1;
        }
        let satisfied = counted.get("validated").copied().unwrap_or(0)
            + counted.get("not applicable").copied().unwrap_or(0);
        assert_eq!(table.rows.len(), total, "{name}: total against rows");
        assert_eq!(satisfied, done, "{name}: done against rows");
        assert_eq!(counted, stated, "{name}: state counts against rows");
    }
}

/// Checks that the BAA report's summary counts equal its gap rows, by rule and severity.
#[track_caller]
fn assert_baa_summary_matches_rows(markdown: &str) -> usize {
    let parsed = parse(markdown);
    let summary = table_after(&parsed, "Summary");
    let severities = [
        ("blocker", "Blockers"),
        ("warning", "Warnings"),
        ("notice", "Notices"),
    ];

    let mut from_rows: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut rows = 0;
    if let Some(gaps) = parsed.tables.iter().find(|table| table.heading == "Gaps") {
        let rule = gaps.column("Rule");
        let severity = gaps.column("Severity");
        for row in &gaps.rows {
            *from_rows
                .entry((row[rule].clone(), row[severity].clone()))
                .or_default() += 1;
            rows += 1;
        }
    } else {
        assert!(
            markdown.contains("No BAA gap is open"),
            "no gap table and no empty note"
        );
    }

    let rule_column = summary.column("Rule");
    let total_column = summary.column("Total");
    let mut summed = 0;
    for row in &summary.rows {
        let rule = &row[rule_column];
        let mut row_total = 0;
        for (severity, column) in severities {
            let stated = count(&row[summary.column(column)]);
            if rule == "All rules" {
                let counted: usize = from_rows
                    .iter()
                    .filter(|((_, s), _)| s == severity)
                    .map(|(_, n)| n)
                    .sum();
                assert_eq!(stated, counted, "all rules, {severity}");
            } else {
                let counted = from_rows
                    .get(&(rule.clone(), severity.to_owned()))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(stated, counted, "{rule}, {severity}");
            }
            row_total += stated;
        }
        assert_eq!(count(&row[total_column]), row_total, "{rule} total");
        if rule == "All rules" {
            assert_eq!(row_total, rows, "total against gap rows");
        } else {
            summed += row_total;
        }
    }
    assert_eq!(summed, rows, "rule totals against gap rows");
    assert_register_matches_rows(&parsed);
    rows
}

/// Checks that each vendor's count in the BAA register equals the gap rows that name it.
#[track_caller]
fn assert_register_matches_rows(parsed: &Parsed) {
    let register = table_after(parsed, "BAA register");
    let vendor_column = register.column("Vendor");
    let gaps_column = register.column("Gaps");
    let gap_vendors: Vec<&str> = parsed
        .tables
        .iter()
        .find(|table| table.heading == "Gaps")
        .map(|gaps| {
            let column = gaps.column("Vendor");
            gaps.rows.iter().map(|row| row[column].as_str()).collect()
        })
        .unwrap_or_default();
    for row in &register.rows {
        let vendor = &row[vendor_column];
        let naming = gap_vendors
            .iter()
            .filter(|cell| cell.split("; ").any(|named| named == vendor))
            .count();
        assert_eq!(
            count(&row[gaps_column]),
            naming,
            "register gaps of {vendor}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The bundled example
// ---------------------------------------------------------------------------------------------

#[test]
fn riverbend_snapshots() {
    let analysed = Analysed::load(&riverbend());
    for (name, text) in analysed.markdown_reports() {
        insta::assert_snapshot!(name, text);
    }
    insta::assert_snapshot!("graph_mermaid", analysed.graph(GraphFormat::Mermaid));
    insta::assert_snapshot!("graph_dot", analysed.graph(GraphFormat::Dot));
}

#[test]
fn riverbend_reports_well_formed() {
    let analysed = Analysed::load(&riverbend());
    for (name, text) in analysed.markdown_reports() {
        assert_well_formed(&name, &text);
        assert_status_matches_checklist(&name, &text);
    }
}

#[test]
fn riverbend_baa_summary_counts() {
    let analysed = Analysed::load(&riverbend());
    let text = export::baa_gap_report(&analysed.context()).expect("BAA report");
    let rows = assert_baa_summary_matches_rows(&text);
    assert_eq!(rows, 6, "the example plants six BAA findings");
}

#[test]
fn riverbend_findings_in_rule_table() {
    let analysed = Analysed::load(&riverbend());
    for finding in &analysed.analysis.findings {
        assert!(
            rules::RULES
                .iter()
                .any(|rule| rule.id == finding.rule && rule.phases.contains(&finding.phase)),
            "{} in phase {:?} is not in the rule table",
            finding.rule,
            finding.phase
        );
    }
}

#[test]
fn phase_plan_lists_blockers_first() {
    let analysed = Analysed::load(&riverbend());
    let text = export::phase_plan(&analysed.context(), Phase::MapPhiAndVendors).expect("plan");
    let actions: Vec<&str> = text
        .lines()
        .skip_while(|line| *line != "## Next actions")
        .filter(|line| line.starts_with(char::is_numeric))
        .collect();
    assert_eq!(actions.len(), 10, "{actions:#?}");
    assert!(
        actions[0].starts_with("1. Resolve baa-expired"),
        "{}",
        actions[0]
    );
    assert!(actions[5].starts_with("6. Validate "), "{}", actions[5]);
    assert!(
        text.contains("\nAnd 89 more: "),
        "remaining actions counted"
    );
}

#[test]
fn locked_phase_says_why() {
    let analysed = Analysed::load(&riverbend());
    let text = export::phase_plan(&analysed.context(), Phase::ValidateControls).expect("plan");
    assert!(text.contains("- **State:** locked\n"));
    assert!(text.contains(
        "- **Locked:** phase 1 (Map PHI and vendors) is not complete: 94 of 94 items not \
         satisfied, 5 blocking findings\n"
    ));
    assert!(text.contains("1. Finish the earlier phase first: phase 1"));
}

#[test]
fn wave_phases_list_waves() {
    let analysed = Analysed::load(&riverbend());
    let context = analysed.context();
    for phase in Phase::ALL {
        let text = export::phase_plan(&context, phase).expect("plan");
        let parsed = parse(&text);
        let waves = parsed
            .tables
            .iter()
            .find(|table| table.heading == "Migration waves");
        match phase {
            Phase::MoveLowRiskWorkloads => {
                let waves = waves.expect("phase 3 waves");
                assert_eq!(waves.rows.len(), analysed.analysis.waves.low_risk.len());
            }
            Phase::MigrateProductionEphi => {
                let waves = waves.expect("phase 5 waves");
                assert_eq!(waves.rows.len(), analysed.analysis.waves.ephi.len());
                assert!(
                    waves.rows[3][1].contains("(lab-integration)"),
                    "{:?}",
                    waves.rows[3]
                );
            }
            _ => assert!(waves.is_none(), "phase {} has no waves", phase.number()),
        }
    }
}

#[test]
fn vendor_scope_by_phase() {
    let analysed = Analysed::load(&riverbend());
    let context = analysed.context();
    let vendors = |phase| {
        let text = export::phase_plan(&context, phase).expect("plan");
        let parsed = parse(&text);
        let table = table_after(&parsed, "Vendors in scope");
        let column = table.column("Vendor");
        table
            .rows
            .iter()
            .map(|row| row[column].clone())
            .collect::<Vec<_>>()
    };
    let phase_1 = vendors(Phase::MapPhiAndVendors);
    assert_eq!(phase_1.len(), 12, "every boundary vendor: {phase_1:#?}");
    assert!(!phase_1.iter().any(|vendor| vendor.contains("(github)")));
    let phase_3 = vendors(Phase::MoveLowRiskWorkloads);
    assert!(
        phase_3.iter().any(|vendor| vendor.contains("(github)")),
        "{phase_3:#?}"
    );
    assert!(
        !phase_3.iter().any(|vendor| vendor.contains("(lumenlog)")),
        "{phase_3:#?}"
    );
}

#[test]
fn diagram_marks_boundary_and_missing_baa() {
    let analysed = Analysed::load(&riverbend());
    let text = export::phase_plan(&analysed.context(), Phase::MapPhiAndVendors).expect("plan");
    let parsed = parse(&text);
    assert_eq!(parsed.code_blocks.len(), 1);
    let diagram = &parsed.code_blocks[0];
    assert!(diagram.contains("subgraph ephi_boundary[\"ePHI boundary\"]"));
    for vendor in ["tri_county_lab", "relaymail", "lumenlog", "keystone_qa"] {
        assert!(
            diagram
                .lines()
                .any(|line| line.contains(vendor) && line.ends_with(":::lacksBaa")),
            "{vendor} not marked"
        );
    }
    assert!(
        diagram
            .lines()
            .any(|line| line.contains("ven0_aws([") && line.ends_with(":::vendor"))
    );
}

#[test]
fn graph_covers_inventory() {
    let analysed = Analysed::load(&riverbend());
    let dot = analysed.graph(GraphFormat::Dot);
    for system in &analysed.loaded.inventory.systems {
        assert!(
            dot.contains(&format!("\"system:{}\" [label=", system.id.value)),
            "{}",
            system.id
        );
    }
    for vendor in &analysed.loaded.inventory.vendors {
        assert!(
            dot.contains(&format!("\"vendor:{}\" [label=", vendor.id.value)),
            "{}",
            vendor.id
        );
    }
    for label in [
        "depends on",
        "flow: ePHI",
        "uses",
        "logs to",
        "backs up to",
        "subprocessor",
        "runs on",
    ] {
        assert!(dot.contains(label), "no edge labelled {label}");
    }
    assert!(dot.contains("subgraph cluster_ephi_boundary {"));
    let mermaid = analysed.graph(GraphFormat::Mermaid);
    assert!(mermaid.starts_with("flowchart LR\n    subgraph ephi_boundary"));
    assert!(mermaid.contains("svc0_"), "services are drawn");
}

// ---------------------------------------------------------------------------------------------
// A hostile inventory
// ---------------------------------------------------------------------------------------------

/// Text that would add Markdown structure or HTML if it reached a report unescaped.
const HOSTILE: &str = "# Heading | pipe `tick` <script>alert(1)</script> [x](javascript:alert(1)) *star* _under_ ~strike~ $math$ \\ back";

fn write_hostile_inventory(dir: &Path) {
    let project = r##"
organisation: "# Org | <script>alert(1)</script>\n- list item"
migration: "`rm` [x](javascript:alert(1)) *bold* _it_"
provider: aws
phase_owners:
  map_phi_and_vendors: "| owner |\n# heading"
  validate_controls: "1. ordered <img src=x onerror=alert(1)>"
user: "tester <b>"
cross_region_backup_required: true
"##;
    let systems = r##"
- id: "evil|db"
  name: "# Patient DB\n<script>alert(1)</script>"
  kind: database
  environment: production
  owner: "*owner* | team"
  data_classes: [ephi]
  hosting: "| a | b |\n---\n```"
  target_services: ["Amazon Simple Storage Service (S3)", "Evil | Service <x>"]
  vendors: ["aws", "[x](javascript:alert(1))"]
  flows:
    - to: "`tick`"
      data_classes: [ephi]
      transport: public_internet
      purpose: "<script>alert(1)</script>"
  logs_to: ["<b>log</b>"]
  backups_to: ["aws"]
  storage:
    encryption_at_rest: false
    public_access: true
  rollback_plan: "line one\n- list\n1. one\n    code"
  risk: high

- id: "<b>log</b>"
  name: "Logs ~strike~ $x$"
  kind: logging
  environment: production
  data_classes: [internal]
  vendors: ["aws"]

- id: "#lowrisk"
  name: "#1 tool [click](https://example.org) `code`"
  kind: application
  environment: development
  data_classes: [internal]
  vendors: ["aws"]
  depends_on: ["#lowrisk-b"]

- id: "#lowrisk-b"
  name: "_b_"
  kind: application
  environment: development
  data_classes: [internal]
  depends_on: ["#lowrisk"]

- id: "stage\\copy"
  name: "Staging copy"
  kind: database
  environment: staging
  real_patient_data: true
  data_classes: [ephi]
  vendors: ["`tick`"]
  depends_on: ["evil|db"]
"##;
    let vendors = r#"
- id: aws
  name: "AWS | Inc <script>"
  kind: cloud_provider
  services: ["Amazon Simple Storage Service (S3)"]
  baa:
    status: signed
    signed: 2025-01-01
    expires: 2027-01-31
    covers: ["Amazon Simple Storage Service (S3)"]
    document: "https://example.org/baa?x=1&y=2"

- id: "[x](javascript:alert(1))"
  name: "Vendor [x](javascript:alert(1))"
  kind: saas
  services: ["Chat | Email"]
  subprocessors: ["sub*proc"]
  baa:
    status: none
    document: "javascript:alert(1)"

- id: "`tick`"
  name: "``` fence\n# heading"
  kind: integration_partner
  baa:
    status: signed
    signed: 2020-01-01
    expires: 2021-01-01
    document: "<a href='javascript:alert(1)'>doc</a>"

- id: "sub*proc"
  name: "Sub _proc_"
  kind: subprocessor
  baa:
    status: unknown
"#;
    fs::write(dir.join("project.yaml"), project).expect("write project.yaml");
    fs::write(dir.join("systems.yaml"), systems).expect("write systems.yaml");
    fs::write(dir.join("vendors.yaml"), vendors).expect("write vendors.yaml");
}

/// Records validations whose evidence and justification carry hostile text.
fn write_hostile_journal(dir: &Path) {
    let mut journal = Journal::open(dir).expect("open journal");
    let on = CivilDate::parse("2026-11-01").expect("date");
    let entries = [
        (
            "data-inventory",
            Subject::Project,
            ValidationStatus::Validated,
            HOSTILE.to_owned(),
            None,
        ),
        (
            "system-data-classified",
            Subject::System("evil|db".to_owned()),
            ValidationStatus::Failed,
            "[x](javascript:alert(1))\n# not a heading".to_owned(),
            None,
        ),
        (
            "system-data-classified",
            Subject::System("#lowrisk".to_owned()),
            ValidationStatus::Validated,
            "https://example.org/evidence?a=1&b=2".to_owned(),
            None,
        ),
        (
            "system-data-classified",
            Subject::System("<b>log</b>".to_owned()),
            ValidationStatus::Validated,
            "https://example.org/<script>".to_owned(),
            None,
        ),
        (
            "baa-signed",
            Subject::Vendor("aws".to_owned()),
            ValidationStatus::NotApplicable,
            "<img src=x>".to_owned(),
            Some("*because* | \n# reasons `x`".to_owned()),
        ),
    ];
    for (control, subject, status, evidence, justification) in entries {
        let entry = NewEntry {
            control: control.to_owned(),
            subject,
            status,
            by: "Mallory <script>alert(1)</script> | `x`".to_owned(),
            on,
            evidence,
            justification,
        };
        journal
            .append(&entry, &mut |_| Ok(()))
            .unwrap_or_else(|error| panic!("append {control}: {error}"));
    }
}

fn hostile() -> (TempDir, Analysed) {
    let dir = TempDir::new().expect("temporary folder");
    write_hostile_inventory(dir.path());
    write_hostile_journal(dir.path());
    let analysed = Analysed::load(dir.path());
    (dir, analysed)
}

#[test]
fn hostile_reports_well_formed() {
    let (_dir, analysed) = hostile();
    let reports = analysed.markdown_reports();
    for (name, text) in &reports {
        assert_well_formed(name, text);
        assert_status_matches_checklist(name, text);
        assert!(!text.contains("<script"), "{name}: raw <script");
        assert!(
            !text.replace("\\]", "").contains("](javascript:"),
            "{name}: unescaped link syntax"
        );
        assert!(!text.contains("<img"), "{name}: raw <img");
    }
    let links: Vec<String> = reports
        .iter()
        .flat_map(|(_, text)| parse(text).links)
        .collect();
    assert!(
        links.contains(&"https://example.org/evidence?a=1&b=2".to_owned()),
        "a plain web address becomes a link: {links:?}"
    );
    assert!(
        !links
            .iter()
            .any(|link| link.contains("<script") || link.contains("%3Cscript")),
        "an address with markup stays text: {links:?}"
    );
}

#[test]
fn hostile_values_shown_as_text() {
    let (_dir, analysed) = hostile();
    let text = export::phase_plan(&analysed.context(), Phase::MapPhiAndVendors).expect("plan");
    let parsed = parse(&text);
    let checklist = table_after(&parsed, "Gate checklist");
    let evidence = checklist.column("Evidence");
    let by = checklist.column("Validated by");
    let first = &checklist.rows[0];
    assert_eq!(
        first[evidence],
        "# Heading | pipe `tick` <script>alert(1)</script> [x](javascript:alert(1)) *star* _under_ ~strike~ $math$ \\ back",
        "evidence renders as written"
    );
    assert_eq!(first[by], "Mallory <script>alert(1)</script> | `x`");
    let failed = checklist
        .rows
        .iter()
        .find(|row| row[checklist.column("State")] == "failed")
        .expect("failed row");
    assert_eq!(
        failed[evidence],
        "[x](javascript:alert(1)) / # not a heading"
    );
    assert!(
        text.contains(
            "- **Organisation:** \\# Org \\| &lt;script&gt;alert(1)&lt;/script&gt; - list item\n"
        ),
        "organisation escaped in running text"
    );
}

#[test]
fn hostile_checklist_counts() {
    let (_dir, analysed) = hostile();
    let gate = &analysed.gates[0];
    assert_eq!(
        gate.done, 4,
        "three validated and one justified not applicable"
    );
    let text = export::phase_plan(&analysed.context(), Phase::MapPhiAndVendors).expect("plan");
    let expected = format!(
        "- **Checklist:** 4 of {} items satisfied (3 validated, 1 not applicable, {} open, \
         1 failed, 0 expired)",
        gate.total,
        gate.total - 5
    );
    assert!(text.contains(&expected), "{expected}");
}

#[test]
fn hostile_baa_summary_counts() {
    let (_dir, analysed) = hostile();
    let text = export::baa_gap_report(&analysed.context()).expect("BAA report");
    let rows = assert_baa_summary_matches_rows(&text);
    assert!(
        rows >= 4,
        "missing, expired, subprocessor and real-data gaps: {rows}"
    );
}

#[test]
fn hostile_graph_escaped() {
    let (_dir, analysed) = hostile();
    let mermaid = analysed.graph(GraphFormat::Mermaid);
    assert!(!mermaid.contains("<script"), "{mermaid}");
    assert!(!mermaid.contains("```"), "{mermaid}");
    for line in mermaid.lines().skip(1) {
        let line = line.trim_start();
        let id: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        assert!(!id.is_empty(), "statement without a plain id: {line}");
        assert_eq!(
            line.matches('"').count() % 2,
            0,
            "unbalanced quotes: {line}"
        );
        let markup_free = line
            .replace("<br/>", "")
            .replace("-.->", "")
            .replace("-->", "");
        assert!(
            !markup_free.contains(['<', '>', '`']),
            "unescaped markup: {line}"
        );
    }
    let dot = analysed.graph(GraphFormat::Dot);
    assert!(dot.contains(r#""system:evil|db""#), "{dot}");
    assert!(dot.contains(r#""system:stage\\copy""#), "{dot}");
    for line in dot.lines() {
        let unescaped_quotes = line
            .char_indices()
            .filter(|&(index, c)| c == '"' && !escaped_at(line, index))
            .count();
        assert_eq!(unescaped_quotes % 2, 0, "unbalanced quotes: {line}");
    }
}

/// Returns whether the character at `index` follows an odd number of backslashes.
fn escaped_at(line: &str, index: usize) -> bool {
    line[..index]
        .chars()
        .rev()
        .take_while(|&c| c == '\\')
        .count()
        % 2
        == 1
}

// ---------------------------------------------------------------------------------------------
// The command line
// ---------------------------------------------------------------------------------------------

/// Exit code and output of one run of the binary.
struct Run {
    command: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn report(&self) -> String {
        format!(
            "command: {}\nexit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}\n--- end ---",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the binary and panics with the whole run when the exit code is not `expected_code`.
#[track_caller]
fn run(args: &[&str], expected_code: i32) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("hipaa-migrate")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .timeout(RUN_TIMEOUT)
        .output()
        .expect("run hipaa-migrate");
    let result = Run {
        command: format!("hipaa-migrate {}", args.join(" ")),
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert_eq!(
        result.code,
        Some(expected_code),
        "unexpected exit code\n{}",
        result.report()
    );
    result
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

#[test]
fn cli_export_stdout() {
    let analysed = Analysed::load(&riverbend());
    let expected = export::phase_plan(&analysed.context(), Phase::DesignLandingZone).expect("plan");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "2",
            "--as-of",
            AS_OF,
        ],
        0,
    );
    assert_eq!(run.stdout, expected, "{}", run.report());
    assert_eq!(run.stderr, "");
    let all = self::run(
        &["export", "inventories/riverbend", "--all", "--as-of", AS_OF],
        0,
    );
    assert!(
        all.stdout.starts_with("# Migration plan\n"),
        "{}",
        all.report()
    );
    let baa = self::run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
        ],
        0,
    );
    assert!(
        baa.stdout.starts_with("# BAA gap report\n"),
        "{}",
        baa.report()
    );
}

#[test]
fn cli_export_file_replaced_atomically() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};

    let scratch = TempDir::new().expect("temporary folder");
    let target = scratch.path().join("baa.md");
    fs::write(&target, "old report").expect("write old file");
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).expect("chmod");
    let old_inode = fs::metadata(&target).expect("metadata").ino();

    let stdout = run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
        ],
        0,
    )
    .stdout;
    let written = run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
            "-o",
            path_arg(&target),
        ],
        0,
    );
    assert_eq!(
        written.stdout,
        format!("wrote {}\n", target.display()),
        "{}",
        written.report()
    );
    assert_eq!(fs::read_to_string(&target).expect("read report"), stdout);
    let metadata = fs::metadata(&target).expect("metadata");
    assert_ne!(
        metadata.ino(),
        old_inode,
        "the file was replaced by a rename, not rewritten"
    );
    assert_eq!(
        metadata.permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
    let names: Vec<String> = fs::read_dir(scratch.path())
        .expect("read folder")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["baa.md"], "no temporary file left behind");
}

#[test]
fn cli_export_missing_folder_fails() {
    let scratch = TempDir::new().expect("temporary folder");
    let target = scratch.path().join("no-such-folder/plan.md");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "1",
            "--as-of",
            AS_OF,
            "-o",
            path_arg(&target),
        ],
        2,
    );
    assert!(run.stderr.contains("cannot write"), "{}", run.report());
    let folder = scratch.path().join("no-such-folder");
    assert!(
        run.stderr
            .contains(&format!("the folder {} does not exist", folder.display())),
        "{}",
        run.report()
    );
    assert!(!run.stderr.contains(".hipaa-migrate-"), "{}", run.report());
    assert!(!folder.exists(), "no folder created");
}

#[test]
fn cli_graph_output_under_file_fails() {
    let scratch = TempDir::new().expect("temporary folder");
    let file = scratch.path().join("plan.md");
    fs::write(&file, "keep me\n").expect("write file");
    let run = run(
        &[
            "graph",
            "inventories/riverbend",
            "-o",
            path_arg(&file.join("graph.mmd")),
        ],
        2,
    );
    assert!(
        run.stderr.contains("is a file, not a folder"),
        "{}",
        run.report()
    );
    assert_eq!(fs::read_to_string(&file).expect("read file"), "keep me\n");
}

#[test]
fn cli_missing_template_folder_says_why_once() {
    let scratch = TempDir::new().expect("temporary folder");
    let missing = scratch.path().join("no-templates");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(&missing),
        ],
        2,
    );
    assert!(
        run.stderr.contains("cannot read template folder"),
        "{}",
        run.report()
    );
    assert_eq!(
        run.stderr.matches("os error").count(),
        1,
        "{}",
        run.report()
    );
}

#[test]
fn cli_misnamed_template_warns() {
    let templates = TempDir::new().expect("temporary folder");
    fs::write(templates.path().join("BAA-gaps.md.j2"), "# Mine\n").expect("write template");
    fs::write(templates.path().join("signature.md.j2"), "Signed\n").expect("write template");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ],
        0,
    );
    assert!(
        run.stderr
            .contains("BAA-gaps.md.j2 replaces no built-in template"),
        "{}",
        run.report()
    );
    assert!(
        run.stderr.contains("rename it to baa_gaps.md.j2"),
        "{}",
        run.report()
    );
    assert!(!run.stderr.contains("signature.md.j2"), "{}", run.report());
    assert!(run.stdout.contains("# BAA gap report"), "{}", run.report());
}

#[test]
fn cli_template_override_one_file() {
    let templates = TempDir::new().expect("temporary folder");
    fs::write(
        templates.path().join("baa_gaps.md.j2"),
        "# Custom gaps\n\n{{ report.total.total }} gaps for {{ header.organisation }}\n",
    )
    .expect("write template");
    let args = |report: &'static str| {
        vec![
            "export",
            "inventories/riverbend",
            report,
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ]
    };
    let custom = run(&args("--baa-gaps"), 0);
    assert_eq!(
        custom.stdout,
        "# Custom gaps\n\n6 gaps for Riverbend Health\n",
        "{}",
        custom.report()
    );
    let built_in = run(
        &["export", "inventories/riverbend", "--all", "--as-of", AS_OF],
        0,
    );
    let with_folder = run(&args("--all"), 0);
    assert_eq!(
        with_folder.stdout, built_in.stdout,
        "other templates stay built in"
    );
}

#[test]
fn cli_template_override_partial() {
    let templates = TempDir::new().expect("temporary folder");
    fs::write(
        templates.path().join("header.md.j2"),
        "Prepared for {{ header.organisation|md_text }}.\n",
    )
    .expect("write template");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "3",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ],
        0,
    );
    assert!(
        run.stdout.starts_with(
            "# Phase 3: Move low-risk workloads first\n\nPrepared for Riverbend Health.\n"
        ),
        "{}",
        run.report()
    );
}

#[test]
fn cli_template_undefined_variable() {
    let templates = TempDir::new().expect("temporary folder");
    let template = templates.path().join("phase_plan.md.j2");
    fs::write(&template, "# Plan\n\n{{ phase.no_such_field }}\n").expect("write template");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "1",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ],
        2,
    );
    assert_eq!(run.stdout, "", "nothing half filled is written");
    let expected = format!(
        "error: template error in {}, line 3: undefined value",
        template.display()
    );
    assert!(run.stderr.starts_with(&expected), "{}", run.report());
    assert!(
        run.stderr.contains("phase.no_such_field"),
        "{}",
        run.report()
    );
}

#[test]
fn cli_template_undefined_in_partial() {
    let templates = TempDir::new().expect("temporary folder");
    let template = templates.path().join("header.md.j2");
    fs::write(
        &template,
        "- **As of:** {{ header.as_of }}\n- {{ header.missing }}\n",
    )
    .expect("write template");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--baa-gaps",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ],
        2,
    );
    let expected = format!(
        "template error in {}, line 2: undefined value",
        template.display()
    );
    assert!(run.stderr.contains(&expected), "{}", run.report());
}

#[test]
fn cli_template_syntax_error() {
    let templates = TempDir::new().expect("temporary folder");
    let template = templates.path().join("phase_plan.md.j2");
    fs::write(&template, "# Plan\n{% if %}\n").expect("write template");
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "1",
            "--as-of",
            AS_OF,
            "--templates",
            path_arg(templates.path()),
        ],
        2,
    );
    let expected = format!(
        "error: template error in {}, line 2: syntax error",
        template.display()
    );
    assert!(run.stderr.starts_with(&expected), "{}", run.report());
}

#[test]
fn cli_template_folder_missing() {
    let run = run(
        &[
            "export",
            "inventories/riverbend",
            "--phase",
            "1",
            "--as-of",
            AS_OF,
            "--templates",
            "no-such-templates",
        ],
        2,
    );
    assert!(
        run.stderr
            .contains("cannot read template folder no-such-templates"),
        "{}",
        run.report()
    );
}

#[test]
fn cli_invalid_inventory_exit_2() {
    for args in [
        &[
            "export",
            "inventories/invalid/unknown-field",
            "--phase",
            "1",
        ][..],
        &[
            "export",
            "inventories/invalid/several-mistakes",
            "--baa-gaps",
        ][..],
        &["graph", "inventories/invalid/unknown-field"][..],
    ] {
        let run = run(args, 2);
        assert_eq!(run.stdout, "", "{}", run.report());
        assert!(
            run.stderr
                .contains("the inventory is invalid, so nothing was exported"),
            "{}",
            run.report()
        );
        assert!(
            run.stderr.contains("systems.yaml") || run.stderr.contains("vendors.yaml"),
            "{}",
            run.report()
        );
    }
}

#[test]
fn cli_damaged_journal_exit_2() {
    let scratch = TempDir::new().expect("temporary folder");
    write_hostile_inventory(scratch.path());
    fs::write(scratch.path().join("journal.jsonl"), "{not json}\n").expect("write journal");
    let run = run(
        &[
            "export",
            path_arg(scratch.path()),
            "--phase",
            "1",
            "--as-of",
            AS_OF,
        ],
        2,
    );
    assert!(run.stderr.contains("journal.jsonl"), "{}", run.report());
    assert_eq!(run.stdout, "");
}

#[test]
fn cli_export_needs_one_report() {
    run(&["export", "inventories/riverbend"], 2);
    run(
        &["export", "inventories/riverbend", "--phase", "1", "--all"],
        2,
    );
    run(&["export", "inventories/riverbend", "--phase", "6"], 2);
}

#[test]
fn cli_graph_formats() {
    let analysed = Analysed::load(&riverbend());
    let mermaid = run(&["graph", "inventories/riverbend", "--as-of", AS_OF], 0);
    assert_eq!(mermaid.stdout, analysed.graph(GraphFormat::Mermaid));
    let dot = run(
        &[
            "graph",
            "inventories/riverbend",
            "--format",
            "dot",
            "--as-of",
            AS_OF,
        ],
        0,
    );
    assert_eq!(dot.stdout, analysed.graph(GraphFormat::Dot));
    run(&["graph", "inventories/riverbend", "--format", "svg"], 2);
}
