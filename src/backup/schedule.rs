//! The daily automatic backup: its settings (`users.settings.backups`), when
//! the next one is due, and making it when it is. The desktop shell calls
//! [`run_if_due`] at start-up and then on a timer.

use serde::{Deserialize, Serialize};

use super::BackupReport;
use super::live::{self, BackupFile, BackupKind};
use crate::error::{Error, Result};
use crate::store::Store;

/// One automatic backup a day.
pub const INTERVAL_HOURS: i64 = 24;
pub const DEFAULT_KEEP: u32 = 7;
const MAX_KEEP: u32 = 365;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct ScheduleSettings {
    /// A rolling backup once a day (on by default).
    pub automatic: bool,
    /// How many automatic backups to keep.
    pub keep: u32,
}

impl Default for ScheduleSettings {
    fn default() -> Self {
        ScheduleSettings { automatic: true, keep: DEFAULT_KEEP }
    }
}

/// Everything Settings → Backups shows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BackupOverview {
    pub folder: String,
    /// Newest first.
    pub files: Vec<BackupFile>,
    pub schedule: ScheduleSettings,
    /// When the newest automatic backup was made (UTC), if any.
    pub last_automatic: Option<String>,
    /// When the next automatic backup is due (UTC; now or earlier means at
    /// the next check); `None` when automatic backups are off or there is no profile.
    pub next_due: Option<String>,
    /// The core's "now" (UTC) the above was computed at: the window compares
    /// with this, not its own clock (they differ when `WAGNER_NOW` is set).
    pub now: String,
}

pub async fn load(store: &Store, user_id: &str) -> Result<ScheduleSettings> {
    Ok(crate::profile::settings_section(store, user_id, "backups", "backup settings")
        .await?
        .unwrap_or_default())
}

pub async fn save(store: &Store, user_id: &str, settings: &ScheduleSettings) -> Result<()> {
    if !(1..=MAX_KEEP).contains(&settings.keep) {
        return Err(Error::invalid(format!(
            "keep between 1 and {MAX_KEEP} automatic backups, not {}",
            settings.keep
        )));
    }
    crate::profile::save_settings_section(store, user_id, "backups", Some(settings)).await
}

fn last_automatic(files: &[BackupFile]) -> Option<chrono::DateTime<chrono::Utc>> {
    files
        .iter()
        .filter(|f| f.kind == BackupKind::Automatic)
        .filter_map(|f| chrono::DateTime::parse_from_rfc3339(&f.created_at).ok())
        .map(|t| t.to_utc())
        .max()
}

fn next_due(
    settings: &ScheduleSettings,
    last: Option<chrono::DateTime<chrono::Utc>>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if !settings.automatic {
        return None;
    }
    Some(last.map_or(now, |t| t + chrono::Duration::hours(INTERVAL_HOURS)))
}

fn db_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The backups folder, its files and the schedule (defaults without a profile).
pub async fn overview(store: &Store, now: chrono::DateTime<chrono::Utc>) -> Result<BackupOverview> {
    let profile = crate::profile::default_profile(store).await?;
    let schedule = match &profile {
        Some(p) => load(store, &p.id).await?,
        None => ScheduleSettings::default(),
    };
    let files = live::list(store)?;
    let last = last_automatic(&files);
    let next = profile.as_ref().and_then(|_| next_due(&schedule, last, now));
    Ok(BackupOverview {
        folder: live::folder(store).display().to_string(),
        files,
        schedule,
        last_automatic: last.map(db_time),
        next_due: next.map(db_time),
        now: db_time(now),
    })
}

/// Makes the automatic backup when one is due at `now`: there is a profile,
/// automatic backups are on, and the newest automatic backup is 24 hours
/// old or there is none. Keeps the newest `keep`.
pub async fn run_if_due(store: &Store, now: chrono::DateTime<chrono::Utc>) -> Result<Option<BackupReport>> {
    let Some(profile) = crate::profile::default_profile(store).await? else {
        return Ok(None);
    };
    let settings = load(store, &profile.id).await?;
    let last = last_automatic(&live::list(store)?);
    match next_due(&settings, last, now) {
        Some(due) if due <= now => Ok(Some(super::rolling(store, settings.keep as usize).await?)),
        _ => Ok(None),
    }
}
