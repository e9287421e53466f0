// @ts-check
// The reader's own view on any page that shows futures or bets: the list
// of what they changed, a future page's own controls, and their numbers
// beside the site's. Loaded by every page, and small: the view's code and
// graph.json load (dynamic imports) only where they are used — the futures
// and bets pages, which offer a view, and other pages showing futures while
// the reader has one (in the address, or stored from another page or tab).
// The bets the reader holds (hold.js, hold-ui.js) load the same way: on the
// bets pages, which offer to mark them, and elsewhere only while some are held.
import { storageKey, whenHolding } from "./view-key.js";

const mount = document.getElementById("your_view");
const graph = mount && mount.getAttribute("data-graph");
if (mount && graph && document.querySelector("[data-future], [data-bet]")) {
  const key = storageKey(new URL(graph, location.href).pathname.replace(/graph\.json$/, ""));
  const cls = document.body.classList;
  const offered = cls.contains("section-futures") || cls.contains("section-bets");
  if (offered || new URLSearchParams(location.search).has("view") || stored(key)) start(mount, graph);
  else {
    /** @param {StorageEvent} e */
    const started = (e) => {
      if (e.key !== key || !e.newValue) return;
      removeEventListener("storage", started);
      start(mount, graph);
    };
    addEventListener("storage", started);
  }
  // The bets the reader holds: the bets pages offer to mark them; other
  // pages showing futures or bets load their code only while some are held.
  if (cls.contains("section-bets")) startHold(graph);
  else whenHolding(graph, () => startHold(graph));
}

/** @param {string} key */
function stored(key) {
  try { return !!localStorage.getItem(key); } catch (_) { return false; }
}

/** @param {HTMLElement} mount @param {string} graph */
async function start(mount, graph) {
  try {
    const [{ load }, { bar, controls, decorate }] = await Promise.all([import("./view.js"), import("./view-ui.js")]);
    const { view } = await load(graph);
    // The map's panel and a future page's own controls set values, and
    // elsewhere (posts, the home page) futures are not the subject: there
    // the list shows only while there is a view. The bets pages and the
    // futures table invite the reader to start one.
    const onMap = !!mount.closest(".map-section"), cls = document.body.classList;
    const future = document.querySelector("article.future[data-future]");
    const invite = !onMap && !future && (cls.contains("section-futures") || cls.contains("section-bets"));
    bar(view, mount, { pick: !onMap, quiet: !invite });
    const slot = future && future.querySelector(".view-slot");
    const id = future && future.getAttribute("data-future");
    if (slot instanceof HTMLElement && id) {
      slot.hidden = false;
      controls(view, id, slot);
    }
    decorate(view, document);
    view.subscribe(() => decorate(view, document));
    // The map page and /bets/ say where "What your view changes" goes; the
    // page's numbers above are shown before its code loads.
    const lists = [...document.querySelectorAll("[data-changes]")];
    if (lists.length) {
      const { changesList } = await import("./view-changes.js");
      lists.forEach((list) => {
        if (list instanceof HTMLElement) changesList(view, list, { bets: list.dataset.changes === "bets" });
      });
    }
  } catch (err) {
    console.error("forkcast view:", err);
  }
}

/** @param {string} graph */
async function startHold(graph) {
  try {
    const [{ load }, { page }] = await Promise.all([import("./hold.js"), import("./hold-ui.js")]);
    const { view, hold } = await load(graph);
    page(hold, view);
  } catch (err) {
    console.error("forkcast bets held:", err);
  }
}
