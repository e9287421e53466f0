// @ts-check
// The future graph in the browser, and its probability rules: the same
// rules as the build's (src/model/graph.rs), so with nothing overridden
// every number is the build's own. The map, the reader's own view and the bets
// pages all compute through it: a reader's view is `compute` with the
// values `assumed` makes of their entries.

/** @typedef {import("../browser-data").Graph} Graph */
/** @typedef {import("../browser-data").Future} Future */
/** @typedef {import("../browser-data").Bet} Bet */
/** @typedef {import("../browser-data").Rules} Rules */
/** @typedef {{ x: number, y: number, w: number, h: number }} Box */
/** An edge seen from one end: the future at the other end, P(edge), and (for
 * a parent) its place in the site's order.
 * @typedef {{ id: string, p: number, index: number }} Link */
/** A future of the model: graph.json's, with its place in the site's order,
 * its members, its edges both ways and its box on the map (`rect`).
 * @typedef {Future & { index: number, members: string[], parents: Link[], children: Link[], box: Box }} Node */
/** `own`: each future's own probability once resolutions are applied (by
 * index); `fixed`: what resolutions settle (by id, 1 or 0).
 * @typedef {{ data: Graph, futures: Node[], byId: Record<string, Node>, bets: Record<string, Bet>, rules: Rules, order: Node[], site: Numbers[], own: (number | null)[], fixed: Record<string, number> }} Model */
/** One future's numbers (see `compute`).
 * @typedef {{ own: number | null, implied: number | null, incoming: number | null, effective: number | null, disagreement: boolean }} Numbers */
/** A bet's chance of paying off (see `payoff`): the build's `Payoff` without its text.
 * @typedef {{ kind: "exact" | "range" | "unknown", low: number | null, high: number | null }} Chance */
/** A reader's value for a future: a probability from 0 to 1, or assumed to happen or not.
 * @typedef {number | "yes" | "no"} Value */
/** @typedef {{ id: string, value: Value }} Entry */

/** The graph of `graph.json`: futures by id, edges both ways, groups.
 * @param {Graph} data
 * @returns {Model} */
export function model(data) {
  /** @type {Record<string, Node>} */
  const byId = Object.create(null);
  data.futures.forEach((f, index) => {
    const [x, y, w, h] = f.rect;
    byId[f.id] = { ...f, index, members: [], parents: [], children: [], box: { x, y, w, h } };
  });
  const futures = data.futures.map((f) => byId[f.id]);
  futures.forEach((f) => { if (f.within) byId[f.within].members.push(f.id); });
  data.edges.forEach((e) => {
    byId[e.from].children.push({ id: e.to, p: e.probability, index: byId[e.to].index });
    byId[e.to].parents.push({ id: e.from, p: e.probability, index: byId[e.from].index });
  });
  // The build sums over parents in the order of its futures: the same
  // order here gives the same floating-point sums.
  futures.forEach((f) => f.parents.sort((a, b) => a.index - b.index));
  /** @type {Record<string, Bet>} */
  const bets = Object.create(null);
  data.bets.forEach((b) => { bets[b.id] = b; });
  /** @type {Model} */
  const m = { data, futures, byId, bets, rules: data.rules, order: topological(futures, byId), site: [], own: futures.map((f) => f.probability), fixed: Object.create(null) };
  settle(m);
  return m;
}

/** Applies the resolutions to the site's numbers, as the build does
 * (src/model/graph.rs `settled`, `settle`): a resolved future is 1 or 0
 * and fixes what *assume it happens / does not* fixes (`assumed`); every
 * other future with an own probability follows the arrows from the values
 * its markets or author gave, and the result is the site's own probability.
 * @param {Model} m */
function settle(m) {
  m.site = numbers(m, {});
  const entries = m.futures.filter((f) => f.resolved).map((f) => ({ id: f.id, value: /** @type {Value} */ (f.resolved?.outcome === "happened" ? "yes" : "no") }));
  if (!entries.length) return;
  const fixed = assumed(m, entries);
  const settled = numbers(m, fixed);
  m.own = settled.map((n, i) => (m.futures[i].id in fixed || m.futures[i].probability != null ? n.effective : null));
  m.fixed = fixed;
  m.site = [];
  m.site = numbers(m, {});
}

/** Whether a resolution settles future `id`, so no reader's value moves it.
 * @param {Model} m @param {string} id */
export function isFixed(m, id) {
  return id in m.fixed;
}

/** The resolved future that settles `id`: itself where it resolved, else
 * the first (in the site's order) whose resolution fixes it, as the build
 * names it (src/model/site/compute.rs `settled`); null where none does.
 * @param {Model} m @param {string} id @returns {Node | null} */
export function settledBy(m, id) {
  if (!(id in m.fixed)) return null;
  const f = m.byId[id];
  if (f.resolved) return f;
  return m.futures.find((r) => r.resolved && id in assumed(m, [{ id: r.id, value: r.resolved.outcome === "happened" ? "yes" : "no" }])) || null;
}

/** Parents before children (Kahn's algorithm; the build checked there is no cycle).
 * @param {Node[]} futures
 * @param {Record<string, Node>} byId */
function topological(futures, byId) {
  /** @type {Record<string, number>} */
  const waiting = Object.create(null);
  /** @type {Node[]} */
  const order = [];
  const ready = futures.filter((f) => !f.parents.length);
  futures.forEach((f) => { waiting[f.id] = f.parents.length; });
  for (let f = ready.shift(); f; f = ready.shift()) {
    order.push(f);
    f.children.forEach((c) => { if (--waiting[c.id] === 0) ready.push(byId[c.id]); });
  }
  return order;
}

/** Own and implied further apart than the rules' threshold; as in the build,
 * a difference within 1e-9 of it counts as equal (sums carry rounding).
 * @param {Rules} rules @param {number} own @param {number} implied */
export function disagrees(rules, own, implied) {
  return Math.abs(own - implied) > rules.disagreement + 1e-9;
}

/**
 * Every future's numbers: `own` (its own probability, or `overrides[id]`
 * where given), `implied` (Σ P(parent) × P(edge), P(parent) being the
 * parent's value, capped at 1; a root's own), `incoming` (the sum before
 * capping), `effective` (its value) and `disagreement`. A value is null
 * where it cannot be known.
 *
 * The futures in `overrides` are set, except those a resolution settles
 * (`m.fixed`), which keep their 1 or 0; every other future follows by
 * "Changes follow the arrows": it moves by as much as its implied
 * probability moved from the site's (`follows`), so with nothing set every
 * number is the site's.
 * @param {Model} m
 * @param {Record<string, number>} [overrides]
 * @returns {Record<string, Numbers>}
 */
export function compute(m, overrides = {}) {
  /** @type {Record<string, Numbers>} */
  const out = Object.create(null);
  numbers(m, overrides).forEach((n, i) => { out[m.futures[i].id] = n; });
  return out;
}

/** `compute`'s numbers by index (a slider recomputes thousands of futures
 * per move); with `m.site` not yet known, the site's own.
 * @param {Model} m @param {Record<string, number>} overrides
 * @returns {Numbers[]} */
function numbers(m, overrides) {
  /** @type {Numbers[]} */
  const at = new Array(m.futures.length);
  m.order.forEach((f) => {
    const fixed = f.id in m.fixed;
    const set = fixed || f.id in overrides;
    const own = fixed ? m.fixed[f.id] : set ? overrides[f.id] : m.own[f.index];
    /** @type {Numbers} */
    const n = { own, implied: null, incoming: null, effective: null, disagreement: false };
    if (!f.parents.length) {
      n.implied = own;
      n.effective = own;
    } else {
      /** @type {number | null} */
      let sum = 0;
      for (const p of f.parents) {
        const pp = at[p.index].effective;
        if (pp == null) { sum = null; break; }
        sum += pp * p.p;
      }
      n.incoming = sum;
      n.implied = sum == null ? null : Math.min(sum, 1);
      const site = m.site[f.index];
      n.effective = set ? own : site ? follows(own, site.implied, n.implied) : own != null ? own : n.implied;
      n.disagreement = !fixed && n.effective != null && own != null && n.implied != null && disagrees(m.rules, n.effective, n.implied);
    }
    at[f.index] = n;
  });
  return at;
}

/** "Changes follow the arrows" (src/model/graph.rs `follows`): a future not
 * set moves by as much as its implied probability moved from the site's,
 * kept in [0, 1], so the part of its own probability the graph does not
 * explain stays; one without an own probability is its implied one.
 * @param {number | null} own @param {number | null} impliedSite @param {number | null} impliedNow */
function follows(own, impliedSite, impliedNow) {
  if (own == null) return impliedNow;
  if (impliedSite == null || impliedNow == null) return own;
  return Math.min(1, Math.max(0, own + (impliedNow - impliedSite)));
}

/**
 * The chance that a bet pays off, from `numbers` (compute's result): some
 * future of `winsIf` happens and none of `losesIf` does. P(W) and P(L) are
 * exact where their futures are one future or alternatives of one fork
 * (the sum), else the bounds [max pᵢ, min(1, Σ pᵢ)]. With no losing futures,
 * or all of them and the winning ones alternatives of one fork, it is P(W);
 * otherwise [max(0, P(W)low − P(L)high), min(P(W)high, 1 − P(L)low)].
 * @param {Model} m @param {string[]} winsIf @param {string[]} losesIf @param {Record<string, Numbers>} numbers
 * @returns {Chance}
 */
export function payoff(m, winsIf, losesIf, numbers) {
  const wins = distinct(m, winsIf), loses = distinct(m, losesIf);
  const w = anyOf(m, wins, numbers);
  if (!loses.length || alternativesOfOneFork(m, distinct(m, [...wins, ...loses]))) return w;
  const l = anyOf(m, loses, numbers);
  if (w.low == null || w.high == null || l.low == null || l.high == null) return { kind: "unknown", low: null, high: null };
  return { kind: "range", low: Math.max(0, w.low - l.high), high: Math.min(w.high, 1 - l.low) };
}

/** Each id once, in the site's order (the build sums in that order).
 * @param {Model} m @param {string[]} ids */
function distinct(m, ids) {
  return [...new Set(ids)].sort((a, b) => m.byId[a].index - m.byId[b].index);
}

/** The chance that some future of `ids` (distinct, in order) happens.
 * @param {Model} m @param {string[]} ids @param {Record<string, Numbers>} numbers
 * @returns {Chance} */
function anyOf(m, ids, numbers) {
  const known = ids.map((id) => numbers[id].effective);
  if (!known.length || known.some((v) => v == null)) return { kind: "unknown", low: null, high: null };
  const values = /** @type {number[]} */ (known);
  const sum = Math.min(1, values.reduce((a, b) => a + b, 0));
  if (values.length === 1) return { kind: "exact", low: values[0], high: values[0] };
  if (alternativesOfOneFork(m, ids)) return { kind: "exact", low: sum, high: sum };
  return { kind: "range", low: Math.max(...values), high: sum };
}

/** Every future of `ids` has exactly one parent, the same for all.
 * @param {Model} m @param {string[]} ids */
function alternativesOfOneFork(m, ids) {
  const fork = m.byId[ids[0]].parents.length === 1 ? m.byId[ids[0]].parents[0].id : null;
  return fork != null && ids.every((id) => {
    const ps = m.byId[id].parents;
    return ps.length === 1 && ps[0].id === fork;
  });
}

/**
 * The own probabilities a reader's view gives, by future id, from its
 * entries (`{ id, value }`, value a number in [0, 1], "yes" or "no"). An
 * entry's own value always counts. *Yes* also assumes what it takes: where
 * the future has exactly one parent, that parent's other children get 0 and
 * the parent is assumed in the same way, up to a future with no parent or
 * several. Where two assumptions contradict each other, "happens" wins, so
 * the order of the entries never matters.
 * @param {Model} m @param {Entry[]} entries
 * @returns {Record<string, number>}
 */
export function assumed(m, entries) {
  /** @type {Record<string, number>} */
  const out = Object.create(null);
  entries.forEach((e) => {
    if (e.value !== "yes") return;
    for (let f = m.byId[e.id]; f.parents.length === 1; ) {
      const parent = m.byId[f.parents[0].id];
      parent.children.forEach((c) => { if (c.id !== f.id && out[c.id] !== 1) out[c.id] = 0; });
      out[parent.id] = 1;
      f = parent;
    }
  });
  entries.forEach((e) => { out[e.id] = e.value === "yes" ? 1 : e.value === "no" ? 0 : e.value; });
  return out;
}

/** A probability as the pages print it: `35%`, `<1%`, `>99%`, `—`.
 * @param {Rules} rules @param {number | null} p */
export function percent(rules, p) {
  if (p == null) return "—";
  if (p < rules.display.low) return "<" + Math.round(rules.display.low * 100) + "%";
  if (p > rules.display.high) return ">" + Math.round(rules.display.high * 100) + "%";
  // The build rounds a half to even (Rust's formatting): 12.5 reads 12%.
  const x = p * 100;
  let r = Math.round(x);
  if (r - x === 0.5 && r % 2) r -= 1;
  return r + "%";
}

/** A number of a reader's view: as `percent`, except that what they assumed
 * certain reads `0%` or `100%` (the site's own numbers never are).
 * @param {Rules} rules @param {number | null} p */
export function viewPercent(rules, p) {
  return p === 0 ? "0%" : p === 1 ? "100%" : percent(rules, p);
}

/** A payoff as the pages print it (src/format.rs): `35%`, `20–45%`, or
 * written out where an end keeps its sign, `80% to >99%`; `format` prints
 * each end (`viewPercent` for a reader's view).
 * @param {Rules} rules @param {Chance} p @param {(rules: Rules, p: number | null) => string} [format] */
export function payoffText(rules, p, format = percent) {
  if (p.kind === "unknown") return "unknown";
  const lo = format(rules, p.low), hi = format(rules, p.high);
  if (p.kind === "exact" || lo === hi) return lo;
  if (lo[0] === "<" || hi[0] === ">") return lo + " to " + hi;
  return lo.replace(/%$/, "") + "–" + hi;
}

/** The expected value of a bet's stake at its chance `p` (src/model/stakes.rs
 * `expected`): stake × (P × pays − 1), a range where P is bounds.
 * @param {import("../browser-data").StakeData} stake @param {Chance} p
 * @returns {Chance} an amount: `low` and `high` in the site's currency */
export function expected(stake, p) {
  if (p.low == null || p.high == null) return { kind: "unknown", low: null, high: null };
  const at = (/** @type {number} */ x) => stake.amount * (x * stake.pays - 1);
  return { kind: p.kind, low: at(p.low), high: at(p.high) };
}

/** The sum of some amounts (src/model/stakes.rs `total`): exact where each
 * is, a range where any is; the unknown ones are left out and counted.
 * @param {Chance[]} amounts @returns {{ known: Chance, unknown: number }} */
export function total(amounts) {
  let low = 0, high = 0, range = false, known = 0;
  for (const a of amounts) {
    if (a.low == null || a.high == null) continue;
    low += a.low;
    high += a.high;
    range = range || a.kind === "range";
    known++;
  }
  const unknown = amounts.length - known;
  if (!known) return { known: { kind: "unknown", low: null, high: null }, unknown };
  return { known: { kind: range ? "range" : "exact", low, high }, unknown };
}

/** What a stake returns once its bet is decided (src/model/stakes.rs
 * `returns`): stake × (pays − 1) if it pays off, else the stake lost.
 * @param {import("../browser-data").StakeData} stake @param {boolean} won */
export function returns(stake, won) {
  return won ? stake.amount * (stake.pays - 1) : -stake.amount;
}

/** An amount as the pages print it (src/render/format.rs `money`): whole
 * units, one decimal below 10, the unit before a symbol and after a word,
 * `+` or `−` before a gain or loss where `signed`.
 * @param {Rules} rules @param {number} x @param {boolean} [signed] */
export function money(rules, x, signed = false) {
  const abs = Math.abs(x);
  const tenths = Math.round(abs * 10);
  const whole = abs < 10 ? Math.floor(tenths / 10) : Math.round(abs);
  let digits = String(whole).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  if (abs < 10 && tenths % 10) digits += "." + (tenths % 10);
  const sign = !signed || digits === "0" ? "" : x < 0 ? "\u2212" : "+";
  const c = rules.currency;
  if (!c) return sign + digits;
  return c.before ? sign + c.unit + digits : sign + digits + " " + c.unit;
}

/** An expected value as the pages print it (src/render/format.rs `amount`):
 * `+$100`, `−$600 to +$1,000` (ends that read alike are one), `unknown`.
 * @param {Rules} rules @param {Chance} a */
export function amountText(rules, a) {
  if (a.low == null || a.high == null) return "unknown";
  const lo = money(rules, a.low, true), hi = money(rules, a.high, true);
  return a.kind === "exact" || lo === hi ? lo : lo + " to " + hi;
}

/** The colour bucket (0–9) of a probability, as the static map's.
 * @param {number} p */
export function bucket(p) {
  return Math.min(9, Math.floor(p * 10));
}

/** The groups `id` is within, innermost first.
 * @param {Model} m @param {string} id */
export function ancestors(m, id) {
  /** @type {string[]} */
  const out = [];
  for (let f = m.byId[id]; f && f.within; f = m.byId[f.within]) out.push(f.within);
  return out;
}

/** How many futures group `id` holds, at any depth.
 * @param {Model} m @param {string} id @returns {number} */
export function size(m, id) {
  return m.byId[id].members.reduce((n, c) => n + 1 + size(m, c), 0);
}

/** The futures (not groups) inside `id`, at any depth.
 * @param {Model} m @param {string} id @returns {string[]} */
export function leaves(m, id) {
  return m.byId[id].members.flatMap((c) => (m.byId[c].members.length ? leaves(m, c) : [c]));
}

/** Every future reached from `id` along `dir`.
 * @param {Model} m @param {string} id @param {"children" | "parents"} dir
 * @returns {Record<string, boolean>} */
export function reach(m, id, dir) {
  /** @type {Record<string, boolean>} */
  const seen = Object.create(null);
  const stack = [id];
  for (let next = stack.pop(); next != null; next = stack.pop()) {
    m.byId[next][dir].forEach((e) => {
      if (!seen[e.id]) { seen[e.id] = true; stack.push(e.id); }
    });
  }
  return seen;
}

// ---- your bets: what each future means for the bets a reader holds ----------

/** What a future happening means for a reader's bets (see `exposure`): the
 * held bets it makes win and lose, those it does not decide, those
 * resolutions settled already; with stakes, the sums of what the winning
 * and losing ones return (`gain` ≥ 0, `loss` ≤ 0, `net`), over the bets
 * with a stake (`staked`); bets without one are counted, not summed.
 * @typedef {{ wins: Bet[], loses: Bet[], open: Bet[], settled: Bet[], gain: number, loss: number, net: number, staked: number }} Exposure */

/** @type {WeakMap<Model, Map<string, Record<string, number>>>} */
const happening = new WeakMap();

/** What future `id` happening fixes, by future id (1 or 0): what *assume it
 * happens* fixes (`assumed`: it, its single-parent chain at 1, their fork
 * siblings at 0), with what resolutions settled kept as they settled it.
 * Found once per future of a model.
 * @param {Model} m @param {string} id @returns {Record<string, number>} */
export function ifHappens(m, id) {
  let cache = happening.get(m);
  if (!cache) happening.set(m, (cache = new Map()));
  let fixed = cache.get(id);
  if (!fixed) {
    fixed = Object.assign(assumed(m, [{ id, value: "yes" }]), m.fixed);
    cache.set(id, fixed);
  }
  return fixed;
}

/** How bet `b` is decided where `fixed` (`ifHappens`) holds: it wins when
 * one of its `wins_if` is fixed at 1 and none of its `loses_if` is; it
 * loses when one of its `loses_if` is fixed at 1, or all its `wins_if` at
 * 0; otherwise it is not decided (null).
 * @param {Bet} b @param {Record<string, number>} fixed @returns {"wins" | "loses" | null} */
export function decides(b, fixed) {
  if (b.loses_if.some((id) => fixed[id] === 1)) return "loses";
  if (b.wins_if.some((id) => fixed[id] === 1)) return "wins";
  if (b.wins_if.length && b.wins_if.every((id) => fixed[id] === 0)) return "loses";
  return null;
}

/** What future `id` happening means for the bets `held` (ids of `m.bets`,
 * in the reader's order): a bet resolutions settled is decided already and
 * counts neither way.
 * @param {Model} m @param {string} id @param {string[]} held @returns {Exposure} */
export function exposure(m, id, held) {
  const fixed = ifHappens(m, id);
  /** @type {Exposure} */
  const out = { wins: [], loses: [], open: [], settled: [], gain: 0, loss: 0, net: 0, staked: 0 };
  held.forEach((bid) => {
    const b = m.bets[bid];
    if (!b) return;
    if (b.settled) return void out.settled.push(b);
    const d = decides(b, fixed);
    if (!d) return void out.open.push(b);
    (d === "wins" ? out.wins : out.loses).push(b);
    if (!b.stake) return;
    const r = returns(b.stake, d === "wins");
    if (d === "wins") out.gain += r; else out.loss += r;
    out.staked += 1;
  });
  out.net = out.gain + out.loss;
  return out;
}

/** Whether a future is one the uncovered list can name: not a group (a group
 * happening says nothing of which of its futures does: each is listed on
 * its own) and not settled by a resolution.
 * @param {Model} m @param {Node} f */
function coverable(m, f) {
  return !f.members.length && !(f.id in m.fixed);
}

/**
 * The reader's uncovered futures: those not settled (and not groups) whose
 * probability in `nums` (compute's results: the reader's view) is at least
 * `rules.uncovered`, in which none of the bets `held` wins; largest first
 * (the site's order between equals). `known` gives exposures already found
 * (by future id), so a change of the view finds none again.
 * @param {Model} m @param {Record<string, Numbers>} nums @param {string[]} held
 * @param {(id: string) => Exposure} [known]
 * @returns {{ id: string, p: number, exposure: Exposure }[]} */
export function uncovered(m, nums, held, known = (id) => exposure(m, id, held)) {
  /** @type {{ id: string, p: number, exposure: Exposure }[]} */
  const out = [];
  m.futures.forEach((f) => {
    const p = nums[f.id].effective;
    // As the build compares rules' thresholds: within 1e-9 counts as equal.
    if (p == null || p < m.rules.uncovered - 1e-9 || !coverable(m, f)) return;
    const e = known(f.id);
    if (!e.wins.length) out.push({ id: f.id, p, exposure: e });
  });
  return out.sort((a, b) => b.p - a.p);
}

/** How a future stands for the held bets, as the map colours it: some win
 * and some lose (`both`), `win`, `lose`, or none decided (`none`).
 * @param {Exposure} e @returns {"win" | "lose" | "both" | "none"} */
export function exposureKind(e) {
  return e.wins.length ? (e.loses.length ? "both" : "win") : e.loses.length ? "lose" : "none";
}

/** An exposure in a few characters, for a map's box or a table's cell:
 * `▲2 ▼1 +$1,000` (2 win, 1 loses, the net where they have stakes); empty
 * where it decides none.
 * @param {Rules} rules @param {Exposure} e */
export function exposureShort(rules, e) {
  const parts = [];
  if (e.wins.length) parts.push("▲" + e.wins.length);
  if (e.loses.length) parts.push("▼" + e.loses.length);
  if (e.staked) parts.push(money(rules, e.net, true));
  return parts.join(" ");
}
