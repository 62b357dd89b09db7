// The outbox in the worker: a visit, a tick or a confirmation that could not be sent is
// kept on the phone (pwa/static/js/outbox.js, shared with the pages) and the page is told
// so; the outbox is replayed on a message from a page (load, `online`, "retry"), on
// Background Sync, and on a timer while the worker lives.

importScripts(PRECACHE.find((url) => url.startsWith(OUTBOX_SCRIPT)));
const Outbox = self.AsystaOutbox;

function isOutboxPost(request, url) {
  return request.method === "POST" && isSameOrigin(url) && Outbox.kindOf(url.pathname) !== "";
}

async function askForSync() {
  try {
    if (self.registration.sync) await self.registration.sync.register(OUTBOX_SYNC_TAG);
  } catch (error) {
    // No Background Sync here: the pages replay on load and on `online`.
  }
}

async function tellPages(message) {
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  windows.forEach((client) => client.postMessage(message));
}

// The "saved on the phone" answer: a header for htmx (the page shows the notice itself),
// the precached page for a plain form, with its link back to the form's page.
async function savedAnswer(request) {
  if (isHtmx(request)) {
    return new Response("", {
      status: 200,
      headers: { "HX-Reswap": "none", "HX-Trigger": OUTBOX_SAVED_EVENT, "X-Asysta-Outbox": "saved" },
    });
  }
  const shell = await caches.open(SHELL_CACHE);
  const page = await shell.match(OUTBOX_SAVED_URL);
  if (!page) return Response.error();
  let back = "/";
  try {
    const referrer = new URL(request.referrer);
    if (isSameOrigin(referrer)) back = referrer.pathname + referrer.search;
  } catch (error) {
    back = "/";
  }
  const escaped = back.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const html = (await page.text()).replace('href="/" data-outbox-back', `href="${escaped}" data-outbox-back`);
  return new Response(html, { status: 200, headers: page.headers });
}

// A form post: the network first; kept in the outbox when there is no network or the
// server is in trouble (5xx, 429). Any other answer goes to the page as it is.
async function sendOrKeep(event) {
  const request = event.request;
  const copy = request.clone();
  let answer;
  try {
    answer = await fetch(request);
    if (answer.status < 500 && answer.status !== 429) return answer;
  } catch (error) {
    answer = undefined;
  }
  const user = await currentUser();
  if (!user) return answer || Response.error(); // nobody known on this phone: nothing to keep
  await Outbox.add({
    user,
    url: copy.url,
    body: await copy.text(),
    contentType: copy.headers.get("Content-Type") || undefined,
    from: request.referrer,
  });
  event.waitUntil(askForSync().then(() => tellPages({ type: "outbox-changed" })));
  return savedAnswer(request);
}

let retryTimer = null;

async function replayOutbox({ ignoreBackoff }) {
  const summary = await Outbox.replay({
    // A connection that stalls (a phone between cells) must not hold the outbox up forever.
    fetch: (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(REPLAY_TIMEOUT_MS) }),
    session: async () => {
      const answer = await fetch(SESSION_URL, { credentials: "same-origin", cache: "no-store" });
      if (!answer.ok) throw new Error(`session: ${answer.status}`);
      return answer.json();
    },
    ignoreBackoff,
  });
  await tellPages({ type: "outbox-changed", summary });
  if (summary.offline || summary.retry) {
    await askForSync();
    // While the worker lives, try again once the first item's backoff is over.
    clearTimeout(retryTimer);
    const waiting = (await Outbox.list()).filter((item) => item.status === Outbox.Status.waiting);
    const next = Math.min(...waiting.map((item) => item.notBefore));
    if (Number.isFinite(next)) {
      retryTimer = setTimeout(() => replayOutbox({ ignoreBackoff: false }), Math.max(next - Date.now(), 0));
    }
  }
  return summary;
}
