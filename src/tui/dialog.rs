//! The validation dialog: a status, evidence and justification as multi-line text, and the
//! name to record, for one checklist item.
//!
//! The dialog only edits its fields. Recording goes through
//! [`crate::commands::record_validation`], the same checks and journal append that
//! `hipaa-migrate validate` uses, which [`crate::tui::app::App::update`] calls on submit.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::gates::{Subject, ValidationStatus};
use crate::model::Phase;
use crate::tui::action::Action;
use crate::tui::theme::Theme;

/// Editable text of one or more lines, with a cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TextArea {
    lines: Vec<String>,
    /// Cursor line.
    row: usize,
    /// Cursor position in characters within the line.
    column: usize,
    single_line: bool,
}

impl TextArea {
    /// Creates an empty text area of many lines.
    pub fn multi_line() -> Self {
        TextArea {
            lines: vec![String::new()],
            ..TextArea::default()
        }
    }

    /// Creates a one-line text field holding `text`, with the cursor at its end.
    pub fn single_line(text: &str) -> Self {
        let mut area = TextArea {
            lines: vec![String::new()],
            single_line: true,
            ..TextArea::default()
        };
        area.insert_text(text);
        area
    }

    /// Returns the text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// Returns the lines.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    /// Returns the cursor's line and character position.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.column)
    }

    /// Returns whether the area takes only one line.
    pub fn is_single_line(&self) -> bool {
        self.single_line
    }

    fn byte_index(&self) -> usize {
        let line = &self.lines[self.row];
        line.char_indices()
            .nth(self.column)
            .map_or(line.len(), |(index, _)| index)
    }

    fn line_chars(&self) -> usize {
        self.lines[self.row].chars().count()
    }

    /// Inserts one character at the cursor; a line break splits the line, or becomes a space
    /// in a one-line field. Other control characters are dropped.
    pub fn insert_char(&mut self, c: char) {
        if c == '\n' {
            self.newline();
            return;
        }
        let c = if c == '\t' { ' ' } else { c };
        if c.is_control() {
            return;
        }
        let index = self.byte_index();
        self.lines[self.row].insert(index, c);
        self.column += 1;
    }

    /// Inserts text at the cursor, as pasted: `\r\n` and `\r` count as line breaks.
    pub fn insert_text(&mut self, text: &str) {
        let normalized = text.replace("\r\n", "\n").replace('\r', "\n");
        for c in normalized.chars() {
            self.insert_char(c);
        }
    }

    /// Splits the line at the cursor, or inserts a space in a one-line field.
    pub fn newline(&mut self) {
        if self.single_line {
            self.insert_char(' ');
            return;
        }
        let index = self.byte_index();
        let rest = self.lines[self.row].split_off(index);
        self.row += 1;
        self.lines.insert(self.row, rest);
        self.column = 0;
    }

    /// Deletes the character before the cursor, joining lines at a line start.
    pub fn backspace(&mut self) {
        if self.column > 0 {
            self.column -= 1;
            let index = self.byte_index();
            self.lines[self.row].remove(index);
        } else if self.row > 0 {
            let line = self.lines.remove(self.row);
            self.row -= 1;
            self.column = self.line_chars();
            self.lines[self.row].push_str(&line);
        }
    }

    /// Deletes the character under the cursor, joining the next line at a line end.
    pub fn delete(&mut self) {
        if self.column < self.line_chars() {
            let index = self.byte_index();
            self.lines[self.row].remove(index);
        } else if self.row + 1 < self.lines.len() {
            let next = self.lines.remove(self.row + 1);
            self.lines[self.row].push_str(&next);
        }
    }

    /// Moves the cursor one character left, to the end of the line above at a line start.
    pub fn left(&mut self) {
        if self.column > 0 {
            self.column -= 1;
        } else if self.row > 0 {
            self.row -= 1;
            self.column = self.line_chars();
        }
    }

    /// Moves the cursor one character right, to the start of the next line at a line end.
    pub fn right(&mut self) {
        if self.column < self.line_chars() {
            self.column += 1;
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.column = 0;
        }
    }

    /// Moves the cursor one line up.
    pub fn up(&mut self) {
        if self.row > 0 {
            self.row -= 1;
            self.column = self.column.min(self.line_chars());
        }
    }

    /// Moves the cursor one line down.
    pub fn down(&mut self) {
        if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.column = self.column.min(self.line_chars());
        }
    }

    /// Moves the cursor to the start of the line.
    pub fn home(&mut self) {
        self.column = 0;
    }

    /// Moves the cursor to the end of the line.
    pub fn end(&mut self) {
        self.column = self.line_chars();
    }
}

/// The fields of the dialog, in focus order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The outcome to record.
    Status,
    /// Evidence for the outcome.
    Evidence,
    /// Reason the control does not apply.
    Justification,
    /// The name recorded as the validator.
    By,
}

impl Field {
    const ORDER: [Field; 4] = [
        Field::Status,
        Field::Evidence,
        Field::Justification,
        Field::By,
    ];

    fn position(self) -> usize {
        self as usize
    }
}

/// Statuses in the order Left and Right cycle through them.
const STATUSES: [ValidationStatus; 4] = [
    ValidationStatus::Validated,
    ValidationStatus::Failed,
    ValidationStatus::NotApplicable,
    ValidationStatus::Reset,
];

/// Next step for the dialog's owner after an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Keep the dialog open.
    Stay,
    /// Record the validation.
    Submit,
    /// Close without recording.
    Cancel,
}

/// The validation dialog for one checklist item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationDialog {
    /// Phase of the control.
    pub phase: Phase,
    /// Control id.
    pub control: String,
    /// Control title.
    pub title: String,
    /// Validation steps from the catalog.
    pub how_to_validate: Option<String>,
    /// The evidence the catalog expects.
    pub expected_evidence: Option<String>,
    /// The item's subject.
    pub subject: Subject,
    /// The item's state now, in words.
    pub current: String,
    /// Outcome to record.
    pub status: ValidationStatus,
    /// Evidence text.
    pub evidence: TextArea,
    /// Justification text.
    pub justification: TextArea,
    /// Name to record.
    pub by: TextArea,
    /// Focused field.
    pub focus: Field,
    /// Reason the last submit was rejected.
    pub error: Option<String>,
}

impl ValidationDialog {
    /// Returns the focused text area, or `None` when the status is focused.
    pub fn focused_text(&mut self) -> Option<&mut TextArea> {
        match self.focus {
            Field::Status => None,
            Field::Evidence => Some(&mut self.evidence),
            Field::Justification => Some(&mut self.justification),
            Field::By => Some(&mut self.by),
        }
    }

    /// Returns whether a text field has the focus, so typed characters go there.
    pub fn is_typing(&self) -> bool {
        self.focus != Field::Status
    }

    fn cycle_status(&mut self, forward: bool) {
        let position = STATUSES
            .iter()
            .position(|&status| status == self.status)
            .unwrap_or(0);
        let next = if forward {
            (position + 1) % STATUSES.len()
        } else {
            (position + STATUSES.len() - 1) % STATUSES.len()
        };
        self.status = STATUSES[next];
    }

    fn move_focus(&mut self, forward: bool) {
        let count = Field::ORDER.len();
        let position = self.focus.position();
        let next = if forward {
            (position + 1) % count
        } else {
            (position + count - 1) % count
        };
        self.focus = Field::ORDER[next];
    }

    /// Applies one action to the dialog's fields.
    pub fn handle(&mut self, action: &Action) -> Outcome {
        match action {
            Action::Submit => return Outcome::Submit,
            Action::Close => return Outcome::Cancel,
            Action::NextField => self.move_focus(true),
            Action::PreviousField => self.move_focus(false),
            Action::Left if self.focus == Field::Status => self.cycle_status(false),
            Action::Right if self.focus == Field::Status => self.cycle_status(true),
            _ => {
                if let Some(text) = self.focused_text() {
                    edit_text(text, action);
                }
            }
        }
        Outcome::Stay
    }
}

fn edit_text(text: &mut TextArea, action: &Action) {
    match action {
        Action::Input(c) => text.insert_char(*c),
        Action::Paste(pasted) => text.insert_text(pasted),
        Action::Newline => text.newline(),
        Action::Backspace => text.backspace(),
        Action::Delete => text.delete(),
        Action::Left => text.left(),
        Action::Right => text.right(),
        Action::Up => text.up(),
        Action::Down => text.down(),
        Action::Home => text.home(),
        Action::End => text.end(),
        _ => {}
    }
}

/// Returns the dialog's area: centered, at most 80 columns and 24 rows.
pub fn area(screen: Rect) -> Rect {
    let width = screen.width.saturating_sub(4).min(80);
    let height = screen.height.saturating_sub(2).min(24);
    Rect {
        x: screen.x + (screen.width - width) / 2,
        y: screen.y + (screen.height - height) / 2,
        width,
        height,
    }
}

/// Draws the dialog over a cleared area, and places the cursor in the focused text field.
pub fn draw(frame: &mut Frame, screen: Rect, dialog: &ValidationDialog, theme: Theme) {
    let area = area(screen);
    frame.render_widget(Clear, area);
    let title = format!(" Validate {} for {} ", dialog.control, dialog.subject);
    let block = Block::bordered().title(Span::styled(title, theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let [about, status, evidence, justification, by, error] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(4),
        Constraint::Length(3),
        Constraint::Length(2),
    ])
    .areas(inner);

    let mut lines = vec![Line::from(vec![
        Span::styled(dialog.title.clone(), Style::new().bold()),
        Span::styled(format!("  ({})", dialog.current), theme.dim()),
    ])];
    if let Some(how) = &dialog.how_to_validate {
        lines.push(Line::from(vec![
            Span::styled("How: ", theme.dim()),
            Span::raw(how.clone()),
        ]));
    }
    if let Some(expected) = &dialog.expected_evidence {
        lines.push(Line::from(vec![
            Span::styled("Evidence expected: ", theme.dim()),
            Span::raw(expected.clone()),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), about);

    let mut spans = vec![Span::styled(
        "Status: ",
        if dialog.focus == Field::Status {
            theme.focused()
        } else {
            Style::new()
        },
    )];
    for candidate in STATUSES {
        let label = format!(" {} ", candidate.label());
        let style = if candidate == dialog.status {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(spans), status);

    let fields = [
        (Field::Evidence, "Evidence", &dialog.evidence, evidence),
        (
            Field::Justification,
            "Justification (needed for not applicable)",
            &dialog.justification,
            justification,
        ),
        (Field::By, "Recorded by", &dialog.by, by),
    ];
    for (field, label, text, rect) in fields {
        let focused = dialog.focus == field;
        if let Some(cursor) = draw_text_area(frame, rect, label, text, focused, theme)
            && focused
        {
            frame.set_cursor_position(cursor);
        }
    }

    if let Some(message) = &dialog.error {
        frame.render_widget(
            Paragraph::new(Span::styled(message.clone(), theme.error())).wrap(Wrap { trim: true }),
            error,
        );
    }
}

/// Draws a text area in a bordered box and returns where its cursor is on screen.
fn draw_text_area(
    frame: &mut Frame,
    area: Rect,
    label: &str,
    text: &TextArea,
    focused: bool,
    theme: Theme,
) -> Option<Position> {
    let border = if focused {
        theme.focused()
    } else {
        theme.dim()
    };
    let block = Block::bordered()
        .border_style(border)
        .title(Span::styled(format!(" {label} "), border));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return None;
    }
    let (row, column) = text.cursor();
    let height = usize::from(inner.height);
    let width = usize::from(inner.width);
    let first_row = (row + 1).saturating_sub(height);
    // Lines scroll sideways together, so the cursor column stays inside the box.
    let first_column = (column + 1).saturating_sub(width);
    let lines: Vec<Line> = text
        .lines()
        .iter()
        .skip(first_row)
        .take(height)
        .map(|line| Line::raw(line.chars().skip(first_column).collect::<String>()))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);

    let line = &text.lines()[row];
    let before: String = line
        .chars()
        .skip(first_column)
        .take(column - first_column)
        .collect();
    let x = inner.x + (Line::raw(before).width() as u16).min(inner.width - 1);
    let y = inner.y + (row - first_row) as u16;
    Some(Position::new(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_area_edits_lines() {
        let mut text = TextArea::multi_line();
        text.insert_text("ticket\r\nCHG-1");
        assert_eq!(text.lines(), ["ticket", "CHG-1"]);
        text.backspace();
        text.insert_char('2');
        assert_eq!(text.text(), "ticket\nCHG-2");
        text.home();
        text.backspace();
        assert_eq!(text.text(), "ticketCHG-2");
        assert_eq!(text.cursor(), (0, 6));
        text.delete();
        assert_eq!(text.text(), "ticketHG-2");
    }

    #[test]
    fn single_line_turns_breaks_into_spaces() {
        let mut text = TextArea::single_line("Dana");
        text.insert_text("\nReyes");
        assert_eq!(text.text(), "Dana Reyes");
        assert_eq!(text.lines().len(), 1);
    }

    #[test]
    fn text_area_handles_wide_characters() {
        let mut text = TextArea::multi_line();
        text.insert_text("évidence ✓");
        text.left();
        text.backspace();
        assert_eq!(text.text(), "évidence✓");
        text.end();
        text.right();
        assert_eq!(text.cursor(), (0, 9));
    }

    #[test]
    fn control_characters_are_dropped() {
        let mut text = TextArea::multi_line();
        text.insert_text("a\u{1b}[31mb\tc");
        assert_eq!(text.text(), "a[31mb c");
    }
}
