//! iCalendar (RFC 5545) for meetings: one event, its times written in one person's time
//! zone (with the zone's definition around the event, so any calendar shows it right).
//! Pure functions.

use jiff::tz::{Dst, TimeZone};
use jiff::{Timestamp, tz::Offset};

/// A meeting as a calendar event.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Stable across updates of the same meeting.
    pub uid: String,
    /// Goes up with each change (a cancellation, say).
    pub sequence: i64,
    pub starts_ts: i64,
    pub ends_ts: i64,
    pub stamp_ts: i64,
    pub summary: &'a str,
    pub description: &'a str,
    pub url: Option<&'a str>,
    /// (name, email)
    pub organizer: (&'a str, &'a str),
    pub attendees: &'a [(String, String)],
    pub cancelled: bool,
}

/// The calendar holding `event`, its times in `zone` (an IANA name; UTC if unknown).
pub fn calendar(event: &Event, zone: &str) -> String {
    let tz = TimeZone::get(zone).unwrap_or(TimeZone::UTC);
    let name = tz.iana_name().unwrap_or("UTC").to_string();
    let mut lines: Vec<String> = vec![
        "BEGIN:VCALENDAR".into(),
        "VERSION:2.0".into(),
        "PRODID:-//Weft//Meetings//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("METHOD:{}", if event.cancelled { "CANCEL" } else { "PUBLISH" }),
    ];
    lines.extend(vtimezone(&tz, &name, event.starts_ts, event.ends_ts));
    lines.push("BEGIN:VEVENT".into());
    lines.push(format!("UID:{}", text(&event.uid)));
    lines.push(format!("SEQUENCE:{}", event.sequence));
    lines.push(format!("DTSTAMP:{}", utc(event.stamp_ts)));
    lines.push(format!("DTSTART;TZID={name}:{}", local(&tz, event.starts_ts)));
    lines.push(format!("DTEND;TZID={name}:{}", local(&tz, event.ends_ts)));
    lines.push(format!("SUMMARY:{}", text(event.summary)));
    lines.push(format!("DESCRIPTION:{}", text(event.description)));
    if let Some(url) = event.url {
        lines.push(format!("URL:{}", text(url)));
    }
    let (org_name, org_email) = event.organizer;
    lines.push(format!("ORGANIZER;CN={}:mailto:{}", param(org_name), text(org_email)));
    for (name, email) in event.attendees {
        lines.push(format!("ATTENDEE;CN={};ROLE=REQ-PARTICIPANT:mailto:{}", param(name), text(email)));
    }
    lines.push(format!("STATUS:{}", if event.cancelled { "CANCELLED" } else { "CONFIRMED" }));
    lines.push("END:VEVENT".into());
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect::<Vec<_>>().join("")
}

/// The zone's observances around `[from, to]`: the one in effect at the start and any
/// change before the end.
fn vtimezone(tz: &TimeZone, name: &str, from: i64, to: i64) -> Vec<String> {
    let start = Timestamp::from_second(from).unwrap_or(Timestamp::UNIX_EPOCH);
    let end = Timestamp::from_second(to).unwrap_or(start);
    let mut out = vec!["BEGIN:VTIMEZONE".into(), format!("TZID:{name}")];
    let before = tz.preceding(start).next();
    // The offset before a transition: just before it.
    let offset_before = |t: Timestamp| tz.to_offset(t.checked_sub(jiff::SignedDuration::from_secs(1)).unwrap_or(t));
    match before {
        Some(tr) => out.extend(observance(
            tr.dst(),
            tr.timestamp(),
            offset_before(tr.timestamp()),
            tr.offset(),
            tr.abbreviation(),
        )),
        None => {
            // A zone that never changed (UTC): one observance from the epoch.
            let off = tz.to_offset(start);
            out.extend(observance(Dst::No, Timestamp::UNIX_EPOCH, off, off, &abbreviation(tz, start)));
        }
    }
    for tr in tz.following(start).take_while(|tr| tr.timestamp() <= end) {
        out.extend(observance(tr.dst(), tr.timestamp(), offset_before(tr.timestamp()), tr.offset(), tr.abbreviation()));
    }
    out.push("END:VTIMEZONE".into());
    out
}

fn abbreviation(tz: &TimeZone, at: Timestamp) -> String {
    tz.to_offset_info(at).abbreviation().to_string()
}

fn observance(dst: Dst, at: Timestamp, from: Offset, to: Offset, abbr: &str) -> Vec<String> {
    let kind = if dst.is_dst() { "DAYLIGHT" } else { "STANDARD" };
    // DTSTART of an observance is local time in the offset before the change.
    let start = at.to_zoned(TimeZone::fixed(from)).strftime("%Y%m%dT%H%M%S").to_string();
    vec![
        format!("BEGIN:{kind}"),
        format!("DTSTART:{start}"),
        format!("TZOFFSETFROM:{}", offset(from)),
        format!("TZOFFSETTO:{}", offset(to)),
        format!("TZNAME:{}", text(abbr)),
        format!("END:{kind}"),
    ]
}

fn offset(o: Offset) -> String {
    let s = o.seconds();
    let sign = if s < 0 { '-' } else { '+' };
    let s = s.abs();
    if s % 60 != 0 {
        format!("{sign}{:02}{:02}{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else {
        format!("{sign}{:02}{:02}", s / 3600, s % 3600 / 60)
    }
}

fn local(tz: &TimeZone, ts: i64) -> String {
    let t = Timestamp::from_second(ts).unwrap_or(Timestamp::UNIX_EPOCH);
    t.to_zoned(tz.clone()).strftime("%Y%m%dT%H%M%S").to_string()
}

fn utc(ts: i64) -> String {
    let t = Timestamp::from_second(ts).unwrap_or(Timestamp::UNIX_EPOCH);
    t.to_zoned(TimeZone::UTC).strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value: backslash, semicolon, comma and newlines escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A parameter value (a name): quoted, without the characters a quoted value cannot hold.
fn param(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != '"' && !c.is_control()).collect();
    format!("\"{clean}\"")
}

/// One content line folded at 75 octets (continuations start with a space), CRLF-ended;
/// never inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(attendees: &'a [(String, String)]) -> Event<'a> {
        Event {
            uid: "meeting-7@weft".into(),
            sequence: 0,
            // 2026-03-29 00:30 UTC for an hour: across the switch to summer time in Paris (01:00 UTC).
            starts_ts: 1_774_744_200,
            ends_ts: 1_774_747_800,
            stamp_ts: 1_774_000_000,
            summary: "Kickoff; plans, dates",
            description: "Why: kickoff\nAgenda: scope",
            url: None,
            organizer: ("Ana \"A\" Lima", "ana@example.test"),
            attendees,
            cancelled: false,
        }
    }

    #[test]
    fn times_are_local_with_the_zone_defined() {
        let people = [("Bo".to_string(), "bo@example.test".to_string())];
        let ics = calendar(&event(&people), "Europe/Paris");
        assert!(ics.contains("DTSTART;TZID=Europe/Paris:20260329T013000\r\n"), "{ics}");
        // It ends at 01:30 UTC, which is 03:30 in summer time.
        assert!(ics.contains("DTEND;TZID=Europe/Paris:20260329T033000\r\n"), "{ics}");
        assert!(ics.contains("BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100"));
        assert!(ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200"));
        assert!(ics.contains("SUMMARY:Kickoff\\; plans\\, dates\r\n"));
        assert!(ics.contains("DESCRIPTION:Why: kickoff\\nAgenda: scope\r\n"));
        assert!(ics.contains("ORGANIZER;CN=\"Ana A Lima\":mailto:ana@example.test\r\n"));
        assert!(ics.contains("ATTENDEE;CN=\"Bo\";ROLE=REQ-PARTICIPANT:mailto:bo@example.test\r\n"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn the_same_meeting_in_tokyo_and_utc() {
        let ics = calendar(&event(&[]), "Asia/Tokyo");
        assert!(ics.contains("DTSTART;TZID=Asia/Tokyo:20260329T093000\r\n"), "{ics}");
        assert!(ics.contains("TZOFFSETTO:+0900"));
        let ics = calendar(&event(&[]), "Not/AZone");
        assert!(ics.contains("DTSTART;TZID=UTC:20260329T003000\r\n"), "{ics}");
    }

    #[test]
    fn long_lines_fold_at_75_octets_between_characters() {
        let long = "é".repeat(100);
        let folded = fold(&format!("SUMMARY:{long}"));
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        let unfolded = folded.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{long}\r\n"));
    }
}
