//! `wagner week`, `wagner month` and the parts of `wagner today` beyond the
//! day's logs (form, micronutrients, coach tip, attention, streaks).

use std::fmt::Write;

use clap::Args;

use super::{PeriodKind, Today, period};
use crate::body::overview::format_mass;
use crate::clock;
use crate::error::Result;
use crate::profile::{self, Units};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// Any day in the week or month, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub date: Option<String>,
}

/// Runs `wagner week` / `wagner month`: the text view, or the same `Period` as JSON.
pub async fn run_period(store: &Store, kind: PeriodKind, args: &PeriodArgs, json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let date = match &args.date {
        Some(d) => clock::parse_date(d)?,
        None => period::default_date(&profile),
    };
    let p = period::period(store, &profile, kind, date).await?;
    if json {
        return serde_json::to_string_pretty(&p)
            .map(|s| s + "\n")
            .map_err(|e| crate::error::Error::invalid(e.to_string()));
    }
    Ok(render_period(&p))
}

fn distance(m: f64, units: Units) -> String {
    match units {
        Units::Metric => format!("{:.1} km", m / 1000.0),
        Units::Imperial => format!("{:.1} mi", m / 1609.344),
    }
}

pub fn render_period(p: &period::Period) -> String {
    let mut out = String::new();
    let s = &p.summary;
    let units = p.profile.units;
    let what = match p.kind {
        PeriodKind::Week => "Week",
        PeriodKind::Month => "Month",
    };
    let _ = writeln!(out, "{what} {} – {} — {} ({})", p.start, p.end, p.profile.full_name, p.time_zone);
    let _ = writeln!(out, "  logged {} of {} days", s.days_logged, s.days_elapsed);
    let _ = writeln!(out, "\nNutrition");
    match s.avg_calories {
        Some(avg) => {
            let target = s.calorie_target.map(|t| format!(" (target {t:.0})")).unwrap_or_default();
            let _ = writeln!(
                out,
                "  {avg:.0} kcal a day on {} days with meals{target} · protein {:.0} g · carbs {:.0} g · fat {:.0} g",
                s.days_with_meals,
                s.avg_protein_g.unwrap_or(0.0),
                s.avg_carbs_g.unwrap_or(0.0),
                s.avg_fat_g.unwrap_or(0.0)
            );
            if s.calorie_target.is_some() {
                let _ = writeln!(out, "  {} days within 10% of the calorie target", s.days_on_target);
            }
        }
        None => {
            let _ = writeln!(out, "  no meals logged");
        }
    }
    let _ = writeln!(out, "\nTraining");
    let _ = writeln!(
        out,
        "  {} activities · {:.0} min · {} · load {:.0}",
        s.activities,
        s.training_minutes,
        distance(s.distance_m, units),
        s.load
    );
    let t = &p.training;
    let _ = writeln!(
        out,
        "  fitness {:.0} · fatigue {:.0} · form {:+.0} ({})",
        t.fitness,
        t.fatigue,
        t.form,
        t.band.label()
    );
    let _ = writeln!(out, "\nBody");
    match (s.trend_end_kg, s.trend_change_kg) {
        (Some(end), Some(change)) => {
            let _ = writeln!(
                out,
                "  trend {} ({} over the period)",
                format_mass(end, units, 1, false),
                format_mass(change, units, 1, true)
            );
        }
        _ => {
            let _ = writeln!(out, "  no weigh-ins");
        }
    }
    if s.program_items > 0 {
        let _ = writeln!(out, "\nProgram\n  {} of {} items done", s.program_items_done, s.program_items);
    }
    let _ = writeln!(out, "\nDays");
    for d in p.days.iter().filter(|d| !d.future) {
        let weight =
            d.weight_kg.map(|w| format!("  {}", format_mass(w, units, 1, false))).unwrap_or_default();
        let _ = writeln!(
            out,
            "  {}  {:>5.0} kcal  {} act {:>4.0} min{weight}",
            d.date, d.calories, d.activities, d.training_minutes
        );
    }
    let _ = writeln!(
        out,
        "\nStreak: {} days logging (longest {})",
        p.streaks.logging.current, p.streaks.logging.longest
    );
    out
}

/// The Today sections after the day's logs.
pub fn render_today_extras(t: &Today) -> String {
    let mut out = String::new();
    let tl = &t.training;
    let _ = writeln!(out, "\nForm");
    let _ = writeln!(
        out,
        "  fitness {:.0} · fatigue {:.0} · form {:+.0} ({}) · last 7 days: {} activities, {:.0} min, load {:.0}",
        tl.fitness,
        tl.fatigue,
        tl.form,
        tl.band.label(),
        tl.activities_7d,
        tl.minutes_7d,
        tl.load_7d
    );
    if !t.micronutrients.is_empty() {
        let _ = writeln!(out, "\nMicronutrients");
        for h in &t.micronutrients {
            let _ = writeln!(
                out,
                "  {:<14} {:>7.1} {:<2} {:>4.0}% of {} {}",
                h.label,
                h.amount,
                h.unit,
                h.percent,
                match h.goal {
                    super::NutrientGoal::Reach => "daily value",
                    super::NutrientGoal::Limit => "the limit",
                },
                h.reference
            );
        }
    }
    if let Some(tip) = &t.coach_tip {
        let _ = writeln!(out, "\nCoach\n  {}", tip.content.replace('\n', "\n  "));
    }
    let a = &t.attention;
    if a.pending + a.failed > 0 {
        let _ = writeln!(out, "\nNeeds attention: {} failed, {} waiting", a.failed, a.pending);
        for e in &a.entries {
            let _ = writeln!(
                out,
                "  [{}] {}{}",
                e.processing_status.as_str(),
                e.raw_text.as_deref().unwrap_or("(attachment)"),
                e.error_message.as_ref().map(|m| format!(" — {m}")).unwrap_or_default()
            );
        }
    }
    let s = &t.streaks;
    let _ = writeln!(
        out,
        "\nStreaks: logging {} days (longest {}) · meals {} days (longest {})",
        s.logging.current, s.logging.longest, s.nutrition.current, s.nutrition.longest
    );
    out
}
