// NIC Platform: the knowledge-flow explorer, enhanced. Loaded on that page only.
// Without this file the page still works: <title>s explain on hover, team nodes link to
// the drill-down, work links to its page, and the filter form is a plain GET form.
// With it: a tooltip from the data-attributes, a selected team's neighbours highlighted,
// a selected piece of work traced (downstream and upstream) through the page's JSON
// route, and a time slider over the as-of quarters.
(function () {
  "use strict";
  var root = document.getElementById("flow");
  if (!root) { return; }
  var tip = document.getElementById("flow-tip");
  var teams = document.getElementById("flow-teams");
  var work = document.getElementById("flow-work");
  var statusBox = document.getElementById("flow-status");
  var traceBox = document.getElementById("flow-trace");
  var KINDS = { cycle: "Cycle", artifact_version: "Artifact version" };
  var MARKS = ["is-selected", "is-downstream", "is-upstream", "is-dimmed"];

  function el(name, text, attrs) {
    var node = document.createElement(name);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    return node;
  }

  function itemOf(target) {
    return target && target.closest ? target.closest(".flow-svg [data-id]") : null;
  }

  function labelOf(svg, id) {
    var found = svg && svg.querySelector('[data-id="' + CSS.escape(id) + '"]');
    return found ? found.getAttribute("data-label") : id;
  }

  // The <title>s serve browsers without this script; with it, the tooltip takes over.
  document.querySelectorAll(".flow-svg [data-id]").forEach(function (item) {
    var title = item.querySelector(":scope > title");
    if (title) {
      item.setAttribute("aria-label", title.textContent);
      item.setAttribute("data-title", title.textContent);
      title.remove();
    }
  });

  // --- Tooltip ----------------------------------------------------------------------
  function details(item) {
    var d = item.dataset, lines = [];
    if (item.classList.contains("flow-team")) {
      lines.push(d.level + " team");
      lines.push(d.out + " link" + (d.out === "1" ? "" : "s") + " out to other teams, " + d["in"] + " in");
    } else if (item.classList.contains("flow-work")) {
      lines.push((KINDS[d.kind] || d.kind) + (d.date ? ", " + d.date : ""));
      lines.push(labelOf(teams, d.team) + (d.status ? " · " + d.status : ""));
    } else if (item.classList.contains("flow-edge") && !d.weight) {
      var svg = item.ownerSVGElement;
      lines.push(labelOf(svg, d.source) + " \u2192 " + labelOf(svg, d.target));
    }
    return lines;
  }

  function place(x, y) {
    var left = x + 14, top = y + 16;
    if (left + tip.offsetWidth > document.documentElement.clientWidth - 8) {
      left = Math.max(8, x - tip.offsetWidth - 14);
    }
    tip.style.left = (left + window.scrollX) + "px";
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(item, x, y) {
    tip.textContent = "";
    tip.appendChild(el("strong", item.getAttribute("data-label") || item.getAttribute("data-id")));
    details(item).forEach(function (line) { tip.appendChild(el("span", line)); tip.appendChild(el("br")); });
    tip.hidden = false;
    place(x, y);
  }

  function hide() { tip.hidden = true; }

  root.addEventListener("mouseover", function (event) {
    var item = itemOf(event.target);
    if (item) { show(item, event.clientX, event.clientY); }
  });
  root.addEventListener("mousemove", function (event) {
    if (!tip.hidden) { place(event.clientX, event.clientY); }
  });
  root.addEventListener("mouseout", function (event) {
    var item = itemOf(event.target);
    if (item && !item.contains(event.relatedTarget)) { hide(); }
  });
  root.addEventListener("focusin", function (event) {
    var item = itemOf(event.target);
    if (item) {
      var box = item.getBoundingClientRect();
      show(item, box.right, box.bottom);
    }
  });
  root.addEventListener("focusout", hide);

  // --- Highlighting -------------------------------------------------------------------
  function clearMarks(svg) {
    if (!svg) { return; }
    svg.querySelectorAll("." + MARKS.join(",.")).forEach(function (item) {
      MARKS.forEach(function (mark) { item.classList.remove(mark); });
    });
  }

  // Mark the selected node, its downstream and upstream nodes, and the edges between
  // them (only the selected node's own edges when `ownEdges`); dim everything else.
  function mark(svg, selected, down, up, ownEdges) {
    svg.querySelectorAll(".flow-node").forEach(function (node) {
      var id = node.getAttribute("data-id");
      node.classList.toggle("is-selected", id === selected);
      node.classList.toggle("is-downstream", down.has(id));
      node.classList.toggle("is-upstream", up.has(id));
      node.classList.toggle("is-dimmed", id !== selected && !down.has(id) && !up.has(id));
    });
    svg.querySelectorAll(".flow-edge").forEach(function (edge) {
      var s = edge.getAttribute("data-source"), t = edge.getAttribute("data-target");
      var isDown = down.has(t) && (s === selected || (!ownEdges && down.has(s)));
      var isUp = up.has(s) && (t === selected || (!ownEdges && up.has(t)));
      edge.classList.toggle("is-downstream", isDown);
      edge.classList.toggle("is-upstream", isUp);
      edge.classList.toggle("is-dimmed", !isDown && !isUp);
    });
  }

  function names(svg, ids) {
    return Array.from(ids).map(function (id) { return labelOf(svg, id); }).sort().join(", ");
  }

  function clearButton(then) {
    var button = el("button", "Clear", { type: "button", "class": "link" });
    button.addEventListener("click", then);
    return button;
  }

  function clearTeams() {
    clearMarks(teams);
    if (statusBox) { statusBox.textContent = ""; }
  }

  function selectTeam(node) {
    var id = node.getAttribute("data-id"), down = new Set(), up = new Set();
    teams.querySelectorAll(".flow-edge").forEach(function (edge) {
      if (edge.getAttribute("data-source") === id) { down.add(edge.getAttribute("data-target")); }
      if (edge.getAttribute("data-target") === id) { up.add(edge.getAttribute("data-source")); }
    });
    mark(teams, id, down, up, true);
    if (!statusBox) { return; }
    var label = node.getAttribute("data-label");
    statusBox.textContent = "";
    statusBox.appendChild(el("strong", label));
    statusBox.appendChild(document.createTextNode(
      (up.size ? " learned from " + names(teams, up) : " learned from no other team") + "; " +
      (down.size ? names(teams, down) + " used its work. " : "no other team used its work. ")
    ));
    // The node's link goes one level deeper: a group opens, a team shows its
    // neighbourhood, the team in a neighbourhood drills down into its work.
    var next = node.getAttribute("href") || "#";
    var what = /[?&]open=/.test(next) ? "Open " : /[?&]focus=/.test(next) ? "See the neighbourhood of " : "Drill down into ";
    statusBox.appendChild(el("a", what + label, { href: next }));
    var drill = node.getAttribute("data-drill");
    if (drill && drill !== next) {
      statusBox.appendChild(document.createTextNode(" · "));
      statusBox.appendChild(el("a", "Drill down into " + label, { href: drill }));
    }
    statusBox.appendChild(document.createTextNode(" "));
    statusBox.appendChild(clearButton(clearTeams));
  }

  if (teams) {
    teams.addEventListener("click", function (event) {
      var node = event.target.closest(".flow-team");
      if (!node) { clearTeams(); return; }
      if (node.classList.contains("is-selected")) { return; } // selected again: follow its link
      event.preventDefault();
      selectTeam(node);
    });
  }

  // --- Traces of a piece of work --------------------------------------------------------
  var pending = 0;

  function fetchTrace(id, direction) {
    var url = root.getAttribute("data-trace-url") + "?node=" + encodeURIComponent(id) +
      "&direction=" + direction;
    var asOf = root.getAttribute("data-as-of");
    if (asOf) { url += "&as_of=" + encodeURIComponent(asOf); }
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body && body.error ? body.error.message : "HTTP " + response.status);
          }
          return body;
        });
      });
  }

  function workList(items) {
    var list = el("ul");
    items.slice(0, 8).forEach(function (item) {
      var li = el("li"), match = /^cycle:(\d+)$/.exec(item.id);
      li.appendChild(match ? el("a", item.label, { href: "/cycles/" + match[1] }) : el("span", item.label));
      li.appendChild(document.createTextNode(" (" + labelOf(teams, item.team) + ", " + item.date + ")"));
      list.appendChild(li);
    });
    if (items.length > 8) { list.appendChild(el("li", "and " + (items.length - 8) + " more")); }
    return list;
  }

  function summary(trace, heading, verb, teamWords) {
    var p = el("p"), count = trace.work.length;
    p.appendChild(el("strong", heading));
    p.appendChild(document.createTextNode(" " + count + " piece" + (count === 1 ? "" : "s") +
      " of work " + verb + "; " + teamWords + ": " + (trace.teams.length ? trace.teams.map(function (t) {
        return t.label + " (" + t.date + (t.carrier_label ? ", through " + t.carrier_label : "") + ")";
      }).join(", ") : "none") + "."));
    return p;
  }

  function clearTrace() {
    clearMarks(work);
    clearMarks(teams);
    if (traceBox) { traceBox.textContent = ""; }
  }

  function trace(node) {
    var id = node.getAttribute("data-id"), label = node.getAttribute("data-label");
    var ticket = ++pending;
    clearMarks(work);
    node.classList.add("is-selected");
    traceBox.textContent = "Tracing " + label + "\u2026";
    Promise.all([fetchTrace(id, "downstream"), fetchTrace(id, "upstream")]).then(function (found) {
      if (ticket !== pending) { return; }
      var down = found[0], up = found[1];
      var ids = function (list) { return new Set(list.map(function (item) { return item.id; })); };
      mark(work, id, ids(down.work), ids(up.work), false);
      if (teams) { mark(teams, node.getAttribute("data-team"), ids(down.teams), ids(up.teams), false); }
      traceBox.textContent = "";
      var head = el("p");
      head.appendChild(el("strong", label));
      head.appendChild(document.createTextNode(" (" + (node.getAttribute("data-date") || "undated") + ") "));
      if (node.getAttribute("href")) { head.appendChild(el("a", "Open it", { href: node.getAttribute("href") })); }
      head.appendChild(document.createTextNode(" "));
      head.appendChild(clearButton(clearTrace));
      traceBox.appendChild(head);
      traceBox.appendChild(summary(down, "Downstream:", "reached", "other teams reached"));
      if (down.work.length) { traceBox.appendChild(workList(down.work)); }
      traceBox.appendChild(summary(up, "Upstream:", "could have informed it", "other teams it could have learned from"));
      if (up.work.length) { traceBox.appendChild(workList(up.work)); }
    }).catch(function (error) {
      if (ticket === pending) { traceBox.textContent = "Could not trace " + label + ": " + error.message; }
    });
  }

  if (work && traceBox) {
    work.addEventListener("click", function (event) {
      var node = event.target.closest(".flow-work");
      if (!node) { clearTrace(); return; }
      if (node.classList.contains("is-selected")) { return; } // selected again: open it
      event.preventDefault();
      clearTeams();
      trace(node);
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { hide(); clearTeams(); clearTrace(); }
  });

  // --- Time slider over the as-of choices, and a tidy query string ------------------------
  var form = document.getElementById("flow-filters");
  var select = document.getElementById("f-as_of");
  var slider = document.getElementById("flow-slider");
  var output = document.getElementById("flow-slider-out");

  function tidy() {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && !field.value) { field.disabled = true; }
    });
  }
  if (form) {
    form.addEventListener("submit", tidy);
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (field) { field.disabled = false; });
    });
  }
  if (form && select && slider && select.options.length > 1) {
    document.getElementById("flow-slider-box").hidden = false;
    slider.max = String(select.options.length - 1);
    slider.value = String(select.selectedIndex);
    var say = function () {
      var text = select.options[Number(slider.value)].textContent;
      output.textContent = text;
      slider.setAttribute("aria-valuetext", text);
    };
    say();
    slider.addEventListener("input", say);
    slider.addEventListener("change", function () {
      if (Number(slider.value) === select.selectedIndex) { return; }
      select.selectedIndex = Number(slider.value);
      tidy();
      form.submit();
    });
  }
})();
