//! The report templates: built-in minijinja templates, overrides from a folder, the Markdown
//! filters and the error messages that name a template file and line.
//!
//! Every value a template prints is escaped for Markdown table cells by the formatter unless a
//! filter already marked it safe, so a template that omits a filter still cannot let
//! inventory text add Markdown structure or HTML. `none` prints as `—`. Undefined variables are
//! errors, so no report goes out with a field silently left empty.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use minijinja::syntax::SyntaxConfig;
use minijinja::value::Value;
use minijinja::{AutoEscape, Environment, UndefinedBehavior};

use super::ExportError;
use super::markdown;
use crate::loader::decode::closest;

/// The built-in templates, by file name.
pub const BUILTIN: [(&str, &str); 6] = [
    ("macros.md.j2", include_str!("../../templates/macros.md.j2")),
    ("header.md.j2", include_str!("../../templates/header.md.j2")),
    (
        "phase_sections.md.j2",
        include_str!("../../templates/phase_sections.md.j2"),
    ),
    (
        "phase_plan.md.j2",
        include_str!("../../templates/phase_plan.md.j2"),
    ),
    (
        "all_plans.md.j2",
        include_str!("../../templates/all_plans.md.j2"),
    ),
    (
        "baa_gaps.md.j2",
        include_str!("../../templates/baa_gaps.md.j2"),
    ),
];

/// File name extension of template files read from an override folder.
const TEMPLATE_EXTENSION: &str = ".j2";

/// Source of a template's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TemplateOrigin {
    /// Embedded in the binary.
    Builtin,
    /// Read from this file.
    File(PathBuf),
}

/// A set of templates ready to render: the built-in ones, each possibly replaced by a file.
pub struct Templates {
    env: Environment<'static>,
    origins: BTreeMap<String, TemplateOrigin>,
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("origins", &self.origins)
            .finish_non_exhaustive()
    }
}

impl Templates {
    /// Returns the built-in templates, compiled on first use.
    ///
    /// # Panics
    /// Panics when a built-in template does not compile. That is a build defect, which the
    /// unit tests of this module catch.
    pub fn builtin() -> &'static Templates {
        static BUILTIN_TEMPLATES: OnceLock<Templates> = OnceLock::new();
        BUILTIN_TEMPLATES.get_or_init(|| {
            Templates::load(Vec::new())
                .expect("a built-in template does not compile, a build defect (fix it and rebuild)")
        })
    }

    /// Returns the built-in templates with every `*.j2` file of `dir` added. A file named like
    /// a built-in template replaces it; other files are available to `include` and `import`.
    ///
    /// # Errors
    /// Fails when the folder or a file in it cannot be read, a file is not UTF-8, or a template
    /// has a syntax error. The message names the file and, for a syntax error, the line.
    pub fn with_overrides(dir: &Path) -> Result<Templates, ExportError> {
        let folder_error = |error| ExportError::TemplateFolder {
            path: dir.to_path_buf(),
            error,
        };
        let mut files = Vec::new();
        for entry in fs::read_dir(dir).map_err(folder_error)? {
            let path = entry.map_err(folder_error)?.path();
            let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
                continue;
            };
            if !name.ends_with(TEMPLATE_EXTENSION) || !path.is_file() {
                continue;
            }
            let text = fs::read_to_string(&path).map_err(|error| ExportError::TemplateFile {
                path: path.clone(),
                error,
            })?;
            files.push((name.to_owned(), text, path));
        }
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Templates::load(files)
    }

    fn load(files: Vec<(String, String, PathBuf)>) -> Result<Templates, ExportError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_debug(true);
        // Block tags on lines of their own leave no blank line or indentation behind.
        let syntax = SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|error| ExportError::Template {
                origin: "the template syntax settings".to_owned(),
                line: None,
                message: error.to_string(),
            })?;
        env.set_syntax(syntax);
        // A custom auto-escape mode makes minijinja mark the output of macros and `set` blocks
        // as safe, so the formatter does not escape it a second time.
        env.set_auto_escape_callback(|_| AutoEscape::Custom("markdown".into()));
        env.set_formatter(|out, _state, value| {
            if value.is_safe() {
                out.write_str(value.as_str().unwrap_or_default())?;
            } else {
                out.write_str(&escape_value(value, markdown::cell))?;
            }
            Ok(())
        });
        env.add_filter("md_text", |value: Value| {
            safe(escape_value(&value, markdown::text))
        });
        env.add_filter("md_cell", |value: Value| {
            safe(escape_value(&value, markdown::cell))
        });
        env.add_filter("md_link", |value: Value| {
            safe(escape_value(&value, markdown::link))
        });

        let mut templates = Templates {
            env,
            origins: BTreeMap::new(),
        };
        let overridden: Vec<&str> = files.iter().map(|(name, _, _)| name.as_str()).collect();
        for (name, text) in BUILTIN {
            if overridden.contains(&name) {
                continue;
            }
            templates.add(name.to_owned(), text.to_owned(), TemplateOrigin::Builtin)?;
        }
        for (name, text, path) in files {
            templates.add(name, text, TemplateOrigin::File(path))?;
        }
        Ok(templates)
    }

    fn add(
        &mut self,
        name: String,
        text: String,
        origin: TemplateOrigin,
    ) -> Result<(), ExportError> {
        self.origins.insert(name.clone(), origin);
        self.env
            .add_template_owned(name, text)
            .map_err(|error| self.describe(&error))
    }

    /// Returns where each template came from, by name.
    pub fn origins(&self) -> &BTreeMap<String, TemplateOrigin> {
        &self.origins
    }

    /// Returns the override files whose names match no built-in template but come close to
    /// one, each with that template's name. Such a file is most likely a misspelt override,
    /// which replaces nothing and is used only where another template includes it.
    pub fn misnamed_overrides(&self) -> Vec<(&Path, &'static str)> {
        let stem = |name: &str| {
            name.strip_suffix(".md.j2")
                .or_else(|| name.strip_suffix(TEMPLATE_EXTENSION))
                .unwrap_or(name)
                .to_owned()
        };
        let builtin_stems: Vec<(String, &'static str)> = BUILTIN
            .iter()
            .map(|(name, _)| (stem(name), *name))
            .collect();
        self.origins
            .iter()
            .filter_map(|(name, origin)| {
                let TemplateOrigin::File(path) = origin else {
                    return None;
                };
                if BUILTIN.iter().any(|(builtin, _)| builtin == name) {
                    return None;
                }
                let near = closest(
                    &stem(name),
                    builtin_stems.iter().map(|(stem, _)| stem.as_str()),
                )?;
                let builtin = builtin_stems
                    .iter()
                    .find(|(stem, _)| stem == near)
                    .map(|(_, builtin)| *builtin)?;
                Some((path.as_path(), builtin))
            })
            .collect()
    }

    /// Renders one template with `context`, and tidies the Markdown: trailing spaces removed,
    /// runs of blank lines shortened to one, and one line break at the end.
    ///
    /// # Errors
    /// Fails when the template is missing or rendering fails; the message names the template
    /// file and line.
    pub fn render(&self, name: &str, context: Value) -> Result<String, ExportError> {
        let template = self
            .env
            .get_template(name)
            .map_err(|error| self.describe(&error))?;
        let text = template
            .render(context)
            .map_err(|error| self.describe(&error))?;
        Ok(tidy(&text))
    }

    /// Builds the error for a minijinja error. It names the innermost template that failed, its
    /// origin and line, and the failing expression when minijinja reports them.
    fn describe(&self, error: &minijinja::Error) -> ExportError {
        let mut innermost = error;
        let mut cause: &dyn std::error::Error = error;
        while let Some(next) = cause.source() {
            if let Some(next_error) = next.downcast_ref::<minijinja::Error>()
                && next_error.name().is_some()
            {
                innermost = next_error;
            }
            cause = next;
        }
        let name = innermost.name().unwrap_or("(unnamed)").to_owned();
        let origin = match self.origins.get(&name) {
            Some(TemplateOrigin::File(path)) => path.display().to_string(),
            _ => format!("built-in template {name}"),
        };
        let mut message = innermost.kind().to_string();
        if let Some(detail) = innermost.detail() {
            message.push_str(": ");
            message.push_str(detail);
        }
        if let (Some(source), Some(range)) = (innermost.template_source(), innermost.range())
            && let Some(expression) = source.get(range)
        {
            let _ = write!(message, " in `{expression}`");
        }
        ExportError::Template {
            origin,
            line: innermost.line(),
            message,
        }
    }
}

fn safe(text: String) -> Value {
    Value::from_safe_string(text)
}

/// Escapes a value printed by a template: strings with `escape`, `none` as `—`, and anything
/// else by its text.
fn escape_value(value: &Value, escape: fn(&str) -> String) -> String {
    if value.is_none() {
        return "—".to_owned();
    }
    match value.as_str() {
        Some(text) => escape(text),
        None => escape(&value.to_string()),
    }
}

/// Removes trailing spaces, shortens runs of blank lines to one and ends the text with one line
/// break. Escaped values hold no line breaks, so this changes only the layout of a template.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_templates_compile() {
        let templates = Templates::builtin();
        for (name, _) in BUILTIN {
            assert_eq!(
                templates.origins().get(name),
                Some(&TemplateOrigin::Builtin),
                "{name}"
            );
        }
    }

    #[test]
    fn tidy_layout() {
        assert_eq!(tidy("\n\na  \n\n\n\nb\n\n"), "a\n\nb\n");
    }
}
