//! A small streaming walk over XML documents (GPX, TCX) with quick-xml:
//! element names without namespace prefixes, the chain of open parents, and
//! each element's text when it closes. Vendor extensions (Garmin's
//! TrackPointExtension, ActivityExtension) are just more elements.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

pub enum Node<'a, 'e> {
    /// An element opened; its attributes are on `start`.
    Open { name: &'a str, start: &'a BytesStart<'e> },
    /// An element closed with the text directly inside it (trimmed).
    Close { name: &'a str, text: &'a str },
}

/// The text of the document: UTF-8 (lossy) without a byte-order mark.
pub fn document(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8_lossy(bytes)
}

/// Walks `doc`, calling `visit(parents, node)` where `parents` are the local
/// names of the open ancestors, outermost first. Errors name the byte offset.
pub fn walk(doc: &str, mut visit: impl FnMut(&[String], Node<'_, '_>)) -> Result<(), String> {
    let mut reader = Reader::from_str(doc);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<String> = Vec::with_capacity(16);
    let mut text = String::new();
    loop {
        let event = reader.read_event().map_err(|e| {
            let what = e.to_string();
            if what.contains("end of input") {
                format!("truncated: the document ends inside a tag ({what})")
            } else {
                format!("malformed XML at byte {}: {what}", reader.error_position())
            }
        })?;
        match event {
            Event::Start(start) => {
                let name = local(&start);
                visit(&stack, Node::Open { name: &name, start: &start });
                stack.push(name);
                text.clear();
            }
            Event::Empty(start) => {
                let name = local(&start);
                visit(&stack, Node::Open { name: &name, start: &start });
                visit(&stack, Node::Close { name: &name, text: "" });
                text.clear();
            }
            Event::End(_) => {
                let Some(name) = stack.pop() else {
                    return Err(format!(
                        "malformed XML at byte {}: unexpected end tag",
                        reader.buffer_position()
                    ));
                };
                visit(&stack, Node::Close { name: &name, text: text.trim() });
                text.clear();
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t),
            Event::GeneralRef(r) => match &*r {
                "amp" => text.push('&'),
                "lt" => text.push('<'),
                "gt" => text.push('>'),
                "quot" => text.push('"'),
                "apos" => text.push('\''),
                _ => {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        text.push(c);
                    }
                }
            },
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(format!("truncated: the document ends inside <{open}>"));
    }
    Ok(())
}

fn local(start: &BytesStart<'_>) -> String {
    start.name().local_name().into_inner().to_string()
}

/// The value of the attribute whose local name is `key`.
pub fn attr(start: &BytesStart<'_>, key: &str) -> Option<String> {
    start
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == key)
        .map(|a| a.value.trim().to_string())
}

pub fn parent_is(parents: &[String], name: &str) -> bool {
    parents.last().is_some_and(|p| p == name)
}

pub fn within(parents: &[String], name: &str) -> bool {
    parents.iter().any(|p| p == name)
}

pub fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

pub fn time(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    let t = text.trim();
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&chrono::Utc))
        .ok()
        // Some writers omit the zone designator; GPX and TCX times are UTC.
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%.f").ok().map(|n| n.and_utc())
        })
}
