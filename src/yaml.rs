//! YAML decoding with located, fixable errors.
//!
//! serde-saphyr is used because it is maintained (serde_yaml is deprecated)
//! and because its `Spanned<T>` keeps the line and column of each *value*, so
//! a bad reference found long after parsing can still point at its line.
//! This module turns its errors into [`Diagnostic`]s that name the key and
//! suggest the closest known one.

use std::path::Path;

use serde::de::DeserializeOwned;
pub use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Pos, closest};

/// Where a spanned value sits in its file, given the line the YAML text
/// starts at (front matter starts below its `---`).
pub fn pos_of<T>(value: &Spanned<T>, first_line: u32) -> Pos {
    let loc = value.referenced;
    Pos::new(
        loc.line() as u32 + first_line.saturating_sub(1),
        loc.column() as u32,
    )
}

/// Decodes `text`, which starts at `first_line` of `file`. `keys` are the
/// keys the document may hold, used to suggest a fix for an unknown one.
pub fn decode<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    keys: &[&str],
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(text).map_err(|e| {
        let pos = e
            .location()
            .map(|l| {
                Pos::new(
                    l.line() as u32 + first_line.saturating_sub(1),
                    l.column() as u32,
                )
            })
            .unwrap_or(Pos::new(first_line, 1));
        explain(&e.to_string(), keys, file, pos, text, first_line)
    })
}

/// Rewrites serde's messages in the words of a site author.
fn explain(
    raw: &str,
    keys: &[&str],
    file: &Path,
    pos: Pos,
    text: &str,
    first_line: u32,
) -> Diagnostic {
    // serde-saphyr appends its own location and a code frame; we render ours.
    let first = raw.lines().next().unwrap_or(raw).trim();
    let message = match first.find(" column ") {
        Some(i) => first[i..].split_once(": ").map_or(first, |(_, m)| m),
        None => first.strip_prefix("error: ").unwrap_or(first),
    }
    .trim_end_matches('.')
    .to_string();
    if let Some(key) = between(&message, "unknown field `", "`") {
        let help = match closest(key, keys.iter().copied()) {
            Some(k) => format!("did you mean `{k}`? Known keys: {}", keys.join(", ")),
            None => format!("remove it; known keys: {}", keys.join(", ")),
        };
        return Diagnostic::error(file, pos, format!("unknown key `{key}`")).with_help(help);
    }
    if let Some(key) = between(&message, "missing field `", "`") {
        return Diagnostic::error(
            file,
            Pos::new(first_line, 1),
            format!("missing required key `{key}`"),
        )
        .with_help(format!("add a line `{key}: …`"));
    }
    if let Some(variant) = between(&message, "unknown variant `", "`") {
        let expected = message
            .split("expected ")
            .nth(1)
            .unwrap_or("one of the documented values");
        let line = text
            .lines()
            .nth((pos.line - first_line) as usize)
            .unwrap_or("");
        let field = line
            .split_once(':')
            .map(|(k, _)| k.trim().trim_start_matches("- "))
            .filter(|k| !k.is_empty());
        let message = match field {
            Some(k) => format!("invalid `{k}`: `{variant}`"),
            None => format!("unknown value `{variant}`"),
        };
        return Diagnostic::error(file, pos, message).with_help(format!("expected {expected}"));
    }
    Diagnostic::error(file, pos, format!("invalid YAML: {message}"))
        .with_help("check the indentation and quote values that contain `:` or start with `[`, `{`, `*`, `&` or `#`")
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let len = s[from..].find(end)?;
    Some(&s[from..from + len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    struct Doc {
        #[allow(dead_code)]
        title: String,
        within: Option<Spanned<String>>,
    }

    const KEYS: &[&str] = &["title", "within"];

    #[test]
    fn values_keep_their_position_below_front_matter() {
        let doc: Doc = decode("title: X\nwithin: era-one\n", Path::new("a.md"), 2, KEYS).unwrap();
        assert_eq!(pos_of(doc.within.as_ref().unwrap(), 2), Pos::new(3, 9));
    }

    #[test]
    fn unknown_keys_suggest_the_closest_known_one() {
        let err = decode::<Doc>("title: X\nwithn: a\n", Path::new("f.yaml"), 1, KEYS).unwrap_err();
        assert_eq!(err.to_string(), "f.yaml:2:1: unknown key `withn`");
        assert_eq!(
            err.help.as_deref(),
            Some("did you mean `within`? Known keys: title, within")
        );
    }

    #[test]
    fn missing_keys_and_bad_syntax_are_located() {
        let err = decode::<Doc>("within: a\n", Path::new("f.yaml"), 1, KEYS).unwrap_err();
        assert_eq!(err.to_string(), "f.yaml:1:1: missing required key `title`");
        let err = decode::<Doc>("title: X\nwithin: [\n", Path::new("f.yaml"), 1, KEYS).unwrap_err();
        assert_eq!(err.pos, Pos::new(2, 9));
        assert!(err.message.starts_with("invalid YAML: "), "{}", err.message);
    }
}
