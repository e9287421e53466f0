//! The `forkcast` command as a contributor and CI meet it: exit codes,
//! located error messages for every invalid fixture site, GitHub annotations,
//! finding the site from a subfolder, `init` and `new`, the help text.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{TempDir, fixture, forkcast};

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
        Some(2),
        "no site.yaml"
    );
    let quiet = forkcast(&["check", "--quiet"], &good);
    assert!(quiet.status.success() && quiet.stderr.is_empty());

    // A port another program holds: nothing is wrong with the site.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let o = forkcast(&["serve", "--port", &port], &good);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--port N"), "{}", stderr(&o));

    // A name with nothing to make a file name of.
    let site = TempDir::new("exit-codes");
    common::copy_dir(&good, site.path());
    let o = forkcast(&["new", "post", "!!!"], site.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A broken site is a content error (1), a bad option a usage error (2),
    // whatever the command.
    fs::write(site.path().join("futures/typo.yaml"), "title: [\n").unwrap();
    for args in [&["check"][..], &["build", "--offline"]] {
        let o = forkcast(args, site.path());
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", stderr(&o));
    }
    let o = forkcast(&["build", "--offline", "--frobnicate"], site.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn init_then_new_then_build() {
    let dir = TempDir::new("cli-init");
    let site = dir.path().join("mysite");
    let o = forkcast(&["init", site.to_str().unwrap()], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let o = forkcast(&["new", "future", "Robots build robots"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("futures/robots-build-robots.yaml").is_file());
    let o = forkcast(&["new", "page", "How to contribute"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("content/how-to-contribute.md"));
    assert_eq!(
        forkcast(&["new", "future", "Robots build robots"], &site)
            .status
            .code(),
        Some(2),
        "never overwrites, and asking to is a usage error"
    );
    assert_eq!(
        forkcast(&["init", site.to_str().unwrap()], dir.path())
            .status
            .code(),
        Some(2),
        "never re-inits, and asking to is a usage error"
    );
    let o = forkcast(&["build", "--offline"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        site.join("public/futures/robots-build-robots/index.html")
            .is_file()
    );
    let page = fs::read_to_string(site.join("public/how-to-contribute/index.html")).unwrap();
    assert!(page.contains("How to contribute"));
}

/// A copy of the good fixture site with one mistake, `futures/typo.yaml`.
fn site_with_a_typo() -> TempDir {
    let site = TempDir::new("typo");
    common::copy_dir(&fixture("good"), site.path());
    fs::write(
        site.path().join("futures/typo.yaml"),
        "title: Typo\nwithin: era-on\n",
    )
    .unwrap();
    site
}

#[test]
fn commands_find_the_site_from_a_subfolder() {
    let site = site_with_a_typo();
    let below = site.path().join("content/posts");
    let o = forkcast(&["check"], &below);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    // Paths are shown from the site root, and the summary names that root.
    assert!(
        err.starts_with("futures/typo.yaml:2:9: error: unknown future `era-on` in `within`\n  |\n2 | within: era-on\n"),
        "{err}"
    );
    let root = site.path().canonicalize().unwrap();
    assert!(
        err.ends_with(&format!("error: 1 error in {}\n", root.display())),
        "{err}"
    );
    let o = forkcast(&["check", "--format", "github"], &below);
    assert!(stderr(&o).starts_with("::error file=futures/typo.yaml,line=2,col=9::"));

    fs::remove_file(site.path().join("futures/typo.yaml")).unwrap();
    let o = forkcast(&["build", "--offline"], &below);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.path().join("public/index.html").is_file());
    assert!(!below.join("public").exists());
    let o = forkcast(&["new", "bet", "From below"], &below);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.path().join("bets/from-below.md").is_file());
}

#[test]
fn root_must_hold_a_site_yaml_itself() {
    let site = TempDir::new("root");
    common::copy_dir(&fixture("good"), site.path());
    // --root is not searched upwards: content/ is inside a site, not one.
    let o = forkcast(&["check", "--root", "content"], site.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o),
        "error: no site.yaml in content (given with --root)\n  = help: pass `--root` a folder that holds a site.yaml, or create a site there with `forkcast init content`\n"
    );
    let o = forkcast(&["check", "--root", "."], &site.path().join("futures"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: no site.yaml in the current folder (given with --root)\n")
    );
    let o = forkcast(&["build", "--root", "missing"], site.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with("error: the folder missing does not exist (given with --root)\n")
    );
    assert!(!site.path().join("missing").exists());
}

#[test]
fn outside_a_site_commands_say_where_they_looked() {
    let dir = TempDir::new("nosite");
    let here = dir.path().canonicalize().unwrap();
    assert_eq!(
        forkcast::config::find_root(&here),
        None,
        "a site.yaml above {}",
        here.display()
    );
    for args in [
        &["check"][..],
        &["build", "--offline"],
        &["fetch"],
        &["serve", "--port", "0"],
    ] {
        let o = forkcast(args, &here);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert_eq!(
            stderr(&o),
            format!(
                "error: no site.yaml in {} or any folder above it\n  = help: run forkcast inside a site, pass `--root DIR`, or create a site with `forkcast init`\n",
                here.display()
            ),
            "{args:?}"
        );
    }
    // `new` outside a site leaves nothing behind.
    let o = forkcast(&["new", "post", "Stray thoughts"], &here);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("forkcast init"));
    assert_eq!(
        fs::read_dir(&here).unwrap().count(),
        0,
        "no file or folder is made"
    );
}

#[test]
fn init_uses_the_built_in_theme_and_never_clobbers_a_site() {
    let dir = TempDir::new("init-theme");
    let site = dir.path().join("mysite");
    let o = forkcast(&["init", "mysite"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !site.join("themes").exists(),
        "the built-in theme is not copied"
    );
    let told = stderr(&o);
    for hint in [
        "Created a site in mysite:",
        "templates/post.html",
        "cd mysite",
        "forkcast serve",
    ] {
        assert!(told.contains(hint), "init does not say {hint:?}:\n{told}");
    }

    // As the message says: a template of the same name in templates/ replaces the built-in one.
    let page = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/page.html"),
    )
    .unwrap();
    fs::create_dir_all(site.join("templates")).unwrap();
    let mine = page.replace("</article>", "</article><!-- my page -->");
    fs::write(site.join("templates/page.html"), mine).unwrap();
    let o = forkcast(&["build", "--offline"], &site);
    assert!(o.status.success(), "{}", stderr(&o));
    let about = fs::read_to_string(site.join("public/about/index.html")).unwrap();
    assert!(about.contains("<!-- my page -->"));

    fs::write(
        site.join("site.yaml"),
        "title: Mine\nbase_url: https://example.org/\n",
    )
    .unwrap();
    fs::write(site.join("content/about.md"), "---\ntitle: Mine\n---\n").unwrap();
    let before = common::snapshot(&site);
    let o = forkcast(&["init"], &site);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: the current folder holds a site already (site.yaml); nothing was written\n  = help: build it with `forkcast build`, or pass `forkcast init` another folder\n"
    );
    assert!(
        common::snapshot(&site) == before,
        "init changed a file of the site"
    );
}

#[test]
fn help_describes_every_option_and_groups_the_global_ones() {
    let here = Path::new(".");
    for command in [
        "", "init", "build", "check", "serve", "fetch", "new", "diff",
    ] {
        let args: Vec<&str> = [command, "-h"]
            .into_iter()
            .filter(|a| !a.is_empty())
            .collect();
        let o = forkcast(&args, here);
        assert!(o.status.success());
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        let (local, global) = help.split_once("\nGlobal options:\n").unwrap_or_else(|| {
            panic!("`forkcast {command} -h` has no global options heading:\n{help}")
        });
        for flag in ["--root <DIR>", "--quiet", "--verbose"] {
            assert!(
                global.contains(flag) && !local.contains(flag),
                "{command}: {flag}"
            );
        }
        // Each argument and option line has a description after its name.
        for line in help.lines().filter(|l| {
            let l = l.trim_start();
            l.starts_with('-') || l.starts_with('<') || l.starts_with('[')
        }) {
            let described = line
                .trim()
                .split_once("  ")
                .is_some_and(|(_, d)| !d.trim().is_empty());
            assert!(
                described,
                "`forkcast {command} -h`: no description in {line:?}"
            );
        }
    }
}
