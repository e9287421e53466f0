// @ts-check
// What shows the bets a reader holds (hold.js): the "I hold this bet"
// toggles (on /bets/, bet pages and the matrix) and the mark on a held bet
// wherever one is listed; the one box that lists them, with their notes and
// a way to clear them; what a future means for them (a future's page, the
// map's panel, a "Your bets" column in the futures table); and, on /bets/,
// the futures they leave uncovered under the reader's view. Text nodes only.
import { exposureShort, isFixed, money, settledBy } from "./model.js";
import { html } from "./dom.js";

/** @typedef {import("../browser-data").Bet} Bet */
/** @typedef {import("../browser-data").Rules} Rules */
/** @typedef {import("./model.js").Exposure} Exposure */
/** @typedef {import("./hold.js").Hold} Hold */
/** @typedef {import("./view.js").View} View */

// The uncovered list shows this many until the reader asks for all of it,
// and never more than MOST.
const FIRST = 10, MOST = 200;

/** @param {number} n @param {string} one @param {string} many */
function plural(n, one, many) {
  return n + " " + (n === 1 ? one : many);
}

/** The threshold of an uncovered future, as a percentage: `5%`.
 * @param {Rules} rules */
function threshold(rules) {
  return Math.round(rules.uncovered * 100) + "%";
}

// ---- what a future means for the held bets, in words ------------------------

/** One side of an exposure: `2 of your bets win (+$4,000)`, `1 loses (−$2,000)`;
 * bets without a stake are counted, and said so where some have one.
 * @param {Rules} rules @param {Bet[]} bets @param {number} sum @param {boolean} first @param {[string, string]} verb */
function side(rules, bets, sum, first, verb) {
  const n = bets.length, staked = bets.filter((b) => b.stake).length;
  let t = (first ? n + " of your bets " : n + " ") + (n === 1 ? verb[0] : verb[1]);
  if (staked === n) t += " (" + money(rules, sum, true) + ")";
  else if (staked) t += " (" + money(rules, sum, true) + " on the " + (staked === 1 ? "one" : staked) + " with a stake)";
  return t;
}

/** What a future happening means for the held bets, in one clause:
 * `2 of your bets win (+$4,000), 1 loses (−$2,000); net +$2,000`.
 * @param {Rules} rules @param {Exposure} e */
export function consequence(rules, e) {
  const parts = [];
  if (e.wins.length) parts.push(side(rules, e.wins, e.gain, true, ["wins", "win"]));
  if (e.loses.length) parts.push(side(rules, e.loses, e.loss, !parts.length, ["loses", "lose"]));
  if (!parts.length) return "none of your bets is decided by it";
  const both = e.wins.some((b) => b.stake) && e.loses.some((b) => b.stake);
  return parts.join(", ") + (both ? "; net " + money(rules, e.net, true) : "");
}

/** A held bet's line: its mark and word, its title (a link), what it returns.
 * @param {Rules} rules @param {Bet} b @param {boolean} won @param {HTMLElement} ul */
function betLine(rules, b, won, ul) {
  const li = html("li", { "class": won ? "wins" : "loses" }, null, ul);
  const mark = html("span", { "class": "hold-mark" }, null, li);
  html("span", { "aria-hidden": "true" }, won ? "▲ " : "▼ ", mark);
  mark.appendChild(document.createTextNode(won ? "wins" : "loses"));
  li.appendChild(document.createTextNode(" "));
  html("a", { href: b.url }, b.title, li);
  li.appendChild(document.createTextNode(" "));
  const r = b.stake ? money(rules, won ? b.stake.amount * (b.stake.pays - 1) : -b.stake.amount, true) : "no stake given";
  html("span", { "class": b.stake ? "hold-amount" : "hold-amount muted" }, r, li);
}

/** `label: A, B.` with each bet a link.
 * @param {string} label @param {Bet[]} bets @param {HTMLElement} parent @param {(b: Bet) => string} [after] */
function betsSentence(label, bets, parent, after) {
  const p = html("p", { "class": "muted" }, label + ": ", parent);
  bets.forEach((b, i) => {
    if (i) p.appendChild(document.createTextNode(", "));
    html("a", { href: b.url }, b.title, p);
    if (after) p.appendChild(document.createTextNode(after(b)));
  });
  p.appendChild(document.createTextNode("."));
}

/**
 * "For your bets": what future `id` happening means for the held bets —
 * which win and lose (by name, with what each returns, and the sums), which
 * it does not decide, which are settled already — and, with the reader's
 * view, whether it is one of their uncovered futures. Follows both states;
 * hidden while no bet is held.
 * @param {Hold} hold @param {View} view @param {string} id @param {HTMLElement} parent
 * @param {{ heading?: "h2" | "h3" | "h4" }} [options]
 */
export function forFuture(hold, view, id, parent, { heading = "h2" } = {}) {
  const m = hold.m, rules = m.rules, f = m.byId[id];
  const box = html("section", { "class": "for-your-bets", "aria-label": "For your bets" }, null, parent);
  let last = "";
  const update = () => {
    const p = view.texts(id), n = view.nums[id].effective;
    const key = hold.ids.join(",") + "|" + p.yours + "|" + p.changed;
    if (key === last) return;
    last = key;
    box.textContent = "";
    box.hidden = !hold.active;
    parent.hidden = false;
    if (!hold.active) return;
    html(heading, { "class": "for-your-bets-title" }, "For your bets", box);
    const by = settledBy(m, id);
    if (by) {
      const happened = m.fixed[id] === 1;
      html("p", {}, "It is settled: it " + (happened ? "happened" : "did not happen") + (by.id === id ? "" : ", by the resolution of “" + by.title + "”") + ". What it meant for your bets is in their verdicts.", box);
    } else {
      const e = hold.exposure(id);
      const summary = html("p", { "class": "hold-summary" }, null, box);
      html("strong", {}, "If this happens: ", summary);
      summary.appendChild(document.createTextNode(consequence(rules, e) + "."));
      if (e.wins.length || e.loses.length) {
        const ul = html("ul", { "class": "hold-bets" }, null, box);
        e.wins.forEach((b) => betLine(rules, b, true, ul));
        e.loses.forEach((b) => betLine(rules, b, false, ul));
      }
      if (!e.wins.length && !f.members.length && n != null) {
        const where = p.changed ? " in your view" : "";
        if (n >= rules.uncovered - 1e-9) {
          const warn = html("p", { "class": "hold-uncovered" }, null, box);
          html("span", { "aria-hidden": "true" }, "⚠ ", warn);
          warn.appendChild(document.createTextNode("None of your bets pays off if it happens, and it has a " + p.yours + " chance" + where + ": one of your uncovered futures."));
        } else {
          html("p", { "class": "muted" }, "None of your bets pays off if it happens; at " + p.yours + where + " it is under the " + threshold(rules) + " that counts as uncovered.", box);
        }
      }
      if (e.open.length) betsSentence("Not decided by it", e.open, box);
      if (e.settled.length) betsSentence("Settled already", e.settled, box, (b) => (b.settled ? " (" + b.settled.verdict + ")" : ""));
    }
  };
  update();
  hold.subscribe(update, box);
  view.subscribe(update, box);
  return box;
}

// ---- marking held bets, and the toggles -------------------------------------

/**
 * Marks every listed bet under `root` the reader holds (class `held` and,
 * where there is no toggle, a badge in words); with `toggles`, gives each
 * bet of /bets/, a bet's page and each matrix row an "I hold this bet"
 * button (`aria-pressed`), made once.
 * @param {Hold} hold @param {ParentNode} root @param {boolean} toggles
 */
export function mark(hold, root, toggles) {
  root.querySelectorAll("li.bet-item[data-bet], tr[data-bet], article.bet[data-bet], .map-panel li[data-bet]").forEach((node) => {
    const id = node.getAttribute("data-bet") || "", b = hold.m.bets[id];
    if (!b) return;
    const held = hold.has(id);
    node.classList.toggle("held", held);
    const place = toggles ? togglePlace(node) : null;
    if (place) {
      let button = node.querySelector("button.hold-toggle");
      if (!button) {
        button = html("button", { type: "button", "class": "hold-toggle", "aria-pressed": "false", "aria-label": "I hold this bet: “" + b.title + "”" }, null, place);
        html("span", { "class": "hold-check", "aria-hidden": "true" }, "✓", button);
        button.appendChild(document.createTextNode(" I hold this bet"));
        button.addEventListener("click", () => hold.toggle(id));
      }
      button.setAttribute("aria-pressed", String(held));
      return;
    }
    let badge = node.querySelector(".held-badge");
    if (!held) { if (badge) badge.remove(); return; }
    if (!badge) {
      const title = node.querySelector("a");
      badge = html("span", { "class": "held-badge" }, null);
      html("span", { "aria-hidden": "true" }, "✓ ", badge);
      badge.appendChild(document.createTextNode("you hold it"));
      if (title) title.after(badge); else node.prepend(badge);
      badge.before(document.createTextNode(" "));
    }
  });
}

/** Where a listed bet's toggle goes: a list item's line of facts, a bet
 * page's header, a matrix row's heading; null where it has none (the map's panel).
 * @param {Element} node @returns {Element | null} */
function togglePlace(node) {
  if (node.matches("li.bet-item")) return node.querySelector(".bet-meta");
  if (node.matches("tr")) return node.querySelector('th[scope="row"]');
  if (node.matches("article.bet")) {
    let row = node.querySelector(".hold-row");
    if (!row) {
      const meta = node.querySelector("header .bet-meta");
      row = html("p", { "class": "hold-row" }, null);
      if (meta) meta.after(row); else node.prepend(row);
    }
    return row;
  }
  return null;
}

// ---- the one box that lists them ----------------------------------------------

/** The box listing the held bets, after the reader's view's, made once
 * with its parts: its head, a place for a page's own controls (`.hold-tools`:
 * the map's colouring), the list, the notes.
 * @returns {HTMLElement | null} */
export function barMount() {
  const found = document.getElementById("your_bets");
  if (found) return found;
  const view = document.getElementById("your_view");
  if (!view) return null;
  const mount = html("section", { id: "your_bets", "class": "your-bets", "aria-label": "Your bets", hidden: "" }, null);
  html("div", { "class": "hold-head" }, null, mount);
  html("div", { "class": "hold-tools" }, null, mount);
  html("ul", { "class": "hold-entries", "aria-label": "The bets you hold" }, null, mount);
  html("div", { "class": "view-notes", role: "status" }, null, mount);
  view.after(mount);
  return mount;
}

/**
 * Fills `mount` (`barMount`'s) with the held bets, each removable, one
 * "Clear your bets", and the notes on what the address or storage held
 * that is not a bet; hidden while there is neither.
 * @param {Hold} hold @param {HTMLElement} mount
 */
export function bar(hold, mount) {
  const part = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (mount.querySelector(sel));
  const head = part(".hold-head"), list = part(".hold-entries"), notes = part(".view-notes");
  const update = () => {
    mount.hidden = !hold.active && !hold.notes.length;
    head.textContent = "";
    html("strong", {}, hold.active ? "Your bets: " + plural(hold.ids.length, "held", "held") : "Your bets", head);
    const uncovered = document.querySelector("[data-uncovered]");
    html("span", {}, hold.active ? "Each future says what it means for them" + (uncovered ? "; below, the futures they leave uncovered." : ".") : "Mark the bets you hold with “I hold this bet”.", head);
    if (hold.active) html("button", { type: "button", "class": "hold-clear" }, "Clear your bets", head).addEventListener("click", () => hold.clear());
    list.textContent = "";
    list.hidden = !hold.active;
    hold.ids.forEach((id) => {
      const b = hold.m.bets[id], li = html("li", {}, null, list);
      html("a", { href: b.url }, b.title, li);
      html("button", { type: "button", "class": "view-remove", "aria-label": "Stop holding “" + b.title + "”", title: "Stop holding it" }, "×", li)
        .addEventListener("click", () => hold.remove(id));
    });
    notes.textContent = "";
    notes.hidden = !hold.notes.length;
    if (hold.notes.length) {
      html("p", {}, hold.from === "address" ? "Left out of the bets in the address:" : "Left out of the bets kept from your last visit:", notes);
      const ul = html("ul", {}, null, notes);
      hold.notes.forEach((n) => html("li", {}, n, ul));
    }
  };
  update();
  hold.subscribe(update, mount);
}

// ---- the futures table's "Your bets" column -----------------------------------

/** The futures table's "Your bets" column, after "Implied" (and "Your
 * view"), while the reader holds bets: what each future happening means
 * for them. It does not depend on the view, so only a change of the bets
 * held redraws it.
 * @param {Hold} hold @param {HTMLTableElement} table */
export function futuresTable(hold, table) {
  const rows = table.tHead ? table.tHead.rows : null, head = rows && rows[rows.length - 1];
  const implied = head && head.querySelector("th.implied-col");
  if (!head || !(implied instanceof HTMLTableCellElement)) return;
  let th = head.querySelector("th.hold-col");
  if (!hold.active) {
    if (th) th.remove();
    table.querySelectorAll("td.hold-col").forEach((e) => e.remove());
    return;
  }
  if (!th) {
    th = html("th", { scope: "col", "class": "hold-col" }, null);
    html("button", { type: "button" }, "Your bets", th);
    (head.querySelector("th.view-col") || implied).after(th);
  }
  const rules = hold.m.rules;
  table.querySelectorAll("tbody tr[data-future]").forEach((node) => {
    const tr = /** @type {HTMLTableRowElement} */ (node), id = tr.getAttribute("data-future") || "";
    if (!hold.m.byId[id]) return;
    let td = /** @type {HTMLTableCellElement | null} */ (tr.querySelector("td.hold-col"));
    if (!td) {
      td = html("td", { "class": "hold-col" }, null);
      (tr.querySelector("td.view-col") || tr.cells[implied.cellIndex]).after(td);
    }
    td.textContent = "";
    if (isFixed(hold.m, id)) {
      html("span", { "class": "muted" }, "settled", td);
      td.setAttribute("data-sort", "");
      return;
    }
    const e = hold.exposure(id);
    if (!e.wins.length && !e.loses.length) {
      html("span", { "class": "muted", title: "None of your bets is decided by it" }, "none decided", td);
      td.setAttribute("data-sort", "0");
      return;
    }
    /** @type {(cls: string, mark: string, words: string) => void} */
    const part = (cls, mark, words) => {
      const s = html("span", { "class": "hold-part " + cls }, null, td);
      html("span", { "aria-hidden": "true" }, mark + " ", s);
      s.appendChild(document.createTextNode(words));
      td.appendChild(document.createTextNode(" "));
    };
    if (e.wins.length) part("wins", "▲", e.wins.length + " win" + (e.wins.length === 1 ? "s" : ""));
    if (e.loses.length) part("loses", "▼", e.loses.length + " lose" + (e.loses.length === 1 ? "s" : ""));
    if (e.staked) html("span", { "class": "hold-amount" }, (e.wins.length && e.loses.length ? "net " : "") + money(rules, e.net, true), td);
    td.title = exposureShort(rules, e);
    td.setAttribute("data-sort", String(e.staked ? e.net : e.wins.length - e.loses.length));
  });
}

// ---- the uncovered futures on /bets/ ------------------------------------------

/**
 * Fills `mount` with the reader's uncovered futures — not settled, not
 * groups, with a probability of at least `rules.uncovered` in their view,
 * in which none of their bets pays off — most likely first, each with its
 * probability and what it means for their bets; a sentence where there are
 * none, and an invitation while they hold none. Follows both states.
 * @param {Hold} hold @param {View} view @param {HTMLElement} mount
 */
export function uncoveredList(hold, view, mount) {
  const m = hold.m, rules = m.rules;
  let all = false, last = "";
  const update = () => {
    const found = hold.active ? hold.uncovered(view.nums) : [];
    const shown = found.slice(0, all ? MOST : FIRST);
    const texts = shown.map((u) => view.texts(u.id));
    const key = [hold.ids.join(","), view.active, all, found.length, ...shown.map((u, i) => u.id + ":" + texts[i].yours + ":" + texts[i].changed)].join("|");
    if (key === last) return;
    last = key;
    mount.hidden = false;
    mount.textContent = "";
    html("h2", { id: "uncovered_title" }, "Your uncovered futures", mount);
    const at = threshold(rules), where = view.active ? " in your view" : "";
    if (!hold.active) {
      html("p", { "class": "muted" }, "Mark the bets you hold with “I hold this bet” (below, on a bet's page or in the matrix): this lists the futures with a probability of at least " + at + " in which none of them pays off, and every future says what it means for them.", mount);
      return;
    }
    html("p", { "class": "muted" }, "The futures with a probability of at least " + at + where + " in which none of your bets pays off, most likely first: what your bets leave you exposed to. Groups are left out (each of their futures is listed on its own), and so are futures a resolution settled.", mount);
    if (!found.length) {
      html("p", { "class": "uncovered-none" }, "None: in every future with a probability of " + at + " or more" + where + ", at least one of your bets pays off.", mount);
      return;
    }
    const ol = html("ol", { "class": "uncovered-list" }, null, mount);
    shown.forEach((u, i) => {
      const f = m.byId[u.id], t = texts[i], li = html("li", { "data-uncovered-future": u.id }, null, ol);
      html("a", { href: f.url }, f.title, li);
      li.appendChild(document.createTextNode(" "));
      html("span", { "class": "uncovered-p" + (t.changed ? " changed" : "") }, t.changed ? t.site + " → yours " + t.yours : t.yours, li);
      html("span", { "class": "uncovered-what" }, "If it happens, " + consequence(rules, u.exposure) + ".", li);
    });
    if (found.length > FIRST) {
      const more = html("button", { type: "button", "class": "view-changes-more", "aria-expanded": String(all) }, all ? "Show the first " + FIRST + " only" : "Show all (" + (found.length - FIRST) + " more)", mount);
      more.addEventListener("click", () => {
        all = !all;
        update();
        const again = mount.querySelector("button.view-changes-more");
        if (again instanceof HTMLElement) again.focus();
      });
      if (all && found.length > MOST) html("p", { "class": "muted" }, "and " + (found.length - MOST) + " more", mount);
    }
  };
  update();
  hold.subscribe(update, mount);
  view.subscribe(update, mount);
}

// ---- a page -------------------------------------------------------------------

/**
 * Everything of the held bets on this page: the box listing them, the
 * toggles (on the bets pages) and marks, a future page's "For your bets",
 * the futures table's column and /bets/'s uncovered futures.
 * @param {Hold} hold @param {View} view
 */
export function page(hold, view) {
  const toggles = document.body.classList.contains("section-bets");
  const mount = barMount();
  if (mount) bar(hold, mount);
  const marks = () => mark(hold, document, toggles);
  marks();
  hold.subscribe(marks);
  const future = document.querySelector("article.future[data-future]");
  const slot = future && future.querySelector(".hold-slot"), id = future && future.getAttribute("data-future");
  if (slot instanceof HTMLElement && id && hold.m.byId[id]) forFuture(hold, view, id, slot);
  document.querySelectorAll("table.futures-table").forEach((t) => {
    if (!(t instanceof HTMLTableElement)) return;
    futuresTable(hold, t);
    hold.subscribe(() => futuresTable(hold, t));
  });
  document.querySelectorAll("[data-uncovered]").forEach((u) => {
    if (u instanceof HTMLElement) uncoveredList(hold, view, u);
  });
}

