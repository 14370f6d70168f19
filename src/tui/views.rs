//! The five views, one module each, and what their tables share: layout, windowed rows and
//! mouse hit testing.
//!
//! Each view's table is built from the rows of its visible window only, so drawing takes
//! the same time whatever the size of the inventory.

pub mod findings;
pub mod phases;
pub mod systems;
pub mod vendors;
pub mod waves;

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, Wrap};

use crate::tui::action::View;
use crate::tui::app::App;
use crate::tui::rows::RowList;
use crate::tui::snapshot::LoadFailure;
use crate::tui::theme::Theme;

/// Width from which a view puts its detail pane beside the table instead of below it.
const SIDE_BY_SIDE_WIDTH: u16 = 150;

/// Target of a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hit {
    /// A phase of the phases list.
    Phase(usize),
    /// A row of the current list, by position among its visible rows.
    Row(usize),
    /// A row of a wave column: the column and the position.
    WaveColumn(usize, usize),
}

/// Draws the current view, or the load problems when the inventory did not load.
pub fn draw(frame: &mut Frame, app: &App, body: Rect) {
    let data = match &app.data {
        Ok(data) => data,
        Err(failure) => {
            draw_load_failure(frame, body, failure, app.theme);
            return;
        }
    };
    match app.view {
        View::Phases => phases::draw(frame, app, data, body),
        View::Systems => systems::draw(frame, app, data, body),
        View::Vendors => vendors::draw(frame, app, data, body),
        View::Waves => waves::draw(frame, app, data, body),
        View::Findings => findings::draw(frame, app, data, body),
    }
}

/// Returns the screen rows of the current view's list, below the table header.
pub fn rows_area(app: &App, body: Rect) -> Rect {
    let table = match app.view {
        View::Phases => phases::layout(body).checklist,
        View::Systems | View::Vendors => split(body).0,
        View::Waves => waves::layout(body).columns[app.wave_column],
        View::Findings => findings::layout(body).0,
    };
    table_rows(table)
}

/// Returns what the click at `column`, `row` of the body landed on.
pub fn hit(app: &App, body: Rect, column: u16, row: u16) -> Option<Hit> {
    match app.view {
        View::Phases => {
            let layout = phases::layout(body);
            let inner = layout.phases.inner(Margin::new(1, 1));
            if inner.contains((column, row).into()) {
                let phase = usize::from(row - inner.y);
                return (phase < 5).then_some(Hit::Phase(phase));
            }
            hit_row(layout.checklist, app.current_list()?, column, row).map(Hit::Row)
        }
        View::Waves => {
            let layout = waves::layout(body);
            (0..2).find_map(|index| {
                hit_row(layout.columns[index], &app.waves[index], column, row)
                    .map(|position| Hit::WaveColumn(index, position))
            })
        }
        _ => {
            let table = match app.view {
                View::Findings => findings::layout(body).0,
                _ => split(body).0,
            };
            hit_row(table, app.current_list()?, column, row).map(Hit::Row)
        }
    }
}

/// Splits a body into a table and a detail pane: side by side on wide terminals, the detail
/// below otherwise.
pub fn split(body: Rect) -> (Rect, Rect) {
    if body.width >= SIDE_BY_SIDE_WIDTH {
        let [table, detail] =
            Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                .areas(body);
        (table, detail)
    } else {
        let [table, detail] =
            Layout::vertical([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(body);
        (table, detail)
    }
}

/// Returns the rows of a bordered table below its one-line header.
pub fn table_rows(table: Rect) -> Rect {
    let inner = table.inner(Margin::new(1, 1));
    Rect {
        y: inner.y.saturating_add(1),
        height: inner.height.saturating_sub(1),
        ..inner
    }
}

/// Returns the position of the visible row under a click in a bordered table.
fn hit_row(table: Rect, list: &RowList, column: u16, row: u16) -> Option<usize> {
    let rows = table_rows(table);
    if !rows.contains((column, row).into()) {
        return None;
    }
    let window = list.window(usize::from(rows.height));
    let position = window.start + usize::from(row - rows.y);
    (position < window.end).then_some(position)
}

/// Returns a list's title with its counts and filter, such as `Systems 4 of 30 /clin`.
pub fn list_title(name: &str, list: &RowList) -> String {
    let shown = list.visible().len();
    let total = list.total();
    let mut title = if shown == total {
        format!(" {name} ({total})")
    } else {
        format!(" {name} ({shown} of {total})")
    };
    if !list.filter.is_empty() {
        let _ = write!(title, " /{}", list.filter);
    }
    title.push(' ');
    title
}

/// Returns the selection marker of a row, so the selection also shows without color.
pub fn marker(selected: bool) -> &'static str {
    if selected { "▶" } else { " " }
}

/// Draws a bordered table of the rows of one window. `rows` yields each visible row with
/// whether it is selected; the marker column comes first.
pub fn draw_table<'a>(
    frame: &mut Frame,
    area: Rect,
    title: String,
    header: Vec<&'a str>,
    widths: &[Constraint],
    rows: Vec<(bool, Row<'a>)>,
    theme: Theme,
) {
    let mut all_widths = vec![Constraint::Length(1)];
    all_widths.extend_from_slice(widths);
    let mut header_cells = vec![""];
    header_cells.extend(header);
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|(selected, row)| {
            if selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(rows, all_widths)
        .header(Row::new(header_cells).style(theme.header()))
        .column_spacing(1)
        .block(Block::bordered().title(Span::styled(title, theme.title())));
    frame.render_widget(table, area);
}

/// Draws a bordered pane of wrapped lines.
pub fn draw_detail(frame: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, theme: Theme) {
    let block = Block::bordered().title(Span::styled(format!(" {title} "), theme.title()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// Returns a `label: value` line with a dim label.
pub fn field(label: impl Into<String>, value: impl Into<String>, theme: Theme) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{}: ", label.into()), theme.dim()),
        Span::raw(value.into()),
    ])
}

/// Returns a section heading line for a detail pane.
pub fn heading(text: impl Into<String>, theme: Theme) -> Line<'static> {
    Line::styled(text.into(), theme.title())
}

/// Most items a detail line lists before "and N more", so a system that thousands of others
/// depend on still costs a few lines a frame.
pub const LIST_LIMIT: usize = 12;

/// Joins the first [`LIST_LIMIT`] of `count` items with commas, adding "and N more", or
/// returns `empty` when there are none.
pub fn join_limited(items: impl Iterator<Item = String>, count: usize, empty: &str) -> String {
    if count == 0 {
        return empty.to_owned();
    }
    let shown: Vec<String> = items.take(LIST_LIMIT).collect();
    let mut text = shown.join(", ");
    if count > LIST_LIMIT {
        let _ = write!(text, " and {} more", count - LIST_LIMIT);
    }
    text
}

/// Returns a cell text for an optional yes/no fact.
pub fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not recorded",
    }
}

fn draw_load_failure(frame: &mut Frame, area: Rect, failure: &LoadFailure, theme: Theme) {
    let mut lines = vec![
        Line::styled(
            "The inventory cannot be shown until these problems are fixed. Save a file and \
             the view reloads; `hipaa-migrate check` shows each problem with its source.",
            Style::new().patch(theme.bad()),
        ),
        Line::raw(""),
    ];
    let room = usize::from(area.height.saturating_sub(4));
    for problem in failure.problems.iter().take(room) {
        lines.push(Line::raw(problem.clone()));
    }
    if failure.problems.len() > room {
        lines.push(Line::styled(
            format!("and {} more", failure.problems.len() - room),
            theme.dim(),
        ));
    }
    draw_detail(frame, area, "Problems", lines, theme);
}
