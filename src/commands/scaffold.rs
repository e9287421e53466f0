//! `forkcast init` and `forkcast new`: files written from templates, never
//! over an existing one. The GitHub workflows `init` writes are kept beside
//! this file, in scaffold/, with the release that writes them filled in.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::source::futures::kebab;

#[derive(Debug)]
pub enum ScaffoldError {
    /// The file is there already; nothing was written.
    Exists(PathBuf),
    /// `init` found a site.yaml in the folder; nothing was written.
    SiteExists(PathBuf),
    /// `new` was given a folder without a site.yaml; nothing was written.
    NoSite(PathBuf),
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
            ScaffoldError::SiteExists(dir) => write!(
                f,
                "{} holds a site already ({}); nothing was written\n  = help: build it with `forkcast build`, or pass `forkcast init` another folder",
                shown_dir(dir),
                crate::source::config::FILE
            ),
            ScaffoldError::NoSite(dir) => write!(
                f,
                "{} is not a site's folder (it has no {}); nothing was written\n  = help: run `forkcast new` inside a site, pass `--root DIR`, or create a site with `forkcast init`",
                shown_dir(dir),
                crate::source::config::FILE
            ),
            ScaffoldError::BadName(n) => {
                write!(f, "`{n}` has no letters or digits to name a file after")
            }
            ScaffoldError::Io(p, e) => write!(f, "cannot write {}: {e}", p.display()),
        }
    }
}

impl ScaffoldError {
    /// Whether the command was asked for something it may not do (exit
    /// status 2), rather than failing at it.
    pub fn is_usage(&self) -> bool {
        !matches!(self, ScaffoldError::Io(..))
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScaffoldError::Io(_, e) => Some(e),
            _ => None,
        }
    }
}

/// What `forkcast new` creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewKind {
    Post,
    /// A page without a date, in content/ (e.g. /about/).
    Page,
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

/// Creates a post, page, future or bet named after `name` in the site at `root`.
/// Returns the path written.
pub fn new(root: &Path, kind: NewKind, name: &str) -> Result<PathBuf, ScaffoldError> {
    if !root.join(crate::source::config::FILE).is_file() {
        return Err(ScaffoldError::NoSite(root.to_path_buf()));
    }
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
        NewKind::Page => (
            root.join("content").join(format!("{slug}.md")),
            format!("---\ntitle: \"{title}\"\n---\n\nWrite here. Its address is /{slug}/.\n"),
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

/// What `init` did; its `Display` is the message `forkcast init` prints.
#[derive(Debug)]
pub struct Scaffolded {
    pub dir: PathBuf,
    /// The files written, relative to `dir`.
    pub created: Vec<PathBuf>,
    /// Files of the scaffold that were there already, left as they were.
    pub kept: Vec<PathBuf>,
    /// Whether the GitHub workflows were asked for (not `--no-workflows`).
    pub workflows: bool,
}

/// The GitHub workflows `init` writes, by path: check.yml checks every pull
/// request, nightly.yml refreshes the prices and publishes on GitHub Pages.
const WORKFLOWS: [(&str, &str); 2] = [
    (
        ".github/workflows/check.yml",
        include_str!("scaffold/check.yml"),
    ),
    (
        ".github/workflows/nightly.yml",
        include_str!("scaffold/nightly.yml"),
    ),
];

/// Scaffolds a site in `dir`: configuration, a home and an about page, one
/// post, two futures, one bet, a `.gitignore` and, with `workflows`, the
/// GitHub workflows that check and publish it. The built-in theme is not
/// copied: the site uses it until a template of the same name in
/// `templates/` replaces one. Refuses a folder that holds a site; in any
/// other folder, files that exist already are kept.
pub fn init(dir: &Path, workflows: bool) -> Result<Scaffolded, ScaffoldError> {
    if dir.join(crate::source::config::FILE).exists() {
        return Err(ScaffoldError::SiteExists(dir.to_path_buf()));
    }
    let mut done = Scaffolded {
        dir: dir.to_path_buf(),
        created: Vec::new(),
        kept: Vec::new(),
        workflows,
    };
    let mut files = starter_files(dir);
    if workflows {
        files.extend(
            WORKFLOWS
                .iter()
                .map(|(path, template)| (PathBuf::from(path), workflow(template))),
        );
    }
    for (path, text) in files {
        match write_new(&dir.join(&path), &text) {
            Ok(()) => done.created.push(path),
            Err(ScaffoldError::Exists(_)) => done.kept.push(path),
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// The files of a new site, by path inside it.
fn starter_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "My futures".into());
    [
        (
            crate::source::config::FILE,
            format!("title: \"{}\"\nbase_url: https://example.org/  # on GitHub Pages: https://<owner>.github.io/<repo>/\ndescription: Possible futures, and the bets placed on them.\nauthor: \"\"\ntheme: default              # built in; a file in templates/ replaces its template of the same name\nposts_per_page: 10\n# repository: https://github.com/owner/repo\n# community: true           # votes and comment counts from the repository's GitHub issues\nmarkets:\n  refresh_after: 6h\n  timeout: 10s\n  concurrency: 16\n", name.replace('"', "'")),
        ),
        (".gitignore", gitignore()),
        ("content/_index.md", "---\ntitle: Home\n---\nWhat this site is about, in a paragraph or two.\n".into()),
        ("content/about.md", "---\ntitle: About\n---\nWho writes this site, and how to contribute a future.\n".into()),
        (
            "content/posts/hello.md",
            format!("---\ntitle: Hello, futures\ndate: {}\ntags: [meta]\nfutures: [models-keep-improving]\n---\n\nThe first post. See [the future map](/futures/) and [the bets](/bets/).\n", today()),
        ),
        (
            "futures/models-keep-improving.yaml",
            "title: Models keep improving\nsummary: |\n  Each year's frontier models do clearly more than the last.\nwhen: 2026..2028\nprobability: 0.7\nleads_to:\n  - future: ai-does-most-office-work\n    probability: 0.5\ntags: [ai]\n".into(),
        ),
        (
            "futures/ai-does-most-office-work.yaml",
            "title: AI does most office work\nsummary: |\n  Most tasks done at a desk today are done by AI systems.\nwhen: 2028..2032\nprobability: 0.3\ntags: [ai, work]\n".into(),
        ),
        (
            "bets/learn-to-work-with-agents.md",
            "---\ntitle: Learn to work with AI agents\nkind: career\nstatus: placed\ninstruments: [an hour a day]\nwins_if: [ai-does-most-office-work]\nloses_if: []\n---\n\nIf most office work moves to AI, the people who direct it well keep their footing.\n".into(),
        ),
    ]
    .into_iter()
    .map(|(path, text)| (PathBuf::from(path), text))
    .collect()
}

/// A workflow's text, installing the release of forkcast that runs now:
/// `__REPOSITORY__@v__VERSION__` becomes e.g. `forkcast/forkcast@v0.1.0`.
fn workflow(template: &str) -> String {
    template
        .replace("__REPOSITORY__", action_repository())
        .replace("__VERSION__", env!("CARGO_PKG_VERSION"))
}

/// `owner/repo` of forkcast's GitHub Action (action.yml at the root of its
/// repository): the repository's address without GitHub's.
fn action_repository() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY");
    url.strip_prefix("https://github.com/")
        .unwrap_or(url)
        .trim_end_matches('/')
}

/// What git is not to keep: the built site, the build's work files beside
/// it (see `output::Publisher::begin`) and the cache. `serve` writes outside
/// the site, to the temporary folder.
fn gitignore() -> String {
    use crate::output::{DEFAULT_OUTPUT, lock_name, staging_prefix};
    format!(
        "# Written by `forkcast build`: the site, and its work files while it builds.\n/{DEFAULT_OUTPUT}/\n/{}*/\n/{}\n# Kept between builds to make them faster; safe to delete.\n/{}/\n",
        staging_prefix(DEFAULT_OUTPUT),
        lock_name(DEFAULT_OUTPUT),
        crate::source::config::CACHE_DIR
    )
}

impl fmt::Display for Scaffolded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let paths = |paths: &[PathBuf]| wrapped(paths.iter().map(|p| p.display().to_string()));
        writeln!(
            f,
            "Created a site in {}:\n{}",
            shown_dir(&self.dir),
            paths(&self.created)
        )?;
        if !self.kept.is_empty() {
            writeln!(f, "Kept, as they were:\n{}", paths(&self.kept))?;
        }
        let templates = crate::source::theme::DEFAULT
            .iter()
            .filter_map(|(path, _)| path.strip_prefix("templates/"))
            .map(str::to_string);
        writeln!(
            f,
            "\nIt uses the built-in theme. To change a template, put a file of the same name in\ntemplates/ (e.g. templates/post.html): it replaces the built-in one.\n`forkcast theme eject [TEMPLATE]` copies them there to start from; extra styles\ngo in static/extra.css. The templates:\n{}",
            wrapped(templates)
        )?;
        if self.workflows {
            writeln!(
                f,
                "\nTo publish on GitHub Pages, push the site to a GitHub repository, turn Pages on\n(Settings → Pages → Source: GitHub Actions) and set base_url in site.yaml to\nhttps://<owner>.github.io/<repo>/. Then .github/workflows/nightly.yml publishes\nevery push to main and refreshes the prices each night; check.yml checks every\npull request."
            )?;
        }
        writeln!(f, "\nNext:")?;
        if self.dir != Path::new(".") {
            writeln!(f, "  cd {}", self.dir.display())?;
        }
        write!(
            f,
            "  forkcast serve                 see it on http://127.0.0.1:1111/, rebuilt as you save\n  forkcast new future \"A title\"  add a future (or a post, page, bet)\n  forkcast build                 write the site into public/"
        )
    }
}

/// `items` joined by commas, in lines of at most 80 columns indented by two.
fn wrapped(items: impl Iterator<Item = String>) -> String {
    let mut lines: Vec<String> = Vec::new();
    for item in items {
        match lines.last_mut() {
            Some(line) if line.len() + 2 + item.len() < 80 => {
                line.push_str(", ");
                line.push_str(&item);
            }
            _ => lines.push(format!("  {item}")),
        }
    }
    lines.join(",\n")
}

/// `the current folder` for `.`, else the path.
fn shown_dir(dir: &Path) -> String {
    if dir == Path::new(".") {
        "the current folder".into()
    } else {
        dir.display().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_makes_a_site_that_builds_and_new_adds_to_it() {
        let dir = std::env::temp_dir().join(format!("forkcast-init-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        let made = init(&dir, true).unwrap();
        assert!(made.kept.is_empty());
        assert!(
            !dir.join("themes").exists(),
            "the built-in theme is not copied"
        );
        assert!(matches!(
            init(&dir, true),
            Err(ScaffoldError::SiteExists(_))
        ));
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

    #[test]
    fn new_needs_a_site_and_init_keeps_what_is_there() {
        let dir = std::env::temp_dir().join(format!("forkcast-keep-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("content")).unwrap();
        assert!(matches!(
            new(&dir, NewKind::Post, "Stray"),
            Err(ScaffoldError::NoSite(_))
        ));
        assert!(!dir.join("content/posts").exists());
        fs::write(dir.join("content/about.md"), "mine").unwrap();
        let made = init(&dir, false).unwrap();
        assert_eq!(made.kept, [PathBuf::from("content/about.md")]);
        assert_eq!(
            fs::read_to_string(dir.join("content/about.md")).unwrap(),
            "mine"
        );
        assert!(
            made.to_string()
                .contains("\nKept, as they were:\n  content/about.md\n")
        );
        assert!(!dir.join(".github").exists(), "no workflows were asked for");
        assert!(!made.to_string().contains("GitHub Pages"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_workflows_install_this_release_with_every_placeholder_filled() {
        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(action_repository(), "forkcast/forkcast");
        for (path, template) in WORKFLOWS {
            let text = workflow(template);
            assert!(!text.contains("__"), "{path}: a placeholder is left");
            assert!(
                text.contains(&format!(
                    "- uses: forkcast/forkcast@v{version}\n        with:\n          version: \"{version}\"\n"
                )),
                "{path}"
            );
        }
    }

    #[test]
    fn git_ignores_the_output_its_work_files_and_the_cache() {
        assert_eq!(
            gitignore()
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<Vec<_>>(),
            [
                "/public/",
                "/.public.building-*/",
                "/.public.lock",
                "/.forkcast-cache/"
            ]
        );
    }
}
