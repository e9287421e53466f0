//! The `forkcast` command as a contributor and CI meet it: exit codes,
//! located error messages for every invalid fixture site, GitHub annotations.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, fixture};

fn forkcast(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn invalid_sites() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid");
    let mut cases: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// Each folder of tests/invalid/ is a site with mistakes; `expected.txt`
/// holds exactly what `forkcast check` must print about them.
#[test]
fn every_invalid_site_gets_its_located_errors() {
    let cases = invalid_sites();
    assert!(cases.len() >= 20, "only {} invalid sites", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let expected = fs::read_to_string(case.join("expected.txt")).unwrap();
        let out = forkcast(&["check", "--root", "."], case);
        let got = stderr(&out);
        if out.status.code() != Some(1) || got != expected {
            failures.push(format!(
                "{}: exit {:?}\n--- expected\n{expected}--- got\n{got}",
                case.file_name().unwrap().to_string_lossy(),
                out.status.code()
            ));
        }
        // Every error line is located and followed by a hint.
        for line in got.lines().filter(|l| l.contains(": error: ")) {
            let place = line.split(": error: ").next().unwrap();
            assert_eq!(place.split(':').count(), 3, "{line}: not path:line:col");
        }
        let mut pending: Option<&str> = None;
        for line in got.lines() {
            if line.contains(": error: ") {
                assert!(
                    pending.is_none(),
                    "{}: no hint for {pending:?}",
                    case.display()
                );
                pending = Some(line);
            } else if line.trim_start().starts_with("= help: ") {
                pending = None;
            }
        }
        assert!(
            pending.is_none(),
            "{}: no hint for {pending:?}",
            case.display()
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_writes_nothing_and_a_build_of_a_bad_site_writes_nothing() {
    let case = invalid_sites()
        .into_iter()
        .find(|c| c.ends_with("many-errors"))
        .expect("a many-errors case");
    let out = TempDir::new("cli-bad");
    let o = forkcast(
        &[
            "build",
            "--root",
            case.to_str().unwrap(),
            "--output",
            out.path().join("public").to_str().unwrap(),
        ],
        Path::new("."),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).ends_with("; nothing was written\n"),
        "{}",
        stderr(&o)
    );
    assert!(!out.path().join("public").exists());
    assert!(!case.join("public").exists());
}

#[test]
fn github_format_annotates_the_pull_request() {
    let site = TempDir::new("gh");
    common::copy_dir(&fixture("good"), site.path());
    fs::write(
        site.path().join("futures/typo.yaml"),
        "title: Typo\nwithin: era-on\n",
    )
    .unwrap();
    let o = forkcast(&["check", "--format", "github"], site.path());
    assert_eq!(o.status.code(), Some(1));
    let first = stderr(&o).lines().next().unwrap_or_default().to_string();
    assert_eq!(
        first,
        "::error file=futures/typo.yaml,line=2,col=9::unknown future `era-on` in `within` — did you mean `era-one`?"
    );
}

#[test]
fn exit_codes_follow_the_brief() {
    let good = fixture("good");
    let o = forkcast(&["check"], &good);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).starts_with("No errors"));
    assert_eq!(
        forkcast(&["check", "--frobnicate"], &good).status.code(),
        Some(2)
    );
    assert_eq!(
        forkcast(&["new", "poem", "x"], &good).status.code(),
        Some(2)
    );
    assert_eq!(
        forkcast(&["build"], Path::new("/")).status.code(),
        Some(1),
        "no site.yaml"
    );
    let quiet = forkcast(&["check", "--quiet"], &good);
    assert!(quiet.status.success() && quiet.stderr.is_empty());
}

#[test]
fn init_then_new_then_build() {
    let dir = TempDir::new("cli-init");
    let site = dir.path().join("mysite");
    let o = forkcast(&["init", site.to_str().unwrap()], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("themes/default/templates/base.html").is_file());
    let o = forkcast(&["new", "future", "Robots build robots"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("futures/robots-build-robots.yaml").is_file());
    assert_eq!(
        forkcast(&["new", "future", "Robots build robots"], &site)
            .status
            .code(),
        Some(1),
        "never overwrites"
    );
    assert_eq!(
        forkcast(&["init", site.to_str().unwrap()], dir.path())
            .status
            .code(),
        Some(1),
        "never re-inits"
    );
    let o = forkcast(&["build", "--offline"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        site.join("public/futures/robots-build-robots/index.html")
            .is_file()
    );
}
