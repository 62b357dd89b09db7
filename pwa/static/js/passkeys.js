// Passkeys (WebAuthn) for Asysta: create one from an invitation or for a new phone, sign in
// without a user name. Uses PublicKeyCredential.parse*OptionsFromJSON and credential.toJSON()
// where the browser has them, and a small base64url fallback where it does not (older phones).
(function () {
  "use strict";

  // --- base64url fallback ------------------------------------------------------------------
  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function withIds(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  function creationOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON) {
      return PublicKeyCredential.parseCreationOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      user: Object.assign({}, json.user, { id: toBytes(json.user.id) }),
      excludeCredentials: withIds(json.excludeCredentials),
    });
  }

  function requestOptions(json) {
    if (window.PublicKeyCredential && PublicKeyCredential.parseRequestOptionsFromJSON) {
      return PublicKeyCredential.parseRequestOptionsFromJSON(json);
    }
    return Object.assign({}, json, {
      challenge: toBytes(json.challenge),
      allowCredentials: withIds(json.allowCredentials),
    });
  }

  function credentialJSON(credential) {
    if (typeof credential.toJSON === "function") return credential.toJSON();
    var response = credential.response;
    var json = {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults(),
      response: { clientDataJSON: toBase64url(response.clientDataJSON) },
    };
    if (response.attestationObject) {
      json.response.attestationObject = toBase64url(response.attestationObject);
      json.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      json.response.authenticatorData = toBase64url(response.authenticatorData);
      json.response.signature = toBase64url(response.signature);
      if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle);
    }
    return json;
  }

  // --- talking to the server ---------------------------------------------------------------
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function post(url, payload) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify(payload || {}),
    }).then(function (response) {
      return response.json().then(
        function (body) {
          if (!response.ok) throw new Error(body.error || response.statusText);
          return body;
        },
        function () {
          throw new Error(response.statusText);
        }
      );
    });
  }

  // --- the page ----------------------------------------------------------------------------
  function setup(container) {
    var mode = container.dataset.passkey;
    var button = container.querySelector("[data-passkey-start]");
    var message = container.querySelector("[data-passkey-message]");
    var busy = false;
    var conditional = null;

    function say(text) {
      message.textContent = text;
    }

    function finish(credential) {
      if (!credential) throw new Error(container.dataset.cancelled || "");
      var body = { credential: credentialJSON(credential) };
      var label = container.querySelector("[name=label]");
      if (label) body.label = label.value;
      return post(container.dataset.verifyUrl, body);
    }

    function done(result) {
      if (result && result.redirect) window.location.assign(result.redirect);
    }

    function failed(error) {
      busy = false;
      if (button) button.disabled = false;
      if (error && error.name === "NotAllowedError") {
        say(container.dataset.notAllowed || "");
      } else if (error && error.name !== "AbortError") {
        say(error.message || String(error));
      }
    }

    function register() {
      return post(container.dataset.optionsUrl).then(function (json) {
        return navigator.credentials.create({ publicKey: creationOptions(json) });
      });
    }

    function authenticate(mediation) {
      return post(container.dataset.optionsUrl).then(function (json) {
        var options = { publicKey: requestOptions(json) };
        if (mediation === "conditional") {
          conditional = new AbortController();
          options.mediation = "conditional";
          options.signal = conditional.signal;
        }
        return navigator.credentials.get(options);
      });
    }

    function start() {
      if (busy) return;
      busy = true;
      button.disabled = true;
      say("");
      if (conditional) conditional.abort();
      var ceremony = mode === "register" ? register() : authenticate("modal");
      ceremony.then(finish).then(done).catch(failed);
    }

    if (!window.PublicKeyCredential) {
      say(container.dataset.unsupported || "");
      if (button) button.disabled = true;
      return;
    }
    if (button) button.addEventListener("click", start);

    // Passkey autofill: when the field gets focus, the browser offers the saved passkeys in it
    // (started on focus, not on load, so that nothing signs in before the person chooses).
    var field = container.querySelector("[autocomplete~=webauthn]");
    if (mode === "authenticate" && field && PublicKeyCredential.isConditionalMediationAvailable) {
      PublicKeyCredential.isConditionalMediationAvailable().then(function (available) {
        if (!available) return;
        field.readOnly = false;
        field.addEventListener("focus", function offer() {
          field.removeEventListener("focus", offer);
          authenticate("conditional").then(finish).then(done).catch(function (error) {
            if (!busy) failed(error);
          });
        });
      });
    }
  }

  document.querySelectorAll("[data-passkey]").forEach(setup);
})();
