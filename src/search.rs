//! The static search index: words → documents, split into small files the
//! way Pagefind chunks its index, so a reader's query downloads the list of
//! chunks and the one or two chunks its words fall in — never the site's
//! full text. `search.js` in the default theme is the client.
//!
//! Files, below `search/`: `meta.json` (the first and last word of each
//! chunk, documents per file), `w-N.json` (postings of a range of words:
//! `{"word": [doc, weight, doc, weight, …]}`, heaviest first) and `d-N.json`
//! (documents: `[title, url, kind, snippet]`, 20 a file, so results cost a few kilobytes each).

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::render::OutputFile;

/// One searchable page.
pub struct SearchDoc<'a> {
    pub title: String,
    pub url: String,
    /// `post`, `page`, `future` or `bet`.
    pub kind: &'static str,
    pub snippet: String,
    /// Plain text of the body, borrowed from the page where it can be.
    pub text: Cow<'a, str>,
}

/// A document that holds a word, and the word's weight in it.
type Posting = (u32, u32);

/// Bytes a word chunk may hold before the next one starts.
const CHUNK_BYTES: usize = 12 * 1024;
/// Documents per `d-N.json`.
const DOCS_PER_FILE: usize = 20;
/// The heaviest documents kept per word: enough to rank, bounded in size.
const MAX_POSTINGS: usize = 1000;
const TITLE_WEIGHT: u32 = 8;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "this", "to", "was", "were", "will", "with",
];

/// Lowercase words of two or more letters or digits, as the client splits
/// a query. Words already in lowercase are borrowed, not copied: the index
/// splits every page's text.
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(|w| {
            if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .filter(|w| !STOP_WORDS.contains(&w.as_ref()))
}

#[derive(Serialize)]
struct Meta {
    docs: usize,
    docs_per_file: usize,
    /// `[first word, last word]` of each `w-N.json`.
    chunks: Vec<[String; 2]>,
}

/// Builds the index files.
pub fn index(docs: &[SearchDoc]) -> Vec<OutputFile> {
    // Each thread counts one document's words at a time and adds them to its
    // own postings; the threads' postings are merged at the end. Nothing per
    // document outlives it, so the index costs little memory.
    type Postings<'d> = FxHashMap<Cow<'d, str>, Vec<Posting>>;
    let postings: Postings = docs
        .par_iter()
        .enumerate()
        .fold(
            || (Postings::default(), FxHashMap::default()),
            |(mut postings, mut counts): (Postings, FxHashMap<Cow<str>, u32>), (d, doc)| {
                for word in words(&doc.title) {
                    *counts.entry(word).or_default() += TITLE_WEIGHT;
                }
                for word in words(&doc.text) {
                    let n = counts.entry(word).or_default();
                    *n = n.saturating_add(1);
                }
                for (word, weight) in counts.drain() {
                    postings.entry(word).or_default().push((d as u32, weight));
                }
                (postings, counts)
            },
        )
        .map(|(postings, _)| postings)
        .reduce(Postings::default, |mut a, b| {
            for (word, list) in b {
                a.entry(word).or_default().extend(list);
            }
            a
        });
    let mut postings: Vec<(Cow<str>, Vec<Posting>)> = postings.into_iter().collect();
    postings.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let heaviest_first = |a: &Posting, b: &Posting| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    let flat: Vec<(Cow<str>, Vec<u32>)> = postings
        .into_par_iter()
        .map(|(word, mut list)| {
            if list.len() > MAX_POSTINGS {
                list.select_nth_unstable_by(MAX_POSTINGS - 1, heaviest_first);
                list.truncate(MAX_POSTINGS);
            }
            list.sort_unstable_by(heaviest_first);
            (word, list.iter().flat_map(|&(d, w)| [d, w]).collect())
        })
        .collect();
    let mut files = Vec::new();
    let mut chunks: Vec<[String; 2]> = Vec::new();
    let mut chunk: BTreeMap<Cow<str>, Vec<u32>> = BTreeMap::new();
    let mut size = 0;
    let flush = |chunk: &mut BTreeMap<Cow<str>, Vec<u32>>,
                 chunks: &mut Vec<[String; 2]>,
                 files: &mut Vec<OutputFile>| {
        if let (Some(first), Some(last)) = (chunk.keys().next(), chunk.keys().next_back()) {
            chunks.push([first.to_string(), last.to_string()]);
            let body = serde_json::to_string(&*chunk).unwrap_or_else(|_| "{}".into());
            files.push(OutputFile {
                path: format!("search/w-{}.json", chunks.len() - 1),
                bytes: body.into_bytes(),
            });
        }
        chunk.clear();
    };
    for (word, list) in flat {
        let bytes = word.len() + list.len() * 5;
        if size + bytes > CHUNK_BYTES && !chunk.is_empty() {
            flush(&mut chunk, &mut chunks, &mut files);
            size = 0;
        }
        size += bytes;
        chunk.insert(word, list);
    }
    flush(&mut chunk, &mut chunks, &mut files);
    for (k, part) in docs.chunks(DOCS_PER_FILE).enumerate() {
        let rows: Vec<[&str; 4]> = part
            .iter()
            .map(|d| [d.title.as_str(), d.url.as_str(), d.kind, d.snippet.as_str()])
            .collect();
        files.push(OutputFile {
            path: format!("search/d-{k}.json"),
            bytes: serde_json::to_string(&rows)
                .unwrap_or_else(|_| "[]".into())
                .into_bytes(),
        });
    }
    let meta = Meta {
        docs: docs.len(),
        docs_per_file: DOCS_PER_FILE,
        chunks,
    };
    files.push(OutputFile {
        path: "search/meta.json".into(),
        bytes: serde_json::to_string(&meta)
            .unwrap_or_default()
            .into_bytes(),
    });
    files
}

/// Answers a query over the index files as the client does: every word must
/// match (the last one as a prefix); documents ranked by summed weight.
/// Used by the tests, so the format has one reader in Rust too.
pub fn query(files: &[OutputFile], q: &str) -> Vec<String> {
    let get = |path: &str| -> Option<serde_json::Value> {
        files
            .iter()
            .find(|f| f.path == path)
            .and_then(|f| serde_json::from_slice(&f.bytes).ok())
    };
    let Some(meta) = get("search/meta.json") else {
        return Vec::new();
    };
    let chunks: Vec<(String, String)> = meta["chunks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    (
                        c[0].as_str().unwrap_or("").to_string(),
                        c[1].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let terms: Vec<Cow<str>> = words(q).collect();
    let mut scores: Option<BTreeMap<u64, u64>> = None;
    for (i, term) in terms.iter().enumerate() {
        let prefix = i + 1 == terms.len();
        let mut found: BTreeMap<u64, u64> = BTreeMap::new();
        for (c, (first, last)) in chunks.iter().enumerate() {
            let hit = if prefix {
                term.as_ref() <= last.as_str()
                    && (first.starts_with(term.as_ref()) || first.as_str() <= term.as_ref())
            } else {
                first.as_str() <= term.as_ref() && term.as_ref() <= last.as_str()
            };
            if !hit {
                continue;
            }
            let Some(chunk) = get(&format!("search/w-{c}.json")) else {
                continue;
            };
            for (word, list) in chunk.as_object().into_iter().flatten() {
                if word == term.as_ref() || prefix && word.starts_with(term.as_ref()) {
                    for pair in list
                        .as_array()
                        .map(Vec::as_slice)
                        .unwrap_or_default()
                        .chunks(2)
                    {
                        *found.entry(pair[0].as_u64().unwrap_or(0)).or_default() +=
                            pair[1].as_u64().unwrap_or(0);
                    }
                }
            }
        }
        scores = Some(match scores {
            None => found,
            Some(prev) => prev
                .into_iter()
                .filter_map(|(d, s)| found.get(&d).map(|f| (d, s + f)))
                .collect(),
        });
    }
    let mut ranked: Vec<(u64, u64)> = scores.unwrap_or_default().into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let per = meta["docs_per_file"]
        .as_u64()
        .unwrap_or(DOCS_PER_FILE as u64);
    ranked
        .into_iter()
        .take(10)
        .filter_map(|(d, _)| {
            get(&format!("search/d-{}.json", d / per))
                .and_then(|rows| rows[(d % per) as usize][1].as_str().map(str::to_string))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, url: &str, text: &str) -> SearchDoc<'static> {
        SearchDoc {
            title: title.into(),
            url: url.into(),
            kind: "post",
            snippet: String::new(),
            text: Cow::Owned(text.to_string()),
        }
    }

    #[test]
    fn words_are_lowercase_and_stop_words_dropped() {
        let w: Vec<Cow<str>> = words("The Foundry's wafers, and TSMC-3nm!").collect();
        assert_eq!(w, ["foundry", "wafers", "tsmc", "3nm"]);
    }

    #[test]
    fn queries_match_all_words_and_rank_titles_first() {
        let docs = [
            doc(
                "Energy is the bottleneck",
                "/a/",
                "grid power for datacenters",
            ),
            doc(
                "Why the foundry bet",
                "/b/",
                "energy matters less than the foundry",
            ),
            doc("Robots", "/c/", "nothing about power"),
        ];
        let files = index(&docs);
        assert_eq!(
            query(&files, "energy"),
            ["/a/", "/b/"],
            "the title match ranks first"
        );
        assert_eq!(query(&files, "foundry energy"), ["/b/"]);
        assert_eq!(
            query(&files, "pow"),
            ["/a/", "/c/"],
            "the last word is a prefix"
        );
        assert!(query(&files, "quantum").is_empty());
    }

    #[test]
    fn a_large_index_is_split_into_small_chunks() {
        let docs: Vec<SearchDoc> = (0..3000)
            .map(|i| {
                doc(
                    &format!("Post {i}"),
                    &format!("/p{i}/"),
                    &format!(
                        "word{} {} text w{}",
                        i % 500,
                        if i < 900 { "common" } else { "rare" },
                        i
                    ),
                )
            })
            .collect();
        let files = index(&docs);
        let chunks: Vec<&OutputFile> = files
            .iter()
            .filter(|f| f.path.starts_with("search/w-"))
            .collect();
        assert!(chunks.len() > 10);
        assert!(
            chunks.iter().all(|f| f.bytes.len() < 24 * 1024),
            "chunks stay small"
        );
        // "word42" is not the last word, so it must match exactly.
        assert_eq!(query(&files, "word42 common"), ["/p42/", "/p542/"]);
        // A word kept for only its heaviest MAX_POSTINGS documents (ids 900–1899
        // here) bounds what an AND with it can find.
        assert_eq!(query(&files, "word42 rare"), ["/p1042/", "/p1542/"]);
        assert_eq!(query(&files, "w2999"), ["/p2999/"]);
    }
}
