/* "Cela ressemble à…" on the create form: progressive enhancement. While the title and the summary
   are typed, ask the server for close records (visible to the user) and list them in a polite live
   region. Without JavaScript the box stays hidden and the form is unchanged. */
(function () {
  "use strict";
  var box = document.getElementById("search-suggestions");
  var title = document.getElementById("id_title");
  var summary = document.getElementById("id_summary");
  if (!box || !title || !window.fetch) { return; }
  var list = document.getElementById("search-suggestions-list");
  var timer = null;
  var last = "";

  function render(results) {
    list.textContent = "";
    if (!results.length) { box.hidden = true; return; }
    var intro = document.createElement("p");
    intro.className = "fr-text--sm";
    intro.textContent = results.length + (results.length > 1 ? " fiches existantes semblent proches" : " fiche existante semble proche") + " de la vôtre :";
    var ul = document.createElement("ul");
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.url; a.textContent = r.title; a.target = "_blank"; a.rel = "noopener";
      a.title = r.title + " (nouvelle fenêtre)";
      li.appendChild(a);
      var detail = " — " + r.organisation;
      if (r.shared_terms.length) { detail += " (termes communs : " + r.shared_terms.join(", ") + ")"; }
      li.appendChild(document.createTextNode(detail));
      ul.appendChild(li);
    });
    list.appendChild(intro);
    list.appendChild(ul);
    box.hidden = false;
  }

  function ask() {
    var t = title.value.trim(), s = summary ? summary.value.trim() : "";
    var key = t + "\n" + s;
    if (key === last || (t + s).length < 8) { return; }
    last = key;
    var url = box.getAttribute("data-url") + "?title=" + encodeURIComponent(t) + "&summary=" + encodeURIComponent(s.slice(0, 1000));
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { if (key === last) { render(data.results || []); } })
      .catch(function () { /* suggestions are a help: never block the form */ });
  }

  function schedule() { clearTimeout(timer); timer = setTimeout(ask, 600); }
  title.addEventListener("input", schedule);
  if (summary) { summary.addEventListener("input", schedule); }
})();
