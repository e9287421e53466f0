//! Probability-history charts, drawn at build time as inline SVG with
//! plotters. Axes and text use `currentColor`, so a chart follows the page
//! into dark mode; series colours are mid-tones readable on both.

use std::sync::Once;

use jiff::civil::Date;
use plotters::prelude::*;

use crate::markdown::escape_html;
use plotters::style::FontStyle;

const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// Series colours (Okabe–Ito, safe for colour-blind readers).
const PALETTE: [RGBColor; 5] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
];
/// Drawn as black, then rewritten to `currentColor`.
const INK: RGBColor = RGBColor(0, 0, 0);
const SIZE: (u32, u32) = (680, 300);

/// One line of a chart.
pub struct Series {
    pub label: String,
    pub points: Vec<(Date, f64)>,
}

fn day_number(d: Date) -> i32 {
    d.since(Date::constant(1970, 1, 1))
        .map_or(0, |span| span.get_days())
}

fn date_of(n: i32) -> Date {
    Date::constant(1970, 1, 1)
        .checked_add(jiff::Span::new().days(n as i64))
        .unwrap_or(Date::constant(1970, 1, 1))
}

/// A line chart of `series` plus the author's `estimate` as a dashed line.
/// `None` when there is nothing to draw (fewer than two points in all).
pub fn history(title: &str, series: &[Series], estimate: Option<f64>) -> Option<String> {
    let days: Vec<i32> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|(d, _)| day_number(*d)))
        .collect();
    if days.len() < 2 {
        return None;
    }
    static REGISTER: Once = Once::new();
    REGISTER.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let (first, last) = (*days.iter().min()?, *days.iter().max()?);
    let last = last.max(first + 1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(44)
            .build_cartesian_2d(first..last, 0.0..1.0)
            .ok()?;
        chart
            .configure_mesh()
            .light_line_style(INK.mix(0.08))
            .bold_line_style(INK.mix(0.15))
            .axis_style(INK)
            .label_style(("sans-serif", 15).into_font().color(&INK))
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|n| {
                let d = date_of(*n);
                format!("{}-{:02}", d.year(), d.month())
            })
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .draw()
            .ok()?;
        for (i, s) in series.iter().enumerate() {
            let color = PALETTE[i % PALETTE.len()];
            let points: Vec<(i32, f64)> =
                s.points.iter().map(|(d, p)| (day_number(*d), *p)).collect();
            chart
                .draw_series(LineSeries::new(points, color.stroke_width(2)))
                .ok()?
                .label(s.label.clone())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                });
        }
        if let Some(p) = estimate {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(first, p), (last, p)],
                    6,
                    4,
                    INK.mix(0.7).stroke_width(1),
                ))
                .ok()?
                .label("author's estimate")
                .legend(|(x, y)| {
                    PathElement::new(vec![(x, y), (x + 18, y)], INK.mix(0.7).stroke_width(1))
                });
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .border_style(INK.mix(0.3))
            .background_style(WHITE.mix(0.0))
            .label_font(("sans-serif", 15).into_font().color(&INK))
            .draw()
            .ok()?;
        root.present().ok()?;
    }
    Some(accessible(
        &svg.replace("#000000", "currentColor"),
        title,
        series,
        estimate,
    ))
}

/// Adds a role, a `<title>` and a `<desc>` that says in words what the
/// chart shows, for screen readers.
fn accessible(svg: &str, title: &str, series: &[Series], estimate: Option<f64>) -> String {
    let mut desc: Vec<String> = series
        .iter()
        .filter_map(|s| {
            let (d0, p0) = s.points.first()?;
            let (d1, p1) = s.points.last()?;
            Some(format!(
                "{}: {:.0}% on {d0}, {:.0}% on {d1}",
                s.label,
                p0 * 100.0,
                p1 * 100.0
            ))
        })
        .collect();
    if let Some(p) = estimate {
        desc.push(format!("author's estimate {:.0}%", p * 100.0));
    }
    let head_end = svg.find('>').map_or(0, |i| i + 1);
    let (head, body) = svg.split_at(head_end);
    let head = head.replacen(
        "<svg ",
        "<svg role=\"img\" class=\"chart\" aria-label=\"",
        1,
    );
    let head = head.replacen(
        "aria-label=\"",
        &format!("aria-label=\"{}\" ", escape_html(title)),
        1,
    );
    format!(
        "{head}<title>{}</title><desc>{}</desc>{body}",
        escape_html(title),
        escape_html(&desc.join("; "))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn a_chart_has_axes_a_legend_and_words_for_screen_readers() {
        let series = [
            Series {
                label: "manifold:agi".into(),
                points: vec![(d("2026-01-01"), 0.3), (d("2026-06-01"), 0.45)],
            },
            Series {
                label: "kalshi:KXAGI".into(),
                points: vec![(d("2026-03-01"), 0.2), (d("2026-06-01"), 0.25)],
            },
        ];
        let svg = history("AGI <by> 2030", &series, Some(0.4)).unwrap();
        assert!(
            svg.starts_with(
                "<svg role=\"img\" class=\"chart\" aria-label=\"AGI &lt;by&gt; 2030\" "
            ),
            "{}",
            &svg[..200]
        );
        assert!(svg.contains("<title>AGI &lt;by&gt; 2030</title>"));
        assert!(svg.contains("manifold:agi: 30% on 2026-01-01, 45% on 2026-06-01"));
        let labels: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split('>').nth(1))
            .map(|t| t.trim_end_matches("</text").trim())
            .collect();
        for expected in [
            "0%",
            "40%",
            "100%",
            "2026-02",
            "manifold:agi",
            "kalshi:KXAGI",
        ] {
            assert!(
                labels.contains(&expected),
                "label {expected} missing from {labels:?}"
            );
        }
        assert!(labels.iter().any(|l| l.starts_with("author")), "{labels:?}");
        assert!(
            svg.contains("currentColor") && !svg.contains("#000000"),
            "ink follows the page's colour"
        );
        assert!(
            svg.to_lowercase().contains("stroke=\"#0072b2\""),
            "first series in its colour"
        );
    }

    #[test]
    fn too_little_history_draws_nothing() {
        let one = [Series {
            label: "x".into(),
            points: vec![(d("2026-01-01"), 0.3)],
        }];
        assert!(history("t", &one, None).is_none());
    }
}
