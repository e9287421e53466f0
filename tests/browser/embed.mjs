// Embeds in Debian's Chromium. Each card in an iframe of the size its code
// gives, on a page of another origin (a server of this script's on another
// port of 127.0.0.1), on a desktop and a phone, light and dark, and on a
// 320-pixel phone: axe-core's
// WCAG 2.1 A and AA rules find nothing, the console stays clean (a style its
// policy refused would be logged there), its colours follow the scheme, the
// card fits its frame, and no script runs (its policy refuses one added to
// it). Then a future page's "Embed this future", opened and copied by
// keyboard, in the same looks. Screenshots go to `artifacts`.
// Usage: node embed.mjs CONFIG_JSON   (written by tests/embeds.rs); prints
// one JSON line of counts; exits 1 on the first failed check.
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";

const config = JSON.parse(process.argv[2]);
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
mkdirSync(config.artifacts, { recursive: true });

const LOOKS = {
  "desktop-light": { ...DESKTOP, colorScheme: "light" },
  "desktop-dark": { ...DESKTOP, colorScheme: "dark" },
  "phone-light": { ...PHONE, colorScheme: "light" },
  "phone-dark": { ...PHONE, colorScheme: "dark" },
  // The narrowest phone in use: the frame narrows to 304 pixels.
  "small-phone-light": { ...PHONE, viewport: { width: 320, height: 568 }, colorScheme: "light" },
};
// The card's background in each scheme (embed.css's --bg).
const BACKGROUND = { light: "rgb(255, 255, 255)", dark: "rgb(27, 30, 35)" };

// Another site: GET /K is a page holding embed K's iframe code; anything
// else (the browser's /favicon.ico) is empty.
const host = createServer((req, res) => {
  const embed = config.embeds[Number(req.url.slice(1))];
  res.writeHead(embed ? 200 : 204, { "content-type": "text/html; charset=utf-8" });
  res.end(embed ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Another site</title></head><body><main><h1>Another site</h1><p>A paragraph before the card.</p>${embed.code}<p>And one after it.</p></main></body></html>` : "");
});
await new Promise((resolve) => host.listen(0, "127.0.0.1", resolve));
const hostUrl = `http://127.0.0.1:${host.address().port}/`;

/** axe-core's violations on `frame` (a page's main frame or an iframe), as lines. */
async function audit(frame, where) {
  // Evaluated through the debugger: the embed's policy forbids every script.
  await frame.evaluate(axeSource);
  const violations = await frame.evaluate((tags) => window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
    .then((r) => r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} at ${n.target.join(" ")}: ${n.failureSummary}`))), TAGS);
  check(violations.length === 0, `${where}: axe:\n  ${violations.join("\n  ")}`);
}

/** A new page in `look`, collecting console errors and page errors. */
async function open(browser, look, options = {}) {
  const context = await browser.newContext({ ...LOOKS[look], ...options });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  return { context, page, errors };
}

/** Embed `k` framed in `look`: every check on it, and its screenshot. */
async function frameEmbed(browser, k, look) {
  const { page: path } = config.embeds[k];
  const where = `${path}embed/ (${look})`;
  const { context, page, errors } = await open(browser, look);
  await page.goto(hostUrl + k, { waitUntil: "load" });
  const iframe = await page.waitForSelector("iframe");
  const frame = await iframe.contentFrame();
  await frame.waitForLoadState("load");
  check(frame.url() === config.url + path + "embed/", `${where}: framed ${frame.url()}`);
  check(new URL(frame.url()).origin !== new URL(page.url()).origin, `${where}: another origin`);
  const seen = await frame.evaluate(() => {
    const main = /** @type {HTMLElement} */ (document.querySelector("main"));
    const link = /** @type {HTMLAnchorElement} */ (document.querySelector("h1 a"));
    return {
      scripts: document.scripts.length,
      handlers: [...document.querySelectorAll("*")].flatMap((e) => [...e.attributes].map((a) => a.name).filter((n) => n.startsWith("on"))),
      title: link.href, target: link.target, rel: link.rel,
      h1: getComputedStyle(link.parentElement).fontSize,
      background: getComputedStyle(document.body).backgroundColor,
      width: innerWidth, height: innerHeight,
      fits: main.scrollHeight <= main.clientHeight && main.scrollWidth <= main.clientWidth,
      pageFits: document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth,
    };
  });
  check(seen.scripts === 0 && seen.handlers.length === 0, `${where}: scripts ${seen.scripts}, handlers ${seen.handlers}`);
  check(seen.title === config.url + path && seen.target === "_blank" && seen.rel === "noopener", `${where}: title link ${JSON.stringify(seen)}`);
  // 17px comes from the inline style: applied only if its hash is right.
  check(seen.h1 === "17px", `${where}: the style was not applied (h1 ${seen.h1})`);
  const scheme = look.endsWith("dark") ? "dark" : "light";
  check(seen.background === BACKGROUND[scheme], `${where}: background ${seen.background}`);
  check(seen.height === config.height, `${where}: frame height ${seen.height}`);
  const room = page.viewportSize().width;
  check(seen.width === Math.min(config.width, room - 16), `${where}: frame width ${seen.width} on a ${room}px screen`);
  check(seen.fits && seen.pageFits, `${where}: the card overflows its frame`);
  await audit(frame, where);
  check(errors.length === 0, `${where}: console errors: ${errors.join("; ")}`);
  await iframe.screenshot({ path: `${config.artifacts}/embed-${path.replace(/\W+/g, "-")}${look}.png` });
  // No script runs, even one added to the document: the policy refuses it.
  const run = await frame.evaluate(() => new Promise((resolve) => {
    let refused = false;
    document.addEventListener("securitypolicyviolation", (e) => { refused ||= e.effectiveDirective.startsWith("script-src"); });
    const s = document.createElement("script");
    s.textContent = "window.ran = true";
    document.body.append(s);
    setTimeout(() => resolve({ ran: /** @type {any} */ (window).ran === true, refused }), 100);
  }));
  check(!run.ran && run.refused, `${where}: an added script ran (${JSON.stringify(run)})`);
  await context.close();
}

/** A future page's embed code in `look`: opened and copied by keyboard. */
async function copyCode(browser, look) {
  const origin = new URL(config.url).origin;
  const { context, page, errors } = await open(browser, look);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const path = config.embeds[0].page;
  const where = `${path} (${look})`;
  await page.goto(config.url + path, { waitUntil: "networkidle" });
  await page.locator("details.embed-code summary").focus();
  await page.keyboard.press("Enter");
  check(await page.locator("details.embed-code").evaluate((d) => d.open), `${where}: Enter opens the disclosure`);
  const focused = () => page.evaluate(() => {
    const e = document.activeElement;
    return e ? e.tagName.toLowerCase() + (e.textContent ? ":" + e.textContent : "") : "";
  });
  await page.keyboard.press("Tab");
  check((await focused()) === "a:See the card", `${where}: then the card's link (${await focused()})`);
  await page.keyboard.press("Tab");
  check((await focused()).startsWith("textarea"), `${where}: then the code (${await focused()})`);
  await page.keyboard.press("Tab");
  check((await focused()) === "button:Copy code", `${where}: then Copy (${await focused()})`);
  await page.keyboard.press("Enter");
  const status = page.locator(".copy-status");
  await status.filter({ hasText: "Copied." }).waitFor({ timeout: 2000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  check(copied === config.embeds[0].code, `${where}: copied ${copied}`);
  await audit(page.mainFrame(), `${where}, the embed code open`);
  check(errors.length === 0, `${where}: console errors: ${errors.join("; ")}`);
  await page.locator("details.embed-code").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${config.artifacts}/future-embed-code-${look}.png` });
  await context.close();
}

const browser = await launch();
let framed = 0;
try {
  for (const look of Object.keys(LOOKS)) {
    for (let k = 0; k < config.embeds.length; k++) {
      await frameEmbed(browser, k, look);
      framed++;
    }
    await copyCode(browser, look);
  }
} finally {
  await browser.close();
  host.close();
}
console.log(JSON.stringify({ framed, copied: Object.keys(LOOKS).length }));
