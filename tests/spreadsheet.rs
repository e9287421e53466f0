//! `/forkcast.xlsx` used the way a reader uses it: opened in a real
//! spreadsheet program (LibreOffice, headless), which computes every
//! formula, read back with openpyxl, and compared with what the browser's
//! model (`model.js`, in Node) computes from `graph.json` — at the site's
//! values, with a future set, with a scenario of several set, with a bet's
//! stake changed, and with an edge's P(edge) changed. On the example site
//! and on a generated site of 500 futures with groups, forks, resolutions,
//! bets with bounds, losses and stakes, and hostile titles.

mod common;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{PYTHON, TempDir, Tool};
use serde_json::{Value, json};

/// How close a recalculated number must be to the browser's.
const TOLERANCE: f64 = 1e-9;

/// A site of `n` futures in 10 groups: random edges to earlier futures
/// (each future's outgoing P(edge) summing to at most 1), forks of three
/// alternatives every 25 futures, 30% with no probability of their own,
/// one fork alternative that happened and one future that did not, 120 bets
/// of every payoff shape (half with stakes), and hostile titles.
fn generated_site(dir: &Path, n: usize) {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    fs::create_dir_all(dir.join("futures")).unwrap();
    fs::create_dir_all(dir.join("bets")).unwrap();
    fs::write(
        dir.join("site.yaml"),
        "title: Generated <script>alert(1)</script>\nbase_url: https://example.org/gen/\ncurrency: $\n",
    )
    .unwrap();
    let groups = 10;
    for g in 0..groups {
        fs::write(
            dir.join(format!("futures/group-{g}.yaml")),
            format!("title: Group {g}\n"),
        )
        .unwrap();
    }
    let id = |i: usize| format!("future-{i:04}");
    // The forks: i leads to i + 1, i + 2, i + 3 and nothing else leads there.
    let fork_child = |i: usize| !i.is_multiple_of(25) && i % 25 <= 3 && i > 3;
    let mut children: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n];
    let mut out_sum = vec![0.0; n];
    for i in (0..n).filter(|i| i % 25 == 0 && i + 3 < n) {
        for c in i + 1..=i + 3 {
            children[i].push((c, 0.3));
        }
        out_sum[i] = 0.9;
    }
    for i in (1..n).filter(|&i| !fork_child(i)) {
        for _ in 0..next() % 4 {
            let j = i - 1 - next() % i.min(40);
            let p = (10 + next() % 40) as f64 / 100.0;
            if out_sum[j] + p <= 1.0 && !children[j].iter().any(|&(c, _)| c == i) {
                children[j].push((i, p));
                out_sum[j] += p;
            }
        }
    }
    let (happened, not) = (101, 377);
    for (i, leads_to) in children.iter().enumerate() {
        let title = match i {
            7 => "\"=cmd|' /C calc'!A0\"".to_string(),
            8 => "<script>alert(1)</script>".to_string(),
            _ => format!("Future number {i}"),
        };
        let mut y = format!("title: {title}\nwithin: group-{}\n", i * groups / n);
        if next() % 10 < 7 {
            let _ = writeln!(y, "probability: 0.{:03}", 50 + next() % 900);
        }
        if i == happened || i == not {
            let outcome = if i == happened {
                "happened"
            } else {
                "did-not-happen"
            };
            let _ = writeln!(
                y,
                "resolved: {{outcome: {outcome}, on: 2026-03-01, source: https://example.org/{i}}}"
            );
        }
        if !leads_to.is_empty() {
            y.push_str("leads_to:\n");
            for &(c, p) in leads_to {
                let _ = writeln!(y, "  - future: {}\n    probability: {p}", id(c));
            }
        }
        fs::write(dir.join(format!("futures/{}.yaml", id(i))), y).unwrap();
    }
    for k in 0..120 {
        let fork = 25 * (1 + k % (n / 25 - 2));
        let mut pick = |taken: &[usize]| loop {
            let f = next() % n;
            if !taken.contains(&f) {
                break f;
            }
        };
        let (wins, loses): (Vec<usize>, Vec<usize>) = match k % 6 {
            0 => (vec![pick(&[])], vec![]),
            1 => (vec![fork + 1, fork + 2], vec![fork + 3]),
            2 => {
                let a = pick(&[]);
                let b = pick(&[a]);
                let c = pick(&[a, b]);
                (vec![a, b], vec![c])
            }
            3 => {
                let c = pick(&[fork + 1, fork + 2]);
                (vec![fork + 1, fork + 2], vec![c])
            }
            4 => {
                let a = pick(&[fork + 1, fork + 2]);
                (vec![a], vec![fork + 1, fork + 2])
            }
            _ => {
                let a = pick(&[]);
                let b = pick(&[a]);
                let c = pick(&[a, b]);
                let d = pick(&[a, b, c]);
                (vec![a, b, c], vec![d])
            }
        };
        let list = |v: &[usize]| v.iter().map(|&i| id(i)).collect::<Vec<_>>().join(", ");
        let title = match k {
            3 => "'=HYPERLINK(\"https://evil.example/\",\"click\")'".to_string(),
            _ => format!("Bet number {k}"),
        };
        let mut front = format!(
            "title: {title}\nkind: financial\nstatus: idea\nwins_if: [{}]\n",
            list(&wins)
        );
        if !loses.is_empty() {
            let _ = writeln!(front, "loses_if: [{}]", list(&loses));
        }
        if k % 2 == 0 {
            let _ = writeln!(
                front,
                "stake: {}\npays: {}",
                100 * (k + 1),
                1.5 + (k % 5) as f64 * 0.5
            );
        }
        fs::write(
            dir.join(format!("bets/bet-{k:03}.md")),
            format!("---\n{front}---\nA generated bet.\n"),
        )
        .unwrap();
    }
    // A bet on the future that happened (settled), and one on a group (no
    // probability: unknown).
    fs::write(
        dir.join("bets/on-the-resolved.md"),
        format!(
            "---\ntitle: On the resolved one\nkind: career\nwins_if: [{}]\nloses_if: [{}]\nstake: 50\npays: 2\n---\nSettled.\n",
            id(happened),
            id(happened + 1)
        ),
    )
    .unwrap();
    fs::write(
        dir.join("bets/on-a-group.md"),
        "---\ntitle: On a group\nkind: personal\nwins_if: [group-3]\n---\nUnknown.\n",
    )
    .unwrap();
}

/// The path of a full URL: `/manual/` of `https://example.org/manual/`.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or("/", |at| &rest[at..])
}

/// Builds `site` offline into `out` (the clock's "now") and returns the
/// spreadsheet's bytes and `graph.json`'s path.
fn build(site: &Path, out: &Path) -> (Vec<u8>, PathBuf) {
    let options = forkcast::BuildOptions {
        offline: true,
        ..Default::default()
    };
    forkcast::build(site, Some(out), &options).unwrap();
    (
        fs::read(out.join("forkcast.xlsx")).unwrap(),
        out.join("graph.json"),
    )
}

/// Runs `command` to the end (at most two minutes), failing the test with
/// its output if it fails.
fn run(command: &mut Command, what: &str) -> String {
    let out = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Opens `files` in one LibreOffice (a fresh profile under `dir`), which
/// computes every formula, and saves each as `.xlsx` into `dir/out`, as a
/// reader's "open, then save" would. `always`: the profile recalculates
/// every formula on load (`OOXMLRecalcMode` 0); otherwise LibreOffice's
/// defaults, what a reader has.
fn recalculate(files: &[PathBuf], dir: &Path, always: bool) -> Vec<PathBuf> {
    let profile = dir.join("profile");
    if always {
        fs::create_dir_all(profile.join("user")).unwrap();
        fs::write(
            profile.join("user/registrymodifications.xcu"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
        )
        .unwrap();
    }
    let out = dir.join("out");
    let started = Instant::now();
    let mut child = Command::new("soffice")
        .arg("--headless")
        .arg("--norestore")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--convert-to", "xlsx", "--outdir"])
        .arg(&out)
        .args(files)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("soffice starts");
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "soffice failed: {status}");
            break;
        }
        if started.elapsed() > Duration::from_secs(300) {
            let _ = child.kill();
            panic!("soffice took over 5 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "LibreOffice recalculated {} files in {:.1} s",
        files.len(),
        started.elapsed().as_secs_f64()
    );
    files
        .iter()
        .map(|f| {
            let saved = out.join(f.file_name().unwrap());
            assert!(saved.is_file(), "LibreOffice wrote no {}", saved.display());
            saved
        })
        .collect()
}

fn python(args: &[&str]) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/spreadsheet/xlsx.py");
    run(Command::new(PYTHON).arg(script).args(args), "xlsx.py")
}

/// A sheet's rows, by the value of their first cell, as maps from the
/// header's titles.
fn table(sheet: &Value) -> Vec<serde_json::Map<String, Value>> {
    let rows = sheet.as_array().unwrap();
    let header: Vec<String> = rows[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap_or("").to_string())
        .collect();
    rows[1..]
        .iter()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.as_array().unwrap().iter().cloned())
                .collect()
        })
        .collect()
}

/// Whether a cell holds what the model says: a number within
/// [`TOLERANCE`] (relative, for amounts), or `#N/A` (empty where
/// `blank`) for none.
fn same(cell: &Value, want: &Value, blank: bool) -> bool {
    match (cell, want) {
        (Value::Number(c), Value::Number(w)) => {
            let (c, w) = (c.as_f64().unwrap(), w.as_f64().unwrap());
            (c - w).abs() <= TOLERANCE * w.abs().max(1.0)
        }
        (Value::String(s), Value::Null) if s == "#N/A" => !blank,
        (Value::Null, Value::Null) => blank,
        (Value::String(s), Value::Null) if s.is_empty() => blank,
        _ => false,
    }
}

/// Every difference between a recalculated spreadsheet and the model's
/// numbers; `set`: the futures whose input holds a value.
fn differences(sheets: &Value, want: &Value, set: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    let futures = table(&sheets["Futures"]);
    let want_futures = want["futures"].as_object().unwrap();
    if futures.len() != want_futures.len() {
        found.push(format!(
            "{} futures on the sheet, {} in graph.json",
            futures.len(),
            want_futures.len()
        ));
    }
    for row in &futures {
        let id = row["Future"].as_str().unwrap_or("?");
        let w = &want_futures[id];
        for (column, key, blank) in [
            ("Probability", "effective", false),
            ("Implied now", "implied", false),
            ("Implied at the site's values", "site_implied", false),
            ("Site's value", "own", true),
        ] {
            if !same(&row[column], &w[key], blank) {
                found.push(format!("{id}: {column} is {}, not {}", row[column], w[key]));
            }
        }
        let is_set = row["Set?"] == "set";
        let resolved = row["Set?"] == "resolved";
        if is_set != set.contains(&id) && !resolved {
            found.push(format!("{id}: Set? is {}", row["Set?"]));
        }
    }
    let bets = table(&sheets["Bets"]);
    let want_bets = want["bets"].as_object().unwrap();
    assert_eq!(bets.len(), want_bets.len(), "bets");
    for row in &bets {
        let id = row["Bet"].as_str().unwrap_or("?");
        let w = &want_bets[id];
        let ev = |end: &str| w["ev"].get(end).cloned().unwrap_or(Value::Null);
        let ev_column = |end: &str| {
            row.keys()
                .find(|k| k.starts_with(&format!("Expected value, {end}")))
                .cloned()
                .unwrap()
        };
        for (column, want, blank) in [
            (
                "Chance of paying off, low".to_string(),
                w["low"].clone(),
                false,
            ),
            (
                "Chance of paying off, high".to_string(),
                w["high"].clone(),
                false,
            ),
            (ev_column("low"), ev("low"), w["ev"].is_null()),
            (ev_column("high"), ev("high"), w["ev"].is_null()),
        ] {
            if !same(&row[&column], &want, blank) {
                found.push(format!(
                    "bet {id}: {column} is {}, not {want}",
                    row[&column]
                ));
            }
        }
    }
    found
}

/// One site's spreadsheet on its way: built, the model's numbers, the
/// copies edited as a reader would.
struct Trip {
    label: &'static str,
    public: PathBuf,
    graph: PathBuf,
    /// The file as built, under a name of its own.
    built: PathBuf,
    bytes: usize,
    model: Value,
    /// The edited copies: a future set (and a stake given), a scenario,
    /// an edge changed.
    edited: Vec<PathBuf>,
}

const EDITS: [&str; 3] = ["future", "scenario", "edge"];

/// Builds `site`, asks model.js for its numbers and what to change, and
/// makes the edited copies with openpyxl.
fn prepare(label: &'static str, site: &Path, tmp: &Path) -> Trip {
    let started = Instant::now();
    let public = tmp.join(format!("{label}-public"));
    let (bytes, graph) = build(site, &public);
    let work = tmp.join(label);
    fs::create_dir_all(&work).unwrap();
    let built = work.join(format!("{label}-site.xlsx"));
    fs::write(&built, &bytes).unwrap();
    let model = common::node_script(
        "spreadsheet.mjs",
        &json!({ "graph": graph.to_str().unwrap() }),
    );
    let picks = &model["picks"];
    let edited: Vec<PathBuf> = EDITS
        .iter()
        .map(|c| work.join(format!("{label}-{c}.xlsx")))
        .collect();
    let jobs = json!([
        { "from": built, "to": edited[0], "futures": { picks["future"].as_str().unwrap(): picks["value"] }, "stakes": picks["stakes"] },
        { "from": built, "to": edited[1], "futures": picks["scenario_values"] },
        { "from": built, "to": edited[2], "edges": [picks["edge"]] },
    ]);
    python(&["edit", &jobs.to_string()]);
    eprintln!(
        "{label}: built, computed by model.js and edited in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Trip {
        label,
        public,
        graph,
        built,
        bytes: bytes.len(),
        model,
        edited,
    }
}

/// What LibreOffice saved of each file, read back by openpyxl.
struct Read {
    dumped: Value,
}

impl Read {
    fn sheets(&self, file: &Path) -> &Value {
        &self.dumped[file.to_str().unwrap()]["sheets"]
    }
}

/// The checks of one site: as built, opened with LibreOffice's defaults
/// (`opened`) and with every formula recalculated, it equals graph.json's
/// numbers; each edited copy recalculated equals model.js's for the same
/// change.
fn check(trip: &Trip, opened: &Path, recalculated: &[PathBuf], read: &Read) {
    let label = trip.label;
    let picks = &trip.model["picks"];
    let cases = &trip.model["cases"];
    let scenario: Vec<&str> = picks["scenario_values"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for (what, file, want, set) in [
        ("as a reader opens it", opened, &cases["site"], vec![]),
        ("recalculated", &recalculated[0], &cases["site"], vec![]),
        (
            "with a future set and a stake changed",
            &recalculated[1],
            &cases["future"],
            vec![picks["future"].as_str().unwrap()],
        ),
        (
            "with a scenario",
            &recalculated[2],
            &cases["scenario"],
            scenario,
        ),
        (
            "with an edge changed",
            &recalculated[3],
            &cases["edge"],
            vec![],
        ),
    ] {
        let found = differences(read.sheets(file), want, &set);
        assert!(
            found.is_empty(),
            "{label}, {what}: {} differences, the first: {:#?}",
            found.len(),
            &found[..found.len().min(10)]
        );
    }
    // The edge changed reaches a future a resolution moved, so the site's
    // values are settled again by the spreadsheet's formulas.
    assert_eq!(picks["edge_reaches_moved"], true, "{label}: {picks}");

    // /futures/ and /bets/ link to it.
    let data: Value = serde_json::from_str(&fs::read_to_string(&trip.graph).unwrap()).unwrap();
    let base = url_path(data["base_url"].as_str().unwrap());
    for page in ["futures/index.html", "bets/index.html"] {
        let html = fs::read_to_string(trip.public.join(page)).unwrap();
        assert!(
            html.contains(&format!("href=\"{base}forkcast.xlsx\" download>Download the model as a spreadsheet (.xlsx)</a>")),
            "{label}: {page} does not link to the spreadsheet"
        );
    }

    // graph.json's own numbers, not only model.js's.
    let sheets = read.sheets(opened);
    let futures = table(&sheets["Futures"]);
    for f in data["futures"].as_array().unwrap() {
        let row = futures
            .iter()
            .find(|r| r["Future"] == f["id"])
            .unwrap_or_else(|| panic!("{label}: {} is not on the sheet", f["id"]));
        assert!(
            same(&row["Implied now"], &f["implied"], false),
            "{label}: {}: implied {} on the sheet, {} in graph.json",
            f["id"],
            row["Implied now"],
            f["implied"]
        );
    }
    let bets = table(&sheets["Bets"]);
    for b in data["bets"].as_array().unwrap() {
        let row = bets.iter().find(|r| r["Bet"] == b["id"]).unwrap();
        for (column, end) in [
            ("Chance of paying off, low", "low"),
            ("Chance of paying off, high", "high"),
        ] {
            assert!(
                same(&row[column], &b["payoff"][end], false),
                "{label}: {}: {column} {} on the sheet, {} in graph.json",
                b["id"],
                row[column],
                b["payoff"][end]
            );
        }
        assert_eq!(row["Site's chance"], b["payoff"]["display"], "{}", b["id"]);
    }
    // Every future is named for formulas.
    let names = read.dumped[trip.built.to_str().unwrap()]["names"]
        .as_array()
        .unwrap();
    for f in data["futures"].as_array().unwrap() {
        let name = format!("p_{}", f["id"].as_str().unwrap().replace('-', "_"));
        assert!(
            names.iter().any(|n| *n == name.as_str()),
            "{label}: no name {name}"
        );
    }
}

#[test]
fn the_spreadsheet_recalculates_to_the_browsers_numbers() {
    let needs = [Tool::LibreOffice, Tool::Openpyxl, Tool::Node];
    if !common::has_tools("the spreadsheet test", &needs) {
        return;
    }
    let started = Instant::now();
    let tmp = TempDir::new("spreadsheet");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let big = tmp.path().join("big");
    generated_site(&big, 500);
    let trips = [
        prepare("example", root, tmp.path()),
        prepare("generated", &big, tmp.path()),
    ];

    // One LibreOffice with its defaults opens each file as built (what a
    // reader sees); one that recalculates every formula opens those and
    // the edited copies.
    let built: Vec<PathBuf> = trips.iter().map(|t| t.built.clone()).collect();
    let opened = recalculate(&built, &tmp.path().join("defaults"), false);
    let all: Vec<PathBuf> = trips
        .iter()
        .flat_map(|t| std::iter::once(t.built.clone()).chain(t.edited.iter().cloned()))
        .collect();
    let recalculated = recalculate(&all, &tmp.path().join("always"), true);
    let mut args: Vec<&str> = vec!["dump"];
    args.extend(
        opened
            .iter()
            .chain(&built)
            .chain(&recalculated)
            .map(|p| p.to_str().unwrap()),
    );
    let read = Read {
        dumped: serde_json::from_str(python(&args).trim()).unwrap(),
    };
    for (k, trip) in trips.iter().enumerate() {
        check(trip, &opened[k], &recalculated[4 * k..4 * k + 4], &read);
    }

    // Hostile titles stay text: written as strings, and read back
    // unchanged after LibreOffice computed and saved the file.
    for file in [&built[1], &recalculated[4]] {
        let titles = &read.dumped[file.to_str().unwrap()]["title_cells"];
        for (sheet, hostile) in [
            ("Futures", "=cmd|' /C calc'!A0"),
            ("Futures", "<script>alert(1)</script>"),
            ("Bets", "=HYPERLINK(\"https://evil.example/\",\"click\")"),
        ] {
            let cell = titles[sheet]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c[0] == hostile)
                .unwrap_or_else(|| {
                    panic!("{}: {hostile} is not a title on {sheet}", file.display())
                });
            assert_eq!(
                cell[1],
                "s",
                "{}: {hostile} is not text: {cell}",
                file.display()
            );
        }
    }

    // The same site builds the same bytes (no timestamp), so a rebuild does
    // not rewrite the file; it is placed from the cache, not drawn again.
    let again_out = tmp.path().join("again");
    let (again, _) = build(root, &again_out);
    assert!(
        again == fs::read(&built[0]).unwrap(),
        "two builds wrote different spreadsheets"
    );
    use std::os::unix::fs::MetadataExt;
    let inode = |p: &Path| fs::metadata(p).unwrap().ino();
    let placed = inode(&again_out.join("forkcast.xlsx"));
    let cached = fs::read_dir(root.join(".forkcast-cache/cards"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .any(|p| p.extension().is_some_and(|x| x == "xlsx") && inode(&p) == placed);
    assert!(cached, "the rebuilt spreadsheet is not the cached file");
    eprintln!(
        "spreadsheet round trips: {:.1} s (example {} bytes, 500 futures {} bytes)",
        started.elapsed().as_secs_f64(),
        trips[0].bytes,
        trips[1].bytes
    );
}
