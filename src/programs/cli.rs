//! `wagner program …`: the arguments and the text of the program commands,
//! kept here so the CLI binary only forwards to [`run`].

use std::fmt::Write;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::plan::PlannedExercise;
use super::tracking::{self, Calendar};
use super::{Answers, ItemType, ProgramDay, Status};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ProgramArgs {
    #[command(subcommand)]
    pub action: Option<ProgramAction>,
}

#[derive(Debug, Subcommand)]
pub enum ProgramAction {
    /// Generate a 12-week program from a questionnaire (JSON, users-table names).
    New {
        /// The questionnaire: primary_goal, experience_level, training_frequency, session_minutes,
        /// available_equipment, injury_limitations, dietary_restrictions, daily_calorie_target…
        #[arg(long)]
        answers: PathBuf,
        /// Use the template engine even when an AI provider is configured.
        #[arg(long)]
        offline: bool,
        /// Day 1, YYYY-MM-DD (default: today).
        #[arg(long)]
        start: Option<String>,
    },
    /// Today's program day (the default).
    Today,
    /// The 12 weeks, one row a week, with what is done.
    Calendar,
    /// Mark an item (or a whole day, by id or day number) completed.
    Done { id: String },
    /// Mark an item (or a whole day) skipped.
    Skip { id: String },
    /// Put an item (or a whole day) back to pending.
    Reset { id: String },
    /// The exercises of a workout or the foods of a meal.
    Show { id: String },
    /// Pause the program: the schedule waits until you resume.
    Pause,
    /// Resume a paused program; later days move by the days paused.
    Resume,
    /// Adherence per week.
    Adherence,
    /// Undo the automatic link between a workout and a logged activity.
    Unlink { item: String },
    /// Complete a planned meal with a logged meal.
    LinkMeal { item: String, meal: String },
    /// Swap what two days hold (e.g. move Thursday's workout to Friday).
    Move { from: i64, to: i64 },
    /// Replace exercise N (from 1) of a workout with another of the same pattern.
    SwapExercise {
        item: String,
        number: usize,
        /// A library exercise to use instead of the next one that fits.
        #[arg(long = "with")]
        with: Option<String>,
    },
    /// Replace a planned meal with another of about the same calories.
    SwapMeal { item: String },
    /// Regenerate (offline) every untouched day from a week on.
    Regenerate {
        #[arg(long = "from-week")]
        from_week: u32,
    },
    /// Export the program to an iCalendar (.ics) file for any calendar app.
    Ics { file: PathBuf },
}

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::invalid(format!("cannot print JSON: {e}")))
}

pub async fn run(store: &Store, args: ProgramArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let now = crate::clock::now();
    let today = clock::local_date(now, profile.tz());
    match args.action.unwrap_or(ProgramAction::Today) {
        ProgramAction::New { answers, offline, start } => {
            let text = std::fs::read_to_string(&answers)
                .map_err(|e| Error::io(format!("reading {}", answers.display()), e))?;
            let answers = Answers::from_json(&text)?;
            let q = answers.validate()?;
            let start = start.as_deref().map(clock::parse_date).transpose()?.unwrap_or(today);
            let provider =
                if offline { None } else { crate::ai::configured_provider(store, &profile.id).await? };
            let (id, how) = match provider {
                Some(p) => {
                    let mut report = |pr: super::ai::Progress| {
                        eprintln!(
                            "generating week {} of {}{}",
                            pr.week,
                            pr.weeks,
                            if pr.attempt > 1 { " (repairing)" } else { "" }
                        );
                    };
                    let (id, g) =
                        super::ai::create_with_ai(store, &profile, &p, &q, start, &mut report).await?;
                    (id, format!("{} ({}), ${:.4}", p.config.kind.as_str(), g.model, g.cost_usd))
                }
                None => (
                    super::create_offline(store, &profile, &answers, start).await?,
                    "offline templates".into(),
                ),
            };
            if as_json {
                return json(&serde_json::json!({ "id": id, "generated_by": how }));
            }
            Ok(format!("Created program {id}: 84 days from {start} ({how})\n"))
        }
        ProgramAction::Today => {
            let day = tracking::today(store, &profile, today).await?;
            if as_json {
                return json(&day);
            }
            Ok(match day {
                Some(d) => render_day(&d),
                None => {
                    "No program day today (create one with `wagner program new --answers FILE`).\n".into()
                }
            })
        }
        ProgramAction::Calendar => {
            let cal = tracking::calendar(store, &profile, today).await?;
            if as_json {
                return json(&cal);
            }
            Ok(match cal {
                Some(c) => render_calendar(&c),
                None => "No active program.\n".into(),
            })
        }
        ProgramAction::Done { id } => mark(store, &profile.id, &id, Status::Completed, as_json).await,
        ProgramAction::Skip { id } => mark(store, &profile.id, &id, Status::Skipped, as_json).await,
        ProgramAction::Reset { id } => mark(store, &profile.id, &id, Status::Pending, as_json).await,
        ProgramAction::Show { id } => {
            let item = tracking::item(store, &profile.id, &id).await?;
            if as_json {
                return json(&item);
            }
            let mut out = format!("{} · {}\n", item.title, item.status.as_str());
            match item.item_type {
                ItemType::Workout => {
                    for (i, e) in item.exercises.iter().enumerate() {
                        let _ = writeln!(out, "{:>2}. {:<28} {}", i + 1, e.name, e.prescription());
                    }
                }
                ItemType::Meal => {
                    for f in &item.foods {
                        let _ =
                            writeln!(out, "  {:>5.0} g  {:<50} {:>5.0} kcal", f.quantity, f.name, f.calories);
                    }
                    let _ = writeln!(
                        out,
                        "  total {:.0} kcal · P {:.0} g · C {:.0} g · F {:.0} g",
                        item.calories.unwrap_or(0.0),
                        item.protein_g.unwrap_or(0.0),
                        item.carbs_g.unwrap_or(0.0),
                        item.fat_g.unwrap_or(0.0)
                    );
                }
            }
            Ok(out)
        }
        ProgramAction::Pause => {
            tracking::pause(store, &profile, now).await?;
            Ok("Program paused.\n".into())
        }
        ProgramAction::Resume => {
            let days = tracking::resume(store, &profile, now).await?;
            Ok(format!("Program resumed; the remaining days moved {days} day(s) later.\n"))
        }
        ProgramAction::Adherence => {
            let weeks = tracking::adherence(store, &profile.id, today).await?;
            if as_json {
                return json(&weeks);
            }
            let mut out = String::from("week  due  done  skipped  adherence\n");
            for w in weeks {
                let pct = w.adherence_pct.map(|p| format!("{p:.0} %")).unwrap_or_else(|| "–".into());
                let _ =
                    writeln!(out, "{:>4} {:>4} {:>5} {:>8}  {pct}", w.week, w.due, w.completed, w.skipped);
            }
            Ok(out)
        }
        ProgramAction::Unlink { item } => {
            tracking::unlink_activity(store, &profile.id, &item).await?;
            Ok(format!("Unlinked {item}; it is pending again and will not be linked automatically.\n"))
        }
        ProgramAction::LinkMeal { item, meal } => {
            tracking::link_meal(store, &profile.id, &item, &meal).await?;
            Ok(format!("Planned meal {item} completed by meal {meal}.\n"))
        }
        ProgramAction::Move { from, to } => {
            tracking::move_day(store, &profile.id, from, to).await?;
            Ok(format!("Days {from} and {to} swapped.\n"))
        }
        ProgramAction::SwapExercise { item, number, with } => {
            if number == 0 {
                return Err(Error::invalid("exercises are numbered from 1"));
            }
            let e: PlannedExercise =
                tracking::swap_exercise(store, &profile.id, &item, number - 1, with.as_deref()).await?;
            Ok(format!("Exercise {number} is now {}: {}\n", e.name, e.prescription()))
        }
        ProgramAction::SwapMeal { item } => {
            let name = tracking::swap_meal(store, &profile.id, &item).await?;
            Ok(format!("The meal is now: {name}\n"))
        }
        ProgramAction::Regenerate { from_week } => {
            let n = tracking::regenerate_from(store, &profile, from_week, today).await?;
            Ok(format!("Regenerated {n} day(s) from week {from_week}.\n"))
        }
        ProgramAction::Ics { file } => {
            let n = super::ics::export(store, &profile, &file, now).await?;
            Ok(format!("Wrote {n} days to {}\n", file.display()))
        }
    }
}

async fn mark(store: &Store, user_id: &str, id: &str, status: Status, as_json: bool) -> Result<String> {
    let what = tracking::mark(store, user_id, id, status).await?;
    if as_json {
        return json(&serde_json::json!({ "id": id, "kind": what, "status": status }));
    }
    Ok(format!("{} {id} {}.\n", if what == "item" { "Item" } else { "Day" }, status.as_str()))
}

fn mark_of(status: Status) -> &'static str {
    match status {
        Status::Completed => "[x]",
        Status::Skipped => "[-]",
        Status::Pending => "[ ]",
    }
}

pub fn render_day(d: &ProgramDay) -> String {
    let mut out = format!(
        "{} · day {} of {} (week {}){}\n{}\n",
        d.program_name,
        d.day_number,
        d.total_days,
        d.week_number,
        if d.paused { " · paused" } else { "" },
        d.day_name
    );
    if let Some(f) = &d.day_focus {
        let _ = writeln!(out, "{f}");
    }
    for item in &d.items {
        let _ = writeln!(
            out,
            "{} {:<44} {}  {}",
            mark_of(item.status),
            item.title,
            item.detail.as_deref().unwrap_or(""),
            item.id
        );
    }
    out
}

fn render_calendar(c: &Calendar) -> String {
    let mut out = format!("{} · {} · from {}\n", c.name, c.status, c.start_date);
    out.push_str("week   1    2    3    4    5    6    7   adherence\n");
    for (w, days) in c.weeks.iter().enumerate() {
        let _ = write!(out, "{:>4} ", w + 1);
        for d in days {
            let cell = match (d.status, d.is_rest_day) {
                (Status::Completed, _) => "done",
                (Status::Skipped, _) => "skip",
                (Status::Pending, true) => "rest",
                (Status::Pending, false) => "lift",
            };
            let here = if Some(d.day_number) == c.current_day { '*' } else { ' ' };
            let _ = write!(out, "{here}{cell}");
        }
        let pct = c
            .adherence
            .iter()
            .find(|a| a.week == w as i64 + 1)
            .and_then(|a| a.adherence_pct)
            .map(|p| format!("{p:.0} %"))
            .unwrap_or_default();
        let _ = writeln!(out, "   {pct}");
    }
    out.push_str("(* today)\n");
    out
}
