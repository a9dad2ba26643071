//! `wagner import PATH…`: each path's kind is detected; activity files keep
//! their one line per file, exports print what they hold and then what was
//! stored. `--dry-run` only prints what would be imported. A path that is not
//! something Wagner reads is an error naming why, never a silent success.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::{HistoryKind, HistoryPreview, HistoryReport};
use crate::activities::import as activity_import;
use crate::activities::view as activity_view;
use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;

#[derive(Serialize)]
#[serde(untagged)]
enum JsonItem {
    HistoryPreview(HistoryPreview),
    HistoryReport(HistoryReport),
    Activity(activity_import::ImportResult),
    Error { path: String, error: String },
}

/// Runs the import; returns the exit code (0 all fine, 1 something failed or was refused).
pub async fn run(
    store: &Store,
    profile: &Profile,
    paths: &[PathBuf],
    dry_run: bool,
    json: bool,
) -> Result<u8> {
    let mut code = 0u8;
    let mut items = Vec::new();
    let never = AtomicBool::new(false);
    for path in paths {
        let kind = match super::detect(path) {
            Ok(kind) => kind,
            Err(e) if e.is_user_error() => {
                code = 1;
                if json {
                    items.push(JsonItem::Error { path: path.display().to_string(), error: e.to_string() });
                } else {
                    eprintln!("error: {e}");
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        if dry_run {
            match super::preview(path).await {
                Ok(p) => {
                    if !json {
                        print!("{}", super::render_preview(&p));
                    }
                    items.push(JsonItem::HistoryPreview(p));
                }
                Err(e) if e.is_user_error() => {
                    code = 1;
                    eprintln!("error: {e}");
                    items.push(JsonItem::Error { path: path.display().to_string(), error: e.to_string() });
                }
                Err(e) => return Err(e),
            }
            continue;
        }
        if matches!(
            kind,
            HistoryKind::ActivityFiles | HistoryKind::ActivityArchive | HistoryKind::StravaExport
        ) {
            let results = activity_import::import_paths(store, profile, std::slice::from_ref(path), |r| {
                if !json {
                    println!("{}", activity_view::import_line(r));
                }
            })
            .await?;
            if results.iter().any(|r| r.failed()) {
                code = 1;
            }
            items.extend(results.into_iter().map(JsonItem::Activity));
            continue;
        }
        let preview = match super::preview(path).await {
            Ok(p) => p,
            Err(e) if e.is_user_error() => {
                code = 1;
                eprintln!("error: {e}");
                items.push(JsonItem::Error { path: path.display().to_string(), error: e.to_string() });
                continue;
            }
            Err(e) => return Err(e),
        };
        if !json {
            print!("HistoryFound {}", super::render_preview(&preview));
        }
        let report = super::run(store, profile, path, &never, |_| {}).await?;
        if !json {
            print!("Imported {}", super::render_report(&report));
        }
        if report.failed() {
            code = 1;
        }
        items.push(JsonItem::HistoryReport(report));
    }
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&items).map_err(|e| crate::Error::invalid(e.to_string()))?
        );
    }
    Ok(code)
}
