//! CSV cells safe to open in a spreadsheet. A cell that starts with `=`, `+`,
//! `-`, `@`, a tab or a carriage return is run as a formula by Excel,
//! LibreOffice and Sheets (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`): OWASP's
//! advice is to prefix it with `'`, which the spreadsheet shows as text. A
//! plain number (`-5`, `+3.2`, `-1e3`) stays a number.
//!
//! The JSON file of an export stays lossless; only the CSV copies are escaped.

use std::borrow::Cow;

/// The cell as written into an exported CSV file.
pub fn cell(s: &str) -> Cow<'_, str> {
    let Some(first) = s.chars().next() else { return Cow::Borrowed(s) };
    let risky = match first {
        '=' | '@' | '\t' | '\r' => true,
        '+' | '-' => s.trim().parse::<f64>().is_err(),
        _ => false,
    };
    if risky { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_escaped_and_numbers_are_not() {
        for (raw, want) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
            ("-2+3", "'-2+3"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-5", "-5"),
            ("+3.25", "+3.25"),
            ("-1e3", "-1e3"),
            ("oatmeal", "oatmeal"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(cell(raw), want, "{raw:?}");
        }
    }
}
