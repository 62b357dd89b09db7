// Asysta page script: small behaviours that would otherwise need inline script.
// Loaded with `defer` on every page; it never evaluates strings (CSP: no 'unsafe-eval').
(function () {
  "use strict";

  // Forms marked data-confirm ask before submitting (e.g. removing a passkey).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });

  // After an htmx swap, move focus to the new content's heading or alert for screen readers.
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (!target) return;
    var focusable = target.querySelector("[role=alert], [data-focus]");
    if (focusable) {
      focusable.setAttribute("tabindex", "-1");
      focusable.focus();
    }
  });
})();
