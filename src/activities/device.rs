//! A Garmin watch plugged in over USB (mass-storage mode): found by its
//! `GARMIN/Activity` folder under the OS's removable-media mount points;
//! only files whose content was never imported before are imported.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::activities::import::{self, ImportProgress, ImportResult};
use crate::attachments;
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

/// Overrides the mount points searched (paths separated like `PATH`); lets
/// tests and unusual setups point at a folder that holds mounted volumes.
pub const ROOTS_ENV: &str = "WAGNER_MEDIA_ROOTS";

/// A mounted watch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Device {
    /// The volume's name ("GARMIN", "FENIX 6").
    pub name: String,
    /// Where the volume is mounted.
    pub mount_path: String,
    /// Its `GARMIN/Activity` folder.
    pub activity_path: String,
    /// FIT files in that folder.
    pub files: u32,
    /// Of those, files whose content is not in the database yet (0 until counted against a profile).
    pub new_files: u32,
}

/// The folders whose children are mounted volumes on this OS.
pub fn mount_roots() -> Vec<PathBuf> {
    if let Some(custom) = std::env::var_os(ROOTS_ENV) {
        return std::env::split_paths(&custom).filter(|p| !p.as_os_str().is_empty()).collect();
    }
    let mut roots = Vec::new();
    if cfg!(target_os = "macos") {
        roots.push(PathBuf::from("/Volumes"));
    } else if cfg!(windows) {
        // Drive letters are volumes themselves: their parent is the "root".
    } else {
        let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_default();
        if !user.is_empty() {
            roots.push(Path::new("/media").join(&user));
            roots.push(Path::new("/run/media").join(&user));
        }
        roots.push(PathBuf::from("/media"));
    }
    roots
}

/// Mounted volumes: each root's subfolders (and on Windows the drive letters).
fn volumes(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in roots {
        let Ok(entries) = std::fs::read_dir(root) else { continue };
        let mut found: Vec<PathBuf> =
            entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir()).collect();
        found.sort();
        out.extend(found);
    }
    if cfg!(windows) && std::env::var_os(ROOTS_ENV).is_none() {
        for letter in b'D'..=b'Z' {
            let drive = PathBuf::from(format!("{}:\\", letter as char));
            if drive.is_dir() {
                out.push(drive);
            }
        }
    }
    out
}

/// A child of `dir` whose name is `name` in any case (FAT volumes, other writers).
fn child_ci(dir: &Path, name: &str) -> Option<PathBuf> {
    let exact = dir.join(name);
    if exact.is_dir() {
        return Some(exact);
    }
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .find(|e| e.file_name().to_string_lossy().eq_ignore_ascii_case(name) && e.path().is_dir())
        .map(|e| e.path())
}

/// The `GARMIN/Activity` folder of a volume, or the folder itself if it is one.
pub fn activity_folder(path: &Path) -> Option<PathBuf> {
    if let Some(garmin) = child_ci(path, "GARMIN")
        && let Some(activity) = child_ci(&garmin, "Activity")
    {
        return Some(activity);
    }
    let is_activity = path.file_name().is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case("Activity"));
    (is_activity && path.is_dir()).then(|| path.to_path_buf())
}

fn fit_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("fit")))
        .collect();
    files.sort();
    files
}

fn describe(mount: &Path, activity: PathBuf) -> Device {
    let name = mount
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| mount.display().to_string());
    let files = fit_files(&activity).len() as u32;
    Device {
        name,
        mount_path: mount.display().to_string(),
        activity_path: activity.display().to_string(),
        files,
        new_files: 0,
    }
}

/// Watches mounted under `roots` (see [`mount_roots`]).
pub fn find_in(roots: &[PathBuf]) -> Vec<Device> {
    let mut seen = HashSet::new();
    volumes(roots)
        .into_iter()
        .filter_map(|v| activity_folder(&v).map(|a| describe(&v, a)))
        .filter(|d| seen.insert(d.activity_path.clone()))
        .collect()
}

/// Watches mounted now, with how many of their files are new to this profile.
pub async fn detect(store: &Store, user_id: &str) -> Result<Vec<Device>> {
    let devices = tokio::task::spawn_blocking(|| find_in(&mount_roots()))
        .await
        .map_err(|e| Error::invalid(format!("looking for a watch stopped: {e}")))?;
    let known = known_hashes(store, user_id).await?;
    let mut out = Vec::new();
    for mut d in devices {
        d.new_files = new_files(Path::new(&d.activity_path), &known).len() as u32;
        out.push(d);
    }
    Ok(out)
}

/// The device at `path` (a mount point or its `GARMIN/Activity` folder).
pub fn at(path: &Path) -> Result<Device> {
    let activity = activity_folder(path).ok_or_else(|| {
        Error::invalid(format!("{} has no GARMIN/Activity folder: is it a Garmin watch?", path.display()))
    })?;
    let mount = if activity == path {
        path.parent().and_then(Path::parent).unwrap_or(path).to_path_buf()
    } else {
        path.to_path_buf()
    };
    Ok(describe(&mount, activity))
}

async fn known_hashes(store: &Store, user_id: &str) -> Result<HashSet<String>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT file_hash FROM activities WHERE user_id = ? AND file_hash IS NOT NULL")
            .bind(user_id)
            .fetch_all(store.pool())
            .await?;
    Ok(rows.into_iter().collect())
}

/// FIT files in `dir` whose content hash is not among `known`.
fn new_files(dir: &Path, known: &HashSet<String>) -> Vec<PathBuf> {
    fit_files(dir)
        .into_iter()
        .filter(|p| std::fs::read(p).map(|b| !known.contains(&attachments::sha256_hex(&b))).unwrap_or(true))
        .collect()
}

/// What importing from a watch did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DeviceImport {
    pub device: Device,
    /// Files already imported before (same content): not read again.
    pub already_imported: u32,
    pub results: Vec<ImportResult>,
}

/// Imports the files of the watch's activity folder that were not imported
/// before, calling `progress` after each.
pub async fn import_device(
    store: &Store,
    profile: &Profile,
    device: &Device,
    mut progress: impl FnMut(ImportProgress),
) -> Result<DeviceImport> {
    let dir = PathBuf::from(&device.activity_path);
    let known = known_hashes(store, &profile.id).await?;
    let all = fit_files(&dir).len();
    let fresh = {
        let dir = dir.clone();
        tokio::task::spawn_blocking(move || new_files(&dir, &known))
            .await
            .map_err(|e| Error::invalid(format!("reading the watch stopped: {e}")))?
    };
    let already_imported = (all - fresh.len()) as u32;
    let results = import::import_paths_counted(store, profile, &fresh, &mut progress).await?;
    Ok(DeviceImport { device: device.clone(), already_imported, results })
}

/// `wagner import --watch-device [PATH]`: one line per new file, then a
/// summary; exit code 1 when no watch is found or a file failed.
pub async fn run_cli(store: &Store, profile: &Profile, at_path: Option<&Path>, json: bool) -> Result<u8> {
    let devices = match at_path {
        Some(p) => vec![at(p)?],
        None => {
            let found = find_in(&mount_roots());
            if found.is_empty() {
                let searched: Vec<String> = mount_roots().iter().map(|r| r.display().to_string()).collect();
                return Err(Error::invalid(format!(
                    "no Garmin watch found (looked for GARMIN/Activity under {}); plug it in as a USB drive or give its path",
                    if searched.is_empty() { "the drive letters".to_string() } else { searched.join(", ") }
                )));
            }
            found
        }
    };
    let mut reports = Vec::new();
    let mut failed = false;
    for device in &devices {
        if !json {
            println!("{} ({})", device.name, device.activity_path);
        }
        let report = import_device(store, profile, device, |p| {
            if !json {
                println!("{}", crate::activities::view::import_line(&p.result));
            }
        })
        .await?;
        failed |= report.results.iter().any(|r| r.failed());
        if !json {
            println!(
                "{} new file{} imported or checked, {} already imported before",
                report.results.len(),
                if report.results.len() == 1 { "" } else { "s" },
                report.already_imported
            );
        }
        reports.push(report);
    }
    if json {
        let text = serde_json::to_string_pretty(&reports).map_err(|e| Error::invalid(e.to_string()))?;
        println!("{text}");
    }
    Ok(u8::from(failed))
}
