//! How wide text is drawn, and where a title breaks into lines. The map's
//! titles are wrapped at build time, so the static SVG, the layout (a
//! node's height follows its lines) and the browser (which draws the lines
//! `graph.json` gives) agree. Widths are DejaVu Sans's advances: the font
//! the charts embed, and among the widest common sans-serif faces, so a
//! reader's system font fits in the same lines.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef};

pub(crate) const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");

/// Bold text (group titles) is measured as regular text this much larger:
/// DejaVu Sans Bold's advances run about a tenth wider.
pub(crate) const BOLD: f64 = 1.1;

static FACE: LazyLock<Option<FontRef<'static>>> =
    LazyLock::new(|| FontRef::try_from_slice(FONT).ok());

/// The width of `text` at `px` pixels.
pub(crate) fn width(text: &str, px: f64) -> f64 {
    let Some(face) = FACE.as_ref() else {
        // Unreachable with the embedded font; a generous guess otherwise.
        return text.chars().count() as f64 * px * 0.62;
    };
    // Advances in font units per em; CSS sizes fonts by the em.
    let em = f64::from(face.units_per_em().unwrap_or(2048.0));
    text.chars()
        .map(|c| f64::from(face.h_advance_unscaled(face.glyph_id(c))))
        .sum::<f64>()
        * px
        / em
}

fn char_width(c: char, px: f64) -> f64 {
    width(c.encode_utf8(&mut [0; 4]), px)
}

/// A title broken into lines: each line's end, in UTF-16 code units (as a
/// browser's strings count), the last one short of the title's length when
/// the title did not fit and was cut.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Lines {
    pub ends: Vec<usize>,
    /// The title goes on past the last line: draw it with an ellipsis.
    pub cut: bool,
}

/// Breaks `title` at spaces into at most `max` lines of at most `room`
/// pixels at `px`; a word wider than a line is broken inside. What does not
/// fit in `max` lines is cut (the last line leaves room for "…").
pub(crate) fn wrap(title: &str, px: f64, room: f64, max: usize) -> Lines {
    let ellipsis = width("…", px);
    let mut ends: Vec<usize> = Vec::new();
    // (byte, utf-16) offsets of the current line's start and of its last
    // possible break.
    let mut line_start = 0usize;
    let mut units = 0usize;
    let mut last_break: Option<(usize, usize)> = None;
    let mut line_width = 0.0;
    let chars: Vec<(usize, char)> = title.char_indices().collect();
    let mut k = 0;
    while k < chars.len() {
        let (byte, c) = chars[k];
        let w = char_width(c, px);
        let last_line = ends.len() + 1 == max;
        let limit = if last_line { room - ellipsis } else { room };
        if line_width + w > limit && byte > line_start && !c.is_whitespace() {
            if last_line {
                // Does the rest fit without an ellipsis? Then it is not cut.
                let rest = width(title[line_start..].trim_end(), px);
                if rest <= room {
                    break;
                }
                // Cut after the last whole word that fits, if any.
                ends.push(last_break.map_or(units, |(_, u)| u));
                return Lines { ends, cut: true };
            }
            let (at_byte, at_units) = last_break.unwrap_or((byte, units));
            ends.push(at_units);
            // Start the next line after the break's spaces.
            k = chars.partition_point(|&(b, _)| b < at_byte);
            units = at_units;
            while k < chars.len() && chars[k].1 == ' ' {
                units += 1;
                k += 1;
            }
            line_start = chars.get(k).map_or(title.len(), |&(b, _)| b);
            line_width = 0.0;
            last_break = None;
            continue;
        }
        line_width += w;
        units += c.len_utf16();
        k += 1;
        if c == ' ' {
            last_break = Some((byte, units - 1));
        }
    }
    ends.push(title.encode_utf16().count());
    Lines { ends, cut: false }
}

/// The lines of `title` as text (the last one with "…" when cut).
pub(crate) fn lines_of<'t>(title: &'t str, lines: &Lines) -> Vec<std::borrow::Cow<'t, str>> {
    let utf16: Vec<u16> = title.encode_utf16().collect();
    let mut start = 0;
    let mut out = Vec::with_capacity(lines.ends.len());
    for (i, &end) in lines.ends.iter().enumerate() {
        let text = String::from_utf16_lossy(&utf16[start..end]);
        let text = text.trim();
        out.push(if lines.cut && i + 1 == lines.ends.len() {
            format!("{text}…").into()
        } else {
            text.to_string().into()
        });
        start = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(title: &str, room: f64) -> Vec<String> {
        let l = wrap(title, 13.0, room, 3);
        lines_of(title, &l).into_iter().map(|s| s.into()).collect()
    }

    #[test]
    fn widths_follow_the_font() {
        assert!(width("iiii", 13.0) < width("MMMM", 13.0));
        assert!((width("ab", 26.0) - 2.0 * width("ab", 13.0)).abs() < 1e-6);
    }

    #[test]
    fn titles_break_at_spaces_into_three_lines_at_most() {
        assert_eq!(
            shown("Human-level AI arrives", 400.0),
            ["Human-level AI arrives"]
        );
        let t = "Leading-edge fabrication stays concentrated in one foundry";
        let lines = shown(t, 180.0);
        assert!(lines.len() <= 3, "{lines:?}");
        assert_eq!(lines.join(" "), t, "nothing lost");
        for l in &lines {
            assert!(width(l, 13.0) <= 180.0, "{l}");
        }
    }

    #[test]
    fn what_does_not_fit_is_cut_with_an_ellipsis() {
        let t = "A very long title that goes on and on and on well past three lines of a node";
        let l = wrap(t, 13.0, 120.0, 3);
        assert!(l.cut && l.ends.len() == 3);
        let lines = lines_of(t, &l);
        assert!(lines[2].ends_with('…') && width(&lines[2], 13.0) <= 120.0 + 1e-9);
        // After a whole word.
        let before = lines[2].trim_end_matches('…');
        assert!(t.contains(&format!("{before} ")), "{:?}", lines[2]);
    }

    #[test]
    fn a_long_word_breaks_inside_and_offsets_count_utf16() {
        let l = wrap("Supercalifragilisticexpialidocious", 13.0, 80.0, 3);
        assert!(l.ends.len() >= 2);
        // "🚀" is two UTF-16 units, as the browser counts them.
        let l = wrap("🚀 go", 13.0, 400.0, 3);
        assert_eq!(l.ends, [5]);
    }
}
