//! The parser and printer the bundle ships (the browser's `JSON.parse` and
//! `JSON.stringify`) keep the same contract as serde_json's, which the native
//! tests run: the same table, the same answers.

use lab_login::json::{self, CONTRACT, MAX_DEPTH, PRETTY};
use serde_json::Value;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn the_browser_parser_keeps_the_contract() {
    for (text, want) in CONTRACT {
        let got = json::parse(text)
            .map(|v| json::to_text(&v))
            .map_err(|e| e.cut_short);
        assert_eq!(got, want.map(str::to_string), "{text:?}");
    }
}

#[wasm_bindgen_test]
fn the_browser_printer_indents_as_serde_json_does() {
    assert_eq!(
        json::to_pretty_text(&json::parse(PRETTY.0).unwrap()),
        PRETTY.1
    );
}

#[wasm_bindgen_test]
fn numbers_follow_the_contract() {
    assert_eq!(json::parse("1e300"), Ok(Value::from(1e300)));
    assert_eq!(
        json::parse("9007199254740993"),
        Ok(Value::from(9007199254740992u64))
    );
    assert_eq!(json::parse("-0.25"), Ok(Value::from(-0.25)));
}

#[wasm_bindgen_test]
fn hostile_nesting_is_refused_not_a_crash() {
    let ok = "[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    assert!(json::parse(&ok).is_ok());
    // Far past the limit: JSON.parse accepts it, the conversion must refuse it.
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    assert_eq!(json::parse(&deep).map_err(|e| e.cut_short), Err(false));
}

#[wasm_bindgen_test]
fn lone_surrogates_become_replacement_characters() {
    // serde_json refuses a lone surrogate (the contract's one documented
    // difference); the browser keeps it, and the conversion to Rust makes it U+FFFD.
    assert_eq!(json::parse(r#""a\ud800b""#), Ok(Value::from("a\u{fffd}b")));
}
