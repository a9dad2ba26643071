//! `wagner body …`: the arguments and the text of the body commands, kept
//! here so the CLI binary only forwards to [`run`].

use std::fmt::Write;

use chrono::{DateTime, NaiveDateTime, Utc};
use clap::{Args, Subcommand};
use serde::Serialize;

use super::expenditure::{self, Confidence, Expenditure};
use super::overview::{self, BodyOverview, describe, format_mass};
use super::units::{self, Kinds};
use super::{Measurement, delete_with_undo, undo_delete};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::{self, Profile, Units};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct BodyArgs {
    #[command(subcommand)]
    pub action: Option<BodyAction>,
}

#[derive(Debug, Subcommand)]
pub enum BodyAction {
    /// Record measurements, e.g. `weight=82.4 waist=84cm bf=18.5% rhr=52 sleep=7.5h`.
    Add {
        /// key=value pairs; a bare number is in your units (kg/cm or lb/in).
        #[arg(required = true, value_name = "KEY=VALUE")]
        values: Vec<String>,
        /// When it was measured: YYYY-MM-DD, "YYYY-MM-DD HH:MM" (local) or RFC 3339 (default: now).
        #[arg(long)]
        at: Option<String>,
    },
    /// Change a measurement: `wagner body edit ID waist=83cm bf=` (an empty value removes it).
    Edit {
        id: String,
        #[arg(value_name = "KEY=VALUE")]
        values: Vec<String>,
        #[arg(long)]
        at: Option<String>,
    },
    /// Delete a measurement (put it back with `wagner body undo`).
    Delete { id: String },
    /// Put back the measurement deleted last.
    Undo,
    /// The measure kinds you can enter, and your own.
    Kinds {
        #[command(subcommand)]
        action: Option<KindsAction>,
    },
    /// Estimated daily energy expenditure from your intake and trend weight.
    Tdee {
        /// Days in the rolling window.
        #[arg(long, default_value_t = expenditure::DEFAULT_WINDOW_DAYS)]
        window: u32,
        /// Last day of the window, YYYY-MM-DD (default: yesterday).
        #[arg(long)]
        end: Option<String>,
        /// Set the daily calorie target to the estimate plus the goal rate.
        #[arg(long)]
        apply_target: bool,
        /// Weight change to aim for, kg per week (negative to lose), with --apply-target.
        #[arg(long, default_value_t = 0.0, allow_negative_numbers = true, requires = "apply_target")]
        goal_rate: f64,
    },
    /// Import a smart scale's FIT file (weight, body fat, water, muscle, bone).
    Scale { file: std::path::PathBuf },
    /// Import weigh-ins from a CSV: Withings weight.csv, a Garmin Connect weight export, or date,weight.
    Import { file: std::path::PathBuf },
    /// Energy availability: (intake − exercise energy) ÷ fat-free mass, day by day.
    Ea {
        /// Last day, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KindsAction {
    /// List every kind (the default).
    List,
    /// Add your own kind, e.g. `biceps --unit cm`.
    Add {
        key: String,
        #[arg(long)]
        unit: String,
        #[arg(long)]
        label: Option<String>,
    },
    /// Remove one of your kinds (values already recorded are kept).
    Remove { key: String },
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::invalid(format!("encoding JSON: {e}")))
}

/// When a measurement was taken, from `--at`.
pub fn parse_at(text: Option<&str>, profile: &Profile) -> Result<DateTime<Utc>> {
    let Some(text) = text.map(str::trim) else {
        return Ok(crate::clock::now());
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(t) = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M") {
        return Ok(clock::local_to_utc(
            t.date(),
            chrono::Timelike::hour(&t),
            chrono::Timelike::minute(&t),
            profile.tz(),
        ));
    }
    let date = clock::parse_date(text)
        .map_err(|_| Error::invalid(format!("{text:?} is not a time (YYYY-MM-DD, \"YYYY-MM-DD HH:MM\")")))?;
    // A morning weigh-in is the usual; a date alone means 07:00 that day.
    Ok(clock::local_to_utc(date, 7, 0, profile.tz()))
}

/// Runs one `wagner body` command and returns what to print.
pub async fn run(store: &Store, args: BodyArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    match args.action {
        None => {
            let o = overview::overview(store, &profile).await?;
            if as_json {
                return json(&o);
            }
            let mut conn = store.pool().acquire().await?;
            let kinds = units::kinds(&mut conn, &profile.id).await?;
            Ok(render_overview(&o, &kinds))
        }
        Some(BodyAction::Add { values, at }) => {
            let m = super::add_from_text(store, &profile, &values, at.as_deref()).await?;
            if as_json {
                return json(&m);
            }
            let mut conn = store.pool().acquire().await?;
            let kinds = units::kinds(&mut conn, &profile.id).await?;
            Ok(format!("Recorded {}: {}\n", m.id, line(&m, &kinds, profile.units)))
        }
        Some(BodyAction::Edit { id, values, at }) => {
            let m = super::edit_from_text(store, &profile, &id, &values, at.as_deref()).await?;
            if as_json {
                return json(&m);
            }
            let mut conn = store.pool().acquire().await?;
            let kinds = units::kinds(&mut conn, &profile.id).await?;
            Ok(format!("Updated {}: {}\n", m.id, line(&m, &kinds, profile.units)))
        }
        Some(BodyAction::Delete { id }) => {
            let m = delete_with_undo(store, &profile.id, &id).await?;
            if as_json {
                return json(&m);
            }
            let mut conn = store.pool().acquire().await?;
            let kinds = units::kinds(&mut conn, &profile.id).await?;
            Ok(format!(
                "Deleted {} ({}: {}). Put it back with `wagner body undo`.\n",
                m.id,
                m.local_date,
                line(&m, &kinds, profile.units)
            ))
        }
        Some(BodyAction::Undo) => {
            let m = undo_delete(store, &profile.id).await?;
            if as_json {
                return json(&m);
            }
            let mut conn = store.pool().acquire().await?;
            let kinds = units::kinds(&mut conn, &profile.id).await?;
            Ok(format!("Restored {} ({}: {})\n", m.id, m.local_date, line(&m, &kinds, profile.units)))
        }
        Some(BodyAction::Kinds { action }) => {
            let mut tx = store.begin_write().await?;
            let out = match action.unwrap_or(KindsAction::List) {
                KindsAction::List => {
                    let kinds = units::kinds(&mut tx, &profile.id).await?;
                    if as_json { json(&kinds)? } else { render_kinds(&kinds, profile.units) }
                }
                KindsAction::Add { key, unit, label } => {
                    let kind =
                        units::add_custom_kind(&mut tx, &profile.id, &key, &unit, label.as_deref()).await?;
                    if as_json {
                        json(&kind)?
                    } else {
                        format!(
                            "Added {} ({}, {}): try `wagner body add {}=…`\n",
                            kind.key, kind.label, kind.unit, kind.key
                        )
                    }
                }
                KindsAction::Remove { key } => {
                    let kind = units::remove_custom_kind(&mut tx, &profile.id, &key).await?;
                    if as_json {
                        json(&kind)?
                    } else {
                        format!("Removed {}; its recorded values are kept.\n", kind.key)
                    }
                }
            };
            tx.commit().await?;
            Ok(out)
        }
        Some(BodyAction::Ea { date }) => {
            let day = match date {
                Some(d) => clock::parse_date(&d)?,
                None => crate::dashboard::today_for(&profile),
            };
            let ea = super::energy_availability::week_to(store, &profile, day).await?;
            if as_json {
                return json(&ea);
            }
            Ok(super::energy_availability::render(&ea))
        }
        Some(BodyAction::Tdee { window, end, apply_target, goal_rate }) => {
            let e = match end {
                Some(d) => expenditure::expenditure(store, &profile, clock::parse_date(&d)?, window).await?,
                None => expenditure::current(store, &profile, window).await?,
            };
            let target = if apply_target {
                Some(expenditure::apply_target(store, &profile, &e, goal_rate).await?)
            } else {
                None
            };
            if as_json {
                return json(&serde_json::json!({ "expenditure": e, "new_calorie_target": target }));
            }
            let mut out = render_expenditure(&e, profile.units);
            match target {
                Some(t) => {
                    let _ = writeln!(
                        out,
                        "\nDaily calorie target set to {t} kcal ({} a week).",
                        format_mass(goal_rate, profile.units, 2, true)
                    );
                }
                None if e.estimate_kcal.is_some() => {
                    let _ = writeln!(
                        out,
                        "\nSet your calorie target from it: `wagner body tdee --apply-target --goal-rate -0.5` \
                         (kg a week; 0 to maintain)."
                    );
                }
                None => {}
            }
            Ok(out)
        }
        Some(BodyAction::Import { file }) => {
            let size = std::fs::metadata(&file)
                .map_err(|e| Error::io(format!("reading {}", file.display()), e))?
                .len();
            if size > super::csv_import::MAX_CSV_BYTES as u64 {
                return Err(Error::invalid(format!(
                    "{} is larger than the 64 MB a body CSV may be",
                    file.display()
                )));
            }
            let bytes =
                std::fs::read(&file).map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
            let report = super::csv_import::import_csv(store, &profile, &bytes).await?;
            if as_json {
                return json(&report);
            }
            Ok(format!(
                "{}: {:?} export, {} measurements imported, {} already there, {} rows without a weight.\n",
                file.display(),
                report.format,
                report.imported,
                report.skipped_duplicates,
                report.skipped_empty
            ))
        }
        Some(BodyAction::Scale { file }) => {
            let bytes =
                std::fs::read(&file).map_err(|e| Error::io(format!("reading {}", file.display()), e))?;
            let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let report = super::scale::import_scale_fit(store, &profile, &bytes, &name).await?;
            if as_json {
                return json(&report);
            }
            Ok(format!(
                "{}: {} measurements imported, {} already there.\n",
                name,
                report.imported.len(),
                report.skipped_duplicates
            ))
        }
    }
}

/// One measurement's values on one line: `weight 82.4 kg · waist 84.0 cm`.
pub fn line(m: &Measurement, kinds: &Kinds, units: Units) -> String {
    let parts = describe(m, kinds, units);
    if parts.is_empty() {
        return "(photo only)".into();
    }
    parts.into_iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" · ")
}

pub fn render_overview(o: &BodyOverview, kinds: &Kinds) -> String {
    let mut out = String::new();
    if o.latest.is_empty() {
        return "No measurements yet: try `wagner body add weight=82.4 waist=84cm`.\n".into();
    }
    let _ = writeln!(out, "Latest");
    for v in &o.latest {
        let _ = writeln!(out, "  {:<12} {:>10}   {}", v.label, v.display, v.local_date);
    }
    if let Some(t) = &o.trend {
        let _ = writeln!(out, "\nTrend weight");
        let _ = writeln!(
            out,
            "  {} on {} (scale {})",
            format_mass(t.trend_kg, o.units, 1, false),
            t.date,
            format_mass(t.weight_kg, o.units, 1, false)
        );
        match t.weekly_rate_kg {
            Some(rate) => {
                let _ = writeln!(
                    out,
                    "  {} a week over the last {} days",
                    format_mass(rate, o.units, 2, true),
                    overview::RATE_DAYS
                );
            }
            None => {
                let _ = writeln!(out, "  rate: weigh in on another day to see it");
            }
        }
        if let Some(goal) = o.goal_weight_kg {
            let to_go = goal - t.trend_kg;
            let _ = writeln!(
                out,
                "  goal {} ({} to go)",
                format_mass(goal, o.units, 1, false),
                format_mass(to_go, o.units, 1, true)
            );
        }
    }
    let _ = writeln!(out, "\nHistory (last {})", o.history.len());
    for m in &o.history {
        let _ = writeln!(out, "  {}  {}  {:<7} {}", m.id, m.local_date, source(m), line(m, kinds, o.units));
    }
    out
}

fn source(m: &Measurement) -> &'static str {
    match m.source {
        super::BodySource::Manual => "manual",
        super::BodySource::QuickEntry => "entry",
        super::BodySource::Scale => "scale",
        super::BodySource::Import => "import",
    }
}

fn render_kinds(kinds: &Kinds, units: Units) -> String {
    let mut out = String::new();
    for k in &kinds.kinds {
        let (_, unit) = k.dimension.display(1.0, units);
        let aliases =
            if k.aliases.is_empty() { String::new() } else { format!(" (also {})", k.aliases.join(", ")) };
        let mine = if k.custom { "  [yours]" } else { "" };
        let _ = writeln!(out, "  {:<10} {:<14} {unit}{aliases}{mine}", k.key, k.label);
    }
    out
}

pub fn render_expenditure(e: &Expenditure, units: Units) -> String {
    let mut out = String::new();
    match e.estimate_kcal {
        Some(kcal) => {
            let how = match e.confidence {
                Confidence::High => "high confidence",
                Confidence::Medium => "medium confidence",
                Confidence::Low => "low confidence",
                Confidence::Formula => "from the formula only",
                Confidence::None => "",
            };
            let _ = writeln!(out, "Estimated expenditure: {kcal:.0} kcal/day ({how})");
        }
        None => {
            let _ = writeln!(out, "Estimated expenditure: not enough data yet");
        }
    }
    let _ = writeln!(out, "  window      {} to {} ({} days)", e.window_start, e.window_end, e.window_days);
    if let (Some(s), Some(end)) = (e.period_start, e.period_end) {
        let _ = writeln!(out, "  weigh-ins   trend on {s} to {end} ({} days)", e.period_days);
    }
    let _ = writeln!(
        out,
        "  intake      {} over {} logged days; {} days without meals left out",
        e.mean_intake_kcal.map(|k| format!("{k:.0} kcal/day")).unwrap_or_else(|| "none".into()),
        e.logged_days,
        e.missing_days.len()
    );
    if !e.missing_days.is_empty() && e.missing_days.len() <= 10 {
        let days: Vec<String> = e.missing_days.iter().map(|d| d.to_string()).collect();
        let _ = writeln!(out, "              (no meals: {})", days.join(", "));
    }
    if let (Some(a), Some(b), Some(change)) = (e.trend_start_kg, e.trend_end_kg, e.trend_change_kg) {
        let _ = writeln!(
            out,
            "  trend       {} → {} ({})",
            format_mass(a, units, 1, false),
            format_mass(b, units, 1, false),
            format_mass(change, units, 2, true)
        );
    }
    if let Some(d) = e.data_estimate_kcal {
        let _ = writeln!(
            out,
            "  from data   {d:.0} kcal/day = intake − change × {:.0} kcal/kg ÷ {} days (weight {:.0}%)",
            expenditure::KCAL_PER_KG,
            e.period_days,
            e.data_weight * 100.0
        );
    }
    if let Some(f) = &e.formula {
        match &f.training {
            Some(t) => {
                let _ = writeln!(
                    out,
                    "  formula     {:.0} kcal/day ({:.0}–{:.0}) = Mifflin–St Jeor {:.0} × daily living {:.1} + training {:.0} kcal/day",
                    f.tdee_kcal,
                    f.tdee_low_kcal,
                    f.tdee_high_kcal,
                    f.bmr_kcal,
                    f.activity_factor,
                    t.kcal_per_day
                );
                let _ = writeln!(
                    out,
                    "  training    {} activities, {} with a power meter ({:.0} kJ of work at 20–25 % efficiency: {:.0}–{:.0} kcal/day)",
                    t.activities, t.with_power, t.work_kj, t.kcal_per_day_low, t.kcal_per_day_high
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "  formula     {:.0} kcal/day = Mifflin–St Jeor {:.0} × activity {:.3}",
                    f.tdee_kcal, f.bmr_kcal, f.activity_factor
                );
            }
        }
    }
    if let (Some(low), Some(high)) = (e.estimate_low_kcal, e.estimate_high_kcal) {
        let _ = writeln!(
            out,
            "  range       {low:.0}–{high:.0} kcal/day (the efficiency of the power-meter work)"
        );
    }
    for n in &e.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}
