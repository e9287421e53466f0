//! A site's `site.yaml`, futures and bets as a git revision holds them, for
//! `diff`, read without touching the working tree, the index or `HEAD`:
//! one `git rev-parse` (the revision's commit, and where the site sits in
//! its repository), one `git ls-tree` (the files) and one `git cat-file
//! --batch` (their texts), however many files there are.

use std::fmt;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::source::config;
use crate::source::futures::FUTURE_EXTENSIONS;

/// A file's path relative to the site root, and its text or why it could
/// not be read.
pub(crate) type Text = (PathBuf, io::Result<String>);

/// The files of a site at a revision.
pub(crate) struct Revision {
    /// The commit the revision names (its full hash).
    pub commit: String,
    pub config: io::Result<String>,
    /// `futures/**/*.yaml` and `bets/**/*.md`, sorted by path.
    pub futures: Vec<Text>,
    pub bets: Vec<Text>,
}

/// Why a revision's files could not be read.
#[derive(Debug)]
pub enum RevisionError {
    /// No `git` program could be started.
    NoGit,
    /// The site is in no git repository.
    NotARepository,
    /// The revision names no commit.
    UnknownRevision(String),
    /// The revision holds no site.yaml where the site is.
    NoSite { rev: String, path: String },
    /// Git failed otherwise: its own first line.
    Failed(String),
}

impl RevisionError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            RevisionError::NoGit => "install git, or run forkcast where git is on the PATH",
            RevisionError::NotARepository => {
                "`forkcast diff` compares the working tree with a commit: run it in a git repository"
            }
            RevisionError::UnknownRevision(_) => {
                "name a branch, tag or commit; `git log --oneline` lists revisions (default: HEAD)"
            }
            RevisionError::NoSite { .. } => {
                "compare with a revision that has the site (`git log --oneline -- site.yaml` lists them)"
            }
            RevisionError::Failed(_) => "run the same git command to see what git says",
        }
    }

    /// A mistake in the command line rather than in a file.
    pub fn is_usage(&self) -> bool {
        matches!(self, RevisionError::UnknownRevision(_))
    }
}

impl fmt::Display for RevisionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RevisionError::NoGit => {
                f.write_str("git is not installed (no `git` program could be started)")
            }
            RevisionError::NotARepository => f.write_str("the site is not in a git repository"),
            RevisionError::UnknownRevision(rev) => {
                write!(f, "`{rev}` names no commit of the site's repository")
            }
            RevisionError::NoSite { rev, path } => write!(f, "`{rev}` has no {path}"),
            RevisionError::Failed(why) => write!(f, "git failed: {why}"),
        }
    }
}

impl std::error::Error for RevisionError {}

/// Reads the site at `root` as revision `rev` holds it.
pub(crate) fn read(root: &Path, rev: &str) -> Result<Revision, RevisionError> {
    let (prefix, commit) = locate(root, rev)?;
    let paths = [
        format!("{prefix}{}", config::FILE),
        format!("{prefix}futures"),
        format!("{prefix}bets"),
    ];
    let mut args = vec!["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree"];
    args.extend([commit.as_str(), "--"]);
    args.extend(paths.iter().map(String::as_str));
    let listing = run(root, &args)?;
    let files = site_files(&listing, &prefix);
    let texts = cat_files(root, files.iter().map(|(_, oid)| oid.as_str()))?;
    if texts.len() != files.len() {
        return Err(RevisionError::Failed(format!(
            "`git cat-file --batch` gave {} of the {} files listed",
            texts.len(),
            files.len()
        )));
    }
    let mut revision = Revision {
        commit,
        config: Ok(String::new()),
        futures: Vec::new(),
        bets: Vec::new(),
    };
    let mut config = None;
    for ((path, _), text) in files.into_iter().zip(texts) {
        if path == Path::new(config::FILE) {
            config = Some(text);
        } else if path.starts_with("futures") {
            revision.futures.push((path, text));
        } else {
            revision.bets.push((path, text));
        }
    }
    let no_site = || RevisionError::NoSite {
        rev: rev.to_string(),
        path: paths[0].clone(),
    };
    revision.config = config.ok_or_else(no_site)?;
    Ok(revision)
}

/// Where the site sits in its repository (`""` at the top, else a path
/// ending in `/`) and the commit `rev` names.
fn locate(root: &Path, rev: &str) -> Result<(String, String), RevisionError> {
    let spec = format!("{rev}^{{commit}}");
    let args = [
        "rev-parse",
        "--show-prefix",
        "--verify",
        "--end-of-options",
        &spec,
    ];
    let out = git(root, &args)?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    let prefix = lines.next().map(str::to_string);
    match (out.status.success(), prefix, lines.next()) {
        (true, Some(prefix), Some(commit)) => Ok((prefix, commit.to_string())),
        // The prefix was found, so the repository is there: the revision is not.
        (false, Some(_), _) => Err(RevisionError::UnknownRevision(rev.to_string())),
        _ => Err(failure(&out.stderr)),
    }
}

/// Each listed file the site reads, its path relative to the site and its
/// object: `site.yaml`, `futures/**/*.{yaml,yml}` and `bets/**/*.md`, as
/// regular files (links and submodules are not read), no hidden name in
/// the path (as the walk of a folder skips them).
fn site_files(listing: &[u8], prefix: &str) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = listing
        .split(|&b| b == 0)
        .filter_map(|entry| {
            let entry = std::str::from_utf8(entry).ok()?;
            let (meta, path) = entry.split_once('\t')?;
            let mut meta = meta.split(' ');
            let (mode, kind, oid) = (meta.next()?, meta.next()?, meta.next()?);
            let regular = kind == "blob" && (mode == "100644" || mode == "100755");
            let rel = Path::new(path.strip_prefix(prefix)?);
            (regular && is_read(rel)).then(|| (rel.to_path_buf(), oid.to_string()))
        })
        .collect();
    files.sort();
    files
}

/// Whether a build reads the file at `rel`.
fn is_read(rel: &Path) -> bool {
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let ext = rel.extension().and_then(|e| e.to_str()).unwrap_or("");
    !hidden
        && (rel == Path::new(config::FILE)
            || (rel.starts_with("futures") && FUTURE_EXTENSIONS.contains(&ext))
            || (rel.starts_with("bets") && ext == "md"))
}

/// The texts of `objects`, in order, from one `git cat-file --batch`.
fn cat_files<'a>(
    root: &Path,
    objects: impl Iterator<Item = &'a str>,
) -> Result<Vec<io::Result<String>>, RevisionError> {
    let request: String = objects.map(|oid| format!("{oid}\n")).collect();
    let mut child = command(root, &["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| RevisionError::NoGit)?;
    // Written from a thread: git answers as it reads, and would block on a
    // full pipe that nobody reads yet.
    let mut stdin = child.stdin.take();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(request.as_bytes());
        }
    });
    let mut texts = Vec::new();
    if let Some(out) = child.stdout.take() {
        let mut reader = BufReader::with_capacity(1 << 16, out);
        while let Some(text) = next_object(&mut reader) {
            texts.push(text);
        }
    }
    let _ = writer.join();
    let out = child
        .wait_with_output()
        .map_err(|e| RevisionError::Failed(format!("git did not finish: {e}")))?;
    if !out.status.success() {
        return Err(failure(&out.stderr));
    }
    Ok(texts)
}

/// One object of `cat-file --batch`'s answer (`<oid> blob <size>`, the
/// bytes, a newline), or `None` at the end.
fn next_object(reader: &mut impl BufRead) -> Option<io::Result<String>> {
    let mut header = String::new();
    reader.read_line(&mut header).ok().filter(|&n| n > 0)?;
    let size: usize = header.split(' ').nth(2)?.trim().parse().ok()?;
    let mut bytes = vec![0; size + 1];
    reader.read_exact(&mut bytes).ok()?;
    bytes.pop();
    Some(String::from_utf8(bytes).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        )
    }))
}

/// Git in `root`, with its messages in English (they are matched).
fn command(root: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("git");
    c.current_dir(root)
        .env("LC_ALL", "C")
        .env("LANGUAGE", "C")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .args(args);
    c
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output, RevisionError> {
    command(root, args)
        .stdin(Stdio::null())
        .output()
        .map_err(|_| RevisionError::NoGit)
}

/// Git's standard output, or its failure in our words.
fn run(root: &Path, args: &[&str]) -> Result<Vec<u8>, RevisionError> {
    let out = git(root, args)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(failure(&out.stderr))
    }
}

/// What a failed git command means, from its message.
fn failure(stderr: &[u8]) -> RevisionError {
    let message = String::from_utf8_lossy(stderr);
    if message.contains("not a git repository") {
        return RevisionError::NotARepository;
    }
    let first = message
        .lines()
        .map(|l| l.trim_start_matches("fatal: ").trim())
        .find(|l| !l.is_empty())
        .unwrap_or("no message");
    RevisionError::Failed(first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_files_a_build_reads_are_listed_relative_to_the_site() {
        let listing = [
            "100644 blob aaa\tsite/site.yaml",
            "100644 blob bbb\tsite/futures/era/agi.yaml",
            "100644 blob ccc\tsite/futures/notes.txt",
            "120000 blob ddd\tsite/futures/link.yaml",
            "100644 blob eee\tsite/futures/.draft.yaml",
            "100755 blob fff\tsite/bets/foundry.md",
            "160000 commit ggg\tsite/bets/vendored",
            "100644 blob hhh\tsite/bets/.hidden/x.md",
        ]
        .join("\0");
        let files = site_files(listing.as_bytes(), "site/");
        let got: Vec<(&str, &str)> = files
            .iter()
            .map(|(p, o)| (p.to_str().unwrap(), o.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("bets/foundry.md", "fff"),
                ("futures/era/agi.yaml", "bbb"),
                ("site.yaml", "aaa"),
            ]
        );
    }

    #[test]
    fn objects_are_read_by_their_size_whatever_they_hold() {
        let answer = b"aaa blob 5\na\nb\nc\nbbb blob 2\n\xff\xfe\n";
        let mut reader = &answer[..];
        let first = next_object(&mut reader).unwrap().unwrap();
        assert_eq!(first, "a\nb\nc");
        let second = next_object(&mut reader).unwrap();
        assert_eq!(second.unwrap_err().kind(), io::ErrorKind::InvalidData);
        assert!(next_object(&mut reader).is_none());
    }
}
