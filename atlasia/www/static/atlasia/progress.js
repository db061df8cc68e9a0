/* Follows a background job without reloading the page (a <meta refresh> moves the reader's focus and
   screen-reader position every few seconds: WCAG 2.2.1 / 3.2.5). The page carries
   data-progress-url="…" (a JSON endpoint: {finished, status_label, step, progress}); this script polls
   it, updates the <progress> bar and the polite live region, and when the job ends shows the link that
   displays the result — the reader chooses when the page changes. Without JavaScript the "Actualiser"
   link does the same by hand. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-progress-url");
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-label]");
  var status = box.querySelector("[data-progress-status]");
  var done = document.querySelector("[data-progress-done]");
  var manual = document.querySelector("[data-progress-manual]");
  if (manual) { manual.hidden = true; }
  var delay = 1500;
  function poll() {
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (state) {
        if (bar) { bar.value = state.progress; bar.textContent = state.progress + " %"; }
        if (label) { label.textContent = state.progress_text; }
        if (status) { status.textContent = state.status_label + (state.step ? " — " + state.step : ""); }
        if (state.finished) {
          if (done) { done.hidden = false; }
          return;
        }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () { if (manual) { manual.hidden = false; } });
  }
  window.setTimeout(poll, delay);
})();
