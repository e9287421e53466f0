//! Fixture sites built end to end, their output checked the way a reader
//! (or a feed reader, or a crawler) would.

mod common;

use std::collections::HashSet;
use std::fs;
use std::path::Path;

use common::{TempDir, attributes, copy_dir, fixture, snapshot, start_tags, unescape};
use forkcast::{BuildOptions, Error};

/// Builds from the committed market snapshot; tests never use the network.
fn offline() -> BuildOptions {
    BuildOptions {
        offline: true,
        ..Default::default()
    }
}

fn build_good(options: &BuildOptions) -> TempDir {
    let out = TempDir::new("good");
    forkcast::build(&fixture("good"), Some(&out.path().join("public")), options).unwrap();
    out
}

fn read(root: &Path, path: &str) -> String {
    fs::read_to_string(root.join("public").join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_route_is_built() {
    let out = build_good(&offline());
    for path in [
        "index.html",
        "posts/index.html",
        "posts/page/2/index.html",
        "posts/first-post/index.html",
        "posts/second-post/index.html",
        "posts/third-post/index.html",
        "about/index.html",
        "tags/index.html",
        "tags/agi/index.html",
        "tags/hardware/index.html",
        "tags/policy/index.html",
        "futures/index.html",
        "futures/agi-arrives/index.html",
        "futures/era-one/index.html",
        "bets/index.html",
        "bets/foundry-calls/index.html",
        "atom.xml",
        "sitemap.xml",
        "404.html",
        "graph.json",
        "style.css",
        "syntax.css",
        "forkcast.js",
        "img/logo.svg",
    ] {
        assert!(
            out.path().join("public").join(path).is_file(),
            "missing {path}"
        );
    }
    assert!(
        !out.path().join("public/posts/draft-post").exists(),
        "drafts are left out"
    );
    assert!(!out.path().join("public/posts/page/3").exists());
    let drafts = build_good(&BuildOptions {
        drafts: true,
        ..offline()
    });
    assert!(
        drafts
            .path()
            .join("public/posts/draft-post/index.html")
            .is_file()
    );
}

#[test]
fn every_link_resolves_inside_the_output() {
    let out = build_good(&offline());
    let public = out.path().join("public");
    let files = snapshot(&public);
    let mut checked = 0;
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes.clone()).unwrap();
        for link in attributes(&html, "href")
            .into_iter()
            .chain(attributes(&html, "src"))
        {
            let link = unescape(link);
            if link.starts_with("https://") || link.starts_with("mailto:") {
                continue;
            }
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t.to_string(), Some(f.to_string())),
                None => (link.clone(), None),
            };
            let target = target.split('?').next().unwrap_or("").to_string();
            let file = if target.is_empty() {
                path.clone()
            } else {
                let rel = target
                    .strip_prefix("/manual/")
                    .unwrap_or_else(|| panic!("{path}: link `{link}` lacks the /manual/ prefix"));
                if rel.is_empty() || rel.ends_with('/') {
                    format!("{rel}index.html")
                } else {
                    rel.to_string()
                }
            };
            let Some(bytes) = files.get(&file) else {
                panic!("{path}: link `{link}` points at missing {file}");
            };
            if let Some(id) = fragment.filter(|f| !f.is_empty() && file.ends_with(".html")) {
                let target_html = String::from_utf8_lossy(bytes);
                // Deep links into the futures map land on the map's boxes, which carry the futures' ids.
                assert!(
                    target_html.contains(&format!("id=\"{id}\"")),
                    "{path}: `{link}` names a missing anchor"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn the_feed_is_valid_atom() {
    let out = build_good(&offline());
    let xml = read(out.path(), "atom.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let feed = doc.root_element();
    let atom = "http://www.w3.org/2005/Atom";
    assert_eq!(
        (feed.tag_name().namespace(), feed.tag_name().name()),
        (Some(atom), "feed")
    );
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.tag_name().name() == name)
            .map(|c| c.text().unwrap_or("").to_string())
    };
    assert_eq!(child(feed, "title").as_deref(), Some("Fixture Futures"));
    assert_eq!(
        child(feed, "id").as_deref(),
        Some("https://example.org/manual/")
    );
    assert_eq!(
        child(feed, "updated").as_deref(),
        Some("2026-03-10T00:00:00Z")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 3);
    let titles: Vec<String> = entries
        .iter()
        .map(|e| child(*e, "title").unwrap())
        .collect();
    assert_eq!(titles, ["Third post", "Second post", "First post"]);
    for e in &entries {
        for required in ["id", "title", "updated", "published", "content"] {
            assert!(
                child(*e, required).is_some_and(|t| !t.is_empty()),
                "entry lacks {required}"
            );
        }
        let updated = child(*e, "updated").unwrap();
        assert!(updated.parse::<jiff_check::Rfc3339>().is_ok(), "{updated}");
    }
    let second = &entries[1];
    assert_eq!(
        child(*second, "published").as_deref(),
        Some("2026-02-10T08:00:00Z")
    );
    assert_eq!(
        child(*second, "updated").as_deref(),
        Some("2026-03-01T00:00:00Z")
    );
    // The content element carries HTML as text; once parsed it is the post.
    let content = child(entries[2], "content").unwrap();
    assert!(content.contains("<h2 id=\"why-it-matters\">"), "{content}");
}

/// Just enough RFC 3339 to check feed dates.
mod jiff_check {
    pub struct Rfc3339;
    impl std::str::FromStr for Rfc3339 {
        type Err = ();
        fn from_str(s: &str) -> Result<Self, ()> {
            let b = s.as_bytes();
            let ok = s.len() >= 20
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b'T'
                && b[13] == b':'
                && (s.ends_with('Z') || s[19..].contains(['+', '-']));
            if ok { Ok(Rfc3339) } else { Err(()) }
        }
    }
}

#[test]
fn the_sitemap_lists_every_page_once() {
    let out = build_good(&offline());
    let xml = read(out.path(), "sitemap.xml");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let unique: HashSet<&&str> = locs.iter().collect();
    assert_eq!(unique.len(), locs.len(), "duplicates in the sitemap");
    // Every page but the embeds: cards for other sites' iframes, `noindex`.
    let pages = snapshot(&out.path().join("public"))
        .into_keys()
        .filter(|p| p.ends_with("index.html") && !p.ends_with("/embed/index.html"))
        .count();
    assert_eq!(locs.len(), pages);
    for loc in locs {
        let rel = loc.strip_prefix("https://example.org/manual/").unwrap();
        assert!(
            out.path()
                .join("public")
                .join(rel)
                .join("index.html")
                .is_file(),
            "{loc}"
        );
    }
}

#[test]
fn pages_show_the_graphs_numbers() {
    let out = build_good(&offline());
    // fleets: own 0.5, implied 0.4 × 0.6 = 0.24: disputed.
    let fleets = read(out.path(), "futures/fleets/index.html");
    assert!(
        fleets
            .contains("<strong>50%</strong> <span class=\"muted\">(author&#39;s estimate)</span>"),
        "{fleets}"
    );
    assert!(fleets.contains("<strong>24%</strong>"));
    assert!(fleets.contains("class=\"disagreement\""));
    assert!(fleets.contains("manifold:will-ai-fleets-happen"));
    // treaty: no estimate; implied 0.4 × 0.3 + 0.3 × 0.5 = 0.27 through a diamond.
    let treaty = read(out.path(), "futures/treaty/index.html");
    assert!(treaty.contains("<strong>27%</strong>"), "{treaty}");
    assert!(treaty.contains("AGI arrives"));
    assert!(treaty.contains("Scaling stalls"));
    // The foundry bet wins in fleets (0.5) or treaty (0.27), not one fork:
    // P(W) in [0.5, 0.77]. It loses if scaling stalls (0.3), on another
    // fork: [max(0, 0.5 − 0.3), min(0.77, 1 − 0.3)].
    let bet = read(out.path(), "bets/foundry-calls/index.html");
    assert!(
        bet.contains("<strong class=\"payoff-value\">20–70%</strong>"),
        "{bet}"
    );
    let agi = read(out.path(), "futures/agi-arrives/index.html");
    assert!(
        agi.contains("Learn to direct agents"),
        "bets that win here are listed"
    );
    assert!(
        agi.contains("First post"),
        "posts that discuss it are listed"
    );
    let stalls = read(out.path(), "futures/scaling-stalls/index.html");
    assert!(stalls.contains("Lose here") && stalls.contains("Call options on the foundry"));
    let era = read(out.path(), "futures/era-one/index.html");
    assert!(era.contains("In this group") && era.contains("AGI arrives"));
}

/// The text of the `<text>` elements directly in the map's link to `id`.
fn map_texts(html: &str, id: &str) -> Vec<String> {
    let start = html
        .find(&format!("id=\"{id}\" class="))
        .unwrap_or_else(|| panic!("no box for {id} on the map"));
    let link = &html[start..start + html[start..].find("</a>").unwrap()];
    link.split("<text")
        .skip(1)
        .map(|t| unescape(&t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()]))
        .collect()
}

#[test]
fn the_static_map_opens_every_group_when_it_all_fits() {
    let out = build_good(&offline());
    let html = read(out.path(), "futures/index.html");
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "graph.json")).unwrap();
    for f in json["futures"].as_array().unwrap() {
        let (id, title) = (f["id"].as_str().unwrap(), f["title"].as_str().unwrap());
        // One element carries the future's id: its box on the map, not a table row.
        assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "{id}");
        let texts = map_texts(&html, id);
        let lines = if f["within"].is_null()
            && json["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["id"] == id)
        {
            texts
        } else {
            texts[..texts.len() - 1].to_vec() // the last line holds the numbers
        };
        assert_eq!(lines.join(" "), title, "{id}'s title, whole in its lines");
    }
    assert!(!html.contains("group closed"), "every group open");
}

#[test]
fn a_map_too_large_to_read_whole_shows_closed_groups_with_marks() {
    let site = TempDir::new("large-map");
    copy_dir(&fixture("good"), site.path());
    for e in 0..12 {
        let mut era = format!("title: Era {e}\nwhen: {}..{}\n", 2030 + e, 2031 + e);
        fs::write(site.path().join(format!("futures/big-{e}.yaml")), &era).unwrap();
        for i in 0..20 {
            era = format!(
                "title: Future {i} of era {e}\nwithin: big-{e}\nprobability: 0.{}\n",
                1 + i % 9
            );
            fs::write(site.path().join(format!("futures/big-{e}-{i}.yaml")), &era).unwrap();
        }
    }
    let out = TempDir::new("large-map-out");
    forkcast::build(site.path(), Some(&out.path().join("public")), &offline()).unwrap();
    let html = read(out.path(), "futures/index.html");
    let texts = map_texts(&html, "big-3");
    assert_eq!(texts, ["Era 3", "20 futures · 2033–2034"]);
    // A mark per future in a group (the fixture's own four too), squares
    // of one colour in one path.
    let marks: usize = html
        .split("class=\"mark p")
        .skip(1)
        .map(|m| m[..m.find("/>").unwrap()].matches('M').count())
        .sum();
    assert_eq!(marks, 12 * 20 + 4);
    assert!(
        !html.contains("id=\"big-3-0\""),
        "a closed group's futures are not drawn"
    );
}

#[test]
fn graph_json_describes_the_whole_graph() {
    let out = build_good(&offline());
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "graph.json")).unwrap();
    let futures = json["futures"].as_array().unwrap();
    assert_eq!(futures.len(), 6);
    let treaty = futures.iter().find(|f| f["id"] == "treaty").unwrap();
    assert_eq!(treaty["within"], "era-two");
    assert!((treaty["implied"].as_f64().unwrap() - 0.27).abs() < 1e-9);
    assert_eq!(treaty["url"], "/manual/futures/treaty/");
    assert_eq!(json["edges"].as_array().unwrap().len(), 3);
    let groups = json["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 2);
    let bet = json["bets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["id"] == "foundry-calls")
        .unwrap();
    assert_eq!(bet["payoff"]["kind"], "range");
    // What the map needs to draw and word numbers as the pages do.
    assert_eq!(json["rules"]["disagreement"], 0.15);
    assert_eq!(json["rules"]["display"]["low"], 0.01);
    assert!(json["map"]["node_width"].as_f64().unwrap() > 100.0);
}

#[test]
fn a_crashed_builds_staging_folder_is_removed_by_the_next_build() {
    let out = TempDir::new("stale");
    // What a build killed midway leaves beside the output (no process has
    // this id), and what a build still running elsewhere would have.
    let dead = out.path().join(".public.building-999999999");
    let alive = out.path().join(".public.building-1");
    for d in [&dead, &alive] {
        fs::create_dir_all(d).unwrap();
        fs::write(d.join("index.html"), "half a site").unwrap();
    }
    forkcast::build(
        &fixture("good"),
        Some(&out.path().join("public")),
        &offline(),
    )
    .unwrap();
    assert!(!dead.exists(), "the crashed build's folder is gone");
    assert!(alive.exists(), "a running process's folder is left alone");
}

#[test]
fn posts_render_markdown_with_toc_highlighting_and_meta() {
    let out = build_good(&offline());
    let post = read(out.path(), "posts/first-post/index.html");
    assert!(post.contains("<nav class=\"toc\""), "a table of contents");
    assert!(post.contains("href=\"#why-it-matters\""));
    assert!(post.contains("<table>"));
    assert!(post.contains("class=\"hl-"), "highlighted code");
    assert!(post.contains("type=\"checkbox\""));
    assert!(post.contains("1 min read"));
    assert!(post.contains("<meta property=\"og:title\" content=\"First post\">"));
    assert!(post.contains("<meta property=\"og:type\" content=\"article\">"));
    assert!(post.contains(
        "<meta property=\"og:description\" content=\"The first paragraph is the summary.\">"
    ));
    assert!(post.contains(
        "<link rel=\"canonical\" href=\"https://example.org/manual/posts/first-post/\">"
    ));
    assert!(
        post.contains("https://github.com/example/fixture/blob/main/content/posts/first-post.md")
    );
    assert!(post.contains("href=\"https://github.com/example/fixture/issues/new?title=Discuss%3A%20First%20post\">Discuss</a>"), "a prefilled issue to discuss the page");
    let list = read(out.path(), "posts/index.html");
    assert!(
        list.contains("Third post") && list.contains("Second post") && !list.contains("First post")
    );
    assert!(list.contains("A hand-written summary."));
    assert!(list.contains("href=\"/manual/posts/page/2/\""));
    // Every page loads only from its own site.
    for (path, bytes) in snapshot(&out.path().join("public"))
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
    {
        let html = String::from_utf8_lossy(bytes);
        for src in attributes(&html, "src") {
            assert!(src.starts_with("/manual/"), "{path} loads {src}");
        }
        for link in attributes(&html, "href")
            .iter()
            .filter(|h| h.ends_with(".css"))
        {
            assert!(link.starts_with("/manual/"), "{path} loads {link}");
        }
    }
}

/// The highlight cache's blocks: each `KEY LENGTH` line, then the HTML.
fn cached_blocks(text: &str) -> Vec<String> {
    let mut rest = text.split_once('\n').unwrap().1;
    let mut blocks = Vec::new();
    while let Some((line, after)) = rest.split_once('\n') {
        let len: usize = line.split_once(' ').unwrap().1.parse().unwrap();
        blocks.push(after[..len].to_string());
        rest = &after[len + 1..];
    }
    blocks
}

#[test]
fn highlighted_code_is_reused_from_the_cache_and_a_bad_cache_is_remade() {
    let site = TempDir::new("highlight-cache");
    copy_dir(&fixture("good"), site.path());
    let cache = site.path().join(".forkcast-cache/highlight/blocks");
    let build = || {
        let out = site.path().join("out");
        let run = common::forkcast(
            &["build", "--offline", "--quiet", "--output", "out"],
            site.path(),
        );
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        fs::read_to_string(out.join("posts/first-post/index.html")).unwrap()
    };
    let first = build();
    let text = fs::read_to_string(&cache).unwrap();
    // The fixture's one coloured block, `fn main() { println!("hi"); }`.
    let blocks = cached_blocks(&text);
    assert_eq!(blocks.len(), 1, "{text}");
    assert!(blocks[0].contains("println"), "{text}");
    assert!(
        first.contains(&blocks[0]),
        "the page shows the block as kept"
    );

    // Proof that syntect did not run: HTML changed in the cache only (same
    // length) is what the page shows.
    let tampered = text.replace("println", "PRINTLN");
    fs::write(&cache, &tampered).unwrap();
    let from_cache = build();
    assert!(from_cache.contains("PRINTLN") && !from_cache.contains("println"));
    assert_eq!(
        fs::read_to_string(&cache).unwrap(),
        tampered,
        "not rewritten"
    );

    // Another program's cache, a truncated one, a wrong length: made again.
    let (header, entries) = tampered.split_once('\n').unwrap();
    let other_program = format!("{header}0\n{entries}");
    let truncated = tampered[..tampered.len() - 10].to_string();
    let (entry, html) = entries.split_once('\n').unwrap();
    let (key, len) = entry.split_once(' ').unwrap();
    let len: usize = len.parse().unwrap();
    let wrong_length = format!("{header}\n{key} {}\n{html}", len + 1);
    for bad in [
        other_program,
        truncated,
        wrong_length,
        "garbage".to_string(),
    ] {
        fs::write(&cache, &bad).unwrap();
        assert_eq!(build(), first, "{bad}");
        assert_eq!(fs::read_to_string(&cache).unwrap(), text, "{bad}");
    }

    // A block no page uses any more leaves the cache.
    let post = site.path().join("content/posts/first-post.md");
    let source = fs::read_to_string(&post).unwrap();
    fs::write(&post, source.replace("```rust", "```text")).unwrap();
    build();
    assert_eq!(cached_blocks(&fs::read_to_string(&cache).unwrap()).len(), 0);
}

#[test]
fn a_sites_own_templates_override_the_theme() {
    let out = build_good(&offline());
    assert!(read(out.path(), "about/index.html").contains("custom-page-template"));
    assert!(!read(out.path(), "posts/first-post/index.html").contains("custom-page-template"));
}

#[test]
fn base_url_can_be_overridden() {
    let out = build_good(&BuildOptions {
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..offline()
    });
    let home = read(out.path(), "index.html");
    assert!(home.contains("href=\"/posts/\""), "{home}");
    assert!(!home.contains("/manual/"));
}

#[test]
fn hostile_content_never_reaches_a_page_as_markup() {
    let out = TempDir::new("hostile");
    let public = out.path().join("public");
    forkcast::build(&fixture("hostile"), Some(&public), &offline()).unwrap();
    let mut tags_seen = 0;
    for (path, bytes) in snapshot(&public) {
        if !(path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        // An embed's one `<style>` is the theme's, allowed by its hash
        // (tests/embeds.rs recomputes it); no other page has one.
        let embed = path.ends_with("/embed/index.html");
        for tag in start_tags(&text) {
            tags_seen += 1;
            assert!(
                !["iframe", "style", "object", "embed", "frame", "base"]
                    .contains(&tag.name.as_str())
                    || (embed && tag.name == "style" && tag.attributes.is_empty())
                        && (tag.name != "form"
                            || tag
                                .attributes
                                .contains(&("class".into(), "site-search".into()))),
                "{path} has a <{}> element",
                tag.name
            );
            if tag.name == "script" {
                let src = tag
                    .attributes
                    .first()
                    .filter(|(n, _)| n == "src")
                    .map(|(_, v)| v.as_str());
                assert!(
                    matches!(
                        src,
                        Some(
                            "/forkcast.js"
                                | "/map.js"
                                | "/search.js"
                                | "/view-page.js"
                                | "/copy.js"
                        )
                    ),
                    "{path}: a script that is not the theme's: {src:?}"
                );
            }
            for (name, value) in &tag.attributes {
                assert!(!name.starts_with("on"), "{path}: <{} {name}=…>", tag.name);
                assert!(name != "style", "{path}: inline style on <{}>", tag.name);
                let v = unescape(value).trim().to_lowercase();
                if ["href", "src", "action", "formaction", "data"].contains(&name.as_str()) {
                    assert!(
                        !v.starts_with("javascript:") && !v.starts_with("data:"),
                        "{path}: {name}={value}"
                    );
                }
            }
        }
        assert!(
            !text.contains("</script><script>"),
            "{path} echoes a raw title"
        );
    }
    assert!(tags_seen > 200);
    let json = fs::read_to_string(public.join("graph.json")).unwrap();
    assert!(
        !json.contains('<') && !json.contains('>'),
        "graph.json is safe to inline in a page"
    );
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        parsed["futures"][0]["title"], "</script><script>alert(10)</script>",
        "escaped, not altered"
    );
    let post = fs::read_to_string(public.join("posts/evil/index.html")).unwrap();
    assert!(
        !post.contains("Edit this page") && !post.contains(">Discuss<"),
        "no repository, no edit links"
    );
    let future = fs::read_to_string(public.join("futures/evil-future/index.html")).unwrap();
    assert!(future.contains("<h1>&lt;/script&gt;&lt;script&gt;alert(10)&lt;/script&gt;</h1>"));
    // A record written to hurt: its evidence title is text, its note and
    // criteria lose their scripts, handlers and `javascript:` link, and
    // addresses stay inside their attribute.
    let record = fs::read_to_string(public.join("futures/evil-record/index.html")).unwrap();
    assert!(record.contains(
        "rel=\"nofollow noopener\">&lt;script&gt;alert(25)&lt;/script&gt;&lt;img src=x onerror=alert(26)&gt;</a>"
    ), "the evidence title is escaped");
    assert!(record.contains("<a href=\"https://example.org/&quot; onmouseover=&quot;alert(27)\""));
    assert!(record.contains(
        "<a href=\"https://example.org/&quot;&gt;&lt;script&gt;alert(24)&lt;/script&gt;\""
    ));
    let note = &record[record
        .find("<div class=\"evidence-note\">")
        .expect("the note is shown")..];
    let note = &note[..note.find("</div>").unwrap()];
    assert!(note.contains("<b>bold</b>"), "{note}");
    for gone in ["alert(28)", "alert(29)", "alert(30)", "javascript"] {
        assert!(!note.contains(gone), "{gone} in the note: {note}");
    }
    let criteria = &record[record
        .find("<section class=\"resolves-when\">")
        .expect("criteria")..];
    let criteria = &criteria[..criteria.find("</section>").unwrap()];
    assert!(
        !criteria.contains("alert(21)") && !criteria.contains("onerror"),
        "{criteria}"
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = TempDir::new("atomic");
    let site = dir.path().join("site");
    copy_dir(&fixture("good"), &site);
    let options = offline();
    forkcast::build(&site, None, &options).unwrap();
    let before = snapshot(&site.join("public"));
    assert!(before.len() > 20);

    fs::write(
        site.join("futures/broken.yaml"),
        "title: Broken\nleads_to:\n  - future: nowhere\n    probability: 0.5\n",
    )
    .unwrap();
    let Err(Error::Content(errors)) = forkcast::build(&site, None, &options) else {
        panic!("the build should fail")
    };
    assert_eq!(
        errors[0].to_string(),
        "futures/broken.yaml:3:13: unknown future `nowhere` in `leads_to`"
    );
    assert_eq!(snapshot(&site.join("public")), before);
    fs::remove_file(site.join("futures/broken.yaml")).unwrap();

    // Pages go to disk as they render: the edited page may be written
    // before the broken post template fails, and still must not reach the
    // output.
    let about = site.join("content/about.md");
    let text = fs::read_to_string(&about).unwrap();
    fs::write(&about, format!("{text}\nA new paragraph.\n")).unwrap();
    fs::write(
        site.join("templates/post.html"),
        "{% extends \"base.html\" %}{% block main %}{{ post.nope }}{% endblock main %}",
    )
    .unwrap();
    let Err(Error::Content(errors)) = forkcast::build(&site, None, &options) else {
        panic!("the build should fail")
    };
    // Any of the posts may be the one rendered first.
    let error = errors[0].to_string();
    assert!(
        error.starts_with(
            "templates/post.html:1:45: unknown variable `post.nope` (rendering posts/"
        ),
        "{error}"
    );
    assert_eq!(snapshot(&site.join("public")), before);
    let leftovers: Vec<_> = fs::read_dir(&site)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        // The site's cache (social cards) is the build's to keep.
        .filter(|n| n.to_string_lossy().starts_with('.') && n != ".forkcast-cache")
        .collect();
    assert!(
        leftovers.is_empty(),
        "no staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn the_search_index_answers_known_queries() {
    let out = build_good(&offline());
    let dir = out.path().join("public/search");
    let files: Vec<forkcast::search::OutputFile> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            forkcast::search::OutputFile {
                path: format!("search/{}", e.file_name().to_string_lossy()),
                bytes: fs::read(e.path()).unwrap(),
            }
        })
        .collect();
    let q = |text: &str| forkcast::search::query(&files, text);
    assert_eq!(
        q("treaty"),
        ["/manual/futures/treaty/", "/manual/bets/treaty-hedge/"],
        "a bet is found by the words of its summary"
    );
    assert_eq!(q("narrowest"), ["/manual/bets/foundry-calls/"]);
    assert_eq!(
        q("post")[..3],
        [
            "/manual/posts/third-post/",
            "/manual/posts/second-post/",
            "/manual/posts/first-post/"
        ],
        "title matches rank first"
    );
    assert_eq!(q("struck"), ["/manual/posts/third-post/"]);
    assert_eq!(q("skills compound"), ["/manual/bets/learn-agents/"]);
    assert_eq!(
        q("second bod"),
        ["/manual/posts/second-post/"],
        "the last word is a prefix"
    );
    assert!(q("nonexistentword").is_empty());
    let meta = fs::read_to_string(dir.join("meta.json")).unwrap();
    assert!(meta.contains("\"docs\":"), "{meta}");
    assert!(read(out.path(), "search/index.html").contains("search-page-results"));
}

/// The card of `path` (`futures/x/` or `bets/x/`) in the build at `out`, parsed.
fn card(out: &Path, path: &str) -> serde_json::Value {
    let text = read(out, &format!("{path}card.json"));
    assert!(
        !text.contains('<') && !text.contains('>'),
        "{path}card.json holds a raw < or >: {text}"
    );
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}card.json: {e}"))
}

/// Every future and bet has a `card.json` for its hover card, with its
/// title and the number its page shows (`pages_show_the_graphs_numbers`
/// works them out by hand: agi-arrives 40%, treaty implied 27%, the foundry
/// bet 20–70%) and its summary's first sentence.
#[test]
fn every_future_and_bet_has_a_hover_card() {
    let out = build_good(&offline());
    let graph: serde_json::Value = serde_json::from_str(&read(out.path(), "graph.json")).unwrap();
    for (list, kind) in [("futures", "Future"), ("bets", "Bet")] {
        for item in graph[list].as_array().unwrap() {
            let id = item["id"].as_str().unwrap();
            let c = card(out.path(), &format!("{list}/{id}/"));
            assert_eq!(c["kind"], kind, "{list}/{id}");
            assert_eq!(c["title"], item["title"], "{list}/{id}");
            let line = c["sparkline"].as_array().unwrap();
            assert!(
                line.iter()
                    .all(|v| (0.0..=1.0).contains(&v.as_f64().unwrap()))
            );
            assert_eq!(line.is_empty(), c["trend"] == "", "{list}/{id}: {c}");
        }
    }
    let agi = card(out.path(), "futures/agi-arrives/");
    assert_eq!(agi["number"]["display"], "40%");
    assert_eq!(agi["number"]["label"], "chance");
    assert_eq!(agi["number"]["source"], "author's estimate");
    assert_ne!(agi["number"]["date"], "");
    assert_eq!(agi["sentence"], "Models reach human level.");
    let treaty = card(out.path(), "futures/treaty/");
    assert_eq!(treaty["number"]["display"], "27%");
    assert!(
        treaty["number"]["source"]
            .as_str()
            .unwrap()
            .starts_with("implied by the graph"),
        "{treaty}"
    );
    let bet = card(out.path(), "bets/foundry-calls/");
    assert_eq!(bet["number"]["display"], "20–70%");
    assert_eq!(bet["number"]["label"], "chance of paying off");
    assert_eq!(
        bet["sentence"],
        "Chips are the narrowest point, whoever wins."
    );

    // A title that is markup stays text, escaped so no `<` is written.
    let hostile = TempDir::new("hostile-cards");
    forkcast::build(
        &fixture("hostile"),
        Some(&hostile.path().join("public")),
        &offline(),
    )
    .unwrap();
    let evil = card(hostile.path(), "futures/evil-future/");
    assert_eq!(evil["title"], "</script><script>alert(10)</script>");
}

/// Authors link files as their editor shows them; readers get the pages.
#[test]
fn relative_links_to_source_files_lead_to_their_pages() {
    let site = TempDir::new("relative-links");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/invalid/relative-links"),
        site.path(),
    );
    // Without the four broken links of the fixture (tests/invalid checks those).
    let fix = |file: &str, from: &str, to: &str| {
        let path = site.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{file}: {from}");
        fs::write(&path, text.replace(from, to)).unwrap();
    };
    fix(
        "content/about.md",
        ", or [one outside](../../README.md)",
        "",
    );
    fix(
        "content/posts/why-chips.md",
        "[a draft](draft-thoughts.md), ",
        "",
    );
    fix(
        "content/posts/why-chips.md",
        "\nand [the next post](next-post.md)",
        "",
    );
    fix(
        "futures/chip-demand-boom.yaml",
        "scaling-stalls.yml",
        "scaling-stalls.yaml",
    );
    let out = site.path().join("public");
    forkcast::build(site.path(), Some(&out), &offline()).unwrap();
    let links = |page: &str| {
        let html = read(site.path(), page);
        attributes(&html, "href")
            .into_iter()
            .map(unescape)
            .collect::<HashSet<String>>()
    };
    let post = links("posts/why-chips/index.html");
    for href in [
        "/manual/futures/chip-demand-boom/",
        "/manual/futures/scaling-stalls/#evidence",
        "/manual/bets/tsm-calls/",
        "https://example.org/x.md",
    ] {
        assert!(
            post.contains(href),
            "the post does not link {href}: {post:?}"
        );
    }
    assert!(links("about/index.html").contains("/manual/posts/why-chips/"));
    let bet = links("bets/tsm-calls/index.html");
    assert!(bet.contains("/manual/posts/why-chips/#the-case"), "{bet:?}");
    assert!(bet.contains("/manual/about/"), "{bet:?}");
    let boom = links("futures/chip-demand-boom/index.html");
    assert!(boom.contains("/manual/futures/scaling-stalls/"), "{boom:?}");
    assert!(boom.contains("/manual/posts/why-chips/"), "{boom:?}");
    let stall = links("futures/scaling-stalls/index.html");
    assert!(
        stall.contains("/manual/futures/chip-demand-boom/"),
        "{stall:?}"
    );
}
