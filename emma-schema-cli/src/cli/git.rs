//! Reads a file as it was at a git revision, for `diff --against`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A file's text at a revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// `REF:path`, the path relative to the repository's root, as git names it.
    pub name: String,
    /// The path relative to the repository's root, with `/` separators.
    pub relative_path: String,
    /// The file's text at the revision.
    pub text: String,
}

/// The text of `path` (a file of the working tree) at `reference`, found with
/// `git rev-parse --show-toplevel` and `git show REF:PATH`; the error says what went wrong in
/// a sentence.
pub fn read_at_revision(reference: &str, path: &Path) -> Result<Revision, String> {
    let absolute = path
        .canonicalize()
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    let folder = absolute
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let toplevel = git(&folder, &["rev-parse", "--show-toplevel"]).map_err(|problem| {
        format!(
            "`{}` is not in a git repository, so `--against {reference}` has nothing to compare with ({problem})",
            path.display()
        )
    })?;
    let toplevel = PathBuf::from(toplevel.trim_end_matches(['\n', '\r']));
    let toplevel = toplevel.canonicalize().unwrap_or(toplevel);
    let relative = absolute.strip_prefix(&toplevel).map_err(|_| {
        format!(
            "`{}` is outside the git repository at `{}`",
            path.display(),
            toplevel.display()
        )
    })?;
    let relative_path = relative
        .components()
        .map(|component| component.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    let name = format!("{reference}:{relative_path}");
    // `--end-of-options` keeps a reference that starts with `-` from being read as an option.
    let text = git(&toplevel, &["show", "--end-of-options", &name])
        .map_err(|problem| format!("cannot read `{relative_path}` at `{reference}`: {problem}"))?;
    Ok(Revision {
        name,
        relative_path,
        text,
    })
}

/// Runs git in `folder`; its standard output, or what it said on failure.
fn git(folder: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(folder)
        .args(args)
        .output()
        .map_err(|error| format!("cannot run git: {error}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|_| "the file is not UTF-8 text".to_owned())
    } else {
        let said = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(if said.is_empty() {
            format!("git exited with {}", output.status)
        } else {
            said
        })
    }
}
