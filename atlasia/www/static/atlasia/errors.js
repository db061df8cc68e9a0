/* After a form is sent back with errors, move the focus to an error summary at the top of the form
   (RGAA 11.10 / WCAG 3.3.1): it says how many fields are wrong and links to each of them. Without it a
   keyboard or screen-reader user lands at the top of the page with no idea that the save failed.
   A page may provide its own summary ([data-error-summary]); otherwise one is built from the DSFR error
   states of the fields. Texts come from the page (data-* attributes of #atlasia-error-texts). */
(function () {
  "use strict";
  var texts = document.getElementById("atlasia-error-texts");
  if (!texts) { return; }
  var summary = document.querySelector("[data-error-summary]");
  var groups = document.querySelectorAll(
    "form .fr-input-group--error, form .fr-select-group--error, form .fr-fieldset--error, form .fr-checkbox-group--error, form .fr-radio-group--error"
  );
  if (!summary && groups.length === 0) { return; }
  if (!summary) {
    var form = groups[0].closest("form");
    summary = document.createElement("div");
    summary.className = "fr-alert fr-alert--error fr-mb-3w";
    summary.setAttribute("role", "alert");
    summary.setAttribute("data-error-summary", "");
    var title = document.createElement("h2");
    title.className = "fr-alert__title";
    title.textContent = (groups.length === 1 ? texts.dataset.one : texts.dataset.many).replace("{n}", groups.length);
    summary.appendChild(title);
    var list = document.createElement("ul");
    Array.prototype.forEach.call(groups, function (group) {
      var field = group.querySelector("input:not([type=hidden]), select, textarea");
      var label = group.querySelector("label, legend");
      if (!field || !field.id) { return; }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = label ? label.textContent.replace(/\s+/g, " ").trim() : field.name;
      item.appendChild(link);
      list.appendChild(item);
    });
    summary.appendChild(list);
    form.parentNode.insertBefore(summary, form);
  }
  summary.setAttribute("tabindex", "-1");
  summary.focus();
})();
