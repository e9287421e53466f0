// @ts-check
// The reader's own view on any page that shows futures or bets: the list
// of what they changed, a future page's own controls, and their numbers
// beside the site's. Loaded by every page; it does nothing (and fetches
// nothing) where the page shows no future and no bet.
import { load } from "./view.js";
import { bar, controls, decorate } from "./view-ui.js";
import { changesList } from "./view-changes.js";

const mount = document.getElementById("your_view");
const graph = mount && mount.getAttribute("data-graph");
if (mount && graph && document.querySelector("[data-future], [data-bet]")) {
  load(graph).then(({ view }) => {
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
    // The map page and /bets/ say where "What your view changes" goes.
    document.querySelectorAll("[data-changes]").forEach((list) => {
      if (list instanceof HTMLElement) changesList(view, list, { bets: list.dataset.changes === "bets" });
    });
    decorate(view, document);
    view.subscribe(() => decorate(view, document));
  }).catch((err) => console.error("forkcast view:", err));
}
