//! `forkcast init` and `forkcast new`: files written from templates, never
//! over an existing one.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::futures::kebab;

#[derive(Debug)]
pub enum ScaffoldError {
    /// The file is there already; nothing was written.
    Exists(PathBuf),
    /// The name has no letters or digits to make a file name of.
    BadName(String),
    Io(PathBuf, io::Error),
}

impl fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScaffoldError::Exists(p) => {
                write!(f, "{} exists already; nothing was written", p.display())
            }
            ScaffoldError::BadName(n) => {
                write!(f, "`{n}` has no letters or digits to name a file after")
            }
            ScaffoldError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for ScaffoldError {}

/// What `forkcast new` creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKind {
    Post,
    Future,
    Bet,
}

fn write_new(path: &Path, text: &str) -> Result<(), ScaffoldError> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| ScaffoldError::Io(dir.to_path_buf(), e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                ScaffoldError::Exists(path.to_path_buf())
            } else {
                ScaffoldError::Io(path.to_path_buf(), e)
            }
        })?;
    io::Write::write_all(&mut file, text.as_bytes())
        .map_err(|e| ScaffoldError::Io(path.to_path_buf(), e))
}

fn today() -> String {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
        .to_string()
}

/// Creates a post, future or bet named after `name` in the site at `root`.
/// Returns the path written.
pub fn new(root: &Path, kind: NewKind, name: &str) -> Result<PathBuf, ScaffoldError> {
    let slug = kebab(name);
    if slug.is_empty() {
        return Err(ScaffoldError::BadName(name.to_string()));
    }
    let title = name.trim().replace('"', "'");
    let (path, text) = match kind {
        NewKind::Post => (
            root.join("content/posts").join(format!("{slug}.md")),
            format!(
                "---\ntitle: \"{title}\"\ndate: {}\ntags: []\n# futures: [future-id]   # futures this post discusses\n---\n\nWrite here.\n",
                today()
            ),
        ),
        NewKind::Future => (
            root.join("futures").join(format!("{slug}.yaml")),
            format!(
                "title: \"{title}\"\n# within: era-id            # the group (e.g. an era) it belongs to\nsummary: |\n  What happens, and why it matters.\n# when: 2027..2030\n# probability: 0.3         # your estimate, strictly between 0 and 1\n# markets:                  # live prices override the estimate\n#   - manifold:market-slug\n# leads_to:                 # P(target | this future); they sum to at most 1\n#   - future: other-future\n#     probability: 0.5\n# sources: [https://example.org/report]\ntags: []\n"
            ),
        ),
        NewKind::Bet => (
            root.join("bets").join(format!("{slug}.md")),
            format!(
                "---\ntitle: \"{title}\"\nkind: personal             # financial | career | personal\nstatus: idea               # idea | planned | placed | closed\ninstruments: []\nwins_if: [future-id]       # pays off if any of these happens\nloses_if: []\n# horizon: \"2027-12\"\n# summary: \"One sentence for listings and search.\"\n---\n\nThe argument, in plain words.\n"
            ),
        ),
    };
    write_new(&path, &text)?;
    Ok(path)
}

/// Scaffolds a site in `dir`: configuration, the default theme, one post,
/// two futures and one bet. Refuses to touch a folder that has a site.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, ScaffoldError> {
    let config = dir.join(crate::config::FILE);
    if config.exists() {
        return Err(ScaffoldError::Exists(config));
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "My futures".into());
    let mut files: Vec<(PathBuf, String)> = vec![
        (
            config,
            format!("title: \"{}\"\nbase_url: https://example.org/\ndescription: Possible futures, and the bets placed on them.\nauthor: \"\"\ntheme: default\nposts_per_page: 10\n# repository: https://github.com/owner/repo\nmarkets:\n  refresh_after: 6h\n  timeout: 10s\n  concurrency: 16\n", name.replace('"', "'")),
        ),
        (dir.join(".gitignore"), "/public/\n".into()),
        (dir.join("content/_index.md"), "---\ntitle: Home\n---\nWhat this site is about, in a paragraph or two.\n".into()),
        (dir.join("content/about.md"), "---\ntitle: About\n---\nWho writes this site, and how to contribute a future.\n".into()),
        (
            dir.join("content/posts/hello.md"),
            format!("---\ntitle: Hello, futures\ndate: {}\ntags: [meta]\nfutures: [models-keep-improving]\n---\n\nThe first post. See [the future map](/futures/) and [the bets](/bets/).\n", today()),
        ),
        (
            dir.join("futures/models-keep-improving.yaml"),
            "title: Models keep improving\nsummary: |\n  Each year's frontier models do clearly more than the last.\nwhen: 2026..2028\nprobability: 0.7\nleads_to:\n  - future: ai-does-most-office-work\n    probability: 0.5\ntags: [ai]\n".into(),
        ),
        (
            dir.join("futures/ai-does-most-office-work.yaml"),
            "title: AI does most office work\nsummary: |\n  Most tasks done at a desk today are done by AI systems.\nwhen: 2028..2032\nprobability: 0.3\ntags: [ai, work]\n".into(),
        ),
        (
            dir.join("bets/learn-to-work-with-agents.md"),
            "---\ntitle: Learn to work with AI agents\nkind: career\nstatus: placed\ninstruments: [an hour a day]\nwins_if: [ai-does-most-office-work]\nloses_if: []\n---\n\nIf most office work moves to AI, the people who direct it well keep their footing.\n".into(),
        ),
    ];
    for (path, text) in crate::theme::DEFAULT {
        files.push((dir.join("themes/default").join(path), (*text).to_string()));
    }
    let mut written = Vec::with_capacity(files.len());
    for (path, text) in files {
        write_new(&path, &text)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_a_site_that_builds_and_new_adds_to_it() {
        let dir = std::env::temp_dir().join(format!("forkcast-init-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        init(&dir).unwrap();
        assert!(matches!(init(&dir), Err(ScaffoldError::Exists(_))));
        let post = new(&dir, NewKind::Post, "Why chips matter").unwrap();
        assert!(post.ends_with("content/posts/why-chips-matter.md"));
        assert!(matches!(
            new(&dir, NewKind::Post, "why chips matter"),
            Err(ScaffoldError::Exists(_))
        ));
        new(&dir, NewKind::Future, "Scaling stalls").unwrap();
        let built = crate::build(&dir, None, &crate::BuildOptions::default()).unwrap();
        assert!(
            built
                .output
                .join("futures/scaling-stalls/index.html")
                .is_file()
        );
        assert!(
            built
                .output
                .join("posts/why-chips-matter/index.html")
                .is_file()
        );
        // A fresh bet names a placeholder future: check points at it.
        new(&dir, NewKind::Bet, "Buy land").unwrap();
        let Err(crate::Error::Content(errs)) =
            crate::check(&dir, &crate::BuildOptions::default(), false)
        else {
            panic!("the placeholder future should be reported");
        };
        assert_eq!(
            errs[0].to_string(),
            "bets/buy-land.md:6:11: unknown future `future-id` in `wins_if`"
        );
        fs::remove_dir_all(&dir).unwrap();
    }
}
