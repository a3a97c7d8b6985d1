//! Names in a `.wasm`: the largest functions and crates, read from its code and
//! name sections (the build before wasm-opt, which still has names), the modules
//! it imports from, and exports taken out. A few dozen lines instead of
//! installing twiggy: bench only needs sizes by name.

use std::collections::HashMap;
use std::path::Path;

pub struct Largest {
    pub crates: Vec<(String, usize)>,
    pub functions: Vec<(String, usize)>,
    pub code_bytes: usize,
    pub data_bytes: usize,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn leb(&mut self) -> Option<usize> {
        let (mut value, mut shift) = (0usize, 0);
        loop {
            let b = self.byte()?;
            value |= ((b & 0x7f) as usize) << shift;
            if b < 0x80 {
                return Some(value);
            }
            shift += 7;
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.bytes.get(self.at..self.at + n)?;
        self.at += n;
        Some(s)
    }
}

/// A module's sections, `(id, contents)`, in order; `None` when malformed.
fn sections(wasm: &[u8]) -> Option<Vec<(u8, &[u8])>> {
    let mut r = Reader { bytes: wasm, at: 8 };
    let mut found = Vec::new();
    while r.at < wasm.len() {
        let id = r.byte()?;
        let size = r.leb()?;
        found.push((id, r.take(size)?));
    }
    Some(found)
}

/// The crate a demangled Rust name belongs to: its first path segment.
pub fn crate_of(name: &str) -> String {
    let name = name.trim_start_matches('<');
    let name = name.trim_start_matches("&mut ").trim_start_matches('&');
    let end = name.find(['<', ' ', ':', '(']).unwrap_or(name.len());
    // std's own crates carry a disambiguator: `core[c5930c85a12de822]::fmt`.
    let first = name[..end].split('[').next().unwrap_or("");
    let rest = if name[..end].contains('[') {
        &name[name.find(']').map_or(end, |i| i + 1)..]
    } else {
        &name[end..]
    };
    if !first.is_empty() && rest.starts_with("::") {
        return first.to_string();
    }
    // `<F as tachys::…::ReactiveFunction>::invoke`: a generic type, so the trait's crate.
    if let Some((_, trait_path)) = name.split_once(" as ") {
        let owner = crate_of(trait_path);
        if !owner.starts_with('(') {
            return owner;
        }
    }
    "(runtime and C symbols)".into()
}

/// The import section: each import's module name and kind (0 = a function).
fn imports(s: &mut Reader) -> Option<Vec<(String, u8)>> {
    let mut found = Vec::new();
    for _ in 0..s.leb()? {
        let len = s.leb()?;
        let module = String::from_utf8_lossy(s.take(len)?).into_owned();
        let len = s.leb()?;
        s.take(len)?;
        let kind = s.byte()?;
        match kind {
            0 => {
                s.leb()?;
            }
            1 => {
                s.byte()?;
                let flags = s.leb()?;
                s.leb()?;
                if flags & 1 == 1 {
                    s.leb()?;
                }
            }
            2 => {
                let flags = s.leb()?;
                s.leb()?;
                if flags & 1 == 1 {
                    s.leb()?;
                }
            }
            _ => {
                s.byte()?;
                s.byte()?;
            }
        }
        found.push((module, kind));
    }
    Some(found)
}

/// The module names a `.wasm` imports from, each once.
pub fn import_modules(path: &Path) -> Result<Vec<String>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let malformed = "the wasm's import section is malformed";
    let mut modules = Vec::new();
    for (_, section) in sections(&bytes)
        .ok_or(malformed)?
        .into_iter()
        .filter(|(id, _)| *id == 2)
    {
        let mut s = Reader {
            bytes: section,
            at: 0,
        };
        for (module, _) in imports(&mut s).ok_or(malformed)? {
            if !modules.contains(&module) {
                modules.push(module);
            }
        }
    }
    Ok(modules)
}

fn leb_bytes(mut value: usize) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

const MALFORMED: &str = "the wasm's sections are malformed";

/// `wasm` rewritten section by section: `edit` gets each section's id and
/// contents and returns its new contents, or `None` to leave it out.
fn rewrite_sections(
    wasm: &[u8],
    mut edit: impl FnMut(u8, &[u8]) -> Result<Option<Vec<u8>>, String>,
) -> Result<Vec<u8>, String> {
    let mut out = wasm.get(..8).ok_or(MALFORMED)?.to_vec();
    for (id, section) in sections(wasm).ok_or(MALFORMED)? {
        if let Some(body) = edit(id, section)? {
            out.push(id);
            out.extend(leb_bytes(body.len()));
            out.extend(body);
        }
    }
    Ok(out)
}

/// `wasm` without the exports named in `names` (wasm-opt then drops the code only
/// they reached). Every name must be an export.
pub fn without_exports(wasm: &[u8], names: &[String]) -> Result<Vec<u8>, String> {
    let mut removed = 0;
    let out = rewrite_sections(wasm, |id, section| {
        if id != 7 {
            return Ok(Some(section.to_vec()));
        }
        let mut s = Reader {
            bytes: section,
            at: 0,
        };
        let count = s.leb().ok_or(MALFORMED)?;
        let mut kept = Vec::new();
        let mut kept_count = 0;
        for _ in 0..count {
            let start = s.at;
            let len = s.leb().ok_or(MALFORMED)?;
            let name = String::from_utf8_lossy(s.take(len).ok_or(MALFORMED)?).into_owned();
            s.byte().ok_or(MALFORMED)?;
            s.leb().ok_or(MALFORMED)?;
            if names.contains(&name) {
                removed += 1;
            } else {
                kept.extend_from_slice(&section[start..s.at]);
                kept_count += 1;
            }
        }
        let mut body = leb_bytes(kept_count);
        body.extend(kept);
        Ok(Some(body))
    })?;
    if removed != names.len() {
        return Err(format!(
            "{} of the exports to take out are not exports of the wasm",
            names.len() - removed
        ));
    }
    Ok(out)
}

/// `wasm` without the custom sections called `name`: a browser never reads one,
/// and wasm-opt keeps the ones it does not know.
pub fn without_custom_section(wasm: &[u8], name: &str) -> Result<Vec<u8>, String> {
    rewrite_sections(wasm, |id, section| {
        if id == 0 {
            let mut s = Reader {
                bytes: section,
                at: 0,
            };
            let len = s.leb().ok_or(MALFORMED)?;
            if s.take(len).ok_or(MALFORMED)? == name.as_bytes() {
                return Ok(None);
            }
        }
        Ok(Some(section.to_vec()))
    })
}

pub fn largest(path: &Path, n: usize) -> Result<Largest, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let parse = || -> Option<Largest> {
        let (mut imported, mut bodies, mut names, mut data_bytes) =
            (0, Vec::new(), HashMap::new(), 0);
        for (id, section) in sections(&bytes)? {
            let mut s = Reader {
                bytes: section,
                at: 0,
            };
            match id {
                2 => {
                    imported = imports(&mut s)?
                        .iter()
                        .filter(|(_, kind)| *kind == 0)
                        .count()
                }
                10 => {
                    for _ in 0..s.leb()? {
                        let len = s.leb()?;
                        s.take(len)?;
                        bodies.push(len);
                    }
                }
                11 => data_bytes = section.len(),
                0 => {
                    let len = s.leb()?;
                    if s.take(len)? == b"name" {
                        while s.at < s.bytes.len() {
                            let kind = s.byte()?;
                            let len = s.leb()?;
                            let mut sub = Reader {
                                bytes: s.take(len)?,
                                at: 0,
                            };
                            if kind == 1 {
                                for _ in 0..sub.leb()? {
                                    let index = sub.leb()?;
                                    let len = sub.leb()?;
                                    let name = String::from_utf8_lossy(sub.take(len)?).into_owned();
                                    names.insert(index, name);
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        let mut functions: Vec<(String, usize)> = bodies
            .iter()
            .enumerate()
            .map(|(i, &size)| {
                let name = names
                    .get(&(imported + i))
                    .cloned()
                    .unwrap_or_else(|| format!("func[{}]", imported + i));
                (name, size)
            })
            .collect();
        let mut by_crate: HashMap<String, usize> = HashMap::new();
        for (name, size) in &functions {
            *by_crate.entry(crate_of(name)).or_default() += size;
        }
        let mut crates: Vec<(String, usize)> = by_crate.into_iter().collect();
        crates.sort_by_key(|c| std::cmp::Reverse(c.1));
        crates.truncate(n);
        functions.sort_by_key(|f| std::cmp::Reverse(f.1));
        let code_bytes = bodies.iter().sum();
        functions.truncate(n);
        Some(Largest {
            crates,
            functions,
            code_bytes,
            data_bytes,
        })
    };
    parse().ok_or_else(|| {
        format!(
            "{} is not a wasm file this reader understands",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with an export section of `(name, function index)`.
    fn module_exporting(exports: &[(&str, u8)]) -> Vec<u8> {
        let mut section = leb_bytes(exports.len());
        for (name, index) in exports {
            section.extend(leb_bytes(name.len()));
            section.extend(name.as_bytes());
            section.extend([0, *index]);
        }
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.push(7);
        wasm.extend(leb_bytes(section.len()));
        wasm.extend(section);
        wasm
    }

    #[test]
    fn takes_out_only_the_named_exports() {
        let wasm = module_exporting(&[("main", 0), ("pull", 1), ("memory", 2)]);
        assert_eq!(
            without_exports(&wasm, &["pull".into()]).unwrap(),
            module_exporting(&[("main", 0), ("memory", 2)])
        );
        assert!(without_exports(&wasm, &["push".into()]).is_err());
        assert_eq!(leb_bytes(300), [0xac, 0x02]);
    }

    #[test]
    fn takes_out_only_the_named_custom_section() {
        let custom = |name: &str, body: &[u8]| {
            let mut section = leb_bytes(name.len());
            section.extend(name.as_bytes());
            section.extend(body);
            let mut bytes = vec![0];
            bytes.extend(leb_bytes(section.len()));
            bytes.extend(section);
            bytes
        };
        let exports = module_exporting(&[("main", 0)]);
        let mut wasm = exports.clone();
        wasm.extend(custom("__wasm_split_unstable", &[1, 1]));
        wasm.extend(custom("producers", b"rustc"));
        let mut expected = exports;
        expected.extend(custom("producers", b"rustc"));
        assert_eq!(
            without_custom_section(&wasm, "__wasm_split_unstable").unwrap(),
            expected
        );
        assert_eq!(
            without_custom_section(&expected, "__wasm_split_unstable").unwrap(),
            expected
        );
        assert!(without_custom_section(&wasm[..wasm.len() - 1], "producers").is_err());
    }

    #[test]
    fn crates_from_demangled_names() {
        assert_eq!(crate_of("core::fmt::write::h1"), "core");
        assert_eq!(
            crate_of("<alloc::vec::Vec<T> as core::fmt::Debug>::fmt::h2"),
            "alloc"
        );
        assert_eq!(
            crate_of("js_sys::_::<impl wasm_bindgen::cast::JsCast for js_sys::Error>::instanceof"),
            "js_sys"
        );
        assert_eq!(crate_of("memcpy"), "(runtime and C symbols)");
        assert_eq!(crate_of("core[c5930c85a12de822]::fmt::float::x"), "core");
        assert_eq!(
            crate_of("<F as tachys::reactive_graph::ReactiveFunction>::invoke::h1"),
            "tachys"
        );
        assert_eq!(
            crate_of("<&mut serde_json::de::Deserializer<R> as serde_core::de::X>::y"),
            "serde_json"
        );
        assert_eq!(
            crate_of("<f64 as core[c5930c85a12de822]::str::traits::FromStr>::from_str"),
            "core"
        );
    }
}
