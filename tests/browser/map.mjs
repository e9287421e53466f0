// Drives Debian's Chromium (no downloaded browser) through the future map.
// Usage: node map.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const config = JSON.parse(process.argv[2]);
const shots = config.artifacts;
mkdirSync(shots, { recursive: true });
const results = {};

function check(cond, message) {
  if (!cond) throw new Error(message);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
});

async function open(url, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  const started = Date.now();
  await page.goto(url);
  return { page, context, errors, started };
}

async function ready(page) {
  await page.waitForSelector("html[data-map-ready]", { timeout: 15000 });
  return Number(await page.getAttribute("html", "data-map-ready"));
}

try {
  // 0. The search box: "/" reaches it; a query shows ranked results with a snippet.
  {
    const { page, context, errors } = await open(config.url);
    await page.keyboard.press("/");
    check(await page.evaluate(() => document.activeElement && document.activeElement.matches(".site-search input")), "/ does not focus the search box");
    await page.keyboard.type(config.searchQuery);
    await page.waitForSelector(".site-search .search-results li a");
    const titles = await page.locator(".site-search .search-results li a").allTextContents();
    check(titles.includes(config.searchHit), "search did not find " + config.searchHit + " in " + JSON.stringify(titles));
    check((await page.locator(".site-search .search-results mark").count()) > 0, "no highlighted snippet");
    results.search_bytes = await page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/search/")).reduce((n, e) => n + e.encodedBodySize, 0));
    await page.screenshot({ path: `${shots}/search.png` });
    check(errors.length === 0, "console errors: " + errors.join(" | "));
    await context.close();
  }

  // 0b. A word with combining marks (Devanagari) is found whole: the box
  // splits the query with the index's own word rule.
  {
    const { page, context, errors } = await open(config.bigUrl);
    await page.locator(".site-search input").fill(config.otherScriptQuery);
    await page.waitForSelector(".site-search .search-results li a");
    const titles = await page.locator(".site-search .search-results li a").allTextContents();
    check(titles.includes(config.otherScriptHit), "search for " + config.otherScriptQuery + " did not find " + config.otherScriptHit + " in " + JSON.stringify(titles));
    check(errors.length === 0, "console errors: " + errors.join(" | "));
    await context.close();
  }

  // 1. The map loads with no console errors and draws the top level.
  {
    const { page, context, errors } = await open(config.url + "futures/");
    results.example_ready_ms = await ready(page);
    check((await page.locator("#map svg a[data-id]").count()) > 0, "no nodes drawn");
    check((await page.locator("#map .group.closed").count()) > 0, "groups start closed at the top level");
    await page.screenshot({ path: `${shots}/map-top.png` });

    // 2. Zooming in opens a group in place.
    for (let i = 0; i < 8 && (await page.locator("#map .group.open").count()) === 0; i++) {
      await page.getByRole("button", { name: "Zoom in" }).click();
      await page.waitForTimeout(250);
    }
    check((await page.locator("#map .group.open").count()) > 0, "zooming in opened no group");
    check((await page.locator("#map a.node").count()) > 0, "an open group shows its futures");
    await page.screenshot({ path: `${shots}/map-zoomed.png` });

    // 3. Search finds a future, centres it and opens its panel.
    await page.getByRole("button", { name: "Show the whole map" }).click();
    await page.getByRole("combobox", { name: "Find a future" }).fill(config.search);
    await page.keyboard.press("Enter");
    await page.waitForSelector(".map-panel:not([hidden]) h3");
    check((await page.textContent(".map-panel h3")).trim() === config.searchTitle, "search opened the wrong future");
    const node = page.locator(`#map a[data-id="${config.searchId}"]`);
    const box = await node.boundingBox(), frame = await page.locator("#map").boundingBox();
    check(box && box.x >= frame.x && box.x + box.width <= frame.x + frame.width && box.y >= frame.y && box.y + box.height <= frame.y + frame.height, "the found future is not in view");
    check(page.url().endsWith("#" + config.searchId), "the URL does not follow the selection");
    await page.screenshot({ path: `${shots}/map-search.png` });

    // 4. Keyboard: arrows move between futures, Escape closes the panel.
    await node.focus();
    await page.keyboard.press("ArrowRight");
    const moved = await page.evaluate(() => document.activeElement && document.activeElement.getAttribute("data-id"));
    check(moved && moved !== config.searchId, "ArrowRight did not move to another future");
    await page.keyboard.press("Escape");
    check(await page.locator(".map-panel").isHidden(), "Escape did not close the panel");
    await page.keyboard.press("Enter");
    check(await page.locator(".map-panel").isVisible() || (await page.locator("#map .group.open").count()) > 0, "Enter did nothing");

    // 5. Hover highlights ancestors and descendants, dimming the rest.
    check(errors.length === 0, "console errors: " + errors.join(" | "));
    await context.close();
  }

  // 6. A deep link opens the groups needed and the right panel.
  {
    const { page, context, errors } = await open(config.url + "futures/#" + config.deepLink);
    await ready(page);
    await page.waitForSelector(".map-panel:not([hidden]) h3");
    check((await page.textContent(".map-panel h3")).trim() === config.deepLinkTitle, "deep link opened the wrong panel");
    check(await page.locator(`#map a[data-id="${config.deepLink}"].selected`).isVisible(), "deep-linked future not drawn");
    check((await page.locator("#map a.dim").count()) > 0, "the rest is not dimmed around the selection");
    await page.screenshot({ path: `${shots}/map-deep-link.png` });
    check(errors.length === 0, "console errors: " + errors.join(" | "));
    await context.close();
  }

  // 7. A bet highlights where it wins and loses, and its essential fork.
  {
    const { page, context } = await open(config.url + "futures/?bet=" + config.bet);
    await ready(page);
    await page.waitForTimeout(200);
    check((await page.locator("#map .win").count()) > 0, "no winning future marked");
    check((await page.locator("#map .lose").count()) > 0, "no losing future marked");
    check((await page.locator("#map .fork").count()) === 1, "the essential fork is not marked");
    await page.screenshot({ path: `${shots}/map-bet.png` });
    await context.close();
  }

  // 8. Without JavaScript the top level and the table are there.
  {
    const { page, context } = await open(config.url + "futures/", { javaScriptEnabled: false });
    check((await page.locator("#map svg a[data-id]").count()) > 0, "no static SVG nodes");
    check((await page.locator("table.futures-table tbody tr").count()) === config.futures, "the table does not list every future");
    await page.screenshot({ path: `${shots}/map-no-js.png` });
    await context.close();
  }

  // 9. A phone: the panel is a bottom sheet.
  {
    const { page, context } = await open(config.url + "futures/#" + config.deepLink, { viewport: { width: 390, height: 800 }, hasTouch: true, isMobile: true });
    await ready(page);
    await page.waitForSelector(".map-panel:not([hidden])");
    const sheet = await page.locator(".map-panel").boundingBox(), frame = await page.locator("#map").boundingBox();
    check(Math.abs(sheet.y + sheet.height - (frame.y + frame.height)) < 3 && sheet.width > frame.width - 4, "the panel is not a bottom sheet");
    await page.screenshot({ path: `${shots}/map-phone.png` });
    await context.close();
  }

  // 10. The large site: time to interactive and one zoom step.
  if (config.bigUrl) {
    const { page, context, errors, started } = await open(config.bigUrl + "futures/");
    results.big_ready_ms = await ready(page);
    results.big_load_wall_ms = Date.now() - started;
    const t0 = Date.now();
    await page.getByRole("button", { name: "Zoom in" }).click();
    await page.waitForFunction((before) => document.documentElement.getAttribute("data-map-rendered") !== before, await page.getAttribute("html", "data-map-rendered"));
    results.big_zoom_step_ms = Date.now() - t0;
    results.big_render_ms = Number(await page.getAttribute("html", "data-map-render-ms"));
    results.big_drawn_nodes = await page.locator("#map a[data-id]").count();
    check(errors.length === 0, "console errors on the large site: " + errors.join(" | "));
    await page.screenshot({ path: `${shots}/map-5000.png` });
    await context.close();
  }
  console.log(JSON.stringify(results));
  await browser.close();
} catch (e) {
  console.error(String(e && e.stack || e));
  await browser.close();
  process.exit(1);
}
