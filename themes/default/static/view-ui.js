// @ts-check
// What shows the reader's own view on a page: the controls that set a
// future's value (a slider with a number field, assume it happens / does
// not), the one place that lists the view with a reset, and the reader's
// numbers beside the site's wherever the page shows a future's probability
// or a bet's chance of paying off. The site's numbers are never replaced.
// What resolutions settled has no controls and no number of the reader's:
// a sentence or the bet's verdict says so instead.
import { amountText, expected, isFixed, payoff, payoffText, settledBy, total, viewPercent } from "./model.js";
import { html } from "./dom.js";

/** @typedef {import("../browser-data").Rules} Rules */
/** @typedef {import("./model.js").Value} Value */
/** @typedef {import("./view.js").View} View */

/** An entry's value in words: `70%`, `happens`, `does not happen`.
 * @param {Rules} rules @param {Value} value */
function valueText(rules, value) {
  if (value === "yes") return "happens";
  if (value === "no") return "does not happen";
  return viewPercent(rules, value);
}

/** @param {number} n @param {string} one @param {string} many */
function plural(n, one, many) {
  return n + " " + (n === 1 ? one : many);
}

// ---- the controls for one future -------------------------------------------

/**
 * Controls that set `id`'s value in `view`, with the reader's numbers
 * against the site's; they follow every change of the view while on the page.
 * @param {View} view @param {string} id @param {Element} parent
 */
export function controls(view, id, parent) {
  const f = view.m.byId[id], rules = view.m.rules;
  const by = settledBy(view.m, id);
  if (by) return settled(f, by, parent);
  const box = html("div", { "class": "view-controls", role: "group", "aria-label": "Your view of “" + f.title + "”" }, null, parent);
  html("p", { "class": "view-controls-title" }, "Your view: what if?", box);
  const row = html("div", { "class": "view-row" }, null, box);
  const slider = html("input", { type: "range", min: "0", max: "100", step: "1", "aria-label": "Your probability for “" + f.title + "”, in percent" }, null, row);
  const number = html("input", { type: "number", min: "0", max: "100", step: "any", inputmode: "decimal", "aria-label": "Your probability for “" + f.title + "”, in percent" }, null, row);
  html("span", { "aria-hidden": "true" }, "%", row);
  const assume = html("div", { "class": "view-row" }, null, box);
  const yes = html("button", { type: "button", "aria-pressed": "false" }, "Assume it happens", assume);
  const no = html("button", { type: "button", "aria-pressed": "false" }, "Assume it does not", assume);
  const clear = html("button", { type: "button", "class": "view-clear" }, "Clear", assume);
  const result = html("p", { "class": "view-result", "aria-live": "polite" }, null, box);

  slider.addEventListener("input", () => view.set(id, Number(slider.value) / 100));
  number.addEventListener("input", () => {
    const v = Number(number.value);
    if (number.value !== "" && v >= 0 && v <= 100) view.set(id, v / 100);
  });
  /** @param {"yes" | "no"} v */
  const toggle = (v) => { const e = view.entry(id); if (e && e.value === v) view.remove(id); else view.set(id, v); };
  yes.addEventListener("click", () => toggle("yes"));
  no.addEventListener("click", () => toggle("no"));
  clear.addEventListener("click", () => view.remove(id));

  const update = () => {
    const e = view.entry(id), site = view.site[id], p = view.texts(id), implied = view.texts(id, "implied");
    const shown = e ? (e.value === "yes" ? 1 : e.value === "no" ? 0 : e.value) : site.effective;
    const pct = shown == null ? 50 : Math.round(shown * 1000) / 10;
    slider.value = String(Math.round(pct));
    if (document.activeElement !== number) number.value = shown == null ? "" : String(pct);
    yes.setAttribute("aria-pressed", String(!!e && e.value === "yes"));
    no.setAttribute("aria-pressed", String(!!e && e.value === "no"));
    clear.hidden = !e;
    result.textContent = "";
    /** @type {(label: string, a: string, b: string | null) => void} */
    const line = (label, a, b) => html("span", { "class": "view-line" }, label + ": " + a + (b != null ? " · the site: " + b : ""), result);
    if (e) line("Yours", valueText(rules, e.value), p.site);
    else if (p.changed) line("With your view", p.yours, p.site);
    else line("The site", p.site, null);
    if (f.parents.length) line("Implied by the graph", implied.yours, implied.changed ? implied.site : null);
    if (view.nums[id].disagreement && view.active) html("span", { "class": "view-line flag" }, "⚠ in your view, its probability and the graph's differ by more than " + Math.round(rules.disagreement * 100) + " points", result);
  };
  update();
  view.subscribe(update, box);
  return box;
}

/** In place of the controls of `f`, which the resolution of `by` (maybe
 * itself) settled: why a reader cannot change it.
 * @param {import("./model.js").Node} f @param {import("./model.js").Node} by @param {Element} parent */
function settled(f, by, parent) {
  const box = html("div", { "class": "view-controls settled" }, null, parent);
  const p = html("p", {}, null, box);
  if (by === f) p.textContent = "Resolved: a view cannot change it.";
  else {
    p.appendChild(document.createTextNode("Settled by the resolution of "));
    html("a", { href: by.url }, by.title, p);
    p.appendChild(document.createTextNode(": a view cannot change it."));
  }
  return box;
}

// ---- the one place that lists the view ------------------------------------

/**
 * Fills `mount` with the reader's view: what they changed, each removable,
 * a reset, and (with `pick`) a way to change any future. Where the page
 * has its own way in (the map's panel), `quiet` hides it while the view is empty.
 * @param {View} view @param {HTMLElement} mount @param {{ pick?: boolean, quiet?: boolean }} [options]
 */
export function bar(view, mount, { pick = true, quiet = false } = {}) {
  mount.textContent = "";
  const head = html("div", { "class": "view-head" }, null, mount);
  const list = html("ul", { "class": "view-entries", "aria-label": "Your changes" }, null, mount);
  const notes = html("div", { "class": "view-notes", role: "status" }, null, mount);
  if (pick) picker(view, mount);
  const update = () => {
    mount.hidden = quiet && !view.active && !view.notes.length;
    head.textContent = "";
    html("strong", {}, view.active ? "Your view: " + plural(view.entries.length, "change", "changes") : "Your view", head);
    html("span", {}, view.active ? "Your numbers show beside the site's." : "Set your own probability for a future, or assume it happens, and see what follows.", head);
    if (view.active) html("button", { type: "button", "class": "view-reset" }, "Reset your view", head).addEventListener("click", () => view.reset());
    list.textContent = "";
    list.hidden = !view.active;
    view.entries.forEach((e) => {
      const f = view.m.byId[e.id], li = html("li", {}, null, list);
      html("a", { href: f.url }, f.title, li);
      li.appendChild(document.createTextNode(" "));
      html("strong", {}, valueText(view.m.rules, e.value), li);
      html("button", { type: "button", "class": "view-remove", "aria-label": "Remove “" + f.title + "” from your view", title: "Remove" }, "×", li)
        .addEventListener("click", () => view.remove(e.id));
    });
    notes.textContent = "";
    notes.hidden = !view.notes.length;
    if (view.notes.length) {
      html("p", {}, view.from === "address" ? "Left out of the view in the address:" : "Left out of the view kept from your last visit:", notes);
      const ul = html("ul", {}, null, notes);
      view.notes.forEach((n) => html("li", {}, n, ul));
    }
  };
  update();
  view.subscribe(update, mount);
}

// Any future's controls, picked from a list grouped as on the map; the list
// is made when first opened (thousands of futures cost nothing until then).
/** @param {View} view @param {HTMLElement} mount */
function picker(view, mount) {
  const details = html("details", { "class": "view-pick" }, null, mount);
  html("summary", {}, "Change a future…", details);
  /** @type {HTMLElement | null} */
  let slot = null;
  details.addEventListener("toggle", () => {
    if (!details.open || details.querySelector("select")) return;
    const label = html("label", {}, "Future ", details);
    const select = html("select", {}, null, label);
    html("option", { value: "" }, "— pick one —", select);
    // By outermost group; a future in none, and no group itself, goes under "In no group".
    /** @type {Map<import("./model.js").Node | null, import("./model.js").Node[]>} */
    const groups = new Map();
    // What resolutions settled cannot be changed: it is not offered.
    view.m.futures.forEach((f) => {
      if (isFixed(view.m, f.id)) return;
      let top = f;
      while (top.within) top = view.m.byId[top.within];
      const key = top === f && !f.members.length ? null : top;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(f);
    });
    groups.forEach((fs, top) => {
      const og = html("optgroup", { label: top ? top.title : "In no group" }, null, select);
      fs.forEach((f) => html("option", { value: f.id }, f.title, og));
    });
    select.addEventListener("change", () => {
      if (slot) slot.remove();
      slot = select.value ? controls(view, select.value, details) : null;
    });
  });
}

// ---- the reader's numbers beside the site's --------------------------------

/** Puts the reader's numbers beside the site's everywhere under `root`; takes them away when the view is empty.
 * @param {View} view @param {ParentNode} root */
export function decorate(view, root) {
  futureNumbers(view, root);
  betNumbers(view, root);
  stakeNumbers(view, root);
  refNumbers(view, root);
  root.querySelectorAll("table.futures-table").forEach((table) => {
    if (table instanceof HTMLTableElement) whenInSight(table, () => futuresTable(view, table));
  });
}

// A table out of sight is brought up to date once changes pause, or the
// moment it comes into sight: laying out hundreds of rows again is most of
// what a change costs, and a slider makes many a second.
const PAUSE_MS = 200;
/** @typedef {{ visible: boolean, timer: number, update: () => void }} Sight */
/** @type {WeakMap<Element, Sight>} */
const sight = new WeakMap();
/** @param {Element} node @param {() => void} update */
function whenInSight(node, update) {
  let t = sight.get(node);
  if (!t) {
    /** @type {Sight} */
    const n = { visible: true, timer: 0, update };
    t = n;
    sight.set(node, n);
    if (typeof IntersectionObserver === "function") {
      new IntersectionObserver((seen) => {
        n.visible = seen[seen.length - 1].isIntersecting;
        if (n.visible && n.timer) { clearTimeout(n.timer); n.timer = 0; n.update(); }
      }).observe(node);
    }
  }
  t.update = update;
  clearTimeout(t.timer);
  t.timer = 0;
  if (t.visible) update();
  else {
    const waiting = t;
    waiting.timer = setTimeout(() => { waiting.timer = 0; update(); }, PAUSE_MS);
  }
}

// `text` in the span of class `cls` right after `anchor` (or, `inside`, at
// the end of it), made or removed as needed; returns the span, if any.
/** @param {Element} anchor @param {string} cls @param {string | null} text @param {string} title @param {boolean} [inside] */
function beside(anchor, cls, text, title, inside = false) {
  let span = inside ? anchor.lastElementChild : anchor.nextElementSibling;
  if (span && !span.classList.contains(cls)) span = null;
  if (text == null) { if (span) span.remove(); return null; }
  if (!span) {
    span = html("span", { "class": cls, title }, null);
    if (inside) anchor.appendChild(span); else anchor.after(span);
  }
  span.textContent = text;
  return span;
}

/** @param {View} view @param {ParentNode} root */
function futureNumbers(view, root) {
  root.querySelectorAll(".prob[data-future]").forEach((span) => {
    const id = span.getAttribute("data-future");
    if (!id || !view.m.byId[id]) return;
    // A matrix column is narrow: its arrow alone says "yours" (with the title).
    const t = view.texts(id), short = span.closest(".matrix");
    beside(span, "view-num", t.changed ? (short ? "→ " : "→ yours ") + t.yours : null, "In your view");
  });
}

/** @param {View} view @param {ParentNode} root */
function betNumbers(view, root) {
  const m = view.m, rules = m.rules;
  root.querySelectorAll("[data-bet]").forEach((node) => {
    const b = m.bets[node.getAttribute("data-bet") || ""];
    if (!b) return;
    const anchor = node.querySelector(".bet-odds, .bet-payoff, .payoff-value");
    if (!anchor) return;
    // A settled bet's chance cannot change: it says its verdict where the
    // page does not say it already.
    const verdict = b.settled && !(anchor.textContent || "").includes(b.settled.display) ? b.settled.display : null;
    const text = !view.active ? null : b.settled ? verdict : payoffText(rules, payoff(m, b.wins_if, b.loses_if, view.nums), viewPercent);
    // A matrix row's last cell has the reader's chance inside it, below the site's.
    const cell = anchor.classList.contains("bet-payoff");
    const label = text && (b.settled ? text : (cell ? "yours " : "your view: pays off ") + text);
    const span = beside(anchor, "view-payoff", label, b.settled ? "Settled: no view changes it" : "The chance it pays off in your view", cell);
    if (span) span.classList.toggle("changed", !b.settled && text !== b.payoff.display);
  });
}

// A bet's expected value in the reader's view, after the site's (`.ev-value`:
// the bet page, /bets/, a matrix row's last cell), and the open bets' sum on
// /bets/ (`.ev-total`). A settled bet returned what it returned: no view's.
/** @param {View} view @param {ParentNode} root */
function stakeNumbers(view, root) {
  const m = view.m, rules = m.rules;
  if (!m.data.bets.some((b) => b.stake)) return;
  /** @param {import("../browser-data").Bet} b */
  const yours = (b) => b.stake ? expected(b.stake, payoff(m, b.wins_if, b.loses_if, view.nums)) : null;
  root.querySelectorAll("[data-bet]").forEach((node) => {
    const b = m.bets[node.getAttribute("data-bet") || ""], anchor = node.querySelector(".ev-value");
    if (!b || !b.stake || b.settled || !anchor) return;
    const ev = view.active ? yours(b) : null, text = ev && amountText(rules, ev);
    const span = beside(anchor, "view-ev", text && "yours: " + text, "The expected value in your view", anchor.tagName === "TD");
    if (span) span.classList.toggle("changed", text !== b.stake.expected);
  });
  root.querySelectorAll(".ev-total").forEach((anchor) => {
    const open = m.data.bets.filter((b) => b.stake && !b.settled);
    const text = view.active ? amountText(rules, total(open.map((b) => /** @type {import("./model.js").Chance} */ (yours(b)))).known) : null;
    const span = beside(anchor, "view-ev", text && "yours: " + text, "The open bets' expected value together in your view");
    if (span) span.classList.toggle("changed", text !== anchor.textContent);
  });
}

// A `[[id]]` reference in a post's text: the reader's number after the
// site's, inside the link (a sentence reads "AGI by 2030 42% → yours 60%").
// What is settled keeps its words.
/** @param {View} view @param {ParentNode} root */
function refNumbers(view, root) {
  root.querySelectorAll("a.ref[data-future], a.ref[data-bet]").forEach((a) => {
    const num = a.querySelector(".ref-p");
    if (!num || num.classList.contains("settled") || num.classList.contains("verdict")) return;
    const future = a.getAttribute("data-future");
    const yours = future ? yoursOf(view, "future", future) : yoursOf(view, "bet", a.getAttribute("data-bet") || "");
    beside(num, "view-num", yours == null ? null : "→ yours " + yours, "In your view");
  });
}

/** The reader's number for future or bet `id` where their view changes it,
 * else null (references and hover cards show it beside the site's).
 * @param {View} view @param {"future" | "bet"} kind @param {string} id @returns {string | null} */
export function yoursOf(view, kind, id) {
  const m = view.m;
  if (kind === "future") {
    const t = m.byId[id] ? view.texts(id) : null;
    return t && t.changed ? t.yours : null;
  }
  const b = m.bets[id];
  if (!b || b.settled || !view.active) return null;
  const t = payoffText(m.rules, payoff(m, b.wins_if, b.loses_if, view.nums), viewPercent);
  return t !== b.payoff.display ? t : null;
}

// The futures table's "Your view" column, after "Implied", while a view is
// active; the implied probability the view gives beside the site's in "Implied".
/** @param {View} view @param {HTMLTableElement} table */
function futuresTable(view, table) {
  const rows = table.tHead ? table.tHead.rows : null, head = rows && rows[rows.length - 1];
  const implied = head && head.querySelector("th.implied-col");
  if (!head || !(implied instanceof HTMLTableCellElement)) return;
  let th = head.querySelector("th.view-col");
  if (!view.active) {
    if (th) th.remove();
    table.querySelectorAll("td.view-col, .view-implied").forEach((e) => e.remove());
    return;
  }
  if (!th) {
    th = html("th", { scope: "col", "class": "num view-col" }, null);
    html("button", { type: "button" }, "Your view", th);
    implied.after(th);
  }
  table.querySelectorAll("tbody tr[data-future]").forEach((node) => {
    const tr = /** @type {HTMLTableRowElement} */ (node), id = tr.getAttribute("data-future") || "", n = view.nums[id];
    if (!n) return;
    let td = /** @type {HTMLTableCellElement | null} */ (tr.querySelector("td.view-col"));
    if (!td) {
      td = html("td", { "class": "num view-col" }, null);
      tr.cells[implied.cellIndex].after(td);
    }
    // Only cells whose reading changes are touched.
    const t = view.texts(id), imp = view.texts(id, "implied"), badge = view.values[id] == null ? "" : view.entry(id) ? "yours" : "assumed";
    const reading = n.effective + "|" + n.implied + "|" + badge + "|" + t.changed;
    if (td.dataset.reading === reading) return;
    td.dataset.reading = reading;
    const cell = tr.cells[implied.cellIndex];
    const span = beside(cell, "view-implied", imp.changed ? "→ " + imp.yours : null, "Implied in your view", true);
    if (span) span.classList.add("view-num");
    td.textContent = t.yours;
    td.setAttribute("data-sort", n.effective == null ? "-1" : String(n.effective));
    td.classList.toggle("changed", t.changed);
    if (badge) html("span", { "class": "badge" }, badge, td);
  });
}
