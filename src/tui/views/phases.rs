//! The phases view: the five phases with state and progress, and for the selected phase its
//! checklist, automatic checks, blocking findings and waves.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use crate::gates::{PhaseGate, PhaseState};
use crate::model::{Phase, PhaseOwners};
use crate::tui::app::App;
use crate::tui::snapshot::Snapshot;
use crate::tui::theme::Theme;
use crate::tui::views::{self, heading, marker};

/// Most blocking findings and wave lines the detail pane lists before "and N more".
const DETAIL_LIST_LIMIT: usize = 6;

/// The regions of the phases view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhasesLayout {
    /// The list of the five phases.
    pub phases: Rect,
    /// The selected phase's checklist table.
    pub checklist: Rect,
    /// The selected phase's detail.
    pub detail: Rect,
}

/// Splits the body of the phases view.
pub fn layout(body: Rect) -> PhasesLayout {
    let [phases, rest] = Layout::vertical([Constraint::Length(7), Constraint::Min(0)]).areas(body);
    let (checklist, detail) = views::split(rest);
    PhasesLayout {
        phases,
        checklist,
        detail,
    }
}

/// Draws the phases view.
pub fn draw(frame: &mut Frame, app: &App, data: &Snapshot, body: Rect) {
    let layout = layout(body);
    draw_phases(frame, app, data, layout.phases);
    draw_checklist(frame, app, data, layout.checklist);
    draw_detail(frame, app, data, layout.detail);
}

fn owner(owners: &PhaseOwners, phase: Phase) -> Option<&str> {
    match phase {
        Phase::MapPhiAndVendors => owners.map_phi_and_vendors.as_deref(),
        Phase::DesignLandingZone => owners.design_landing_zone.as_deref(),
        Phase::MoveLowRiskWorkloads => owners.move_low_risk_workloads.as_deref(),
        Phase::ValidateControls => owners.validate_controls.as_deref(),
        Phase::MigrateProductionEphi => owners.migrate_production_ephi.as_deref(),
    }
}

/// Returns a ten-cell bar of `done` out of `total`.
fn progress_bar(done: usize, total: usize) -> String {
    let filled = (done * 10).checked_div(total).unwrap_or(10);
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

fn draw_phases(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let owners = data
        .inventory
        .project
        .as_ref()
        .map(|project| &project.phase_owners);
    let rows: Vec<Row> = data
        .gates
        .iter()
        .enumerate()
        .map(|(index, gate)| {
            let selected = index == app.phase;
            let blockers = gate.blocking_findings.len();
            let blockers = match blockers {
                0 => String::new(),
                1 => "1 blocker".to_owned(),
                n => format!("{n} blockers"),
            };
            let owner = owners
                .and_then(|owners| owner(owners, gate.phase))
                .unwrap_or_default();
            let row = Row::new(vec![
                Cell::from(marker(selected)),
                Cell::from(format!("{} {}", gate.phase.number(), gate.phase.title())),
                Cell::from(Span::styled(
                    gate.state.label(),
                    theme.phase_state(gate.state),
                )),
                Cell::from(format!("{}/{}", gate.done, gate.total)),
                Cell::from(progress_bar(gate.done, gate.total)),
                Cell::from(Span::styled(blockers, theme.bad())),
                Cell::from(Span::styled(owner.to_owned(), theme.dim())),
            ]);
            if selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let widths = [
        Constraint::Length(1),
        Constraint::Length(37),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .column_spacing(1)
        .block(Block::bordered().title(Span::styled(" Phases ", theme.title())));
    frame.render_widget(table, area);
}

fn draw_checklist(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let list = &app.checklists[app.phase];
    let rows = &data.checklists[app.phase];
    let height = usize::from(views::table_rows(area).height);
    let window = list.window(height);
    let selected = list.selected_position();
    let visible: Vec<(bool, Row)> = window
        .map(|position| {
            let row = &rows[list.visible()[position]];
            let is_selected = position == selected;
            let cells = vec![
                Cell::from(marker(is_selected)),
                Cell::from(row.control.as_str()),
                Cell::from(row.subject.to_string()),
                Cell::from(Span::styled(row.state.label(), theme.item_state(row.state))),
                Cell::from(row.by.as_str()),
                Cell::from(row.on.as_str()),
                Cell::from(row.evidence.as_str()),
            ];
            (is_selected, Row::new(cells))
        })
        .collect();
    let phase = app.selected_phase();
    let title = views::list_title(&format!("Checklist of phase {}", phase.number()), list);
    views::draw_table(
        frame,
        area,
        title,
        vec!["Control", "Subject", "State", "By", "On", "Evidence"],
        &[
            Constraint::Fill(5),
            Constraint::Fill(5),
            Constraint::Length(14),
            Constraint::Fill(2),
            Constraint::Length(10),
            Constraint::Fill(2),
        ],
        visible,
        theme,
    );
}

fn draw_detail(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let phase = app.selected_phase();
    let Some(gate) = data.gate(phase) else {
        return;
    };
    let mut lines: Vec<Line> = Vec::new();
    if gate.state == PhaseState::Locked {
        let reason = gate
            .locked_by
            .as_deref()
            .unwrap_or("the phase before it is not complete");
        lines.push(Line::styled(
            format!("Locked: {reason}. Validations open when it unlocks."),
            theme.bad(),
        ));
    }
    item_lines(app, data, gate, theme, &mut lines);
    blocking_lines(data, gate, theme, &mut lines);
    check_lines(data, app.phase, theme, &mut lines);
    wave_lines(data, phase, theme, &mut lines);
    views::draw_detail(
        frame,
        area,
        &format!("Phase {}: {}", phase.number(), phase.title()),
        lines,
        theme,
    );
}

fn item_lines(app: &App, data: &Snapshot, gate: &PhaseGate, theme: Theme, lines: &mut Vec<Line>) {
    let Some(index) = app.checklists[app.phase].selected() else {
        return;
    };
    let row = &data.checklists[app.phase][index];
    let Some(control) = gate.control(&row.control) else {
        return;
    };
    lines.push(heading(
        format!("{} for {}", row.control, row.subject),
        theme,
    ));
    lines.push(Line::raw(control.entry.title.clone()));
    if let Some(how) = &control.entry.how_to_validate {
        lines.push(views::field("How", how.clone(), theme));
    }
    if let Some(validation) = gate.items.get(index).and_then(|i| i.validation.as_ref()) {
        let mut text = format!(
            "{} by {} on {}",
            validation.status.label(),
            validation.by,
            validation.on
        );
        if let Some(due) = gate.items[index].due {
            let _ = write!(text, ", due again by {due}");
        }
        lines.push(views::field("Latest", text, theme));
        for evidence in validation.evidence.lines().take(3) {
            lines.push(views::field("Evidence", evidence.to_owned(), theme));
        }
    }
}

fn blocking_lines(data: &Snapshot, gate: &PhaseGate, theme: Theme, lines: &mut Vec<Line>) {
    lines.push(Line::raw(""));
    let count = gate.blocking_findings.len();
    lines.push(heading(format!("Blocking findings ({count})"), theme));
    if count == 0 {
        lines.push(Line::styled("none", theme.good()));
    }
    for &index in gate.blocking_findings.iter().take(DETAIL_LIST_LIMIT) {
        let finding = &data.analysis.findings[index];
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", finding.rule), theme.bad()),
            Span::raw(finding.message.clone()),
        ]));
    }
    if count > DETAIL_LIST_LIMIT {
        lines.push(Line::styled(
            format!(
                "and {} more in the findings view",
                count - DETAIL_LIST_LIMIT
            ),
            theme.dim(),
        ));
    }
}

fn check_lines(data: &Snapshot, phase: usize, theme: Theme, lines: &mut Vec<Line>) {
    lines.push(Line::raw(""));
    lines.push(heading("Automatic checks", theme));
    for check in &data.checks[phase] {
        let (mark, style, counts) = match (check.blockers, check.others) {
            (0, 0) => ("✓", theme.good(), String::new()),
            (0, others) => ("!", theme.warn(), format!(" ({others} to review)")),
            (blockers, others) => (
                "✗",
                theme.bad(),
                format!(" ({blockers} blocking, {others} to review)"),
            ),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{mark} {}", check.rule), style),
            Span::raw(counts),
            Span::styled(format!(": {}", check.finds), theme.dim()),
        ]));
    }
}

fn wave_lines(data: &Snapshot, phase: Phase, theme: Theme, lines: &mut Vec<Line>) {
    let waves = match phase {
        Phase::MoveLowRiskWorkloads => &data.analysis.waves.low_risk,
        Phase::MigrateProductionEphi => &data.analysis.waves.ephi,
        _ => return,
    };
    lines.push(Line::raw(""));
    lines.push(heading(format!("Waves ({})", waves.len()), theme));
    for wave in waves.iter().take(DETAIL_LIST_LIMIT) {
        let shown: Vec<&str> = wave
            .systems
            .iter()
            .take(DETAIL_LIST_LIMIT)
            .map(String::as_str)
            .collect();
        let more = wave.systems.len().saturating_sub(DETAIL_LIST_LIMIT);
        let mut text = shown.join(", ");
        if more > 0 {
            let _ = write!(text, " and {more} more");
        }
        lines.push(views::field(format!("wave {}", wave.number), text, theme));
    }
    if waves.len() > DETAIL_LIST_LIMIT {
        lines.push(Line::styled(
            format!(
                "and {} more waves in the waves view",
                waves.len() - DETAIL_LIST_LIMIT
            ),
            theme.dim(),
        ));
    }
}
