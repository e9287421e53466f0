// The map's numbers for the README and closing notes: time to interactive,
// one zoom step, and the bytes of the first view. Not a test.
// Usage: node bench.mjs URL [RUNS]
import { chromium } from "playwright-core";

const [url, runs = "5"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ready = [], zoom = [], render = [];
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
}));
