import { chromium } from "playwright-core";
const [url, out, n, dir] = process.argv.slice(2);
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const c = await b.newContext({ viewport: { width: 1440, height: 900 } });
const p = await c.newPage();
p.on("pageerror", (e) => console.log("pageerror:", String(e)));
await p.goto(url, { waitUntil: "networkidle" });
for (let i = 0; i < +n; i++) { await p.getByRole("button", { name: dir, exact: true }).click(); await p.waitForTimeout(250); }
await p.screenshot({ path: out });
await b.close();
