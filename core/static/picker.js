// NIC Platform: two pickers of our own, each enhancing a form that works without this file.
//
// 1. [data-picker]: a group of checkboxes with a Find field (the server narrows the list)
//    becomes a search-as-you-type combobox (WAI-ARIA APG combobox with a grouped list box):
//    the candidates come from the JSON address in data-picker as you type; Up and Down move,
//    Enter chooses (or un-chooses), Escape closes; the chosen items are listed as buttons that
//    remove them, and each is sent as a hidden field of the same name the checkboxes had.
// 2. form[data-mention-source]: in its text boxes, "@" and a few letters bring suggestions of
//    the community's people; Up and Down move, Enter or Tab inserts "@[Name](person:7)",
//    Escape closes. A live region says how many match.
(function () {
  "use strict";
  var counter = 0;

  function make(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function getJSON(url, done) {
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status === 200) { done(JSON.parse(request.responseText)); }
    };
    request.send();
  }

  function liveRegion(after) {
    var region = make("p", { "class": "visually-hidden", "aria-live": "polite", role: "status" });
    after.parentNode.insertBefore(region, after.nextSibling);
    return function (text) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = text; }, 50);
    };
  }

  // --- 1. What informed this cycle -----------------------------------------------------

  function enhancePicker(box) {
    var source = box.getAttribute("data-picker");
    var name = box.getAttribute("data-picker-name");
    var input = box.querySelector("[data-picker-input]");
    var find = box.querySelector("[data-picker-find]");
    var list = box.querySelector("[data-picker-list]");
    var chosenArea = box.querySelector("[data-picker-chosen]");
    if (!input || !list || !chosenArea) { return; }
    var id = "picker-" + (++counter);
    var chosen = []; // {value, title, detail}
    box.querySelectorAll("input[type=checkbox][name='" + name + "']:checked").forEach(function (check) {
      chosen.push({ value: check.value, title: check.dataset.title || check.parentNode.textContent.trim(),
        detail: check.dataset.detail || "", team: check.dataset.team || "" });
    });
    // The server's lists go; the chosen ones live on as chips with hidden fields.
    list.parentNode.removeChild(list);
    if (find) { find.parentNode.removeChild(find); } // so Enter elsewhere posts the form
    chosenArea.textContent = "";
    var chips = make("ul", { "class": "chips", "aria-label": "Chosen" });
    chosenArea.appendChild(chips);
    var listbox = make("div", { role: "listbox", id: id + "-list", "class": "picker-options",
      "aria-label": "Earlier cycles and artifact versions" });
    listbox.hidden = true;
    input.parentNode.parentNode.appendChild(listbox);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    var hint = box.querySelector(".hint");
    if (hint) { input.setAttribute("aria-describedby", hint.id); }
    var say = liveRegion(input.parentNode);
    var options = [], active = -1, nextOffset = null, timer = null, asked = 0;

    function isChosen(value) {
      return chosen.some(function (item) { return item.value === value; });
    }

    function drawChips() {
      chips.textContent = "";
      chips.hidden = chosen.length === 0;
      chosen.forEach(function (item, index) {
        var li = make("li", { "class": "chip" });
        li.appendChild(make("span", {}, item.title + (item.detail ? " (" + (item.team ? item.team + "; " : "") + item.detail + ")" : "")));
        li.appendChild(make("input", { type: "hidden", name: name, value: item.value }));
        var remove = make("button", { type: "button", "class": "chip-remove", "aria-label": "Remove " + item.title });
        remove.appendChild(make("span", { "aria-hidden": "true" }, "×"));
        remove.addEventListener("click", function () {
          chosen.splice(index, 1);
          drawChips();
          say("Removed " + item.title + ". " + chosen.length + " chosen.");
          var buttons = chips.querySelectorAll("button");
          (buttons[Math.min(index, buttons.length - 1)] || input).focus();
          markChosen();
        });
        li.appendChild(remove);
        chips.appendChild(li);
      });
    }

    function markChosen() {
      options.forEach(function (option) {
        var on = isChosen(option.dataset.value);
        option.classList.toggle("is-chosen", on);
        var mark = option.querySelector(".chosen-mark");
        if (mark) { mark.textContent = on ? " (chosen)" : ""; }
      });
    }

    function open(expanded) {
      listbox.hidden = !expanded;
      input.setAttribute("aria-expanded", expanded ? "true" : "false");
      if (!expanded) { setActive(-1); }
    }

    function setActive(index) {
      options.forEach(function (option) { option.setAttribute("aria-selected", "false"); });
      active = index;
      if (index < 0 || index >= options.length) {
        active = -1;
        input.removeAttribute("aria-activedescendant");
        return;
      }
      var option = options[index];
      option.setAttribute("aria-selected", "true");
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    }

    function addOption(parent, item) {
      var option = make("div", { role: "option", id: id + "-o" + options.length, "aria-selected": "false",
        "class": "picker-option" });
      option.dataset.value = item.value;
      option.dataset.title = item.title;
      option.dataset.detail = item.phase + ", " + (item.date || "no date");
      option.dataset.team = item.team || "";
      option.appendChild(make("span", {}, item.title));
      option.appendChild(make("span", { "class": "muted" }, " " + option.dataset.detail));
      option.appendChild(make("span", { "class": "chosen-mark" }));
      parent.appendChild(option);
      options.push(option);
    }

    function draw(page, append) {
      if (!append) { listbox.textContent = ""; options = []; }
      var more = listbox.querySelector("[data-more]");
      if (more) { options.splice(options.indexOf(more), 1); more.parentNode.removeChild(more); }
      page.groups.forEach(function (group) {
        var groupId = id + "-g" + (++counter);
        var node = make("div", { role: "group", "aria-labelledby": groupId, "class": "picker-group-options" });
        node.appendChild(make("div", { role: "presentation", id: groupId, "class": "picker-team" }, group.team));
        group.items.forEach(function (item) { addOption(node, item); });
        listbox.appendChild(node);
      });
      nextOffset = page.next_offset;
      if (nextOffset !== null) {
        var option = make("div", { role: "option", id: id + "-more" + (++counter), "aria-selected": "false",
          "class": "picker-option picker-more" }, "Show more (" + (page.total - nextOffset) + " left)");
        option.dataset.more = "1";
        listbox.appendChild(option);
        options.push(option);
      }
      markChosen();
      var shown = options.filter(function (o) { return !o.dataset.more; }).length;
      say(page.total === 0 ? "Nothing matches." :
        shown + " of " + page.total + " shown. Up and down arrows to move, Enter to choose.");
      if (page.total === 0) {
        listbox.appendChild(make("div", { role: "presentation", "class": "empty" }, "Nothing matches."));
      }
    }

    function search(offset) {
      var ask = ++asked;
      var url = source + "?q=" + encodeURIComponent(input.value) + (offset ? "&offset=" + offset : "");
      getJSON(url, function (page) {
        if (ask !== asked) { return; } // an answer to an older question
        draw(page, Boolean(offset));
        open(true);
        if (offset) { setActive(Math.min(active < 0 ? 0 : active, options.length - 1)); }
      });
    }

    function choose(option) {
      if (option.dataset.more) { search(nextOffset); return; }
      var value = option.dataset.value;
      if (isChosen(value)) {
        chosen = chosen.filter(function (item) { return item.value !== value; });
        say("Removed " + option.dataset.title + ". " + chosen.length + " chosen.");
      } else {
        chosen.push({ value: value, title: option.dataset.title, detail: option.dataset.detail,
          team: option.dataset.team });
        say("Chose " + option.dataset.title + ". " + chosen.length + " chosen.");
      }
      drawChips();
      markChosen();
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(0); }, 150);
    });
    input.addEventListener("keydown", function (event) {
      var expanded = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!expanded) { search(0); return; }
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active < 0 ? (step > 0 ? 0 : options.length - 1) : active + step;
        setActive(Math.max(0, Math.min(options.length - 1, next)));
      } else if (event.key === "Enter") {
        if (expanded && active >= 0) { event.preventDefault(); choose(options[active]); }
        else { event.preventDefault(); search(0); } // Enter here searches, never posts
      } else if (event.key === "Escape") {
        if (expanded) { event.preventDefault(); open(false); }
        else if (input.value) { event.preventDefault(); input.value = ""; }
      }
    });
    // A click in the list box keeps the focus in the field (mousedown is cancelled below).
    input.addEventListener("blur", function () { open(false); });
    listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { setActive(options.indexOf(option)); choose(option); input.focus(); }
    });
    drawChips();
  }

  // --- 2. Mentions ---------------------------------------------------------------------

  var BEFORE_CARET = /(^|\s)@([^\s@[\]()][^@[\]()\n]{0,30})$/;

  function enhanceMentions(form) {
    var source = form.getAttribute("data-mention-source");
    var hint = document.getElementById("mention-hint");
    form.querySelectorAll("textarea").forEach(function (area) {
      var id = "mention-" + (++counter);
      var listbox = make("ul", { role: "listbox", id: id, "class": "picker-options mention-options",
        "aria-label": "People to mention" });
      listbox.hidden = true;
      area.parentNode.insertBefore(listbox, area.nextSibling);
      var say = liveRegion(listbox);
      if (hint) {
        var described = area.getAttribute("aria-describedby");
        area.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);
      }
      var options = [], active = -1, asked = 0, timer = null, typed = null;

      function close() {
        listbox.hidden = true;
        options = [];
        active = -1;
        area.removeAttribute("aria-activedescendant");
        area.removeAttribute("aria-controls");
      }

      function setActive(index) {
        options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
        active = index;
        area.setAttribute("aria-activedescendant", options[index].id);
      }

      function insert(option) {
        var caret = area.selectionStart;
        var start = caret - typed.length - 1; // the "@"
        var text = option.dataset.mention + " ";
        area.value = area.value.slice(0, start) + text + area.value.slice(caret);
        area.selectionStart = area.selectionEnd = start + text.length;
        say("Mentioned " + option.dataset.name + ".");
        close();
      }

      function suggest() {
        var caret = area.selectionStart;
        var match = area.selectionEnd === caret && BEFORE_CARET.exec(area.value.slice(0, caret));
        if (!match) { close(); return; }
        typed = match[2];
        var ask = ++asked;
        getJSON(source + "?q=" + encodeURIComponent(typed), function (found) {
          if (ask !== asked) { return; }
          listbox.textContent = "";
          options = [];
          found.items.forEach(function (person, index) {
            var option = make("li", { role: "option", id: id + "-" + index, "aria-selected": "false",
              "class": "picker-option" });
            option.dataset.mention = person.mention;
            option.dataset.name = person.name;
            option.appendChild(make("span", {}, person.name));
            if (person.teams.length) {
              option.appendChild(make("span", { "class": "muted" }, " " + person.teams.join(", ")));
            }
            listbox.appendChild(option);
            options.push(option);
          });
          if (!options.length) {
            close();
            say("No one in the community is called " + typed + ".");
            return;
          }
          listbox.hidden = false;
          area.setAttribute("aria-controls", id);
          setActive(0);
          say(found.total + (found.total === 1 ? " person matches" : " people match") + " " + typed +
            (found.total > options.length ? ", the first " + options.length + " shown" : "") +
            ". Up and down arrows to move, Enter to insert, Escape to close.");
        });
      }

      area.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(suggest, 120);
      });
      area.addEventListener("keydown", function (event) {
        if (listbox.hidden || !options.length) { return; }
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          var step = event.key === "ArrowDown" ? 1 : -1;
          setActive((active + step + options.length) % options.length);
        } else if (event.key === "Enter" || event.key === "Tab") {
          event.preventDefault();
          insert(options[active]);
        } else if (event.key === "Escape") {
          event.preventDefault();
          close();
        }
      });
      area.addEventListener("blur", close);
      listbox.addEventListener("mousedown", function (event) { event.preventDefault(); });
      listbox.addEventListener("click", function (event) {
        var option = event.target.closest("[role=option]");
        if (option) { insert(option); area.focus(); }
      });
    });
  }

  document.querySelectorAll("[data-picker]").forEach(enhancePicker);
  document.querySelectorAll("form[data-mention-source]").forEach(enhanceMentions);
})();
