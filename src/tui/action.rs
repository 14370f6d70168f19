//! The views and the actions that change the TUI's state.
//!
//! Every input, from keys through the keymap, from the mouse, the file watcher and resizes,
//! becomes one [`Action`], and [`crate::tui::app::App::update`] is the only function that
//! applies them.

/// The five views, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum View {
    /// The migration phases, their checklists and gates.
    Phases,
    /// The systems table and one system's detail.
    Systems,
    /// The vendors, their BAAs and subprocessor chains.
    Vendors,
    /// The migration waves of phases 3 and 5.
    Waves,
    /// The findings, grouped by severity and phase.
    Findings,
}

impl View {
    /// All views in tab order.
    pub const ALL: [View; 5] = [
        View::Phases,
        View::Systems,
        View::Vendors,
        View::Waves,
        View::Findings,
    ];

    /// Returns the tab title.
    pub fn title(self) -> &'static str {
        match self {
            View::Phases => "Phases",
            View::Systems => "Systems",
            View::Vendors => "Vendors and BAAs",
            View::Waves => "Waves",
            View::Findings => "Findings",
        }
    }

    /// Returns the position in tab order, from 0.
    pub fn index(self) -> usize {
        self as usize
    }

    /// Returns the next view in tab order, wrapping around.
    #[must_use]
    pub fn next(self) -> View {
        View::ALL[(self.index() + 1) % View::ALL.len()]
    }

    /// Returns the previous view in tab order, wrapping around.
    #[must_use]
    pub fn previous(self) -> View {
        View::ALL[(self.index() + View::ALL.len() - 1) % View::ALL.len()]
    }
}

/// A change to the TUI's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Leave the TUI.
    Quit,
    /// Switch to a view.
    ShowView(View),
    /// Switch to the next view in tab order.
    NextView,
    /// Switch to the previous view in tab order.
    PreviousView,
    /// Move the selection one row up.
    Up,
    /// Move the selection one row down.
    Down,
    /// Move the selection one page up.
    PageUp,
    /// Move the selection one page down.
    PageDown,
    /// Select the first row.
    Top,
    /// Select the last row.
    Bottom,
    /// Select the previous phase, or the left column of the waves view.
    Left,
    /// Select the next phase, or the right column of the waves view.
    Right,
    /// Act on the selected row: validate a checklist item, or open a finding's object.
    Activate,
    /// Start typing a filter for the current list.
    StartFilter,
    /// Keep the typed filter and return to the list.
    AcceptFilter,
    /// Clear the filter of the current list.
    ClearFilter,
    /// Sort the systems table by the next column.
    NextSortColumn,
    /// Reverse the sort order of the systems table.
    ReverseSort,
    /// Show only vendors with a gap, or all vendors again.
    ToggleGapsOnly,
    /// Write the selected phase's plan to a Markdown file.
    Export,
    /// Show or hide the key help.
    ToggleHelp,
    /// Close the topmost overlay, or clear the status message.
    Close,
    /// Read the inventory and the journal from disk again, keeping the selection.
    Reload,
    /// Files in the inventory folder changed: reload as [`Action::Reload`] does, reporting
    /// only a failure.
    FilesChanged,
    /// Move the dialog focus to the next field.
    NextField,
    /// Move the dialog focus to the previous field.
    PreviousField,
    /// Record the validation the dialog describes.
    Submit,
    /// Type one character into the focused text field or filter.
    Input(char),
    /// Insert a line break into the focused text field.
    Newline,
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    Delete,
    /// Move the text cursor to the start of the line.
    Home,
    /// Move the text cursor to the end of the line.
    End,
    /// Insert pasted text into the focused text field or filter.
    Paste(String),
    /// A left click at a terminal cell.
    Click {
        /// Column, from 0.
        column: u16,
        /// Row, from 0.
        row: u16,
    },
    /// Scroll the list under the mouse up by a few rows.
    ScrollUp,
    /// Scroll the list under the mouse down by a few rows.
    ScrollDown,
    /// The terminal has a new size.
    Resize {
        /// Columns.
        width: u16,
        /// Rows.
        height: u16,
    },
}
