//! The built-in exercise library: each exercise with its movement pattern,
//! the equipment it needs (all of it) and the injuries it is contraindicated for.

use serde::{Deserialize, Serialize};

use super::questionnaire::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Equipment {
    Bodyweight,
    Barbell,
    Dumbbells,
    Kettlebell,
    PullUpBar,
    Bench,
    Cable,
    Machine,
    ResistanceBands,
    Bike,
    Treadmill,
    Rower,
}

impl Equipment {
    pub const ALL: [Equipment; 12] = [
        Equipment::Bodyweight,
        Equipment::Barbell,
        Equipment::Dumbbells,
        Equipment::Kettlebell,
        Equipment::PullUpBar,
        Equipment::Bench,
        Equipment::Cable,
        Equipment::Machine,
        Equipment::ResistanceBands,
        Equipment::Bike,
        Equipment::Treadmill,
        Equipment::Rower,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Equipment::Bodyweight => "bodyweight",
            Equipment::Barbell => "barbell",
            Equipment::Dumbbells => "dumbbells",
            Equipment::Kettlebell => "kettlebell",
            Equipment::PullUpBar => "pull_up_bar",
            Equipment::Bench => "bench",
            Equipment::Cable => "cable",
            Equipment::Machine => "machine",
            Equipment::ResistanceBands => "resistance_bands",
            Equipment::Bike => "bike",
            Equipment::Treadmill => "treadmill",
            Equipment::Rower => "rower",
        }
    }

    /// One answer can name several items ("full gym").
    pub fn parse(text: &str) -> Option<Vec<Equipment>> {
        let one = match normalize(text).as_str() {
            "bodyweight" | "none" | "body_weight" | "no_equipment" => Equipment::Bodyweight,
            "barbell" | "barbells" | "squat_rack" | "rack" => Equipment::Barbell,
            "dumbbell" | "dumbbells" => Equipment::Dumbbells,
            "kettlebell" | "kettlebells" => Equipment::Kettlebell,
            "pull_up_bar" | "pullup_bar" | "chin_up_bar" | "pull_up" => Equipment::PullUpBar,
            "bench" | "weight_bench" => Equipment::Bench,
            "cable" | "cables" | "cable_machine" => Equipment::Cable,
            "machine" | "machines" => Equipment::Machine,
            "resistance_bands" | "bands" | "band" => Equipment::ResistanceBands,
            "bike" | "bicycle" | "stationary_bike" | "exercise_bike" => Equipment::Bike,
            "treadmill" => Equipment::Treadmill,
            "rower" | "rowing_machine" | "erg" => Equipment::Rower,
            "full_gym" | "gym" | "commercial_gym" => return Some(Equipment::ALL.to_vec()),
            "home_gym" => {
                return Some(vec![
                    Equipment::Barbell,
                    Equipment::Dumbbells,
                    Equipment::Bench,
                    Equipment::PullUpBar,
                ]);
            }
            _ => return None,
        };
        Some(vec![one])
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Injury {
    Knee,
    Shoulder,
    LowerBack,
    Wrist,
    Elbow,
    Hip,
    Ankle,
    Neck,
}

impl Injury {
    pub const ALL: [Injury; 8] = [
        Injury::Knee,
        Injury::Shoulder,
        Injury::LowerBack,
        Injury::Wrist,
        Injury::Elbow,
        Injury::Hip,
        Injury::Ankle,
        Injury::Neck,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Injury::Knee => "knee",
            Injury::Shoulder => "shoulder",
            Injury::LowerBack => "lower_back",
            Injury::Wrist => "wrist",
            Injury::Elbow => "elbow",
            Injury::Hip => "hip",
            Injury::Ankle => "ankle",
            Injury::Neck => "neck",
        }
    }

    pub fn parse(text: &str) -> Option<Injury> {
        let n = normalize(text);
        let n = n.trim_start_matches("bad_").trim_start_matches("sore_").trim_end_matches("_injury");
        let n = n.trim_end_matches("_pain");
        Some(match n {
            "knee" | "knees" | "acl" | "meniscus" => Injury::Knee,
            "shoulder" | "shoulders" | "rotator_cuff" => Injury::Shoulder,
            "lower_back" | "back" | "low_back" | "lumbar" | "spine" => Injury::LowerBack,
            "wrist" | "wrists" => Injury::Wrist,
            "elbow" | "elbows" | "tennis_elbow" => Injury::Elbow,
            "hip" | "hips" => Injury::Hip,
            "ankle" | "ankles" | "achilles" => Injury::Ankle,
            "neck" => Injury::Neck,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Squat,
    Hinge,
    Lunge,
    HorizontalPush,
    HorizontalPull,
    VerticalPush,
    VerticalPull,
    Arms,
    Calves,
    Core,
    Conditioning,
}

impl Pattern {
    pub fn as_str(self) -> &'static str {
        match self {
            Pattern::Squat => "squat",
            Pattern::Hinge => "hinge",
            Pattern::Lunge => "lunge",
            Pattern::HorizontalPush => "horizontal_push",
            Pattern::HorizontalPull => "horizontal_pull",
            Pattern::VerticalPush => "vertical_push",
            Pattern::VerticalPull => "vertical_pull",
            Pattern::Arms => "arms",
            Pattern::Calves => "calves",
            Pattern::Core => "core",
            Pattern::Conditioning => "conditioning",
        }
    }

    /// Main lifts take the heavy, low-rep prescription; the rest are accessories.
    pub fn is_compound(self) -> bool {
        matches!(
            self,
            Pattern::Squat
                | Pattern::Hinge
                | Pattern::HorizontalPush
                | Pattern::HorizontalPull
                | Pattern::VerticalPush
                | Pattern::VerticalPull
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exercise {
    pub name: &'static str,
    pub pattern: Pattern,
    pub equipment: &'static [Equipment],
    pub avoid_with: &'static [Injury],
    /// Held for time (plank) instead of counted reps.
    pub timed: bool,
}

use Equipment as E;
use Injury as I;
use Pattern as P;

const fn ex(
    name: &'static str,
    pattern: Pattern,
    equipment: &'static [Equipment],
    avoid_with: &'static [Injury],
) -> Exercise {
    Exercise { name, pattern, equipment, avoid_with, timed: false }
}

const fn hold(
    name: &'static str,
    pattern: Pattern,
    equipment: &'static [Equipment],
    avoid_with: &'static [Injury],
) -> Exercise {
    Exercise { name, pattern, equipment, avoid_with, timed: true }
}

pub const LIBRARY: &[Exercise] = &[
    // Squat
    ex("Barbell back squat", P::Squat, &[E::Barbell], &[I::Knee, I::LowerBack, I::Hip, I::Shoulder]),
    ex("Barbell front squat", P::Squat, &[E::Barbell], &[I::Knee, I::LowerBack, I::Wrist]),
    ex("Goblet squat", P::Squat, &[E::Dumbbells], &[I::Knee, I::Hip]),
    ex("Kettlebell goblet squat", P::Squat, &[E::Kettlebell], &[I::Knee, I::Hip]),
    ex("Leg press", P::Squat, &[E::Machine], &[I::Knee, I::Hip]),
    ex("Bodyweight box squat", P::Squat, &[E::Bodyweight], &[I::Knee]),
    ex("Wall sit", P::Squat, &[E::Bodyweight], &[I::Knee]),
    ex("Banded squat", P::Squat, &[E::ResistanceBands], &[I::Knee]),
    // Hinge
    ex("Barbell deadlift", P::Hinge, &[E::Barbell], &[I::LowerBack, I::Hip]),
    ex("Romanian deadlift", P::Hinge, &[E::Barbell], &[I::LowerBack]),
    ex("Dumbbell Romanian deadlift", P::Hinge, &[E::Dumbbells], &[I::LowerBack]),
    ex("Kettlebell swing", P::Hinge, &[E::Kettlebell], &[I::LowerBack, I::Shoulder]),
    ex("Glute bridge", P::Hinge, &[E::Bodyweight], &[]),
    ex("Single-leg glute bridge", P::Hinge, &[E::Bodyweight], &[I::Hip]),
    ex("Banded pull-through", P::Hinge, &[E::ResistanceBands], &[I::LowerBack]),
    ex("Hip thrust", P::Hinge, &[E::Barbell, E::Bench], &[I::Hip]),
    ex("Back extension", P::Hinge, &[E::Bodyweight], &[I::LowerBack]),
    // Lunge
    ex("Walking lunge", P::Lunge, &[E::Dumbbells], &[I::Knee, I::Ankle, I::Hip]),
    ex("Bulgarian split squat", P::Lunge, &[E::Dumbbells, E::Bench], &[I::Knee, I::Hip]),
    ex("Reverse lunge", P::Lunge, &[E::Bodyweight], &[I::Knee]),
    ex("Step-up", P::Lunge, &[E::Bench], &[I::Knee, I::Ankle]),
    ex("Lateral band walk", P::Lunge, &[E::ResistanceBands], &[]),
    // Horizontal push
    ex("Barbell bench press", P::HorizontalPush, &[E::Barbell, E::Bench], &[I::Shoulder, I::Elbow]),
    ex("Dumbbell bench press", P::HorizontalPush, &[E::Dumbbells, E::Bench], &[I::Shoulder]),
    ex("Dumbbell floor press", P::HorizontalPush, &[E::Dumbbells], &[I::Shoulder]),
    ex("Machine chest press", P::HorizontalPush, &[E::Machine], &[I::Shoulder]),
    ex("Push-up", P::HorizontalPush, &[E::Bodyweight], &[I::Wrist, I::Shoulder]),
    ex("Incline push-up", P::HorizontalPush, &[E::Bodyweight], &[I::Wrist]),
    ex("Banded chest press", P::HorizontalPush, &[E::ResistanceBands], &[I::Shoulder]),
    ex("Cable chest fly", P::HorizontalPush, &[E::Cable], &[I::Shoulder]),
    // Horizontal pull
    ex("Barbell row", P::HorizontalPull, &[E::Barbell], &[I::LowerBack]),
    ex("One-arm dumbbell row", P::HorizontalPull, &[E::Dumbbells], &[]),
    ex("Seated cable row", P::HorizontalPull, &[E::Cable], &[]),
    ex("Inverted row", P::HorizontalPull, &[E::PullUpBar], &[I::Shoulder]),
    ex("Banded row", P::HorizontalPull, &[E::ResistanceBands], &[]),
    ex("Prone Y-T-W raise", P::HorizontalPull, &[E::Bodyweight], &[I::Neck]),
    ex("Face pull", P::HorizontalPull, &[E::Cable], &[]),
    // Vertical push
    ex("Barbell overhead press", P::VerticalPush, &[E::Barbell], &[I::Shoulder, I::LowerBack, I::Neck]),
    ex("Dumbbell shoulder press", P::VerticalPush, &[E::Dumbbells], &[I::Shoulder, I::Neck]),
    ex("Landmine press", P::VerticalPush, &[E::Barbell], &[I::Wrist]),
    ex("Pike push-up", P::VerticalPush, &[E::Bodyweight], &[I::Shoulder, I::Wrist, I::Neck]),
    ex("Banded overhead press", P::VerticalPush, &[E::ResistanceBands], &[I::Shoulder]),
    ex("Dumbbell lateral raise", P::VerticalPush, &[E::Dumbbells], &[I::Shoulder]),
    // Vertical pull
    ex("Pull-up", P::VerticalPull, &[E::PullUpBar], &[I::Shoulder, I::Elbow]),
    ex("Chin-up", P::VerticalPull, &[E::PullUpBar], &[I::Shoulder, I::Elbow, I::Wrist]),
    ex("Lat pulldown", P::VerticalPull, &[E::Cable], &[I::Shoulder]),
    ex("Banded lat pulldown", P::VerticalPull, &[E::ResistanceBands], &[]),
    ex("Scapular pull-up", P::VerticalPull, &[E::PullUpBar], &[]),
    ex("Superman pull", P::VerticalPull, &[E::Bodyweight], &[I::LowerBack]),
    // Arms
    ex("Dumbbell biceps curl", P::Arms, &[E::Dumbbells], &[I::Elbow]),
    ex("Barbell curl", P::Arms, &[E::Barbell], &[I::Elbow, I::Wrist]),
    ex("Cable triceps pushdown", P::Arms, &[E::Cable], &[I::Elbow]),
    ex("Bench dip", P::Arms, &[E::Bench], &[I::Shoulder, I::Wrist, I::Elbow]),
    ex("Banded biceps curl", P::Arms, &[E::ResistanceBands], &[]),
    ex("Diamond push-up", P::Arms, &[E::Bodyweight], &[I::Wrist, I::Elbow]),
    ex("Hammer curl", P::Arms, &[E::Dumbbells], &[]),
    // Calves
    ex("Standing calf raise", P::Calves, &[E::Bodyweight], &[I::Ankle]),
    ex("Dumbbell calf raise", P::Calves, &[E::Dumbbells], &[I::Ankle]),
    ex("Seated calf raise", P::Calves, &[E::Machine], &[]),
    // Core
    hold("Plank", P::Core, &[E::Bodyweight], &[I::Shoulder, I::Wrist]),
    hold("Side plank", P::Core, &[E::Bodyweight], &[I::Shoulder]),
    ex("Dead bug", P::Core, &[E::Bodyweight], &[]),
    ex("Bird dog", P::Core, &[E::Bodyweight], &[]),
    ex("Pallof press", P::Core, &[E::Cable], &[]),
    ex("Banded Pallof press", P::Core, &[E::ResistanceBands], &[]),
    ex("Hanging knee raise", P::Core, &[E::PullUpBar], &[I::Shoulder, I::LowerBack]),
    hold("Farmer's carry", P::Core, &[E::Dumbbells], &[I::LowerBack, I::Wrist]),
    // Conditioning
    hold("Bike intervals", P::Conditioning, &[E::Bike], &[]),
    hold("Rowing intervals", P::Conditioning, &[E::Rower], &[I::LowerBack]),
    hold("Treadmill incline walk", P::Conditioning, &[E::Treadmill], &[I::Ankle]),
    hold("Brisk walk", P::Conditioning, &[E::Bodyweight], &[]),
    hold("Jumping jacks", P::Conditioning, &[E::Bodyweight], &[I::Knee, I::Ankle]),
    hold("Shadow boxing", P::Conditioning, &[E::Bodyweight], &[I::Shoulder]),
];

pub fn find(name: &str) -> Option<&'static Exercise> {
    let wanted = name.trim().to_lowercase();
    LIBRARY.iter().find(|e| e.name.to_lowercase() == wanted)
}

impl Exercise {
    /// Whether this exercise is doable with `equipment` and safe with `injuries`.
    pub fn fits(&self, equipment: &[Equipment], injuries: &[Injury]) -> bool {
        self.equipment.iter().all(|e| equipment.contains(e))
            && !self.avoid_with.iter().any(|i| injuries.contains(i))
    }
}

/// The exercises of a pattern that fit, in library order.
pub fn candidates(pattern: Pattern, equipment: &[Equipment], injuries: &[Injury]) -> Vec<&'static Exercise> {
    LIBRARY.iter().filter(|e| e.pattern == pattern && e.fits(equipment, injuries)).collect()
}

/// Movement patterns an injury rules out for exercises the library does not
/// know (an AI may name its own): a knee injury rules out squats and lunges.
pub fn patterns_to_avoid(injury: Injury) -> &'static [Pattern] {
    match injury {
        Injury::Knee => &[Pattern::Squat, Pattern::Lunge],
        Injury::Shoulder => &[Pattern::VerticalPush],
        Injury::LowerBack => &[],
        Injury::Wrist | Injury::Elbow | Injury::Neck => &[],
        Injury::Hip => &[Pattern::Lunge],
        Injury::Ankle => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_has_a_bodyweight_option_whatever_the_injury() {
        for injury in Injury::ALL {
            let core = candidates(Pattern::Core, &[Equipment::Bodyweight], &[injury]);
            let hinge = candidates(Pattern::Hinge, &[Equipment::Bodyweight], &[injury]);
            let cardio = candidates(Pattern::Conditioning, &[Equipment::Bodyweight], &[injury]);
            assert!(!core.is_empty() && !hinge.is_empty() && !cardio.is_empty(), "{injury:?}");
        }
        assert!(candidates(Pattern::Squat, &[Equipment::Barbell], &[Injury::Knee]).is_empty());
        assert_eq!(find("pull-up").map(|e| e.pattern), Some(Pattern::VerticalPull));
    }
}
