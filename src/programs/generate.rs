//! The offline generator: a periodized template engine. Twelve weeks in three
//! four-week blocks, each ending in a deload week (4, 8, 12); the split comes
//! from the training frequency; exercises from the library that fit the
//! equipment and injuries; linear progression for beginners and endurance or
//! general goals, daily undulating progression otherwise.

use super::exercises::{self, Equipment, Pattern};
use super::meals::{self, Catalog};
use super::plan::{self, Plan, PlannedDay, PlannedExercise, PlannedWorkout, RepUnit};
use super::questionnaire::{Experience, Goal, Questionnaire};
use crate::error::{Error, Result};

use Pattern as P;

pub const WEEKS: u32 = 12;

pub fn is_deload(week: u32) -> bool {
    week.is_multiple_of(4)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progression {
    Linear,
    Undulating,
}

pub fn progression(q: &Questionnaire) -> Progression {
    match (q.experience_level, q.primary_goal) {
        (Experience::Beginner, _) | (_, Goal::Endurance | Goal::GeneralFitness) => Progression::Linear,
        _ => Progression::Undulating,
    }
}

struct Session {
    name: &'static str,
    focus: &'static str,
    slots: &'static [Pattern],
}

const FULL_A: Session = Session {
    name: "Full body A",
    focus: "Squat, push and pull",
    slots: &[P::Squat, P::HorizontalPush, P::HorizontalPull, P::Hinge, P::Core, P::VerticalPush, P::Lunge],
};
const FULL_B: Session = Session {
    name: "Full body B",
    focus: "Hinge, overhead and vertical pull",
    slots: &[P::Hinge, P::VerticalPush, P::VerticalPull, P::Lunge, P::Core, P::HorizontalPush, P::Arms],
};
const FULL_C: Session = Session {
    name: "Full body C",
    focus: "Single-leg work and upper-body volume",
    slots: &[P::Lunge, P::HorizontalPull, P::HorizontalPush, P::Squat, P::Core, P::VerticalPull, P::Calves],
};
const UPPER: Session = Session {
    name: "Upper",
    focus: "Upper body: push and pull",
    slots: &[P::HorizontalPush, P::HorizontalPull, P::VerticalPush, P::VerticalPull, P::Arms, P::Core],
};
const LOWER: Session = Session {
    name: "Lower",
    focus: "Lower body: squat and hinge",
    slots: &[P::Squat, P::Hinge, P::Lunge, P::Calves, P::Core],
};
const PUSH: Session = Session {
    name: "Push",
    focus: "Chest, shoulders and triceps",
    slots: &[P::HorizontalPush, P::VerticalPush, P::Arms, P::Core],
};
const PULL: Session = Session {
    name: "Pull",
    focus: "Back and biceps",
    slots: &[P::VerticalPull, P::HorizontalPull, P::Hinge, P::Arms, P::Core],
};
const LEGS: Session = Session {
    name: "Legs",
    focus: "Quads, hamstrings and calves",
    slots: &[P::Squat, P::Hinge, P::Lunge, P::Calves, P::Core],
};

/// The sessions of a week with the weekday (0 = program day 1) of each, and the split's name.
fn split(frequency: u32) -> (&'static str, Vec<(usize, &'static Session, usize)>) {
    // (weekday, session, variant): the variant picks other exercises for the second use of a session.
    match frequency {
        1 => ("full body", vec![(0, &FULL_A, 0)]),
        2 => ("full body", vec![(0, &FULL_A, 0), (3, &FULL_B, 0)]),
        3 => ("full body", vec![(0, &FULL_A, 0), (2, &FULL_B, 0), (4, &FULL_C, 0)]),
        4 => ("upper/lower", vec![(0, &UPPER, 0), (1, &LOWER, 0), (3, &UPPER, 1), (4, &LOWER, 1)]),
        5 => (
            "upper/lower + push/pull/legs",
            vec![(0, &UPPER, 0), (1, &LOWER, 0), (3, &PUSH, 1), (4, &PULL, 1), (5, &LEGS, 1)],
        ),
        _ => (
            "push/pull/legs",
            vec![(0, &PUSH, 0), (1, &PULL, 0), (2, &LEGS, 0), (3, &PUSH, 1), (4, &PULL, 1), (5, &LEGS, 1)],
        ),
    }
}

fn fallbacks(p: Pattern) -> &'static [Pattern] {
    match p {
        P::Squat => &[P::Lunge, P::Hinge],
        P::Lunge => &[P::Hinge, P::Squat],
        P::Hinge => &[P::Core],
        P::HorizontalPush => &[P::VerticalPush, P::Arms],
        P::VerticalPush => &[P::HorizontalPush, P::Arms],
        P::HorizontalPull => &[P::VerticalPull],
        P::VerticalPull => &[P::HorizontalPull],
        P::Arms => &[P::Core],
        P::Calves => &[P::Core],
        P::Core => &[P::Conditioning],
        P::Conditioning => &[],
    }
}

/// Sets, reps, %1RM, RPE and rest for an exercise in a week.
fn prescribe(
    q: &Questionnaire,
    week: u32,
    session_in_week: usize,
    e: &exercises::Exercise,
    main: bool,
) -> PlannedExercise {
    let block = (week - 1) / 4; // 0, 1, 2
    let step = ((week - 1) % 4) as f64; // 0..=2 inside a block's hard weeks
    let base_sets = match q.experience_level {
        Experience::Beginner => 3,
        Experience::Intermediate => 3 + (block >= 1) as u32,
        Experience::Advanced => 4 + (block >= 1) as u32,
    };
    let heavy_goal = q.primary_goal == Goal::GainStrength;
    let loaded = e
        .equipment
        .iter()
        .any(|x| matches!(x, Equipment::Barbell | Equipment::Machine | Equipment::Dumbbells));
    let (sets, reps, pct, mut rpe, rest) = if e.timed {
        let seconds =
            if e.pattern == P::Conditioning { 600 + 120 * block } else { 30 + 10 * block + 5 * step as u32 };
        (
            if e.pattern == P::Conditioning { 1 } else { 3 },
            seconds,
            None,
            Some(7.0),
            if e.pattern == P::Conditioning { 0 } else { 45 },
        )
    } else if main && e.pattern.is_compound() {
        // (reps, %1RM base, RPE base, rest)
        let (reps, pct_base, rpe_base, rest) = match (progression(q), q.primary_goal) {
            (Progression::Linear, Goal::GainStrength) => (5, 72.0, 7.0, 180),
            (Progression::Linear, Goal::Endurance) => (15, 55.0, 6.5, 60),
            (Progression::Linear, Goal::LoseFat) => (12, 62.0, 7.0, 75),
            (Progression::Linear, _) => (10, 65.0, 7.0, 90),
            (Progression::Undulating, _) => match session_in_week % 3 {
                0 if heavy_goal => (4, 80.0, 8.0, 210),
                0 => (6, 75.0, 7.5, 150),
                1 if heavy_goal => (6, 74.0, 7.5, 180),
                1 => (10, 67.0, 7.5, 90),
                _ if heavy_goal => (8, 68.0, 7.0, 150),
                _ => (12, 62.0, 7.0, 75),
            },
        };
        // +2.5 %1RM and +0.5 RPE a week inside a block, +5 % a block.
        let pct = pct_base + 5.0 * block as f64 + 2.5 * step;
        let rpe = (rpe_base + 0.5 * step).min(9.5);
        (base_sets, reps, (heavy_goal || loaded).then_some(pct.min(92.0)), Some(rpe), rest)
    } else {
        let reps = if q.primary_goal == Goal::Endurance { 15 } else { 12 - 2 * (step as u32 % 2) };
        (base_sets.min(3), reps, None, Some((7.0 + 0.5 * step).min(9.0)), 60)
    };
    // Only one load measure: %1RM when given, RPE otherwise.
    if pct.is_some() {
        rpe = None;
    }
    PlannedExercise {
        name: e.name.into(),
        pattern: e.pattern,
        equipment: e.equipment.to_vec(),
        sets,
        reps,
        unit: if e.timed { RepUnit::Seconds } else { RepUnit::Reps },
        pct_1rm: pct.map(|p| p.round()),
        rpe,
        rest_seconds: rest,
    }
}

fn workout(
    q: &Questionnaire,
    week: u32,
    session_in_week: usize,
    s: &Session,
    variant: usize,
) -> Result<PlannedWorkout> {
    // A deload week repeats the week before with fewer sets and lighter loads.
    if is_deload(week) {
        let mut w = workout(q, week - 1, session_in_week, s, variant)?;
        for e in w.exercises.iter_mut() {
            e.sets = (e.sets * 3 / 5).max(1);
            e.pct_1rm = e.pct_1rm.map(|p| p - 10.0);
            e.rpe = e.rpe.map(|r| (r - 2.0).max(5.0));
        }
        w.duration_minutes = plan::session_minutes(&w.exercises).min(q.session_minutes);
        w.name = format!("{} (deload)", s.name);
        return Ok(w);
    }
    let block = ((week - 1) / 4) as usize;
    let mut list: Vec<PlannedExercise> = Vec::new();
    for (slot, pattern) in s.slots.iter().enumerate() {
        let pick = std::iter::once(*pattern).chain(fallbacks(*pattern).iter().copied()).find_map(|p| {
            let options: Vec<_> = exercises::candidates(p, &q.available_equipment, &q.injury_limitations)
                .into_iter()
                .filter(|e| !list.iter().any(|l| l.name == e.name))
                .collect();
            (!options.is_empty()).then(|| options[(variant + block + slot) % options.len()])
        });
        let Some(e) = pick else { continue };
        let planned = prescribe(q, week, session_in_week, e, slot < 2);
        list.push(planned);
        // The first lift loses sets rather than the session losing every lift.
        while list.len() == 1 && list[0].sets > 1 && plan::session_minutes(&list) > q.session_minutes {
            list[0].sets -= 1;
        }
        if plan::session_minutes(&list) > q.session_minutes {
            list.pop();
            break;
        }
    }
    // Fat loss and endurance finish with conditioning when time is left.
    if matches!(q.primary_goal, Goal::LoseFat | Goal::Endurance) {
        let left = q.session_minutes.saturating_sub(plan::session_minutes(&list));
        if left >= 8
            && let Some(c) =
                exercises::candidates(P::Conditioning, &q.available_equipment, &q.injury_limitations)
                    .get(session_in_week % 2)
        {
            let minutes = (left - 2).min(20);
            let mut finisher = prescribe(q, week, session_in_week, c, false);
            finisher.reps = minutes * 60;
            list.push(finisher);
        }
    }
    if list.is_empty() {
        // Very short sessions: one shortened exercise rather than none.
        let e = exercises::candidates(P::Conditioning, &q.available_equipment, &q.injury_limitations)
            .first()
            .copied()
            .or_else(|| exercises::find("Brisk walk"))
            .ok_or_else(|| Error::invalid("no exercise fits this equipment and these injuries"))?;
        let mut p = prescribe(q, week, session_in_week, e, false);
        p.sets = 1;
        p.reps = (q.session_minutes - plan::WARM_UP_MINUTES - 1) * 60;
        list.push(p);
    }
    let duration = plan::session_minutes(&list).min(q.session_minutes);
    Ok(PlannedWorkout {
        name: s.name.to_string(),
        workout_type: "strength".into(),
        duration_minutes: duration,
        exercises: list,
    })
}

fn block_name(week: u32) -> &'static str {
    if is_deload(week) {
        return "deload";
    }
    match (week - 1) / 4 {
        0 => "accumulation",
        1 => "intensification",
        _ => "realization",
    }
}

/// One week of the plan (week is 1..=12).
pub fn week(q: &Questionnaire, catalog: &Catalog, week: u32, meal_variant: usize) -> Result<Vec<PlannedDay>> {
    let (_, sessions) = split(q.training_frequency);
    let mut days = Vec::with_capacity(7);
    for weekday in 0..7 {
        let day_number = (week - 1) * 7 + weekday as u32 + 1;
        let meals = meals::day_meals(q, catalog, meal_variant + day_number as usize)?;
        let session = sessions.iter().enumerate().find(|(_, (d, _, _))| *d == weekday);
        let day = match session {
            Some((index, (_, s, variant))) => {
                let w = workout(q, week, index, s, *variant)?;
                PlannedDay {
                    day_name: format!("Day {day_number}: {}", w.name),
                    day_focus: Some(format!("{} · week {week}, {}", s.focus, block_name(week))),
                    is_rest_day: false,
                    workout: Some(w),
                    meals,
                }
            }
            None => {
                let active = weekday % 2 == 0;
                PlannedDay {
                    day_name: format!("Day {day_number}: Rest"),
                    day_focus: Some(
                        if active { "Active recovery: an easy walk and mobility" } else { "Full rest" }
                            .into(),
                    ),
                    is_rest_day: true,
                    workout: None,
                    meals,
                }
            }
        };
        days.push(day);
    }
    Ok(days)
}

/// The whole 12-week plan; every week passes [`plan::check_week`].
pub fn offline(q: &Questionnaire, meal_variant: usize) -> Result<Plan> {
    let catalog = Catalog::bundled()?;
    let mut days = Vec::with_capacity(84);
    for w in 1..=WEEKS {
        let week_days = week(q, catalog, w, meal_variant)?;
        plan::check_week(q, w, &week_days)
            .map_err(|why| Error::invalid(format!("the offline generator made an invalid week: {why}")))?;
        days.extend(week_days);
    }
    let (split_name, _) = split(q.training_frequency);
    let progression = match progression(q) {
        Progression::Linear => "linear",
        Progression::Undulating => "undulating",
    };
    Ok(Plan {
        name: format!("12-week {} program", q.primary_goal.label()),
        description: format!(
            "{} sessions a week ({split_name}), {} min each, {progression} progression with deload weeks 4, 8 and 12; \
             {} kcal a day.",
            q.training_frequency, q.session_minutes, q.daily_calorie_target
        ),
        days,
    })
}
