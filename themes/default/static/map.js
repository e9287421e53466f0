// @ts-check
// The interactive future map: progressive enhancement of the static SVG
// that /futures/ ships. This module holds the view (zoom, selection, full
// screen, the bet shown) and the tools; model.js the graph and its rules,
// map-draw.js what is drawn at each zoom, map-input.js the gestures and
// keys, map-panel.js the details panel. No framework, no build step;
// nothing runs while nothing moves.
import { ancestors, payoff, payoffText } from "./model.js";
import { load } from "./view.js";
import { whenHolding } from "./view-key.js";
import { changedFutures } from "./view-changes.js";
import { el, render, renumber, restyle, applyView, legibleScale } from "./map-draw.js";
import { showPanel } from "./map-panel.js";
import { html } from "./dom.js";
import { listen } from "./map-input.js";

/** @typedef {import("../browser-data").Bet} Bet */
/** @typedef {import("../browser-data").MapInfo} MapInfo */
/** @typedef {import("./model.js").Model} Model */
/** @typedef {import("./model.js").Node} Node */
/** @typedef {import("./view.js").View} View */
/** @typedef {import("./hold.js").Hold} Hold */
/**
 * The map's state: the graph, the reader's view (whose numbers it draws),
 * the build's geometry, the zoom (`view`, `minK`), groups opened by hand
 * (`forced`), what is selected, hovered and shown, the filters, the ids
 * drawn, whether the zoom shows the whole map (`fitted`) or what the
 * reader's view changes (`framed`), and the map's own elements.
 * @typedef {{
 *   m: Model, reader: View, map: MapInfo, frame: HTMLElement, section: HTMLElement, roots: Node[],
 *   view: { x: number, y: number, k: number }, minK: number, forced: Record<string, boolean>,
 *   selected: string | null, hovered: string | null, bet: Bet | null,
 *   filter: { lo: number, hi: number, tag: string }, drawn: string[], fitted: boolean, framed: boolean,
 *   fontFamily: string, frameSize: { w: number, h: number },
 *   svg: SVGSVGElement, layer: SVGGElement, panel: HTMLElement,
 *   toggle: HTMLButtonElement, status: HTMLSpanElement, hint: HTMLDivElement | null,
 *   hold: Hold | null, colourBy: "probability" | "exposure",
 *   holdPanel: ((id: string, slot: HTMLElement) => void) | null,
 * }} State
 */
/** @typedef {ReturnType<typeof controller>} Controller */

const SETTLE_MS = 120, MAX_K = 4, STEP = 1.4, HINT_KEY = "forkcast.map.hint", COLOUR_KEY = "forkcast.map.colour";
// What a view changes is framed no closer than the map's own size: one
// changed future alone shows with its neighbours, not at four times its size.
const FRAME_MAX_K = 1;
// A view that changes while nothing is selected is framed again once it stops changing.
const REFRAME_MS = 300;
// Phones get a preview in the page and the map itself full screen.
const phone = matchMedia("(max-width: 40rem)"), coarse = matchMedia("(pointer: coarse)");

/** The state of the map in `frame`, inside `section`; `reader` is the
 * reader's own view (view.js): the map draws its numbers.
 * @param {HTMLElement} frame @param {HTMLElement} section @param {Model} m @param {View} reader
 * @returns {State} */
function state(frame, section, m, reader) {
  const svg = el("svg", { "class": "map", role: "group", "aria-label": "The map of futures: drag to pan, wheel or +/− to zoom, Tab and arrow keys to move, Enter to open" });
  return {
    m, reader, map: m.data.map, frame, section,
    roots: m.futures.filter((f) => !f.within),
    view: { x: 0, y: 0, k: 1 }, minK: 0, forced: {}, selected: null, hovered: null, bet: null,
    filter: { lo: 0, hi: 100, tag: "" }, drawn: [], fitted: false, framed: false,
    fontFamily: getComputedStyle(frame).fontFamily, frameSize: { w: 0, h: 0 },
    svg, layer: el("g", {}, svg),
    panel: html("aside", { "class": "map-panel", hidden: "", "aria-label": "Details" }, null),
    toggle: html("button", { type: "button", "class": "fullscreen-toggle", "aria-pressed": "false" }, phone.matches ? "Open the map full screen" : "Full screen"),
    status: html("span", { "class": "muted status", role: "status", "aria-live": "polite" }, ""),
    hint: null,
    hold: null, colourBy: "probability", holdPanel: null,
  };
}

/** @param {State} s */
function controller(s) {
  let settleTimer = 0;
  const frame = s.frame, w = () => frame.clientWidth, h = () => frame.clientHeight;
  const c = {
    /** Redraws once zooming or panning pauses. */
    settle() { clearTimeout(settleTimer); settleTimer = setTimeout(() => render(s), SETTLE_MS); },
    /** @param {number} factor @param {number} cx @param {number} cy */
    zoomAt(factor, cx, cy) {
      const k = Math.max(s.minK, Math.min(MAX_K, s.view.k * factor));
      factor = k / s.view.k;
      // Zooming out past the point where titles are legible closes groups opened by hand too.
      if (factor < 1 && k < legibleScale(s.map)) s.forced = {};
      s.view.x = cx - (cx - s.view.x) * factor;
      s.view.y = cy - (cy - s.view.y) * factor;
      s.view.k = k;
      s.fitted = false;
      c.used();
      applyView(s);
      c.settle();
    },
    // The whole map, as large as the frame allows (every group open when that is legible).
    fitAll() {
      s.framed = false;
      const mp = s.map, roomW = w() - mp.margin[0], roomH = h() - mp.margin[1];
      s.view.k = Math.min(roomW / mp.width, roomH / mp.height);
      s.minK = s.view.k / 2;
      s.view.x = (w() - mp.width * s.view.k) / 2;
      s.view.y = mp.margin[1] / 2 + (roomH - mp.height * s.view.k) / 2;
      // A phone's full screen is tall and the map wide: fitted to the width
      // it would fill a strip and leave the rest blank, so it starts where
      // its titles read (groups open), from its top left, and pans from there.
      if (phone.matches && s.section.classList.contains("fullscreen") && roomH > 1.3 * mp.height * s.view.k) {
        s.view.k = Math.max(s.view.k, legibleScale(mp));
        s.view.x = mp.margin[0] / 2;
        s.view.y = mp.margin[1] / 2 + Math.max(0, (roomH - mp.height * s.view.k) / 2);
      }
      s.fitted = true;
    },
    /** What the reader's view changes, what they set first and then the
     * largest changes, as many as fit the frame with their titles legible
     * (above the hint, where it shows).
     * @returns {boolean} whether the view changes anything */
    frameView() {
      const changes = changedFutures(s.reader), k0 = legibleScale(s.map);
      const ids = changes.filter((ch) => ch.set).concat(changes.filter((ch) => !ch.set)).map((ch) => ch.id);
      const roomW = w() - 40, roomH = h() - s.map.margin[1] - (s.hint ? s.hint.offsetHeight + 16 : 0);
      /** @type {import("./model.js").Box | null} */
      let box = null;
      for (const id of ids) {
        const b = s.m.byId[id].box;
        /** @type {import("./model.js").Box} */
        const next = box ? union(box, b) : b;
        if (next.w * k0 > roomW || next.h * k0 > roomH) continue;
        box = next;
        ancestors(s.m, id).forEach((g) => { s.forced[g] = true; });
      }
      if (!box) return false;
      const k = Math.max(k0, Math.min(FRAME_MAX_K, roomW / box.w, roomH / box.h));
      s.view.k = k;
      s.view.x = w() / 2 - (box.x + box.w / 2) * k;
      s.view.y = s.map.margin[1] / 2 + roomH / 2 - (box.y + box.h / 2) * k;
      s.fitted = false;
      s.framed = true;
      return true;
    },
    /** After the frame's size changed: the whole map, or what the view changes, again. */
    refit() {
      if (s.fitted) c.fitAll();
      else if (s.framed) c.frameView();
    },
    /** Shows all of `ids` at once, as close as they fit.
     * @param {string[]} ids */
    fitTo(ids) {
      if (!ids.length) return;
      const boxes = ids.map((id) => s.m.byId[id].box);
      const x0 = Math.min(...boxes.map((b) => b.x)), y0 = Math.min(...boxes.map((b) => b.y));
      const x1 = Math.max(...boxes.map((b) => b.x + b.w)), y1 = Math.max(...boxes.map((b) => b.y + b.h));
      s.view.k = Math.min(MAX_K, (w() - 40) / (x1 - x0), (h() - s.map.margin[1]) / (y1 - y0));
      s.view.x = w() / 2 - (x0 + x1) / 2 * s.view.k;
      s.view.y = h() / 2 - (y0 + y1) / 2 * s.view.k;
      s.fitted = s.framed = false;
    },
    /** Centres `id` at zoom `k`, its groups open, clear of the panel.
     * @param {string} id @param {number} k */
    centre(id, k) {
      const b = s.m.byId[id].box;
      ancestors(s.m, id).forEach((g) => { s.forced[g] = true; });
      s.view.k = k;
      s.view.x = w() / 2 - (b.x + b.w / 2) * k;
      s.view.y = h() / 2 - (b.y + b.h / 2) * k;
      const panel = s.panel;
      if (!panel.hidden && panel.offsetWidth < w()) s.view.x -= panel.offsetWidth / 2;
      else if (!panel.hidden) s.view.y -= panel.offsetHeight / 2;
      s.fitted = s.framed = false;
    },
    /** @param {string} id @param {boolean} focus */
    select(id, focus) {
      const f = s.m.byId[id];
      if (!f) return;
      s.selected = id;
      showPanel(s, s.panel, f, { close: c.hidePanel, showBet: c.showBet });
      // Close enough that its title reads, never further out than it was.
      const k = f.members.length ? s.view.k : Math.max(s.view.k, Math.min(MAX_K, legibleScale(s.map) * 1.2));
      c.centre(id, k);
      render(s);
      history.replaceState(null, "", location.pathname + location.search + "#" + encodeURIComponent(id));
      c.say(f.title + " selected");
      if (focus) c.focus(id);
    },
    hidePanel() {
      s.panel.hidden = true;
      const was = s.selected;
      s.selected = null;
      history.replaceState(null, "", location.pathname + location.search);
      render(s);
      if (was) c.focus(was);
    },
    /** @param {string} id */
    showBet(id) {
      s.bet = s.m.bets[id] || null;
      if (!s.bet) return;
      const b = s.bet, ids = b.wins_if.concat(b.loses_if, b.essential_fork ? [b.essential_fork] : []);
      ids.forEach((f) => ancestors(s.m, f).forEach((g) => { s.forced[g] = true; }));
      c.fitTo(ids);
      s.section.classList.add("showing-bet");
      render(s);
      const pays = payoffText(s.m.rules, payoff(s.m, b.wins_if, b.loses_if, s.reader.nums));
      c.say("Bet: " + b.title + ", " + (b.settled ? b.settled.display : "pays off " + pays) + (b.essential_fork ? ". It rides on " + s.m.byId[b.essential_fork].title : ""));
    },
    /** A closed group opens (zoomed in until its futures read); a future is selected.
     * @param {string} id */
    activate(id) {
      const f = s.m.byId[id];
      c.used();
      // A tap on a phone's preview opens the map first.
      if (phone.matches && !s.section.classList.contains("fullscreen")) c.fullscreen(true);
      if (!f.members.length) return void c.select(id, true);
      if (s.view.k >= legibleScale(s.map) || s.forced[id]) return;
      const fit = Math.min((w() - 40) / f.box.w, (h() - s.map.margin[1]) / f.box.h);
      c.centre(id, Math.min(MAX_K, Math.max(fit, legibleScale(s.map))));
      s.forced[id] = true;
      render(s);
      c.focus(f.members[0]);
      c.say(f.title + " opened");
    },
    /** Arrow keys: the nearest drawn future in that direction.
     * @param {string} id @param {string} key */
    step(id, key) {
      const b = s.m.byId[id].box, cx = b.x + b.w / 2, cy = b.y + b.h / 2;
      /** @type {string | null} */
      let best = null;
      let bestScore = Infinity;
      s.drawn.forEach((oid) => {
        if (oid === id) return;
        const o = s.m.byId[oid].box, dx = o.x + o.w / 2 - cx, dy = o.y + o.h / 2 - cy;
        const along = key === "ArrowRight" ? dx : key === "ArrowLeft" ? -dx : key === "ArrowDown" ? dy : -dy;
        const across = key === "ArrowRight" || key === "ArrowLeft" ? Math.abs(dy) : Math.abs(dx);
        if (along > 0 && along + 2 * across < bestScore) { bestScore = along + 2 * across; best = oid; }
      });
      if (best) c.focus(best);
    },
    /** @param {string} id */
    focus(id) {
      const n = s.layer.querySelector('a[data-id="' + CSS.escape(id) + '"]');
      if (n instanceof SVGElement) n.focus();
    },
    /** A deep link: a phone shows the future on the map itself, full screen.
     * @param {string} id */
    reveal(id) {
      if (phone.matches && !s.section.classList.contains("fullscreen")) c.fullscreen(true);
      window.scrollTo(0, 0);
      c.select(id, false);
    },
    /** @param {string | null} id */
    hover(id) { s.hovered = id; restyle(s); },
    escape() {
      if (!s.panel.hidden) c.hidePanel();
      else if (s.section.classList.contains("fullscreen")) c.fullscreen(false);
    },
    /** Full screen: the map fills the window, Escape or the button leaves.
     * @param {boolean} on */
    fullscreen(on) {
      const wasFitted = s.fitted, mid = [(w() / 2 - s.view.x) / s.view.k, (h() / 2 - s.view.y) / s.view.k];
      s.section.classList.toggle("fullscreen", on);
      document.documentElement.classList.toggle("map-fullscreen", on);
      s.toggle.textContent = phone.matches ? (on ? "Close the map" : "Open the map full screen") : on ? "Close full screen" : "Full screen";
      if (on) hint(s, c);
      s.toggle.setAttribute("aria-pressed", String(on));
      c.size();
      if (wasFitted) c.fitAll();
      else if (s.framed) c.frameView();
      else { s.view.x = w() / 2 - mid[0] * s.view.k; s.view.y = h() / 2 - mid[1] * s.view.k; }
      render(s);
    },
    /** Touch in a phone's preview scrolls the page; the map takes it full screen.
     * @param {PointerEvent} e */
    interactive(e) {
      return !(e.pointerType === "touch" && phone.matches && !s.section.classList.contains("fullscreen"));
    },
    // The frame fills the screen below its top on a desktop; a phone's
    // preview is as tall as the whole map needs at its width. Full screen, CSS sizes it.
    size() {
      const mp = s.map, top = frame.getBoundingClientRect().top + window.scrollY;
      let height = Math.max(360, Math.round(innerHeight - top - 12));
      if (phone.matches) height = Math.max(240, Math.round((w() - mp.margin[0]) * mp.height / mp.width + mp.margin[1]));
      frame.style.height = s.section.classList.contains("fullscreen") ? "" : height + "px";
      // Drawing reads the frame's size from here: reading it from the page would lay the page out on every redraw.
      s.frameSize = { w: w(), h: h() };
    },
    used() {
      s.framed = false;
      if (!s.hint) return;
      s.hint.remove();
      s.hint = null;
      try { localStorage.setItem(HINT_KEY, "seen"); } catch (_) { /* private mode: the hint shows again next time */ }
    },
    /** @param {string} t */
    say(t) { s.status.textContent = t; s.status.title = t; },
  };
  return c;
}

/** The smallest box holding `a` and `b`.
 * @param {import("./model.js").Box} a @param {import("./model.js").Box} b */
function union(a, b) {
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

// ---- the tools above the map ------------------------------------------------
/** @param {State} s @param {Controller} c */
function tools(s, c) {
  const bar = html("div", { "class": "map-tools", role: "toolbar", "aria-label": "Map tools" });
  const head = s.section.querySelector(".map-head");
  if (head) head.appendChild(bar);
  bar.appendChild(s.toggle);
  s.toggle.addEventListener("click", () => c.fullscreen(!s.section.classList.contains("fullscreen")));
  search(s, c, bar);
  /** @type {(label: string, title: string, fn: () => void) => void} */
  const button = (label, title, fn) => html("button", { type: "button", "aria-label": title, title }, label, bar).addEventListener("click", fn);
  button("−", "Zoom out", () => c.zoomAt(1 / STEP, s.frame.clientWidth / 2, s.frame.clientHeight / 2));
  button("+", "Zoom in", () => c.zoomAt(STEP, s.frame.clientWidth / 2, s.frame.clientHeight / 2));
  button("Fit", "Fit: show the whole map", () => { s.forced = {}; s.bet = null; s.section.classList.remove("showing-bet"); c.fitAll(); render(s); });
  filters(s, bar);
  bar.appendChild(s.status);
}

/** @param {State} s @param {Controller} c @param {HTMLElement} bar */
function search(s, c, bar) {
  const wrap = html("span", { "class": "search" }, null, bar);
  const input = html("input", { type: "search", placeholder: "Find a future…", "aria-label": "Find a future", autocomplete: "off", role: "combobox", "aria-expanded": "false", "aria-controls": "map_results" }, null, wrap);
  const results = html("ul", { id: "map_results", "class": "results", role: "listbox", hidden: "" }, null, wrap);
  let active = -1;
  /** @type {Node[]} */
  let matches = [];
  /** @param {number} i */
  const pick = (i) => {
    const f = matches[i];
    if (!f) return;
    results.hidden = true;
    input.setAttribute("aria-expanded", "false");
    c.select(f.id, true);
  };
  input.addEventListener("input", () => {
    const q = input.value.trim().toLowerCase();
    results.textContent = "";
    // Exact titles first, then titles starting with the query, then the rest; shorter first.
    /** @param {Node} f */
    const score = (f) => { const t = f.title.toLowerCase(); return (t === q ? 0 : t.indexOf(q) === 0 ? 1 : 2) * 1000 + t.length; };
    matches = q ? s.m.futures.filter((f) => f.title.toLowerCase().indexOf(q) >= 0).sort((a, b) => score(a) - score(b)).slice(0, 8) : [];
    active = matches.length ? 0 : -1;
    matches.forEach((f, i) => {
      html("li", { role: "option", "aria-selected": String(i === 0) }, f.title, results)
        .addEventListener("mousedown", (e) => { e.preventDefault(); pick(i); });
    });
    results.hidden = !matches.length;
    input.setAttribute("aria-expanded", String(!!matches.length));
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      active = (active + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % Math.max(1, matches.length);
      [...results.children].forEach((li, i) => li.setAttribute("aria-selected", String(i === active)));
    } else if (e.key === "Enter") { e.preventDefault(); pick(active); }
    else if (e.key === "Escape" && !results.hidden) { e.stopPropagation(); results.hidden = true; }
  });
}

/** @param {State} s @param {HTMLElement} bar */
function filters(s, bar) {
  // Each box says what it holds in words a reader sees, touch included.
  const group = html("span", { "class": "filters", role: "group", "aria-labelledby": "map_filter_title" }, null, bar);
  html("span", { id: "map_filter_title" }, "Show probabilities (%)", group);
  const lo = html("input", { type: "number", min: "0", max: "100", value: "0", size: "3" }, null, html("label", {}, "from ", group));
  const hi = html("input", { type: "number", min: "0", max: "100", value: "100", size: "3" }, null, html("label", {}, "to ", group));
  /** @type {Set<string>} */
  const tags = new Set();
  s.m.futures.forEach((f) => f.tags.forEach((t) => tags.add(t)));
  const sel = html("select", {}, null, html("label", {}, "tagged ", group));
  html("option", { value: "" }, "all tags", sel);
  [...tags].sort().forEach((t) => html("option", { value: t }, "#" + t, sel));
  const refilter = () => {
    s.filter = { lo: +lo.value || 0, hi: hi.value === "" ? 100 : +hi.value, tag: sel.value };
    render(s);
  };
  [lo, hi, sel].forEach((e) => e.addEventListener("change", refilter));
}

// A first-time hint on how to move around, gone once the map is used;
// not over a phone's preview, which only opens the map.
/** @param {State} s @param {Controller} c */
function hint(s, c) {
  if (s.hint || (phone.matches && !s.section.classList.contains("fullscreen"))) return;
  try { if (localStorage.getItem(HINT_KEY)) return; } catch (_) { /* no storage: show it */ }
  const note = html("div", { "class": "map-hint", role: "note" }, null, s.frame);
  s.hint = note;
  html("span", {}, coarse.matches ? "Pinch to zoom, drag to move, tap a group to open it or a future for its details." : "Scroll or + / − to zoom, drag to move, click a group to open it or a future for its details.", note);
  html("button", { type: "button", "aria-label": "Dismiss the hint" }, "×", note).addEventListener("click", c.used);
}

// The legend explains a resolved future's mark where the site has one:
// the static legend (the template's) lists it where it already does.
/** @param {State} s */
function legend(s) {
  const list = s.section.querySelector(".map-legend");
  if (!list || list.querySelector(".resolved-key") || !s.m.futures.some((f) => f.resolved)) return;
  const li = html("li", { "class": "resolved-key" }, null, list);
  html("span", { "class": "badge-key" }, "✓", li);
  li.appendChild(document.createTextNode(" happened, "));
  html("span", { "class": "badge-key" }, "✗", li);
  li.appendChild(document.createTextNode(" did not happen: resolved; the words alone: settled by another’s resolution"));
}

/** @param {HTMLElement} frame @param {HTMLElement} section @param {Model} m @param {View} reader */
function start(frame, section, m, reader) {
  const s = state(frame, section, m, reader), c = controller(s);
  const old = frame.querySelector("svg");
  if (old) frame.replaceChild(s.svg, old); else frame.appendChild(s.svg);
  frame.classList.add("live");
  frame.appendChild(s.panel);
  tools(s, c);
  legend(s);
  hint(s, c);
  listen(s, c);
  const withView = () => s.section.classList.toggle("with-view", reader.active);
  let reframe = 0;
  reader.subscribe(() => {
    withView();
    renumber(s);
    // A reader setting values in the panel keeps their place; elsewhere (the
    // list's remove and reset, another tab) the map shows what now changes.
    clearTimeout(reframe);
    if (!s.selected && !s.bet) reframe = setTimeout(() => { if (!c.frameView() && s.framed) c.fitAll(); render(s); }, REFRAME_MS);
  });
  // The reader's view and what it changes are listed above the frame: as they grow or shrink, the frame still ends on the first screen.
  const listings = s.section.querySelectorAll(".your-view, .view-changes");
  if (window.ResizeObserver) {
    const observer = new ResizeObserver(() => { c.size(); c.refit(); c.settle(); });
    listings.forEach((l) => observer.observe(l));
  }
  withView();
  c.size();
  c.fitAll();
  const hash = decodeURIComponent(location.hash.slice(1)), bet = new URLSearchParams(location.search).get("bet");
  if (s.m.byId[hash]) c.reveal(hash);
  else {
    if (reader.active) c.frameView();
    render(s);
  }
  if (bet) c.showBet(bet);
  addEventListener("hashchange", () => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (s.m.byId[id] && id !== s.selected) c.reveal(id);
  });
  addEventListener("resize", () => { c.size(); c.refit(); c.settle(); });
  const graphUrl = frame.getAttribute("data-graph");
  if (graphUrl) whenHolding(graphUrl, () => { holding(s, c, graphUrl).catch((err) => console.error("forkcast map, bets held:", err)); });
  document.documentElement.setAttribute("data-map-ready", String(Math.round(performance.now())));
}

// ---- the bets the reader holds ---------------------------------------------

/** Loads the bets the reader holds (hold.js, only while they hold some):
 * the panel says what each future means for them, and a control colours
 * the map by it ("your bets": win, lose, both or none), with its legend.
 * @param {State} s @param {Controller} c @param {string} graph */
async function holding(s, c, graph) {
  const [{ load: loadHold }, ui] = await Promise.all([import("./hold.js"), import("./hold-ui.js")]);
  const { hold } = await loadHold(graph);
  s.hold = hold;
  s.holdPanel = (id, slot) => {
    ui.forFuture(hold, s.reader, id, slot, { heading: "h4" });
    ui.mark(hold, s.panel, false);
  };
  let wanted = "probability";
  try { wanted = localStorage.getItem(COLOUR_KEY) || wanted; } catch (_) { /* no storage: by probability */ }
  // The control sits with the bets it colours by, above the frame (full screen too).
  const bar = ui.barMount();
  const button = html("button", { type: "button", "class": "colour-toggle", "aria-pressed": String(wanted === "exposure") }, "Colour the map by them");
  if (bar) bar.querySelector(".hold-tools")?.appendChild(button);
  exposureLegend(s);
  const sync = () => {
    s.colourBy = hold.active && button.getAttribute("aria-pressed") === "true" ? "exposure" : "probability";
    s.section.classList.toggle("colour-exposure", s.colourBy === "exposure");
  };
  button.addEventListener("click", () => {
    const on = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", String(on));
    try { localStorage.setItem(COLOUR_KEY, on ? "exposure" : "probability"); } catch (_) { /* the choice holds for this page */ }
    sync();
    render(s);
    c.say(on ? "Coloured by your bets: what each future happening means for them" : "Coloured by probability");
  });
  // The box listing the held bets sits above the frame: as it grows or shrinks, the frame still ends on the first screen.
  if (bar && window.ResizeObserver) new ResizeObserver(() => { c.size(); c.refit(); c.settle(); }).observe(bar);
  hold.subscribe(() => {
    sync();
    render(s);
    ui.mark(hold, s.panel, false);
    // A panel opened before any bet was held has no place for them yet.
    if (s.selected && !s.panel.hidden && !s.panel.querySelector(".for-your-bets")) c.select(s.selected, false);
  });
  sync();
  render(s);
  if (s.selected && !s.panel.hidden) c.select(s.selected, false);
}

// The legend's keys for the colours by your bets, shown in their place while the map is coloured so.
/** @param {State} s */
function exposureLegend(s) {
  const list = s.section.querySelector(".map-legend");
  if (!list || list.querySelector(".exposure-key")) return;
  /** @type {(cls: string, mark: string, words: string) => void} */
  const key = (cls, mark, words) => {
    const li = html("li", { "class": "exposure-key" }, null, list);
    html("span", { "class": "swatch " + cls }, null, li);
    li.appendChild(document.createTextNode((mark ? mark + " " : "") + words));
  };
  html("li", { "class": "exposure-key" }, "If it happens, your bets:", list);
  key("exp-win", "▲", "some win");
  key("exp-lose", "▼", "some lose");
  key("exp-both", "▲▼", "some win and some lose");
  key("exp-none", "", "none decided");
  html("li", { "class": "exposure-key" }, "On a box: ▲ how many win, ▼ how many lose, then the net amount", list);
}

const frame = document.getElementById("futures_map");
const section = frame && frame.closest(".map-section"), graph = frame && frame.getAttribute("data-graph");
if (frame && section instanceof HTMLElement && graph) {
  load(graph).then(({ m, view }) => start(frame, section, m, view))
    .catch((err) => console.error("forkcast map:", err));
}
