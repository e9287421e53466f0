// Phones, words and weight in Debian's Chromium: every page kind fits a
// 390 px phone, search results and the futures table's numbers are on
// screen, the full-screen map uses the screen; the example site built from
// its snapshot says its values' age once, in words; a page loads the
// reader's-view code and graph.json only when a view needs them, and
// syntax.css only with coloured code.
// Usage: node phone.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { PHONE as PHONE_SCREEN, check, launch } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const results = {};
// Sharp enough to read the screenshots it leaves.
const PHONE = { ...PHONE_SCREEN, deviceScaleFactor: 2 };

const browser = await launch();

/** A page in a fresh context, recording the paths it requested. */
async function open(path, options = PHONE) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [], errors = [];
  page.on("request", (r) => requests.push(new URL(r.url()).pathname));
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(config.url + path, { waitUntil: "networkidle" });
  return { page, context, requests, errors };
}

const inViewport = (box) => box && box.x >= -1 && box.x + box.width <= PHONE.viewport.width + 1;

try {
  const { url } = config;

  // 1. No page kind is wider than the phone; what made one wider is named.
  for (const path of config.pages) {
    const { page, context, errors } = await open(path);
    const wide = await page.evaluate(() => {
      const out = [];
      for (const e of document.querySelectorAll("main *, .site-header *, .site-footer *")) {
        const r = e.getBoundingClientRect();
        if (r.width && r.right > 390 + 1 && !e.closest(".table-wrap, .matrix-wrap, .content table, pre, .skip, .map-frame")) out.push(e.tagName + " “" + (e.textContent || "").trim().slice(0, 40) + "”");
      }
      return { scroll: document.documentElement.scrollWidth, inner: innerWidth, out: out.slice(-3) };
    });
    // A phone widens its layout to fit what overflows (innerWidth grows too): compared with the screen's own width.
    const screen = PHONE.viewport.width;
    check(wide.scroll <= screen && wide.inner <= screen, `${path} is ${Math.max(wide.scroll, wide.inner)} px wide on a ${screen} px phone: ${wide.out.join(", ")}`);
    check(errors.length === 0, `${path}: ${errors.join(" | ")}`);
    await context.close();
  }
  results.pages_checked = config.pages.length;

  // 2. The header's search results sit on the screen, under the box.
  {
    const { page, context } = await open("");
    await page.locator(".site-search input").fill(config.searchQuery);
    await page.waitForSelector(".site-search .search-results li a");
    const box = await page.locator(".site-search .search-results").boundingBox();
    check(inViewport(box), "the search results are off the phone's screen: " + JSON.stringify(box));
    await context.close();
  }

  // 3. The futures table: title, probability and (with a view) the reader's
  // column on screen; the folded columns still read in the title's cell.
  {
    const { page, context } = await open("futures/?view=" + config.viewId + ":yes");
    await page.waitForSelector("table.futures-table th.view-col");
    const row = page.locator("table.futures-table tbody tr").first();
    for (const [what, cell] of [["title", row.locator("td").first()], ["probability", row.locator("td.num").first()], ["your view", row.locator("td.view-col")]]) {
      check(inViewport(await cell.boundingBox()), `the table's ${what} cell is off the phone's screen`);
    }
    check(/implied \S+%/.test(await row.locator(".row-more").innerText()), "the folded implied probability does not read under the title");
    check(await page.locator(".scroll-hint:visible").count() === 0, "the futures table says it scrolls although it fits");
    await context.close();
  }

  // 4. The full-screen map fills the screen with futures from its top, and
  // a tapped group opens with none of its futures faded.
  {
    const { page, context } = await open("futures/");
    await page.waitForSelector("html[data-map-ready]");
    await page.getByRole("button", { name: "Open the map full screen" }).tap();
    await page.waitForTimeout(300);
    const section = await page.locator(".map-section").boundingBox(), frame = await page.locator("#futures_map").boundingBox();
    check(section.width >= 389 && section.height >= 843, "full screen is not the whole screen: " + JSON.stringify(section));
    const tops = await page.evaluate(() => [...document.querySelectorAll("#futures_map svg a[data-id] > rect")].map((r) => r.getBoundingClientRect()).filter((r) => r.width > 0).map((r) => r.top));
    const firstTop = Math.min(...tops) - frame.y;
    results.fullscreen_blank_top_px = Math.round(firstTop);
    check(firstTop < frame.height * 0.2, `the full-screen map leaves the top ${Math.round(firstTop)} of ${Math.round(frame.height)} px blank`);
    // Zoomed out until groups close, a tap opens one.
    for (let i = 0; i < 4 && !(await page.locator("#futures_map a.group.closed").count()); i++) {
      await page.getByRole("button", { name: "Zoom out" }).tap();
      await page.waitForTimeout(400);
    }
    const group = page.locator("#futures_map a.group.closed").first();
    await group.tap();
    await page.waitForTimeout(300);
    const faded = await page.locator("#futures_map a.node.dim").count();
    check(faded === 0, `a tapped group opens with ${faded} futures faded`);
    await context.close();
  }

  // 5. Words: the example built from its snapshot says its values' age once,
  // as a date, and no badge or mark calls them stale.
  {
    const { page, context } = await open("");
    const footer = await page.locator(".site-footer").innerText();
    check(/Market values as of \d+(–\d+)? \w+ \d{4}/.test(footer), "the footer does not say when market values were read: " + footer);
    const alarms = await page.locator("main .flag", { hasText: "stale" }).count();
    check(alarms === 0, `the home page shows ${alarms} “stale” badges`);
    check(!(await page.locator("main").innerText()).includes("↺"), "the home page shows ↺ marks");
    check(await page.locator(".status-key").count() === 1, "the home page shows bet statuses without a key");
    await context.close();
  }
  {
    const { page, context } = await open("bets/");
    const key = await page.locator(".status-key").innerText();
    for (const s of ["idea", "planned", "placed"]) check(key.includes(s), `/bets/ has no key for “${s}”`);
    await context.close();
  }
  {
    const { page, context } = await open("futures/" + config.childId + "/");
    const text = await page.locator("main").innerText();
    check(text.includes("implied by the futures that lead here") && !text.includes("Σ"), "the implied probability is explained by a formula, not in words");
    await context.close();
  }
  {
    const { page, context } = await open("futures/", { viewport: { width: 1440, height: 900 } });
    await page.waitForSelector("html[data-map-ready]");
    for (const box of await page.locator(".map-tools .filters input, .map-tools .filters select").all()) {
      const label = await box.evaluate((e) => (e.closest("label") || { textContent: "" }).textContent.trim());
      check(label !== "", "a filter box has no visible label");
    }
    await context.close();
  }

  // 6. Weight: a post naming futures, without a view, loads no view code
  // and no graph; with a view stored it does; syntax.css comes only with coloured code.
  const viewCode = (requests) => requests.filter((p) => /\/(graph\.json|view\.js|view-ui\.js|model\.js)$/.test(p));
  {
    const { page, context, requests } = await open(config.plainPost);
    check(viewCode(requests).length === 0, "a post with no view loads " + viewCode(requests).join(", "));
    check(!requests.some((p) => p.endsWith("/syntax.css")), "a post without code loads syntax.css");
    results.post_requests = requests.length;
    // The same reader, with a view stored on another page, then back at the post.
    await page.goto(url + "futures/?view=" + config.viewId + ":yes", { waitUntil: "networkidle" });
    requests.length = 0;
    await page.goto(url + config.plainPost, { waitUntil: "networkidle" });
    for (const file of ["graph.json", "view.js", "model.js"]) check(requests.some((p) => p.endsWith("/" + file)), `a post with a stored view does not load ${file}`);
    await page.waitForSelector("#your_view:not([hidden])");
    await context.close();
  }
  {
    const { context, requests } = await open(config.codePost);
    check(requests.some((p) => p.endsWith("/syntax.css")), "a post with coloured code does not load syntax.css");
    await context.close();
  }
} catch (e) {
  console.error(e.message || e);
  await browser.close();
  process.exit(1);
}
await browser.close();
console.log(JSON.stringify(results));
