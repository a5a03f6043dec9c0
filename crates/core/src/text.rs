//! Content is stored as Markdown source. This module renders it to sanitized HTML, reads the
//! mention markup out of it and cuts snippets.

use crate::ids::{GroupId, UserId};

/// Renders Markdown to HTML that is safe to embed: no scripts, no event handlers, no
/// `javascript:` links. Mentions stay `twist-mention://` and `twist-group-mention://` links.
pub fn render_html(markdown: &str) -> String {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
    let parser = pulldown_cmark::Parser::new_ext(markdown, opts);
    let mut raw = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "twist-mention", "twist-group-mention"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&raw)
        .to_string()
}

/// The users mentioned as `[Name](twist-mention://ID)`, in order, without repeats.
pub fn user_mentions(content: &str) -> Vec<UserId> {
    ids_after(content, "(twist-mention://").into_iter().map(UserId).collect()
}

/// The groups mentioned as `[Name](twist-group-mention://ID)`.
pub fn group_mentions(content: &str) -> Vec<GroupId> {
    ids_after(content, "(twist-group-mention://").into_iter().map(GroupId).collect()
}

fn ids_after(content: &str, marker: &str) -> Vec<i64> {
    let mut out = Vec::new();
    for (pos, _) in content.match_indices(marker) {
        let rest = &content[pos + marker.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        let id = digits.parse::<i64>().ok().filter(|_| rest[digits.len()..].starts_with(')'));
        if let Some(id) = id.filter(|id| !out.contains(id)) {
            out.push(id);
        }
    }
    out
}

/// A one-line plain-text preview of Markdown `content`: what a reader sees of it — link and
/// mention markup reduced to their text, list markers, emphasis, code fences and raw HTML
/// gone — whitespace folded, cut at `max` characters.
pub fn snippet(content: &str, max: usize) -> String {
    cut(&plain_text(content), max)
}

/// The text a reader sees of Markdown `content`, as one line.
pub fn plain_text(content: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let mut out = String::with_capacity(content.len());
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(content, options) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => out.push(' '),
            Event::TaskListMarker(done) => out.push_str(if done { "[x] " } else { "[ ] " }),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock)
            | Event::End(TagEnd::TableCell | TagEnd::BlockQuote(_)) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `text` cut at `max` characters on a character boundary, with an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rendering_removes_scripts_handlers_and_javascript_links() {
        let html = render_html(
            "# Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) **bold**",
        );
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(html.contains("<strong>bold</strong>"));
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn mentions_are_parsed_in_order_without_repeats() {
        let text = "Hi [Ana](twist-mention://12) and [Bo](twist-mention://7), [Ana](twist-mention://12) \
                    and [team](twist-group-mention://5) but not (twist-mention://x)";
        assert_eq!(user_mentions(text), vec![UserId(12), UserId(7)]);
        assert_eq!(group_mentions(text), vec![GroupId(5)]);
    }

    #[test]
    fn snippets_show_names_and_are_cut_on_char_boundaries() {
        assert_eq!(snippet("Hi [Ana](twist-mention://12)!\n\nok", 50), "Hi Ana! ok");
        assert_eq!(snippet("ééééé", 3), "ééé…");
        assert_eq!(snippet("[not a mention] x", 50), "[not a mention] x");
        assert_eq!(
            snippet(
                "See the [style guide](https://example.test/g):\n\n- one **bold** line\n- `code`\n\n<b>raw</b>",
                80
            ),
            "See the style guide: one bold line code raw"
        );
    }
}
