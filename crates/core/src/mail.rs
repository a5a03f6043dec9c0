//! What an email says: the render step of the mailer. What `services::mail` gathered and
//! checked (a `Draft`) becomes an `Email`: subject, plain-text part, HTML part, links.
//! Pure functions; reading the store is the service's job, sending the server's.

use crate::ids::*;
use crate::model::NotificationType;
pub use crate::payload::PushDelivery;

/// The longest excerpt of a post an email quotes, in characters.
const EXCERPT_CHARS: usize = 600;

/// An email decided on: what it tells one person about one workspace, names resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub delivery: PushDelivery,
    pub workspace_id: WorkspaceId,
    pub workspace: String,
    /// Never empty.
    pub notices: Vec<Notice>,
}

/// One thing an email tells of.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// A thread (`comment` None) or a comment in it.
    Post {
        author: String,
        channel: (ChannelId, String),
        thread: ThreadId,
        title: String,
        comment: Option<CommentId>,
        /// The post's text (markdown).
        content: String,
        /// Raised in the emergency lane.
        urgent: bool,
        /// The names of the people the recipient covers for (rotation duty).
        covering: Vec<String>,
        /// The one reminder of an answer the recipient was asked for in this post.
        reminder: bool,
        /// Who made the recipient the thread's DRI, when that is the news.
        made_dri_by: Option<String>,
    },
    /// A direct message; `title` is the conversation's, if it has one.
    /// `reminder`: the one reminder of an answer the recipient was asked for in it.
    Message {
        author: String,
        conversation: ConversationId,
        title: Option<String>,
        message: MessageId,
        content: String,
        reminder: bool,
    },
    /// Added to or removed from the workspace or one of its channels (`channel`: the
    /// channel, if it is still there).
    Membership { by: String, kind: NotificationType, channel: Option<(ChannelId, String)> },
}

impl Draft {
    /// The email, its links starting with `base_url`.
    pub fn render(&self, base_url: &str, unsubscribe_token: &str) -> Email {
        let ws_url = format!("{base_url}/a/{}", self.workspace_id);
        Email {
            delivery: self.delivery,
            workspace: self.workspace.clone(),
            items: self.notices.iter().map(|n| self.item(n, base_url, &ws_url)).collect(),
            settings_url: format!("{ws_url}/settings/notifications"),
            unsubscribe_url: format!("{base_url}/mail/unsubscribe?token={unsubscribe_token}"),
        }
    }

    fn item(&self, notice: &Notice, base_url: &str, ws_url: &str) -> Item {
        let excerpt = |content: &str| crate::text::snippet(content, EXCERPT_CHARS);
        match notice {
            Notice::Post {
                author,
                channel: (channel, name),
                thread,
                title,
                comment,
                content,
                urgent,
                covering,
                reminder,
                made_dri_by,
            } => {
                let thread_url = format!("{ws_url}/ch/{channel}/t/{thread}");
                let (verb, url) = match comment {
                    Some(c) => ("commented on", format!("{thread_url}/c/{c}")),
                    None if *urgent => ("raised", thread_url),
                    None => ("started", thread_url),
                };
                let mut headline = if let Some(by) = made_dri_by {
                    format!("{by} made you the DRI of \"{title}\" in #{name}: you decide")
                } else if *reminder {
                    format!("Reminder: {author} is waiting for your answer in \"{title}\" in #{name}")
                } else {
                    format!("{author} {verb} \"{title}\" in #{name}")
                };
                if !covering.is_empty() {
                    headline = format!("Covering for {}: {headline}", covering.join(", "));
                }
                Item { headline, excerpt: excerpt(content), url }
            }
            Notice::Message { author, conversation, title, message, content, reminder } => {
                let headline = match title {
                    _ if *reminder => format!("Reminder: {author} is waiting for your answer"),
                    Some(t) if !t.is_empty() => format!("{author} wrote in \"{t}\""),
                    _ => format!("{author} wrote to you"),
                };
                Item { headline, excerpt: excerpt(content), url: format!("{ws_url}/msg/{conversation}/m/{message}") }
            }
            Notice::Membership { by, kind, channel } => {
                let ws = &self.workspace;
                let (headline, url) = match (kind, channel) {
                    (NotificationType::AddedToChannel, Some((c, n))) => {
                        (format!("{by} added you to #{n}"), format!("{ws_url}/ch/{c}"))
                    }
                    (NotificationType::RemovedFromChannel, Some((_, n))) => {
                        (format!("{by} removed you from #{n}"), ws_url.to_string())
                    }
                    (NotificationType::AccessRequested, Some((c, n))) => {
                        (format!("{by} asked to join #{n}"), format!("{ws_url}/ch/{c}"))
                    }
                    (NotificationType::AccessRequested, None) => {
                        (format!("{by} asked to join a channel"), ws_url.to_string())
                    }
                    (NotificationType::AccessDenied, Some((_, n))) => {
                        (format!("{by} declined your request to join #{n}"), ws_url.to_string())
                    }
                    // A private channel's name is not news to someone who was never in it.
                    (NotificationType::AccessDenied, None) => {
                        (format!("{by} declined your request to join a channel"), ws_url.to_string())
                    }
                    (NotificationType::ScheduledNotSent, _) => {
                        ("Your scheduled post could not be sent".to_string(), format!("{ws_url}/scheduled"))
                    }
                    (NotificationType::RemovedFromWorkspace, _) => {
                        (format!("{by} removed you from {ws}"), base_url.to_string())
                    }
                    _ => (format!("{by} added you to {ws}"), ws_url.to_string()),
                };
                Item { headline, excerpt: String::new(), url }
            }
        }
    }
}

/// One thing the person is told about.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// "Ana commented on "Launch plan" in #general".
    pub headline: String,
    /// A plain-text preview of the post (may be empty).
    pub excerpt: String,
    /// Where it is in the web app.
    pub url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Email {
    pub delivery: PushDelivery,
    pub workspace: String,
    pub items: Vec<Item>,
    pub settings_url: String,
    pub unsubscribe_url: String,
}

impl Email {
    pub fn subject(&self) -> String {
        let ws = &self.workspace;
        let n = self.items.len();
        let first = self.items.first().map(|i| i.headline.as_str()).unwrap_or_default();
        match (self.delivery, n) {
            (PushDelivery::Urgent, _) => format!("[URGENT] [{ws}] {first}"),
            (PushDelivery::Daily, _) => format!("[{ws}] Your daily digest: {}", count(n)),
            (_, 1) => format!("[{ws}] {first}"),
            (PushDelivery::Hourly, _) => format!("[{ws}] {} this past hour", count(n)),
            _ => format!("[{ws}] {}", count(n)),
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.delivery == PushDelivery::Urgent {
            out.push_str("This was posted in an emergency channel. Please acknowledge it in Weft.\n\n");
        }
        for item in &self.items {
            out.push_str(&item.headline);
            out.push('\n');
            for line in item.excerpt.lines().filter(|l| !l.trim().is_empty()) {
                out.push_str("> ");
                out.push_str(line);
                out.push('\n');
            }
            out.push_str(&item.url);
            out.push_str("\n\n");
        }
        out.push_str("-- \n");
        out.push_str(&self.footer_text());
        out
    }

    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family: sans-serif; line-height: 1.4; color: #222;\">",
        );
        if self.delivery == PushDelivery::Urgent {
            out.push_str(
                "<p style=\"color: #a00; font-weight: bold;\">This was posted in an emergency channel. \
                 Please acknowledge it in Weft.</p>",
            );
        }
        for item in &self.items {
            out.push_str(&format!(
                "<div style=\"margin: 0 0 1.2em 0;\"><p style=\"margin: 0;\"><a href=\"{}\">{}</a></p>",
                escape(&item.url),
                escape(&item.headline)
            ));
            if !item.excerpt.trim().is_empty() {
                out.push_str(&format!(
                    "<blockquote style=\"margin: 0.3em 0 0 0; padding-left: 0.8em; border-left: 3px solid #ccc; \
                     color: #555;\">{}</blockquote>",
                    escape(&item.excerpt)
                ));
            }
            out.push_str("</div>");
        }
        out.push_str(&format!(
            "<hr><p style=\"font-size: 0.85em; color: #777;\">You get this email because you were notified in {}. \
             Weft emails you only while you are available: in your working hours, not in do-not-disturb, not away.<br>\
             <a href=\"{}\">Choose what Weft emails you</a> · <a href=\"{}\">Stop all email from {}</a></p>\
             </body></html>",
            escape(&self.workspace),
            escape(&self.settings_url),
            escape(&self.unsubscribe_url),
            escape(&self.workspace),
        ));
        out
    }

    fn footer_text(&self) -> String {
        format!(
            "You get this email because you were notified in {ws}. Weft emails you only while\n\
             you are available: in your working hours, not in do-not-disturb, not away.\n\
             Choose what Weft emails you: {settings}\n\
             Stop all email from {ws}: {unsubscribe}\n",
            ws = self.workspace,
            settings = self.settings_url,
            unsubscribe = self.unsubscribe_url,
        )
    }
}

fn count(n: usize) -> String {
    if n == 1 { "1 notification".to_string() } else { format!("{n} notifications") }
}

/// Text made safe for HTML content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
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
    out
}

/// An email someone asked for about their account: an invitation, a password reset. It
/// carries a link with a code, so the outbox blanks it once sent.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl AccountEmail {
    fn new(subject: String, paragraphs: &[String], link_label: &str, url: &str, footer: &str) -> AccountEmail {
        let mut text = String::new();
        for p in paragraphs {
            text.push_str(p);
            text.push_str("\n\n");
        }
        text.push_str(&format!("{link_label}: {url}\n\n-- \n{footer}\n"));
        let mut html = String::from(
            "<!doctype html><html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family: sans-serif; line-height: 1.4; color: #222;\">",
        );
        for p in paragraphs {
            html.push_str(&format!("<p>{}</p>", escape(p)));
        }
        html.push_str(&format!(
            "<p><a href=\"{}\">{}</a></p><hr><p style=\"font-size: 0.85em; color: #777;\">{}</p></body></html>",
            escape(url),
            escape(link_label),
            escape(footer)
        ));
        AccountEmail { subject: one_line(&subject), text, html }
    }

    /// An invitation to a workspace; `has_account`: the person signs in to accept rather
    /// than choosing a name and password.
    pub fn invitation(inviter: &str, workspace: &str, url: &str, valid_days: i64, has_account: bool) -> AccountEmail {
        let what = if has_account {
            "Open the link and sign in with your account to accept.".to_string()
        } else {
            "Open the link to choose your name and password; you will land in the workspace.".to_string()
        };
        let days = if valid_days == 1 { "1 day".to_string() } else { format!("{valid_days} days") };
        AccountEmail::new(
            format!("{inviter} invited you to {workspace} on Weft"),
            &[format!("{inviter} invited you to join {workspace} on Weft."), what],
            "Accept the invitation",
            url,
            &format!(
                "The link works once, for {days}. If you did not expect this invitation, ignore this email: \
                 nothing happens unless you open the link."
            ),
        )
    }

    pub fn password_reset(url: &str, valid_minutes: i64) -> AccountEmail {
        AccountEmail::new(
            "Reset your Weft password".to_string(),
            &["Someone (hopefully you) asked to reset the password of your Weft account.".to_string()],
            "Choose a new password",
            url,
            &format!(
                "The link works once, for {valid_minutes} minutes, and signs you out everywhere. If you did not \
                 ask for it, ignore this email: your password stays as it is."
            ),
        )
    }

    /// A webhook subscription turned off after failing `failures` times in a row.
    pub fn webhook_disabled(url: &str, event: &str, failures: i64, error: &str, app_url: &str) -> AccountEmail {
        AccountEmail::new(
            "A Weft webhook of yours was turned off".to_string(),
            &[
                format!(
                    "Your webhook to {} for {event} events failed {failures} times in a row, so Weft stopped \
                     sending to it. The last failure: {}.",
                    one_line(url),
                    one_line(error)
                ),
                "Once the receiver works again, subscribe it again (hooks/subscribe) to turn it back on.".to_string(),
            ],
            "Open Weft",
            app_url,
            "You get this email because you made this webhook subscription.",
        )
    }
}

/// A header-safe subject: control characters (a name with a line break) become spaces.
fn one_line(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn account_emails_carry_their_link_and_escape_names() {
        let e = super::AccountEmail::invitation("Ana <a>", "Acme\r\nBcc: x", "http://w/invite/abc", 7, false);
        assert_eq!(e.subject, "Ana <a> invited you to Acme  Bcc: x on Weft");
        assert!(e.text.contains("http://w/invite/abc") && e.text.contains("7 days"));
        assert!(e.html.contains("href=\"http://w/invite/abc\"") && e.html.contains("Ana &lt;a&gt;"));
        let r = super::AccountEmail::password_reset("http://w/reset-password/x", 60);
        assert!(r.text.contains("http://w/reset-password/x") && r.text.contains("60 minutes"));
    }

    use super::*;

    fn email(delivery: PushDelivery, n: usize) -> Email {
        Email {
            delivery,
            workspace: "Acme".into(),
            items: (0..n)
                .map(|i| Item {
                    headline: format!("Ana commented on \"Plan {i}\" in #general"),
                    excerpt: "Looks <good>\nto me".into(),
                    url: format!("http://weft.test/a/1/ch/2/t/{i}"),
                })
                .collect(),
            settings_url: "http://weft.test/a/1/settings/notifications".into(),
            unsubscribe_url: "http://weft.test/mail/unsubscribe?token=abc".into(),
        }
    }

    #[test]
    fn subjects_say_what_kind_of_email_it_is() {
        assert_eq!(email(PushDelivery::Each, 1).subject(), "[Acme] Ana commented on \"Plan 0\" in #general");
        assert_eq!(email(PushDelivery::Hourly, 3).subject(), "[Acme] 3 notifications this past hour");
        assert_eq!(email(PushDelivery::Hourly, 1).subject(), "[Acme] Ana commented on \"Plan 0\" in #general");
        assert_eq!(email(PushDelivery::Daily, 1).subject(), "[Acme] Your daily digest: 1 notification");
        assert!(email(PushDelivery::Urgent, 1).subject().starts_with("[URGENT] [Acme] Ana commented"));
    }

    #[test]
    fn both_parts_carry_every_item_its_link_and_the_way_out() {
        let e = email(PushDelivery::Daily, 2);
        for part in [e.text(), e.html()] {
            assert!(part.contains("http://weft.test/a/1/ch/2/t/0"), "{part}");
            assert!(part.contains("http://weft.test/a/1/ch/2/t/1"), "{part}");
            assert!(part.contains("http://weft.test/mail/unsubscribe?token=abc"), "{part}");
            assert!(part.contains("http://weft.test/a/1/settings/notifications"), "{part}");
        }
        assert!(e.text().contains("> Looks <good>\n> to me\n"));
    }

    fn draft(delivery: PushDelivery, notices: Vec<Notice>) -> Draft {
        Draft { delivery, workspace_id: WorkspaceId(1), workspace: "Acme".into(), notices }
    }

    fn post(comment: Option<i64>, urgent: bool, covering: &[&str]) -> Notice {
        Notice::Post {
            author: "Ana".into(),
            channel: (ChannelId(2), "general".into()),
            thread: ThreadId(3),
            title: "Launch plan".into(),
            comment: comment.map(CommentId),
            content: "Ship it [Bo](twist-mention://7)".into(),
            urgent,
            covering: covering.iter().map(|s| s.to_string()).collect(),
            reminder: false,
            made_dri_by: None,
        }
    }

    #[test]
    fn a_draft_renders_headlines_links_and_excerpts_without_a_store() {
        let rendered = |d: Draft| d.render("https://weft.test", "tok");
        let e = rendered(draft(PushDelivery::Each, vec![post(None, false, &[])]));
        assert_eq!(e.subject(), "[Acme] Ana started \"Launch plan\" in #general");
        assert_eq!(e.items[0].url, "https://weft.test/a/1/ch/2/t/3");
        assert_eq!(e.items[0].excerpt, "Ship it Bo");
        assert_eq!(e.settings_url, "https://weft.test/a/1/settings/notifications");
        assert_eq!(e.unsubscribe_url, "https://weft.test/mail/unsubscribe?token=tok");

        let e = rendered(draft(PushDelivery::Covering, vec![post(Some(9), false, &["Cy", "Di"])]));
        assert_eq!(e.items[0].headline, "Covering for Cy, Di: Ana commented on \"Launch plan\" in #general");
        assert_eq!(e.items[0].url, "https://weft.test/a/1/ch/2/t/3/c/9");

        let e = rendered(draft(PushDelivery::Urgent, vec![post(None, true, &[])]));
        assert_eq!(e.subject(), "[URGENT] [Acme] Ana raised \"Launch plan\" in #general");
        assert!(e.text().starts_with("This was posted in an emergency channel."));

        let message = |title: Option<&str>| Notice::Message {
            author: "Ana".into(),
            conversation: ConversationId(4),
            title: title.map(String::from),
            message: MessageId(5),
            content: "Lunch?".into(),
            reminder: false,
        };
        let e = rendered(draft(PushDelivery::Daily, vec![message(None), message(Some("Team"))]));
        assert_eq!(e.subject(), "[Acme] Your daily digest: 2 notifications");
        let headlines: Vec<&str> = e.items.iter().map(|i| i.headline.as_str()).collect();
        assert_eq!(headlines, ["Ana wrote to you", "Ana wrote in \"Team\""]);
        assert_eq!(e.items[0].url, "https://weft.test/a/1/msg/4/m/5");

        // The reminder of an answer asked for says so, and links to the question.
        let mut reminder = post(Some(9), false, &[]);
        if let Notice::Post { reminder: r, .. } = &mut reminder {
            *r = true;
        }
        let e = rendered(draft(PushDelivery::Each, vec![reminder]));
        assert_eq!(e.items[0].headline, "Reminder: Ana is waiting for your answer in \"Launch plan\" in #general");
        assert_eq!(e.items[0].url, "https://weft.test/a/1/ch/2/t/3/c/9");
        let mut reminder = message(Some("Team"));
        if let Notice::Message { reminder: r, .. } = &mut reminder {
            *r = true;
        }
        let e = rendered(draft(PushDelivery::Each, vec![reminder]));
        assert_eq!(e.items[0].headline, "Reminder: Ana is waiting for your answer");

        // Being made a thread's DRI names who did it, and links to the thread.
        let mut dri = post(None, false, &[]);
        if let Notice::Post { made_dri_by, .. } = &mut dri {
            *made_dri_by = Some("Cy".into());
        }
        let e = rendered(draft(PushDelivery::Each, vec![dri]));
        assert_eq!(e.items[0].headline, "Cy made you the DRI of \"Launch plan\" in #general: you decide");
        assert_eq!(e.items[0].url, "https://weft.test/a/1/ch/2/t/3");
    }

    #[test]
    fn membership_changes_say_where_and_link_to_what_is_left() {
        let membership = |kind, channel: Option<(i64, &str)>| {
            let d = draft(
                PushDelivery::Hourly,
                vec![Notice::Membership {
                    by: "Ana".into(),
                    kind,
                    channel: channel.map(|(id, n)| (ChannelId(id), n.to_string())),
                }],
            );
            let item = d.render("https://weft.test", "tok").items.remove(0);
            (item.headline, item.url)
        };
        let said = |h: &str, u: &str| (h.to_string(), u.to_string());
        assert_eq!(
            membership(NotificationType::AddedToChannel, Some((2, "ops"))),
            said("Ana added you to #ops", "https://weft.test/a/1/ch/2")
        );
        assert_eq!(
            membership(NotificationType::RemovedFromChannel, Some((2, "ops"))),
            said("Ana removed you from #ops", "https://weft.test/a/1")
        );
        assert_eq!(
            membership(NotificationType::AddedToChannel, None),
            said("Ana added you to Acme", "https://weft.test/a/1"),
            "a channel that is gone"
        );
        assert_eq!(
            membership(NotificationType::RemovedFromWorkspace, None),
            said("Ana removed you from Acme", "https://weft.test")
        );
        assert_eq!(
            membership(NotificationType::AddedToWorkspace, None),
            said("Ana added you to Acme", "https://weft.test/a/1")
        );
        assert_eq!(
            membership(NotificationType::AccessRequested, Some((2, "ops"))),
            said("Ana asked to join #ops", "https://weft.test/a/1/ch/2")
        );
        assert_eq!(
            membership(NotificationType::AccessDenied, None),
            said("Ana declined your request to join a channel", "https://weft.test/a/1")
        );
    }

    #[test]
    fn html_escapes_what_people_wrote() {
        let mut e = email(PushDelivery::Each, 1);
        e.items[0].headline = "<script>alert(1)</script> & \"x\"".into();
        let html = e.html();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(html.contains("Looks &lt;good&gt;"));
    }
}
