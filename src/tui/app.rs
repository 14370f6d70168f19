//! The TUI's state and [`App::update`], the one place it changes.
//!
//! An [`App`] is built from an inventory folder and an as-of date, with no terminal, so tests
//! drive it with actions and draw it into a test backend.

use std::path::{Path, PathBuf};

use ratatui::layout::Rect;

use crate::commands::{self, RecordError, ValidateRequest};
use crate::export::{self, ExportContext, Report};
use crate::gates::{self, PhaseState, Subject, ValidationStatus};
use crate::journal;
use crate::model::{CivilDate, Phase};
use crate::tui::action::{Action, View};
use crate::tui::dialog::{Field, Outcome, TextArea, ValidationDialog};
use crate::tui::keymap::Mode;
use crate::tui::rows::RowList;
use crate::tui::snapshot::{LoadFailure, Snapshot, SystemRow, filter_words, matches_words};
use crate::tui::theme::Theme;
use crate::tui::{ui, views};

/// Rows a mouse wheel step scrolls.
const SCROLL_STEP: isize = 3;

/// Columns the systems table sorts by, in the order `s` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortColumn {
    /// The order of the inventory files.
    File,
    /// System id.
    Id,
    /// Display name.
    Name,
    /// Environment.
    Environment,
    /// Inside the ePHI boundary first.
    Ephi,
    /// Phase, then wave.
    Wave,
    /// Number of findings, most first.
    Findings,
}

impl SortColumn {
    const CYCLE: [SortColumn; 7] = [
        SortColumn::File,
        SortColumn::Id,
        SortColumn::Name,
        SortColumn::Environment,
        SortColumn::Ephi,
        SortColumn::Wave,
        SortColumn::Findings,
    ];

    /// Returns the column's name for the status line.
    pub fn label(self) -> &'static str {
        match self {
            SortColumn::File => "file order",
            SortColumn::Id => "id",
            SortColumn::Name => "name",
            SortColumn::Environment => "environment",
            SortColumn::Ephi => "ePHI",
            SortColumn::Wave => "wave",
            SortColumn::Findings => "findings",
        }
    }

    fn next(self) -> SortColumn {
        let position = SortColumn::CYCLE
            .iter()
            .position(|&column| column == self)
            .unwrap_or(0);
        SortColumn::CYCLE[(position + 1) % SortColumn::CYCLE.len()]
    }
}

/// The sort order of the systems table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemSort {
    /// Column sorted by.
    pub column: SortColumn,
    /// Whether the order is reversed.
    pub reversed: bool,
}

impl Default for SystemSort {
    /// File order, as the inventory lists the systems.
    fn default() -> Self {
        SystemSort {
            column: SortColumn::File,
            reversed: false,
        }
    }
}

/// An overlay drawn over the view; the topmost one takes the keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Overlay {
    /// The key help, scrolled by some lines.
    Help {
        /// Lines scrolled past.
        scroll: u16,
    },
    /// The validation dialog.
    Dialog(Box<ValidationDialog>),
}

/// A message in the status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The message.
    pub text: String,
    /// Whether it reports a failure.
    pub error: bool,
}

/// The lists whose filter and selection the TUI keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListId {
    Checklist(usize),
    Systems,
    Vendors,
    Waves(usize),
    Findings,
}

/// The whole state of the TUI.
#[derive(Debug)]
pub struct App {
    /// The inventory folder.
    pub dir: PathBuf,
    /// The date treated as today.
    pub as_of: CivilDate,
    /// Styles.
    pub theme: Theme,
    /// The loaded inventory, or its load errors.
    pub data: Result<Snapshot, LoadFailure>,
    /// The view shown.
    pub view: View,
    /// Index of the selected phase.
    pub phase: usize,
    /// Checklist list of each phase.
    pub checklists: Vec<RowList>,
    /// The systems list.
    pub systems: RowList,
    /// Sort order of the systems list.
    pub sort: SystemSort,
    /// The vendors list.
    pub vendors: RowList,
    /// Whether the vendors list shows only vendors with findings.
    pub gaps_only: bool,
    /// The wave columns: phase 3, then phase 5.
    pub waves: [RowList; 2],
    /// The selected wave column.
    pub wave_column: usize,
    /// The findings list.
    pub findings: RowList,
    /// Whether the filter of the current list is being typed.
    pub filtering: bool,
    /// The open overlay.
    pub overlay: Option<Overlay>,
    /// The status line message.
    pub status: Option<Status>,
    /// The terminal area.
    pub area: Rect,
    /// Whether the TUI should exit.
    pub should_quit: bool,
    /// Name the validation dialog proposes: `user` from `project.yaml`, else `$USER`.
    pub default_user: String,
}

impl App {
    /// Loads the inventory in `dir` on `as_of` and builds the state, for an 80 by 24
    /// terminal until a resize action sets the real size.
    pub fn new(dir: impl Into<PathBuf>, as_of: CivilDate) -> Self {
        let dir = dir.into();
        let data = Snapshot::load(&dir, as_of);
        let mut app = App {
            dir,
            as_of,
            theme: Theme::new(true),
            data,
            view: View::Phases,
            phase: 0,
            checklists: Vec::new(),
            systems: RowList::default(),
            sort: SystemSort::default(),
            vendors: RowList::default(),
            gaps_only: false,
            waves: [RowList::default(), RowList::default()],
            wave_column: 0,
            findings: RowList::default(),
            filtering: false,
            overlay: None,
            status: None,
            area: Rect::new(0, 0, 80, 24),
            should_quit: false,
            default_user: String::new(),
        };
        app.default_user = app.project_user();
        app.rebuild_lists(Selection::empty());
        app.log_load();
        app
    }

    /// Returns the journal file's path.
    pub fn journal_path(&self) -> PathBuf {
        self.dir.join(journal::FILE_NAME)
    }

    /// Returns the snapshot, when the inventory loaded.
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.data.as_ref().ok()
    }

    /// Returns the selected phase.
    pub fn selected_phase(&self) -> Phase {
        Phase::ALL[self.phase]
    }

    fn project_user(&self) -> String {
        let from_project = self
            .snapshot()
            .and_then(|data| data.inventory.project.as_ref())
            .and_then(|project| project.user.clone());
        from_project
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_default()
    }

    /// Returns the key modes in force, the one whose bindings win first.
    pub fn modes(&self) -> Vec<Mode> {
        match &self.overlay {
            Some(Overlay::Help { .. }) => vec![Mode::Help, Mode::Global],
            Some(Overlay::Dialog(dialog)) if dialog.is_typing() => {
                vec![Mode::TextField, Mode::Dialog, Mode::Global]
            }
            Some(Overlay::Dialog(_)) => vec![Mode::Dialog, Mode::Global],
            None if self.filtering => vec![Mode::Filter, Mode::Global],
            None => vec![Mode::of_view(self.view), Mode::Lists, Mode::Global],
        }
    }

    /// Applies one action.
    pub fn update(&mut self, action: Action) {
        match action {
            Action::Quit => self.should_quit = true,
            Action::Resize { width, height } => self.area = Rect::new(0, 0, width, height),
            Action::Reload => self.reload(true),
            Action::FilesChanged => self.reload(false),
            Action::Click { column, row } => self.click(column, row),
            Action::ScrollUp | Action::ScrollDown if self.overlay.is_none() => {
                let delta = if action == Action::ScrollUp {
                    -SCROLL_STEP
                } else {
                    SCROLL_STEP
                };
                if let Some(list) = self.current_list_mut() {
                    list.move_by(delta);
                }
            }
            _ if self.overlay.is_some() => self.update_overlay(&action),
            _ if self.filtering => self.update_filter(action),
            _ => self.update_view(&action),
        }
        self.follow_selection();
    }

    fn update_overlay(&mut self, action: &Action) {
        match &mut self.overlay {
            Some(Overlay::Help { scroll }) => {
                let (page, last) = ui::help_scroll_range(self.theme, self.area);
                *scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    Action::Down => scroll.saturating_add(1),
                    Action::PageUp => scroll.saturating_sub(page),
                    Action::PageDown => scroll.saturating_add(page),
                    Action::Top => 0,
                    Action::Bottom => last,
                    _ => *scroll,
                }
                .min(last);
                if matches!(action, Action::Close | Action::ToggleHelp) {
                    self.overlay = None;
                }
            }
            Some(Overlay::Dialog(dialog)) => match dialog.handle(action) {
                Outcome::Stay => {}
                Outcome::Cancel => self.overlay = None,
                Outcome::Submit => self.submit(),
            },
            None => {}
        }
    }

    fn update_filter(&mut self, action: Action) {
        let Some(id) = self.current_list_id() else {
            self.filtering = false;
            return;
        };
        match action {
            Action::Input(c) => {
                self.list_mut(id).filter.push(c);
                self.apply_filter(id);
            }
            Action::Paste(text) => {
                let line = text.replace(['\n', '\r', '\t'], " ");
                self.list_mut(id).filter.push_str(&line);
                self.apply_filter(id);
            }
            Action::Backspace => {
                self.list_mut(id).filter.pop();
                self.apply_filter(id);
            }
            Action::AcceptFilter => self.filtering = false,
            Action::ClearFilter => {
                self.filtering = false;
                self.list_mut(id).filter.clear();
                self.apply_filter(id);
            }
            Action::Up => self.list_mut(id).move_by(-1),
            Action::Down => self.list_mut(id).move_by(1),
            _ => {}
        }
    }

    fn update_view(&mut self, action: &Action) {
        let page = self.page_size();
        match action {
            Action::ShowView(view) => self.view = *view,
            Action::NextView => self.view = self.view.next(),
            Action::PreviousView => self.view = self.view.previous(),
            Action::Up => self.move_selection(-1),
            Action::Down => self.move_selection(1),
            Action::PageUp => self.move_selection(-page),
            Action::PageDown => self.move_selection(page),
            Action::Top => self.move_selection(isize::MIN / 2),
            Action::Bottom => self.move_selection(isize::MAX / 2),
            Action::Left | Action::Right => self.move_sideways(*action == Action::Right),
            Action::Activate => self.activate(),
            Action::StartFilter => self.filtering = self.current_list_id().is_some(),
            Action::ClearFilter => {
                self.status = None;
                if let Some(id) = self.current_list_id() {
                    self.list_mut(id).filter.clear();
                    self.apply_filter(id);
                }
            }
            Action::NextSortColumn if self.view == View::Systems => {
                self.sort.column = self.sort.column.next();
                self.sort_systems();
            }
            Action::ReverseSort if self.view == View::Systems => {
                self.sort.reversed = !self.sort.reversed;
                self.sort_systems();
            }
            Action::ToggleGapsOnly if self.view == View::Vendors => {
                self.gaps_only = !self.gaps_only;
                self.apply_filter(ListId::Vendors);
            }
            Action::Export => self.export(),
            Action::ToggleHelp => self.overlay = Some(Overlay::Help { scroll: 0 }),
            Action::Close => self.status = None,
            _ => {}
        }
    }

    fn move_selection(&mut self, delta: isize) {
        if let Some(list) = self.current_list_mut() {
            list.move_by(delta);
        }
    }

    fn move_sideways(&mut self, right: bool) {
        match self.view {
            View::Phases => {
                self.phase = if right {
                    (self.phase + 1).min(Phase::ALL.len() - 1)
                } else {
                    self.phase.saturating_sub(1)
                };
            }
            View::Waves => self.wave_column = usize::from(right),
            _ => {}
        }
    }

    /// Returns the number of rows of the current list on screen, at least 1.
    fn page_size(&self) -> isize {
        let rows = self
            .current_rows_area()
            .map_or(1, |area| area.height.max(1));
        isize::try_from(rows).unwrap_or(1)
    }

    fn current_list_id(&self) -> Option<ListId> {
        self.snapshot()?;
        Some(match self.view {
            View::Phases => ListId::Checklist(self.phase),
            View::Systems => ListId::Systems,
            View::Vendors => ListId::Vendors,
            View::Waves => ListId::Waves(self.wave_column),
            View::Findings => ListId::Findings,
        })
    }

    fn list_mut(&mut self, id: ListId) -> &mut RowList {
        match id {
            ListId::Checklist(phase) => &mut self.checklists[phase],
            ListId::Systems => &mut self.systems,
            ListId::Vendors => &mut self.vendors,
            ListId::Waves(column) => &mut self.waves[column],
            ListId::Findings => &mut self.findings,
        }
    }

    /// Returns the list of the current view.
    pub fn current_list(&self) -> Option<&RowList> {
        Some(match self.current_list_id()? {
            ListId::Checklist(phase) => &self.checklists[phase],
            ListId::Systems => &self.systems,
            ListId::Vendors => &self.vendors,
            ListId::Waves(column) => &self.waves[column],
            ListId::Findings => &self.findings,
        })
    }

    fn current_list_mut(&mut self) -> Option<&mut RowList> {
        let id = self.current_list_id()?;
        Some(self.list_mut(id))
    }

    /// Returns the screen rows of the current list's table, below its header.
    fn current_rows_area(&self) -> Option<Rect> {
        let screen = ui::Screen::new(self.area)?;
        Some(views::rows_area(self, screen.body))
    }

    /// Scrolls the current list so that its selection stays in view.
    fn follow_selection(&mut self) {
        let Some(area) = self.current_rows_area() else {
            return;
        };
        if let Some(list) = self.current_list_mut() {
            list.follow(usize::from(area.height));
        }
    }

    fn apply_filter(&mut self, id: ListId) {
        let Ok(data) = &self.data else {
            return;
        };
        match id {
            ListId::Checklist(phase) => {
                let list = &mut self.checklists[phase];
                let words = filter_words(&list.filter);
                let rows = &data.checklists[phase];
                list.refilter(|i| matches_words(&rows[i].search, &words));
            }
            ListId::Systems => {
                let words = filter_words(&self.systems.filter);
                let rows = &data.systems;
                self.systems
                    .refilter(|i| matches_words(&rows[i].search, &words));
            }
            ListId::Vendors => {
                let words = filter_words(&self.vendors.filter);
                let rows = &data.vendors;
                let gaps_only = self.gaps_only;
                self.vendors.refilter(|i| {
                    (!gaps_only || rows[i].has_gap()) && matches_words(&rows[i].search, &words)
                });
            }
            ListId::Waves(column) => {
                let list = &mut self.waves[column];
                let words = filter_words(&list.filter);
                let rows = &data.waves[column];
                list.refilter(|i| matches_words(&data.systems[rows[i].system].search, &words));
            }
            ListId::Findings => {
                let words = filter_words(&self.findings.filter);
                let rows = &data.findings;
                self.findings
                    .refilter(|i| matches_words(&rows[i].search, &words));
            }
        }
    }

    fn sort_systems(&mut self) {
        let Ok(data) = &self.data else {
            return;
        };
        let order = sorted_systems(&data.systems, self.sort);
        let words = filter_words(&self.systems.filter);
        let rows = &data.systems;
        self.systems
            .set_order(order, |i| matches_words(&rows[i].search, &words));
        self.status = Some(Status {
            text: format!(
                "systems sorted by {}{}",
                self.sort.column.label(),
                if self.sort.reversed { ", reversed" } else { "" }
            ),
            error: false,
        });
    }

    /// Builds every list from the snapshot, keeping the filters, and selects the objects of
    /// `selection` again.
    fn rebuild_lists(&mut self, selection: Selection) {
        let Ok(data) = &self.data else {
            return;
        };
        let checklists: Vec<RowList> = data
            .checklists
            .iter()
            .enumerate()
            .map(|(phase, rows)| {
                let mut list = RowList::new(rows.len());
                list.filter = self
                    .checklists
                    .get(phase)
                    .map(|old| old.filter.clone())
                    .unwrap_or_default();
                list
            })
            .collect();
        self.checklists = checklists;
        let mut systems = RowList::new(data.systems.len());
        systems.filter = std::mem::take(&mut self.systems.filter);
        systems.set_order(sorted_systems(&data.systems, self.sort), |_| true);
        self.systems = systems;
        let mut vendors = RowList::new(data.vendors.len());
        vendors.filter = std::mem::take(&mut self.vendors.filter);
        self.vendors = vendors;
        for column in 0..2 {
            let mut list = RowList::new(data.waves[column].len());
            list.filter = std::mem::take(&mut self.waves[column].filter);
            self.waves[column] = list;
        }
        let mut findings = RowList::new(data.findings.len());
        findings.filter = std::mem::take(&mut self.findings.filter);
        self.findings = findings;

        for phase in 0..Phase::ALL.len() {
            self.apply_filter(ListId::Checklist(phase));
        }
        for id in [
            ListId::Systems,
            ListId::Vendors,
            ListId::Waves(0),
            ListId::Waves(1),
            ListId::Findings,
        ] {
            self.apply_filter(id);
        }
        selection.restore(self);
    }

    /// Reads the inventory and journal again, keeping the view, filters and selection.
    /// A successful reload reports itself in the status line only when `report` is set.
    fn reload(&mut self, report: bool) {
        let selection = Selection::remember(self);
        self.data = Snapshot::load(&self.dir, self.as_of);
        if let Some(Overlay::Dialog(_)) = &self.overlay
            && self.data.is_err()
        {
            self.overlay = None;
        }
        self.rebuild_lists(selection);
        self.log_load();
        match &self.data {
            Ok(_) if report => {
                self.status = Some(Status {
                    text: "reloaded the inventory and journal".to_owned(),
                    error: false,
                });
            }
            Ok(_) => {}
            Err(failure) => {
                let text = format!(
                    "the inventory has {} problems; fix them and save to reload",
                    failure.problems.len()
                );
                self.error(text);
            }
        }
    }

    fn log_load(&self) {
        match &self.data {
            Ok(data) => tracing::info!(
                systems = data.inventory.systems.len(),
                vendors = data.inventory.vendors.len(),
                findings = data.analysis.findings.len(),
                journal_entries = data.journal.as_ref().map_or(0, |j| j.entries().len()),
                "inventory loaded"
            ),
            Err(failure) => tracing::warn!(
                problems = failure.problems.len(),
                "inventory has load errors"
            ),
        }
    }

    fn activate(&mut self) {
        match self.view {
            View::Phases => self.open_dialog(),
            View::Findings => self.open_finding_object(),
            _ => {}
        }
    }

    fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            error: true,
        });
    }

    fn open_dialog(&mut self) {
        let Ok(data) = &self.data else {
            return;
        };
        let phase = self.selected_phase();
        if let Err(message) = gates::check_can_record(&data.gates, phase) {
            self.error(message);
            return;
        }
        if let Err(message) = &data.journal {
            let message = format!("cannot record validations: {message}");
            self.error(message);
            return;
        }
        let Some(item) = self.checklists[self.phase].selected() else {
            self.error("no checklist item is selected");
            return;
        };
        let Some(gate) = data.gate(phase) else {
            return;
        };
        let row = &data.checklists[self.phase][item];
        let control = gate.control(&row.control);
        let current = match gate.items.get(item).and_then(|i| i.validation.as_ref()) {
            Some(validation) => format!(
                "now {}: {} by {} on {}",
                row.state.label(),
                validation.status.label(),
                validation.by,
                validation.on
            ),
            None => format!("now {}", row.state.label()),
        };
        let dialog = ValidationDialog {
            phase,
            control: row.control.clone(),
            title: control.map(|c| c.entry.title.clone()).unwrap_or_default(),
            how_to_validate: control.and_then(|c| c.entry.how_to_validate.clone()),
            expected_evidence: control.and_then(|c| c.entry.evidence.clone()),
            subject: row.subject.clone(),
            current,
            status: ValidationStatus::Validated,
            evidence: TextArea::multi_line(),
            justification: TextArea::multi_line(),
            by: TextArea::single_line(&self.default_user),
            focus: Field::Evidence,
            error: None,
        };
        self.overlay = Some(Overlay::Dialog(Box::new(dialog)));
    }

    /// Records the dialog's validation through the same checks as `hipaa-migrate validate`.
    fn submit(&mut self) {
        let Some(Overlay::Dialog(dialog)) = &self.overlay else {
            return;
        };
        let justification = dialog.justification.text();
        let by = dialog.by.text().trim().to_owned();
        let request = ValidateRequest {
            control: dialog.control.clone(),
            subject: dialog.subject.clone(),
            status: dialog.status,
            evidence: dialog.evidence.text(),
            justification: (!justification.trim().is_empty()).then_some(justification),
            user: (!by.is_empty()).then_some(by),
            on: self.as_of,
        };
        let result = match &mut self.data {
            Ok(Snapshot {
                inventory,
                journal: Ok(journal),
                ..
            }) => commands::record_validation(inventory, journal, &request),
            _ => Err(RecordError::Rejected(
                "the journal cannot be read, so nothing can be recorded".to_owned(),
            )),
        };
        match result {
            Ok(entry) => {
                tracing::info!(
                    control = %entry.body.control,
                    subject = %entry.body.subject,
                    status = entry.body.status.label(),
                    seq = entry.body.seq,
                    "validation recorded"
                );
                let text = format!(
                    "recorded {} line {}: {} for {} {}",
                    journal::FILE_NAME,
                    entry.body.seq,
                    entry.body.control,
                    entry.body.subject,
                    entry.body.status.label()
                );
                self.overlay = None;
                let selection = Selection::remember(self);
                if let Ok(data) = &mut self.data {
                    data.evaluate_gates(self.as_of);
                }
                self.rebuild_lists(selection);
                self.status = Some(Status { text, error: false });
            }
            Err(error) => {
                tracing::warn!(control = %request.control, "validation rejected");
                let (focus, message) = match error {
                    RecordError::NoUser => (
                        Some(Field::By),
                        "Recorded by is empty: type the name to record".to_owned(),
                    ),
                    RecordError::JustificationMissing => (
                        Some(Field::Justification),
                        "not applicable needs a justification saying why".to_owned(),
                    ),
                    RecordError::EvidenceMissing => (
                        Some(Field::Evidence),
                        "Evidence is empty: say what shows the result, such as a ticket or \
                         report"
                            .to_owned(),
                    ),
                    RecordError::Rejected(message) => (None, message),
                };
                if let Some(Overlay::Dialog(dialog)) = &mut self.overlay {
                    if let Some(focus) = focus {
                        dialog.focus = focus;
                    }
                    dialog.error = Some(message);
                }
            }
        }
    }

    fn open_finding_object(&mut self) {
        let Ok(data) = &self.data else {
            return;
        };
        let Some(row) = self.findings.selected() else {
            return;
        };
        let finding = &data.analysis.findings[data.findings[row].index];
        let target = finding.objects.iter().find_map(|object| match object.kind {
            crate::analysis::ObjectKind::System => data
                .system_index(&object.id)
                .map(|index| (View::Systems, index)),
            crate::analysis::ObjectKind::Vendor => data
                .vendor_index(&object.id)
                .map(|index| (View::Vendors, index)),
            crate::analysis::ObjectKind::Service => None,
        });
        let Some((view, index)) = target else {
            self.error("the finding names no system or vendor");
            return;
        };
        let id = match view {
            View::Vendors => ListId::Vendors,
            _ => ListId::Systems,
        };
        if !self.list_mut(id).select_item(index) {
            if id == ListId::Vendors {
                self.gaps_only = false;
            }
            self.list_mut(id).filter.clear();
            self.apply_filter(id);
            self.list_mut(id).select_item(index);
        }
        self.view = view;
    }

    fn export(&mut self) {
        let phase = self.selected_phase();
        let result = match &self.data {
            Ok(data) => write_phase_plan(data, phase, self.as_of, &self.dir),
            Err(_) => Err("fix the inventory's errors before exporting".to_owned()),
        };
        match result {
            Ok(path) => {
                tracing::info!(phase = phase.number(), "phase plan exported");
                self.status = Some(Status {
                    text: format!(
                        "wrote the phase {} plan to {}",
                        phase.number(),
                        path.display()
                    ),
                    error: false,
                });
            }
            Err(message) => self.error(message),
        }
    }

    fn click(&mut self, column: u16, row: u16) {
        if self.overlay.is_some() {
            return;
        }
        let Some(screen) = ui::Screen::new(self.area) else {
            return;
        };
        if row == screen.tabs.y {
            if let Some(view) = ui::tab_at(screen.tabs, column) {
                self.view = view;
            }
            return;
        }
        if self.snapshot().is_none() {
            return;
        }
        match views::hit(self, screen.body, column, row) {
            Some(views::Hit::Phase(phase)) => self.phase = phase,
            Some(views::Hit::WaveColumn(column, position)) => {
                self.wave_column = column;
                self.waves[column].select_position(position);
            }
            Some(views::Hit::Row(position)) => {
                if let Some(list) = self.current_list_mut() {
                    list.select_position(position);
                }
            }
            None => {}
        }
    }
}

/// The selected object of every list, by id, so a reload can select it again.
struct Selection {
    checklist: Vec<Option<(String, Subject)>>,
    system: Option<String>,
    vendor: Option<String>,
    waves: [Option<String>; 2],
    finding: Option<(&'static str, String)>,
}

impl Selection {
    fn remember(app: &App) -> Self {
        let Ok(data) = &app.data else {
            return Selection::empty();
        };
        let checklist = app
            .checklists
            .iter()
            .zip(&data.checklists)
            .map(|(list, rows)| {
                let row = rows.get(list.selected()?)?;
                Some((row.control.clone(), row.subject.clone()))
            })
            .collect();
        let system_id = |index: usize| data.systems.get(index).map(|row| row.id.clone());
        let wave_id = |column: usize| {
            let row = data.waves[column].get(app.waves[column].selected()?)?;
            system_id(row.system)
        };
        Selection {
            checklist,
            system: app.systems.selected().and_then(system_id),
            vendor: app
                .vendors
                .selected()
                .and_then(|index| data.vendors.get(index))
                .map(|row| row.id.clone()),
            waves: [wave_id(0), wave_id(1)],
            finding: app
                .findings
                .selected()
                .and_then(|index| data.findings.get(index))
                .map(|row| (data.analysis.findings[row.index].rule, row.object.clone())),
        }
    }

    fn empty() -> Self {
        Selection {
            checklist: Vec::new(),
            system: None,
            vendor: None,
            waves: [None, None],
            finding: None,
        }
    }

    fn restore(self, app: &mut App) {
        let Ok(data) = &app.data else {
            return;
        };
        for (phase, wanted) in self.checklist.into_iter().enumerate() {
            let (Some((control, subject)), Some(rows)) = (wanted, data.checklists.get(phase))
            else {
                continue;
            };
            if let Some(index) = rows
                .iter()
                .position(|row| row.control == control && row.subject == subject)
            {
                app.checklists[phase].select_item(index);
            }
        }
        if let Some(index) = self.system.and_then(|id| data.system_index(&id)) {
            app.systems.select_item(index);
        }
        if let Some(index) = self.vendor.and_then(|id| data.vendor_index(&id)) {
            app.vendors.select_item(index);
        }
        for (column, wanted) in self.waves.into_iter().enumerate() {
            let Some(system) = wanted.and_then(|id| data.system_index(&id)) else {
                continue;
            };
            if let Some(index) = data.waves[column].iter().position(|r| r.system == system) {
                app.waves[column].select_item(index);
            }
        }
        if let Some((rule, object)) = self.finding
            && let Some(index) = data.findings.iter().position(|row| {
                row.object == object && data.analysis.findings[row.index].rule == rule
            })
        {
            app.findings.select_item(index);
        }
    }
}

/// Returns the system indexes in the order of `column`, stable within equal keys.
fn sorted_systems(rows: &[SystemRow], sort: SystemSort) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    match sort.column {
        SortColumn::File => {}
        SortColumn::Id => order.sort_by(|&a, &b| rows[a].id.cmp(&rows[b].id)),
        SortColumn::Name => order.sort_by(|&a, &b| rows[a].name.cmp(&rows[b].name)),
        SortColumn::Environment => order.sort_by_key(|&i| rows[i].environment),
        SortColumn::Ephi => order.sort_by_key(|&i| !rows[i].ephi),
        SortColumn::Wave => order.sort_by_key(|&i| rows[i].wave.unwrap_or((u8::MAX, u32::MAX))),
        SortColumn::Findings => order.sort_by_key(|&i| std::cmp::Reverse(rows[i].findings)),
    }
    if sort.reversed {
        order.reverse();
    }
    order
}

/// Renders the phase plan with the export library and writes it to
/// `DIR/exports/phase-N-plan.md`, returning the path.
fn write_phase_plan(
    data: &Snapshot,
    phase: Phase,
    as_of: CivilDate,
    dir: &Path,
) -> Result<PathBuf, String> {
    let Ok(journal) = &data.journal else {
        return Err("the journal cannot be read, so the plan cannot list validations".into());
    };
    let context = ExportContext::new(&data.inventory, &data.analysis, &data.gates, journal, as_of);
    let markdown = export::phase_plan(&context, phase).map_err(|error| error.to_string())?;
    let folder = dir.join("exports");
    std::fs::create_dir_all(&folder)
        .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    let path = folder.join(Report::Phase(phase).file_name());
    crate::scaffold::write_atomic(&path, markdown.as_bytes())
        .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
    Ok(path)
}

/// Returns whether a phase accepts validations, for the phases view's hint.
pub fn phase_is_locked(data: &Snapshot, phase: Phase) -> bool {
    data.gate(phase)
        .is_some_and(|gate| gate.state == PhaseState::Locked)
}
