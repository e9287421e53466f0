//! The output folder as a user risks it: a build never writes over the
//! site's sources or someone else's files, is never seen half done — not
//! when it is killed, not by a second build at the same time — and leaves
//! nothing hidden behind.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{TempDir, copy_dir, fixture, forkcast, snapshot};
use forkcast::BuildOptions;
use forkcast::MARKER;

fn offline() -> BuildOptions {
    BuildOptions {
        offline: true,
        ..Default::default()
    }
}

/// Names in `dir` starting with a dot.
fn hidden(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    names.sort();
    names
}

#[test]
fn an_output_holding_the_sites_sources_or_other_files_is_refused() {
    let dir = TempDir::new("refuse");
    let site = dir.path().join("site");
    copy_dir(&fixture("good"), &site);
    fs::create_dir_all(dir.path().join("photos")).unwrap();
    fs::write(dir.path().join("photos/cat.jpg"), "a cat").unwrap();
    let before = snapshot(dir.path());
    for (output, why) in [
        (".", "it is the site's own folder"),
        ("..", "it holds the site ("),
        (
            "content",
            "it is in the site's content/ folder, which holds its sources",
        ),
        ("futures/eras", "it is in the site's futures/ folder"),
        ("data", "it is in the site's data/ folder"),
        (
            "site.yaml",
            "it is a file, and building would replace it with a folder",
        ),
        ("../photos", "it holds files that no Forkcast build wrote"),
    ] {
        let out = forkcast(&["build", "--offline", "--output", output], &site);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "--output {output}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "error: will not write the site into `{output}`: {why}"
            )),
            "--output {output}: {stderr}"
        );
        assert!(
            stderr.contains("nothing was written\n  = help: "),
            "{stderr}"
        );
        assert_eq!(
            snapshot(dir.path()),
            before,
            "--output {output} changed files"
        );
    }
    // An empty folder is fine, and so is the same folder once it is marked.
    fs::create_dir(dir.path().join("empty")).unwrap();
    for _ in 0..2 {
        let out = forkcast(&["build", "--offline", "--output", "../empty"], &site);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let marker = fs::read_to_string(dir.path().join("empty").join(MARKER)).unwrap();
    assert!(
        marker.lines().any(|l| l == "posts/first-post/index.html"),
        "{marker}"
    );
}

#[test]
fn an_output_from_before_the_marker_is_still_accepted_and_cleaned() {
    let dir = TempDir::new("legacy");
    let out = dir.path().join("public");
    forkcast::build(&fixture("good"), Some(&out), &offline()).unwrap();
    let fresh = snapshot(&out);
    // What an older Forkcast left: no marker, a page since removed, and a
    // half-written file of a build that was killed.
    fs::remove_file(out.join(MARKER)).unwrap();
    fs::create_dir_all(out.join("posts/gone")).unwrap();
    fs::write(out.join("posts/gone/index.html"), "old page").unwrap();
    fs::write(out.join(".index.html.forkcast-4242"), "half").unwrap();
    forkcast::build(&fixture("good"), Some(&out), &offline()).unwrap();
    assert_eq!(snapshot(&out), fresh);
}

#[test]
fn files_forkcast_did_not_write_are_kept() {
    let dir = TempDir::new("kept");
    let out = dir.path().join("public");
    forkcast::build(&fixture("good"), Some(&out), &offline()).unwrap();
    fs::write(out.join("CNAME"), "futures.example.org\n").unwrap();
    fs::create_dir_all(out.join(".well-known")).unwrap();
    fs::write(out.join(".well-known/security.txt"), "Contact: x\n").unwrap();
    forkcast::build(&fixture("good"), Some(&out), &offline()).unwrap();
    assert_eq!(
        fs::read_to_string(out.join("CNAME")).unwrap(),
        "futures.example.org\n"
    );
    assert!(out.join(".well-known/security.txt").is_file());
    let marker = fs::read_to_string(out.join(MARKER)).unwrap();
    assert!(
        !marker.contains("CNAME"),
        "the marker lists only the build's files"
    );
}

/// The good fixture with `posts` more posts, and `title` as its title.
fn big_site(at: &Path, posts: usize, title: &str) {
    copy_dir(&fixture("good"), at);
    let config = at.join("site.yaml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, text.replace("Fixture Futures", title)).unwrap();
    for i in 0..posts {
        fs::write(
            at.join(format!("content/posts/generated-{i}.md")),
            format!(
                "---\ntitle: Generated post {i}\ndate: 2025-01-{:02}\ntags: [t{}]\n---\n{}\n",
                i % 28 + 1,
                i % 40,
                "Some words of a generated post. ".repeat(30)
            ),
        )
        .unwrap();
    }
}

/// When to kill a build, given the staging folder it writes.
type KillWhen<'a> = &'a dyn Fn(&Path) -> bool;

/// Builds `site` into `out` with the binary and kills it (SIGKILL) as soon
/// as `kill_when` holds, given the staging folder it writes. Returns whether
/// it was killed before it finished.
fn build_killed(site: &Path, out: &Path, kill_when: KillWhen) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(["build", "--offline", "--quiet", "--root"])
        .arg(site)
        .arg("--output")
        .arg(out)
        .spawn()
        .unwrap();
    let staging = out.with_file_name(format!(".public.building-{}", child.id()));
    while !kill_when(&staging) {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    true
}

/// How many posts' folders `dir` holds: cheap enough to ask every
/// millisecond.
fn posts_in(dir: &Path) -> usize {
    fs::read_dir(dir.join("posts")).map_or(0, Iterator::count)
}

#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    let dir = TempDir::new("killed");
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    big_site(&a, 1000, "Site A");
    big_site(&b, 900, "Site B");
    let expected: BTreeMap<PathBuf, BTreeMap<String, Vec<u8>>> = [&a, &b]
        .into_iter()
        .map(|site| {
            let out = dir.path().join("expected").join(site.file_name().unwrap());
            forkcast::build(site, Some(&out), &offline()).unwrap();
            (site.clone(), snapshot(&out))
        })
        .collect();
    let out = dir.path().join("out").join("public");
    forkcast::build(&a, Some(&out), &offline()).unwrap();
    let started = std::cell::Cell::new(Instant::now());
    let started = &started;
    let after = |ms| move |_: &Path| started.get().elapsed() > Duration::from_millis(ms);
    let (early, later, late) = (after(300), after(700), after(1500));
    let moments: [(&str, KillWhen); 7] = [
        ("after 0.3 s", &early),
        ("after 0.7 s", &later),
        ("after 1.5 s", &late),
        ("as it starts writing", &|staging| staging.exists()),
        ("halfway", &|staging| posts_in(staging) > 450),
        // The marker is written last, just before the swap.
        ("about to swap", &|staging| staging.join(MARKER).exists()),
        // Then the old output, now in the staging folder, is removed
        // (generated-950 is a post only A has).
        ("removing the old output", &|staging| {
            fs::read_to_string(staging.join(MARKER)).is_ok_and(|m| m.contains("generated-950"))
                || fs::read_to_string(out.join(MARKER)).is_ok_and(|m| !m.contains("generated-950"))
        }),
    ];
    for (moment, kill_when) in moments {
        // Always from A to B, so each moment replaces the same output.
        if snapshot(&out) != expected[&a] {
            forkcast::build(&a, Some(&out), &offline()).unwrap();
        }
        started.set(Instant::now());
        let killed = build_killed(&b, &out, kill_when);
        let left = snapshot(&out);
        let state = if left == expected[&a] {
            "the old"
        } else {
            "the new"
        };
        println!("killed {moment} ({killed}): {state} output");
        assert!(
            left == expected[&a] || left == expected[&b],
            "killed {moment}: the output is neither the old one nor the new one ({} files; hidden: {:?})",
            left.len(),
            left.keys()
                .filter(|k| k.split('/').any(|p| p.starts_with('.') && p != MARKER))
                .take(5)
                .collect::<Vec<_>>()
        );
    }
    let out_dir = out.parent().unwrap();
    forkcast::build(&b, Some(&out), &offline()).unwrap();
    assert_eq!(snapshot(&out), expected[&b]);
    assert_eq!(
        hidden(out_dir),
        Vec::<String>::new(),
        "nothing left beside the output"
    );
}
