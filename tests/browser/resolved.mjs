// Resolved futures in Debian's Chromium, on tests/sites/resolved: the map
// marks them (a ✓ or ✗ and words) and its legend says so; the panel says
// how a future resolved, with its source, or what settled it, and shows the
// site's number for a future resolutions moved; a reader's view can change
// none of them (from the address or storage: left out with a note; no
// controls); a settled bet says its verdict, never a payoff under a view.
// Usage: node resolved.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";
import { mkdirSync } from "node:fs";
import { storageKey } from "../../themes/default/static/view-key.js";

const config = JSON.parse(process.argv[2]);
const { url, hand } = config;
const shots = config.artifacts;
mkdirSync(shots, { recursive: true });
const results = {};
const stored = storageKey(new URL(url).pathname);
const browser = await launch();

async function open(path, options = DESKTOP) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url + path);
  return { page, context, errors };
}

// The text of `selector` once it holds `want`.
async function waitText(page, selector, want, message) {
  try {
    await page.waitForFunction(([s, w]) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(w)), [selector, want], { timeout: 5000 });
  } catch (_) {
    const got = await page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent.trim()).join(" | "), selector);
    throw new Error(`${message}: wanted “${want}” in ${selector}, found “${got}”`);
  }
}

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent.trim() ?? null, selector);
const box = (id) => `#futures_map a[data-id="${id}"]`;

try {
  // 1. The map: each resolved future's box has its mark and its words, a
  // future another's resolution settled says the same words without the
  // mark (as the static map does), and the legend
  // explains the mark.
  {
    const { page, context, errors } = await open("futures/");
    await page.waitForSelector("html[data-map-ready]");
    for (const [id, outcome, words] of [[hand.happened, "happened", "Happened"], [hand.didNot, "did-not-happen", "Did not happen"]]) {
      check(await page.locator(`${box(id)}.resolved.${outcome} .resolved-badge path`).count() === 1, `${id} has no ${outcome} mark on the map`);
      check((await text(page, `${box(id)} .node-num`)).startsWith(words), `${id}'s box does not say “${words}”: ${await text(page, `${box(id)} .node-num`)}`);
      check((await page.getAttribute(box(id), "aria-label")).includes(config.displays[id]), `${id}'s name does not say how it resolved`);
    }
    check((await text(page, `${box(hand.parent)} .node-num`)).startsWith("Happened"), `${hand.parent}, settled by its child's resolution, does not read Happened`);
    check(await page.locator(`${box(hand.parent)} .resolved-badge`).count() === 0, `${hand.parent}, settled by another's resolution, has the resolved mark`);
    check((await text(page, `${box(hand.sibling)} .node-num`)).startsWith("Did not happen"), `${hand.sibling}, settled by its fork sibling's resolution, does not read Did not happen`);
    check((await text(page, `${box(hand.open)} .node-num`)).startsWith("50%"), "an open future is not drawn with its own number");
    check(await page.locator(`${box(hand.open)} .resolved-badge`).count() === 0, "an open future has a resolved mark");
    const key = page.locator(".map-legend .resolved-key");
    check(await key.isVisible(), "the legend does not explain the resolved mark");
    const keyText = await key.textContent();
    check(keyText.includes("✓ happened") && keyText.includes("✗ did not happen"), "the legend's key does not say what ✓ and ✗ mean: " + keyText);
    check(errors.length === 0, "errors on the map: " + errors.join(" | "));
    await context.close();
  }

  // 2. The panel of a resolved future: how and when, with its source, no
  // probability and no controls; its bet's verdict.
  {
    const { page, context, errors } = await open("futures/#" + hand.happened);
    await page.waitForSelector(".map-panel:not([hidden]) .view-controls");
    const panel = ".map-panel";
    await waitText(page, `${panel} dd`, config.displays[hand.happened], "the panel does not say how it resolved");
    check(await page.locator(`${panel} dd a[href="${config.sources[hand.happened]}"]`).count() === 1, "the panel does not link the resolution's source");
    check(!(await page.locator(`${panel} dt`).allTextContents()).includes("Probability"), "the panel of a resolved future shows a probability");
    check(await page.locator(`${panel} input`).count() === 0, "a resolved future has controls in the panel");
    check((await text(page, `${panel} .view-controls`)) === "Resolved: a view cannot change it.", "the panel does not say a view cannot change a resolved future");
    await waitText(page, `${panel} [data-bet="${hand.wonBet}"]`, config.verdicts[hand.wonBet], "the panel's bet does not say it won");
    await page.screenshot({ path: `${shots}/resolved-panel-desktop-light.png` });
    check(errors.length === 0, "errors: " + errors.join(" | "));
    await context.close();
  }

  // 3. The panel of a future settled by another's resolution, and of one moved by resolutions upstream.
  {
    const { page, context } = await open("futures/#" + hand.sibling);
    await page.waitForSelector(".map-panel:not([hidden]) .view-controls");
    await waitText(page, ".map-panel dd", "0%: " + config.titles[hand.happened] + " happened", "the panel of a settled sibling does not say what settled it");
    check((await text(page, ".map-panel .view-controls")) === "Settled by the resolution of " + config.titles[hand.happened] + ": a view cannot change it.", "a settled sibling's panel does not say why a view cannot change it");
    check(await page.locator(".map-panel input").count() === 0, "a settled future has controls in the panel");
    await page.goto(url + "futures/#" + hand.moved);
    await page.waitForSelector(`.map-panel:not([hidden]) [aria-label="Your view of “${config.titles[hand.moved]}”"]`);
    await waitText(page, ".map-panel dd", hand.movedText, "the panel of a future moved by a resolution upstream does not show the site's number");
    check(await page.locator(".map-panel input[type=range]").count() === 1, "a future only moved by resolutions has no slider");
    await context.close();
  }

  // 4. The address: entries for settled futures are left out, each with a
  // note; the rest of the view stands and the address keeps only it.
  {
    const { page, context, errors } = await open("futures/?view=" + hand.happened + ":0.3," + hand.sibling + ":yes," + hand.moved + ":0.9");
    await page.waitForSelector("html[data-map-ready]");
    await waitText(page, "#your_view", "1 change", "the view does not keep the one open future");
    await waitText(page, "#your_view .view-notes", `“${hand.happened}:0.3”: ${hand.happened} has resolved, and a view cannot change it`, "no note on the resolved future's entry");
    await waitText(page, "#your_view .view-notes", `“${hand.sibling}:yes”: ${hand.sibling} is settled by the resolution of ${hand.happened}`, "no note on the settled sibling's entry");
    await page.waitForFunction((v) => new URLSearchParams(location.search).get("view") === v, hand.moved + ":0.9");
    check((await text(page, `${box(hand.happened)} .node-num`)).startsWith("Happened"), "the view changed a resolved future on the map");
    await page.screenshot({ path: `${shots}/resolved-view-notes.png` });
    check(errors.length === 0, "errors: " + errors.join(" | "));
    await context.close();
  }

  // 5. Storage: a view kept from before the future resolved loses that
  // entry, with a note, and storage keeps the rest.
  {
    const { page, context, errors } = await open("bets/");
    await page.waitForSelector("#your_view:not([hidden])");
    const key = await page.evaluate(() => Object.keys(localStorage).find((k) => k.startsWith("forkcast.view")) || null);
    check(key === null, "a view in storage before any was set");
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [stored, hand.didNot + ":0.9," + hand.moved + ":0.9"]);
    await page.reload();
    await waitText(page, "#your_view", "1 change", "a stored view does not keep its open future");
    await waitText(page, "#your_view .view-notes", `“${hand.didNot}:0.9”: ${hand.didNot} has resolved`, "no note on the stored entry of a resolved future");
    check((await page.evaluate((k) => localStorage.getItem(k), stored)) === hand.moved + ":0.9", "storage still holds the resolved future's entry");
    // The bets: a settled one says its verdict, never a payoff under the view; an open one its payoff.
    for (const id of [hand.wonBet, hand.lostBet]) {
      const row = `.bet-list [data-bet="${id}"]`;
      await waitText(page, row, config.verdicts[id], `${id} does not say its verdict under a view`);
      check(!(await text(page, row)).includes("your view: pays off"), `${id}, settled, shows a payoff under the view`);
    }
    await waitText(page, `.bet-list [data-bet="${hand.openBet}"] .view-payoff`, "your view: pays off", "an open bet shows no payoff under the view");
    // What the view changes lists no settled bet.
    await page.waitForSelector(".view-changes li");
    const changed = await page.locator(".view-changes li[data-change]").evaluateAll((ls) => ls.map((l) => l.getAttribute("data-change")));
    check(!changed.includes(hand.wonBet) && !changed.includes(hand.lostBet), "what the view changes lists a settled bet: " + changed.join(", "));
    // The picker offers no settled future.
    await page.locator("#your_view summary", { hasText: "Change a future" }).click();
    // The options are made on the toggle event, after the click returns.
    await page.waitForSelector("#your_view .view-pick option[value]:not([value=''])", { state: "attached" });
    const offered = await page.locator("#your_view .view-pick option").evaluateAll((os) => os.map((o) => o.getAttribute("value")));
    check(offered.includes(hand.moved) && !offered.includes(hand.happened) && !offered.includes(hand.sibling), "the picker offers a settled future: " + offered.join(", "));
    check(errors.length === 0, "errors on /bets/: " + errors.join(" | "));
    await context.close();
  }

  // 6. A resolved future's own page: the sentence in place of its controls.
  {
    const { page, context, errors } = await open(`futures/${hand.happened}/?view=${hand.moved}:0.9`);
    await page.waitForSelector(".view-slot:not([hidden]) .view-controls");
    check((await text(page, ".view-slot .view-controls")) === "Resolved: a view cannot change it.", "the future page of a resolved future offers controls");
    check(errors.length === 0, "errors on the future page: " + errors.join(" | "));
    await context.close();
  }

  // 7. The map with resolved futures, its legend and the open panel, as readers see them.
  for (const [screen, options] of [["desktop", DESKTOP], ["phone", PHONE]]) {
    for (const colorScheme of ["light", "dark"]) {
      const { page, context } = await open("futures/", { ...options, colorScheme });
      await page.waitForSelector("html[data-map-ready]");
      await page.screenshot({ path: `${shots}/resolved-map-${screen}-${colorScheme}.png` });
      await page.goto(url + "futures/#" + hand.happened);
      await page.waitForSelector(".map-panel:not([hidden]) .view-controls");
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${shots}/resolved-map-panel-${screen}-${colorScheme}.png` });
      await context.close();
    }
  }
  results.checked = true;
  console.log(JSON.stringify(results));
} catch (err) {
  console.error(String(err && err.stack || err));
  process.exitCode = 1;
} finally {
  await browser.close();
}
