//! Embeds: a future's or bet's [`Card`] as a small page for an iframe on
//! another site (`embed.html`, self-contained: its style inline, allowed by
//! its own Content-Security-Policy through the style's hash, and no script),
//! its oEmbed description (`oembed.json`), and the iframe code the page
//! offers to copy. The theme's `embed.css` is the style: rendered and hashed
//! once per build, so a theme that replaces it keeps a matching policy.

use base64::Engine as _;
use serde::Serialize;
use tera::Context;

use super::card::{Card, spark_height, spark_range, trend_words};
use super::{RenderError, Renderer};
use crate::output::OutputFile;
use crate::routes::{self, BetIx, CardOf, FutureIx, Route};
use crate::source::markdown::escape_html;

/// The iframe's size in CSS pixels: the card is laid out to fit it, and on
/// a narrower screen the iframe code's `max-width: 100%` narrows it.
pub(crate) const WIDTH: u32 = 480;
pub(crate) const HEIGHT: u32 = 260;

/// The sparkline's drawing box, in the SVG's own pixels.
const SPARK_W: f64 = 120.0;
const SPARK_H: f64 = 36.0;

/// The embed's stylesheet and the CSP source that allows exactly it.
pub(crate) struct EmbedStyle {
    css: String,
    /// `'sha256-…'`: the base64 SHA-256 of `css`, as CSP writes it.
    source: String,
}

impl EmbedStyle {
    fn of(css: String) -> EmbedStyle {
        let digest = ring::digest::digest(&ring::digest::SHA256, css.as_bytes());
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
        EmbedStyle {
            css,
            source: format!("'sha256-{b64}'"),
        }
    }
}

/// What a page says of its embed: the iframe code to copy and where its
/// files are.
#[derive(Serialize)]
pub(crate) struct EmbedLinks {
    pub code: String,
    pub url: String,
    /// The oEmbed description's full address.
    pub oembed: String,
    /// The `title` of its `<link rel="alternate">`.
    pub title: String,
}

/// The sparkline as the embed draws it.
#[derive(Debug, PartialEq, Serialize)]
struct Spark {
    /// The polyline's points, `x,y` in the SVG's pixels, oldest first.
    points: String,
    /// The last point, marked with a dot.
    end: (f64, f64),
    /// What it shows, in words: its text alternative.
    alt: String,
}

/// oEmbed 1.0's "rich" type (<https://oembed.com/#section2.3>), with the
/// page's social card as its thumbnail.
#[derive(Serialize)]
struct Oembed<'a> {
    version: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    provider_name: &'a str,
    provider_url: &'a str,
    html: &'a str,
    width: u32,
    height: u32,
    thumbnail_url: String,
    thumbnail_width: u32,
    thumbnail_height: u32,
}

/// What has an embed.
#[derive(Clone, Copy)]
pub(super) enum Subject {
    Future(FutureIx),
    Bet(BetIx),
}

impl From<Subject> for CardOf {
    fn from(subject: Subject) -> CardOf {
        match subject {
            Subject::Future(i) => CardOf::Future(i),
            Subject::Bet(b) => CardOf::Bet(b),
        }
    }
}

impl Renderer<'_> {
    /// The embed of `subject`, written at `route`.
    pub(super) fn embed_file(
        &self,
        route: Route,
        subject: Subject,
    ) -> Result<OutputFile, RenderError> {
        let card = self.facts(subject.into());
        let style = self.embed_style()?;
        let mut ctx = Context::new();
        ctx.insert("style", &style.css);
        ctx.insert("style_source", &style.source);
        ctx.insert("home", &self.permalink(""));
        ctx.insert("spark", &spark(&card));
        ctx.insert("card", &card);
        let path = self.shape.file(route);
        let text = self
            .tera
            .render("embed.html", &ctx)
            .map_err(|e| self.template_error("embed.html", Some(path.as_str()), Some(&ctx), &e))?;
        Ok(OutputFile {
            path,
            bytes: text.into_bytes(),
        })
    }

    /// The oEmbed description of `subject`'s embed, written at `route`.
    pub(super) fn oembed_file(
        &self,
        route: Route,
        subject: Subject,
    ) -> Result<OutputFile, RenderError> {
        let card = self.facts(subject.into());
        let links = self.embed_links(subject);
        let description = Oembed {
            version: "1.0",
            kind: "rich",
            title: &card.title,
            provider_name: &card.site,
            provider_url: self.site.config.base_url.as_str(),
            html: &links.code,
            width: WIDTH,
            height: HEIGHT,
            thumbnail_url: self.permalink(&self.shape.card(subject.into())),
            thumbnail_width: crate::render::card_image::WIDTH,
            thumbnail_height: crate::render::card_image::HEIGHT,
        };
        let path = self.shape.file(route);
        let bytes = serde_json::to_vec(&description).map_err(|e| RenderError::Template {
            template: path.clone(),
            message: e.to_string(),
        })?;
        Ok(OutputFile { path, bytes })
    }

    /// The iframe code and addresses of `subject`'s embed.
    pub(super) fn embed_links(&self, subject: Subject) -> EmbedLinks {
        let (kind, title, path) = match subject {
            Subject::Future(i) => {
                let id = self.site.futures[i].future.id.as_str();
                (
                    "Future",
                    &self.site.futures[i].future.title,
                    routes::future(id),
                )
            }
            Subject::Bet(b) => {
                let id = self.site.bets[b].bet.id.as_str();
                ("Bet", &self.site.bets[b].bet.title, routes::bet(id))
            }
        };
        let url = self.permalink(&routes::embed(&path));
        let site = &self.site.config.title;
        let frame_title = format!("{kind}: {title} ({site})");
        EmbedLinks {
            code: format!(
                "<iframe src=\"{}\" title=\"{}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
                 loading=\"lazy\" style=\"border:0;max-width:100%\"></iframe>",
                escape_html(&url),
                escape_html(&frame_title)
            ),
            url,
            oembed: self.permalink(&routes::oembed(&path)),
            title: format!("{title} ({site})"),
        }
    }

    /// The embed's style and hash, made on first use.
    fn embed_style(&self) -> Result<&EmbedStyle, RenderError> {
        if let Some(style) = self.embed_style.get() {
            return Ok(style);
        }
        let css = self
            .tera
            .render("embed.css", &Context::new())
            .map_err(|e| self.template_error("embed.css", None, None, &e))?;
        Ok(self.embed_style.get_or_init(|| EmbedStyle::of(css)))
    }
}

/// The sparkline of `card`, if it has one: its values scaled to the box
/// by [`spark_range`], 2 pixels from each edge.
fn spark(card: &Card) -> Option<Spark> {
    let values = &card.sparkline;
    let &last = values.last()?;
    if values.len() < 2 {
        return None;
    }
    let range = spark_range(values);
    let pad = 2.0;
    let step = (SPARK_W - 2.0 * pad) / (values.len() - 1) as f64;
    let point = |k: usize, v: f64| {
        let y = pad + (1.0 - spark_height(range, v)) * (SPARK_H - 2.0 * pad);
        (round1(pad + k as f64 * step), round1(y))
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(k, &v)| {
            let (x, y) = point(k, v);
            format!("{x},{y}")
        })
        .collect();
    let what = card.number.as_ref().map_or("chance", |n| match n.label {
        "resolved" => "chance",
        label => label,
    });
    Some(Spark {
        points: points.join(" "),
        end: point(values.len() - 1, last),
        alt: format!("Its {what}, week by week: {}.", trend_words(values)),
    })
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(values: Vec<f64>) -> Card {
        Card {
            kind: "Future",
            title: "T".into(),
            number: None,
            sparkline: values,
            sentence: String::new(),
            site: "S".into(),
            url: "https://example.org/futures/t/".into(),
        }
    }

    #[test]
    fn a_sparkline_spans_its_values_with_a_floor_of_ten_points() {
        // 0.2 → 0.6: the span is 0.4, so 0.2 sits at the bottom (y = 36 − 2
        // = 34) and 0.6 at the top (y = 2); x steps by (120 − 4) / 2 = 58.
        let s = spark(&card(vec![0.2, 0.4, 0.6])).unwrap();
        assert_eq!(s.points, "2,34 60,18 118,2");
        assert_eq!(s.end, (118.0, 2.0));
        assert_eq!(s.alt, "Its chance, week by week: 20% 2 weeks ago, 60% now.");
        // 0.50 → 0.51: the span is widened to 0.1 around 0.505, so the line
        // climbs a tenth of the box: y = 2 + (1 − 0.45 / 1) × 32 = 19.6,
        // then 2 + (1 − 0.55) × 32 = 16.4.
        let s = spark(&card(vec![0.5, 0.51])).unwrap();
        assert_eq!(s.points, "2,19.6 118,16.4");
        assert_eq!(spark(&card(vec![])), None);
    }

    #[test]
    fn the_style_hash_is_the_base64_sha256_csp_names() {
        // printf 'body{}' | openssl dgst -sha256 -binary | base64
        let s = EmbedStyle::of("body{}".into());
        assert_eq!(
            s.source,
            "'sha256-fJgEClQWV1hGkK4qHMO0KotTsVnMYMXTq7/suurGyUo='"
        );
    }
}
