//! JSON text to [`Value`] and back: the one place the widget reads or writes JSON.
//!
//! In the browser the text goes through the page's own `JSON.parse` and
//! `JSON.stringify`, which every page already has, so the bundle carries no JSON
//! parser or printer of its own (`cargo xtask dist` measures what that saves).
//! Native builds, where the protocol tests run, use serde_json's. Both keep one
//! contract, checked on both sides by the same table (`CONTRACT` below):
//! - objects, arrays, strings, `true`, `false` and `null` as JSON defines them;
//!   of a repeated key, the last one counts;
//! - a number that is a whole number within ±2^53 becomes an integer, however it
//!   is written (`300`, `300.0`, `3e2`); other numbers become `f64`, and a number
//!   too large for an `f64` makes the text invalid;
//! - nesting deeper than [`MAX_DEPTH`] makes the text invalid, so a hostile answer
//!   cannot exhaust the stack;
//! - a text that ends inside a string, an array or an object is *cut short*, any
//!   other fault *invalid* (both sides decide it with the same function);
//! - one difference remains: a lone UTF-16 surrogate (`"\ud800"`) is invalid to
//!   serde_json, while the browser keeps it and the conversion to Rust makes it
//!   U+FFFD.

use serde_json::Value;

/// How many levels arrays and objects may nest (as many as serde_json allows).
pub const MAX_DEPTH: usize = 127;

/// Why a text is not JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotJson {
    /// The text ended inside a value (a truncated answer), rather than being wrong.
    pub cut_short: bool,
    /// The parser's own words. They may quote the text: never show them for a
    /// provider's answer, which can hold a token.
    pub detail: String,
}

/// Parses a JSON text.
pub fn parse(text: &str) -> Result<Value, NotJson> {
    imp::parse(text)
}

/// Parses JSON from bytes that should be UTF-8 (a decoded JWT part).
pub fn parse_bytes(bytes: &[u8]) -> Result<Value, NotJson> {
    let text = std::str::from_utf8(bytes).map_err(|_| NotJson {
        cut_short: false,
        detail: "not UTF-8".into(),
    })?;
    parse(text)
}

/// The JSON text of `value`, indented by two spaces (the flow inspector).
pub fn to_pretty_text(value: &Value) -> String {
    imp::to_pretty_text(value)
}

/// `value` as a JavaScript value (an event's `detail`, a callback's argument).
#[cfg(target_arch = "wasm32")]
pub fn to_js(value: &Value) -> wasm_bindgen::JsValue {
    imp::to_js(value)
}

/// The compact JSON text of `value`.
pub fn to_text(value: &Value) -> String {
    imp::to_text(value)
}

/// A JSON object from its members, in the form `json!` takes. `json!` sends
/// each member through serde's serializer, which would put that serializer
/// and its error type in the bundle for a handful of event details and
/// request bodies; `Value::from` needs none of it.
pub fn object<const N: usize>(members: [(&str, Value); N]) -> Value {
    let mut object = serde_json::Map::new();
    // Inserted one by one: collecting into the map would sort the members
    // first, with a sort the bundle does not otherwise need.
    for (key, value) in members {
        object.insert(key.to_string(), value);
    }
    Value::Object(object)
}

/// Whether a text that failed to parse ended inside a string, an array or an
/// object: then it was cut short rather than wrong.
fn ends_inside_a_value(text: &str) -> bool {
    if text.trim().is_empty() {
        return true;
    }
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in text.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' => depth += 1,
            '}' | ']' => match depth.checked_sub(1) {
                Some(d) => depth = d,
                None => return false,
            },
            _ => {}
        }
    }
    in_string || depth > 0
}

/// A JSON number as the contract keeps it: whole numbers within ±2^53 as integers.
fn number(x: f64) -> Option<Value> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if !x.is_finite() {
        return None;
    }
    if x.fract() == 0.0 && x.abs() <= EXACT {
        return Some(if x >= 0.0 {
            Value::from(x as u64)
        } else {
            Value::from(x as i64)
        });
    }
    serde_json::Number::from_f64(x).map(Value::Number)
}

fn too_deep() -> NotJson {
    NotJson {
        cut_short: false,
        detail: format!("nested deeper than {MAX_DEPTH} levels"),
    }
}

fn out_of_range() -> NotJson {
    NotJson {
        cut_short: false,
        detail: "number out of range".into(),
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub fn parse(text: &str) -> Result<Value, NotJson> {
        let value: Value = serde_json::from_str(text).map_err(|e| NotJson {
            cut_short: ends_inside_a_value(text),
            detail: e.to_string(),
        })?;
        normalise(value, 0)
    }

    /// serde_json keeps `300.0` a float and `2^64 - 1` exact; the contract (what
    /// `JSON.parse` can give) makes the first an integer and the second an `f64`.
    fn normalise(value: Value, depth: usize) -> Result<Value, NotJson> {
        Ok(match value {
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) if u <= 1 << 53 => Value::from(u),
                (_, Some(i)) if i.unsigned_abs() <= 1 << 53 => Value::from(i),
                _ => number(n.as_f64().unwrap_or(f64::NAN)).ok_or_else(out_of_range)?,
            },
            Value::Array(items) if depth < MAX_DEPTH => Value::Array(
                items
                    .into_iter()
                    .map(|v| normalise(v, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) if depth < MAX_DEPTH => Value::Object(
                map.into_iter()
                    .map(|(k, v)| Ok((k, normalise(v, depth + 1)?)))
                    .collect::<Result<_, NotJson>>()?,
            ),
            Value::Array(_) | Value::Object(_) => return Err(too_deep()),
            other => other,
        })
    }

    pub fn to_text(value: &Value) -> String {
        value.to_string()
    }

    pub fn to_pretty_text(value: &Value) -> String {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use js_sys::{Array, Object, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};

    pub fn parse(text: &str) -> Result<Value, NotJson> {
        let parsed = JSON::parse(text).map_err(|e| NotJson {
            cut_short: ends_inside_a_value(text),
            detail: e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_default(),
        })?;
        from_js(&parsed, 0)
    }

    /// What `JSON.parse` built, as a [`Value`]; it only builds plain objects,
    /// arrays, strings, finite or infinite numbers, booleans and null.
    fn from_js(v: &JsValue, depth: usize) -> Result<Value, NotJson> {
        if let Some(s) = v.as_string() {
            return Ok(Value::String(s));
        }
        if let Some(x) = v.as_f64() {
            return number(x).ok_or_else(out_of_range);
        }
        if let Some(b) = v.as_bool() {
            return Ok(Value::Bool(b));
        }
        if v.is_null() {
            return Ok(Value::Null);
        }
        if depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        if Array::is_array(v) {
            let items: &Array = v.unchecked_ref();
            let mut out = Vec::with_capacity(items.length() as usize);
            for item in items.iter() {
                out.push(from_js(&item, depth + 1)?);
            }
            return Ok(Value::Array(out));
        }
        let object: &Object = v.unchecked_ref();
        let mut map = serde_json::Map::new();
        for key in Object::keys(object).iter() {
            let value = Reflect::get(object, &key).unwrap_or(JsValue::NULL);
            map.insert(
                key.as_string().unwrap_or_default(),
                from_js(&value, depth + 1)?,
            );
        }
        Ok(Value::Object(map))
    }

    pub fn to_text(value: &Value) -> String {
        text_of(JSON::stringify(&to_js(value)))
    }

    pub fn to_pretty_text(value: &Value) -> String {
        let indent = JsValue::from(2);
        text_of(JSON::stringify_with_replacer_and_space(
            &to_js(value),
            &JsValue::NULL,
            &indent,
        ))
    }

    /// What `JSON.stringify` returned; it cannot fail on a value built by `to_js`.
    fn text_of(stringified: Result<js_sys::JsString, JsValue>) -> String {
        stringified.ok().map(String::from).unwrap_or_default()
    }

    pub fn to_js(value: &Value) -> JsValue {
        match value {
            Value::Null => JsValue::NULL,
            Value::Bool(b) => JsValue::from_bool(*b),
            Value::Number(n) => JsValue::from_f64(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => JsValue::from_str(s),
            Value::Array(items) => items.iter().map(to_js).collect::<Array>().into(),
            // Own data properties, as JSON.parse makes them: assigning would run
            // setters the page put on Object.prototype (and `__proto__` would set the prototype).
            Value::Object(map) => {
                let entries: Array = map
                    .iter()
                    .map(|(k, v)| Array::of2(&JsValue::from_str(k), &to_js(v)))
                    .collect();
                Object::from_entries(&entries)
                    .map(JsValue::from)
                    .unwrap_or(JsValue::NULL)
            }
        }
    }
}

/// A value and its indented text, the same from both printers.
#[doc(hidden)]
pub const PRETTY: (&str, &str) = (
    r#"{"a":[1,{"b":null}],"c":{},"d":[]}"#,
    "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    }\n  ],\n  \"c\": {},\n  \"d\": []\n}",
);

/// The contract both parsers keep: a text, and what it must give (`Ok` with the
/// compact text of the value, or `Err(cut_short)`). Run natively by the tests
/// below and in the browser by `tests/browser`.
#[doc(hidden)]
pub const CONTRACT: &[(&str, Result<&str, bool>)] = &[
    (
        r#"{"a": 1, "b": [true, false, null], "c": "x"}"#,
        Ok(r#"{"a":1,"b":[true,false,null],"c":"x"}"#),
    ),
    (r#"{"a": 1, "a": 2}"#, Ok(r#"{"a":2}"#)),
    (r#""\u00fc\n\"\\ €""#, Ok(r#""ü\n\"\\ €""#)),
    (r#"{"__proto__": {"x": 1}}"#, Ok(r#"{"__proto__":{"x":1}}"#)),
    ("300", Ok("300")),
    ("300.0", Ok("300")),
    ("3e2", Ok("300")),
    ("-7", Ok("-7")),
    ("9007199254740992", Ok("9007199254740992")),
    ("0.5", Ok("0.5")),
    ("1e400", Err(false)),
    ("-1e400", Err(false)),
    (" [1, 2] ", Ok("[1,2]")),
    ("tru", Err(false)),
    ("{'a': [1", Err(true)),
    ("", Err(true)),
    ("{", Err(true)),
    (r#"{"a": [1, 2"#, Err(true)),
    (r#"{"token": "abc"#, Err(true)),
    ("{}}", Err(false)),
    ("[1,]", Err(false)),
    ("{'a': 1}", Err(false)),
    ("NaN", Err(false)),
    ("<html>", Err(false)),
    ("\u{feff}{}", Err(false)),
    ("{} x", Err(false)),
    ("// no\n{}", Err(false)),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_native_parser_keeps_the_contract() {
        for (text, want) in CONTRACT {
            let got = parse(text).map(|v| to_text(&v)).map_err(|e| e.cut_short);
            let want = want.map(str::to_string);
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn the_native_printer_indents_as_the_browser_does() {
        assert_eq!(to_pretty_text(&parse(PRETTY.0).unwrap()), PRETTY.1);
    }

    #[test]
    fn numbers_follow_the_contract() {
        assert_eq!(parse("1e300"), Ok(Value::from(1e300)));
        assert_eq!(
            parse("18446744073709551615"),
            Ok(Value::from(18446744073709551615u64 as f64))
        );
        // Past 2^53 a number is rounded, as JSON.parse rounds it.
        assert_eq!(
            parse("9007199254740993"),
            Ok(Value::from(9007199254740992u64))
        );
        assert_eq!(
            parse("-9007199254740992"),
            Ok(Value::from(-9007199254740992i64))
        );
    }

    #[test]
    fn nesting_is_limited() {
        let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
        let deep = "[".repeat(MAX_DEPTH + 1) + &"]".repeat(MAX_DEPTH + 1);
        assert_eq!(parse(&deep).map_err(|e| e.cut_short), Err(false));
    }

    #[test]
    fn cut_short_is_told_from_wrong() {
        assert!(ends_inside_a_value(r#"{"a": "b"#));
        assert!(ends_inside_a_value(r#"["a\"]"#));
        assert!(!ends_inside_a_value(r#"{"a": "b"}}"#));
        assert!(!ends_inside_a_value("nope"));
    }

    #[test]
    fn bytes_that_are_not_utf8_are_invalid() {
        assert_eq!(
            parse_bytes(b"\"\xff\"").map_err(|e| e.cut_short),
            Err(false)
        );
        assert_eq!(
            parse_bytes(br#"{"a":1}"#).map(|v| to_text(&v)),
            Ok(r#"{"a":1}"#.into())
        );
    }
}
