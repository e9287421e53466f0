// The map's numbers for the README and closing notes: time to interactive,
// one zoom step, the bytes of the first view, and one change of the
// reader's view with a future's panel open, without and with ten bets held
// (the map coloured by them). Not a test.
// Usage: node bench.mjs URL [RUNS]
import { chromium } from "playwright-core";
import { timeViewChanges } from "./view-timing.mjs";

const [url, runs = "5"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ready = [], zoom = [], render = [], view = [], held = [];
let weight = 0;
for (let i = 0; i < Number(runs); i++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(url + "futures/");
  await page.waitForSelector("html[data-map-ready]");
  ready.push(Number(await page.getAttribute("html", "data-map-ready")));
  weight = await page.evaluate(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    return performance.getEntriesByType("resource").reduce((n, e) => n + e.encodedBodySize, nav.encodedBodySize);
  });
  const before = await page.getAttribute("html", "data-map-rendered");
  const t0 = Date.now();
  await page.getByRole("button", { name: "Zoom in" }).click();
  await page.waitForFunction((b) => document.documentElement.getAttribute("data-map-rendered") !== b, before);
  zoom.push(Date.now() - t0);
  render.push(Number(await page.getAttribute("html", "data-map-render-ms")));
  // The future leading to the most others: a change to it moves the most numbers.
  const busiest = await page.evaluate(async () => {
    const data = await (await fetch(document.getElementById("futures_map").getAttribute("data-graph"))).json();
    const out = {};
    data.edges.forEach((e) => { out[e.from] = (out[e.from] || 0) + 1; });
    return Object.keys(out).sort((a, b) => out[b] - out[a])[0] || data.futures[0].id;
  });
  await page.goto(url + "futures/#" + busiest);
  view.push(median(await timeViewChanges(page, 15)));
  // The same with ten bets held and the map coloured by them.
  const bets = await page.evaluate(async () => (await (await fetch(document.getElementById("futures_map").getAttribute("data-graph"))).json()).bets.slice(0, 10).map((b) => b.id));
  if (bets.length) {
    await page.evaluate(() => localStorage.setItem("forkcast.map.colour", "exposure"));
    await page.goto(url + "futures/?hold=" + bets.join(",") + "#" + busiest);
    await page.waitForSelector(".map-panel:not([hidden]) .for-your-bets");
    held.push(median(await timeViewChanges(page, 15)));
  }
  await context.close();
}
await browser.close();
console.log(JSON.stringify({
  url,
  runs: Number(runs),
  time_to_interactive_ms: median(ready),
  zoom_step_ms: median(zoom),
  zoom_render_ms: median(render),
  first_view_bytes: weight,
  view_change_ms: median(view),
  view_change_held_ms: held.length ? median(held) : null,
}));
