// Officials' pages: stop a second click from sending the same action twice (a phone on a slow
// network invites it), and ask before a step that ends or hands back a case (the question comes
// from the page, translated). The pages work without this file.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("action-form")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
  });
  // Coming back with the browser's Back button restores the page from cache: re-arm the forms.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.action-form[data-sent]").forEach(function (form) {
      delete form.dataset.sent;
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = false;
    });
  });
})();
