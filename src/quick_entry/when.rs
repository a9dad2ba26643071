//! Day words in a quick entry: "yesterday", "last night", "on Monday",
//! "2 days ago", "3 dec", "2026-12-01". They say which day the entry is
//! about, so yesterday's dinner typed this morning lands on yesterday.
//!
//! [`find`] reads them, [`strip`] removes them so the parser does not take
//! "2 days ago" for two of something, and [`entry_time`] moves an entry's
//! time to the day they name (never into the future).

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use regex::Regex;

use crate::clock;

/// How far back relative words may reach ("400 days ago" is not a day word).
const MAX_DAYS_AGO: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayRef {
    Today,
    DaysAgo(i64),
    /// The latest such weekday before today.
    Weekday(Weekday),
    /// A calendar date; without a year, the latest one not after today.
    Date {
        year: Option<i32>,
        month: u32,
        day: u32,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOfDay {
    Morning,
    Afternoon,
    Evening,
    Night,
}

impl PartOfDay {
    fn parse(word: &str) -> Option<Self> {
        match word {
            "morning" => Some(Self::Morning),
            "afternoon" => Some(Self::Afternoon),
            "evening" => Some(Self::Evening),
            "night" | "tonight" => Some(Self::Night),
            _ => None,
        }
    }

    /// The time an entry about this part of a past day gets.
    fn time(self) -> (u32, u32) {
        match self {
            Self::Morning => (8, 0),
            Self::Afternoon => (15, 0),
            Self::Evening => (19, 0),
            Self::Night => (21, 0),
        }
    }

    /// Local hours that already belong to it (today's entry keeps its time then).
    fn contains(self, hour: u32) -> bool {
        match self {
            Self::Morning => (4..12).contains(&hour),
            Self::Afternoon => (12..18).contains(&hour),
            Self::Evening => (17..23).contains(&hour),
            Self::Night => !(4..19).contains(&hour),
        }
    }
}

/// The day words found in an entry and where they are (byte range of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayWords {
    pub day: DayRef,
    pub part: Option<PartOfDay>,
    pub start: usize,
    pub end: usize,
}

const WEEKDAYS: &str = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
const SHORT_WEEKDAYS: &str = "mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun";
const MONTHS: &str = "january|february|march|april|may|june|july|august|september|october|november|december|\
                      jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec";
const PARTS: &str = "morning|afternoon|evening|night";
const COUNTS: &str = r"\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve";

#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:on\s+)?(\d{4})-(\d{2})-(\d{2})\b").expect("valid regex"));
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static BEFORE_YESTERDAY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:the\s+)?day\s+before\s+yesterday\b").expect("valid regex"));
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static YESTERDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\byesterday(?:'s)?(?:\s+({PARTS}))?\b")).expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static LAST_NIGHT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\blast\s+night\b").expect("valid regex"));
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b({COUNTS})\s+(days?|weeks?)\s+ago\b")).expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static WEEKDAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:(?:on|last)\s+)?({WEEKDAYS})(?:'s)?(?:\s+({PARTS}))?\b|\b(?:on|last)\s+({SHORT_WEEKDAYS})\b"
    ))
    .expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:on\s+)?(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+({MONTHS})\.?(?:\s+(\d{{4}}))?\b"
    ))
    .expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static MONTH_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:on\s+)?({MONTHS})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}})\b)?"
    ))
    .expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static TODAY_PART: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:this\s+(morning|afternoon|evening)|(tonight))\b").expect("valid regex")
});
#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static MEAL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(breakfast|brekkie|lunch|dinner|supper)\b").expect("valid regex"));

fn count(word: &str) -> Option<i64> {
    Some(match word.to_ascii_lowercase().as_str() {
        "a" | "an" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        digits => digits.parse().ok()?,
    })
}

fn weekday(word: &str) -> Option<Weekday> {
    let w = word.to_ascii_lowercase();
    Some(match w.get(..3)? {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

fn month(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    let names = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    names.iter().position(|n| w.starts_with(n)).map(|i| i as u32 + 1)
}

fn part(m: Option<regex::Match>) -> Option<PartOfDay> {
    m.and_then(|m| PartOfDay::parse(&m.as_str().to_ascii_lowercase()))
}

/// The first day words in the text, if any.
pub fn find(text: &str) -> Option<DayWords> {
    let mut found: Vec<DayWords> = Vec::new();
    let mut push = |day: DayRef, part: Option<PartOfDay>, m: regex::Match| {
        found.push(DayWords { day, part, start: m.start(), end: m.end() })
    };
    for c in ISO.captures_iter(text) {
        let (Ok(year), Ok(month), Ok(day)) = (c[1].parse(), c[2].parse(), c[3].parse()) else { continue };
        push(DayRef::Date { year: Some(year), month, day }, None, c.get_match());
    }
    for m in BEFORE_YESTERDAY.find_iter(text) {
        push(DayRef::DaysAgo(2), None, m);
    }
    for c in YESTERDAY.captures_iter(text) {
        push(DayRef::DaysAgo(1), part(c.get(1)), c.get_match());
    }
    for m in LAST_NIGHT.find_iter(text) {
        push(DayRef::DaysAgo(1), Some(PartOfDay::Night), m);
    }
    for c in AGO.captures_iter(text) {
        let Some(n) = count(&c[1]) else { continue };
        let days = if c[2].to_ascii_lowercase().starts_with("week") { n * 7 } else { n };
        if (0..=MAX_DAYS_AGO).contains(&days) {
            push(DayRef::DaysAgo(days), None, c.get_match());
        }
    }
    for c in WEEKDAY.captures_iter(text) {
        let word = c.get(1).or(c.get(3)).map(|m| m.as_str()).unwrap_or_default();
        if let Some(w) = weekday(word) {
            push(DayRef::Weekday(w), part(c.get(2)), c.get_match());
        }
    }
    for c in DAY_MONTH.captures_iter(text) {
        let (Ok(day), Some(month)) = (c[1].parse(), month(&c[2])) else { continue };
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        push(DayRef::Date { year, month, day }, None, c.get_match());
    }
    for c in MONTH_DAY.captures_iter(text) {
        let (Some(month), Ok(day)) = (month(&c[1]), c[2].parse()) else { continue };
        let year = c.get(3).and_then(|y| y.as_str().parse().ok());
        push(DayRef::Date { year, month, day }, None, c.get_match());
    }
    for c in TODAY_PART.captures_iter(text) {
        push(DayRef::Today, part(c.get(1).or(c.get(2))), c.get_match());
    }
    // The leftmost, and of those the longest ("the day before yesterday", not "yesterday").
    found.into_iter().min_by_key(|w| (w.start, std::cmp::Reverse(w.end)))
}

/// The text without its day words (and the ":" or "," that set them off).
pub fn strip(text: &str) -> Cow<'_, str> {
    let Some(w) = find(text) else { return Cow::Borrowed(text) };
    let before = text[..w.start].trim_end();
    let after = text[w.end..].trim_start_matches([':', ',', ';', ' ', '-']);
    let joined = match (before.is_empty(), after.is_empty()) {
        (true, _) => after.to_string(),
        (_, true) => before.trim_end_matches([':', ',', ';', '-']).to_string(),
        _ => format!("{before} {after}"),
    };
    Cow::Owned(joined)
}

/// The local date the words name, as seen from `today`; None when it is
/// after today or not a calendar date.
pub fn resolve_date(day: DayRef, today: NaiveDate) -> Option<NaiveDate> {
    let date = match day {
        DayRef::Today => today,
        DayRef::DaysAgo(n) => today - Duration::days(n),
        DayRef::Weekday(w) => {
            let back =
                (today.weekday().num_days_from_monday() as i64 - w.num_days_from_monday() as i64 + 7) % 7;
            today - Duration::days(if back == 0 { 7 } else { back })
        }
        DayRef::Date { year: Some(y), month, day } => NaiveDate::from_ymd_opt(y, month, day)?,
        DayRef::Date { year: None, month, day } => {
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
            match this_year {
                Some(d) if d <= today => d,
                _ => NaiveDate::from_ymd_opt(today.year() - 1, month, day)?,
            }
        }
    };
    (date <= today).then_some(date)
}

/// The usual local time of a meal the text names ("dinner" → 19:00).
pub fn meal_time(text: &str) -> Option<(u32, u32)> {
    MEAL.captures(text).map(|c| match c[1].to_ascii_lowercase().as_str() {
        "breakfast" | "brekkie" => (8, 0),
        "lunch" => (12, 30),
        _ => (19, 0),
    })
}

/// When an entry typed at `reference` happened: the day its words name, at
/// the part of day or meal they mention (else the reference's clock time).
/// `reference` itself when there are no day words or they name a later time.
pub fn entry_time(text: &str, reference: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
    let Some(words) = find(text) else { return reference };
    let local = reference.with_timezone(&tz);
    let today = local.date_naive();
    let Some(date) = resolve_date(words.day, today) else { return reference };
    let at = if date == today {
        match words.part {
            // Already in that part of the day, or it is still to come: keep the time.
            Some(p) if !p.contains(local.hour()) && p.time() < (local.hour(), local.minute()) => {
                Some(p.time())
            }
            _ => None,
        }
    } else {
        words.part.map(PartOfDay::time).or_else(|| meal_time(text)).or(Some((local.hour(), local.minute())))
    };
    match at {
        Some((h, m)) => {
            let moved = clock::local_to_utc(date, h, m, tz);
            if moved > reference { reference } else { moved }
        }
        None => reference,
    }
}

/// When a voice entry happened once its transcript is known: the spoken day
/// words move it as typed ones would ("yesterday", "last night"), relative to
/// when it was recorded. Text typed with the note that already named a day
/// was applied when the entry was stored, and wins.
pub fn after_transcript(
    typed: Option<&str>,
    transcript: &str,
    logged_at: DateTime<Utc>,
    tz: Tz,
) -> DateTime<Utc> {
    match typed {
        Some(t) if find(t).is_some() => logged_at,
        // A meal typed beside the note ("dinner") still sets the time of day.
        Some(t) => entry_time(&format!("{t}\n{transcript}"), logged_at, tz),
        None => entry_time(transcript, logged_at, tz),
    }
}

/// The instant an entry for `day` is logged at: now for today, the same
/// clock time on a past day. A later day is refused.
pub fn reference_for_day(day: NaiveDate, now: DateTime<Utc>, tz: Tz) -> crate::Result<DateTime<Utc>> {
    let local = now.with_timezone(&tz);
    let today = local.date_naive();
    if day > today {
        return Err(crate::Error::invalid(format!(
            "{day} is after today ({today}): entries are about what happened"
        )));
    }
    if day == today {
        return Ok(now);
    }
    Ok(clock::local_to_utc(day, local.hour(), local.minute(), tz))
}

/// `wagner log --at`: a day (YYYY-MM-DD, at the current clock time), a
/// local "YYYY-MM-DD HH:MM", or an RFC 3339 instant; never after `now`.
pub fn parse_at(text: &str, now: DateTime<Utc>, tz: Tz) -> crate::Result<DateTime<Utc>> {
    let text = text.trim();
    let at = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&Utc)
    } else if let Ok(t) = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
    {
        clock::local_to_utc(t.date(), t.hour(), t.minute(), tz)
    } else {
        let day = clock::parse_date(text).map_err(|_| {
            crate::Error::invalid(format!(
                "{text:?} is not a day or time (YYYY-MM-DD or \"YYYY-MM-DD HH:MM\")"
            ))
        })?;
        return reference_for_day(day, now, tz);
    };
    if at > now {
        return Err(crate::Error::invalid(format!(
            "{text} is in the future: entries are about what happened"
        )));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leftmost_longest_words_win_and_are_stripped() {
        assert_eq!(find("the day before yesterday pasta").map(|w| w.day), Some(DayRef::DaysAgo(2)));
        assert_eq!(strip("2 days ago: bench press 3x8 80kg"), "bench press 3x8 80kg");
        assert_eq!(strip("pasta with pesto last night"), "pasta with pesto");
        assert_eq!(strip("2 eggs and toast"), "2 eggs and toast");
        assert_eq!(find("400 days ago 2 eggs"), None);
    }

    #[test]
    fn dates_never_land_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let d = |month, day| DayRef::Date { year: None, month, day };
        assert_eq!(resolve_date(d(12, 25), today), NaiveDate::from_ymd_opt(2025, 12, 25));
        assert_eq!(resolve_date(d(2, 30), today), None);
        assert_eq!(resolve_date(DayRef::Date { year: Some(2027), month: 1, day: 1 }, today), None);
        assert_eq!(resolve_date(DayRef::Weekday(Weekday::Mon), today), NaiveDate::from_ymd_opt(2026, 11, 30));
    }

    #[test]
    fn a_transcript_moves_a_voice_entry_to_the_day_it_names() {
        let tz: Tz = "Europe/Amsterdam".parse().unwrap();
        // Recorded at 07:45 UTC (08:45 in Amsterdam) on 10 December.
        let recorded = DateTime::parse_from_rfc3339("2026-12-10T07:45:00Z").unwrap().with_timezone(&Utc);
        let at = |typed, said| clock::to_db(after_transcript(typed, said, recorded, tz));
        assert_eq!(
            at(None, "Last night I had a bowl of pasta."),
            "2026-12-09T20:00:00.000Z",
            "21:00 the day before"
        );
        assert_eq!(at(None, "Yesterday, two eggs and toast for breakfast"), "2026-12-09T07:00:00.000Z");
        assert_eq!(at(None, "two eggs and toast"), "2026-12-10T07:45:00.000Z", "no day words: when recorded");
        // Typed words that already named a day win over the spoken ones.
        assert_eq!(at(Some("on Monday"), "yesterday pasta"), "2026-12-10T07:45:00.000Z");
        // Typed words without a day leave the spoken day to decide.
        assert_eq!(at(Some("dinner"), "yesterday pasta"), "2026-12-09T18:00:00.000Z", "19:00 the day before");
    }
}
