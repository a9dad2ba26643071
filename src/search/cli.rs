//! `wagner search "<query>" [--type meal] [--from DATE] [--to DATE]`: best
//! first, one per line (date, type, text). The mode notice goes to stderr.

use std::fmt::Write;

use clap::Args;

use super::{ItemKind, SearchMode, SearchQuery, search};
use crate::clock;
use crate::embeddings::SourceKind;
use crate::error::{Error, Result};
use crate::profile;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for, in your own words ("pasta dinners", "long runs in the rain").
    #[arg(required = true)]
    pub query: Vec<String>,
    /// Only these kinds: meal, workout, body (repeat or comma-separate).
    #[arg(long = "type", value_name = "TYPE", value_delimiter = ',')]
    pub types: Vec<String>,
    /// First local day, YYYY-MM-DD.
    #[arg(long)]
    pub from: Option<String>,
    /// Last local day, YYYY-MM-DD.
    #[arg(long)]
    pub to: Option<String>,
    /// How many results.
    #[arg(long, default_value_t = 10)]
    pub limit: u32,
}

/// Returns what to print on stdout; notices are written to stderr here.
pub async fn run(store: &Store, args: SearchArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let kinds = args.types.iter().map(|t| ItemKind::parse(t)).collect::<Result<Vec<_>>>()?;
    let date = |d: &Option<String>| d.as_deref().map(clock::parse_date).transpose();
    let query = SearchQuery {
        text: args.query.join(" "),
        kinds,
        from: date(&args.from)?,
        to: date(&args.to)?,
        limit: args.limit,
    };
    let results = search(store, &profile, &query).await?;
    if as_json {
        return serde_json::to_string_pretty(&results)
            .map(|s| s + "\n")
            .map_err(|e| Error::invalid(format!("encoding JSON: {e}")));
    }
    if let Some(notice) = &results.notice {
        // In hybrid mode the notice is about entries not embedded yet.
        let hint = if results.mode == SearchMode::Hybrid { " (`wagner embed` builds it)" } else { "" };
        eprintln!("note: {notice}{hint}");
    }
    if results.hits.is_empty() {
        eprintln!("nothing found for \"{}\"", query.text);
    }
    let mut out = String::new();
    for hit in &results.hits {
        let _ = writeln!(out, "{}  {:<8}  {}", hit.date, kind_label(hit.kind), hit.text);
    }
    Ok(out)
}

pub fn kind_label(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::QuickEntry => "entry",
        SourceKind::Meal => "meal",
        SourceKind::Activity => "workout",
        SourceKind::BodyMeasurement => "body",
    }
}
