//! "How am I doing today": one query across every domain, shared by the CLI
//! (`wagner today`) and the window so they never disagree.

use chrono::NaiveDate;
use serde::Serialize;

use crate::activities::{self, ActivitySummary};
use crate::body::{self, BodySnapshot};
use crate::clock;
use crate::error::Result;
use crate::nutrition::{self, DayNutrition};
use crate::profile::Profile;
use crate::programs::{self, ProgramDay};
use crate::quick_entry::{self, QuickEntry};
use crate::store::Store;

const RECENT_ACTIVITIES: u32 = 5;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Today {
    /// The local day shown, YYYY-MM-DD in `time_zone`.
    pub date: String,
    pub time_zone: String,
    pub profile: Profile,
    pub nutrition: DayNutrition,
    /// Activities that started on this day.
    pub activities: Vec<ActivitySummary>,
    /// The latest activities up to the end of this day, newest first.
    pub recent_activities: Vec<ActivitySummary>,
    pub body: Option<BodySnapshot>,
    pub program: Option<ProgramDay>,
    /// Quick entries logged on this day, oldest first.
    pub entries: Vec<QuickEntry>,
}

/// The user's local "today".
pub fn today_for(profile: &Profile) -> NaiveDate {
    clock::local_date(chrono::Utc::now(), profile.tz())
}

pub async fn day(store: &Store, profile: &Profile, date: NaiveDate) -> Result<Today> {
    let tz = profile.tz();
    let (start, end) = clock::day_bounds_utc(date, tz);
    Ok(Today {
        date: date.to_string(),
        time_zone: profile.time_zone.clone(),
        profile: profile.clone(),
        nutrition: nutrition::day(store, profile, date).await?,
        activities: activities::between(store, &profile.id, start, end).await?,
        recent_activities: activities::recent(store, &profile.id, end, RECENT_ACTIVITIES).await?,
        body: body::snapshot(store, &profile.id, end).await?,
        program: programs::day_on(store, &profile.id, date).await?,
        entries: quick_entry::between(store, &profile.id, start, end).await?,
    })
}

/// What the window needs at start-up to choose between the welcome screen
/// (no profile or no data yet) and Today.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppStatus {
    pub db_path: String,
    pub profile: Option<Profile>,
    pub has_data: bool,
    pub schema_version: i64,
}

pub async fn app_status(store: &Store) -> Result<AppStatus> {
    let profile = crate::profile::default_profile(store).await?;
    let has_data = match &profile {
        Some(p) => crate::profile::has_data(store, &p.id).await?,
        None => false,
    };
    let schema_version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(store.pool())
            .await?;
    Ok(AppStatus {
        db_path: store.path().display().to_string(),
        profile,
        has_data,
        schema_version: schema_version.unwrap_or(0),
    })
}
