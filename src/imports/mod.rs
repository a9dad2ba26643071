//! One import flow for a whole history from another app: what a file is
//! ([`detect`]), what it holds before anything is written ([`preview`]), and
//! the import itself ([`run`]) in batched transactions, with progress and a
//! cancel flag. The kinds: Apple Health `export.zip` (or a bare export.xml),
//! a Garmin Connect account export, a Strava bulk export, a ZIP or folder of
//! activity files, single FIT/GPX/TCX files, and the nutrition CSV exports
//! (MyFitnessPal, Cronometer), Lose It! and MacroFactor's .xlsx workbook.
//! Anything else is refused with the reason.

pub mod apple_health;
pub mod cli;
pub mod garmin;
pub mod garmin_wellness;
mod health_write;
pub mod loseit;
pub mod macrofactor;

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::activities::import::{self as activity_import, ImportStatus};
use crate::error::{Error, Result};
use crate::nutrition::import as nutrition_import;
use crate::profile::Profile;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    AppleHealth,
    GarminExport,
    StravaExport,
    ActivityArchive,
    ActivityFiles,
    NutritionCsv,
    LoseIt,
    MacroFactor,
}

impl HistoryKind {
    pub fn label(self) -> &'static str {
        match self {
            HistoryKind::AppleHealth => "Apple Health export",
            HistoryKind::GarminExport => "Garmin Connect account export",
            HistoryKind::StravaExport => "Strava bulk export",
            HistoryKind::ActivityArchive => "ZIP of activity files",
            HistoryKind::ActivityFiles => "activity files",
            HistoryKind::NutritionCsv => "nutrition export (CSV)",
            HistoryKind::LoseIt => "Lose It! export",
            HistoryKind::MacroFactor => "MacroFactor export (.xlsx)",
        }
    }
}

/// One kind of thing found: how many, over which days.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryFound {
    /// "weigh-ins", "workouts", "days of nutrition"…
    pub what: String,
    pub count: u32,
    pub first_date: Option<String>,
    pub last_date: Option<String>,
}

/// What a file holds, read but not written.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryPreview {
    pub path: String,
    pub kind: HistoryKind,
    pub kind_label: String,
    pub found: Vec<HistoryFound>,
    /// Damage and values that will be left out, with where they are.
    pub problems: Vec<String>,
    /// False when the problems refuse the whole file (a nutrition CSV with
    /// unreadable lines: a day missing some foods would show wrong totals).
    pub can_import: bool,
}

/// The outcome for one kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryOutcome {
    pub what: String,
    pub added: u32,
    /// Already stored (an earlier import, or the same from another source).
    pub already_there: u32,
    /// Could not be stored; why is in `problems`.
    pub failed: u32,
}

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryReport {
    pub path: String,
    pub kind: HistoryKind,
    pub outcomes: Vec<HistoryOutcome>,
    pub problems: Vec<String>,
    /// Stopped by the user: what was written before stays.
    pub cancelled: bool,
}

/// Stores one imported body measurement inside the batch's transaction:
/// counted as added, or, when its values are refused, as failed with the
/// reason (after `what`, e.g. "weigh-in at …") in the report's problems.
pub(crate) async fn insert_measurement(
    conn: &mut sqlx::SqliteConnection,
    profile: &crate::profile::Profile,
    new: &crate::body::NewMeasurement,
    outcome: &mut HistoryOutcome,
    problems: &mut Vec<String>,
    what: impl FnOnce() -> String,
) -> crate::error::Result<()> {
    match crate::body::insert(conn, profile, new).await {
        Ok(_) => outcome.added += 1,
        Err(e) if e.is_user_error() => {
            outcome.failed += 1;
            problems.push(format!("{}: {e}", what()));
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

impl HistoryReport {
    pub fn failed(&self) -> bool {
        self.outcomes.iter().any(|o| o.failed > 0)
    }
}

/// Where an import is: `done` of `total` in the phase.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HistoryProgress {
    /// "reading", "body", "workouts", "nutrition", "files".
    pub phase: String,
    pub done: u32,
    pub total: u32,
}

/// What `path` is, from its content (the name only breaks ties).
pub fn detect(path: &Path) -> Result<HistoryKind> {
    if path.is_dir() {
        let files = activity_import::collect_files(&[path.to_path_buf()])?;
        if files.is_empty() {
            return Err(Error::invalid(format!(
                "{}: no FIT, GPX, TCX or ZIP files in this folder",
                path.display()
            )));
        }
        return Ok(HistoryKind::ActivityFiles);
    }
    let mut file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    let mut head = vec![0u8; 4096];
    let n =
        read_up_to(&mut file, &mut head).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    head.truncate(n);
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    if head.is_empty() {
        return Err(Error::invalid(format!("{}: the file is empty", path.display())));
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return detect_zip(path);
    }
    let text = String::from_utf8_lossy(&head);
    if text.contains("<HealthData") || (text.contains("<!DOCTYPE HealthData") || name == "export.xml") {
        return Ok(HistoryKind::AppleHealth);
    }
    if activity_import::format_from_name(&name).is_some() || head.starts_with(&[0x1f, 0x8b]) {
        return Ok(HistoryKind::ActivityFiles);
    }
    if head.len() >= 12 && &head[8..12] == b".FIT"
        || text.contains("<gpx")
        || text.contains("<TrainingCenterDatabase")
    {
        return Ok(HistoryKind::ActivityFiles);
    }
    let first_line = text.trim_start_matches('\u{feff}').lines().next().unwrap_or("");
    if loseit::is_food_log(first_line) {
        return Ok(HistoryKind::LoseIt);
    }
    if name.ends_with(".csv") || first_line.contains(',') {
        // The nutrition reader names the columns it needs when the header is not one it knows.
        nutrition_import::preview_file(path)?;
        return Ok(HistoryKind::NutritionCsv);
    }
    Err(Error::invalid(format!(
        "{}: not a file Wagner can import (an Apple Health export.zip, a Garmin or Strava account \
         export, FIT/GPX/TCX activity files, or a MyFitnessPal/Cronometer CSV)",
        path.display()
    )))
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn zip_names(path: &Path) -> Result<Option<Vec<String>>> {
    let file = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
    match zip::ZipArchive::new(file) {
        Ok(zip) => Ok(Some(zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect())),
        Err(_) => Ok(None),
    }
}

fn detect_zip(path: &Path) -> Result<HistoryKind> {
    let Some(names) = zip_names(path)? else {
        // Cut off before its index: only an Apple Health export is read front to back.
        let mut head = Vec::new();
        File::open(path)
            .and_then(|f| f.take(512).read_to_end(&mut head))
            .map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        if String::from_utf8_lossy(&head).contains("export.xml") {
            return Ok(HistoryKind::AppleHealth);
        }
        return Err(Error::invalid(format!(
            "{}: the ZIP archive is damaged (no central directory) and is not an Apple Health export",
            path.display()
        )));
    };
    if macrofactor::is_workbook(&names) {
        let sheets = macrofactor::sheet_names(path)?;
        if macrofactor::is_macrofactor(&sheets) {
            return Ok(HistoryKind::MacroFactor);
        }
        return Err(Error::invalid(format!(
            "{}: a spreadsheet Wagner does not read (sheets {}); MacroFactor's export has \
             \"Calories & Macros\" or \"Quick Export\"",
            path.display(),
            sheets.join(", ")
        )));
    }
    kind_of_names(&names).ok_or_else(|| {
        let sample: Vec<&str> = names.iter().take(5).map(String::as_str).collect();
        Error::invalid(format!(
            "{}: a ZIP with nothing Wagner can import ({} entries, e.g. {}); expected an Apple Health \
             export, a Garmin or Strava account export, or FIT/GPX/TCX files",
            path.display(),
            names.len(),
            if sample.is_empty() { "none".to_string() } else { sample.join(", ") }
        ))
    })
}

/// What a ZIP is from its entry names.
pub fn kind_of_names(names: &[String]) -> Option<HistoryKind> {
    if apple_health::has_export_xml(names) {
        Some(HistoryKind::AppleHealth)
    } else if loseit::zip_has_food_log(names) {
        Some(HistoryKind::LoseIt)
    } else if names.iter().any(|n| n.rsplit('/').next() == Some("activities.csv")) {
        Some(HistoryKind::StravaExport)
    } else if garmin::is_export(names) {
        Some(HistoryKind::GarminExport)
    } else if names.iter().any(|n| activity_import::format_from_name(n).is_some()) {
        Some(HistoryKind::ActivityArchive)
    } else {
        None
    }
}

fn is_zip_file(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"PK\x03\x04"
}

fn open_source(path: &Path) -> impl Fn() -> Result<Box<dyn apple_health::Source>> + '_ {
    move || {
        let f = File::open(path).map_err(|e| Error::io(format!("opening {}", path.display()), e))?;
        Ok(Box::new(f) as Box<dyn apple_health::Source>)
    }
}

/// The first and last of some dates, as YYYY-MM-DD.
pub(crate) fn dates<I: Iterator<Item = chrono::NaiveDate> + Clone>(
    dates: I,
) -> (Option<String>, Option<String>) {
    (dates.clone().min().map(|d| d.to_string()), dates.max().map(|d| d.to_string()))
}

/// The rows of a Strava export's activities.csv, or why they could not be read.
fn strava_rows(path: &Path) -> (Vec<activity_import::archive::StravaRow>, Option<String>) {
    let read = || -> std::result::Result<Vec<u8>, String> {
        let file = File::open(path).map_err(|e| e.to_string())?;
        let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
        let names: Vec<String> = zip.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect();
        let name = names
            .iter()
            .filter(|n| n.rsplit('/').next() == Some("activities.csv"))
            .min_by_key(|n| n.len())
            .ok_or("no activities.csv")?
            .clone();
        let entry = zip.by_name(&name).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        entry.take(256 * 1024 * 1024).read_to_end(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    };
    match read().and_then(|b| activity_import::archive::strava_rows(&b)) {
        Ok(rows) => (rows, None),
        Err(why) => (Vec::new(), Some(format!("activities.csv: {why}"))),
    }
}

/// Reads `path` and says what an import would store, writing nothing.
pub async fn preview(path: &Path) -> Result<HistoryPreview> {
    let kind = detect(path)?;
    let label = path.display().to_string();
    let mut preview = HistoryPreview {
        path: label,
        kind,
        kind_label: kind.label().into(),
        found: Vec::new(),
        problems: Vec::new(),
        can_import: true,
    };
    match kind {
        HistoryKind::AppleHealth => {
            let owned = path.to_path_buf();
            let zip = is_zip_file(path);
            let (data, _) =
                tokio::task::spawn_blocking(move || apple_health::read(open_source(&owned), zip, |_| {}))
                    .await
                    .map_err(|e| Error::invalid(format!("the reader stopped: {e}")))??;
            preview.found = health_write::found(&data);
            preview.problems = health_write::problems(&data);
        }
        HistoryKind::NutritionCsv => {
            let r = nutrition_import::preview_file(path)?;
            preview.found.push(HistoryFound {
                what: "meals".into(),
                count: r.meals_added,
                first_date: r.first_date,
                last_date: r.last_date,
            });
            preview.can_import = r.problems.is_empty();
            preview.problems = r.problems;
        }
        HistoryKind::MacroFactor => {
            let owned = path.to_path_buf();
            let (found, problems) = tokio::task::spawn_blocking(move || macrofactor::preview(&owned))
                .await
                .map_err(|e| Error::invalid(format!("the workbook reader stopped: {e}")))??;
            preview.found = found;
            preview.problems = problems;
        }
        HistoryKind::LoseIt => {
            let (found, problems) = loseit::preview(path)?;
            preview.found = found;
            preview.problems = problems;
        }
        HistoryKind::GarminExport => {
            let names = zip_names(path)?.unwrap_or_default();
            let found = garmin::preview(path, &names)?;
            preview.found = found.0;
            preview.problems = found.1;
        }
        HistoryKind::StravaExport => {
            let (rows, problem) = strava_rows(path);
            let (first, last) = dates(rows.iter().filter_map(|r| r.start).map(|s| s.date_naive()));
            let with_file = rows.iter().filter(|r| r.file.is_some()).count() as u32;
            preview.found.push(HistoryFound {
                what: "activities".into(),
                count: rows.len() as u32,
                first_date: first,
                last_date: last,
            });
            preview.found.push(HistoryFound {
                what: "activity files".into(),
                count: with_file,
                ..HistoryFound::default()
            });
            preview.problems.extend(problem);
        }
        HistoryKind::ActivityArchive => {
            let names = zip_names(path)?.unwrap_or_default();
            let files = names.iter().filter(|n| activity_import::format_from_name(n).is_some()).count();
            preview.found.push(HistoryFound {
                what: "activity files".into(),
                count: files as u32,
                ..HistoryFound::default()
            });
        }
        HistoryKind::ActivityFiles => {
            let files = activity_import::collect_files(&[path.to_path_buf()])?;
            preview.found.push(HistoryFound {
                what: "files".into(),
                count: files.len() as u32,
                ..HistoryFound::default()
            });
        }
    }
    Ok(preview)
}

/// Imports `path` for `profile`: batched transactions, stopping between
/// batches once `cancel` is set (what was written stays).
pub async fn run(
    store: &Store,
    profile: &Profile,
    path: &Path,
    cancel: &AtomicBool,
    mut progress: impl FnMut(HistoryProgress) + Send,
) -> Result<HistoryReport> {
    let kind = detect(path)?;
    let mut report = HistoryReport {
        path: path.display().to_string(),
        kind,
        outcomes: Vec::new(),
        problems: Vec::new(),
        cancelled: false,
    };
    match kind {
        HistoryKind::AppleHealth => {
            let owned = path.to_path_buf();
            let zip = is_zip_file(path);
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<u64>();
            let reading = tokio::task::spawn_blocking(move || {
                apple_health::read(open_source(&owned), zip, |bytes| {
                    let _ = tx.send(bytes);
                })
            });
            let total_mb = std::fs::metadata(path).map(|m| m.len() / (1024 * 1024)).unwrap_or(0) as u32;
            while let Some(bytes) = rx.recv().await {
                progress(HistoryProgress {
                    phase: "reading".into(),
                    done: (bytes / (1024 * 1024)) as u32,
                    total: total_mb,
                });
            }
            let (data, mut routes) =
                reading.await.map_err(|e| Error::invalid(format!("the reader stopped: {e}")))??;
            health_write::write(store, profile, &data, &mut routes, cancel, &mut progress, &mut report)
                .await?;
        }
        HistoryKind::NutritionCsv => {
            let r = nutrition_import::import_file(store, profile, path).await?;
            report.outcomes.push(HistoryOutcome {
                what: "meals".into(),
                added: r.meals_added + r.meals_updated,
                already_there: r.meals_unchanged,
                failed: 0,
            });
        }
        HistoryKind::LoseIt => loseit::import(store, profile, path, &mut report).await?,
        HistoryKind::MacroFactor => macrofactor::import(store, profile, path, &mut report).await?,
        HistoryKind::GarminExport => {
            garmin::import(store, profile, path, cancel, &mut progress, &mut report).await?;
        }
        HistoryKind::StravaExport | HistoryKind::ActivityArchive | HistoryKind::ActivityFiles => {
            let results = activity_import::import_paths_cancellable(
                store,
                profile,
                &[path.to_path_buf()],
                cancel,
                |p| progress(HistoryProgress { phase: "files".into(), done: p.index, total: p.total }),
            )
            .await?;
            summarize_activity_results(&results, &mut report);
            report.cancelled = cancel.load(Ordering::SeqCst);
        }
    }
    Ok(report)
}

/// Folds per-file activity results into the report's outcomes.
pub fn summarize_activity_results(results: &[activity_import::ImportResult], report: &mut HistoryReport) {
    let mut acts = HistoryOutcome { what: "activities".into(), ..HistoryOutcome::default() };
    let mut weighins = HistoryOutcome { what: "weigh-ins".into(), ..HistoryOutcome::default() };
    for r in results {
        match &r.status {
            ImportStatus::Imported | ImportStatus::Partial { .. } => acts.added += 1,
            ImportStatus::Duplicate { .. } => acts.already_there += 1,
            ImportStatus::BodyMeasurements { imported, duplicates } => {
                weighins.added += imported;
                weighins.already_there += duplicates;
            }
            ImportStatus::NotActivity { .. } => {}
            ImportStatus::Failed { reason } => {
                acts.failed += 1;
                report.problems.push(format!("{}: {reason}", r.file_name));
            }
        }
        if let ImportStatus::Partial { problem } = &r.status {
            report.problems.push(format!("{}: partly imported: {problem}", r.file_name));
        }
    }
    report.outcomes.push(acts);
    if weighins.added + weighins.already_there > 0 {
        report.outcomes.push(weighins);
    }
}

/// Plain-text preview for the CLI.
pub fn render_preview(p: &HistoryPreview) -> String {
    let mut out = format!("{}: {}\n", p.path, p.kind_label);
    for f in &p.found {
        let range = match (&f.first_date, &f.last_date) {
            (Some(a), Some(b)) if a == b => format!(" on {a}"),
            (Some(a), Some(b)) => format!(" from {a} to {b}"),
            _ => String::new(),
        };
        out.push_str(&format!("  {} {}{range}\n", f.count, f.what));
    }
    for problem in &p.problems {
        out.push_str(&format!("  ! {problem}\n"));
    }
    if !p.can_import {
        out.push_str("  Nothing is imported from this file until these lines are fixed.\n");
    }
    out
}

/// Plain-text report for the CLI.
pub fn render_report(r: &HistoryReport) -> String {
    let mut out = format!("{}: {}{}\n", r.path, r.kind.label(), if r.cancelled { " (stopped)" } else { "" });
    for o in &r.outcomes {
        out.push_str(&format!(
            "  {}: {} added, {} already there{}\n",
            o.what,
            o.added,
            o.already_there,
            if o.failed > 0 { format!(", {} failed", o.failed) } else { String::new() }
        ));
    }
    for problem in &r.problems {
        out.push_str(&format!("  ! {problem}\n"));
    }
    out
}

/// Where the window keeps a picked file while the user reads its preview.
pub fn stage(store: &Store, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let name = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() {
        return Err(Error::invalid("the file has no name"));
    }
    let dir = crate::attachments::data_dir(store).join("imports").join(crate::new_id());
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
    Ok(path)
}

/// Removes a staged file (and its folder) once imported or abandoned.
pub fn unstage(store: &Store, path: &Path) {
    let root = crate::attachments::data_dir(store).join("imports");
    if let Some(dir) = path.parent()
        && dir.parent() == Some(root.as_path())
    {
        let _ = std::fs::remove_dir_all(dir);
    }
}
