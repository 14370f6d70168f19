//! Escaping of inventory and journal text for GitHub-flavoured Markdown.
//!
//! Every value that comes from an inventory or the journal passes through one of these
//! functions before it reaches a report. So a name, note or evidence text cannot add a heading,
//! list, emphasis, link, code span, table column or raw HTML. The functions return text that
//! renders as the value itself:
//!
//! - Line breaks (including `\r`, U+0085, U+2028 and U+2029) join the lines, because a line
//!   break inside a value could start a new block. Tabs become spaces and other control
//!   characters become U+FFFD, so they stay visible.
//! - The characters `\`, `` ` ``, `*`, `_`, `[`, `]`, `#`, `~`, `$` and `|` get a backslash,
//!   which Markdown allows before any ASCII punctuation character.
//! - `<`, `>` and `&` become `&lt;`, `&gt;` and `&amp;`, which render as the characters and
//!   never as HTML or an entity the value spelled out.
//! - In running text, a value that starts with a list or setext heading marker (`-`, `+`, `=`,
//!   or digits followed by `.` or `)`) gets that character escaped too, because a template may
//!   place it at the start of a line or list item. Table cells hold inline text only, so
//!   [`cell`] leaves such a start alone.
//!
//! Links are made only by [`link`], and only to `http` and `https` addresses.
//!
//! NOTE: GitHub's renderer also turns bare email addresses into `mailto:` links after parsing,
//! which escaping cannot prevent. Such links carry no script.

/// Separator between the lines of a multi-line value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    /// With a space, for running text.
    Space,
    /// With ` / `, for table cells, where the line structure of a note is worth keeping.
    Slash,
}

/// Escapes a value for running text outside tables.
pub fn text(value: &str) -> String {
    escape(value, Join::Space)
}

/// Escapes a value for a table cell: like [`text`], but lines are joined with ` / ` and a
/// leading list marker is left as it is.
pub fn cell(value: &str) -> String {
    escape(value, Join::Slash)
}

/// Renders an `http` or `https` address as an autolink, and anything else as [`cell`] text.
///
/// The address must be printable ASCII with no space and none of `<`, `>`, `"`, `'`, `\`,
/// `` ` ``, `{`, `}`, `|` and `^`, so it cannot end the autolink early or need escaping
/// inside it.
pub fn link(value: &str) -> String {
    let trimmed = value.trim();
    if is_plain_web_address(trimmed) {
        format!("<{trimmed}>")
    } else {
        cell(value)
    }
}

/// Returns whether `value` is an `http://` or `https://` address that can be written as an
/// autolink without escaping.
pub fn is_plain_web_address(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let Some(rest) = rest else {
        return false;
    };
    !rest.is_empty()
        && !rest.starts_with('/')
        && value
            .chars()
            .all(|c| c.is_ascii_graphic() && !"<>\"'\\`{}|^".contains(c))
}

fn escape(value: &str, join: Join) -> String {
    let separator = match join {
        Join::Space => " ",
        Join::Slash => " / ",
    };
    let mut out = String::with_capacity(value.len() + 8);
    let lines = value
        .split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'])
        .map(str::trim)
        .filter(|line| !line.is_empty());
    for (index, line) in lines.enumerate() {
        if index > 0 {
            out.push_str(separator);
        }
        escape_line(line, &mut out);
    }
    if join == Join::Space {
        escape_block_start(&mut out);
    }
    out
}

fn escape_line(line: &str, out: &mut String) {
    for c in line.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '$' | '|' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\t' => out.push(' '),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Escapes a leading list marker, setext underline or ordered-list number, which would start a
/// block where a template places the value at the start of a line or list item.
fn escape_block_start(out: &mut String) {
    if out.starts_with(['-', '+', '=']) {
        out.insert(0, '\\');
        return;
    }
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && out[digits..].starts_with(['.', ')']) {
        out.insert(digits, '\\');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_unchanged() {
        assert_eq!(text("Clinical database"), "Clinical database");
        assert_eq!(cell("Okta, Inc. (SSO)"), "Okta, Inc. (SSO)");
    }

    #[test]
    fn punctuation_escaped() {
        assert_eq!(text("a*b_c"), r"a\*b\_c");
        assert_eq!(text("`code`"), r"\`code\`");
        assert_eq!(
            text("[x](javascript:alert(1))"),
            r"\[x\](javascript:alert(1))"
        );
        assert_eq!(cell("a|b"), r"a\|b");
        assert_eq!(text(r"back\slash"), r"back\\slash");
        assert_eq!(text("~strike~ $x$"), r"\~strike\~ \$x\$");
    }

    #[test]
    fn html_becomes_entities() {
        assert_eq!(
            text("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(text("&lt;"), "&amp;lt;");
    }

    #[test]
    fn heading_marker_escaped() {
        assert_eq!(text("# Heading"), r"\# Heading");
        assert_eq!(text("#1"), r"\#1");
    }

    #[test]
    fn block_start_escaped() {
        assert_eq!(text("- item"), r"\- item");
        assert_eq!(text("+ item"), r"\+ item");
        assert_eq!(text("==="), r"\===");
        assert_eq!(text("12. item"), r"12\. item");
        assert_eq!(text("3) item"), r"3\) item");
        assert_eq!(text("2026-01-01"), "2026-01-01");
        assert_eq!(text("a - b"), "a - b");
        assert_eq!(cell("164.308(b)(1)"), "164.308(b)(1)");
        assert_eq!(cell("- item"), "- item");
    }

    #[test]
    fn lines_joined() {
        assert_eq!(text("one\ntwo\r\n\nthree"), "one two three");
        assert_eq!(cell("one\n# two"), r"one / \# two");
        assert_eq!(cell("one\u{2028}two"), "one / two");
        assert_eq!(cell("  \n  "), "");
    }

    #[test]
    fn control_characters_visible() {
        assert_eq!(text("a\tb"), "a b");
        assert_eq!(text("a\u{7}b"), "a\u{FFFD}b");
    }

    #[test]
    fn web_address_linked() {
        assert_eq!(
            link("https://example.org/ticket?id=1&x=2"),
            "<https://example.org/ticket?id=1&x=2>"
        );
        assert_eq!(link(" HTTP://example.org "), "<HTTP://example.org>");
    }

    #[test]
    fn other_schemes_not_linked() {
        assert_eq!(link("javascript:alert(1)"), "javascript:alert(1)");
        assert_eq!(link("ftp://example.org"), "ftp://example.org");
        assert_eq!(link("https://"), "https://");
        assert_eq!(link("https:///path"), "https:///path");
        assert_eq!(link("https://a b"), "https://a b");
        assert_eq!(link("https://a>b"), "https://a&gt;b");
        assert_eq!(link("https://a|b"), r"https://a\|b");
    }
}
