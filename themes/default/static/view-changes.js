// @ts-check
// What the reader's view changes, largest first: the futures it sets or
// moves by a point or more, and the bets whose chance of paying off moves.
// The map frames the same futures (map.js); the list "What your view
// changes" shows them on the map page and /bets/, as text nodes only.
import { payoff, payoffText, viewPercent } from "./model.js";
import { html } from "./dom.js";

/** @typedef {import("../browser-data").Bet} Bet */
/** @typedef {import("./model.js").Chance} Chance */
/** @typedef {import("./view.js").View} View */
/** A changed future or bet: the site's text, the view's, and by how much it moved.
 * @typedef {{ id: string, title: string, url: string, site: string, yours: string, size: number, set: boolean }} Change */

// A consequence counts from one point up; what the reader set always counts.
const POINT = 0.01 - 1e-9;
// The list shows this many until the reader asks for all of it, and never
// more than `MOST` (thousands of rows would cost every change of a slider).
const FIRST = 5, MOST = 100, PAUSE_MS = 150;

/** @param {Change} a @param {Change} b */
function larger(a, b) {
  return b.size - a.size;
}

/** The futures `view` sets or moves by a point or more, largest change first.
 * @param {View} view @returns {Change[]} */
export function changedFutures(view) {
  /** @type {Change[]} */
  const out = [];
  view.m.futures.forEach((f) => {
    if (f.members.length) return;
    const site = view.site[f.id].effective, yours = view.nums[f.id].effective, set = !!view.entry(f.id);
    const size = site == null || yours == null ? (site === yours ? 0 : 1) : Math.abs(yours - site);
    if (!set && size < POINT) return;
    const t = view.texts(f.id);
    out.push({ id: f.id, title: f.title, url: f.url, site: t.site, yours: t.yours, size, set });
  });
  // Sorting is stable: equal changes keep the site's order.
  return out.sort(larger);
}

/** A chance as one number to compare: its middle.
 * @param {{ low: number | null, high: number | null }} c */
function middle(c) {
  return c.low == null || c.high == null ? null : (c.low + c.high) / 2;
}

/** The bets whose chance of paying off reads differently in `view`, largest
 * move first; a bet resolutions settled never moves.
 * @param {View} view @returns {Change[]} */
export function changedBets(view) {
  const m = view.m;
  /** @type {Change[]} */
  const out = [];
  Object.values(m.bets).forEach((b) => {
    if (b.settled) return;
    const chance = payoff(m, b.wins_if, b.loses_if, view.nums), yours = payoffText(m.rules, chance, viewPercent);
    if (yours === b.payoff.display) return;
    const was = middle(b.payoff), now = middle(chance);
    const size = was == null || now == null ? 1 : Math.abs(now - was);
    out.push({ id: b.id, title: b.title, url: b.url, site: b.payoff.display, yours, size, set: false });
  });
  return out.sort(larger);
}

/**
 * Fills `mount` with "What your view changes" while the view is active
 * (hidden otherwise): the futures, and with `bets` the bets first. Beside
 * the map a future's title shows it there (`#id`, which the map follows).
 * @param {View} view @param {HTMLElement} mount @param {{ bets?: boolean }} [options]
 */
export function changesList(view, mount, { bets = false } = {}) {
  let all = false;
  const update = () => {
    mount.textContent = "";
    mount.hidden = !view.active;
    if (!view.active) return;
    const futures = changedFutures(view), moved = bets ? changedBets(view) : [];
    html("h2", { id: "view_changes_title", "class": "view-changes-title" }, "What your view changes", mount);
    const onMap = !!mount.closest(".map-section");
    if (bets) part(mount, "Bets", "pays off ", moved, all, false);
    part(mount, bets ? "Futures" : "", "", futures, all, onMap);
    if (!futures.length && !moved.length) html("p", { "class": "muted" }, "Nothing moves by a point or more.", mount);
    const hidden = Math.max(0, futures.length - FIRST) + Math.max(0, moved.length - FIRST);
    if (hidden || all) {
      const more = html("button", { type: "button", "class": "view-changes-more", "aria-expanded": String(all) }, all ? "Show the largest only" : "Show all (" + hidden + " more)", mount);
      more.addEventListener("click", () => {
        all = !all;
        update();
        // The button is made again: focus stays on it.
        const again = mount.querySelector("button.view-changes-more");
        if (again instanceof HTMLElement) again.focus();
      });
    }
  };
  update();
  // A slider changes the view many times a second: the list (and the map
  // sized below it) follows once changes pause, not on every step.
  let timer = 0;
  view.subscribe(() => { clearTimeout(timer); timer = setTimeout(update, PAUSE_MS); }, mount);
}

/** One list of changes under `mount`, with a heading where the page has two.
 * @param {HTMLElement} mount @param {string} heading @param {string} lead @param {Change[]} changes
 * @param {boolean} all @param {boolean} onMap */
function part(mount, heading, lead, changes, all, onMap) {
  if (!changes.length) return;
  if (heading) html("h3", { "class": "view-changes-part" }, heading, mount);
  const ol = html("ol", { "class": "view-changes-list" }, null, mount);
  const shown = changes.slice(0, all ? MOST : FIRST);
  shown.forEach((c) => {
    const li = html("li", { "data-change": c.id }, null, ol);
    html("a", { href: onMap ? "#" + c.id : c.url }, c.title, li);
    li.appendChild(document.createTextNode(" "));
    html("span", { "class": "view-change" + (c.set ? " set" : "") }, lead + c.site + " → " + c.yours, li);
  });
  if (changes.length > shown.length && all) html("p", { "class": "muted" }, "and " + (changes.length - shown.length) + " more", mount);
}
