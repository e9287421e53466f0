import { chromium } from "playwright-core";
const [base, out, ...paths] = process.argv.slice(2);
const screens = {
  desktop: { viewport: { width: 1440, height: 900 } },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
for (const [screen, options] of Object.entries(screens)) {
  for (const colorScheme of ["light", "dark"]) {
    const context = await browser.newContext({ ...options, colorScheme });
    const page = await context.newPage();
    for (const path of paths) {
      await page.goto(new URL(path, base).href, { waitUntil: "networkidle" });
      const fig = await page.$(".chart-figure");
      const list = await page.$(".estimate-history");
      const a = await fig.boundingBox(); const b = await list.boundingBox();
      const y = a.y - 10, h = b.y + b.height - y + 10;
      const name = path.replace(/[^a-z0-9]+/gi, "_").replace(/^_|_$/g, "") + `-${screen}-${colorScheme}`;
      await page.screenshot({ path: `${out}/${name}-chart.png`, fullPage: true, clip: { x: 0, y, width: options.viewport.width, height: h } });
    }
    await context.close();
  }
}
await browser.close();
