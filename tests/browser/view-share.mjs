// A shared what-if link, opened by someone who never set a view, in Debian's
// Chromium: on a desktop and on a phone (its map full screen) the first
// screen shows the futures the view changes, titled at 11 px or more, each
// with the site's number and the reader's ("38% → 100%") inside its box;
// "What your view changes" lists them largest first, on the map page and
// /bets/, and is hidden without a view; the table's "Implied" column
// follows the view beside the site's numbers.
// Usage: node view-share.mjs CONFIG_JSON   (written by tests/browser.rs)
// Prints one JSON line of measurements; exits 1 with a message on failure.
import { DESKTOP, PHONE, check, launch } from "./harness.mjs";
import { percent } from "../../themes/default/static/model.js";

const config = JSON.parse(process.argv[2]);
const results = {};
const MIN_PX = 11;

const browser = await launch();

async function open(options, path) {
  const ctx = await browser.newContext(options);
  const errors = [];
  const page = await ctx.newPage();
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(config.url + path);
  return { ctx, page, errors };
}

// A percentage as the pages print it ("38%", "<1%", ">99%", a range's "45–83%") as a number.
function points(text) {
  const t = text.trim().replace(/^pays off /, "");
  const range = t.match(/^(\d+)–(\d+)%$/) || t.match(/^([<>]?\d+)% to ([<>]?\d+)%$/);
  if (range) return (points(range[1] + "%") + points(range[2] + "%")) / 2;
  const m = t.match(/^([<>]?)(\d+)%$/);
  check(m, `“${text}” is not a percentage`);
  return Number(m[2]) + (m[1] === "<" ? -0.5 : m[1] === ">" ? 0.5 : 0);
}

// The list's rows under `selector`: id, the title and the old → new text; largest first within a point.
async function listed(page, selector, what) {
  const rows = await page.$$eval(selector + " li", (lis) => lis.map((li) => ({
    id: li.getAttribute("data-change"), title: li.querySelector("a").textContent, change: li.querySelector(".view-change").textContent,
  })));
  check(rows.length > 0, `“What your view changes” lists no ${what}`);
  const sizes = rows.map((r) => {
    const [from, to] = r.change.split(" → ");
    check(to != null, `“${r.change}” (${r.title}) is not old → new`);
    return Math.abs(points(to) - points(from));
  });
  // Rounding to whole points may swap two changes less than a point apart.
  sizes.forEach((s, i) => check(i === 0 || s <= sizes[i - 1] + 1, `${what} not largest first: ${rows.map((r) => r.title + " " + r.change).join("; ")}`));
  return rows;
}

// Each of `ids` on the map: in the first screen, not covered, its title at
// MIN_PX or more; its number line holding old → new inside its box. Returns
// a problem for each that is not, and how many are checked.
function onMap([ids, minPx]) {
  const frame = document.getElementById("futures_map").getBoundingClientRect();
  const top = Math.max(frame.top, 0), bottom = Math.min(frame.bottom, innerHeight);
  return ids.map((id) => {
    const a = document.querySelector(`#futures_map a[data-id="${CSS.escape(id)}"]`);
    if (!a) return `${id} is not drawn`;
    const [title] = a.querySelectorAll("text:not(.node-num)"), num = a.querySelector(".node-num"), rect = a.querySelector("rect");
    if (!title || !num) return `${id} is drawn without its title`;
    const px = title.getScreenCTM().a * Number(title.getAttribute("font-size"));
    if (px < minPx - 0.01) return `${id}'s title is ${px.toFixed(1)} px`;
    const r = a.getBoundingClientRect();
    if (r.left < frame.left || r.right > frame.right || r.top < top || r.bottom > bottom) return `${id} is not in the first screen (${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)})`;
    const t = title.getBoundingClientRect(), hit = document.elementFromPoint(t.left + 2, (t.top + t.bottom) / 2);
    if (!hit || !a.contains(hit)) return `${id}'s title is covered by ${hit && hit.outerHTML.slice(0, 80)}`;
    if (!num.textContent.includes("→")) return `${id}'s box says “${num.textContent}”, not old → new`;
    const box = rect.getBBox(), text = num.getBBox();
    if (text.x + text.width > box.x + box.width + 0.5) return `${id}'s “${num.textContent}” runs ${(text.x + text.width - box.x - box.width).toFixed(1)} units out of its box`;
    return null;
  }).filter(Boolean);
}

// Every drawn number line inside its box.
function overflowing() {
  return [...document.querySelectorAll("#futures_map a[data-id]")].flatMap((a) => {
    const num = a.querySelector(".node-num"), rect = a.querySelector("rect");
    if (!num) return [];
    const box = rect.getBBox(), text = num.getBBox();
    return text.x + text.width > box.x + box.width + 0.5 ? [a.getAttribute("data-id") + ": " + num.textContent] : [];
  });
}

// The map has drawn the view's frame (it redraws once the listing above it settles).
async function settled(page) {
  await page.waitForSelector("html[data-map-ready]");
  await page.waitForSelector(".view-changes:not([hidden]) li");
  await page.waitForTimeout(500);
}

try {
  const { share, set, child, childImplied, largest } = config;
  const childImpliedSite = percent(config.rules, config.childImpliedSite);

  // 1. A desktop: the largest changes and what the reader set, on the first screen.
  {
    const { ctx, page, errors } = await open(DESKTOP, "futures/?view=" + share);
    await settled(page);
    const rows = await listed(page, ".map-section .view-changes", "futures");
    const ids = rows.map((r) => r.id);
    const wanted = [...new Set(ids.slice(0, largest).concat(set))];
    const problems = await page.evaluate(onMap, [wanted, MIN_PX]);
    check(problems.length === 0, "desktop: " + problems.join("; "));
    const spill = await page.evaluate(overflowing);
    check(spill.length === 0, "desktop: number lines out of their boxes: " + spill.join("; "));
    results.desktop_framed = wanted.length;
    // Every change, once asked for: what the reader set among them.
    if (await page.locator(".view-changes-more").count()) await page.locator(".view-changes-more").click();
    const every = await listed(page, ".map-section .view-changes", "futures");
    set.forEach((id) => check(every.some((r) => r.id === id), `${id}, set by the view, is not listed`));
    results.desktop_listed = every.length;
    // The list's title shows the future on the map.
    await page.locator(".view-changes li a").first().click();
    await page.waitForSelector(`.map-panel:not([hidden])`);
    check(decodeURIComponent(new URL(page.url()).hash.slice(1)) === ids[0], "the list's link does not show the future on the map: " + page.url());
    // The table's implied column: the view's beside the site's.
    const implied = (await page.textContent(`.futures-table tr[data-future="${child}"] td:nth-child(3)`)).trim();
    check(implied.includes(childImpliedSite) && implied.includes("→ " + childImplied), `the table's Implied for ${child} reads “${implied}”, not ${childImpliedSite} → ${childImplied}`);
    check(errors.length === 0, "errors: " + errors.join("; "));
    await ctx.close();
  }

  // 2. A phone: the list on the page; the map, opened full screen, frames the largest change.
  {
    const { ctx, page, errors } = await open(PHONE, "futures/?view=" + share);
    await settled(page);
    const rows = await listed(page, ".map-section .view-changes", "futures");
    await page.getByRole("button", { name: "Open the map full screen" }).click();
    await page.waitForTimeout(500);
    const problems = await page.evaluate(onMap, [[rows[0].id], MIN_PX]);
    check(problems.length === 0, "phone, full screen: " + problems.join("; "));
    const spill = await page.evaluate(overflowing);
    check(spill.length === 0, "phone: number lines out of their boxes: " + spill.join("; "));
    check(errors.length === 0, "errors on a phone: " + errors.join("; "));
    await ctx.close();
  }

  // 3. /bets/: the bets whose chance moves and the futures, largest first; hidden once the view is reset.
  {
    const { ctx, page, errors } = await open(DESKTOP, "bets/?view=" + share);
    await page.waitForSelector(".view-changes:not([hidden]) li");
    const bets = await page.$$eval(".view-changes .view-changes-list", (lists) => lists.length);
    check(bets === 2, `/bets/ lists ${bets} kinds of change, not bets and futures`);
    await listed(page, ".view-changes .view-changes-list:first-of-type", "bets");
    await listed(page, ".view-changes .view-changes-list:last-of-type", "futures");
    await page.getByRole("button", { name: "Reset your view" }).click();
    await page.waitForSelector(".view-changes", { state: "hidden" });
    check(errors.length === 0, "errors on /bets/: " + errors.join("; "));
    await ctx.close();
  }

  // 4. Without a view the list is not there.
  {
    const { ctx, page } = await open(DESKTOP, "futures/");
    await page.waitForSelector("html[data-map-ready]");
    check(!(await page.locator(".view-changes").isVisible()), "“What your view changes” shows without a view");
    await ctx.close();
  }
  console.log(JSON.stringify(results));
} catch (err) {
  console.error(err.message);
  process.exitCode = 1;
} finally {
  await browser.close();
}
