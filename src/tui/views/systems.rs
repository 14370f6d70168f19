//! The systems view: a sortable, filterable table and the selected system's detail, with its
//! dependencies both ways, data flows, vendors and storage checklist.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use crate::model::{
    BaaStatus, Backup, BackupSchedule, CivilDate, DataClass, KeyModel, Located, Storage, System,
    TlsVersion, Transport,
};
use crate::tui::app::{App, SortColumn};
use crate::tui::snapshot::{Snapshot, SystemRow};
use crate::tui::theme::Theme;
use crate::tui::views::{self, field, heading, marker};

/// Draws the systems view.
pub fn draw(frame: &mut Frame, app: &App, data: &Snapshot, body: Rect) {
    let (table, detail) = views::split(body);
    draw_table(frame, app, data, table);
    match app.systems.selected() {
        Some(index) => draw_detail(frame, app, data, index, detail),
        None => views::draw_detail(frame, detail, "System", Vec::new(), app.theme),
    }
}

/// Returns a system's wave as `phase.wave`, such as `5.2`.
pub fn wave_label(row: &SystemRow) -> String {
    row.wave
        .map(|(phase, wave)| format!("{phase}.{wave}"))
        .unwrap_or_default()
}

fn draw_table(frame: &mut Frame, app: &App, data: &Snapshot, area: Rect) {
    let theme = app.theme;
    let list = &app.systems;
    let window = list.window(usize::from(views::table_rows(area).height));
    let selected = list.selected_position();
    let rows: Vec<(bool, Row)> = window
        .map(|position| {
            let row = &data.systems[list.visible()[position]];
            let is_selected = position == selected;
            let findings = if row.findings > 0 {
                Span::styled(row.findings.to_string(), theme.bad())
            } else {
                Span::raw("0")
            };
            let cells = vec![
                Cell::from(marker(is_selected)),
                Cell::from(row.id.as_str()),
                Cell::from(row.name.as_str()),
                Cell::from(row.environment),
                Cell::from(if row.ephi { "yes" } else { "" }),
                Cell::from(wave_label(row)),
                Cell::from(row.targets.as_str()),
                Cell::from(findings),
            ];
            (is_selected, Row::new(cells))
        })
        .collect();
    let arrow = if app.sort.reversed { "▼" } else { "▲" };
    let columns = [
        ("ID", SortColumn::Id),
        ("Name", SortColumn::Name),
        ("Env", SortColumn::Environment),
        ("ePHI", SortColumn::Ephi),
        ("Wave", SortColumn::Wave),
        ("Target services", SortColumn::File),
        ("Finds", SortColumn::Findings),
    ];
    let labels: Vec<String> = columns
        .iter()
        .map(|&(label, column)| {
            if column == app.sort.column && column != SortColumn::File {
                format!("{label}{arrow}")
            } else {
                label.to_owned()
            }
        })
        .collect();
    views::draw_table(
        frame,
        area,
        views::list_title("Systems", list),
        labels.iter().map(String::as_str).collect(),
        &[
            Constraint::Fill(3),
            Constraint::Fill(3),
            Constraint::Length(11),
            Constraint::Length(5),
            Constraint::Length(5),
            Constraint::Fill(4),
            Constraint::Length(6),
        ],
        rows,
        theme,
    );
}

fn draw_detail(frame: &mut Frame, app: &App, data: &Snapshot, index: usize, area: Rect) {
    let theme = app.theme;
    let system = &data.inventory.systems[index];
    let row = &data.systems[index];
    let mut lines = vec![
        heading(format!("{}: {}", system.id.value, system.name), theme),
        field(
            "Environment",
            format!(
                "{}{}",
                row.environment,
                if system.real_patient_data {
                    ", holds real patient data"
                } else {
                    ""
                }
            ),
            theme,
        ),
        field(
            "Data",
            format!(
                "{} ({} the ePHI boundary)",
                data_classes(&system.data_classes),
                if row.ephi { "inside" } else { "outside" }
            ),
            theme,
        ),
    ];

    if let Some(owner) = &system.owner {
        lines.push(field("Owner", owner.clone(), theme));
    }
    if let Some(hosting) = &system.hosting {
        lines.push(field("Hosting now", hosting.clone(), theme));
    }
    if let Some((phase, wave)) = row.wave {
        lines.push(field(
            "Moves in",
            format!("phase {phase}, wave {wave}"),
            theme,
        ));
    }
    if !row.targets.is_empty() {
        lines.push(field("Target services", row.targets.clone(), theme));
    }

    lines.push(field(
        "Depends on",
        system_ids(data, &data.dependencies[index]),
        theme,
    ));
    lines.push(field(
        "Needed by",
        system_ids(data, &data.dependents[index]),
        theme,
    ));

    flow_lines(system, theme, &mut lines);
    vendor_lines(data, system, theme, &mut lines);

    let intervals = data
        .inventory
        .project
        .as_ref()
        .map(|project| project.review_intervals.clone())
        .unwrap_or_default();
    let recent = |date: CivilDate, days: u32| {
        let age = i64::from((app.as_of.0 - date.0).get_days());
        age <= i64::from(days)
    };
    let restore_ok = |date: CivilDate| recent(date, intervals.restore_test_days);
    let review_ok = |date: CivilDate| recent(date, intervals.access_review_days);
    storage_lines(system, &restore_ok, &review_ok, theme, &mut lines);

    if let Some(plan) = &system.rollback_plan {
        lines.push(field("Rollback plan", plan.clone(), theme));
    }
    if row.findings > 0 {
        lines.push(Line::styled(
            format!("{} findings name this system (view 5)", row.findings),
            theme.bad(),
        ));
    }
    views::draw_detail(frame, area, "System", lines, theme);
}

fn system_ids(data: &Snapshot, indexes: &[usize]) -> String {
    let ids = indexes.iter().map(|&index| data.systems[index].id.clone());
    views::join_limited(ids, indexes.len(), "none")
}

/// Returns data classes as the inventory spells them, comma separated.
pub fn data_classes(classes: &[DataClass]) -> String {
    if classes.is_empty() {
        return "none declared".to_owned();
    }
    let names: Vec<&str> = classes
        .iter()
        .map(|class| match class {
            DataClass::Ephi => "ePHI",
            DataClass::Pii => "PII",
            DataClass::Internal => "internal",
            DataClass::Public => "public",
        })
        .collect();
    names.join(", ")
}

fn transport_label(transport: Transport) -> &'static str {
    match transport {
        Transport::PrivateLink => "private link",
        Transport::Vpn => "VPN",
        Transport::Tls12OrHigher => "TLS 1.2 or higher",
        Transport::TlsBelow12 => "TLS below 1.2",
        Transport::Plaintext => "plaintext",
        Transport::PublicInternet => "public internet",
    }
}

fn flow_lines(system: &System, theme: Theme, lines: &mut Vec<Line>) {
    if !system.flows.is_empty() {
        lines.push(Line::raw(""));
        lines.push(heading("Data flows", theme));
    }
    for flow in &system.flows {
        let weak = matches!(
            flow.transport,
            Transport::TlsBelow12 | Transport::Plaintext | Transport::PublicInternet
        );
        let style = if weak && flow.data_classes.contains(&DataClass::Ephi) {
            theme.bad()
        } else {
            Style::new()
        };
        let mut text = format!(
            "→ {} [{}] over {}",
            flow.to.value,
            data_classes(&flow.data_classes),
            transport_label(flow.transport)
        );
        if let Some(purpose) = &flow.purpose {
            let _ = write!(text, ": {purpose}");
        }
        lines.push(Line::styled(text, style));
    }
    for (label, targets) in [
        ("Logs to", &system.logs_to),
        ("Backups to", &system.backups_to),
    ] {
        if !targets.is_empty() {
            let ids: Vec<&str> = targets.iter().map(Located::as_str).collect();
            lines.push(field(label, ids.join(", "), theme));
        }
    }
}

fn vendor_lines(data: &Snapshot, system: &System, theme: Theme, lines: &mut Vec<Line>) {
    if system.vendors.is_empty() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(heading("Vendors", theme));
    for id in &system.vendors {
        let Some(index) = data.vendor_index(id.as_str()) else {
            continue;
        };
        let vendor = &data.vendors[index];
        let style = match vendor.status {
            BaaStatus::Signed if vendor.days_to_expiry.is_some_and(|days| days < 0) => theme.bad(),
            BaaStatus::Signed | BaaStatus::NotRequired => theme.good(),
            _ => theme.bad(),
        };
        let mut text = format!("BAA {}", vendor.status);
        if let Some(expires) = vendor.expires {
            let _ = write!(text, ", expires {expires}");
        }
        lines.push(Line::from(vec![
            Span::raw(format!("{} ", vendor.id)),
            Span::styled(text, style),
        ]));
    }
}

/// Returns a checklist line: a mark, the fact, and whether it passes.
fn check(label: &str, value: String, passes: Option<bool>, theme: Theme) -> Line<'static> {
    let (mark, style) = match passes {
        Some(true) => ("✓", theme.good()),
        Some(false) => ("✗", theme.bad()),
        None => ("?", theme.warn()),
    };
    Line::from(vec![
        Span::styled(format!("{mark} "), style),
        Span::styled(format!("{label}: "), theme.dim()),
        Span::raw(value),
    ])
}

/// Adds the storage and backup checklist. `restore_ok` and `review_ok` tell whether a
/// restore test or access review of that date is recent enough on the as-of date.
fn storage_lines(
    system: &System,
    restore_ok: &dyn Fn(CivilDate) -> bool,
    review_ok: &dyn Fn(CivilDate) -> bool,
    theme: Theme,
    lines: &mut Vec<Line>,
) {
    if system.storage.is_none() && system.backup.is_none() && system.last_access_review.is_none() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(heading("Storage and backup checklist", theme));
    if let Some(storage) = &system.storage {
        store_lines(storage, theme, lines);
    }
    if let Some(backup) = &system.backup {
        backup_lines(backup, restore_ok, theme, lines);
    }
    let review = system.last_access_review.as_ref();
    lines.push(check(
        "last access review",
        review.map_or("not recorded".to_owned(), |date| date.value.to_string()),
        review.map(|date| review_ok(date.value)),
        theme,
    ));
}

fn store_lines(storage: &Storage, theme: Theme, lines: &mut Vec<Line>) {
    let keys = storage.key_model.map(|model| match model {
        KeyModel::ProviderManaged => "provider-managed keys",
        KeyModel::CustomerManaged => "customer-managed keys",
        KeyModel::ExternalHsm => "keys in an external HSM",
    });
    let encryption = match (storage.encryption_at_rest, keys) {
        (Some(true), Some(keys)) => format!("yes, {keys}"),
        (value, _) => views::yes_no(value).to_owned(),
    };
    lines.push(check(
        "encrypted at rest",
        encryption,
        storage.encryption_at_rest,
        theme,
    ));
    let tls = storage.min_tls.map(|version| match version {
        TlsVersion::Tls10 => "1.0",
        TlsVersion::Tls11 => "1.1",
        TlsVersion::Tls12 => "1.2",
        TlsVersion::Tls13 => "1.3",
    });
    lines.push(check(
        "minimum TLS",
        tls.unwrap_or("not recorded").to_owned(),
        storage.min_tls.map(|version| version >= TlsVersion::Tls12),
        theme,
    ));
    for (label, value) in [
        ("public access", storage.public_access),
        ("wildcard permissions", storage.wildcard_permissions),
    ] {
        lines.push(check(
            label,
            views::yes_no(value).to_owned(),
            value.map(|v| !v),
            theme,
        ));
    }
    if storage.versioning.is_some() {
        lines.push(check(
            "versioning",
            views::yes_no(storage.versioning).to_owned(),
            storage.versioning,
            theme,
        ));
    }
}

fn backup_lines(
    backup: &Backup,
    restore_ok: &dyn Fn(CivilDate) -> bool,
    theme: Theme,
    lines: &mut Vec<Line>,
) {
    let schedule = backup.schedule.map(|schedule| match schedule {
        BackupSchedule::None => "none",
        BackupSchedule::Continuous => "continuous",
        BackupSchedule::Hourly => "hourly",
        BackupSchedule::Daily => "daily",
        BackupSchedule::Weekly => "weekly",
        BackupSchedule::Monthly => "monthly",
    });
    let daily_or_better = backup.schedule.map(|schedule| {
        matches!(
            schedule,
            BackupSchedule::Continuous | BackupSchedule::Hourly | BackupSchedule::Daily
        )
    });
    lines.push(check(
        "backup schedule",
        schedule.unwrap_or("not recorded").to_owned(),
        daily_or_better,
        theme,
    ));
    let restore = backup
        .last_restore_test
        .as_ref()
        .map_or("never".to_owned(), |date| date.value.to_string());
    lines.push(check(
        "last restore test",
        restore,
        Some(
            backup
                .last_restore_test
                .as_ref()
                .is_some_and(|date| restore_ok(date.value)),
        ),
        theme,
    ));
    for (label, value) in [
        ("cross-region copy", backup.cross_region_copy),
        ("backups encrypted", backup.encrypted),
        ("backup access restricted", backup.access_restricted),
    ] {
        lines.push(check(label, views::yes_no(value).to_owned(), value, theme));
    }
    lines.push(check(
        "retention rule",
        backup
            .retention_rule
            .clone()
            .unwrap_or_else(|| "not recorded".to_owned()),
        backup.retention_rule.as_ref().map(|_| true),
        theme,
    ));
}
