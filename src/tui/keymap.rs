//! The key table: which key does what in which mode.
//!
//! [`action_for_event`] turns terminal events into actions through [`BINDINGS`], and the
//! footer and the help overlay are generated from the same table, so they always show the
//! keys that work.

use ratatui::crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEventKind,
};

use crate::tui::action::{Action, View};

/// A group of bindings that is active in some states of the TUI.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Active everywhere.
    Global,
    /// Any view, when no overlay is open and no filter is being typed.
    Lists,
    /// The phases view.
    Phases,
    /// The systems view.
    Systems,
    /// The vendors view.
    Vendors,
    /// The waves view.
    Waves,
    /// The findings view.
    Findings,
    /// Typing a filter.
    Filter,
    /// The validation dialog.
    Dialog,
    /// A text field of the validation dialog.
    TextField,
    /// The help overlay.
    Help,
}

impl Mode {
    /// Modes in the order the help overlay lists them.
    pub const HELP_ORDER: [Mode; 11] = [
        Mode::Lists,
        Mode::Phases,
        Mode::Systems,
        Mode::Vendors,
        Mode::Waves,
        Mode::Findings,
        Mode::Filter,
        Mode::Dialog,
        Mode::TextField,
        Mode::Help,
        Mode::Global,
    ];

    /// Returns the heading of the mode's section in the help overlay.
    pub fn title(self) -> &'static str {
        match self {
            Mode::Global => "Everywhere",
            Mode::Lists => "All views",
            Mode::Phases => "Phases view",
            Mode::Systems => "Systems view",
            Mode::Vendors => "Vendors view",
            Mode::Waves => "Waves view",
            Mode::Findings => "Findings view",
            Mode::Filter => "Typing a filter",
            Mode::Dialog => "Validation dialog",
            Mode::TextField => "Text fields of the dialog",
            Mode::Help => "This help",
        }
    }

    /// Returns the mode of a view's own keys.
    pub fn of_view(view: View) -> Mode {
        match view {
            View::Phases => Mode::Phases,
            View::Systems => Mode::Systems,
            View::Vendors => Mode::Vendors,
            View::Waves => Mode::Waves,
            View::Findings => Mode::Findings,
        }
    }
}

/// A key with its modifiers. Shift is never part of a character key, since the character
/// already shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control or Alt.
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Returns the key's name as the footer and the help show it, such as `Ctrl-s`.
    pub fn label(self) -> String {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_owned(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".to_owned(),
            KeyCode::Esc => "Esc".to_owned(),
            KeyCode::Tab => "Tab".to_owned(),
            KeyCode::BackTab => "Shift-Tab".to_owned(),
            KeyCode::Up => "↑".to_owned(),
            KeyCode::Down => "↓".to_owned(),
            KeyCode::Left => "←".to_owned(),
            KeyCode::Right => "→".to_owned(),
            KeyCode::PageUp => "PgUp".to_owned(),
            KeyCode::PageDown => "PgDn".to_owned(),
            KeyCode::Home => "Home".to_owned(),
            KeyCode::End => "End".to_owned(),
            KeyCode::Backspace => "Backspace".to_owned(),
            KeyCode::Delete => "Del".to_owned(),
            other => format!("{other:?}"),
        };
        let mut label = String::new();
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            label.push_str("Ctrl-");
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            label.push_str("Alt-");
        }
        label.push_str(&name);
        label
    }

    /// Returns whether a key event is this key.
    fn matches(self, event: &KeyEvent) -> bool {
        let mut modifiers = event.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        if !matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers |= event.modifiers & KeyModifiers::SHIFT;
        }
        event.code == self.code && modifiers == self.modifiers
    }
}

const fn plain(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

const fn char_key(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

/// One row of the key table.
#[derive(Debug)]
pub struct Binding {
    /// Mode in which the binding is active.
    pub mode: Mode,
    /// Keys that trigger it; the first is the one the footer shows.
    pub keys: &'static [Key],
    /// Action the keys trigger.
    pub action: Action,
    /// Description for the help overlay.
    pub help: &'static str,
    /// Short label for the footer, for the bindings worth showing there.
    pub footer: Option<&'static str>,
}

const UP: Key = plain(KeyCode::Up);
const DOWN: Key = plain(KeyCode::Down);
const LEFT: Key = plain(KeyCode::Left);
const RIGHT: Key = plain(KeyCode::Right);
const ENTER: Key = plain(KeyCode::Enter);
const ESC: Key = plain(KeyCode::Esc);
const TAB: Key = plain(KeyCode::Tab);
const BACK_TAB: Key = plain(KeyCode::BackTab);

/// The key table. For one key, the first binding among the active modes wins, and modes are
/// searched in the order [`crate::tui::app::App::modes`] returns them.
pub static BINDINGS: &[Binding] = &[
    Binding {
        mode: Mode::Global,
        keys: &[ctrl('c')],
        action: Action::Quit,
        help: "quit at once, discarding an open dialog",
        footer: None,
    },
    // Lists: every view.
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('q')],
        action: Action::Quit,
        help: "quit",
        footer: Some("quit"),
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('?')],
        action: Action::ToggleHelp,
        help: "show all keys",
        footer: Some("help"),
    },
    Binding {
        mode: Mode::Lists,
        keys: &[TAB],
        action: Action::NextView,
        help: "next view",
        footer: Some("next view"),
    },
    Binding {
        mode: Mode::Lists,
        keys: &[BACK_TAB],
        action: Action::PreviousView,
        help: "previous view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('1')],
        action: Action::ShowView(View::Phases),
        help: "phases view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('2')],
        action: Action::ShowView(View::Systems),
        help: "systems view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('3')],
        action: Action::ShowView(View::Vendors),
        help: "vendors and BAAs view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('4')],
        action: Action::ShowView(View::Waves),
        help: "waves view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('5')],
        action: Action::ShowView(View::Findings),
        help: "findings view",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[UP, char_key('k')],
        action: Action::Up,
        help: "select the row above",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[DOWN, char_key('j')],
        action: Action::Down,
        help: "select the row below",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "one page up",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[plain(KeyCode::PageDown)],
        action: Action::PageDown,
        help: "one page down",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[plain(KeyCode::Home)],
        action: Action::Top,
        help: "first row",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[plain(KeyCode::End)],
        action: Action::Bottom,
        help: "last row",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('/')],
        action: Action::StartFilter,
        help: "filter the list",
        footer: Some("filter"),
    },
    Binding {
        mode: Mode::Lists,
        keys: &[ESC],
        action: Action::ClearFilter,
        help: "clear the filter and the message",
        footer: None,
    },
    Binding {
        mode: Mode::Lists,
        keys: &[char_key('e')],
        action: Action::Export,
        help: "write the selected phase's plan to a Markdown file",
        footer: Some("export plan"),
    },
    Binding {
        mode: Mode::Lists,
        keys: &[ctrl('r')],
        action: Action::Reload,
        help: "read the inventory and journal again",
        footer: None,
    },
    // Phases.
    Binding {
        mode: Mode::Phases,
        keys: &[LEFT, char_key('h')],
        action: Action::Left,
        help: "previous phase",
        footer: None,
    },
    Binding {
        mode: Mode::Phases,
        keys: &[RIGHT, char_key('l')],
        action: Action::Right,
        help: "next phase",
        footer: Some("phase"),
    },
    Binding {
        mode: Mode::Phases,
        keys: &[ENTER, char_key(' ')],
        action: Action::Activate,
        help: "record a validation of the selected item",
        footer: Some("validate"),
    },
    // Systems.
    Binding {
        mode: Mode::Systems,
        keys: &[char_key('s')],
        action: Action::NextSortColumn,
        help: "sort by the next column",
        footer: Some("sort"),
    },
    Binding {
        mode: Mode::Systems,
        keys: &[char_key('r')],
        action: Action::ReverseSort,
        help: "reverse the sort order",
        footer: Some("reverse"),
    },
    // Vendors.
    Binding {
        mode: Mode::Vendors,
        keys: &[char_key('g')],
        action: Action::ToggleGapsOnly,
        help: "show only vendors with findings, or all vendors",
        footer: Some("gaps only"),
    },
    // Waves.
    Binding {
        mode: Mode::Waves,
        keys: &[LEFT, char_key('h')],
        action: Action::Left,
        help: "phase 3 column",
        footer: None,
    },
    Binding {
        mode: Mode::Waves,
        keys: &[RIGHT, char_key('l')],
        action: Action::Right,
        help: "phase 5 column",
        footer: Some("column"),
    },
    // Findings.
    Binding {
        mode: Mode::Findings,
        keys: &[ENTER, char_key(' ')],
        action: Action::Activate,
        help: "open the finding's system or vendor",
        footer: Some("open"),
    },
    // Typing a filter.
    Binding {
        mode: Mode::Filter,
        keys: &[ENTER],
        action: Action::AcceptFilter,
        help: "keep the filter and return to the list",
        footer: Some("keep"),
    },
    Binding {
        mode: Mode::Filter,
        keys: &[ESC],
        action: Action::ClearFilter,
        help: "clear the filter",
        footer: Some("clear"),
    },
    Binding {
        mode: Mode::Filter,
        keys: &[plain(KeyCode::Backspace)],
        action: Action::Backspace,
        help: "delete the last character",
        footer: None,
    },
    Binding {
        mode: Mode::Filter,
        keys: &[UP],
        action: Action::Up,
        help: "select the row above",
        footer: None,
    },
    Binding {
        mode: Mode::Filter,
        keys: &[DOWN],
        action: Action::Down,
        help: "select the row below",
        footer: None,
    },
    // The validation dialog.
    Binding {
        mode: Mode::Dialog,
        keys: &[ctrl('s')],
        action: Action::Submit,
        help: "record the validation in the journal",
        footer: Some("record"),
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[ENTER],
        action: Action::Submit,
        help: "record the validation (outside text fields)",
        footer: None,
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[ESC],
        action: Action::Close,
        help: "cancel",
        footer: Some("cancel"),
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[TAB],
        action: Action::NextField,
        help: "next field",
        footer: Some("next field"),
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[BACK_TAB],
        action: Action::PreviousField,
        help: "previous field",
        footer: None,
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[LEFT],
        action: Action::Left,
        help: "previous status (on the status field)",
        footer: None,
    },
    Binding {
        mode: Mode::Dialog,
        keys: &[RIGHT, char_key(' ')],
        action: Action::Right,
        help: "next status (on the status field)",
        footer: Some("status"),
    },
    // Text fields of the dialog.
    Binding {
        mode: Mode::TextField,
        keys: &[ENTER],
        action: Action::Newline,
        help: "new line",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[plain(KeyCode::Backspace)],
        action: Action::Backspace,
        help: "delete the character before the cursor",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[plain(KeyCode::Delete)],
        action: Action::Delete,
        help: "delete the character under the cursor",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[UP],
        action: Action::Up,
        help: "cursor up",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[DOWN],
        action: Action::Down,
        help: "cursor down",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[LEFT],
        action: Action::Left,
        help: "cursor left",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[RIGHT],
        action: Action::Right,
        help: "cursor right",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[plain(KeyCode::Home)],
        action: Action::Home,
        help: "start of the line",
        footer: None,
    },
    Binding {
        mode: Mode::TextField,
        keys: &[plain(KeyCode::End)],
        action: Action::End,
        help: "end of the line",
        footer: None,
    },
    // The help overlay.
    Binding {
        mode: Mode::Help,
        keys: &[ESC, char_key('?'), char_key('q')],
        action: Action::Close,
        help: "close the help",
        footer: Some("close"),
    },
    Binding {
        mode: Mode::Help,
        keys: &[UP, char_key('k')],
        action: Action::Up,
        help: "scroll up",
        footer: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[DOWN, char_key('j')],
        action: Action::Down,
        help: "scroll down",
        footer: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[plain(KeyCode::PageUp)],
        action: Action::PageUp,
        help: "one page up",
        footer: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[plain(KeyCode::PageDown), char_key(' ')],
        action: Action::PageDown,
        help: "one page down",
        footer: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[plain(KeyCode::Home)],
        action: Action::Top,
        help: "top of the help",
        footer: None,
    },
    Binding {
        mode: Mode::Help,
        keys: &[plain(KeyCode::End)],
        action: Action::Bottom,
        help: "end of the help",
        footer: None,
    },
];

/// Returns whether a mode takes typed characters as text.
fn takes_text(mode: Mode) -> bool {
    matches!(mode, Mode::Filter | Mode::TextField)
}

/// Returns the action a key press stands for in the active modes, searched in order.
///
/// Only presses act: a release or repeat report, which some terminals send, returns `None`,
/// so one press toggles once. In a mode that takes text, a character key that the mode does
/// not bind and that has no Control or Alt becomes [`Action::Input`].
pub fn action_for_key(modes: &[Mode], key: &KeyEvent) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let plain_modifiers = !key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
    for &mode in modes {
        let binding = BINDINGS
            .iter()
            .find(|binding| binding.mode == mode && binding.keys.iter().any(|k| k.matches(key)));
        if let Some(binding) = binding {
            return Some(binding.action.clone());
        }
        // A text mode keeps its characters, so a key that a later mode binds, such as Space
        // in the dialog, still types.
        if let KeyCode::Char(c) = key.code
            && takes_text(mode)
            && plain_modifiers
        {
            return Some(Action::Input(c));
        }
    }
    None
}

/// Returns the action a terminal event stands for in the active modes.
pub fn action_for_event(modes: &[Mode], event: &Event) -> Option<Action> {
    match event {
        Event::Key(key) => action_for_key(modes, key),
        Event::Paste(text) => Some(Action::Paste(text.clone())),
        Event::Resize(width, height) => Some(Action::Resize {
            width: *width,
            height: *height,
        }),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::Down(ratatui::crossterm::event::MouseButton::Left) => {
                Some(Action::Click {
                    column: mouse.column,
                    row: mouse.row,
                })
            }
            MouseEventKind::ScrollUp => Some(Action::ScrollUp),
            MouseEventKind::ScrollDown => Some(Action::ScrollDown),
            _ => None,
        },
        Event::FocusGained | Event::FocusLost => None,
    }
}

/// Returns the footer entries of the active modes: the first key's label and a short name,
/// each key shown once.
pub fn footer_entries(modes: &[Mode]) -> Vec<(String, &'static str)> {
    let mut entries: Vec<(String, &'static str)> = Vec::new();
    for (index, &mode) in modes.iter().enumerate() {
        for binding in BINDINGS.iter().filter(|binding| binding.mode == mode) {
            let (Some(label), Some(&key)) = (binding.footer, binding.keys.first()) else {
                continue;
            };
            if is_shadowed(key, &modes[..index]) {
                continue;
            }
            let key = key.label();
            if !entries.iter().any(|(shown, _)| *shown == key) {
                entries.push((key, label));
            }
        }
    }
    entries
}

/// Returns whether an earlier mode takes `key` first, by a binding or as typed text.
fn is_shadowed(key: Key, earlier: &[Mode]) -> bool {
    let event = KeyEvent::new(key.code, key.modifiers);
    earlier
        .iter()
        .any(|&mode| action_for_key(&[mode], &event).is_some())
}

/// Returns the help overlay's sections: a heading and, per binding, its keys and description.
pub fn help_sections() -> Vec<(&'static str, Vec<(String, &'static str)>)> {
    let mut sections = Vec::new();
    for mode in Mode::HELP_ORDER {
        let mut rows: Vec<(String, &'static str)> = BINDINGS
            .iter()
            .filter(|binding| binding.mode == mode)
            .map(|binding| {
                let keys: Vec<String> = binding.keys.iter().map(|key| key.label()).collect();
                (keys.join(" "), binding.help)
            })
            .collect();
        if takes_text(mode) {
            rows.push(("any character".to_owned(), "type it"));
        }
        sections.push((mode.title(), rows));
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEventState;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn release_does_nothing() {
        let mut key = press(KeyCode::Char('q'), KeyModifiers::NONE);
        key.kind = KeyEventKind::Release;
        key.state = KeyEventState::NONE;
        assert_eq!(action_for_key(&[Mode::Lists], &key), None);
        key.kind = KeyEventKind::Repeat;
        assert_eq!(action_for_key(&[Mode::Lists], &key), None);
    }

    #[test]
    fn view_mode_wins_over_lists() {
        let key = press(KeyCode::Enter, KeyModifiers::NONE);
        let modes = [Mode::Findings, Mode::Lists, Mode::Global];
        assert_eq!(action_for_key(&modes, &key), Some(Action::Activate));
    }

    #[test]
    fn uppercase_character_ignores_shift() {
        let key = press(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(
            action_for_key(&[Mode::Lists], &key),
            Some(Action::ToggleHelp)
        );
    }

    #[test]
    fn filter_types_unbound_characters() {
        let key = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            action_for_key(&[Mode::Filter, Mode::Global], &key),
            Some(Action::Input('q'))
        );
        let control = press(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            action_for_key(&[Mode::Filter, Mode::Global], &control),
            Some(Action::Quit)
        );
    }

    #[test]
    fn every_mode_has_help() {
        let sections = help_sections();
        assert_eq!(sections.len(), Mode::HELP_ORDER.len());
        for (title, rows) in sections {
            assert!(!rows.is_empty(), "{title} has no keys");
        }
    }

    #[test]
    fn no_key_bound_twice_in_one_mode() {
        for (index, binding) in BINDINGS.iter().enumerate() {
            for other in &BINDINGS[index + 1..] {
                if other.mode != binding.mode {
                    continue;
                }
                for key in binding.keys {
                    assert!(
                        !other.keys.contains(key),
                        "{} bound twice in {:?}",
                        key.label(),
                        binding.mode
                    );
                }
            }
        }
    }
}
