//! Content is stored as Markdown source. This module renders it to sanitized HTML, reads the
//! mention markup out of it and cuts snippets.

use crate::ids::{GroupId, UserId};

/// How deep Markdown's containers (quotes, lists, emphasis, links …) nest in rendered HTML.
/// Deeper ones are shown by their text alone: the sanitizer's HTML parser checks the open
/// elements at every tag, so unbounded nesting (a megabyte of `>`) would cost the square
/// of the input.
pub const MAX_NESTING: usize = 32;

/// How many raw HTML tags a post may carry as HTML (then sanitized); raw HTML past them is
/// shown as text, for the same reason: each tag may open an element that never closes.
pub const MAX_RAW_HTML: usize = 64;

/// Past this many characters HTML must escape (`&`, `<`, `>`, `"`), a post is shown as its
/// escaped text: the sanitizer appends each escaped character to its text node by copying
/// the node, which costs the square of their number (0.4 s for 50,000, 3.5 s for 200,000).
pub const MAX_ESCAPES: usize = 20_000;

/// `text` as one HTML paragraph of text, line breaks kept: no element can come of it.
fn escaped_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4 + 7);
    out.push_str("<p>");
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' => out.push_str("<br>\n"),
            c => out.push(c),
        }
    }
    out.push_str("</p>");
    out
}

/// Renders Markdown to HTML that is safe to embed: no scripts, no event handlers, no
/// `javascript:` links. Mentions stay `twist-mention://` and `twist-group-mention://` links.
/// Its work is linear in the input: nesting is bounded (`MAX_NESTING`, `MAX_RAW_HTML`).
pub fn render_html(markdown: &str) -> String {
    use pulldown_cmark::Event;
    if markdown.bytes().filter(|b| matches!(b, b'&' | b'<' | b'>' | b'"')).count() > MAX_ESCAPES {
        return escaped_text(markdown);
    }
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
    // For each open tag, whether it was kept; tags opened past the depth bound are dropped
    // with their end, their content kept.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0;
    let mut raw = 0;
    let events = pulldown_cmark::Parser::new_ext(markdown, opts).filter_map(|event| match event {
        Event::Start(tag) => {
            let keep = depth < MAX_NESTING && open.last().is_none_or(|kept| *kept);
            open.push(keep);
            depth += usize::from(keep);
            keep.then_some(Event::Start(tag))
        }
        Event::End(tag) => {
            let keep = open.pop().unwrap_or(false);
            depth -= usize::from(keep);
            keep.then_some(Event::End(tag))
        }
        Event::Html(html) | Event::InlineHtml(html) => {
            raw += html.bytes().filter(|b| *b == b'<').count();
            Some(if raw <= MAX_RAW_HTML { Event::InlineHtml(html) } else { Event::Text(html) })
        }
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events);
    ammonia::Builder::default()
        .url_schemes(["http", "https", "mailto", "twist-mention", "twist-group-mention"].into())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(&html)
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
    let mut seen = std::collections::HashSet::new();
    for (pos, _) in content.match_indices(marker) {
        let rest = &content[pos + marker.len()..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        crate::work::step(1 + digits);
        let id = rest[..digits].parse::<i64>().ok().filter(|_| rest[digits..].starts_with(')'));
        if let Some(id) = id.filter(|id| seen.insert(*id)) {
            out.push(id);
        }
    }
    out
}

/// A one-line plain-text preview of Markdown `content`: what a reader sees of it — link and
/// mention markup reduced to their text, list markers, emphasis, code fences and raw HTML
/// gone — whitespace folded, cut at `max` characters.
pub fn snippet(content: &str, max: usize) -> String {
    cut(&plain_text_upto(content, Some(max)), max)
}

/// The text a reader sees of Markdown `content`, as one line.
pub fn plain_text(content: &str) -> String {
    plain_text_upto(content, None)
}

/// `plain_text`, stopping once it has more than `enough` characters (a snippet needs no more).
fn plain_text_upto(content: &str, enough: Option<usize>) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let mut out = String::new();
    let mut chars = 0;
    // Whitespace folds to one space between words, none at the ends.
    let mut space = false;
    let mut push = |out: &mut String, text: &str| {
        crate::work::step(text.len());
        for c in text.chars() {
            if c.is_whitespace() {
                space = true;
                continue;
            }
            if space && !out.is_empty() {
                out.push(' ');
                chars += 1;
            }
            space = false;
            out.push(c);
            chars += 1;
        }
        enough.is_some_and(|e| chars > e)
    };
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(content, options) {
        let full = match event {
            Event::Text(t) | Event::Code(t) => push(&mut out, &t),
            Event::SoftBreak | Event::HardBreak | Event::Rule => push(&mut out, " "),
            Event::TaskListMarker(done) => push(&mut out, if done { "[x] " } else { "[ ] " }),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock)
            | Event::End(TagEnd::TableCell | TagEnd::BlockQuote(_)) => push(&mut out, " "),
            _ => false,
        };
        if full {
            break;
        }
    }
    out
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

    /// The deepest nesting of elements in `html` (void elements aside).
    pub(crate) fn nesting(html: &str) -> usize {
        let (mut depth, mut max) = (0usize, 0);
        for (i, _) in html.match_indices('<') {
            let tag = &html[i + 1..];
            if tag.starts_with('/') {
                depth = depth.saturating_sub(1);
            } else if !["br", "hr", "img", "input", "!"].iter().any(|v| tag.starts_with(v)) {
                depth += 1;
                max = max.max(depth);
            }
        }
        max
    }

    /// Inputs that make Markdown nest (or open raw elements) as deep as they are long.
    pub(crate) fn deep_inputs(n: usize) -> Vec<String> {
        vec![
            ">".repeat(n),
            "> ".repeat(n / 2) + "a",
            (0..n / 8).map(|k| " ".repeat(2 * (k % 200)) + "- a\n").collect(),
            "*a".repeat(n / 2),
            "**a".repeat(n / 3),
            "<div>".repeat(n / 5),
            "<a>".repeat(n / 3),
            "[a](".repeat(n / 4),
            "[".repeat(n),
        ]
    }

    /// Rendering nests at most `MAX_NESTING` containers and `MAX_RAW_HTML` raw elements, and
    /// its output grows linearly: the sanitizer's work per tag is bounded by the nesting, so
    /// its work is linear.
    #[test]
    fn rendering_bounds_nesting_and_output() {
        for input in deep_inputs(20_000) {
            let html = render_html(&input);
            let head: String = input.chars().take(12).collect();
            assert!(nesting(&html) <= MAX_NESTING + MAX_RAW_HTML + 2, "{head}…: nesting {}", nesting(&html));
            assert!(html.len() <= 40 * input.len() + 100, "{head}…: {} bytes out", html.len());
        }
        // Shallow Markdown renders in full.
        let html = render_html("> > quoted **bold** [x](https://x.test)\n\n<b>raw</b>");
        assert!(html.contains("<blockquote>\n<blockquote>") && html.contains("<b>raw</b>"), "{html}");
        // Past the bound, the text is all there.
        let html = render_html(&(">".repeat(100) + " deep"));
        assert!(html.contains("deep") && nesting(&html) == MAX_NESTING, "{html}");
    }

    /// Text full of characters HTML escapes is shown as escaped text, whole and inert.
    #[test]
    fn text_full_of_escapes_is_shown_as_text() {
        let input = "<b>&#".repeat(MAX_ESCAPES);
        let html = render_html(&input);
        assert!(html.starts_with("<p>&lt;b&gt;&amp;#") && html.ends_with("</p>"));
        assert_eq!(html.matches('<').count(), 2);
    }

    #[test]
    fn mention_parsing_is_linear() {
        let content = |n: usize| (0..n).map(|k| format!("[x](twist-mention://{k}) ")).collect::<String>();
        crate::work::assert_linear("user_mentions", &[2_000, 8_000], |n| {
            let c = content(n);
            crate::work::steps(|| user_mentions(&c))
        });
        assert_eq!(user_mentions(&content(3)), vec![UserId(0), UserId(1), UserId(2)]);
    }

    #[test]
    fn plain_text_is_linear_and_snippets_read_only_what_they_show() {
        for (k, make) in [|n: usize| "[a](".repeat(n / 4), |n: usize| "a\n".repeat(n / 2)].iter().enumerate() {
            crate::work::assert_linear(&format!("plain_text #{k}"), &[10_000, 40_000], |n| {
                let c = make(n);
                crate::work::steps(|| plain_text(&c))
            });
            let long = make(400_000);
            assert!(crate::work::steps(|| snippet(&long, 140)) < 1_000, "#{k}");
        }
        // The early stop keeps snippets as they were: folded, cut, with the ellipsis.
        assert_eq!(snippet(&"word ".repeat(100), 12), "word word wo…");
        assert_eq!(snippet("a\n\n  b", 12), "a b");
    }

    mod fuzz {
        use super::*;
        use proptest::prelude::*;

        /// Markdown-ish text: the characters and fragments that make Markdown and HTML
        /// parsers work hardest, hostile markup, mentions, and any character.
        fn markdownish() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                prop::sample::select(vec![
                    "[",
                    "]",
                    "(",
                    ")",
                    "*",
                    "_",
                    "`",
                    "```",
                    ">",
                    "<",
                    "~~",
                    "|",
                    "-",
                    "#",
                    "!",
                    "\\",
                    "&#",
                    ":",
                    "\n",
                    " ",
                    "  ",
                    "- ",
                    "1. ",
                    "<script>alert(1)</script>",
                    "<img src=x onerror=alert(1)>",
                    "<a href=\"javascript:alert(1)\">",
                    "[x](javascript:alert(1))",
                    "<div style=\"x\" onclick=\"y\">",
                    "(twist-mention://",
                    "(twist-group-mention://",
                    "<svg onload=alert(1)>",
                    "<iframe src=x>",
                    "<p onmouseover=x>",
                    "](",
                    "[^a]",
                    "<!--",
                    "-->",
                ])
                .prop_map(String::from),
                "[a-z0-9]{1,4}",
                any::<char>().prop_map(String::from),
            ];
            prop::collection::vec(piece, 0..300).prop_map(|v| v.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: crate::work::fuzz_cases(64), ..ProptestConfig::default() })]

            /// Sanitized HTML has no script, no event handler, no javascript: link, and
            /// bounded nesting (a `<` in text is always escaped, so every `<` opens a tag).
            #[test]
            fn rendering_is_always_safe(input in markdownish()) {
                let html = render_html(&input);
                let lower = html.to_lowercase();
                prop_assert!(!lower.contains("<script") && !lower.contains("<iframe") && !lower.contains("<svg"), "{html}");
                for (i, _) in lower.match_indices('<') {
                    let tag = &lower[i..lower[i..].find('>').map_or(lower.len(), |e| i + e)];
                    prop_assert!(!tag.split_whitespace().skip(1).any(|a| a.starts_with("on")), "{tag} in {html}");
                    prop_assert!(!tag.contains("href=\"javascript:"), "{tag}");
                }
                prop_assert!(nesting(&html) <= MAX_NESTING + MAX_RAW_HTML + 2);
            }

            /// Snippets are one line of at most `max` characters (and the ellipsis).
            #[test]
            fn snippets_are_bounded_single_lines(input in markdownish(), max in 0usize..200) {
                let s = snippet(&input, max);
                prop_assert!(s.chars().count() <= max + 1);
                prop_assert!(!s.contains('\n') && s.trim() == s && !s.contains("  "), "{s:?}");
                let plain = plain_text(&input);
                let work = crate::work::steps(|| plain_text(&input));
                prop_assert!(work <= 2 * input.len() as u64 + 64, "{work} steps for {} bytes", input.len());
                prop_assert!(plain.starts_with(s.trim_end_matches('…')));
            }

            /// Every mention found is written in the content, once.
            #[test]
            fn mentions_are_written_ones(input in markdownish(), ids in prop::collection::vec(0i64..50, 0..20)) {
                let content: String = ids.iter().map(|i| format!("{input}[x](twist-mention://{i})")).collect();
                let found = user_mentions(&content);
                let unique: std::collections::HashSet<_> = found.iter().collect();
                prop_assert_eq!(unique.len(), found.len());
                for u in &found {
                    let marker = format!("(twist-mention://{})", u.0);
                    prop_assert!(content.contains(&marker));
                }
                for i in &ids {
                    prop_assert!(found.contains(&UserId(*i)));
                }
            }
        }
    }
}
