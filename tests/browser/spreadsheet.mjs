// What the browser's model (themes/default/static/model.js) says each
// number of /forkcast.xlsx should be, for tests/spreadsheet.rs: at the
// site's values, with one future set, with a scenario (a future assumed to
// happen, every value `assumed` gives set), with a bet's stake changed,
// and with one edge's P(edge) changed in graph.json.
// Usage: node spreadsheet.mjs CONFIG_JSON, CONFIG {"graph": PATH}.
// Prints one JSON line: {"picks": {...}, "cases": {NAME: NUMBERS}}.
import { readFileSync } from "node:fs";
import { model, compute, assumed, isFixed, payoff, expected, reach } from "../../themes/default/static/model.js";

const config = JSON.parse(process.argv[2]);
const data = JSON.parse(readFileSync(config.graph, "utf8"));

/** Every number the spreadsheet shows of `m` with these overrides and stakes. */
function numbers(m, overrides = {}, stakes = {}) {
  const n = compute(m, overrides);
  const futures = {};
  m.futures.forEach((f, i) => {
    futures[f.id] = {
      own: m.own[i],
      site_implied: m.site[i].implied,
      implied: n[f.id].implied,
      effective: n[f.id].effective,
    };
  });
  const bets = {};
  m.data.bets.forEach((b) => {
    const p = payoff(m, b.wins_if, b.loses_if, n);
    const stake = stakes[b.id] ? { amount: stakes[b.id][0], pays: stakes[b.id][1] } : b.stake;
    const ev = stake ? expected(stake, p) : null;
    bets[b.id] = { kind: p.kind, low: p.low, high: p.high, ev: ev && { low: ev.low, high: ev.high } };
  });
  return { futures, bets };
}

const m = model(data);
const open = m.futures.filter((f) => !isFixed(m, f.id));
const descendants = (id) => Object.keys(reach(m, id, "children")).length;
// The future that moves most others.
const future = open.filter((f) => f.children.length).sort((a, b) => descendants(b.id) - descendants(a.id) || a.index - b.index)[0];
const site = compute(m)[future.id].effective ?? 0.5;
const value = site < 0.5 ? 0.9 : 0.1;
// A scenario: the future with one parent whose "assume it happens" sets most.
let scenario = null, scenarioValues = {};
for (const f of open) {
  if (f.parents.length !== 1) continue;
  const values = assumed(m, [{ id: f.id, value: "yes" }]);
  if (!scenario || Object.keys(values).length > Object.keys(scenarioValues).length) {
    scenario = f.id;
    scenarioValues = values;
  }
}
// A bet given another stake (one without a stake where there is one).
const bet = m.data.bets.find((b) => !b.stake) || m.data.bets[0];
const stakes = bet ? { [bet.id]: [1000, 2.5] } : {};
// The edge into a future a resolution moves, if any (so the site's own
// values are settled again), else into the future with most descendants.
const moved = new Set(m.futures.filter((f, i) => !isFixed(m, f.id) && f.probability != null && m.own[i] !== f.probability).map((f) => f.id));
const reachesMoved = (id) => moved.has(id) || Object.keys(reach(m, id, "children")).some((d) => moved.has(d));
const edges = data.edges.map((e, k) => ({ ...e, k }));
const edge = edges.find((e) => reachesMoved(e.to) && !isFixed(m, e.to)) || edges.sort((a, b) => descendants(b.to) - descendants(a.to))[0];
const edgeValue = edge.probability / 2;
const changed = JSON.parse(JSON.stringify(data));
changed.edges[edge.k].probability = edgeValue;

const out = {
  picks: {
    future: future.id,
    value,
    scenario,
    scenario_values: scenarioValues,
    stakes,
    edge: [edge.from, edge.to, edgeValue],
    edge_reaches_moved: reachesMoved(edge.to),
  },
  cases: {
    site: numbers(m),
    future: numbers(m, { [future.id]: value }, stakes),
    scenario: numbers(m, scenarioValues),
    edge: numbers(model(changed)),
  },
};
console.log(JSON.stringify(out));
