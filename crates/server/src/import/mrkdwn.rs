//! Slack's mrkdwn as Markdown: `*bold*` → `**bold**`, `~strike~` → `~~strike~~`, `_italic_`
//! stays, code spans and blocks keep their text (code blocks get fences on lines of their
//! own), `&gt;` quotes (and `>>>` for the rest of a message) become Markdown quotes, the
//! three HTML entities Slack escapes are decoded, and Slack's angle-bracket tokens become
//! links: `<url|label>`, `<@U…>` mentions, `<#C…>` channel links, `<!here>` and friends.

use std::collections::HashMap;
use weft_core::{ChannelId, UserId, WorkspaceId};

/// What the text's ids become.
#[derive(Debug, Default)]
pub struct Names {
    pub workspace: WorkspaceId,
    /// Slack user id → Weft user and name.
    pub users: HashMap<String, (UserId, String)>,
    /// Slack channel id → Weft channel and name.
    pub channels: HashMap<String, (ChannelId, String)>,
}

/// Converts one message's text.
pub fn convert(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find("```") {
        out.push_str(convert_lines(&rest[..start], names).trim_end_matches(' '));
        let after = &rest[start + 3..];
        match after.find("```") {
            Some(end) => {
                let code = decode_entities(after[..end].trim_matches('\n'));
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("```\n");
                out.push_str(&code);
                out.push_str("\n```\n");
                rest = after[end + 3..].trim_start_matches([' ', '\n']);
            }
            None => {
                out.push_str("```");
                rest = after;
            }
        }
    }
    out.push_str(&convert_lines(rest, names));
    out.trim_end().to_string()
}

fn convert_lines(text: &str, names: &Names) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote_rest = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = line;
        if let Some(r) = line.strip_prefix("&gt;&gt;&gt;") {
            quote_rest = true;
            line = r.trim_start();
        }
        if quote_rest {
            out.push_str("> ");
        } else if let Some(r) = line.strip_prefix("&gt;") {
            out.push_str("> ");
            line = r.strip_prefix(' ').unwrap_or(r);
        }
        out.push_str(&inline(line, names));
    }
    out
}

/// One line outside code blocks: code spans kept, the rest converted.
fn inline(line: &str, names: &Names) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('`') else { break };
        out.push_str(&styled(&rest[..start], names));
        out.push('`');
        out.push_str(&decode_entities(&after[..end]));
        out.push('`');
        rest = &after[end + 1..];
    }
    out.push_str(&styled(rest, names));
    out
}

/// Text with Slack's emphasis markers and tokens.
fn styled(text: &str, names: &Names) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '<' => {
                if let Some(len) = chars[i + 1..].iter().position(|&c| c == '>') {
                    let token: String = chars[i + 1..i + 1 + len].iter().collect();
                    out.push_str(&token_markdown(&token, names));
                    i += len + 2;
                    continue;
                }
                out.push_str("\\<");
            }
            '*' | '~' if opens(&chars, i) => {
                if let Some(end) = closing(&chars, i) {
                    let inner: String = chars[i + 1..end].iter().collect();
                    let mark = if c == '*' { "**" } else { "~~" };
                    out.push_str(mark);
                    out.push_str(&styled(&inner, names));
                    out.push_str(mark);
                    i = end + 1;
                    continue;
                }
                out.push(c);
            }
            '&' => {
                let rest: String = chars[i..chars.len().min(i + 5)].iter().collect();
                if rest.starts_with("&amp;") {
                    out.push('&');
                    i += 5;
                    continue;
                } else if rest.starts_with("&lt;") {
                    out.push_str("\\<");
                    i += 4;
                    continue;
                } else if rest.starts_with("&gt;") {
                    out.push('>');
                    i += 4;
                    continue;
                }
                out.push('&');
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn boundary(c: Option<&char>) -> bool {
    c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation())
}

/// A marker opens emphasis after a boundary and before a non-space.
fn opens(chars: &[char], i: usize) -> bool {
    let before = if i == 0 { None } else { chars.get(i - 1) };
    boundary(before) && chars.get(i + 1).is_some_and(|c| !c.is_whitespace() && *c != chars[i])
}

/// The matching marker: after a non-space, before a boundary.
fn closing(chars: &[char], i: usize) -> Option<usize> {
    let m = chars[i];
    (i + 2..chars.len()).find(|&j| chars[j] == m && !chars[j - 1].is_whitespace() && boundary(chars.get(j + 1)))
}

/// `<…>`: a mention, a channel link, a special mention or a link.
fn token_markdown(token: &str, names: &Names) -> String {
    let (target, label) = match token.split_once('|') {
        Some((t, l)) => (t, Some(decode_entities(l))),
        None => (token, None),
    };
    if let Some(id) = target.strip_prefix('@') {
        return match names.users.get(id) {
            Some((uid, name)) => format!("[{}](twist-mention://{})", escape_label(name), uid.0),
            None => format!("@{}", label.unwrap_or_else(|| id.to_string())),
        };
    }
    if let Some(id) = target.strip_prefix('#') {
        return match names.channels.get(id) {
            Some((cid, name)) => {
                format!("[#{}](/a/{}/ch/{})", escape_label(name), names.workspace.0, cid.0)
            }
            None => format!("#{}", label.unwrap_or_else(|| id.to_string())),
        };
    }
    if let Some(special) = target.strip_prefix('!') {
        return match special.split('^').next().unwrap_or_default() {
            "here" | "channel" | "everyone" if label.is_none() => format!("@{special}"),
            _ => label.unwrap_or_else(|| format!("@{special}")),
        };
    }
    let url = decode_entities(target);
    let linkable = ["http://", "https://", "mailto:"].iter().any(|p| url.starts_with(p));
    match (linkable, label) {
        (true, Some(l)) if l != url => format!("[{}]({})", escape_label(&l), url.replace(')', "%29")),
        (true, _) => format!("<{url}>"),
        (false, l) => l.unwrap_or(url),
    }
}

fn escape_label(s: &str) -> String {
    s.replace('[', "\\[").replace(']', "\\]")
}

fn decode_entities(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// A Slack reaction name as an emoji, for the common ones (skin tones dropped); None for
/// custom emoji and names not known here.
pub fn emoji(name: &str) -> Option<&'static str> {
    let base = name.split("::").next().unwrap_or(name);
    EMOJI.iter().find(|(n, _)| *n == base).map(|(_, e)| *e)
}

const EMOJI: &[(&str, &str)] = &[
    ("+1", "👍"),
    ("thumbsup", "👍"),
    ("-1", "👎"),
    ("thumbsdown", "👎"),
    ("heart", "❤️"),
    ("smile", "😄"),
    ("smiley", "😃"),
    ("grinning", "😀"),
    ("slightly_smiling_face", "🙂"),
    ("joy", "😂"),
    ("laughing", "😆"),
    ("sweat_smile", "😅"),
    ("rolling_on_the_floor_laughing", "🤣"),
    ("wink", "😉"),
    ("blush", "😊"),
    ("heart_eyes", "😍"),
    ("sunglasses", "😎"),
    ("thinking_face", "🤔"),
    ("confused", "😕"),
    ("disappointed", "😞"),
    ("cry", "😢"),
    ("sob", "😭"),
    ("scream", "😱"),
    ("rage", "😡"),
    ("see_no_evil", "🙈"),
    ("tada", "🎉"),
    ("eyes", "👀"),
    ("white_check_mark", "✅"),
    ("heavy_check_mark", "✔️"),
    ("x", "❌"),
    ("fire", "🔥"),
    ("rocket", "🚀"),
    ("pray", "🙏"),
    ("clap", "👏"),
    ("raised_hands", "🙌"),
    ("ok_hand", "👌"),
    ("muscle", "💪"),
    ("wave", "👋"),
    ("point_up", "☝️"),
    ("100", "💯"),
    ("star", "⭐"),
    ("sparkles", "✨"),
    ("bulb", "💡"),
    ("warning", "⚠️"),
    ("question", "❓"),
    ("exclamation", "❗"),
    ("memo", "📝"),
    ("coffee", "☕"),
    ("beers", "🍻"),
    ("party_parrot", "🦜"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        let mut n = Names { workspace: WorkspaceId(3), ..Names::default() };
        n.users.insert("U1".into(), (UserId(7), "Ana Lopes".into()));
        n.channels.insert("C1".into(), (ChannelId(9), "general".into()));
        n
    }

    #[test]
    fn converts_slack_markup() {
        let n = names();
        assert_eq!(convert("*bold* _it_ ~gone~ `*x*`", &n), "**bold** _it_ ~~gone~~ `*x*`");
        assert_eq!(convert("a * b * c and 2*3*4", &n), "a * b * c and 2*3*4");
        assert_eq!(
            convert("hi <@U1> see <#C1|general>", &n),
            "hi [Ana Lopes](twist-mention://7) see [#general](/a/3/ch/9)"
        );
        assert_eq!(convert("<@U9|bo> <#C9|old>", &n), "@bo #old");
        assert_eq!(
            convert("<https://x.test/a?b=1&amp;c=2|the site> <https://y.test>", &n),
            "[the site](https://x.test/a?b=1&c=2) <https://y.test>"
        );
        assert_eq!(convert("<!here> <!channel> <!subteam^S1|@devs>", &n), "@here @channel @devs");
        assert_eq!(convert("Tom &amp; Jerry &lt;3", &n), "Tom & Jerry \\<3");
        assert_eq!(convert("&gt; quoted\nnot", &n), "> quoted\nnot");
        assert_eq!(convert("&gt;&gt;&gt; all\nof it", &n), "> all\n> of it");
        assert_eq!(convert("see ```let a = 1 &lt; 2;``` done", &n), "see\n```\nlet a = 1 < 2;\n```\ndone");
    }

    #[test]
    fn reaction_names_become_emoji() {
        assert_eq!(emoji("+1::skin-tone-3"), Some("👍"));
        assert_eq!(emoji("custom-party"), None);
        for (name, e) in EMOJI {
            assert!(weft_core::input::reaction(e).is_ok(), "{name} is not a reaction Weft takes");
        }
    }
}
