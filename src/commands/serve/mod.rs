//! `forkcast serve`: builds the site into a private folder, serves it on
//! 127.0.0.1 only ([`http`]), watches the sources and rebuilds what an edit
//! touches — one post and the lists that show it, one future and its
//! neighbours, and the search index entries they changed; after a commit,
//! the future pages whose estimate history changed — then tells the
//! browser to reload. A broken edit shows its located error in the terminal
//! and as an overlay while the last good site stays served. Markets come
//! from the snapshot only.

mod http;

use std::collections::BTreeSet;
use std::fmt;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use notify::Watcher;
use rayon::prelude::*;
use tera::Tera;

use crate::commands::pipeline;
use crate::diagnostics::{self, Diagnostic, Format};
use crate::model::site::{BuildOptions, Refresh, Site, Touched};
use crate::output::{self, OutputFile};
use crate::render::Renderer;
use crate::render::search;
use crate::routes::Route;
use crate::source::history::{self, GitDirs};

/// Where the site is served and how.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// The port is taken or not ours to use.
    Port(u16, io::Error),
    /// The sources cannot be watched.
    Watch(PathBuf, notify::Error),
    /// The first build failed.
    Build(pipeline::Error),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Port(port, e) if e.kind() == io::ErrorKind::AddrInUse => {
                write!(f, "port {port} is already in use")
            }
            ServeError::Port(port, e) => write!(f, "cannot listen on port {port}: {e}"),
            ServeError::Watch(path, e) => write!(f, "cannot watch {}: {e}", path.display()),
            ServeError::Build(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ServeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ServeError::Port(_, e) => Some(e),
            ServeError::Watch(_, e) => Some(e),
            ServeError::Build(e) => Some(e),
        }
    }
}

/// What happened after an edit, for the terminal.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// The edit was applied: what was rebuilt ("everything", "6 pages").
    Rebuilt { what: String, took: Duration },
    /// The edit broke the site; the last good one stays served.
    Problem(Vec<Diagnostic>),
    /// The site could not be written or rendered.
    Failed(String),
}

struct Session {
    site: Site,
    tera: Tera,
    search: search::Index,
    /// The last edit's problems, shown until fixed.
    problem: Option<String>,
}

struct Shared {
    out: PathBuf,
    clients: http::Streams,
    session: Mutex<Session>,
    events: Mutex<mpsc::Sender<Event>>,
    /// The last rebuild: what it did and how long it took.
    last: Mutex<Option<(String, Duration)>>,
}

/// A running server. Dropping it removes its output folder.
pub struct Server {
    addr: SocketAddr,
    root: PathBuf,
    shared: Arc<Shared>,
    events: Mutex<mpsc::Receiver<Event>>,
    /// Shared with the thread that applies edits, which watches a source
    /// folder created while serving; it stops once this is dropped.
    _watcher: SharedWatcher,
}

/// The prefix of serve folders in the temporary directory; the process id
/// follows, so a later server can remove what a killed one left.
const FOLDER_PREFIX: &str = "forkcast-serve-";

impl Server {
    /// Builds `root`, starts serving it and watching it. Returns once the
    /// site is being served.
    pub fn start(root: &Path, options: &ServeOptions) -> Result<Server, ServeError> {
        // The watcher reports absolute paths; a relative root would never
        // match them, and every edit would rebuild everything.
        let root = root
            .canonicalize()
            .map_err(|e| ServeError::Watch(root.to_path_buf(), notify::Error::io(e)))?;
        let listener = TcpListener::bind(("127.0.0.1", options.port))
            .map_err(|e| ServeError::Port(options.port, e))?;
        let addr = listener
            .local_addr()
            .map_err(|e| ServeError::Port(options.port, e))?;
        let build = BuildOptions {
            drafts: options.drafts,
            base_url: Some(format!("http://{addr}/")),
            offline: true,
            ..Default::default()
        };
        let temp = std::env::temp_dir();
        output::remove_stale(&temp, FOLDER_PREFIX);
        let out = temp.join(format!(
            "{FOLDER_PREFIX}{}-{}",
            std::process::id(),
            addr.port()
        ));
        let session = full_build(&root, &build, &out).map_err(ServeError::Build)?;
        let (tx, events) = mpsc::channel();
        let shared = Arc::new(Shared {
            out,
            clients: http::Streams::default(),
            session: Mutex::new(session),
            events: Mutex::new(tx),
            last: Mutex::new(None),
        });
        let watcher = watch(&root, &build, &shared)?;
        let s = shared.clone();
        std::thread::spawn(move || http::accept(&listener, &s));
        Ok(Server {
            addr,
            root,
            shared,
            events: Mutex::new(events),
            _watcher: watcher,
        })
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The site's folder, as an absolute path.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The private folder the site is written to and served from.
    pub fn output(&self) -> &Path {
        &self.shared.out
    }

    /// What the last rebuild did, e.g. "6 pages", and how long it took.
    /// A rebuild under way is waited for: its pages may already be served.
    pub fn last_rebuild(&self) -> Option<(String, Duration)> {
        let _rebuilding = self.shared.session.lock();
        self.shared.last.lock().map(|l| l.clone()).unwrap_or(None)
    }

    /// Waits up to `timeout` for the next thing that happened after an edit.
    pub fn next_event(&self, timeout: Duration) -> Option<Event> {
        self.events.lock().ok()?.recv_timeout(timeout).ok()
    }

    /// Hands each event to `report` until the process gets Ctrl-C (SIGINT)
    /// or SIGTERM; then returns, and dropping the server cleans up.
    pub fn run_until_stopped(&self, report: impl Fn(&Event)) {
        stop_signals::install();
        while !stop_signals::received() {
            if let Some(e) = self.next_event(Duration::from_millis(100)) {
                report(&e);
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.shared.out);
    }
}

/// The folders of a site that `serve` watches, besides site.yaml.
const WATCHED: &[&str] = &[
    "content",
    "futures",
    "bets",
    "themes",
    "static",
    "templates",
    "data",
];

type SharedWatcher = Arc<Mutex<notify::RecommendedWatcher>>;
/// What the thread that applies edits holds of the watcher.
type WatcherRef = Weak<Mutex<notify::RecommendedWatcher>>;

/// Watches the site's sources and applies each burst of edits.
fn watch(
    root: &Path,
    build: &BuildOptions,
    shared: &Arc<Shared>,
) -> Result<SharedWatcher, ServeError> {
    let error = |path: &Path, e: notify::Error| ServeError::Watch(path.to_path_buf(), e);
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| error(root, e))?;
    for dir in WATCHED {
        let d = root.join(dir);
        if d.is_dir() {
            watcher
                .watch(&d, notify::RecursiveMode::Recursive)
                .map_err(|e| error(&d, e))?;
        }
    }
    // Non-recursive, so a folder made later (a first `static/`) is seen
    // being created, and an output folder inside the site is not watched.
    watcher
        .watch(root, notify::RecursiveMode::NonRecursive)
        .map_err(|e| error(root, e))?;
    let git = history::git_dirs(root);
    if let Some(dirs) = &git {
        watch_git(&mut watcher, dirs);
    }
    let watcher = Arc::new(Mutex::new(watcher));
    let weak = Arc::downgrade(&watcher);
    let (s, r, b) = (shared.clone(), root.to_path_buf(), build.clone());
    std::thread::spawn(move || watch_loop(&r, git.as_ref(), &b, &s, &rx, &weak));
    Ok(watcher)
}

/// Watches where a commit or checkout shows: `HEAD` and its reflog, and
/// the branches. Not the objects nor the index, which change on every
/// `git add`. A repository that cannot be watched leaves the history as
/// the last build read it, no worse than before.
fn watch_git(watcher: &mut notify::RecommendedWatcher, dirs: &GitDirs) {
    for (dir, mode) in [
        (dirs.own.clone(), notify::RecursiveMode::NonRecursive),
        (dirs.own.join("logs"), notify::RecursiveMode::NonRecursive),
        (dirs.common.clone(), notify::RecursiveMode::NonRecursive),
        (
            dirs.common.join("refs/heads"),
            notify::RecursiveMode::Recursive,
        ),
    ] {
        if dir.is_dir() {
            let _ = watcher.watch(&dir, mode);
        }
    }
}

/// Whether `path`, in a git folder, says that `HEAD` moved: the files
/// [`watch_git`] watches, but no lock file (a commit still being made).
fn moves_head(dirs: &GitDirs, path: &Path) -> bool {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    if name.ends_with(".lock") {
        return false;
    }
    path == dirs.own.join("HEAD")
        || path == dirs.own.join("logs/HEAD")
        || path == dirs.common.join("packed-refs")
        || path.starts_with(dirs.common.join("refs/heads"))
}

/// Starts watching the folders among `paths` that were just created: a
/// folder made while serving holds sources as much as one that was there.
fn watch_new_folders(root: &Path, paths: &[PathBuf], watcher: &WatcherRef) {
    let Some(watcher) = watcher.upgrade() else {
        return;
    };
    let Ok(mut watcher) = watcher.lock() else {
        return;
    };
    for p in paths.iter().filter(|p| p.components().count() == 1) {
        let dir = root.join(p);
        if dir.is_dir() {
            // Re-watching a folder that was removed and made again is fine;
            // one that cannot be watched shows as a missed edit, no worse.
            let _ = watcher.watch(&dir, notify::RecursiveMode::Recursive);
        }
    }
}

/// Loads, computes (from the market snapshot) and writes the whole site.
fn full_build(root: &Path, options: &BuildOptions, out: &Path) -> Result<Session, pipeline::Error> {
    let site = pipeline::load(root, options)?;
    let pipeline::Wrote {
        tera,
        index: search,
        ..
    } = pipeline::write_site(&site, root, out, pipeline::Fingerprints::None)?;
    Ok(Session {
        site,
        tera,
        search,
        problem: None,
    })
}

fn watch_loop(
    root: &Path,
    git: Option<&GitDirs>,
    options: &BuildOptions,
    shared: &Shared,
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
    watcher: &WatcherRef,
) {
    while let Ok(first) = rx.recv() {
        let edits = gather(root, git, first, rx);
        if edits.paths.is_empty() && !edits.committed {
            continue;
        }
        watch_new_folders(root, &edits.paths, watcher);
        let started = Instant::now();
        let event = match rebuild(root, options, shared, &edits, started) {
            Ok((what, took)) => {
                http::broadcast(shared, "reload", "\"ok\"");
                Event::Rebuilt { what, took }
            }
            Err(Failure::Problem(diags)) => {
                let text = report(root, &diags);
                http::broadcast(
                    shared,
                    "problem",
                    &serde_json::to_string(&text).unwrap_or_default(),
                );
                Event::Problem(diags)
            }
            Err(Failure::Other(text)) => {
                http::broadcast(
                    shared,
                    "problem",
                    &serde_json::to_string(&text).unwrap_or_default(),
                );
                Event::Failed(text)
            }
        };
        if let Ok(tx) = shared.events.lock() {
            let _ = tx.send(event);
        }
    }
}

/// What one burst of events changed.
struct Edits {
    /// Site files, relative to the root.
    paths: Vec<PathBuf>,
    /// Whether `HEAD` moved (a commit, a checkout): the estimates' history
    /// is read again.
    committed: bool,
}

/// The site files (relative to `root`) that one burst of events changed,
/// and whether a commit was made: editors write in bursts (temp file,
/// rename, chmod), and so does git.
fn gather(
    root: &Path,
    git: Option<&GitDirs>,
    first: notify::Result<notify::Event>,
    rx: &mpsc::Receiver<notify::Result<notify::Event>>,
) -> Edits {
    let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
    let mut committed = false;
    let mut take = |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev
            && !matches!(ev.kind, notify::EventKind::Access(_))
        {
            paths.extend(ev.paths.iter().filter_map(|p| relevant(root, p)));
            committed |= git.is_some_and(|g| ev.paths.iter().any(|p| moves_head(g, p)));
        }
    };
    take(first);
    let until = Instant::now() + Duration::from_millis(25);
    while let Some(left) = until.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(ev) => take(ev),
            Err(_) => break,
        }
    }
    Edits {
        paths: paths.into_iter().collect(),
        committed,
    }
}

/// `path` relative to `root`, if it is a source file of the site (not an
/// editor's backup or hidden file, not the output).
fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let name = rel.file_name()?.to_string_lossy();
    let source = match rel.components().count() {
        1 => name == crate::source::config::FILE || WATCHED.contains(&name.as_ref()),
        _ => WATCHED.iter().any(|d| rel.starts_with(d)),
    };
    (source && !name.starts_with('.') && !name.ends_with('~')).then(|| rel.to_path_buf())
}

/// Why an edit could not be applied.
enum Failure {
    /// Problems in the site's files, shown until fixed.
    Problem(Vec<Diagnostic>),
    Other(String),
}

/// Applies an edit; returns what was rebuilt and how long it took since
/// `started`, also kept as the last rebuild before the session is let go.
fn rebuild(
    root: &Path,
    options: &BuildOptions,
    shared: &Shared,
    edits: &Edits,
    started: Instant,
) -> Result<(String, Duration), Failure> {
    let mut session = shared
        .session
        .lock()
        .map_err(|_| Failure::Other("the server's state is broken; restart it".into()))?;
    // While a problem is shown, the site in memory is not the sources' (the
    // broken file is left out): only a full build says whether they are
    // all fine again.
    let refreshed = match session.problem {
        Some(_) => Err(Refresh::Rebuild),
        None => refresh(&mut session.site, edits),
    };
    let result = match refreshed {
        Ok(touched) => write_touched(&mut session, &shared.out, &touched),
        Err(Refresh::Invalid(diags)) => Err(Failure::Problem(diags)),
        Err(Refresh::Rebuild) => match full_build(root, options, &shared.out) {
            Ok(fresh) => {
                *session = fresh;
                Ok("everything".into())
            }
            Err(pipeline::Error::Content(diags)) => Err(Failure::Problem(diags)),
            Err(e) => Err(Failure::Other(e.to_string())),
        },
    };
    session.problem = match &result {
        Ok(_) => None,
        Err(Failure::Problem(diags)) => Some(report(root, diags)),
        Err(Failure::Other(text)) => Some(text.clone()),
    };
    let what = result?;
    let took = started.elapsed();
    if let Ok(mut last) = shared.last.lock() {
        *last = Some((what.clone(), took));
    }
    Ok((what, took))
}

/// Applies edits of posts and futures, and a commit's estimate history, to
/// `site`; anything else needs a full rebuild.
fn refresh(site: &mut Site, edits: &Edits) -> Result<Vec<Touched>, Refresh> {
    let is_post = |p: &Path| {
        p.starts_with("content")
            && p.extension().is_some_and(|e| e == "md")
            && p.file_stem().is_some_and(|s| s != "_index")
    };
    let is_future = |p: &Path| {
        p.starts_with("futures") && p.extension().is_some_and(|e| e == "yaml" || e == "yml")
    };
    let mut touched: Vec<Touched> = edits
        .paths
        .iter()
        .map(|p| match p {
            p if is_post(p) => site.refresh_post(p),
            p if is_future(p) => site.refresh_future(p),
            _ => Err(Refresh::Rebuild),
        })
        .collect::<Result<_, _>>()?;
    if edits.committed {
        touched.push(site.refresh_history());
    }
    Ok(touched)
}

/// Renders and writes the routes `touched` names, and the search index
/// files their text changed.
fn write_touched(
    session: &mut Session,
    out: &Path,
    touched: &[Touched],
) -> Result<String, Failure> {
    let Session {
        site, tera, search, ..
    } = session;
    let renderer = Renderer::new(site, tera);
    // A future's or bet's hover card, embed and oEmbed are made from what
    // its page shows.
    let routes: BTreeSet<Route> = touched
        .iter()
        .flat_map(|t| t.routes.iter().copied())
        .flat_map(|r| std::iter::once(r).chain(r.companions()))
        .collect();
    let routes: Vec<Route> = routes.into_iter().collect();
    // The spreadsheet is drawn (only when the numbers or titles it holds
    // changed: else it is in the cache) beside the pages.
    let sheet = renderer.spreadsheet_file();
    let sheet_path = sheet.path.clone();
    let (files, sheet) = rayon::join(
        || renderer.render_routes(&routes),
        || pipeline::card_cache(&site.root).get(sheet),
    );
    let mut files = files.map_err(|e| match pipeline::render_failed(e, site) {
        pipeline::Error::Content(diags) => Failure::Problem(diags),
        e => Failure::Other(e.to_string()),
    })?;
    let sheet = sheet.map_err(|e| Failure::Other(format!("cannot write {sheet_path}: {e}")))?;
    let docs = touched
        .iter()
        .flat_map(|t| t.searchable.iter())
        .filter_map(|&r| renderer.search_doc(r))
        .collect();
    let order = renderer.search_urls();
    let index = search
        .update(docs, &order)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let pages = files.len();
    files.extend(index.files);
    for path in &index.removed {
        let _ = std::fs::remove_file(out.join(path));
    }
    // Cards first: a page is never served before the card it names.
    let cards = place_cards(&renderer, &site.root, out).map_err(Failure::Other)?;
    write_files(out, &files).map_err(Failure::Other)?;
    let dest = out.join(&sheet_path);
    let sheet = output::cards::place(&sheet, &dest)
        .map_err(|e| Failure::Other(format!("cannot write {}: {e}", dest.display())))?
        .then_some(sheet_path);
    let paths = files
        .iter()
        .map(|f| f.path.clone())
        .chain(cards.iter().cloned())
        .chain(sheet);
    record_written(out, paths, &index.removed);
    Ok(match cards.len() {
        0 => format!("{pages} pages"),
        n => format!("{pages} pages, {n} cards"),
    })
}

/// Puts every card whose facts changed in the output: each is looked up
/// in the cache (and drawn if missing), and only those not already
/// linked there are placed. Returns the paths placed.
fn place_cards(renderer: &Renderer<'_>, root: &Path, out: &Path) -> Result<Vec<String>, String> {
    let cache = pipeline::card_cache(root);
    let placed: Vec<Result<Option<String>, String>> = renderer
        .card_files()
        .into_par_iter()
        .map(|card| {
            let dest = out.join(&card.path);
            let path = card.path.clone();
            let from = cache
                .get(card)
                .map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
            match output::cards::place(&from, &dest) {
                Ok(changed) => Ok(changed.then_some(path)),
                Err(e) => Err(format!("cannot write {}: {e}", dest.display())),
            }
        })
        .collect();
    placed.into_iter().filter_map(Result::transpose).collect()
}

/// Lists the files an edit wrote (and not those it removed) in the
/// output's marker, so the next full build knows them as Forkcast's and
/// removes those it no longer makes.
fn record_written(out: &Path, files: impl Iterator<Item = String>, removed: &[String]) {
    let marker = out.join(crate::output::MARKER);
    let Ok(text) = std::fs::read_to_string(&marker) else {
        return;
    };
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let mut paths: BTreeSet<String> = lines.map(str::to_string).collect();
    paths.extend(files);
    for r in removed {
        paths.remove(r);
    }
    let listed: String = paths.into_iter().map(|p| p + "\n").collect();
    let _ = std::fs::write(&marker, format!("{header}\n{listed}"));
}

/// Writes each file to a hidden name beside it, then renames them all over
/// the old ones: a request served meanwhile gets the old file or the new
/// one, never half of one (the HTTP side serves no hidden names), and an
/// edit's pages appear together.
fn write_files(out: &Path, files: &[OutputFile]) -> Result<(), String> {
    let mut written = Vec::with_capacity(files.len());
    let mut failure = None;
    for f in files {
        let dest = out.join(&f.path);
        let name = dest.file_name().unwrap_or_default().to_string_lossy();
        let temp = dest.with_file_name(format!(".{name}.forkcast-{}", std::process::id()));
        if let Some(dir) = dest.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        match std::fs::write(&temp, &f.bytes) {
            Ok(()) => written.push((temp, dest)),
            Err(e) => {
                failure = Some(format!("cannot write {}: {e}", dest.display()));
                break;
            }
        }
    }
    for (temp, dest) in written {
        if failure.is_none() {
            match std::fs::rename(&temp, &dest) {
                Ok(()) => continue,
                Err(e) => failure = Some(format!("cannot write {}: {e}", dest.display())),
            }
        }
        let _ = std::fs::remove_file(&temp);
    }
    failure.map_or(Ok(()), Err)
}

/// The problems as `check` prints them, for the browser's overlay: paths
/// from the site's folder, which the server knows as an absolute path.
fn report(root: &Path, diags: &[Diagnostic]) -> String {
    let errors: Vec<Diagnostic> = diags.iter().filter(|d| d.is_error()).cloned().collect();
    diagnostics::render_all(&errors, root, Path::new("."), Format::Human, false)
}

/// Ctrl-C and SIGTERM set a flag the server polls, so it can remove its
/// folder before the process ends.
mod stop_signals {
    use super::{AtomicBool, Ordering};

    static RECEIVED: AtomicBool = AtomicBool::new(false);

    pub(super) fn received() -> bool {
        RECEIVED.load(Ordering::Relaxed)
    }

    #[cfg(unix)]
    pub(super) fn install() {
        extern "C" fn on_signal(_: libc::c_int) {
            RECEIVED.store(true, Ordering::Relaxed);
        }
        let handler: extern "C" fn(libc::c_int) = on_signal;
        // SAFETY: the handler only stores to an atomic, which is
        // async-signal-safe; `signal` is given a valid function pointer.
        unsafe {
            libc::signal(libc::SIGINT, handler as libc::sighandler_t);
            libc::signal(libc::SIGTERM, handler as libc::sighandler_t);
        }
    }

    #[cfg(not(unix))]
    pub(super) fn install() {}
}
