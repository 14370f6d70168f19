//! Problems found while loading an inventory, and their rendering with source snippets.
//!
//! A problem is data, not an `Err`: one load collects every problem it finds so the user can fix
//! them all in one pass.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::loader::yaml::Pos;

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The inventory cannot be used until this is fixed.
    Error,
    /// The inventory loads, but something is probably not what the author meant.
    Warning,
}

/// A place in a file, with a note on what is there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// File holding the place.
    pub file: PathBuf,
    /// Line and column.
    pub pos: Pos,
    /// What the place shows, for example "first defined here".
    pub label: String,
}

/// One problem in an inventory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Error or warning.
    pub severity: Severity,
    /// File the problem is in; `None` for problems with the folder itself.
    pub file: Option<PathBuf>,
    /// Line and column, when the problem has a position.
    pub pos: Option<Pos>,
    /// What is wrong, naming the value.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Another place involved, such as the first definition of a duplicate id.
    pub related: Option<Related>,
}

impl Problem {
    /// Creates an error in a file at a position.
    pub fn error(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Error,
            file: Some(file.to_path_buf()),
            pos: Some(pos),
            message: message.into(),
            help: None,
            related: None,
        }
    }

    /// Creates a warning in a file at a position.
    pub fn warning(file: &Path, pos: Pos, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(file, pos, message)
        }
    }

    /// Creates an error about a file or folder as a whole.
    pub fn file_error(file: &Path, message: impl Into<String>) -> Self {
        Problem {
            pos: None,
            ..Problem::error(file, Pos::default(), message)
        }
    }

    /// Creates a warning about a file or folder as a whole.
    pub fn file_warning(file: &Path, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::file_error(file, message)
        }
    }

    /// Adds what to do about the problem.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds another place involved in the problem.
    #[must_use]
    pub fn with_related(mut self, file: &Path, pos: Pos, label: impl Into<String>) -> Self {
        self.related = Some(Related {
            file: file.to_path_buf(),
            pos,
            label: label.into(),
        });
        self
    }

    /// Returns whether this problem prevents using the inventory.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    /// Formats the problem as one line: `file:line:column: severity: message (help)`, with
    /// control and invisible formatting characters escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", escape_hidden(&file.display().to_string()))?;
            if let Some(pos) = self.pos {
                write!(f, ":{pos}")?;
            }
            f.write_str(": ")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", escape_hidden(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, " ({})", escape_hidden(help))?;
        }
        if let Some(related) = &self.related {
            write!(
                f,
                " [{}: {}:{}]",
                escape_hidden(&related.label),
                escape_hidden(&related.file.display().to_string()),
                related.pos
            )?;
        }
        Ok(())
    }
}

/// Returns whether a terminal could act on `c` or show it as nothing.
///
/// Such characters are the controls (C0, DEL and C1) and these invisible ones:
/// - zero-width and direction marks, U+200B to U+200F
/// - line and paragraph separators, U+2028 and U+2029
/// - bidirectional embeddings, overrides and isolates, U+202A to U+202E and U+2066 to U+2069
/// - invisible operators, U+2060 to U+2064
/// - the byte-order mark, U+FEFF
pub fn is_hidden_or_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// Replaces each character [`is_hidden_or_control`] matches with its escape, such as
/// `\u{1b}`, so text from an inventory cannot drive the terminal it is printed on.
pub fn escape_hidden(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hidden_or_control) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hidden_or_control(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Replaces each character [`is_hidden_or_control`] matches, except tab and line ends, with
/// as many `?` as it has bytes. Byte offsets into the text stay valid for the copy.
fn mask_hidden(text: &str) -> Cow<'_, str> {
    let mut masked: Option<String> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let next = chars.peek().map(|(_, next)| *next);
        let kept = c == '\t' || c == '\n' || (c == '\r' && next == Some('\n'));
        let hide = is_hidden_or_control(c) && !kept;
        match (&mut masked, hide) {
            (None, false) => {}
            (None, true) => {
                let mut copy = String::with_capacity(text.len());
                copy.push_str(&text[..index]);
                copy.extend(std::iter::repeat_n('?', c.len_utf8()));
                masked = Some(copy);
            }
            (Some(copy), true) => copy.extend(std::iter::repeat_n('?', c.len_utf8())),
            (Some(copy), false) => copy.push(c),
        }
    }
    masked.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// The text of one loaded file, kept for snippets.
#[derive(Clone, Debug)]
pub struct SourceText {
    /// Path as shown to the user.
    pub path: PathBuf,
    /// File contents.
    pub text: Arc<str>,
}

/// Lines longer than this many characters are not drawn as snippets: the problem is shown as
/// one line instead. A snippet repeats its whole line, so one long line with many problems
/// would otherwise be printed once per problem.
const MAX_SNIPPET_LINE_CHARS: usize = 500;

/// Renders problems with source snippets, as `miette` draws them.
pub struct Renderer<'a> {
    sources: &'a [SourceText],
    /// The text of each source with control and invisible characters masked, in the order of
    /// `sources`; snippets are drawn from these.
    masked: Vec<Arc<str>>,
    handler: GraphicalReportHandler,
}

impl<'a> Renderer<'a> {
    /// Creates a renderer over the loaded files; `color` selects the colored theme.
    pub fn new(sources: &'a [SourceText], color: bool) -> Self {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .with_context_lines(SNIPPET_CONTEXT_LINES)
            .with_show_related_as_nested(true);
        let masked = sources
            .iter()
            .map(|source| match mask_hidden(&source.text) {
                Cow::Borrowed(_) => source.text.clone(),
                Cow::Owned(text) => Arc::from(text),
            })
            .collect();
        Renderer {
            sources,
            masked,
            handler,
        }
    }

    /// Renders one problem: a `file:line:column` header line, then the snippet. A problem
    /// without a position in a loaded file, or near a line too long to draw, is rendered as
    /// its one-line form.
    pub fn render(&self, problem: &Problem) -> String {
        let places = std::iter::once((problem.file.as_deref(), problem.pos)).chain(
            problem
                .related
                .iter()
                .map(|related| (Some(related.file.as_path()), Some(related.pos))),
        );
        for (file, pos) in places {
            if let (Some(text), Some(pos)) = (file.and_then(|file| self.text_of(file)), pos)
                && !fits_snippet(text, pos)
            {
                return format!("{problem}\n");
            }
        }
        let diagnostic = ProblemDiagnostic::new(problem, self);
        if diagnostic.source.is_none() {
            return format!("{problem}\n");
        }
        let mut out = String::new();
        if self.handler.render_report(&mut out, &diagnostic).is_err() {
            return format!("{problem}\n");
        }
        format!("{}\n{out}", header_line(problem))
    }

    /// Returns the masked text of a loaded file.
    fn text_of(&self, file: &Path) -> Option<&Arc<str>> {
        let index = self.sources.iter().position(|source| source.path == file)?;
        self.masked.get(index)
    }
}

/// Lines of context `miette` draws above and below the line of a problem.
const SNIPPET_CONTEXT_LINES: usize = 1;

/// Returns whether a snippet at `pos` stays small: the column and every line drawn, with its
/// context, are within [`MAX_SNIPPET_LINE_CHARS`].
fn fits_snippet(text: &str, pos: Pos) -> bool {
    if pos.column as usize > MAX_SNIPPET_LINE_CHARS {
        return false;
    }
    let line = pos.line as usize;
    let first = line.saturating_sub(SNIPPET_CONTEXT_LINES).max(1);
    text.split('\n')
        .skip(first - 1)
        .take(line + SNIPPET_CONTEXT_LINES + 1 - first)
        .all(|line| {
            line.len() <= MAX_SNIPPET_LINE_CHARS || line.chars().count() <= MAX_SNIPPET_LINE_CHARS
        })
}

fn header_line(problem: &Problem) -> String {
    let mut line = String::new();
    if let Some(file) = &problem.file {
        line.push_str(&escape_hidden(&file.display().to_string()));
        if let Some(pos) = problem.pos {
            line.push(':');
            line.push_str(&pos.to_string());
        }
        line.push_str(": ");
    }
    line.push_str(match problem.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    });
    line
}

/// Converts a 1-based line and character column into a byte offset in `text`.
fn byte_offset(text: &str, pos: Pos) -> Option<usize> {
    if pos.line == 0 {
        return None;
    }
    let line_start = if pos.line == 1 {
        0
    } else {
        text.match_indices('\n').nth(pos.line as usize - 2)?.0 + 1
    };
    let line = text[line_start..].split('\n').next().unwrap_or("");
    let column = pos.column.saturating_sub(1) as usize;
    let within = line
        .char_indices()
        .nth(column)
        .map_or(line.len(), |(index, _)| index);
    Some(line_start + within)
}

/// Returns the length in bytes of the YAML scalar or key starting at `offset`, so the label
/// underlines the whole value.
///
/// A quoted scalar ends at its closing quote. A plain one ends before `: `, ` #` or the end of
/// the line, and inside brackets also before `,`, `[`, `]`, `{` or `}`. Trailing spaces are
/// left out, and the length never reaches past the end of the line.
fn scalar_len(text: &str, offset: usize) -> usize {
    let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
    let line_end = text[offset..]
        .find('\n')
        .map_or(text.len(), |index| offset + index);
    let rest = &text[offset..line_end];
    let len = match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => quoted_len(rest, quote),
        _ => plain_len(rest, in_flow(&text[line_start..offset])),
    };
    len.max(1)
}

/// Length of a quoted scalar at the start of `rest`, with both quotes, or of all of `rest`
/// when the quote does not close on this line.
fn quoted_len(rest: &str, quote: char) -> usize {
    let mut chars = rest.char_indices().skip(1).peekable();
    while let Some((index, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            // In single quotes, `''` is an escaped quote.
            if quote == '\'' && chars.peek().is_some_and(|(_, next)| *next == '\'') {
                chars.next();
                continue;
            }
            return index + c.len_utf8();
        }
    }
    rest.trim_end().len()
}

/// Length of a plain scalar at the start of `rest`.
fn plain_len(rest: &str, flow: bool) -> usize {
    let mut end = rest.len();
    let mut previous = ' ';
    let mut chars = rest.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let next = chars.peek().map(|(_, next)| *next);
        let ends_here = match c {
            '#' => index > 0 && previous.is_whitespace(),
            ':' => next.is_none_or(|next| {
                next.is_whitespace() || (flow && matches!(next, ',' | '[' | ']' | '{' | '}'))
            }),
            ',' | '[' | ']' | '{' | '}' => flow,
            _ => false,
        };
        if ends_here {
            end = index;
            break;
        }
        previous = c;
    }
    rest[..end].trim_end().len()
}

/// Returns whether a line that starts with `before` is inside a flow collection (`[...]` or
/// `{...}`) at its end.
// NOTE: only the current line is looked at, so a flow collection that began on an earlier
// line is not noticed, and its values are underlined up to the end of the line.
fn in_flow(before: &str) -> bool {
    let mut depth = 0_usize;
    let mut quote = None;
    let mut previous = ' ';
    for c in before.chars() {
        match (quote, c) {
            (Some(open), c) if c == open => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '#') if previous.is_whitespace() => break,
            // Characters inside quotes, and other characters outside them, change nothing.
            _ => {}
        }
        previous = c;
    }
    depth > 0
}

#[derive(Debug)]
struct ProblemDiagnostic<'a> {
    problem: &'a Problem,
    message: String,
    help: Option<String>,
    source: Option<Excerpt>,
    label: Option<LabeledSpan>,
    related: Vec<RelatedDiagnostic>,
}

impl<'a> ProblemDiagnostic<'a> {
    fn new(problem: &'a Problem, renderer: &Renderer<'_>) -> Self {
        let found = problem
            .file
            .as_ref()
            .and_then(|file| Some((file, renderer.text_of(file)?)));
        let (source, label) = match (found, problem.pos) {
            (Some((file, text)), Some(pos)) => match byte_offset(text, pos) {
                Some(offset) => {
                    let name = escape_hidden(&file.display().to_string()).into_owned();
                    let source = Excerpt::around(name, text.clone(), offset, pos.line);
                    let label = LabeledSpan::new_primary_with_span(
                        Some("here".to_owned()),
                        (offset, scalar_len(text, offset)),
                    );
                    (Some(source), Some(label))
                }
                None => (None, None),
            },
            _ => (None, None),
        };
        let related = problem
            .related
            .iter()
            .filter_map(|related| RelatedDiagnostic::new(related, renderer))
            .collect();
        ProblemDiagnostic {
            problem,
            message: escape_hidden(&problem.message).into_owned(),
            help: problem
                .help
                .as_deref()
                .map(|help| escape_hidden(help).into_owned()),
            source,
            label,
            related,
        }
    }
}

impl fmt::Display for ProblemDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProblemDiagnostic<'_> {}

impl Diagnostic for ProblemDiagnostic<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.problem.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|source| source as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.label
            .clone()
            .map(|label| Box::new(std::iter::once(label)) as Box<_>)
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related
                .iter()
                .map(|related| related as &dyn Diagnostic),
        ))
    }
}

#[derive(Debug)]
struct RelatedDiagnostic {
    label: String,
    source: Excerpt,
    span: LabeledSpan,
}

impl RelatedDiagnostic {
    fn new(related: &Related, renderer: &Renderer<'_>) -> Option<Self> {
        let text = renderer.text_of(&related.file)?;
        let offset = byte_offset(text, related.pos)?;
        let file = escape_hidden(&related.file.display().to_string()).into_owned();
        let label = escape_hidden(&related.label).into_owned();
        Some(RelatedDiagnostic {
            label: format!("{label} ({file}:{})", related.pos),
            source: Excerpt::around(file, text.clone(), offset, related.pos.line),
            span: LabeledSpan::new_primary_with_span(
                Some(label),
                (offset, scalar_len(text, offset)),
            ),
        })
    }
}

impl fmt::Display for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

impl std::error::Error for RelatedDiagnostic {}

impl Diagnostic for RelatedDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(std::iter::once(self.span.clone())))
    }
}

/// Lines of a file around a problem, which `miette` reads in place of the whole file. It finds
/// a span's line by scanning its source from the start, so with whole files each snippet took
/// time in proportion to the file's size. Printing 10,000 problems from files of about 1 MB
/// took 39 s that way, and takes 9.6 s with excerpts (release build, this repository's
/// generated 10,000-system estate).
#[derive(Debug)]
struct Excerpt {
    /// The file name shown above the snippet.
    name: String,
    text: Arc<str>,
    /// Byte offset in `text` of the first line of the excerpt.
    start: usize,
    /// Byte offset in `text` just past the excerpt's last line.
    end: usize,
    /// Number of lines of `text` before the excerpt.
    lines_before: usize,
}

/// Lines an [`Excerpt`] keeps above and below the problem's line: more than the context lines
/// `miette` draws.
const EXCERPT_LINES: usize = SNIPPET_CONTEXT_LINES + 2;

impl Excerpt {
    /// Cuts the lines around byte `offset`, which is on 1-based line `line` of `text`.
    fn around(name: String, text: Arc<str>, offset: usize, line: u32) -> Self {
        let line_start = text[..offset].rfind('\n').map_or(0, |index| index + 1);
        let mut start = line_start;
        let mut lines_above = 0;
        while start > 0 && lines_above < EXCERPT_LINES {
            start = text[..start - 1].rfind('\n').map_or(0, |index| index + 1);
            lines_above += 1;
        }
        let mut end = offset;
        for _ in 0..=EXCERPT_LINES {
            if let Some(index) = text[end..].find('\n') {
                end += index + 1;
            } else {
                end = text.len();
                break;
            }
        }
        let lines_before = (line as usize).saturating_sub(1 + lines_above);
        Excerpt {
            name,
            text,
            start,
            end,
            lines_before,
        }
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let window = &self.text[self.start..self.end];
        let offset = span
            .offset()
            .checked_sub(self.start)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(offset.into(), span.len());
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.start).into(),
                contents.span().len(),
            ),
            contents.line() + self.lines_before,
            contents.column(),
            contents.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_offset_counts_characters() {
        let text = "a: 1\nné: x\n";
        assert_eq!(byte_offset(text, Pos { line: 1, column: 1 }), Some(0));
        assert_eq!(byte_offset(text, Pos { line: 2, column: 5 }), Some(10));
        assert_eq!(byte_offset(text, Pos { line: 9, column: 1 }), None);
    }

    #[test]
    fn one_line_display() {
        let problem = Problem::error(
            Path::new("inv/systems.yaml"),
            Pos { line: 3, column: 5 },
            "bad",
        )
        .with_help("fix it");
        assert_eq!(
            problem.to_string(),
            "inv/systems.yaml:3:5: error: bad (fix it)"
        );
    }

    #[test]
    fn scalar_len_covers_whole_values() {
        let cases = [
            ("  name: Log search\n", 8, "Log search"),
            ("  name: Log search   # note\n", 8, "Log search"),
            ("  ownr: Web team\n", 2, "ownr"),
            ("  to: [Log search, b]\n", 7, "Log search"),
            ("  to: {a: Log search}\n", 10, "Log search"),
            ("  to: [a, 'it''s', b]\n", 10, "'it''s'"),
            ("  to: \"x\\\"y\", z\n", 6, "\"x\\\"y\""),
            ("  url: https://example.org/a\n", 7, "https://example.org/a"),
            ("  tag: a#b\n", 7, "a#b"),
            ("  key:\n", 2, "key"),
        ];
        for (text, offset, expected) in cases {
            let len = scalar_len(text, offset);
            assert_eq!(&text[offset..offset + len], expected, "{text:?}");
        }
    }

    #[test]
    fn scalar_len_is_at_least_one() {
        assert_eq!(scalar_len("a:\n", 2), 1);
        assert_eq!(scalar_len("a: [", 3), 1);
    }

    #[test]
    fn escape_hidden_escapes_controls_and_bidi() {
        assert_eq!(escape_hidden("plain é"), "plain é");
        assert_eq!(
            escape_hidden("a\u{1b}[31m\u{7}\u{202e}\u{200b}\tb"),
            "a\\u{1b}[31m\\u{7}\\u{202e}\\u{200b}\\u{9}b"
        );
    }

    #[test]
    fn mask_hidden_keeps_byte_offsets() {
        let text = "a: \"\u{1b}x\u{202e}\"\r\n\tb: \r\u{0}\n";
        let masked = mask_hidden(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked, "a: \"?x???\"\r\n\tb: ??\n");
        assert!(matches!(mask_hidden("a: b\r\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_lines_do_not_fit_snippets() {
        let long = "x".repeat(MAX_SNIPPET_LINE_CHARS + 1);
        let text = format!("a: 1\nb: {long}\nc: 3\nd: 4\n");
        assert!(!fits_snippet(&text, Pos { line: 2, column: 4 }));
        assert!(
            !fits_snippet(&text, Pos { line: 3, column: 4 }),
            "context line"
        );
        assert!(fits_snippet(&text, Pos { line: 4, column: 4 }));
        assert!(!fits_snippet(
            "a: 1\n",
            Pos {
                line: 1,
                column: 70_000
            }
        ));
    }

    #[test]
    fn render_long_line_is_one_line() {
        let sources = vec![SourceText {
            path: PathBuf::from("inv/systems.yaml"),
            text: Arc::from(format!("- id: {}\n", "a".repeat(600))),
        }];
        let problem = Problem::error(
            Path::new("inv/systems.yaml"),
            Pos { line: 1, column: 7 },
            "bad",
        );
        let rendered = Renderer::new(&sources, false).render(&problem);
        assert_eq!(rendered, "inv/systems.yaml:1:7: error: bad\n");
    }

    #[test]
    fn render_related_on_long_line_is_one_line() {
        let sources = vec![SourceText {
            path: PathBuf::from("inv/systems.yaml"),
            text: Arc::from(format!("- id: a\n- id: {}\n", "b".repeat(600))),
        }];
        let path = Path::new("inv/systems.yaml");
        let problem = Problem::error(path, Pos { line: 1, column: 7 }, "bad").with_related(
            path,
            Pos { line: 2, column: 7 },
            "first used here",
        );
        let rendered = Renderer::new(&sources, false).render(&problem);
        assert_eq!(rendered, format!("{problem}\n"));
    }

    #[test]
    fn render_shows_snippet_and_header() {
        let sources = vec![SourceText {
            path: PathBuf::from("inv/systems.yaml"),
            text: Arc::from("- id: a\n  kind: databse\n"),
        }];
        let problem = Problem::error(
            Path::new("inv/systems.yaml"),
            Pos { line: 2, column: 9 },
            "invalid value `databse`",
        );
        let rendered = Renderer::new(&sources, false).render(&problem);
        assert!(
            rendered.starts_with("inv/systems.yaml:2:9: error\n"),
            "{rendered}"
        );
        assert!(rendered.contains("kind: databse"), "{rendered}");
        assert!(rendered.contains("invalid value `databse`"), "{rendered}");
    }

    #[test]
    fn snippet_numbers_lines_as_in_the_file() {
        use std::fmt::Write as _;

        let mut text = String::new();
        for line in 1..=600 {
            writeln!(text, "key{line}: value{line}").expect("write to a string");
        }
        // The last line has no line break, so the excerpt ends at the end of the text.
        text.push_str("last: end");
        let sources = vec![SourceText {
            path: PathBuf::from("inv/long.yaml"),
            text: Arc::from(text),
        }];
        let renderer = Renderer::new(&sources, false);
        let cases = [
            (1, "key1: value1", "key2"),
            (500, "key500: value500", "key501"),
            (601, "last: end", "key600"),
        ];
        for (line, shown, neighbour) in cases {
            let problem =
                Problem::error(Path::new("inv/long.yaml"), Pos { line, column: 1 }, "bad");
            let output = renderer.render(&problem);
            let numbered = format!("{line} │ {shown}");
            assert!(output.contains(&numbered), "line {line}:\n{output}");
            assert!(output.contains(neighbour), "line {line}:\n{output}");
        }
    }
}
