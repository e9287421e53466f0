//! What every kind of source file shares: values with the place they were
//! written, and the limits on ids and titles with the messages about them.

use std::path::Path;

use crate::diagnostics::{Diagnostic, Diagnostics, thousands};
use crate::source::yaml::{Spanned, pos_of};

/// A value with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Located<T> {
    pub value: T,
    pub pos: crate::diagnostics::Pos,
}

/// The longest id: ids are file names and URL segments, and the longest of
/// the example site's is 41 characters. A limit also keeps "did you mean"
/// from comparing a pasted 4 MB line with every id (10 s).
pub(crate) const MAX_ID_CHARS: usize = 100;

/// A value as a message quotes it: one of more than [`MAX_ID_CHARS`]
/// characters is cut, so a pasted paragraph does not fill the terminal.
pub(crate) fn quoted(s: &str) -> String {
    if s.chars().count() <= MAX_ID_CHARS {
        return s.to_string();
    }
    let start: String = s.chars().take(40).collect();
    format!("{start}…")
}

/// The longest title. A title is on every card, list and feed entry of
/// what it names, and the map cuts it at three lines; a 10 MB one took
/// two seconds to index and lay out, and every page that shows it grew.
pub(crate) const MAX_TITLE_CHARS: usize = 300;

/// Reports a title longer than [`MAX_TITLE_CHARS`].
pub(crate) fn title_length(
    file: &Path,
    title: &Spanned<String>,
    first_line: u32,
    diags: &mut Diagnostics,
) {
    let chars = title.value.trim().chars().count();
    if chars > MAX_TITLE_CHARS {
        diags.push(
            Diagnostic::error(
                file,
                pos_of(title, first_line),
                format!(
                    "`title` is {} characters long, more than {MAX_TITLE_CHARS}",
                    thousands(chars)
                ),
            )
            .with_help("shorten it to a line; say the rest in the summary or the text"),
        );
    }
}
