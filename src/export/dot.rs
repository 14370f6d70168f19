//! Graphviz DOT source for a [`Diagram`].
//!
//! Node ids are quoted strings of the form `system:ID`, `vendor:ID` and `service:NAME`, so a
//! service named like a system id stays a separate node. Inside quoted strings `\` and `"` are
//! escaped, and line breaks in inventory text become spaces, so no value can end a string or
//! add a Graphviz escape such as `\N`.

use std::fmt::Write as _;

use super::diagram::{Diagram, DiagramNode, NodeKind};

/// Writes the diagram as a `digraph`, with the ePHI boundary as a cluster.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    out.push_str("digraph inventory {\n");
    out.push_str("    rankdir=LR;\n");
    out.push_str("    node [fontname=\"Helvetica\", fontsize=10];\n");
    out.push_str("    edge [fontname=\"Helvetica\", fontsize=9];\n");
    if diagram.has_boundary() {
        out.push_str("    subgraph cluster_ephi_boundary {\n");
        out.push_str("        label=\"ePHI boundary\";\n");
        out.push_str("        style=dashed;\n");
        out.push_str("        color=\"#b8860b\";\n");
        for node in diagram.nodes.iter().filter(|node| node.in_boundary) {
            let _ = writeln!(out, "        {}", node_statement(node));
        }
        out.push_str("    }\n");
    }
    for node in diagram.nodes.iter().filter(|node| !node.in_boundary) {
        let _ = writeln!(out, "    {}", node_statement(node));
    }
    for edge in &diagram.edges {
        let style = if edge.dependency_only {
            ", style=dashed"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "    {} -> {} [label={}{style}];",
            node_id(&diagram.nodes[edge.from]),
            node_id(&diagram.nodes[edge.to]),
            quote(&edge.labels.join(" / ")),
        );
    }
    out.push_str("}\n");
    out
}

fn node_statement(node: &DiagramNode) -> String {
    let mut text = one_line(&node.name);
    if node.kind != NodeKind::Service && node.id != node.name {
        text.push('\n');
        text.push_str(&one_line(&node.id));
    }
    if let Some(note) = &node.note {
        text.push('\n');
        text.push_str(&one_line(note));
    }
    let shape = match node.kind {
        NodeKind::System => "box",
        NodeKind::Store => "cylinder",
        NodeKind::Vendor => "ellipse",
        NodeKind::Service => "parallelogram",
    };
    let colors = if node.lacks_baa {
        ", style=filled, fillcolor=\"#fde8e8\", color=\"#c5221f\", penwidth=2"
    } else {
        ""
    };
    format!(
        "{} [label={}, shape={shape}{colors}];",
        node_id(node),
        quote(&text)
    )
}

/// Returns a node's quoted id.
pub fn node_id(node: &DiagramNode) -> String {
    let kind = match node.kind {
        NodeKind::System | NodeKind::Store => "system",
        NodeKind::Vendor => "vendor",
        NodeKind::Service => "service",
    };
    quote(&format!("{kind}:{}", node.id))
}

/// Joins the lines of inventory text with spaces, so the only line breaks in a label are the
/// ones this module adds.
fn one_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Quotes text as a DOT string: `\` and `"` get a backslash, and a line break becomes `\n`.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_escapes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("ends with \\"), r#""ends with \\""#);
        assert_eq!(quote("two\nlines"), r#""two\nlines""#);
        assert_eq!(quote("tab\there"), r#""tab here""#);
    }

    #[test]
    fn lines_joined() {
        assert_eq!(one_line("a\n b \n\nc"), "a b c");
    }
}
