//! Apple Health exports written the way the Health app writes them
//! (`apple_health_export/export.xml` with its DOCTYPE, `Me`, `Record`,
//! `Workout` with `WorkoutStatistics`/`WorkoutRoute`/`FileReference`, and
//! `workout-routes/route_*.gpx`), from HealthKit's public identifiers.
//! `small` has known values the tests check; `filler_days` adds the heart
//! rate, step and energy samples that make real exports large.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;

pub const HEADER: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
]>
<HealthData locale="en_US">
 <ExportDate value="2022-01-05 09:12:33 -0700"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1988-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>
"#;

pub const FOOTER: &str = "</HealthData>\n";

const WATCH: &str = r#"sourceName="Jane’s Apple Watch" sourceVersion="8.3" device="&lt;&lt;HKDevice: 0x2834f4a50&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,2, software:8.3&gt;""#;

fn record(kind: &str, source: &str, unit: &str, start: &str, end: &str, value: &str) -> String {
    format!(
        " <Record type=\"HKQuantityTypeIdentifier{kind}\" {source} unit=\"{unit}\" creationDate=\"{end}\" startDate=\"{start}\" endDate=\"{end}\" value=\"{value}\"/>\n"
    )
}

fn meal_record(kind: &str, unit: &str, at: &str, value: &str, meal: &str) -> String {
    format!(
        " <Record type=\"HKQuantityTypeIdentifier{kind}\" sourceName=\"MyFitnessPal\" sourceVersion=\"21.12.0\" unit=\"{unit}\" creationDate=\"{at}\" startDate=\"{at}\" endDate=\"{at}\" value=\"{value}\">\n  <MetadataEntry key=\"meal\" value=\"{meal}\"/>\n </Record>\n"
    )
}

/// The known-values export: 3 days in December 2021 at -0700.
pub fn small_xml() -> String {
    let scale = r#"sourceName="Withings" sourceVersion="5.2.1""#;
    let mut x = String::from(HEADER);
    // Day 1: a smart-scale weigh-in (weight, fat, lean mass at one instant), resting HR, HRV, waist.
    x += &record("BodyMass", scale, "lb", "2021-12-11 07:01:54 -0700", "2021-12-11 07:01:54 -0700", "154.2");
    x += &record(
        "BodyFatPercentage",
        scale,
        "%",
        "2021-12-11 07:01:54 -0700",
        "2021-12-11 07:01:54 -0700",
        "0.213",
    );
    x += &record(
        "LeanBodyMass",
        scale,
        "lb",
        "2021-12-11 07:01:54 -0700",
        "2021-12-11 07:01:54 -0700",
        "121.4",
    );
    x += &record(
        "RestingHeartRate",
        WATCH,
        "count/min",
        "2021-12-11 00:02:11 -0700",
        "2021-12-11 23:58:07 -0700",
        "52",
    );
    x += " <Record type=\"HKQuantityTypeIdentifierHeartRateVariabilitySDNN\" ";
    x += WATCH;
    x += " unit=\"ms\" creationDate=\"2021-12-11 03:14:02 -0700\" startDate=\"2021-12-11 03:12:58 -0700\" endDate=\"2021-12-11 03:14:02 -0700\" value=\"48.3\">\n  <HeartRateVariabilityMetadataList>\n   <InstantaneousBeatsPerMinute bpm=\"58\" time=\"3:12:59.41 AM\"/>\n   <InstantaneousBeatsPerMinute bpm=\"57\" time=\"3:13:00.47 AM\"/>\n  </HeartRateVariabilityMetadataList>\n </Record>\n";
    x += &record(
        "WaistCircumference",
        r#"sourceName="Health" sourceVersion="15.1""#,
        "in",
        "2021-12-11 08:00:00 -0700",
        "2021-12-11 08:00:00 -0700",
        "32",
    );
    // Samples that are not kept.
    for (i, bpm) in [72, 75, 81].iter().enumerate() {
        x += &format!(
            " <Record type=\"HKQuantityTypeIdentifierHeartRate\" {WATCH} unit=\"count/min\" creationDate=\"2021-12-11 09:0{i}:10 -0700\" startDate=\"2021-12-11 09:0{i}:05 -0700\" endDate=\"2021-12-11 09:0{i}:05 -0700\" value=\"{bpm}\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/>\n </Record>\n"
        );
    }
    x +=
        &record("StepCount", WATCH, "count", "2021-12-11 09:00:00 -0700", "2021-12-11 09:10:00 -0700", "812");
    // Food from MyFitnessPal through Health: breakfast and dinner on day 1.
    x += &meal_record("DietaryEnergyConsumed", "kcal", "2021-12-11 08:15:00 -0700", "512.4", "Breakfast");
    x += &meal_record("DietaryProtein", "g", "2021-12-11 08:15:00 -0700", "30.1", "Breakfast");
    x += &meal_record("DietaryCarbohydrates", "g", "2021-12-11 08:15:00 -0700", "60", "Breakfast");
    x += &meal_record("DietaryFatTotal", "g", "2021-12-11 08:15:00 -0700", "15.2", "Breakfast");
    x += &meal_record("DietaryEnergyConsumed", "kcal", "2021-12-11 19:05:00 -0700", "800", "Dinner");
    x += &meal_record("DietaryProtein", "g", "2021-12-11 19:05:00 -0700", "45", "Dinner");
    x += &meal_record("DietaryCarbohydrates", "g", "2021-12-11 19:05:00 -0700", "90", "Dinner");
    x += &meal_record("DietaryFatTotal", "g", "2021-12-11 19:05:00 -0700", "25", "Dinner");
    // A run with its route (attributes as iOS 15 wrote them).
    x += &format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" duration=\"30.5\" durationUnit=\"min\" totalDistance=\"3.1\" totalDistanceUnit=\"mi\" totalEnergyBurned=\"310\" totalEnergyBurnedUnit=\"kcal\" {WATCH} creationDate=\"2021-12-11 18:35:20 -0700\" startDate=\"2021-12-11 18:04:48 -0700\" endDate=\"2021-12-11 18:35:18 -0700\">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n  <MetadataEntry key=\"HKTimeZone\" value=\"America/Denver\"/>\n  <WorkoutEvent type=\"HKWorkoutEventTypeSegment\" date=\"2021-12-11 18:04:48 -0700\" duration=\"9.9\" durationUnit=\"min\"/>\n  <WorkoutRoute sourceName=\"Jane’s Apple Watch\" sourceVersion=\"8.3\" creationDate=\"2021-12-11 18:35:25 -0700\" startDate=\"2021-12-11 18:04:50 -0700\" endDate=\"2021-12-11 18:35:16 -0700\">\n   <MetadataEntry key=\"HKMetadataKeySyncVersion\" value=\"2\"/>\n   <FileReference path=\"/workout-routes/route_2021-12-11_6.35pm.gpx\"/>\n  </WorkoutRoute>\n </Workout>\n"
    );
    // Day 2: a manual weigh-in in kg; dinner late in the evening (UTC already the next day).
    x += &record(
        "BodyMass",
        r#"sourceName="Health" sourceVersion="15.1""#,
        "kg",
        "2021-12-12 07:30:00 -0700",
        "2021-12-12 07:30:00 -0700",
        "69.8",
    );
    // A typo that is not a body weight: left out, its line named.
    x += &record(
        "BodyMass",
        r#"sourceName="Health" sourceVersion="15.1""#,
        "lb",
        "2021-12-12 07:31:00 -0700",
        "2021-12-12 07:31:00 -0700",
        "1540",
    );
    x += &meal_record("DietaryEnergyConsumed", "kcal", "2021-12-12 23:30:00 -0700", "650", "Snacks");
    x += &meal_record("DietaryProtein", "g", "2021-12-12 23:30:00 -0700", "20", "Snacks");
    // Strength (iOS 16 style: energy only in WorkoutStatistics).
    x += &format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeTraditionalStrengthTraining\" duration=\"45\" durationUnit=\"min\" {WATCH} creationDate=\"2021-12-12 18:46:00 -0700\" startDate=\"2021-12-12 18:00:00 -0700\" endDate=\"2021-12-12 18:45:00 -0700\">\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\" startDate=\"2021-12-12 18:00:00 -0700\" endDate=\"2021-12-12 18:45:00 -0700\" sum=\"220.5\" unit=\"kcal\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierBasalEnergyBurned\" startDate=\"2021-12-12 18:00:00 -0700\" endDate=\"2021-12-12 18:45:00 -0700\" sum=\"80\" unit=\"kcal\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierHeartRate\" startDate=\"2021-12-12 18:00:00 -0700\" endDate=\"2021-12-12 18:45:00 -0700\" average=\"118\" minimum=\"82\" maximum=\"151\" unit=\"count/min\"/>\n </Workout>\n"
    );
    // Day 3: a ride without a route (iOS 16 style distance).
    x += &format!(
        " <Workout workoutActivityType=\"HKWorkoutActivityTypeCycling\" duration=\"62.25\" durationUnit=\"min\" {WATCH} creationDate=\"2021-12-13 08:05:00 -0700\" startDate=\"2021-12-13 07:02:00 -0700\" endDate=\"2021-12-13 08:04:15 -0700\">\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierDistanceCycling\" startDate=\"2021-12-13 07:02:00 -0700\" endDate=\"2021-12-13 08:04:15 -0700\" sum=\"20.4\" unit=\"km\"/>\n  <WorkoutStatistics type=\"HKQuantityTypeIdentifierActiveEnergyBurned\" startDate=\"2021-12-13 07:02:00 -0700\" endDate=\"2021-12-13 08:04:15 -0700\" sum=\"480\" unit=\"kcal\"/>\n </Workout>\n"
    );
    x += " <ActivitySummary dateComponents=\"2021-12-11\" activeEnergyBurned=\"640\" activeEnergyBurnedGoal=\"500\" activeEnergyBurnedUnit=\"kcal\" appleMoveTime=\"0\" appleMoveTimeGoal=\"0\" appleExerciseTime=\"34\" appleExerciseTimeGoal=\"30\" appleStandHours=\"12\" appleStandHoursGoal=\"12\"/>\n";
    x += FOOTER;
    x
}

/// The run's route as the Health app writes it (UTC times, speed/course/accuracy extensions).
pub fn route_gpx() -> String {
    let mut g = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<gpx version=\"1.1\" creator=\"Apple Health Export\" xmlns=\"http://www.topografix.com/GPX/1/1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.topografix.com/GPX/1/1 http://www.topografix.com/GPX/1/1/gpx.xsd\">\n <metadata>\n  <time>2021-12-12T01:35:25Z</time>\n </metadata>\n <trk>\n  <name>Route 2021-12-11 6:35pm</name>\n  <trkseg>\n",
    );
    // 1,826 s heading east at ~2.8 m/s from Boulder.
    let (lat0, lon0) = (40.015014_f64, -105.270546_f64);
    let start = chrono::DateTime::parse_from_rfc3339("2021-12-12T01:04:50Z").unwrap();
    for i in 0..=1826 / 2 {
        let t = start + chrono::Duration::seconds(i * 2);
        let lon = lon0 + (i as f64) * 2.0 * 2.8 / (111_320.0 * lat0.to_radians().cos());
        g += &format!(
            "   <trkpt lon=\"{lon:.6}\" lat=\"{lat0:.6}\"><ele>{:.1}</ele><time>{}</time><extensions><speed>2.80</speed><course>90.0</course><hAcc>2.4</hAcc><vAcc>1.7</vAcc></extensions></trkpt>\n",
            1624.5 + (i as f64 / 40.0).sin() * 5.0,
            t.format("%Y-%m-%dT%H:%M:%SZ")
        );
    }
    g += "  </trkseg>\n </trk>\n</gpx>\n";
    g
}

fn options() -> zip::write::SimpleFileOptions {
    zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
}

/// Writes `export.zip` with the given export.xml and the run's route.
pub fn write_zip(path: &Path, xml: &str) {
    let file = std::fs::File::create(path).unwrap();
    let mut zip = zip::ZipWriter::new(file);
    zip.add_directory("apple_health_export/", options()).unwrap();
    zip.start_file("apple_health_export/export.xml", options()).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.start_file("apple_health_export/export_cda.xml", options()).unwrap();
    zip.write_all(b"<?xml version=\"1.0\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\"></ClinicalDocument>\n")
        .unwrap();
    zip.start_file("apple_health_export/workout-routes/route_2021-12-11_6.35pm.gpx", options()).unwrap();
    zip.write_all(route_gpx().as_bytes()).unwrap();
    zip.finish().unwrap();
}

/// A large export streamed straight into the ZIP: `days` days of heart-rate
/// samples every few minutes, hourly steps and active energy, daily weight and
/// food; returns the XML bytes written.
pub fn write_large_zip(path: &Path, target_xml_bytes: u64) -> u64 {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("apple_health_export/export.xml", options()).unwrap();
    let mut written = 0u64;
    let put = |zip: &mut zip::ZipWriter<_>, written: &mut u64, s: &str| {
        zip.write_all(s.as_bytes()).unwrap();
        *written += s.len() as u64;
    };
    put(&mut zip, &mut written, HEADER);
    let day0 = chrono::NaiveDate::from_ymd_opt(2016, 1, 1).unwrap();
    let mut day = 0i64;
    let mut line = String::with_capacity(1 << 20);
    while written < target_xml_bytes {
        let date = day0 + chrono::Duration::days(day);
        line.clear();
        let at = |h: u32, m: u32, s: u32| format!("{date} {h:02}:{m:02}:{s:02} -0700");
        let kg = 70.0 + ((day % 90) as f64 / 90.0 * std::f64::consts::TAU).sin() * 1.5;
        line += &record(
            "BodyMass",
            r#"sourceName="Withings" sourceVersion="5.2.1""#,
            "kg",
            &at(7, 1, 0),
            &at(7, 1, 0),
            &format!("{kg:.2}"),
        );
        for k in 0..(24 * 60 / 4) {
            let (h, m) = (k * 4 / 60, k * 4 % 60);
            line += &format!(
                " <Record type=\"HKQuantityTypeIdentifierHeartRate\" {WATCH} unit=\"count/min\" creationDate=\"{}\" startDate=\"{}\" endDate=\"{}\" value=\"{}\">\n  <MetadataEntry key=\"HKMetadataKeyHeartRateMotionContext\" value=\"0\"/>\n </Record>\n",
                at(h, m, 9),
                at(h, m, 4),
                at(h, m, 4),
                60 + (k % 40)
            );
        }
        for h in 0..24 {
            line += &record(
                "StepCount",
                WATCH,
                "count",
                &at(h, 0, 0),
                &at(h, 59, 0),
                &format!("{}", 100 + h * 37),
            );
            line += &record("ActiveEnergyBurned", WATCH, "kcal", &at(h, 0, 0), &at(h, 59, 0), "21.7");
        }
        line += &meal_record("DietaryEnergyConsumed", "kcal", &at(12, 30, 0), "2150", "Lunch");
        line += &meal_record("DietaryProtein", "g", &at(12, 30, 0), "120", "Lunch");
        if day % 2 == 0 {
            line += &format!(
                " <Workout workoutActivityType=\"HKWorkoutActivityTypeRunning\" duration=\"40\" durationUnit=\"min\" totalDistance=\"8\" totalDistanceUnit=\"km\" totalEnergyBurned=\"520\" totalEnergyBurnedUnit=\"kcal\" {WATCH} startDate=\"{}\" endDate=\"{}\">\n  <MetadataEntry key=\"HKIndoorWorkout\" value=\"0\"/>\n </Workout>\n",
                at(18, 0, 0),
                at(18, 40, 0)
            );
        }
        put(&mut zip, &mut written, &line);
        day += 1;
    }
    put(&mut zip, &mut written, FOOTER);
    zip.finish().unwrap().flush().unwrap();
    written
}
