//! The demo looks complete at any hour, in any time zone: opened at 06:00,
//! just after midnight on the first day of a week, at 23:59 on the last day
//! of a month or across a DST change, Today, yesterday, the week and the
//! month all show logged days, and nothing is logged after "now".
//!
//! One test on purpose: it sets the process's clock (clock::set_fixed) for
//! each instant, which other tests in this binary would see. Under
//! scripts/test-dates.sh `WAGNER_NOW` adds that instant to the list.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test
mod support;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use wagner::dashboard::{self, period};
use wagner::{clock, demo, nutrition};

const ZONES: [&str; 4] = ["Europe/Berlin", "America/Los_Angeles", "Pacific/Auckland", "UTC"];

fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    tz.with_ymd_and_hms(y, m, d, h, min, 0).earliest().expect("a local time that exists").with_timezone(&Utc)
}

/// The instants a person could open the demo at, in `tz`.
fn instants(tz: Tz, now: DateTime<Utc>) -> Vec<(String, DateTime<Utc>)> {
    let today = clock::local_date(now, tz);
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let month_end = NaiveDate::from_ymd_opt(today.year(), today.month(), 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap();
    let mut out = vec![
        ("now".to_string(), now),
        ("00:05 on a Monday".into(), local(tz, monday.year(), monday.month(), monday.day(), 0, 5)),
        ("00:00 on a Monday".into(), clock::day_start_utc(monday, tz)),
        ("06:00 before breakfast".into(), local(tz, today.year(), today.month(), today.day(), 6, 0)),
        (
            "23:59 on the last day of a month".into(),
            local(tz, month_end.year(), month_end.month(), month_end.day(), 23, 59),
        ),
        ("00:01 on the first of a month".into(), local(tz, 2027, 1, 1, 0, 1)),
    ];
    // The DST changes of 2026 in the zones that have them, and the morning after.
    let changes: &[(i32, u32, u32)] = match tz.name() {
        "Europe/Berlin" => &[(2026, 3, 29), (2026, 10, 25)],
        "America/Los_Angeles" => &[(2026, 3, 8), (2026, 11, 1)],
        "Pacific/Auckland" => &[(2026, 4, 5), (2026, 9, 27)],
        _ => &[],
    };
    for &(y, m, d) in changes {
        out.push((format!("04:00 on the DST day {y}-{m:02}-{d:02}"), local(tz, y, m, d, 4, 0)));
        out.push((format!("06:30 after the DST day {y}-{m:02}-{d:02}"), local(tz, y, m, d + 1, 6, 30)));
    }
    out
}

#[tokio::test]
async fn the_demo_is_complete_at_any_hour_in_any_zone() {
    // WAGNER_NOW (scripts/test-dates.sh) or the real clock: read before this test sets its own.
    let now = clock::now();
    let mut checked = 0;
    for zone in ZONES {
        let tz: Tz = zone.parse().unwrap();
        for (what, at) in instants(tz, now) {
            let case = format!("{zone}, {what} ({at})");
            clock::set_fixed(at);
            let (_dir, store) = support::temp_store().await;
            demo::load(&store, clock::now(), Some(zone.into()))
                .await
                .unwrap_or_else(|e| panic!("{case}: {e}"));
            let me = wagner::profile::require_default(&store).await.unwrap();
            let today = dashboard::today_for(&me);
            assert_eq!(today, clock::local_date(at, tz), "{case}");

            let meals_today = nutrition::meals_on(&store, &me.id, today).await.unwrap();
            assert!(!meals_today.is_empty(), "{case}: Today lists no meal");
            let yesterday = nutrition::meals_on(&store, &me.id, today.pred_opt().unwrap()).await.unwrap();
            assert_eq!(yesterday.len(), 4, "{case}: a full yesterday");

            let day = dashboard::day(&store, &me, today).await.unwrap();
            assert!(day.nutrition.calories > 0.0, "{case}: Today's calories");
            assert!(
                day.streaks.logging.current >= 13,
                "{case}: the logging streak {:?}",
                day.streaks.logging
            );
            let program = day.program.as_ref().unwrap_or_else(|| panic!("{case}: no program day"));
            assert_eq!(program.day_number, 12, "{case}");

            for kind in [period::PeriodKind::Week, period::PeriodKind::Month] {
                let p = period::period(&store, &me, kind, today).await.unwrap();
                assert!(p.summary.days_with_meals >= 1, "{case}: {kind:?} has no day with meals");
                assert!(p.summary.avg_calories.is_some_and(|c| c > 0.0), "{case}: {kind:?} average");
            }
            // Nothing in the future, in any table the demo fills.
            for (table, column) in [
                ("meal_logs", "logged_at"),
                ("activities", "start_date"),
                ("body_measurements", "measured_at"),
            ] {
                let last: Option<String> =
                    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT max({column}) FROM {table}")))
                        .fetch_one(store.pool())
                        .await
                        .unwrap();
                let last = clock::from_db(&last.unwrap()).unwrap();
                assert!(last <= at, "{case}: {table} has {last}, after now");
            }
            // The week view starts on the profile's week start: on its first
            // day only today counts, and it still shows a logged day.
            if what.contains("Monday") {
                assert_eq!(today.weekday(), Weekday::Mon);
            }
            checked += 1;
        }
    }
    clock::reset();
    assert!(checked >= 30, "{checked} cases");
}
