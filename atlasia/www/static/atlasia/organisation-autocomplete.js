/* Organisation filter as an accessible autocomplete (WAI-ARIA 1.2 "combobox with list autocomplete"):
   progressive enhancement of a plain text field. Without JavaScript the field is a text input and the
   server matches the slug or part of the name. With it, typing two letters asks the server for at most
   ten organisations; ↓/↑ move in the list, Entrée chooses, Échap closes, the mouse works too; a polite
   live region says how many organisations are proposed. Nothing inline: CSP-friendly. */
(function () {
  "use strict";
  var inputs = document.querySelectorAll("input[data-organisation-autocomplete]");
  if (!inputs.length || !window.fetch) { return; }

  inputs.forEach(function (input, n) {
    var url = input.getAttribute("data-url");
    if (!url) { return; }
    var listId = input.id + "-listbox";
    var wrapper = document.createElement("div");
    wrapper.className = "atlasia-combobox";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "atlasia-combobox__list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent.trim() : "Organisations");
    list.hidden = true;
    wrapper.appendChild(list);
    var status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);

    var items = [];
    var active = -1;
    var timer = null;
    var asked = "";

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, k) { o.setAttribute("aria-selected", k === i ? "true" : "false"); });
      active = i;
      if (i >= 0 && options[i]) {
        input.setAttribute("aria-activedescendant", options[i].id);
        options[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(i) {
      if (i < 0 || i >= items.length) { return; }
      input.value = items[i].name;
      asked = input.value;
      close();
      status.textContent = items[i].name + " choisie.";
    }

    function render(results) {
      items = results;
      list.textContent = "";
      results.forEach(function (r, i) {
        var li = document.createElement("li");
        li.id = listId + "-" + i;
        li.className = "atlasia-combobox__option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.textContent = r.name;
        li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = results.length + (results.length > 1 ? " organisations proposées." : " organisation proposée.");
      } else {
        close();
        status.textContent = "Aucune organisation ne correspond.";
      }
      active = -1;
    }

    function ask() {
      var q = input.value.trim();
      if (q === asked) { return; }
      asked = q;
      if (q.length < 2) { render([]); status.textContent = ""; return; }
      fetch(url + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { if (q === asked) { render(data.results || []); } })
        .catch(function () { /* a help only: the text field still filters */ });
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
        highlight(Math.min(items.length - 1, active + 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(0, active - 1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();  // choose; a second Entrée submits the form
        choose(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  });
})();
