// The outbox in the page: how many entries wait (under the header), "saved on the phone"
// after an htmx form was kept by the service worker, a fresh visit id each time the visit
// form is shown, the list at /outbox (send again, open the form, discard), and a warning
// before signing out with unsent entries. Every text comes from the page (data-*
// attributes rendered through the translations); the storage is outbox.js (AsystaOutbox).
(function () {
  "use strict";

  var Outbox = window.AsystaOutbox;
  if (!Outbox || !window.indexedDB) return; // no storage here: forms simply go to the network
  var status = document.querySelector("[data-outbox-status]");
  var userMeta = document.querySelector('meta[name="asysta-user"]');
  var user = userMeta ? userMeta.getAttribute("content") : "";
  var lang = document.documentElement.lang || "pl";
  var savedNotice = false;

  function texts(element, name) {
    try {
      return JSON.parse(element.getAttribute("data-" + name) || "{}");
    } catch (error) {
      return {};
    }
  }

  // The plural form for n: the form rendered for the sample (1, 2 or 5) of the same category.
  function plural(forms, n) {
    var rules = new Intl.PluralRules(lang);
    var category = rules.select(n);
    var sample = Object.keys(forms).find(function (key) {
      return rules.select(Number(key)) === category;
    });
    var text = forms[sample || Object.keys(forms).pop()] || "";
    return text.replace("{n}", String(n));
  }

  // --- talking to the service worker ------------------------------------------------------

  function toWorker(message) {
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.ready.then(function (registration) {
      var worker = navigator.serviceWorker.controller || registration.active;
      if (worker) worker.postMessage(message);
    });
  }

  function replaySoon(now) {
    if (!user) return;
    Outbox.counts(user).then(function (counts) {
      if (counts.waiting > 0) toWorker({ type: "outbox-replay", now: Boolean(now) });
    });
  }

  // --- the line under the header ----------------------------------------------------------

  function showStatus() {
    if (!status || !user) return Promise.resolve();
    return Outbox.counts(user).then(function (counts) {
      status.textContent = "";
      if (savedNotice) {
        var saved = document.createElement("span");
        saved.className = "outbox-saved";
        saved.textContent = status.getAttribute("data-saved");
        status.appendChild(saved);
        status.appendChild(document.createTextNode(" "));
      }
      if (counts.total > 0) {
        var link = document.createElement("a");
        link.href = "/outbox";
        link.setAttribute("data-outbox-count", String(counts.total));
        var parts = [];
        if (counts.waiting > 0) parts.push(plural(texts(status, "waiting"), counts.waiting));
        if (counts.attention > 0) parts.push(plural(texts(status, "attention"), counts.attention));
        link.textContent = parts.join(", ");
        status.appendChild(link);
      }
      status.hidden = !savedNotice && counts.total === 0;
      status.classList.toggle("needs-attention", counts.attention > 0);
    });
  }

  function refresh() {
    return Promise.all([showStatus(), showList()]);
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "outbox-changed") refresh();
    });
  }
  window.addEventListener("online", function () {
    replaySoon(true);
  });

  // An htmx form the worker kept: say so, and do not offer the same button again.
  document.addEventListener("asysta:outbox-saved", function (event) {
    var form = event.target && event.target.closest ? event.target.closest("form") : null;
    if (form) {
      form.classList.add("is-kept");
      Array.prototype.forEach.call(form.querySelectorAll("button"), function (button) {
        button.disabled = true;
      });
    }
    savedNotice = true;
    showStatus();
  });

  // --- the visit form: a fresh id each time it is shown (it may come from the phone's copy) ---

  function fillForm(form, item) {
    var values = new URLSearchParams(item.body);
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.name === "csrf_token") return;
      var all = values.getAll(field.name);
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = all.indexOf(field.value) !== -1;
      } else if (all.length) {
        field.value = all[0];
      }
    });
    form.setAttribute("data-outbox-fixes", item.id);
  }

  function freshIds() {
    var fixing = new URLSearchParams(window.location.search).get("outbox");
    Array.prototype.forEach.call(document.querySelectorAll("form[data-outbox]"), function (form) {
      var field = form.querySelector("input[data-fresh-uuid]");
      if (!field) return;
      form.removeAttribute("data-outbox-fixes");
      field.value = window.crypto.randomUUID();
      if (fixing && user) {
        Outbox.get(fixing).then(function (item) {
          if (item && item.user === user && item.url === new URL(form.action).pathname) fillForm(form, item);
        });
      }
    });
  }
  window.addEventListener("pageshow", freshIds);

  // A refused entry opened in its form: the form sent again takes its place.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-outbox-fixes")) return;
    Outbox.discard(form.getAttribute("data-outbox-fixes"));
  });

  // --- signing out with unsent entries -----------------------------------------------------

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-logout") || !user || !status) return;
      if (form.hasAttribute("data-outbox-checked")) return;
      event.preventDefault();
      event.stopImmediatePropagation(); // app.js tells the worker only once the user agreed
      Outbox.list(user).then(function (items) {
        if (items.length > 0) {
          var visitsOnly = items.every(function (item) {
            return item.kind === "visit";
          });
          var question =
            plural(texts(status, visitsOnly ? "unsent-visits" : "unsent-entries"), items.length) +
            " " +
            status.getAttribute("data-logout-warning");
          if (!window.confirm(question)) return;
        }
        form.setAttribute("data-outbox-checked", "");
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    },
    true
  );

  // --- the list at /outbox ----------------------------------------------------------------------

  var list = document.querySelector("[data-outbox-list]");

  function formatted(ms) {
    return new Intl.DateTimeFormat(lang, {
      dateStyle: "short",
      timeStyle: "short",
      timeZone: "Europe/Warsaw",
    }).format(new Date(ms));
  }

  function fixUrl(item) {
    if (!item.from) return "";
    if (item.kind !== "visit") return item.from;
    var url = new URL(item.from, window.location.origin);
    url.searchParams.set("outbox", item.id);
    return url.pathname + url.search;
  }

  function itemRow(template, item) {
    var row = template.content.firstElementChild.cloneNode(true);
    var part = function (name) {
      return row.querySelector('[data-part="' + name + '"]');
    };
    row.id = "outbox-" + item.id;
    row.setAttribute("data-outbox-item-id", item.id);
    row.classList.add("is-" + item.status);
    part("title").textContent = list.getAttribute("data-kind-" + item.kind) || item.kind;
    part("recorded").textContent = list.getAttribute("data-recorded").replace("{when}", formatted(item.created));
    part("state").textContent = list.getAttribute("data-state-" + item.status) || "";
    if (item.message) {
      part("message").textContent = item.message;
      part("message").hidden = false;
    }
    var labels = texts(list, "field-labels");
    var values = texts(list, "value-labels");
    Outbox.fields(item).forEach(function (pair) {
      if (!labels[pair[0]] || !pair[1]) return;
      var term = document.createElement("dt");
      term.textContent = labels[pair[0]];
      var value = document.createElement("dd");
      value.textContent = values[pair[1]] || pair[1];
      part("fields").append(term, value);
    });
    if (!part("fields").children.length) part("fields").closest("details").remove();
    var fix = row.querySelector('[data-action="fix"]');
    var target = fixUrl(item);
    if (target && item.status === Outbox.Status.attention) fix.href = target;
    else fix.remove();
    return row;
  }

  function showList() {
    if (!list || !user) return Promise.resolve();
    return Outbox.list(user).then(function (items) {
      var holder = list.querySelector("[data-outbox-items]");
      var template = list.querySelector("template[data-outbox-item]");
      holder.replaceChildren.apply(
        holder,
        items.map(function (item) {
          return itemRow(template, item);
        })
      );
      list.querySelector("[data-outbox-empty]").hidden = items.length > 0;
      list.querySelector("[data-outbox-send-now]").hidden = items.length === 0;
    });
  }

  if (list) {
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      if (button.hasAttribute("data-outbox-send-now")) {
        toWorker({ type: "outbox-replay", now: true });
        return;
      }
      var row = button.closest("[data-outbox-item-id]");
      if (!row) return;
      var id = row.getAttribute("data-outbox-item-id");
      var action = button.getAttribute("data-action");
      if (action === "retry") {
        Outbox.retry(id).then(function () {
          toWorker({ type: "outbox-replay", now: true });
          return refresh();
        });
      } else if (action === "discard" && window.confirm(list.getAttribute("data-discard-question"))) {
        Outbox.discard(id).then(refresh);
      }
    });
  }

  window.AsystaOutboxPage = Object.freeze({ refresh: refresh, replay: replaySoon, user: user });
  refresh().then(function () {
    replaySoon(false);
  });
})();
