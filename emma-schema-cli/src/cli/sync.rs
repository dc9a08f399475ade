//! Compares the export files of a schema with a folder on disk, and brings the folder in line.

use emma_codegen::export::EVENTS_DIR;
use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// How a file on disk is out of line with the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The export has the file, the folder does not.
    Missing,
    /// The folder has the file with other contents.
    Differs,
    /// A `.json` file in the events folder that the export does not have.
    Stale,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Change::Missing => "missing",
            Change::Differs => "out of date",
            Change::Stale => "stale: no event of the schema exports it",
        })
    }
}

/// One file to write or remove, by its path relative to the export folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outdated {
    /// The file, relative to the export folder.
    pub path: PathBuf,
    /// What is wrong with it.
    pub change: Change,
}

/// Every file of `dir` that is missing, differs from `files`, or is a stale `.json` file in
/// its events folder: the files listed first in `files` order, then the stale ones by name.
pub fn compare(dir: &Path, files: &[(PathBuf, String)]) -> io::Result<Vec<Outdated>> {
    let mut outdated = Vec::new();
    for (path, contents) in files {
        let change = match std::fs::read(dir.join(path)) {
            Ok(bytes) if bytes == contents.as_bytes() => continue,
            Ok(_) => Change::Differs,
            Err(error) if error.kind() == io::ErrorKind::NotFound => Change::Missing,
            Err(error) => return Err(annotate(error, &dir.join(path))),
        };
        outdated.push(Outdated {
            path: path.clone(),
            change,
        });
    }
    let expected: BTreeSet<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
    let events_dir = dir.join(EVENTS_DIR);
    let entries = match std::fs::read_dir(&events_dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(outdated),
        Err(error) => return Err(annotate(error, &events_dir)),
    };
    let mut stale = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|error| annotate(error, &events_dir))?;
        let path = Path::new(EVENTS_DIR).join(entry.file_name());
        let is_json = path
            .extension()
            .is_some_and(|extension| extension == "json");
        if is_json && !expected.contains(path.as_path()) && !entry.path().is_dir() {
            stale.push(path);
        }
    }
    stale.sort();
    outdated.extend(stale.into_iter().map(|path| Outdated {
        path,
        change: Change::Stale,
    }));
    Ok(outdated)
}

/// What [`write()`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Written {
    /// Files created or rewritten.
    pub written: usize,
    /// Stale files removed.
    pub removed: usize,
}

/// Makes `dir` hold exactly `files` (and no stale events file), touching only what changed.
pub fn write(dir: &Path, files: &[(PathBuf, String)]) -> io::Result<Written> {
    let mut done = Written::default();
    for outdated in compare(dir, files)? {
        let path = dir.join(&outdated.path);
        match outdated.change {
            Change::Missing | Change::Differs => {
                let contents = files
                    .iter()
                    .find(|(file, _)| *file == outdated.path)
                    .map(|(_, contents)| contents)
                    .expect("compare only lists missing or differing files that are in `files`");
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|error| annotate(error, parent))?;
                }
                std::fs::write(&path, contents).map_err(|error| annotate(error, &path))?;
                done.written += 1;
            }
            Change::Stale => {
                std::fs::remove_file(&path).map_err(|error| annotate(error, &path))?;
                done.removed += 1;
            }
        }
    }
    Ok(done)
}

/// Adds the path to an I/O error's message.
fn annotate(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Vec<(PathBuf, String)> {
        vec![
            (PathBuf::from("all.json"), "{}\n".to_owned()),
            (
                Path::new(EVENTS_DIR).join("a.schema.json"),
                "{\"a\": 1}\n".to_owned(),
            ),
            (
                Path::new(EVENTS_DIR).join("b.schema.json"),
                "{\"b\": 2}\n".to_owned(),
            ),
        ]
    }

    fn changes(dir: &Path) -> Vec<(String, Change)> {
        compare(dir, &files())
            .unwrap()
            .into_iter()
            .map(|outdated| {
                let path = outdated.path.to_string_lossy().replace('\\', "/");
                (path, outdated.change)
            })
            .collect()
    }

    #[test]
    fn an_empty_or_absent_folder_misses_every_file() {
        let dir = tempfile::tempdir().unwrap();
        let expected = [
            ("all.json".to_owned(), Change::Missing),
            ("events/a.schema.json".to_owned(), Change::Missing),
            ("events/b.schema.json".to_owned(), Change::Missing),
        ];
        assert_eq!(changes(dir.path()), expected);
        assert_eq!(changes(&dir.path().join("not-there")), expected);
    }

    #[test]
    fn write_makes_the_folder_match_and_a_second_write_does_nothing() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            write(dir.path(), &files()).unwrap(),
            Written {
                written: 3,
                removed: 0
            }
        );
        assert_eq!(changes(dir.path()), []);
        assert_eq!(write(dir.path(), &files()).unwrap(), Written::default());
    }

    #[test]
    fn changed_and_stale_files_are_found_and_write_fixes_them() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &files()).unwrap();
        let events = dir.path().join(EVENTS_DIR);
        std::fs::write(events.join("b.schema.json"), "{\"b\": 3}\n").unwrap();
        std::fs::write(events.join("old.schema.json"), "{}\n").unwrap();
        std::fs::write(events.join("README.md"), "not an export\n").unwrap();
        std::fs::write(dir.path().join("other.json"), "{}\n").unwrap();
        assert_eq!(
            changes(dir.path()),
            [
                ("events/b.schema.json".to_owned(), Change::Differs),
                ("events/old.schema.json".to_owned(), Change::Stale),
            ]
        );
        assert_eq!(
            write(dir.path(), &files()).unwrap(),
            Written {
                written: 1,
                removed: 1
            }
        );
        assert_eq!(changes(dir.path()), []);
        assert!(events.join("README.md").exists());
    }
}
