// @ts-check
// The map's input: wheel and pinch zoom, drag (mouse or touch) to pan,
// click or Enter to open a group or select a future, arrow keys between
// futures, hover and focus to highlight, +/− to zoom, Escape to close the
// panel, then to leave full screen. `c` is the map's controller.
import { applyView } from "./map-draw.js";

/** @typedef {import("./map.js").State} State */
/** @typedef {import("./map.js").Controller} Controller */

/** The element an event happened on, if it is one.
 * @param {Event} e */
function target(e) {
  return e.target instanceof Element ? e.target : null;
}

/** The map's future or group link an event happened in, if any.
 * @param {State} s @param {Event} e */
function futureLink(s, e) {
  const t = target(e), a = t && t.closest("a[data-id]");
  return a && s.layer.contains(a) ? a.getAttribute("data-id") : null;
}

/** Listens to the map's frame and the page's keys.
 * @param {State} s @param {Controller} c */
export function listen(s, c) {
  const frame = s.frame;
  /** @type {Map<number, { x: number, y: number }>} */
  const pointers = new Map();
  /** @type {number | null} */
  let last = null;
  let moved = false;
  /** @param {MouseEvent} e */
  const at = (e) => { const r = frame.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  frame.addEventListener("wheel", (e) => {
    e.preventDefault();
    const [x, y] = at(e);
    c.zoomAt(Math.exp(-e.deltaY * 0.002), x, y);
  }, { passive: false });
  frame.addEventListener("pointerdown", (e) => {
    const t = target(e);
    if ((t && t.closest(".map-panel, .map-hint")) || !c.interactive(e)) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    moved = false;
    last = null;
  });
  frame.addEventListener("pointermove", (e) => {
    const p = pointers.get(e.pointerId);
    if (!p) return;
    if (pointers.size === 1) {
      const dx = e.clientX - p.x, dy = e.clientY - p.y;
      if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
      if (!moved) { moved = true; frame.setPointerCapture(e.pointerId); frame.classList.add("dragging"); c.used(); }
      s.view.x += dx; s.view.y += dy;
      p.x = e.clientX; p.y = e.clientY;
      applyView(s);
    } else if (pointers.size === 2) {
      p.x = e.clientX; p.y = e.clientY;
      const [a, b] = [...pointers.values()];
      const d = Math.hypot(a.x - b.x, a.y - b.y), r = frame.getBoundingClientRect();
      if (last) c.zoomAt(d / last, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
      last = d;
      moved = true;
    }
  });
  /** @param {PointerEvent} e */
  const up = (e) => {
    pointers.delete(e.pointerId);
    last = null;
    frame.classList.remove("dragging");
    if (moved) c.settle();
  };
  frame.addEventListener("pointerup", up);
  frame.addEventListener("pointercancel", up);
  frame.addEventListener("click", (e) => {
    const id = futureLink(s, e);
    if (id == null) return;
    e.preventDefault();
    if (!moved) c.activate(id);
  });
  /** @param {Event} e */
  const hover = (e) => {
    const t = target(e), a = t && t.closest("a[data-id]"), at = a && a.getAttribute("data-id");
    // A tap that opens a group focuses its first future for the keyboard's
    // sake; only a focus the reader sees (from the keyboard) lights its paths,
    // or the group would open with all its other futures faded.
    if (e.type === "focusin" && a && !a.matches(":focus-visible")) return;
    const id = at && s.m.byId[at] && !s.m.byId[at].members.length ? at : null;
    if (id !== s.hovered) c.hover(id);
  };
  frame.addEventListener("mouseover", hover);
  frame.addEventListener("focusin", hover);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") return c.escape();
    const focused = document.activeElement;
    if (!focused || !frame.contains(focused)) return;
    const a = focused.closest("a[data-id]"), id = a && a.getAttribute("data-id");
    if (e.key === "+" || e.key === "=") { c.zoomAt(1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
    else if (e.key === "-" || e.key === "_") { c.zoomAt(1 / 1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
    else if (id && e.key === "Enter") { e.preventDefault(); c.activate(id); }
    else if (id && e.key.indexOf("Arrow") === 0) { e.preventDefault(); c.step(id, e.key); }
  });
}
