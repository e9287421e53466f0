//! The static search index: words → documents, split into small files the
//! way Pagefind chunks its index, so a reader's query downloads the list of
//! chunks and the one or two chunks its words fall in — never the site's
//! full text. `search.js` in the default theme is the client.
//!
//! Files, below `search/`: `meta.json` (the first and last word of each
//! chunk, documents per file), `w-N.json` (postings of a range of words:
//! `{"word": [doc, weight, doc, weight, …]}`, heaviest first) and `d-N.json`
//! (documents: `[title, url, kind, snippet]`, 20 a file, so results cost a
//! few kilobytes each). `meta.json` also carries the rule that splits text
//! into words, so the client splits a query exactly as the index did.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::output::OutputFile;
use crate::render::browser_data::{EncodeError, SearchChunk, SearchMeta, SearchRow, encode};

/// One searchable page.
#[derive(Clone)]
pub(crate) struct SearchDoc<'a> {
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

/// What a word is made of, for the index and for `search.js` alike (it
/// reads the pattern from `meta.json`): letters, combining marks and
/// digits. Marks matter: without them a Devanagari or Thai word falls apart
/// at its vowel signs.
const WORD_CLASS: &str = r"[\p{Alphabetic}\p{M}\p{N}]";
/// Words shorter than this, in characters, are not indexed.
const MIN_CHARS: usize = 2;

/// The ranges of [`WORD_CLASS`], read from the pattern itself so the Rust
/// side cannot drift from what the browser is told.
fn word_ranges() -> &'static [(char, char)] {
    static RANGES: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    RANGES.get_or_init(|| {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::Parser::new().parse(WORD_CLASS);
        match hir.as_ref().map(|h| h.kind()) {
            Ok(HirKind::Class(Class::Unicode(class))) => class
                .ranges()
                .iter()
                .map(|r| (r.start(), r.end()))
                .collect(),
            _ => unreachable!("WORD_CLASS is a valid Unicode class"),
        }
    })
}

/// Whether `c` belongs in a word. ASCII, nearly all of most sites' text,
/// is decided without the table (its word characters are letters and digits).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    word_ranges()
        .binary_search_by(|&(lo, hi)| {
            if hi < c {
                std::cmp::Ordering::Less
            } else if lo > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Lowercase words of [`MIN_CHARS`] or more characters, stop words left
/// out, as the client splits a query. Words already in lowercase are
/// borrowed, not copied: the index splits every page's text.
pub(crate) fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    // A word of fewer bytes than MIN_CHARS has fewer characters too; ASCII
    // words, nearly all, are lowered without Unicode's tables.
    text.split(|c: char| !is_word_char(c))
        .filter(|w| w.len() >= MIN_CHARS && w.chars().nth(MIN_CHARS - 1).is_some())
        .map(|w| {
            if w.is_ascii() {
                if w.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(w.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(w)
                }
            } else if w.chars().any(char::is_uppercase) {
                Cow::Owned(w.to_lowercase())
            } else {
                Cow::Borrowed(w)
            }
        })
        .filter(|w| !STOP_WORDS.contains(&w.as_ref()))
}

/// The index of a whole site, kept by `serve` so an edit updates only the
/// files it changes. Its files are a function of the documents and their
/// order alone, so an updated index writes what a new one would.
pub(crate) struct Index {
    /// By document number: the order the site lists its documents in.
    docs: Vec<SearchRow>,
    by_url: HashMap<String, u32>,
    /// Every word's postings, in no order: [`MAX_POSTINGS`] applies when
    /// a chunk is written, so an edit can still raise a document into them.
    postings: BTreeMap<Box<str>, Vec<Posting>>,
    /// The first word of each chunk: chunk `c` holds the words from
    /// `starts[c]` up to `starts[c + 1]`.
    starts: Vec<Box<str>>,
}

/// What an update changed in the index's files.
pub(crate) struct Updated {
    /// Files to write.
    pub files: Vec<OutputFile>,
    /// Files of the index that no longer exist (it has fewer chunks).
    pub removed: Vec<String>,
}

impl Index {
    /// Indexes `docs`, document `i` as number `i`.
    pub(crate) fn build(docs: Vec<SearchDoc>) -> Index {
        let postings: BTreeMap<Box<str>, Vec<Posting>> = count(&docs)
            .into_iter()
            .map(|(w, list)| (Box::from(w.as_ref()), list))
            .collect();
        let starts = chunk_starts(&postings);
        let by_url = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.url.clone(), i as u32))
            .collect();
        let docs = docs.into_iter().map(row).collect();
        Index {
            docs,
            by_url,
            postings,
            starts,
        }
    }

    /// Every file of the index.
    pub(crate) fn files(&self) -> Result<Vec<OutputFile>, EncodeError> {
        let mut files: Vec<OutputFile> = (0..self.starts.len().max(1))
            .into_par_iter()
            .map(|c| self.chunk_file(c))
            .collect::<Result<_, _>>()?;
        for k in 0..self.docs.len().div_ceil(DOCS_PER_FILE) {
            files.push(self.docs_file(k)?);
        }
        files.push(self.meta_file()?);
        Ok(files)
    }

    /// Replaces the documents with the URLs of `changed` (adding those that
    /// are new), keeps only the documents `order` lists (every document's
    /// URL, in the site's order), numbers them in that order, and says
    /// which files changed.
    pub(crate) fn update(
        &mut self,
        changed: Vec<SearchDoc>,
        order: &[String],
    ) -> Result<Updated, EncodeError> {
        let (old_chunks, old_doc_files) = (self.chunk_count(), self.doc_file_count());
        let mut words: BTreeSet<Box<str>> = BTreeSet::new();
        let mut rows: BTreeSet<usize> = BTreeSet::new();
        for doc in changed {
            let d = self.number(&doc.url);
            words.extend(self.repost(d, &doc));
            self.docs[d as usize] = row(doc);
            rows.insert(d as usize);
        }
        let renumbered = self.renumber(order, &mut words);
        let starts = chunk_starts(&self.postings);
        // A chunk whose first or next word moved holds other words now.
        let mut chunks: BTreeSet<usize> = (0..starts.len().max(1))
            .filter(|&c| {
                renumbered
                    || self.starts.get(c) != starts.get(c)
                    || self.starts.get(c + 1) != starts.get(c + 1)
            })
            .collect();
        self.starts = starts;
        chunks.extend(words.iter().map(|w| self.chunk_of(w)));
        let doc_files: BTreeSet<usize> = if renumbered {
            (0..self.doc_file_count()).collect()
        } else {
            rows.iter().map(|d| d / DOCS_PER_FILE).collect()
        };
        let mut files = Vec::new();
        for c in chunks {
            files.push(self.chunk_file(c)?);
        }
        for k in doc_files {
            files.push(self.docs_file(k)?);
        }
        files.push(self.meta_file()?);
        let removed = (self.chunk_count()..old_chunks)
            .map(|c| format!("search/w-{c}.json"))
            .chain((self.doc_file_count()..old_doc_files).map(|k| format!("search/d-{k}.json")))
            .collect();
        Ok(Updated { files, removed })
    }

    fn chunk_count(&self) -> usize {
        self.starts.len().max(1)
    }

    fn doc_file_count(&self) -> usize {
        self.docs.len().div_ceil(DOCS_PER_FILE)
    }

    /// The number of the document at `url`, a new one at the end if it
    /// has none yet.
    fn number(&mut self, url: &str) -> u32 {
        if let Some(&d) = self.by_url.get(url) {
            return d;
        }
        let d = self.docs.len() as u32;
        self.docs.push(SearchRow::default());
        self.by_url.insert(url.to_string(), d);
        d
    }

    /// Posts `doc`'s words as document `d`'s instead of what it had;
    /// returns the words whose postings changed.
    fn repost(&mut self, d: u32, doc: &SearchDoc) -> Vec<Box<str>> {
        let before: FxHashMap<Box<str>, u32> = self.unpost(d).into_iter().collect();
        let mut changed = Vec::new();
        for (word, weight) in weights(doc) {
            let word: Box<str> = Box::from(word.as_ref());
            // Only words whose weight changed change a chunk's bytes.
            if before.get(&word) != Some(&weight) {
                changed.push(word.clone());
            }
            self.postings.entry(word).or_default().push((d, weight));
        }
        let now = &self.postings;
        changed.extend(
            before
                .into_keys()
                .filter(|w| !now.get(w).is_some_and(|l| l.iter().any(|p| p.0 == d))),
        );
        changed
    }

    /// Numbers the documents as `order` lists their URLs and drops the
    /// others (adding their words to `words`); returns whether any
    /// document's number changed.
    fn renumber(&mut self, order: &[String], words: &mut BTreeSet<Box<str>>) -> bool {
        let mut map: Vec<Option<u32>> = vec![None; self.docs.len()];
        for (new, url) in order.iter().enumerate() {
            if let Some(&old) = self.by_url.get(url) {
                map[old as usize] = Some(new as u32);
            }
        }
        let same = order.len() == self.docs.len()
            && map.iter().enumerate().all(|(i, m)| *m == Some(i as u32));
        if same {
            return false;
        }
        for (old, _) in map.iter().enumerate().filter(|(_, m)| m.is_none()) {
            words.extend(self.unpost(old as u32).into_iter().map(|(w, _)| w));
        }
        for list in self.postings.values_mut() {
            for p in list.iter_mut() {
                p.0 = map[p.0 as usize].unwrap_or(p.0);
            }
        }
        let mut docs = vec![SearchRow::default(); order.len()];
        for (old, row) in std::mem::take(&mut self.docs).into_iter().enumerate() {
            if let Some(new) = map[old] {
                docs[new as usize] = row;
            }
        }
        self.docs = docs;
        self.by_url = order
            .iter()
            .enumerate()
            .map(|(i, url)| (url.clone(), i as u32))
            .collect();
        true
    }

    /// Takes document `d` out of every posting list; returns the words it
    /// had, with their weights.
    fn unpost(&mut self, d: u32) -> Vec<(Box<str>, u32)> {
        let mut had = Vec::new();
        for (word, list) in &mut self.postings {
            if let Some(at) = list.iter().position(|p| p.0 == d) {
                had.push((word.clone(), list.swap_remove(at).1));
            }
        }
        self.postings.retain(|_, list| !list.is_empty());
        had
    }

    fn chunk_of(&self, word: &str) -> usize {
        self.starts
            .partition_point(|s| s.as_ref() <= word)
            .saturating_sub(1)
    }

    /// The words of chunk `c`, in order.
    fn chunk_words(&self, c: usize) -> impl Iterator<Item = (&Box<str>, &Vec<Posting>)> {
        use std::ops::Bound::{Included, Unbounded};
        let from = match c {
            0 => Unbounded,
            c => Included(self.starts[c].clone()),
        };
        let next = self.starts.get(c + 1).cloned();
        self.postings
            .range((from, Unbounded))
            .take_while(move |(w, _)| next.as_ref().is_none_or(|n| *w < n))
    }

    fn chunk_file(&self, c: usize) -> Result<OutputFile, EncodeError> {
        let chunk: SearchChunk = self
            .chunk_words(c)
            .map(|(w, list)| (w.as_ref(), heaviest(list)))
            .collect();
        json_file(format!("search/w-{c}.json"), &chunk)
    }

    fn docs_file(&self, k: usize) -> Result<OutputFile, EncodeError> {
        let rows: Vec<&SearchRow> = self
            .docs
            .iter()
            .skip(k * DOCS_PER_FILE)
            .take(DOCS_PER_FILE)
            .collect();
        json_file(format!("search/d-{k}.json"), &rows)
    }

    fn meta_file(&self) -> Result<OutputFile, EncodeError> {
        let chunks = (0..self.starts.len().max(1))
            .map(|c| {
                let mut words = self.chunk_words(c).map(|(w, _)| w.as_ref());
                let first = words.next().unwrap_or("");
                [first, words.last().unwrap_or(first)]
            })
            .collect();
        let meta = SearchMeta {
            docs: self.docs.len(),
            docs_per_file: DOCS_PER_FILE,
            chunks,
            word: format!("{WORD_CLASS}+"),
            min_chars: MIN_CHARS,
            stop_words: STOP_WORDS,
        };
        json_file("search/meta.json".into(), &meta)
    }
}

fn json_file<T: serde::Serialize + ?Sized>(
    path: String,
    value: &T,
) -> Result<OutputFile, EncodeError> {
    let bytes = encode(&path, value)?.into_bytes();
    Ok(OutputFile { path, bytes })
}

fn row(d: SearchDoc) -> SearchRow {
    [d.title, d.url, d.kind.to_string(), d.snippet]
}

/// Each word of `doc` with its weight: a title word counts [`TITLE_WEIGHT`]
/// times.
fn weights<'d>(doc: &'d SearchDoc) -> FxHashMap<Cow<'d, str>, u32> {
    let mut counts: FxHashMap<Cow<str>, u32> = FxHashMap::default();
    for word in words(&doc.title) {
        *counts.entry(word).or_default() += TITLE_WEIGHT;
    }
    for word in words(&doc.text) {
        let n = counts.entry(word).or_default();
        *n = n.saturating_add(1);
    }
    counts
}

/// Every word's postings over `docs`. Each thread adds one document at a
/// time to its own postings, merged at the end: nothing per document
/// outlives it, so the index costs little memory.
fn count<'d>(docs: &'d [SearchDoc]) -> FxHashMap<Cow<'d, str>, Vec<Posting>> {
    type Postings<'d> = FxHashMap<Cow<'d, str>, Vec<Posting>>;
    docs.par_iter()
        .enumerate()
        .fold(Postings::default, |mut postings, (d, doc)| {
            for (word, weight) in weights(doc) {
                postings.entry(word).or_default().push((d as u32, weight));
            }
            postings
        })
        .reduce(Postings::default, |mut a, b| {
            for (word, list) in b {
                a.entry(word).or_default().extend(list);
            }
            a
        })
}

/// Where each chunk starts, so that none holds much more than [`CHUNK_BYTES`].
fn chunk_starts(postings: &BTreeMap<Box<str>, Vec<Posting>>) -> Vec<Box<str>> {
    let mut starts = Vec::new();
    let mut size = 0;
    for (word, list) in postings {
        // A posting is written as two numbers of about four digits and a comma.
        let bytes = word.len() + list.len().min(MAX_POSTINGS) * 10;
        if starts.is_empty() || size + bytes > CHUNK_BYTES {
            starts.push(word.clone());
            size = 0;
        }
        size += bytes;
    }
    starts
}

/// A word's [`MAX_POSTINGS`] heaviest postings, heaviest first, flattened
/// to `[doc, weight, doc, weight, …]`.
fn heaviest(list: &[Posting]) -> Vec<u32> {
    let order = |a: &Posting, b: &Posting| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
    let mut list = list.to_vec();
    if list.len() > MAX_POSTINGS {
        list.select_nth_unstable_by(MAX_POSTINGS - 1, order);
        list.truncate(MAX_POSTINGS);
    }
    list.sort_unstable_by(order);
    list.iter().flat_map(|&(d, w)| [d, w]).collect()
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
    fn the_word_rule_is_the_pattern_the_browser_gets() {
        let pattern = regex::Regex::new(&format!("^{WORD_CLASS}$")).unwrap();
        let sample = (0u32..0x3100).chain(0xA000..0xA100).chain(0x1F300..0x1F400);
        for c in sample.filter_map(char::from_u32) {
            let mut buf = [0; 4];
            assert_eq!(
                is_word_char(c),
                pattern.is_match(c.encode_utf8(&mut buf)),
                "{c:?} (U+{:04X})",
                c as u32
            );
        }
    }

    #[test]
    fn words_in_scripts_with_combining_marks_stay_whole() {
        // Devanagari vowel signs and the virama are marks, not letters.
        let w: Vec<Cow<str>> = words("कृत्रिम बुद्धि, हिन्दी!").collect();
        assert_eq!(w, ["कृत्रिम", "बुद्धि", "हिन्दी"]);
        let files = Index::build(vec![doc("AI in India", "/hi/", "कृत्रिम बुद्धि का भविष्य")])
            .files()
            .unwrap();
        assert_eq!(query(&files, "बुद्धि"), ["/hi/"]);
        assert_eq!(query(&files, "कृत्"), ["/hi/"], "a prefix of a marked word");
    }

    #[test]
    fn an_update_rewrites_only_the_files_it_changes_and_answers_as_a_new_index_would() {
        let mut docs: Vec<SearchDoc> = (0..2000)
            .map(|i| {
                doc(
                    &format!("Post {i}"),
                    &format!("/p{i}/"),
                    &format!("alpha{i} beta{} gamma", i % 7),
                )
            })
            .collect();
        let mut index = Index::build(docs.clone());
        let mut files = index.files().unwrap();
        let total = files.len();
        docs[5] = doc("Post 5", "/p5/", "zebra quartz alpha5");
        let new = doc("New post", "/new/", "zebra brand new");
        docs.push(new.clone());
        let urls = |docs: &[SearchDoc]| docs.iter().map(|d| d.url.clone()).collect::<Vec<_>>();
        let changed = index
            .update(vec![docs[5].clone(), new], &urls(&docs))
            .unwrap()
            .files;
        // Three document files, the chunks of the words that changed, the list of chunks.
        assert!(
            changed.len() <= 8,
            "{} of {total} files rewritten",
            changed.len()
        );
        let apply = |files: &mut Vec<OutputFile>, changed: Vec<OutputFile>| {
            for f in changed {
                match files.iter_mut().find(|g| g.path == f.path) {
                    Some(g) => *g = f,
                    None => files.push(f),
                }
            }
        };
        apply(&mut files, changed);
        // A removal renumbers the documents after it, as a new index would.
        docs.remove(9);
        let updated = index.update(Vec::new(), &urls(&docs)).unwrap();
        apply(&mut files, updated.files);
        files.retain(|f| !updated.removed.contains(&f.path));
        let fresh = Index::build(docs).files().unwrap();
        let bytes = |files: &[OutputFile]| {
            let mut v: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|f| (f.path.clone(), f.bytes.clone()))
                .collect();
            v.sort();
            v
        };
        assert!(bytes(&files) == bytes(&fresh), "the files a new index has");
        for q in [
            "zebra",
            "quartz",
            "alpha123 beta4",
            "alpha9",
            "alpha5",
            "brand",
            "new",
        ] {
            let mut a = query(&files, q);
            let mut b = query(&fresh, q);
            a.sort();
            b.sort();
            assert_eq!(a, b, "query {q}");
        }
        assert!(
            query(&files, "alpha9 beta2").is_empty(),
            "a removed document is gone"
        );
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
        let files = Index::build(docs.to_vec()).files().unwrap();
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
        let files = Index::build(docs.to_vec()).files().unwrap();
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
