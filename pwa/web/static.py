"""Static files: versioned URLs (`?v=<hash>`) are cached for a year, the rest revalidated."""

from __future__ import annotations

from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from pwa.web.middleware import with_response_headers

ONE_YEAR = 60 * 60 * 24 * 365  # seconds


class VersionedStaticFiles(StaticFiles):
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        versioned = b"v=" in scope.get("query_string", b"")
        cache_control = f"public, max-age={ONE_YEAR}, immutable" if versioned else "no-cache"
        send = with_response_headers(
            send, lambda headers, _s: headers.__setitem__("cache-control", cache_control)
        )
        await super().__call__(scope, receive, send)
