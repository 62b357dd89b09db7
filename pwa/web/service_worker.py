"""The service worker at /sw.js, built from service_worker/ with its version, precache list and
the outbox's posts (pwa/web/offline.py)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from pwa.web.render import static_url

SOURCE_DIR = Path(__file__).resolve().parent.parent.parent / "service_worker"
# Policy first (constants), then the helpers, then the listeners that use them.
SOURCES = ("policy.js", "strategies.js", "outbox.js", "push.js", "listeners.js")
SHELL = (
    "css/app.css",
    "js/app.js",
    "js/htmx-2.0.11.min.js",
    "js/passkeys.js",
    "js/outbox.js",
    "js/outbox-page.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "icons/icon-512.png",
)


@cache
def build_service_worker(outbox_posts: tuple[tuple[str, str], ...]) -> str:
    """One script: the sources in order, with VERSION (a hash of everything), PRECACHE and
    the outbox's (kind, path pattern) pairs, which outbox.js reads from `self`."""
    sources = [(SOURCE_DIR / name) for name in SOURCES if (SOURCE_DIR / name).is_file()]
    body = "\n".join(f"// --- {path.name}\n{path.read_text(encoding='utf-8')}" for path in sources)
    precache = [static_url(path) for path in SHELL] + ["/offline", "/outbox/saved"]
    posts = json.dumps([list(post) for post in outbox_posts])
    version = hashlib.sha256((body + json.dumps(precache) + posts).encode()).hexdigest()[:12]
    header = (
        f"const VERSION = {json.dumps(version)};\nconst PRECACHE = {json.dumps(precache)};\n"
        f"self.ASYSTA_OUTBOX_POSTS = {posts};\n"
    )
    return header + body
