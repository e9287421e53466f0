//! The `forkcast` command: a thin layer over the library that parses
//! arguments, prints diagnostics and sets the exit status
//! (0 success, 1 content errors, 2 usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{ArgGroup, Parser, Subcommand, ValueEnum};
use forkcast::evidence::{Direction, EvidenceError, NewEvidence};
use forkcast::scaffold::{self, NewKind};
use forkcast::serve::{Event, ServeError, ServeOptions, Server};
use forkcast::{BuildOptions, Diagnostic, DiscussError, Error, Format, config, render_all};

const GLOBAL: &str = "Global options";

#[derive(Parser)]
#[command(
    name = "forkcast",
    version,
    about = "A static site generator for futures-and-bets knowledge sites",
    after_help = "Every command but init works on the site in the current folder or the nearest\n\
                  folder above it that holds a site.yaml, as cargo finds a package; --root names\n\
                  another.\n\n\
                  Exit status: 0 success, 1 problems in the site's files, 2 usage errors."
)]
struct Cli {
    /// The site's folder (default: the nearest folder from here up with a site.yaml).
    #[arg(long, short = 'r', global = true, value_name = "DIR", help_heading = GLOBAL)]
    root: Option<PathBuf>,
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    quiet: bool,
    /// Print what each step did and how long it took.
    #[arg(long, short, global = true, help_heading = GLOBAL)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a site: config, a post, two futures, a bet, GitHub workflows (the theme is built in).
    Init {
        /// Where to create it: a folder without a site.yaml (default: --root, or the current folder).
        dir: Option<PathBuf>,
        /// Write no GitHub workflows (.github/workflows/check.yml and nightly.yml).
        #[arg(long)]
        no_workflows: bool,
    },
    /// Build the site into public/.
    Build {
        /// Fetch no market prices; use the committed snapshot.
        #[arg(long)]
        offline: bool,
        /// Include posts marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Override `base_url` from site.yaml.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Where to write the site (default: public/ in the site's folder).
        #[arg(long, short, value_name = "DIR")]
        output: Option<PathBuf>,
    },
    /// Validate everything; write nothing.
    Check {
        /// Also check that every market reference resolves.
        #[arg(long)]
        online: bool,
        /// How to print problems.
        #[arg(long, value_enum, default_value = "human")]
        format: FormatArg,
        /// Check drafts too.
        #[arg(long)]
        drafts: bool,
    },
    /// Build, serve on 127.0.0.1, rebuild what changed and reload the browser.
    Serve {
        /// The port (0 picks a free one).
        #[arg(long, short, default_value_t = 1111)]
        port: u16,
        /// Open the site in a browser.
        #[arg(long)]
        open: bool,
        /// Include posts marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Refresh market values and history, and discussion counts, only (data/).
    Fetch,
    /// List the futures and bets that have no discussion thread on GitHub yet.
    Discuss {
        /// Open one issue for each of them (needs GITHUB_TOKEN); running it
        /// again opens nothing.
        #[arg(long)]
        create: bool,
    },
    /// Merge recorded history into data/history/ and data/markets.json.
    ImportHistory {
        /// A CSV file with the header `reference,date,value` (optionally
        /// also `title`, `url`, `status`): one row per market and day.
        file: PathBuf,
    },
    /// Create a post, page, future or bet from a template.
    New {
        /// What to create.
        #[arg(value_enum)]
        kind: KindArg,
        /// Its title; the file name is made from it.
        name: String,
    },
    /// What the working tree changes against a git revision: futures and
    /// bets added, removed or changed, and every number that moves.
    #[command(
        after_help = "Examples:\n  forkcast diff                  against the last commit\n  forkcast diff origin/main --format markdown >> \"$GITHUB_STEP_SUMMARY\"\n\n\
                      Both versions are computed from the committed market snapshot; nothing is\n\
                      fetched or written. Exit status: 0 compared, 1 a version does not load,\n\
                      2 an unknown revision."
    )]
    Diff {
        /// The revision to compare with: a branch, tag or commit (`git log --oneline` lists them).
        #[arg(default_value = "HEAD")]
        rev: String,
        /// How to print it.
        #[arg(long, value_enum, default_value = "human")]
        format: DiffFormatArg,
    },
    /// Record dated evidence on a future, in its file.
    Evidence {
        #[command(subcommand)]
        action: EvidenceAction,
    },
    /// Change the built-in theme.
    Theme {
        #[command(subcommand)]
        action: ThemeAction,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Copy the built-in templates (or one) into templates/, never over a
    /// file that is there.
    Eject {
        /// One template: `post.html`, or `post` (default: all of them).
        template: Option<String>,
    },
}

#[derive(Subcommand)]
enum EvidenceAction {
    /// Append one item to a future's `evidence:` list (started if it has
    /// none), changing no other byte of the file.
    #[command(
        group(ArgGroup::new("direction").required(true).args(["for_", "against"])),
        after_help = "Example:\n  forkcast evidence add agi-arrives https://example.org/report --for \\\n    --title \"Lab X reports week-long agent tasks\" --date 2026-05-02\n\n\
                      Nothing is written unless the file still loads with the item added.\n\
                      Exit status: 0 added, 1 a problem in the future's file, 2 wrong arguments."
    )]
    Add {
        /// The future's id: its file's name in futures/ without `.yaml`.
        future: String,
        /// Where the evidence is: an http:// or https:// address.
        url: String,
        /// It makes the future more likely.
        #[arg(long = "for")]
        for_: bool,
        /// It makes the future less likely.
        #[arg(long)]
        against: bool,
        /// What happened, in one line.
        #[arg(long, value_name = "T", allow_hyphen_values = true)]
        title: String,
        /// The day it was published, YYYY-MM-DD, not after today (default:
        /// today, from SOURCE_DATE_EPOCH when set).
        #[arg(long, value_name = "D")]
        date: Option<String>,
        /// One line of Markdown about it.
        #[arg(long, value_name = "N", allow_hyphen_values = true)]
        note: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// For people: each problem with its source line and a hint.
    Human,
    /// GitHub Actions annotations on the pull request's lines.
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum DiffFormatArg {
    /// For a terminal: aligned plain text.
    Human,
    /// For a GitHub job summary: a heading and tables.
    Markdown,
    /// Machine-readable, probabilities as fractions.
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    /// A post, in content/posts/.
    Post,
    /// A page without a date, in content/ (its address is /NAME/).
    Page,
    /// A future, in futures/.
    Future,
    /// A bet, in bets/.
    Bet,
}

/// The site a command works on.
struct SiteDir {
    /// Where its files are read from.
    root: PathBuf,
    /// What the paths in diagnostics are shown joined to: the root as given
    /// with `--root`, or `.` (relative to the site root, as cargo does) for
    /// a site found above the current folder.
    shown: PathBuf,
}

impl SiteDir {
    fn current() -> SiteDir {
        SiteDir {
            root: PathBuf::from("."),
            shown: PathBuf::from("."),
        }
    }

    /// `--root`, or else the current folder or the nearest one above it
    /// with a site.yaml. The error says what was searched and what to do.
    fn locate(root: Option<PathBuf>) -> Result<SiteDir, String> {
        match root {
            Some(root) => SiteDir::given(root),
            None => SiteDir::found_from_here(),
        }
    }

    /// `--root` names the site: it must hold the site.yaml itself.
    fn given(root: PathBuf) -> Result<SiteDir, String> {
        if root.join(config::FILE).is_file() {
            return Ok(SiteDir {
                shown: root.clone(),
                root,
            });
        }
        Err(format!(
            "{} (given with --root)\n  = help: pass `--root` a folder that holds a {}, or create a site there with `forkcast init {}`",
            Error::NoSite(root.clone()),
            config::FILE,
            root.display()
        ))
    }

    fn found_from_here() -> Result<SiteDir, String> {
        let here =
            std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
        match config::find_root(&here) {
            Some(found) if found == here => Ok(SiteDir::current()),
            Some(found) => Ok(SiteDir {
                root: found,
                shown: PathBuf::from("."),
            }),
            None => Err(format!(
                "no {} in {} or any folder above it\n  = help: run forkcast inside a site, pass `--root DIR`, or create a site with `forkcast init`",
                config::FILE,
                here.display()
            )),
        }
    }
}

struct Printer {
    site: SiteDir,
    format: Format,
    color: bool,
    quiet: bool,
}

impl Printer {
    fn diagnostics(&self, diags: &[Diagnostic]) {
        let shown: Vec<Diagnostic> = diags
            .iter()
            .filter(|d| d.is_error() || !self.quiet)
            .cloned()
            .collect();
        eprint!(
            "{}",
            render_all(
                &shown,
                &self.site.root,
                &self.site.shown,
                self.format,
                self.color
            )
        );
    }

    /// A progress line for fetching markets or discussions: redrawn in
    /// place on a terminal, a few plain lines otherwise, nothing with --quiet.
    fn progress(&self) -> impl Fn(&str, usize, usize) + Sync + use<> {
        let tty = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let quiet = self.quiet;
        move |what: &str, done: usize, total: usize| {
            if quiet {
                return;
            }
            if tty {
                let width = 30;
                let filled = done * width / total.max(1);
                eprint!(
                    "\r\x1b[2Kfetching {what} [{}{}] {done}/{total}",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
            } else if done == total || done.is_multiple_of((total / 4).max(1)) {
                eprintln!("fetching {what}: {done}/{total}");
            }
        }
    }

    fn end_progress(&self) {
        if !self.quiet && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none() {
            eprint!("\r\x1b[2K");
        }
    }

    fn error(&self, message: &str) {
        if self.color {
            eprintln!("\x1b[1;31merror:\x1b[0m {message}");
        } else {
            eprintln!("error: {message}");
        }
    }

    fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Prints a failed run and returns its exit status.
    fn failure(&self, e: &Error, wrote: bool) -> ExitCode {
        let kept = if wrote { "; nothing was written" } else { "" };
        // Diagnostics of a site found above the current folder show paths
        // from its root; say which root that is.
        let place = if self.site.shown == self.site.root {
            String::new()
        } else {
            format!(" in {}", self.site.root.display())
        };
        match e {
            Error::NoSite(_) => self.error(&format!("{e}\n  = help: run forkcast in a site's folder, pass `--root DIR`, or create a site with `forkcast init`")),
            Error::Content(diags) => {
                self.diagnostics(diags);
                let errors = diags.iter().filter(|d| d.is_error()).count();
                let warnings = diags.len() - errors;
                self.error(&format!(
                    "{errors} error{}{}{place}{kept}",
                    plural(errors),
                    if warnings > 0 { format!(", {warnings} warning{}", plural(warnings)) } else { String::new() }
                ));
            }
            Error::Render(e) => self.error(&format!("{e}\n  = help: fix the template; the previous output was left as it was")),
            Error::Write(e) => self.error(&format!("{e}\n  = help: the previous output was left as it was")),
            Error::Output(e) => {
                self.error(&format!("{e}; nothing was written\n  = help: {}", e.help));
                return ExitCode::from(2);
            }
            Error::Discuss(DiscussError::NoToken) => {
                self.error(&format!("{e}\n  = help: set GITHUB_TOKEN to a token that may open issues in the repository (a fine-grained token with Issues: read and write)"));
                return ExitCode::from(2);
            }
            Error::Discuss(_) => self.error(&format!("{e}\n  = help: check the network and GITHUB_TOKEN, then run it again: it opens only what is missing")),
            Error::Client(_) => self.error(&format!("{e}\n  = help: build with `--offline` to use the committed snapshots")),
        }
        ExitCode::from(1)
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn main() -> ExitCode {
    no_huge_pages();
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let format = match &cli.command {
        Command::Check {
            format: FormatArg::Github,
            ..
        } => Format::Github,
        _ => Format::Human,
    };
    let mut p = Printer {
        site: SiteDir::current(),
        format,
        color: color && format == Format::Human,
        quiet: cli.quiet,
    };
    let started = Instant::now();
    if let Command::Init { dir, no_workflows } = cli.command {
        // init makes a site rather than looking for one.
        let dir = dir.or(cli.root).unwrap_or_else(|| PathBuf::from("."));
        return init(&p, &dir, !no_workflows);
    }
    match SiteDir::locate(cli.root.clone()) {
        Ok(site) => p.site = site,
        Err(message) => {
            p.error(&message);
            return ExitCode::from(2);
        }
    }
    let root = p.site.root.clone();
    match cli.command {
        Command::Init { .. } => unreachable!("handled above"),
        Command::New { kind, name } => new(&p, &root, kind, &name),
        Command::Evidence {
            action:
                EvidenceAction::Add {
                    future,
                    url,
                    for_,
                    against: _,
                    title,
                    date,
                    note,
                },
        } => {
            let new = NewEvidence {
                future,
                url,
                // clap requires exactly one of --for and --against.
                direction: if for_ {
                    Direction::For
                } else {
                    Direction::Against
                },
                title,
                date,
                note,
            };
            evidence_add(&p, &root, &new)
        }
        Command::Check { online, drafts, .. } => check(&p, &root, online, drafts, started),
        Command::Serve { port, open, drafts } => {
            serve(&p, &root, &ServeOptions { port, drafts }, open, started)
        }
        Command::Fetch => fetch(&p, &root, started),
        Command::Diff { rev, format } => diff(&p, &root, &rev, format),
        Command::Theme {
            action: ThemeAction::Eject { template },
        } => theme_eject(&p, &root, template.as_deref()),
        Command::Discuss { create } => discuss(&p, &root, create),
        Command::ImportHistory { file } => import_history(&p, &root, &file, started),
        Command::Build {
            offline,
            drafts,
            base_url,
            output,
        } => {
            let options = BuildOptions {
                drafts,
                base_url,
                offline,
                ..BuildOptions::default()
            };
            build(&p, &root, output.as_deref(), &options, cli.verbose, started)
        }
    }
}

fn init(p: &Printer, dir: &Path, workflows: bool) -> ExitCode {
    match scaffold::init(dir, workflows) {
        Ok(made) => {
            p.info(&made.to_string());
            ExitCode::SUCCESS
        }
        Err(e) => scaffold_failed(p, &e),
    }
}

fn scaffold_failed(p: &Printer, e: &scaffold::ScaffoldError) -> ExitCode {
    p.error(&e.to_string());
    ExitCode::from(if e.is_usage() { 2 } else { 1 })
}

fn new(p: &Printer, root: &Path, kind: KindArg, name: &str) -> ExitCode {
    let kind = match kind {
        KindArg::Post => NewKind::Post,
        KindArg::Page => NewKind::Page,
        KindArg::Future => NewKind::Future,
        KindArg::Bet => NewKind::Bet,
    };
    match scaffold::new(root, kind, name) {
        Ok(path) => {
            p.info(&format!("Created {}", path.display()));
            ExitCode::SUCCESS
        }
        Err(e) => scaffold_failed(p, &e),
    }
}

fn evidence_add(p: &Printer, root: &Path, new: &NewEvidence) -> ExitCode {
    match forkcast::evidence::add(root, new) {
        Ok(added) => {
            p.info(&added.to_string());
            ExitCode::SUCCESS
        }
        Err(EvidenceError::File(diags)) => p.failure(&Error::Content(diags), true),
        Err(e) => {
            p.error(&e.to_string());
            ExitCode::from(if e.is_usage() { 2 } else { 1 })
        }
    }
}

fn check(p: &Printer, root: &Path, online: bool, drafts: bool, started: Instant) -> ExitCode {
    let options = BuildOptions {
        drafts,
        ..BuildOptions::default()
    };
    match forkcast::check(root, &options, online) {
        Ok(warnings) => {
            p.diagnostics(&warnings);
            p.info(&format!(
                "No errors ({} warning{}) in {:.2?}",
                warnings.len(),
                plural(warnings.len()),
                started.elapsed()
            ));
            ExitCode::SUCCESS
        }
        Err(e) => p.failure(&e, false),
    }
}

fn fetch(p: &Printer, root: &Path, started: Instant) -> ExitCode {
    let progress = p.progress();
    let result = forkcast::fetch(root, &BuildOptions::default(), &progress);
    p.end_progress();
    match result {
        Ok((summary, warnings)) => {
            p.diagnostics(&warnings);
            p.info(&format!("{summary} in {:.2?}", started.elapsed()));
            ExitCode::SUCCESS
        }
        Err(e) => p.failure(&e, false),
    }
}

fn discuss(p: &Printer, root: &Path, create: bool) -> ExitCode {
    match forkcast::discuss(root, &BuildOptions::default(), create) {
        // What it opened is its output, even with --quiet.
        Ok(done) if done.stopped.is_some() => {
            println!("{done}");
            p.error(done.stopped.as_deref().unwrap_or_default());
            ExitCode::from(1)
        }
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(e) => p.failure(&e, false),
    }
}

fn diff(p: &Printer, root: &Path, rev: &str, format: DiffFormatArg) -> ExitCode {
    use forkcast::diff::DiffError;
    match forkcast::diff::diff(root, rev, &BuildOptions::default()) {
        Ok(compared) => {
            print!(
                "{}",
                match format {
                    DiffFormatArg::Human => compared.human(),
                    DiffFormatArg::Markdown => compared.markdown(),
                    DiffFormatArg::Json => compared.json(),
                }
            );
            ExitCode::SUCCESS
        }
        Err(DiffError::Content(diags)) => p.failure(&Error::Content(diags), false),
        Err(DiffError::NoSite(dir)) => p.failure(&Error::NoSite(dir), false),
        Err(e) => {
            let help = e
                .help()
                .map(|h| format!("\n  = help: {h}"))
                .unwrap_or_default();
            p.error(&format!("{e}{help}"));
            ExitCode::from(if e.is_usage() { 2 } else { 1 })
        }
    }
}

fn theme_eject(p: &Printer, root: &Path, template: Option<&str>) -> ExitCode {
    match forkcast::theme::eject(root, template) {
        Ok(done) => {
            p.info(&done.to_string());
            ExitCode::SUCCESS
        }
        Err(e) => {
            p.error(&e.to_string());
            ExitCode::from(if e.is_usage() { 2 } else { 1 })
        }
    }
}

fn import_history(p: &Printer, root: &Path, file: &Path, started: Instant) -> ExitCode {
    match forkcast::markets::import_history(root, file) {
        Ok(done) => {
            p.info(&format!("{done} in {:.2?}", started.elapsed()));
            ExitCode::SUCCESS
        }
        Err(diags) => p.failure(&Error::Content(diags), false),
    }
}

fn build(
    p: &Printer,
    root: &Path,
    output: Option<&Path>,
    options: &BuildOptions,
    verbose: bool,
    started: Instant,
) -> ExitCode {
    let progress = p.progress();
    let result = forkcast::build_with_progress(root, output, options, &progress);
    p.end_progress();
    let built = match result {
        Ok(built) => built,
        Err(e) => return p.failure(&e, true),
    };
    p.diagnostics(&built.warnings);
    p.info(&built.markets.to_string());
    if let Some(community) = &built.community {
        p.info(&community.to_string());
    }
    if verbose {
        eprintln!("{}", built.summary);
        eprintln!("{}", built.history);
        eprintln!("{}", built.cards);
        for (stage, took) in &built.timings {
            eprintln!("  {stage}: {took:.2?}");
        }
    }
    p.info(&format!(
        "Built {} into {} in {:.2?}",
        built.written,
        display_path(&built.output),
        started.elapsed()
    ));
    ExitCode::SUCCESS
}

/// Serves the site until Ctrl-C, printing each rebuild and each problem
/// (located, as `check` prints it) and when it is fixed.
fn serve(
    p: &Printer,
    root: &Path,
    options: &ServeOptions,
    open: bool,
    started: Instant,
) -> ExitCode {
    let server = match Server::start(root, options) {
        Ok(server) => server,
        Err(ServeError::Build(e)) => return p.failure(&e, false),
        Err(e @ ServeError::Port(..)) => {
            p.error(&format!(
                "{e}\n  = help: pick another with `--port N` (0 picks a free one)"
            ));
            return ExitCode::from(2);
        }
        Err(e) => {
            p.error(&e.to_string());
            return ExitCode::from(1);
        }
    };
    p.info(&format!(
        "Serving {} on {} (built in {:.2?}); watching for changes, Ctrl-C to stop",
        server.root().display(),
        server.url(),
        started.elapsed()
    ));
    if open {
        let opener = if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        };
        let _ = std::process::Command::new(opener).arg(server.url()).spawn();
    }
    let broken = std::cell::Cell::new(false);
    server.run_until_stopped(|event| match event {
        Event::Rebuilt { what, took } => {
            let fixed = if broken.replace(false) { "fixed; " } else { "" };
            p.info(&format!("{fixed}rebuilt {what} in {took:.1?}"));
        }
        Event::Problem(diags) => {
            broken.set(true);
            p.diagnostics(diags);
            p.error("the site has errors; the last good build is still served");
        }
        Event::Failed(text) => {
            broken.set(true);
            p.error(text);
        }
    });
    drop(server);
    p.info("Stopped; removed the served folder");
    ExitCode::SUCCESS
}

fn display_path(p: &Path) -> String {
    p.strip_prefix("./").unwrap_or(p).display().to_string()
}

/// mimalloc asks for transparent huge pages, and the kernel then zeroes
/// 2 MB at a time on first touch. On the benchmark machine that was a third
/// of a build's system time and 30 MB of peak memory, for no gain.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and only changes how
    // the kernel backs this process's future memory.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

// A build allocates and frees millions of small strings from two threads;
// mimalloc made the 10,000-post benchmark about 12 % faster than glibc's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
