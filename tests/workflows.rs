//! The GitHub workflows are valid (checked with action-validator, a
//! validator for the Actions schema, from tests/browser/node_modules) and do
//! what CONTRIBUTING.md promises.

use std::path::Path;
use std::process::Command;

fn workflow(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(".github/workflows")
            .join(name),
    )
    .unwrap()
}

#[test]
fn workflows_pass_the_actions_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["check.yml", "nightly.yml"] {
        let out = Command::new(root.join("tests/browser/node_modules/.bin/action-validator"))
            .arg(root.join(".github/workflows").join(name))
            .output()
            .expect("action-validator (`npm ci` in tests/browser, as .ci/run does)");
        assert!(
            out.status.success(),
            "{name}: {}{}",
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
    assert!(nightly.contains("git add data/"));
    assert!(nightly.contains("deploy-pages"));
}
