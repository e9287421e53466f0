// The reader's own view on any page that shows futures or bets: the list
// of what they changed, a future page's own controls, and their numbers
// beside the site's. Loaded by every page; it does nothing (and fetches
// nothing) where the page shows no future and no bet.
import { load } from "./view.js";
import { bar, controls, decorate } from "./view-ui.js";

const mount = document.getElementById("your_view");
if (mount && window.fetch && document.querySelector("[data-future], [data-bet]")) {
  load(mount.getAttribute("data-graph")).then(({ view }) => {
    // On the map, its panel sets values: the list shows only while there is a view.
    const onMap = !!mount.closest(".map-section");
    bar(view, mount, { pick: !onMap, quiet: onMap });
    const future = document.querySelector("article.future[data-future]");
    if (future) {
      const slot = future.querySelector(".view-slot");
      slot.hidden = false;
      controls(view, future.getAttribute("data-future"), slot);
    }
    decorate(view, document);
    view.subscribe(() => decorate(view, document));
  }).catch((err) => console.error("forkcast view:", err));
}
