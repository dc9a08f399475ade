//! The JSON documents an import reads, and `$ref`s across them.
//!
//! An OpenAPI import reads one document, whose references are local (`#/components/...`).
//! A JSON Schema import reads one file per event and every file they refer to, found by `$id`
//! or by path. When a file is loaded, each of its `$ref`s is rewritten to the canonical form
//! `LABEL#POINTER` (`LABEL` the referenced file's label, its path as found), so that a schema
//! merged from several files (an `allOf` of a base in another file) keeps its references
//! meaning what they meant where they were written, and one file referred to from many
//! places becomes one type.

use crate::ImportError;
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// A loaded document: its label (empty for the one document of an OpenAPI import) and value.
pub(crate) struct Document {
    pub(crate) label: String,
    pub(crate) value: Value,
}

/// The documents of one import; the first is where references without a label point.
pub(crate) struct Documents {
    entries: Vec<Document>,
    by_label: HashMap<String, usize>,
}

impl Documents {
    /// One document whose references are local (`#/...`), as an OpenAPI document's are.
    pub(crate) fn one(value: Value) -> Self {
        Documents {
            entries: vec![Document {
                label: String::new(),
                value,
            }],
            by_label: HashMap::from([(String::new(), 0)]),
        }
    }

    /// The files `paths` and every file they refer to, transitively; their references
    /// rewritten to `LABEL#POINTER`. Returns the labels of `paths`, in order.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<(Self, Vec<String>), ImportError> {
        let mut loader = Loader::default();
        let mut labels = Vec::new();
        for path in paths {
            labels.push(loader.file(path)?);
        }
        // Rewriting a file's references may load more files, appended and rewritten in turn.
        let mut next = 0;
        while next < loader.documents.len() {
            let mut value = std::mem::take(&mut loader.documents[next].value);
            let path = loader.paths[next].clone();
            let id = loader.documents[next].value_id.clone();
            loader.rewrite(&mut value, &path, id.as_deref(), next)?;
            loader.documents[next].value = value;
            next += 1;
        }
        let entries: Vec<Document> = loader
            .documents
            .into_iter()
            .map(|loaded| Document {
                label: loaded.label,
                value: loaded.value,
            })
            .collect();
        let by_label = entries
            .iter()
            .enumerate()
            .map(|(index, document)| (document.label.clone(), index))
            .collect();
        Ok((Documents { entries, by_label }, labels))
    }

    /// The value a canonical or local reference points at, and its pointer as notes write
    /// it (`/components/schemas/X`, or `LABEL#/definitions/X`).
    pub(crate) fn target(&self, reference: &str) -> Option<(&Value, String)> {
        let (label, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if !fragment.is_empty() && !fragment.starts_with('/') {
            // A plain-name anchor (`#user`): not followed.
            return None;
        }
        let document = &self.entries[*self.by_label.get(label)?];
        let value = document.value.pointer(&unescape_fragment(fragment))?;
        let pointer = if label.is_empty() {
            fragment.to_owned()
        } else {
            format!("{label}#{fragment}")
        };
        Some((value, pointer))
    }
}

/// A URI fragment's percent-escapes (`%24` for `$`) decoded, as JSON pointers in fragments
/// may carry them.
fn unescape_fragment(fragment: &str) -> String {
    if !fragment.contains('%') {
        return fragment.to_owned();
    }
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = fragment.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| fragment.to_owned())
}

struct Loaded {
    label: String,
    value: Value,
    value_id: Option<String>,
}

#[derive(Default)]
struct Loader {
    documents: Vec<Loaded>,
    /// Each document's path as found (its label, as a path).
    paths: Vec<PathBuf>,
    /// Documents by their canonical path, so that one file reached two ways loads once.
    by_path: HashMap<PathBuf, usize>,
    /// Documents by their root `$id` as written.
    by_id: HashMap<String, usize>,
}

impl Loader {
    /// Loads `path` (once) and gives its label.
    fn file(&mut self, path: &Path) -> Result<String, ImportError> {
        let path = normalize(path);
        let canonical = std::fs::canonicalize(&path).map_err(|error| ImportError::Document {
            pointer: String::new(),
            message: format!("{}: {error}", path.display()),
        })?;
        if let Some(&index) = self.by_path.get(&canonical) {
            return Ok(self.documents[index].label.clone());
        }
        let text = std::fs::read_to_string(&path).map_err(|error| ImportError::Document {
            pointer: String::new(),
            message: format!("{}: {error}", path.display()),
        })?;
        let value: Value = serde_json::from_str(&text).map_err(|error| ImportError::Document {
            pointer: String::new(),
            message: format!(
                "{}:{}:{}: not JSON: {error}",
                path.display(),
                error.line(),
                error.column()
            ),
        })?;
        let label = path.to_string_lossy().into_owned();
        let index = self.documents.len();
        let value_id = value.get("$id").and_then(Value::as_str).map(str::to_owned);
        if let Some(id) = &value_id {
            self.by_id.entry(id.clone()).or_insert(index);
        }
        self.documents.push(Loaded {
            label: label.clone(),
            value,
            value_id,
        });
        self.paths.push(path);
        self.by_path.insert(canonical, index);
        Ok(label)
    }

    /// Rewrites every `$ref` under `value` (of the document `index`, at `path`, with the root
    /// `$id` `id`) to its canonical form; references that lead nowhere are left as written.
    fn rewrite(
        &mut self,
        value: &mut Value,
        path: &Path,
        id: Option<&str>,
        index: usize,
    ) -> Result<(), ImportError> {
        match value {
            Value::Object(object) => {
                for (key, child) in object.iter_mut() {
                    if key == "$ref"
                        && let Value::String(reference) = child
                    {
                        if let Some(canonical) = self.canonical(reference, path, id, index)? {
                            *reference = canonical;
                        }
                    } else {
                        self.rewrite(child, path, id, index)?;
                    }
                }
            }
            Value::Array(items) => {
                for item in items {
                    self.rewrite(item, path, id, index)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn canonical(
        &mut self,
        reference: &str,
        path: &Path,
        id: Option<&str>,
        index: usize,
    ) -> Result<Option<String>, ImportError> {
        let (resource, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if resource.is_empty() {
            return Ok(Some(format!("{}#{fragment}", self.documents[index].label)));
        }
        if resource.contains("://") && !resource.starts_with("file://") {
            // Another site's document: by `$id` only, never fetched.
            return Ok(self
                .by_id
                .get(resource)
                .map(|&found| format!("{}#{fragment}", self.documents[found].label)));
        }
        // By `$id`: the reference resolved against this document's `$id`, then as written.
        let merged = id.map(|id| merge(id, resource));
        for candidate in merged.iter().map(String::as_str).chain([resource]) {
            if let Some(&found) = self.by_id.get(candidate) {
                return Ok(Some(format!("{}#{fragment}", self.documents[found].label)));
            }
        }
        // By path: beside this file, then beside each folder above it (a provider's files
        // often refer to `common/user.schema.json` from the folder that holds `common`).
        let resource = resource.strip_prefix("file://").unwrap_or(resource);
        let folder = path.parent().unwrap_or(Path::new(""));
        let relatives: Vec<&str> = merged
            .iter()
            .map(String::as_str)
            .chain([resource])
            .collect();
        for ancestor in folder.ancestors() {
            for relative in &relatives {
                let candidate = ancestor.join(relative);
                if candidate.is_file() {
                    let label = self.file(&candidate)?;
                    return Ok(Some(format!("{label}#{fragment}")));
                }
            }
            if Path::new(resource).is_absolute() {
                break;
            }
        }
        Ok(None)
    }
}

/// `reference` resolved against `base` as RFC 3986 merges paths: the base's last segment
/// replaced, `.` and `..` segments removed.
fn merge(base: &str, reference: &str) -> String {
    if reference.starts_with('/') || reference.contains("://") {
        return reference.to_owned();
    }
    let folder = match base.rfind('/') {
        Some(end) => &base[..=end],
        None => "",
    };
    let (prefix, path) = match folder.find("://") {
        Some(scheme_end) => {
            let after = scheme_end + 3;
            let authority_end = folder[after..]
                .find('/')
                .map_or(folder.len(), |end| after + end);
            (&folder[..authority_end], &folder[authority_end..])
        }
        None => ("", folder),
    };
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/').chain(reference.split('/')) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let joined = segments.join("/");
    if prefix.is_empty() {
        if path.starts_with('/') {
            format!("/{joined}")
        } else {
            joined
        }
    } else {
        format!("{prefix}/{joined}")
    }
}

/// `path` without `.` components and with `..` applied where it can be, as written (not
/// resolving links), so that labels stay short and one file has one label.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_merge_against_a_relative_id_as_rfc_3986_says() {
        assert_eq!(
            merge("common/issue.schema.json", "user.schema.json"),
            "common/user.schema.json"
        );
        assert_eq!(
            merge("issues$opened", "common/issue.schema.json"),
            "common/issue.schema.json"
        );
        assert_eq!(merge("a/b/c.json", "../d.json"), "a/d.json");
        assert_eq!(
            merge("https://example.com/schemas/a.json", "b.json"),
            "https://example.com/schemas/b.json"
        );
        assert_eq!(merge("https://example.com/a.json", "/x.json"), "/x.json");
    }

    #[test]
    fn percent_escapes_in_fragments_are_decoded() {
        assert_eq!(
            unescape_fragment("/definitions/issues%24opened"),
            "/definitions/issues$opened"
        );
        assert_eq!(unescape_fragment("/a%zz"), "/a%zz");
    }

    #[test]
    fn files_referred_to_by_id_or_path_load_once_and_references_become_canonical() {
        let dir = std::env::temp_dir().join(format!("emma-import-docs-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("common")).unwrap();
        std::fs::create_dir_all(dir.join("issues")).unwrap();
        std::fs::write(
            dir.join("common/user.schema.json"),
            r##"{"$id": "common/user.schema.json", "type": "object", "properties": {"login": {"type": "string"}, "self": {"$ref": "#"}}}"##,
        )
        .unwrap();
        std::fs::write(
            dir.join("common/issue.schema.json"),
            r#"{"$id": "common/issue.schema.json", "type": "object", "properties": {"user": {"$ref": "user.schema.json"}}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.join("issues/opened.schema.json"),
            r##"{"$id": "issues$opened", "properties": {"issue": {"$ref": "common/issue.schema.json"}, "sender": {"$ref": "common/user.schema.json"}, "gone": {"$ref": "nowhere.json"}, "local": {"$ref": "#/definitions/x"}}, "definitions": {"x": {"type": "integer"}}}"##,
        )
        .unwrap();
        let (documents, labels) =
            Documents::load(&[dir.join("issues/opened.schema.json")]).unwrap();
        let opened = &documents.entries[0].value;
        let issue = opened["properties"]["issue"]["$ref"].as_str().unwrap();
        assert!(issue.ends_with("common/issue.schema.json#"), "{issue}");
        let sender = opened["properties"]["sender"]["$ref"].as_str().unwrap();
        assert!(sender.ends_with("common/user.schema.json#"), "{sender}");
        assert_eq!(opened["properties"]["gone"]["$ref"], "nowhere.json");
        let local = opened["properties"]["local"]["$ref"].as_str().unwrap();
        assert_eq!(local, format!("{}#/definitions/x", labels[0]));
        assert_eq!(documents.target(local).unwrap().0["type"], "integer");
        let (issue_schema, _) = documents.target(issue).unwrap();
        let user = issue_schema["properties"]["user"]["$ref"].as_str().unwrap();
        assert_eq!(
            user, sender,
            "one file, one label, whichever way it is reached"
        );
        assert_eq!(documents.entries.len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
