//! Read-only documents as plain data (elements, attributes, text), rendered to HTML with every
//! text and attribute escaped.
//!
//! Why the server renders them: a government guide is a lot of markup that never changes once
//! shown, and in the browser every distinct view tree costs generated wasm. Rendered here, the
//! guide, bundle, checklist and list pages cost the citizen's phone nothing but the HTML.

use std::fmt::Write;

/// An element or a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum N {
    El {
        tag: &'static str,
        attrs: Vec<(&'static str, String)>,
        children: Vec<N>,
    },
    Text(String),
}

/// An element.
pub fn el(tag: &'static str) -> N {
    N::El {
        tag,
        attrs: Vec::new(),
        children: Vec::new(),
    }
}

/// Text.
pub fn txt(s: impl Into<String>) -> N {
    N::Text(s.into())
}

/// An element with a class and one text.
pub fn tc(tag: &'static str, class: &str, s: impl Into<String>) -> N {
    el(tag).class(class).text(s)
}

/// A link.
pub fn link(href: impl Into<String>, class: &str, s: impl Into<String>) -> N {
    el("a").attr("href", href).class(class).text(s)
}

/// A radio and its label (`.ot-radios__item`); `input` adds what else the radio carries.
pub fn radio_item(name: &str, id: &str, label: &str, input: impl FnOnce(N) -> N) -> N {
    let radio = el("input")
        .class("ot-radios__input")
        .attr("type", "radio")
        .attr("name", name)
        .attr("id", id);
    el("div")
        .class("ot-radios__item")
        .child(input(radio))
        .child(tc("label", "ot-radios__label", label).attr("for", id))
}

impl N {
    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> N {
        if let N::El { attrs, .. } = &mut self {
            attrs.push((name, value.into()));
        }
        self
    }

    pub fn class(self, class: &str) -> N {
        if class.is_empty() {
            self
        } else {
            self.attr("class", class)
        }
    }

    /// Marks Chinese-only catalogue text so screen readers read it as Chinese in the English UI.
    pub fn zh(self) -> N {
        self.attr("lang", "zh-CN")
    }

    pub fn child(mut self, node: N) -> N {
        if let N::El { children, .. } = &mut self {
            children.push(node);
        }
        self
    }

    pub fn children(mut self, nodes: impl IntoIterator<Item = N>) -> N {
        if let N::El { children, .. } = &mut self {
            children.extend(nodes);
        }
        self
    }

    pub fn text(self, s: impl Into<String>) -> N {
        self.child(txt(s))
    }

    /// Add `node` only when it is `Some`.
    pub fn maybe(self, node: Option<N>) -> N {
        match node {
            Some(n) => self.child(n),
            None => self,
        }
    }

    fn write_html(&self, out: &mut String) {
        match self {
            N::Text(s) => escape(s, out),
            N::El {
                tag,
                attrs,
                children,
            } => {
                let _ = write!(out, "<{tag}");
                for (name, value) in attrs {
                    let _ = write!(out, " {name}=\"");
                    escape(value, out);
                    out.push('"');
                }
                out.push('>');
                if VOID.contains(tag) {
                    return;
                }
                for child in children {
                    child.write_html(out);
                }
                let _ = write!(out, "</{tag}>");
            }
        }
    }
}

/// Elements without content or end tag.
const VOID: &[&str] = &["img", "br", "hr", "input", "meta", "link"];

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// The HTML of a document.
pub fn html(nodes: &[N]) -> String {
    let mut out = String::new();
    for n in nodes {
        n.write_html(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let doc = [el("p")
            .attr("title", "\"><script>")
            .text("<b>A & B</b> 'x'")
            .child(el("img").attr("src", "/q.png"))];
        assert_eq!(
            html(&doc),
            "<p title=\"&quot;&gt;&lt;script&gt;\">&lt;b&gt;A &amp; B&lt;/b&gt; &#39;x&#39;<img src=\"/q.png\"></p>"
        );
    }

    #[test]
    fn empty_classes_and_absent_children_leave_no_trace() {
        let doc = [tc("span", "", "x").maybe(None)];
        assert_eq!(html(&doc), "<span>x</span>");
    }
}
