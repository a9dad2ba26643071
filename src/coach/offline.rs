//! The coach without a model: common questions recognised by a small,
//! deterministic intent matcher and answered from the numbers; anything
//! else gets the matching entries and the snapshot. Always labelled offline.

use std::sync::LazyLock;

use chrono::{Duration, NaiveDate};
use regex::Regex;

use super::context::{self, Retrieved, Snapshot};
use crate::clock;
use crate::error::Result;
use crate::profile::Profile;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nutrient {
    Calories,
    Protein,
    Carbs,
    Fat,
}

impl Nutrient {
    fn label(self) -> &'static str {
        match self {
            Self::Calories => "calories",
            Self::Protein => "protein",
            Self::Carbs => "carbs",
            Self::Fat => "fat",
        }
    }
}

/// What an offline question asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Daily average of a nutrient over the last `days` days (today included).
    AverageNutrient {
        nutrient: Nutrient,
        days: i64,
    },
    /// The last run of at least `min_m` metres.
    LastRun {
        min_m: f64,
    },
    /// The last time an exercise (a strength set's name) or an activity type was done.
    LastExercise {
        name: String,
    },
    /// Weight change over the last `days` days.
    WeightChange {
        days: i64,
    },
    /// What is left of today's targets.
    RemainingToday,
    /// Fitness, fatigue and form.
    TrainingLoad,
    Unknown,
}

#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static DISTANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d+(?:[.,]\d+)?)\s*(k|km|kms|kilometers?|kilometres?|mi|miles?)\b").unwrap()
});
#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static PERIOD_N: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d+|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(days?|weeks?|months?)\b").unwrap()
});
#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static LOAD_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(training load|fitness|fatigue|fatigued|form|tsb|ctl|atl|overtrain\w*|fresh|recovered|tired)\b",
    )
    .unwrap()
});
#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static RUN_WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(run|runs|ran|running|jog\w*)\b").unwrap());
#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static FAT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\bfats?\b").unwrap());
#[allow(clippy::unwrap_used)] // a literal pattern, compiled on every test run
static LAST_DID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:last\s+(?:time\s+)?(?:i|we)\s+(?:did|do|trained|went|practi[sc]ed|had)|when\s+did\s+i\s+(?:last\s+)?(?:do|did|train|go|practi[sc]e)|last\s+(?:time\s+)?(?:i\s+)?(?:did|done))\s+(?:any\s+|some\s+|a\s+|my\s+)?([a-z][a-z \-]{1,40}?)\s*(?:\?|$|\bsession|\bworkout)",
    )
    .unwrap()
});

fn number_word(w: &str) -> Option<i64> {
    Some(match w {
        "a" | "one" => 1,
        "two" => 2,
        "three" => 3,
        "four" => 4,
        "five" => 5,
        "six" => 6,
        "seven" => 7,
        "eight" => 8,
        "nine" => 9,
        "ten" => 10,
        "eleven" => 11,
        "twelve" => 12,
        n => n.parse().ok()?,
    })
}

/// The period a question names, in days (today included); `None` when it names none.
pub fn period_days(q: &str) -> Option<i64> {
    if let Some(c) = PERIOD_N.captures(q) {
        let n = number_word(&c[1])?.clamp(1, 3650);
        let unit = &c[2];
        return Some(if unit.starts_with("week") {
            n * 7
        } else if unit.starts_with("month") {
            n * 30
        } else {
            n
        });
    }
    if q.contains("fortnight") {
        Some(14)
    } else if q.contains("today") {
        Some(1)
    } else if q.contains("week") {
        Some(7)
    } else if q.contains("month") {
        Some(30)
    } else if q.contains("year") {
        Some(365)
    } else {
        None
    }
}

fn nutrient_in(q: &str) -> Option<Nutrient> {
    if q.contains("protein") {
        Some(Nutrient::Protein)
    } else if q.contains("carb") {
        Some(Nutrient::Carbs)
    } else if FAT.is_match(q) {
        Some(Nutrient::Fat)
    } else if q.contains("calorie") || q.contains("kcal") || q.contains("energy intake") {
        Some(Nutrient::Calories)
    } else {
        None
    }
}

/// Reads a question. Order matters: the most specific patterns come first.
pub fn intent(question: &str) -> Intent {
    let q = question.to_lowercase().replace(['’', '‘'], "'");
    let q = q.trim();
    let has = |words: &[&str]| words.iter().any(|w| q.contains(w));

    if has(&["left", "remaining", "remain", "still eat", "budget", "to go"])
        && (nutrient_in(q).is_some() || has(&["eat", "today"]))
    {
        return Intent::RemainingToday;
    }
    if LOAD_WORDS.is_match(q) && nutrient_in(q).is_none() {
        return Intent::TrainingLoad;
    }
    if has(&["weigh", "lost", "gained", "lose", "gain", "kilos", "pounds"]) && nutrient_in(q).is_none() {
        return Intent::WeightChange { days: period_days(q).unwrap_or(30) };
    }
    if let Some(nutrient) = nutrient_in(q)
        && (has(&[
            "average",
            "avg",
            "mean",
            "per day",
            "a day",
            "daily",
            "how much",
            "how many",
            "intake",
            "did i eat",
            "have i eaten",
            "did i get",
            "getting",
        ]))
    {
        return Intent::AverageNutrient { nutrient, days: period_days(q).unwrap_or(7) };
    }
    let running = RUN_WORDS.is_match(q);
    if running && has(&["last", "when", "latest", "recent"]) {
        let min_m = if q.contains("half marathon") {
            21_097.5
        } else if q.contains("marathon") {
            42_195.0
        } else if let Some(c) = DISTANCE.captures(q) {
            let n: f64 = c[1].replace(',', ".").parse().unwrap_or(0.0);
            if c[2].starts_with('m') { n * 1609.344 } else { n * 1000.0 }
        } else {
            0.0
        };
        return Intent::LastRun { min_m };
    }
    if let Some(c) = LAST_DID.captures(q) {
        let name = c[1].trim().trim_end_matches(" workout").to_string();
        if !name.is_empty() {
            return Intent::LastExercise { name };
        }
    }
    Intent::Unknown
}

/// The answer to a recognised question, or `None` for [`Intent::Unknown`].
pub async fn answer(
    store: &Store,
    profile: &Profile,
    intent: &Intent,
    snap: &Snapshot,
) -> Result<Option<String>> {
    let today = snap.today;
    let range = |days: i64| format!("{} to {}", today - Duration::days(days - 1), today);
    Ok(Some(match intent {
        Intent::AverageNutrient { nutrient, days } => {
            let w = context::nutrition_window(store, &profile.id, today, *days).await?;
            if w.logged_days == 0 {
                format!(
                    "No meals are logged from {}, so there is no {} average yet.",
                    range(*days),
                    nutrient.label()
                )
            } else {
                let (value, unit, target) = match nutrient {
                    Nutrient::Calories => (w.calories, "kcal", snap.targets.calories),
                    Nutrient::Protein => (w.protein_g, "g", snap.targets.protein_g),
                    Nutrient::Carbs => (w.carbs_g, "g", snap.targets.carbs_g),
                    Nutrient::Fat => (w.fat_g, "g", snap.targets.fat_g),
                };
                let vs = target
                    .map(|t| format!(" Your target is {t:.0} {unit} ({:+.0} {unit} a day).", value - t))
                    .unwrap_or_default();
                let amount = match nutrient {
                    Nutrient::Calories => format!("{value:.0} kcal"),
                    n => format!("{value:.0} g of {}", n.label()),
                };
                format!(
                    "You averaged {amount} a day over the {} day{} with meals logged from {}.{vs}",
                    w.logged_days,
                    if w.logged_days == 1 { "" } else { "s" },
                    range(*days)
                )
            }
        }
        Intent::LastRun { min_m } => {
            let row: Option<(String, String, Option<String>, f64, i64)> = sqlx::query_as(
                "SELECT id, start_date, name, distance_meters, elapsed_time_seconds FROM activities \
                 WHERE user_id = ? AND activity_type = 'run' AND distance_meters >= ? \
                 ORDER BY start_date DESC LIMIT 1",
            )
            .bind(&profile.id)
            .bind(*min_m)
            .fetch_optional(store.pool())
            .await?;
            let what = if *min_m > 0.0 {
                format!("a run of {:.1} km or more", min_m / 1000.0)
            } else {
                "a run".into()
            };
            match row {
                None => format!("I find no {what} in your activities."),
                Some((_, start, name, distance, seconds)) => {
                    let date = local_day(&start, profile);
                    let ago = (today - date).num_days();
                    format!(
                        "Your last {what} was on {date} ({}): {} — {:.2} km in {}.",
                        days_ago(ago),
                        name.unwrap_or_else(|| "run".into()),
                        distance / 1000.0,
                        duration(seconds)
                    )
                }
            }
        }
        Intent::LastExercise { name } => {
            let singular = name.trim_end_matches('s');
            let pattern = format!("%{}%", singular.replace(['%', '_'], ""));
            let row: Option<(String, String, Option<String>, Option<String>)> = sqlx::query_as(
                "SELECT a.id, a.start_date, a.name, \
                   (SELECT s.exercise_name FROM activity_segments s WHERE s.activity_id = a.id AND s.exercise_name LIKE ?2 LIMIT 1) \
                 FROM activities a WHERE a.user_id = ?1 AND ( \
                   a.activity_type LIKE ?2 OR a.name LIKE ?2 OR EXISTS (SELECT 1 FROM activity_segments s \
                   WHERE s.activity_id = a.id AND s.user_id = ?1 AND s.exercise_name LIKE ?2)) \
                 ORDER BY a.start_date DESC LIMIT 1",
            )
            .bind(&profile.id)
            .bind(&pattern)
            .fetch_optional(store.pool())
            .await?;
            match row {
                None => format!("I find no \"{name}\" in your activities."),
                Some((id, start, activity, exercise)) => {
                    let date = local_day(&start, profile);
                    let sets: Option<(i64, Option<f64>, Option<i64>)> = match &exercise {
                        Some(ex) => {
                            sqlx::query_as(
                                "SELECT COUNT(*), MAX(weight_kg), MAX(reps) FROM activity_segments \
                             WHERE activity_id = ? AND user_id = ? AND exercise_name = ?",
                            )
                            .bind(&id)
                            .bind(&profile.id)
                            .bind(ex)
                            .fetch_optional(store.pool())
                            .await?
                        }
                        None => None,
                    };
                    let detail = match (exercise, sets) {
                        (Some(ex), Some((n, kg, reps))) => format!(
                            ": {ex}, {n} set{}{}{}",
                            if n == 1 { "" } else { "s" },
                            reps.map(|r| format!(", up to {r} reps")).unwrap_or_default(),
                            kg.filter(|k| *k > 0.0)
                                .map(|k| format!(", top weight {k:.1} kg"))
                                .unwrap_or_default()
                        ),
                        _ => String::new(),
                    };
                    format!(
                        "You last did {name} on {date} ({}) in \"{}\"{detail}.",
                        days_ago((today - date).num_days()),
                        activity.unwrap_or_default()
                    )
                }
            }
        }
        Intent::WeightChange { days } => {
            let weights = crate::body::weights(store, &profile.id).await?;
            let from = today - Duration::days(days - 1);
            let mut in_range: Vec<(NaiveDate, f64)> =
                weights.into_iter().filter(|(d, _)| *d >= from && *d <= today).collect();
            in_range.sort_by_key(|(d, _)| *d);
            match (in_range.first(), in_range.last()) {
                (Some(first), Some(last)) if first.0 < last.0 => {
                    let change = last.1 - first.1;
                    let trend = snap
                        .weight
                        .map(|w| {
                            format!(
                                " Trend weight now {:.1} kg{}.",
                                w.trend_kg,
                                w.weekly_rate_kg
                                    .map(|r| format!(" ({r:+.2} kg/week over 28 days)"))
                                    .unwrap_or_default()
                            )
                        })
                        .unwrap_or_default();
                    format!(
                        "From {} ({:.1} kg) to {} ({:.1} kg) your weight changed by {change:+.1} kg.{trend}",
                        first.0, first.1, last.0, last.1
                    )
                }
                _ => format!(
                    "There are fewer than two weigh-in days from {}, so no change to report.",
                    range(*days)
                ),
            }
        }
        Intent::RemainingToday => {
            let eaten = snap.eaten_today;
            let t = snap.targets;
            match t.calories {
                None => format!(
                    "You have eaten {:.0} kcal and {:.0} g protein today; set a calorie target in your profile to see what is left.",
                    eaten.calories, eaten.protein_g
                ),
                Some(target) => {
                    let left = target - eaten.calories;
                    let protein = t
                        .protein_g
                        .map(|p| {
                            format!(
                                " Protein: {:.0} g of {p:.0} g, {:.0} g to go.",
                                eaten.protein_g,
                                (p - eaten.protein_g).max(0.0)
                            )
                        })
                        .unwrap_or_default();
                    if left >= 0.0 {
                        format!(
                            "You have {left:.0} kcal left today ({:.0} of {target:.0} kcal eaten).{protein}",
                            eaten.calories
                        )
                    } else {
                        format!(
                            "You are {:.0} kcal over today's target ({:.0} of {target:.0} kcal eaten).{protein}",
                            -left, eaten.calories
                        )
                    }
                }
            }
        }
        Intent::TrainingLoad => match &snap.load {
            None => {
                "No activities with a training load are logged yet, so fitness and fatigue are zero.".into()
            }
            Some(l) => {
                let reading = if l.form < -30.0 {
                    "very fatigued: an easy day or rest would help"
                } else if l.form < -10.0 {
                    "in a productive training block, carrying fatigue"
                } else if l.form <= 5.0 {
                    "balanced"
                } else {
                    "fresh"
                };
                format!(
                    "Fitness (CTL) {:.1}, fatigue (ATL) {:.1}, form (TSB) {:.1}: you are {reading}. Load over the last 7 days: {:.0}.",
                    l.fitness, l.fatigue, l.form, l.week_load
                )
            }
        },
        Intent::Unknown => return Ok(None),
    }))
}

/// The whole offline answer: the computed one when the question is known,
/// else what the data says in general; always with the matching entries.
pub async fn compose(
    store: &Store,
    profile: &Profile,
    question: &str,
    snap: &Snapshot,
    retrieved: &[Retrieved],
    provider_error: Option<&str>,
) -> Result<String> {
    let mut out = String::from("[offline] ");
    if let Some(e) = provider_error {
        out.push_str(&format!("(the AI provider could not answer: {e}) "));
    }
    let intent = intent(question);
    match answer(store, profile, &intent, snap).await? {
        Some(text) => out.push_str(&text),
        None => {
            out.push_str(
                "I can't reason about that without an AI provider, but here is what your data says.\n",
            );
            out.push_str(&format!(
                "Last 7 days: {:.0} kcal and {:.0} g protein a day on {} logged days.",
                snap.last_7.calories, snap.last_7.protein_g, snap.last_7.logged_days
            ));
            if let Some(w) = snap.weight {
                out.push_str(&format!(" Trend weight {:.1} kg.", w.trend_kg));
            }
            if let Some(l) = snap.load {
                out.push_str(&format!(" Form (TSB) {:.1}.", l.form));
            }
        }
    }
    if !retrieved.is_empty() {
        out.push_str("\nRelated entries:");
        for r in retrieved.iter().take(5) {
            out.push_str(&format!("\n- {} {}: {}", r.date, r.kind, r.text));
        }
    }
    Ok(out)
}

fn local_day(start: &str, profile: &Profile) -> NaiveDate {
    clock::from_db(start)
        .map(|t| clock::local_date(t, profile.tz()))
        .unwrap_or_else(|_| clock::parse_date(start.get(..10).unwrap_or("")).unwrap_or_default())
}

fn days_ago(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "yesterday".into(),
        d => format!("{d} days ago"),
    }
}

fn duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_phrasings_map_to_intents() {
        use Intent::*;
        use Nutrient::*;
        let cases: &[(&str, Intent)] = &[
            ("How much protein did I average this week?", AverageNutrient { nutrient: Protein, days: 7 }),
            (
                "what's my average calorie intake over the last 10 days",
                AverageNutrient { nutrient: Calories, days: 10 },
            ),
            ("avg carbs past two weeks", AverageNutrient { nutrient: Carbs, days: 14 }),
            (
                "How many calories am I eating per day this month?",
                AverageNutrient { nutrient: Calories, days: 30 },
            ),
            ("am I getting enough protein", AverageNutrient { nutrient: Protein, days: 7 }),
            ("When did I last run 10k?", LastRun { min_m: 10_000.0 }),
            ("last time I ran at least 5 km", LastRun { min_m: 5_000.0 }),
            ("when was my last half marathon run", LastRun { min_m: 21_097.5 }),
            ("when did I last go for a run", LastRun { min_m: 0.0 }),
            ("When did I last do squats?", LastExercise { name: "squats".into() }),
            ("last time I did deadlifts", LastExercise { name: "deadlifts".into() }),
            ("How much weight have I lost in the last month?", WeightChange { days: 30 }),
            ("weight change over 4 weeks", WeightChange { days: 28 }),
            ("have I gained anything this week", WeightChange { days: 7 }),
            ("How many calories do I have left today?", RemainingToday),
            ("what can I still eat today", RemainingToday),
            ("how much protein is remaining", RemainingToday),
            ("What's my training load?", TrainingLoad),
            ("am I overtraining?", TrainingLoad),
            ("how fresh am I for the race", TrainingLoad),
            ("write me a poem about broccoli", Unknown),
        ];
        for (q, want) in cases {
            assert_eq!(&intent(q), want, "{q}");
        }
    }

    #[test]
    fn periods_in_words_and_numbers() {
        assert_eq!(period_days("over the last 3 weeks"), Some(21));
        assert_eq!(period_days("past a month"), Some(30));
        assert_eq!(period_days("in the last fortnight"), Some(14));
        assert_eq!(period_days("lately"), None);
    }
}
