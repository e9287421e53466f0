// The rules of the bets a reader holds (themes/default/static/model.js
// `ifHappens`, `decides`, `exposure`, `uncovered`) and the address's form of
// them (hold.js `parseHold`), on a small graph computed by hand: the graph
// of tests/sites/hold, which tests/browser/hold.mjs checks in Chromium.
// Run by tests/browser.rs with Node's test runner.
import { test } from "node:test";
import assert from "node:assert/strict";
import { model, compute, assumed, ifHappens, decides, exposure, exposureKind, exposureShort, uncovered } from "../../themes/default/static/model.js";
import { parseHold, holdText } from "../../themes/default/static/hold.js";

const RULES = { disagreement: 0.15, display: { low: 0.01, high: 0.99 }, currency: { unit: "$", before: true }, uncovered: 0.05 };

// era-now (a group, 0.9 of its own) holds race, boom, stall, treaty, agents.
//   race (0.6) ─0.5→ boom ─0.3→ glut          a fork (boom, stall) and a chain (glut)
//              └0.4→ stall ─0.5→ slow ←0.5─ treaty (0.2)      slow has two parents
//   bust (0.15), grid (0.08), quake (0.04) alone; agents (0.5) happened, act (0.3) did not.
// Site: boom 0.3, stall 0.24, glut 0.09, slow 0.12 + 0.1 = 0.22.
const FUTURES = [
  ["era-now", 0.9, null, null], ["era-later", null, null, null],
  ["race", 0.6, "era-now"], ["boom", null, "era-now"], ["stall", null, "era-now"], ["glut", null, "era-later"],
  ["treaty", 0.2, "era-now"], ["slow", null, "era-later"], ["bust", 0.15, "era-later"], ["grid", 0.08, "era-later"],
  ["quake", 0.04, "era-later"], ["agents", 0.5, "era-now", "happened"], ["act", 0.3, "era-now", "did-not-happen"],
];
const EDGES = [["race", "boom", 0.5], ["race", "stall", 0.4], ["boom", "glut", 0.3], ["stall", "slow", 0.5], ["treaty", "slow", 0.5]];
// [id, wins_if, loses_if, stake, settled]: chips stakes 1,000 at 3× (+2,000 or −1,000), hedge 500 at 2× (+500 or −500), policy none.
// The hedge also wins in act, which did not happen: it is open until stall is decided.
const BETS = [
  ["chips", ["boom"], ["stall", "bust"], { amount: 1000, pays: 3 }],
  ["hedge", ["stall", "act"], [], { amount: 500, pays: 2 }],
  ["policy", ["treaty", "slow"], ["glut"], null],
  ["agents-skills", ["agents"], [], null, { verdict: "won", by: "agents", display: "Won: “agents” happened" }],
  ["grid-backup", ["grid"], [], null],
];
const HELD = ["chips", "hedge", "policy", "agents-skills"];

function site() {
  const groups = {};
  FUTURES.forEach(([id, , within]) => { if (within) (groups[within] ||= []).push(id); });
  return model({
    base_url: "https://example.org/hold/",
    futures: FUTURES.map(([id, probability, within, outcome]) => ({
      id, title: id, url: "/futures/" + id + "/", probability, within: within || null, rect: [0, 0, 0, 0], tags: [],
      resolved: outcome ? { outcome, on: "2026-03-01", display: "", source: "https://example.org/" } : null,
    })),
    edges: EDGES.map(([from, to, probability]) => ({ from, to, probability })),
    groups: Object.entries(groups).map(([id, members]) => ({ id, members })),
    bets: BETS.map(([id, wins_if, loses_if, stake, settled]) => ({
      id, title: id, url: "/bets/" + id + "/", wins_if, loses_if, settled: settled || null,
      stake: stake ? { ...stake, expected: "" } : null,
    })),
    rules: RULES,
  });
}

const ids = (bets) => bets.map((b) => b.id);

test("if a future happens, its single-parent chain happens and their fork siblings do not; resolutions stay", () => {
  const m = site();
  assert.deepEqual({ ...ifHappens(m, "glut") }, { glut: 1, boom: 1, stall: 0, race: 1, agents: 1, act: 0 });
  // slow has two parents: nothing above it is fixed.
  assert.deepEqual({ ...ifHappens(m, "slow") }, { slow: 1, agents: 1, act: 0 });
  assert.deepEqual({ ...ifHappens(m, "race") }, { race: 1, agents: 1, act: 0 });
  // The same as assume it happens, with the resolutions kept.
  assert.deepEqual({ ...ifHappens(m, "stall") }, { ...assumed(m, [{ id: "stall", value: "yes" }]), agents: 1, act: 0 });
});

test("a bet wins where a winning future is fixed at 1 and no losing one is, loses where a losing one is or every winning one is 0", () => {
  const [chips, hedge, policy] = BETS.map(([id]) => site().bets[id]);
  assert.equal(decides(chips, { boom: 1, stall: 0 }), "wins");
  assert.equal(decides(chips, { boom: 1, bust: 1 }), "loses", "a loss fixed at 1 beats a win");
  assert.equal(decides(chips, { stall: 1, boom: 0 }), "loses");
  assert.equal(decides(hedge, { stall: 0 }), null, "act, its other winning future, is open here");
  assert.equal(decides(hedge, { stall: 0, act: 0 }), "loses", "every winning future fixed at 0");
  assert.equal(decides(policy, {}), null);
});

test("each future's exposure, by hand", () => {
  const m = site();
  const e = (id) => exposure(m, id, HELD);
  // The fork's branch: chips win (+2,000); the hedge loses (stall at 0, and act did not happen: −500); policy is undecided.
  let x = e("boom");
  assert.deepEqual([ids(x.wins), ids(x.loses), ids(x.open), ids(x.settled)], [["chips"], ["hedge"], ["policy"], ["agents-skills"]]);
  assert.deepEqual([x.gain, x.loss, x.net, x.staked], [2000, -500, 1500, 2]);
  assert.equal(exposureKind(x), "both");
  assert.equal(exposureShort(RULES, x), "▲1 ▼1 +$1,500");
  // The other branch: chips lose (−1,000), the hedge wins (+500): net −500.
  x = e("stall");
  assert.deepEqual([ids(x.wins), ids(x.loses), ids(x.open)], [["hedge"], ["chips"], ["policy"]]);
  assert.deepEqual([x.gain, x.loss, x.net, x.staked], [500, -1000, -500, 2]);
  assert.equal(exposureShort(RULES, x), "▲1 ▼1 −$500");
  // The chain: glut happening means boom did: chips win, the hedge loses; policy loses, with no stake (counted, not summed).
  x = e("glut");
  assert.deepEqual([ids(x.wins), ids(x.loses), ids(x.open)], [["chips"], ["hedge", "policy"], []]);
  assert.deepEqual([x.gain, x.loss, x.net, x.staked], [2000, -500, 1500, 2]);
  assert.equal(exposureShort(RULES, x), "▲1 ▼2 +$1,500");
  // Two parents: only slow itself is fixed; policy wins in it, with no stake: counted, no amount.
  x = e("slow");
  assert.deepEqual([ids(x.wins), ids(x.loses), ids(x.open), x.staked, x.net], [["policy"], [], ["chips", "hedge"], 0, 0]);
  assert.equal(exposureKind(x), "win");
  assert.equal(exposureShort(RULES, x), "▲1");
  assert.deepEqual(ids(e("treaty").wins), ["policy"]);
  // A loss alone.
  x = e("bust");
  assert.deepEqual([ids(x.wins), ids(x.loses), x.net], [[], ["chips"], -1000]);
  assert.equal(exposureKind(x), "lose");
  // A root that decides nothing.
  x = e("race");
  assert.deepEqual([ids(x.wins), ids(x.loses), ids(x.open)], [[], [], ["chips", "hedge", "policy"]]);
  assert.equal(exposureKind(x), "none");
  assert.equal(exposureShort(RULES, x), "");
  // The settled bet is settled in every future, never a win or a loss.
  for (const f of m.futures) assert.deepEqual(ids(e(f.id).settled), ["agents-skills"], f.id);
  // Bets not held count for nothing; ids that are not bets are skipped.
  assert.deepEqual(ids(exposure(m, "grid", ["grid-backup", "nope"]).wins), ["grid-backup"]);
  assert.deepEqual(ids(exposure(m, "grid", HELD).wins), []);
});

test("uncovered: not settled, not a group, at least rules.uncovered, no held bet wins; largest first", () => {
  const m = site();
  // race 0.6 (nothing decided), bust 0.15 (chips lose), grid 0.08; quake 0.04 is under 5%;
  // era-now (0.9) is a group; agents and act are settled; every other future has a win.
  const at = (nums) => uncovered(m, nums, HELD).map((u) => [u.id, +u.p.toFixed(10)]);
  assert.deepEqual(at(compute(m)), [["race", 0.6], ["bust", 0.15], ["grid", 0.08]]);
  // A view: race 10% (boom 5%, stall 4%, glut 1.5%, slow 2% + 10% = 12%), grid 3% (under the line), quake 20% (over it).
  const view = compute(m, assumed(m, [{ id: "race", value: 0.1 }, { id: "grid", value: 0.03 }, { id: "quake", value: 0.2 }]));
  assert.deepEqual(at(view), [["quake", 0.2], ["bust", 0.15], ["race", 0.1]]);
  // Exactly at the line counts.
  assert.deepEqual(at(compute(m, { grid: 0.05, race: 0.01 })).map(([id]) => id), ["bust", "grid"]);
  // Holding nothing, every open future at 5% or more is uncovered.
  assert.deepEqual(uncovered(m, compute(m), []).map((u) => u.id), ["race", "boom", "stall", "slow", "treaty", "bust", "glut", "grid"]);
  // Holding chips and the hedge only: policy's treaty and slow are uncovered too.
  assert.deepEqual(uncovered(m, compute(m), ["chips", "hedge"]).map((u) => u.id), ["race", "slow", "treaty", "bust", "grid"]);
  // What each uncovered future means for the bets comes with it.
  assert.deepEqual(ids(uncovered(m, compute(m), HELD)[1].exposure.loses), ["chips"]);
});

test("the address's bets are parsed strictly, with a note naming each entry left out, as text", () => {
  const m = site();
  const { ids: got, notes } = parseHold(m, "chips, hedge,nope,,chips,<img src=x onerror=alert(1)>,agents-skills");
  assert.deepEqual(got, ["chips", "hedge", "agents-skills"], "each bet once, in the order given");
  assert.deepEqual(notes, ["“nope” is not a bet of this site", "“<img src=x onerror=alert(1)>” is not a bet of this site"]);
  assert.equal(holdText(got), "chips,hedge,agents-skills");
  assert.deepEqual(parseHold(m, ""), { ids: [], notes: [] });
  // A flood of entries: ten notes, then how many more.
  const flood = parseHold(m, Array.from({ length: 25 }, (_, i) => "x" + i).join(","));
  assert.equal(flood.notes.length, 11);
  assert.equal(flood.notes[10], "and 15 more entries that are not bets of this site");
});
