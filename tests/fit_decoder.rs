//! The focused FIT decoder against `fitparser` (the reference) on every real
//! FIT fixture, whole, truncated and damaged: the same messages, the same
//! activity.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a panic is a failed test

use std::path::{Path, PathBuf};

use wagner::activities::import::{ParseError, ParsedActivity, fit, fit_decode};

fn fixtures() -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities/fit");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "fit"))
        .collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

fn assert_same(label: &str, bytes: &[u8]) {
    let ours = fit_decode::decode(bytes);
    let reference = fit::decode_with_fitparser(bytes).unwrap();
    assert_eq!(ours.messages.len(), reference.messages.len(), "{label}: message count");
    for (i, (a, b)) in ours.messages.iter().zip(&reference.messages).enumerate() {
        assert_eq!(a, b, "{label}: message {i}");
    }
    match (&ours.damage, &reference.damage) {
        (Some(_), Some(_)) | (None, None) => {}
        // fitparser stops quietly when a file is cut between two messages;
        // the header says how much data there should be, so this is a cut.
        (Some(d), None) => assert!(d.starts_with("truncated"), "{label}: {d}"),
        (None, Some(d)) => panic!("{label}: fitparser found damage we did not: {d}"),
    }
    let cut_between_messages = ours.damage.is_some() && reference.damage.is_none();
    // The damage is worded by each decoder; whether there was any is compared above.
    let same_words = |r: Result<ParsedActivity, ParseError>| match r {
        Ok(mut a) => Ok(ParsedActivity { partial: a.partial.take().map(|_| "damaged".to_string()), ..a }),
        Err(ParseError::NotActivity(_)) => Err(ParseError::NotActivity(String::new())),
        Err(ParseError::Invalid(_)) => Err(ParseError::Invalid(String::new())),
    };
    let a = same_words(fit::parse(bytes));
    let mut b = same_words(fit::parse_with_fitparser(bytes));
    if cut_between_messages && let Ok(b) = &mut b {
        b.partial = Some("damaged".into());
    }
    assert_eq!(format!("{a:?}"), format!("{b:?}"), "{label}: parsed activity");
}

#[test]
fn every_fixture_decodes_to_the_same_messages_as_fitparser() {
    let files = fixtures();
    assert!(files.len() >= 14, "{} fixtures", files.len());
    let mut records = 0;
    for (path, bytes) in &files {
        assert_same(&path.display().to_string(), bytes);
        records += fit_decode::decode(bytes)
            .messages
            .iter()
            .filter(|m| matches!(m, fit_decode::FitMsg::Record(_)))
            .count();
    }
    assert!(records > 2500, "the activities' records are compared ({records})");
}

#[test]
fn truncated_and_damaged_files_keep_the_same_messages_as_fitparser() {
    for (path, bytes) in fixtures() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for cut in [bytes.len() - 1, bytes.len() - 2, bytes.len() * 3 / 4, bytes.len() / 2, 40, 13] {
            assert_same(&format!("{name} cut at {cut}"), &bytes[..cut]);
        }
        // One byte changed in the middle: the checksum no longer matches.
        let mut damaged = bytes.clone();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0x01;
        let ours = fit_decode::decode(&damaged);
        assert!(ours.damage.is_some(), "{name}: a changed byte is noticed");
    }
}

#[test]
fn a_cut_file_says_it_was_truncated_and_a_changed_byte_fails_the_checksum() {
    let bytes = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/activities/fit/Activity.fit"),
    )
    .unwrap();
    let cut = fit_decode::decode(&bytes[..bytes.len() / 2]);
    assert!(cut.damage.as_deref().unwrap().starts_with("truncated"), "{:?}", cut.damage);
    assert!(!cut.messages.is_empty());
    let mut crc = bytes.clone();
    let n = crc.len();
    crc[n - 1] ^= 0xFF;
    let d = fit_decode::decode(&crc);
    assert!(d.damage.as_deref().unwrap().contains("checksum"), "{:?}", d.damage);
    assert_eq!(
        d.messages.len(),
        fit_decode::decode(&bytes).messages.len(),
        "everything before the checksum is kept"
    );
}
