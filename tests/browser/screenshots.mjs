// Screenshots of pages as readers see them: desktop (1440×900) and phone
// (390×844), light and dark, the first screen and the whole page.
// Usage: node screenshots.mjs BASE_URL OUT_DIR PATH...
//   e.g. node screenshots.mjs http://127.0.0.1:1111/ /tmp/shots / futures/ bets/
// Not a test: for looking at what was built (see CONTRIBUTING.md).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const [base, out, ...paths] = process.argv.slice(2);
if (!base || !out || !paths.length) {
  console.error("usage: node screenshots.mjs BASE_URL OUT_DIR PATH...");
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const screens = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
try {
  for (const [screen, options] of Object.entries(screens)) {
    for (const colorScheme of ["light", "dark"]) {
      const context = await browser.newContext({ ...options, colorScheme });
      const page = await context.newPage();
      for (const path of paths) {
        await page.goto(new URL(path.replace(/^\//, ""), base).href, { waitUntil: "networkidle" });
        const name = (path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") || "home") + `-${screen}-${colorScheme}`;
        await page.screenshot({ path: `${out}/${name}.png` });
        await page.screenshot({ path: `${out}/${name}-full.png`, fullPage: true });
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        if (wide) console.log(`${name}: wider than the screen`);
      }
      await context.close();
    }
  }
} finally {
  await browser.close();
}
