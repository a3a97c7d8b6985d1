//! Shrinking the shipped JavaScript and the names between it and the wasm.
//!
//! wasm-bindgen names every import after the Rust item and a 16-digit hash
//! (`__wbg_addEventListener_3acb0aad4483804e`), and both the `.wasm` and the
//! glue carry each name: about 200 of them, mostly incompressible hex. wasm-opt
//! renames them (`--minify-imports-and-exports-and-modules`) and prints its renaming; this
//! file applies that renaming to the glue, then terser (npm) minifies the entry.
//! Both steps are checked: a name left over or seen twice stops the build.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::run::{cmd, status};

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

    /// The glue with the new names, each name looked up once: the import module
    /// is a quoted key (once), each import a key of the import object (exactly
    /// once), each export read as `wasm.old`. A key whose import wasm-opt removed
    /// (code only the dropped classes used) is dropped; any other unknown name
    /// stops the build rather than fail in the browser.
    pub fn apply(&self, glue: &str) -> Result<String, String> {
        let (old_module, new_module) = &self.module;
        let quoted = |m: &str| format!("\"{m}\": ");
        if glue.matches(&quoted(old_module)).count() != 1 {
            return Err(format!(
                "the glue does not name the import module {old_module} once"
            ));
        }
        let glue = glue.replace(&quoted(old_module), &quoted(new_module));
        self.rename_exports(&self.rename_imports(&glue)?)
    }

    fn rename_imports(&self, glue: &str) -> Result<String, String> {
        let renamed = lookup(&self.imports);
        let mut seen = HashSet::new();
        let (mut out, mut inside, mut found, mut dropping) = (String::new(), false, false, false);
        for line in glue.lines() {
            if line.trim_start() == IMPORT_OBJECT {
                (inside, found) = (true, true);
            } else if inside && line == "    };" {
                inside = false;
            } else if inside {
                if let Some(key) = import_key(line) {
                    dropping = false;
                    if let Some(new) = renamed.get(key) {
                        if !seen.insert(key) {
                            return Err(format!("the glue defines the import {key} twice"));
                        }
                        out.push_str(&format!(
                            "{IMPORT_INDENT}{new}{}\n",
                            &line[IMPORT_INDENT.len() + key.len()..]
                        ));
                        continue;
                    }
                    dropping = key != "__proto__";
                }
                if dropping {
                    continue;
                }
            }
            out.push_str(line);
            out.push('\n');
        }
        if !found {
            return Err(format!("the glue has no `{IMPORT_OBJECT}`"));
        }
        if let Some((old, _)) = self
            .imports
            .iter()
            .find(|(old, _)| !seen.contains(old.as_str()))
        {
            return Err(format!("the glue does not define the import {old}"));
        }
        Ok(out)
    }

    fn rename_exports(&self, glue: &str) -> Result<String, String> {
        let renamed = lookup(&self.exports);
        let (mut out, mut last) = (String::with_capacity(glue.len()), 0);
        for (at, _) in glue.match_indices("wasm.") {
            if at > 0 && is_name_char(glue.as_bytes()[at - 1]) {
                continue;
            }
            let start = at + "wasm.".len();
            let end = start
                + glue[start..]
                    .bytes()
                    .take_while(|b| is_name_char(*b))
                    .count();
            let Some(new) = renamed.get(&glue[start..end]) else {
                return Err(format!(
                    "the glue reads wasm.{}, which wasm-opt did not rename",
                    &glue[start..end]
                ));
            };
            out.push_str(&glue[last..start]);
            out.push_str(new);
            last = end;
        }
        out.push_str(&glue[last..]);
        Ok(out)
    }
}

/// Old name → new name.
fn lookup(pairs: &[(String, String)]) -> HashMap<&str, &str> {
    pairs
        .iter()
        .map(|(old, new)| (old.as_str(), new.as_str()))
        .collect()
}

/// The glue's import object, and the indentation of its keys.
const IMPORT_OBJECT: &str = "const import0 = {";
const IMPORT_INDENT: &str = "        ";

/// The key an import object line starts, if it starts one (`        name: …`).
fn import_key(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(IMPORT_INDENT)?;
    let len = rest.bytes().take_while(|b| is_name_char(*b)).count();
    (len > 0 && rest[len..].starts_with(':')).then(|| &rest[..len])
}

/// The glue without its exported classes, and the wasm exports only they used.
///
/// wasm-bindgen writes a class for each Rust struct exported to JavaScript. Ours
/// come from wasm-streams (leptos' server functions, which the widget never
/// calls): nothing in the wasm creates them, and the entry exports nothing of
/// the glue, so no page can reach them. If the rest of the glue names a class,
/// something can reach it after all: the build stops.
pub fn drop_glue_classes(glue: &str) -> Result<(String, Vec<String>), String> {
    let mut kept = Vec::new();
    let mut dropped = String::new();
    let mut classes = Vec::new();
    let mut lines = glue.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("export class ") {
            let name: String = rest
                .bytes()
                .take_while(|b| is_name_char(*b))
                .map(char::from)
                .collect();
            classes.push(name);
            dropped.push_str(line);
            dropped.push('\n');
            for body in lines.by_ref() {
                dropped.push_str(body);
                dropped.push('\n');
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
            dropped.push('\n');
            // The registry is one statement over a few lines, ending in `);`.
            if line.starts_with(&format!("const {class}Finalization")) && !line.ends_with(';') {
                for rest in lines.by_ref() {
                    dropped.push_str(rest);
                    dropped.push('\n');
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

/// The stylesheet without its comments, indentation and blank lines (about
/// 0.4 KB gzip); text inside quotes is kept as written. Written for our own
/// stylesheets: an unquoted `url(…/*…)` would be read as a comment.
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
                        // Like whitespace: `1px/**/2px` must not become `1px2px`.
                        out.push(' ');
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

/// Chromium's explicit compile hint (since 136), on the entry's first line: the
/// entry is start-up code, nearly all of it called while the widget starts, so
/// V8 compiles all of it in the background while the file streams in, instead
/// of each function on the main thread at its first call. Other browsers read a
/// comment.
const COMPILE_HINT: &str = "//# allFunctionsCalledOnLoad\n";

/// The entry's pinned values (its `const PINNED = {…};`, four lines holding two
/// files) and the rest of its code.
fn split_pinned(entry: &str) -> Result<(&str, String), String> {
    let start = entry
        .find(PINNED_START)
        .ok_or("the entry has no pinned values to keep")?;
    let end = start
        + entry[start..]
            .find(PINNED_END)
            .ok_or("the entry's pinned values do not end")?
        + PINNED_END.len();
    let pinned = &entry[start..end];
    if crate::dist::pinned_in_entry(pinned).len() != 2 || pinned.matches('\n').count() != 4 {
        return Err("the entry's pinned values are not the four lines expected".into());
    }
    Ok((pinned, format!("{}{}", &entry[..start], &entry[end..])))
}

/// The entry module, minified by terser, with its pinned values kept as written.
/// `work` holds the readable entry beside the minified one, for debugging.
pub fn minify_entry(entry: &str, work: &Path) -> Result<String, String> {
    let (pinned, code) = split_pinned(entry)?;
    let readable = work.join("lab-login.readable.js");
    let minified = work.join("lab-login.min.js");
    std::fs::write(&readable, &code)
        .map_err(|e| format!("cannot write {}: {e}", readable.display()))?;
    // terser writes its errors to stderr, which `status` leaves on the console.
    status(cmd(
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
    ))?;
    let code = std::fs::read_to_string(&minified)
        .map_err(|e| format!("cannot read {}: {e}", minified.display()))?;
    if code.contains(PINNED_START) || !code.contains("PINNED.") {
        return Err("terser changed how the entry reads its pinned values".into());
    }
    Ok(format!("{COMPILE_HINT}{pinned}{code}\n"))
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

    /// The shape of wasm-bindgen's glue: the import object (one import that
    /// wasm-opt removed, `__wbg_stale…`), then code that reads exports.
    const GLUE: &str = "function __wbg_get_imports() {\n    const import0 = {\n        __proto__: null,\n        __wbg_document_3b5c3071b43e97ee: function(a) { return a.document; },\n        __wbg_document_3b5c3071b43e97ee_1: function(a) {\n            return a.document;\n        },\n        __wbg_stale_0123456789abcdef: function() {\n            wasm.__wbindgen_gone();\n        },\n    };\n    return { \"./lab-login_bg.js\": import0 };\n}\nwasm.__wbindgen_malloc(1); wasm.__wbindgen_malloc_x; new Uint8Array(wasm.memory.buffer);\n";

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
    fn renames_whole_names_only_and_drops_imports_wasm_opt_removed() {
        let renames = Renames::parse(PRINTED, &["a".into()]).unwrap();
        let err = renames.apply(GLUE).unwrap_err();
        // `wasm.__wbindgen_malloc_x` is not `wasm.__wbindgen_malloc`: caught.
        assert!(err.contains("wasm.__wbindgen_malloc_x"), "{err}");
        let glue = GLUE.replace(" wasm.__wbindgen_malloc_x;", "");
        let renamed = renames.apply(&glue).unwrap();
        assert!(renamed.contains(
            "        __proto__: null,\n        a: function(a) { return a.document; },\n        $b: function(a) {\n            return a.document;\n        },\n    };\n"
        ));
        assert!(renamed.contains("wasm.d(1); new Uint8Array(wasm.c.buffer);"));
        assert!(renamed.contains("{ \"a\": import0 }"));
        assert!(!renamed.contains("3b5c3071") && !renamed.contains("stale"));
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
    fn the_pinned_values_are_kept_apart_from_the_code_terser_sees() {
        let entry = crate::dist::entry_module(
            "let wasm;\nasync function __wbg_init(m) { __labLoginConfigFile(); }\nexport default __wbg_init;\n",
            "sha384-W",
            "sha384-C",
        )
        .unwrap();
        let (pinned, code) = split_pinned(&entry).unwrap();
        assert!(pinned.starts_with("const PINNED = {\n") && pinned.ends_with("\n};\n"));
        assert_eq!(crate::dist::pinned_in_entry(pinned).len(), 2);
        assert!(!code.contains("sha384-") && code.contains("PINNED.wasm"));
        // Written on one line, the block would take code with it: refused.
        let one_line = entry.replacen("const PINNED = {\n  ", "const PINNED = { ", 1);
        assert!(split_pinned(&one_line).is_err());
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
        let glue = GLUE.replace(" wasm.__wbindgen_malloc_x;", "");
        let missing = glue.replace(
            "__wbg_document_3b5c3071b43e97ee_1: function",
            "other: function",
        );
        assert!(renames
            .apply(&missing)
            .unwrap_err()
            .contains("does not define"));
        let twice = glue.replace(
            "__wbg_stale_0123456789abcdef: function",
            "__wbg_document_3b5c3071b43e97ee: function",
        );
        assert!(renames.apply(&twice).unwrap_err().contains("twice"));
        let elsewhere = glue.replace("const import0 = {", "const imports = {");
        assert!(renames
            .apply(&elsewhere)
            .unwrap_err()
            .contains("no `const import0"));
    }
}
