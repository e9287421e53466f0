// The reader's view rules of themes/default/static/model.js and view.js,
// on small graphs computed by hand. Run by tests/browser.rs with Node's
// test runner (`node --test model.test.mjs`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { model, compute, assumed, isFixed, payoff, payoffText, percent, settledBy, viewPercent, expected, returns, money, amountText, total } from "../../themes/default/static/model.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseView, viewText } from "../../themes/default/static/view.js";

const RULES = { disagreement: 0.15, display: { low: 0.01, high: 0.99 } };

// A graph in graph.json's form: futures [id, own probability, outcome if resolved], edges [from, to, P(edge)], bets [id, wins_if, loses_if].
function graph(futures, edges, bets = []) {
  return model({
    futures: futures.map(([id, probability, outcome]) => ({ id, title: id, probability, within: null, rect: [0, 0, 0, 0], resolved: outcome ? { outcome, on: "2026-01-01", display: "", source: "https://example.org/" } : null })),
    edges: edges.map(([from, to, probability]) => ({ from, to, probability })),
    bets: bets.map(([id, wins_if, loses_if = []]) => ({ id, wins_if, loses_if })),
    rules: RULES,
  });
}

const close = (actual, expected, what) => assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual}, not ${expected}`);

// root ─0.6→ a ─0.5→ c         root ─0.4→ b
//             └─0.3→ d
const tree = () => graph(
  [["root", 0.5], ["a", null], ["b", null], ["c", null], ["d", null]],
  [["root", "a", 0.6], ["root", "b", 0.4], ["a", "c", 0.5], ["a", "d", 0.3]],
  [["on-c", ["c"]], ["on-c-or-d", ["c", "d"]], ["on-b-or-c", ["b", "c"]]],
);

test("assuming a future happens sets its fork siblings to 0 and its single-parent ancestors to 1", () => {
  const m = tree(), values = assumed(m, [{ id: "c", value: "yes" }]);
  assert.deepEqual({ ...values }, { c: 1, d: 0, a: 1, b: 0, root: 1 });
  const n = compute(m, values);
  close(n.c.effective, 1, "c");
  close(n.d.effective, 0, "d");
  // b was 0.5 × 0.4 = 0.2; with root certain and b assumed not to happen, 0.
  close(n.b.effective, 0, "b");
  close(payoff(m, ["c", "d"], [], n).low, 1, "a bet on c or d");
});

test("a reader's value for a future with no probability of its own carries forward", () => {
  const m = tree(), site = compute(m);
  close(site.a.effective, 0.3, "a by the site: 0.5 × 0.6");
  close(site.c.effective, 0.15, "c by the site: 0.3 × 0.5");
  const n = compute(m, assumed(m, [{ id: "a", value: 0.8 }]));
  close(n.a.own, 0.8, "a's own value is the reader's");
  close(n.c.implied, 0.4, "c: 0.8 × 0.5");
  close(n.d.effective, 0.24, "d: 0.8 × 0.3");
  close(n.b.effective, 0.2, "b is not downstream of a");
  // c and d are branches of one fork: exact, 0.4 + 0.24.
  const p = payoff(m, ["c", "d"], [], n);
  assert.equal(p.kind, "exact");
  close(p.low, 0.64, "pays off if c or d");
  // b and c have different parents: bounds [max, sum].
  const r = payoff(m, ["b", "c"], [], n);
  assert.equal(r.kind, "range");
  close(r.low, 0.4, "low end");
  close(r.high, 0.6000000000000001, "high end");
});

// root (0.5) ─0.6→ x (0.5 of its own) ─0.5→ y;  z (0.3) ─0.5→ x;  q (0.9) ─0.9→ full (0.9).
// x's parents imply 0.5 × 0.6 + 0.3 × 0.5 = 0.45 of it; its own 0.5 keeps 0.05 the graph does not explain.
const partial = () => graph(
  [["root", 0.5], ["z", 0.3], ["x", 0.5], ["y", null], ["q", 0.9], ["full", 0.9], ["c", 0.4]],
  [["root", "x", 0.6], ["z", "x", 0.5], ["x", "y", 0.5], ["q", "full", 0.9]],
);

test("changes follow the arrows: a future with its own probability moves by as much as its implied one", () => {
  const m = partial();
  const site = compute(m);
  close(site.x.implied, 0.45, "x implied by the site: 0.3 + 0.15");
  close(site.y.effective, 0.25, "y by the site: 0.5 × 0.5");
  const up = compute(m, { root: 1 });
  close(up.x.implied, 0.75, "x implied with root certain: 0.6 + 0.15");
  close(up.x.effective, 0.8, "x keeps its unexplained 0.05: 0.5 + (0.75 − 0.45)");
  close(up.y.effective, 0.4, "y follows x: 0.8 × 0.5");
  close(up.z.effective, 0.3, "z is not downstream of root: the site's");
  close(up.c.effective, 0.4, "c is not downstream: the site's");
  const down = compute(m, { root: 0 });
  close(down.x.effective, 0.2, "x: 0.5 + (0.15 − 0.45)");
  close(down.y.effective, 0.1, "y: 0.2 × 0.5");
});

test("a future that follows is kept in [0, 1]", () => {
  const m = partial();
  // full's edge implies 0.81 of it; with q certain 0.9: 0.9 + 0.09 = 0.99.
  close(compute(m, { q: 1 }).full.effective, 0.99, "full with q certain");
  // With root and z both certain x would be 0.5 + (1.1 capped to 1 − 0.45) = 1.05: kept at 1.
  const n = compute(m, { root: 1, z: 1 });
  assert.equal(n.x.incoming, 1.1, "the sum before capping");
  assert.equal(n.x.effective, 1, "x is kept at 1");
  close(n.y.effective, 0.5, "y: 1 × 0.5");
  // With both impossible x would be 0.5 − 0.45 = 0.05, the unexplained part.
  close(compute(m, { root: 0, z: 0 }).x.effective, 0.05, "x with no parent possible");
});

// The settlement graph of src/model/graph.rs's tests, with the same hand-computed numbers:
// root (0.5) ─0.6→ a (0.35) ─0.5→ c (0.3), ─0.5→ d;  root ─0.4→ b (0.2) ─0.5→ c;  e (0.7) alone.
const resolvable = (resolved) => graph(
  [["root", 0.5], ["a", 0.35], ["b", 0.2], ["c", 0.3], ["d", null], ["e", 0.7]].map(([id, p]) => [id, p, resolved[id]]),
  [["root", "a", 0.6], ["root", "b", 0.4], ["a", "c", 0.5], ["a", "d", 0.5], ["b", "c", 0.5]],
);

test("a future that did not happen moves what follows it, and nothing else", () => {
  const n = compute(resolvable({ b: "did-not-happen" }));
  assert.equal(n.b.effective, 0);
  close(n.c.effective, 0.2, "c: 0.3 + (0.175 − 0.275)");
  close(n.d.effective, 0.175, "d has no own probability: its implied 0.35 × 0.5");
  for (const [id, p] of [["root", 0.5], ["a", 0.35], ["e", 0.7]]) close(n[id].effective, p, id + " is not downstream");
});

test("a future that happened settles its fork and its parent, and no reader's value moves them", () => {
  const m = resolvable({ a: "happened" });
  const n = compute(m);
  assert.deepEqual(["root", "a", "b"].map((id) => n[id].effective), [1, 1, 0]);
  close(n.c.effective, 0.525, "c: 0.3 + (0.5 − 0.275)");
  close(n.d.effective, 0.5, "d: implied 1 × 0.5");
  assert.equal(n.a.disagreement, false, "a settled future is not disputed");
  const view = compute(m, assumed(m, [{ id: "b", value: "yes" }, { id: "root", value: 0.2 }, { id: "e", value: 0.1 }]));
  assert.deepEqual(["root", "a", "b"].map((id) => view[id].effective), [1, 1, 0], "the resolution stands");
  close(view.c.effective, 0.525, "c is still the site's");
  close(view.e.effective, 0.1, "an open future takes the reader's value");
  assert.deepEqual(payoff(m, ["a"], ["b"], n), { kind: "exact", low: 1, high: 1 }, "a bet won");
});

test("each settled future names the resolution that settled it, as the build does", () => {
  const m = resolvable({ a: "happened", e: "did-not-happen" });
  assert.deepEqual(["root", "a", "b", "e"].map((id) => settledBy(m, id)?.id), ["a", "a", "a", "e"]);
  for (const id of ["c", "d"]) {
    assert.equal(settledBy(m, id), null, id + " follows the arrows but is not settled");
    assert.equal(isFixed(m, id), false);
  }
});

test("a reader's view of a settled future is left out, with a note naming what settled it", () => {
  const m = resolvable({ a: "happened" });
  const { entries, notes } = parseView(m, "a:0.3,b:yes,c:0.4,root:no");
  assert.deepEqual(entries, [{ id: "c", value: 0.4 }], "only the open future stays");
  assert.deepEqual(notes, [
    "“a:0.3”: a has resolved, and a view cannot change it",
    "“b:yes”: b is settled by the resolution of a, and a view cannot change it",
    "“root:no”: root is settled by the resolution of a, and a view cannot change it",
  ]);
});

test("a bet's payoff counts the futures it loses in", () => {
  const m = tree();
  const site = compute(m);
  // a (0.3) wins, d (0.09) loses, and b (0.2) loses: a win in a can still see d happen.
  const r = payoff(m, ["a"], ["b"], site);
  assert.equal(r.kind, "exact", "a and b are one fork's branches: a win is no loss");
  close(r.low, 0.3, "P(a)");
  const p = payoff(m, ["c"], ["b"], site);
  assert.equal(p.kind, "range", "c and b have different parents");
  close(p.low, 0, "max(0, 0.15 − 0.2)");
  close(p.high, 0.15, "min(0.15, 1 − 0.2)");
  // c and d are one fork's branches (a's): exact.
  assert.equal(payoff(m, ["c"], ["d"], site).kind, "exact");
  // Wins in b or c (bounds [0.2, 0.35]), loses in d (0.09): [0.2 − 0.09, min(0.35, 0.91)].
  const q = payoff(m, ["b", "c"], ["d"], site);
  close(q.low, 0.11, "low end");
  close(q.high, 0.35, "high end");
  // Under a view where the loss is assumed not to happen, nothing takes from the win.
  const v = payoff(m, ["c"], ["b"], compute(m, assumed(m, [{ id: "b", value: "no" }])));
  close(v.low, 0.15, "b assumed not to happen: low");
  close(v.high, 0.15, "b assumed not to happen: high");
  assert.equal(payoffText(RULES, v, viewPercent), "15%");
  // Assuming the loss happens: the bet cannot pay off.
  const lost = payoff(m, ["c"], ["b"], compute(m, assumed(m, [{ id: "b", value: "yes" }])));
  assert.equal(payoffText(RULES, lost, viewPercent), "0%");
  // A loss with no probability leaves the payoff unknown.
  const unknown = graph([["w", 0.5], ["l", null]], []);
  assert.equal(payoff(unknown, ["w"], ["l"], compute(unknown)).kind, "unknown");
});

test("assuming a future does not happen sets it to 0 and nothing else", () => {
  const m = tree(), values = assumed(m, [{ id: "a", value: "no" }]);
  assert.deepEqual({ ...values }, { a: 0 });
  const n = compute(m, values);
  close(n.c.effective, 0, "c follows only a");
  close(n.root.effective, 0.5, "root keeps its own");
});

// A diamond: top ─0.5→ left ─0.6→ bottom, top ─0.5→ right ─0.2→ bottom.
const diamond = () => graph(
  [["top", 0.4], ["left", null], ["right", null], ["bottom", null]],
  [["top", "left", 0.5], ["top", "right", 0.5], ["left", "bottom", 0.6], ["right", "bottom", 0.2]],
);

test("in a diamond, assuming the future with two parents assumes nothing above it", () => {
  const m = diamond(), values = assumed(m, [{ id: "bottom", value: "yes" }]);
  assert.deepEqual({ ...values }, { bottom: 1 });
  const n = compute(m, values);
  close(n.left.effective, 0.2, "left keeps 0.4 × 0.5");
  close(n.bottom.implied, 0.16, "the graph still implies 0.2 × 0.6 + 0.2 × 0.2");
  assert.equal(n.bottom.disagreement, true, "1 against 0.16 is disputed");
});

test("in a diamond, assuming one side takes the other side out of the sum below", () => {
  const m = diamond(), values = assumed(m, [{ id: "left", value: "yes" }]);
  assert.deepEqual({ ...values }, { left: 1, right: 0, top: 1 });
  close(compute(m, values).bottom.effective, 0.6, "bottom: 1 × 0.6 + 0 × 0.2");
});

test("an entry's own value counts over what another assumption implies, and 'happens' wins a contradiction", () => {
  const m = tree();
  // c happening implies d is 0; the reader says 0.1 for d.
  const values = assumed(m, [{ id: "d", value: 0.1 }, { id: "c", value: "yes" }]);
  assert.equal(values.d, 0.1);
  // c and b both assumed: c's chain says b = 0, b's own entry says 1; root 1 either way.
  const both = assumed(m, [{ id: "c", value: "yes" }, { id: "b", value: "yes" }]);
  assert.equal(both.b, 1);
  assert.equal(both.a, 1, "b's chain would set a to 0: happens wins");
  assert.deepEqual({ ...assumed(m, [{ id: "b", value: "yes" }, { id: "c", value: "yes" }]) }, { ...both }, "the order of entries does not matter");
});

test("with nothing overridden, the reader's numbers are the site's", () => {
  const m = tree();
  assert.deepEqual(compute(m, assumed(m, [])), compute(m));
});

test("the address's view is parsed strictly, with a note for each entry left out", () => {
  const m = tree();
  const { entries, notes } = parseView(m, "a:0.7,c:yes,b:no,zz:0.5,d:1.5,d:70%,<img src=x>,root:.25,a:0.2, ,b:1");
  assert.deepEqual(entries, [{ id: "c", value: "yes" }, { id: "root", value: 0.25 }, { id: "a", value: 0.2 }, { id: "b", value: 1 }]);
  assert.equal(notes.length, 6, notes.join("\n"));
  assert.match(notes[0], /no future “zz”/);
  assert.match(notes[1], /d:1\.5.*a number from 0 to 1/);
  assert.match(notes[2], /d:70%/);
  assert.match(notes[3], /<img src=x>.*not ID:VALUE/);
  assert.match(notes[4], /a is given again later/);
  assert.equal(viewText(entries), "c:yes,root:0.25,a:0.2,b:1");
  assert.deepEqual(parseView(m, "").entries, []);
});

test("numbers read as the build prints them", () => {
  // Rust rounds a half to even: 12.5 → 12%, 13.5 → 14%.
  assert.equal(percent(RULES, 0.125), "12%");
  assert.equal(percent(RULES, 0.135), "14%");
  assert.equal(percent(RULES, 0.004), "<1%");
  assert.equal(percent(RULES, 0.996), ">99%");
  assert.equal(payoffText(RULES, { kind: "range", low: 0.8, high: 1 }), "80% to >99%");
  assert.equal(payoffText(RULES, { kind: "range", low: 0.2, high: 0.45 }), "20–45%");
  assert.equal(payoffText(RULES, { kind: "range", low: 0.451, high: 0.449 }), "45%");
  // A reader's assumption is certain, and says so.
  assert.equal(viewPercent(RULES, 1), "100%");
  assert.equal(viewPercent(RULES, 0), "0%");
  assert.equal(payoffText(RULES, { kind: "range", low: 1, high: 1 }, viewPercent), "100%");
});

// The cases of src/render/format.rs's `money_reads_with_its_unit_and_sign`.
test("amounts read as the build prints them", () => {
  const dollar = { ...RULES, currency: { unit: "$", before: true } };
  const hours = { ...RULES, currency: { unit: "hours", before: false } };
  const plain = { ...RULES, currency: null };
  assert.equal(money(dollar, 2000), "$2,000");
  assert.equal(money(dollar, -600, true), "\u2212$600");
  assert.equal(money(hours, 1234567.4, true), "+1,234,567 hours");
  assert.equal(money(plain, 2.46, true), "+2.5");
  assert.equal(money(plain, 9.96), "10");
  assert.equal(money(plain, -0.04, true), "0");
  assert.equal(amountText(dollar, { kind: "range", low: -600, high: 1000 }), "\u2212$600 to +$1,000");
  assert.equal(amountText(plain, { kind: "range", low: 99.6, high: 100.2 }), "+100");
  assert.equal(amountText(plain, { kind: "unknown", low: null, high: null }), "unknown");
});

// src/model/stakes.rs's tests: stake × (P × pays − 1), the returns, the sums.
test("a stake's expected value, returns and totals follow the build's rules", () => {
  const stake = { amount: 2000, pays: 3, expected: "" };
  assert.deepEqual(expected(stake, { kind: "exact", low: 0.5, high: 0.5 }), { kind: "exact", low: 1000, high: 1000 });
  const r = expected(stake, { kind: "range", low: 0.1, high: 0.5 });
  assert.equal(r.kind, "range");
  close(r.low, 2000 * (0.1 * 3 - 1), "low end");
  close(r.high, 1000, "high end");
  assert.equal(expected(stake, { kind: "unknown", low: null, high: null }).kind, "unknown");
  assert.equal(returns(stake, true), 4000);
  assert.equal(returns(stake, false), -2000);
  const mixed = total([{ kind: "exact", low: 100, high: 100 }, { kind: "unknown", low: null, high: null }, { kind: "range", low: -600, high: 1000 }]);
  assert.deepEqual(mixed, { known: { kind: "range", low: -500, high: 1100 }, unknown: 1 });
  assert.deepEqual(total([{ kind: "exact", low: 100, high: 100 }, { kind: "exact", low: -600, high: -600 }]).known, { kind: "exact", low: -500, high: -500 });
  assert.equal(total([]).known.kind, "unknown");
});

// A site the build wrote (tests/sites/stakes, built by tests/browser.rs
// into FORKCAST_STAKES_SITE): every amount model.js prints equals the
// build's — each bet's expected value in graph.json (exact, a range, below
// 10, negative, in a currency that is a word) and its page's stake and returns.
const built = process.env.FORKCAST_STAKES_SITE;
test("model.js prints a built site's amounts as the build does", { skip: built ? false : "FORKCAST_STAKES_SITE is not set (tests/browser.rs sets it)" }, () => {
  const dir = /** @type {string} */ (built);
  const data = JSON.parse(readFileSync(join(dir, "graph.json"), "utf8"));
  const rules = data.rules;
  assert.deepEqual(rules.currency, { unit: "CHF", before: false });
  const staked = data.bets.filter((b) => b.stake);
  assert.ok(staked.length >= 5, "the fixture's bets with stakes");
  const texts = staked.map((b) => amountText(rules, expected(b.stake, b.payoff)));
  staked.forEach((b, k) => assert.equal(texts[k], b.stake.expected, b.id + "'s expected value"));
  for (const wanted of ["+400 CHF", "\u2212400 CHF to \u2212100 CHF", "\u22121.5 CHF"]) {
    assert.ok(texts.includes(wanted), wanted + " is among the cases: " + texts.join(", "));
  }
  for (const b of staked) {
    const page = readFileSync(join(dir, "bets", b.id, "index.html"), "utf8");
    const stake = page.match(/<dt>Stake<\/dt><dd><strong>([^<]*)<\/strong>/);
    assert.ok(stake, b.id + "'s page says its stake");
    assert.equal(money(rules, b.stake.amount), stake[1], b.id + "'s stake");
    const gain = money(rules, returns(b.stake, true), true), loss = money(rules, returns(b.stake, false), true);
    assert.ok(page.includes("the stake: " + gain + "; otherwise the stake is lost: " + loss), b.id + ": " + gain + ", " + loss);
  }
});
