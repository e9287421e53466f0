// The map's input: wheel and pinch zoom, drag (mouse or touch) to pan,
// click or Enter to open a group or select a future, arrow keys between
// futures, hover and focus to highlight, +/− to zoom, Escape to close the
// panel, then to leave full screen. `c` is the map's controller.
import { applyView } from "./map-draw.js";

export function listen(s, c) {
  const frame = s.frame, pointers = new Map();
  let last = null, moved = false;
  const at = (e) => { const r = frame.getBoundingClientRect(); return [e.clientX - r.left, e.clientY - r.top]; };
  frame.addEventListener("wheel", (e) => {
    e.preventDefault();
    c.zoomAt(Math.exp(-e.deltaY * 0.002), ...at(e));
  }, { passive: false });
  frame.addEventListener("pointerdown", (e) => {
    if (e.target.closest(".map-panel, .map-hint") || !c.interactive(e)) return;
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
  const up = (e) => {
    pointers.delete(e.pointerId);
    last = null;
    frame.classList.remove("dragging");
    if (moved) c.settle();
  };
  frame.addEventListener("pointerup", up);
  frame.addEventListener("pointercancel", up);
  frame.addEventListener("click", (e) => {
    const a = e.target.closest("a[data-id]");
    if (!a || !s.layer.contains(a)) return;
    e.preventDefault();
    if (!moved) c.activate(a.getAttribute("data-id"));
  });
  const hover = (e) => {
    const a = e.target.closest("a[data-id]");
    const id = a && !s.m.byId[a.getAttribute("data-id")].members.length ? a.getAttribute("data-id") : null;
    if (id !== s.hovered) c.hover(id);
  };
  frame.addEventListener("mouseover", hover);
  frame.addEventListener("focusin", hover);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") return c.escape();
    if (!frame.contains(document.activeElement)) return;
    const a = document.activeElement.closest("a[data-id]");
    if (e.key === "+" || e.key === "=") { c.zoomAt(1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
    else if (e.key === "-" || e.key === "_") { c.zoomAt(1 / 1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
    else if (a && e.key === "Enter") { e.preventDefault(); c.activate(a.getAttribute("data-id")); }
    else if (a && e.key.indexOf("Arrow") === 0) { e.preventDefault(); c.step(a.getAttribute("data-id"), e.key); }
  });
}
