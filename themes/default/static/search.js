// @ts-check
// Static search: the box in the header (press "/" to reach it) and the
// /search/ page. Downloads the chunk list on first use, then only the
// chunks the query's words fall in and the documents it shows.

/** @typedef {import("../browser-data").SearchMeta} SearchMeta */
/** @typedef {import("../browser-data").SearchChunk} SearchChunk */
/** @typedef {import("../browser-data").SearchRow} SearchRow */
/** What a query found: its words, and the rows of its best documents.
 * @typedef {{ terms: string[], rows: SearchRow[] }} Found */

// Every browser that runs modules has fetch.
const form = document.querySelector("form.site-search");
const input = form && form.querySelector("input");
if (form && input) start(form, input, form.getAttribute("data-base") || "/");

/** @param {Element} form @param {HTMLInputElement} input @param {string} base */
function start(form, input, base) {
  const list = document.createElement("ul");
  list.className = "search-results";
  list.id = "search-results";
  // A plain list of links, not a listbox: each result is a link a reader
  // follows, and a listbox's options may not hold one.
  list.setAttribute("aria-label", "Search results");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("aria-controls", "search-results");
  const search = searcher(base);
  let timer = 0, active = -1;

  /** @param {Found} result @param {HTMLElement} target */
  function show(result, target) {
    target.textContent = "";
    active = -1;
    if (!result.rows.length) {
      const none = document.createElement("li");
      none.textContent = "No results";
      target.appendChild(none);
    }
    result.rows.forEach((r) => target.appendChild(item(r, result.terms)));
    target.hidden = false;
    document.documentElement.setAttribute("data-search-done", String(Date.now()));
  }
  input.addEventListener("input", () => {
    clearTimeout(timer);
    const q = input.value;
    timer = setTimeout(() => {
      if (!q.trim()) { list.hidden = true; return; }
      search(q).then((r) => {
        if (input.value !== q) return;
        if (r.terms.length) show(r, list); else list.hidden = true;
      });
    }, 80);
  });
  input.addEventListener("keydown", (e) => {
    const items = /** @type {NodeListOf<HTMLAnchorElement>} */ (list.querySelectorAll("li a"));
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!items.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].focus();
    } else if (e.key === "Escape") { list.hidden = true; }
  });
  list.addEventListener("keydown", (e) => {
    const items = [.../** @type {NodeListOf<HTMLAnchorElement>} */ (list.querySelectorAll("li a"))];
    const i = items.findIndex((a) => a === document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); (items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length] || input).focus(); }
    else if (e.key === "Escape") { list.hidden = true; input.focus(); }
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (e.key === "/" && !(t instanceof Element && t.closest("input, textarea, select, [contenteditable]"))) { e.preventDefault(); input.focus(); }
  });
  // The /search/ page: results for ?q= in the page itself.
  const page = document.getElementById("search-page-results");
  const q = new URLSearchParams(location.search).get("q");
  if (page && q) { input.value = q; search(q).then((r) => show(r, page)); }
}

/** A query's search over the index below `base`, each file fetched once.
 * @param {string} base @returns {(q: string) => Promise<Found>} */
function searcher(base) {
  /** @type {Record<string, Promise<any>>} */
  const cache = {};
  /** @type {(path: string) => Promise<any>} */
  const json = (path) => (cache[path] = cache[path] || fetch(base + "search/" + path).then((r) => r.json()));
  /** @type {(c: number) => Promise<SearchChunk>} */
  const chunk = (c) => json("w-" + c + ".json");
  /** @type {(k: number) => Promise<SearchRow[]>} */
  const docs = (k) => json("d-" + k + ".json");
  return async (q) => {
    /** @type {SearchMeta} */
    const meta = await json("meta.json");
    const terms = words(meta, q);
    const sets = await Promise.all(terms.map(async (term, i) => {
      const prefix = i === terms.length - 1;
      return found(await Promise.all(chunksFor(meta, term, prefix).map(chunk)), term, prefix);
    }));
    const top = ranked(sets).slice(0, 10);
    const rows = await Promise.all(top.map((d) => docs(Math.floor(d / meta.docs_per_file)).then((rows) => rows[d % meta.docs_per_file])));
    return { terms, rows };
  };
}

/** The index's own rule for what a word is (meta.json), so a query splits
 * exactly as the pages were split when the index was built.
 * @param {SearchMeta} meta @param {string} text */
function words(meta, text) {
  const found = (text.match(new RegExp(meta.word, "gu")) || []).map((w) => w.toLowerCase());
  return found.filter((w) => Array.from(w).length >= meta.min_chars && meta.stop_words.indexOf(w) < 0);
}

/** Chunks that may hold `term` (or, for a prefix, words starting with it).
 * @param {SearchMeta} meta @param {string} term @param {boolean} prefix */
function chunksFor(meta, term, prefix) {
  /** @type {number[]} */
  const out = [];
  meta.chunks.forEach((c, i) => {
    const hit = prefix ? term <= c[1] && (c[0] <= term || c[0].indexOf(term) === 0) : c[0] <= term && term <= c[1];
    if (hit) out.push(i);
  });
  return out;
}

/** Each document that holds `term` (or a word it begins, for a prefix), with
 * its summed weight.
 * @param {SearchChunk[]} chunks @param {string} term @param {boolean} prefix */
function found(chunks, term, prefix) {
  /** @type {Map<number, number>} */
  const weights = new Map();
  chunks.forEach((chunk) => {
    Object.keys(chunk).forEach((word) => {
      if (word !== term && !(prefix && word.indexOf(term) === 0)) return;
      const l = chunk[word];
      for (let k = 0; k < l.length; k += 2) weights.set(l[k], (weights.get(l[k]) || 0) + l[k + 1]);
    });
  });
  return weights;
}

/** The documents every term found, heaviest first (then by number).
 * @param {Map<number, number>[]} sets */
function ranked(sets) {
  if (!sets.length) return [];
  let scores = sets[0];
  sets.slice(1).forEach((s) => {
    /** @type {Map<number, number>} */
    const next = new Map();
    scores.forEach((score, d) => { const w = s.get(d); if (w) next.set(d, score + w); });
    scores = next;
  });
  return [...scores.keys()].sort((a, b) => (scores.get(b) || 0) - (scores.get(a) || 0) || a - b);
}

/** A result: its link, its kind and its snippet.
 * @param {SearchRow} r @param {string[]} terms */
function item(r, terms) {
  const li = document.createElement("li");
  const a = document.createElement("a");
  a.href = r[1];
  a.textContent = r[0];
  const kind = document.createElement("span");
  kind.className = "badge";
  kind.textContent = r[2];
  const p = document.createElement("p");
  snippet(r[3], terms, p);
  li.append(a, " ", kind, p);
  return li;
}

/** Snippet text with the query's words marked, built without HTML strings.
 * @param {string} text @param {string[]} terms @param {HTMLElement} into */
function snippet(text, terms, into) {
  const re = new RegExp("(" + terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "gi");
  text.split(re).forEach((part, i) => {
    if (i % 2) { const m = document.createElement("mark"); m.textContent = part; into.appendChild(m); }
    else into.appendChild(document.createTextNode(part));
  });
}
