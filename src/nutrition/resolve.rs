//! A typed food phrase → a food of the database with grams and nutrients,
//! the same way for every path (offline parser, an AI provider's foods, voice
//! transcripts, the window's food search), or said plainly that it is not.
//!
//! Order: the user's remembered pick for the phrase (`food_choices`), then
//! the phrase cleaned (filler verbs, `w/`, brands spelled as typed, UK and US
//! names) and searched for its generic, as-eaten form (rice → cooked white
//! rice, coffee → brewed), dropping leading modifiers when nothing has every
//! word ("oat milk latte" → "latte"). The food search already ranks the
//! user's own history first. Portions come from `portions`, which falls back
//! to a sensible default for any unit a food has no measure for.

use std::sync::LazyLock;

use regex::Regex;
use serde::Serialize;

use super::MealFood;
use super::foods::{self, FoodHit};
use super::portions;
use crate::clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// Words that say how a food was eaten, not what it is.
const FILLER: [&str; 22] = [
    "ate",
    "had",
    "have",
    "having",
    "grabbed",
    "snacked",
    "on",
    "some",
    "my",
    "a",
    "an",
    "the",
    "of",
    "just",
    "quick",
    "bit",
    "little",
    "fresh",
    "homemade",
    "leftover",
    "leftovers",
    "i",
];

/// Spellings and regional names → the words USDA names use.
const WORD_SYNONYMS: &[(&str, &str)] = &[
    ("yoghurt", "yogurt"),
    ("yoghurts", "yogurt"),
    ("omelette", "omelet"),
    ("omelettes", "omelet"),
    ("crisps", "potato chips"),
    ("aubergine", "eggplant"),
    ("courgette", "zucchini"),
    ("courgettes", "zucchini"),
    ("prawns", "shrimp"),
    ("prawn", "shrimp"),
    ("mince", "ground beef"),
    ("porridge", "oatmeal"),
    ("coke", "cola"),
    ("lager", "beer"),
    // Wings on a menu are chicken wings, never winged beans.
    ("wings", "chicken wing"),
    ("wing", "chicken wing"),
    ("ale", "beer"),
    ("wholemeal", "whole wheat"),
    ("sultanas", "raisins"),
    ("rocket", "arugula"),
    ("mcdonalds", "mcdonald"),
    ("mcdonald's", "mcdonald"),
    ("maccies", "mcdonald"),
    ("mcds", "mcdonald"),
    ("bk", "burger king"),
    ("soy milk", "soymilk"),
    ("soya", "soy"),
    ("skimmed", "nonfat"),
    ("skim", "nonfat"),
    ("semi skimmed", "reduced fat 2%"),
    ("doughnut", "doughnuts"),
    ("donut", "doughnuts"),
    ("donuts", "doughnuts"),
    ("pb", "peanut butter"),
    ("cornflakes", "corn flakes"),
    // Abbreviations people type on a phone.
    ("oj", "orange juice"),
    ("pbj", "peanut butter and jelly"),
    ("pb and j", "peanut butter and jelly"),
    ("evoo", "olive oil"),
    ("choc", "chocolate"),
    ("avo", "avocado"),
    ("guac", "guacamole"),
    ("mozz", "mozzarella"),
    ("nugs", "nuggets"),
    ("bbq", "barbecue"),
    ("yog", "yogurt"),
    ("n", "and"),
];

/// Brands and regional names the USDA data has no food for → the generic
/// food they are (a small, hand-kept table: the brand's own product is a
/// food of that kind, so its numbers are the generic food's within the
/// benchmark's ±30 %). Diet and zero drinks go to their diet form. Applied
/// to whole words after the spelling synonyms, longest first.
const BRAND_GENERIC: &[(&str, &str)] = &[
    // Diet and zero-sugar colas: USDA's "Soft drink, cola, diet".
    ("coke zero", "diet cola"),
    ("cola zero", "diet cola"),
    ("diet cola", "diet cola"),
    ("pepsi max", "diet cola"),
    ("diet pepsi", "diet cola"),
    ("pepsi zero", "diet cola"),
    ("zero sugar cola", "diet cola"),
    ("pepsi", "cola"),
    ("coca cola", "cola"),
    ("coca-cola", "cola"),
    // Yoghurts and cheeses.
    ("chobani", "greek yogurt fruit nonfat"),
    ("fage", "greek yogurt plain"),
    ("muller", "yogurt fruit low fat"),
    ("muller corner", "yogurt fruit low fat"),
    ("activia", "yogurt fruit low fat"),
    ("yoplait", "yogurt fruit low fat"),
    ("babybel", "cheese gouda edam"),
    ("string cheese", "cheese mozzarella part skim"),
    ("laughing cow", "cheese spread"),
    // UK biscuits, crisps, chocolate and cereal.
    ("hobnobs", "cookies oatmeal"),
    ("hobnob", "cookies oatmeal"),
    ("digestives", "graham crackers"),
    ("digestive", "graham crackers"),
    ("digestive biscuits", "graham crackers"),
    ("walkers", "potato chips"),
    ("dairy milk", "milk chocolate candies"),
    ("cadbury", "milk chocolate candies"),
    ("frosties", "frosted flakes"),
    ("rice krispies", "rice krispies"),
    ("crumpets", "english muffins"),
    ("crumpet", "english muffins"),
    // Beers and ciders by name.
    ("guinness", "beer regular"),
    ("stella", "beer regular"),
    ("peroni", "beer regular"),
    ("heineken", "beer regular"),
    ("corona", "beer regular"),
    ("coors light", "beer light"),
    ("miller lite", "beer light"),
    // UK words for dishes.
    ("cuppa", "tea"),
    ("americano", "coffee"),
    ("krispy kreme", ""),
    ("sarnie", "sandwich"),
    ("sarnies", "sandwich"),
    ("butty", "sandwich"),
    ("lasagne", "lasagna"),
    ("jacket potato", "potato baked flesh skin"),
    ("jacket spud", "potato baked flesh skin"),
    ("spud", "potato"),
    ("bangers", "pork sausage"),
    // Curries the data does not name: its chicken curry.
    ("chicken tikka masala", "chicken curry"),
    ("tikka masala", "curry"),
    ("chicken tikka", "chicken curry"),
    ("korma", "curry"),
    ("jalfrezi", "curry"),
    ("madras", "curry"),
    ("vindaloo", "curry"),
    ("balti", "curry"),
    ("rogan josh", "curry"),
    ("butter chicken", "chicken curry"),
    // Drinks by their bar names.
    ("g and t", "gin and tonic"),
    ("gin tonic", "gin and tonic"),
    ("vodka soda", "vodka and soda"),
    ("vodka sodas", "vodka and soda"),
    ("rum and cola", "rum and cola"),
];

/// Whole phrases → the generic, as-eaten food people mean by them.
const AS_EATEN: &[(&str, &str)] = &[
    ("rice", "rice white long-grain cooked"),
    ("white rice", "rice white long-grain cooked"),
    ("brown rice", "rice brown long-grain cooked"),
    ("pasta", "pasta cooked"),
    ("spaghetti", "spaghetti cooked enriched"),
    ("noodles", "noodles egg cooked"),
    ("steak", "beef steak nfs"),
    ("coffee", "coffee brewed grounds"),
    ("black coffee", "coffee brewed grounds"),
    ("tea", "tea black brewed"),
    ("pizza", "pizza cheese regular crust"),
    ("cheese pizza", "pizza cheese regular crust"),
    ("fries", "potato french fries nfs"),
    ("french fries", "potato french fries nfs"),
    ("chips", "potato french fries nfs"),
    ("toast", "bread white toasted"),
    ("chicken", "chicken breast meat only roasted"),
    ("grilled chicken", "chicken breast meat only roasted"),
    ("salad", "lettuce salad"),
    ("water", "water tap drinking"),
    ("milk", "milk whole 3.25%"),
    ("eggs", "egg whole"),
    ("egg", "egg whole"),
    ("protein shake", "protein powder"),
    ("whey", "protein powder"),
    ("whey protein", "protein powder"),
    ("chili", "chili with meat"),
    ("spag bol", "spaghetti with meat sauce"),
    ("spaghetti bolognese", "spaghetti with meat sauce"),
    ("mac and cheese", "macaroni and cheese"),
    ("beer", "beer regular all"),
    ("whole milk", "milk whole 3.25%"),
    ("reduced fat 2% milk", "milk reduced fat fluid 2% milkfat"),
    ("2% milk", "milk reduced fat fluid 2% milkfat"),
    ("nonfat milk", "milk nonfat fluid"),
    ("peanut butter and jelly", "peanut butter and jelly sandwich"),
    ("yogurt", "yogurt plain low fat"),
    ("greek yogurt", "yogurt greek ns type milk plain"),
    ("soymilk", "soymilk original vanilla added calcium"),
    ("reduced fat 2%", "milk reduced fat fluid 2% milkfat"),
    // "a glass of red": wine by its colour alone.
    ("red", "wine table red"),
    ("white", "wine table white"),
    ("rose", "wine table rose"),
    ("red wine", "wine table red"),
    ("white wine", "wine table white"),
    ("diet cola", "soft drink cola diet"),
    ("cola", "soft drink cola"),
    ("hot chocolate", "hot chocolate cocoa nfs"),
];

static QUANTITY_INSIDE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|\s)\(?(\d+(?:\.\d+)?)\s*(g|grams?|kg|oz|ounces?|lbs?|ml|l)\)?(?:\s|$)")
        .unwrap_or_else(|e| panic!("built-in pattern: {e}"))
});

/// A food phrase as typed → lower-case words without filler, synonyms applied.
pub fn clean_phrase(typed: &str) -> String {
    let lowered = typed.to_lowercase().replace("w/", " with ").replace(['&', '+'], " and ");
    let lowered = QUANTITY_INSIDE.replace_all(&lowered, " ");
    let mut words: Vec<String> = lowered
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '%' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '\'' || c == '-'))
        .filter(|w| !w.is_empty() && !FILLER.contains(w))
        .map(str::to_string)
        .collect();
    while words.first().is_some_and(|w| w == "with" || w == "and") {
        words.remove(0);
    }
    while words.last().is_some_and(|w| w == "with" || w == "and") {
        words.pop();
    }
    let mut text = format!(" {} ", words.join(" "));
    // Longest synonyms first so "semi skimmed" wins over "skimmed".
    let mut synonyms = WORD_SYNONYMS.to_vec();
    synonyms.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    for (from, to) in synonyms {
        text = text.replace(&format!(" {from} "), &format!(" {to} "));
    }
    let mut brands = BRAND_GENERIC.to_vec();
    brands.sort_by_key(|(from, _)| std::cmp::Reverse(from.len()));
    for (from, to) in brands {
        text = text.replace(&format!(" {from} "), &format!(" {to} "));
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key a pick is remembered under: the cleaned words, singular.
pub fn phrase_key(typed: &str) -> String {
    clean_phrase(typed).split(' ').map(foods::singular).collect::<Vec<_>>().join(" ")
}

/// "chicken thigh 180g", "steak (8 oz)": the amount typed inside the phrase.
pub fn quantity_inside(typed: &str) -> Option<(f64, String)> {
    let lower = typed.to_lowercase();
    let c = QUANTITY_INSIDE.captures(&lower)?;
    let value: f64 = c[1].parse().ok().filter(|v: &f64| v.is_finite() && *v > 0.0)?;
    let unit = match &c[2] {
        "g" | "gram" | "grams" => "g",
        "kg" => "kg",
        "oz" | "ounce" | "ounces" => "oz",
        "lb" | "lbs" => "lb",
        "ml" => "ml",
        _ => "l",
    };
    Some((value, unit.to_string()))
}

/// The searches to try for a cleaned phrase, most specific first.
fn queries(clean: &str) -> Vec<String> {
    let mut out = Vec::new();
    let singular = clean.split(' ').map(foods::singular).collect::<Vec<_>>().join(" ");
    if let Some((_, q)) = AS_EATEN.iter().find(|(typed, _)| *typed == clean || *typed == singular) {
        out.push(q.to_string());
    }
    out.push(clean.to_string());
    // English puts what the food is last: "oat milk latte" is a latte.
    let words: Vec<&str> = clean.split(' ').collect();
    for start in 1..words.len() {
        let rest = words[start..].join(" ");
        if matches!(words[start], "with" | "and" | "in" | "on") {
            continue;
        }
        if let Some((_, q)) = AS_EATEN.iter().find(|(typed, _)| *typed == rest) {
            out.push(q.to_string());
        }
        out.push(rest);
    }
    // "chicken with rice": the first food named.
    if let Some(at) = words.iter().position(|w| *w == "with" || *w == "and").filter(|at| *at > 0) {
        out.push(words[..at].join(" "));
    }
    out.dedup();
    out
}

/// Groups whose foods are eaten cooked: "chicken breast" is not raw chicken.
const COOKED_GROUPS: [&str; 9] = [
    "Beef Products",
    "Pork Products",
    "Poultry Products",
    "Lamb, Veal, and Game Products",
    "Finfish and Shellfish Products",
    "Cereal Grains and Pasta",
    "Legumes and Legume Products",
    "Breakfast Cereals",
    "Vegetables and Vegetable Products",
];

/// Re-ranks search hits for the form people eat: cooked meat, grains and
/// legumes; brewed coffee; the user's own history already ranks first.
fn as_eaten_rank(hits: Vec<FoodHit>, clean: &str) -> Vec<FoodHit> {
    let typed = |w: &str| clean.split(' ').any(|t| t == w);
    let diet_typed = ["diet", "zero", "sugar", "light", "lite"].iter().any(|w| typed(w));
    let mut scored: Vec<(f64, FoodHit)> = hits
        .into_iter()
        .enumerate()
        .map(|(i, h)| {
            let name = h.name.to_lowercase();
            let words: Vec<&str> = name.split(|c: char| !c.is_alphanumeric()).collect();
            let has = |w: &str| words.contains(&w);
            let mut score = -3.0 * i as f64;
            let cooked_group = h.food_group.as_deref().is_some_and(|g| COOKED_GROUPS.contains(&g));
            if cooked_group && !typed("raw") {
                if has("raw") {
                    score -= 12.0;
                }
                if ["cooked", "roasted", "grilled", "broiled", "baked", "boiled", "braised", "steamed"]
                    .iter()
                    .any(|w| has(w))
                {
                    score += 4.0;
                }
            }
            for w in ["dry", "uncooked", "unprepared", "powder", "mix", "frozen", "canned", "babyfood"] {
                if has(w) && !typed(w) && !(w == "powder" && clean.contains("protein")) {
                    score -= 6.0;
                }
            }
            // "diet coke", "coke zero", "sugar free red bull": the diet form;
            // "coke": never the diet one.
            let diet_name = has("diet")
                || name.contains("low calorie")
                || name.contains("sugar free")
                || name.contains("sugar-free");
            if diet_name {
                score += if diet_typed { 6.0 } else { -8.0 };
            }
            // "bacon", "sausage", "burger": the meat, unless the meatless form is typed.
            let meatless_typed = ["meatless", "vegan", "veggie", "vegetarian", "plant", "soy", "tofu"]
                .iter()
                .any(|w| typed(w));
            if (has("meatless") || name.contains("meat substitute") || has("vegetarian")) && !meatless_typed {
                score -= 8.0;
            }
            if h.times_logged > 0 {
                score += 10.0;
            }
            (score, h)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().map(|(_, h)| h).collect()
}

/// A hit names every word of the query (as a word start), so an OR match
/// of one word ("oat" for "oat milk latte") is not taken for the food.
fn names_every_word(hit: &FoodHit, query: &str) -> bool {
    let text = format!("{} {}", hit.name, hit.brand_name.as_deref().unwrap_or("")).to_lowercase();
    let have: Vec<String> =
        text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(foods::singular).collect();
    query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(foods::singular)
        .all(|w| have.iter().any(|h| h.starts_with(&w)))
}

/// Words of notes, not foods: a phrase with one is never taken for a food
/// on the database's word ("rest day" is not a restaurant's dish).
const NOT_FOOD: [&str; 40] = [
    "feel",
    "feeling",
    "feels",
    "felt",
    "tired",
    "sore",
    "slept",
    "sleep",
    "sleeping",
    "stressed",
    "stress",
    "rest",
    "day",
    "days",
    "week",
    "today",
    "tonight",
    "yesterday",
    "morning",
    "skipped",
    "skip",
    "period",
    "sick",
    "headache",
    "mood",
    "lol",
    "work",
    "gym",
    "knee",
    "pain",
    "good",
    "great",
    "bad",
    "badly",
    "started",
    "cheat",
    "nothing",
    "fasted",
    "fasting",
    "hungry",
];

/// Whether a phrase that no food word marked names a food of the database:
/// the cleaned phrase, or its head ("costco hot dog" → "hot dog"), has a hit
/// naming each of its words whole ("snickers" → "SNICKERS Bar", "oj" →
/// orange juice). Stricter than resolution's match (whole words, no
/// single-letter or note words), since a note read as a meal would invent
/// calories.
pub async fn looks_like_food(store: &Store, user_id: &str, typed: &str) -> Result<bool> {
    let clean = clean_phrase(typed);
    let words: Vec<&str> = clean.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 6 || words.iter().any(|w| NOT_FOOD.contains(w)) {
        return Ok(false);
    }
    for query in queries(&clean) {
        let query_words: Vec<String> = query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(foods::singular)
            .collect();
        if query_words.iter().all(|w| w.chars().count() < 3) {
            continue;
        }
        for hit in foods::search(store, user_id, &query, 8).await? {
            let text = format!("{} {}", hit.name, hit.brand_name.as_deref().unwrap_or("")).to_lowercase();
            let have: Vec<String> = text
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(foods::singular)
                .collect();
            if query_words.iter().all(|w| have.contains(w)) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// One food the phrase may mean, with the kcal of the portion typed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Candidate {
    pub food_id: String,
    pub name: String,
    pub source: String,
    pub quantity: f64,
    pub unit: String,
    pub grams: f64,
    pub calories: f64,
    /// The user picked this food for this phrase before.
    pub remembered: bool,
}

/// How sure a match must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    /// Taken without asking: the food names every word of the phrase (or of
    /// its head, "latte" for "oat milk latte").
    Sure,
    /// Offered for the user to pick: also foods naming some of the words, or
    /// the start of a misspelt one ("kombuchaa" → kombucha).
    Offer,
}

/// Looser searches for the review panel, after the sure ones.
fn offer_queries(clean: &str) -> Vec<String> {
    let mut words: Vec<&str> =
        clean.split(' ').filter(|w| w.len() > 2 && !matches!(*w, "with" | "and")).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let mut out: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    for w in &words {
        let chars: Vec<char> = w.chars().collect();
        if chars.len() >= 6 {
            out.push(chars[..chars.len() - 2].iter().collect());
            out.push(chars[..4].iter().collect());
        }
    }
    out
}

/// The best foods for a typed phrase, best first, each with its portion.
pub async fn candidates(
    store: &Store,
    user_id: &str,
    typed: &str,
    quantity: f64,
    unit: &str,
    limit: usize,
) -> Result<Vec<Candidate>> {
    candidates_matching(store, user_id, typed, quantity, unit, limit, Match::Offer).await
}

async fn candidates_matching(
    store: &Store,
    user_id: &str,
    typed: &str,
    quantity: f64,
    unit: &str,
    limit: usize,
    how: Match,
) -> Result<Vec<Candidate>> {
    let clean = clean_phrase(typed);
    let many = no_count_of_many(typed, quantity, unit);
    let mut out: Vec<Candidate> = Vec::new();
    if let Some(id) = remembered(store, user_id, &phrase_key(typed)).await?
        && let Ok(c) = candidate(store, user_id, &id, quantity, unit, true, many).await
    {
        out.push(c);
    }
    if clean.is_empty() {
        return Ok(out);
    }
    let sure = queries(&clean);
    let loose = if how == Match::Offer { offer_queries(&clean) } else { Vec::new() };
    for (i, query) in sure.iter().chain(loose.iter()).enumerate() {
        let hits = foods::search(store, user_id, query, 12).await?;
        let hits: Vec<FoodHit> =
            hits.into_iter().filter(|h| i >= sure.len() || names_every_word(h, query)).collect();
        for hit in as_eaten_rank(hits, &clean) {
            if out.len() >= limit {
                return Ok(out);
            }
            if out.iter().any(|c| c.food_id == hit.id) {
                continue;
            }
            if let Ok(c) = candidate(store, user_id, &hit.id, quantity, unit, false, many).await {
                out.push(c);
            }
        }
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// "strawberries", "grapes" typed with no count and no unit: the plural
/// says several were eaten, so one piece is not what was meant.
fn no_count_of_many(typed: &str, quantity: f64, unit: &str) -> bool {
    let last = clean_phrase(typed).rsplit(' ').next().unwrap_or_default().to_string();
    quantity == 1.0
        && matches!(unit.trim(), "" | "serving" | "servings")
        && last.len() > 3
        && foods::singular(&last) != last
}

async fn candidate(
    store: &Store,
    user_id: &str,
    food_id: &str,
    quantity: f64,
    unit: &str,
    remembered: bool,
    many: bool,
) -> Result<Candidate> {
    let details = foods::get(store, user_id, food_id).await?;
    let eaten = match portions::serving_of_many(&details).filter(|_| many) {
        Some(grams) => portions::eaten_of(&details, grams, "g"),
        None => portions::eaten_of(&details, quantity, unit)
            .or_else(|_| portions::eaten_of(&details, quantity, "serving")),
    }?;
    Ok(Candidate {
        food_id: details.id,
        name: details.name,
        source: details.source,
        quantity: eaten.food.quantity,
        unit: eaten.food.unit,
        grams: eaten.food.grams.unwrap_or(0.0),
        calories: eaten.food.calories,
        remembered,
    })
}

/// What resolving one food did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// It already had a food, or the database gave it one.
    Matched,
    /// An AI provider's own estimate, kept (no food in the database matched).
    Kept,
    /// Nothing matched: the food has no nutrition and needs the user.
    NotFound,
}

/// Fills a food's nutrition from the best match for its name. A provider's
/// macros are kept; the matched food only adds the micronutrients it lacks.
pub async fn resolve_food(store: &Store, user_id: &str, food: &mut MealFood) -> Result<Resolved> {
    if food.food_id.is_some() {
        return Ok(Resolved::Matched);
    }
    let from_provider = food.calories > 0.0;
    if from_provider && !food.nutrients.is_empty() {
        return Ok(Resolved::Kept);
    }
    let (quantity, unit) = match (food.grams, quantity_inside(&food.name)) {
        (Some(g), _) if g > 0.0 => (g, "g".to_string()),
        (_, Some((q, u))) if matches!(food.unit.as_str(), "serving" | "") => (q, u),
        _ => (food.quantity, food.unit.clone()),
    };
    let best = candidates_matching(store, user_id, &food.name, quantity, &unit, 1, Match::Sure).await?;
    let Some(best) = best.into_iter().next() else {
        return Ok(if from_provider { Resolved::Kept } else { Resolved::NotFound });
    };
    let details = foods::get(store, user_id, &best.food_id).await?;
    let eaten = portions::eaten_of(&details, best.quantity, &best.unit)?;
    tracing::debug!(typed = %food.name, matched = %details.name, grams = ?eaten.food.grams, "food matched");
    if from_provider {
        // Scaled to the provider's energy estimate, so the micronutrients
        // describe the portion whose macros are stored.
        if eaten.food.calories > 0.0 {
            let scale = food.calories / eaten.food.calories;
            food.nutrients = eaten.food.nutrients.into_iter().map(|(k, v)| (k, v * scale)).collect();
        }
        return Ok(Resolved::Kept);
    }
    // The name stays as the user typed it; the id says what it matched.
    let typed = food.name.clone();
    *food = MealFood { name: typed, ..eaten.food };
    Ok(Resolved::Matched)
}

/// The reason an entry with foods nothing matched waits for the user:
/// "2 foods not found: latte, chili". None when every food matched.
pub fn not_found_reason(names: &[String]) -> Option<String> {
    match names.len() {
        0 => None,
        1 => Some(format!("1 food not found: {} (pick it in the review panel)", names[0])),
        n => Some(format!("{n} foods not found: {} (pick them in the review panel)", names.join(", "))),
    }
}

/// The food the user picked for this phrase, if any (and still visible to them).
pub async fn remembered(store: &Store, user_id: &str, key: &str) -> Result<Option<String>> {
    if key.is_empty() {
        return Ok(None);
    }
    Ok(sqlx::query_scalar(
        "SELECT c.food_id FROM food_choices c JOIN foods_enhanced f ON f.id = c.food_id \
         WHERE c.user_id = ? AND c.phrase = ? AND (f.user_id IS NULL OR f.user_id = c.user_id)",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(store.pool())
    .await?)
}

/// Remembers `food_id` as what the user means by `typed` (the latest pick wins).
pub async fn remember(
    conn: &mut sqlx::SqliteConnection,
    user_id: &str,
    typed: &str,
    food_id: &str,
) -> Result<()> {
    let key = phrase_key(typed);
    if key.is_empty() {
        return Err(Error::invalid(format!("{typed:?} has no words to remember a food for")));
    }
    if key.chars().count() > 200 {
        return Err(Error::invalid("a food name to remember can be at most 200 characters"));
    }
    foods::get_on(conn, user_id, food_id).await?;
    sqlx::query(
        "INSERT INTO food_choices (user_id, phrase, food_id, chosen_at) VALUES (?, ?, ?, ?) \
         ON CONFLICT (user_id, phrase) DO UPDATE SET food_id = excluded.food_id, \
         chosen_at = excluded.chosen_at, uses = food_choices.uses + 1",
    )
    .bind(user_id)
    .bind(&key)
    .bind(food_id)
    .bind(clock::now_db())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_cleaned_the_way_people_type() {
        assert_eq!(clean_phrase("grabbed a Blueberry Muffin"), "blueberry muffin");
        assert_eq!(clean_phrase("eggs w/ toast"), "eggs with toast");
        assert_eq!(clean_phrase("chicken thigh 180g"), "chicken thigh");
        assert_eq!(clean_phrase("semi skimmed milk"), "reduced fat 2% milk");
        assert_eq!(clean_phrase("mcdonalds cheeseburger"), "mcdonald cheeseburger");
        assert_eq!(quantity_inside("chicken thigh 180g"), Some((180.0, "g".into())));
        assert_eq!(quantity_inside("steak (8 oz)"), Some((8.0, "oz".into())));
        assert_eq!(quantity_inside("chicken thigh"), None);
        assert_eq!(phrase_key("Lattes"), "latte");
    }

    #[test]
    fn brands_and_diet_drinks_become_the_generic_food() {
        assert_eq!(clean_phrase("Coke Zero"), "diet cola");
        assert_eq!(clean_phrase("diet coke"), "diet cola");
        assert_eq!(clean_phrase("pepsi max"), "diet cola");
        assert_eq!(clean_phrase("chobani"), "greek yogurt fruit nonfat");
        assert_eq!(clean_phrase("hobnobs"), "cookies oatmeal");
        assert_eq!(clean_phrase("chicken korma"), "chicken curry");
        assert_eq!(clean_phrase("mac n cheese"), "mac and cheese");
        assert_eq!(clean_phrase("g&t"), "gin and tonic");
        // A brand word inside another word is left alone.
        assert_eq!(clean_phrase("pepsicola"), "pepsicola");
        assert_eq!(queries("diet cola")[0], "soft drink cola diet");
    }

    #[test]
    fn a_plural_with_no_count_means_several() {
        assert!(no_count_of_many("strawberries", 1.0, ""));
        assert!(no_count_of_many("handful of cherries", 1.0, "serving"));
        assert!(!no_count_of_many("a strawberry", 1.0, ""));
        assert!(!no_count_of_many("strawberries", 6.0, ""));
        assert!(!no_count_of_many("strawberries", 1.0, "cup"));
    }

    #[test]
    fn generic_form_first_then_the_head_word() {
        assert_eq!(queries("rice")[0], "rice white long-grain cooked");
        let q = queries("oat milk latte");
        assert_eq!(q[0], "oat milk latte");
        assert!(q.contains(&"latte".to_string()));
    }
}
