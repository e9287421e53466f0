// Sortable tables: a click on a column heading sorts the rows by it, within
// each group of rows (each <tbody>; a row headed by a rowgroup heading stays
// first). Cells with nothing in them sort last either way.
// Progressive enhancement only; every page reads fine without it.
(function () {
  "use strict";
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    if (v !== null && v !== "" && !isNaN(Number(v))) return Number(v);
    var text = cell.textContent.trim().toLowerCase();
    return text === "" ? null : text;
  }
  function sortBy(table, th, col) {
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    Array.prototype.forEach.call(table.tBodies, function (body) {
      var rows = Array.prototype.filter.call(body.rows, function (r) {
        return !r.querySelector('th[scope="rowgroup"]');
      });
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        if (x === null || y === null) return (x === null) - (y === null);
        var c = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  }
  // The last header row has one heading per column (rows above it may
  // group columns), so a heading's place in it is its column's. Listening
  // on the head sorts by columns added later (the reader's view) too.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.tHead.addEventListener("click", function (e) {
      var button = e.target.closest("button"), th = button && button.closest("th");
      var head = table.tHead.rows[table.tHead.rows.length - 1];
      if (th && th.parentNode === head) sortBy(table, th, th.cellIndex);
    });
  });
})();
