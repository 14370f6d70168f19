//! The waves view: the waves of phase 3 and phase 5 side by side, with the selected system's
//! dependencies and dependents highlighted in both columns.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::tui::app::App;
use crate::tui::snapshot::Snapshot;
use crate::tui::views::{self, marker};

/// The regions of the waves view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WavesLayout {
    /// Phase 3 and phase 5 columns.
    pub columns: [Rect; 2],
    /// The selected system's dependencies.
    pub detail: Rect,
}

/// Splits the body of the waves view.
pub fn layout(body: Rect) -> WavesLayout {
    let [columns, detail] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(5)]).areas(body);
    let [left, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(columns);
    WavesLayout {
        columns: [left, right],
        detail,
    }
}

const TITLES: [&str; 2] = ["Phase 3: low-risk workloads", "Phase 5: production ePHI"];

/// Draws the waves view.
pub fn draw(frame: &mut Frame, app: &App, data: &Snapshot, body: Rect) {
    let layout = layout(body);
    let focused = app.waves[app.wave_column]
        .selected()
        .map(|position| data.waves[app.wave_column][position].system);
    for column in 0..2 {
        draw_column(frame, app, data, column, focused, layout.columns[column]);
    }
    draw_detail(frame, app, data, focused, layout.detail);
}

fn draw_column(
    frame: &mut Frame,
    app: &App,
    data: &Snapshot,
    column: usize,
    focused: Option<usize>,
    area: Rect,
) {
    let theme = app.theme;
    let list = &app.waves[column];
    let rows = &data.waves[column];
    let window = list.window(usize::from(views::table_rows(area).height));
    let first = window.start;
    let active = column == app.wave_column;
    let dependencies = focused.map_or(&[][..], |system| &data.dependencies[system][..]);
    let dependents = focused.map_or(&[][..], |system| &data.dependents[system][..]);
    let visible: Vec<(bool, Row)> = window
        .map(|position| {
            let row = rows[list.visible()[position]];
            let previous = position
                .checked_sub(1)
                .filter(|&p| p >= first)
                .map(|p| rows[list.visible()[p]].wave);
            let wave = if previous == Some(row.wave) {
                String::new()
            } else {
                row.wave.to_string()
            };
            let is_selected = active && position == list.selected_position();
            let style = if dependencies.contains(&row.system) {
                theme.related()
            } else if dependents.binary_search(&row.system).is_ok() {
                theme.dependent()
            } else {
                Style::new()
            };
            let system = &data.systems[row.system];
            let cells = vec![
                Cell::from(marker(is_selected)),
                Cell::from(wave),
                Cell::from(Span::styled(system.id.as_str(), style)),
                Cell::from(Span::styled(system.name.as_str(), style)),
            ];
            (is_selected, Row::new(cells))
        })
        .collect();
    views::draw_table(
        frame,
        area,
        views::list_title(TITLES[column], list),
        vec!["Wave", "System", "Name"],
        &[
            Constraint::Length(4),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ],
        visible,
        theme,
    );
}

fn draw_detail(frame: &mut Frame, app: &App, data: &Snapshot, focused: Option<usize>, area: Rect) {
    let theme = app.theme;
    let Some(system) = focused else {
        views::draw_detail(frame, area, "Dependencies", Vec::new(), theme);
        return;
    };
    let label = |indexes: &[usize]| -> String {
        let names = indexes.iter().map(|&index| {
            let row = &data.systems[index];
            format!("{} ({})", row.id, views::systems::wave_label(row))
        });
        views::join_limited(names, indexes.len(), "none")
    };
    let row = &data.systems[system];
    let lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", row.id), theme.title()),
            Span::raw(match row.wave {
                Some((phase, wave)) => format!("moves in phase {phase}, wave {wave}"),
                None => "is in no wave".to_owned(),
            }),
            Span::styled("  (others shown as phase.wave)", theme.dim()),
        ]),
        Line::from(vec![
            Span::styled("depends on: ", theme.related()),
            Span::raw(label(&data.dependencies[system])),
        ]),
        Line::from(vec![
            Span::styled("needed by: ", theme.dependent()),
            Span::raw(label(&data.dependents[system])),
        ]),
    ];
    views::draw_detail(frame, area, "Dependencies", lines, theme);
}
