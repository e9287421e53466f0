// The bets a reader holds, in Debian's Chromium, on tests/sites/hold (whose
// numbers tests/browser.rs works out by hand): marking bets on /bets/, a
// bet's page and the matrix, by mouse and keyboard; the address (`?hold=`)
// and storage (kept across pages and tabs, a shared address opens with the
// bets, entries that are not bets noted as text, never markup); what a
// future means for them on its page, the map's panel and the futures table;
// the map coloured by them with its legend (its text readable on every
// colour); the uncovered futures on /bets/, moved by a view to the list
// worked out by hand; one control clearing them; nothing without
// JavaScript; and axe-core on every page with bets held, desktop and phone,
// light and dark. Screenshots go to `artifacts`.
// Usage: node hold.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { holdKey } from "../../themes/default/static/view-key.js";

const config = JSON.parse(process.argv[2]);
const { url, hand } = config;
const shots = config.artifacts;
mkdirSync(shots, { recursive: true });
const results = {};
const stored = holdKey(new URL(url).pathname);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const browser = await launch();

async function context(options = DESKTOP) {
  const ctx = await browser.newContext(options);
  const errors = [];
  ctx.on("page", (p) => {
    p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("dialog", (d) => { errors.push("a dialog opened: " + d.message()); d.dismiss(); });
  });
  return { ctx, errors };
}

// The text of the element `selector` once it holds `want`.
async function waitText(page, selector, want, message) {
  try {
    await page.waitForFunction(([s, w]) => [...document.querySelectorAll(s)].some((e) => e.textContent.replace(/\s+/g, " ").includes(w)), [selector, want], { timeout: 5000 });
  } catch (_) {
    const got = await page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent.replace(/\s+/g, " ").trim()).join(" | "), selector);
    throw new Error(`${message}: wanted “${want}” in ${selector}, found “${got}”`);
  }
}

// Waits for the address's `?hold=` to be `want` (null: none).
async function address(page, want, message) {
  try {
    await page.waitForFunction((v) => new URLSearchParams(location.search).get("hold") === v, want, { timeout: 5000 });
  } catch (_) {
    throw new Error(`${message}: the address is ${page.url()}`);
  }
}

const storage = (page) => page.evaluate((k) => localStorage.getItem(k), stored);
const toggle = (page, id) => page.getByRole("button", { name: "I hold this bet: “" + config.titles.bets[id] + "”" });
const pressed = async (page, id) => (await toggle(page, id).getAttribute("aria-pressed")) === "true";
// The uncovered list as [id, the probability's text].
const uncovered = (page) => page.evaluate(() => [...document.querySelectorAll(".uncovered-list li")].map((li) => [li.getAttribute("data-uncovered-future"), li.querySelector(".uncovered-p").textContent]));
async function waitUncovered(page, want, message) {
  try {
    await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll(".uncovered-list li")].map((li) => [li.getAttribute("data-uncovered-future"), li.querySelector(".uncovered-p").textContent])) === w, JSON.stringify(want), { timeout: 5000 });
  } catch (_) {
    throw new Error(`${message}: wanted ${JSON.stringify(want)}, the list is ${JSON.stringify(await uncovered(page))}`);
  }
}

// WCAG 2.1 contrast, for the map's text on its colours.
const linear = (v) => (v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
const rgb = (css) => css.match(/[\d.]+/g).slice(0, 3).map(Number);
const luminance = (c) => { const [r, g, b] = c.map(linear); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => p - q); return (y + 0.05) / (x + 0.05); };

async function audit(page, where) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(() => window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] })
    .then((r) => r.violations.map((v) => `${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)));
  check(found.length === 0, `${where}: axe found ${found.join("; ")}`);
  results.audited = (results.audited || 0) + 1;
}

try {
  // 1. /bets/ with nothing held: every bet has a toggle named for it, the
  // uncovered futures' place invites the reader; marking by keyboard.
  const { ctx, errors } = await context();
  const page = await ctx.newPage();
  await page.goto(url + "bets/");
  await page.waitForSelector("button.hold-toggle");
  for (const id of Object.keys(config.titles.bets)) check(await toggle(page, id).count() === 1, `no “I hold this bet” toggle for ${id} on /bets/`);
  check(!(await pressed(page, hand.chips)), "a bet is held before the reader marks it");
  await waitText(page, ".uncovered", "Mark the bets you hold", "the uncovered section does not invite the reader");
  check(!(await page.locator("#your_bets").isVisible()), "the box of held bets shows while none is held");
  await toggle(page, hand.chips).focus();
  await page.keyboard.press("Enter");
  await address(page, hand.chips, "marking a bet did not put it in the address");
  check(await pressed(page, hand.chips), "Enter on the toggle did not press it");
  // The next toggle by Tab, pressed with Space.
  let reached = false;
  for (let n = 0; n < 12 && !reached; n++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.classList.contains("hold-toggle") ?? false);
  }
  check(reached, "Tab does not reach the next bet's toggle");
  const next = await page.evaluate(() => document.activeElement.closest("[data-bet]").getAttribute("data-bet"));
  await page.keyboard.press(" ");
  check(await pressed(page, next), "Space on a toggle did not press it");
  if (next !== hand.hedge) {
    await page.keyboard.press(" ");
    await toggle(page, hand.hedge).click();
  }
  await address(page, hand.chips + "," + hand.hedge, "the address does not hold both bets");
  check(await storage(page) === hand.chips + "," + hand.hedge, "storage does not hold both bets: " + await storage(page));
  await waitText(page, "#your_bets", "Your bets: 2 held", "the box does not count the bets held");
  check(await page.locator(`li.bet-item.held[data-bet="${hand.chips}"]`).count() === 1, "a held bet is not marked in the list");
  // Holding chips and the hedge only: the policy career's futures are uncovered too.
  await waitUncovered(page, hand.uncoveredTwo, "the uncovered futures of chips and the hedge");

  // 2. A bet's page, reached by a link: the bets followed; marking it there.
  await page.click(`a.bet-title[href$="/bets/${hand.policy}/"]`);
  await page.waitForSelector(".hold-row button.hold-toggle");
  await waitText(page, "#your_bets", "Your bets: 2 held", "the held bets did not follow to a bet's page");
  await address(page, hand.chips + "," + hand.hedge, "a bet's page does not write the bets into its address");
  check(!(await pressed(page, hand.policy)), "the policy bet is marked before it is held");
  await toggle(page, hand.policy).click();
  await address(page, [hand.chips, hand.hedge, hand.policy].join(","), "marking on a bet's page");
  check(await page.locator("article.bet.held").count() === 1, "a held bet's page is not marked");

  // 3. Back on /bets/ by the header's link: the hand-computed uncovered list.
  await page.click('.site-header a[href$="/bets/"]');
  await page.waitForSelector(".uncovered-list");
  await waitUncovered(page, hand.uncovered, "the uncovered futures at the site's numbers");
  await waitText(page, `.uncovered-list li[data-uncovered-future="${hand.loss}"]`, hand.lossWords, "what an uncovered future means for the bets");
  check(await page.locator(".uncovered-list li").count() === hand.uncovered.length, "groups or settled futures in the uncovered list");

  // 4. A view moves futures across the 5% line: the list follows at once,
  // and again when an entry of the view is removed.
  await page.goto(url + "bets/?view=" + hand.view);
  await waitUncovered(page, hand.uncoveredView, "the uncovered futures under the view");
  await waitText(page, ".uncovered > p", "in your view", "the list does not say it follows the view");
  await page.getByRole("button", { name: "Remove “" + config.titles.futures[hand.viewRemoved] + "” from your view" }).click();
  await waitUncovered(page, hand.uncoveredViewLess, "the uncovered futures once the view's entry is removed");
  await page.getByRole("button", { name: "Reset your view" }).click();
  await waitUncovered(page, hand.uncovered, "the uncovered futures once the view is reset");
  // A view under which every future at 5% or more has a bet paying off: a sentence says so.
  await page.goto(url + "bets/?view=" + hand.viewCovered);
  await waitText(page, ".uncovered .uncovered-none", "None: in every future with a probability of 5% or more in your view, at least one of your bets pays off.", "no sentence where nothing is uncovered");
  check(await page.locator(".uncovered-list").count() === 0, "a list where nothing is uncovered");
  await page.getByRole("button", { name: "Reset your view" }).click();
  await waitUncovered(page, hand.uncovered, "the uncovered futures once that view is reset");

  // 5. The matrix: each row's toggle, the held rows marked; a fourth bet marked there.
  await page.goto(url + "bets/matrix/");
  await page.waitForSelector("tr[data-bet] th button.hold-toggle");
  for (const id of Object.keys(config.titles.bets)) check(await page.locator(`tr[data-bet="${id}"] th button.hold-toggle`).count() === 1, `the matrix row of ${id} has no toggle`);
  check(await page.locator("tr.held[data-bet]").count() === 3, "the matrix does not mark the three held bets");
  await toggle(page, hand.settled).click();
  await waitText(page, "#your_bets", "Your bets: 4 held", "marking a bet in the matrix");
  await page.screenshot({ path: `${shots}/hold-matrix-desktop-light.png` });

  // 6. A future's page: what it means for the held bets, by hand.
  await page.goto(url + "futures/" + hand.glut + "/");
  await waitText(page, ".hold-slot .for-your-bets", hand.glutWords, "the future page's “For your bets”");
  for (const [id, line] of hand.glutLines) await waitText(page, `.for-your-bets .hold-bets li:has(a[href$="/bets/${id}/"])`, line, `the line of ${id}`);
  await waitText(page, ".for-your-bets", "Settled already: " + config.titles.bets[hand.settled] + " (won)", "the settled bet");
  check(await page.locator(`.bets-here li.held[data-bet="${hand.policy}"] .held-badge`).count() === 1, "a held bet listed on a future's page has no mark");
  await page.goto(url + "futures/" + hand.race + "/");
  await waitText(page, ".for-your-bets .hold-uncovered", hand.raceWords, "an uncovered future's page does not say so");
  // Under a view that puts it below the line, it says that instead.
  await page.goto(url + "futures/" + hand.race + "/?view=" + hand.race + ":0.03");
  await waitText(page, ".for-your-bets", "at 3% in your view it is under the 5% that counts as uncovered", "the future page under a view");
  await page.getByRole("button", { name: "Reset your view" }).click();
  await waitText(page, ".for-your-bets .hold-uncovered", hand.raceWords, "the future page after a reset");

  // 7. The map: coloured by the bets held, its legend, the panel; the colour kept.
  await page.goto(url + "futures/#" + hand.stall);
  await page.waitForSelector(".map-panel:not([hidden]) .for-your-bets");
  await waitText(page, ".map-panel .for-your-bets", hand.stallWords, "the map's panel");
  const colour = page.getByRole("button", { name: "Colour the map by them" });
  check(await colour.isVisible(), "no control colours the map by the bets held");
  check(await colour.getAttribute("aria-pressed") === "false", "the map starts coloured by the bets");
  await colour.focus();
  await page.keyboard.press("Enter");
  await page.waitForSelector(".map-section.colour-exposure");
  check(await colour.getAttribute("aria-pressed") === "true", "the colour control does not say it is pressed");
  await page.getByRole("button", { name: "Close the details" }).click();
  await page.getByRole("button", { name: "Fit: show the whole map" }).click();
  await page.waitForTimeout(300);
  for (const [id, kind, line] of hand.map) {
    const box = page.locator(`#futures_map a[data-id="${id}"]`);
    check(await box.evaluate((a, k) => a.classList.contains("exp-" + k), kind), `${id} is not coloured “${kind}” on the map: ${await box.getAttribute("class")}`);
    if (line) check((await box.locator(".node-num").textContent()).startsWith(line), `${id}'s box does not say “${line}”: ${await box.locator(".node-num").textContent()}`);
  }
  check((await page.getAttribute(`#futures_map a[data-id="${hand.glut}"]`, "aria-label")).includes("your bets if it happens: 1 wins, 2 lose, net +$1,500"), "a box's name does not say what it means for the bets");
  check(await page.locator(".map-legend .exposure-key").first().isVisible(), "the legend does not explain the colours by the bets");
  check(!(await page.locator(".map-legend .scale").isVisible()), "the legend still shows the probability scale");
  await page.screenshot({ path: `${shots}/hold-map-desktop-light.png` });
  await page.reload();
  await page.waitForSelector(".map-section.colour-exposure #futures_map a.exp-win", { timeout: 5000 }).catch(() => { throw new Error("the colour by the bets held was not kept"); });
  // The futures table's column.
  await waitText(page, `.futures-table tr[data-future="${hand.glut}"] td.hold-col`, "1 wins", "the table's “Your bets” column");
  await waitText(page, `.futures-table tr[data-future="${hand.glut}"] td.hold-col`, "net +$1,500", "the table's amount");
  check(errors.length === 0, "errors: " + errors.join("; "));

  // 8. Another tab follows a change; then one control clears everything.
  const other = await ctx.newPage();
  await other.goto(url + "bets/");
  await waitText(other, "#your_bets", "Your bets: 4 held", "a second tab did not open with the bets");
  await page.goto(url + "bets/");
  await page.getByRole("button", { name: "Stop holding “" + config.titles.bets[hand.settled] + "”" }).click();
  await waitText(other, "#your_bets", "Your bets: 3 held", "a second tab did not follow a change");
  await page.getByRole("button", { name: "Clear your bets" }).click();
  await address(page, null, "clearing left the bets in the address");
  check(await storage(page) === null, "clearing left the bets in storage");
  check(!(await pressed(page, hand.chips)), "a toggle stays pressed after clearing");
  await waitText(page, ".uncovered", "Mark the bets you hold", "the uncovered section after clearing");
  await waitText(other, ".uncovered", "Mark the bets you hold", "a second tab after clearing");
  await other.goto(url + "futures/");
  await other.waitForSelector("html[data-map-ready]");
  check(await other.locator(".futures-table th.hold-col").count() === 0 && !(await other.locator("button.colour-toggle").isVisible()), "the table or the map shows the bets after clearing");
  check(await other.locator("#futures_map a[class*=exp-]").count() === 0, "the map stays coloured by the bets after clearing");
  check(errors.length === 0, "errors: " + errors.join("; "));
  await ctx.close();

  // 9. A shared address opens with its bets; what is not a bet is noted as
  // text and left out; markup never becomes an element.
  {
    const { ctx, errors } = await context();
    const page = await ctx.newPage();
    const hostile = '<img src=x onerror=alert(1)>';
    await page.goto(url + "futures/" + hand.glut + "/?hold=" + encodeURIComponent(hand.chips + ",no-such-bet," + hostile + ',"><script>alert(2)</script>'));
    await waitText(page, ".for-your-bets", "If this happens: 1 of your bets wins (+$2,000).", "a shared address does not open with its bet");
    await waitText(page, "#your_bets .view-notes", "“no-such-bet” is not a bet of this site", "no note on an unknown bet");
    await waitText(page, "#your_bets .view-notes", "“" + hostile + "” is not a bet of this site", "the note does not quote the entry as text");
    check(await page.locator("#your_bets img, #your_bets script, main img[src=x]").count() === 0, "markup from the address became elements");
    await address(page, hand.chips, "the address keeps only the bet");
    check(await storage(page) === hand.chips, "storage keeps only the bet");
    // A bet whose title is markup shows it as text.
    await page.goto(url + "bets/?hold=" + hand.markup);
    await waitText(page, "#your_bets", config.titles.bets[hand.markup], "a title that is markup");
    check(await page.locator("#your_bets em, .bet-list em").count() === 0, "a bet's title became markup");
    check(errors.length === 0, "errors: " + errors.join("; "));
    await ctx.close();
  }

  // 10. Without JavaScript nothing changes.
  {
    const { ctx } = await context({ ...DESKTOP, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(url + "bets/?hold=" + hand.chips);
    check(await page.locator("button.hold-toggle").count() === 0, "a toggle without JavaScript");
    check(!(await page.locator(".uncovered").isVisible()), "the uncovered section shows without JavaScript");
    await ctx.close();
  }

  // 11. The map's text on its colours by the bets, light and dark; axe on
  // every page with bets held (and a view), desktop and phone, light and dark.
  const held = "?hold=" + [hand.chips, hand.hedge, hand.policy, hand.settled].join(",");
  const pages = [
    ["bets/" + held + "&view=" + hand.view, ".uncovered-list"],
    ["bets/" + hand.chips + "/" + held, ".hold-row button"],
    ["bets/matrix/" + held, "tr.held"],
    ["futures/" + hand.glut + "/" + held, ".for-your-bets"],
    ["futures/" + held + "#" + hand.stall, ".map-panel .for-your-bets"],
    ["futures/" + held, "#futures_map a.exp-win"],
  ];
  const modes = {
    "desktop-light": { ...DESKTOP, colorScheme: "light" }, "desktop-dark": { ...DESKTOP, colorScheme: "dark" },
    "phone-light": { ...PHONE, colorScheme: "light" }, "phone-dark": { ...PHONE, colorScheme: "dark" },
  };
  for (const [mode, options] of Object.entries(modes)) {
    const { ctx, errors } = await context(options);
    // Every page of the site starts coloured by the bets held (about:blank has no storage).
    await ctx.addInitScript(() => { try { localStorage.setItem("forkcast.map.colour", "exposure"); } catch (_) { /* not the site */ } });
    const page = await ctx.newPage();
    for (const [path, ready] of pages) {
      await page.goto(url + path);
      await page.waitForSelector(ready, { state: "attached" });
      await page.waitForLoadState("networkidle");
      if (path.startsWith("futures/?") && !path.includes("#")) {
        const fills = await page.evaluate(() => [...document.querySelectorAll("#futures_map a.node")].map((a) => {
          const kind = [...a.classList].find((c) => c.startsWith("exp-")), num = a.querySelector(".node-num");
          return { kind, fill: getComputedStyle(a.querySelector("rect")).fill, text: num ? getComputedStyle(num).fill : null };
        }));
        const kinds = new Set();
        for (const f of fills) {
          if (!f.kind || !f.text) continue;
          kinds.add(f.kind);
          const ratio = contrast(rgb(f.fill), rgb(f.text));
          check(ratio >= 4.5, `${mode}: a box coloured ${f.kind} has text at ${ratio.toFixed(2)}:1`);
        }
        results["exposure_colours_" + mode] = [...kinds].sort();
        if (mode.startsWith("phone")) {
          // A phone's preview opens the map full screen; the colour control is there.
          await page.locator(".fullscreen-toggle").click();
          await page.waitForSelector(".map-section.fullscreen");
          check(await page.locator("button.colour-toggle").isVisible(), `${mode}: no colour control full screen`);
          check(await page.evaluate(() => document.querySelector(".map-tools").scrollWidth <= innerWidth + 1), `${mode}: the map's tools are wider than the phone`);
        }
      }
      check(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), `${mode} /${path}: wider than the screen`);
      await audit(page, `${mode} /${path}`);
      const name = path.split("?")[0].replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home";
      await page.screenshot({ path: `${shots}/hold-${name}${path.includes("#") ? "-panel" : ""}-${mode}.png`, fullPage: !path.startsWith("futures/?") });
    }
    check(errors.length === 0, `${mode}: errors: ` + errors.join("; "));
    await ctx.close();
  }
  console.log(JSON.stringify(results));
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
