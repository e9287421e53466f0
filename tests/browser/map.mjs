// Drives Debian's Chromium (no downloaded browser) through the future map.
// Usage: node map.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP as DESKTOP_SCREEN, PHONE, check, launch } from "./harness.mjs";
import { mkdirSync } from "node:fs";

const config = JSON.parse(process.argv[2]);
const shots = config.artifacts;
mkdirSync(shots, { recursive: true });
const results = {};
// The desktop window itself: the tests measure against its size.
const DESKTOP = DESKTOP_SCREEN.viewport;
const MIN_PX = 11;

const browser = await launch();

async function open(url, options = {}) {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
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

// Waits for the redraw after a zoom step.
async function zoom(page, name) {
  const before = await page.getAttribute("html", "data-map-rendered");
  await page.getByRole("button", { name, exact: true }).click();
  await page.waitForFunction((b) => document.documentElement.getAttribute("data-map-rendered") !== b, before);
}

// Every drawn text of the live map that is on screen, with its size on screen.
function drawnText(page) {
  return page.evaluate(() => {
    const frame = document.getElementById("futures_map").getBoundingClientRect();
    return [...document.querySelectorAll("#futures_map svg text")].map((t) => {
      const r = t.getBoundingClientRect();
      const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
      return { text: t.textContent, px, inside: r.right > frame.left && r.left < frame.right && r.bottom > frame.top && r.top < frame.bottom };
    }).filter((t) => t.inside && t.text.trim());
  });
}

// Ids that more than one element of the page carries.
function duplicateIds(page) {
  return page.evaluate(() => {
    const seen = {}, twice = [];
    document.querySelectorAll("[id]").forEach((e) => { if (seen[e.id]) twice.push(e.id); seen[e.id] = true; });
    return twice;
  });
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

  // 1. The first view at 1440×900: the frame inside the first screen, every
  // future drawn inside it with its whole title, at 11 px or more.
  {
    const { page, context, errors } = await open(config.url + "futures/");
    results.example_ready_ms = await ready(page);
    const frame = await page.locator("#futures_map").boundingBox();
    check(frame.y >= 0 && frame.y + frame.height <= DESKTOP.height && frame.width >= DESKTOP.width * 0.95, "the frame is not page-wide inside the first screen: " + JSON.stringify(frame));
    check(frame.height >= DESKTOP.height * 0.7, "the frame takes less than most of the screen's height: " + frame.height);
    const shown = await page.evaluate(() => [...document.querySelectorAll("#futures_map svg a[data-id]")].map((a) => {
      const r = a.querySelector("rect").getBoundingClientRect(), texts = [...a.querySelectorAll(":scope > text:not(.node-num):not(.group-count)")];
      return {
        id: a.getAttribute("data-id"), name: a.getAttribute("aria-label"), tip: a.querySelector("title").textContent,
        title: texts.map((t) => t.textContent).join(" "), box: [r.left, r.top, r.right, r.bottom],
        px: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a)),
      };
    }));
    check(shown.length === config.futures, `the first view shows ${shown.length} of ${config.futures} futures`);
    for (const f of shown) {
      const title = config.titles[f.id];
      check(f.title === title, `${f.id} reads "${f.title}", not its title "${title}"`);
      check(f.px >= MIN_PX, `${f.id}'s title is ${f.px.toFixed(1)} px on screen`);
      check(f.name.startsWith(title) && f.tip.startsWith(title), `${f.id}'s accessible name or tooltip lacks its full title`);
      check(f.box[0] >= frame.x && f.box[2] <= frame.x + frame.width && f.box[1] >= frame.y && f.box[3] <= frame.y + frame.height, `${f.id} is outside the frame`);
    }
    check((await page.locator("#futures_map .axis text").count()) > 0, "no time axis");
    check((await page.locator(".map-hint").isVisible()), "no first-time hint");
    check((await duplicateIds(page)).length === 0, "element ids collide: " + (await duplicateIds(page)).join(", "));
    await page.screenshot({ path: `${shots}/map-first-view.png` });

    // 2. At six zoom levels no text is drawn under 11 px; out of the first
    // view groups close into marks, and the hint is gone once used.
    const levels = [["Zoom out"], ["Zoom out"], ["Zoom in"], ["Zoom in"], ["Zoom in"], ["Zoom in"]];
    for (const [i, [name]] of levels.entries()) {
      await zoom(page, name);
      const small = (await drawnText(page)).filter((t) => t.px < MIN_PX - 0.01);
      check(small.length === 0, `zoom level ${i + 1}: text under ${MIN_PX} px: ` + JSON.stringify(small.slice(0, 3)));
      if (i === 0) {
        check((await page.locator("#futures_map .group.closed").count()) > 0, "zooming out closed no group");
        check((await page.locator("#futures_map .group.closed .mark").count()) > 0, "a closed group shows no marks");
        await page.screenshot({ path: `${shots}/map-zoomed-out.png` });
      }
    }
    check(!(await page.locator(".map-hint").count()), "the hint stays after zooming");
    await page.screenshot({ path: `${shots}/map-zoomed-in.png` });
    check((await page.locator("#futures_map .edge-label").count()) > 0, "no P(edge) label when zoomed in");

    // 3. Search finds a future, centres it and opens its panel.
    await page.getByRole("button", { name: "Show the whole map" }).click();
    await page.getByRole("combobox", { name: "Find a future" }).fill(config.search);
    await page.keyboard.press("Enter");
    await page.waitForSelector(".map-panel:not([hidden]) h3");
    check((await page.textContent(".map-panel h3")).trim() === config.searchTitle, "search opened the wrong future");
    const node = page.locator(`#futures_map a[data-id="${config.searchId}"]`);
    const box = await node.boundingBox();
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
    check(await page.locator(".map-panel").isVisible(), "Enter did not select the focused future");
    await page.keyboard.press("Escape");

    // 5. Full screen: the map fills the window; Escape leaves it.
    await page.getByRole("button", { name: "Full screen" }).click();
    const full = await page.locator("#futures_map").boundingBox();
    check(full.width >= DESKTOP.width - 40 && full.height >= DESKTOP.height - 120, "full screen does not fill the window: " + JSON.stringify(full));
    check(await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1 || getComputedStyle(document.documentElement).overflow === "hidden"), "the page scrolls under the full-screen map");
    await page.screenshot({ path: `${shots}/map-fullscreen.png` });
    await page.keyboard.press("Escape");
    check(!(await page.locator(".map-section.fullscreen").count()), "Escape did not leave full screen");
    check((await page.locator("#futures_map").boundingBox()).height < full.height, "the frame did not return to the page");
    check(errors.length === 0, "console errors: " + errors.join(" | "));

    // The hint does not come back once used.
    await page.reload();
    await ready(page);
    check(!(await page.locator(".map-hint").count()), "the hint came back after it was used");
    await context.close();
  }

  // 6. The model in model.js gives the build's numbers: every implied
  // probability, disagreement and bet payoff of graph.json, on the three
  // sites (the big one and tests/sites/resolved with resolved futures).
  const sites = { example: config.url, big: config.bigUrl, resolved: config.resolvedUrl };
  for (const [name, site] of Object.entries(sites)) {
    const { page, context } = await open(site + "futures/");
    await ready(page);
    const wrong = await page.evaluate(async () => {
      const { model, compute, assumed, payoff, payoffText } = await import(document.querySelector("script[type=module]").src.replace(/map\.js$/, "model.js"));
      const data = await (await fetch(document.getElementById("futures_map").getAttribute("data-graph"))).json();
      // An empty reader's view goes through the same path as one with values.
      const m = model(data), nums = compute(m, assumed(m, [])), out = [];
      let swings = 0;
      data.futures.forEach((f) => {
        const n = nums[f.id];
        if (n.implied !== f.implied || n.disagreement !== f.disagreement) out.push([f.id, n.implied, f.implied, n.disagreement, f.disagreement]);
      });
      data.bets.forEach((b) => {
        const p = payoff(m, b.wins_if, b.loses_if, nums);
        if (p.kind !== b.payoff.kind || p.low !== b.payoff.low || p.high !== b.payoff.high) out.push([b.id, p, b.payoff]);
        if (payoffText(m.rules, p) !== b.payoff.display) out.push([b.id, payoffText(m.rules, p), b.payoff.display]);
        // A bet the build settled is certain here too: won 1, lost 0.
        const certain = b.settled && (b.settled.verdict === "won" ? 1 : 0);
        if (b.settled && (p.low !== certain || p.high !== certain)) out.push([b.id, b.settled.verdict, p]);
        // What moves the bet: the build's swings, each recomputed here with
        // the future set to 1 and to 0 and the rest following the arrows.
        b.swings.forEach((w) => {
          const mid = (/** @type {number} */ x) => {
            const c = payoff(m, b.wins_if, b.loses_if, compute(m, { [w.future]: x }));
            return c.low == null || c.high == null ? NaN : (c.low + c.high) / 2;
          };
          const swing = mid(1) - mid(0);
          if (swing !== w.swing) out.push([b.id, w.future, swing, w.swing]);
          swings++;
        });
      });
      return { out, futures: data.futures.length, bets: data.bets.length, swings, settled: Object.keys(m.fixed).length };
    });
    check(wrong.out.length === 0, `model.js disagrees with the build on ${site}: ` + JSON.stringify(wrong.out.slice(0, 5)));
    results["model_checked_" + name] = wrong.futures;
    results["model_checked_" + name + "_bets"] = wrong.bets;
    results["model_checked_" + name + "_swings"] = wrong.swings;
    results["model_checked_" + name + "_settled"] = wrong.settled;
    await context.close();
  }

  // 7. A deep link on a desktop centres the future with its panel open.
  {
    const { page, context, errors } = await open(config.url + "futures/#" + config.deepLink);
    await ready(page);
    await page.waitForSelector(".map-panel:not([hidden]) h3");
    check((await page.textContent(".map-panel h3")).trim() === config.deepLinkTitle, "deep link opened the wrong panel");
    check(await page.locator(`#futures_map a[data-id="${config.deepLink}"].selected`).isVisible(), "deep-linked future not drawn");
    check((await page.evaluate(() => scrollY)) === 0, "the page scrolled away from the map");
    check((await page.locator("#futures_map a.dim").count()) > 0, "the rest is not dimmed around the selection");
    // The example's snapshot of discussions is empty: the panel invites the first one.
    const invite = page.locator(".map-panel dd.community a");
    check((await page.textContent(".map-panel dd.community")).startsWith("no votes yet · start the discussion"), "the panel shows no discussion line");
    check((await invite.getAttribute("href")).startsWith(config.repository + "/issues/new?"), "the discussion link does not open a new issue");
    await page.screenshot({ path: `${shots}/map-deep-link.png` });
    check(errors.length === 0, "console errors: " + errors.join(" | "));
    await context.close();
  }

  // 8. A bet marks where it wins and loses, its essential fork, and the legend says so.
  {
    const { page, context } = await open(config.url + "futures/?bet=" + config.bet);
    await ready(page);
    await page.waitForTimeout(200);
    check((await page.locator("#futures_map .win").count()) > 0, "no winning future marked");
    check((await page.locator("#futures_map .lose").count()) > 0, "no losing future marked");
    check((await page.locator("#futures_map .fork").count()) === 1, "the essential fork is not marked");
    // Its groups are opened by hand, at whatever zoom shows all of it: titles too small there are hidden.
    const small = (await drawnText(page)).filter((t) => t.px < MIN_PX - 0.01);
    check(small.length === 0, "the bet's view draws text under 11 px: " + JSON.stringify(small.slice(0, 3)));
    for (const words of ["wins if it happens", "loses if it happens", "the fork it rides on"]) {
      check(await page.locator(".map-legend li", { hasText: words }).isVisible(), "the legend does not explain: " + words);
    }
    await page.screenshot({ path: `${shots}/map-bet.png` });
    await context.close();
  }

  // 9. Without JavaScript: the static map, all open, titled, and the table.
  {
    const { page, context } = await open(config.url + "futures/", { javaScriptEnabled: false });
    check((await page.locator("#futures_map svg a.node").count()) + (await page.locator("#futures_map svg a.group.open").count()) === config.futures, "the static map does not show every future open");
    check((await page.locator("table.futures-table tbody tr").count()) === config.futures, "the table does not list every future");
    check((await page.locator(".map-legend").isVisible()), "no legend without JavaScript");
    check((await duplicateIds(page)).length === 0, "element ids collide without JavaScript");
    const small = await page.evaluate(() => [...document.querySelectorAll("#futures_map svg text")].filter((t) => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a < 11 - 0.01).length);
    check(small === 0, `${small} static texts under 11 px`);
    await page.screenshot({ path: `${shots}/map-no-js.png` });
    await context.close();
  }

  // 10. A phone: a clearly labelled way into the map; a deep link shows the
  // map full screen with the panel as a bottom sheet, not the table.
  {
    const { page, context } = await open(config.url + "futures/", PHONE);
    await ready(page);
    const open_ = page.getByRole("button", { name: "Open the map full screen" });
    check(await open_.isVisible(), "no labelled control opens the map on a phone");
    const small = (await drawnText(page)).filter((t) => t.px < MIN_PX - 0.01);
    check(small.length === 0, "the phone's preview draws text under 11 px: " + JSON.stringify(small.slice(0, 3)));
    check((await page.locator("#futures_map .group.closed .group-title").count()) > 0, "the phone's preview titles no group");
    await page.screenshot({ path: `${shots}/map-phone-preview.png` });
    await open_.tap();
    const full = await page.locator("#futures_map").boundingBox();
    check(full.width >= 370 && full.height >= 844 * 0.6, "the map does not open full screen on a phone: " + JSON.stringify(full));
    // Real touches (through the DevTools protocol): one finger pans, two pinch.
    const cdp = await context.newCDPSession(page);
    const view = () => page.getAttribute("#futures_map svg > g", "transform");
    const touch = (type, points) => cdp.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([x, y], id) => ({ x, y, id })) });
    const [cx, cy] = [full.x + full.width / 2, full.y + full.height / 2];
    let before = await view();
    await touch("touchStart", [[cx, cy]]);
    for (let i = 1; i <= 5; i++) await touch("touchMove", [[cx - 12 * i, cy + 8 * i]]);
    await touch("touchEnd", []);
    check((await view()) !== before, "a finger does not pan the map");
    before = await view();
    await touch("touchStart", [[cx - 30, cy], [cx + 30, cy]]);
    for (let i = 1; i <= 5; i++) await touch("touchMove", [[cx - 30 - 15 * i, cy], [cx + 30 + 15 * i, cy]]);
    await touch("touchEnd", []);
    const scale = (t) => Number(/scale\(([\d.]+)\)/.exec(t)[1]);
    check(scale(await view()) > scale(before) * 1.5, "two fingers do not zoom the map: " + before + " → " + (await view()));
    await context.close();
  }
  {
    const { page, context } = await open(config.url + "futures/#" + config.deepLink, PHONE);
    await ready(page);
    await page.waitForSelector(".map-panel:not([hidden])");
    check(await page.locator(".map-section.fullscreen").count() === 1, "a phone's deep link does not show the map full screen");
    const sheet = await page.locator(".map-panel").boundingBox(), frame = await page.locator("#futures_map").boundingBox();
    check(Math.abs(sheet.y + sheet.height - (frame.y + frame.height)) < 3 && sheet.width > frame.width - 4, "the panel is not a bottom sheet");
    check((await page.textContent(".map-panel h3")).trim() === config.deepLinkTitle, "the phone's deep link opened the wrong panel");
    // The map pans to the future once the sheet has its size: on a busy
    // machine that lands a few frames after the panel shows.
    const inView = async () => {
      const node = await page.locator(`#futures_map a[data-id="${config.deepLink}"]`).boundingBox();
      return node && node.y >= frame.y && node.y + node.height <= sheet.y + 1 && node.x >= frame.x && node.x + node.width <= frame.x + frame.width;
    };
    let shown = await inView();
    for (let tries = 0; !shown && tries < 30; tries++) {
      await page.waitForTimeout(100);
      shown = await inView();
    }
    check(shown, "the deep-linked future is not in view above the sheet");
    await page.screenshot({ path: `${shots}/map-phone.png` });
    await context.close();
  }

  // 11. On a phone the table and a future page fit the screen; the
  // probability column shows without scrolling.
  for (const path of ["futures/", "futures/" + config.deepLink + "/"]) {
    const { page, context } = await open(config.url + path, PHONE);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    check(wide <= 390, `${path} is ${wide} px wide on a 390 px phone`);
    if (path === "futures/") {
      const cell = await page.locator("table.futures-table tbody tr td.num").first().boundingBox();
      check(cell.x + cell.width <= 390, "the table's probability column is off the phone's screen");
    }
    await context.close();
  }

  // 12. The large site: time to interactive and one zoom step.
  if (config.bigUrl) {
    const { page, context, errors, started } = await open(config.bigUrl + "futures/");
    results.big_ready_ms = await ready(page);
    results.big_load_wall_ms = Date.now() - started;
    await page.screenshot({ path: `${shots}/map-5000.png` });
    check((await page.locator("#futures_map .group.closed .mark").count()) > 0, "the large site's closed groups show no marks");
    // Its few resolved futures' marks are outlined, and only theirs.
    const outlined = await page.locator("#futures_map .mark.settled").evaluateAll((ms) => ms.map((m) => m.getAttribute("data-id")));
    check(outlined.length > 0 && outlined.every((id) => Number(id.slice(7)) % 1000 === 500), "the large site's settled futures' marks are not the outlined ones: " + outlined.join(", "));
    const small = (await drawnText(page)).filter((t) => t.px < MIN_PX - 0.01);
    check(small.length === 0, "the large site's first view draws text under 11 px: " + JSON.stringify(small.slice(0, 3)));
    check((await page.locator('#futures_map a[data-id="loose-0"]').count()) === 1, "a future in no era is not drawn");
    const t0 = Date.now();
    await zoom(page, "Zoom in");
    results.big_zoom_step_ms = Date.now() - t0;
    results.big_render_ms = Number(await page.getAttribute("html", "data-map-render-ms"));
    results.big_drawn_nodes = await page.locator("#futures_map a[data-id]").count();
    check(errors.length === 0, "console errors on the large site: " + errors.join(" | "));
    await context.close();
  }
  console.log(JSON.stringify(results));
  await browser.close();
} catch (e) {
  console.error(String(e && e.stack || e));
  await browser.close();
  process.exit(1);
}
