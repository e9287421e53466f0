// @ts-check
// Sortable tables: a click on a column heading sorts the rows by it, within
// each group of rows (each <tbody>; a row headed by a rowgroup heading stays
// first). Cells with nothing in them sort last either way.
// A table wider than the screen says so. Progressive enhancement only;
// every page reads fine without it. Last, the loader of the hover cards.

/** A cell's sort key: its `data-sort` number, else its text; null when empty.
 * @param {HTMLTableCellElement} cell */
function key(cell) {
  const v = cell.getAttribute("data-sort");
  if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
  const text = (cell.textContent || "").trim().toLowerCase();
  return text === "" ? null : text;
}

/** @param {HTMLTableElement} table @param {HTMLTableCellElement} th @param {number} col */
function sortBy(table, th, col) {
  const asc = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th").forEach((h) => h.removeAttribute("aria-sort"));
  th.setAttribute("aria-sort", asc ? "ascending" : "descending");
  for (const body of table.tBodies) {
    const rows = [...body.rows].filter((r) => !r.querySelector('th[scope="rowgroup"]'));
    rows.sort((a, b) => {
      const x = key(a.cells[col]), y = key(b.cells[col]);
      if (x === null || y === null) return Number(x === null) - Number(y === null);
      const c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
      return asc ? c : -c;
    });
    rows.forEach((r) => body.appendChild(r));
  }
}

// The last header row has one heading per column (rows above it may
// group columns), so a heading's place in it is its column's. Listening
// on the head sorts by columns added later (the reader's view) too.
document.querySelectorAll("table.sortable").forEach((node) => {
  const table = /** @type {HTMLTableElement} */ (node), head = table.tHead;
  if (!head) return;
  head.addEventListener("click", (e) => {
    const button = e.target instanceof Element ? e.target.closest("button") : null;
    const th = button && button.closest("th");
    if (th && th.parentNode === head.rows[head.rows.length - 1]) sortBy(table, th, th.cellIndex);
  });
});

// A table wider than its place scrolls inside it; a line above says so in
// words (a phone shows no scroll bar until the reader touches it).
document.querySelectorAll(".table-wrap, .matrix-wrap, .content table").forEach((box) => {
  const hint = document.createElement("p");
  hint.className = "scroll-hint";
  hint.textContent = "This table is wider than the screen: scroll it sideways to see every column →";
  hint.hidden = true;
  box.before(hint);
  // The box and what it holds: a column added (the reader's view) widens only the table.
  const watch = new ResizeObserver(() => { hint.hidden = box.scrollWidth <= box.clientWidth + 1; });
  watch.observe(box);
  if (box.firstElementChild) watch.observe(box.firstElementChild);
});

// Hover cards (hover-card.js, loaded on first use) on links to futures and
// bets in authors' text and on references; never without hover (touch).
const site = new URL("./", import.meta.url).pathname;

/** The link `t` is in, if it shows a card. @param {EventTarget | null} t */
function cardLink(t) {
  const a = t instanceof Element ? t.closest("a[href]") : null;
  if (!(a instanceof HTMLAnchorElement) || a.origin !== location.origin || a.pathname === location.pathname) return null;
  if (!a.classList.contains("ref") && !a.closest(".content, .evidence-note, .intro")) return null;
  const page = a.pathname.startsWith(site) ? a.pathname.slice(site.length) : "";
  return /^(futures|bets)\/[a-z0-9-]+\/$/.test(page) && page !== "bets/matrix/" ? a : null;
}

if (matchMedia("(hover: hover)").matches) {
  /** @param {Event} e */
  const first = (e) => {
    if ((e instanceof PointerEvent && e.pointerType === "touch") || !cardLink(e.target)) return;
    removeEventListener("pointerover", first);
    removeEventListener("focusin", first);
    import("./hover-card.js").then((m) => m.start(cardLink, e), console.error);
  };
  addEventListener("pointerover", first);
  addEventListener("focusin", first);
}
