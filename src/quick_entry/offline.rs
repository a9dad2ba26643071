//! The offline parser: deterministic, no network, good at the common cases
//! ("2 eggs and toast", "ran 5k in 25:30", "bench 3x8 @ 80 kg", "weighed
//! 82.4 kg") and honest about what it did not understand.
//!
//! It only reads the text: nutrition for the foods comes afterwards from the
//! food database (see `pipeline::resolve_foods`).

use std::sync::LazyLock;

use regex::Regex;

use super::extraction::{
    ExtractedFood, ExtractedMeal, ExtractedMeasurement, ExtractedSet, ExtractedWorkout, Extraction,
};
use crate::activities::ActivityType;
use crate::nutrition::MealCategory;

/// The unit a bare "82.4" weight is in when the text does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightUnit {
    Kg,
    Lb,
}

const LB_KG: f64 = 0.453_592_37;
const MILE_M: f64 = 1_609.344;
const INCH_CM: f64 = 2.54;

fn re(pattern: &str) -> Regex {
    // Patterns are literals in this file; a bad one is a programming error caught by the tests.
    Regex::new(pattern).unwrap_or_else(|e| panic!("bad built-in pattern {pattern:?}: {e}"))
}

static CLAUSE_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?:[.;!?]+(?:\s+|$)|\n+|,?\s*\b(?:then|afterwards|after that|later)\b\s*)"));
static AND_SPLIT: LazyLock<Regex> = LazyLock::new(|| re(r"\s+(?:and|plus|&)\s+"));
static FOOD_SPLIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s*(?:\band\b|\bwith\b|\bw/|\bw\b|\bplus\b|\bon\b|\+|&|,)\s*"));

static WEIGHT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:weigh(?:ed|s|t|ing)?(?:\s+in)?|scale(?:\s+says)?|body\s*weight|bw)\b[^0-9]{0,12}(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|lbs?|pounds?)?",
    )
});
static BARE_WEIGHT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:i'?m\s+|i\s+am\s+|at\s+|now\s+)?(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|lbs?|pounds?)\b(?:\s+(?:this\s+morning|this\s+a\.?m\.?|a\.?m\.?|today|now|on\s+the\s+scale))?$",
    )
});
static BODY_FAT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:\b(?:bf|body\s*fat)\b[^0-9]{0,6}(\d+(?:\.\d+)?)\s*%?|(\d+(?:\.\d+)?)\s*%\s*(?:bf|body\s*fat)\b)")
});
static WAIST: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\bwaist\b[^0-9]{0,8}(\d+(?:\.\d+)?)\s*(cm|in|inch(?:es)?|")?"#));

static DISTANCE: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d+(?:\.\d+)?)\s*(km|kms|k|kilomet(?:er|re)s?|mi|miles?|m|met(?:er|re)s?)\b"));
static CLOCK: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\b(\s*(?:/\s*km|/\s*mi|min/km|pace))?"));
static HOURS: LazyLock<Regex> = LazyLock::new(|| re(r"(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?)\b"));
static MINUTES: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d+(?:\.\d+)?)\s*(?:min|mins|minutes?|m(?:in)?\.)\b"));
static SETS_X_REPS: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(\d+)\s*[x×]\s*(\d+)(?:\s*(?:@|at|with|,)?\s*(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|lbs?|pounds?)?)?")
});
static SETS_OF: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(\d+)\s*sets?\s*of\s*(\d+)(?:\s*reps?)?(?:\s*(?:of\s+)?([a-z][a-z\s-]*?))?(?:\s*(?:@|at|with)\s*(\d+(?:\.\d+)?)\s*(kg|kgs|kilos?|lbs?|pounds?)?)?$",
    )
});
static WEIGHT_X_REPS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d+(?:\.\d+)?)\s*(kg|kgs|lbs?)\s*[x×]\s*(\d+)(?:\s*[x×]\s*(\d+))?"));
static REPS_ONLY: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d+)\s+([a-z][a-z\s-]*)$"));
static NUMBER_WORD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(a couple of|a couple|couple of|a few|a dozen|dozen|half a|half an|a half|a hundred|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|half)\b",
    )
});
static QUANTITY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:(\d+)\s+(\d+)/(\d+)|(\d+)/(\d+)|(\d+(?:\.\d+)?)|(an?\b))\s*"));
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(g|gr|grams?|kg|kilos?|oz|ounces?|lbs?|pounds?|ml|millilit(?:er|re)s?|l|lit(?:er|re)s?|cups?|tbsp|tablespoons?|tsp|teaspoons?|slices?|pieces?|pcs?|scoops?|servings?|bowls?|glass(?:es)?|cans?|handfuls?|mugs?|bars?|plates?|strips?|rashers?|bottles?|pints?|pots?|tubs?|tins?|bags?|packets?|medium|large|small|tall|grande|venti)\b\.?\s*(?:of\s+)?",
    )
});
static FILLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:i|i've|ive|just|had|have|ate|eaten|eat|drank|drink|grabbed|snacked|munched|some|my|for|at|in|the|this|today|tonight|morning|evening|afternoon|breakfast|brekkie|brekky|bfast|lunch|dinner|supper|tea time|snack|snacks|meal|as|a|an|of|also|was|about|approx)\b",
    )
});

const RUN_WORDS: &[&str] =
    &["run", "ran", "running", "jog", "jogged", "jogging", "tempo", "intervals", "parkrun"];
const RIDE_WORDS: &[&str] = &[
    "ride", "rode", "cycled", "cycling", "bike", "biked", "biking", "spin", "spinning", "peloton", "zwift",
    "wattbike", "turbo",
];
const SWIM_WORDS: &[&str] = &["swim", "swam", "swimming", "laps"];
const WALK_WORDS: &[&str] = &["walk", "walked", "walking", "steps"];
const HIKE_WORDS: &[&str] = &["hike", "hiked", "hiking"];
const ROW_WORDS: &[&str] = &["rowed", "rowing", "erg"];
const YOGA_WORDS: &[&str] = &["yoga", "pilates", "stretching", "mobility", "barre"];
const ELLIPTICAL_WORDS: &[&str] = &["elliptical", "cross-trainer", "crosstrainer"];
const CARDIO_WORDS: &[&str] = &[
    "hiit",
    "crossfit",
    "bootcamp",
    "circuit",
    "circuits",
    "aerobics",
    "zumba",
    "stairmaster",
    "stepper",
    "kickboxing",
    "skipping",
    "jump-rope",
];
/// Sports and classes by name, with the name stored.
const SPORTS: &[(&str, &str)] = &[
    ("badminton", "Badminton"),
    ("squash", "Squash"),
    ("tennis", "Tennis"),
    ("table tennis", "Table tennis"),
    ("ping pong", "Table tennis"),
    ("padel", "Padel"),
    ("football", "Football"),
    ("soccer", "Football"),
    ("futsal", "Football"),
    ("footy", "Football"),
    ("5-a-side", "Football"),
    ("five-a-side", "Football"),
    ("basketball", "Basketball"),
    ("volleyball", "Volleyball"),
    ("netball", "Netball"),
    ("rugby", "Rugby"),
    ("hockey", "Hockey"),
    ("cricket", "Cricket"),
    ("golf", "Golf"),
    ("climbing", "Climbing"),
    ("bouldering", "Climbing"),
    ("climbed", "Climbing"),
    ("skiing", "Skiing"),
    ("skied", "Skiing"),
    ("snowboarding", "Snowboarding"),
    ("skating", "Skating"),
    ("dancing", "Dancing"),
    ("dance", "Dancing"),
    ("salsa", "Dancing"),
    ("boxing", "Boxing"),
    ("martial arts", "Martial arts"),
    ("karate", "Martial arts"),
    ("judo", "Martial arts"),
    ("bjj", "Martial arts"),
    ("jiu jitsu", "Martial arts"),
    ("surfing", "Surfing"),
    ("kayaking", "Kayaking"),
    ("paddleboarding", "Paddleboarding"),
    ("frisbee", "Ultimate frisbee"),
];

/// Exercises by the words people type, with the name stored.
const EXERCISES: &[(&str, &str)] = &[
    ("bench press", "Bench press"),
    ("incline bench", "Incline bench press"),
    ("bench", "Bench press"),
    ("back squats", "Back squat"),
    ("back squat", "Back squat"),
    ("front squats", "Front squat"),
    ("front squat", "Front squat"),
    ("squats", "Squat"),
    ("squat", "Squat"),
    ("romanian deadlifts", "Romanian deadlift"),
    ("romanian deadlift", "Romanian deadlift"),
    ("rdl", "Romanian deadlift"),
    ("rdls", "Romanian deadlift"),
    ("deadlifts", "Deadlift"),
    ("deadlift", "Deadlift"),
    ("dl", "Deadlift"),
    ("overhead press", "Overhead press"),
    ("ohp", "Overhead press"),
    ("shoulder press", "Shoulder press"),
    ("military press", "Overhead press"),
    ("leg press", "Leg press"),
    ("barbell rows", "Barbell row"),
    ("barbell row", "Barbell row"),
    ("bent over row", "Barbell row"),
    ("dumbbell rows", "Dumbbell row"),
    ("dumbbell row", "Dumbbell row"),
    ("rows", "Row"),
    ("row", "Row"),
    ("pull-ups", "Pull-up"),
    ("pull ups", "Pull-up"),
    ("pullups", "Pull-up"),
    ("pull-up", "Pull-up"),
    ("chin-ups", "Chin-up"),
    ("chin ups", "Chin-up"),
    ("chinups", "Chin-up"),
    ("push-ups", "Push-up"),
    ("push ups", "Push-up"),
    ("pushups", "Push-up"),
    ("dips", "Dip"),
    ("lunges", "Lunge"),
    ("lunge", "Lunge"),
    ("bicep curls", "Biceps curl"),
    ("biceps curls", "Biceps curl"),
    ("curls", "Biceps curl"),
    ("curl", "Biceps curl"),
    ("lat pulldowns", "Lat pulldown"),
    ("lat pulldown", "Lat pulldown"),
    ("pulldowns", "Lat pulldown"),
    ("hip thrusts", "Hip thrust"),
    ("hip thrust", "Hip thrust"),
    ("kettlebell swings", "Kettlebell swing"),
    ("kb swings", "Kettlebell swing"),
    ("swings", "Kettlebell swing"),
    ("calf raises", "Calf raise"),
    ("tricep extensions", "Triceps extension"),
    ("triceps extensions", "Triceps extension"),
    ("face pulls", "Face pull"),
    ("plank", "Plank"),
    ("sit-ups", "Sit-up"),
    ("situps", "Sit-up"),
    ("burpees", "Burpee"),
];

/// Head words of foods, to tell "toast" (food) from "felt great" (a note).
const FOOD_WORDS: &[&str] = &[
    "egg",
    "eggs",
    "toast",
    "bread",
    "bagel",
    "oatmeal",
    "oats",
    "porridge",
    "cereal",
    "granola",
    "muesli",
    "banana",
    "bananas",
    "apple",
    "apples",
    "orange",
    "oranges",
    "berries",
    "blueberries",
    "strawberries",
    "grapes",
    "pear",
    "mango",
    "pineapple",
    "kiwi",
    "avocado",
    "yogurt",
    "yoghurt",
    "milk",
    "cheese",
    "butter",
    "cream",
    "coffee",
    "latte",
    "cappuccino",
    "tea",
    "juice",
    "smoothie",
    "shake",
    "protein",
    "whey",
    "rice",
    "pasta",
    "spaghetti",
    "noodles",
    "potato",
    "potatoes",
    "fries",
    "quinoa",
    "couscous",
    "chicken",
    "beef",
    "steak",
    "pork",
    "bacon",
    "ham",
    "turkey",
    "sausage",
    "salmon",
    "tuna",
    "fish",
    "shrimp",
    "prawns",
    "tofu",
    "tempeh",
    "lentils",
    "beans",
    "chickpeas",
    "hummus",
    "salad",
    "lettuce",
    "spinach",
    "broccoli",
    "carrots",
    "carrot",
    "tomato",
    "tomatoes",
    "cucumber",
    "peppers",
    "onion",
    "mushrooms",
    // Dishes, brands and UK names people type (issue 16).
    "whopper",
    "mac",
    "nuggets",
    "ribeye",
    "sirloin",
    "chop",
    "thigh",
    "lager",
    "ale",
    "pint",
    "crisps",
    "weetabix",
    "nutella",
    "naan",
    "quinoa",
    "asparagus",
    "cornflakes",
    "coke",
    "pepsi",
    "sprite",
    "redbull",
    "bull",
    "cheeseburger",
    "hamburger",
    "omelet",
    "crumpet",
    "crumpets",
    "scones",
    "yoghurt",
    "lasagna",
    "lasagne",
    "risotto",
    "falafel",
    "kebab",
    "gyro",
    "samosa",
    "bolognese",
    "bol",
    "spag",
    "noodle",
    "sub",
    "hotdog",
    "pretzel",
    "brownie",
    "espresso",
    "mocha",
    "americano",
    "milkshake",
    "nachos",
    "quesadilla",
    "pudding",
    "custard",
    "sweets",
    "candy",
    "granola",
    "jerky",
    "edamame",
    "seitan",
    "lamb",
    "mutton",
    "duck",
    "cod",
    "haddock",
    "mackerel",
    "sardines",
    "peas",
    "corn",
    "zucchini",
    "kale",
    "avo",
    "watermelon",
    "melon",
    "cherries",
    "plums",
    "peach",
    "nectarine",
    "clementine",
    "satsuma",
    "tangerine",
    "raspberries",
    "blackberries",
    "oatmilk",
    "soymilk",
    "croissants",
    "bun",
    "roll",
    "pitta",
    "pita",
    "tortilla",
    "chapati",
    "dal",
    "dahl",
    "paneer",
    "vegetables",
    "veggies",
    "soup",
    "sandwich",
    "wrap",
    "burrito",
    "taco",
    "tacos",
    "pizza",
    "burger",
    "sushi",
    "curry",
    "stew",
    "chili",
    "almonds",
    "nuts",
    "peanuts",
    "walnuts",
    "peanut",
    "chocolate",
    "cookie",
    "cookies",
    "cake",
    "muffin",
    "croissant",
    "pancakes",
    "waffles",
    "honey",
    "jam",
    "crackers",
    "chips",
    "popcorn",
    "bar",
    "beer",
    "wine",
    "water",
    "soda",
    "cola",
    "kombucha",
    "dates",
    "raisins",
    "olive",
    "oil",
    "mayo",
    "ketchup",
    "dressing",
    "ice",
    "icecream",
    "kefir",
    "cottage",
    "quark",
    "skyr",
    "ramen",
    "pho",
    "dumplings",
    "bowl",
    "omelette",
    "omelet",
    "frittata",
    "biscuit",
    "scone",
    "donut",
    "doughnut",
    "sorbet",
];

/// Reads one entry. `local_hour` (0–23) picks the meal when the text does not say.
pub fn parse(text: &str, local_hour: u32, default_weight: WeightUnit) -> Extraction {
    parse_with_foods(text, local_hour, default_weight, &[])
}

/// The parts of an entry read as nothing (no food word, sport, exercise or
/// body measure), each with the food phrases it would hold if it were a meal:
/// "costco hot dog", "a snickers", "glass of oj". The caller looks those up
/// in the food database and passes the parts that name a food to
/// `parse_with_foods`, which then reads them as meals.
pub fn unknown_parts(text: &str) -> Vec<(String, Vec<String>)> {
    let normalized = normalize(&super::when::strip(text));
    parts(&normalized, &[])
        .into_iter()
        .filter(|part| classify(part, &[]) == Kind::Unknown)
        .map(|part| {
            let names = read_foods(&part).into_iter().map(|f| f.name).collect();
            (part, names)
        })
        .filter(|(_, names): &(String, Vec<String>)| !names.is_empty())
        .collect()
}

/// As `parse`, with `food_parts` (from `unknown_parts`) known to name foods
/// in the food database, so they are read as meals.
pub fn parse_with_foods(
    text: &str,
    local_hour: u32,
    default_weight: WeightUnit,
    food_parts: &[String],
) -> Extraction {
    // Day words say when, not what: "2 days ago" is not two of something.
    let normalized = normalize(&super::when::strip(text));
    let mut meals: Vec<(Option<MealCategory>, Vec<ExtractedFood>)> = Vec::new();
    let mut workouts: Vec<ExtractedWorkout> = Vec::new();
    let mut measurement = ExtractedMeasurement::default();
    let mut confidences: Vec<f64> = Vec::new();
    let mut unrecognised = 0usize;
    let mut last_kind: Option<Kind> = None;

    for part in parts(&normalized, food_parts) {
        let kind = classify(&part, food_parts);
        match kind {
            Kind::Body => {
                if read_body(&part, default_weight, &mut measurement) {
                    confidences.push(0.95);
                } else {
                    unrecognised += 1;
                }
            }
            Kind::Strength => {
                // "100 squats and 50 lunges": each half is an exercise.
                let sets: Vec<ExtractedSet> = match read_sets(&part, default_weight) {
                    sets if !sets.is_empty() => sets,
                    _ => AND_SPLIT
                        .split(&part)
                        .flat_map(|half| read_sets(half.trim(), default_weight))
                        .collect(),
                };
                if sets.is_empty() {
                    unrecognised += 1;
                    continue;
                }
                confidences.push(0.85);
                // Consecutive exercises are one session.
                match workouts.last_mut() {
                    Some(w)
                        if w.activity_type == ActivityType::Strength && last_kind == Some(Kind::Strength) =>
                    {
                        w.sets.extend(sets)
                    }
                    _ => workouts.push(ExtractedWorkout {
                        activity_type: ActivityType::Strength,
                        name: "Strength workout".into(),
                        duration_seconds: read_duration(&part),
                        distance_meters: None,
                        sets,
                    }),
                }
            }
            Kind::Cardio(activity_type) => {
                let workout = read_cardio(&part, activity_type);
                confidences.push(match (workout.distance_meters, workout.duration_seconds) {
                    (Some(_), Some(_)) => 0.9,
                    (None, None) => 0.5,
                    _ => 0.75,
                });
                workouts.push(workout);
            }
            Kind::Meal => {
                let category = meal_category(&part);
                let foods = read_foods(&part);
                if foods.is_empty() {
                    unrecognised += 1;
                    continue;
                }
                // Parts of one meal ("2 eggs, toast and coffee for breakfast") stay together.
                match meals.last_mut() {
                    Some((existing, list))
                        if last_kind == Some(Kind::Meal)
                            && (existing.is_none() || category.is_none() || *existing == category) =>
                    {
                        if existing.is_none() {
                            *existing = category;
                        }
                        list.extend(foods);
                    }
                    _ => meals.push((category, foods)),
                }
                confidences.push(0.7);
            }
            Kind::Unknown => {
                // "cycled to work, 12 km": a bare distance or time belongs to the workout before it.
                let previous = workouts.last_mut().filter(|_| matches!(last_kind, Some(Kind::Cardio(_))));
                match previous {
                    Some(w) if DISTANCE.is_match(&part) || read_duration(&part).is_some() => {
                        let more = read_cardio(&part, w.activity_type);
                        w.distance_meters = w.distance_meters.or(more.distance_meters);
                        w.duration_seconds = w.duration_seconds.or(more.duration_seconds);
                        continue;
                    }
                    _ => unrecognised += 1,
                }
            }
        }
        last_kind = Some(kind);
    }

    let fallback = category_for_hour(local_hour);
    let meals = meals
        .into_iter()
        .map(|(category, foods)| ExtractedMeal { category: Some(category.unwrap_or(fallback)), foods })
        .collect();
    let measurements =
        if measurement == ExtractedMeasurement::default() { Vec::new() } else { vec![measurement] };
    let mean =
        if confidences.is_empty() { 0.0 } else { confidences.iter().sum::<f64>() / confidences.len() as f64 };
    // Every part the parser could not read lowers the confidence of the whole.
    let confidence = mean * 0.75f64.powi(unrecognised.min(8) as i32);
    Extraction { meals, workouts, measurements, confidence: (confidence * 100.0).round() / 100.0 }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Meal,
    Strength,
    Cardio(ActivityType),
    Body,
    Unknown,
}

fn normalize(text: &str) -> String {
    let lowered = text.to_lowercase().replace(['’', '‘'], "'").replace(['“', '”'], "\"");
    // "71,8 kg" is a decimal comma; "1,500 m" a thousands separator.
    let lowered = THOUSANDS.replace_all(&lowered, "${1}${2}");
    let lowered = DECIMAL_COMMA.replace_all(&lowered, "${1}.${2}${3}");
    let lowered = lowered.replace("w/o ", "without ").replace("w/", " with ");
    let words = NUMBER_WORD.replace_all(&lowered, |c: &regex::Captures| {
        match &c[1] {
            "a couple of" | "a couple" | "couple of" => "2",
            "a few" => "3",
            "a dozen" | "dozen" => "12",
            "half a" | "half an" | "a half" | "half" => "0.5",
            "one" => "1",
            "two" => "2",
            "three" => "3",
            "four" => "4",
            "five" => "5",
            "six" => "6",
            "seven" => "7",
            "eight" => "8",
            "nine" => "9",
            "ten" => "10",
            "eleven" => "11",
            "twelve" => "12",
            "thirteen" => "13",
            "fourteen" => "14",
            "fifteen" => "15",
            "sixteen" => "16",
            "seventeen" => "17",
            "eighteen" => "18",
            "nineteen" => "19",
            "twenty" => "20",
            "thirty" => "30",
            "forty" => "40",
            "fifty" => "50",
            "sixty" => "60",
            "seventy" => "70",
            "eighty" => "80",
            "ninety" => "90",
            // Kept as a word so "a hundred and fifty" becomes 150 below.
            "a hundred" => "1 hundred",
            other => other,
        }
        .to_string()
    });
    // "20 5" (or "20-5") from "twenty five" → "25"; "1 hundred and 50" → "150";
    // "5 k" from speech → "5k"; "point" → ".".
    let compounds = COMPOUND.replace_all(&words, |c: &regex::Captures| {
        let tens: u32 = c[1].parse().unwrap_or(0);
        let ones: u32 = c[2].parse().unwrap_or(0);
        (tens + ones).to_string()
    });
    let hundreds = HUNDRED.replace_all(&compounds, |c: &regex::Captures| {
        let times: u32 = c.get(1).and_then(|m| m.as_str().parse().ok()).unwrap_or(1);
        let rest: u32 = c.get(2).and_then(|m| m.as_str().parse().ok()).unwrap_or(0);
        (times * 100 + rest).to_string()
    });
    let spoken_k = SPOKEN_K.replace_all(&hundreds, "${1}k");
    meal_labels(&spoken_k.replace(" point ", "."))
}

/// "b: eggs, l: soup, d: pasta" → breakfast/lunch/dinner; "g&t" → gin and
/// tonic; UK "tea" at the head of a part is dinner when the entry names
/// another meal ("lunch sandwich, tea chicken curry") and the word after
/// it is a food, not what goes into the tea ("tea w milk", "tea and a biscuit").
fn meal_labels(text: &str) -> String {
    let text = GIN_AND_TONIC.replace_all(text, "gin and tonic");
    let text = LETTER_LABEL.replace_all(&text, |c: &regex::Captures| {
        let label = match &c[2] {
            "b" => "breakfast",
            "l" => "lunch",
            "d" => "dinner",
            _ => "snack",
        };
        format!("{}{label}:", &c[1])
    });
    let other_meal = has_word(&text, &["breakfast", "brekkie", "brekky", "bfast", "lunch"]);
    if !other_meal {
        return text.into_owned();
    }
    TEA_LABEL
        .replace_all(&text, |c: &regex::Captures| {
            let next = &c[2];
            if matches!(next, "w" | "with" | "and" | "&" | "n" | "plus" | "milk" | "no" | "black") {
                c[0].to_string()
            } else {
                format!("{}dinner {next}", &c[1])
            }
        })
        .into_owned()
}

static GIN_AND_TONIC: LazyLock<Regex> = LazyLock::new(|| re(r"\bg\s*(?:&|\+|n|and)\s*t\b"));
/// A one-letter meal label with a colon at the head of a part.
static LETTER_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(^|[,;.\n]\s*)([blds])\s*:"));
static TEA_LABEL: LazyLock<Regex> = LazyLock::new(|| re(r"(^|[,;.\n]\s*)tea\s*:?\s+([a-z&]+)"));

/// Clauses, then comma parts, then "and" halves when they are of different kinds.
fn parts(text: &str, food_parts: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for clause in CLAUSE_SPLIT.split(text) {
        for comma_part in clause.split(',') {
            let comma_part = comma_part.trim();
            if comma_part.is_empty() {
                continue;
            }
            let halves: Vec<&str> =
                AND_SPLIT.split(comma_part).map(str::trim).filter(|h| !h.is_empty()).collect();
            let kinds: Vec<Kind> = halves.iter().map(|h| classify(h, food_parts)).collect();
            let mixed = kinds.windows(2).any(|w| !same_group(w[0], w[1]));
            if mixed {
                out.extend(halves.into_iter().map(str::to_string));
            } else {
                out.push(comma_part.to_string());
            }
        }
    }
    out
}

/// "eggs and toast" stays one part; "ran 5k and weighed 80 kg" splits.
fn same_group(a: Kind, b: Kind) -> bool {
    a == b || matches!((a, b), (Kind::Meal, Kind::Unknown) | (Kind::Unknown, Kind::Meal))
}

fn has_word(text: &str, words: &[&str]) -> bool {
    text.split(|c: char| !c.is_alphanumeric() && c != '-').any(|w| words.contains(&w))
}

fn sport_in(text: &str) -> Option<&'static str> {
    SPORTS.iter().find(|(typed, _)| contains_phrase(text, typed)).map(|(_, name)| *name)
}

fn exercise_in(text: &str) -> Option<&'static str> {
    EXERCISES.iter().find(|(typed, _)| contains_phrase(text, typed)).map(|(_, name)| *name)
}

fn contains_phrase(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        let after = text[at + phrase.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        before && after
    })
}

fn classify(part: &str, food_parts: &[String]) -> Kind {
    let body = WEIGHT.is_match(part)
        || BODY_FAT.is_match(part)
        || WAIST.is_match(part)
        || BARE_WEIGHT.is_match(part)
        || stones_kg(part).is_some()
        || RESTING_HR.is_match(part);
    if body && exercise_in(part).is_none() {
        return Kind::Body;
    }
    if has_word(part, RUN_WORDS) || MARATHON.is_match(part) {
        return Kind::Cardio(ActivityType::Run);
    }
    if sport_in(part).is_some() {
        return Kind::Cardio(ActivityType::Sport);
    }
    // "row 5000m 21:30": "row" alone is also a strength exercise ("seated
    // row 3x10"), so it is rowing only with a distance or a time and no sets.
    if has_word(part, &["row"])
        && (DISTANCE.is_match(part) || read_duration(part).is_some())
        && !SETS_X_REPS.is_match(part)
        && !SETS_OF.is_match(part)
        && !WEIGHT_X_REPS.is_match(part)
    {
        return Kind::Cardio(ActivityType::Rowing);
    }
    for (words, kind) in [
        (RIDE_WORDS, ActivityType::Ride),
        (SWIM_WORDS, ActivityType::Swim),
        (HIKE_WORDS, ActivityType::Hike),
        (WALK_WORDS, ActivityType::Walk),
        (ROW_WORDS, ActivityType::Rowing),
        (YOGA_WORDS, ActivityType::Yoga),
        (ELLIPTICAL_WORDS, ActivityType::Elliptical),
        (CARDIO_WORDS, ActivityType::Cardio),
    ] {
        if has_word(part, words) {
            return Kind::Cardio(kind);
        }
    }
    // "5k in 25:00" with no other activity named is a run; "rowed 2k" was not.
    if K_DISTANCE.is_match(part) {
        return Kind::Cardio(ActivityType::Run);
    }
    if exercise_in(part).is_some()
        && (SETS_X_REPS.is_match(part)
            || SETS_OF.is_match(part)
            || WEIGHT_X_REPS.is_match(part)
            || REPS_ONLY.is_match(part)
            || AND_SPLIT.split(part).all(|h| REPS_ONLY.is_match(h.trim()) && exercise_in(h).is_some())
            || part.contains("set"))
    {
        return Kind::Strength;
    }
    if has_word(part, &["gym", "lifted", "lifting", "weights", "workout", "trained", "training"])
        && (SETS_X_REPS.is_match(part) || part.contains("set"))
    {
        return Kind::Strength;
    }
    let meal_word = has_word(
        part,
        &[
            "breakfast",
            "brekkie",
            "brekky",
            "bfast",
            "lunch",
            "dinner",
            "supper",
            "snack",
            "ate",
            "eaten",
            "drank",
            "had",
            "grabbed",
            "snacked",
        ],
    );
    if meal_word
        || has_word(part, FOOD_WORDS)
        || QUANTITY_FOOD.is_match(part)
        || food_parts.iter().any(|p| p == part)
    {
        return Kind::Meal;
    }
    Kind::Unknown
}

static LEADING_FILLER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:(?:i|i've|ive|just|had|have|ate|eaten|eat|drank|grabbed|snacked\s+on|munched|some|my|for|breakfast|brekkie|brekky|bfast|lunch|dinner|supper|snack|snacks|was)\b\s*[:-]?\s*)+",
    )
});
static TRAILING_CONTEXT: LazyLock<Regex> =
    LazyLock::new(|| re(r"\s+\b(?:after|before|post|pre|during|at|on the way)\b.*$"));
static THOUSANDS: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d{1,3}),(\d{3})\b"));
// "69,4kg": the unit may follow with no space.
static DECIMAL_COMMA: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d+),(\d{1,2})(\b|[a-z%])"));
static STONES: LazyLock<Regex> = LazyLock::new(|| {
    re(r"\b(\d{1,2})\s*(?:st|stone|stones)\b\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:lb|lbs|pounds?)?\b)?")
});
static RESTING_HR: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:resting\s*(?:hr|heart\s*rate|pulse)|rhr)\b\D{0,12}(\d{2,3})\b|\b(\d{2,3})\s*(?:bpm\s*)?(?:resting|rhr)\b",
    )
});
static H_M: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(\d+)\s*h(?:rs?|ours?)?\s*(\d+)\s*m(?:ins?|inutes?)?\b"));
static AN_HOUR: LazyLock<Regex> = LazyLock::new(|| re(r"\ban\s+(?:hour|hr)s?\b"));
static SECONDS: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d+)\s*(?:s|sec|secs|seconds?)\b"));
// "half" is already "0.5" after `normalize`.
static MARATHON: LazyLock<Regex> = LazyLock::new(|| re(r"(?:\b(half|0\.5|full)[\s-]*)?\bmarathon\b"));
static TRAILING_QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^(.*?[a-z].*?)\s+\(?(\d+(?:\.\d+)?)\s*(g|grams?|kg|oz|ounces?|lbs?|ml|l|pcs?|pieces?)\)?$")
});
static COMPOUND: LazyLock<Regex> = LazyLock::new(|| re(r"\b([2-9]0)[ -]([1-9])\b"));
static HUNDRED: LazyLock<Regex> =
    LazyLock::new(|| re(r"\b(?:([1-9])\s+)?hundred\b(?:(?:\s+and)?\s+(\d{1,2})\b)?"));
static SPOKEN_K: LazyLock<Regex> = LazyLock::new(|| re(r"\b(\d+(?:\.\d+)?) k\b"));
static K_DISTANCE: LazyLock<Regex> = LazyLock::new(|| re(r"\b\d+(?:\.\d+)?k\b"));
static QUANTITY_FOOD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:\d+(?:\.\d+)?|an?)\s*(?:g|grams?|oz|ml|cups?|tbsp|tsp|slices?|pieces?|scoops?|servings?|bowls?|glass(?:es)?|cans?|mugs?|pints?|bottles?|plates?|handfuls?|pots?|tubs?|tins?|bags?|packets?|rashers?)\b",
    )
});

fn weight_kg(value: f64, unit: Option<&str>, default: WeightUnit) -> f64 {
    let pounds = match unit {
        Some(u) => u.starts_with("lb") || u.starts_with("pound"),
        None => default == WeightUnit::Lb,
    };
    let kg = if pounds { value * LB_KG } else { value };
    (kg * 100.0).round() / 100.0
}

/// "12st 4lb", "11 stone 9", "weighed 12 st": UK stones and pounds, in kg.
fn stones_kg(part: &str) -> Option<f64> {
    let c = STONES.captures(part)?;
    let word = part[c.get(0)?.range()].contains("stone");
    let pounds = c.get(2).and_then(|p| p.as_str().parse::<f64>().ok());
    if !(word || pounds.is_some() || WEIGHT.is_match(part)) {
        return None; // "21st" is a date
    }
    let st: f64 = c[1].parse().ok()?;
    let lb = st * 14.0 + pounds.filter(|p| *p < 14.0).unwrap_or(0.0);
    Some((lb * LB_KG * 100.0).round() / 100.0)
}

fn read_body(part: &str, default: WeightUnit, m: &mut ExtractedMeasurement) -> bool {
    let mut found = false;
    if let Some(kg) = stones_kg(part).filter(|kg| *kg > 20.0 && *kg < 400.0) {
        m.weight_kg = Some(kg);
        found = true;
    } else if let Some(c) = WEIGHT.captures(part).or_else(|| BARE_WEIGHT.captures(part))
        && let Ok(v) = c[1].parse::<f64>()
    {
        let kg = weight_kg(v, c.get(2).map(|u| u.as_str()), default);
        if kg > 20.0 && kg < 400.0 {
            m.weight_kg = Some(kg);
            found = true;
        }
    }
    if let Some(c) = BODY_FAT.captures(part) {
        let value = c.get(1).or_else(|| c.get(2)).and_then(|v| v.as_str().parse::<f64>().ok());
        if let Some(v) = value.filter(|v| (2.0..=70.0).contains(v)) {
            m.body_fat_pct = Some(v);
            found = true;
        }
    }
    if let Some(c) = RESTING_HR.captures(part) {
        let bpm = c.get(1).or_else(|| c.get(2)).and_then(|v| v.as_str().parse::<f64>().ok());
        if let Some(bpm) = bpm.filter(|b| (25.0..=150.0).contains(b)) {
            m.resting_hr_bpm = Some(bpm);
            found = true;
        }
    }
    if let Some(c) = WAIST.captures(part)
        && let Ok(v) = c[1].parse::<f64>()
    {
        // A bare number under 60 is inches: nobody's waist is 60 cm or less by default.
        let inches = c.get(2).is_some_and(|u| u.as_str() != "cm") || (c.get(2).is_none() && v < 60.0);
        m.waist_cm = Some(if inches { (v * INCH_CM * 10.0).round() / 10.0 } else { v });
        found = true;
    }
    found
}

/// Duration from "25:30", "1:05:00", "1h 20", "45 min", "1.5 hours".
fn read_duration(part: &str) -> Option<i64> {
    for c in CLOCK.captures_iter(part) {
        if c.get(4).is_some() {
            continue; // a pace, not a duration
        }
        let a: i64 = c[1].parse().ok()?;
        let b: i64 = c[2].parse().ok()?;
        return Some(match c.get(3) {
            Some(s) => a * 3600 + b * 60 + s.as_str().parse::<i64>().ok()?,
            None => a * 60 + b,
        });
    }
    if let Some(c) = H_M.captures(part) {
        let h: i64 = c[1].parse().ok()?;
        let m: i64 = c[2].parse().ok()?;
        return Some(h * 3600 + m * 60);
    }
    let hours = HOURS.captures(part).and_then(|c| c[1].parse::<f64>().ok()).unwrap_or(0.0);
    let minutes = MINUTES.captures(part).and_then(|c| c[1].parse::<f64>().ok()).unwrap_or(0.0);
    // Seconds only beside minutes or hours ("31 min 40 s"), never alone ("5 s" is not a workout).
    let seconds = if hours + minutes > 0.0 {
        SECONDS.captures(part).and_then(|c| c[1].parse::<f64>().ok()).unwrap_or(0.0)
    } else {
        0.0
    };
    // "tennis for an hour", "an hour's walk".
    let hours = if hours + minutes == 0.0 && AN_HOUR.is_match(part) { 1.0 } else { hours };
    let total = hours * 3600.0 + minutes * 60.0 + seconds;
    (total > 0.0).then(|| total.round() as i64)
}

/// The first clock of a part read as hours:minutes, when it has two parts ("1:58").
fn two_part_clock_as_hours(part: &str) -> Option<i64> {
    let c = CLOCK.captures_iter(part).find(|c| c.get(4).is_none())?;
    if c.get(3).is_some() {
        return None;
    }
    let h: i64 = c[1].parse().ok()?;
    let m: i64 = c[2].parse().ok()?;
    (m < 60).then_some(h * 3600 + m * 60)
}

/// A speed above world-record pace over any distance (m/s): past it, "1:58"
/// cannot be minutes and seconds.
fn fastest_speed_m_s(activity_type: ActivityType) -> f64 {
    match activity_type {
        ActivityType::Run | ActivityType::Walk | ActivityType::Hike => 10.5,
        ActivityType::Swim => 2.5,
        ActivityType::Rowing => 6.5,
        _ => 25.0,
    }
}

fn read_pace_seconds_per_km(part: &str) -> Option<f64> {
    CLOCK.captures_iter(part).find_map(|c| {
        let suffix = c.get(4)?.as_str();
        let seconds = c[1].parse::<f64>().ok()? * 60.0 + c[2].parse::<f64>().ok()?;
        Some(if suffix.contains("mi") { seconds / (MILE_M / 1000.0) } else { seconds })
    })
}

fn read_cardio(part: &str, activity_type: ActivityType) -> ExtractedWorkout {
    let distance_meters = DISTANCE.captures(part).and_then(|c| {
        let v: f64 = c[1].parse().ok()?;
        let unit = &c[2];
        Some(if unit.starts_with('m') && unit != "m" && !unit.starts_with("met") {
            v * MILE_M
        } else if unit == "m" || unit.starts_with("met") {
            v
        } else {
            v * 1000.0
        })
    });
    let distance_meters = distance_meters.or_else(|| {
        MARATHON
            .captures(part)
            .map(|c| if c.get(1).is_some_and(|h| h.as_str() != "full") { 21_097.5 } else { 42_195.0 })
    });
    let mut duration_seconds = read_duration(part);
    // "21 km in 1:58" is 1 h 58 min: a two-part clock reads as minutes:seconds
    // unless that would be faster than anyone covers the distance.
    if let (Some(d), Some(t)) = (distance_meters, duration_seconds)
        && let Some(as_hours) = two_part_clock_as_hours(part)
        && d / (t.max(1) as f64) > fastest_speed_m_s(activity_type)
    {
        duration_seconds = Some(as_hours);
    }
    if duration_seconds.is_none()
        && let (Some(d), Some(pace)) = (distance_meters, read_pace_seconds_per_km(part))
    {
        duration_seconds = Some((d / 1000.0 * pace).round() as i64);
    }
    let base = match activity_type {
        ActivityType::Run
            if MARATHON.captures(part).is_some_and(|c| c.get(1).is_some_and(|h| h.as_str() != "full")) =>
        {
            "Half marathon"
        }
        ActivityType::Run if MARATHON.is_match(part) => "Marathon",
        ActivityType::Ride if has_word(part, &["spin", "spinning"]) => "Spin class",
        ActivityType::Run => "Run",
        ActivityType::Ride => "Ride",
        ActivityType::Swim => "Swim",
        ActivityType::Walk => "Walk",
        ActivityType::Hike => "Hike",
        ActivityType::Rowing => "Row",
        ActivityType::Yoga if has_word(part, &["pilates"]) => "Pilates",
        ActivityType::Yoga => "Yoga",
        ActivityType::Elliptical => "Elliptical",
        ActivityType::Sport => sport_in(part).unwrap_or("Sport"),
        ActivityType::Cardio if has_word(part, &["hiit"]) => "HIIT",
        ActivityType::Cardio if has_word(part, &["crossfit"]) => "CrossFit",
        _ => "Workout",
    };
    let adjective =
        ["easy", "long", "tempo", "recovery", "hilly", "interval"].into_iter().find(|a| has_word(part, &[a]));
    let name = match adjective {
        Some(a) => format!("{}{} {}", a[..1].to_uppercase(), &a[1..], base.to_lowercase()),
        None => base.to_string(),
    };
    ExtractedWorkout {
        activity_type,
        name,
        duration_seconds,
        distance_meters: distance_meters.map(|d| d.round()),
        sets: Vec::new(),
    }
}

fn read_sets(part: &str, default: WeightUnit) -> Vec<ExtractedSet> {
    let exercise = exercise_in(part).map(str::to_string);
    let make = |exercise: &Option<String>, reps: i64, weight: Option<f64>, count: i64| {
        let name = exercise.clone().unwrap_or_else(|| "Exercise".into());
        (0..count.clamp(1, 20))
            .map(|_| ExtractedSet { exercise: name.clone(), reps, weight_kg: weight })
            .collect::<Vec<_>>()
    };
    if let Some(c) = SETS_OF.captures(part) {
        let sets: i64 = c[1].parse().unwrap_or(1);
        let reps: i64 = c[2].parse().unwrap_or(0);
        let weight = c
            .get(4)
            .and_then(|w| w.as_str().parse::<f64>().ok())
            .map(|w| weight_kg(w, c.get(5).map(|u| u.as_str()), default));
        let name = exercise.clone().or_else(|| c.get(3).map(|n| title_case(n.as_str().trim())));
        return make(&name, reps, weight, sets);
    }
    if let Some(c) = SETS_X_REPS.captures(part) {
        let sets: i64 = c[1].parse().unwrap_or(1);
        let reps: i64 = c[2].parse().unwrap_or(0);
        let weight = c
            .get(3)
            .and_then(|w| w.as_str().parse::<f64>().ok())
            .map(|w| weight_kg(w, c.get(4).map(|u| u.as_str()), default));
        return make(&exercise, reps, weight, sets);
    }
    if let Some(c) = WEIGHT_X_REPS.captures(part) {
        let weight = c[1].parse::<f64>().ok().map(|w| weight_kg(w, Some(&c[2]), default));
        let reps: i64 = c[3].parse().unwrap_or(0);
        let sets: i64 = c.get(4).and_then(|s| s.as_str().parse().ok()).unwrap_or(1);
        return make(&exercise, reps, weight, sets);
    }
    if let Some(c) = REPS_ONLY.captures(part) {
        let reps: i64 = c[1].parse().unwrap_or(0);
        return make(&exercise, reps, None, 1);
    }
    Vec::new()
}

fn meal_category(part: &str) -> Option<MealCategory> {
    if has_word(part, &["breakfast", "brekkie", "brekky", "bfast"]) {
        Some(MealCategory::Breakfast)
    } else if has_word(part, &["lunch"]) {
        Some(MealCategory::Lunch)
    } else if has_word(part, &["dinner", "supper"]) {
        Some(MealCategory::Dinner)
    } else if has_word(part, &["snack", "snacks"]) {
        Some(MealCategory::Snack)
    } else {
        None
    }
}

/// The meal a time of day suggests, when the text names none.
pub fn category_for_hour(hour: u32) -> MealCategory {
    match hour {
        4..=10 => MealCategory::Breakfast,
        11..=14 => MealCategory::Lunch,
        17..=21 => MealCategory::Dinner,
        _ => MealCategory::Snack,
    }
}

/// Dishes named with "and" stay one food.
const COMPOUNDS: [&str; 10] = [
    "gin and tonic",
    "vodka and tonic",
    "mac and cheese",
    "macaroni and cheese",
    "fish and chips",
    "peanut butter and jelly",
    "pb and j",
    "bangers and mash",
    "sweet and sour",
    "salt and vinegar",
];
/// "ham and cheese sandwich": the "and" is inside the dish's name.
static AND_DISH: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b([a-z]+(?: [a-z]+)?) and ([a-z]+(?: [a-z]+)? (?:sandwich|sandwiches|sub|wrap|panini|toastie|omelette|omelet|pizza|pie|salad|burrito|bagel|quesadilla|stir fry|curry|soup))\b",
    )
});
/// Marks an "and" that does not split foods (a control character nobody types).
const KEPT_AND: &str = "\u{1}";
/// Marks an "&" inside a name ("pb&j", "g&t", "m&ms"), kept as typed.
const KEPT_AMP: &str = "\u{2}";
/// "&" between one- or two-letter words is part of a name.
static LETTER_AMP: LazyLock<Regex> = LazyLock::new(|| re(r"\b([a-z]{1,2})\s*&\s*([a-z]{1,2})\b"));
/// "eggs - 2", "toast - 2 slices", "eggs x2": a count after the name.
static DASH_COUNT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(.*?[a-z].*?)\s+(?:-+|–|x|×)\s*(\d+(?:\.\d+)?(?:\s*[a-z]+)?)$"));

fn read_foods(part: &str) -> Vec<ExtractedFood> {
    let part = LETTER_AMP.replace_all(part, format!("${{1}}{KEPT_AMP}${{2}}").as_str()).to_string();
    // "ham and cheese sandwich" is one dish; "pepsi max and a ham sandwich"
    // (an article or a count after "and") is two foods.
    let mut part = AND_DISH
        .replace_all(&part, |c: &regex::Captures| {
            let second = &c[2];
            let counted = second.split(' ').next().is_some_and(|w| {
                matches!(w, "a" | "an" | "the" | "some" | "my") || w.chars().all(|ch| ch.is_ascii_digit())
            });
            if counted { c[0].to_string() } else { format!("{}{KEPT_AND}{}", &c[1], second) }
        })
        .to_string();
    for compound in COMPOUNDS {
        part = part.replace(compound, &compound.replace(" and ", KEPT_AND));
    }
    let mut foods: Vec<ExtractedFood> = FOOD_SPLIT
        .split(&part)
        .filter_map(|chunk| {
            // "ate a burrito", "snack: 30 g chocolate", "shake after the gym": keep the food.
            let chunk = LEADING_FILLER.replace(chunk.trim(), "");
            let chunk = TRAILING_CONTEXT.replace(&chunk, "");
            let chunk = chunk.trim();
            let (quantity, rest) = read_quantity(chunk);
            let (mut unit, mut rest) = match UNIT.captures(rest) {
                Some(c) => (canonical_unit(c[1].trim_end_matches('.')), &rest[c[0].len()..]),
                None => (None, rest),
            };
            // "large glass of wine", "small bag of doritos": the container is the unit.
            if matches!(unit.as_deref(), Some("small" | "medium" | "large"))
                && let Some(c) = UNIT.captures(rest)
                && let Some(second) = canonical_unit(c[1].trim_end_matches('.'))
                && !matches!(second.as_str(), "small" | "medium" | "large" | "tall" | "grande" | "venti")
            {
                // Kept as "large glass": portions scales the container by the size.
                unit = Some(match unit.as_deref() {
                    Some("medium") | None => second,
                    Some(size) => format!("{size} {second}"),
                });
                rest = &rest[c[0].len()..];
            }
            let name = FILLER.replace_all(rest, " ");
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let mut name = name.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
            let (mut quantity, mut unit) = (quantity, unit);
            // "chicken thigh 180g", "steak (8 oz)": the amount after the name.
            if unit.is_none()
                && let Some(c) = TRAILING_QUANTITY.captures(&name.clone())
                && let Ok(v) = c[2].parse::<f64>()
                && v > 0.0
            {
                name = c[1].trim().to_string();
                quantity = v;
                unit = canonical_unit(&c[3]);
            }
            // "eggs - 2", "toast - 2 slices": the count after a spaced dash.
            if unit.is_none()
                && quantity == 1.0
                && let Some(c) = DASH_COUNT.captures(&name.clone())
            {
                let (q, rest) = read_quantity(&c[2]);
                let u = UNIT.captures(rest).and_then(|u| canonical_unit(u[1].trim_end_matches('.')));
                let rest_len = UNIT.captures(rest).map(|u| u[0].len()).unwrap_or(0);
                if rest[rest_len..].trim().is_empty() {
                    name = c[1].trim().to_string();
                    quantity = q;
                    unit = u;
                }
            }
            // "strawberry yoghurt pot": a UK pot named after the food.
            if unit.is_none()
                && let Some(food) = ["pot", "pots", "tub", "tubs"]
                    .iter()
                    .find_map(|w| name.strip_suffix(&format!(" {w}")))
                    .filter(|food| food.chars().any(|c| c.is_alphabetic()))
            {
                name = food.trim().to_string();
                unit = Some("pot".into());
            }
            let name = name.replace(KEPT_AND, " and ").replace(KEPT_AMP, "&");
            if name.is_empty() || name.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let grams = match unit.as_deref() {
                Some("g") => Some(quantity),
                Some("kg") => Some(quantity * 1000.0),
                Some("oz") => Some(quantity * 28.349_523),
                Some("lb") => Some(quantity * 453.592_37),
                _ => None,
            };
            Some(ExtractedFood {
                name,
                quantity,
                unit: unit.unwrap_or_else(|| "serving".into()),
                grams,
                calories: 0.0,
                protein_g: 0.0,
                carbs_g: 0.0,
                fat_g: 0.0,
                food_id: None,
                nutrients: Default::default(),
            })
        })
        .collect();
    // "coffee with milk", "tea, milk and 2 sugars": what goes into a drink is
    // a splash or a spoonful, not a glass of milk or a cup of sugar.
    let drink = foods.iter().any(|f| {
        has_word(
            &f.name,
            &[
                "coffee",
                "tea",
                "cuppa",
                "brew",
                "latte",
                "cappuccino",
                "americano",
                "espresso",
                "chai",
                "cocoa",
            ],
        )
    });
    if drink {
        for f in foods.iter_mut().filter(|f| f.unit == "serving" && f.grams.is_none()) {
            let (amount, unit) = match f.name.as_str() {
                "milk" | "splash milk" | "dash milk" | "drop milk" => (2.0, "tbsp"),
                "cream" | "creamer" | "half and half" | "oat milk" | "soy milk" | "almond milk" => {
                    (1.0, "tbsp")
                }
                "sugar" | "sugars" | "sweetener" | "honey" => (1.0, "tsp"),
                _ => continue,
            };
            f.quantity *= amount;
            f.unit = unit.to_string();
        }
    }
    foods
}

fn read_quantity(chunk: &str) -> (f64, &str) {
    let Some(c) = QUANTITY.captures(chunk) else { return (1.0, chunk) };
    let rest = &chunk[c[0].len()..];
    // "2% milk" is a kind of milk, not two of them.
    if rest.starts_with('%') {
        return (1.0, chunk);
    }
    let n = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<f64>().ok());
    let value = if let (Some(whole), Some(num), Some(den)) = (n(1), n(2), n(3)) {
        whole + num / den.max(1.0)
    } else if let (Some(num), Some(den)) = (n(4), n(5)) {
        num / den.max(1.0)
    } else {
        n(6).unwrap_or(1.0) // None: "a", "an"
    };
    (if value > 0.0 { value } else { 1.0 }, rest)
}

fn canonical_unit(unit: &str) -> Option<String> {
    let u = match unit {
        "g" | "gr" | "gram" | "grams" => "g",
        "kg" | "kilo" | "kilos" => "kg",
        "oz" | "ounce" | "ounces" => "oz",
        "lb" | "lbs" | "pound" | "pounds" => "lb",
        "ml" | "milliliter" | "milliliters" | "millilitre" | "millilitres" => "ml",
        "l" | "liter" | "liters" | "litre" | "litres" => "l",
        "cup" | "cups" | "mug" | "mugs" => "cup",
        "tbsp" | "tablespoon" | "tablespoons" => "tbsp",
        "tsp" | "teaspoon" | "teaspoons" => "tsp",
        "slice" | "slices" => "slice",
        "piece" | "pieces" | "pc" | "pcs" => "piece",
        "scoop" | "scoops" => "scoop",
        "serving" | "servings" => "serving",
        "bowl" | "bowls" => "bowl",
        "glass" | "glasses" => "glass",
        "can" | "cans" | "tin" | "tins" => "can",
        "handful" | "handfuls" => "handful",
        "bar" | "bars" => "bar",
        "plate" | "plates" => "plate",
        "strip" | "strips" => "slice",
        // A UK rasher is not a US slice: portions weighs it.
        "rasher" | "rashers" => "rasher",
        "bottle" | "bottles" => "bottle",
        "pint" | "pints" => "pint",
        // A pot of yoghurt is a UK pot (portions), not the food's US container.
        "pot" | "pots" | "tub" | "tubs" => "pot",
        "bag" | "bags" | "packet" | "packets" => "serving",
        // Coffee-shop sizes.
        "tall" => "tall",
        "grande" => "grande",
        "venti" => "venti",
        "medium" | "regular" => "medium",
        "large" | "big" => "large",
        "small" => "small",
        _ => return None,
    };
    Some(u.to_string())
}

fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Extraction {
        parse(text, 12, WeightUnit::Kg)
    }

    #[test]
    fn a_count_after_a_spaced_dash_or_an_x_is_the_quantity() {
        let e = p("eggs - 2");
        let food = &e.meals[0].foods[0];
        assert_eq!((food.name.as_str(), food.quantity), ("eggs", 2.0));
        let e = p("toast - 2 slices w butter");
        let foods = &e.meals[0].foods;
        assert_eq!(foods.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["toast", "butter"]);
        assert_eq!((foods[0].quantity, foods[0].unit.as_str()), (2.0, "slice"));
        assert_eq!(p("eggs x2").meals[0].foods[0].quantity, 2.0);
    }

    #[test]
    fn an_ampersand_between_letters_is_part_of_the_name() {
        let e = p("pb&j and a glass of milk");
        let names: Vec<&str> = e.meals[0].foods.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["pb&j", "milk"]);
    }

    #[test]
    fn parts_without_a_food_word_are_meals_once_the_database_names_them() {
        let text = "a snickers, felt great";
        assert!(p(text).meals.is_empty());
        let unknown = unknown_parts(text);
        assert_eq!(unknown[0], ("a snickers".to_string(), vec!["snickers".to_string()]));
        let e = parse_with_foods(text, 15, WeightUnit::Kg, &[unknown[0].0.clone()]);
        assert_eq!(e.meals[0].foods[0].name, "snickers");
        assert_eq!(e.classification(), "meal");
    }

    #[test]
    fn uk_pots_tins_and_coffee_shop_sizes_are_units() {
        let food = &p("strawberry yoghurt pot").meals[0].foods[0];
        assert_eq!((food.name.as_str(), food.unit.as_str()), ("strawberry yoghurt", "pot"));
        assert_eq!(p("a pot of yoghurt").meals[0].foods[0].unit, "pot");
        assert_eq!(p("a tin of tuna").meals[0].foods[0].unit, "can");
        assert_eq!(p("grande latte").meals[0].foods[0].unit, "grande");
    }

    #[test]
    fn several_things_in_one_entry() {
        let e = p("oatmeal with banana for breakfast, then a 30 min easy run, weighed 82.4 kg");
        assert_eq!(e.classification(), "multiple");
        assert_eq!(e.meals.len(), 1);
        assert_eq!(e.meals[0].category, Some(MealCategory::Breakfast));
        let names: Vec<&str> = e.meals[0].foods.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["oatmeal", "banana"]);
        assert_eq!(e.workouts.len(), 1);
        assert_eq!(e.workouts[0].activity_type, ActivityType::Run);
        assert_eq!(e.workouts[0].duration_seconds, Some(1800));
        assert_eq!(e.workouts[0].name, "Easy run");
        assert_eq!(e.measurements[0].weight_kg, Some(82.4));
        assert!(e.confidence > 0.7, "{}", e.confidence);
    }

    #[test]
    fn a_two_part_clock_is_hours_only_when_minutes_would_be_impossible() {
        let half = p("long run 21 km half marathon distance in 1:58");
        assert_eq!(half.workouts[0].duration_seconds, Some(7080));
        let five = p("ran 5k in 25:30");
        assert_eq!(five.workouts[0].duration_seconds, Some(1530));
        let mile = p("ran 1 mile in 6:05");
        assert_eq!(mile.workouts[0].duration_seconds, Some(365));
    }

    #[test]
    fn foods_with_amounts_and_units() {
        let e = p("2 eggs, 150 g greek yogurt, a banana and 1/2 cup of oats");
        let foods: Vec<(String, f64, String, Option<f64>)> =
            e.meals[0].foods.iter().map(|f| (f.name.clone(), f.quantity, f.unit.clone(), f.grams)).collect();
        assert_eq!(
            foods,
            vec![
                ("eggs".into(), 2.0, "serving".into(), None),
                ("greek yogurt".into(), 150.0, "g".into(), Some(150.0)),
                ("banana".into(), 1.0, "serving".into(), None),
                ("oats".into(), 0.5, "cup".into(), None),
            ]
        );
        assert_eq!(e.meals[0].category, Some(MealCategory::Lunch), "noon without a meal word is lunch");
    }

    #[test]
    fn runs_with_distance_time_and_pace() {
        let run = &p("ran 5k in 25:30").workouts[0];
        assert_eq!((run.distance_meters, run.duration_seconds), (Some(5000.0), Some(1530)));
        let miles = &p("ran 3 miles in 27 minutes").workouts[0];
        assert_eq!(miles.distance_meters, Some(4828.0));
        assert_eq!(miles.duration_seconds, Some(1620));
        let pace = &p("10 km run at 5:00/km").workouts[0];
        assert_eq!(pace.duration_seconds, Some(3000));
        let ride = &p("rode 42.5 km in 1:35:00").workouts[0];
        assert_eq!((ride.activity_type, ride.duration_seconds), (ActivityType::Ride, Some(5700)));
    }

    #[test]
    fn strength_sets_one_row_each() {
        let e = p("bench 3x8 @ 80 kg, squat 5x5 at 100kg, 3 sets of 10 pull-ups");
        assert_eq!(e.workouts.len(), 1, "one session");
        let sets = &e.workouts[0].sets;
        assert_eq!(sets.len(), 11);
        assert_eq!(sets[0], ExtractedSet { exercise: "Bench press".into(), reps: 8, weight_kg: Some(80.0) });
        assert_eq!(sets[3], ExtractedSet { exercise: "Squat".into(), reps: 5, weight_kg: Some(100.0) });
        assert_eq!(sets[10], ExtractedSet { exercise: "Pull-up".into(), reps: 10, weight_kg: None });
        let lb = p("deadlift 315 lbs x 5");
        assert_eq!(lb.workouts[0].sets[0].weight_kg, Some(142.88));
    }

    #[test]
    fn body_measures_in_any_unit() {
        let m = &p("weight 181.2 lbs, bf 18.5%, waist 33 in").measurements[0];
        assert_eq!(m.weight_kg, Some(82.19));
        assert_eq!(m.body_fat_pct, Some(18.5));
        assert_eq!(m.waist_cm, Some(83.8));
        assert_eq!(p("82.4 kg this morning").measurements[0].weight_kg, Some(82.4));
        assert_eq!(parse("weighed in at 180", 8, WeightUnit::Lb).measurements[0].weight_kg, Some(81.65));
    }

    #[test]
    fn spoken_numbers_work_like_digits() {
        let e = p("Two eggs and toast for breakfast");
        assert_eq!(e.meals[0].foods[0].quantity, 2.0);
        assert_eq!(e.meals[0].category, Some(MealCategory::Breakfast));
        assert_eq!(p("ran five k in twenty five minutes").workouts[0].distance_meters, Some(5000.0));
    }

    /// What a speech model writes: capitals, full stops, hyphens, numbers as words.
    #[test]
    fn transcribed_speech_reads_like_typed_text() {
        let foods = |text: &str| -> Vec<(String, f64, String, Option<f64>)> {
            p(text)
                .meals
                .iter()
                .flat_map(|m| &m.foods)
                .map(|f| (f.name.clone(), f.quantity, f.unit.clone(), f.grams))
                .collect()
        };
        assert_eq!(foods("Three eggs and a banana.")[0].1, 3.0);
        assert_eq!(foods("Three eggs and a banana.")[1], ("banana".into(), 1.0, "serving".into(), None));
        let chicken = &foods("A hundred and fifty grams of chicken breast for lunch.")[0];
        assert_eq!((chicken.0.as_str(), chicken.3), ("chicken breast", Some(150.0)));
        assert_eq!(foods("Two hundred grams of rice.")[0].3, Some(200.0));
        assert_eq!(foods("Eighteen almonds.")[0].1, 18.0);
        let e = p("I weighed eighty-two point four kilos this morning.");
        assert_eq!(e.measurements[0].weight_kg, Some(82.4));
        let e = p("Ran ten kilometers in fifty-five minutes.");
        assert_eq!(e.workouts[0].distance_meters, Some(10000.0));
        assert_eq!(e.workouts[0].duration_seconds, Some(55 * 60));
        let sets = &p("Bench press three sets of eight at seventy kilos.").workouts[0].sets;
        assert_eq!(sets.len(), 3);
        assert_eq!(sets[0].weight_kg, Some(70.0));
    }

    #[test]
    fn sports_classes_reps_and_times_people_type() {
        let w = &p("1 hr badminton").workouts[0];
        assert_eq!(
            (w.activity_type, w.name.as_str(), w.duration_seconds),
            (ActivityType::Sport, "Badminton", Some(3600))
        );
        let w = &p("spin class 45 min").workouts[0];
        assert_eq!((w.activity_type, w.duration_seconds), (ActivityType::Ride, Some(2700)));
        assert_eq!(p("hiit 20 mins").workouts[0].activity_type, ActivityType::Cardio);
        assert_eq!(p("elliptical 30 minutes").workouts[0].activity_type, ActivityType::Elliptical);
        assert_eq!(p("1h20m hike").workouts[0].duration_seconds, Some(4800));
        let swim = &p("swam 1km in 31 min 40 s").workouts[0];
        assert_eq!((swim.distance_meters, swim.duration_seconds), (Some(1000.0), Some(1900)));
        let half = &p("half marathon in 1:52:10").workouts[0];
        assert_eq!((half.distance_meters, half.duration_seconds), (Some(21098.0), Some(6730)));
        let pace = &p("8k at 4:45/km").workouts[0];
        assert_eq!(pace.duration_seconds, Some(2280));
        let reps: i64 = p("80 pushups").workouts[0].sets.iter().map(|s| s.reps).sum();
        assert_eq!(reps, 80);
        let e = p("50 situps and 30 burpees");
        let sets = &e.workouts[0].sets;
        assert_eq!(
            (sets[0].exercise.as_str(), sets[0].reps, sets[1].exercise.as_str(), sets[1].reps),
            ("Sit-up", 50, "Burpee", 30)
        );
    }

    #[test]
    fn body_entries_with_commas_stones_and_resting_heart_rate() {
        assert_eq!(p("71,8 kg").measurements[0].weight_kg, Some(71.8));
        assert_eq!(p("bf 22,5%").measurements[0].body_fat_pct, Some(22.5));
        assert_eq!(p("weighed 12st 4lb").measurements[0].weight_kg, Some(78.02));
        assert_eq!(p("11 stone 9").measurements[0].weight_kg, Some(73.94));
        assert_eq!(p("resting hr 52").measurements[0].resting_hr_bpm, Some(52.0));
        assert_eq!(p("rhr 58 this morning").measurements[0].resting_hr_bpm, Some(58.0));
        // A thousands separator is not a decimal comma.
        assert_eq!(p("swam 1,500 m").workouts[0].distance_meters, Some(1500.0));
    }

    #[test]
    fn amounts_inside_phrases_and_phone_shorthand() {
        let f = &p("chicken thigh 180g w/ rice").meals[0].foods;
        assert_eq!((f[0].name.as_str(), f[0].grams), ("chicken thigh", Some(180.0)));
        assert_eq!(f[1].name, "rice");
        let f = &p("8oz ribeye").meals[0].foods[0];
        assert_eq!((f.name.as_str(), f.unit.as_str()), ("ribeye", "oz"));
        let e = p("bfast: 2 eggs & toast");
        assert_eq!(e.meals[0].category, Some(MealCategory::Breakfast));
        assert_eq!(e.meals[0].foods.len(), 2);
        let f = &p("grabbed a blueberry muffin").meals[0].foods[0];
        assert_eq!(f.name, "blueberry muffin");
        let f = &p("had a whopper and small fries").meals[0].foods;
        assert_eq!((f[1].name.as_str(), f[1].unit.as_str()), ("fries", "small"));
    }

    #[test]
    fn dishes_named_with_and_and_what_goes_into_a_drink() {
        let names =
            |text: &str| -> Vec<String> { p(text).meals[0].foods.iter().map(|f| f.name.clone()).collect() };
        assert_eq!(names("ham and cheese sandwich for lunch"), ["ham and cheese sandwich"]);
        assert_eq!(names("bowl of mac and cheese"), ["mac and cheese"]);
        assert_eq!(names("eggs and toast"), ["eggs", "toast"]);
        let f = &p("cup of tea with milk and 2 sugars").meals[0].foods;
        assert_eq!((f[1].quantity, f[1].unit.as_str()), (2.0, "tbsp"));
        assert_eq!((f[2].quantity, f[2].unit.as_str()), (2.0, "tsp"));
        assert_eq!(p("a glass of milk").meals[0].foods[0].unit, "glass", "milk on its own is a glass");
    }

    #[test]
    fn units_glued_to_decimal_commas_sizes_of_containers_and_an_hour() {
        assert_eq!(p("69,4kg this am").measurements[0].weight_kg, Some(69.4));
        assert_eq!(p("tennis for an hour").workouts[0].duration_seconds, Some(3600));
        assert_eq!(p("rowed 2k in 8:05").workouts[0].activity_type, ActivityType::Rowing);
        assert_eq!(p("5k in 25:00").workouts[0].activity_type, ActivityType::Run);
        assert_eq!(p("45 min on the peloton").workouts[0].activity_type, ActivityType::Ride);
        let f = &p("bowl of cheerios w/ 2% milk").meals[0].foods;
        assert_eq!((f[1].name.as_str(), f[1].quantity), ("2% milk", 1.0));
        let f = &p("large glass of white wine").meals[0].foods[0];
        assert_eq!((f.name.as_str(), f.unit.as_str()), ("white wine", "large glass"));
        let f = &p("cuppa w/ milk").meals[0].foods;
        assert_eq!((f[1].quantity, f[1].unit.as_str()), (2.0, "tbsp"), "milk in tea is a splash");
    }

    #[test]
    fn meal_labels_and_two_foods_joined_by_and() {
        let x = p("b: 2 eggs & toast, l: tuna sandwich, d: spag bol");
        let cats: Vec<_> = x.meals.iter().map(|m| m.category).collect();
        assert_eq!(
            cats,
            vec![Some(MealCategory::Breakfast), Some(MealCategory::Lunch), Some(MealCategory::Dinner)]
        );
        assert_eq!(x.meals[0].foods[0].name, "eggs");
        let x = p("brekkie porridge, lunch chicken sandwich, tea chicken curry w rice");
        assert_eq!(x.meals.last().and_then(|m| m.category), Some(MealCategory::Dinner));
        assert_eq!(x.meals.last().map(|m| m.foods[0].name.as_str()), Some("chicken curry"));
        // "tea w milk" is the drink, even beside another meal.
        let x = p("lunch soup, tea w milk");
        assert!(x.meals.iter().flat_map(|m| &m.foods).any(|f| f.name == "tea"));
        // As the pipeline reads it: parts the food database names are meals.
        let pf = |t: &str| {
            let known: Vec<String> = unknown_parts(t).into_iter().map(|(part, _)| part).collect();
            parse_with_foods(t, 12, WeightUnit::Kg, &known)
        };
        let names = |t: &str| {
            pf(t).meals.iter().flat_map(|m| m.foods.iter().map(|f| f.name.clone())).collect::<Vec<_>>()
        };
        assert_eq!(names("pepsi max and a ham sandwich"), vec!["pepsi max", "ham sandwich"]);
        assert_eq!(names("ham and cheese sandwich"), vec!["ham and cheese sandwich"]);
        assert_eq!(names("g&t"), vec!["gin and tonic"]);
        let roll = &pf("california roll 8 pcs").meals[0].foods[0];
        assert_eq!(
            (roll.name.as_str(), roll.quantity, roll.unit.as_str()),
            ("california roll", 8.0, "piece")
        );
    }

    #[test]
    fn row_with_a_distance_is_rowing_and_with_sets_is_strength() {
        let x = p("row 5000m 21:30");
        assert_eq!(x.workouts[0].activity_type, ActivityType::Rowing);
        assert_eq!(x.workouts[0].distance_meters, Some(5000.0));
        assert_eq!(x.workouts[0].duration_seconds, Some(1290));
        assert_eq!(p("seated row 3x10 50kg").workouts[0].activity_type, ActivityType::Strength);
    }

    #[test]
    fn nothing_recognised_is_honest() {
        let e = p("felt great today");
        assert!(e.is_empty());
        assert_eq!(e.classification(), "unknown");
        assert_eq!(e.confidence, 0.0);
    }
}
