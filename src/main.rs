//! The `forkcast` command: a thin layer over the library that parses
//! arguments, prints diagnostics and sets the exit status
//! (0 success, 1 content errors, 2 usage errors).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};
use forkcast::diagnostics::{self, Format};
use forkcast::scaffold::{self, NewKind};
use forkcast::serve::{Event, ServeError, ServeOptions, Server};
use forkcast::{BuildOptions, Diagnostic, Error};

#[derive(Parser)]
#[command(
    name = "forkcast",
    version,
    about = "A static site generator for futures-and-bets knowledge sites"
)]
struct Cli {
    /// The site's folder (the one with site.yaml).
    #[arg(long, short = 'r', global = true, default_value = ".")]
    root: PathBuf,
    /// Print errors only.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print what each step did and how long it took.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scaffold a new site (config, theme, one post, two futures, one bet).
    Init {
        /// Where to create it (default: the current folder).
        dir: Option<PathBuf>,
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
    /// Refresh market values and history only (data/markets.json, data/history/).
    Fetch,
    /// Merge recorded history into data/history/ and data/markets.json.
    ImportHistory {
        /// A CSV file with the header `reference,date,value` (optionally
        /// also `title`, `url`, `status`): one row per market and day.
        file: PathBuf,
    },
    /// Create a post, future or bet from a template.
    New {
        #[arg(value_enum)]
        kind: KindArg,
        /// Its title; the file name is made from it.
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Human,
    Github,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Post,
    Future,
    Bet,
}

struct Printer {
    root: PathBuf,
    format: Format,
    color: bool,
    quiet: bool,
}

impl Printer {
    fn diagnostics(&self, diags: &[Diagnostic]) {
        for d in diags.iter().filter(|d| d.is_error() || !self.quiet) {
            eprint!(
                "{}",
                diagnostics::render(d, &self.root, self.format, self.color)
            );
        }
    }

    /// A progress line for market fetching: redrawn in place on a
    /// terminal, a few plain lines otherwise, nothing with --quiet.
    fn progress(&self) -> impl Fn(usize, usize) + Sync + use<> {
        let tty = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let quiet = self.quiet;
        move |done: usize, total: usize| {
            if quiet {
                return;
            }
            if tty {
                let width = 30;
                let filled = done * width / total.max(1);
                eprint!(
                    "\rfetching markets [{}{}] {done}/{total}",
                    "#".repeat(filled),
                    " ".repeat(width - filled)
                );
            } else if done == total || done.is_multiple_of((total / 4).max(1)) {
                eprintln!("fetching markets: {done}/{total}");
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
        match e {
            Error::NoSite(_) => self.error(&format!("{e}\n  = help: run forkcast in a site's folder, pass `--root DIR`, or create a site with `forkcast init`")),
            Error::Content(diags) => {
                self.diagnostics(diags);
                let errors = diags.iter().filter(|d| d.is_error()).count();
                let warnings = diags.len() - errors;
                self.error(&format!(
                    "{errors} error{}{}{kept}",
                    plural(errors),
                    if warnings > 0 { format!(", {warnings} warning{}", plural(warnings)) } else { String::new() }
                ));
            }
            Error::Render(e) => self.error(&format!("{e}\n  = help: fix the template; the previous output was left as it was")),
            Error::Write(e) => self.error(&format!("{e}\n  = help: the previous output was left as it was")),
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
    let p = Printer {
        root: cli.root.clone(),
        format,
        color: color && format == Format::Human,
        quiet: cli.quiet,
    };
    let started = Instant::now();
    match cli.command {
        Command::Init { dir } => {
            let dir = dir.unwrap_or(cli.root);
            match scaffold::init(&dir) {
                Ok(files) => {
                    p.info(&format!(
                        "Created a site in {} ({} files). Next: cd there and run `forkcast build`.",
                        dir.display(),
                        files.len()
                    ));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    p.error(&e.to_string());
                    ExitCode::from(1)
                }
            }
        }
        Command::New { kind, name } => {
            let kind = match kind {
                KindArg::Post => NewKind::Post,
                KindArg::Future => NewKind::Future,
                KindArg::Bet => NewKind::Bet,
            };
            match scaffold::new(&cli.root, kind, &name) {
                Ok(path) => {
                    p.info(&format!("Created {}", path.display()));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    p.error(&e.to_string());
                    ExitCode::from(1)
                }
            }
        }
        Command::Check {
            online,
            format: _,
            drafts,
        } => {
            let options = BuildOptions {
                drafts,
                ..BuildOptions::default()
            };
            match forkcast::check(&cli.root, &options, online) {
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
        Command::Serve { port, open, drafts } => {
            serve(&p, &cli.root, &ServeOptions { port, drafts }, open, started)
        }
        Command::Fetch => {
            let progress = p.progress();
            match forkcast::fetch(&cli.root, &BuildOptions::default(), &progress) {
                Ok((summary, warnings)) => {
                    p.end_progress();
                    p.diagnostics(&warnings);
                    p.info(&format!("{summary} in {:.2?}", started.elapsed()));
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    p.end_progress();
                    p.failure(&e, false)
                }
            }
        }
        Command::ImportHistory { .. } if !cli.root.join(forkcast::config::FILE).is_file() => {
            p.failure(&Error::NoSite(cli.root), false)
        }
        Command::ImportHistory { file } => {
            match forkcast::markets::import_history(&cli.root, &file) {
                Ok(done) => {
                    p.info(&format!("{done} in {:.2?}", started.elapsed()));
                    ExitCode::SUCCESS
                }
                Err(diags) => p.failure(&Error::Content(diags), false),
            }
        }
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
            let progress = p.progress();
            let result =
                forkcast::build_with_progress(&cli.root, output.as_deref(), &options, &progress);
            p.end_progress();
            match result {
                Ok(built) => {
                    p.diagnostics(&built.warnings);
                    p.info(&built.markets.to_string());
                    if cli.verbose {
                        eprintln!("{}", built.summary);
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
                Err(e) => p.failure(&e, true),
            }
        }
    }
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
            return ExitCode::from(1);
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
    let printer = Printer {
        root: server.root().to_path_buf(),
        ..*p
    };
    server.run_until_stopped(|event| match event {
        Event::Rebuilt { what, took } => {
            let fixed = if broken.replace(false) { "fixed; " } else { "" };
            printer.info(&format!("{fixed}rebuilt {what} in {took:.1?}"));
        }
        Event::Problem(diags) => {
            broken.set(true);
            printer.diagnostics(diags);
            printer.error("the site has errors; the last good build is still served");
        }
        Event::Failed(text) => {
            broken.set(true);
            printer.error(text);
        }
    });
    drop(server);
    printer.info("Stopped; removed the served folder");
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
