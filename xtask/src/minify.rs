//! Shrinking the shipped JavaScript and the names between it and the wasm.
//!
//! wasm-bindgen names every import after the Rust item and a 16-digit hash
//! (`__wbg_addEventListener_3acb0aad4483804e`), and both the `.wasm` and the
//! glue carry each name: about 200 of them, mostly incompressible hex. wasm-opt
//! renames them (`--minify-imports-and-exports-and-modules`) and prints its renaming; this
//! file applies that renaming to the glue, then terser (npm) minifies the entry.
//! Both steps are checked: a name left over or seen twice stops the build.

use std::path::Path;

use serde_json::Value;

use crate::run::{cmd, root};

/// wasm-opt's renaming of the wasm's imports and exports, `(old, new)`.
#[derive(Debug, PartialEq)]
pub struct Renames {
    /// The one module every import comes from (wasm-opt merges them).
    pub module: (String, String),
    pub imports: Vec<(String, String)>,
    pub exports: Vec<(String, String)>,
}

impl Renames {
    /// Reads what `wasm-opt --minify-imports-and-exports-and-modules` prints:
    /// `{"imports": [[module, old, new], …], "exports": [[old, new], …]}`.
    /// It does not print the module's new name: `new_modules` are the ones the
    /// minified wasm imports from.
    pub fn parse(printed: &str, new_modules: &[String]) -> Result<Self, String> {
        let start = printed
            .find('{')
            .ok_or("wasm-opt printed no renaming of imports and exports")?;
        let value: Value = serde_json::from_str(&printed[start..])
            .map_err(|e| format!("wasm-opt's renaming is not JSON: {e}"))?;
        let pairs = |key: &str, from: usize| -> Result<Vec<(String, String)>, String> {
            value[key]
                .as_array()
                .ok_or(format!("wasm-opt's renaming has no \"{key}\" list"))?
                .iter()
                .map(|row| match (row.get(from), row.get(from + 1)) {
                    (Some(Value::String(old)), Some(Value::String(new))) => {
                        Ok((old.clone(), new.clone()))
                    }
                    _ => Err(format!("wasm-opt's renaming has an odd {key} row: {row}")),
                })
                .collect()
        };
        let mut old_modules: Vec<&str> = value["imports"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|row| row.get(0).and_then(Value::as_str))
            .collect();
        old_modules.dedup();
        let module = match (old_modules.as_slice(), new_modules) {
            ([old], [new]) => (old.to_string(), new.clone()),
            _ => {
                return Err(format!(
                    "expected one import module before and after wasm-opt, not {old_modules:?} and {new_modules:?}"
                ))
            }
        };
        Ok(Self {
            module,
            imports: pairs("imports", 1)?,
            exports: pairs("exports", 0)?,
        })
    }

    /// The glue with the new names: the import module is a quoted key (once),
    /// each import is a key of its object (`old: function…`, exactly once), and
    /// each export is read as `wasm.old`.
    pub fn apply(&self, glue: &str) -> Result<String, String> {
        let (old_module, new_module) = &self.module;
        let quoted = |m: &str| format!("\"{m}\": ");
        if glue.matches(&quoted(old_module)).count() != 1 {
            return Err(format!(
                "the glue does not name the import module {old_module} once"
            ));
        }
        let mut text = glue.replace(&quoted(old_module), &quoted(new_module));
        for (old, new) in &self.imports {
            let (renamed, count) = replace_name(&text, old, &format!("{new}:"), ":");
            if count != 1 {
                return Err(format!(
                    "the glue defines the import {old} {count} times, not once"
                ));
            }
            text = renamed;
        }
        for (old, new) in &self.exports {
            text = replace_name(&text, &format!("wasm.{old}"), &format!("wasm.{new}"), "").0;
        }
        // Every `wasm.x` left must be a new name: a form of access this file does
        // not know would otherwise fail only in the browser.
        let new_exports: Vec<&str> = self.exports.iter().map(|(_, new)| new.as_str()).collect();
        for (at, _) in text.match_indices("wasm.") {
            if at > 0 && is_name_char(text.as_bytes()[at - 1]) {
                continue;
            }
            let name: String = text[at + 5..]
                .bytes()
                .take_while(|b| is_name_char(*b))
                .map(char::from)
                .collect();
            if !new_exports.contains(&name.as_str()) {
                return Err(format!(
                    "the glue reads wasm.{name}, which wasm-opt did not rename"
                ));
            }
        }
        Ok(text)
    }
}

/// The glue without its exported classes, and the wasm exports only they used.
///
/// wasm-bindgen writes a class for each Rust struct exported to JavaScript. Ours
/// come from wasm-streams (leptos' server functions, which the widget never
/// calls): nothing in the wasm creates them, and the entry exports nothing of
/// the glue, so no page can reach them. A class the rest of the glue names is
/// kept reachable, and stops the build rather than break it.
pub fn drop_glue_classes(glue: &str) -> Result<(String, Vec<String>), String> {
    let mut kept = Vec::new();
    let mut dropped = String::new();
    let mut classes = Vec::new();
    let mut lines = glue.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line
            .strip_prefix("export class ")
            .and_then(|rest| rest.strip_suffix(" {"))
        {
            classes.push(name.to_string());
            dropped.push_str(line);
            for body in lines.by_ref() {
                dropped.push_str(body);
                if body == "}" {
                    break;
                }
            }
            continue;
        }
        let owner = classes.iter().find(|class| {
            line.starts_with(&format!("if (Symbol.dispose) {class}.prototype"))
                || line.starts_with(&format!("const {class}Finalization = "))
        });
        if let Some(class) = owner {
            dropped.push_str(line);
            // The registry is one statement over a few lines, ending in `);`.
            if line.starts_with(&format!("const {class}Finalization")) && !line.ends_with(';') {
                for rest in lines.by_ref() {
                    dropped.push_str(rest);
                    if rest.ends_with(");") {
                        break;
                    }
                }
            }
            continue;
        }
        kept.push(line);
    }
    let text = kept.join("\n") + "\n";
    for class in &classes {
        if text.contains(class.as_str()) {
            return Err(format!(
                "the glue still uses the class {class}; it cannot be dropped"
            ));
        }
    }
    let mut exports: Vec<String> = Vec::new();
    for (at, _) in dropped.match_indices("wasm.") {
        let name: String = dropped[at + 5..]
            .bytes()
            .take_while(|b| is_name_char(*b))
            .map(char::from)
            .collect();
        if text.contains(&format!("wasm.{name}")) {
            continue; // also used by the code that stays
        }
        if !exports.contains(&name) {
            exports.push(name);
        }
    }
    Ok((text, exports))
}

fn is_name_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// `text` with each whole-name `old` that is followed by `then` replaced by `new`
/// (which includes `then`), and how many there were.
fn replace_name(text: &str, old: &str, new: &str, then: &str) -> (String, usize) {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut last, mut count) = (0, 0);
    for (at, _) in text.match_indices(old) {
        let end = at + old.len();
        let whole = (at == 0 || !is_name_char(bytes[at - 1]))
            && (if then.is_empty() {
                end == bytes.len() || !is_name_char(bytes[end])
            } else {
                text[end..].starts_with(then)
            });
        if whole && at >= last {
            out.push_str(&text[last..at]);
            out.push_str(new);
            last = end + then.len();
            count += 1;
        }
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// The stylesheet without its comments, indentation and blank lines (about
/// 0.4 KB gzip); text inside quotes is kept as written.
pub fn css(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                out.push(c);
                loop {
                    let Some(next) = chars.next() else {
                        return Err("the stylesheet has a string that does not end".into());
                    };
                    out.push(next);
                    if next == '\\' {
                        out.extend(chars.next());
                    } else if next == c {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                loop {
                    let Some(next) = chars.next() else {
                        return Err("the stylesheet has a comment that does not end".into());
                    };
                    if last == '*' && next == '/' {
                        break;
                    }
                    last = next;
                }
            }
            _ => out.push(c),
        }
    }
    Ok(out
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

/// Where the entry's pinned values start and end. They stay as written, before
/// the minified code, so the integrity values can be read (and checked) as text.
const PINNED_START: &str = "const PINNED = {";
const PINNED_END: &str = "\n};\n";

/// The entry module, minified by terser, with its pinned values kept as written.
/// `work` holds the readable entry beside the minified one, for debugging.
pub fn minify_entry(entry: &str, work: &Path) -> Result<String, String> {
    let start = entry
        .find(PINNED_START)
        .ok_or("the entry has no pinned values to keep")?;
    let end = start
        + entry[start..]
            .find(PINNED_END)
            .ok_or("the entry's pinned values do not end")?
        + PINNED_END.len();
    let pinned = &entry[start..end];
    let code = format!("{}{}", &entry[..start], &entry[end..]);
    let readable = work.join("lab-login.readable.js");
    let minified = work.join("lab-login.min.js");
    std::fs::write(&readable, &code)
        .map_err(|e| format!("cannot write {}: {e}", readable.display()))?;
    let out = cmd(
        "terser",
        &[
            &readable.to_string_lossy(),
            "--module",
            "--compress",
            "passes=2",
            "--mangle",
            "-o",
            &minified.to_string_lossy(),
        ],
    )
    .current_dir(root())
    .output()
    .map_err(|e| format!("cannot run terser (from npm, `cargo xtask setup` installs it): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "terser failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let code = std::fs::read_to_string(&minified)
        .map_err(|e| format!("cannot read {}: {e}", minified.display()))?;
    if code.contains(PINNED_START) || !code.contains("PINNED.") {
        return Err("terser changed how the entry reads its pinned values".into());
    }
    Ok(format!("{pinned}{code}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = r#"[wasm-validator] some noise
{
 "imports": [
  ["./lab-login_bg.js", "__wbg_document_3b5c3071b43e97ee", "a"],
  ["./lab-login_bg.js", "__wbg_document_3b5c3071b43e97ee_1", "$b"]
 ],
"exports": [
  ["memory", "c"],
  ["__wbindgen_malloc", "d"],
  ["main", "e"]
 ]
}"#;

    const GLUE: &str = "const import0 = {\n    __wbg_document_3b5c3071b43e97ee: function(a) { return a.document; },\n    __wbg_document_3b5c3071b43e97ee_1: function(a) { return a.document; },\n};\nconst imports = { \"./lab-login_bg.js\": import0 };\nwasm.__wbindgen_malloc(1); wasm.__wbindgen_malloc_x; new Uint8Array(wasm.memory.buffer);\n";

    #[test]
    fn reads_wasm_opts_renaming_after_its_other_output() {
        let renames = Renames::parse(PRINTED, &["a".into()]).unwrap();
        assert_eq!(renames.module, ("./lab-login_bg.js".into(), "a".into()));
        assert_eq!(
            renames.imports[1],
            ("__wbg_document_3b5c3071b43e97ee_1".into(), "$b".into())
        );
        assert_eq!(renames.exports.len(), 3);
        assert!(Renames::parse(PRINTED, &["a".into(), "b".into()]).is_err());
        assert!(Renames::parse("nothing", &["a".into()]).is_err());
        assert!(Renames::parse(
            r#"{"imports": [["m", 1, "a"]], "exports": []}"#,
            &["a".into()]
        )
        .is_err());
    }

    #[test]
    fn renames_whole_names_only() {
        let renames = Renames::parse(PRINTED, &["a".into()]).unwrap();
        let err = renames.apply(GLUE).unwrap_err();
        // `wasm.__wbindgen_malloc_x` is not `wasm.__wbindgen_malloc`: left, and caught.
        assert!(err.contains("wasm.__wbindgen_malloc_x"), "{err}");
        let glue = GLUE.replace(" wasm.__wbindgen_malloc_x;", "");
        let renamed = renames.apply(&glue).unwrap();
        assert!(renamed.contains("    a: function(a) { return a.document; },\n    $b: function"));
        assert!(renamed.contains("wasm.d(1); new Uint8Array(wasm.c.buffer);"));
        assert!(renamed.contains("{ \"a\": import0 }"));
        assert!(!renamed.contains("3b5c3071"));
    }

    const CLASSES: &str = "export class Source {\n    free() {\n        wasm.__wbg_source_free(this.ptr, 0);\n    }\n    pull(c) {\n        return wasm.source_pull(this.ptr, c);\n    }\n}\nif (Symbol.dispose) Source.prototype[Symbol.dispose] = Source.prototype.free;\n\nfunction kept() { return wasm.__wbindgen_malloc(1); }\nconst SourceFinalization = (typeof FinalizationRegistry === 'undefined')\n    ? { register: () => {}, unregister: () => {} }\n    : new FinalizationRegistry(ptr => wasm.__wbg_source_free(ptr, 1));\nexport { initSync };\n";

    #[test]
    fn drops_the_glues_classes_and_names_the_exports_only_they_used() {
        let (glue, exports) = drop_glue_classes(CLASSES).unwrap();
        assert_eq!(
            glue,
            "\nfunction kept() { return wasm.__wbindgen_malloc(1); }\nexport { initSync };\n"
        );
        assert_eq!(exports, ["__wbg_source_free", "source_pull"]);
        // A glue that still names the class keeps it reachable: refused.
        let used = CLASSES.replace("function kept() {", "function kept() { new Source();");
        assert!(drop_glue_classes(&used).unwrap_err().contains("Source"));
    }

    #[test]
    fn css_loses_comments_and_indentation_but_never_quoted_text() {
        let sheet = "/* theming */\n.a {\n  /* why */ color: red;\n\n  content: \" /* kept */ \\\" \";\n}\n";
        assert_eq!(
            css(sheet).unwrap(),
            ".a {\ncolor: red;\ncontent: \" /* kept */ \\\" \";\n}\n"
        );
        assert!(css(".a { content: \"open }").is_err());
        assert!(css(".a { } /* open").is_err());
    }

    #[test]
    fn an_import_the_glue_does_not_define_once_stops_the_build() {
        let renames = Renames::parse(PRINTED, &["a".into()]).unwrap();
        let glue = GLUE.replace(
            "__wbg_document_3b5c3071b43e97ee_1: function",
            "other: function",
        );
        assert!(renames.apply(&glue).unwrap_err().contains("0 times"));
    }
}
