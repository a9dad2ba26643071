//! `wagner day`, `wagner meal …`, `wagner goals …`, `wagner targets`: the
//! arguments and the text, kept here so the CLI binary only forwards.

use std::fmt::Write;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::goals::{self, GoalProgress, NewGoal};
use super::meals::{self, FoodLine, MealEdit};
use super::targets::{self, ActivityLevel, TargetKind};
use super::{DayView, MealCategory, MealSummary};
use crate::clock;
use crate::error::{Error, Result};
use crate::profile::{self, Profile};
use crate::store::Store;

fn json<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| Error::invalid(format!("encoding JSON: {e}")))
}

fn category(text: &str) -> Result<MealCategory> {
    serde_json::from_value(serde_json::Value::String(text.trim().to_lowercase()))
        .map_err(|_| Error::invalid(format!("meal category {text:?}: use breakfast, lunch, dinner or snack")))
}

fn category_name(c: MealCategory) -> &'static str {
    match c {
        MealCategory::Breakfast => "Breakfast",
        MealCategory::Lunch => "Lunch",
        MealCategory::Dinner => "Dinner",
        MealCategory::Snack => "Snack",
    }
}

fn date_or_today(date: Option<&str>, profile: &Profile) -> Result<chrono::NaiveDate> {
    match date {
        Some(d) => clock::parse_date(d),
        None => Ok(clock::local_date(crate::clock::now(), profile.tz())),
    }
}

#[derive(Debug, Args)]
pub struct DayArgs {
    /// The local day, YYYY-MM-DD (default: today).
    pub date: Option<String>,
}

/// `wagner day [DATE]`.
pub async fn run_day(store: &Store, args: DayArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let date = date_or_today(args.date.as_deref(), &profile)?;
    let view = super::day_view(store, &profile, date).await?;
    if as_json { json(&view) } else { Ok(render_day(&view)) }
}

fn against(eaten: f64, target: Option<f64>, unit: &str) -> String {
    match target {
        Some(t) if t > 0.0 => format!("{eaten:.0} / {t:.0} {unit} ({:.0} %)", eaten / t * 100.0),
        _ => format!("{eaten:.0} {unit} (no target)"),
    }
}

pub fn render_day(v: &DayView) -> String {
    let n = &v.nutrition;
    let mut out = format!("{}\n", v.date);
    let _ = writeln!(out, "  Calories  {}", against(n.calories, n.targets.calories, "kcal"));
    let _ = writeln!(out, "  Protein   {}", against(n.protein_g, n.targets.protein_g, "g"));
    let _ = writeln!(out, "  Carbs     {}", against(n.carbs_g, n.targets.carbs_g, "g"));
    let _ = writeln!(out, "  Fat       {}", against(n.fat_g, n.targets.fat_g, "g"));
    for c in &v.categories {
        let _ = writeln!(out, "\n{}  {:.0} kcal", category_name(c.category), c.totals.calories);
        if c.meals.is_empty() {
            let _ = writeln!(out, "  (nothing logged)");
        }
        for m in &c.meals {
            let _ = writeln!(
                out,
                "  {}  {:.0} kcal  ·  {}",
                m.name.as_deref().unwrap_or("meal"),
                m.total_calories,
                m.id
            );
            for f in &m.foods {
                let _ = writeln!(
                    out,
                    "    {} {} {}  {:.0} kcal",
                    fmt_num(f.quantity),
                    f.unit,
                    f.name,
                    f.calories
                );
            }
        }
    }
    let known: Vec<_> = v.micros.iter().filter(|l| l.amount.is_some()).collect();
    if !known.is_empty() {
        let _ = writeln!(out, "\nMicronutrients (% of daily value)");
        for l in known {
            let limit = if l.kind == TargetKind::Limit { " (limit)" } else { "" };
            let _ = writeln!(
                out,
                "  {:<18} {} {}  {:.0} %{limit}",
                l.label,
                fmt_num(l.amount.unwrap_or(0.0)),
                l.unit,
                l.percent.unwrap_or(0.0)
            );
        }
    }
    out
}

fn fmt_num(v: f64) -> String {
    if (v - v.round()).abs() < 1e-9 { format!("{v:.0}") } else { format!("{v:.1}") }
}

fn meal_line(m: &MealSummary) -> String {
    let foods: Vec<String> =
        m.foods.iter().map(|f| format!("{} {} {}", fmt_num(f.quantity), f.unit, f.name)).collect();
    format!(
        "{} {} {}: {} ({:.0} kcal, P {:.0} g, C {:.0} g, F {:.0} g)",
        m.id,
        m.local_date,
        category_name(m.category).to_lowercase(),
        foods.join(", "),
        m.total_calories,
        m.total_protein_g,
        m.total_carbs_g,
        m.total_fat_g
    )
}

#[derive(Debug, Args)]
pub struct MealArgs {
    #[command(subcommand)]
    pub action: MealAction,
}

#[derive(Debug, Subcommand)]
pub enum MealAction {
    /// Log a food from the database as a new meal: `wagner meal log FOOD_ID 1.5 cup --category lunch`.
    Log {
        food_id: String,
        quantity: f64,
        /// g, ml, oz, cup, tbsp, piece, or one of the food's portions (large, slice…).
        unit: String,
        #[arg(long, default_value = "snack")]
        category: String,
        /// The local day, YYYY-MM-DD (default: today, now).
        #[arg(long)]
        date: Option<String>,
    },
    /// Add a food from the database to a meal.
    Add { meal_id: String, food_id: String, quantity: f64, unit: String },
    /// Change the quantity (and unit) of the meal's Nth food (1-based).
    Set {
        meal_id: String,
        index: usize,
        quantity: f64,
        /// A new unit (default: the current one).
        unit: Option<String>,
    },
    /// Remove the meal's Nth food (1-based).
    Remove { meal_id: String, index: usize },
    /// Move a meal to another category and/or day.
    Move {
        meal_id: String,
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        date: Option<String>,
    },
    /// Copy a meal to another day.
    Copy {
        meal_id: String,
        /// The local day, YYYY-MM-DD.
        to: String,
        #[arg(long)]
        category: Option<String>,
    },
    /// Copy every meal of a day to another day.
    CopyDay { from: String, to: String },
    /// Delete meals (put them back with `wagner meal undo`).
    Delete {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Delete every meal of a day.
    DeleteDay { date: String },
    /// Put back the meals deleted last.
    Undo,
    /// Import history from a MyFitnessPal (Nutrition Summary) or Cronometer (servings) CSV export.
    Import {
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
}

/// `wagner meal …`.
pub async fn run_meal(store: &Store, args: MealArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let meal_out = |m: MealSummary, verb: &str| -> Result<String> {
        if as_json { json(&m) } else { Ok(format!("{verb} {}\n", meal_line(&m))) }
    };
    match args.action {
        MealAction::Log { food_id, quantity, unit, category: c, date } => {
            let at = match date {
                Some(d) => {
                    let now = crate::clock::now().with_timezone(&profile.tz());
                    clock::local_to_utc(
                        clock::parse_date(&d)?,
                        chrono::Timelike::hour(&now),
                        chrono::Timelike::minute(&now),
                        profile.tz(),
                    )
                }
                None => crate::clock::now(),
            };
            let m = meals::log_food_tx(store, &profile, category(&c)?, at, &food_id, quantity, &unit).await?;
            meal_out(m, "Logged")
        }
        MealAction::Add { meal_id, food_id, quantity, unit } => meal_out(
            meals::add_food_tx(store, &profile, &meal_id, &food_id, quantity, &unit).await?,
            "Updated",
        ),
        MealAction::Set { meal_id, index, quantity, unit } => {
            let mut tx = store.begin_write().await?;
            let meal = meals::get(&mut tx, &profile.id, &meal_id).await?;
            let mut lines: Vec<FoodLine> = meal.foods.iter().map(FoodLine::of).collect();
            let line = nth(&mut lines, index)?;
            *line = match line.clone() {
                FoodLine::Food { food_id, unit: old, .. } => {
                    FoodLine::Food { food_id, quantity, unit: unit.unwrap_or(old) }
                }
                FoodLine::Kept { food, .. } => {
                    if unit.as_ref().is_some_and(|u| *u != food.unit) {
                        return Err(Error::invalid(format!(
                            "{} is not in the food database: change its quantity in {}",
                            food.name, food.unit
                        )));
                    }
                    FoodLine::Kept { food, quantity: Some(quantity) }
                }
            };
            let edit = MealEdit { foods: Some(lines), ..MealEdit::default() };
            let m = meals::update(&mut tx, &profile, &meal_id, &edit).await?;
            tx.commit().await?;
            meal_out(m, "Updated")
        }
        MealAction::Remove { meal_id, index } => {
            let mut tx = store.begin_write().await?;
            let meal = meals::get(&mut tx, &profile.id, &meal_id).await?;
            let mut lines: Vec<FoodLine> = meal.foods.iter().map(FoodLine::of).collect();
            nth(&mut lines, index)?;
            lines.remove(index - 1);
            let m = meals::update(
                &mut tx,
                &profile,
                &meal_id,
                &MealEdit { foods: Some(lines), ..MealEdit::default() },
            )
            .await?;
            tx.commit().await?;
            meal_out(m, "Updated")
        }
        MealAction::Move { meal_id, category: c, date } => {
            if c.is_none() && date.is_none() {
                return Err(Error::invalid("nothing to change: give --category and/or --date"));
            }
            let edit =
                MealEdit { category: c.as_deref().map(category).transpose()?, date, ..MealEdit::default() };
            meal_out(meals::update_tx(store, &profile, &meal_id, &edit).await?, "Updated")
        }
        MealAction::Copy { meal_id, to, category: c } => {
            let c = c.as_deref().map(category).transpose()?;
            meal_out(
                meals::copy_meal_tx(store, &profile, &meal_id, clock::parse_date(&to)?, c).await?,
                "Copied to",
            )
        }
        MealAction::CopyDay { from, to } => {
            let copies =
                meals::copy_day_tx(store, &profile, clock::parse_date(&from)?, clock::parse_date(&to)?)
                    .await?;
            if as_json {
                return json(&copies);
            }
            Ok(copies.iter().map(|m| format!("Copied to {}\n", meal_line(m))).collect())
        }
        MealAction::Delete { ids } => {
            deleted(meals::delete_with_undo(store, &profile.id, &ids).await?, as_json)
        }
        MealAction::DeleteDay { date } => {
            let mut conn = store.pool().acquire().await?;
            let ids = meals::ids_on(&mut conn, &profile.id, clock::parse_date(&date)?).await?;
            drop(conn);
            if ids.is_empty() {
                return Err(Error::invalid(format!("{date} has no meals")));
            }
            deleted(meals::delete_with_undo(store, &profile.id, &ids).await?, as_json)
        }
        MealAction::Import { files } => {
            let mut out = String::new();
            let mut reports = Vec::new();
            for file in files {
                let r = super::import::import_file(store, &profile, &file).await?;
                let _ = writeln!(
                    out,
                    "{}: {} rows ({:?}, {} to {}): {} meals added, {} updated, {} unchanged",
                    file.display(),
                    r.rows,
                    r.format.map(|f| format!("{f:?}")).unwrap_or_default(),
                    r.first_date.as_deref().unwrap_or("-"),
                    r.last_date.as_deref().unwrap_or("-"),
                    r.meals_added,
                    r.meals_updated,
                    r.meals_unchanged
                );
                reports.push(r);
            }
            if as_json { json(&reports) } else { Ok(out) }
        }
        MealAction::Undo => {
            let rows = meals::undo_delete(store, &profile.id).await?;
            if as_json {
                return json(&rows);
            }
            Ok(rows
                .iter()
                .map(|m| format!("Restored {} ({} {:.0} kcal)\n", m.id, m.local_date, m.total_calories))
                .collect())
        }
    }
}

fn nth(lines: &mut [FoodLine], index: usize) -> Result<&mut FoodLine> {
    let count = lines.len();
    if index == 0 || index > count {
        return Err(Error::invalid(format!("food {index}: the meal has foods 1 to {count}")));
    }
    Ok(&mut lines[index - 1])
}

fn deleted(rows: Vec<meals::DeletedMeal>, as_json: bool) -> Result<String> {
    if as_json {
        return json(&rows);
    }
    let mut out: String = rows
        .iter()
        .map(|m| format!("Deleted {} ({} {:.0} kcal)\n", m.id, m.local_date, m.total_calories))
        .collect();
    out.push_str("Put back with `wagner meal undo`.\n");
    Ok(out)
}

#[derive(Debug, Args)]
pub struct GoalsArgs {
    #[command(subcommand)]
    pub action: Option<GoalsAction>,
}

#[derive(Debug, Subcommand)]
pub enum GoalsAction {
    /// Every goal with its progress (the default).
    List,
    /// Add a goal: `wagner goals add weight 78 --by 2027-03-01`, `goals add protein 160`.
    Add {
        /// weight, body_fat, protein, calories, training_volume, distance, strength, habit, custom.
        goal_type: String,
        target: f64,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// Target date, YYYY-MM-DD.
        #[arg(long)]
        by: Option<String>,
    },
    /// Mark a goal achieved, abandoned, paused or active.
    Status { id: String, status: String },
    /// Delete a goal.
    Delete { id: String },
}

fn goal_line(g: &GoalProgress) -> String {
    let unit = g.goal.target_unit.as_deref().unwrap_or("");
    let current = g.current_value.map(|c| format!("{} {unit}", fmt_num(c))).unwrap_or_else(|| "?".into());
    let target = g.goal.target_value.map(fmt_num).unwrap_or_else(|| "?".into());
    let pct = g.percent.map(|p| format!("{p:.0} %")).unwrap_or_else(|| "–".into());
    let by = g.goal.target_date.as_deref().map(|d| format!(" by {d}")).unwrap_or_default();
    format!(
        "{}  [{}] {}: {current} of {target} {unit}{by} ({pct}; {})  ·  {}",
        g.goal.goal_type, g.goal.status, g.goal.title, g.measured_as, g.goal.id
    )
}

/// `wagner goals …`.
pub async fn run_goals(store: &Store, args: GoalsArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    match args.action.unwrap_or(GoalsAction::List) {
        GoalsAction::List => {
            let list = goals::list(store, &profile).await?;
            if as_json {
                return json(&list);
            }
            if list.is_empty() {
                return Ok("No goals yet: `wagner goals add weight 78 --by 2027-03-01`.\n".into());
            }
            Ok(list.iter().map(|g| goal_line(g) + "\n").collect())
        }
        GoalsAction::Add { goal_type, target, unit, title, by } => {
            let g = goals::add(
                store,
                &profile,
                &NewGoal {
                    goal_type,
                    title,
                    target_value: target,
                    target_unit: unit,
                    target_date: by,
                    notes: None,
                },
            )
            .await?;
            if as_json { json(&g) } else { Ok(format!("Added {}\n", goal_line(&g))) }
        }
        GoalsAction::Status { id, status } => {
            let g = goals::set_status(store, &profile, &id, status.trim()).await?;
            if as_json { json(&g) } else { Ok(format!("Updated {}\n", goal_line(&g))) }
        }
        GoalsAction::Delete { id } => {
            goals::delete(store, &profile.id, &id).await?;
            Ok(if as_json { "{}\n".into() } else { format!("Deleted goal {id}\n") })
        }
    }
}

#[derive(Debug, Args)]
pub struct TargetsArgs {
    /// sedentary, light, moderate, very_active or extra_active (default: from training frequency).
    #[arg(long)]
    pub activity: Option<String>,
    /// Weight change to aim for, kg per week (negative to lose).
    #[arg(long, default_value_t = 0.0, allow_negative_numbers = true)]
    pub goal_rate: f64,
    /// Set the daily calorie and macro targets to the proposal.
    #[arg(long)]
    pub apply: bool,
}

/// `wagner targets`.
pub async fn run_targets(store: &Store, args: TargetsArgs, as_json: bool) -> Result<String> {
    let profile = profile::require_default(store).await?;
    let activity = args.activity.as_deref().map(str::parse::<ActivityLevel>).transpose()?;
    let p = targets::propose(store, &profile, activity, args.goal_rate).await?;
    if args.apply {
        let Some(plan) = &p.plan else {
            return Err(Error::invalid(format!("no targets to apply: {}", p.notes.join("; "))));
        };
        targets::apply(store, &profile, plan).await?;
    }
    if as_json {
        return json(&p);
    }
    let mut out = String::new();
    let kcal = |v: Option<f64>| v.map(|v| format!("{v:.0} kcal")).unwrap_or_else(|| "?".into());
    let _ = writeln!(out, "BMR (Mifflin–St Jeor)  {}", kcal(p.bmr_kcal));
    if let Some(f) = p.activity_factor {
        let _ = writeln!(out, "Activity factor        {f}");
    }
    let _ = writeln!(out, "TDEE (formula)         {}", kcal(p.formula_tdee_kcal));
    let _ = writeln!(out, "TDEE (used)            {}", kcal(p.tdee_kcal));
    let _ = writeln!(out, "Goal rate              {:+} kg/week", p.goal_rate_kg_per_week);
    match &p.plan {
        Some(plan) => {
            let _ = writeln!(
                out,
                "Targets                {} kcal, protein {} g, carbs {} g, fat {} g{}",
                plan.calories,
                plan.protein_g,
                plan.carbs_g,
                plan.fat_g,
                if args.apply { " (applied)" } else { " (apply with --apply)" }
            );
        }
        None => {
            let _ = writeln!(out, "No targets yet.");
        }
    }
    for note in &p.notes {
        let _ = writeln!(out, "note: {note}");
    }
    Ok(out)
}

#[derive(Debug, Args)]
pub struct RecipeArgs {
    #[command(subcommand)]
    pub action: RecipeAction,
}

#[derive(Debug, Subcommand)]
pub enum RecipeAction {
    /// Create a recipe: `wagner food recipe add "Overnight oats" --servings 2 ID:80:g ID:1:cup`.
    Add {
        name: String,
        #[arg(long, default_value_t = 1.0)]
        servings: f64,
        /// FOOD_ID:QUANTITY:UNIT, in any unit the food supports.
        #[arg(required = true, value_name = "FOOD_ID:QUANTITY:UNIT")]
        ingredients: Vec<String>,
    },
    /// Your recipes: servings and energy per serving.
    List,
    /// A recipe with its ingredients and per-serving nutrients.
    Show { id: String },
    /// Replace a recipe's ingredients (and name or servings); nutrients are recomputed.
    Edit {
        id: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        servings: Option<f64>,
        /// The full new list (default: keep the current ingredients).
        #[arg(value_name = "FOOD_ID:QUANTITY:UNIT")]
        ingredients: Vec<String>,
    },
}

fn render_recipe(r: &super::recipes::Recipe) -> String {
    let mut out =
        format!("{}  ·  {} servings of {:.0} g  ·  {}\n", r.name, fmt_num(r.servings), r.serving_grams, r.id);
    for i in &r.ingredients {
        let _ = writeln!(out, "  {} {} {} ({:.0} g)", fmt_num(i.quantity), i.unit, i.name, i.grams);
    }
    let get = |k: &str| r.per_serving.get(k).copied().unwrap_or(0.0);
    let _ = writeln!(
        out,
        "Per serving: {:.0} kcal, protein {:.1} g, carbs {:.1} g, fat {:.1} g, fiber {:.1} g",
        get("calories"),
        get("protein_g"),
        get("total_carbs_g"),
        get("total_fat_g"),
        get("dietary_fiber_g")
    );
    out
}

/// `wagner food recipe …`.
pub async fn run_recipe(store: &Store, args: RecipeArgs, as_json: bool) -> Result<String> {
    use super::recipes::{self, NewRecipe, parse_ingredient};
    let profile = profile::require_default(store).await?;
    let recipe = match args.action {
        RecipeAction::List => {
            let all = recipes::list(store, &profile.id).await?;
            if as_json {
                return json(&all);
            }
            if all.is_empty() {
                return Ok(
                    "No recipes yet: `wagner food recipe add NAME --servings N FOOD_ID:QUANTITY:UNIT…`.\n"
                        .into(),
                );
            }
            let mut out = String::new();
            for r in &all {
                let kcal = r.calories_per_serving.map_or("? kcal".into(), |k| format!("{k:.0} kcal"));
                let _ = writeln!(
                    out,
                    "{}  ·  {} servings of {:.0} g  ·  {kcal} a serving  ·  {}",
                    r.name,
                    fmt_num(r.servings),
                    r.serving_grams,
                    r.id
                );
            }
            return Ok(out);
        }
        RecipeAction::Add { name, servings, ingredients } => {
            let ingredients = ingredients.iter().map(|i| parse_ingredient(i)).collect::<Result<Vec<_>>>()?;
            recipes::create(store, &profile.id, &NewRecipe { name, servings, ingredients }).await?
        }
        RecipeAction::Show { id } => recipes::get(store, &profile.id, &id).await?,
        RecipeAction::Edit { id, name, servings, ingredients } => {
            let current = recipes::get(store, &profile.id, &id).await?;
            let ingredients = if ingredients.is_empty() {
                current
                    .ingredients
                    .iter()
                    .map(|i| recipes::Ingredient {
                        food_id: i.food_id.clone(),
                        quantity: i.quantity,
                        unit: i.unit.clone(),
                    })
                    .collect()
            } else {
                ingredients.iter().map(|i| parse_ingredient(i)).collect::<Result<Vec<_>>>()?
            };
            let new = NewRecipe {
                name: name.unwrap_or(current.name),
                servings: servings.unwrap_or(current.servings),
                ingredients,
            };
            recipes::update(store, &profile.id, &id, &new).await?
        }
    };
    if as_json { json(&recipe) } else { Ok(render_recipe(&recipe)) }
}
