//! A small SMTP server on loopback for the email tests: it speaks enough of the protocol
//! for a real client (EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps what it
//! receives, and can be told to be down (421) or to refuse recipients (550).

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Accept,
    /// Every session is refused at once with 421 (a transient failure).
    Down,
    /// Recipients are refused with 550 (a permanent failure).
    RejectRecipients,
}

/// One email as received.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub auth: Option<String>,
    pub headers: Vec<(String, String)>,
    pub text: String,
    pub html: String,
    /// An attached calendar entry (text/calendar), if any.
    pub calendar: String,
}

impl Mail {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    pub fn subject(&self) -> &str {
        self.header("Subject").unwrap_or_default()
    }
}

#[derive(Default)]
struct State {
    mode: Option<Mode>,
    mails: Vec<Mail>,
    sessions: usize,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(Mutex::new(State { mode: Some(Mode::Accept), ..Default::default() }));
        let shared = state.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = session(socket, state).await;
                });
            }
        });
        SmtpSink { port, state }
    }

    /// Its URL, with the credentials the client is to sign in with.
    pub fn url(&self) -> String {
        format!("smtp://weft:s3cret@127.0.0.1:{}", self.port)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = Some(mode);
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.state.lock().unwrap().mails.clone()
    }

    /// Connections the client opened (a refused one counts too).
    pub fn sessions(&self) -> usize {
        self.state.lock().unwrap().sessions
    }
}

async fn session(socket: tokio::net::TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    let mode = {
        let mut s = state.lock().unwrap();
        s.sessions += 1;
        s.mode.unwrap_or(Mode::Accept)
    };
    if mode == Mode::Down {
        write.write_all(b"421 sink.test Service not available, try later\r\n").await?;
        return Ok(());
    }
    write.write_all(b"220 sink.test ESMTP test sink\r\n").await?;
    let (mut from, mut to, mut auth) = (String::new(), Vec::new(), None);
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
            b"250-sink.test\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n"
        } else if upper.starts_with("AUTH PLAIN") {
            auth = cmd.split_whitespace().nth(2).map(|b| String::from_utf8_lossy(&base64(b)).into_owned());
            b"235 2.7.0 Authentication successful\r\n"
        } else if upper.starts_with("MAIL FROM:") && state.lock().unwrap().mode == Some(Mode::Down) {
            // Going down: open sessions end too.
            write.write_all(b"421 sink.test Service not available, closing\r\n").await?;
            return Ok(());
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd);
            to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            if state.lock().unwrap().mode == Some(Mode::RejectRecipients) {
                b"550 5.1.1 No such user here\r\n"
            } else {
                to.push(address(&cmd));
                b"250 OK\r\n"
            }
        } else if upper == "DATA" {
            write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let mail = parse(from.clone(), to.clone(), auth.clone(), &data);
            state.lock().unwrap().mails.push(mail);
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            b"250 OK\r\n"
        } else {
            b"502 Command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

fn address(cmd: &str) -> String {
    let start = cmd.find('<').map_or(0, |i| i + 1);
    let end = cmd[start..].find('>').map_or(cmd.len(), |i| start + i);
    cmd[start..end].to_string()
}

/// Headers (unfolded) and the decoded text, HTML and calendar parts of a MIME message
/// (in nested multiparts too).
fn parse(from: String, to: Vec<String>, auth: Option<String>, data: &str) -> Mail {
    let (head, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let mut mail = Mail {
        from,
        to,
        auth,
        headers: headers(head),
        text: String::new(),
        html: String::new(),
        calendar: String::new(),
    };
    let content_type = mail.header("Content-Type").unwrap_or_default().to_string();
    if !read_parts(&mut mail, &content_type, body) {
        mail.text = body.to_string();
    }
    mail
}

/// Reads the parts of a multipart body into `mail`; false if it is not multipart.
fn read_parts(mail: &mut Mail, content_type: &str, body: &str) -> bool {
    let Some(boundary) =
        content_type.split("boundary=").nth(1).map(|b| b.split(';').next().unwrap_or(b).trim_matches('"').to_string())
    else {
        return false;
    };
    for part in body.split(&format!("--{boundary}")).skip(1) {
        let part = part.trim_start_matches("\r\n");
        let (phead, pbody) = part.split_once("\r\n\r\n").unwrap_or((part, ""));
        let ph = headers(phead);
        let get = |n: &str| ph.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| v.clone());
        let kind = get("Content-Type").unwrap_or_default();
        if kind.starts_with("multipart/") {
            read_parts(mail, &kind, pbody);
            continue;
        }
        let decoded = match get("Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase().as_str() {
            "base64" => String::from_utf8_lossy(&base64(pbody)).into_owned(),
            "quoted-printable" => quoted_printable(pbody),
            _ => pbody.to_string(),
        };
        let decoded = decoded.trim_end_matches("\r\n").replace("\r\n", "\n");
        match kind {
            t if t.starts_with("text/plain") => mail.text = decoded,
            t if t.starts_with("text/html") => mail.html = decoded,
            t if t.starts_with("text/calendar") => mail.calendar = decoded,
            _ => {}
        }
    }
    true
}

fn headers(head: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in head.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if let Some(last) = out.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\r\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let sextets: Vec<u8> = s.bytes().filter_map(value).collect();
    let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
    for chunk in sextets.chunks(4) {
        let mut n = 0u32;
        for (i, v) in chunk.iter().enumerate() {
            n |= (*v as u32) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..chunk.len().saturating_sub(1)]);
    }
    out
}
