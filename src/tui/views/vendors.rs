//! The vendors view: each vendor's BAA status, days to expiry, covered services and the
//! systems using it, with the subprocessor chain in the detail pane.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::model::BaaStatus;
use crate::tui::app::App;
use crate::tui::snapshot::{Snapshot, VendorRow};
use crate::tui::theme::Theme;
use crate::tui::views::{self, field, heading, marker};

/// Deepest subprocessor level the chain shows; deeper chains end with an ellipsis.
const CHAIN_DEPTH: usize = 6;

/// Most lines the subprocessor chain takes.
const CHAIN_LINES: usize = 20;

/// Draws the vendors view.
pub fn draw(frame: &mut Frame, app: &App, data: &Snapshot, body: Rect) {
    let (table, detail) = views::split(body);
    draw_table(frame, app, data, table);
    match app.vendors.selected() {
        Some(index) => draw_detail(frame, app, data, index, detail),
        None => views::draw_detail(frame, detail, "Vendor", Vec::new(), app.theme),
    }
}

/// Returns the style of a vendor's days to expiry: expired, within the warning window, or
/// further away.
fn expiry_style(days: i64, warning_days: u32, theme: Theme) -> Style {
    if days < 0 {
        theme.bad()
    } else if days <= i64::from(warning_days) {
        theme.warn()
    } else {
        theme.good()
    }
}

fn status_style(row: &VendorRow, theme: Theme) -> Style {
    match row.status {
        BaaStatus::Signed if row.days_to_expiry.is_some_and(|days| days < 0) => theme.bad(),
        BaaStatus::Signed => theme.good(),
        BaaStatus::NotRequired => theme.dim(),
        BaaStatus::Pending | BaaStatus::None | BaaStatus::Unknown if row.ephi => theme.bad(),
        BaaStatus::Pending | BaaStatus::None | BaaStatus::Unknown => theme.warn(),
    }
}

fn warning_days(data: &Snapshot) -> u32 {
    data.inventory.project.as_ref().map_or(90, |project| {
        project.review_intervals.baa_expiry_warning_days
    })
}

fn draw_table(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let list = &app.vendors;
    let warning = warning_days(data);
    let window = list.window(usize::from(views::table_rows(area).height));
    let selected = list.selected_position();
    let rows: Vec<(bool, Row)> = window
        .map(|position| {
            let row = &data.vendors[list.visible()[position]];
            let is_selected = position == selected;
            let days = match row.days_to_expiry {
                Some(days) => Span::styled(days.to_string(), expiry_style(days, warning, theme)),
                None => Span::raw(""),
            };
            let findings = if row.findings > 0 {
                Span::styled(row.findings.to_string(), theme.bad())
            } else {
                Span::raw("0")
            };
            let cells = vec![
                Cell::from(marker(is_selected)),
                Cell::from(row.id.as_str()),
                Cell::from(Span::styled(
                    row.status.to_string(),
                    status_style(row, theme),
                )),
                Cell::from(days),
                Cell::from(row.covers.as_str()),
                Cell::from(row.users.len().to_string()),
                Cell::from(findings),
            ];
            (is_selected, Row::new(cells))
        })
        .collect();
    let mut title = views::list_title("Vendors", list);
    if app.gaps_only {
        title.push_str("gaps only ");
    }
    views::draw_table(
        frame,
        area,
        title,
        vec!["ID", "BAA", "Days", "Covered services", "Used", "Finds"],
        &[
            Constraint::Fill(2),
            Constraint::Length(12),
            Constraint::Length(5),
            Constraint::Fill(4),
            Constraint::Length(4),
            Constraint::Length(5),
        ],
        rows,
        theme,
    );
}

fn draw_detail(frame: &mut Frame, app: &App, data: &Snapshot, index: usize, area: Rect) {
    let theme = app.theme;
    let vendor = &data.inventory.vendors[index];
    let row = &data.vendors[index];
    let mut lines = vec![
        heading(format!("{}: {}", vendor.id.value, vendor.name), theme),
        field(
            "Kind",
            format!(
                "{} ({} the ePHI boundary)",
                row.kind,
                if row.ephi { "inside" } else { "outside" }
            ),
            theme,
        ),
    ];

    let mut baa = vec![
        Span::styled("BAA: ", theme.dim()),
        Span::styled(row.status.to_string(), status_style(row, theme)),
    ];
    if let Some(signed) = &vendor.baa.signed {
        baa.push(Span::raw(format!(" on {}", signed.value)));
    }
    if let (Some(expires), Some(days)) = (row.expires, row.days_to_expiry) {
        let text = if days < 0 {
            format!(", expired {expires}, {} days ago", -days)
        } else {
            format!(", expires {expires}, in {days} days")
        };
        baa.push(Span::styled(
            text,
            expiry_style(days, warning_days(data), theme),
        ));
    }
    lines.push(Line::from(baa));
    if !row.covers.is_empty() {
        lines.push(field("Covers", row.covers.clone(), theme));
    }
    if let Some(document) = &vendor.baa.document {
        lines.push(field("Document", document.clone(), theme));
    }

    let users = row
        .users
        .iter()
        .map(|&system| data.systems[system].id.clone());
    lines.push(field(
        "Used by",
        views::join_limited(users, row.users.len(), "no system"),
        theme,
    ));

    lines.push(Line::raw(""));
    lines.push(heading("Subprocessor chain", theme));
    chain_lines(data, index, theme, &mut lines);

    if row.findings > 0 {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("{} findings name this vendor (view 5)", row.findings),
            theme.bad(),
        ));
    }
    if !vendor.services.is_empty() {
        lines.push(Line::raw(""));
        lines.push(field("Services", vendor.services.join(", "), theme));
    }
    views::draw_detail(frame, area, "Vendor", lines, theme);
}

/// Adds the vendor's subprocessors, their subprocessors and so on, indented by depth, with
/// each one's BAA status. A vendor already on the path is marked as a cycle, not followed.
fn chain_lines(data: &Snapshot, root: usize, theme: Theme, lines: &mut Vec<Line>) {
    let vendors = &data.inventory.vendors;
    if vendors[root].subprocessors.is_empty() {
        lines.push(Line::styled("no subprocessors", theme.dim()));
        return;
    }
    // Depth-first with an explicit stack of (vendor, depth, path so far).
    let mut stack: Vec<(usize, usize, Vec<usize>)> = vendors[root]
        .subprocessors
        .iter()
        .rev()
        .filter_map(|id| data.vendor_index(id.as_str()))
        .map(|index| (index, 1, vec![root]))
        .collect();
    let mut shown = 0;
    while let Some((index, depth, path)) = stack.pop() {
        if shown == CHAIN_LINES {
            lines.push(Line::styled("…", theme.dim()));
            break;
        }
        shown += 1;
        let row = &data.vendors[index];
        let indent = "  ".repeat(depth - 1);
        let cycle = path.contains(&index);
        let mut spans = vec![
            Span::raw(format!("{indent}└ {} ", row.id)),
            Span::styled(format!("BAA {}", row.status), status_style(row, theme)),
        ];
        if cycle {
            spans.push(Span::styled(" (cycle)", theme.warn()));
        }
        lines.push(Line::from(spans));
        if cycle || depth >= CHAIN_DEPTH {
            continue;
        }
        let mut next_path = path.clone();
        next_path.push(index);
        for id in vendors[index].subprocessors.iter().rev() {
            if let Some(next) = data.vendor_index(id.as_str()) {
                stack.push((next, depth + 1, next_path.clone()));
            }
        }
    }
}
