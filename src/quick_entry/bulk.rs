//! Quick entries from a text file, one per line with its day:
//!
//! ```text
//! 2024-03-01 07:30 oatmeal with a banana
//! 2024-03-01: ran 5k in 26:10
//! 2024-03-02<TAB>weighed 82.4 kg
//! ```
//!
//! A day alone puts the entry at noon (a meal word such as "dinner" still
//! names its meal). Every raw entry is stored in one transaction before any
//! is read, so a file of years of notes is either all in or not at all.

use chrono::{NaiveDate, NaiveTime, Timelike};
use serde::Serialize;
use std::sync::LazyLock;

use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
const MAX_LINES: usize = 200_000;
/// A line without a time is logged at noon.
const NOON: NaiveTime = match NaiveTime::from_hms_opt(12, 0, 0) {
    Some(t) => t,
    None => panic!("12:00 is a time"), // evaluated at compile time
};

#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static LINE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?\s*[:,;\t|-]?\s*(.*)$")
        .expect("valid regex")
});

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BulkReport {
    /// Ids of the stored entries, oldest first.
    pub entry_ids: Vec<String>,
}

/// One line of the file: (line number, local day, local time, text).
pub type Line = (usize, NaiveDate, Option<NaiveTime>, String);

pub fn parse(text: &str) -> Result<Vec<Line>> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if out.len() >= MAX_LINES {
            return Err(Error::invalid(format!("more than {MAX_LINES} entries: split the file")));
        }
        let n = i + 1;
        let c = LINE
            .captures(line)
            .ok_or_else(|| Error::invalid(format!("line {n}: starts with no date (YYYY-MM-DD): {line:?}")))?;
        let day = clock::parse_date(&c[1])
            .map_err(|_| Error::invalid(format!("line {n}: {} is not a date", &c[1])))?;
        let time = match c.get(2) {
            Some(t) => Some(
                NaiveTime::parse_from_str(t.as_str(), "%H:%M")
                    .map_err(|_| Error::invalid(format!("line {n}: {} is not a time", t.as_str())))?,
            ),
            None => None,
        };
        let entry = c[3].trim();
        if entry.is_empty() {
            return Err(Error::invalid(format!("line {n}: a date with no entry")));
        }
        if entry.chars().count() > super::MAX_TEXT_CHARS {
            return Err(Error::invalid(format!(
                "line {n}: longer than {} characters",
                super::MAX_TEXT_CHARS
            )));
        }
        out.push((n, day, time, entry.to_string()));
    }
    Ok(out)
}

/// Stores every line as a pending entry in one transaction (nothing is
/// read yet: `pipeline::process_pending` or `wagner entries process` reads them).
pub async fn store_lines(store: &Store, profile: &Profile, text: &str) -> Result<BulkReport> {
    if text.len() > MAX_FILE_BYTES {
        return Err(Error::invalid(format!("the file is larger than {} MB", MAX_FILE_BYTES / 1024 / 1024)));
    }
    let lines = parse(text)?;
    if lines.is_empty() {
        return Err(Error::invalid("the file has no entries (one per line: YYYY-MM-DD [HH:MM] text)"));
    }
    let now = clock::now();
    let tz = profile.tz();
    let mut ids = Vec::with_capacity(lines.len());
    let mut tx = store.begin_write().await?;
    for (n, day, time, entry) in &lines {
        let t = time.unwrap_or(NOON);
        let mut at = clock::local_to_utc(*day, t.hour(), t.minute(), tz);
        if time.is_none() {
            // "dinner" on a day alone is that evening, like a day word would make it.
            at = super::when::meal_time(entry).map_or(at, |(h, m)| clock::local_to_utc(*day, h, m, tz));
        }
        let at = super::when::entry_time(entry, at, tz);
        if at > now {
            return Err(Error::invalid(format!("line {n}: {day} is in the future")));
        }
        let id = crate::new_id();
        sqlx::query(
            "INSERT INTO quick_entry_logs (id, user_id, input_type, raw_text, processing_status, logged_at) \
             VALUES (?, ?, 'text', ?, 'pending', ?)",
        )
        .bind(&id)
        .bind(&profile.id)
        .bind(entry)
        .bind(clock::to_db(at))
        .execute(&mut *tx)
        .await?;
        ids.push((at, id));
    }
    tx.commit().await?;
    ids.sort();
    Ok(BulkReport { entry_ids: ids.into_iter().map(|(_, id)| id).collect() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_a_day_and_an_optional_time() {
        let got =
            parse("2024-03-01 07:30 oatmeal\n\n# a comment\n2024-03-01: ran 5k\n2024-03-02\tweighed 82 kg\n")
                .unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].2, NaiveTime::from_hms_opt(7, 30, 0));
        assert_eq!(got[1].3, "ran 5k");
        assert_eq!(got[2].3, "weighed 82 kg");
        assert!(parse("oatmeal").unwrap_err().to_string().contains("line 1"));
        assert!(parse("2024-02-30 oatmeal").unwrap_err().to_string().contains("not a date"));
    }
}
