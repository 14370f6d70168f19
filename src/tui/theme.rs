//! Styles of the TUI, with a plain variant for `NO_COLOR`.
//!
//! Without color every distinction that matters still shows, through bold, reversed or
//! underlined text, so the selection, the focused field and the severities stay readable.

use ratatui::style::{Color, Modifier, Style};

use crate::analysis::FindingSeverity;
use crate::gates::{ItemState, PhaseState};

/// The styles in use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Returns a theme with colors, or a plain one when `color` is false.
    pub fn new(color: bool) -> Self {
        Theme { color }
    }

    /// Returns the theme the environment asks for: plain when `NO_COLOR` is set to anything
    /// but the empty string, as <https://no-color.org> defines it.
    pub fn from_env() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Theme::new(!no_color)
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    /// Titles and headings.
    pub fn title(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Table headers.
    pub fn header(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    /// The selected row or tab.
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Secondary text such as paths and hints.
    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    /// Something good: a signed BAA, a validated item, a complete phase.
    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    /// Something to watch: an expiring BAA, an open item.
    pub fn warn(self) -> Style {
        self.fg(Color::Yellow)
    }

    /// Something wrong: a blocker, an expired BAA, a failed item.
    pub fn bad(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Rows related to the selection, such as a system's dependencies in the waves view.
    pub fn related(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Rows that depend on the selection.
    pub fn dependent(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::ITALIC)
    }

    /// Error messages in the status line and the dialog.
    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// Key names in the footer and the help.
    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The focused dialog field's border.
    pub fn focused(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// Style of a finding severity.
    pub fn severity(self, severity: FindingSeverity) -> Style {
        match severity {
            FindingSeverity::Blocker => self.bad(),
            FindingSeverity::Warning => self.warn(),
            FindingSeverity::Notice => self.dim(),
        }
    }

    /// Style of a phase state.
    pub fn phase_state(self, state: PhaseState) -> Style {
        match state {
            PhaseState::Locked => self.dim(),
            PhaseState::Open => self.warn(),
            PhaseState::Complete => self.good(),
            PhaseState::Regressed => self.bad(),
        }
    }

    /// Style of a checklist item state.
    pub fn item_state(self, state: ItemState) -> Style {
        match state {
            ItemState::Open => self.warn(),
            ItemState::Validated | ItemState::NotApplicable => self.good(),
            ItemState::Failed | ItemState::Expired => self.bad(),
        }
    }
}
