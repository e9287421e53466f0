//! Embeds (`/futures/<id>/embed/`, `/bets/<id>/embed/`): small cards for an
//! iframe on another site, their oEmbed descriptions and the iframe code each
//! page offers. Built from the example site with a future and a bet whose
//! titles are 300 hostile characters and a bet settled by a resolution, for a
//! `base_url` with a path; then, with Chromium, each card in an iframe on a
//! page of another origin (tests/browser/embed.mjs).

mod common;

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use common::{TempDir, Tool, copy_dir, start_tags, unescape};
use forkcast::BuildOptions;

/// 300 characters (the longest title allowed) of markup and quotes.
fn hostile_title() -> String {
    let unit = "<script>alert(\"t\")</script> & 'q' <img src=x onerror=alert(1)> ";
    let title: String = unit.chars().cycle().take(300).collect();
    assert_eq!(title.chars().count(), 300);
    assert!(!title.ends_with(' '), "a title does not end with a space");
    title
}

/// YAML's single-quoted form of `s`.
fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// The example site, plus `hostile-title` (a future) and `hostile-bet` with
/// [`hostile_title`], and `settled-win`, a bet on a future that happened.
fn example_with_hostile(dir: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for sub in ["futures", "bets", "content", "data"] {
        copy_dir(&root.join(sub), &dir.join(sub));
    }
    fs::copy(root.join("site.yaml"), dir.join("site.yaml")).unwrap();
    let title = quoted(&hostile_title());
    let summary = quoted(&format!("{} Then more.", hostile_title()));
    fs::write(
        dir.join("futures/hostile-title.yaml"),
        format!("title: {title}\nsummary: {summary}\nprobability: 0.4\nwhen: 2028..2030\n"),
    )
    .unwrap();
    fs::write(
        dir.join("bets/hostile-bet.md"),
        format!("---\ntitle: {title}\nkind: personal\nstatus: idea\nwins_if: [hostile-title]\n---\n{summary}\n"),
    )
    .unwrap();
    fs::write(
        dir.join("bets/settled-win.md"),
        "---\ntitle: Bet on a perfect score\nkind: personal\nstatus: placed\nwins_if: [imo-2026-perfect-score]\n---\nIt paid.\n",
    )
    .unwrap();
}

const BASE: &str = "https://example.org/forecasts/ai/";

/// Builds [`example_with_hostile`] for `base` into `tmp/out`.
fn build(tmp: &Path, base: &str) -> PathBuf {
    let site = tmp.join("site");
    example_with_hostile(&site);
    let out = tmp.join("out");
    let options = BuildOptions {
        offline: true,
        base_url: Some(base.into()),
        ..Default::default()
    };
    forkcast::build(&site, Some(&out), &options).unwrap();
    out
}

/// The ids of the site's futures and bets, as `futures/<id>/` and `bets/<id>/`.
fn pages(out: &Path) -> Vec<String> {
    let graph: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("graph.json")).unwrap()).unwrap();
    let ids = |kind: &str| -> Vec<String> {
        graph[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| format!("{kind}/{}/", x["id"].as_str().unwrap()))
            .collect()
    };
    let mut all = ids("futures");
    all.extend(ids("bets"));
    all
}

/// The text between the first `open` and the `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let end = text[start..]
        .find(close)
        .unwrap_or_else(|| panic!("no {close}"));
    &text[start..start + end]
}

/// The attribute `name` of the first start tag `tag` whose attribute
/// `key` is `value`.
fn attr_of(html: &str, tag: &str, key: (&str, &str), name: &str) -> Option<String> {
    start_tags(html)
        .into_iter()
        .filter(|t| t.name == tag)
        .find(|t| t.attributes.iter().any(|(k, v)| k == key.0 && v == key.1))
        .and_then(|t| t.attributes.into_iter().find(|(k, _)| k == name))
        .map(|(_, v)| v)
}

/// CSP's source for text `css`: `'sha256-` + base64(SHA-256) + `'`.
fn style_hash(css: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, css.as_bytes());
    let b64 = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!("'sha256-{b64}'")
}

/// The tags an embed is made of: anything else came from content.
const EMBED_TAGS: &[&str] = &[
    "html", "head", "meta", "title", "link", "style", "body", "main", "p", "span", "a", "h1",
    "div", "strong", "svg", "polyline", "circle", "time",
];

#[test]
fn every_future_and_bet_has_an_embed_without_script_under_20_kb() {
    let tmp = TempDir::new("embeds");
    let out = build(tmp.path(), BASE);
    let pages = pages(&out);
    assert!(pages.len() >= 55 + 14 + 2, "{} pages", pages.len());
    let mut largest = (0, String::new());
    for page in &pages {
        let path = out.join(page).join("embed/index.html");
        let html = fs::read_to_string(&path).unwrap_or_else(|_| panic!("no embed for {page}"));
        assert!(
            out.join(page).join("oembed.json").is_file(),
            "{page}: no oembed.json"
        );
        assert!(
            !html.to_ascii_lowercase().contains("<script"),
            "{page}: a script"
        );
        for tag in start_tags(&html) {
            assert!(
                EMBED_TAGS.contains(&tag.name.as_str()),
                "{page}: <{}>",
                tag.name
            );
            for (name, _) in &tag.attributes {
                // Neither a handler nor a style attribute (the policy blocks both).
                assert!(
                    !name.starts_with("on") && name != "style",
                    "{page}: {name}="
                );
            }
        }
        let csp = attr_of(
            &html,
            "meta",
            ("http-equiv", "Content-Security-Policy"),
            "content",
        )
        .unwrap_or_else(|| panic!("{page}: no CSP"));
        let css = between(&html, "<style>", "</style>");
        assert_eq!(
            html.matches("<style").count(),
            1,
            "{page}: one style element"
        );
        assert_eq!(
            csp,
            format!(
                "default-src 'none'; script-src 'none'; style-src {}; img-src 'none'; base-uri 'none'; form-action 'none'",
                style_hash(css)
            ),
            "{page}"
        );
        assert_eq!(
            attr_of(&html, "meta", ("name", "robots"), "content").as_deref(),
            Some("noindex")
        );
        if html.len() > largest.0 {
            largest = (html.len(), page.clone());
        }
    }
    println!("largest embed: {} bytes ({})", largest.0, largest.1);
    assert!(
        largest.0 < 20_000,
        "{} weighs {} bytes",
        largest.1,
        largest.0
    );
    assert!(
        largest.1.contains("hostile"),
        "the worst case is a hostile title: {}",
        largest.1
    );
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("embed"), "embeds are not in the sitemap");
}

#[test]
fn a_hostile_title_stays_text_in_the_embed_the_code_and_the_json() {
    let tmp = TempDir::new("embeds-hostile");
    let out = build(tmp.path(), BASE);
    let title = hostile_title();
    let site = "AGI Preparedness Manual";
    for (page, kind) in [
        ("futures/hostile-title/", "Future"),
        ("bets/hostile-bet/", "Bet"),
    ] {
        let embed = fs::read_to_string(out.join(page).join("embed/index.html")).unwrap();
        let heading = between(&embed, "<h1>", "</h1>");
        let link = format!("<a href=\"{BASE}{page}\" target=\"_blank\" rel=\"noopener\">");
        assert_eq!(unescape(between(heading, &link, "</a>")), title, "{page}");

        let json: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join(page).join("oembed.json")).unwrap())
                .unwrap();
        assert_eq!(json["version"], "1.0");
        assert_eq!(json["type"], "rich");
        assert_eq!(json["title"], title.as_str());
        assert_eq!(json["provider_name"], site);
        assert_eq!(json["provider_url"], BASE);
        assert_eq!(
            (json["width"].as_u64(), json["height"].as_u64()),
            (Some(480), Some(260))
        );
        // The thumbnail is the page's social card, which the build wrote.
        assert_eq!(json["thumbnail_url"], format!("{BASE}{page}card.png"));
        assert!(out.join(page).join("card.png").is_file(), "{page}");
        assert_eq!(
            (
                json["thumbnail_width"].as_u64(),
                json["thumbnail_height"].as_u64()
            ),
            (Some(1200), Some(630))
        );
        let code = json["html"].as_str().unwrap();
        // The code is one iframe, whatever the title holds.
        let tags = start_tags(code);
        assert_eq!(tags.len(), 1, "{code}");
        let iframe: Vec<(&str, String)> = tags[0]
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), unescape(v)))
            .collect();
        assert_eq!(
            iframe,
            [
                ("src", format!("{BASE}{page}embed/")),
                ("title", format!("{kind}: {title} ({site})")),
                ("width", "480".into()),
                ("height", "260".into()),
                ("loading", "lazy".into()),
                ("style", "border:0;max-width:100%".into()),
            ]
        );

        // The page shows that code, as text, and advertises the JSON.
        let html = fs::read_to_string(out.join(page).join("index.html")).unwrap();
        let field = between(&html, "<textarea id=\"embed_code\"", "</textarea>");
        let shown = &field[field.find('>').unwrap() + 1..];
        assert_eq!(
            unescape(shown),
            code,
            "{page}: the code shown is the oEmbed's"
        );
        let alternate = ("type", "application/json+oembed");
        assert_eq!(
            attr_of(&html, "link", alternate, "href"),
            Some(format!("{BASE}{page}oembed.json"))
        );
        let link_title = attr_of(&html, "link", alternate, "title").unwrap();
        assert_eq!(unescape(&link_title), format!("{title} ({site})"));
    }
}

#[test]
fn an_embed_says_a_future_resolved_or_a_bet_settled() {
    let tmp = TempDir::new("embeds-resolved");
    let out = build(tmp.path(), BASE);
    let read = |page: &str| fs::read_to_string(out.join(page).join("embed/index.html")).unwrap();
    // imo-2026-perfect-score: `resolved: {outcome: happened, on: 2026-07-26}`.
    let future = read("futures/imo-2026-perfect-score/");
    assert!(
        future.contains("Resolved:</span> <strong>Happened</strong>"),
        "{future}"
    );
    assert!(
        future.contains("Resolved on <time>26 July 2026</time></p>"),
        "{future}"
    );
    let bet = read("bets/settled-win/");
    assert!(
        bet.contains("Resolved:</span> <strong>Won</strong>"),
        "{bet}"
    );
    assert!(
        bet.contains("Resolved on <time>26 July 2026</time> · Won: “"),
        "{bet}"
    );
    // An open future: its number, what it is, where it comes from.
    let open = read("futures/hostile-title/");
    assert!(
        open.contains("<strong>40%</strong> <span class=\"label\">chance</span>"),
        "{open}"
    );
    assert!(open.contains("· author&#39;s estimate</p>"), "{open}");
}

#[test]
fn a_sparkline_has_a_text_alternative() {
    let tmp = TempDir::new("embeds-spark");
    let out = build(tmp.path(), BASE);
    let mut drawn = 0;
    for page in pages(&out) {
        let html = fs::read_to_string(out.join(&page).join("embed/index.html")).unwrap();
        let Some(svg) = html.find("<svg") else {
            continue;
        };
        drawn += 1;
        let svg = &html[svg..];
        assert!(svg.starts_with("<svg class=\"spark\""), "{page}");
        assert!(
            svg.contains("role=\"img\" aria-labelledby=\"spark_title\""),
            "{page}"
        );
        let alt = between(svg, "<title id=\"spark_title\">", "</title>");
        assert!(
            alt.starts_with("Its chance") && alt.ends_with("now."),
            "{page}: {alt}"
        );
    }
    // The example's markets have histories: most futures have a line.
    assert!(drawn >= 20, "only {drawn} sparklines");
}

#[test]
fn embeds_work_in_an_iframe_on_another_site() {
    let needs = [
        Tool::Chromium,
        Tool::Node,
        Tool::Npm("playwright-core"),
        Tool::Npm("axe-core"),
    ];
    if !common::has_tools("the embeds' browser test", &needs) {
        return;
    }
    let tmp = TempDir::new("embeds-browser");
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/sub/", listener.local_addr().unwrap());
    let out = build(tmp.path(), &url);
    // Served from the folder above, so that /sub/ is the site.
    let served = tmp.path().join("served");
    fs::create_dir_all(&served).unwrap();
    fs::rename(&out, served.join("sub")).unwrap();
    common::serve_static(listener, served);
    let oembed = |page: &str| -> serde_json::Value {
        let path = tmp.path().join("served/sub").join(page).join("oembed.json");
        serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap()
    };
    let embeds: Vec<serde_json::Value> = [
        "futures/agents-do-real-work/",
        "futures/imo-2026-perfect-score/",
        "futures/openai-announces-agi-2025/",
        "futures/hostile-title/",
        "bets/hostile-bet/",
        "bets/settled-win/",
    ]
    .iter()
    .map(|page| serde_json::json!({ "page": page, "code": oembed(page)["html"] }))
    .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = serde_json::json!({
        "url": url,
        "embeds": embeds,
        "width": 480,
        "height": 260,
        "artifacts": root.join("target/browser-artifacts/embeds"),
    });
    let found = common::node_script("embed.mjs", &config);
    println!("embeds in Chromium: {found}");
    assert_eq!(found["framed"], 6 * 5, "each embed framed in five looks");
}
