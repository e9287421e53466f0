// Accessibility in Debian's Chromium: axe-core (from node_modules, never a
// CDN) with the WCAG 2.1 A and AA rules on every page kind, desktop light
// and dark and phone light, and on the open states (search results, the
// map's panel, full screen, a what-if view), and on a site with resolved
// futures (tests/sites/resolved: a resolved future's panel, a view entry
// left out for it) on both screens in both schemes; the map's colour scale read
// from the page's CSS custom properties (adjacent steps told apart, numbers
// readable on every step); and the map by keyboard.
// Usage: node axe.mjs CONFIG_JSON   (written by tests/browser.rs; its
// `sites` lists fixture sites, each {name, url, pages}, audited page by page)
// Prints one JSON line of measurements; exits 1 with every problem found.
import { DESKTOP, PHONE, launch } from "./harness.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const config = JSON.parse(process.argv[2]);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const problems = [];
const results = {};

const browser = await launch();

// Runs axe on what `page` shows now; every violation becomes a problem
// naming the rule, the element and where it was seen.
async function audit(page, where) {
  // Evaluated through the debugger, so the theme's CSP (scripts only from
  // the site) stays as readers have it.
  await page.evaluate(axeSource);
  const violations = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
    .then((r) => r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })) }))), TAGS);
  for (const v of violations) {
    for (const n of v.nodes) problems.push(`${where}: ${v.id} (${v.help}) at ${n.target}\n    ${(n.summary || "").replace(/\n/g, "\n    ")}`);
  }
  results.audited = (results.audited || 0) + 1;
}

async function open(options, path, base = config.url) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(base + path);
  await page.waitForLoadState("networkidle");
  return { page, context };
}

const MODES = {
  "desktop light": { ...DESKTOP, colorScheme: "light" },
  "desktop dark": { ...DESKTOP, colorScheme: "dark" },
  "phone light": { ...PHONE, colorScheme: "light" },
};

// The open states: each opens something on a page, then is audited.
const VIEW = "?view=" + config.view;
const STATES = {
  "search results in the header": ["", async (page) => {
    await page.locator(".site-search input").fill(config.searchQuery);
    await page.waitForSelector(".site-search .search-results li a");
  }],
  "the map's panel": ["futures/#" + config.future, (page) => page.waitForSelector(".map-panel:not([hidden]) .view-controls")],
  "the map's search": ["futures/", async (page) => {
    // On a phone the map's tools show only full screen.
    if (await page.locator(".fullscreen-toggle", { hasText: "Open the map full screen" }).isVisible()) await page.locator(".fullscreen-toggle").click();
    await page.getByRole("combobox", { name: "Find a future" }).fill(config.searchQuery.slice(0, 3));
    await page.waitForSelector("#map_results:not([hidden]) li");
  }],
  "the map full screen": ["futures/", async (page) => {
    await page.locator(".fullscreen-toggle").click();
    await page.waitForSelector(".map-section.fullscreen");
  }],
  "a what-if view on the map": ["futures/" + VIEW, (page) => page.waitForSelector("#your_view:not([hidden])")],
  "a what-if view on the map, panel open": ["futures/" + VIEW + "#" + config.future, (page) => page.waitForSelector(".map-panel:not([hidden]) .view-controls")],
  "a what-if view on a future": ["futures/" + config.future + "/" + VIEW, (page) => page.waitForSelector("#your_view:not([hidden])")],
  "a what-if view on the bets": ["bets/" + VIEW, (page) => page.waitForSelector("#your_view:not([hidden])")],
  "a what-if view on a bet": ["bets/" + config.bet + "/" + VIEW, (page) => page.waitForSelector("#your_view:not([hidden])")],
  // A bet's expected value in the view, beside the site's (the example's bets with stakes).
  "a what-if view on the matrix": ["bets/matrix/" + VIEW, (page) => page.waitForSelector(".view-ev")],
  "a what-if view on the home page": [VIEW, (page) => page.waitForSelector("#your_view:not([hidden])")],
};

// A site with resolved futures (tests/sites/resolved): the map with the
// panel of a resolved future open, and a view whose entry for it was left
// out, on both screens in both colour schemes.
const RESOLVED = {
  "the map's panel on a resolved future": ["futures/#" + config.resolvedFuture, (page) => page.waitForSelector(".map-panel:not([hidden]) .view-controls")],
  "a view left out for a resolved future": ["bets/?view=" + config.resolvedFuture + ":0.5", (page) => page.waitForSelector("#your_view .view-notes:not([hidden])")],
};

// The map pages are audited once the map is drawn.
async function settled(page, path) {
  if (/^futures\/($|[?#])/.test(path)) await page.waitForSelector("html[data-map-ready]");
}

// ---- the map's colours --------------------------------------------------

// sRGB "rgb(r, g, b)" or "#rrggbb" to [r, g, b] in 0–255.
function rgb(css) {
  const hex = css.trim().match(/^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i);
  if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
  const m = css.match(/rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/);
  if (!m) throw new Error("not a colour: " + css);
  return m.slice(1, 4).map(Number);
}
const linear = (v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
const luminance = (c) => { const [r, g, b] = c.map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
// WCAG 2.1 contrast ratio.
const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => p - q); return (y + 0.05) / (x + 0.05); };
// CIELAB (D65).
function lab(c) {
  const [r, g, b] = c.map(linear);
  const f = (t) => t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047), y = f(0.2126 * r + 0.7152 * g + 0.0722 * b), z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
// CIEDE2000 (Sharma, Wu and Dalal's formulation, kL = kC = kH = 1).
function deltaE2000([L1, a1, b1], [L2, a2, b2]) {
  const rad = Math.PI / 180, C = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const G = 0.5 * (1 - Math.sqrt(C ** 7 / (C ** 7 + 25 ** 7)));
  const p1 = (1 + G) * a1, p2 = (1 + G) * a2, C1 = Math.hypot(p1, b1), C2 = Math.hypot(p2, b2);
  const h = (b, a) => { const d = Math.atan2(b, a) / rad; return d < 0 ? d + 360 : d; };
  const h1 = h(b1, p1), h2 = h(b2, p2);
  let dh = C1 * C2 === 0 ? 0 : h2 - h1;
  if (dh > 180) dh -= 360; else if (dh < -180) dh += 360;
  const dL = L2 - L1, dC = C2 - C1, dH = 2 * Math.sqrt(C1 * C2) * Math.sin(dh * rad / 2);
  const L = (L1 + L2) / 2, Cp = (C1 + C2) / 2;
  let H = h1 + h2;
  if (C1 * C2 !== 0) H = Math.abs(h1 - h2) <= 180 ? H / 2 : H < 360 ? (H + 360) / 2 : (H - 360) / 2;
  const T = 1 - 0.17 * Math.cos((H - 30) * rad) + 0.24 * Math.cos(2 * H * rad) + 0.32 * Math.cos((3 * H + 6) * rad) - 0.2 * Math.cos((4 * H - 63) * rad);
  const SL = 1 + 0.015 * (L - 50) ** 2 / Math.sqrt(20 + (L - 50) ** 2), SC = 1 + 0.045 * Cp, SH = 1 + 0.015 * Cp * T;
  const RT = -Math.sin(2 * 30 * Math.exp(-(((H - 275) / 25) ** 2)) * rad) * 2 * Math.sqrt(Cp ** 7 / (Cp ** 7 + 25 ** 7));
  return Math.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2 + RT * (dC / SC) * (dH / SH));
}

// Adjacent steps of the scale at least this far apart (CIEDE2000). 1 is a
// just-noticeable difference side by side and 5 reads as another colour at a
// glance; 8 keeps two boxes a step apart distinct across the map, where
// they are not side by side. Higher is not reachable with the other two
// constraints: text at 4.5:1 on every step keeps the scale's lightness in
// half the range, and lightness must run one way so that the order reads
// without hue (colour-blind readers).
const MIN_DELTA_E = 8;
const MIN_CONTRAST = 4.5;

// The scale as the page's CSS gives it (--p0 … --p9), the map's numbers'
// colour as drawn, and each box's fill as drawn, in one colour scheme.
async function scale(page, where) {
  const found = await page.evaluate(() => {
    const root = getComputedStyle(document.documentElement);
    const steps = [...Array(10).keys()].map((i) => root.getPropertyValue("--p" + i).trim());
    const num = document.querySelector("#futures_map a.node .node-num");
    const fills = [...document.querySelectorAll("#futures_map a.node")].map((a) => {
      const bucket = [...a.classList].find((c) => /^p\d$/.test(c));
      return { bucket, fill: getComputedStyle(a.querySelector("rect")).fill, text: getComputedStyle(a.querySelector(".node-num") || a).fill };
    });
    return { steps, numberFill: num && getComputedStyle(num).fill, fills };
  });
  if (!found.numberFill) return void problems.push(`${where}: no number drawn on the map`);
  const missing = found.steps.findIndex((c) => !c);
  if (missing >= 0) return void problems.push(`${where}: no CSS custom property --p${missing} on the page: the scale's colours live in --p0 … --p9`);
  const steps = found.steps.map(rgb), text = rgb(found.numberFill), stats = { deltaE: [], contrast: [] };
  steps.forEach((c, i) => {
    const ratio = contrast(c, text);
    stats.contrast.push(+ratio.toFixed(2));
    if (ratio < MIN_CONTRAST) problems.push(`${where}: the map's numbers (${found.numberFill}) on step ${i} (${found.steps[i]}) are ${ratio.toFixed(2)}:1, under ${MIN_CONTRAST}:1`);
    if (i === 0) return;
    const d = deltaE2000(lab(steps[i - 1]), lab(c));
    stats.deltaE.push(+d.toFixed(1));
    if (d < MIN_DELTA_E) problems.push(`${where}: steps ${i - 1} and ${i} (${found.steps[i - 1]}, ${found.steps[i]}) differ by ΔE2000 ${d.toFixed(1)}, under ${MIN_DELTA_E}`);
  });
  // The boxes are filled from these properties, and their numbers drawn in that colour.
  for (const f of found.fills) {
    if (!f.bucket) continue;
    const want = steps[Number(f.bucket.slice(1))];
    if (rgb(f.fill).some((v, k) => Math.abs(v - want[k]) > 1)) problems.push(`${where}: a ${f.bucket} box is filled ${f.fill}, not --${f.bucket}`);
    if (contrast(rgb(f.fill), rgb(f.text)) < MIN_CONTRAST) problems.push(`${where}: a ${f.bucket} box's number is under ${MIN_CONTRAST}:1`);
  }
  return stats;
}

// ---- the map by keyboard ---------------------------------------------------

const focusedName = (page) => page.evaluate(() => {
  const e = document.activeElement;
  return e ? (e.getAttribute("aria-label") || e.getAttribute("data-id") || e.textContent || e.tagName).trim().slice(0, 60) : "nothing";
});

// Presses `key` and waits for the map's redraw.
async function pressAndRedraw(page, key) {
  const before = await page.getAttribute("html", "data-map-rendered");
  await page.keyboard.press(key);
  await page.waitForFunction((b) => document.documentElement.getAttribute("data-map-rendered") !== b, before);
}

async function keyboard(page) {
  // Zooming keeps focus where it was: on the button, and on a future's box.
  for (const name of ["Zoom in", "Zoom out"]) {
    await page.getByRole("button", { name, exact: true }).focus();
    await pressAndRedraw(page, "Enter");
    const at = await focusedName(page);
    if (at !== name) problems.push(`keyboard: after “${name}” focus is on “${at}”, not the button`);
  }
  const box = page.locator(`#futures_map a[data-id="${config.future}"]`);
  await box.focus();
  await pressAndRedraw(page, "+");
  if (!(await page.evaluate((id) => document.activeElement?.getAttribute("data-id") === id, config.future))) {
    problems.push(`keyboard: “+” on ${config.future}'s box moves focus to “${await focusedName(page)}”`);
  }
  // The panel's controls a few Tab stops after opening a future.
  await page.locator(".fullscreen-toggle").focus();
  await page.getByRole("button", { name: "show the whole map" }).click();
  await page.waitForTimeout(400);
  await box.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector(".map-panel:not([hidden]) .view-controls input[type=range]");
  const stops = {};
  for (let n = 1; n <= 20 && Object.keys(stops).length < 3; n++) {
    await page.keyboard.press("Tab");
    const kind = await page.evaluate(() => {
      const e = document.activeElement;
      if (!e || !e.closest(".map-panel .view-controls")) return null;
      const text = e.textContent.trim();
      return e.matches("input[type=range]") ? "slider" : text === "Assume it happens" ? "yes" : text === "Assume it does not" ? "no" : null;
    });
    if (kind && !(kind in stops)) stops[kind] = n;
  }
  results.panel_tab_stops = stops;
  for (const kind of ["slider", "yes", "no"]) {
    if (!(stops[kind] <= MAX_PANEL_STOPS)) problems.push(`keyboard: the panel's ${kind} is not within ${MAX_PANEL_STOPS} Tab stops of the opened future (${JSON.stringify(stops)})`);
  }
  await page.keyboard.press("Escape");
  // Every drawn box, by Tab, in reading order: band by band, left to right, top to bottom.
  await page.getByRole("button", { name: "show the whole map" }).click();
  await page.waitForTimeout(400);
  const order = await page.evaluate(() => [...document.querySelectorAll("#futures_map a[data-id]")].length);
  await page.locator("#futures_map a[data-id]").first().focus();
  const seen = [];
  for (let n = 0; n < order; n++) {
    seen.push(await page.evaluate(() => document.activeElement?.getAttribute("data-id") || null));
    await page.keyboard.press("Tab");
  }
  // Each box's place in the layout (graph.json), and the layout's bands.
  const layout = await page.evaluate(() => fetch(document.getElementById("futures_map").getAttribute("data-graph")).then((r) => r.json()).then((g) => ({
    rows: [...new Set(g.map.columns.map((c) => c.y))], rects: Object.fromEntries(g.futures.map((f) => [f.id, f.rect])),
  })));
  const place = (id) => { const [x, y] = layout.rects[id]; return { id, x, y, row: layout.rows.filter((r) => r <= y + 0.5).length }; };
  for (let i = 1; i < seen.length; i++) {
    if (!seen[i - 1] || !seen[i]) { problems.push(`keyboard: Tab stop ${i} of the map is not a box`); break; }
    const a = place(seen[i - 1]), b = place(seen[i]);
    const ok = b.row > a.row || (b.row === a.row && (b.x > a.x || (b.x === a.x && b.y > a.y)));
    if (!ok) problems.push(`keyboard: Tab goes from ${a.id} to ${b.id}, against reading order (${JSON.stringify({ a, b })})`);
  }
  results.map_tab_stops = seen.length;
}
const MAX_PANEL_STOPS = 4;

try {
  for (const colorScheme of ["light", "dark"]) {
    const { page, context } = await open({ ...DESKTOP, colorScheme }, "futures/");
    await page.waitForSelector("html[data-map-ready]");
    results["scale_" + colorScheme] = await scale(page, `the map's colours, ${colorScheme}`);
    if (colorScheme === "light") await keyboard(page).catch((e) => problems.push(`keyboard: ${String(e).split("\n")[0]}`));
    await context.close();
  }
  for (const [mode, options] of Object.entries(MODES)) {
    for (const path of config.pages) {
      const { page, context } = await open(options, path);
      await settled(page, path);
      await audit(page, `${mode} /${path}`);
      await context.close();
    }
    // Pages the example site may not have (resolved futures, evidence,
    // settled bets), from fixture sites served beside it.
    for (const site of config.sites || []) {
      for (const path of site.pages) {
        const { page, context } = await open(options, path, site.url);
        await settled(page, path);
        await audit(page, `${mode} ${site.name} /${path}`);
        await context.close();
      }
    }
    for (const [state, [path, act]] of Object.entries(STATES)) {
      const { page, context } = await open(options, path);
      await settled(page, path);
      try {
        await act(page);
        await audit(page, `${mode} /${path} with ${state}`);
      } catch (e) {
        problems.push(`${mode} /${path}: could not open ${state}: ${String(e).split("\n")[0]}`);
      }
      await context.close();
    }
  }
  for (const [mode, options] of Object.entries({ ...MODES, "phone dark": { ...PHONE, colorScheme: "dark" } })) {
    for (const [state, [path, act]] of Object.entries(RESOLVED)) {
      const { page, context } = await open(options, path, config.resolvedUrl);
      await settled(page, path);
      try {
        await act(page);
        await audit(page, `${mode} resolved site /${path} with ${state}`);
      } catch (e) {
        problems.push(`${mode} resolved site /${path}: could not open ${state}: ${String(e).split("\n")[0]}`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
if (problems.length) {
  console.error(`${problems.length} accessibility problems:\n` + problems.join("\n"));
  process.exit(1);
}
console.log(JSON.stringify(results));
