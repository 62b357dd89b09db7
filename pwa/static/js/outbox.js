// The offline outbox: form posts kept on the phone (IndexedDB) until the server confirmed them.
//
// One file for both sides: the service worker loads it with importScripts (it stores the
// posts it could not send, and replays them), the pages load it with <script defer> (the
// count, the /outbox list, retry and discard). It defines `self.AsystaOutbox` and nothing else.
//
// The contract with the server (STYLE.md "Service worker"): every offline-capable form carries
// its record's UUID, so a repeat is a success. The answer to a replay says what to do:
//   2xx (not a redirect to /signin)   done: the item is deleted
//   409, 422 and other refusals       "needs attention": kept, with the server's message
//   401/403, or a redirect to /signin held until the same user is signed in again
//   429, 5xx, no network              retried later, with backoff
(function (root) {
  "use strict";

  const DB_NAME = "asysta-outbox";
  const DB_VERSION = 1;
  const STORE = "items";
  const SIGN_IN_PATH = "/signin";
  const BACKOFF_FIRST_MS = 2000; // 2 seconds, doubled after each failed attempt ...
  const BACKOFF_MAX_MS = 5 * 60 * 1000; // ... up to 5 minutes
  // The posts the outbox may keep (a visit, a task ticked as done, a visit confirmed), as
  // [kind, path pattern] pairs compiled from the server's router (pwa/web/offline.py): in the
  // service worker /sw.js sets them on `self`, on a page they are this script's data-outbox-posts.
  function postsFromServer() {
    if (root.ASYSTA_OUTBOX_POSTS) return root.ASYSTA_OUTBOX_POSTS;
    const script = root.document && root.document.currentScript;
    return JSON.parse((script && script.dataset.outboxPosts) || "[]");
  }
  const KINDS = postsFromServer().map(([kind, pattern]) => [kind, new RegExp(pattern)]);

  const Status = Object.freeze({
    waiting: "waiting", // to be sent
    held: "held", // the session ended: sent when the same user signs in again
    attention: "attention", // refused by the server: the user fixes or discards it
  });

  const Outcome = Object.freeze({ done: "done", attention: "attention", held: "held", retry: "retry" });

  function kindOf(pathname) {
    const found = KINDS.find(([, pattern]) => pattern.test(pathname));
    return found ? found[0] : "";
  }

  // --- storage ---------------------------------------------------------------------------

  let opening = null;

  function request(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  function database() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(DB_NAME, DB_VERSION);
        req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: "id" });
        req.onsuccess = () => {
          const db = req.result;
          // Clear-Site-Data or another tab deleting the database: open afresh next time.
          db.onversionchange = () => {
            db.close();
            opening = null;
          };
          db.onclose = () => {
            opening = null;
          };
          resolve(db);
        };
        req.onerror = () => {
          opening = null;
          reject(req.error);
        };
      });
    }
    return opening;
  }

  async function withStore(mode, action) {
    const db = await database();
    const tx = db.transaction(STORE, mode);
    const result = action(tx.objectStore(STORE));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    return result instanceof IDBRequest ? result.result : result;
  }

  function samePath(address) {
    try {
      const url = new URL(address, root.location.origin);
      return url.origin === root.location.origin ? url.pathname + url.search : "";
    } catch (error) {
      return "";
    }
  }

  function newId() {
    return root.crypto.randomUUID();
  }

  /** Keep a post: {user, url, body, contentType}; returns the stored item. */
  async function add(post, now = Date.now()) {
    const url = new URL(post.url, root.location.origin);
    const item = {
      id: post.id || newId(),
      user: String(post.user || ""),
      url: url.pathname,
      kind: kindOf(url.pathname),
      from: samePath(post.from), // the page the form was on: where to fix a refused entry
      contentType: post.contentType || "application/x-www-form-urlencoded",
      body: String(post.body || ""),
      created: now,
      status: Status.waiting,
      message: "",
      attempts: 0,
      notBefore: 0,
    };
    if (!item.user) throw new Error("an outbox item needs its user");
    if (!item.kind) throw new Error(`not an outbox address: ${item.url}`);
    await withStore("readwrite", (store) => store.put(item));
    return item;
  }

  /** Every item (of `user`, when given), oldest first. */
  async function list(user) {
    const items = await withStore("readonly", (store) => store.getAll());
    return items
      .filter((item) => user === undefined || item.user === String(user))
      .sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
  }

  async function get(id) {
    return withStore("readonly", (store) => store.get(id));
  }

  async function put(item) {
    await withStore("readwrite", (store) => store.put(item));
    return item;
  }

  async function discard(id) {
    await withStore("readwrite", (store) => store.delete(id));
  }

  /** Forget everything `user` left on this phone (at sign-out). */
  async function forgetUser(user) {
    const items = await list(user);
    await withStore("readwrite", (store) => items.forEach((item) => store.delete(item.id)));
    return items.length;
  }

  /** How many of `user`'s items wait, and how many need attention. */
  async function counts(user) {
    const items = await list(user);
    const attention = items.filter((item) => item.status === Status.attention).length;
    return { total: items.length, attention, waiting: items.length - attention };
  }

  /** The user asks to try a refused or held item again. */
  async function retry(id) {
    const item = await get(id);
    if (!item) return undefined;
    return put({ ...item, status: Status.waiting, message: "", notBefore: 0 });
  }

  /** The stored form fields, for showing what an item holds. */
  function fields(item) {
    return Array.from(new URLSearchParams(item.body).entries()).filter(([name]) => name !== "csrf_token");
  }

  // --- the server's answer ---------------------------------------------------------------

  function backoff(attempts) {
    return Math.min(BACKOFF_FIRST_MS * 2 ** Math.max(attempts - 1, 0), BACKOFF_MAX_MS);
  }

  function isSignInPath(url) {
    try {
      return new URL(url, root.location.origin).pathname === SIGN_IN_PATH;
    } catch (error) {
      return false;
    }
  }

  /** What a replay's answer means: {status, redirect (HX-Redirect or followed), signedInAsOwner}. */
  function outcome({ status, redirect, signedInAsOwner }) {
    if (status >= 200 && status < 300) return redirect && isSignInPath(redirect) ? Outcome.held : Outcome.done;
    if (status === 429 || status >= 500 || status === 0) return Outcome.retry;
    if (status === 401) return Outcome.held;
    // A 403 while the item's own user is signed in (with a fresh token) is a real refusal.
    if (status === 403) return signedInAsOwner ? Outcome.attention : Outcome.held;
    return Outcome.attention;
  }

  const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

  function plainText(html) {
    return html
      .replace(/<[^>]*>/g, " ")
      .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, name) => {
        if (name[0] === "#") {
          const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return String.fromCodePoint(code);
        }
        return ENTITIES[name.toLowerCase()] ?? entity;
      })
      .replace(/\s+/g, " ")
      .trim();
  }

  /** The server's message in a refusal: its alerts and field errors, as plain text. */
  function messageFrom(html) {
    const found = [];
    // Only the opening tags of alerts and field errors start a match (they may sit inside
    // another paragraph, as a field's error does).
    const pattern = /<(p|div|section|span)\b[^>]*?(?:role="alert"|class="[^"]*\bfield-error\b)[^>]*>([\s\S]*?)<\/\1>/gi;
    let match;
    while ((match = pattern.exec(html))) {
      const text = plainText(match[2]);
      if (text && !found.includes(text)) found.push(text);
    }
    return found.join(" ");
  }

  // --- replay --------------------------------------------------------------------------------

  let running = null;

  /**
   * Send the signed-in user's waiting items, oldest first, one at a time.
   * deps: {fetch, session: async () => ({token, user}), now: () => ms, ignoreBackoff}.
   * Returns {sent, attention, held, retry, offline, remaining}.
   */
  function replay(deps) {
    if (!running) {
      running = replayOnce(deps).finally(() => {
        running = null;
      });
    }
    return running;
  }

  async function replayOnce({ fetch, session, now = Date.now, ignoreBackoff = false }) {
    const summary = { sent: 0, attention: 0, held: 0, retry: 0, offline: false, remaining: 0 };
    let signedIn;
    try {
      signedIn = await session();
    } catch (error) {
      summary.offline = true;
      summary.remaining = (await list()).length;
      return summary;
    }
    const user = signedIn && signedIn.user ? String(signedIn.user) : "";
    const items = user ? (await list(user)).filter((item) => item.status !== Status.attention) : [];
    for (const item of items) {
      if (!ignoreBackoff && item.notBefore > now()) continue;
      const stop = await send(item, { fetch, token: signedIn.token, user, now, summary });
      if (stop) break;
    }
    summary.remaining = (await list()).length;
    return summary;
  }

  async function send(item, { fetch, token, user, now, summary }) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        credentials: "same-origin",
        redirect: "follow",
        headers: {
          "Content-Type": item.contentType,
          // The stored form's token may be stale: the header wins over the field.
          "X-CSRF-Token": token,
          // htmx-style answers: a redirect comes as HX-Redirect, a refusal as a fragment.
          "HX-Request": "true",
          "X-Asysta-Replay": item.id,
        },
        body: item.body,
      });
    } catch (error) {
      summary.offline = true;
      await later(item, now);
      return true; // no network: the rest waits too
    }
    const redirect = response.headers.get("HX-Redirect") || (response.redirected ? response.url : "");
    const verdict = outcome({ status: response.status, redirect, signedInAsOwner: item.user === user });
    if (verdict === Outcome.done) {
      await discard(item.id);
      summary.sent += 1;
      return false;
    }
    if (verdict === Outcome.retry) {
      summary.retry += 1;
      await later(item, now);
      return true; // the server is in trouble: do not press it
    }
    const message = messageFrom(await response.text());
    const status = verdict === Outcome.held ? Status.held : Status.attention;
    await put({ ...item, status, message, attempts: item.attempts + 1 });
    summary[verdict] += 1;
    return verdict === Outcome.held; // the session ended: nothing more goes out now
  }

  async function later(item, now) {
    const attempts = item.attempts + 1;
    const current = await get(item.id);
    if (current) await put({ ...current, attempts, notBefore: now() + backoff(attempts) });
  }

  root.AsystaOutbox = Object.freeze({
    Status,
    Outcome,
    kindOf,
    add,
    list,
    get,
    discard,
    forgetUser,
    counts,
    retry,
    fields,
    backoff,
    outcome,
    messageFrom,
    replay,
  });
})(self);
