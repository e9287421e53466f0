// @ts-check
// What the map shows at the current zoom, and drawing it: which groups are
// open, each future's box with its title lines, closed groups with their
// marks, edges with P(edge) where there is room, the time axis, and what
// resolutions settled (a ✓ or ✗ on the box and words, not colour alone). Text is
// never drawn smaller than the build's `min_text_px` on screen: it is
// hidden instead. Only what is in view is drawn.
import { ancestors, bucket, exposureKind, exposureShort, isFixed, money, percent, reach, settledBy, size, leaves } from "./model.js";

/** @typedef {import("../browser-data").MapInfo} MapInfo */
/** @typedef {import("../browser-data").Years} Years */
/** @typedef {import("./model.js").Node} Node */
/** @typedef {import("./model.js").Box} Box */
/** @typedef {import("./map.js").State} State */
/** The futures lit by the one hovered or selected, by id. @typedef {Record<string, boolean>} Lit */
/** An edge between what is drawn: what stands for its ends, how many edges it
 * carries, and the first one's P(edge). @typedef {{ a: string, b: string, n: number, p: number }} ShownEdge */

const NS = "http://www.w3.org/2000/svg";
// Text kept at one size on screen (closed groups, the axis, edge counts), in CSS px.
const LABEL_PX = 13, SMALL_PX = 12;

/**
 * An SVG element with `attrs`, appended to `parent`.
 * @template {keyof SVGElementTagNameMap} K
 * @param {K} name @param {Record<string, string | number>} attrs @param {Element} [parent]
 * @returns {SVGElementTagNameMap[K]}
 */
export function el(name, attrs, parent) {
  const e = document.createElementNS(NS, name);
  for (const a in attrs) e.setAttribute(a, String(attrs[a]));
  if (parent) parent.appendChild(e);
  return e;
}

/** @param {Element} parent @param {string} cls @param {number} x @param {number} y @param {number} px @param {string} content */
function text(parent, cls, x, y, px, content) {
  // A space between a box's lines, so its text as read (and as checked
  // against its link's name) has words, not "realshare".
  if (parent.localName === "a" && parent.querySelector("text")) parent.appendChild(document.createTextNode(" "));
  const t = el("text", { x, y, "font-size": px }, parent);
  if (cls) t.setAttribute("class", cls);

  t.textContent = content;
  return t;
}

/** The zoom at which a future's title is drawn at the smallest legible size.
 * @param {MapInfo} map */
export function legibleScale(map) {
  return map.min_text_px / map.text_px;
}

/** A group is open when its futures' titles are legible, or opened by hand.
 * @param {State} s @param {string} id */
function isOpen(s, id) {
  return s.m.byId[id].members.length > 0 && (s.forced[id] || s.view.k >= legibleScale(s.map) - 1e-9);
}

/** What stands for a future at the current zoom: itself, or its outermost closed group.
 * @param {State} s @param {string} id */
function shownAs(s, id) {
  const a = ancestors(s.m, id);
  for (let i = a.length - 1; i >= 0; i--) if (!isOpen(s, a[i])) return a[i];
  return id;
}

/** @param {State} s */
export function applyView(s) {
  s.layer.setAttribute("transform", `translate(${s.view.x},${s.view.y}) scale(${s.view.k})`);
}

/** @param {Box} a @param {Box} b */
function meets(a, b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** The part of the map in the frame (and a margin around it), in map units.
 * @param {State} s @returns {Box} */
function visible(s) {
  const k = s.view.k, m = 200 / k;
  return { x: -s.view.x / k - m, y: -s.view.y / k - m, w: s.frameSize.w / k + 2 * m, h: s.frameSize.h / k + 2 * m };
}

// ---- text measure and wrapping, for labels sized on screen ----
/** @type {CanvasRenderingContext2D | null} */
let ctx = null;
/** @type {Map<string, number>} */
const widths = new Map();
/** @param {State} s @param {string} str @param {number} px @param {boolean} [bold] */
function measure(s, str, px, bold) {
  const key = (bold ? "b" : "") + px + "|" + str;
  let w = widths.get(key);
  if (w == null) {
    // A new canvas always has a 2D context.
    ctx = ctx || /** @type {CanvasRenderingContext2D} */ (document.createElement("canvas").getContext("2d"));
    ctx.font = (bold ? "bold " : "") + px + "px " + s.fontFamily;
    w = ctx.measureText(str).width;
    widths.set(key, w);
  }
  return w;
}

/** `str` in at most `max` lines of `room` px, the last cut with "…"; [] when
 * not even its first word fits.
 * @param {State} s @param {string} str @param {number} px @param {boolean} bold @param {number} room @param {number} max @returns {string[]} */
function wrap(s, str, px, bold, room, max) {
  const words = str.split(/\s+/), lines = [];
  let line = "";
  for (let i = 0; i < words.length; i++) {
    const next = line ? line + " " + words[i] : words[i];
    if (measure(s, next, px, bold) <= room) { line = next; continue; }
    if (!line) return lines.length ? cut(s, lines, px, bold, room) : [];
    lines.push(line);
    line = words[i];
    if (lines.length === max) return cut(s, lines, px, bold, room);
    if (measure(s, line, px, bold) > room) return cut(s, lines, px, bold, room);
  }
  if (line) lines.push(line);
  return lines;
}
// The last line ends with "…", after a whole word where that still fills
// half the line (else inside a word: "Era 12: Th…" tells siblings apart,
// "Era…" does not).
/** @param {State} s @param {string[]} lines @param {number} px @param {boolean} bold @param {number} room */
function cut(s, lines, px, bold, room) {
  let last = lines[lines.length - 1];
  /** @param {string} t */
  const fits = (t) => measure(s, t + "…", px, bold) <= room;
  while (last.indexOf(" ") > 0 && !fits(last)) {
    const shorter = last.slice(0, last.lastIndexOf(" "));
    if (measure(s, shorter, px, bold) < room / 2) break;
    last = shorter;
  }
  while (last && measure(s, last + "…", px, bold) > room) last = last.slice(0, -1);
  lines[lines.length - 1] = last.trimEnd() + "…";
  return lines;
}

// ---- what a future says ----
/** A window as the pages print it: `2027–2029`, or `2026`.
 * @param {Years | null} w */
export function windowText(w) {
  return w ? (w.start === w.end ? String(w.start) : w.start + "–" + w.end) : "";
}
// The site's number, then the reader's where their view changes it
// (`35% → 60%`), its marks and its window: as much as fits the box, giving
// up the window first, then the site's number (`→ 60%`; its name says both).
// A resolved future says how, a future another's resolution settled says
// so after its 100% or 0%; no view changes either.
/** @param {State} s @param {Node} f */
function numberLine(s, f) {
  const n = s.reader.nums[f.id], t = s.reader.texts(f.id), mp = s.map;
  const marks = n.disagreement ? " ⚠" : "", when = f.when ? " · " + windowText(f.when) : "";
  const both = t.changed ? t.site + " → " + t.yours : t.site, yours = t.changed ? "→ " + t.yours : t.site;
  const room = f.box.w - 2 * mp.text_x;
  const settled = settledWords(s, f);
  let lines = settled ? [settled + when, settled, t.site] : [both + marks + when, both + marks, yours + marks];
  // Coloured by the reader's bets, the box says how many win and lose
  // first (the colour is never the only cue), then as much of the rest as fits.
  const bets = !settled && byBets(s) ? exposureShort(s.m.rules, /** @type {import("./hold.js").Hold} */ (s.hold).exposure(f.id)) : "";
  if (bets) lines = lines.map((line) => bets + " · " + line).concat([bets]);
  return lines.find((line) => measure(s, line, mp.text_px) <= room) || lines[lines.length - 1];
}
/** Whether the map is coloured by the bets the reader holds.
 * @param {State} s */
function byBets(s) {
  return s.colourBy === "exposure" && !!s.hold && s.hold.active;
}
/** What a future happening means for the held bets, in words for its name:
 * `your bets if it happens: 2 win, 1 loses, net +$1,000`.
 * @param {State} s @param {Node} f */
function betWords(s, f) {
  if (!s.hold || isFixed(s.m, f.id)) return "";
  const e = s.hold.exposure(f.id), words = [];
  if (e.wins.length) words.push(e.wins.length + (e.wins.length === 1 ? " wins" : " win"));
  if (e.loses.length) words.push(e.loses.length + (e.loses.length === 1 ? " loses" : " lose"));
  if (e.staked) words.push((e.wins.length && e.loses.length ? "net " : "") + money(s.m.rules, e.net, true));
  return "your bets if it happens: " + (words.length ? words.join(", ") : "none decided");
}
/** "Happened", "Did not happen": what a settled future's box says, whether its own resolution or
 * another's settled it (as the static map and the tables say); null for an open one.
 * @param {State} s @param {Node} f */
function settledWords(s, f) {
  if (!isFixed(s.m, f.id)) return null;
  return s.m.fixed[f.id] === 1 ? "Happened" : "Did not happen";
}
/** A future's title lines as the build broke them (`lines`: each line's end).
 * @param {Node} f */
function titleLines(f) {
  /** @type {string[]} */
  const out = [];
  let start = 0;
  f.lines.forEach((end, i) => {
    let line = f.title.slice(start, end).trim();
    if (i === f.lines.length - 1 && end < f.title.length) line += "…";
    out.push(line);
    start = end;
  });
  return out;
}
/** A group's futures by what they mean for the held bets, in words:
 * `; for your bets, 3 where some win, 1 where some lose`.
 * @param {State} s @param {Node} f */
function groupBets(s, f) {
  const hold = /** @type {import("./hold.js").Hold} */ (s.hold), count = { win: 0, lose: 0, both: 0 };
  marked(s, f.id).forEach((id) => {
    const k = isFixed(s.m, id) ? "none" : exposureKind(hold.exposure(id));
    if (k !== "none") count[k]++;
  });
  const words = [count.win ? count.win + " where some win" : "", count.lose ? count.lose + " where some lose" : "", count.both ? count.both + " where some win and some lose" : ""].filter(Boolean);
  return "; for your bets, " + (words.length ? words.join(", ") : "none decides any");
}
/** Its accessible name and tooltip: the full title and what it holds or its
 * numbers, in the order the box shows them (a name must hold the visible
 * text, WCAG 2.5.3), then in words what its marks mean.
 * @param {State} s @param {Node} f */
function describe(s, f) {
  const when = f.when ? ", " + windowText(f.when) : "";
  if (f.members.length) return f.title + ": " + size(s.m, f.id) + " futures" + when + "; a group" + (byBets(s) ? groupBets(s, f) : "");
  const settled = settledWords(s, f), by = settled && settledBy(s.m, f.id);
  if (settled) return f.title + ": " + settled + when + "; " + (f.resolved ? f.resolved.display : by ? "by the resolution of “" + by.title + "”" : "by a resolution");
  const n = s.reader.nums[f.id], t = s.reader.texts(f.id);
  // Coloured by the held bets, the box's marks come first, as it shows them.
  const bets = byBets(s) ? exposureShort(s.m.rules, /** @type {import("./hold.js").Hold} */ (s.hold).exposure(f.id)) : "";
  const words = [bets ? betWords(s, f) : "", t.changed ? "the site’s, then your view" : "", n.disagreement ? "disputed" : "", f.stale ? "market value as of " + f.stale : ""].filter(Boolean);
  return f.title + ": " + (bets ? bets + " · " : "") + t.site + (t.changed ? " → " + t.yours : "") + when + (words.length ? "; " + words.join(", ") : "");
}

/** A drawn box's accessible name: where its title is cut short ("…"),
 * what it shows comes first, so the name still holds the visible text.
 * @param {State} s @param {Node} f @param {Element} a */
function nameOf(s, f, a) {
  const full = describe(s, f), shown = [...a.querySelectorAll("text")].map((t) => t.textContent || "");
  // So too where the number line, shortened to fit, is not in the name as it
  // stands (the held bets' marks before "→ 60%").
  const numbers = a.querySelector(".node-num"), line = numbers ? numbers.textContent || "" : "";
  return shown.some((l) => l.endsWith("…")) || !full.includes(line) ? shown.join(" ") + " — " + full : full;
}

/** @param {State} s @param {Node} f */
function passes(s, f) {
  if (f.members.length) return true;
  const p = s.reader.nums[f.id].effective;
  if (s.filter.tag && f.tags.indexOf(s.filter.tag) < 0) return false;
  return p == null || (p * 100 >= s.filter.lo && p * 100 <= s.filter.hi);
}

// Lit: a future, what leads to it and what it leads to. The same for the
// same future, so a redraw with it still selected (the reader's view
// changing) does not walk the graph again.
/** @type {string | null} */
let litFor = null;
/** @type {Lit | null} */
let litCache = null;
/** @param {State} s */
function highlightSet(s) {
  const id = s.hovered || s.selected;
  if (!id) return null;
  if (id === litFor) return litCache;
  litFor = id;
  litCache = lit(s, id);
  return litCache;
}
/** @param {State} s @param {string} id */
function lit(s, id) {
  const set = reach(s.m, id, "children"), up = reach(s.m, id, "parents");
  for (const k in up) set[k] = true;
  set[id] = true;
  // Groups holding a lit future stay lit.
  Object.keys(set).forEach((k) => ancestors(s.m, k).forEach((g) => { set[g] = true; }));
  return set;
}

// A drawn future's classes: what it is, its colour, and how it stands.
/** @param {State} s @param {Node} f @param {Lit | null} lit */
function classes(s, f, lit) {
  let cls = !f.members.length ? "node " + colour(s, f.id) : isOpen(s, f.id) ? "group open" : "group closed";
  if (lit && !lit[f.id]) cls += " dim";
  if (!passes(s, f)) cls += " dim";
  if (s.bet) {
    if (s.bet.wins_if.indexOf(f.id) >= 0) cls += " win";
    if (s.bet.loses_if.indexOf(f.id) >= 0) cls += " lose";
    if (s.bet.essential_fork === f.id) cls += " fork";
  }
  if (s.selected === f.id) cls += " selected";
  if (s.reader.values[f.id] != null) cls += " in-view";
  if (f.resolved) cls += " resolved " + f.resolved.outcome;
  else if (!f.members.length && isFixed(s.m, f.id)) cls += " settled";
  return cls;
}

/** @param {State} s @param {Node} f @param {Element} parent @param {Lit | null} lit */
function link(s, f, parent, lit) {
  const cls = classes(s, f, lit), name = describe(s, f);
  const a = el("a", { href: f.url, "class": cls, "data-id": f.id, tabindex: "0", "aria-label": name }, parent);
  el("title", {}, a).textContent = name;
  el("rect", { x: f.box.x, y: f.box.y, width: f.box.w, height: f.box.h, rx: f.members.length ? 10 : 6 }, a);
  s.drawn.push(f.id);
  return a;
}

/** Its colour's class: its probability's step, or (coloured by the bets
 * the reader holds) what it happening means for them.
 * @param {State} s @param {string} id */
function colour(s, id) {
  if (byBets(s)) return "exp-" + (isFixed(s.m, id) ? "none" : exposureKind(/** @type {import("./hold.js").Hold} */ (s.hold).exposure(id)));
  const p = s.reader.nums[id].effective;
  return p == null ? "unknown" : "p" + bucket(p);
}

// A resolved future's mark, a ✓ or ✗ in a disc on its box's top right
// corner (clear of its title's first line), drawn at every zoom (its words
// only where text is legible).
const BADGE = 7;
/** @param {Node} f @param {Element} a */
function badge(f, a) {
  if (!f.resolved) return;
  const b = f.box, r = Math.min(BADGE, b.h / 3), cx = b.x + b.w - 1, cy = b.y + 1;
  const g = el("g", { "class": "resolved-badge", "aria-hidden": "true" }, a);
  el("circle", { cx, cy, r }, g);
  const k = r * 0.45;
  const d = f.resolved.outcome === "happened"
    ? `M${cx - k},${cy} L${cx - k / 3},${cy + k * 0.7} L${cx + k},${cy - k * 0.6}`
    : `M${cx - k * 0.7},${cy - k * 0.7} L${cx + k * 0.7},${cy + k * 0.7} M${cx + k * 0.7},${cy - k * 0.7} L${cx - k * 0.7},${cy + k * 0.7}`;
  el("path", { d }, g);
}

/** @param {State} s @param {Node} f @param {Element} parent @param {Lit | null} lit */
function drawFuture(s, f, parent, lit) {
  const a = link(s, f, parent, lit);
  badge(f, a);
  const mp = s.map;
  if (mp.text_px * s.view.k < mp.min_text_px - 1e-9) return;
  const x = f.box.x + mp.text_x, lines = titleLines(f);
  lines.forEach((line, i) => text(a, "", x, f.box.y + mp.baseline + i * mp.line_height, mp.text_px, line));
  text(a, "node-num", x, f.box.y + mp.baseline + lines.length * mp.line_height, mp.text_px, numberLine(s, f));
  a.setAttribute("aria-label", nameOf(s, f, a));
}

/** @param {State} s @param {Node} f @param {Element} parent @param {Lit | null} lit */
function drawOpenGroup(s, f, parent, lit) {
  const a = link(s, f, parent, lit), mp = s.map;
  if (mp.group_px * s.view.k < mp.min_text_px - 1e-9) return;
  // The build wrapped the header's title to the box.
  titleLines(f).forEach((line, i) => text(a, "group-title", f.box.x + mp.group_x, f.box.y + mp.group_baseline + i * mp.group_line, mp.group_px, line));
  a.setAttribute("aria-label", nameOf(s, f, a));
}

// A closed group says what it holds, in text of one size on screen: its
// title, how many futures and when, and a mark per future coloured by its
// probability, each only where the box has room for it.
/** @param {State} s @param {Node} f @param {Element} parent @param {Lit | null} lit */
function drawClosedGroup(s, f, parent, lit) {
  const a = link(s, f, parent, lit), k = s.view.k, mp = s.map;
  const w = f.box.w * k, h = f.box.h * k, pad = Math.min(mp.group_x, w / 10, h / 6);
  let y = pad;
  /** @type {(cls: string, px: number, str: string, bold?: boolean) => boolean} */
  const line = (cls, px, str, bold) => {
    if (y + px * 1.3 > h - pad || measure(s, str, px, bold) > w - 2 * pad) return false;
    y += px * 1.25;
    text(a, cls, f.box.x + pad / k, f.box.y + y / k, px / k, str);
    return true;
  };
  // Leave room for the count and a row of marks: they say what it holds.
  const rest = LABEL_PX * 1.25 + mp.mark + mp.mark_gap + pad;
  const titleLines = Math.max(1, Math.min(3, Math.floor((h - 2 * pad - rest) / (LABEL_PX * 1.25))));
  const n = size(s.m, f.id), when = f.when ? " · " + windowText(f.when) : "";
  // A box too flat for two lines and marks says it all on one line.
  const flat = h - 2 * pad < 2 * LABEL_PX * 1.3 + mp.mark;
  let marks = true;
  if (!(flat && (line("group-title", LABEL_PX, f.title + " · " + n + " futures" + when, true) || line("group-title", LABEL_PX, f.title + " · " + n, true)))) {
    let lines = wrap(s, f.title, LABEL_PX, true, w - 2 * pad, titleLines);
    // A whole title rather than marks, where one more line would finish it.
    const more = wrap(s, f.title, LABEL_PX, true, w - 2 * pad, titleLines + 1);
    /** @param {string[]} ls */
    const cutShort = (ls) => /…$/.test(ls[ls.length - 1] || "");
    if (cutShort(lines) && !cutShort(more) && more.length > lines.length && (more.length + 1) * LABEL_PX * 1.25 <= h - 2 * pad) {
      lines = more;
      marks = false;
    }
    lines.forEach((l) => line("group-title", LABEL_PX, l, true));
    line("group-count", LABEL_PX, n + " futures" + when) || line("group-count", LABEL_PX, n + " futures") || line("group-count", LABEL_PX, String(n));
  }
  if (marks) drawMarks(s, f, a, pad, y + pad / 2, w - 2 * pad, h - y - 1.5 * pad);
  a.setAttribute("aria-label", nameOf(s, f, a));
}

// Marks as large as the box lets all of them be (from the build's size up
// to thrice it), smaller (never under SMALL_MARK px) where a row would not
// fit otherwise; as many as fit.
const SMALL_MARK = 6;
/** @param {State} s @param {Node} f @param {Element} parent @param {number} left @param {number} top @param {number} w @param {number} h */
function drawMarks(s, f, parent, left, top, w, h) {
  const ids = marked(s, f.id), k = s.view.k;
  /** @param {number} m */
  const grid = (m) => {
    const step = m + Math.min(s.map.mark_gap, m * s.map.mark_gap / s.map.mark);
    return { m, step, perRow: Math.floor((w + step - m) / step), rows: Math.floor((h + step - m) / step) };
  };
  let g = grid(h >= s.map.mark ? s.map.mark : SMALL_MARK);
  for (let m = 3 * s.map.mark; m > g.m; m--) {
    const bigger = grid(m);
    if (bigger.perRow * bigger.rows >= ids.length) { g = bigger; break; }
  }
  if (g.perRow < 1 || g.rows < 1) return;
  const marks = el("g", { "class": "marks" }, parent);
  ids.slice(0, g.perRow * g.rows).forEach((id, i) => {
    const cls = markClass(s, id);
    // Coloured by the reader's bets, a mark's shape says it too: a win's is round, a loss's square.
    const rx = cls.includes(" exp-win") ? g.m / 2 : cls.includes(" exp-lose") ? 0 : Math.min(4, g.m / 4);
    el("rect", {
      "class": cls, "data-id": id,
      x: f.box.x + (left + (i % g.perRow) * g.step) / k, y: f.box.y + (top + Math.floor(i / g.perRow) * g.step) / k,
      width: g.m / k, height: g.m / k, rx: rx / k,
    }, marks);
  });
}
// A closed group's mark for a settled future is outlined: its colour is
// then certain, and the outline tells it from an open future's.
/** @param {State} s @param {string} id */
function markClass(s, id) {
  return "mark " + colour(s, id) + (isFixed(s.m, id) ? " settled" : "");
}
// A group's futures in time order, found once.
/** @type {Map<string, string[]>} */
const markedCache = new Map();
/** @param {State} s @param {string} id @returns {string[]} */
function marked(s, id) {
  let ids = markedCache.get(id);
  if (!ids) {
    /** @param {string} f */
    const start = (f) => { const w = s.m.byId[f].when; return w ? w.start : Infinity; };
    ids = leaves(s.m, id).sort((a, b) => start(a) - start(b));
    markedCache.set(id, ids);
  }
  return ids;
}

// Each column's window above it; a lower band's only where the gap above it has room.
/** @param {State} s @param {Element} parent */
function drawAxis(s, parent) {
  const k = s.view.k, g = el("g", { "class": "axis" }, parent);
  s.map.columns.forEach((c) => {
    const label = windowText(c.when);
    if (!label || measure(s, label, SMALL_PX) > c.w * k || (c.y > 0 && s.map.band_gap * k < SMALL_PX * 1.6)) return;
    text(g, "", c.x + c.w / 2, c.y - 10 / k, SMALL_PX / k, label);
  });
}

// Edges between what is drawn: a future's edges where both ends show, else
// between the closed groups that stand for them, with how many they carry.
// The edges between what stands for their ends, counted; the same until
// another group opens or closes.
/** @type {string | null} */
let edgesFor = null;
/** @type {Map<string, ShownEdge>} */
let edgesCache = new Map();
/** @param {State} s */
function shownEdges(s) {
  const key = (s.view.k >= legibleScale(s.map) - 1e-9) + "|" + Object.keys(s.forced).sort().join(",");
  if (key === edgesFor) return edgesCache;
  /** @type {Map<string, ShownEdge>} */
  const agg = new Map();
  s.m.data.edges.forEach((e) => {
    const a = shownAs(s, e.from), b = shownAs(s, e.to);
    if (a === b) return;
    const id = a + ">" + b, got = agg.get(id);
    if (got) got.n++; else agg.set(id, { a, b, n: 1, p: e.probability });
  });
  edgesFor = key;
  edgesCache = agg;
  return agg;
}

/** @param {State} s @param {Element} parent @param {Box} vp @param {Lit | null} lit */
function drawEdges(s, parent, vp, lit) {
  const agg = shownEdges(s);
  const k = s.view.k, mp = s.map, boxes = grid(s);
  agg.forEach(({ a, b, n, p }) => {
    const A = s.m.byId[a], B = s.m.byId[b];
    if (!meets(A.box, vp) && !meets(B.box, vp)) return;
    const x1 = A.box.x + A.box.w, y1 = A.box.y + A.box.h / 2, x2 = B.box.x, y2 = B.box.y + B.box.h / 2;
    const dx = Math.max(24, (x2 - x1) / 2);
    const dim = lit && !(lit[a] && lit[b]) ? " dim" : "";
    el("path", { "class": "edge" + dim + (x2 < x1 ? " back" : ""), d: `M${x1},${y1} C${x1 + dx},${y1} ${x2 - dx},${y2} ${x2},${y2}` }, parent);
    const grouped = A.members.length || B.members.length;
    // P(edge) between two futures, in the map's units; a count between groups, on screen.
    const label = grouped || n > 1 ? String(n) : percent(s.m.rules, p);
    const px = grouped || n > 1 ? SMALL_PX : mp.edge_px * k;
    if (px < mp.min_text_px - 1e-9) return;
    const lw = (measure(s, label, px) + 6) / k, lh = px / k;
    const box = { x: (x1 + x2 - lw) / 2, y: (y1 + y2 - lh) / 2, w: lw, h: lh };
    if (lw > x2 - x1 || covered(boxes, box)) return;
    text(parent, "edge-label" + dim, (x1 + x2) / 2, (y1 + y2) / 2 + lh / 3, lh, label);
  });
}

// The drawn futures' boxes in a grid of cells, to find a label a box would hide.
const CELL = 256;
/** @param {State} s */
function grid(s) {
  const cells = new Map();
  s.drawn.forEach((id) => {
    const f = s.m.byId[id];
    if (f.members.length && isOpen(s, id)) return;
    for (let cx = Math.floor(f.box.x / CELL); cx <= Math.floor((f.box.x + f.box.w) / CELL); cx++) {
      for (let cy = Math.floor(f.box.y / CELL); cy <= Math.floor((f.box.y + f.box.h) / CELL); cy++) {
        const key = cx + "," + cy;
        if (!cells.has(key)) cells.set(key, []);
        cells.get(key).push(f.box);
      }
    }
  });
  return cells;
}
/** @param {Map<string, Box[]>} cells @param {Box} b */
function covered(cells, b) {
  for (let cx = Math.floor(b.x / CELL); cx <= Math.floor((b.x + b.w) / CELL); cx++) {
    for (let cy = Math.floor(b.y / CELL); cy <= Math.floor((b.y + b.h) / CELL); cy++) {
      if ((cells.get(cx + "," + cy) || []).some((o) => meets(o, b))) return true;
    }
  }
  return false;
}

let renders = 0;
/** Draws what is in view at the current zoom.
 * @param {State} s */
export function render(s) {
  const t0 = performance.now();
  const focused = focusedId(s);
  s.layer.textContent = "";
  s.drawn = [];
  const vp = visible(s), lit = highlightSet(s);
  drawAxis(s, s.layer);
  const edges = el("g", { "class": "edges" }, s.layer), nodes = el("g", { "class": "nodes" }, s.layer);
  /** @type {Node[]} */
  const shown = [];
  /** @param {Node} f */
  const walk = (f) => {
    if (!meets(f.box, vp)) return;
    shown.push(f);
    if (f.members.length && isOpen(s, f.id)) f.members.forEach((id) => walk(s.m.byId[id]));
  };
  s.roots.forEach(walk);
  readingOrder(s, shown).forEach((f) => {
    if (!f.members.length) drawFuture(s, f, nodes, lit);
    else if (!isOpen(s, f.id)) drawClosedGroup(s, f, nodes, lit);
    else drawOpenGroup(s, f, nodes, lit);
  });
  drawEdges(s, edges, vp, lit);
  applyView(s);
  refocus(s, focused);
  // For tests and benchmarks: how many renders, and how long the last took.
  document.documentElement.setAttribute("data-map-rendered", String(++renders));
  document.documentElement.setAttribute("data-map-render-ms", (performance.now() - t0).toFixed(1));
}

/** Boxes in the order a reader reads the map, which is their Tab order:
 * band by band (the layout's rows of columns), in each left to right (time),
 * then top to bottom. An open group (drawn unfilled) comes before what it holds.
 * @param {State} s @param {Node[]} shown */
function readingOrder(s, shown) {
  const rows = [...new Set(s.map.columns.map((c) => c.y))].sort((a, b) => a - b);
  /** @param {Node} f */
  const row = (f) => rows.filter((y) => y <= f.box.y + 0.5).length;
  return shown.map((f) => ({ f, r: row(f) }))
    .sort((a, b) => a.r - b.r || a.f.box.x - b.f.box.x || a.f.box.y - b.f.box.y)
    .map((e) => e.f);
}

/** The future whose box has keyboard focus, if one has.
 * @param {State} s */
function focusedId(s) {
  const a = document.activeElement;
  return a instanceof SVGElement && s.layer.contains(a) ? a.getAttribute("data-id") : null;
}

/** A redraw replaces every box: the one that had focus gets it back (zooming
 * by keyboard keeps the reader's place), or the map itself where it is no
 * longer drawn, so the map's keys still work.
 * @param {State} s @param {string | null} id */
function refocus(s, id) {
  if (id == null) return;
  const a = s.layer.querySelector('a[data-id="' + CSS.escape(id) + '"]');
  if (a instanceof SVGElement) a.focus({ preventScroll: true });
  else { s.frame.tabIndex = -1; s.frame.focus({ preventScroll: true }); }
}

/** Highlighting without redrawing: only classes change.
 * @param {State} s */
export function restyle(s) {
  const lit = highlightSet(s);
  s.layer.querySelectorAll("a[data-id]").forEach((a) => {
    const f = s.m.byId[a.getAttribute("data-id") || ""];
    a.classList.toggle("dim", (!!lit && !lit[f.id]) || !passes(s, f));
  });
}

/** The reader's view changed: the colours, numbers and names of what is
 * drawn follow, without drawing it again (a slider moves it many times a second).
 * @param {State} s */
export function renumber(s) {
  const lit = highlightSet(s);
  /** @type {(e: Element, attr: string, v: string) => void} */
  const set = (e, attr, v) => { if (e.getAttribute(attr) !== v) e.setAttribute(attr, v); };
  s.layer.querySelectorAll("a[data-id]").forEach((a) => {
    const f = s.m.byId[a.getAttribute("data-id") || ""], name = describe(s, f);
    set(a, "class", classes(s, f, lit));
    // Its first child is its <title>.
    const title = /** @type {SVGTitleElement} */ (a.firstChild);
    if (title.textContent !== name) title.textContent = name;
    const num = a.querySelector(".node-num"), line = num && numberLine(s, f);
    if (num && num.textContent !== line) num.textContent = line;
    set(a, "aria-label", nameOf(s, f, a));
  });
  s.layer.querySelectorAll(".mark").forEach((r) => set(r, "class", markClass(s, r.getAttribute("data-id") || "")));
}
