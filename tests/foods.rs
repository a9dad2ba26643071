//! The food database: the SR24 converter on real USDA files, the bundled data
//! file loaded into a real SQLite database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::io::Write;
use std::path::Path;

use wagner::Store;
use wagner::nutrition::foods::{self, FoodRecord};
use wagner::nutrition::sr24;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sr24");

/// A jar laid out like cronometer's usda_sr24.jar, holding the fixture files.
fn fixture_jar(dir: &Path) -> std::path::PathBuf {
    let jar = dir.join("usda_sr24.jar");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&jar).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        zip.start_file(format!("usda_sr24/{name}"), options).unwrap();
        zip.write_all(&std::fs::read(&path).unwrap()).unwrap();
    }
    zip.finish().unwrap();
    jar
}

fn by_id<'a>(records: &'a [FoodRecord], id: &str) -> &'a FoodRecord {
    records.iter().find(|r| r.source_id == id).unwrap_or_else(|| panic!("food {id} converted"))
}

fn assert_close(actual: Option<f64>, expected: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what} is missing"));
    assert!((actual - expected).abs() < 1e-6, "{what}: {actual} ≠ {expected}");
}

#[test]
fn converter_maps_real_sr24_foods_with_the_right_units() {
    let dir = tempfile::tempdir().unwrap();
    let conversion = sr24::convert_jar(&fixture_jar(dir.path())).unwrap();
    let ids: Vec<&str> = conversion.records.iter().map(|r| r.source_id.as_str()).collect();
    assert_eq!(ids.len(), 6, "the six active foods of foods.index: {ids:?}");
    assert!(!ids.contains(&"03266"), "a deprecated food is left out even though its XML is in the jar");
    assert_eq!(conversion.deprecated_skipped, 1);

    // Values as 01123.xml states them, per 100 g.
    let egg = by_id(&conversion.records, "01123");
    assert_eq!(egg.name, "Egg, whole, raw, fresh");
    assert_eq!(egg.source, "usda_sr24");
    assert_eq!(egg.food_group.as_deref(), Some("Dairy and Egg Products"));
    let n = |r: &FoodRecord, c: &str| r.nutrients.get(c).copied();
    assert_close(n(egg, "calories"), 143.0, "egg kcal");
    assert_close(n(egg, "protein_g"), 12.56, "egg protein");
    assert_close(n(egg, "total_fat_g"), 9.51, "egg fat");
    assert_close(n(egg, "total_carbs_g"), 0.72, "egg carbs");
    assert_close(n(egg, "cholesterol_mg"), 372.0, "egg cholesterol");
    assert_close(n(egg, "selenium_ug"), 30.7, "egg selenium µg");
    assert_close(n(egg, "choline_mg"), 293.8, "egg choline");
    assert_close(n(egg, "vitamin_b12_ug"), 0.89, "egg B12 µg");
    assert_close(n(egg, "omega3_g"), 0.102, "egg omega-3");
    // 82 IU of vitamin D = 2.05 µg; 540 IU vitamin A with 160 µg retinol and
    // 9 µg β-cryptoxanthin = 160.375 µg RAE (USDA: 160).
    assert_close(n(egg, "vitamin_d_ug"), 2.05, "egg vitamin D µg");
    assert_close(n(egg, "vitamin_a_ug"), 160.375, "egg vitamin A µg RAE");
    let large = egg.portions.iter().find(|p| p.name == "large").expect("a large egg portion");
    assert_eq!((large.amount, large.grams), (1.0, 50.0));
    assert_eq!(egg.portions.len(), 6);

    let banana = by_id(&conversion.records, "09040");
    assert_eq!(banana.name, "Bananas, raw");
    assert_eq!(banana.food_group.as_deref(), Some("Fruits and Fruit Juices"));
    assert_close(n(banana, "calories"), 89.0, "banana kcal");
    assert_close(n(banana, "potassium_mg"), 358.0, "banana potassium");
    assert_close(n(banana, "dietary_fiber_g"), 2.6, "banana fiber");
    assert_close(n(banana, "folate_ug"), 20.0, "banana folate µg");
    let medium = banana.portions.iter().find(|p| p.name.starts_with("medium")).expect("a medium banana");
    assert_eq!(medium.grams, 118.0);

    let oats = by_id(&conversion.records, "20038");
    assert_close(n(oats, "calories"), 389.0, "oats kcal");
    assert_close(n(oats, "protein_g"), 16.89, "oats protein");
    assert_close(n(oats, "dietary_fiber_g"), 10.6, "oats fiber");
    assert_eq!(n(oats, "selenium_ug"), None, "not in 20038.xml: unknown, not zero");
    assert_close(n(oats, "vitamin_a_ug"), 0.0, "oats vitamin A");

    // Carrots: 8285 µg β-carotene + 3477 µg α-carotene = 835 µg RAE (USDA: 835).
    let carrots = by_id(&conversion.records, "11124");
    assert_close(n(carrots, "vitamin_a_ug"), 835.2917, "carrot RAE (8285 / 12 + 3477 / 24, 4 decimals)");
    assert_close(n(carrots, "vitamin_k_ug"), 13.2, "carrot vitamin K µg");

    // Clams list 570 IU with no retinol/carotenoid split: RAE unknown.
    let clams = by_id(&conversion.records, "15159");
    assert_eq!(n(clams, "vitamin_a_ug"), None);
    assert_close(n(clams, "iron_mg"), 27.96, "clam iron");

    // Milk: 51 IU vitamin D = 1.275 µg (USDA: 1.3).
    let milk = by_id(&conversion.records, "01077");
    assert_close(n(milk, "vitamin_d_ug"), 1.275, "milk vitamin D");
    let cup = milk.portions.iter().find(|p| p.name == "cup").expect("a cup of milk");
    assert_eq!(cup.grams, 244.0);
}

#[test]
fn a_data_file_round_trips_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let records = sr24::convert_jar(&fixture_jar(dir.path())).unwrap().records;
    let (a, b) = (dir.path().join("a.jsonl.gz"), dir.path().join("b.jsonl.gz"));
    foods::write_data_file(&records, &a).unwrap();
    let mut reversed = records.clone();
    reversed.reverse();
    foods::write_data_file(&reversed, &b).unwrap();
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap(), "same foods, same bytes");
    let mut back = foods::read_data_path(&a).unwrap();
    back.sort_by(|x, y| x.source_id.cmp(&y.source_id));
    let mut expected = records;
    expected.sort_by(|x, y| x.source_id.cmp(&y.source_id));
    assert_eq!(back, expected);
}

#[test]
fn a_data_file_naming_an_unknown_column_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.jsonl.gz");
    let mut gz = flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), Default::default());
    writeln!(
        gz,
        r#"{{"source":"usda_sr24","source_id":"1","name":"X","nutrients":{{"calories; DROP TABLE users":1}}}}"#
    )
    .unwrap();
    gz.finish().unwrap();
    let err = foods::read_data_path(&path).unwrap_err().to_string();
    assert!(err.contains("unknown nutrient column"), "{err}");
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(store.pool()).await.unwrap()
}

#[tokio::test]
async fn the_bundled_database_loads_once_and_reloads_as_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();

    let first = foods::ensure_loaded(&store).await.unwrap().expect("a new database gets the foods");
    assert_eq!(first.records, 7907 + 3549, "every active SR24 food and the FNDDS foods SR24 lacks");
    assert_eq!(first.inserted, first.records);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM foods_enhanced WHERE source = 'usda_sr24'").await, 7907);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM foods_enhanced WHERE source = 'usda_fndds'").await, 3549);
    assert_eq!(foods::ensure_loaded(&store).await.unwrap(), None, "already loaded: skipped");

    let stamp = "SELECT group_concat(updated_at) FROM (SELECT updated_at FROM foods_enhanced ORDER BY id)";
    let before: String = sqlx::query_scalar(stamp).fetch_one(store.pool()).await.unwrap();
    let again = foods::load_bundled(&store).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 11456), "re-running changes nothing");
    let after: String = sqlx::query_scalar(stamp).fetch_one(store.pool()).await.unwrap();
    assert_eq!(before, after, "no row was rewritten");

    // A hand-edited row is put back by a reload.
    sqlx::query("UPDATE foods_enhanced SET calories = 1 WHERE source = 'usda_sr24' AND source_id = '01123'")
        .execute(store.pool())
        .await
        .unwrap();
    let repaired = foods::load_bundled(&store).await.unwrap();
    assert_eq!((repaired.updated, repaired.unchanged), (1, 11455));

    let (name, kcal, protein, vit_a, portions, verified, user): (
        String,
        f64,
        f64,
        f64,
        String,
        i64,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT name, calories, protein_g, vitamin_a_ug, portions, is_verified, user_id FROM foods_enhanced \
         WHERE source = 'usda_sr24' AND source_id = '01123'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(name, "Egg, whole, raw, fresh");
    assert_eq!((kcal, protein, vit_a), (143.0, 12.56, 160.375));
    assert!(portions.contains(r#"{"name":"large","amount":1.0,"grams":50.0}"#), "{portions}");
    assert_eq!((verified, user), (1, None));

    // Stable ids: the same food has the same id in every database.
    let id: String = sqlx::query_scalar("SELECT id FROM foods_enhanced WHERE source_id = '09040'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(id, foods::shared_food_id("usda_sr24", "09040"));
}

/// A database with a profile and the bundled foods, as `wagner init` leaves it.
async fn loaded() -> (tempfile::TempDir, Store, wagner::profile::Profile) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("wagner.db")).await.unwrap();
    let (profile, _) = wagner::profile::ensure_default(
        &store,
        wagner::profile::NewProfile { full_name: "Me".into(), ..Default::default() },
    )
    .await
    .unwrap();
    foods::load_bundled(&store).await.unwrap();
    (dir, store, profile)
}

async fn names(store: &Store, user_id: &str, query: &str, n: u32) -> Vec<String> {
    foods::search(store, user_id, query, n).await.unwrap().into_iter().map(|h| h.name).collect()
}

fn position(names: &[String], name: &str) -> usize {
    names.iter().position(|n| n == name).unwrap_or(usize::MAX)
}

#[tokio::test]
async fn search_puts_the_food_people_mean_first() {
    let (_dir, store, me) = loaded().await;
    let user = me.id.as_str();

    let egg = names(&store, user, "egg", 300).await;
    assert_eq!(egg[0], "Egg, whole, raw, fresh", "{egg:?}");
    for other in ["Eggplant, raw", "Noodles, egg, cooked, enriched", "Eggnog"] {
        assert!(position(&egg, other) > 3, "{other} should rank below the eggs themselves: {egg:?}");
    }
    assert_eq!(names(&store, user, "eggs", 1).await, ["Egg, whole, raw, fresh"], "plural finds the same");

    assert_eq!(names(&store, user, "banana", 1).await, ["Bananas, raw"]);
    assert_eq!(names(&store, user, "oat", 1).await, ["Oats"]);

    let chicken = names(&store, user, "chicken breast", 5).await;
    assert!(
        chicken.iter().all(|n| (n.starts_with("Chicken breast,")
            || n.starts_with("Chicken, broilers or fryers, breast"))
            && !n.contains("skin eaten")
            && !n.contains("and skin")),
        "plain chicken breast meat, not deli slices, tenders, fast food or skin: {chicken:?}"
    );

    let milk = names(&store, user, "milk", 3).await;
    assert!(milk[0].starts_with("Milk, whole"), "{milk:?}");
    assert!(milk.iter().all(|n| n.starts_with("Milk,")), "{milk:?}");

    let rice = names(&store, user, "rice", 5).await;
    assert_eq!(rice[0], "Rice, cooked, NFS", "FNDDS's generic entry: {rice:?}");
    assert!(rice.iter().filter(|n| n.starts_with("Rice,")).count() >= 3, "{rice:?}");

    // SR24 has no Greek yogurt: FNDDS brings it, and the mixed dishes.
    let greek = names(&store, user, "greek yogurt", 5).await;
    assert!(greek.iter().all(|n| n.starts_with("Yogurt, Greek")), "{greek:?}");
    assert!(greek[..2].iter().any(|n| n.ends_with("plain")), "{greek:?}");
    let pizza = names(&store, user, "cheese pizza", 3).await;
    assert!(pizza.iter().all(|n| n.starts_with("Pizza, cheese")), "{pizza:?}");
    let burrito = names(&store, user, "chicken burrito", 3).await;
    assert!(burrito.iter().all(|n| n.starts_with("Burrito") && n.contains("chicken")), "{burrito:?}");
}

#[tokio::test]
async fn search_narrows_as_the_user_types_and_ignores_punctuation() {
    let (_dir, store, me) = loaded().await;
    let user = me.id.as_str();
    for typed in ["ban", "bana", "banan", "Bananas"] {
        assert_eq!(names(&store, user, typed, 1).await, ["Bananas, raw"], "typed {typed:?}");
    }
    assert_eq!(names(&store, user, "mil", 1).await[0], "Milk, whole, 3.25% milkfat, with added vitamin D");
    // FTS5 syntax in user input is text, never an error.
    for typed in ["egg*", "\"egg", "(egg)", "egg:", "NEAR(egg", "egg -", "egg^"] {
        let hits = names(&store, user, typed, 1).await;
        assert_eq!(hits, ["Egg, whole, raw, fresh"], "typed {typed:?}");
    }
    assert!(names(&store, user, "\"*() :", 5).await.is_empty());
    assert!(names(&store, user, "", 5).await.is_empty());
    assert!(names(&store, user, "zzzzqx", 5).await.is_empty());
}

#[tokio::test]
async fn foods_the_user_logs_often_come_first() {
    use wagner::nutrition::{self, MealCategory, MealFood, MealSource, NewMeal};
    let (_dir, store, me) = loaded().await;
    let scrambled = foods::search(&store, &me.id, "egg scrambled", 1).await.unwrap().remove(0);
    assert_eq!(scrambled.name, "Egg, whole, cooked, scrambled");
    assert_ne!(names(&store, &me.id, "egg", 1).await[0], scrambled.name);

    for days_ago in [1, 3, 5] {
        let mut conn = store.pool().acquire().await.unwrap();
        let meal = NewMeal {
            category: MealCategory::Breakfast,
            logged_at: wagner::clock::now() - chrono::Duration::days(days_ago),
            name: None,
            foods: vec![MealFood {
                name: "scrambled eggs".into(),
                quantity: 2.0,
                unit: "large".into(),
                grams: Some(122.0),
                calories: 182.0,
                protein_g: 12.2,
                carbs_g: 2.0,
                fat_g: 13.4,
                food_id: Some(scrambled.id.clone()),
                nutrients: Default::default(),
            }],
            source: MealSource::Manual,
            quick_entry_log_id: None,
            ai_extracted: false,
            ai_confidence: None,
            image_url: None,
        };
        nutrition::insert_meal(&mut conn, &me, &meal).await.unwrap();
    }
    let hits = foods::search(&store, &me.id, "egg", 2).await.unwrap();
    assert_eq!(hits[0].name, "Egg, whole, cooked, scrambled", "my usual egg first");
    assert_eq!(hits[0].times_logged, 3);
    assert_eq!(hits[1].name, "Egg, whole, raw, fresh");

    // Another profile's history does not reorder my results.
    let mut conn = store.pool().acquire().await.unwrap();
    let other = wagner::profile::create(
        &mut conn,
        wagner::profile::NewProfile { full_name: "Other".into(), ..Default::default() },
    )
    .await
    .unwrap();
    drop(conn);
    assert_eq!(names(&store, &other.id, "egg", 1).await, ["Egg, whole, raw, fresh"]);
}

#[test]
fn real_barcodes_validate_and_normalize() {
    use wagner::nutrition::barcode::parse;
    // Nutella 400 g (EAN-13), Coca-Cola 330 ml (EAN-13), a UPC-A and an EAN-8 from GS1 examples.
    let nutella = parse("3017620422003").unwrap();
    assert_eq!((nutella.ean13.as_str(), nutella.upc_a), ("3017620422003", None));
    assert_eq!(parse("5449000000996").unwrap().ean13, "5449000000996");
    let upc = parse("036000291452").unwrap();
    assert_eq!(upc.ean13, "0036000291452");
    assert_eq!(upc.upc_a.as_deref(), Some("036000291452"));
    assert_eq!(parse("0036000291452").unwrap(), upc, "the EAN-13 spelling of a UPC-A is the same code");
    assert_eq!(parse("0 36000 29145 2").unwrap(), upc, "spaces as printed under the bars");
    let ean8 = parse("96385074").unwrap();
    assert_eq!((ean8.ean13.as_str(), ean8.upc_a), ("0000096385074", None));

    for (bad, expected) in [("3017620422004", 3), ("5449000000991", 6), ("036000291453", 2), ("96385070", 4)]
    {
        let err = parse(bad).unwrap_err();
        assert!(err.is_user_error());
        assert!(err.to_string().contains(&format!("check digit should be {expected}")), "{bad}: {err}");
    }
}

#[tokio::test]
async fn custom_foods_are_stored_per_100_g_found_by_barcode_and_private() {
    use foods::{NewFood, Per, Serving};
    let (_dir, store, me) = loaded().await;
    let label = NewFood {
        name: "Protein bar, peanut".into(),
        brand_name: Some("Acme".into()),
        barcode: Some("036000291452".into()),
        serving: Some("1 bar=45g".parse::<Serving>().unwrap()),
        per: Per::Serving,
        nutrients: [("calories", 198.0), ("protein_g", 20.0), ("total_carbs_g", 18.0), ("total_fat_g", 6.3)]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v))
            .collect(),
    };
    let mut conn = store.pool().acquire().await.unwrap();
    let id = foods::add_custom(&mut conn, &me.id, &label).await.unwrap();
    drop(conn);

    let food = foods::get(&store, &me.id, &id).await.unwrap();
    assert_eq!(food.source, "custom");
    assert_eq!(food.nutrients["calories"], 440.0, "198 kcal per 45 g bar = 440 kcal per 100 g");
    assert_eq!(food.nutrients["protein_g"], 44.4444);
    assert_eq!(food.nutrients["total_fat_g"], 14.0);
    assert_eq!(food.portions, [foods::Portion { name: "bar".into(), amount: 1.0, grams: 45.0 }]);
    assert_eq!(
        (food.barcode_ean.as_deref(), food.barcode_upc.as_deref()),
        (Some("0036000291452"), Some("036000291452"))
    );

    for code in ["036000291452", "0036000291452"] {
        assert_eq!(foods::by_barcode(&store, &me.id, code).await.unwrap().id, id, "{code}");
    }
    let unknown = foods::by_barcode(&store, &me.id, "5449000000996").await.unwrap_err();
    assert_eq!(unknown.code(), wagner::ErrorCode::UnknownBarcode);
    assert_eq!(unknown.to_string(), "no food with barcode 5449000000996");

    // Search finds it (the FTS triggers index new rows) and puts my own food first.
    let hits = foods::search(&store, &me.id, "protein bar", 3).await.unwrap();
    assert_eq!(hits[0].id, id, "{hits:?}");

    // Someone else sees neither the food nor its barcode.
    let mut conn = store.pool().acquire().await.unwrap();
    let other = wagner::profile::create(
        &mut conn,
        wagner::profile::NewProfile { full_name: "Other".into(), ..Default::default() },
    )
    .await
    .unwrap();
    drop(conn);
    assert!(
        foods::search(&store, &other.id, "protein bar peanut", 10).await.unwrap().iter().all(|h| h.id != id)
    );
    assert_eq!(
        foods::by_barcode(&store, &other.id, "036000291452").await.unwrap_err().code(),
        "unknown_barcode"
    );
    assert_eq!(foods::get(&store, &other.id, &id).await.unwrap_err().code(), "not_found");

    // Renaming and deleting keep the index in step.
    sqlx::query("UPDATE foods_enhanced SET name = 'Crunchy cashew slab' WHERE id = ?")
        .bind(&id)
        .execute(store.pool())
        .await
        .unwrap();
    assert!(foods::search(&store, &me.id, "protein bar", 10).await.unwrap().iter().all(|h| h.id != id));
    assert_eq!(foods::search(&store, &me.id, "cashew slab", 1).await.unwrap()[0].id, id);
    sqlx::query("DELETE FROM foods_enhanced WHERE id = ?").bind(&id).execute(store.pool()).await.unwrap();
    assert!(foods::search(&store, &me.id, "cashew slab", 10).await.unwrap().iter().all(|h| h.id != id));
}

#[tokio::test]
async fn custom_food_mistakes_are_explained() {
    use foods::{NewFood, Per};
    let (_dir, store, me) = loaded().await;
    let kcal = |v: f64, extra: &[(&str, f64)]| {
        let mut n: std::collections::BTreeMap<String, f64> = [("calories".to_string(), v)].into();
        n.extend(extra.iter().map(|(c, v)| (c.to_string(), *v)));
        n
    };
    let mut conn = store.pool().acquire().await.unwrap();
    for (food, needle) in [
        (NewFood { name: " ".into(), nutrients: kcal(100.0, &[]), ..Default::default() }, "needs a name"),
        (NewFood { name: "Bar".into(), ..Default::default() }, "calories are required"),
        (
            NewFood {
                name: "Bar".into(),
                per: Per::Serving,
                nutrients: kcal(100.0, &[]),
                ..Default::default()
            },
            "serving size",
        ),
        (
            NewFood { name: "Bar".into(), nutrients: kcal(-1.0, &[]), ..Default::default() },
            "must be a number ≥ 0",
        ),
        (
            NewFood {
                name: "Bar".into(),
                nutrients: kcal(400.0, &[("protein_g", 60.0), ("total_carbs_g", 60.0)]),
                ..Default::default()
            },
            "add up to 120 g per 100 g",
        ),
        (
            NewFood {
                name: "Bar".into(),
                barcode: Some("3017620422004".into()),
                nutrients: kcal(100.0, &[]),
                ..Default::default()
            },
            "check digit should be 3",
        ),
    ] {
        let err = foods::add_custom(&mut conn, &me.id, &food).await.unwrap_err();
        assert!(err.is_user_error() && err.to_string().contains(needle), "{needle}: {err}");
    }
    for (typed, amount, unit, grams) in [
        ("1 bar=45g", 1.0, "bar", 45.0),
        ("2 cookies = 30 g", 2.0, "cookies", 30.0),
        ("1/2 cup=1.5oz", 0.5, "cup", 42.5243),
    ] {
        let s: foods::Serving = typed.parse().unwrap();
        assert_eq!((s.amount, s.unit.as_str()), (amount, unit), "{typed}");
        assert!((s.grams - grams).abs() < 1e-3, "{typed}: {}", s.grams);
    }
    assert_eq!("45g".parse::<foods::Serving>().unwrap().grams, 45.0);
    assert!("1 bar".parse::<foods::Serving>().is_err());
    assert!("1 cup=240ml".parse::<foods::Serving>().unwrap_err().to_string().contains("1 bar=45g"));
}

#[test]
fn fndds_converter_keeps_the_dishes_sr24_lacks() {
    let sr24 = foods::read_data_file(foods::BUNDLED_SR24, "bundled").unwrap();
    let csv = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fndds/fooddata_slice.csv");
    let conversion = wagner::nutrition::fndds::convert_csv(&csv, &sr24).unwrap();
    let mut kept: Vec<&str> = conversion.records.iter().map(|r| r.name.as_str()).collect();
    kept.sort();
    assert_eq!(
        kept,
        [
            "Burrito bowl, chicken",
            "Pizza, cheese, from frozen, thick crust",
            "Pizza, cheese, from frozen, thin crust",
            "Pizza, cheese, from school lunch, thin crust",
            "Pizza, cheese, gluten-free thick crust",
            "Yogurt, Greek, nonfat milk, plain",
        ],
        "branded and SR legacy rows are not FNDDS; red cabbage (same name), raw egg and raw oysters \
         (same energy and protein as an SR24 food with those words) are SR24's already"
    );
    assert_eq!(conversion.duplicates_skipped, 3);

    // Values as the CSV states them, per 100 g, in the columns' units.
    let yogurt = conversion.records.iter().find(|r| r.name.starts_with("Yogurt")).unwrap();
    assert_eq!(
        (yogurt.source.as_str(), yogurt.source_id.as_str()),
        ("usda_fndds", "Yogurt, Greek, nonfat milk, plain")
    );
    assert_eq!(yogurt.food_group.as_deref(), Some("Yogurt, Greek"));
    let n = |c: &str| yogurt.nutrients.get(c).copied();
    assert_eq!(n("calories"), Some(59.0));
    assert_eq!(n("protein_g"), Some(10.3));
    assert_eq!(n("calcium_mg"), Some(111.0));
    assert_eq!(n("vitamin_a_ug"), Some(1.0), "µg RAE");
    assert_eq!(n("vitamin_b12_ug"), Some(0.7));
    assert_eq!(n("selenium_ug"), Some(9.9));
    assert_eq!(n("omega3_g"), None, "ALA is missing, so omega-3 is unknown");
}

#[tokio::test]
async fn quantities_in_any_unit_become_grams_and_nutrients() {
    use wagner::nutrition::portions::{eaten, eaten_of, grams};
    let (_dir, store, me) = loaded().await;
    let id = |sid: &str| foods::shared_food_id("usda_sr24", sid);
    let food = |sid: &'static str| {
        let store = store.clone();
        let user = me.id.clone();
        async move { foods::get(&store, &user, &foods::shared_food_id("usda_sr24", sid)).await.unwrap() }
    };

    // Two large eggs: 2 × 50 g of a 143 kcal/100 g food.
    let eggs = eaten(&store, &me.id, &id("01123"), 2.0, "large").await.unwrap();
    assert_eq!(eggs.food.grams, Some(100.0));
    assert_eq!((eggs.food.calories, eggs.food.protein_g, eggs.food.fat_g), (143.0, 12.6, 9.5));
    assert_eq!(eggs.food.food_id.as_deref(), Some(id("01123").as_str()));
    assert_eq!(eggs.nutrients["cholesterol_mg"], 372.0, "micronutrients scale too");
    assert_eq!(eggs.nutrients["vitamin_d_ug"], 2.05);

    let banana = food("09040").await;
    assert_eq!(grams(&banana, 1.0, "medium").unwrap(), 118.0, "named portion by its first word");
    assert_eq!(grams(&banana, 1.0, "piece").unwrap(), 118.0, "a piece of fruit is a medium one");
    assert_eq!(eaten_of(&banana, 1.0, "medium").unwrap().food.calories, 105.0);

    let milk = food("01077").await;
    assert_eq!(grams(&milk, 1.0, "cup").unwrap(), 244.0);
    assert_eq!(grams(&milk, 2.0, "tbsp").unwrap(), 30.0);
    // 250 ml through the density of a 244 g cup (236.588 ml).
    assert!((grams(&milk, 250.0, "ml").unwrap() - 257.83).abs() < 0.01);
    assert!((grams(&milk, 8.0, "oz").unwrap() - 226.796).abs() < 0.001, "oz is mass");

    let bread = food("18069").await;
    assert_eq!(grams(&bread, 2.0, "slices").unwrap(), 56.0, "plural units find the portion");
    let oats = food("20038").await;
    assert_eq!(grams(&oats, 0.5, "cup").unwrap(), 78.0);
    assert!((grams(&oats, 1.0, "tbsp").unwrap() - 156.0 * 14.787 / 236.588).abs() < 1e-9);
    assert_eq!(grams(&oats, 40.0, "g").unwrap(), 40.0);

    // A unit a food has no measure for falls back to a sensible default, never to nothing:
    // a solid's cup at 0.8 g/ml, a handful is an ounce.
    let chicken = food("05062").await;
    assert!((grams(&chicken, 1.0, "cup").unwrap() - 236.588 * 0.8).abs() < 1e-9);
    assert!((grams(&oats, 1.0, "handful").unwrap() - 28.35).abs() < 1e-9);
    // A word that is no unit at all is still an error that says what works.
    let err = grams(&oats, 1.0, "furlong").unwrap_err().to_string();
    assert!(err.contains("no \"furlong\" measure") && err.contains("cup"), "{err}");
    assert!(grams(&oats, -1.0, "g").is_err());
    assert!(grams(&oats, f64::NAN, "g").is_err());

    // A custom bar: "1 bar" and "piece" are its label serving.
    let mut conn = store.pool().acquire().await.unwrap();
    let bar = foods::add_custom(
        &mut conn,
        &me.id,
        &foods::NewFood {
            name: "Oat bar".into(),
            serving: Some("1 bar=45g".parse().unwrap()),
            per: foods::Per::Serving,
            nutrients: [("calories".to_string(), 180.0)].into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    drop(conn);
    for unit in ["bar", "bars", "piece", "serving"] {
        let e = eaten(&store, &me.id, &bar, 2.0, unit).await.unwrap();
        assert_eq!((e.food.grams, e.food.calories), (Some(90.0), 360.0), "{unit}");
    }
}

/// The one function the CLI's `food add` and the window's form call: the
/// serving as label text, values per serving unless said otherwise, and a
/// barcode another food has is a conflict the form can name.
#[tokio::test]
async fn create_custom_reads_the_label_serving_and_refuses_a_taken_barcode() {
    use foods::{CustomFood, Per};
    let (_dir, store, me) = loaded().await;
    let label = |barcode: &str, per: Option<Per>| CustomFood {
        name: "Trail bar".into(),
        brand_name: Some("  ".into()),
        barcode: Some(barcode.into()),
        serving: Some("1 bar=45g".into()),
        per,
        nutrients: [("calories".to_string(), 200.0), ("protein_g".to_string(), 9.0)].into_iter().collect(),
    };
    let saved = foods::create_custom(&store, &me.id, &label("4006381333931", None)).await.unwrap();
    assert_eq!(saved.nutrients["calories"], 444.4444, "200 kcal per 45 g bar, per 100 g");
    assert_eq!(saved.brand_name, None, "a blank brand is none");
    assert_eq!(
        saved.portions.iter().map(|p| (p.name.as_str(), p.grams)).collect::<Vec<_>>(),
        [("bar", 45.0)]
    );
    assert_eq!(foods::by_barcode(&store, &me.id, "4006381333931").await.unwrap().id, saved.id);

    let per_100 = foods::create_custom(&store, &me.id, &label("", Some(Per::Hundred))).await.unwrap();
    assert_eq!(per_100.nutrients["calories"], 200.0, "values said to be per 100 g stay as typed");

    let taken = foods::create_custom(&store, &me.id, &label("4006381333931", None)).await.unwrap_err();
    assert_eq!(taken.code(), wagner::ErrorCode::Conflict, "{taken}");
    assert!(taken.to_string().contains("Trail bar"), "it names the food that has it: {taken}");
    let unreadable = CustomFood { serving: Some("a bit".into()), ..label("", None) };
    let err = foods::create_custom(&store, &me.id, &unreadable).await.unwrap_err();
    assert_eq!(err.code(), wagner::ErrorCode::InvalidInput, "{err}");
}
