// @ts-check
// The hover card: a link to a future or bet in an author's text, hovered or
// focused, shows a small card — title, number with its source and day, a
// sparkline of the last weeks, the summary's first sentence — read from the
// item's card.json (fetched once, kept). forkcast.js loads this module on the
// first pointer or focus on such a link, and never without hover (touch),
// where the link just works; until then a page loads nothing of it. Which
// links (forkcast.js's `cardLink`): those in what authors wrote — posts,
// pages, summaries, bet arguments, evidence notes, the home page's intro —
// and references anywhere; not the site's own navigation and lists, which
// show each number beside its link already.
// WCAG 1.4.13: Escape closes the card; it stays while the pointer is on the
// link or on the card, and while the link has focus.
import { html } from "./dom.js";

/** @typedef {import("../browser-data").HoverCard} HoverCard */
/** @typedef {(target: EventTarget | null) => HTMLAnchorElement | null} Finder */

/** Time to move the pointer from the link onto the card, in ms. */
const LINGER = 300;
/** Room kept between the card and the link, and the card and the window's edge, in CSS px. */
const GAP = 6, EDGE = 8;

/** @type {Map<string, Promise<HoverCard | null>>} */
const cards = new Map();

/** The card's stylesheet, beside this module: loaded with it, so pages
 * that never show a card never load it. */
const styled = new Promise((done) => {
  const link = html("link", { rel: "stylesheet", href: new URL("hover-card.css", import.meta.url).href }, null, document.head);
  link.addEventListener("load", done);
  link.addEventListener("error", done);
});

/** The card of the page `a` leads to, fetched on its first use.
 * @param {HTMLAnchorElement} a @returns {Promise<HoverCard | null>} */
function data(a) {
  const url = new URL("card.json", new URL(a.pathname, location.href)).href;
  let card = cards.get(url);
  if (!card) {
    card = fetch(url)
      .then((r) => (r.ok ? r.json() : null))
      .catch((err) => { console.error("forkcast hover card:", err); return null; });
    cards.set(url, card);
  }
  return card;
}

/** The reader's number for the page `a` leads to, where their view changes
 * it; only where view-page.js loaded the view (its list shows), so a card
 * never loads the graph itself.
 * @param {HTMLAnchorElement} a @returns {Promise<string | null>} */
async function yours(a) {
  const mount = document.getElementById("your_view"), graph = mount && mount.getAttribute("data-graph");
  const [, kind, id] = /\/(future|bet)s\/([^/]+)\/$/.exec(a.pathname) || [];
  if (!mount || mount.hidden || !graph || !id || (kind !== "future" && kind !== "bet")) return null;
  const [{ load }, { yoursOf }] = await Promise.all([import("./view.js"), import("./view-ui.js")]);
  return yoursOf((await load(graph)).view, kind, id);
}

/** Starts the cards: `find` says which link (if any) an event's target is in;
 * `first` is the event that loaded this module, shown at once.
 * @param {Finder} find @param {Event} first */
export function start(find, first) {
  const box = html("div", { id: "hover_card", class: "hover-card", role: "tooltip" }, null, document.body);
  box.hidden = true;
  /** The link the card is for, the one under the pointer, the focused one. */
  /** @type {HTMLAnchorElement | null} */ let shown = null;
  /** @type {HTMLAnchorElement | null} */ let hovered = null;
  /** @type {HTMLAnchorElement | null} */ let focused = null;
  let onCard = false, timer = 0;

  /** @param {HTMLAnchorElement} a */
  async function show(a) {
    clearTimeout(timer);
    if (shown === a && !box.hidden) return;
    close();
    shown = a;
    a.setAttribute("aria-describedby", box.id);
    const [card, mine] = await Promise.all([data(a), yours(a).catch(() => null), styled]);
    if (shown !== a || !card) return;
    fill(box, card, mine);
    box.hidden = false;
    place(box, a);
  }

  function close() {
    box.hidden = true;
    if (shown) shown.removeAttribute("aria-describedby");
    shown = null;
  }

  // What the card stays for once the pointer or focus moves: the link
  // under the pointer, the card itself, else the focused link.
  function settle() {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      const keep = hovered || (onCard ? shown : null) || focused;
      if (keep) show(keep);
      else close();
    }, LINGER);
  }

  /** @param {Event} e */
  function over(e) {
    if (e instanceof PointerEvent && e.pointerType === "touch") return;
    if (e.target instanceof Node && box.contains(e.target)) {
      onCard = true;
      clearTimeout(timer);
      return;
    }
    const a = find(e.target);
    if (a) {
      hovered = a;
      show(a);
    }
  }

  /** @param {PointerEvent} e */
  function out(e) {
    const to = e.relatedTarget instanceof Node ? e.relatedTarget : null;
    if (e.target instanceof Node && box.contains(e.target) && !(to && box.contains(to))) onCard = false;
    else if (hovered && e.target instanceof Node && hovered.contains(e.target) && !(to && hovered.contains(to))) hovered = null;
    else return;
    settle();
  }

  /** @param {FocusEvent} e */
  function focus(e) {
    const a = find(e.target);
    if (!a) return;
    focused = a;
    show(a);
  }

  /** @param {FocusEvent} e */
  function blur(e) {
    if (e.target !== focused) return;
    focused = null;
    settle();
  }

  /** @param {KeyboardEvent} e */
  function key(e) {
    if (e.key !== "Escape" || box.hidden) return;
    // Dismissed until the pointer or focus comes to a link again.
    hovered = focused = null;
    onCard = false;
    clearTimeout(timer);
    close();
  }

  document.addEventListener("pointerover", over);
  document.addEventListener("pointerout", out);
  document.addEventListener("focusin", focus);
  document.addEventListener("focusout", blur);
  document.addEventListener("keydown", key);
  if (first.type === "focusin") focus(/** @type {FocusEvent} */ (first));
  else over(first);
}

/** Fills the card with `card`'s facts, and the reader's number `mine`, as text.
 * @param {HTMLElement} box @param {HoverCard} card @param {string | null} mine */
function fill(box, card, mine) {
  box.replaceChildren();
  html("p", { class: "hc-kind" }, card.kind, box);
  html("p", { class: "hc-title" }, card.title, box);
  const n = card.number;
  if (n) {
    const p = html("p", { class: "hc-number" }, null, box);
    html("strong", {}, n.display, p);
    p.append(` ${n.label}`);
    html("p", { class: "hc-source" }, `${n.source} · ${n.date}`, box);
  }
  if (mine) html("p", { class: "hc-yours" }, `In your view: ${mine}`, box);
  if (card.sparkline.length > 1) {
    const p = html("p", { class: "hc-trend" }, null, box);
    p.appendChild(sparkline(card.sparkline, card.sparkline_range));
    html("span", {}, card.trend, p);
  }
  if (card.sentence) html("p", { class: "hc-sentence" }, card.sentence, box);
}

/** A line of `values` (one a week) across the build's range, bottom to
 * top, with a dot on the last; hidden from screen readers, which read the
 * same in words beside it.
 * @param {number[]} values @param {[number, number]} range the values its height spans, from the build */
function sparkline(values, [lo, hi]) {
  const w = 96, h = 28, pad = 3;
  const x = (/** @type {number} */ i) => (pad + (i * (w - 2 * pad)) / (values.length - 1)).toFixed(1);
  const y = (/** @type {number} */ v) => (h - pad - ((v - lo) / (hi - lo)) * (h - 2 * pad)).toFixed(1);
  const svg = svgEl("svg", { class: "sparkline", viewBox: `0 0 ${w} ${h}`, width: String(w), height: String(h), "aria-hidden": "true" });
  svgEl("polyline", { points: values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }, svg);
  const last = values.length - 1;
  svgEl("circle", { cx: x(last), cy: y(values[last] ?? 0), r: "2.5" }, svg);
  return svg;
}

/** An SVG element with `attrs`, appended to `parent`.
 * @param {string} tag @param {Record<string, string>} attrs @param {Element} [parent] */
function svgEl(tag, attrs, parent) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const a in attrs) e.setAttribute(a, attrs[a] ?? "");
  if (parent) parent.appendChild(e);
  return e;
}

/** Puts the card below the link (above, where there is no room below),
 * inside the window.
 * @param {HTMLElement} box @param {HTMLAnchorElement} a */
function place(box, a) {
  const lines = a.getClientRects();
  const top = lines[0] || a.getBoundingClientRect(), bottom = lines[lines.length - 1] || top;
  const vw = document.documentElement.clientWidth, vh = document.documentElement.clientHeight;
  const w = box.offsetWidth, h = box.offsetHeight;
  const below = bottom.bottom + GAP + h <= vh - EDGE || top.top - GAP - h < EDGE;
  const y = below ? bottom.bottom + GAP : top.top - GAP - h;
  const left = below ? bottom.left : top.left;
  const x = Math.max(EDGE, Math.min(left, vw - w - EDGE));
  box.style.left = `${Math.round(x + scrollX)}px`;
  box.style.top = `${Math.round(y + scrollY)}px`;
}
