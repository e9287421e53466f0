//! The social card as a picture: a [`Card`]'s facts laid out as SVG (text
//! escaped, lines broken by [`crate::render::text`]) and drawn to a
//! 1200×630 PNG by resvg with the embedded DejaVu Sans — no system font,
//! no file read. Sized to be read where a chat app shows it 400 pixels
//! wide, a third of its size: a 58-pixel title reads as 19 pixels there.

use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use resvg::{tiny_skia, usvg};
use serde::Serialize;

use super::card::{Card, spark_height, spark_range};
use super::{Renderer, text};
use crate::output::CachedFile;
use crate::routes::CardOf;

/// The card's size in pixels, as `og:image:width` and `height` say it.
pub(crate) const WIDTH: u32 = 1200;
pub(crate) const HEIGHT: u32 = 630;

/// Changes whenever the drawing changes, so that no cached card of an
/// older design is placed: part of every card's [`key`].
const DESIGN: u32 = 4;

const PAD: f64 = 64.0;
const FAMILY: &str = "DejaVu Sans";
/// Text and ink: 15.9:1, 8.6:1 and 6.7:1 on the white ground.
const INK: &str = "#111111";
const MUTED: &str = "#4a4a4a";
const ACCENT: &str = "#1d4ed8";
const FOOTER: &str = "#111827";
const WHITE: &str = "#ffffff";

/// What a page's head says of its card (`og:image` and its neighbours).
#[derive(Serialize)]
pub(crate) struct CardMeta {
    /// The PNG's full address.
    pub url: String,
    pub width: u32,
    pub height: u32,
    /// What the picture says: the title and the number.
    pub alt: String,
}

impl Renderer<'_> {
    /// `page`'s card, to be taken from the cache or drawn.
    pub(crate) fn card_file(&self, page: CardOf) -> CachedFile {
        let facts = self.facts(page);
        CachedFile {
            path: self.shape.card(page),
            key: key(&facts),
            draw: Box::new(move || draw(&facts)),
        }
    }

    /// Every card of the site.
    pub(crate) fn card_files(&self) -> Vec<CachedFile> {
        let all = self.shape.cards();
        all.into_iter().map(|c| self.card_file(c)).collect()
    }

    /// What `page`'s head says of its card.
    pub(crate) fn card_meta(&self, page: CardOf) -> CardMeta {
        let facts = self.facts(page);
        let alt = match &facts.number {
            Some(n) => format!("{}: {} ({})", facts.title, n.display, n.label),
            None if facts.sentence.is_empty() => facts.title,
            None => format!("{}: {}", facts.title, facts.sentence),
        };
        CardMeta {
            url: self.permalink(&self.shape.card(page)),
            width: WIDTH,
            height: HEIGHT,
            alt,
        }
    }
}

/// The name a card's bytes are cached under: a hash of its facts, its size
/// and [`DESIGN`] (xxh3, 128 bits, written as 32 hex digits, as the
/// other caches use). Stable across builds, versions and machines, which a
/// `std` hasher is not.
pub(crate) fn key(card: &Card) -> String {
    // Serializing a struct of strings and numbers cannot fail.
    let facts = serde_json::to_string(card).unwrap_or_default();
    let text = format!("{WIDTH}x{HEIGHT} design {DESIGN}\n{facts}");
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(text.as_bytes()))
}

/// Draws `card` as a PNG.
pub(crate) fn draw(card: &Card) -> Result<Vec<u8>, String> {
    let pixmap = pixels(card)?;
    let encoded = match indexed(&pixmap) {
        Some((palette, pixels)) => encode_indexed(&palette, &pixels),
        None => pixmap.encode_png().map_err(|e| e.to_string()),
    };
    encoded.map_err(|e| format!("the card would not encode as PNG: {e}"))
}

fn pixels(card: &Card) -> Result<tiny_skia::Pixmap, String> {
    let tree = usvg::Tree::from_str(&svg(card), &OPTIONS)
        .map_err(|e| format!("the card's SVG would not parse: {e}"))?;
    let mut pixmap = tiny_skia::Pixmap::new(WIDTH, HEIGHT).ok_or("no room for the card")?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// The card's pixels as indexes into a palette of its colours, when it has
/// at most 256 (a card has about 130: a few inks, each anti-aliased on one
/// ground): the same picture as RGBA in about a third of the bytes.
fn indexed(pixmap: &tiny_skia::Pixmap) -> Option<(Vec<u8>, Vec<u8>)> {
    let mut palette: Vec<u8> = Vec::new();
    let mut index: rustc_hash::FxHashMap<[u8; 3], u8> = rustc_hash::FxHashMap::default();
    let mut pixels = Vec::with_capacity(pixmap.pixels().len());
    let mut last = None;
    for p in pixmap.pixels() {
        // The ground is opaque, so every pixel is: its colour is unpremultiplied.
        let rgb = [p.red(), p.green(), p.blue()];
        // Most pixels repeat the one before (the ground, the footer).
        let k = match last {
            Some((was, k)) if was == rgb => k,
            _ => match index.get(&rgb) {
                Some(&k) => k,
                None => {
                    let k = u8::try_from(index.len()).ok()?;
                    index.insert(rgb, k);
                    palette.extend_from_slice(&rgb);
                    k
                }
            },
        };
        last = Some((rgb, k));
        pixels.push(k);
    }
    Some((palette, pixels))
}

fn encode_indexed(palette: &[u8], pixels: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(palette);
    // Measured on a card with a three-line title: 27 KB unfiltered, 34 KB
    // with the default adaptive filter (indexes are not magnitudes).
    encoder.set_filter(png::Filter::NoFilter);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// What resvg draws with: the embedded font only, and no image a card
/// could name (it names none; this makes sure no file is ever read).
static OPTIONS: LazyLock<usvg::Options<'static>> = LazyLock::new(|| {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_data(text::FONT.to_vec());
    usvg::Options {
        font_family: FAMILY.into(),
        fontdb: Arc::new(fonts),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    }
});

/// The card as SVG. Every text from the site is escaped ([`escape`]).
pub(crate) fn svg(card: &Card) -> String {
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="{FAMILY}"><rect width="{WIDTH}" height="{HEIGHT}" fill="{WHITE}"/>"#
    );
    let room = f64::from(WIDTH) - 2.0 * PAD;
    if !card.kind.is_empty() {
        let kind = card.kind.to_uppercase();
        line(
            &mut s,
            PAD,
            96.0,
            30.0,
            MUTED,
            &kind,
            "letter-spacing=\"3\"",
        );
    }
    match &card.number {
        Some(n) => {
            let bottom = block(&mut s, &card.title, 58.0, 68.0, 168.0, room, 3, INK);
            let number_at = (bottom + 146.0).max(430.0);
            // "Did not happen" must fit where "42%" does.
            let beside = if card.sparkline.is_empty() {
                room
            } else {
                680.0
            };
            let px = (beside / text::width(&n.display, 1.0)).min(140.0);
            line(&mut s, PAD, number_at, px.floor(), ACCENT, &n.display, "");
            let caption = if n.source == n.label {
                n.label.to_string()
            } else {
                format!("{} · {}", n.label, n.source)
            };
            // Below the number's descenders ("Happened").
            block(
                &mut s,
                &caption,
                30.0,
                36.0,
                number_at + 62.0,
                beside,
                1,
                MUTED,
            );
            block(
                &mut s,
                &n.date,
                30.0,
                36.0,
                number_at + 100.0,
                beside,
                1,
                MUTED,
            );
            sparkline(&mut s, &card.sparkline, number_at);
        }
        None => {
            let bottom = block(&mut s, &card.title, 64.0, 76.0, 178.0, room, 3, INK);
            let lines = if bottom > 300.0 { 2 } else { 3 };
            block(
                &mut s,
                &card.sentence,
                36.0,
                46.0,
                bottom + 64.0,
                room,
                lines,
                MUTED,
            );
        }
    }
    footer(&mut s, card);
    s.push_str("</svg>");
    s
}

/// `text` broken into at most `max` lines of `room` pixels at `px`, the
/// first baseline at `y`; returns the last baseline.
#[allow(
    clippy::too_many_arguments,
    reason = "one SVG text block: place, size, ink"
)]
fn block(
    s: &mut String,
    text: &str,
    px: f64,
    leading: f64,
    y: f64,
    room: f64,
    max: usize,
    fill: &str,
) -> f64 {
    let lines = text::wrap(text, px, room, max);
    let mut at = y;
    for (k, l) in text::lines_of(text, &lines).iter().enumerate() {
        at = y + leading * k as f64;
        line(s, PAD, at, px, fill, l, "");
    }
    at
}

fn line(s: &mut String, x: f64, y: f64, px: f64, fill: &str, text: &str, extra: &str) {
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" font-size="{px}" fill="{fill}" {extra}>{}</text>"#,
        escape(text)
    );
}

/// The last weeks' course in a box at the right, beside the number whose
/// baseline is at `y`, spanning [`spark_range`], the last value dotted.
fn sparkline(s: &mut String, values: &[f64], y: f64) {
    if values.len() < 2 {
        return;
    }
    let (w, h) = (336.0, 110.0);
    let (left, top) = (f64::from(WIDTH) - PAD - w, y - h);
    let range = spark_range(values);
    let step = w / (values.len() - 1) as f64;
    let point = |k: usize, v: f64| {
        let x = left + step * k as f64;
        (x, top + h * (1.0 - spark_height(range, v)))
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let (x, y) = point(k, v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let _ = write!(
        s,
        r#"<polyline points="{}" fill="none" stroke="{ACCENT}" stroke-width="6" stroke-linejoin="round" stroke-linecap="round"/>"#,
        points.join(" ")
    );
    let (x, y) = point(values.len() - 1, values[values.len() - 1]);
    let _ = write!(
        s,
        r#"<circle cx="{x:.1}" cy="{y:.1}" r="10" fill="{ACCENT}"/>"#
    );
    // Weekly values: n of them span n - 1 weeks.
    let weeks = format!("last {} weeks", values.len() - 1);
    line(s, left, top + h + 62.0, 30.0, MUTED, &weeks, "");
}

/// A dark band along the bottom: the site's name, and its address.
fn footer(s: &mut String, card: &Card) {
    let top = f64::from(HEIGHT) - 66.0;
    let _ = write!(
        s,
        r#"<rect y="{top}" width="{WIDTH}" height="66" fill="{FOOTER}"/>"#
    );
    let host = card
        .url
        .split_once("://")
        .map_or(card.url.as_str(), |(_, rest)| rest);
    let host = host.split('/').next().unwrap_or_default();
    let host_width = text::width(host, 28.0);
    let room = f64::from(WIDTH) - 3.0 * PAD - host_width;
    let name = text::lines_of(&card.site, &text::wrap(&card.site, 30.0, room, 1));
    let baseline = top + 44.0;
    line(s, PAD, baseline, 30.0, WHITE, &name.concat(), "");
    let right = f64::from(WIDTH) - PAD;
    line(
        s,
        right,
        baseline,
        28.0,
        "#e5e7eb",
        host,
        "text-anchor=\"end\"",
    );
}

/// `text` as SVG character data: markup characters escaped, and the
/// characters XML does not allow (most control characters) left out, so
/// no title can add an element or break the document.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c < ' ' || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::card::Number;

    fn card(title: &str) -> Card {
        Card {
            kind: "Future",
            title: title.into(),
            number: Some(Number {
                display: "42%".into(),
                label: "chance",
                source: "aggregate of 2 markets".into(),
                date: "5 December 2026".into(),
            }),
            sparkline: vec![0.3, 0.35, 0.42],
            sentence: String::new(),
            site: "Futures <of> AI".into(),
            url: "https://example.org/sub/futures/x/".into(),
        }
    }

    #[test]
    fn a_hostile_title_stays_text() {
        let hostile = r#"</text><script>alert(1)</script><image href="/etc/passwd"/>&x;"#;
        let svg = svg(&card(hostile));
        assert!(!svg.contains("<script"), "{svg}");
        assert!(!svg.contains("<image"), "{svg}");
        assert!(svg.contains("&lt;/text&gt;&lt;script&gt;"), "{svg}");
        assert!(svg.contains("Futures &lt;of&gt; AI"), "{svg}");
        // The document still parses, as one svg with only our elements.
        let tree = usvg::Tree::from_str(&svg, &OPTIONS).unwrap();
        assert_eq!(tree.size().width(), 1200.0);
        assert!(draw(&card(hostile)).is_ok());
    }

    #[test]
    fn control_characters_are_left_out() {
        assert_eq!(escape("a\u{0}b\u{1b}c\td"), "abc d");
        assert_eq!(escape("\"q\" & 'a'"), "&quot;q&quot; &amp; &#39;a&#39;");
    }

    #[test]
    fn a_drawn_card_is_a_1200_by_630_png() {
        let png = draw(&card("Open-weight models match the frontier")).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        // IHDR: length (4), "IHDR" (4), then width and height, big-endian.
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            1200
        );
        assert_eq!(
            u32::from_be_bytes([png[20], png[21], png[22], png[23]]),
            630
        );
    }

    #[test]
    fn the_palette_holds_every_colour_exactly() {
        let pixmap = pixels(&card("Ünïcode title, with a sparkline")).unwrap();
        let (palette, indexes) = indexed(&pixmap).expect("at most 256 colours");
        for (p, &k) in pixmap.pixels().iter().zip(&indexes) {
            let at = usize::from(k) * 3;
            assert_eq!(&palette[at..at + 3], [p.red(), p.green(), p.blue()]);
            assert_eq!(p.alpha(), 255);
        }
    }

    #[test]
    fn a_long_title_is_cut_after_three_lines() {
        let long = "word ".repeat(80);
        let svg = svg(&card(&long));
        // Three title lines, the last ending in an ellipsis.
        let titles = svg.matches(r#"font-size="58""#).count();
        assert_eq!(titles, 3, "{svg}");
        assert!(svg.contains("word…</text>"), "{svg}");
    }

    #[test]
    fn the_key_follows_the_facts() {
        let a = card("A");
        let mut b = a.clone();
        assert_eq!(key(&a), key(&b));
        b.sparkline[2] = 0.43;
        assert_ne!(key(&a), key(&b));
        assert_eq!(key(&a).len(), 32);
    }
}
