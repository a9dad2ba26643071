//! Property tests: the offline generator over a matrix of questionnaires
//! always gives 84 days with rest days, and respects equipment, injuries,
//! dietary restrictions, session length and the calorie tolerance.

use proptest::prelude::*;
use wagner::programs::diet::{self, Restriction};
use wagner::programs::exercises::{self, Equipment, Injury};
use wagner::programs::meals::Catalog;
use wagner::programs::plan::{self, CALORIE_TOLERANCE};
use wagner::programs::{Answers, generate};

const GOALS: [&str; 5] = ["lose_fat", "build_muscle", "gain_strength", "endurance", "general_fitness"];
const LEVELS: [&str; 3] = ["beginner", "intermediate", "advanced"];

fn answers() -> impl Strategy<Value = Answers> {
    (
        prop::sample::select(GOALS.to_vec()),
        prop::sample::select(LEVELS.to_vec()),
        1u32..=6,
        20u32..=120,
        prop::sample::subsequence(Equipment::ALL.to_vec(), 0..=6),
        prop::sample::subsequence(Injury::ALL.to_vec(), 0..=3),
        prop::sample::subsequence(Restriction::ALL.to_vec(), 0..=4),
        1200u32..=4500,
    )
        .prop_map(|(goal, level, freq, minutes, equipment, injuries, restrictions, kcal)| Answers {
            primary_goal: Some(goal.into()),
            experience_level: Some(level.into()),
            training_frequency: Some(freq),
            session_minutes: Some(minutes),
            available_equipment: equipment.iter().map(|e| e.as_str().to_string()).collect(),
            injury_limitations: injuries.iter().map(|i| i.as_str().to_string()).collect(),
            dietary_restrictions: restrictions.iter().map(|r| r.as_str().to_string()).collect(),
            daily_calorie_target: Some(kcal),
            ..Answers::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn offline_programs_respect_every_constraint(a in answers(), variant in 0usize..50) {
        let q = a.validate().expect("the strategy only makes valid answers");
        let plan = generate::offline(&q, variant).expect("a plan");
        prop_assert_eq!(plan.days.len(), 84);
        let catalog = Catalog::bundled().unwrap();
        for (w, week) in plan.days.chunks(7).enumerate() {
            prop_assert!(week.iter().any(|d| d.is_rest_day), "week {} has no rest day", w + 1);
            prop_assert_eq!(week.iter().filter(|d| d.workout.is_some()).count() as u32, q.training_frequency);
            prop_assert!(plan::check_week(&q, w as u32 + 1, week).is_ok());
        }
        for day in &plan.days {
            let kcal = day.calories();
            let target = q.daily_calorie_target as f64;
            prop_assert!((kcal - target).abs() <= target * CALORIE_TOLERANCE, "{} kcal for {}", kcal, target);
            for food in day.meals.iter().flat_map(|m| &m.foods) {
                let group = catalog.foods.iter().find(|c| Some(&c.id) == food.food_id.as_ref()).and_then(|c| c.group.clone());
                prop_assert!(food.food_id.is_some(), "{} is not from the food database", food.name);
                prop_assert!(diet::first_violation(&q.dietary_restrictions, &food.name, group.as_deref()).is_none(),
                    "{} breaks {:?}", food.name, q.dietary_restrictions);
            }
            if let Some(w) = &day.workout {
                prop_assert!(w.duration_minutes <= q.session_minutes);
                for e in &w.exercises {
                    let known = exercises::find(&e.name).expect("offline exercises come from the library");
                    prop_assert!(known.fits(&q.available_equipment, &q.injury_limitations),
                        "{} with {:?} / {:?}", e.name, q.available_equipment, q.injury_limitations);
                }
            }
        }
        // Deload weeks (4, 8, 12) never have more sets than the week before.
        let sets = |week: usize| -> u32 {
            plan.days[(week - 1) * 7..week * 7].iter().filter_map(|d| d.workout.as_ref())
                .flat_map(|w| &w.exercises).map(|e| e.sets).sum()
        };
        for deload in [4, 8, 12] {
            prop_assert!(sets(deload) <= sets(deload - 1), "week {}: {} vs {}", deload, sets(deload), sets(deload - 1));
        }
    }
}
