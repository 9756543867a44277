// NIC Platform: a wide table (or chart) scrolls inside its own box (.table-scroll) on a narrow
// screen instead of the whole page. While it does, the box can take the keyboard's focus (to
// scroll it with the arrow keys) and is announced as a region named after the table.
(function () {
  "use strict";
  function name(box) {
    var caption = box.querySelector("caption, figcaption, title");
    var text = caption ? caption.textContent : "";
    if (!text) {
      for (var el = box.previousElementSibling; el; el = el.previousElementSibling) {
        if (/^H[1-6]$/.test(el.tagName)) { text = el.textContent; break; }
      }
    }
    return (text || "Table").replace(/\s+/g, " ").trim() + " (scrolls sideways)";
  }
  function update() {
    document.querySelectorAll(".table-scroll").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name(box));
      } else if (box.hasAttribute("tabindex")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
      }
    });
  }
  update();
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(update, 150);
  });
})();
