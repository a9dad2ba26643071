//! Measure kinds and their units: parsing `weight=82.4 waist=84cm bf=18.5%`
//! into SI values, and showing SI values in the user's units.
//!
//! Every kind has a dimension; the dimension decides which units are accepted
//! and the SI unit it is stored in. Weight and body fat have their own
//! columns; every other kind lives in `body_measurements.measurements` under
//! `<key>_<si suffix>` (e.g. `waist_cm`, `resting_hr_bpm`).

use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use crate::error::{Error, Result};
use crate::profile::Units;

const KG_PER_LB: f64 = 0.453_592_37;
const CM_PER_IN: f64 = 2.54;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Mass,
    Length,
    Percent,
    HeartRate,
    Milliseconds,
    Hours,
    /// A unit we do not convert (e.g. `mmol/L`): stored and shown as typed.
    Other(String),
}

impl Dimension {
    /// The dimension of a unit as the user writes it; unknown units become [`Dimension::Other`].
    pub fn of_unit(unit: &str) -> Dimension {
        match normalize_unit(unit).as_str() {
            "kg" | "lb" => Dimension::Mass,
            "cm" | "in" | "mm" => Dimension::Length,
            "%" => Dimension::Percent,
            "bpm" => Dimension::HeartRate,
            "ms" => Dimension::Milliseconds,
            "h" | "min" => Dimension::Hours,
            other => Dimension::Other(other.to_string()),
        }
    }

    /// The suffix of the JSON key the SI value is stored under.
    fn si_suffix(&self) -> Option<&'static str> {
        match self {
            Dimension::Mass => Some("kg"),
            Dimension::Length => Some("cm"),
            Dimension::Percent => Some("pct"),
            Dimension::HeartRate => Some("bpm"),
            Dimension::Milliseconds => Some("ms"),
            Dimension::Hours => Some("hours"),
            Dimension::Other(_) => None,
        }
    }

    fn accepted(&self) -> String {
        match self {
            Dimension::Mass => "kg or lb".into(),
            Dimension::Length => "cm, mm or in".into(),
            Dimension::Percent => "%".into(),
            Dimension::HeartRate => "bpm".into(),
            Dimension::Milliseconds => "ms".into(),
            Dimension::Hours => "h or min".into(),
            Dimension::Other(u) => u.clone(),
        }
    }

    /// The value in SI for a number typed with `unit` (None: the default unit).
    fn to_si(&self, value: f64, unit: Option<&str>, units: Units) -> Option<f64> {
        let unit = match unit {
            Some(u) => normalize_unit(u),
            None => return Some(self.si_from_display(value, units)),
        };
        match (self, unit.as_str()) {
            (Dimension::Mass, "kg")
            | (Dimension::Length, "cm")
            | (Dimension::Percent, "%")
            | (Dimension::HeartRate, "bpm")
            | (Dimension::Milliseconds, "ms")
            | (Dimension::Hours, "h") => Some(value),
            (Dimension::Mass, "lb") => Some(value * KG_PER_LB),
            (Dimension::Length, "in") => Some(value * CM_PER_IN),
            (Dimension::Length, "mm") => Some(value / 10.0),
            (Dimension::Hours, "min") => Some(value / 60.0),
            (Dimension::Other(expected), u) if u == expected => Some(value),
            _ => None,
        }
    }

    /// A bare number is read in the unit the user sees.
    fn si_from_display(&self, value: f64, units: Units) -> f64 {
        match (self, units) {
            (Dimension::Mass, Units::Imperial) => value * KG_PER_LB,
            (Dimension::Length, Units::Imperial) => value * CM_PER_IN,
            _ => value,
        }
    }

    /// The unit shown to the user and the SI value converted to it.
    pub fn display(&self, si: f64, units: Units) -> (f64, String) {
        match (self, units) {
            (Dimension::Mass, Units::Metric) => (si, "kg".into()),
            (Dimension::Mass, Units::Imperial) => (si / KG_PER_LB, "lb".into()),
            (Dimension::Length, Units::Metric) => (si, "cm".into()),
            (Dimension::Length, Units::Imperial) => (si / CM_PER_IN, "in".into()),
            (Dimension::Percent, _) => (si, "%".into()),
            (Dimension::HeartRate, _) => (si, "bpm".into()),
            (Dimension::Milliseconds, _) => (si, "ms".into()),
            (Dimension::Hours, _) => (si, "h".into()),
            (Dimension::Other(u), _) => (si, u.clone()),
        }
    }

    /// Plausible SI values, so a typo (`waist=840`) is caught at entry.
    fn check(&self, label: &str, si: f64) -> Result<()> {
        let range = match self {
            Dimension::Mass => 0.0..700.0,
            Dimension::Length => 0.0..500.0,
            Dimension::Percent => 0.0..100.0,
            Dimension::HeartRate => 15.0..260.0,
            Dimension::Milliseconds => 0.0..3000.0,
            Dimension::Hours => 0.0..24.0,
            Dimension::Other(_) => f64::MIN..f64::MAX,
        };
        let ok = si.is_finite()
            && range.contains(&si)
            && (si > 0.0 || matches!(self, Dimension::Percent | Dimension::Other(_)));
        if ok || (*self == Dimension::Percent && si == 100.0) {
            Ok(())
        } else {
            let (shown, unit) = self.display(si, Units::Metric);
            Err(Error::invalid(format!("{label} {} {unit} is not plausible", round(shown, 2))))
        }
    }

    /// Rounding of stored SI values: grams, tenths of a millimetre, …
    fn round_si(&self, si: f64) -> f64 {
        match self {
            Dimension::Mass | Dimension::Length => round(si, 3),
            Dimension::Hours => round(si, 4),
            _ => round(si, 2),
        }
    }
}

fn round(v: f64, places: i32) -> f64 {
    let f = 10f64.powi(places);
    (v * f).round() / f
}

fn normalize_unit(unit: &str) -> String {
    let u = unit.trim().to_lowercase();
    match u.as_str() {
        "kgs" | "kilo" | "kilos" => "kg".into(),
        "lbs" | "pound" | "pounds" => "lb".into(),
        "inch" | "inches" | "\"" => "in".into(),
        "pct" | "percent" => "%".into(),
        "hr" | "hrs" | "hour" | "hours" => "h".into(),
        "m" | "mins" | "minutes" => "min".into(),
        _ => u,
    }
}

/// Where a kind's value lives in `body_measurements`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case", tag = "kind", content = "key")]
pub enum Storage {
    WeightColumn,
    BodyFatColumn,
    Json(String),
}

/// A kind of measure the user can enter: built in or defined in settings.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MeasureKind {
    pub key: String,
    pub label: String,
    pub dimension: Dimension,
    pub storage: Storage,
    /// Other names accepted when typing (`bf` for body fat).
    pub aliases: Vec<String>,
    pub custom: bool,
}

impl MeasureKind {
    fn builtin(
        key: &str,
        label: &str,
        dimension: Dimension,
        storage: Option<Storage>,
        aliases: &[&str],
    ) -> Self {
        let storage = storage.unwrap_or_else(|| json_storage(key, &dimension));
        MeasureKind {
            key: key.into(),
            label: label.into(),
            dimension,
            storage,
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            custom: false,
        }
    }

    fn answers_to(&self, name: &str) -> bool {
        self.key == name || self.aliases.iter().any(|a| a == name)
    }

    /// Decimals shown: whole beats and milliseconds, hundredths of hours, else tenths.
    pub fn digits(&self) -> usize {
        match self.dimension {
            Dimension::HeartRate | Dimension::Milliseconds => 0,
            Dimension::Hours => 2,
            _ => 1,
        }
    }

    /// `"Waist 84.0 cm"`-style text in the user's units.
    pub fn format(&self, si: f64, units: Units) -> String {
        let (value, unit) = self.dimension.display(si, units);
        let digits = self.digits();
        let sep = if unit == "%" { "" } else { " " };
        format!("{value:.digits$}{sep}{unit}")
    }
}

fn json_storage(key: &str, dimension: &Dimension) -> Storage {
    match dimension.si_suffix() {
        Some(suffix) => Storage::Json(format!("{key}_{suffix}")),
        None => Storage::Json(key.to_string()),
    }
}

/// The kinds every profile has.
pub fn builtin_kinds() -> Vec<MeasureKind> {
    use Dimension::*;
    let json = |k: &str| Some(Storage::Json(k.to_string()));
    vec![
        MeasureKind::builtin("weight", "Weight", Mass, Some(Storage::WeightColumn), &["w", "wt"]),
        MeasureKind::builtin(
            "bf",
            "Body fat",
            Percent,
            Some(Storage::BodyFatColumn),
            &["body_fat", "bodyfat", "fat"],
        ),
        MeasureKind::builtin("waist", "Waist", Length, None, &[]),
        MeasureKind::builtin("hips", "Hips", Length, None, &["hip"]),
        MeasureKind::builtin("chest", "Chest", Length, None, &[]),
        MeasureKind::builtin("arm", "Arm", Length, None, &["arms"]),
        MeasureKind::builtin("thigh", "Thigh", Length, None, &["thighs"]),
        MeasureKind::builtin("neck", "Neck", Length, None, &[]),
        MeasureKind::builtin("rhr", "Resting HR", HeartRate, json("resting_hr_bpm"), &["resting_hr", "hr"]),
        MeasureKind::builtin("hrv", "HRV", Milliseconds, json("hrv_ms"), &[]),
        MeasureKind::builtin("sleep", "Sleep", Hours, json("sleep_hours"), &[]),
        MeasureKind::builtin("water", "Body water", Percent, json("body_water_pct"), &["hydration"]),
        MeasureKind::builtin("muscle", "Muscle mass", Mass, json("muscle_mass_kg"), &["muscle_mass"]),
        MeasureKind::builtin("bone", "Bone mass", Mass, json("bone_mass_kg"), &["bone_mass"]),
    ]
}

/// A user-defined kind as stored in `users.settings.body_measure_kinds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CustomKind {
    pub key: String,
    pub label: String,
    pub unit: String,
}

impl CustomKind {
    fn to_kind(&self) -> MeasureKind {
        let dimension = Dimension::of_unit(&self.unit);
        MeasureKind {
            key: self.key.clone(),
            label: self.label.clone(),
            storage: json_storage(&self.key, &dimension),
            dimension,
            aliases: Vec::new(),
            custom: true,
        }
    }
}

/// The built-in kinds followed by the profile's own.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Kinds {
    pub kinds: Vec<MeasureKind>,
}

impl Kinds {
    pub fn new(custom: &[CustomKind]) -> Self {
        let mut kinds = builtin_kinds();
        kinds.extend(custom.iter().map(CustomKind::to_kind));
        Kinds { kinds }
    }

    pub fn find(&self, name: &str) -> Option<&MeasureKind> {
        let name = name.trim().to_lowercase();
        self.kinds.iter().find(|k| k.answers_to(&name))
    }

    /// The kind stored under a JSON key of `measurements`.
    pub fn by_json_key(&self, json_key: &str) -> Option<&MeasureKind> {
        self.kinds.iter().find(|k| matches!(&k.storage, Storage::Json(j) if j == json_key))
    }

    fn known_list(&self) -> String {
        self.kinds.iter().map(|k| k.key.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// One `key=value` of an entry, resolved: where it goes and its SI value
/// (None: clear it, written `key=` when editing).
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedValue {
    pub storage: Storage,
    pub label: String,
    pub si: Option<f64>,
}

/// Parses `weight=82.4 waist=84cm bf=18.5%` (tokens may also be passed one
/// per argument). A bare number is in the user's units.
pub fn parse_values(
    tokens: &[String],
    kinds: &Kinds,
    units: Units,
    allow_clear: bool,
) -> Result<Vec<ParsedValue>> {
    // `weight=82.4 kg`: a unit on its own joins the value before it.
    let mut pairs: Vec<(String, String)> = Vec::new();
    for token in tokens.iter().flat_map(|t| t.split_whitespace()) {
        match (token.split_once('='), pairs.last_mut()) {
            (Some((name, value)), _) => pairs.push((name.to_string(), value.to_string())),
            (None, Some((_, value)))
                if !value.is_empty() && !value.ends_with(|c: char| c.is_alphabetic() || c == '%') =>
            {
                value.push_str(token)
            }
            (None, _) => {
                return Err(Error::invalid(format!("expected key=value (e.g. weight=82.4), got {token:?}")));
            }
        }
    }
    let mut out: Vec<ParsedValue> = Vec::new();
    for (name, value) in &pairs {
        let (name, value) = (name.as_str(), value.as_str());
        let kind = kinds
            .find(name)
            .ok_or_else(|| Error::UnknownMeasure { name: name.to_string(), known: kinds.known_list() })?;
        if out.iter().any(|p| p.storage == kind.storage) {
            return Err(Error::invalid(format!("{} is given twice", kind.key)));
        }
        let si = if value.trim().is_empty() {
            if !allow_clear {
                return Err(Error::invalid(format!("{} has no value", kind.key)));
            }
            None
        } else {
            Some(parse_one(kind, value, units)?)
        };
        out.push(ParsedValue { storage: kind.storage.clone(), label: kind.label.clone(), si });
    }
    if out.is_empty() {
        return Err(Error::invalid("nothing to record: give at least one key=value, e.g. weight=82.4"));
    }
    Ok(out)
}

fn parse_one(kind: &MeasureKind, text: &str, units: Units) -> Result<f64> {
    let text = text.trim();
    let split = text
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_digit() || *c == '.' || *c == ',' || (*i == 0 && (*c == '-' || *c == '+')))
        })
        .map(|(i, _)| i)
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number.replace(',', ".").parse().map_err(|_| {
        Error::invalid(format!("{}: {text:?} is not a number with a unit (e.g. 84cm)", kind.key))
    })?;
    let unit = unit.trim();
    let unit = (!unit.is_empty()).then_some(unit);
    let si = kind.dimension.to_si(value, unit, units).ok_or_else(|| {
        Error::invalid(format!(
            "{}: unit {:?} does not fit; use {}",
            kind.key,
            unit.unwrap_or_default(),
            kind.dimension.accepted()
        ))
    })?;
    kind.dimension.check(&kind.label, si)?;
    Ok(kind.dimension.round_si(si))
}

// ---- custom kinds in users.settings ----------------------------------------

pub async fn custom_kinds(conn: &mut SqliteConnection, user_id: &str) -> Result<Vec<CustomKind>> {
    let raw: Option<Option<String>> =
        sqlx::query_scalar("SELECT json_extract(settings, '$.body_measure_kinds') FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some(raw) = raw else {
        return Err(Error::not_found(format!("profile {user_id}")));
    };
    match raw {
        None => Ok(Vec::new()),
        Some(text) => serde_json::from_str(&text).map_err(|e| Error::Corrupt {
            what: format!("settings.body_measure_kinds of profile {user_id}"),
            detail: e.to_string(),
        }),
    }
}

pub async fn kinds(conn: &mut SqliteConnection, user_id: &str) -> Result<Kinds> {
    Ok(Kinds::new(&custom_kinds(conn, user_id).await?))
}

async fn save_custom_kinds(conn: &mut SqliteConnection, user_id: &str, list: &[CustomKind]) -> Result<()> {
    let json = serde_json::to_string(list).map_err(|e| Error::invalid(e.to_string()))?;
    sqlx::query(
        "UPDATE users SET settings = json_set(settings, '$.body_measure_kinds', json(?)) WHERE id = ?",
    )
    .bind(json)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Adds a kind such as `biceps` in `cm`. Keys are short snake_case names
/// that do not clash with a built-in kind or alias.
pub async fn add_custom_kind(
    conn: &mut SqliteConnection,
    user_id: &str,
    key: &str,
    unit: &str,
    label: Option<&str>,
) -> Result<CustomKind> {
    let key = key.trim().to_lowercase();
    let valid = key.len() <= 32
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid {
        return Err(Error::invalid(format!(
            "{key:?} is not a measure name: use up to 32 letters, digits or _ starting with a letter"
        )));
    }
    let unit = unit.trim();
    if unit.is_empty() || unit.chars().count() > 16 {
        return Err(Error::invalid("a measure needs a unit of at most 16 characters (e.g. cm, kg, %, bpm)"));
    }
    let mut list = custom_kinds(conn, user_id).await?;
    if let Some(existing) = Kinds::new(&list).find(&key) {
        return Err(Error::invalid(format!("{key:?} already exists ({})", existing.label)));
    }
    let dimension = Dimension::of_unit(unit);
    let storage = json_storage(&key, &dimension);
    if let Some(clash) = Kinds::new(&list).kinds.iter().find(|k| k.storage == storage) {
        return Err(Error::invalid(format!("{key:?} would be stored like {} ({})", clash.key, clash.label)));
    }
    let unit = match &dimension {
        Dimension::Other(u) => u.clone(),
        _ => normalize_unit(unit),
    };
    let label = label.map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).unwrap_or_else(|| {
        let mut chars = key.replace('_', " ").chars().collect::<Vec<_>>();
        if let Some(c) = chars.first_mut() {
            *c = c.to_ascii_uppercase();
        }
        chars.into_iter().collect()
    });
    let kind = CustomKind { key, label, unit };
    list.push(kind.clone());
    save_custom_kinds(conn, user_id, &list).await?;
    Ok(kind)
}

/// Removes a user-defined kind; values already recorded stay in the measurements.
pub async fn remove_custom_kind(conn: &mut SqliteConnection, user_id: &str, key: &str) -> Result<CustomKind> {
    let key = key.trim().to_lowercase();
    let mut list = custom_kinds(conn, user_id).await?;
    let Some(pos) = list.iter().position(|k| k.key == key) else {
        return Err(Error::not_found(format!("custom measure {key:?}")));
    };
    let removed = list.remove(pos);
    save_custom_kinds(conn, user_id, &list).await?;
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, units: Units) -> Result<Vec<ParsedValue>> {
        parse_values(&[text.to_string()], &Kinds::new(&[]), units, false)
    }

    fn json(key: &str) -> Storage {
        Storage::Json(key.into())
    }

    #[test]
    fn the_example_line_is_stored_in_si() {
        let values =
            parse("weight=82.4 waist=84cm bf=18.5% hips=38in rhr=52 hrv=65ms sleep=7.5h", Units::Metric)
                .unwrap();
        let got: Vec<(Storage, f64)> = values.into_iter().map(|v| (v.storage, v.si.unwrap())).collect();
        assert_eq!(
            got,
            vec![
                (Storage::WeightColumn, 82.4),
                (json("waist_cm"), 84.0),
                (Storage::BodyFatColumn, 18.5),
                (json("hips_cm"), 96.52),
                (json("resting_hr_bpm"), 52.0),
                (json("hrv_ms"), 65.0),
                (json("sleep_hours"), 7.5),
            ]
        );
    }

    #[test]
    fn pounds_and_inches_convert_and_bare_numbers_follow_the_profile() {
        let lb = parse("weight=180lb", Units::Metric).unwrap();
        assert_eq!(lb[0].si, Some(81.647)); // 180 × 0.45359237 = 81.6466
        let bare = parse("weight=180 waist=33", Units::Imperial).unwrap();
        assert_eq!(bare[0].si, Some(81.647));
        assert_eq!(bare[1].si, Some(83.82));
        let kg = parse("weight=80kg", Units::Imperial).unwrap();
        assert_eq!(kg[0].si, Some(80.0), "an explicit unit wins over the profile's units");
        assert_eq!(parse("sleep=450min", Units::Metric).unwrap()[0].si, Some(7.5));
    }

    #[test]
    fn wrong_units_unknown_keys_and_typos_are_explained() {
        let err = parse("waist=84kg", Units::Metric).unwrap_err().to_string();
        assert!(err.contains("cm, mm or in"), "{err}");
        let err = parse("wiast=84", Units::Metric).unwrap_err().to_string();
        assert!(err.contains("\"wiast\"") && err.contains("waist") && err.contains("sleep"), "{err}");
        let err = parse("bf=180%", Units::Metric).unwrap_err().to_string();
        assert!(err.contains("not plausible"), "{err}");
        assert!(parse("weight=abc", Units::Metric).is_err());
        assert!(parse("weight", Units::Metric).unwrap_err().to_string().contains("key=value"));
        assert!(parse("weight=80 w=81", Units::Metric).unwrap_err().to_string().contains("twice"));
        assert!(parse("weight=", Units::Metric).unwrap_err().to_string().contains("no value"));
        assert!(parse("weight=82 kg kg", Units::Metric).is_err(), "one unit per value");
    }

    #[test]
    fn a_unit_after_a_space_belongs_to_its_value() {
        let v = parse("weight=180 lb waist=84 cm bf=18.5 %", Units::Metric).unwrap();
        let si: Vec<f64> = v.iter().map(|p| p.si.unwrap()).collect();
        assert_eq!(si, vec![81.647, 84.0, 18.5]);
    }

    #[test]
    fn custom_kinds_parse_with_their_unit() {
        let kinds = Kinds::new(&[
            CustomKind { key: "biceps".into(), label: "Biceps".into(), unit: "cm".into() },
            CustomKind { key: "glucose".into(), label: "Glucose".into(), unit: "mmol/L".into() },
        ]);
        let v = parse_values(&["biceps=14in".into(), "glucose=5.4".into()], &kinds, Units::Metric, false)
            .unwrap();
        assert_eq!(v[0].storage, json("biceps_cm"));
        assert_eq!(v[0].si, Some(35.56));
        assert_eq!(v[1].storage, json("glucose"));
        assert_eq!(v[1].si, Some(5.4));
        assert!(parse_values(&["glucose=5.4kg".into()], &kinds, Units::Metric, false).is_err());
    }

    #[test]
    fn values_are_shown_in_the_users_units() {
        let kinds = Kinds::new(&[]);
        let weight = kinds.find("weight").unwrap();
        assert_eq!(weight.format(81.647, Units::Imperial), "180.0 lb");
        assert_eq!(weight.format(81.647, Units::Metric), "81.6 kg");
        assert_eq!(kinds.find("hips").unwrap().format(96.52, Units::Imperial), "38.0 in");
        assert_eq!(kinds.find("bf").unwrap().format(18.5, Units::Imperial), "18.5%");
        assert_eq!(kinds.by_json_key("resting_hr_bpm").unwrap().format(52.0, Units::Metric), "52 bpm");
    }
}
