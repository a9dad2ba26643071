//! Text that leaves the core: printed to a terminal, stored from a provider's
//! error. Entries and provider answers are untrusted.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Control characters (ANSI escapes, bells, carriage returns, bidi overrides)
/// removed so an entry cannot rewrite the user's terminal; newlines and tabs stay.
pub fn for_terminal(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !bad(*c)).collect())
}

const REDACTED: &str = "[redacted]";

#[allow(clippy::expect_used)] // a literal pattern, compiled on every test run
static KEYISH: LazyLock<Regex> = LazyLock::new(|| {
    // `Authorization: Bearer …`, `x-api-key: …`, `"api_key": "…"`, `client_secret=…`,
    // `access_token`, `refresh_token`, and bare provider-style keys (sk-…, gsk_…).
    Regex::new(
        r#"(?ix)
        (?P<k>(?:authorization|proxy-authorization)["']?\s*[:=]\s*["']?(?:bearer|basic|token)?\s*)[^\s"',;}]+
        | (?P<k2>(?:x-api-key|api[-_]?key|apikey|client[-_]?secret|access[-_]?token|refresh[-_]?token|secret|password|token)["']?\s*[:=]\s*["']?)[^\s"',;&}]+
        | \b(?:sk|gsk|pk|rk)[-_][A-Za-z0-9_\-]{8,}
        | \bBearer\s+[A-Za-z0-9._~+/\-]{8,}=*
        "#,
    )
    .expect("valid redaction pattern")
});

/// `s` with every configured secret (at least 4 characters) and anything that
/// looks like a key or an Authorization value replaced by `[redacted]`.
/// Apply before a provider or Strava error is stored, logged, exported or printed.
pub fn redact(s: &str, secrets: &[&str]) -> String {
    let mut out = s.to_string();
    for secret in secrets.iter().map(|s| s.trim()).filter(|s| s.len() >= 4) {
        if out.contains(secret) {
            out = out.replace(secret, REDACTED);
        }
    }
    KEYISH
        .replace_all(&out, |c: &regex::Captures<'_>| {
            let keep = c.name("k").or_else(|| c.name("k2")).map_or("", |m| m.as_str());
            format!("{keep}{REDACTED}")
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_stripped() {
        assert_eq!(for_terminal("egg\u{1b}[2J\u{1b}]0;x\u{7}s\r"), "egg[2J]0;xs");
        assert_eq!(for_terminal("two\nlines\tok"), "two\nlines\tok");
        assert_eq!(for_terminal("a\u{202E}b"), "ab");
    }

    #[test]
    fn secrets_and_keyish_values_are_redacted() {
        let got = redact(
            r#"401 {"error":"bad key my-secret-key-123","header":"Authorization: Bearer abc.def.ghi"} x-api-key: zzz"#,
            &["my-secret-key-123"],
        );
        assert!(!got.contains("my-secret-key-123"), "{got}");
        assert!(!got.contains("abc.def.ghi"), "{got}");
        assert!(!got.contains("zzz"), "{got}");
        assert!(got.contains("401"), "{got}");
        let got = redact("invalid client_secret=s3cr3tvalue&x=1 and sk-ant-0123456789abcdef", &[]);
        assert!(!got.contains("s3cr3tvalue") && !got.contains("0123456789abcdef"), "{got}");
        assert_eq!(redact("meal not found", &["ab"]), "meal not found");
    }
}
