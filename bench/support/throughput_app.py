"""The app under load, beside a bare route of the same size, in one uvicorn server.

`uvicorn --factory bench.support.throughput_app:make_app` with ASYSTA_BENCH_DATABASE_URL and
ASYSTA_BENCH_VAR_DIR set: /bench/bare?size=N answers N bytes of HTML from memory through a
Starlette app with no middleware; every other path goes to Asysta as configured for the run.
"""

from __future__ import annotations

import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from bench.support.harness import BARE_PATH, settings_for
from pwa.app import create_app

_FILLER = ("<p>Asysta: " + "x" * 80 + "</p>\n").encode()


def _bare_body(size: int, cache: dict[int, bytes] = {}) -> bytes:  # noqa: B006 (a memo)
    if size not in cache:
        head = b"<!doctype html><html lang=pl><head><title>bare</title></head><body>\n"
        body = head + _FILLER * (size // len(_FILLER) + 1)
        cache[size] = body[: max(size - 15, 0)] + b"</body></html>\n"
    return cache[size]


async def bare(request: Request) -> HTMLResponse:
    return HTMLResponse(_bare_body(int(request.query_params.get("size", "1000"))))


def make_app():  # type: ignore[no-untyped-def]
    settings = settings_for(
        os.environ["ASYSTA_BENCH_DATABASE_URL"], Path(os.environ["ASYSTA_BENCH_VAR_DIR"]),
        port=int(os.environ.get("ASYSTA_BENCH_PORT", "8000")),
    )  # fmt: skip
    asysta = create_app(settings)
    plain = Starlette(routes=[Route(BARE_PATH, bare)])

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == BARE_PATH:
            await plain(scope, receive, send)
        else:
            await asysta(scope, receive, send)

    return dispatch
