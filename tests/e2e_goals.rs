//! End-to-end: goals and targets on the Nutrition page in the real window.
//! Add a protein goal and mark it achieved; calculate the calorie and macro
//! targets and use them, and the day's totals measure against them. Run by
//! scripts/test.sh under xvfb-run.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

mod e2e_support;

use e2e_support::*;
use wagner::nutrition::{goals, targets};
use wagner::{Store, profile};

async fn protein_goals(db: &std::path::Path) -> Vec<(f64, String)> {
    let store = Store::open(db).await.unwrap();
    let me = profile::require_default(&store).await.unwrap();
    let out = goals::list(&store, &me)
        .await
        .unwrap()
        .into_iter()
        .filter(|g| g.goal.goal_type == "protein")
        .map(|g| (g.goal.target_value.unwrap_or(0.0), g.goal.status))
        .collect();
    store.close().await;
    out
}

#[tokio::test]
#[ignore = "drives the real window: run by scripts/test.sh under xvfb-run"]
async fn a_goal_is_added_and_achieved_and_the_calculated_targets_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path()).await;
    let before = protein_goals(&db).await;
    assert!(!before.iter().any(|(t, _)| *t == 165.0), "{before:?}");
    let driver = start_driver(&db).await;
    let client = open_window(&driver).await;
    testid(&client, "today-page").await;
    testid(&client, "nav-nutrition").await.click().await.unwrap();
    testid(&client, "goals").await;

    // 165 g of protein a day.
    choose(&client, "goal-type", "protein").await;
    let target = testid(&client, "goal-target").await;
    target.clear().await.unwrap();
    target.send_keys("165").await.unwrap();
    testid(&client, "goal-add").await.click().await.unwrap();
    eventually("the goal is stored and listed", || async {
        let stored = protein_goals(&db).await;
        let listed = texts(&client, "goal").await;
        if stored.contains(&(165.0, "active".into())) && listed.iter().any(|g| g.contains("165")) {
            Ok(())
        } else {
            Err(format!("core {stored:?}, window {listed:?}"))
        }
    })
    .await;
    client
        .find(Locator::XPath(
            "//li[@data-testid='goal'][contains(., '165')]//button[normalize-space()='Mark achieved']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    eventually("the goal is achieved", || async {
        let stored = protein_goals(&db).await;
        let listed = texts(&client, "goal").await;
        if stored.contains(&(165.0, "achieved".into()))
            && listed.iter().any(|g| g.contains("165") && g.contains("[achieved]"))
        {
            Ok(())
        } else {
            Err(format!("core {stored:?}, window {listed:?}"))
        }
    })
    .await;
    save_screenshot(&client, "goals-achieved").await;

    // Targets at maintenance (0 kg a week), as the core proposes them.
    let plan = {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        let p = targets::propose(&store, &me, None, 0.0).await.unwrap();
        store.close().await;
        p.plan.expect("the demo profile has what the formula needs")
    };
    testid(&client, "propose-targets").await.click().await.unwrap();
    let shown = testid(&client, "target-proposal").await.text().await.unwrap();
    assert!(digits(&shown).contains(&plan.calories.to_string()), "{shown:?} vs {plan:?}");
    testid(&client, "apply-targets").await.click().await.unwrap();
    eventually("the targets are the profile's and the day measures against them", || async {
        let store = Store::open(&db).await.unwrap();
        let me = profile::require_default(&store).await.unwrap();
        store.close().await;
        let day = testid(&client, "day-calories").await.text().await.unwrap_or_default();
        let stored = (me.daily_calorie_target, me.daily_protein_target_g);
        if stored == (Some(plan.calories), Some(plan.protein_g))
            && digits(&day).contains(&plan.calories.to_string())
        {
            Ok(())
        } else {
            Err(format!("profile {stored:?}, window {day:?}, plan {plan:?}"))
        }
    })
    .await;
    save_screenshot(&client, "targets-applied").await;
    client.close().await.unwrap();
}
