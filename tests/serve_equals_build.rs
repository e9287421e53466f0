//! Serve equals a full build. Seeded random edits — posts, futures, bets,
//! templates, static files, market data, site.yaml, adds, renames,
//! deletes, broken files then fixed — are saved while `forkcast serve`
//! runs, each one going through its watcher and incremental rebuild (the
//! in-process [`Server`], waiting for its `Rebuilt` or `Problem` event).
//! After each, the served folder is compared byte for byte with a fresh
//! `build` of the same sources into another folder (the reload script is
//! injected into responses, never written, so the folders compare as they
//! are; one page is also fetched to check exactly that). When serve reports
//! a problem the build must fail, and the other way round.
//!
//! `FORKCAST_EDIT_SEED=N` replays a run; `FORKCAST_EDITS=N` runs N edits
//! per site instead of the default.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, fixture, snapshot};
use forkcast::BuildOptions;
use forkcast::serve::{Event, ServeOptions, Server};

/// splitmix64: small, seedable, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 >= 1.0 - p
    }

    fn pick<T: Clone>(&mut self, v: &[T]) -> Option<T> {
        (!v.is_empty()).then(|| v[self.below(v.len())].clone())
    }

    /// Up to `max` distinct items of `v`.
    fn some<T: Clone + PartialEq>(&mut self, v: &[T], max: usize) -> Vec<T> {
        let mut out = Vec::new();
        for _ in 0..self.below(max + 1) {
            if let Some(x) = self.pick(v)
                && !out.contains(&x)
            {
                out.push(x);
            }
        }
        out
    }
}

const WORDS: &[&str] = &[
    "alpha", "quartz", "zebra", "orbit", "harbor", "lantern", "maple", "nimbus", "copper", "delta",
];
const TAGS: &[&str] = &["agi", "energy", "policy", "Hardware", "robots"];

/// The seed: `FORKCAST_EDIT_SEED`, else the clock.
fn seed() -> u64 {
    std::env::var("FORKCAST_EDIT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
}

fn edits(default: usize) -> usize {
    std::env::var("FORKCAST_EDITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Front matter (or a whole YAML file) as lines, with `key` set to `value`
/// (which may run over several lines) or removed. A key's block is its
/// line and the indented or list lines under it.
fn set_key(lines: &mut Vec<String>, key: &str, value: Option<&str>) {
    let prefix = format!("{key}:");
    let at = lines.iter().position(|l| l.starts_with(&prefix));
    let block = at.map(|i| {
        let n = lines[i + 1..]
            .iter()
            .take_while(|l| l.starts_with(' ') || l.starts_with('-'))
            .count();
        i..i + 1 + n
    });
    let new: Vec<String> = value
        .map(|v| format!("{key}: {v}").lines().map(str::to_string).collect())
        .unwrap_or_default();
    match block {
        Some(r) => {
            lines.splice(r, new);
        }
        None => lines.extend(new),
    }
}

/// A Markdown file's front matter lines and body.
fn split_front(text: &str) -> Option<(Vec<String>, String)> {
    let rest = text.strip_prefix("---\n")?;
    let end = rest.find("\n---\n")?;
    let front = rest[..end].lines().map(str::to_string).collect();
    Some((front, rest[end + 5..].to_string()))
}

fn join_front(front: &[String], body: &str) -> String {
    format!("---\n{}\n---\n{body}", front.join("\n"))
}

/// One site under serve, the folder its full builds go to, and the edits
/// since the site was last valid (to undo them).
struct Walk {
    label: &'static str,
    seed: u64,
    rng: Rng,
    dir: TempDir,
    built: TempDir,
    server: Server,
    /// Each change as (path, what it held before).
    undo: Vec<(PathBuf, Option<Vec<u8>>)>,
    /// Edits since the site was last valid.
    pending: usize,
    /// Whether the edit being made changed any file.
    changed: bool,
    /// Whether serve's last event accepted the sources.
    serve_ok: bool,
    step: usize,
    fresh: usize,
    history: Vec<String>,
    mismatches: Vec<String>,
    builds: Duration,
    waits: Duration,
}

/// How serve reacted to one edit.
enum Verdict {
    Accepted,
    Rejected(String),
    Silent,
}

impl Walk {
    fn start(label: &'static str, site: &Path, seed: u64) -> Walk {
        let dir = TempDir::new(&format!("equal-{label}"));
        copy_dir(site, dir.path());
        let server = start_server(dir.path());
        let mut walk = Walk {
            label,
            seed,
            rng: Rng(seed),
            built: TempDir::new(&format!("equal-{label}-built")),
            dir,
            server,
            undo: Vec::new(),
            pending: 0,
            changed: false,
            serve_ok: true,
            step: 0,
            fresh: 0,
            history: Vec::new(),
            mismatches: Vec::new(),
            builds: Duration::ZERO,
            waits: Duration::ZERO,
        };
        walk.compare("the first build");
        walk.check_injection();
        walk
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn name(&mut self, stem: &str) -> String {
        self.fresh += 1;
        let w = self.rng.pick(WORDS).unwrap_or("x");
        format!("{stem}{w}-{}", self.fresh)
    }

    /// The files below `sub` with one of `exts`, relative to the root.
    fn files(&self, sub: &str, exts: &[&str]) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = walkdir::WalkDir::new(self.root().join(sub))
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| exts.iter().any(|e| x == *e))
            })
            .filter_map(|e| e.path().strip_prefix(self.root()).ok().map(PathBuf::from))
            .collect();
        v.sort();
        v
    }

    fn posts(&self) -> Vec<PathBuf> {
        self.files("content/posts", &["md"])
    }

    fn futures(&self) -> Vec<PathBuf> {
        self.files("futures", &["yaml", "yml"])
    }

    fn future_ids(&self) -> Vec<String> {
        self.futures()
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect()
    }

    fn bets(&self) -> Vec<PathBuf> {
        self.files("bets", &["md"])
    }

    fn read(&self, rel: &Path) -> String {
        fs::read_to_string(self.root().join(rel)).unwrap_or_default()
    }

    /// Writes (or with `None` removes) `rel`, remembering what it held.
    fn write(&mut self, rel: &Path, text: Option<String>) {
        let path = self.root().join(rel);
        let before = fs::read(&path).ok();
        if before.as_deref() == text.as_deref().map(str::as_bytes) {
            return;
        }
        self.changed = true;
        self.undo.push((rel.to_path_buf(), before));
        match text {
            Some(t) => {
                fs::create_dir_all(path.parent().unwrap()).unwrap();
                fs::write(&path, t).unwrap();
            }
            None => {
                let _ = fs::remove_file(&path);
            }
        }
    }

    fn rename(&mut self, from: &Path, to: &Path) {
        let (a, b) = (self.root().join(from), self.root().join(to));
        self.changed = true;
        self.undo.push((from.to_path_buf(), fs::read(&a).ok()));
        self.undo.push((to.to_path_buf(), None));
        fs::create_dir_all(b.parent().unwrap()).unwrap();
        fs::rename(a, b).unwrap();
    }

    /// Removes the folder `rel` and everything in it.
    fn remove_dir(&mut self, rel: &str) {
        let files = self.files(rel, &["css", "svg", "html", "xml", "txt", "js"]);
        for f in files {
            self.changed = true;
            self.undo
                .push((f.clone(), fs::read(self.root().join(&f)).ok()));
        }
        let _ = fs::remove_dir_all(self.root().join(rel));
    }

    /// Edits the front matter and body of the Markdown file `rel`.
    fn edit_front(&mut self, rel: &Path, f: impl FnOnce(&mut Vec<String>, &mut String)) {
        let text = self.read(rel);
        let Some((mut front, mut body)) = split_front(&text) else {
            return;
        };
        f(&mut front, &mut body);
        self.write(rel, Some(join_front(&front, &body)));
    }

    fn edit_yaml(&mut self, rel: &Path, key: &str, value: Option<&str>) {
        let mut lines: Vec<String> = self.read(rel).lines().map(str::to_string).collect();
        set_key(&mut lines, key, value);
        self.write(rel, Some(lines.join("\n") + "\n"));
    }

    fn words(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| self.rng.pick(WORDS).unwrap_or("x"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn title(&mut self) -> String {
        let mut t = self.words(2);
        t[..1].make_ascii_uppercase();
        t
    }

    fn list(items: &[String]) -> String {
        format!("[{}]", items.join(", "))
    }

    /// A link to another post, future or page, as authors write them.
    fn link(&mut self) -> String {
        let posts = self.posts();
        let target = match self.rng.below(3) {
            0 => self.rng.pick(&posts).map(|p| {
                let slug = split_front(&self.read(&p))
                    .and_then(|(front, _)| {
                        front
                            .iter()
                            .find_map(|l| l.strip_prefix("slug: ").map(str::to_string))
                    })
                    .unwrap_or_else(|| p.file_stem().unwrap().to_string_lossy().into_owned());
                format!("/posts/{slug}/")
            }),
            1 => self
                .rng
                .pick(&self.future_ids())
                .map(|id| format!("/futures/{id}/")),
            _ => Some("/about/".into()),
        };
        target.map_or_else(String::new, |t| format!(" See [this]({t})."))
    }

    fn edit_post(&mut self) -> String {
        let posts = self.posts();
        let Some(post) = self.rng.pick(&posts) else {
            return self.add_post();
        };
        let shown = post.display().to_string();
        match self.rng.below(12) {
            0 => {
                let text = format!("{}{}\n\n{}\n", self.words(6), self.link(), self.words(4));
                self.edit_front(&post, |_, body| *body = text);
                format!("body of {shown}")
            }
            1 => {
                let t = self.title();
                self.edit_front(&post, |f, _| set_key(f, "title", Some(&t)));
                format!("title of {shown}: {t}")
            }
            2 => {
                let tags: Vec<String> = self
                    .rng
                    .some(TAGS, 3)
                    .iter()
                    .map(|t| t.to_string())
                    .collect();
                let v = (!tags.is_empty()).then(|| Self::list(&tags));
                self.edit_front(&post, |f, _| set_key(f, "tags", v.as_deref()));
                format!("tags of {shown}: {v:?}")
            }
            3 => {
                let ids = self.future_ids();
                let fs = self.rng.some(&ids, 2);
                let v = (!fs.is_empty()).then(|| Self::list(&fs));
                self.edit_front(&post, |f, _| set_key(f, "futures", v.as_deref()));
                format!("futures of {shown}: {v:?}")
            }
            4 => {
                let d = format!("2026-0{}-1{}", 1 + self.rng.below(4), self.rng.below(3));
                self.edit_front(&post, |f, _| set_key(f, "date", Some(&d)));
                format!("date of {shown}: {d}")
            }
            5 => {
                let slug = self.rng.chance(0.6).then(|| self.name("s-"));
                self.edit_front(&post, |f, _| set_key(f, "slug", slug.as_deref()));
                format!("slug of {shown}: {slug:?}")
            }
            6 => {
                let draft = self.rng.chance(0.5).then_some("true");
                self.edit_front(&post, |f, _| set_key(f, "draft", draft));
                format!("draft of {shown}: {draft:?}")
            }
            7 => {
                let s = self.rng.chance(0.5).then(|| self.words(3));
                self.edit_front(&post, |f, _| set_key(f, "summary", s.as_deref()));
                format!("summary of {shown}: {s:?}")
            }
            8 | 9 => self.add_post(),
            10 => {
                let to = PathBuf::from(format!("content/posts/{}.md", self.name("")));
                self.rename(&post, &to);
                format!("rename {shown} to {}", to.display())
            }
            _ => {
                self.write(&post, None);
                format!("delete {shown}")
            }
        }
    }

    fn add_post(&mut self) -> String {
        let rel = PathBuf::from(format!("content/posts/{}.md", self.name("")));
        let tags: Vec<String> = self
            .rng
            .some(TAGS, 2)
            .iter()
            .map(|t| t.to_string())
            .collect();
        let text = format!(
            "---\ntitle: {}\ndate: 2026-0{}-1{}\ntags: {}\n---\n{}{}\n",
            self.title(),
            1 + self.rng.below(4),
            self.rng.below(3),
            Self::list(&tags),
            self.words(5),
            self.link()
        );
        self.write(&rel, Some(text));
        format!("add {}", rel.display())
    }

    fn edit_future(&mut self) -> String {
        let futures = self.futures();
        let Some(f) = self.rng.pick(&futures) else {
            return self.add_future();
        };
        let shown = f.display().to_string();
        let id = f.file_stem().unwrap().to_string_lossy().into_owned();
        match self.rng.below(9) {
            0 | 1 => {
                let p = self
                    .rng
                    .chance(0.85)
                    .then(|| format!("0.{:02}", 5 + self.rng.below(90)));
                self.edit_yaml(&f, "probability", p.as_deref());
                format!("probability of {shown}: {p:?}")
            }
            2 | 3 => {
                let others: Vec<String> =
                    self.future_ids().into_iter().filter(|x| *x != id).collect();
                let targets = self.rng.some(&others, 2);
                let edges: String = targets
                    .iter()
                    .map(|t| {
                        format!(
                            "\n  - future: {t}\n    probability: 0.{}",
                            1 + self.rng.below(4)
                        )
                    })
                    .collect();
                let v = (!edges.is_empty()).then_some(edges);
                self.edit_yaml(&f, "leads_to", v.as_deref());
                format!("leads_to of {shown}: {targets:?}")
            }
            4 => {
                let t = self.title();
                self.edit_yaml(&f, "title", Some(&t));
                format!("title of {shown}: {t}")
            }
            5 | 6 => self.add_future(),
            7 => {
                let to = PathBuf::from(format!("futures/{}.yaml", self.name("f-")));
                self.rename(&f, &to);
                format!("rename {shown} to {}", to.display())
            }
            _ => {
                self.write(&f, None);
                format!("delete {shown}")
            }
        }
    }

    fn add_future(&mut self) -> String {
        let rel = PathBuf::from(format!("futures/{}.yaml", self.name("f-")));
        let text = format!(
            "title: {}\nsummary: {}\nprobability: 0.{}\n",
            self.title(),
            self.words(4),
            1 + self.rng.below(9)
        );
        self.write(&rel, Some(text));
        format!("add {}", rel.display())
    }

    fn edit_bet(&mut self) -> String {
        let bets = self.bets();
        let ids = self.future_ids();
        let Some(b) = self.rng.pick(&bets) else {
            return self.add_bet();
        };
        let shown = b.display().to_string();
        match self.rng.below(6) {
            0 | 1 => {
                let wins = self.rng.some(&ids, 2);
                let v = (!wins.is_empty()).then(|| Self::list(&wins));
                self.edit_front(&b, |f, _| set_key(f, "wins_if", v.as_deref()));
                format!("wins_if of {shown}: {v:?}")
            }
            2 | 3 => {
                let loses = self.rng.some(&ids, 2);
                let v = (!loses.is_empty()).then(|| Self::list(&loses));
                self.edit_front(&b, |f, _| set_key(f, "loses_if", v.as_deref()));
                format!("loses_if of {shown}: {v:?}")
            }
            4 => self.add_bet(),
            _ => {
                self.write(&b, None);
                format!("delete {shown}")
            }
        }
    }

    fn add_bet(&mut self) -> String {
        let ids = self.future_ids();
        let rel = PathBuf::from(format!("bets/{}.md", self.name("b-")));
        let wins = self.rng.some(&ids, 2);
        let loses = self.rng.some(&ids, 1);
        let text = format!(
            "---\ntitle: {}\nkind: career\nstatus: idea\nwins_if: {}\nloses_if: {}\n---\n{}\n",
            self.title(),
            Self::list(&wins),
            Self::list(&loses),
            self.words(5)
        );
        self.write(&rel, Some(text));
        format!("add {}", rel.display())
    }

    fn edit_template(&mut self) -> String {
        let names = ["post.html", "bet.html", "future.html", "base.html"];
        let name = self.rng.pick(&names).unwrap();
        let rel = PathBuf::from(format!("templates/{name}"));
        match self.rng.below(4) {
            0 | 1 => {
                // The built-in theme's own template, as a site starts one.
                let builtin = fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR"))
                        .join("themes/default/templates")
                        .join(name),
                )
                .unwrap();
                let marker = format!("<!-- {} -->", self.words(2));
                let text = builtin.replacen(
                    "{% block main %}",
                    &format!("{{% block main %}}{marker}"),
                    1,
                );
                self.write(&rel, Some(text));
                format!("override {}", rel.display())
            }
            2 => {
                self.write(&rel, None);
                format!("remove {}", rel.display())
            }
            _ => {
                self.remove_dir("templates");
                "remove templates/".into()
            }
        }
    }

    fn edit_static(&mut self) -> String {
        let names = [
            "static/extra.css",
            "static/img/new.svg",
            "static/style.css",
            "static/notes.txt",
        ];
        let rel = PathBuf::from(self.rng.pick(&names).unwrap());
        match self.rng.below(4) {
            0 | 1 => {
                let text = format!("/* {} */\n", self.words(3));
                self.write(&rel, Some(text));
                format!("write {}", rel.display())
            }
            2 => {
                self.write(&rel, None);
                format!("remove {}", rel.display())
            }
            _ => {
                self.remove_dir("static");
                "remove static/".into()
            }
        }
    }

    /// A market value or a history row of the first market of some future.
    fn edit_data(&mut self) -> String {
        let markets = Path::new("data/markets.json");
        let mut json: serde_json::Value = serde_json::from_str(&self.read(markets))
            .unwrap_or_else(|_| serde_json::json!({"markets": {}}));
        let refs: Vec<String> = self
            .futures()
            .iter()
            .flat_map(|f| {
                self.read(f)
                    .lines()
                    .filter_map(|l| l.trim().strip_prefix("- ").map(str::to_string))
                    .filter(|l| l.starts_with("manifold:") || l.starts_with("metaculus:"))
                    .collect::<Vec<_>>()
            })
            .collect();
        let Some(r) = self.rng.pick(&refs) else {
            return self.edit_config();
        };
        let value = 0.05 + self.rng.below(90) as f64 / 100.0;
        if self.rng.chance(0.6) {
            json["markets"][&r] = serde_json::json!({
                "value": value,
                "status": "open",
                "fetched_at": "2026-08-20T00:00:00Z",
                "url": "https://example.org/market",
                "title": "A market",
            });
            self.write(markets, Some(serde_json::to_string_pretty(&json).unwrap()));
            format!("market {r}: {value}")
        } else {
            let (platform, id) = r.split_once(':').unwrap();
            let rel = PathBuf::from(format!("data/history/{platform}/{id}.csv"));
            let mut text = self.read(&rel);
            if text.is_empty() {
                text = "date,probability\n".into();
            }
            text.push_str(&format!(
                "2026-08-{:02},{value:.4}\n",
                1 + self.rng.below(19)
            ));
            self.write(&rel, Some(text));
            format!("history row in {}", rel.display())
        }
    }

    fn edit_config(&mut self) -> String {
        let rel = Path::new("site.yaml");
        if self.rng.chance(0.5) {
            let t = self.title();
            self.edit_yaml(rel, "title", Some(&t));
            format!("site title: {t}")
        } else {
            let n = (1 + self.rng.below(4)).to_string();
            self.edit_yaml(rel, "posts_per_page", Some(&n));
            format!("posts_per_page: {n}")
        }
    }

    /// Breaks a file so that no build can succeed.
    fn break_file(&mut self) -> String {
        let posts = self.posts();
        let futures = self.futures();
        let bets = self.bets();
        let candidates: Vec<PathBuf> = [
            self.rng.pick(&posts),
            self.rng.pick(&futures),
            self.rng.pick(&bets),
            Some(PathBuf::from("site.yaml")),
            Some(PathBuf::from("templates/post.html")),
        ]
        .into_iter()
        .flatten()
        .collect();
        let rel = self.rng.pick(&candidates).unwrap();
        let text = match rel.extension().and_then(|e| e.to_str()) {
            Some("md") => "---\ntitle: [unclosed\ndate: someday\n---\nBroken.\n".to_string(),
            Some("html") => "{% if %}broken{% endif".to_string(),
            _ => "title: [unclosed\nprobability: 2\n".to_string(),
        };
        self.write(&rel, Some(text));
        format!("break {}", rel.display())
    }

    fn random_edit(&mut self) -> (String, bool) {
        let roll = self.rng.below(100);
        let what = match roll {
            0..30 => self.edit_post(),
            30..50 => self.edit_future(),
            50..62 => self.edit_bet(),
            62..69 => self.edit_template(),
            69..76 => self.edit_static(),
            76..84 => self.edit_data(),
            84..90 => self.edit_config(),
            _ => return (self.break_file(), true),
        };
        (what, false)
    }

    /// Puts back every file changed since the site was last valid.
    fn undo_all(&mut self) {
        self.changed = !self.undo.is_empty();
        for (rel, before) in std::mem::take(&mut self.undo).into_iter().rev() {
            let path = self.root().join(&rel);
            match before {
                Some(bytes) => {
                    fs::create_dir_all(path.parent().unwrap()).unwrap();
                    fs::write(&path, bytes).unwrap();
                }
                None => {
                    let _ = fs::remove_file(&path);
                }
            }
        }
        self.pending = 0;
    }

    /// Runs `n` random edits, comparing after each.
    fn run(&mut self, n: usize) {
        for _ in 0..n {
            self.step += 1;
            self.drain();
            self.changed = false;
            let (what, broken) = self.random_edit();
            self.pending += 1;
            let valid = self.compare(&what);
            if valid {
                self.undo.clear();
                self.pending = 0;
            } else if broken || self.pending >= 3 || self.rng.chance(0.7) {
                self.undo_all();
                let valid = self.compare(&format!("undo, after {what}"));
                assert!(
                    valid || !self.mismatches.is_empty(),
                    "the undone site builds"
                );
            }
        }
    }

    /// Makes one chosen edit and compares, noting a mismatch when the
    /// sources build and `valid` says otherwise. An invalid edit is undone
    /// unless `keep` (the next edit then comes on top of it).
    fn expect(&mut self, (valid, keep): (bool, bool), what: &str, f: impl FnOnce(&mut Walk)) {
        self.step += 1;
        self.drain();
        self.changed = false;
        f(self);
        let builds = self.compare(what);
        if builds != valid {
            let says = if builds { "builds" } else { "does not build" };
            self.mismatches.push(format!("{what}: the site {says}"));
        }
        if builds {
            self.undo.clear();
        } else if !keep {
            self.undo_all();
            self.compare(&format!("undo, after {what}"));
        }
    }

    /// Events left over from an earlier edit.
    fn drain(&mut self) {
        while let Some(e) = self.server.next_event(Duration::ZERO) {
            self.note(&e);
        }
    }

    fn note(&mut self, e: &Event) {
        self.serve_ok = matches!(e, Event::Rebuilt { .. });
    }

    /// Waits for serve to take the edit in: its first event, then until
    /// nothing more comes for a moment (an edit may arrive in bursts).
    fn settle(&mut self, first: Duration) -> Verdict {
        let mut verdict = Verdict::Silent;
        let mut wait = first;
        while let Some(e) = self.server.next_event(wait) {
            self.note(&e);
            verdict = match e {
                Event::Rebuilt { .. } => Verdict::Accepted,
                Event::Problem(d) => Verdict::Rejected(
                    d.iter()
                        .find(|d| d.is_error())
                        .map_or_else(String::new, |d| d.to_string()),
                ),
                Event::Failed(text) => Verdict::Rejected(text),
            };
            wait = Duration::from_millis(150);
        }
        verdict
    }

    /// Compares serve's folder with a fresh build; returns whether the
    /// sources build.
    fn compare(&mut self, what: &str) -> bool {
        self.history.push(format!("{}: {what}", self.step));
        let started = Instant::now();
        let mut verdict = match (self.step, self.changed, self.serve_ok) {
            (0, _, _) | (_, false, true) => Verdict::Accepted,
            (_, false, false) => Verdict::Rejected("(unchanged)".into()),
            _ => self.settle(Duration::from_secs(5)),
        };
        self.waits += started.elapsed();
        let started = Instant::now();
        let built = forkcast::build(self.root(), Some(self.built.path()), &options(&self.server));
        self.builds += started.elapsed();
        let build_ok = built.is_ok();
        let mut problem = self.judge(&verdict, &built);
        if problem.is_some() {
            // A late burst of the same edit (the file was read half
            // written, say): give serve a moment more.
            if let v @ (Verdict::Accepted | Verdict::Rejected(_)) =
                self.settle(Duration::from_secs(1))
            {
                verdict = v;
            }
            problem = self.judge(&verdict, &built);
        }
        if let Some(p) = problem {
            self.mismatches.push(format!(
                "{} site, seed {}, edit {} ({what}): {p}\n  edits so far: {}",
                self.label,
                self.seed,
                self.step,
                self.history[self.history.len().saturating_sub(6)..].join("; ")
            ));
            // Start afresh from valid sources, so later edits are tested too.
            if !build_ok {
                self.undo_all();
            }
            self.server = start_server(self.root());
            forkcast::build(self.root(), Some(self.built.path()), &options(&self.server)).unwrap();
            return true;
        }
        build_ok
    }

    /// Whether serve and the build agree on the sources, and then on
    /// every file.
    fn judge(
        &self,
        verdict: &Verdict,
        built: &Result<forkcast::Built, forkcast::Error>,
    ) -> Option<String> {
        match (verdict, built) {
            (Verdict::Accepted, Err(e)) => Some(format!("serve accepted what build rejects: {e}")),
            (Verdict::Rejected(d), Ok(_)) => {
                Some(format!("serve rejected what build accepts: {d}"))
            }
            (Verdict::Silent, _) => Some("serve did not react within 5 s".into()),
            _ => self.differences(),
        }
    }

    /// What differs between the served folder and the built one.
    fn differences(&self) -> Option<String> {
        let served = snapshot(self.server.output());
        let built = snapshot(self.built.path());
        let differ: Vec<String> = served
            .keys()
            .chain(built.keys())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|k| served.get(*k) != built.get(*k))
            .map(|k| describe(k, &served, &built))
            .collect();
        (!differ.is_empty()).then(|| {
            format!(
                "{} files differ:\n    {}",
                differ.len(),
                differ[..differ.len().min(6)].join("\n    ")
            )
        })
    }

    /// The served home page is the built one with the reload script tag
    /// added before `</body>`, and nothing else.
    fn check_injection(&self) {
        let page = fs::read_to_string(self.built.path().join("index.html")).unwrap();
        let tag = "<script src=\"/__forkcast/live.js\"></script>";
        let mut s = std::net::TcpStream::connect(self.server.addr()).unwrap();
        use std::io::{Read, Write};
        write!(s, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").unwrap();
        let mut response = String::new();
        s.read_to_string(&mut response).unwrap();
        let body = response.split_once("\r\n\r\n").unwrap().1;
        assert_eq!(
            body.replacen(tag, "", 1),
            page,
            "only the reload script is added"
        );
    }
}

/// One differing file: missing on a side, or its first differing line.
fn describe(
    k: &str,
    served: &BTreeMap<String, Vec<u8>>,
    built: &BTreeMap<String, Vec<u8>>,
) -> String {
    match (served.get(k), built.get(k)) {
        (None, _) => format!("{k}: missing from serve's folder"),
        (_, None) => format!("{k}: only in serve's folder"),
        (Some(a), Some(b)) => {
            let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let around = |s: &str| {
                let from = (0..=at.saturating_sub(60))
                    .rev()
                    .find(|&i| s.is_char_boundary(i));
                let to = ((at + 60).min(s.len())..=s.len()).find(|&i| s.is_char_boundary(i));
                s[from.unwrap_or(0)..to.unwrap_or(s.len())].replace('\n', "⏎")
            };
            format!("{k}: served …{}… built …{}…", around(&a), around(&b))
        }
    }
}

fn options(server: &Server) -> BuildOptions {
    BuildOptions {
        base_url: Some(server.url()),
        offline: true,
        ..Default::default()
    }
}

fn start_server(root: &Path) -> Server {
    Server::start(
        root,
        &ServeOptions {
            port: 0,
            drafts: false,
        },
    )
    .unwrap()
}

fn run(label: &'static str, site: &Path, default_edits: usize) {
    let seed = seed();
    println!("{label}: FORKCAST_EDIT_SEED={seed}");
    let started = Instant::now();
    let mut walk = Walk::start(label, site, seed);
    walk.run(edits(default_edits));
    println!(
        "{label}: {} edits in {:.1?} ({:.1?} of it in full builds, {:.1?} waiting for serve)",
        walk.step,
        started.elapsed(),
        walk.builds,
        walk.waits
    );
    assert!(
        walk.mismatches.is_empty(),
        "{} mismatches (replay with FORKCAST_EDIT_SEED={seed}):\n{}",
        walk.mismatches.len(),
        walk.mismatches.join("\n")
    );
}

#[test]
fn random_edits_on_the_fixture_serve_what_a_build_makes() {
    run("fixture", &fixture("good"), 200);
}

/// A copy of the example site, with its market history.
fn example_site() -> TempDir {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = TempDir::new("equal-example-source");
    for part in ["content", "futures", "bets", "data"] {
        copy_dir(&repo.join(part), &site.path().join(part));
    }
    fs::copy(repo.join("site.yaml"), site.path().join("site.yaml")).unwrap();
    site
}

#[test]
fn random_edits_on_the_example_site_serve_what_a_build_makes() {
    let site = example_site();
    run("example", site.path(), 80);
}

/// Moving the day a future resolved leaves today's numbers where they
/// were but moves the past, which the cards' sparklines replay, down the
/// arrows: here two steps on.
#[test]
fn a_resolution_moved_in_time_redraws_the_sparklines_it_reaches() {
    let site = example_site();
    let mut walk = Walk::start("example, scripted", site.path(), 0);
    walk.expect(VALID, "an arrow two steps from the labour shock", |w| {
        let backlash = Path::new("futures/populist-backlash.yaml");
        let arrow = "\n  - future: broad-abundance\n    probability: 0.3";
        w.edit_yaml(backlash, "leads_to", Some(arrow))
    });
    let shock = Path::new("futures/labour-market-shock.yaml");
    // Within the sparklines' twelve weeks, whatever the day.
    let today = jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date();
    for weeks in [5, 9] {
        let on = today.checked_sub(jiff::Span::new().weeks(weeks)).unwrap();
        walk.expect(VALID, &format!("the labour shock resolved on {on}"), |w| {
            let resolved =
                format!("\n  outcome: happened\n  on: {on}\n  source: https://example.org/c");
            w.edit_yaml(shock, "resolved", Some(&resolved))
        });
    }
    assert!(walk.mismatches.is_empty(), "{}", walk.mismatches.join("\n"));
}

const VALID: (bool, bool) = (true, false);
const INVALID: (bool, bool) = (false, false);

/// One edit of each kind that once made serve differ from a build, in an
/// order that shows each: the random walks find these and more, but not
/// every run finds each.
#[test]
fn edits_that_once_differed_serve_what_a_build_makes() {
    let mut walk = Walk::start("scripted", &fixture("good"), 0);
    let market = r#"{"markets": {"manifold:will-ai-fleets-happen": {"value": 0.7, "status": "open",
        "fetched_at": "2026-08-20T00:00:00Z", "url": "https://example.org/m", "title": "A market"}}}"#;
    let first = Path::new("content/posts/first-post.md");
    let w = &mut walk;
    w.expect(VALID, "a data/ folder made while serving", |w| {
        w.write(Path::new("data/markets.json"), Some(market.into()))
    });
    w.expect(VALID, "templates/ removed", |w| w.remove_dir("templates"));
    w.expect(VALID, "a templates/ folder made while serving", |w| {
        let text = "{% extends \"base.html\" %}";
        w.write(Path::new("templates/page.html"), Some(text.into()))
    });
    w.expect(VALID, "a tagged post's title", |w| {
        w.edit_front(first, |f, _| set_key(f, "title", Some("Renamed first")))
    });
    w.expect(VALID, "a new newest post", |w| {
        let text = "---\ntitle: Newest\ndate: 2026-06-01\ntags: [energy]\n---\nNew words.\n";
        w.write(Path::new("content/posts/newest.md"), Some(text.into()))
    });
    w.expect(VALID, "a post renamed", |w| {
        let (from, to) = ("content/posts/third-post.md", "content/posts/moved.md");
        w.rename(Path::new(from), Path::new(to))
    });
    for (key, value) in [("slug", "elsewhere"), ("draft", "true")] {
        w.expect(INVALID, &format!("a linked post's {key}"), |w| {
            w.edit_front(first, |f, _| set_key(f, key, Some(value)))
        });
    }
    w.expect(INVALID, "a linked post deleted", |w| w.write(first, None));
    w.expect(VALID, "a probability that moves bets", |w| {
        let stalls = Path::new("futures/scaling-stalls.yaml");
        w.edit_yaml(stalls, "probability", Some("0.08"))
    });
    w.expect(VALID, "the title of a bet's fork", |w| {
        let agi = Path::new("futures/agi-arrives.yaml");
        w.edit_yaml(agi, "title", Some("Renamed AGI"))
    });
    w.expect((false, true), "a broken future", |w| {
        w.write(
            Path::new("futures/treaty.yaml"),
            Some("title: [unclosed\n".into()),
        )
    });
    w.expect(
        (false, true),
        "another post, the future still broken",
        |w| w.edit_front(first, |_, body| body.push_str("More.\n")),
    );
    w.expect(VALID, "everything fixed", Walk::undo_all);
    assert!(walk.mismatches.is_empty(), "{}", walk.mismatches.join("\n"));
}
