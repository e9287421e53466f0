// `[[id]]` references in Debian's Chromium, on tests/sites/references: a
// post's references show the site's numbers, the reader's view code does
// not load without a view, and with one (from the address) each reference
// to a future or an open bet adds the reader's number after the site's,
// while a settled future keeps its words; axe-core's WCAG 2.1 AA rules pass
// on the post with the view, light and dark; screenshots go to artifacts.
// Usage: node references.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { readFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";

const config = JSON.parse(process.argv[2]);
const { url, post, hand } = config;
mkdirSync(config.artifacts, { recursive: true });
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const results = {};
const browser = await launch();

async function open(options, path) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors = [], requested = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  await page.goto(url + path);
  await page.waitForLoadState("networkidle");
  return { page, context, errors, requested };
}

const ref = (attr, id) => `a.ref[data-${attr}="${id}"]`;
const texts = (page, selector) => page.locator(selector).allTextContents();

async function audit(page, where) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
    .then((r) => r.violations.map((v) => `${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)), TAGS);
  check(violations.length === 0, `${where}: ${violations.join("\n")}`);
}

try {
  // 1. No view: the site's numbers, and no view code or graph.json loaded.
  {
    const { page, context, errors, requested } = await open(DESKTOP, post);
    check((await texts(page, `${ref("future", hand.future)} .ref-p`)).every((t) => t === hand.futureSite), `${hand.future}'s reference does not read ${hand.futureSite}`);
    check((await texts(page, `${ref("bet", hand.bet)} .ref-p`)).every((t) => t === hand.betSite), `${hand.bet}'s reference does not read ${hand.betSite}`);
    check(await page.locator("a.ref .view-num").count() === 0, "a reference shows a view's number without a view");
    check(!requested.some((p) => p.endsWith("/graph.json") || p.endsWith("/view.js")), "a post loads the view without a view: " + requested.join(" "));
    check(errors.length === 0, "errors: " + errors.join(" | "));
    results.refs = await page.locator("a.ref").count();
    await context.close();
  }
  // 2. With a view from the address: the reader's number after the site's.
  for (const [mode, options] of Object.entries({
    "desktop light": { ...DESKTOP, colorScheme: "light" },
    "desktop dark": { ...DESKTOP, colorScheme: "dark" },
    "phone light": { ...PHONE, colorScheme: "light" },
    "phone dark": { ...PHONE, colorScheme: "dark" },
  })) {
    const { page, context, errors } = await open(options, post + "?view=" + encodeURIComponent(config.view));
    const yours = `${ref("future", hand.future)} .view-num`;
    await page.waitForSelector(yours, { timeout: 5000 });
    check((await texts(page, yours)).every((t) => t === "→ yours " + hand.futureYours), `${mode}: the reference does not follow the view: ${await texts(page, yours)}`);
    check((await texts(page, `${ref("future", hand.future)} .ref-p`)).every((t) => t === hand.futureSite), `${mode}: the site's number was replaced`);
    const bet = await texts(page, `${ref("bet", hand.bet)} .view-num`);
    check(bet.length > 0 && bet.every((t) => t === "→ yours " + hand.betYours), `${mode}: the bet's reference does not follow the view: ${bet}`);
    check(await page.locator(`${ref("future", hand.settled)} .view-num`).count() === 0, `${mode}: a settled future's reference shows a view's number`);
    check((await texts(page, `${ref("future", hand.settled)} .ref-p`)).every((t) => t.includes("Happened")), `${mode}: the settled future does not read Happened`);
    check(errors.length === 0, `${mode}: errors: ` + errors.join(" | "));
    await audit(page, `${mode}, with a view`);
    await page.screenshot({ path: `${config.artifacts}/references-${mode.replace(" ", "-")}.png`, fullPage: true });
    await context.close();
  }
  results.ok = true;
} finally {
  await browser.close();
}
console.log(JSON.stringify(results));
