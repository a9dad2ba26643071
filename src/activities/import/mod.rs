//! Importing activity files (FIT, GPX, TCX, each optionally gzipped): parse
//! into one [`ParsedActivity`], skip duplicates, keep the original
//! content-addressed under the data dir, and store the activity, its
//! segments and streams in one transaction.

pub(crate) mod archive;
pub mod fit;
pub mod fit_decode;
pub mod gpx;
pub mod parsed;
pub mod tcx;
mod xml;

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Timelike, Utc};
use serde::Serialize;
use sqlx::SqliteConnection;

use crate::activities::metrics::Thresholds;
use crate::activities::{ActivitySource, ActivityType};
use crate::attachments;
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;
pub use parsed::{ParsedActivity, ParsedSegment, SegmentKind, Streams, Summary};

/// Why a file could not become an activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// A valid file of another kind (settings, a planned route, waypoints).
    NotActivity(String),
    /// Damaged, truncated or not the format its name says.
    Invalid(String),
}

/// Decompressed files larger than this are refused (a gzip bomb, not a workout).
const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;

/// Two activities of the same kind starting this close are the same workout.
const SAME_START_SECONDS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Fit,
    Gpx,
    Tcx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Fit => "fit",
            Format::Gpx => "gpx",
            Format::Tcx => "tcx",
        }
    }
}

/// The format a file name announces, and whether it is gzipped.
pub fn format_from_name(name: &str) -> Option<(Format, bool)> {
    let lower = name.to_ascii_lowercase();
    let (stem, gz) = match lower.strip_suffix(".gz") {
        Some(stem) => (stem, true),
        None => (lower.as_str(), false),
    };
    let format = match Path::new(stem).extension()?.to_str()? {
        "fit" => Format::Fit,
        "gpx" => Format::Gpx,
        "tcx" => Format::Tcx,
        _ => return None,
    };
    Some((format, gz))
}

/// What the content is, whatever the name says.
fn sniff(bytes: &[u8]) -> Option<Format> {
    if bytes.len() >= 12 && &bytes[8..12] == b".FIT" {
        return Some(Format::Fit);
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]);
    if head.contains("<TrainingCenterDatabase") {
        Some(Format::Tcx)
    } else if head.contains("<gpx") {
        Some(Format::Gpx)
    } else {
        None
    }
}

fn gunzip(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(bytes.len() * 4);
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("damaged gzip data: {e}"))?;
    if out.len() as u64 > MAX_FILE_BYTES {
        return Err("more than 512 MB once decompressed".into());
    }
    Ok(out)
}

/// Parses a file's bytes (gzipped or not) into one activity.
pub fn parse_bytes(file_name: &str, bytes: &[u8]) -> std::result::Result<ParsedActivity, ParseError> {
    let named = format_from_name(file_name);
    let gz = bytes.starts_with(&[0x1f, 0x8b]);
    let plain;
    let content: &[u8] = if gz {
        plain = gunzip(bytes).map_err(ParseError::Invalid)?;
        &plain
    } else {
        bytes
    };
    let format = sniff(content)
        .or(named.map(|(f, _)| f))
        .ok_or_else(|| ParseError::Invalid("not a FIT, GPX or TCX file".into()))?;
    match format {
        Format::Fit => fit::parse(content),
        Format::Gpx => gpx::parse(content),
        Format::Tcx => tcx::parse(content),
    }
}

/// What happened to one file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum ImportStatus {
    Imported,
    /// Imported what could be read before the damage described.
    Partial {
        problem: String,
    },
    Duplicate {
        of_id: String,
        of_name: String,
        of_start: String,
    },
    /// A smart-scale FIT file: its weigh-ins went to body measurements.
    BodyMeasurements {
        imported: u32,
        duplicates: u32,
    },
    /// A valid file that holds no activity (settings, a route, waypoints).
    NotActivity {
        reason: String,
    },
    Failed {
        reason: String,
    },
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportedActivity {
    pub id: String,
    pub name: String,
    pub activity_type: ActivityType,
    pub start_date: String,
    pub elapsed_time_seconds: Option<i64>,
    pub distance_meters: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportResult {
    pub path: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub activity: Option<ImportedActivity>,
}

impl ImportResult {
    pub fn failed(&self) -> bool {
        matches!(self.status, ImportStatus::Failed { .. })
    }
}

/// What the window shows for one file: imported, skipped or failed, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportOutcome {
    Imported,
    Skipped,
    Failed,
}

impl ImportResult {
    /// The outcome in three words, with the reason for anything but a clean import.
    pub fn outcome(&self) -> (ImportOutcome, Option<String>) {
        match &self.status {
            ImportStatus::Imported => (ImportOutcome::Imported, None),
            ImportStatus::Partial { problem } => {
                (ImportOutcome::Imported, Some(format!("partly imported: {problem}")))
            }
            ImportStatus::Duplicate { of_name, of_start, .. } => {
                (ImportOutcome::Skipped, Some(format!("already imported as \"{of_name}\" ({of_start})")))
            }
            ImportStatus::BodyMeasurements { imported, duplicates } => (
                ImportOutcome::Imported,
                Some(format!("{imported} weigh-ins added to Body ({duplicates} already there)")),
            ),
            ImportStatus::NotActivity { reason } => {
                (ImportOutcome::Skipped, Some(format!("not an activity: {reason}")))
            }
            ImportStatus::Failed { reason } => (ImportOutcome::Failed, Some(reason.clone())),
        }
    }
}

/// Progress of a multi-file import, sent after each file (each entry of an
/// archive counts under its archive's index).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportProgress {
    /// 1-based number of the file or archive just done.
    pub index: u32,
    /// Files and archives found under the paths given.
    pub total: u32,
    pub file_name: String,
    pub outcome: ImportOutcome,
    pub reason: Option<String>,
    pub result: ImportResult,
}

impl ImportProgress {
    pub fn new(index: usize, total: usize, result: &ImportResult) -> Self {
        let (outcome, reason) = result.outcome();
        ImportProgress {
            index: u32::try_from(index).unwrap_or(u32::MAX),
            total: u32::try_from(total).unwrap_or(u32::MAX),
            file_name: result.file_name.clone(),
            outcome,
            reason,
            result: result.clone(),
        }
    }
}

/// [`import_paths`] with a count: the files are listed first, so each result
/// says which of how many it was.
pub async fn import_paths_counted(
    store: &Store,
    profile: &Profile,
    paths: &[PathBuf],
    progress: impl FnMut(ImportProgress),
) -> Result<Vec<ImportResult>> {
    let never = std::sync::atomic::AtomicBool::new(false);
    import_paths_cancellable(store, profile, paths, &never, progress).await
}

/// [`import_paths_counted`] that stops before the next file once `cancel` is
/// set. Each file is stored in its own transaction, so what was imported
/// before the stop stays and nothing is half-stored; an export ZIP counts as
/// one file.
pub async fn import_paths_cancellable(
    store: &Store,
    profile: &Profile,
    paths: &[PathBuf],
    cancel: &std::sync::atomic::AtomicBool,
    mut progress: impl FnMut(ImportProgress),
) -> Result<Vec<ImportResult>> {
    let files = collect_files(paths)?;
    let total = files.len();
    let mut results = Vec::new();
    for (i, file) in files.into_iter().enumerate() {
        if cancel.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        let done =
            import_paths(store, profile, &[file], |r| progress(ImportProgress::new(i + 1, total, r))).await?;
        results.extend(done);
    }
    Ok(results)
}

/// Imports a file handed over as bytes (the window's file picker gives
/// contents, not paths): an activity file, gzipped or not, or an export ZIP.
pub async fn import_named_bytes(
    store: &Store,
    profile: &Profile,
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<ImportResult>> {
    let file_name = Path::new(file_name).file_name().map(|n| n.to_string_lossy().into_owned());
    let file_name =
        file_name.filter(|n| !n.is_empty()).ok_or_else(|| Error::invalid("the file has no name"))?;
    if archive::is_zip(&file_name, bytes) {
        let thresholds = thresholds(store, &profile.id).await?;
        let mut results = Vec::new();
        archive::import_zip(store, profile, &thresholds, &file_name, bytes, &mut |r| results.push(r)).await?;
        return Ok(results);
    }
    Ok(vec![import_bytes(store, profile, Path::new(&file_name), bytes).await?])
}

/// The files `paths` name: files as given, folders searched recursively for
/// activity files (sorted, so results come in a stable order).
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| Error::io(format!("reading the folder {}", dir.display()), e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out)?;
            } else if path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| format_from_name(n).is_some() || n.to_ascii_lowercase().ends_with(".zip"))
            {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Imports every file under `paths` (activity files, folders of them, export
/// ZIPs), calling `progress` after each one. A file that fails does not stop
/// the others; only database errors do.
pub async fn import_paths(
    store: &Store,
    profile: &Profile,
    paths: &[PathBuf],
    mut progress: impl FnMut(&ImportResult),
) -> Result<Vec<ImportResult>> {
    let thresholds = thresholds(store, &profile.id).await?;
    let mut results = Vec::new();
    for path in collect_files(paths)? {
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let label = path.display().to_string();
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(e) => {
                let result = ImportResult {
                    path: label,
                    file_name,
                    status: ImportStatus::Failed { reason: format!("cannot read it: {e}") },
                    activity: None,
                };
                progress(&result);
                results.push(result);
                continue;
            }
        };
        if archive::is_zip(&file_name, &bytes) {
            archive::import_zip(store, profile, &thresholds, &label, &bytes, &mut |r| {
                progress(&r);
                results.push(r);
            })
            .await?;
            continue;
        }
        let result =
            import_bytes_with(store, profile, &thresholds, &label, &file_name, &bytes, &Origin::default())
                .await?;
        progress(&result);
        results.push(result);
    }
    Ok(results)
}

/// Imports one file's bytes; `path` names it in the result and decides the
/// format when the content does not.
pub async fn import_bytes(
    store: &Store,
    profile: &Profile,
    path: &Path,
    bytes: &[u8],
) -> Result<ImportResult> {
    let thresholds = thresholds(store, &profile.id).await?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    import_bytes_with(
        store,
        profile,
        &thresholds,
        &path.display().to_string(),
        &file_name,
        bytes,
        &Origin::default(),
    )
    .await
}

/// What an export archive knows about a file beyond its content.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// `file` unless the archive says the activity came from a service.
    pub source: Option<ActivitySource>,
    /// The service's id (Strava's Activity ID).
    pub external_id: Option<String>,
    pub name: Option<String>,
    pub activity_type: Option<ActivityType>,
    pub description: Option<String>,
}

pub(crate) async fn import_bytes_with(
    store: &Store,
    profile: &Profile,
    thresholds: &Thresholds,
    label: &str,
    file_name: &str,
    bytes: &[u8],
    origin: &Origin,
) -> Result<ImportResult> {
    let result = |status, activity| ImportResult {
        path: label.to_string(),
        file_name: file_name.to_string(),
        status,
        activity,
    };
    let hash = attachments::sha256_hex(bytes);
    if let Some(dup) = find_by_hash(store, &profile.id, &hash).await? {
        return Ok(result(dup, None));
    }
    let owned = bytes.to_vec();
    let name_for_parse = file_name.to_string();
    let parsed = tokio::task::spawn_blocking(move || parse_bytes(&name_for_parse, &owned))
        .await
        .map_err(|e| Error::invalid(format!("{file_name}: the parser stopped: {e}")))?;
    let mut activity = match parsed {
        Ok(a) => a,
        Err(ParseError::NotActivity(_)) if is_weight_scale_fit(bytes) => {
            // A damaged scale file is reported like any other; the folder goes on.
            let scale = match crate::body::import_scale_fit(store, profile, bytes, file_name).await {
                Ok(s) => s,
                Err(e) if e.is_user_error() || matches!(e, Error::Corrupt { .. }) => {
                    return Ok(result(ImportStatus::Failed { reason: e.to_string() }, None));
                }
                Err(e) => return Err(e),
            };
            let status = ImportStatus::BodyMeasurements {
                imported: scale.imported.len() as u32,
                duplicates: scale.skipped_duplicates,
            };
            return Ok(result(status, None));
        }
        Err(ParseError::NotActivity(reason)) => {
            return Ok(result(ImportStatus::NotActivity { reason }, None));
        }
        Err(ParseError::Invalid(reason)) => return Ok(result(ImportStatus::Failed { reason }, None)),
    };
    activity.trim_stray_times(file_name);
    activity.finish(thresholds);
    let gz = bytes.starts_with(&[0x1f, 0x8b]);
    let ext = format!("{}{}", activity.format, if gz { ".gz" } else { "" });
    let status =
        store_activity(store, profile, activity, Some((&hash, &ext, bytes)), origin, file_name).await?;
    Ok(result(status.0, status.1))
}

/// Checks for duplicates, keeps the original (if any) and stores the activity
/// in one transaction.
pub(crate) async fn store_activity(
    store: &Store,
    profile: &Profile,
    mut activity: ParsedActivity,
    original: Option<(&str, &str, &[u8])>,
    origin: &Origin,
    label: &str,
) -> Result<(ImportStatus, Option<ImportedActivity>)> {
    let source = origin.source.unwrap_or(ActivitySource::File);
    // Every path (files, archives, Strava) passes the one plausibility table.
    if let Err(reason) = activity.check_plausible(label) {
        return Ok((ImportStatus::Failed { reason }, None));
    }
    if let Some(t) = origin.activity_type {
        activity.activity_type = t;
    }
    if let Some(n) = origin.name.as_ref().filter(|n| !n.trim().is_empty()) {
        activity.name = Some(n.clone());
    }
    if let Some(dup) = find_existing(
        store,
        &profile.id,
        source,
        origin.external_id.as_deref(),
        activity.start,
        activity.activity_type,
    )
    .await?
    {
        return Ok((dup, None));
    }
    let kept = match original {
        Some((hash, ext, bytes)) => Some((hash, keep_original(store, hash, ext, bytes)?)),
        None => None,
    };
    let stored = async {
        let mut tx = store.begin_write().await?;
        let file = kept.as_ref().map(|(hash, (relative, _))| (*hash, relative.as_str()));
        let stored = insert_parsed(&mut tx, profile, &activity, file, source, origin).await?;
        tx.commit().await?;
        Ok::<_, Error>(stored)
    }
    .await;
    let stored = match stored {
        Ok(s) => s,
        Err(e) => {
            if let Some((_, (relative, true))) = &kept {
                let _ = std::fs::remove_file(attachments::data_dir(store).join(relative));
            }
            return Err(e);
        }
    };
    let status = match &activity.partial {
        Some(problem) => ImportStatus::Partial { problem: problem.clone() },
        None => ImportStatus::Imported,
    };
    Ok((status, Some(stored)))
}

/// A FIT file whose file_id says "weight" (smart scales), gzipped or not.
fn is_weight_scale_fit(bytes: &[u8]) -> bool {
    let plain;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        if std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).is_err() {
            return false;
        }
        plain = out;
        &plain[..]
    } else {
        bytes
    };
    fit::file_type(bytes).as_deref() == Some("weight")
}

/// The activity already stored as this one: the same service id, else the
/// same workout from any source. Lets a sync skip fetching what it would not store.
pub(crate) async fn find_existing(
    store: &Store,
    user_id: &str,
    source: ActivitySource,
    external_id: Option<&str>,
    start: DateTime<Utc>,
    activity_type: ActivityType,
) -> Result<Option<ImportStatus>> {
    if let Some(ext_id) = external_id
        && let Some(dup) = find_by_external_id(store, user_id, source, ext_id).await?
    {
        return Ok(Some(dup));
    }
    find_same_workout(store, user_id, start, activity_type).await
}

/// Copies the original under `attachments/activities/<hash>.<ext>`; returns the
/// path relative to the data dir and whether this call created the file.
fn keep_original(store: &Store, hash: &str, ext: &str, bytes: &[u8]) -> Result<(String, bool)> {
    let relative = format!("attachments/activities/{hash}.{ext}");
    let created = attachments::write_once(&attachments::data_dir(store).join(&relative), bytes)?;
    Ok((relative, created))
}

#[derive(sqlx::FromRow)]
struct DupRow {
    id: String,
    name: Option<String>,
    start_date: String,
}

impl From<DupRow> for ImportStatus {
    fn from(r: DupRow) -> Self {
        ImportStatus::Duplicate { of_id: r.id, of_name: r.name.unwrap_or_default(), of_start: r.start_date }
    }
}

async fn find_by_external_id(
    store: &Store,
    user_id: &str,
    source: ActivitySource,
    external_id: &str,
) -> Result<Option<ImportStatus>> {
    let row: Option<DupRow> = sqlx::query_as(
        "SELECT id, name, start_date FROM activities WHERE user_id = ? AND source = ? AND external_id = ?",
    )
    .bind(user_id)
    .bind(source)
    .bind(external_id)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(Into::into))
}

async fn find_by_hash(store: &Store, user_id: &str, hash: &str) -> Result<Option<ImportStatus>> {
    let row: Option<DupRow> =
        sqlx::query_as("SELECT id, name, start_date FROM activities WHERE user_id = ? AND file_hash = ?")
            .bind(user_id)
            .bind(hash)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(Into::into))
}

/// The same workout from another file or source: same start ± 60 s and the
/// same type (a file that does not say its type matches any).
async fn find_same_workout(
    store: &Store,
    user_id: &str,
    start: DateTime<Utc>,
    activity_type: ActivityType,
) -> Result<Option<ImportStatus>> {
    let window = Duration::seconds(SAME_START_SECONDS);
    let row: Option<DupRow> = sqlx::query_as(
        "SELECT id, name, start_date FROM activities WHERE user_id = ? AND start_date >= ? AND start_date <= ? \
         AND (activity_type = ? OR activity_type = 'other' OR ? = 'other') ORDER BY start_date LIMIT 1",
    )
    .bind(user_id)
    .bind(clock::to_db(start - window))
    .bind(clock::to_db(start + window))
    .bind(activity_type)
    .bind(activity_type)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(Into::into))
}

/// age, biological_sex, max HR, resting HR, FTP.
type ThresholdRow = (Option<i64>, Option<String>, Option<f64>, Option<f64>, Option<f64>);

/// Max/resting HR and FTP from the profile: `settings.max_heartrate`,
/// `settings.resting_heartrate`, `settings.ftp_w`, else the age estimate.
pub async fn thresholds(store: &Store, user_id: &str) -> Result<Thresholds> {
    let row: Option<ThresholdRow> = sqlx::query_as(
        "SELECT age, biological_sex, json_extract(settings, '$.max_heartrate'), \
         json_extract(settings, '$.resting_heartrate'), json_extract(settings, '$.ftp_w') FROM users WHERE id = ?",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?;
    let mut t = Thresholds::default();
    if let Some((age, sex, max_hr, rest_hr, ftp)) = row {
        if let Some(m) = max_hr.filter(|m| (100.0..250.0).contains(m)) {
            t.max_hr = m;
        } else if let Some(age) = age {
            t.max_hr = Thresholds::max_hr_for_age(age);
        }
        if let Some(r) = rest_hr.filter(|r| (25.0..120.0).contains(r)) {
            t.resting_hr = r;
        }
        t.ftp_w = ftp.filter(|f| *f > 0.0);
        t.female = sex.as_deref() == Some("female");
    }
    Ok(t)
}

pub fn type_label(t: ActivityType) -> &'static str {
    match t {
        ActivityType::Run => "Run",
        ActivityType::Ride => "Ride",
        ActivityType::Swim => "Swim",
        ActivityType::Walk => "Walk",
        ActivityType::Hike => "Hike",
        ActivityType::Strength => "Strength",
        ActivityType::Yoga => "Yoga",
        ActivityType::Rowing => "Row",
        ActivityType::Elliptical => "Elliptical",
        ActivityType::Cardio => "Cardio",
        ActivityType::Sport => "Sport",
        ActivityType::Other => "Workout",
    }
}

/// "Morning Run", "Evening Ride": what apps call an untitled activity.
fn default_name(t: ActivityType, start: DateTime<Utc>, profile: &Profile) -> String {
    let part = match start.with_timezone(&profile.tz()).hour() {
        5..=11 => "Morning",
        12..=16 => "Afternoon",
        17..=20 => "Evening",
        _ => "Night",
    };
    format!("{part} {}", type_label(t))
}

fn bpm(v: Option<f64>) -> Option<i64> {
    v.map(|h| h.round() as i64).filter(|h| (1..300).contains(h))
}

fn non_negative(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite() && *x >= 0.0)
}

fn f32_bytes(values: &[f64]) -> Vec<u8> {
    values.iter().flat_map(|v| (*v as f32).to_le_bytes()).collect()
}

fn latlng_bytes(values: &[[f64; 2]]) -> Vec<u8> {
    values.iter().flat_map(|p| p[0].to_le_bytes().into_iter().chain(p[1].to_le_bytes())).collect()
}

/// Inserts the activity, its segments and streams; runs in the caller's transaction.
pub async fn insert_parsed(
    conn: &mut SqliteConnection,
    profile: &Profile,
    a: &ParsedActivity,
    file: Option<(&str, &str)>,
    source: ActivitySource,
    origin: &Origin,
) -> Result<ImportedActivity> {
    let (file_hash, original_file_path) = file.unzip();
    let s = &a.summary;
    let id = crate::new_id();
    let name = a
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| default_name(a.activity_type, a.start, profile));
    let start_date = clock::to_db(a.start);
    let elapsed = non_negative(s.elapsed_s).map(|e| e.round() as i64);
    let partial = a.partial.as_ref().map(|p| format!("Partly imported: {p}."));
    let notes = match (origin.description.as_deref().filter(|d| !d.trim().is_empty()), partial) {
        (Some(d), Some(p)) => Some(format!("{d}\n\n{p}")),
        (Some(d), None) => Some(d.to_string()),
        (None, p) => p,
    };
    sqlx::query(
        "INSERT INTO activities (id, user_id, source, external_id, file_hash, original_file_path, name, \
         activity_type, start_date, local_date, elapsed_time_seconds, moving_time_seconds, distance_meters, \
         total_elevation_gain_m, total_elevation_loss_m, calories, average_heartrate, max_heartrate, \
         average_power_w, max_power_w, normalized_power_w, average_cadence, average_speed_mps, max_speed_mps, \
         training_load, notes) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&id)
    .bind(&profile.id)
    .bind(source)
    .bind(&origin.external_id)
    .bind(file_hash)
    .bind(original_file_path)
    .bind(&name)
    .bind(a.activity_type)
    .bind(&start_date)
    .bind(clock::local_date(a.start, profile.tz()).to_string())
    .bind(elapsed)
    .bind(non_negative(s.moving_s).map(|m| m.round() as i64))
    .bind(non_negative(s.distance_m))
    .bind(non_negative(s.elevation_gain_m))
    .bind(non_negative(s.elevation_loss_m))
    .bind(non_negative(s.calories).map(|c| c.round() as i64))
    .bind(bpm(s.average_heartrate))
    .bind(bpm(s.max_heartrate))
    .bind(non_negative(s.average_power_w))
    .bind(non_negative(s.max_power_w))
    .bind(non_negative(s.normalized_power_w))
    .bind(non_negative(s.average_cadence))
    .bind(non_negative(s.average_speed_mps))
    .bind(non_negative(s.max_speed_mps))
    .bind(non_negative(s.training_load))
    .bind(&notes)
    .execute(&mut *conn)
    .await?;

    let mut counters = [0i64; 3];
    for seg in &a.segments {
        let counter = &mut counters[seg.kind as usize];
        let offset = seg.start.map(|t| ((t - a.start).num_milliseconds() as f64 / 1000.0).max(0.0));
        sqlx::query(
            "INSERT INTO activity_segments (id, activity_id, user_id, segment_type, segment_index, \
             start_offset_seconds, elapsed_time_seconds, moving_time_seconds, distance_meters, average_heartrate, \
             max_heartrate, average_power_w, average_cadence, average_speed_mps, elevation_gain_m, exercise_name, \
             set_type, reps, weight_kg, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(crate::new_id())
        .bind(&id)
        .bind(&profile.id)
        .bind(seg.kind.as_str())
        .bind(*counter)
        .bind(offset)
        .bind(non_negative(seg.elapsed_s))
        .bind(non_negative(seg.moving_s))
        .bind(non_negative(seg.distance_m))
        .bind(bpm(seg.average_heartrate))
        .bind(bpm(seg.max_heartrate))
        .bind(non_negative(seg.average_power_w))
        .bind(non_negative(seg.average_cadence))
        .bind(non_negative(seg.average_speed_mps))
        .bind(non_negative(seg.elevation_gain_m))
        .bind(&seg.exercise_name)
        .bind((seg.kind == SegmentKind::Set).then_some("working"))
        .bind(seg.reps.filter(|r| *r >= 0))
        .bind(non_negative(seg.weight_kg))
        .bind(&seg.notes)
        .execute(&mut *conn)
        .await?;
        *counter += 1;
    }

    let st = &a.streams;
    let n = st.len() as i64;
    if n > 0 {
        for channel in parsed::SCALAR_CHANNELS {
            let Some(values) = st.present(channel) else { continue };
            insert_stream(conn, &id, &profile.id, channel, "f32le", n, f32_bytes(values)).await?;
        }
        if st.has_latlng() {
            insert_stream(conn, &id, &profile.id, "latlng", "f64le", n, latlng_bytes(&st.latlng)).await?;
        }
    }
    Ok(ImportedActivity {
        id,
        name,
        activity_type: a.activity_type,
        start_date,
        elapsed_time_seconds: elapsed,
        distance_meters: non_negative(s.distance_m),
    })
}

async fn insert_stream(
    conn: &mut SqliteConnection,
    activity_id: &str,
    user_id: &str,
    stream_type: &str,
    encoding: &str,
    sample_count: i64,
    data: Vec<u8>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO activity_streams (id, activity_id, user_id, stream_type, encoding, sample_count, data) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(crate::new_id())
    .bind(activity_id)
    .bind(user_id)
    .bind(stream_type)
    .bind(encoding)
    .bind(sample_count)
    .bind(data)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
