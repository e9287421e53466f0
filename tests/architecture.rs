//! The library's modules import each other one way: no module uses another
//! that (directly or through others) uses it back. Read from the sources,
//! so a new cycle fails here with the modules that form it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Which module a source file belongs to: `src/site/load.rs` is
/// `site::load`, `src/site/mod.rs` is `site`.
fn module_of(rel: &Path) -> String {
    let mut parts: Vec<String> = rel
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The modules a file names through `crate::…` or `super::…`, outside comments.
fn used_by(module: &str, text: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let parent = module.rsplit_once("::").map_or("", |(p, _)| p);
    let mut used = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (prefix, base) in [("crate::", ""), ("super::", parent)] {
            for (at, _) in code.match_indices(prefix) {
                let rest = &code[at + prefix.len()..];
                let names = match rest.strip_prefix('{') {
                    Some(list) => list.split('}').next().unwrap_or("").split(',').collect(),
                    None => vec![rest],
                };
                for name in names {
                    let path: String = name
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    // `crate::x::y::Z` is module `x::y` if that is one, else `x`.
                    let mut full = String::from(base);
                    let mut found = None;
                    for segment in path.split("::").filter(|s| !s.is_empty()) {
                        if !full.is_empty() {
                            full.push_str("::");
                        }
                        full.push_str(segment);
                        if modules.contains(&full) {
                            found = Some(full.clone());
                        } else {
                            break;
                        }
                    }
                    if let Some(full) = found
                        && full != module
                        && !module.starts_with(&format!("{full}::"))
                    {
                        used.insert(full);
                    }
                }
            }
        }
    }
    used
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files: Vec<(String, String)> = walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| {
            let rel = e.path().strip_prefix(&src).unwrap().to_path_buf();
            (module_of(&rel), fs::read_to_string(e.path()).unwrap())
        })
        // The crate root only declares modules; the binary is no module.
        .filter(|(m, _)| m != "lib" && m != "main")
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(m, _)| m.clone()).collect();
    files
        .iter()
        .map(|(m, text)| (m.clone(), used_by(m, text, &modules)))
        .collect()
}

/// A path of imports from `from` back to `from`, if there is one.
fn cycle_through(from: &str, graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap();
        for next in graph.get(last).into_iter().flatten() {
            if next == from {
                let mut cycle = path.clone();
                cycle.push(from.to_string());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let graph = graph();
    assert!(
        graph.len() > 20,
        "the sources were read: {:?}",
        graph.keys()
    );
    assert!(
        graph["render"].contains("routes")
            && graph["model::site::refresh"].contains("model::site::load")
            && graph["render::map"].contains("render::layout"),
        "imports are found: {graph:?}"
    );
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| cycle_through(m, &graph))
        .map(|c| c.join(" → "))
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(m, uses)| (m.to_string(), uses.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(
        cycle_through("a", &graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    assert_eq!(cycle_through("d", &graph), None);
}

/// The stage a module belongs to: its top-level module.
fn stage(module: &str) -> &str {
    module.split("::").next().unwrap_or(module)
}

#[test]
fn stages_import_one_way_and_there_are_few_of_them() {
    let graph = graph();
    let mut stages: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, uses) in &graph {
        let entry = stages.entry(stage(module).to_string()).or_default();
        entry.extend(
            uses.iter()
                .map(|u| stage(u).to_string())
                .filter(|u| u != stage(module)),
        );
    }
    assert!(
        stages.len() <= 8,
        "at most 8 top-level modules: {:?}",
        stages.keys()
    );
    assert!(
        stages["render"].contains("model") && stages["model"].contains("source"),
        "stage imports are found: {stages:?}"
    );
    // The order ARCHITECTURE.md draws: each stage uses only those before it.
    let order = [
        "diagnostics",
        "routes",
        "source",
        "fetch",
        "output",
        "model",
        "render",
        "commands",
    ];
    let named: BTreeSet<&str> = stages.keys().map(String::as_str).collect();
    assert_eq!(
        named,
        order.into_iter().collect(),
        "the stages are the ones ARCHITECTURE.md names"
    );
    for (at, stage) in order.iter().enumerate() {
        let later: Vec<&String> = stages[*stage]
            .iter()
            .filter(|used| order.iter().position(|o| o == used) > Some(at))
            .collect();
        assert!(
            later.is_empty(),
            "`{stage}` imports {later:?}, which come after it in the pipeline"
        );
    }
}

#[test]
fn every_folder_says_what_it_owns() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in walkdir::WalkDir::new(&src)
        .into_iter()
        .filter_map(Result::ok)
    {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "rs") {
            let text = fs::read_to_string(path).unwrap();
            assert!(
                text.starts_with("//!"),
                "{} starts with a `//!` comment saying what it owns",
                path.display()
            );
        }
    }
}
