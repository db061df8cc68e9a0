// Progress of a spreadsheet analysis or import running in the background (exchange/import_detail.html):
// polls the progress URL given by the page, updates the bar and the live region, and reloads the page
// once the job has finished. Loaded as a file, never inline, so that the Content-Security-Policy can
// refuse every inline script.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var waiting = ["uploaded", "analysing", "queued", "running"];
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        document.getElementById("import-done").textContent = d.processed;
        document.getElementById("import-total").textContent = d.total;
        var bar = document.getElementById("import-bar");
        bar.max = d.total || 1;
        bar.value = d.processed;
        document.getElementById("import-status").textContent = d.status_label;
        if (waiting.indexOf(d.status) >= 0) { setTimeout(poll, 1500); } else { window.location.reload(); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1500);
})();
