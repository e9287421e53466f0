//! `forkcast evidence add` as people and scripts run it: the item lands
//! after the last one in the list's own layout and no other byte of the
//! file changes (compared byte for byte), the site still checks, and wrong
//! arguments are refused with exit status 2 and nothing written.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{TempDir, snapshot};

/// 2026-06-01T12:00:00Z: "today" for every run here.
const NOW: &str = "1780315200";

fn run(site: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_forkcast"))
        .args(args)
        .current_dir(site)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A site with one future file per entry of `futures`, by id.
fn site(futures: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new("evidence");
    fs::write(
        dir.path().join("site.yaml"),
        "title: Evidence\nbase_url: https://example.org/\n",
    )
    .unwrap();
    fs::create_dir_all(dir.path().join("futures/eras")).unwrap();
    for (id, text) in futures {
        fs::write(dir.path().join(format!("futures/{id}.yaml")), text).unwrap();
    }
    dir
}

fn add(site: &Path, id: &str, extra: &[&str]) -> Output {
    let mut args = vec!["evidence", "add", id];
    args.extend_from_slice(extra);
    run(site, &args)
}

fn assert_ok(o: &Output) {
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(o));
}

/// The site passes `forkcast check` and the file reads as YAML with
/// `count` evidence items.
fn still_loads(site: &Path, file: &str, count: usize) {
    let out = run(site, &["check"]);
    assert_ok(&out);
    #[derive(serde::Deserialize)]
    struct Doc {
        evidence: Vec<serde::de::IgnoredAny>,
    }
    let text = fs::read_to_string(site.join(file)).unwrap();
    let doc: Doc = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(doc.evidence.len(), count, "{text}");
}

#[test]
fn appends_after_the_last_item_in_its_own_indentation_keeping_comments() {
    let before = "# Written by hand.\ntitle: Agents do week-long tasks   # the headline\nsummary: |\n    Agents finish tasks that take a person a week.\nprobability: 0.4\nevidence:   # what bears on it\n    - date: 2026-01-10   # first\n      title: \"Benchmarks: saturated\"\n      url: https://example.org/one\n      direction: for\n    # more to come\n\n";
    let s = site(&[("agents", before)]);
    let out = add(
        s.path(),
        "agents",
        &[
            "https://example.org/two?a=1#x",
            "--against",
            "--title",
            "Lab X: agents stall at 2 days",
            "--date",
            "2026-05-02",
            "--note",
            "See *section 3*.",
        ],
    );
    assert_ok(&out);
    assert_eq!(
        stderr(&out),
        "Added evidence against `agents` dated 2026-05-02 at futures/agents.yaml:11\n"
    );
    let after = "# Written by hand.\ntitle: Agents do week-long tasks   # the headline\nsummary: |\n    Agents finish tasks that take a person a week.\nprobability: 0.4\nevidence:   # what bears on it\n    - date: 2026-01-10   # first\n      title: \"Benchmarks: saturated\"\n      url: https://example.org/one\n      direction: for\n    - date: 2026-05-02\n      title: \"Lab X: agents stall at 2 days\"\n      url: https://example.org/two?a=1#x\n      direction: against\n      note: See *section 3*.\n    # more to come\n\n";
    assert_eq!(
        fs::read_to_string(s.path().join("futures/agents.yaml")).unwrap(),
        after
    );
    still_loads(s.path(), "futures/agents.yaml", 2);
}

#[test]
fn appends_to_a_list_in_the_middle_of_the_file_at_column_zero() {
    let before = "title: Chips get cheap\nevidence:\n- date: 2025-11-01\n  title: Prices fall\n  url: https://example.org/a\n  direction: for\n\n# Tags come last.\ntags: [chips]\n";
    let s = site(&[("chips", before)]);
    let out = add(
        s.path(),
        "chips",
        &[
            "https://example.org/b",
            "--for",
            "--title",
            "yes",
            "--date",
            "2026-06-01",
        ],
    );
    assert_ok(&out);
    let after = "title: Chips get cheap\nevidence:\n- date: 2025-11-01\n  title: Prices fall\n  url: https://example.org/a\n  direction: for\n- date: 2026-06-01\n  title: \"yes\"\n  url: https://example.org/b\n  direction: for\n\n# Tags come last.\ntags: [chips]\n";
    assert_eq!(
        fs::read_to_string(s.path().join("futures/chips.yaml")).unwrap(),
        after
    );
    still_loads(s.path(), "futures/chips.yaml", 2);
}

#[test]
fn starts_a_list_at_the_end_of_a_file_without_one_in_the_files_style() {
    let before = "title: Treaty signed\nsummary: |\n  A treaty on compute.\n\nsources:\n    - https://example.org/report\n";
    let s = site(&[("treaty", before)]);
    // No --date: today is SOURCE_DATE_EPOCH's day.
    let out = add(
        s.path(),
        "treaty",
        &["https://example.org/t", "--for", "--title", "Talks open"],
    );
    assert_ok(&out);
    let after = "title: Treaty signed\nsummary: |\n  A treaty on compute.\n\nsources:\n    - https://example.org/report\nevidence:\n    - date: 2026-06-01\n      title: Talks open\n      url: https://example.org/t\n      direction: for\n";
    assert_eq!(
        fs::read_to_string(s.path().join("futures/treaty.yaml")).unwrap(),
        after
    );
    still_loads(s.path(), "futures/treaty.yaml", 1);
}

#[test]
fn a_file_ending_without_a_newline_gets_only_that_added() {
    let s = site(&[]);
    // In a subfolder, as eras are, and with the list as the last key.
    let path = s.path().join("futures/eras/first-wave.yaml");
    fs::write(&path, "title: First wave\nevidence:\n  - date: 2026-02-02\n    title: A\n    url: https://a.org\n    direction: for").unwrap();
    let out = add(
        s.path(),
        "first-wave",
        &[
            "https://b.org",
            "--against",
            "--title",
            "B",
            "--date",
            "2026-03-03",
        ],
    );
    assert_ok(&out);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "title: First wave\nevidence:\n  - date: 2026-02-02\n    title: A\n    url: https://a.org\n    direction: for\n  - date: 2026-03-03\n    title: B\n    url: https://b.org\n    direction: against\n"
    );
    // Without `evidence:` either.
    fs::write(&path, "title: First wave").unwrap();
    assert_ok(&add(
        s.path(),
        "first-wave",
        &[
            "https://b.org",
            "--for",
            "--title",
            "B",
            "--date",
            "2026-03-03",
        ],
    ));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "title: First wave\nevidence:\n  - date: 2026-03-03\n    title: B\n    url: https://b.org\n    direction: for\n"
    );
    still_loads(s.path(), "futures/eras/first-wave.yaml", 1);
}

#[test]
fn two_appends_in_a_row_keep_their_order() {
    let s = site(&[("fleets", "title: Robot fleets\ntags: [robots]\n")]);
    for (url, title, date) in [
        ("https://example.org/1", "First # report", "2026-04-01"),
        ("https://example.org/2", "- second", "2026-04-02"),
    ] {
        assert_ok(&add(
            s.path(),
            "fleets",
            &[url, "--for", "--title", title, "--date", date],
        ));
    }
    assert_eq!(
        fs::read_to_string(s.path().join("futures/fleets.yaml")).unwrap(),
        "title: Robot fleets\ntags: [robots]\nevidence:\n  - date: 2026-04-01\n    title: \"First # report\"\n    url: https://example.org/1\n    direction: for\n  - date: 2026-04-02\n    title: \"- second\"\n    url: https://example.org/2\n    direction: for\n"
    );
    still_loads(s.path(), "futures/fleets.yaml", 2);
}

/// Each wrong command exits with `code`, says `says`, and writes nothing.
#[test]
fn wrong_arguments_are_refused_and_nothing_is_written() {
    let s = site(&[
        ("agents-arrive", "title: Agents arrive\n"),
        ("flow", "title: Flow\nevidence: []\ntags: []\n"),
    ]);
    let before = snapshot(s.path());
    let url = "https://example.org/x";
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["agent-arrive", url, "--for", "--title", "T"],
            2,
            "error: no future has the id `agent-arrive`\n  = help: did you mean `agents-arrive`?\n",
        ),
        (
            &[
                "agents-arrive",
                "javascript:alert(1)",
                "--for",
                "--title",
                "T",
            ],
            2,
            "error: `javascript:alert(1)` is not a web address\n  = help: `javascript:` addresses are refused: evidence links to a web page, starting with `https://` or `http://`\n",
        ),
        (
            &[
                "agents-arrive",
                url,
                "--for",
                "--title",
                "T",
                "--date",
                "2026-06-02",
            ],
            2,
            "error: `--date 2026-06-02` is after today (2026-06-01)\n  = help: evidence is what has happened: give the day it was published\n",
        ),
        (
            &[
                "agents-arrive",
                url,
                "--for",
                "--title",
                "T",
                "--date",
                "2 May",
            ],
            2,
            "error: `--date 2 May` is not a date\n  = help: write the day as YYYY-MM-DD, e.g. `--date 2026-05-02`\n",
        ),
        (
            &["agents-arrive", url, "--for", "--title", "  "],
            2,
            "error: `--title` is empty\n",
        ),
        (
            &["agents-arrive", url, "--for", "--title", "a\nb"],
            2,
            "error: `--title` spans more than one line\n",
        ),
        (
            &["agents-arrive", url, "--for", "--against", "--title", "T"],
            2,
            "error: the argument '--for' cannot be used with '--against'",
        ),
        (
            &["agents-arrive", url, "--title", "T"],
            2,
            "error: the following required arguments were not provided:\n  <--for|--against>",
        ),
        (
            &["flow", url, "--for", "--title", "T"],
            1,
            "futures/flow.yaml:2:11: error: `evidence` is written on one line (`[…]`), which cannot be added to without rewriting it\n",
        ),
    ];
    for (args, code, says) in cases {
        let out = add(s.path(), args[0], &args[1..]);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}:\n{}", stderr(&out));
        assert_eq!(snapshot(s.path()), before, "{args:?} wrote something");
    }
    let out = add(s.path(), "flow", &[url, "--for", "--title", "T"]);
    assert!(
        stderr(&out)
            .contains("= help: write `evidence:` alone on its line instead of `evidence: []`"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).ends_with("error: 1 error; nothing was written\n"),
        "{}",
        stderr(&out)
    );
}

/// A file that does not load, or would not with the item (the future
/// parser's rules apply), is left as it was.
#[test]
fn nothing_is_written_where_the_file_would_not_load() {
    let s = site(&[
        ("broken", "title: Broken\nprobability: 2\n"),
        ("fine", "title: Fine\n"),
    ]);
    let before = snapshot(s.path());
    let out = add(
        s.path(),
        "broken",
        &["https://e.org", "--for", "--title", "T"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("futures/broken.yaml:2:14: error:"),
        "{}",
        stderr(&out)
    );
    let long = "x".repeat(301);
    let out = add(
        s.path(),
        "fine",
        &["https://e.org", "--for", "--title", &long],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: futures/fine.yaml would not load with this item, so nothing was written:\n  line 4: `title` is 301 characters long"),
        "{}",
        stderr(&out)
    );
    assert_eq!(snapshot(s.path()), before);
}

#[test]
fn help_names_the_command_and_its_options() {
    let s = site(&[]);
    let top = run(s.path(), &["--help"]);
    assert!(String::from_utf8_lossy(&top.stdout).contains("evidence"));
    let out = run(s.path(), &["evidence", "add", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "<FUTURE>",
        "<URL>",
        "--for",
        "--against",
        "--title <T>",
        "--date <D>",
        "--note <N>",
    ] {
        assert!(help.contains(word), "{word} missing from\n{help}");
    }
}
