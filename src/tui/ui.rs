//! The frame around the views: header, tabs, status line and footer, the help overlay, and
//! the notice for a terminal too small to draw in.
//!
//! Drawing reads the [`App`] and changes nothing.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::tui::action::View;
use crate::tui::app::{App, Overlay};
use crate::tui::keymap;
use crate::tui::theme::Theme;
use crate::tui::{dialog, views};

/// Narrowest terminal the views are drawn in; below it a one-line notice shows.
pub const MIN_WIDTH: u16 = 60;
/// Lowest terminal the views are drawn in.
pub const MIN_HEIGHT: u16 = 16;

/// The regions of a terminal large enough for the views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Screen {
    /// Two header lines.
    pub header: Rect,
    /// The tab bar.
    pub tabs: Rect,
    /// The view.
    pub body: Rect,
    /// The status line: messages and the filter being typed.
    pub status: Rect,
    /// The key footer.
    pub footer: Rect,
}

impl Screen {
    /// Splits the terminal area, or returns `None` when it is too small for the views.
    pub fn new(area: Rect) -> Option<Screen> {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            return None;
        }
        let [header, tabs, body, status, footer] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(1),
            Constraint::Length(1),
            Constraint::Length(1),
        ])
        .areas(area);
        Some(Screen {
            header,
            tabs,
            body,
            status,
            footer,
        })
    }
}

/// Draws the whole TUI.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(screen) = Screen::new(area) else {
        draw_too_small(frame, area);
        return;
    };
    draw_header(frame, app, screen.header);
    draw_tabs(frame, app, screen.tabs);
    views::draw(frame, app, screen.body);
    draw_status(frame, app, screen.status);
    draw_footer(frame, app, screen.footer);
    match &app.overlay {
        Some(Overlay::Dialog(dialog)) => dialog::draw(frame, area, dialog, app.theme),
        Some(Overlay::Help { scroll }) => draw_help(frame, app, area, *scroll),
        None => {}
    }
}

fn draw_too_small(frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    // The longest wording that fits, so even a narrow terminal shows the size it needs.
    let (width, height) = (area.width, area.height);
    let variants = [
        format!(
            "terminal too small ({width}x{height}): enlarge it to at least {MIN_WIDTH}x{MIN_HEIGHT}"
        ),
        format!("too small: need {MIN_WIDTH}x{MIN_HEIGHT}"),
        format!("need {MIN_WIDTH}x{MIN_HEIGHT}"),
    ];
    let fits = |text: &&String| text.chars().count() <= usize::from(width);
    let notice = variants.iter().find(fits).unwrap_or(&variants[2]).clone();
    let line = Rect { height: 1, ..area };
    frame.render_widget(Line::raw(notice), line);
}

fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme;
    let separator = Span::styled(" · ", theme.dim());
    let mut first = vec![Span::styled(" hipaa-migrate", theme.title())];
    let mut second = vec![
        Span::styled(" inventory ", theme.dim()),
        Span::raw(app.dir.display().to_string()),
        Span::styled("  journal ", theme.dim()),
        Span::raw(app.journal_path().display().to_string()),
    ];
    match &app.data {
        Ok(data) => {
            if let Some(project) = &data.inventory.project {
                first.push(separator.clone());
                first.push(Span::raw(project.organisation.clone()));
                first.push(separator.clone());
                first.push(Span::raw(project.provider.to_string()));
            }
            let totals = data.totals;
            let percent = (totals.done * 100).checked_div(totals.items).unwrap_or(100);
            first.push(separator.clone());
            first.push(Span::raw(format!("as of {}", app.as_of)));
            first.push(separator.clone());
            first.push(Span::raw(format!(
                "{}/{} items ({percent}%)",
                totals.done, totals.items
            )));
            first.push(separator);
            let blockers = format!(
                "{} {}",
                totals.blockers,
                if totals.blockers == 1 {
                    "blocker"
                } else {
                    "blockers"
                }
            );
            let style = if totals.blockers > 0 {
                theme.bad()
            } else {
                theme.good()
            };
            first.push(Span::styled(blockers, style));
            if let Some(project) = &data.inventory.project {
                first.push(Span::styled(" · ", theme.dim()));
                first.push(Span::raw(project.migration.clone()));
            }
            match &data.journal {
                Ok(journal) if journal.problems().is_empty() => {
                    let count = journal.entries().len();
                    let noun = if count == 1 { "entry" } else { "entries" };
                    second.push(Span::styled(format!(" ({count} {noun})"), theme.dim()));
                }
                Ok(journal) => second.push(Span::styled(
                    format!(
                        " (damaged at line {}: run `hipaa-migrate journal verify`)",
                        journal.problems()[0].line
                    ),
                    theme.bad(),
                )),
                Err(_) => second.push(Span::styled(" (unreadable)", theme.bad())),
            }
        }
        Err(failure) => {
            first.push(separator);
            first.push(Span::styled(
                format!("the inventory has {} problems", failure.problems.len()),
                theme.bad(),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

/// Returns each tab's label, in view order.
fn tab_labels() -> impl Iterator<Item = (View, String)> {
    View::ALL
        .iter()
        .map(|&view| (view, format!(" {} {} ", view.index() + 1, view.title())))
}

/// Returns the view whose tab covers `column`.
pub fn tab_at(tabs: Rect, column: u16) -> Option<View> {
    let mut x = tabs.x;
    for (view, label) in tab_labels() {
        let width = Line::raw(label.as_str()).width() as u16;
        if (x..x + width).contains(&column) {
            return Some(view);
        }
        x += width + 1;
    }
    None
}

fn draw_tabs(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme;
    let mut spans = Vec::new();
    for (view, label) in tab_labels() {
        let style = if view == app.view {
            theme.selected().patch(theme.title())
        } else {
            Style::new()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::styled("│", theme.dim()));
    }
    frame.render_widget(Line::from(spans), area);
}

fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme;
    let list = app.current_list();
    if app.filtering
        && let Some(list) = list
    {
        let prompt = format!(" filter /{}", list.filter);
        let width = Line::raw(prompt.as_str()).width() as u16;
        frame.render_widget(Line::raw(prompt), area);
        frame.set_cursor_position((area.x + width.min(area.width.saturating_sub(1)), area.y));
        return;
    }
    if let Some(status) = &app.status {
        let style = if status.error {
            theme.error()
        } else {
            theme.good()
        };
        frame.render_widget(
            Line::from(Span::styled(format!(" {}", status.text), style)),
            area,
        );
        return;
    }
    if let Some(list) = list
        && !list.filter.is_empty()
    {
        let text = format!(
            " filter \"{}\": {} of {} rows (Esc clears)",
            list.filter,
            list.visible().len(),
            list.total()
        );
        frame.render_widget(Line::styled(text, theme.dim()), area);
    }
}

fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let theme = app.theme;
    let mut spans = vec![Span::raw(" ")];
    for (key, label) in keymap::footer_entries(&app.modes()) {
        spans.push(Span::styled(key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    frame.render_widget(Line::from(spans), area);
}

/// Returns the lines of the help overlay, generated from the key table.
pub fn help_lines(theme: Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (title, rows) in keymap::help_sections() {
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(title, theme.title()));
        for (keys, help) in rows {
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.key()),
                Span::raw(help),
            ]));
        }
    }
    lines
}

/// Returns the area of the help overlay, centred on `screen`.
fn help_area(screen: Rect) -> Rect {
    let width = screen.width.saturating_sub(4).min(76);
    let height = screen.height.saturating_sub(2);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// Returns the number of help lines one page of the overlay shows on `screen`, and the
/// scroll position that shows the last line at the bottom.
pub fn help_scroll_range(theme: Theme, screen: Rect) -> (u16, u16) {
    scroll_range(help_lines(theme).len(), screen)
}

/// Returns [`help_scroll_range`] for help of `line_count` lines.
fn scroll_range(line_count: usize, screen: Rect) -> (u16, u16) {
    // One line for each border.
    let page = help_area(screen).height.saturating_sub(2);
    let lines = u16::try_from(line_count).unwrap_or(u16::MAX);
    (page.max(1), lines.saturating_sub(page))
}

fn draw_help(frame: &mut Frame, app: &App, screen: Rect, scroll: u16) {
    let area = help_area(screen);
    frame.render_widget(Clear, area);
    let lines = help_lines(app.theme);
    let (page, last) = scroll_range(lines.len(), screen);
    let scroll = scroll.min(last);
    let mut title = vec![Span::styled(" Keys ", app.theme.title())];
    if last > 0 {
        // The lines in view tell the reader that there is more below or above.
        let shown_to = (scroll + page).min(u16::try_from(lines.len()).unwrap_or(u16::MAX));
        title.push(Span::styled(
            format!(
                "lines {}-{shown_to} of {}, PgDn/PgUp scroll ",
                scroll + 1,
                lines.len()
            ),
            app.theme.dim(),
        ));
    }
    let block = Block::bordered().title(Line::from(title));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}
