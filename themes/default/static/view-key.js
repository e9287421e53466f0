// @ts-check
// Where the reader's view and the bets they hold are stored: one key each
// per site (its address's path), so two sites on one host keep their own.
// Its own module: view-page.js and map.js read it on every page without
// loading the view's or the bets' code.

/** @param {string} basePath */
export function storageKey(basePath) {
  return "forkcast.view:" + basePath;
}

/** Where hold.js keeps the bets a reader holds.
 * @param {string} basePath */
export function holdKey(basePath) {
  return "forkcast.hold:" + basePath;
}

/** The hold key of the site whose graph.json is at `graph` (relative to the page).
 * @param {string} graph */
function holdKeyOf(graph) {
  return holdKey(new URL(graph, location.href).pathname.replace(/graph\.json$/, ""));
}

/** Whether the reader holds bets on the site whose graph.json is at
 * `graph`: `?hold=` in the address (even empty: it is then cleared), or
 * bets kept in storage.
 * @param {string} graph */
export function holding(graph) {
  if (new URLSearchParams(location.search).has("hold")) return true;
  try { return !!localStorage.getItem(holdKeyOf(graph)); } catch (_) { return false; }
}

/** Calls `start` now where the reader holds bets, else the first time
 * another tab of the site stores some.
 * @param {string} graph @param {() => void} start */
export function whenHolding(graph, start) {
  if (holding(graph)) return void start();
  const key = holdKeyOf(graph);
  /** @param {StorageEvent} e */
  const started = (e) => {
    if (e.key !== key || !e.newValue) return;
    removeEventListener("storage", started);
    start();
  };
  addEventListener("storage", started);
}
