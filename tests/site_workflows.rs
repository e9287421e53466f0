//! The GitHub workflows `forkcast init` writes, run on a site it just made:
//! valid for the Actions schema, and each job's shell steps run in order as
//! GitHub would run them (bash -eo pipefail, in the checkout, `forkcast` on
//! the PATH, the workflow's, job's and step's `env:`, `if:` for the event),
//! for a pull request, a push and a nightly run. The `uses:` steps are
//! GitHub's: the test does their part itself (a clone with `origin` and
//! `main`; the built binary on the PATH in place of the release). Markets
//! answer from the mock on 127.0.0.1; nothing reaches the network.
#![cfg(unix)]

mod common;
#[path = "common/mock.rs"]
mod mock;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{TempDir, Tool, forkcast, git_at};
use mock::MockMarkets;
use serde::Deserialize;

/// The parts of a workflow file the runner reads.
#[derive(Deserialize)]
struct Workflow {
    /// The events that start it, by name.
    on: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    env: BTreeMap<String, String>,
    jobs: BTreeMap<String, Job>,
}

#[derive(Deserialize)]
struct Job {
    #[serde(default)]
    env: BTreeMap<String, String>,
    steps: Vec<Step>,
}

#[derive(Deserialize)]
struct Step {
    name: Option<String>,
    uses: Option<String>,
    run: Option<String>,
    #[serde(rename = "if")]
    condition: Option<String>,
    #[serde(default)]
    env: BTreeMap<String, String>,
}

impl Step {
    fn label(&self) -> String {
        self.name
            .clone()
            .or_else(|| self.run.clone())
            .or_else(|| self.uses.clone())
            .unwrap_or_default()
    }
}

/// A site made by `forkcast init`, committed on `main` and pushed to a bare
/// repository as `origin`, as a checkout on GitHub finds it.
struct Site {
    dir: TempDir,
}

impl Site {
    /// `forkcast init`, then `change` on the files before the first commit.
    fn new(change: impl FnOnce(&Path)) -> Site {
        let dir = TempDir::new("site-workflows");
        let o = forkcast(&["init", "site"], dir.path());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let site = Site { dir };
        change(&site.path());
        let bin = site.dir.path().join("bin");
        fs::create_dir(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_forkcast"), bin.join("forkcast")).unwrap();
        fs::create_dir(site.dir.path().join("home")).unwrap();
        git_at(
            site.dir.path(),
            "2026-11-01",
            &["init", "-q", "--bare", "origin.git"],
        );
        let path = site.path();
        git_at(&path, "2026-11-01", &["init", "-q", "-b", "main"]);
        common::commit(&path, "2026-11-01", "Start the site");
        git_at(
            &path,
            "2026-11-01",
            &["remote", "add", "origin", "../origin.git"],
        );
        git_at(&path, "2026-11-01", &["push", "-q", "-u", "origin", "main"]);
        site
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    fn workflow(&self, name: &str) -> PathBuf {
        self.path().join(".github/workflows").join(name)
    }

    /// `git ARGS` in `dir`, its output trimmed.
    fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = git_at(dir, "2026-11-02", args);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The commit `main` is at in `origin`.
    fn origin_main(&self) -> String {
        self.git(&self.dir.path().join("origin.git"), &["rev-parse", "main"])
    }
}

/// One run of a workflow: the steps that ran, and the job summary written.
struct Run {
    ran: Vec<String>,
    skipped: Vec<String>,
    summary: String,
    /// What the steps printed, stdout then stderr of each.
    log: String,
}

/// Runs every job of the workflow `name` of `site` as GitHub would for
/// `event`, with `runner_env` set as the runner's own environment; fails
/// the test at the first step that exits with an error.
fn run_workflow(site: &Site, name: &str, event: &str, runner_env: &[(&str, String)]) -> Run {
    let text = fs::read_to_string(site.workflow(name)).unwrap();
    let workflow: Workflow = serde_saphyr::from_str(&text).unwrap();
    assert!(
        workflow.on.contains_key(event),
        "{name} does not run on {event}"
    );
    let summary = site.dir.path().join(format!("summary-{name}-{event}.md"));
    fs::write(&summary, "").unwrap();
    let mut run = Run {
        ran: Vec::new(),
        skipped: Vec::new(),
        summary: String::new(),
        log: String::new(),
    };
    for job in workflow.jobs.values() {
        for step in &job.steps {
            let Some(script) = &step.run else {
                assert!(
                    step.uses.is_some(),
                    "{name}: a step with neither run nor uses"
                );
                continue;
            };
            assert!(
                !script.contains("${{"),
                "{name}: an expression pasted into a script (use env:): {script}"
            );
            if !step.condition.as_deref().is_none_or(|c| holds(c, event)) {
                run.skipped.push(step.label());
                continue;
            }
            let env = [&workflow.env, &job.env, &step.env]
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), expand(v, event)));
            let out = Command::new("bash")
                .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
                .current_dir(site.path())
                .env_clear()
                .env("PATH", runner_path(site))
                .env("HOME", site.dir.path().join("home"))
                .env("LANG", "C.UTF-8")
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("GIT_CONFIG_GLOBAL", "/dev/null")
                .env("CI", "true")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_EVENT_NAME", event)
                .env("GITHUB_WORKSPACE", site.path())
                .env("GITHUB_STEP_SUMMARY", &summary)
                .envs(runner_env.iter().map(|(k, v)| (*k, v)))
                .envs(env)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{name} on {event}: `{}` exited with {}:\n{}{}",
                step.label(),
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            run.log.push_str(&String::from_utf8_lossy(&out.stdout));
            run.log.push_str(&String::from_utf8_lossy(&out.stderr));
            run.ran.push(step.label());
        }
    }
    run.summary = fs::read_to_string(&summary).unwrap();
    run
}

/// The runner's PATH with the built forkcast first, where the project's
/// action puts the release.
fn runner_path(site: &Site) -> String {
    let bin = site.dir.path().join("bin");
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// Whether a step's `if:` holds for `event`; the test knows the conditions
/// on the event's name only, and fails on any other.
fn holds(condition: &str, event: &str) -> bool {
    let c = condition
        .trim()
        .trim_start_matches("${{")
        .trim_end_matches("}}")
        .trim();
    let quoted = |v: &str| v.trim().trim_matches('\'').to_string();
    if let Some(v) = c.strip_prefix("github.event_name ==") {
        return quoted(v) == event;
    }
    if let Some(v) = c.strip_prefix("github.event_name !=") {
        return quoted(v) != event;
    }
    panic!("the runner does not know the condition `{condition}`")
}

/// An `env:` value with its `${{ … }}` expressions replaced by what GitHub
/// would give a new repository: no secrets set, the base branch `main`.
fn expand(value: &str, event: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find("}}").expect("an unclosed expression");
        let expr = rest[start + 3..end].trim();
        out.push_str(&match expr {
            _ if expr.starts_with("secrets.") => String::new(),
            "github.base_ref" if event == "pull_request" => "main".into(),
            "github.base_ref" => String::new(),
            "github.run_id" => "1".into(),
            _ => panic!("the runner does not know `${{{{ {expr} }}}}`"),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Every market and GitHub API at `server`, so nothing reaches the network.
fn apis_at(server: &MockMarkets) -> Vec<(&'static str, String)> {
    [
        ("FORKCAST_MANIFOLD_URL", "manifold"),
        ("FORKCAST_POLYMARKET_URL", "polymarket"),
        ("FORKCAST_POLYMARKET_CLOB_URL", "clob"),
        ("FORKCAST_METACULUS_URL", "metaculus"),
        ("FORKCAST_KALSHI_URL", "kalshi"),
        ("FORKCAST_GITHUB_URL", "github"),
    ]
    .into_iter()
    .map(|(var, path)| (var, format!("{}/{path}", server.base)))
    .collect()
}

#[test]
fn the_generated_workflows_pass_the_actions_schema() {
    let needs = [Tool::Node, Tool::Npm("@action-validator/cli")];
    if !common::has_tools("the workflow validator", &needs) {
        return;
    }
    let site = Site::new(|_| {});
    let validator = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/.bin/action-validator");
    for name in ["check.yml", "nightly.yml"] {
        let out = Command::new(&validator)
            .arg(site.workflow(name))
            .output()
            .expect("cannot start action-validator");
        assert!(
            out.status.success(),
            "{name}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_workflows_install_the_release_that_wrote_them_with_the_least_permissions() {
    let site = Site::new(|_| {});
    let version = env!("CARGO_PKG_VERSION");
    for name in ["check.yml", "nightly.yml"] {
        let text = fs::read_to_string(site.workflow(name)).unwrap();
        assert!(
            text.contains(&format!(
                "uses: forkcast/forkcast@v{version}\n        with:\n          version: \"{version}\""
            )),
            "{name} installs forkcast {version} with the project's action:\n{text}"
        );
        assert!(
            !text.contains("cargo") && !text.contains("./target/"),
            "{name} builds forkcast from source"
        );
        assert_eq!(
            text.matches("uses: actions/checkout@").count(),
            text.matches("fetch-depth: 0").count(),
            "{name}: every checkout takes the whole history"
        );
        assert!(!text.contains(": write-all") && !text.contains("issues: write"));
    }
    let check = fs::read_to_string(site.workflow("check.yml")).unwrap();
    assert!(check.contains("permissions:\n  contents: read\n"));
    let nightly = fs::read_to_string(site.workflow("nightly.yml")).unwrap();
    for permission in [
        "contents: write",
        "issues: read",
        "pages: write",
        "id-token: write",
    ] {
        assert!(nightly.contains(permission), "nightly.yml: {permission}");
    }
    assert!(
        nightly.contains("Settings → Pages")
            && nightly.contains("https://<owner>.github.io/<repo>/"),
        "nightly.yml says how to turn Pages on and what base_url must be"
    );
    assert!(nightly.contains("concurrency:") && nightly.contains("cancel-in-progress: false"));
}

#[test]
fn a_pull_request_is_checked_and_its_diff_summarised() {
    let site = Site::new(|_| {});
    let path = site.path();
    // A contributor's branch adds a future, as GitHub checks it out: the
    // pull request's commit, with origin/main fetched beside it.
    site.git(&path, &["checkout", "-q", "-b", "robots"]);
    fs::write(
        path.join("futures/robots-build-robots.yaml"),
        "title: Robots build robots\nsummary: |\n  Factories of robots are run by robots.\nprobability: 0.2\n",
    )
    .unwrap();
    common::commit(&path, "2026-11-02", "A future: robots build robots");
    site.git(&path, &["fetch", "-q", "origin"]);

    let run = run_workflow(&site, "check.yml", "pull_request", &[]);
    assert_eq!(run.ran.len(), 3, "check, diff, build: {:?}", run.ran);
    assert!(
        run.summary.starts_with("### Forkcast: `origin/main`")
            && run.summary.contains("Robots build robots"),
        "the job summary names the new future:\n{}",
        run.summary
    );
    assert!(
        path.join("public/futures/robots-build-robots/index.html")
            .is_file()
    );

    // The push that merges it is checked and built, with no diff.
    site.git(&path, &["checkout", "-q", "main"]);
    site.git(&path, &["merge", "-q", "--ff-only", "robots"]);
    let run = run_workflow(&site, "check.yml", "push", &[]);
    assert_eq!(run.skipped, ["What this pull request changes"]);
    assert_eq!(run.summary, "");
}

#[test]
fn a_nightly_run_on_a_site_without_markets_publishes_and_commits_nothing() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = Site::new(|_| {});
    let path = site.path();
    let pushed = site.origin_main();
    for event in ["schedule", "workflow_dispatch", "push"] {
        let run = run_workflow(&site, "nightly.yml", event, &apis_at(&server));
        assert!(
            path.join("public/index.html").is_file(),
            "{event}: nothing to deploy"
        );
        let fetched = run.ran.iter().any(|s| s.starts_with("Refresh"));
        assert_eq!(fetched, event != "push", "{event}: {:?}", run.ran);
    }
    assert!(!path.join("data").exists(), "no markets, no snapshot");
    assert!(server.requests().is_empty(), "{:?}", server.requests());
    assert_eq!(site.origin_main(), pushed, "nothing was pushed");
    assert_eq!(site.git(&path, &["rev-parse", "HEAD"]), pushed);
    // The build's output and cache are ignored: the tree is as committed.
    assert_eq!(site.git(&path, &["status", "--porcelain"]), "");
}

/// The site `init` writes, with one future priced by a Manifold market.
fn site_with_a_market() -> Site {
    Site::new(|path| {
        let future = path.join("futures/models-keep-improving.yaml");
        let text = fs::read_to_string(&future).unwrap();
        fs::write(
            &future,
            format!("{text}markets:\n  - manifold:agi-binary-open\n"),
        )
        .unwrap();
    })
}

#[test]
fn a_nightly_run_commits_changed_prices_as_the_bot_and_pushes_them() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_a_market();
    let path = site.path();
    let first = site.origin_main();

    let run = run_workflow(&site, "nightly.yml", "schedule", &apis_at(&server));
    assert!(run.skipped.is_empty(), "{:?}", run.skipped);
    assert!(server.count("/manifold/slug/agi-binary-open") > 0);
    let pushed = site.origin_main();
    assert_ne!(pushed, first, "the prices were not pushed");
    assert_eq!(site.git(&path, &["rev-parse", "HEAD"]), pushed);
    let origin = site.dir.path().join("origin.git");
    assert_eq!(
        site.git(&origin, &["log", "-1", "--format=%an <%ae>", "main"]),
        "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
    );
    let files = site.git(&origin, &["show", "--name-only", "--format=", "main"]);
    assert!(
        !files.is_empty() && files.lines().all(|f| f.starts_with("data/")),
        "the bot commits data/ only: {files}"
    );
    assert_eq!(site.git(&origin, &["rev-parse", "main^"]), first);
    assert!(
        path.join("public/futures/models-keep-improving/index.html")
            .is_file()
    );
    assert_eq!(site.git(&path, &["status", "--porcelain"]), "");
}

#[test]
fn a_refused_push_still_publishes_the_fresh_prices_with_a_warning() {
    let server = MockMarkets::start(Duration::ZERO);
    let site = site_with_a_market();
    // A protected main: the remote refuses every push.
    let hook = site.dir.path().join("origin.git/hooks/pre-receive");
    fs::write(&hook, "#!/bin/sh\necho 'protected branch' >&2\nexit 1\n").unwrap();
    fs::set_permissions(&hook, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let first = site.origin_main();

    let run = run_workflow(&site, "nightly.yml", "schedule", &apis_at(&server));
    assert_eq!(site.origin_main(), first, "the remote took the push");
    assert!(
        run.ran.iter().any(|s| s == "Build the site"),
        "{:?}",
        run.ran
    );
    assert!(
        run.log
            .contains("::warning::The refreshed data/ was not pushed"),
        "{}",
        run.log
    );
    let page = fs::read_to_string(
        site.path()
            .join("public/futures/models-keep-improving/index.html"),
    )
    .unwrap();
    assert!(page.contains("Manifold"), "the fresh price is published");
}
