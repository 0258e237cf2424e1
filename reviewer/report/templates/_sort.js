(function () {
  "use strict";
  var table = document.getElementById("portfolio");
  if (!table) { return; }
  var body = table.tBodies[0];
  var heads = table.querySelectorAll("thead th[data-sort]");
  function key(row, col, num) {
    var cell = row.cells[col];
    if (!cell) { return num ? -Infinity : ""; }
    var v = cell.getAttribute("data-v");
    if (num) { var n = parseFloat(v); return isNaN(n) ? -Infinity : n; }
    return (v !== null ? v : cell.textContent).trim().toLowerCase();
  }
  function sortBy(th) {
    var col = parseInt(th.getAttribute("data-col"), 10);
    var num = th.getAttribute("data-sort") === "num";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    var indexed = rows.map(function (row, i) { return [key(row, col, num), i, row]; });
    indexed.sort(function (a, b) {
      var c = a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
      return (asc ? c : -c) || a[1] - b[1];
    });
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    indexed.forEach(function (t) { body.appendChild(t[2]); });
  }
  for (var i = 0; i < heads.length; i++) {
    heads[i].tabIndex = 0;
    heads[i].addEventListener("click", function () { sortBy(this); });
    heads[i].addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(this); }
    });
  }
}());
