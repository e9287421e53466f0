// The reader's own view in Debian's Chromium: a shared address opens the
// view, a slider changes it, the bets page follows, reset clears it; the
// address is data, never markup; and one change at 5,000 futures is timed.
// Usage: node view.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP as DESKTOP_SCREEN, PHONE, check, launch } from "./harness.mjs";
import { timeViewChanges } from "./view-timing.mjs";
import { amountText, percent, payoffText, viewPercent } from "../../themes/default/static/model.js";

const config = JSON.parse(process.argv[2]);
const results = {};
// The desktop window itself: the tests measure against its size.
const DESKTOP = DESKTOP_SCREEN.viewport;

const browser = await launch();

async function context(options = {}) {
  const ctx = await browser.newContext({ viewport: DESKTOP, ...options });
  const errors = [];
  ctx.on("page", (p) => {
    p.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
    p.on("pageerror", (e) => errors.push(String(e)));
    p.on("dialog", (d) => { errors.push("a dialog opened: " + d.message()); d.dismiss(); });
  });
  return { ctx, errors };
}

// Waits for the address to carry `view` (it is written once changes pause).
async function address(page, view, message) {
  try {
    await page.waitForFunction((v) => new URLSearchParams(location.search).get("view") === v, view, { timeout: 5000 });
  } catch (_) {
    throw new Error(`${message}: the address is ${page.url()}`);
  }
}

// The text of the element `selector` once it holds `want`.
async function waitText(page, selector, want, message) {
  try {
    await page.waitForFunction(([s, w]) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(w)), [selector, want], { timeout: 5000 });
  } catch (_) {
    const got = await page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent.trim()).join(" | "), selector);
    throw new Error(`${message}: wanted “${want}” in ${selector}, found “${got}”`);
  }
}

const betOdds = (page, id) => page.evaluate((b) => document.querySelector(`.bet-list [data-bet="${b}"] .view-payoff`)?.textContent || null, id);

try {
  const { url, bigUrl, rules } = config;
  // The hand-computed numbers, worded as the pages word them.
  const hand = {
    ...config.hand,
    childImpliedSite: percent(rules, config.hand.childImpliedSite),
    rangeBetYours: payoffText(rules, { kind: "range", low: config.hand.rangeBetYours[0], high: config.hand.rangeBetYours[1] }, viewPercent),
    stakesTotalYours: amountText(rules, { kind: "range", low: config.hand.stakesTotalYours[0], high: config.hand.stakesTotalYours[1] }),
  };
  check(amountText(rules, { kind: "exact", low: hand.stakeYoursValue, high: hand.stakeYoursValue }) === hand.stakeYours, "the hand's expected value reads " + hand.stakeYours);

  // 1. A shared address opens the view; what it holds that is not a view is left out with a note.
  const { ctx, errors } = await context();
  const page = await ctx.newPage();
  await page.goto(url + "futures/?view=" + hand.assume + ":yes,no-such-future:0.5#" + hand.child);
  await page.waitForSelector("html[data-map-ready]");
  await page.waitForSelector(".map-panel:not([hidden]) .view-controls");
  await waitText(page, "#your_view", "1 change", "the view bar does not count the one valid entry");
  await waitText(page, "#your_view .view-notes", "no-such-future", "no note on the unknown future");
  await address(page, hand.assume + ":yes", "the address keeps only the valid entry");
  // The child's implied probability: the assumed parent is certain, so it is P(edge).
  await waitText(page, ".map-panel .view-result", "Implied by the graph: " + hand.childImplied + " · the site: " + hand.childImpliedSite, "the child's implied probability in the panel");
  await waitText(page, `#futures_map a[data-id="${hand.assume}"] .node-num`, "→ 100%", "the map does not show the assumed future's new number");
  check(await page.locator(`#futures_map a[data-id="${hand.assume}"].in-view`).count() === 1, "the assumed future is not marked on the map");
  // Its fork sibling is assumed not to happen: the table's "your view" column says 0%.
  await waitText(page, `.futures-table tr[data-future="${hand.sibling}"] td.view-col`, "0%", "the table's your-view column");
  check(await page.locator(".futures-table th.view-col").count() === 1, "no “your view” column in the table");

  // 2. The slider, by keyboard: from the site's value down to the hand's value.
  await page.goto(url + "futures/#" + hand.slider);
  await page.waitForSelector(".map-panel:not([hidden]) .view-controls input[type=range]");
  const slider = page.locator(".map-panel .view-controls input[type=range]");
  await slider.focus();
  check(Number(await slider.inputValue()) === hand.sliderFrom, "the slider does not start at the site's value: " + await slider.inputValue());
  for (let i = 0; i < hand.sliderFrom - hand.sliderTo; i++) await page.keyboard.press("ArrowLeft");
  await waitText(page, "#your_view", "2 changes", "the slider's change is not in the view");
  await address(page, hand.assume + ":yes," + hand.slider + ":" + hand.sliderTo / 100, "the address does not carry the slider's value");
  // The panel's bets follow the view too.
  await waitText(page, `.map-panel [data-bet="${hand.exactBet}"] .view-payoff`, "your view: pays off " + hand.exactBetYours, "the panel's bet does not show the view's payoff");
  // Another tab of the site follows the change.
  const other = await ctx.newPage();
  await other.goto(url + "bets/");
  await waitText(other, "#your_view", "2 changes", "a second tab did not open with the view");
  await page.locator(".map-panel .view-controls").getByRole("button", { name: "Clear" }).click();
  await waitText(other, "#your_view", "1 change", "a second tab did not follow a change");
  await page.locator(".map-panel .view-controls input[type=number]").fill(String(hand.sliderTo));
  await waitText(other, "#your_view", "2 changes", "a second tab did not follow the value typed");
  await other.close();
  check(errors.length === 0, "errors on the map page: " + errors.join("; "));

  // 3. The bets page, reached by a link without the view in its address, follows it.
  await page.click('.site-header a[href$="/bets/"]');
  await page.waitForSelector("#your_view:not([hidden])");
  await waitText(page, "#your_view", "2 changes", "the view did not follow to /bets/");
  check((await betOdds(page, hand.exactBet)) === "your view: pays off " + hand.exactBetYours, `${hand.exactBet} pays off ${await betOdds(page, hand.exactBet)} in the view, not ${hand.exactBetYours}`);
  check((await betOdds(page, hand.rangeBet)) === "your view: pays off " + hand.rangeBetYours, `${hand.rangeBet} pays off ${await betOdds(page, hand.rangeBet)} in the view, not ${hand.rangeBetYours}`);
  check((await page.textContent(`.bet-list [data-bet="${hand.exactBet}"] .payoff`)).includes(hand.exactBetSite), "the site's own payoff is hidden");
  await address(page, hand.assume + ":yes," + hand.slider + ":" + hand.sliderTo / 100, "/bets/ does not show the view in its address, so it cannot be shared");
  // An entry is removed from the list; then the reset clears everything.
  await page.getByRole("button", { name: "Remove “" + config.titles[hand.slider] + "” from your view" }).click();
  await waitText(page, "#your_view", "1 change", "removing an entry");
  check((await betOdds(page, hand.exactBet)) === "your view: pays off " + hand.exactBetSite, "removing the entry did not bring the bet back to the site's number");
  await page.getByRole("button", { name: "Reset your view" }).click();
  await page.waitForFunction(() => !document.querySelector(".view-payoff"));
  await address(page, null, "reset left the view in the address");
  check(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("forkcast.view")).length) === 0, "reset left the view in storage");
  await page.reload();
  await page.waitForSelector("#your_view:not([hidden])");
  check(await page.locator(".view-payoff, .view-num").count() === 0, "the view came back after a reset");
  check(errors.length === 0, "errors on the bets page: " + errors.join("; "));
  await ctx.close();

  // 4. The address is data: markup in it never reaches the page as markup.
  {
    const { ctx, errors } = await context();
    const page = await ctx.newPage();
    await page.goto(url + "bets/?view=" + encodeURIComponent('<img src=x onerror=alert(1)>:0.5,"><script>alert(2)</script>:yes'));
    await page.waitForSelector("#your_view .view-notes:not([hidden])");
    check(await page.locator("#your_view img, #your_view script").count() === 0, "markup from the address became elements");
    await waitText(page, "#your_view .view-notes", "<img src=x onerror=alert(1)>", "the note does not quote the entry as text");
    check(errors.length === 0, "errors: " + errors.join("; "));
    await ctx.close();
  }

  // 5. Without JavaScript nothing changes: no view, no controls, the site's numbers.
  {
    const { ctx } = await context({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(url + "bets/?view=" + hand.assume + ":yes");
    check(!(await page.locator("#your_view").isVisible()), "the view's place shows without JavaScript");
    check(await page.locator(".view-payoff").count() === 0, "a reader's number without JavaScript");
    await ctx.close();
  }

  // 5b. Stakes: a bet's expected value in the view shows beside the site's,
  // on its page, on /bets/ (and the open bets' total) and in the matrix.
  {
    const { ctx, errors } = await context();
    const page = await ctx.newPage();
    const view = "?view=" + hand.assume + ":yes," + hand.slider + ":" + hand.sliderTo / 100;
    await page.goto(url + "bets/" + hand.exactBet + "/" + view);
    await waitText(page, ".stake .view-ev", "yours: " + hand.stakeYours, "the bet page's expected value in the view");
    check((await page.textContent(".stake .ev-value")) === hand.stakeSite, "the bet page hides the site's expected value");
    await page.goto(url + "bets/" + view);
    await waitText(page, `.bet-list [data-bet="${hand.exactBet}"] .view-ev`, "yours: " + hand.stakeYours, "/bets/'s expected value in the view");
    check((await page.textContent(`.bet-list [data-bet="${hand.exactBet}"] .ev-value`)) === hand.stakeSite, "/bets/ hides the site's expected value");
    await waitText(page, ".stake-total .view-ev", "yours: " + hand.stakesTotalYours, "the open bets' expected value together in the view");
    await page.goto(url + "bets/matrix/" + view);
    await waitText(page, `tr[data-bet="${hand.exactBet}"] td.bet-ev .view-ev`, "yours: " + hand.stakeYours, "the matrix's expected value in the view");
    check((await page.textContent(`tr[data-bet="${hand.exactBet}"] td.bet-ev`)).startsWith(hand.stakeSite), "the matrix hides the site's expected value");
    // Sortable with it: by expected value, the row's cell sorts by the site's number.
    await page.getByRole("button", { name: "Expected value" }).click();
    check(await page.locator('th[aria-sort="ascending"]', { hasText: "Expected value" }).count() === 1, "the expected value column does not sort");
    // A settled bet's return is not the view's to change.
    check(await page.locator(`tr[data-bet="${hand.settledStake}"] .view-ev`).count() === 0, "a settled bet shows an expected value in the view");
    check(errors.length === 0, "errors with stakes: " + errors.join("; "));
    await ctx.close();
  }

  // 6. A phone: the bets page with a view fits the screen.
  {
    const { ctx, errors } = await context(PHONE);
    const page = await ctx.newPage();
    await page.goto(url + "bets/?view=" + hand.assume + ":yes," + hand.slider + ":0.3");
    await page.waitForSelector(".view-payoff");
    check(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth + 1), "the bets page with a view is wider than a phone");
    check(errors.length === 0, "errors on a phone: " + errors.join("; "));
    await ctx.close();
  }

  // 7. One change at 5,000 futures, as the slider makes it: recomputed,
  // redrawn (map, panel, table) and the page laid out again, timed in the
  // page, with bets held and the map coloured by them (the panel says what
  // the future means for them, the table has their column).
  {
    const { ctx, errors } = await context();
    await ctx.addInitScript(() => { try { localStorage.setItem("forkcast.map.colour", "exposure"); } catch (_) { /* not the site */ } });
    const page = await ctx.newPage();
    await page.goto(bigUrl + "futures/?hold=" + config.bigHold + "#" + config.bigFuture);
    await page.waitForSelector(".map-panel:not([hidden]) .for-your-bets");
    await page.waitForSelector(".map-section.colour-exposure #futures_map a[class*=exp-]");
    await page.waitForSelector(".futures-table th.hold-col");
    const times = await timeViewChanges(page, 15);
    await waitText(page, `#futures_map a[data-id="${config.bigFuture}"] .node-num`, "→", "the map does not show the slider's value");
    results.big_view_change_ms_median = times[Math.floor(times.length / 2)];
    results.big_view_change_ms_max = times[times.length - 1];
    // The table below the map follows once the slider pauses.
    await page.waitForSelector(".futures-table td.view-col.changed", { timeout: 5000 }).catch(() => { throw new Error("no row of the big table changed with the view"); });
    check(errors.length === 0, "errors on the big map: " + errors.join("; "));
    await ctx.close();
  }
  console.log(JSON.stringify(results));
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
