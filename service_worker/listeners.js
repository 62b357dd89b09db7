// The listeners: install (precache), activate (drop old caches), fetch, messages, sync.

self.addEventListener("install", (event) => {
  // A new version waits until the user agrees to update (see the "skip-waiting" message).
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      await Promise.all(
        names
          .filter((name) => name.startsWith(`${CACHE_PREFIX}shell-`) && name !== SHELL_CACHE)
          .map((name) => caches.delete(name))
      );
      await self.clients.claim();
    })()
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (isOutboxPost(request, url)) {
    event.respondWith(sendOrKeep(event));
    return;
  }
  if (request.method !== "GET" || !isSameOrigin(url) || isHtmx(request)) {
    return; // the browser handles it; nothing is cached
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate") {
    event.respondWith(networkFirst(event));
  }
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "skip-waiting") {
    self.skipWaiting();
  } else if (message.type === "signed-out") {
    // The user's pages, their outbox and their reminders leave the phone with them (the
    // server forgets this session's subscription too).
    const forgetOutbox = message.user ? Outbox.forgetUser(message.user) : Promise.resolve();
    const stopReminders = self.registration.pushManager
      .getSubscription()
      .then((subscription) => subscription && subscription.unsubscribe())
      .catch(() => false);
    event.waitUntil(Promise.all([forgetEverything(), forgetOutbox, stopReminders]));
  } else if (message.type === "outbox-replay") {
    event.waitUntil(replayOutbox({ ignoreBackoff: Boolean(message.now) }));
  }
});

self.addEventListener("sync", (event) => {
  if (event.tag !== OUTBOX_SYNC_TAG) return;
  event.waitUntil(
    replayOutbox({ ignoreBackoff: true }).then((summary) => {
      // A rejected sync is tried again by the browser later.
      if (summary.offline || summary.retry) throw new Error("the outbox is still waiting");
    })
  );
});
