//! The core's typed error codes: the wire names the UI matches on, and
//! messages that describe the problem without telling anyone what to type.

use wagner::{Error, ErrorCode};

#[test]
fn code_wire_names_are_the_serde_names() {
    for code in
        [ErrorCode::DbOpen, ErrorCode::NoActiveProgram, ErrorCode::UnknownBarcode, ErrorCode::TaskFailed]
    {
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
    }
}

#[test]
fn messages_name_the_problem_not_a_command() {
    let errors = [
        (Error::NoProfile, ErrorCode::NoProfile),
        (Error::NoActiveProgram, ErrorCode::NoActiveProgram),
        (Error::UnknownBarcode { code: "5000000000005".into() }, ErrorCode::UnknownBarcode),
        (Error::NoDatabase { path: "/tmp/x.db".into(), detail: "does not exist" }, ErrorCode::NoDatabase),
        (
            Error::UnknownMeasure { name: "biceps".into(), known: "weight, waist".into() },
            ErrorCode::InvalidInput,
        ),
        (Error::Conflict("barcode 5000000000005 already belongs to \"Bar\"".into()), ErrorCode::Conflict),
    ];
    for (err, code) in errors {
        let text = err.to_string();
        assert!(!text.contains("wagner ") && !text.contains('`'), "{text}");
        assert!(err.is_user_error(), "{text}");
        assert_eq!(err.code(), code, "{text}");
    }
    assert_eq!(
        Error::NoDatabase { path: "/tmp/x.db".into(), detail: "does not exist" }.to_string(),
        "/tmp/x.db does not exist"
    );
}

#[tokio::test]
async fn opening_a_missing_database_is_no_database() {
    let dir = tempfile::tempdir().unwrap();
    let err = wagner::Store::open_existing(&dir.path().join("none.db")).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NoDatabase, "{err}");
}
