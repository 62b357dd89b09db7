// Named strategies and small helpers of the service worker.

function isSameOrigin(url) {
  return url.origin === self.location.origin;
}

function isHtmx(request) {
  return request.headers.get("HX-Request") === "true";
}

function pagesCacheName(userId) {
  return `${PAGES_CACHE_PREFIX}${userId}`;
}

async function currentUser() {
  const meta = await caches.open(META_CACHE);
  const answer = await meta.match(CURRENT_USER_KEY);
  return answer ? answer.text() : "";
}

async function rememberUser(userId) {
  const previous = await currentUser();
  if (previous === userId) return;
  // Someone else is signed in on this phone now: nothing of the previous user stays.
  const names = await caches.keys();
  await Promise.all(
    names
      .filter((name) => name.startsWith(PAGES_CACHE_PREFIX) && name !== pagesCacheName(userId))
      .map((name) => caches.delete(name))
  );
  const meta = await caches.open(META_CACHE);
  await meta.put(CURRENT_USER_KEY, new Response(userId));
}

async function forgetEverything() {
  const names = await caches.keys();
  await Promise.all(
    names.filter((name) => name.startsWith(CACHE_PREFIX) && name !== SHELL_CACHE).map((name) => caches.delete(name))
  );
}

async function keepPage(request, response) {
  const userId = response.headers.get("X-Asysta-User") || "";
  if (userId === "anonymous") {
    // Signed out (logged out, session ended, or revoked by the coordinator): drop the pages.
    await forgetEverything();
    return;
  }
  if (!userId) {
    return;
  }
  await rememberUser(userId);
  if (response.headers.get("X-Asysta-Offline") !== "keep") {
    return;
  }
  const cache = await caches.open(pagesCacheName(userId));
  await cache.put(request.url, response);
}

async function cachedPage(request) {
  const userId = await currentUser();
  if (!userId) return undefined;
  const cache = await caches.open(pagesCacheName(userId));
  return cache.match(request.url, { ignoreVary: true });
}

// Pages: the network first (fresh data), the user's own copy when the network fails,
// and the offline page when there is no copy.
async function networkFirst(event) {
  const request = event.request;
  try {
    const response = await fetch(request);
    if (response.ok) {
      event.waitUntil(keepPage(request, response.clone()));
    }
    return response;
  } catch (error) {
    const copy = await cachedPage(request);
    if (copy) return copy;
    const shell = await caches.open(SHELL_CACHE);
    return (await shell.match(OFFLINE_URL)) || Response.error();
  }
}

// Versioned static files never change under the same URL: the cache first.
async function cacheFirst(request) {
  const shell = await caches.open(SHELL_CACHE);
  const cached = await shell.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && new URL(request.url).searchParams.has("v")) {
    await shell.put(request, response.clone());
  }
  return response;
}
