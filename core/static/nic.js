// NIC Platform: small enhancements of our own. Every page works without this file.
(function () {
  "use strict";
  // A search box that narrows the options of a long <select>.
  document.querySelectorAll("input.filter[data-filter-for]").forEach(function (box) {
    var select = document.getElementById(box.getAttribute("data-filter-for"));
    if (!select) { return; }
    box.hidden = false;
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      Array.prototype.forEach.call(select.options, function (option) {
        var text = option.textContent.toLowerCase();
        option.hidden = option.value !== "" && !words.every(function (w) { return text.indexOf(w) !== -1; });
      });
    });
  });

  // Tables with class "sortable": each column header becomes a button that sorts the rows
  // (numbers as numbers where the header says data-type="number"), again to reverse.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    table.querySelectorAll("thead th").forEach(function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.dataset.type === "number";
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column] ? a.cells[column].textContent.trim() : "";
          var y = b.cells[column] ? b.cells[column].textContent.trim() : "";
          var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y, undefined, { numeric: true });
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
        table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      });
    });
  });

  // The community page's team filter: narrows the listed teams while typing (Find asks
  // the server, which is what works without this file). Only on the unfiltered page.
  document.querySelectorAll("input[data-team-filter]").forEach(function (box) {
    if (box.value !== "") { return; }
    var groups = Array.prototype.slice.call(document.querySelectorAll(".team-group"));
    var opened = null; // which groups were open when the typing began
    box.addEventListener("input", function () {
      var needle = box.value.replace(/\s+/g, " ").trim().toLowerCase();
      if (needle !== "" && opened === null) {
        opened = groups.map(function (group) { return group.open; });
      }
      groups.forEach(function (group, index) {
        var shown = 0;
        group.querySelectorAll("tbody tr").forEach(function (row) {
          var name = row.querySelector("th a").textContent.toLowerCase();
          row.hidden = name.indexOf(needle) === -1;
          shown += row.hidden ? 0 : 1;
        });
        group.hidden = shown === 0;
        if (group.tagName === "DETAILS" && opened !== null) {
          group.open = needle === "" ? opened[index] : shown > 0;
        }
      });
      if (needle === "") { opened = null; }
    });
  });
})();
