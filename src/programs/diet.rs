//! Dietary restrictions and the rule that says whether a food breaks one,
//! from its name and USDA food group. The same rule filters the offline
//! generator's foods and checks the foods an AI proposes.

use serde::{Deserialize, Serialize};

use super::questionnaire::normalize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    Vegetarian,
    Vegan,
    Pescatarian,
    GlutenFree,
    DairyFree,
    NutFree,
    EggFree,
    ShellfishFree,
}

const MEAT_GROUPS: [&str; 6] = [
    "Poultry Products",
    "Beef Products",
    "Pork Products",
    "Lamb, Veal, and Game Products",
    "Sausages and Luncheon Meats",
    "Finfish and Shellfish Products",
];
const MEAT_WORDS: [&str; 22] = [
    "chicken",
    "beef",
    "pork",
    "turkey",
    "ham",
    "bacon",
    "lamb",
    "veal",
    "sausage",
    "steak",
    "meat",
    "jerky",
    "gelatin",
    "duck",
    "venison",
    "salami",
    "pepperoni",
    "prosciutto",
    "chorizo",
    "meatball",
    "meatballs",
    "broth",
];
const FISH_WORDS: [&str; 14] = [
    "fish",
    "salmon",
    "tuna",
    "cod",
    "sardine",
    "sardines",
    "anchovy",
    "anchovies",
    "trout",
    "tilapia",
    "halibut",
    "mackerel",
    "haddock",
    "pollock",
];
const SHELLFISH_WORDS: [&str; 12] = [
    "shrimp",
    "prawn",
    "prawns",
    "crab",
    "lobster",
    "crustaceans",
    "mollusks",
    "oyster",
    "oysters",
    "mussels",
    "clam",
    "scallop",
];
const DAIRY_WORDS: [&str; 10] =
    ["milk", "cheese", "yogurt", "yoghurt", "cream", "whey", "casein", "kefir", "ghee", "butter"];
/// Words before "milk"/"butter"/"cream" that make it plant-based.
const PLANT_PREFIX: [&str; 10] =
    ["soy", "almond", "rice", "oat", "coconut", "peanut", "cashew", "nut", "apple", "cocoa"];
const NUT_WORDS: [&str; 12] = [
    "almond",
    "almonds",
    "walnut",
    "walnuts",
    "peanut",
    "peanuts",
    "cashew",
    "cashews",
    "pecan",
    "pecans",
    "hazelnut",
    "pistachio",
];
const GLUTEN_WORDS: [&str; 18] = [
    "wheat",
    "bread",
    "pasta",
    "spaghetti",
    "macaroni",
    "barley",
    "rye",
    "couscous",
    "bulgur",
    "seitan",
    "flour",
    "bagel",
    "cracker",
    "crackers",
    "oats",
    "oatmeal",
    "noodles",
    "granola",
];

impl Restriction {
    pub const ALL: [Restriction; 8] = [
        Restriction::Vegetarian,
        Restriction::Vegan,
        Restriction::Pescatarian,
        Restriction::GlutenFree,
        Restriction::DairyFree,
        Restriction::NutFree,
        Restriction::EggFree,
        Restriction::ShellfishFree,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Restriction::Vegetarian => "vegetarian",
            Restriction::Vegan => "vegan",
            Restriction::Pescatarian => "pescatarian",
            Restriction::GlutenFree => "gluten_free",
            Restriction::DairyFree => "dairy_free",
            Restriction::NutFree => "nut_free",
            Restriction::EggFree => "egg_free",
            Restriction::ShellfishFree => "shellfish_free",
        }
    }

    pub fn parse(text: &str) -> Option<Restriction> {
        Some(match normalize(text).as_str() {
            "vegetarian" | "veggie" | "lacto_ovo_vegetarian" => Restriction::Vegetarian,
            "vegan" | "plant_based" => Restriction::Vegan,
            "pescatarian" | "pescetarian" => Restriction::Pescatarian,
            "gluten_free" | "celiac" | "coeliac" | "no_gluten" | "gluten" => Restriction::GlutenFree,
            "dairy_free" | "lactose_free" | "lactose_intolerant" | "no_dairy" | "dairy" => {
                Restriction::DairyFree
            }
            "nut_free" | "nut_allergy" | "no_nuts" | "peanut_allergy" | "tree_nut_allergy" | "nuts" => {
                Restriction::NutFree
            }
            "egg_free" | "egg_allergy" | "no_eggs" => Restriction::EggFree,
            "shellfish_free" | "shellfish_allergy" | "no_shellfish" => Restriction::ShellfishFree,
            _ => return None,
        })
    }

    /// Whether a food named `name` (in USDA group `group`, when known) is off limits.
    pub fn forbids(self, name: &str, group: Option<&str>) -> bool {
        let words = words(name);
        let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
        let group = group.unwrap_or("");
        let meat = MEAT_GROUPS[..5].contains(&group) || has(&MEAT_WORDS);
        let fish = group == "Finfish and Shellfish Products" || has(&FISH_WORDS) || has(&SHELLFISH_WORDS);
        let egg = words.iter().any(|w| w == "egg" || w == "eggs" || w == "mayonnaise");
        let dairy = words.iter().enumerate().any(|(i, w)| {
            DAIRY_WORDS.contains(&w.as_str()) && !(i > 0 && PLANT_PREFIX.contains(&words[i - 1].as_str()))
        }) || (group == "Dairy and Egg Products" && !egg);
        match self {
            Restriction::Vegetarian => meat || fish,
            Restriction::Pescatarian => meat,
            Restriction::Vegan => meat || fish || egg || dairy || words.iter().any(|w| w == "honey"),
            Restriction::DairyFree => dairy,
            Restriction::EggFree => egg,
            Restriction::NutFree => has(&NUT_WORDS),
            Restriction::ShellfishFree => has(&SHELLFISH_WORDS),
            Restriction::GlutenFree => {
                let gluten_free_label = name.to_lowercase().contains("gluten-free")
                    || name.to_lowercase().contains("gluten free");
                !gluten_free_label
                    && (words.iter().enumerate().any(|(i, w)| {
                        GLUTEN_WORDS.contains(&w.as_str())
                            // Rice noodles and rice or corn flour are gluten-free.
                            && !(i > 0 && ["rice", "corn", "buckwheat", "almond", "coconut"].contains(&words[i - 1].as_str()))
                    }) || (group == "Baked Products" && !words.iter().any(|w| w == "corn")))
            }
        }
    }
}

fn words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first restriction a food breaks, if any.
pub fn first_violation(restrictions: &[Restriction], name: &str, group: Option<&str>) -> Option<Restriction> {
    restrictions.iter().copied().find(|r| r.forbids(name, group))
}

#[cfg(test)]
mod tests {
    use super::Restriction::*;

    #[test]
    fn names_that_look_alike_are_told_apart() {
        assert!(
            !Vegetarian.forbids("Chickpeas (garbanzo beans), cooked", Some("Legumes and Legume Products"))
        );
        assert!(Vegetarian.forbids("Chicken, broilers or fryers, breast", Some("Poultry Products")));
        assert!(!Pescatarian.forbids("Fish, salmon, Atlantic", Some("Finfish and Shellfish Products")));
        assert!(!EggFree.forbids("Eggplant, raw", None));
        assert!(EggFree.forbids("Egg, whole, cooked, scrambled", Some("Dairy and Egg Products")));
        assert!(!DairyFree.forbids("Peanut butter, smooth style", Some("Legumes and Legume Products")));
        assert!(!DairyFree.forbids("Soymilk, original", Some("Legumes and Legume Products")));
        assert!(DairyFree.forbids("Cheese, cheddar", Some("Dairy and Egg Products")));
        assert!(!DairyFree.forbids("Egg, whole, cooked", Some("Dairy and Egg Products")));
        assert!(Vegan.forbids("Honey", Some("Sweets")));
        assert!(NutFree.forbids("Peanut butter, smooth style", None));
        assert!(!NutFree.forbids("Coconut water", None));
        assert!(GlutenFree.forbids("Bread, whole-wheat", Some("Baked Products")));
        assert!(!GlutenFree.forbids("Tortillas, ready-to-bake or -fry, corn", Some("Baked Products")));
        assert!(!GlutenFree.forbids("Rice noodles, cooked", None));
        assert!(ShellfishFree.forbids("Crustaceans, shrimp, mixed species", None));
    }
}
