// Hover cards in Debian's Chromium, on a site served below a base path: a
// post's page loads nothing of them until a link to a future or bet is
// hovered or focused; the mouse and the keyboard show the card with the
// future's title and the number its page shows; the card stays while the
// pointer moves onto it, Escape closes it; a touch screen gets no card and
// the tap navigates; a title that is markup shows as text and runs nothing;
// axe-core finds nothing with the card open, light and dark; on a window as
// narrow as a phone, with a mouse, the card stays inside it; a reader's view
// adds their number. Screenshots of the open card go to the artifacts folder.
// Usage: node hover.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";

const config = JSON.parse(process.argv[2]);
const results = {};
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
mkdirSync(config.artifacts, { recursive: true });

const browser = await launch();
const base = new URL(config.url).pathname;
const CARD = "#hover_card:not([hidden])";
/** The link to future or bet `id` in the post's text. */
const link = (kind, id) => `.content a[href="${base}${kind}/${id}/"]`;
const isCardFile = (path) => /hover-card\.(js|css)$|\/card\.json$/.test(path);

/** A page in a fresh context, recording each request's path and body size. */
async function open(path, options = DESKTOP) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const requests = [], errors = [], dialogs = [];
  page.on("requestfinished", async (r) => {
    const response = await r.response();
    const body = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    requests.push({ path: new URL(r.url()).pathname, bytes: body.length });
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(config.url + path, { waitUntil: "networkidle" });
  return { page, context, requests, errors, dialogs };
}

/** axe-core's WCAG 2.1 AA violations on what `page` shows now, as lines. */
async function audit(page) {
  await page.evaluate(axeSource);
  return page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(" ")}: ${n.failureSummary}`))), TAGS);
}

const hidden = (page) => page.waitForSelector("#hover_card", { state: "hidden" });

try {
  // 1. The number the future's own page shows.
  let pageNumber;
  {
    const { page, context } = await open(`futures/${config.future}/`);
    pageNumber = (await page.locator("dl.numbers dd strong").first().innerText()).trim();
    check(pageNumber === config.number, `the future's page says ${pageNumber}, the test expects ${config.number}`);
    await context.close();
  }

  // 2. The post loads nothing of the cards before a hover; the mouse shows
  // one, with the title, the page's number and the first sentence.
  const { page, context, requests, errors } = await open(config.post);
  const before = requests.filter((r) => !isCardFile(r.path));
  check(before.length === requests.length, "loaded before any hover: " + requests.filter((r) => isCardFile(r.path)).map((r) => r.path).join(", "));
  // What the post loaded before this change, and nothing more: its page,
  // the stylesheet, the three modules every page has (view-key.js is
  // view-page.js's) and the icon; the cards' loader is part of forkcast.js.
  const expected = ["", "style.css", "forkcast.js", "search.js", "view-page.js", "view-key.js", "favicon.svg"]
    .map((p) => (p ? base + p : base + config.post)).sort();
  const got = before.map((r) => r.path).sort();
  check(JSON.stringify(got) === JSON.stringify(expected), `before any hover the post loaded ${got.join(", ")}; expected ${expected.join(", ")}`);
  results.post_requests_before_use = before.length;
  results.post_bytes_before_use = before.reduce((n, r) => n + r.bytes, 0);
  const a = page.locator(link("futures", config.future)).first();
  check(await a.evaluate((e) => e.classList.contains("ref")), "the post's first link to the future is not a reference");
  const refNumber = (await a.locator(".ref-p").innerText()).trim();
  await a.hover();
  await page.waitForSelector(CARD);
  const text = (sel) => page.locator(`#hover_card ${sel}`).innerText();
  check(await text(".hc-title") === config.title, `the card's title is “${await text(".hc-title")}”`);
  check(await text(".hc-number strong") === pageNumber, `the card says ${await text(".hc-number strong")}, the page ${pageNumber}`);
  check(refNumber === pageNumber, `the reference says ${refNumber}, the page ${pageNumber}`);
  check(await text(".hc-sentence") === config.sentence, `the card's sentence is “${await text(".hc-sentence")}”`);
  check(await page.locator("#hover_card .hc-trend svg polyline").count() === 1, "the card has no sparkline");
  check(await page.getAttribute("#hover_card", "role") === "tooltip", "the card is not a tooltip");
  check(await a.getAttribute("aria-describedby") === "hover_card", "the link is not described by the card");
  const cardJson = `${base}futures/${config.future}/card.json`;
  check(requests.some((r) => r.path === cardJson), `${cardJson} was not requested`);

  // 3. The pointer moves from the link onto the card: it stays; off both, it goes.
  const box = await page.locator("#hover_card").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 8 });
  await page.waitForTimeout(700);
  check(await page.locator(CARD).count() === 1, "the card closed as the pointer moved onto it");
  await page.mouse.move(5, 5, { steps: 4 });
  await hidden(page);
  check(await a.getAttribute("aria-describedby") === null, "the link is still described by a closed card");

  // 4. Escape closes it under the pointer; a second hover fetches nothing again.
  await a.hover();
  await page.waitForSelector(CARD);
  await page.keyboard.press("Escape");
  await hidden(page);
  await page.waitForTimeout(500);
  check(await page.locator(CARD).count() === 0, "the card came back after Escape with the pointer still on the link");
  check(requests.filter((r) => r.path === cardJson).length === 1, "the card's data was fetched more than once");

  // 5. The keyboard: Tab to the link shows it, Escape closes it, focus stays.
  await page.mouse.move(5, 5);
  await page.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
  let tabs = 0;
  while (tabs < 200 && !(await a.evaluate((e) => e === document.activeElement))) {
    await page.keyboard.press("Tab");
    tabs++;
  }
  check(tabs < 200, "Tab never reached the link");
  results.tabs_to_link = tabs;
  await page.waitForSelector(CARD);
  check(await text(".hc-title") === config.title, "Tab showed another card");
  await page.keyboard.press("Escape");
  await hidden(page);
  check(await a.evaluate((e) => e === document.activeElement), "Escape moved the focus");

  // 6. A plain Markdown link shows its future's card too.
  await page.locator(`.content a:not(.ref)[href="${base}futures/${config.plain}/"]`).first().hover();
  await page.waitForFunction((t) => document.querySelector("#hover_card:not([hidden]) .hc-title")?.textContent === t, config.plainTitle);

  // 7. A bet's card, and axe with a card open, light and dark; screenshots.
  for (const scheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme: scheme });
    const bet = page.locator(link("bets", config.bet)).first();
    await bet.hover();
    await page.waitForSelector(CARD);
    check(/pays off|chance of paying off/.test(await text(".hc-number")), `the bet's card says “${await text(".hc-number")}”`);
    await a.hover();
    await page.waitForFunction((t) => document.querySelector("#hover_card:not([hidden]) .hc-title")?.textContent === t, config.title);
    const problems = await audit(page);
    check(problems.length === 0, `axe with the card open (${scheme}):\n  ${problems.join("\n  ")}`);
    await page.screenshot({ path: `${config.artifacts}/hover-card-desktop-${scheme}.png` });
  }
  check(errors.length === 0, "page errors: " + errors.join(" | "));
  await context.close();

  // 8. A window as narrow as a phone, with a mouse: the card fits in it.
  {
    const narrow = { viewport: PHONE.viewport, deviceScaleFactor: 2 };
    const { page, context } = await open(config.post, narrow);
    const links = page.locator(".content a[href*='/futures/'], .content a[href*='/bets/']");
    let checked = 0;
    for (let i = 0; i < await links.count(); i++) {
      const l = links.nth(i);
      await l.scrollIntoViewIfNeeded();
      await l.hover();
      await page.waitForSelector(CARD);
      const b = await page.locator("#hover_card").boundingBox();
      const view = await page.evaluate(() => ({ w: document.documentElement.clientWidth, h: innerHeight, y: scrollY }));
      check(b.x >= 0 && b.x + b.width <= view.w, `card ${i} is outside a ${view.w} px window: x ${b.x}, width ${b.width}`);
      checked++;
    }
    results.narrow_cards_checked = checked;
    const ref = page.locator(link("futures", config.future)).first();
    await ref.scrollIntoViewIfNeeded();
    await ref.hover();
    await page.waitForFunction((t) => document.querySelector("#hover_card:not([hidden]) .hc-title")?.textContent === t, config.title);
    await page.screenshot({ path: `${config.artifacts}/hover-card-narrow-light.png` });
    await context.close();
  }

  // 9. A touch screen: no card, nothing of it loaded; the tap navigates.
  {
    const { page, context, requests } = await open(config.post, PHONE);
    const l = page.locator(link("futures", config.future)).first();
    await l.scrollIntoViewIfNeeded();
    await Promise.all([page.waitForURL(`**${base}futures/${config.future}/`), l.tap()]);
    check(await page.locator("#hover_card").count() === 0, "a card opened on a touch screen");
    const loaded = requests.filter((r) => isCardFile(r.path)).map((r) => r.path);
    check(loaded.length === 0, "a touch screen loaded " + loaded.join(", "));
    await context.close();
  }

  // 10. A title that is markup shows as text and runs nothing.
  {
    const { page, context, dialogs } = await open(config.hostilePost);
    await page.locator(link("futures", config.hostile)).hover();
    await page.waitForSelector(CARD);
    const title = await page.locator("#hover_card .hc-title").textContent();
    check(title === config.hostileTitle, `the hostile title reads “${title}”`);
    check(await page.locator("#hover_card img, #hover_card script").count() === 0, "the hostile title became markup");
    await page.waitForTimeout(300);
    check(dialogs.length === 0, "a dialog opened: " + dialogs.join(", "));
    await context.close();
  }

  // 11. A reader's view that sets the future to 30%: the card says it
  // beside the site's number, which stays.
  {
    const { page, context, errors } = await open(`${config.post}?view=${config.future}:0.3`);
    await page.locator(link("futures", config.future)).first().hover();
    await page.waitForSelector(`${CARD} .hc-yours`);
    const mine = await page.locator("#hover_card .hc-yours").innerText();
    check(mine === "In your view: 30%", `with a view the card says “${mine}”`);
    check(await page.locator("#hover_card .hc-number strong").innerText() === config.number, "the site's number changed under a view");
    check(errors.length === 0, "page errors: " + errors.join(" | "));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
