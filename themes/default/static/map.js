// The interactive future map. Progressive enhancement of the static SVG
// that /futures/ ships: pan, zoom, semantic zoom (groups open as you zoom
// in), search, highlighting, filters, a side panel, keyboard navigation,
// deep links (#id, ?bet=id). No framework, no build step; nothing runs
// while nothing moves.
(function () {
  "use strict";
  var frame = document.getElementById("map");
  if (!frame || !window.fetch) return;
  var NS = "http://www.w3.org/2000/svg";
  // A group opens once its futures would be drawn this wide on screen.
  var OPEN_PX = 96, LABEL_PX = 72, NUM_PX = 110, SETTLE_MS = 120;
  // Set from graph.json: the build's node width and number rules.
  var NODE_W, rules;
  var nodes = [], byId = {}, out = {}, inn = {}, edges = [], bets = {}, data;
  var view = { x: 0, y: 0, k: 1 }, forced = {}, selected = null, hovered = null, bet = null;
  var filter = { lo: 0, hi: 100, tag: "" };
  var svg, layer, panel, status, settleTimer = 0, drawn = [];

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function html(tag, attrs, text, parent) {
    var e = document.createElement(tag);
    for (var a in attrs) e.setAttribute(a, attrs[a]);
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }
  function pct(p) {
    if (p == null) return "—";
    if (p < rules.display.low) return "<" + Math.round(rules.display.low * 100) + "%";
    if (p > rules.display.high) return ">" + Math.round(rules.display.high * 100) + "%";
    return Math.round(p * 100) + "%";
  }
  function prob(n) { return n.probability != null ? n.probability : n.implied; }
  function fit(title, w) {
    var max = Math.max(4, Math.floor((w - 16) / 7.2));
    return title.length <= max ? title : title.slice(0, max - 1).trim() + "…";
  }

  // ---- model ---------------------------------------------------------
  function load(d) {
    data = d;
    NODE_W = d.map.node_width;
    rules = d.rules;
    d.futures.forEach(function (f, i) {
      f.index = i; f.members = []; byId[f.id] = f; out[f.id] = []; inn[f.id] = [];
      f.box = { x: f.rect[0], y: f.rect[1], w: f.rect[2], h: f.rect[3] };
    });
    d.futures.forEach(function (f) { if (f.within) byId[f.within].members.push(f.id); });
    d.edges.forEach(function (e) { out[e.from].push(e.to); inn[e.to].push(e.from); });
    edges = d.edges;
    nodes = d.futures;
    d.bets.forEach(function (b) { bets[b.id] = b; });
  }
  function ancestors(id) { var a = [], f = byId[id]; while (f && f.within) { a.push(f.within); f = byId[f.within]; } return a; }
  function isOpen(id) { return byId[id].members.length > 0 && (forced[id] || NODE_W * view.k >= OPEN_PX); }
  // What stands for a future at the current zoom: itself, or its outermost closed group.
  function rep(id) {
    var a = ancestors(id), r = id;
    for (var i = a.length - 1; i >= 0; i--) if (!isOpen(a[i])) return a[i];
    return r;
  }
  function closure(start, next) {
    var seen = {}, stack = [start];
    while (stack.length) {
      var id = stack.pop();
      next[id].forEach(function (n) { if (!seen[n]) { seen[n] = true; stack.push(n); } });
    }
    return seen;
  }
  function passes(f) {
    var p = prob(f);
    if (f.members.length) return true;
    if (filter.tag && f.tags.indexOf(filter.tag) < 0) return false;
    if (p != null && (p * 100 < filter.lo || p * 100 > filter.hi)) return false;
    return true;
  }

  // ---- drawing -------------------------------------------------------
  function applyView() { layer.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }
  function viewport() {
    var w = frame.clientWidth, h = frame.clientHeight;
    return { x: -view.x / view.k, y: -view.y / view.k, w: w / view.k, h: h / view.k };
  }
  function meets(a, b) { return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h; }

  var renders = 0;
  function render() {
    var t0 = performance.now();
    while (layer.firstChild) layer.removeChild(layer.firstChild);
    drawn = [];
    var vp = viewport(), m = 200 / view.k;
    vp = { x: vp.x - m, y: vp.y - m, w: vp.w + 2 * m, h: vp.h + 2 * m };
    var axis = el("g", { "class": "axis" }, layer), gEdges = el("g", { "class": "edges" }, layer), gNodes = el("g", { "class": "nodes" }, layer);
    var fs = 12 / view.k;
    data.map.columns.forEach(function (c) {
      if (c.year != null) el("text", { x: c.x + c.w / 2, y: c.y - 10, "font-size": fs }, axis).textContent = c.year;
    });
    var lit = highlightSet();
    function draw(id, parent) {
      var f = byId[id];
      if (!meets(f.box, vp)) return;
      if (f.members.length) {
        var open = isOpen(id);
        var a = item(f, parent, open ? "group open" : "group closed", lit);
        el("rect", { x: f.box.x, y: f.box.y, width: f.box.w, height: f.box.h, rx: 10 }, a);
        // Group titles keep a readable size on screen at any zoom.
        // An open group's title stays in its header; a closed one's within its box.
        var s = Math.min(1 / view.k, open ? 1.4 : Math.max(1, (f.box.h - 8) / 44)), sw = f.box.w / s;
        label(a, "group-title", f.box.x + 12 * s, f.box.y + 20 * s, fit(f.title, sw)).setAttribute("font-size", 13 * s);
        if (!open) label(a, "group-count", f.box.x + 12 * s, f.box.y + 40 * s, fit(count(id) + " futures" + (f.when ? " · " + f.when.start + "–" + f.when.end : ""), sw)).setAttribute("font-size", 12 * s);
        if (open) f.members.forEach(function (mid) { draw(mid, parent); });
        return;
      }
      var p = prob(f);
      var n = item(f, parent, "node " + (p == null ? "unknown" : "p" + Math.min(9, Math.floor(p * 10))), lit);
      el("rect", { x: f.box.x, y: f.box.y, width: f.box.w, height: f.box.h, rx: 6 }, n);
      var px = f.box.w * view.k;
      if (px >= LABEL_PX) label(n, "", f.box.x + 8, f.box.y + 18, fit(f.title, f.box.w));
      if (px >= NUM_PX) label(n, "num", f.box.x + 8, f.box.y + 35, pct(p) + (f.disagreement ? " ⚠" : "") + (f.stale ? " ↺" : ""));
    }
    data.futures.forEach(function (f) { if (!f.within) draw(f.id, gNodes); });
    var agg = {};
    edges.forEach(function (e) {
      var a = rep(e.from), b = rep(e.to);
      if (a === b) return;
      var key = a + ">" + b;
      agg[key] = (agg[key] || 0) + 1;
    });
    Object.keys(agg).forEach(function (key) {
      var ab = key.split(">"), A = byId[ab[0]], B = byId[ab[1]];
      if (!meets(A.box, vp) && !meets(B.box, vp)) return;
      var x1 = A.box.x + A.box.w, y1 = A.box.y + A.box.h / 2, x2 = B.box.x, y2 = B.box.y + B.box.h / 2;
      var dx = Math.max(24, (x2 - x1) / 2);
      var cls = "edge";
      if (lit && !(lit[A.id] && lit[B.id])) cls += " dim";
      el("path", { "class": cls, d: "M" + x1 + "," + y1 + " C" + (x1 + dx) + "," + y1 + " " + (x2 - dx) + "," + y2 + " " + x2 + "," + y2 }, gEdges);
      if (agg[key] > 1 || A.members.length || B.members.length) el("text", { "class": "edge-label", x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4 }, gEdges).textContent = agg[key];
    });
    applyView();
    // For tests and benchmarks: how many renders, and how long the last took.
    document.documentElement.setAttribute("data-map-rendered", String(++renders));
    document.documentElement.setAttribute("data-map-render-ms", (performance.now() - t0).toFixed(1));
  }
  function count(id) { return byId[id].members.reduce(function (n, m) { return n + 1 + count(m); }, 0); }
  function label(parent, cls, x, y, text) { var t = el("text", { x: x, y: y }, parent); if (cls) t.setAttribute("class", cls); t.textContent = text; return t; }
  function item(f, parent, cls, lit) {
    if (lit && !lit[f.id]) cls += " dim";
    if (!passes(f)) cls += " dim";
    if (bet) {
      if (bet.wins_if.indexOf(f.id) >= 0) cls += " win";
      if (bet.loses_if.indexOf(f.id) >= 0) cls += " lose";
      if (bet.essential_fork === f.id) cls += " fork";
    }
    if (selected === f.id) cls += " selected";
    var a = el("a", { href: f.url, "class": cls, "data-id": f.id, tabindex: "0", "aria-label": f.title + (f.members.length ? ", group of " + count(f.id) + " futures" : ", " + pct(prob(f))) }, parent);
    drawn.push(f.id);
    return a;
  }
  function highlightSet() {
    var id = hovered || selected;
    if (!id) return null;
    var set = closure(id, out), up = closure(id, inn);
    for (var k in up) set[k] = true;
    set[id] = true;
    // Groups holding a lit future stay lit.
    Object.keys(set).forEach(function (k) { ancestors(k).forEach(function (g) { set[g] = true; }); });
    return set;
  }

  // ---- view changes ---------------------------------------------------
  function settle() { clearTimeout(settleTimer); settleTimer = setTimeout(render, SETTLE_MS); }
  function zoomAt(factor, cx, cy) {
    var k = Math.max(0.02, Math.min(4, view.k * factor));
    factor = k / view.k;
    // Zooming out past the opening point closes groups opened by hand too.
    if (factor < 1 && NODE_W * k < OPEN_PX) forced = {};
    view.x = cx - (cx - view.x) * factor;
    view.y = cy - (cy - view.y) * factor;
    view.k = k;
    applyView();
    settle();
  }
  function fitAll() {
    var w = frame.clientWidth;
    var wanted = w * (data.map.height + 90) / (data.map.width + 60);
    frame.style.height = Math.round(Math.max(360, Math.min(window.innerHeight * 0.72, wanted))) + "px";
    var h = frame.clientHeight;
    view.k = Math.min(w / (data.map.width + 60), h / (data.map.height + 90));
    view.x = (w - data.map.width * view.k) / 2;
    view.y = (h - data.map.height * view.k) / 2 + 20;
  }
  // Shows all of `ids` at once, as close as they fit.
  function fitTo(ids) {
    if (!ids.length) return;
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    ids.forEach(function (id) { var b = byId[id].box; x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.w); y1 = Math.max(y1, b.y + b.h); });
    var w = frame.clientWidth, h = frame.clientHeight;
    view.k = Math.min(1.2, (w - 40) / (x1 - x0), (h - 40) / (y1 - y0));
    view.x = w / 2 - (x0 + x1) / 2 * view.k;
    view.y = h / 2 - (y0 + y1) / 2 * view.k;
  }
  function centre(id, width) {
    var f = byId[id], w = frame.clientWidth, h = frame.clientHeight;
    ancestors(id).forEach(function (g) { forced[g] = true; });
    if (width) view.k = Math.min(4, width / f.box.w);
    view.x = w / 2 - (f.box.x + f.box.w / 2) * view.k;
    view.y = h / 2 - (f.box.y + f.box.h / 2) * view.k;
  }

  // ---- selection and panel -------------------------------------------
  function select(id, focus) {
    var f = byId[id];
    if (!f) return;
    selected = id;
    showPanel(f);
    centre(id, f.members.length ? null : 220);
    // Keep the selection clear of the panel (beside it, or above the bottom sheet).
    if (panel.offsetWidth < frame.clientWidth) view.x -= panel.offsetWidth / 2;
    else view.y -= panel.offsetHeight / 2;
    render();
    var url = location.pathname + location.search + "#" + encodeURIComponent(id);
    history.replaceState(null, "", url);
    say(f.title + " selected");
    if (focus) focusNode(id);
  }
  function focusNode(id) { var n = layer.querySelector('a[data-id="' + CSS.escape(id) + '"]'); if (n) n.focus(); }
  function showPanel(f) {
    panel.textContent = "";
    var close = html("button", { type: "button", "class": "close", "aria-label": "Close" }, "×", panel);
    close.addEventListener("click", hidePanel);
    var h = html("h3", {}, null, panel);
    html("a", { href: f.url }, f.title, h);
    var summary = html("p", {}, summaries ? summaries[f.id] || "" : "…", panel);
    if (!summaries) loadSummaries().then(function () { summary.textContent = summaries[f.id] || ""; });
    var dl = html("dl", {}, null, panel);
    function row(dt, dd) { html("dt", {}, dt, dl); html("dd", {}, dd, dl); }
    if (f.members.length) row("Group of", count(f.id) + " futures");
    row("Probability", f.probability != null ? pct(f.probability) + " (" + (f.source === "markets" ? "markets" : "author's estimate") + ")" + (f.stale ? ", stale as of " + f.stale : "") : "none given");
    row("Implied by the graph", pct(f.implied));
    if (f.disagreement) row("⚠ Disputed", "its own probability and the graph's differ by more than " + Math.round(rules.disagreement * 100) + " points");
    var wins = data.bets.filter(function (b) { return b.wins_if.indexOf(f.id) >= 0; });
    var loses = data.bets.filter(function (b) { return b.loses_if.indexOf(f.id) >= 0; });
    [["Bets that win here", wins], ["Bets that lose here", loses]].forEach(function (pair) {
      if (!pair[1].length) return;
      html("h4", {}, pair[0], panel);
      var ul = html("ul", {}, null, panel);
      pair[1].forEach(function (b) {
        var li = html("li", {}, null, ul);
        html("a", { href: b.url }, b.title, li);
        li.appendChild(document.createTextNode(" "));
        var show = html("button", { type: "button" }, "show", li);
        show.addEventListener("click", function () { showBet(b.id); });
      });
    });
    panel.hidden = false;
  }
  // Summaries are only needed once a panel opens: fetched then, once.
  var summaries = null, summariesLoading = null;
  function loadSummaries() {
    summariesLoading = summariesLoading || fetch(frame.getAttribute("data-summaries")).then(function (r) { return r.json(); }).then(function (s) { summaries = s; });
    return summariesLoading;
  }
  function hidePanel() {
    panel.hidden = true;
    var was = selected;
    selected = null;
    history.replaceState(null, "", location.pathname + location.search);
    render();
    if (was) focusNode(was);
  }
  function showBet(id) {
    bet = bets[id] || null;
    if (!bet) return;
    var ids = bet.wins_if.concat(bet.loses_if, bet.essential_fork ? [bet.essential_fork] : []);
    ids.forEach(function (f) { ancestors(f).forEach(function (g) { forced[g] = true; }); });
    fitTo(ids);
    render();
    say("Bet: " + bet.title + (bet.essential_fork ? ". It rides on " + byId[bet.essential_fork].title : ""));
  }
  function say(text) { status.textContent = text; }

  // ---- tools -----------------------------------------------------------
  function tools() {
    var bar = html("div", { "class": "map-tools", role: "toolbar", "aria-label": "Map tools" });
    frame.parentNode.insertBefore(bar, frame);
    var wrap = html("span", { "class": "search" }, null, bar);
    var search = html("input", { type: "search", placeholder: "Find a future…", "aria-label": "Find a future", autocomplete: "off", role: "combobox", "aria-expanded": "false", "aria-controls": "map-results" }, null, wrap);
    var results = html("ul", { id: "map-results", "class": "results", role: "listbox", hidden: "" }, null, wrap);
    var active = -1, matches = [];
    function pick(i) { var f = matches[i]; if (!f) return; results.hidden = true; search.setAttribute("aria-expanded", "false"); select(f.id, true); }
    search.addEventListener("input", function () {
      var q = search.value.trim().toLowerCase();
      results.textContent = "";
      // Exact titles first, then titles starting with the query, then the rest; shorter first.
      var score = function (f) { var t = f.title.toLowerCase(); return (t === q ? 0 : t.indexOf(q) === 0 ? 1 : 2) * 1000 + t.length; };
      matches = q ? nodes.filter(function (f) { return f.title.toLowerCase().indexOf(q) >= 0; }).sort(function (a, b) { return score(a) - score(b); }).slice(0, 8) : [];
      active = matches.length ? 0 : -1;
      matches.forEach(function (f, i) {
        var li = html("li", { role: "option", "aria-selected": String(i === 0) }, f.title, results);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
      });
      results.hidden = !matches.length;
      search.setAttribute("aria-expanded", String(!!matches.length));
    });
    search.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        active = (active + (e.key === "ArrowDown" ? 1 : matches.length - 1)) % Math.max(1, matches.length);
        Array.prototype.forEach.call(results.children, function (li, i) { li.setAttribute("aria-selected", String(i === active)); });
      } else if (e.key === "Enter") { e.preventDefault(); pick(active); }
      else if (e.key === "Escape") { results.hidden = true; }
    });
    function button(text, label, fn) { var b = html("button", { type: "button", "aria-label": label }, text, bar); b.addEventListener("click", fn); }
    button("−", "Zoom out", function () { zoomAt(1 / 1.4, frame.clientWidth / 2, frame.clientHeight / 2); });
    button("+", "Zoom in", function () { zoomAt(1.4, frame.clientWidth / 2, frame.clientHeight / 2); });
    button("Fit", "Show the whole map", function () { forced = {}; bet = null; fitAll(); render(); });
    var lo = html("input", { type: "number", min: "0", max: "100", value: "0", "aria-label": "Lowest probability (%)", size: "3" }, null, bar);
    html("span", {}, "–", bar);
    var hi = html("input", { type: "number", min: "0", max: "100", value: "100", "aria-label": "Highest probability (%)", size: "3" }, null, bar);
    var tags = {};
    nodes.forEach(function (f) { f.tags.forEach(function (t) { tags[t] = true; }); });
    var sel = html("select", { "aria-label": "Only futures tagged" }, null, bar);
    html("option", { value: "" }, "all tags", sel);
    Object.keys(tags).sort().forEach(function (t) { html("option", { value: t }, "#" + t, sel); });
    function refilter() { filter.lo = +lo.value || 0; filter.hi = hi.value === "" ? 100 : +hi.value; filter.tag = sel.value; render(); }
    lo.addEventListener("change", refilter); hi.addEventListener("change", refilter); sel.addEventListener("change", refilter);
    status = html("span", { "class": "muted", role: "status", "aria-live": "polite" }, "", bar);
  }

  // ---- input -----------------------------------------------------------
  function events() {
    var pointers = {}, last = null, moved = false;
    frame.addEventListener("wheel", function (e) {
      e.preventDefault();
      var r = frame.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.002), e.clientX - r.left, e.clientY - r.top);
    }, { passive: false });
    frame.addEventListener("pointerdown", function (e) {
      if (e.target.closest && e.target.closest(".map-panel")) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY };
      moved = false;
      last = null;
    });
    frame.addEventListener("pointermove", function (e) {
      if (!pointers[e.pointerId]) return;
      var ids = Object.keys(pointers), p = pointers[e.pointerId];
      if (ids.length === 1) {
        var dx = e.clientX - p.x, dy = e.clientY - p.y;
        if (!moved && Math.abs(dx) + Math.abs(dy) < 4) return;
        if (!moved) { moved = true; frame.setPointerCapture(e.pointerId); frame.classList.add("dragging"); }
        view.x += dx; view.y += dy;
        p.x = e.clientX; p.y = e.clientY;
        applyView();
      } else if (ids.length === 2) {
        p.x = e.clientX; p.y = e.clientY;
        var a = pointers[ids[0]], b = pointers[ids[1]];
        var d = Math.hypot(a.x - b.x, a.y - b.y), r = frame.getBoundingClientRect();
        if (last) zoomAt(d / last, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
        last = d;
        moved = true;
      }
    });
    function up(e) {
      delete pointers[e.pointerId];
      last = null;
      frame.classList.remove("dragging");
      if (moved) settle();
    }
    frame.addEventListener("pointerup", up);
    frame.addEventListener("pointercancel", up);
    frame.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-id]");
      if (!a || !layer.contains(a)) return;
      e.preventDefault();
      if (moved) return;
      activate(a.getAttribute("data-id"));
    });
    frame.addEventListener("mouseover", function (e) {
      var a = e.target.closest && e.target.closest("a[data-id]");
      var id = a && !byId[a.getAttribute("data-id")].members.length ? a.getAttribute("data-id") : null;
      if (id !== hovered) { hovered = id; restyle(); }
    });
    frame.addEventListener("focusin", function (e) {
      var a = e.target.closest && e.target.closest("a[data-id]");
      if (a && !byId[a.getAttribute("data-id")].members.length) { hovered = a.getAttribute("data-id"); restyle(); }
    });
    frame.addEventListener("keydown", function (e) {
      var a = document.activeElement && document.activeElement.closest && document.activeElement.closest("a[data-id]");
      if (e.key === "+" || e.key === "=") { zoomAt(1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
      else if (e.key === "-" || e.key === "_") { zoomAt(1 / 1.4, frame.clientWidth / 2, frame.clientHeight / 2); e.preventDefault(); }
      else if (e.key === "Escape") { hidePanel(); }
      else if (a && e.key === "Enter") { e.preventDefault(); activate(a.getAttribute("data-id")); }
      else if (a && e.key.indexOf("Arrow") === 0) { e.preventDefault(); step(a.getAttribute("data-id"), e.key); }
    });
  }
  // Groups open on click or Enter; futures are selected.
  function activate(id) {
    var f = byId[id];
    if (f.members.length && !isOpen(id)) {
      forced[id] = true;
      centre(id, Math.min(frame.clientWidth * 0.9, f.box.w * Math.max(view.k, OPEN_PX / NODE_W)));
      render();
      focusNode(f.members[0]);
      say(f.title + " opened");
    } else if (!f.members.length) select(id, true);
  }
  // Arrow keys: the nearest drawn future in that direction.
  function step(id, key) {
    var f = byId[id], cx = f.box.x + f.box.w / 2, cy = f.box.y + f.box.h / 2, best = null, bestScore = Infinity;
    drawn.forEach(function (oid) {
      if (oid === id) return;
      var o = byId[oid], dx = o.box.x + o.box.w / 2 - cx, dy = o.box.y + o.box.h / 2 - cy;
      var along = key === "ArrowRight" ? dx : key === "ArrowLeft" ? -dx : key === "ArrowDown" ? dy : -dy;
      var across = key === "ArrowRight" || key === "ArrowLeft" ? Math.abs(dy) : Math.abs(dx);
      if (along <= 0) return;
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = oid; }
    });
    if (best) focusNode(best);
  }
  // Highlighting without rebuilding the layer: just classes.
  function restyle() {
    var lit = highlightSet();
    Array.prototype.forEach.call(layer.querySelectorAll("a[data-id]"), function (a) {
      a.classList.toggle("dim", !!lit && !lit[a.getAttribute("data-id")] || !passes(byId[a.getAttribute("data-id")]));
    });
  }

  // ---- start -------------------------------------------------------------
  fetch(frame.getAttribute("data-graph")).then(function (r) { return r.json(); }).then(function (d) {
    load(d);
    tools();
    var old = frame.querySelector("svg");
    svg = el("svg", { "class": "map", role: "group", "aria-label": "The map of futures: drag to pan, wheel or +/− to zoom, Tab and arrow keys to move, Enter to open" });
    layer = el("g", {}, svg);
    if (old) frame.replaceChild(svg, old); else frame.appendChild(svg);
    frame.classList.add("live");
    panel = html("aside", { "class": "map-panel", hidden: "", "aria-label": "Details" }, null, frame);
    events();
    fitAll();
    var params = new URLSearchParams(location.search), hash = decodeURIComponent(location.hash.slice(1));
    if (hash && byId[hash]) { frame.scrollIntoView({ block: "center" }); select(hash, false); }
    else render();
    if (params.get("bet")) showBet(params.get("bet"));
    document.documentElement.setAttribute("data-map-ready", String(Math.round(performance.now())));
  }).catch(function (err) { console.error("forkcast map:", err); });
})();
