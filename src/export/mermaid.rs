//! Mermaid `flowchart` source for a [`Diagram`].
//!
//! Node ids are built from the node's kind, its position and the ASCII letters and digits of
//! its id, so they are unique and never a Mermaid keyword, whatever the inventory ids contain.
//! Labels are quoted, and every character that Mermaid or the Markdown around the block could
//! read as syntax is written as a Mermaid entity code (`#34;` for `"`), which Mermaid shows as
//! the character. Line breaks in names become spaces.

use std::fmt::Write as _;

use super::diagram::{Diagram, DiagramNode, NodeKind};

/// Class of vendors without a BAA in force that need one.
const LACKS_BAA_CLASS: &str = "lacksBaa";

/// Writes the diagram as a Mermaid `flowchart`, with the ePHI boundary as a subgraph.
pub fn render(diagram: &Diagram) -> String {
    let mut out = String::new();
    out.push_str("flowchart LR\n");
    if diagram.has_boundary() {
        out.push_str("    subgraph ephi_boundary[\"ePHI boundary\"]\n");
        for node in diagram.nodes.iter().filter(|node| node.in_boundary) {
            let _ = writeln!(out, "        {}", node_statement(node));
        }
        out.push_str("    end\n");
    }
    for node in diagram.nodes.iter().filter(|node| !node.in_boundary) {
        let _ = writeln!(out, "    {}", node_statement(node));
    }
    for edge in &diagram.edges {
        let arrow = if edge.dependency_only { "-.->" } else { "-->" };
        let _ = writeln!(
            out,
            "    {} {arrow}|\"{}\"| {}",
            node_id(&diagram.nodes[edge.from]),
            label(&edge.labels.join(" / ")),
            node_id(&diagram.nodes[edge.to]),
        );
    }
    out.push_str("    classDef system fill:#eef3fb,stroke:#3465a4\n");
    out.push_str("    classDef vendor fill:#f4f0fa,stroke:#75507b\n");
    out.push_str("    classDef service fill:#f2f2f2,stroke:#777777\n");
    let _ = writeln!(
        out,
        "    classDef {LACKS_BAA_CLASS} fill:#fde8e8,stroke:#c5221f,stroke-width:3px"
    );
    if diagram.has_boundary() {
        out.push_str("    style ephi_boundary fill:#fffbea,stroke:#b8860b,stroke-dasharray:6 3\n");
    }
    out
}

/// Returns the statement that declares a node with its shape, label and class.
fn node_statement(node: &DiagramNode) -> String {
    let mut text = label(&node.name);
    if node.kind != NodeKind::Service && node.id != node.name {
        text.push_str("<br/>");
        text.push_str(&label(&node.id));
    }
    if let Some(note) = &node.note {
        text.push_str("<br/>");
        text.push_str(&label(note));
    }
    let (open, close, class) = match node.kind {
        NodeKind::System => ("[\"", "\"]", "system"),
        NodeKind::Store => ("[(\"", "\")]", "system"),
        NodeKind::Vendor => ("([\"", "\"])", "vendor"),
        NodeKind::Service => ("[/\"", "\"/]", "service"),
    };
    let class = if node.lacks_baa {
        LACKS_BAA_CLASS
    } else {
        class
    };
    format!("{}{open}{text}{close}:::{class}", node_id(node))
}

/// Returns a node's Mermaid id: a kind prefix, the position and up to 32 characters of the id
/// with everything but ASCII letters and digits turned into `_`.
pub fn node_id(node: &DiagramNode) -> String {
    let prefix = match node.kind {
        NodeKind::System | NodeKind::Store => "sys",
        NodeKind::Vendor => "ven",
        NodeKind::Service => "svc",
    };
    let mut slug = String::new();
    for c in node.id.chars() {
        if slug.len() >= 32 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') {
            slug.push('_');
        }
    }
    let slug = slug.trim_matches('_');
    if slug.is_empty() {
        format!("{prefix}{}", node.position)
    } else {
        format!("{prefix}{}_{slug}", node.position)
    }
}

/// Escapes text for a quoted Mermaid label.
pub fn label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut first = true;
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if !first {
            out.push(' ');
        }
        first = false;
        for c in line.chars() {
            match c {
                '"' | '#' | '<' | '>' | '[' | ']' | '(' | ')' | '{' | '}' | '|' | '`' | '&'
                | '%' | ';' | '\\' => {
                    let _ = write!(out, "#{};", u32::from(c));
                }
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(kind: NodeKind, id: &str) -> DiagramNode {
        DiagramNode {
            kind,
            position: 7,
            id: id.to_owned(),
            name: id.to_owned(),
            note: None,
            in_boundary: false,
            lacks_baa: false,
        }
    }

    #[test]
    fn label_escapes_syntax() {
        assert_eq!(label("a \"b\""), "a #34;b#34;");
        assert_eq!(
            label("<script>alert(1)</script>"),
            "#60;script#62;alert#40;1#41;#60;/script#62;"
        );
        assert_eq!(
            label("[x](y) #1 |z| `c`"),
            "#91;x#93;#40;y#41; #35;1 #124;z#124; #96;c#96;"
        );
        assert_eq!(label("one\ntwo"), "one two");
    }

    #[test]
    fn node_id_sanitized() {
        assert_eq!(
            node_id(&node(NodeKind::System, "clinical-db")),
            "sys7_clinical_db"
        );
        assert_eq!(node_id(&node(NodeKind::Vendor, "<b>")), "ven7_b");
        assert_eq!(node_id(&node(NodeKind::Service, "`|#")), "svc7");
        assert_eq!(node_id(&node(NodeKind::Store, "end")), "sys7_end");
    }

    #[test]
    fn node_id_bounded() {
        let id = node_id(&node(NodeKind::System, &"a".repeat(100)));
        assert_eq!(id.len(), "sys7_".len() + 32);
    }
}
