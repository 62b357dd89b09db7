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

  // --- the service worker: install, and update only when the user agrees -------------------
  if ("serviceWorker" in navigator) {
    var banner = document.querySelector("[data-update-banner]");

    function offerUpdate(worker) {
      if (!banner) return;
      banner.hidden = false;
      banner.querySelector("[data-update-now]").addEventListener("click", function () {
        worker.postMessage({ type: "skip-waiting" });
      });
    }

    navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener("updatefound", function () {
        var installing = registration.installing;
        if (!installing) return;
        installing.addEventListener("statechange", function () {
          if (installing.state === "installed" && navigator.serviceWorker.controller) offerUpdate(installing);
        });
      });
    });

    var reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      if (reloading || !banner || banner.hidden) return;
      reloading = true;
      window.location.reload();
    });

    // Signing out: the worker drops this user's pages and outbox at once (the server also
    // sends Clear-Site-Data). outbox-page.js asks first when entries are still unsent.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form instanceof HTMLFormElement && form.hasAttribute("data-logout") && navigator.serviceWorker.controller) {
        var user = document.querySelector('meta[name="asysta-user"]');
        navigator.serviceWorker.controller.postMessage({ type: "signed-out", user: user ? user.content : "" });
      }
    });
  }
})();
