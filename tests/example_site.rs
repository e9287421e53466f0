//! The project's own site (the repository root) is real content: it must
//! always build cleanly and keep the size the README promises.

mod common;

use std::path::Path;

use common::TempDir;
use forkcast::BuildOptions;

#[test]
fn the_example_site_builds_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = forkcast::load(
        root,
        &BuildOptions {
            offline: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(site.warnings.is_empty(), "{:?}", site.warnings);
    let groups = (0..site.futures.len())
        .filter(|&i| !site.graph.members(i).is_empty())
        .count();
    assert!(site.futures.len() >= 20, "{} futures", site.futures.len());
    assert!(groups >= 4, "{groups} groups");
    assert!(site.bets.len() >= 10, "{} bets", site.bets.len());
    assert!(site.posts.len() >= 5, "{} posts", site.posts.len());
    assert!(site.pages.iter().any(|p| p.doc.path == "about/"));
    assert!(
        site.futures.iter().any(|f| f.computed.disagreement),
        "a disputed future shows the flag"
    );
    assert!(
        site.bets
            .iter()
            .any(|b| matches!(b.payoff, forkcast::graph::Payoff::Exact(_)))
    );
    assert!(
        site.bets
            .iter()
            .any(|b| matches!(b.payoff, forkcast::graph::Payoff::Range(..)))
    );
    let kinds: std::collections::HashSet<_> = site.bets.iter().map(|b| b.bet.kind).collect();
    assert_eq!(kinds.len(), 3, "financial, career and personal bets");

    let out = TempDir::new("example");
    forkcast::build(
        root,
        Some(&out.path().join("public")),
        &BuildOptions {
            offline: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        out.path()
            .join("public/futures/human-level-ai/index.html")
            .is_file()
    );
}
