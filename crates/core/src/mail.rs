//! What an email says: a push rendered as a subject, a plain-text part and an HTML part.
//! Pure functions; sending is the server's job.

/// Why the email is sent, which sets its subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    /// One push, sent when it happened (or when the person became available).
    Each,
    /// What gathered during an hour.
    Hourly,
    /// The digest at the start of the working day.
    Daily,
    /// The emergency lane.
    Urgent,
    /// On duty in a rotation, for someone who is not available.
    Covering,
}

impl Occasion {
    /// The `delivery` field of a `push` event.
    pub fn parse(delivery: &str) -> Option<Occasion> {
        Some(match delivery {
            "each" => Occasion::Each,
            "hourly" => Occasion::Hourly,
            "daily" => Occasion::Daily,
            "urgent" => Occasion::Urgent,
            "covering" => Occasion::Covering,
            _ => return None,
        })
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
    pub occasion: Occasion,
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
        match (self.occasion, n) {
            (Occasion::Urgent, _) => format!("[URGENT] [{ws}] {first}"),
            (Occasion::Daily, _) => format!("[{ws}] Your daily digest: {}", count(n)),
            (_, 1) => format!("[{ws}] {first}"),
            (Occasion::Hourly, _) => format!("[{ws}] {} this past hour", count(n)),
            _ => format!("[{ws}] {}", count(n)),
        }
    }

    pub fn text(&self) -> String {
        let mut out = String::new();
        if self.occasion == Occasion::Urgent {
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
        if self.occasion == Occasion::Urgent {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn email(occasion: Occasion, n: usize) -> Email {
        Email {
            occasion,
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
        assert_eq!(email(Occasion::Each, 1).subject(), "[Acme] Ana commented on \"Plan 0\" in #general");
        assert_eq!(email(Occasion::Hourly, 3).subject(), "[Acme] 3 notifications this past hour");
        assert_eq!(email(Occasion::Hourly, 1).subject(), "[Acme] Ana commented on \"Plan 0\" in #general");
        assert_eq!(email(Occasion::Daily, 1).subject(), "[Acme] Your daily digest: 1 notification");
        assert!(email(Occasion::Urgent, 1).subject().starts_with("[URGENT] [Acme] Ana commented"));
    }

    #[test]
    fn both_parts_carry_every_item_its_link_and_the_way_out() {
        let e = email(Occasion::Daily, 2);
        for part in [e.text(), e.html()] {
            assert!(part.contains("http://weft.test/a/1/ch/2/t/0"), "{part}");
            assert!(part.contains("http://weft.test/a/1/ch/2/t/1"), "{part}");
            assert!(part.contains("http://weft.test/mail/unsubscribe?token=abc"), "{part}");
            assert!(part.contains("http://weft.test/a/1/settings/notifications"), "{part}");
        }
        assert!(e.text().contains("> Looks <good>\n> to me\n"));
    }

    #[test]
    fn html_escapes_what_people_wrote() {
        let mut e = email(Occasion::Each, 1);
        e.items[0].headline = "<script>alert(1)</script> & \"x\"".into();
        let html = e.html();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(html.contains("Looks &lt;good&gt;"));
    }
}
