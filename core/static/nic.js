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
