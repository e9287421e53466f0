//! The track record's calibration chart, drawn at build time with
//! plotters like the history charts ([`super::chart`]: the same font, ink
//! made `currentColor`, a wide and a narrow drawing): for each 10-point
//! bin of forecasts, how often those futures happened, against a dashed
//! diagonal where a perfectly calibrated source would lie. A point's area
//! grows with the forecasts in its bin; each series has its own mark.

use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{INK, PALETTE, register_font, titled};
use super::format;
use crate::model::site::{BINS, Bin, LEAD_DAYS};

/// How a series' points are drawn: the site's as filled discs, the
/// markets' as open squares, so the two differ without colour.
#[derive(Clone, Copy)]
pub(crate) enum Shape {
    Disc,
    Square,
}

/// One source's bins, as the chart draws them.
pub(crate) struct Series {
    pub label: String,
    pub shape: Shape,
    pub bins: [Bin; BINS],
}

struct Layout {
    size: (u32, u32),
    font: u32,
    class: &'static str,
}

/// Text at 16 of 704 (the text column) or 400 (a phone's ~360 pixels)
/// stays at 14 pixels or more on screen.
const WIDE: Layout = Layout {
    size: (704, 470),
    font: 16,
    class: "chart chart-wide calibration",
};
const NARROW: Layout = Layout {
    size: (400, 440),
    font: 16,
    class: "chart chart-narrow calibration",
};

/// The chart of `series`, twice (wide and narrow); `None` when plotters
/// fails (it does not on a string backend).
pub(crate) fn chart(title: &str, series: &[Series]) -> Option<String> {
    register_font();
    let desc = describe(series);
    let mut out = String::new();
    for layout in [&WIDE, &NARROW] {
        let svg = draw(layout, series)?;
        out.push_str(&titled(&svg, layout.class, title, &desc));
    }
    Some(out)
}

/// A point's radius for `count` forecasts: its area grows with the count.
fn radius(count: usize) -> i32 {
    (3.0 + 2.5 * (count as f64).sqrt()).round().min(16.0) as i32
}

fn draw(layout: &Layout, series: &[Series]) -> Option<String> {
    let font = ("sans-serif", layout.font).into_font().color(&INK);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, layout.size).into_drawing_area();
        let row = layout.font as i32 + 10;
        let rows = series.len() as i32 + 1;
        let (top, plot) = root.split_vertically(rows * row + 8);
        legend(&top, series, &font, row)?;
        let mut chart = ChartBuilder::on(&plot)
            .margin_left(4)
            .margin_right(20)
            .margin_top(8)
            .x_label_area_size(layout.font * 3 + 4)
            .y_label_area_size(layout.font * 5)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)
            .ok()?;
        chart
            .configure_mesh()
            .bold_line_style(INK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .axis_style(INK.mix(0.6))
            .label_style(font.clone())
            .axis_desc_style(font.clone())
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .y_label_formatter(&|p| format!("{:.0}%", p * 100.0))
            .x_desc(format!("forecast {LEAD_DAYS} days before"))
            .y_desc("how often it happened")
            .draw()
            .ok()?;
        chart
            .draw_series(std::iter::once(DashedPathElement::new(
                vec![(0.0, 0.0), (1.0, 1.0)],
                6,
                5,
                INK.mix(0.55).stroke_width(2),
            )))
            .ok()?;
        for (k, s) in series.iter().enumerate() {
            let color = PALETTE[k % PALETTE.len()];
            let points = s.bins.iter().filter(|b| b.count > 0).map(|b| {
                let at = (b.mean, b.happened as f64 / b.count as f64);
                EmptyElement::at(at) + mark(s.shape, color, radius(b.count))
            });
            chart.draw_series(points).ok()?;
        }
        root.present().ok()?;
    }
    Some(svg)
}

/// A point's mark, centred on its coordinate.
fn mark<DB: DrawingBackend>(
    shape: Shape,
    color: RGBColor,
    r: i32,
) -> DynElement<'static, DB, (i32, i32)> {
    match shape {
        Shape::Disc => Circle::new((0, 0), r, color.mix(0.85).filled()).into_dyn(),
        Shape::Square => Rectangle::new([(-r, -r), (r, r)], color.stroke_width(3)).into_dyn(),
    }
}

/// One row per series with its mark, and one for the diagonal.
fn legend(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    series: &[Series],
    font: &TextStyle<'_>,
    row: i32,
) -> Option<()> {
    let left = 16;
    let y = |k: usize| 8 + k as i32 * row + row / 2;
    let text = |label: &str, k: usize| {
        Text::new(
            label.to_string(),
            (left + 32, y(k)),
            font.pos(Pos::new(HPos::Left, VPos::Center)),
        )
    };
    for (k, s) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        area.draw(&(EmptyElement::at((left + 10, y(k))) + mark(s.shape, color, 7)))
            .ok()?;
        area.draw(&text(&s.label, k)).ok()?;
    }
    let k = series.len();
    area.draw(&DashedPathElement::new(
        vec![(left, y(k)), (left + 22, y(k))],
        5,
        3,
        INK.mix(0.55).stroke_width(2),
    ))
    .ok()?;
    area.draw(&text("perfectly calibrated", k)).ok()?;
    Some(())
}

/// The chart in words, bin by bin, for screen readers.
fn describe(series: &[Series]) -> String {
    let each: Vec<String> = series
        .iter()
        .map(|s| {
            let bins: Vec<String> = s
                .bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.count > 0)
                .map(|(k, b)| format!("{}: {}", format::bin(k), format::happened(b)))
                .collect();
            format!("{}: {}", s.label, bins.join(", "))
        })
        .collect();
    format!(
        "Forecasts made {LEAD_DAYS} days before each resolution, in 10-point bins, against how often they happened; a perfectly calibrated source lies on the diagonal. {}.",
        each.join(". ")
    )
}
