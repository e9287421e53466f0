// @ts-check
// The map's side panel (a bottom sheet on a phone): a future's summary,
// probability and where it comes from (or how it resolved), implied
// probability, disagreement, and the bets that win or lose there, or how
// they were settled. Content goes in as text nodes only.
import { percent, settledBy, size, viewPercent } from "./model.js";
import { windowText } from "./map-draw.js";
import { html } from "./dom.js";
import { controls, decorate } from "./view-ui.js";

/** @typedef {import("../browser-data").Community} Community */
/** @typedef {import("../browser-data").Summaries} Summaries */
/** @typedef {import("./map.js").State} State */
/** @typedef {import("./model.js").Node} Node */

// Summaries are needed only once a panel opens: fetched then, once.
/** @type {Summaries | null} */
let summaries = null;
/** @type {Promise<Summaries> | null} */
let loading = null;
/** @param {string} url */
function loadSummaries(url) {
  loading = loading || fetch(url).then((r) => r.json()).then((/** @type {Summaries} */ j) => (summaries = j));
  return loading;
}

// The votes and comments on the future's discussion thread as the build
// read them (graph.json), or a link that starts one.
/** @param {Community} c @param {HTMLElement} dl */
function discussion(c, dl) {
  html("dt", {}, "Discussion", dl);
  const dd = html("dd", { "class": "community" }, null, dl);
  if (!c.url) {
    dd.appendChild(document.createTextNode("no votes yet · "));
    if (c.new_url) html("a", { href: c.new_url, rel: "nofollow noopener" }, "start the discussion", dd);
    return;
  }
  dd.appendChild(document.createTextNode("▲ " + c.up + " ▼ " + c.down + " · " + c.comments_label + (c.stale ? ", stale" : "") + " as of " + c.as_of + " · "));
  html("a", { href: c.url, rel: "nofollow noopener" }, "Vote or discuss", dd);
}

// How resolutions settled future `f` (`by`, maybe itself), with where it was settled.
/** @param {Node} f @param {Node} by @param {HTMLElement} dl @param {string} p */
function settlement(f, by, dl, p) {
  const resolved = /** @type {import("../browser-data").Resolved} */ (by.resolved);
  html("dt", {}, by === f ? "Resolved" : "Settled", dl);
  const dd = html("dd", {}, null, dl);
  if (by === f) dd.appendChild(document.createTextNode((resolved.outcome === "happened" ? "✓ " : "✗ ") + resolved.display + " · "));
  else {
    dd.appendChild(document.createTextNode(p + ": "));
    html("a", { href: by.url }, by.title, dd);
    dd.appendChild(document.createTextNode(" " + (resolved.outcome === "happened" ? "happened" : "did not happen") + " · "));
  }
  html("a", { href: resolved.source, rel: "nofollow noopener" }, "source", dd);
}

// Its own probability as the site shows it, once resolutions upstream
// moved it, and where the value it started from comes from.
/** @param {State} s @param {Node} f @param {import("./model.js").Numbers} n */
function probabilityText(s, f, n) {
  const rules = s.m.rules;
  if (f.probability == null || n.own == null) return "none given";
  const from = (f.source === "markets" ? "markets" : "author's estimate") + (f.stale ? ", as of " + f.stale : "");
  const was = percent(rules, f.probability), now = percent(rules, n.own);
  return now === was ? now + " (" + from + ")" : now + " (" + from + " " + was + ", moved by resolutions before it)";
}

/** Fills `panel` with future `f`; `actions.close` and `actions.showBet(id)` are its buttons.
 * @param {State} s @param {HTMLElement} panel @param {Node} f
 * @param {{ close: () => void, showBet: (id: string) => void }} actions */
export function showPanel(s, panel, f, actions) {
  panel.textContent = "";
  const close = html("button", { type: "button", "class": "close", "aria-label": "Close the details" }, "×", panel);
  close.addEventListener("click", actions.close);
  const h = html("h3", {}, null, panel);
  html("a", { href: f.url }, f.title, h);
  const summary = html("p", {}, summaries ? summaries[f.id] || "" : "…", panel);
  const url = s.frame.getAttribute("data-summaries");
  if (!summaries && url) loadSummaries(url).then((all) => { summary.textContent = all[f.id] || ""; });
  // The site's numbers; the reader's own are in the controls below.
  const dl = html("dl", {}, null, panel), rules = s.m.rules, n = s.reader.site[f.id];
  /** @type {(dt: string, dd: string) => void} */
  const row = (dt, dd) => { html("dt", {}, dt, dl); html("dd", {}, dd, dl); };
  if (f.members.length) row("Group of", size(s.m, f.id) + " futures");
  if (f.when) row("Expected", windowText(f.when));
  const by = settledBy(s.m, f.id);
  // A settled future is certain: what the graph implies of it no longer counts.
  if (by) settlement(f, by, dl, viewPercent(rules, n.effective));
  else {
    row("Probability", probabilityText(s, f, n));
    row("Implied by the graph", percent(rules, n.implied));
  }
  if (n.disagreement) row("⚠ Disputed", "its own probability and the graph's differ by more than " + Math.round(rules.disagreement * 100) + " points");
  if (f.community) discussion(f.community, dl);
  controls(s.reader, f.id, panel);
  // What it means for the bets the reader holds, while they hold some (map.js).
  const forBets = s.holdPanel ? html("div", { "class": "hold-slot" }, null, panel) : null;
  const bets = s.m.data.bets;
  /** @type {[string, import("../browser-data").Bet[]][]} */
  const lists = [["Bets that win here", bets.filter((b) => b.wins_if.indexOf(f.id) >= 0)],
    ["Bets that lose here", bets.filter((b) => b.loses_if.indexOf(f.id) >= 0)]];
  lists.forEach(([title, list]) => {
    if (!list.length) return;
    html("h4", {}, title, panel);
    const ul = html("ul", {}, null, panel);
    list.forEach((b) => {
      const li = html("li", { "data-bet": b.id }, null, ul);
      html("a", { href: b.url }, b.title, li);
      li.appendChild(document.createTextNode(" "));
      html("span", { "class": "payoff-value muted" }, b.settled ? b.settled.display : "pays off " + b.payoff.display, li);
      li.appendChild(document.createTextNode(" "));
      html("button", { type: "button" }, "show on the map", li).addEventListener("click", () => actions.showBet(b.id));
    });
  });
  if (forBets && s.holdPanel) s.holdPanel(f.id, forBets);
  // The reader's numbers for its bets, as everywhere else on the page.
  decorate(s.reader, panel);
  panel.hidden = false;
}
