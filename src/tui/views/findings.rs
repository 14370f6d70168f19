//! The findings view: every finding, grouped by severity and phase, and the selected one's
//! objects, path, remediation and citations.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::tui::app::App;
use crate::tui::snapshot::{Snapshot, kind_label};
use crate::tui::views::{self, field, heading, marker};

/// Splits the body into the findings table and the detail below it.
pub fn layout(body: Rect) -> (Rect, Rect) {
    let [table, detail] =
        Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
    (table, detail)
}

/// Draws the findings view.
pub fn draw(frame: &mut Frame, app: &App, data: &Snapshot, body: Rect) {
    let (table, detail) = layout(body);
    draw_table(frame, app, data, table);
    draw_detail(frame, app, data, detail);
}

fn draw_table(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let list = &app.findings;
    let window = list.window(usize::from(views::table_rows(area).height));
    let first = window.start;
    let selected = list.selected_position();
    let rows: Vec<(bool, Row)> = window
        .map(|position| {
            let row = &data.findings[list.visible()[position]];
            let finding = &data.analysis.findings[row.index];
            let group = (finding.severity, finding.phase);
            // Severity and phase show on the first row of each group, which reads as a
            // heading; the table is sorted by both.
            let same_group = position.checked_sub(1).filter(|&p| p >= first).map(|p| {
                let previous = &data.analysis.findings[data.findings[list.visible()[p]].index];
                (previous.severity, previous.phase)
            }) == Some(group);
            let (severity, phase) = if same_group {
                (String::new(), String::new())
            } else {
                (
                    finding.severity.label().to_owned(),
                    finding.phase.number().to_string(),
                )
            };
            let is_selected = position == selected;
            let cells = vec![
                Cell::from(marker(is_selected)),
                Cell::from(Span::styled(severity, theme.severity(finding.severity))),
                Cell::from(phase),
                Cell::from(finding.rule),
                Cell::from(row.object.as_str()),
                Cell::from(finding.message.as_str()),
            ];
            (is_selected, Row::new(cells))
        })
        .collect();
    let totals = data.totals;
    let count = |number: usize, noun: &str| {
        if number == 1 {
            format!("1 {noun}")
        } else {
            format!("{number} {noun}s")
        }
    };
    let name = format!(
        "Findings: {}, {}, {}",
        count(totals.blockers, "blocker"),
        count(totals.warnings, "warning"),
        count(totals.notices, "notice")
    );
    views::draw_table(
        frame,
        area,
        views::list_title(&name, list),
        vec!["Severity", "Phase", "Rule", "Object", "Message"],
        &[
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Fill(5),
        ],
        rows,
        theme,
    );
}

fn draw_detail(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let Some(row) = app.findings.selected() else {
        views::draw_detail(frame, area, "Finding", Vec::new(), theme);
        return;
    };
    let finding = &data.analysis.findings[data.findings[row].index];
    let mut lines = vec![
        Line::from(vec![
            Span::styled(
                format!("{} ", finding.severity.label()),
                theme.severity(finding.severity),
            ),
            Span::styled(
                format!("{} (phase {}) ", finding.rule, finding.phase.number()),
                theme.title(),
            ),
            Span::raw(finding.message.clone()),
        ]),
        field("Fix", finding.remediation.clone(), theme),
    ];
    if !finding.path.is_empty() {
        lines.push(field("Path", finding.path.join(" → "), theme));
    }
    if !finding.citations.is_empty() {
        lines.push(field(
            "Cites",
            format!("45 CFR {}", finding.citations.join(", ")),
            theme,
        ));
    }
    lines.push(heading("Objects", theme));
    for object in &finding.objects {
        // Paths show relative to the inventory folder, which the header names.
        let file = object
            .file
            .strip_prefix(&data.inventory.root)
            .unwrap_or(&object.file);
        let place = if object.line > 0 {
            format!("  {}:{}", file.display(), object.line)
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{} {}", kind_label(object.kind), object.id)),
            Span::styled(place, theme.dim()),
        ]));
    }
    views::draw_detail(frame, area, "Finding", lines, theme);
}
