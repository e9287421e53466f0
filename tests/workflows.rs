//! The GitHub workflows are valid (checked with action-validator, a
//! validator for the Actions schema, from tests/browser/node_modules) and do
//! what CONTRIBUTING.md promises.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::Tool;

fn workflows_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".github/workflows")
}

fn workflow(name: &str) -> String {
    std::fs::read_to_string(workflows_dir().join(name)).unwrap()
}

#[test]
fn workflows_pass_the_actions_schema() {
    let needs = [Tool::Node, Tool::Npm("@action-validator/cli")];
    if !common::has_tools("the workflow validator", &needs) {
        return;
    }
    let validator = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/.bin/action-validator");
    let mut names: Vec<PathBuf> = std::fs::read_dir(workflows_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    names.sort();
    assert!(names.len() >= 3, "check, nightly and ci: {names:?}");
    for path in names {
        let out = Command::new(&validator)
            .arg(&path)
            .output()
            .expect("cannot start action-validator");
        assert!(
            out.status.success(),
            "{}: {}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_pull_request_check_annotates_and_the_nightly_job_refreshes() {
    let check = workflow("check.yml");
    assert!(check.contains("pull_request"));
    assert!(check.contains("forkcast check --format github"));
    assert!(check.contains("rust-cache"), "the binary build is cached");
    let nightly = workflow("nightly.yml");
    assert!(nightly.contains("schedule:") && nightly.contains("workflow_dispatch:"));
    assert!(nightly.contains("forkcast fetch"));
    assert!(
        nightly.contains("${{ secrets.FORKCAST_METACULUS_TOKEN }}"),
        "the token comes from a secret"
    );
    assert!(
        nightly.contains("GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}")
            && nightly.contains("issues: read")
            && !nightly.contains("issues: write"),
        "discussion counts are read with the workflow's token, which may not open issues"
    );
    assert!(
        !nightly.contains("discuss --create"),
        "threads are opened by hand only"
    );
    assert!(nightly.contains("git add data/"));
    assert!(nightly.contains("deploy-pages"));
    // The cache of social cards is kept between nights: saved under a new
    // key each run, restored from the newest, before the build.
    let cache = nightly
        .find("actions/cache@")
        .expect("the site's cache is kept");
    assert!(cache < nightly.find("forkcast build").unwrap());
    assert!(nightly.contains("path: .forkcast-cache"));
    assert!(nightly.contains("key: forkcast-cache-${{ github.run_id }}"));
    assert!(nightly.contains("restore-keys: forkcast-cache-"));
}

#[test]
fn a_pull_request_gets_its_diff_in_the_job_summary_without_script_injection() {
    let check = workflow("check.yml");
    assert!(
        check.contains(
            r#"forkcast diff "origin/$BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY""#
        ),
        "the diff against the base branch goes to the job summary"
    );
    assert!(check.contains("BASE_REF: ${{ github.base_ref }}"));
    // A branch name is its author's text: pasted into a script by the
    // expression syntax, `a";curl …` would run. Only `env:` may hold it.
    for line in check.lines().filter(|l| l.contains("github.base_ref")) {
        assert!(
            line.trim_start().starts_with("BASE_REF:"),
            "base_ref outside env: {line}"
        );
    }
    assert!(check.contains("if: github.event_name == 'pull_request'"));
}

#[test]
fn the_code_is_linted_and_tested_with_the_browser_on_every_push() {
    let ci = workflow("ci.yml");
    assert!(ci.contains("push") && ci.contains("pull_request"));
    for step in [
        "cargo fmt --all -- --check",
        "cargo clippy --all-targets -- -D warnings",
        "cargo test",
        "apt-get install",
        "npm ci",
    ] {
        assert!(ci.contains(step), "ci.yml does not run `{step}`");
    }
    assert!(
        ci.contains("FORKCAST_REQUIRE_BROWSER: 1")
            || ci.contains("FORKCAST_REQUIRE_BROWSER: \"1\""),
        "the browser tests may not skip in CI"
    );
}

#[test]
fn every_workflow_checks_out_the_whole_history() {
    // The estimates' history is read from git: a shallow checkout would
    // show each future's newest change only (and warn).
    for name in ["check.yml", "ci.yml", "nightly.yml"] {
        let w = workflow(name);
        let checkouts = w.matches("uses: actions/checkout@").count();
        assert!(checkouts > 0, "{name} checks out the site");
        assert_eq!(
            w.matches("fetch-depth: 0").count(),
            checkouts,
            "{name}: every checkout needs `with: fetch-depth: 0`"
        );
    }
}
