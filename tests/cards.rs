//! Social cards: every future, bet and post page and the home page names a
//! 1200×630 PNG in its head, drawn once per content and kept in the site's
//! cache, so a build redraws exactly the cards whose facts changed.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use common::{TempDir, Tool, copy_dir, fixture, has_tools, start_tags, unescape};
use forkcast::{BuildOptions, CardCount};

fn offline() -> BuildOptions {
    BuildOptions {
        offline: true,
        ..Default::default()
    }
}

/// The `good` fixture copied, so that its cache is this test's own.
fn site(label: &str) -> (TempDir, PathBuf, PathBuf) {
    let dir = TempDir::new(label);
    let root = dir.path().join("site");
    copy_dir(&fixture("good"), &root);
    // Tests that build the fixture in place leave its cache there.
    let _ = fs::remove_dir_all(root.join(".forkcast-cache"));
    let out = dir.path().join("public");
    (dir, root, out)
}

fn build(root: &Path, out: &Path, options: &BuildOptions) -> CardCount {
    forkcast::build(root, Some(out), options).unwrap().cards
}

/// The pages with a card: the home page, 6 futures (4 and 2 eras), 3 bets
/// and 3 posts (the draft is not built).
const PAGES: [&str; 13] = [
    "",
    "futures/agi-arrives/",
    "futures/fleets/",
    "futures/scaling-stalls/",
    "futures/treaty/",
    "futures/era-one/",
    "futures/era-two/",
    "bets/foundry-calls/",
    "bets/learn-agents/",
    "bets/treaty-hedge/",
    "posts/first-post/",
    "posts/second-post/",
    "posts/third-post/",
];

/// The `content` of the head's `<meta>` whose `property` or `name` is `key`.
fn meta(html: &str, key: &str) -> String {
    let attr = |t: &common::Tag, k: &str| {
        t.attributes
            .iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    };
    let tags = start_tags(html);
    let tag = tags
        .iter()
        .filter(|t| t.name == "meta")
        .find(|t| attr(t, "property").or(attr(t, "name")).as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no <meta> {key}"));
    unescape(&attr(tag, "content").unwrap_or_default())
}

/// A PNG's width and height, read from its header: the signature (8 bytes),
/// then the IHDR chunk's length (4) and type (4), then both, big-endian.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (be(16), be(20))
}

fn check_cards(out: &Path, base: &str) {
    for page in PAGES {
        let html = fs::read_to_string(out.join(page).join("index.html")).unwrap();
        let image = meta(&html, "og:image");
        assert_eq!(image, format!("{base}{page}card.png"), "{page}");
        assert_eq!(meta(&html, "og:image:width"), "1200", "{page}");
        assert_eq!(meta(&html, "og:image:height"), "630", "{page}");
        assert_eq!(meta(&html, "og:image:type"), "image/png", "{page}");
        assert_eq!(meta(&html, "twitter:card"), "summary_large_image", "{page}");
        let title = meta(&html, "og:title");
        let alt = meta(&html, "og:image:alt");
        assert!(
            alt.starts_with(&title),
            "{page}: {alt:?} does not name {title:?}"
        );
        let png = fs::read(out.join(page).join("card.png")).unwrap();
        assert_eq!(png_size(&png), (1200, 630), "{page}");
    }
    // A page without a card keeps the small summary.
    let tags = fs::read_to_string(out.join("tags/index.html")).unwrap();
    assert_eq!(meta(&tags, "twitter:card"), "summary");
    let sitemap = fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("card.png"));
}

#[test]
fn every_future_bet_post_and_the_home_page_has_a_card() {
    let (_dir, root, out) = site("cards-meta");
    build(&root, &out, &offline());
    // The fixture's base_url has a path: https://example.org/manual/.
    check_cards(&out, "https://example.org/manual/");
    // The alt text says the number: AGI arrives has its estimate, 0.4.
    let agi = fs::read_to_string(out.join("futures/agi-arrives/index.html")).unwrap();
    assert_eq!(meta(&agi, "og:image:alt"), "AGI arrives: 40% (chance)");
    let root_url = BuildOptions {
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..offline()
    };
    build(&root, &out, &root_url);
    check_cards(&out, "http://127.0.0.1:1111/");
}

/// Each card file by page, with its inode: a redrawn card is a new file.
fn inodes(out: &Path) -> BTreeMap<&'static str, u64> {
    PAGES
        .iter()
        .map(|p| {
            (
                *p,
                fs::metadata(out.join(p).join("card.png")).unwrap().ino(),
            )
        })
        .collect()
}

#[test]
fn cards_are_drawn_once_per_content() {
    let (_dir, root, out) = site("cards-cache");
    let cache = root.join(".forkcast-cache/cards");
    assert_eq!(
        build(&root, &out, &offline()),
        CardCount {
            drawn: 13,
            reused: 0
        }
    );
    let pngs = |dir: &Path| {
        fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".png")
            })
            .count()
    };
    assert_eq!(pngs(&cache), 13);
    let first = inodes(&out);
    // A card in the output is the cache's file, linked.
    let agi = fs::metadata(out.join("futures/agi-arrives/card.png")).unwrap();
    assert!(
        agi.nlink() >= 2,
        "the card is not a hard link of the cache's"
    );

    assert_eq!(
        build(&root, &out, &offline()),
        CardCount {
            drawn: 0,
            reused: 13
        }
    );
    assert_eq!(inodes(&out), first);

    // AGI arrives 0.4 → 0.5 moves its own card; A compute treaty's, whose
    // number is implied through the arrows into it: 0.4 × 0.3 + 0.3 × 0.5
    // (Scaling stalls) = 0.27 → 0.5 × 0.3 + 0.15 = 0.30; Learn to direct
    // agents' (wins if AGI arrives: 40% → 50%); Stay close to the fleets'
    // (wins if fleets 0.5, loses if the treaty: its lower bound
    // 0.5 − 0.27 = 23% → 0.5 − 0.30 = 20%). Not Call options on the
    // foundry (wins if fleets 0.5 or the treaty, loses if Scaling stalls
    // 0.3): its bounds are max(0.5, treaty) − 0.3 = 20% and 1 − 0.3 = 70%
    // before and after. Fleets shows its own estimate, the eras none, the
    // home page and posts no number: 4 cards.
    let file = root.join("futures/agi-arrives.yaml");
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replace("probability: 0.4\n", "probability: 0.5\n"),
    )
    .unwrap();
    let count = build(&root, &out, &offline());
    let second = inodes(&out);
    let redrawn: Vec<&str> = PAGES
        .iter()
        .copied()
        .filter(|p| first[p] != second[p])
        .collect();
    assert_eq!(
        redrawn,
        [
            "futures/agi-arrives/",
            "futures/treaty/",
            "bets/learn-agents/",
            "bets/treaty-hedge/",
        ]
    );
    assert_eq!(
        count,
        CardCount {
            drawn: 4,
            reused: 9
        }
    );
    // The four cards of 0.4 were not used by this build: pruned.
    assert_eq!(pngs(&cache), 13);

    fs::remove_dir_all(&cache).unwrap();
    assert_eq!(
        build(&root, &out, &offline()),
        CardCount {
            drawn: 13,
            reused: 0
        }
    );
}

#[test]
fn a_hostile_title_draws_a_card() {
    let dir = TempDir::new("cards-hostile");
    let root = dir.path().join("site");
    copy_dir(&fixture("hostile"), &root);
    let _ = fs::remove_dir_all(root.join(".forkcast-cache"));
    let out = dir.path().join("public");
    let count = build(&root, &out, &offline());
    assert!(count.drawn > 0 && count.reused == 0, "{count:?}");
    for entry in fs::read_dir(root.join(".forkcast-cache/cards")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "png") {
            assert_eq!(png_size(&fs::read(&path).unwrap()), (1200, 630));
        }
    }
}

/// What Tesseract reads on the PNG at `path`.
fn ocr(path: &Path) -> String {
    let out = std::process::Command::new("tesseract")
        .arg(path)
        .arg("stdout")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_card_reads_back_as_its_title_and_number() {
    if !has_tools(
        "a_card_reads_back_as_its_title_and_number",
        &[Tool::Tesseract],
    ) {
        return;
    }
    let (_dir, root, out) = site("cards-ocr");
    build(&root, &out, &offline());
    let future = ocr(&out.join("futures/agi-arrives/card.png"));
    for words in [
        "FUTURE",
        "AGI arrives",
        "40%",
        "Fixture Futures",
        "example.org",
    ] {
        assert!(future.contains(words), "{words:?} not read in {future:?}");
    }
    let bet = ocr(&out.join("bets/foundry-calls/card.png"));
    // The en dash of 20–70% may read as a hyphen; the numbers must not.
    for words in [
        "Call options on the foundry",
        "20",
        "70%",
        "chance of paying off",
    ] {
        assert!(bet.contains(words), "{words:?} not read in {bet:?}");
    }
    let post = ocr(&out.join("posts/first-post/card.png"));
    assert!(post.contains("First post"), "{post:?}");
}
