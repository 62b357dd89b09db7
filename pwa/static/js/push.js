// Reminders on this device (the page side of Web Push), on /account/reminders.
// The browser asks for the notification permission only after the user taps the button; then
// the page subscribes with the app's VAPID public key and sends the subscription to the server
// as JSON, with the CSRF token from <meta name="csrf-token">. No inline code (strict CSP).
(function () {
  "use strict";

  var box = document.querySelector("[data-push]");
  if (!box) return;
  var button = box.querySelector("[data-push-start]");
  var message = box.querySelector("[data-push-message]");

  function say(text) {
    message.textContent = text || "";
    message.hidden = !text;
  }

  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var binary = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  function sameKey(subscription, key) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) return true; // the browser does not tell: keep the subscription
    var bytes = new Uint8Array(current);
    if (bytes.length !== key.length) return false;
    for (var i = 0; i < key.length; i++) if (bytes[i] !== key[i]) return false;
    return true;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  }

  // A subscription made with another key (the server's keys changed) cannot be reused.
  function subscription(registration, key) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (existing && sameKey(existing, key)) return existing;
      var dropped = existing ? existing.unsubscribe() : Promise.resolve(true);
      return dropped.then(function () {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      });
    });
  }

  function send(pushSubscription) {
    return fetch(box.dataset.subscribeUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(pushSubscription.toJSON()),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) throw new Error(answer.error || box.dataset.failed);
        return answer;
      });
    });
  }

  if (!supported()) {
    button.disabled = true;
    say(box.dataset.unsupported);
    return;
  }
  if (Notification.permission === "denied") say(box.dataset.denied);

  button.addEventListener("click", function () {
    button.disabled = true;
    say(box.dataset.working);
    var key = keyBytes(box.dataset.publicKey);
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== "granted") throw new Error(box.dataset.denied);
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return subscription(registration, key);
      })
      .then(send)
      .then(function (answer) {
        window.location.assign(answer.redirect);
      })
      .catch(function (error) {
        // The server's and our own messages are Polish sentences; the browser's are not.
        var known = error && error.message && error.name === "Error";
        say(known ? error.message : box.dataset.failed);
        button.disabled = false;
      });
  });
})();
