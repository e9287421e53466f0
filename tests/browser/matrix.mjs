// Drives Debian's Chromium through /bets/matrix/: sorting by a column keeps
// each kind's rows together under their heading, cells without a mark sort
// last, the expected values of bets with stakes sort (those without last),
// and on a phone the bets' names stay in view when the table scrolls.
// Usage: node matrix.mjs URL   (written by tests/bets.rs); exits 1 on failure.
import { check, launch } from "./harness.mjs";

const url = process.argv[2];
const browser = await launch();
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(url, { waitUntil: "networkidle" });
  // Each tbody: its heading's text, then each row's bet id and sort keys.
  const groups = () => page.$$eval("table.matrix tbody", (bodies) => bodies.map((b) => ({
    heading: b.rows[0].textContent.trim(),
    rows: Array.from(b.rows).slice(1).map((r) => ({
      bet: r.dataset.bet,
      payoff: Number(r.querySelector(".bet-payoff").dataset.sort),
      ev: r.querySelector(".bet-ev")?.dataset.sort,
      cells: Array.from(r.cells).map((c) => c.textContent.trim()),
    })),
  })));
  const before = await groups();
  check(before.length >= 2, "bets grouped by kind");
  const sorted = (xs, by) => xs.every((x, i) => i === 0 || by(xs[i - 1]) <= by(x));

  const payoffHeading = page.locator("table.matrix thead tr:last-child th", { hasText: "Pays off" }).getByRole("button");
  await payoffHeading.click();
  let after = await groups();
  check(after.map((g) => g.heading).join() === before.map((g) => g.heading).join(), "kind headings stay first, in order");
  for (const g of after) {
    check(sorted(g.rows, (r) => r.payoff), `${g.heading}: by payoff, ascending`);
    const was = before.find((b) => b.heading === g.heading);
    check(g.rows.map((r) => r.bet).sort().join() === was.rows.map((r) => r.bet).sort().join(), `${g.heading}: the same bets`);
  }
  await payoffHeading.click();
  after = await groups();
  for (const g of after) check(sorted(g.rows, (r) => -r.payoff), `${g.heading}: by payoff, descending`);

  // The expected value: the bets with a stake by it, then those without.
  await page.locator("table.matrix thead tr:last-child th", { hasText: "Expected value" }).getByRole("button").click();
  after = await groups();
  let staked = 0;
  for (const g of after) {
    const values = g.rows.map((r) => r.ev === undefined ? Infinity : Number(r.ev));
    check(sorted(values, (v) => v), `${g.heading}: by expected value, those without a stake last: ${values}`);
    staked += values.filter((v) => v !== Infinity).length;
  }
  check(staked >= 2, `only ${staked} bets with a stake on the matrix`);

  // A future's column: the bets that win there, then those that lose, then the rest.
  const column = await page.$$eval("table.matrix thead tr:last-child th", (ths) =>
    ths.findIndex((th) => th.dataset.future === "ai-investment-bust"));
  check(column > 0, "a column for ai-investment-bust");
  await page.click(`table.matrix thead tr:last-child th:nth-child(${column + 1}) button`);
  after = await groups();
  // A cell of a bet with a stake goes on with what it returns there.
  const rank = (r) => r.cells[column].startsWith("✓ wins") ? 0 : r.cells[column].startsWith("✗ loses") ? 1 : 2;
  let marked = 0;
  for (const g of after) {
    check(sorted(g.rows, rank), `${g.heading}: wins, then losses, then nothing`);
    marked += g.rows.filter((r) => rank(r) < 2).length;
  }
  check(marked >= 3, `only ${marked} bets win or lose in ai-investment-bust`);

  // On a phone the table scrolls inside itself and the bets' names stay put.
  const wrap = page.locator(".matrix-wrap");
  const name = page.locator("table.matrix tbody tr[data-bet] th").first();
  const x0 = (await name.boundingBox()).x;
  check(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), "the page itself does not scroll sideways");
  await wrap.evaluate((w) => { w.scrollLeft = 600; });
  check(await wrap.evaluate((w) => w.scrollLeft) > 0, "the table scrolls");
  check(Math.abs((await name.boundingBox()).x - x0) < 1, "the bet's name stays pinned");
  check(errors.length === 0, `page errors: ${errors.join("; ")}`);
  await context.close();
} finally {
  await browser.close();
}
