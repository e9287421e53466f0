//! `site.yaml`: the site's configuration.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, Fix, Pos};
use crate::source::yaml::{self, Examples, Spanned, pos_of};

pub const FILE: &str = "site.yaml";

/// The site's cache folder, beside site.yaml: what a build can make again
/// but would rather not (drawn social cards, `history/`: the estimates'
/// history read from git, `highlight/`: highlighted code, `output/`: the
/// last output's fingerprints), keyed by what each depends on. Never committed: `init` and the example
/// site list it in `.gitignore`; deleting it only makes the next build slower.
pub(crate) const CACHE_DIR: &str = ".forkcast-cache";

/// The site that `start` belongs to, found the way cargo finds a package:
/// `start` itself or the nearest folder above it that holds a `site.yaml`.
/// `start` is resolved first, so that `.` and `..` search the folders above
/// the real folder; `None` if it does not exist.
pub fn find_root(start: &Path) -> Option<PathBuf> {
    let start = start.canonicalize().ok()?;
    start
        .ancestors()
        .find(|dir| dir.join(FILE).is_file())
        .map(Path::to_path_buf)
}

/// A `base_url` such as `https://example.org/manual/`: absolute, ending in
/// a slash, with its path kept apart because every link starts with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BaseUrl {
    url: String,
    path_start: usize,
}

impl BaseUrl {
    pub(crate) fn parse(s: &str) -> Result<BaseUrl, Fix> {
        let s = s.trim();
        let rest = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .ok_or_else(|| Fix::new(match s {
                "" => "write the site's address, e.g. `https://example.org/manual/`".to_string(),
                s if s.contains("://") => "the base URL starts with `https://` (or `http://`), e.g. `https://example.org/manual/`".to_string(),
                s => format!("start it with `https://`: `https://{}`", without_scheme(s)),
            }))?;
        let host_len = rest.find('/').unwrap_or(rest.len());
        if host_len == 0 {
            return Err(Fix::new(
                "the base URL needs a host, e.g. `https://example.org/`",
            ));
        }
        let bad = |c: char| {
            c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`' | '?' | '#')
        };
        if s.contains(bad) {
            return Err(Fix::new(
                "the base URL may not hold spaces, quotes, `<`, `>`, `?` or `#`",
            ));
        }
        let mut url = s.to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        Ok(BaseUrl {
            path_start: s.len() - rest.len() + host_len,
            url,
        })
    }

    /// `https://example.org/manual/`
    pub(crate) fn as_str(&self) -> &str {
        &self.url
    }

    /// `/manual/`
    pub(crate) fn path(&self) -> &str {
        &self.url[self.path_start..]
    }
}

/// `s` without a misspelt scheme (`https//`, `http:/`) or leading slashes.
fn without_scheme(s: &str) -> &str {
    let rest = s
        .strip_prefix("https")
        .or_else(|| s.strip_prefix("http"))
        .filter(|r| r.starts_with([':', '/']))
        .unwrap_or(s);
    rest.trim_start_matches([':', '/'])
}

#[derive(Clone, Debug)]
pub(crate) struct MarketsConfig {
    pub refresh_after: Duration,
    pub timeout: Duration,
    pub concurrency: usize,
    /// Markdown crediting where the market data comes from (a dataset's
    /// authors and licence), shown beside every market table.
    pub credit: Option<Credit>,
}

/// `markets.credit`: its Markdown and where it starts in site.yaml.
#[derive(Clone, Debug)]
pub(crate) struct Credit {
    pub markdown: String,
    pub pos: Pos,
}

impl Default for MarketsConfig {
    fn default() -> Self {
        MarketsConfig {
            refresh_after: Duration::from_secs(6 * 3600),
            timeout: Duration::from_secs(10),
            concurrency: 16,
            credit: None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub title: String,
    pub base_url: BaseUrl,
    pub description: String,
    pub author: Option<String>,
    pub theme: String,
    pub posts_per_page: usize,
    pub repository: Option<String>,
    /// `community: true`: votes and discussion counts from the issues of
    /// this repository (`repository`, on GitHub).
    pub community: Option<GitHubRepo>,
    pub markets: MarketsConfig,
    pub changes: ChangesConfig,
    /// What bets' stakes are counted in (`$`, `€`, `USD`, `hours`); `None`:
    /// plain numbers.
    pub currency: Option<Currency>,
}

/// The unit of bets' stakes, as site.yaml names it: a symbol (`$`, `€`,
/// `CHF` is not one) goes before an amount, a word after it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Currency(String);

impl Currency {
    /// The longest unit name: a word, not a sentence.
    pub(crate) const MAX_CHARS: usize = 16;

    pub(crate) fn parse(text: &str) -> Result<Currency, Fix> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Fix::new(
                "write a unit such as `$`, `€` or `hours`, or remove `currency`",
            ));
        }
        if text.chars().count() > Currency::MAX_CHARS || text.chars().any(char::is_control) {
            return Err(Fix::new(format!(
                "write a short unit of at most {} characters on one line, such as `$`, `USD` or `hours`",
                Currency::MAX_CHARS
            )));
        }
        Ok(Currency(text.to_string()))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// A symbol (no letter or digit, at most 3 characters: `$`, `€`,
    /// `R$` is a word) is written before an amount, anything else after it.
    pub(crate) fn is_symbol(&self) -> bool {
        self.0.chars().count() <= 3 && !self.0.chars().any(char::is_alphanumeric)
    }
}

/// `changes:`: what `/changes/` and the feeds count as a move.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ChangesConfig {
    /// The smallest move, in percentage points, of a market (within 7
    /// days) or of a probability or payoff (over the window) that is listed.
    pub threshold: f64,
}

impl Default for ChangesConfig {
    fn default() -> Self {
        ChangesConfig { threshold: 5.0 }
    }
}

/// A repository on GitHub: where `community` reads its threads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct GitHubRepo {
    pub owner: String,
    pub name: String,
    /// Where `repository` is written in site.yaml, for what goes wrong
    /// reading it.
    pub pos: Pos,
}

impl GitHubRepo {
    /// `https://github.com/owner/repo` (a trailing `/` or `.git` allowed);
    /// the error is a hint on how to write it.
    pub(crate) fn parse(url: &str) -> Result<GitHubRepo, Fix> {
        let example = "write it as `https://github.com/owner/repo`";
        let path = url
            .trim()
            .strip_prefix("https://github.com/")
            .ok_or_else(|| Fix::new(example))?;
        let path = path.trim_end_matches('/');
        let path = path.strip_suffix(".git").unwrap_or(path);
        let (owner, name) = path
            .split_once('/')
            .ok_or_else(|| Fix::new(format!("name the repository too: {example}")))?;
        // Both become part of API paths: GitHub's own character rules.
        let owner_ok =
            !owner.is_empty() && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let name_ok = !name.is_empty()
            && !name.starts_with('.')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !owner_ok || !name_ok {
            return Err(Fix::new(format!(
                "the address holds more than an owner and a name: {example}"
            )));
        }
        Ok(GitHubRepo {
            owner: owner.to_string(),
            name: name.to_string(),
            pos: Pos::START,
        })
    }

    /// `https://github.com/owner/repo`
    pub(crate) fn url(&self) -> String {
        format!("https://github.com/{}/{}", self.owner, self.name)
    }
}

impl std::fmt::Display for GitHubRepo {
    /// `owner/repo`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: Spanned<String>,
    description: Option<String>,
    author: Option<String>,
    theme: Option<Spanned<String>>,
    posts_per_page: Option<Spanned<i64>>,
    repository: Option<Spanned<String>>,
    community: Option<Spanned<bool>>,
    markets: Option<RawMarkets>,
    changes: Option<RawChanges>,
    currency: Option<Spanned<String>>,
}

const EXAMPLES: Examples = &[
    ("title", "title: AGI Preparedness Manual"),
    ("base_url", "base_url: https://example.org/manual/"),
    (
        "description",
        "description: Futures of powerful AI, and bets placed on them.",
    ),
    ("author", "author: Ada Lovelace"),
    ("theme", "theme: default"),
    ("posts_per_page", "posts_per_page: 10"),
    ("currency", "currency: $"),
    ("repository", "repository: https://github.com/owner/repo"),
    ("community", "community: true"),
    (
        "markets",
        "markets:\n  refresh_after: 6h\n  timeout: 10s\n  concurrency: 16",
    ),
    ("refresh_after", "refresh_after: 6h"),
    ("timeout", "timeout: 10s"),
    ("concurrency", "concurrency: 16"),
    ("changes", "changes:\n  threshold: 5"),
    ("threshold", "threshold: 5"),
    (
        "credit",
        "credit: Market history from [ForecastBench](https://www.forecastbench.org/), CC BY-SA 4.0",
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMarkets {
    refresh_after: Option<Spanned<String>>,
    timeout: Option<Spanned<String>>,
    concurrency: Option<Spanned<i64>>,
    credit: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChanges {
    threshold: Option<Spanned<f64>>,
}

const MARKET_KEYS: &[&str] = &["refresh_after", "timeout", "concurrency", "credit"];

impl Config {
    /// Reads `site.yaml` from `root`, reporting every problem found.
    pub(crate) fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            vec![
                Diagnostic::error(FILE, Pos::START, format!("cannot read {FILE}: {e}"))
                    .with_help("save it as UTF-8 text"),
            ]
        })?;
        Config::read(&text, Some(root))
    }

    /// Reads `site.yaml`'s `text` without looking for the theme it names
    /// (`diff` reads it from a git revision).
    pub(crate) fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::read(text, None)
    }

    /// With `root`, the theme named is also looked for in its themes/.
    fn read(text: &str, root: Option<&Path>) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = yaml::decode(text, Path::new(FILE), 1, EXAMPLES)
            .map_err(|d| vec![nested_key_help(d)])?;
        let mut errors = Vec::new();
        let config = Config {
            base_url: base_url(&raw.base_url, &mut errors),
            posts_per_page: posts_per_page(raw.posts_per_page.as_ref(), &mut errors),
            theme: theme(raw.theme.as_ref(), root, &mut errors),
            repository: raw
                .repository
                .as_ref()
                .and_then(|r| repository(r, &mut errors)),
            community: raw
                .community
                .as_ref()
                .filter(|c| c.value)
                .and_then(|c| community(c, raw.repository.as_ref(), &mut errors)),
            markets: raw
                .markets
                .as_ref()
                .map_or_else(MarketsConfig::default, |m| markets(m, &mut errors)),
            changes: raw
                .changes
                .as_ref()
                .map_or_else(ChangesConfig::default, |c| changes(c, &mut errors)),
            currency: raw.currency.as_ref().and_then(|c| {
                Currency::parse(&c.value)
                    .map_err(|fix| errors.push(error_at(c, "invalid `currency`", fix)))
                    .ok()
            }),
            title: raw.title,
            description: raw.description.unwrap_or_default(),
            author: raw.author,
        };
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }
}

fn error_at<T>(
    value: &Spanned<T>,
    message: impl Into<String>,
    help: impl Into<String>,
) -> Diagnostic {
    Diagnostic::error(FILE, pos_of(value, 1), message).with_help(help)
}

/// A bad `base_url` is reported; example.org stands in so the other keys
/// are still checked.
fn base_url(value: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> BaseUrl {
    BaseUrl::parse(&value.value).unwrap_or_else(|hint| {
        errors.push(error_at(
            value,
            format!("invalid `base_url`: `{}`", value.value),
            hint,
        ));
        BaseUrl::parse("https://example.org/").unwrap_or_else(|_| unreachable!("a valid literal"))
    })
}

fn posts_per_page(value: Option<&Spanned<i64>>, errors: &mut Vec<Diagnostic>) -> usize {
    match value {
        Some(n) if n.value < 1 => {
            errors.push(error_at(
                n,
                "`posts_per_page` must be at least 1",
                "e.g. `posts_per_page: 10`",
            ));
            10
        }
        Some(n) => n.value as usize,
        None => 10,
    }
}

fn theme(
    value: Option<&Spanned<String>>,
    root: Option<&Path>,
    errors: &mut Vec<Diagnostic>,
) -> String {
    let Some(t) = value else {
        return "default".to_string();
    };
    let name = t.value.as_str();
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        errors.push(error_at(
            t,
            format!("invalid `theme`: `{name}`"),
            "name a folder of themes/, e.g. `theme: default`",
        ));
    } else if let Some(root) = root
        && name != "default"
        && !root.join("themes").join(name).is_dir()
    {
        errors.push(error_at(
            t,
            format!("theme `{name}` not found in themes/"),
            format!("create themes/{name}/templates/, or set `theme: default`"),
        ));
    }
    name.to_string()
}

fn repository(value: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let r = value.value.trim();
    if r.starts_with("https://") {
        return Some(r.trim_end_matches('/').to_string());
    }
    let help = if r.contains("://") {
        "give the repository's https address, e.g. `https://github.com/owner/repo`".to_string()
    } else {
        format!("start it with `https://`: `https://{}`", without_scheme(r))
    };
    errors.push(error_at(
        value,
        format!("invalid `repository`: `{}`", value.value),
        help,
    ));
    None
}

/// The GitHub repository `community: true` reads; reported where it is
/// missing or not on GitHub (an invalid address is reported by itself).
fn community(
    on: &Spanned<bool>,
    repository: Option<&Spanned<String>>,
    errors: &mut Vec<Diagnostic>,
) -> Option<GitHubRepo> {
    let Some(r) = repository else {
        errors.push(error_at(
            on,
            "`community: true` needs the site's `repository` on GitHub",
            "add `repository: https://github.com/owner/repo` (the repository whose issues hold the votes and discussions), or remove `community: true`",
        ));
        return None;
    };
    let url = r.value.trim();
    if !url.starts_with("https://") {
        return None;
    }
    if !url.starts_with("https://github.com/") {
        errors.push(error_at(
            r,
            format!("`community` reads GitHub issues, but `repository` is not on GitHub: `{url}`"),
            "votes and discussions come from a GitHub repository's issues: give its address, e.g. `https://github.com/owner/repo`, or remove `community: true`",
        ));
        return None;
    }
    GitHubRepo::parse(url)
        .map(|repo| GitHubRepo {
            pos: pos_of(r, 1),
            ..repo
        })
        .map_err(|hint| {
            errors.push(error_at(
                r,
                format!("`repository` is not a GitHub repository's address: `{url}`"),
                hint,
            ))
        })
        .ok()
}

fn markets(raw: &RawMarkets, errors: &mut Vec<Diagnostic>) -> MarketsConfig {
    let defaults = MarketsConfig::default();
    let mut duration = |v: &Option<Spanned<String>>, name: &str, default: Duration| {
        let Some(v) = v else { return default };
        parse_duration(&v.value).unwrap_or_else(|| {
            errors.push(error_at(
                v,
                format!("invalid `markets.{name}`: `{}`", v.value),
                "write a number and a unit: `30s`, `10m`, `6h` or `1d`",
            ));
            default
        })
    };
    let refresh_after = duration(&raw.refresh_after, "refresh_after", defaults.refresh_after);
    let timeout = duration(&raw.timeout, "timeout", defaults.timeout);
    let concurrency = match &raw.concurrency {
        Some(c) if (1..=256).contains(&c.value) => c.value as usize,
        Some(c) => {
            errors.push(error_at(
                c,
                "`markets.concurrency` must be between 1 and 256",
                "e.g. `concurrency: 16`",
            ));
            defaults.concurrency
        }
        None => defaults.concurrency,
    };
    MarketsConfig {
        refresh_after,
        timeout,
        concurrency,
        credit: raw.credit.as_ref().and_then(|c| credit(c, errors)),
    }
}

fn changes(raw: &RawChanges, errors: &mut Vec<Diagnostic>) -> ChangesConfig {
    let defaults = ChangesConfig::default();
    match &raw.threshold {
        // A move of 0 points is no move, and 100 points is the whole scale.
        Some(t) if t.value > 0.0 && t.value < 100.0 => ChangesConfig { threshold: t.value },
        Some(t) => {
            errors.push(error_at(
                t,
                format!(
                    "`changes.threshold` is {}: it is in percentage points, more than 0 and less than 100",
                    t.value
                ),
                "e.g. `threshold: 5` lists moves of 5 points or more",
            ));
            defaults
        }
        None => defaults,
    }
}

fn credit(raw: &Spanned<String>, errors: &mut Vec<Diagnostic>) -> Option<Credit> {
    let markdown = raw.value.trim();
    if markdown.is_empty() {
        errors.push(error_at(
            raw,
            "`markets.credit` is empty",
            "name the data's source and licence, e.g. `credit: Market history from [ForecastBench](https://www.forecastbench.org/), CC BY-SA 4.0`, or remove the key",
        ));
        return None;
    }
    Some(Credit {
        markdown: markdown.to_string(),
        pos: pos_of(raw, 1),
    })
}

/// A key of `markets:` written at the top level is unknown there; say
/// where it belongs rather than that it does not exist.
fn nested_key_help(mut d: Diagnostic) -> Diagnostic {
    let key = d
        .message
        .strip_prefix("unknown key `")
        .and_then(|k| k.strip_suffix('`'));
    if let Some(key) = key
        && d.pos.col == 1
        && MARKET_KEYS.contains(&key)
    {
        d.help = Some(format!(
            "`{key}` belongs under `markets:`; indent it below a `markets:` line"
        ));
    }
    d
}

/// `30s`, `10m`, `6h`, `1d`.
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let unit = s.chars().last()?;
    let n: u64 = s[..s.len() - unit.len_utf8()].trim().parse().ok()?;
    let secs = match unit {
        's' => n,
        'm' => n * 60,
        'h' => n * 3600,
        'd' => n * 86400,
        _ => return None,
    };
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changes_threshold_is_in_points_between_0_and_100() {
        let base = "title: T\nbase_url: https://e.org/\n";
        let c = Config::parse(base).unwrap();
        assert_eq!(c.changes.threshold, 5.0);
        let c = Config::parse(&format!("{base}changes:\n  threshold: 2.5\n")).unwrap();
        assert_eq!(c.changes.threshold, 2.5);
        for bad in ["0", "-3", "100", "250"] {
            let errs = Config::parse(&format!("{base}changes:\n  threshold: {bad}\n")).unwrap_err();
            assert!(
                errs[0].to_string().starts_with(&format!(
                    "site.yaml:4:14: `changes.threshold` is {bad}: it is in percentage points"
                )),
                "{}",
                errs[0]
            );
            assert!(errs[0].help.as_deref().unwrap().contains("threshold: 5"));
        }
        let errs = Config::parse(&format!("{base}changes:\n  threshold: five\n")).unwrap_err();
        assert!(
            errs[0].to_string().starts_with("site.yaml:4:"),
            "{}",
            errs[0]
        );
        assert!(errs[0].help.is_some(), "{}", errs[0]);
        let errs = Config::parse(&format!("{base}changes:\n  treshold: 5\n")).unwrap_err();
        assert_eq!(errs[0].to_string(), "site.yaml:4:3: unknown key `treshold`");
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `threshold`?"),
            "{:?}",
            errs[0].help
        );
    }

    #[test]
    fn the_root_is_the_nearest_folder_with_a_site_yaml() {
        let dir = std::env::temp_dir().join(format!("forkcast-find-root-{}", std::process::id()));
        let deep = dir.join("site/content/posts");
        std::fs::create_dir_all(&deep).unwrap();
        let dir = dir.canonicalize().unwrap();
        let found = find_root(&deep);
        assert!(found.is_none_or(|r| !r.starts_with(&dir)), "no site yet");
        std::fs::write(dir.join("site").join(FILE), "title: T\n").unwrap();
        assert_eq!(find_root(&deep), Some(dir.join("site")));
        assert_eq!(find_root(&deep.join("../..")), Some(dir.join("site")));
        assert_eq!(find_root(&dir.join("missing")), None);
        // A folder named site.yaml is not a site.
        std::fs::create_dir_all(deep.join(FILE)).unwrap();
        assert_eq!(find_root(&deep), Some(dir.join("site")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn base_url_keeps_its_path_prefix() {
        let b = BaseUrl::parse("https://example.org/manual").unwrap();
        assert_eq!(
            (b.as_str(), b.path()),
            ("https://example.org/manual/", "/manual/")
        );
        assert_eq!(BaseUrl::parse("http://127.0.0.1:1111").unwrap().path(), "/");
        assert_eq!(
            BaseUrl::parse("example.org/m/").unwrap_err().as_str(),
            "start it with `https://`: `https://example.org/m/`"
        );
        assert_eq!(
            BaseUrl::parse("https//example.org").unwrap_err().as_str(),
            "start it with `https://`: `https://example.org`"
        );
        assert!(BaseUrl::parse("https://x.org/\"><script>").is_err());
    }

    #[test]
    fn a_full_config_parses() {
        let c = Config::parse("title: T\nbase_url: https://e.org/m/\nposts_per_page: 5\nmarkets:\n  refresh_after: 6h\n  timeout: 10s\n  concurrency: 4\n  credit: Data from [X](https://x.org/), CC BY 4.0\n").unwrap();
        assert_eq!(c.posts_per_page, 5);
        assert_eq!(
            c.markets
                .credit
                .as_ref()
                .map(|c| (c.markdown.as_str(), c.pos)),
            Some(("Data from [X](https://x.org/), CC BY 4.0", Pos::new(8, 11)))
        );
        assert_eq!(c.markets.refresh_after, Duration::from_secs(21600));
        assert_eq!(c.theme, "default");
    }

    #[test]
    fn community_needs_a_repository_on_github() {
        let c = Config::parse("title: T\nbase_url: https://e.org/\nrepository: https://github.com/o-1/r.x.git\ncommunity: true\n").unwrap();
        assert_eq!(
            c.community.map(|r| (r.to_string(), r.url())),
            Some(("o-1/r.x".into(), "https://github.com/o-1/r.x".into()))
        );
        let off = Config::parse("title: T\nbase_url: https://e.org/\ncommunity: false\n").unwrap();
        assert!(off.community.is_none());
        let errs = |yaml: &str| -> Vec<String> {
            Config::parse(yaml)
                .unwrap_err()
                .iter()
                .map(|d| format!("{d} | {}", d.help.clone().unwrap_or_default()))
                .collect()
        };
        assert_eq!(
            errs("title: T\nbase_url: https://e.org/\ncommunity: true\n"),
            [
                "site.yaml:3:12: `community: true` needs the site's `repository` on GitHub | add `repository: https://github.com/owner/repo` (the repository whose issues hold the votes and discussions), or remove `community: true`"
            ]
        );
        assert_eq!(
            errs(
                "title: T\nbase_url: https://e.org/\nrepository: https://gitlab.com/o/r\ncommunity: true\n"
            ),
            [
                "site.yaml:3:13: `community` reads GitHub issues, but `repository` is not on GitHub: `https://gitlab.com/o/r` | votes and discussions come from a GitHub repository's issues: give its address, e.g. `https://github.com/owner/repo`, or remove `community: true`"
            ]
        );
        assert_eq!(
            errs(
                "title: T\nbase_url: https://e.org/\nrepository: https://github.com/owner\ncommunity: true\n"
            ),
            [
                "site.yaml:3:13: `repository` is not a GitHub repository's address: `https://github.com/owner` | name the repository too: write it as `https://github.com/owner/repo`"
            ]
        );
        assert!(GitHubRepo::parse("https://github.com/o/r/issues").is_err());
        assert!(GitHubRepo::parse("https://github.com/o/../r").is_err());
    }

    #[test]
    fn mistakes_are_located_and_explained() {
        let errs =
            Config::parse("title: T\nbase_url: https://e.org/\ntheme: default\nposts_per_pge: 5\n")
                .unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "site.yaml:4:1: unknown key `posts_per_pge`"
        );
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `posts_per_page`?")
        );
        let errs =
            Config::parse("title: T\nbase_url: e.org\nmarkets:\n  timeout: soon\n").unwrap_err();
        let lines: Vec<String> = errs.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "site.yaml:2:11: invalid `base_url`: `e.org`",
                "site.yaml:4:12: invalid `markets.timeout`: `soon`"
            ]
        );
        let errs = Config::parse("title: T\nbase_url: https://e.org/\ntimeout: 10s\n").unwrap_err();
        assert_eq!(
            errs[0].help.as_deref(),
            Some("`timeout` belongs under `markets:`; indent it below a `markets:` line")
        );
        let errs = Config::parse("title: T\nbase_url: https://e.org/\nmarkets:\n  credit: \"\"\n")
            .unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "site.yaml:4:11: `markets.credit` is empty"
        );
        let errs =
            Config::parse("title: T\nbase_url: https://e.org/\nmarkets:\n  refresh_afer: 1h\n")
                .unwrap_err();
        assert_eq!(
            errs[0].to_string(),
            "site.yaml:4:3: unknown key `refresh_afer`"
        );
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .starts_with("did you mean `refresh_after`? Known keys under `markets:`")
        );
    }
}
