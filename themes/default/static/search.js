// Static search: the box in the header (press "/" to reach it) and the
// /search/ page. Downloads the chunk list on first use, then only the
// chunks the query's words fall in and the documents it shows.
(function () {
  "use strict";
  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch) return;
  var base = form.getAttribute("data-base");
  var input = form.querySelector("input");
  var list = document.createElement("ul");
  list.className = "search-results";
  list.id = "search-results";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  form.appendChild(list);
  input.setAttribute("aria-controls", "search-results");
  var cache = {}, meta = null, timer = 0, active = -1;

  function json(path) {
    if (!cache[path]) cache[path] = fetch(base + "search/" + path).then(function (r) { return r.json(); });
    return cache[path];
  }
  function loadMeta() {
    return meta ? Promise.resolve(meta) : json("meta.json").then(function (m) { meta = m; return m; });
  }
  // The index's own rule for what a word is (meta.json), so a query splits
  // exactly as the pages were split when the index was built.
  function words(text) {
    var found = (text.match(new RegExp(meta.word, "gu")) || []).map(function (w) { return w.toLowerCase(); });
    return found.filter(function (w) { return Array.from(w).length >= meta.min_chars && meta.stop_words.indexOf(w) < 0; });
  }
  // Chunks that may hold `term` (or, for a prefix, words starting with it).
  function chunksFor(term, prefix) {
    var out = [];
    meta.chunks.forEach(function (c, i) {
      var hit = prefix ? term <= c[1] && (c[0] <= term || c[0].indexOf(term) === 0) : c[0] <= term && term <= c[1];
      if (hit) out.push(i);
    });
    return out;
  }
  function search(q) {
    var terms;
    return loadMeta().then(function () {
      terms = words(q);
      return Promise.all(terms.map(function (term, i) {
        var prefix = i === terms.length - 1;
        return Promise.all(chunksFor(term, prefix).map(function (c) { return json("w-" + c + ".json"); })).then(function (chunks) {
          var found = {};
          chunks.forEach(function (chunk) {
            Object.keys(chunk).forEach(function (word) {
              if (word !== term && !(prefix && word.indexOf(term) === 0)) return;
              var l = chunk[word];
              for (var k = 0; k < l.length; k += 2) found[l[k]] = (found[l[k]] || 0) + l[k + 1];
            });
          });
          return found;
        });
      }));
    }).then(function (sets) {
      if (!sets.length) return [];
      var scores = sets[0];
      sets.slice(1).forEach(function (s) {
        var next = {};
        Object.keys(scores).forEach(function (d) { if (s[d]) next[d] = scores[d] + s[d]; });
        scores = next;
      });
      var top = Object.keys(scores).map(Number).sort(function (a, b) { return scores[b] - scores[a] || a - b; }).slice(0, 10);
      return Promise.all(top.map(function (d) {
        return json("d-" + Math.floor(d / meta.docs_per_file) + ".json").then(function (rows) { return rows[d % meta.docs_per_file]; });
      }));
    }).then(function (rows) { return { terms: terms, rows: rows }; });
  }
  // Snippet text with the query's words marked, built without HTML strings.
  function snippet(text, terms, into) {
    var re = new RegExp("(" + terms.map(function (t) { return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }).join("|") + ")", "gi");
    text.split(re).forEach(function (part, i) {
      if (i % 2) { var m = document.createElement("mark"); m.textContent = part; into.appendChild(m); }
      else into.appendChild(document.createTextNode(part));
    });
  }
  function show(result, target) {
    target.textContent = "";
    active = -1;
    if (!result.rows.length) {
      var none = document.createElement("li");
      none.textContent = "No results";
      target.appendChild(none);
    }
    result.rows.forEach(function (r) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var a = document.createElement("a");
      a.href = r[1];
      a.textContent = r[0];
      var kind = document.createElement("span");
      kind.className = "badge";
      kind.textContent = r[2];
      var p = document.createElement("p");
      snippet(r[3], result.terms, p);
      li.appendChild(a); li.appendChild(document.createTextNode(" ")); li.appendChild(kind); li.appendChild(p);
      target.appendChild(li);
    });
    target.hidden = false;
    document.documentElement.setAttribute("data-search-done", String(Date.now()));
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value;
    timer = setTimeout(function () {
      if (!q.trim()) { list.hidden = true; return; }
      search(q).then(function (r) {
        if (input.value !== q) return;
        if (r.terms.length) show(r, list); else list.hidden = true;
      });
    }, 80);
  });
  input.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li a");
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (!items.length) return;
      active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items[active].focus();
    } else if (e.key === "Escape") { list.hidden = true; }
  });
  list.addEventListener("keydown", function (e) {
    var items = Array.prototype.slice.call(list.querySelectorAll("li a"));
    var i = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); (items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length] || input).focus(); }
    else if (e.key === "Escape") { list.hidden = true; input.focus(); }
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "/" && !(t.closest && t.closest("input, textarea, select, [contenteditable]"))) { e.preventDefault(); input.focus(); }
  });
  // The /search/ page: results for ?q= in the page itself.
  var page = document.getElementById("search-page-results");
  var q = new URLSearchParams(location.search).get("q");
  if (page && q) { input.value = q; search(q).then(function (r) { show(r, page); }); }
})();
