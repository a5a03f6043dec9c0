//! Email over SMTP, when `--smtp-url` is set: the settings, and sending one email. Each
//! node's mailer worker (`workers.rs`) turns new pushes into outbox emails
//! (`services::mail::enqueue`), leases the ones that are due, sends them here and records
//! the outcome: sent, retried later with backoff, or parked for an admin.

use crate::config::Config;
use lettre::message::header::ContentType;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;
use weft_core::store::OutboxMail;

/// How long one SMTP exchange may take before it counts as a failure.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The domain of Message-IDs: the sender's.
    domain: String,
}

impl Mailer {
    /// The mailer the configuration asks for (None: no `--smtp-url`), or what is wrong with
    /// it. Needs the runtime: the connection pool runs as a task.
    pub fn from_config(config: &Config) -> Result<Option<Mailer>, String> {
        let Some((url, from)) = settings(config)? else { return Ok(None) };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&url)
            .map_err(|e| format!("--smtp-url {}: {e}", redact(&url)))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let domain = from.email.domain().to_string();
        Ok(Some(Mailer { transport, from, domain }))
    }

    /// Sends one email. On failure: whether the server refused it for good, and why.
    pub(crate) async fn send(&self, m: &OutboxMail) -> Result<(), (bool, String)> {
        let to: Mailbox = m.to.parse().map_err(|e| (true, format!("bad recipient address {:?}: {e}", m.to)))?;
        let mut message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&m.subject)
            // The same id on every try, so a receiver can tell a repeat.
            .message_id(Some(format!("<weft.{}.{}@{}>", m.event_seq.unwrap_or(0), m.id, self.domain)))
            .multipart(body(m))
            .map_err(|e| (true, format!("cannot build the email: {e}")))?;
        let headers = message.headers_mut();
        // Account emails (an invitation, a password reset) are asked for: nothing to unsubscribe from.
        if !m.unsubscribe_url.is_empty() {
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{}>", m.unsubscribe_url),
            ));
            // One click in the mail program unsubscribes (RFC 8058).
            headers.insert_raw(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_string(),
            ));
        }
        headers.insert_raw(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".into()));
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) => Err((e.is_permanent(), e.to_string())),
        }
    }
}

/// Says what is wrong with the mail settings, if anything.
/// The text and HTML parts, and the calendar entry attached when there is one.
fn body(m: &OutboxMail) -> MultiPart {
    let text = MultiPart::alternative_plain_html(m.text.clone(), m.html.clone());
    match &m.calendar {
        None => text,
        Some(ics) => MultiPart::mixed().multipart(text).singlepart(Attachment::new("meeting.ics".into()).body(
            ics.clone(),
            ContentType::parse("text/calendar; charset=utf-8; method=PUBLISH").expect("a valid type"),
        )),
    }
}

pub fn check(config: &Config) -> Result<(), String> {
    settings(config).map(drop)
}

/// The SMTP URL and the sender, checked (None: no email).
fn settings(config: &Config) -> Result<Option<(String, Mailbox)>, String> {
    let Some(url) = &config.smtp_url else {
        if config.mail_from.is_some() {
            return Err("--mail-from needs --smtp-url (the SMTP server to send through)".into());
        }
        return Ok(None);
    };
    if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
        return Err(format!(
            "--smtp-url must look like smtp://host:port (STARTTLS: smtp://host:587?tls=required, \
             TLS: smtps://host:465, credentials: smtp://user:password@host), not {}",
            redact(url)
        ));
    }
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map_err(|e| format!("--smtp-url {}: {e}", redact(url)))?;
    let from = config.mail_from.as_deref().ok_or("--smtp-url needs --mail-from, the sender address")?;
    let from: Mailbox = from.parse().map_err(|e| format!("--mail-from {from:?} is not an email address: {e}"))?;
    Ok(Some((url.clone(), from)))
}

/// The SMTP URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{}{user}:…{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("smtp://ana:secret@mail.test:587?tls=required"), "smtp://ana:…@mail.test:587?tls=required");
        assert_eq!(redact("smtp://127.0.0.1:25"), "smtp://127.0.0.1:25");
    }

    #[test]
    fn settings_that_cannot_work_are_refused() {
        let with = |url: Option<&str>, from: Option<&str>| {
            let c = Config { smtp_url: url.map(String::from), mail_from: from.map(String::from), ..Config::default() };
            settings(&c).map(|m| m.is_some())
        };
        assert_eq!(with(None, None), Ok(false));
        assert!(with(Some("smtp://127.0.0.1:2525"), None).unwrap_err().contains("--mail-from"));
        assert!(with(None, Some("weft@example.test")).unwrap_err().contains("--smtp-url"));
        assert!(with(Some("http://x"), Some("weft@example.test")).unwrap_err().contains("smtp://"));
        assert!(with(Some("smtp://127.0.0.1:2525"), Some("not an address")).unwrap_err().contains("--mail-from"));
        assert_eq!(with(Some("smtp://127.0.0.1:2525"), Some("Weft <weft@example.test>")), Ok(true));
    }
}
