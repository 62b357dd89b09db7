// Asysta service worker: what is cached, and why.
//
// - The app shell (CSS, scripts, icons, the offline page) is precached under a versioned
//   cache name; a new version precaches anew and deletes only this app's older caches.
// - Pages are network-first. A page is kept for offline use only when the server marks it
//   with `X-Asysta-Offline: keep` (the user's own home, families, plans, contact page; never
//   when the centre forbids keeping family pages on phones) and names its user in
//   `X-Asysta-User`. Pages are kept per user, and a fallback only ever comes from the cache
//   of the user who is signed in on this phone now.
// - Never cached: anything but GET, other origins, htmx requests (HX-Request: fragments of a
//   page), and any response not marked for keeping.
// - Signing out clears everything (Clear-Site-Data from the server, and the page tells us).
// Build-time values (filled in by the server that serves /sw.js): VERSION, PRECACHE, and
// self.ASYSTA_OUTBOX_POSTS (the posts the outbox may keep, from the router: pwa/web/offline.py).
"use strict";

const CACHE_PREFIX = "asysta-";
const SHELL_CACHE = `${CACHE_PREFIX}shell-${VERSION}`;
const PAGES_CACHE_PREFIX = `${CACHE_PREFIX}pages-`;
const META_CACHE = `${CACHE_PREFIX}meta`;
const OFFLINE_URL = "/offline";
const CURRENT_USER_KEY = "/__asysta/current-user";
// The outbox (outbox.js): form posts kept on the phone while offline, sent later.
const OUTBOX_SCRIPT = "/static/js/outbox.js";
const OUTBOX_SAVED_URL = "/outbox/saved";
const OUTBOX_SYNC_TAG = "asysta-outbox";
const OUTBOX_SAVED_EVENT = "asysta:outbox-saved";
const SESSION_URL = "/session/csrf";
const REPLAY_TIMEOUT_MS = 30 * 1000; // one replayed post, in milliseconds
