// Progress of a spreadsheet import running in the background (exchange/import_detail.html): polls the
// progress URL given by the page and reloads it once the job has finished. Loaded as a file, never
// inline, so that the Content-Security-Policy can refuse every inline script.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById("import-done").textContent = d.processed;
      document.getElementById("import-bar").value = d.processed;
      document.getElementById("import-status").textContent = d.status_label;
      if (d.status === "queued" || d.status === "running") { setTimeout(poll, 1500); } else { window.location.reload(); }
    });
  }
  setTimeout(poll, 1500);
})();
