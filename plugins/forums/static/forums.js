// The reference and mention pickers of the forums: put the choice at the cursor of the
// message instead of at its end (what the server does without this script).
(function () {
  "use strict";
  document.querySelectorAll("select[data-insert]").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      var body = form && form.querySelector("textarea[name=body]");
      var value = select.value;
      if (!body || !value) return;
      var text;
      if (select.dataset.insert === "reference") {
        var parts = value.split(":");
        text = "#" + parts[0] + "-" + parts[1];
      } else {
        var name = select.options[select.selectedIndex].dataset.name || "";
        text = "@[" + name.replace(/[\[\]]/g, "") + "](person:" + value + ")";
      }
      var start = body.selectionStart || body.value.length;
      var end = body.selectionEnd || start;
      var before = body.value.slice(0, start);
      var pad = before && !/\s$/.test(before) ? " " : "";
      body.value = before + pad + text + " " + body.value.slice(end);
      select.value = "";
      body.focus();
    });
  });
})();
