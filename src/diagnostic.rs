//! Problems found while loading an inventory, and their rendering with source snippets.
//!
//! A problem is data, not an `Err`: one load collects every problem it finds so the user can fix
//! them all in one pass.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
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
    /// Formats the problem as one line: `file:line:column: severity: message (help)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(pos) = self.pos {
                write!(f, ":{pos}")?;
            }
            f.write_str(": ")?;
        }
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{severity}: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        if let Some(related) = &self.related {
            write!(
                f,
                " [{}: {}:{}]",
                related.label,
                related.file.display(),
                related.pos
            )?;
        }
        Ok(())
    }
}

/// The text of one loaded file, kept for snippets.
#[derive(Clone, Debug)]
pub struct SourceText {
    /// Path as shown to the user.
    pub path: PathBuf,
    /// File contents.
    pub text: Arc<str>,
}

/// Renders problems with source snippets, as `miette` draws them.
pub struct Renderer<'a> {
    sources: &'a [SourceText],
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
            .with_show_related_as_nested(true);
        Renderer { sources, handler }
    }

    /// Renders one problem: a `file:line:column` header line, then the snippet.
    pub fn render(&self, problem: &Problem) -> String {
        let mut out = String::new();
        let diagnostic = ProblemDiagnostic::new(problem, self.sources);
        if diagnostic.source.is_none() {
            return format!("{problem}\n");
        }
        if self.handler.render_report(&mut out, &diagnostic).is_err() {
            return format!("{problem}\n");
        }
        format!("{}\n{out}", header_line(problem))
    }
}

fn header_line(problem: &Problem) -> String {
    let mut line = String::new();
    if let Some(file) = &problem.file {
        line.push_str(&file.display().to_string());
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

/// Length in bytes of the token starting at `offset`, so the label underlines a whole word.
fn token_len(text: &str, offset: usize) -> usize {
    let rest = &text[offset..];
    let end = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
        .map_or(rest.len(), |(index, _)| index);
    let token = &rest[..end];
    let token = token.strip_suffix(':').unwrap_or(token);
    token.len().max(1)
}

#[derive(Debug)]
struct ProblemDiagnostic<'a> {
    problem: &'a Problem,
    source: Option<NamedSource<Arc<str>>>,
    label: Option<LabeledSpan>,
    related: Vec<RelatedDiagnostic>,
}

impl<'a> ProblemDiagnostic<'a> {
    fn new(problem: &'a Problem, sources: &[SourceText]) -> Self {
        let found = problem
            .file
            .as_ref()
            .and_then(|file| sources.iter().find(|source| &source.path == file));
        let (source, label) = match (found, problem.pos) {
            (Some(found), Some(pos)) => match byte_offset(&found.text, pos) {
                Some(offset) => {
                    let source =
                        NamedSource::new(found.path.display().to_string(), found.text.clone());
                    let label = LabeledSpan::new_primary_with_span(
                        Some("here".to_owned()),
                        (offset, token_len(&found.text, offset)),
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
            .filter_map(|related| RelatedDiagnostic::new(related, sources))
            .collect();
        ProblemDiagnostic {
            problem,
            source,
            label,
            related,
        }
    }
}

impl fmt::Display for ProblemDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem.message)
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
        self.problem
            .help
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
    source: NamedSource<Arc<str>>,
    span: LabeledSpan,
}

impl RelatedDiagnostic {
    fn new(related: &Related, sources: &[SourceText]) -> Option<Self> {
        let found = sources.iter().find(|source| source.path == related.file)?;
        let offset = byte_offset(&found.text, related.pos)?;
        Some(RelatedDiagnostic {
            label: format!(
                "{} ({}:{})",
                related.label,
                related.file.display(),
                related.pos
            ),
            source: NamedSource::new(found.path.display().to_string(), found.text.clone()),
            span: LabeledSpan::new_primary_with_span(
                Some(related.label.clone()),
                (offset, token_len(&found.text, offset)),
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
}
