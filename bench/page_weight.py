"""Page weight: bytes on the wire for a first and a repeat load, in headless Chromium.

    .venv/bin/python bench/page_weight.py

The demo centre in a scratch SQLite database, the app served by uvicorn on localhost (as the
browser tests do), Debian's Chromium at phone size (360×740). For each page a fresh browser
context (empty cache, no service worker) is signed in with a session cookie; then
- first load: the page opened, until the network is idle and the service worker is ready
  (its install precaches the app shell, so those bytes count too);
- repeat load: the same page opened again with the service worker warm.
Bytes are counted two ways, and agree: by the browser (Chromium's own sizes, from the CDP
Network events that Playwright reads: compressed body plus headers of every request that went
to the network, the service worker's own fetches included; a response from the HTTP cache or
from the worker's cache costs nothing), and by the server (status line, headers and body as
written to the socket). Targets: a first load under 60 KB, a repeat load under 10 KB.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Request, sync_playwright  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench.support.harness import (  # noqa: E402
    prepare,
    print_table,
    scratch_database,
    session_cookie,
    settings_for,
    workdir,
)
from pwa.app import create_app  # noqa: E402
from pwa.db import make_engine  # noqa: E402
from pwa.demo.centre import DEMO_CENTRE_ID, demo_id  # noqa: E402
from pwa.models import Role, User  # noqa: E402
from tests.support.live_server import free_port, served  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip
PHONE = {"width": 360, "height": 740}
FIRST_TARGET, REPEAT_TARGET = 60 * 1024, 10 * 1024
SW_READY = "navigator.serviceWorker.ready.then(() => true)"


class WireCounter:
    """ASGI wrapper: the bytes of every response the server writes (headers included)."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.bytes = 0
        self.requests: list[tuple[str, int]] = []

    async def __call__(self, scope, receive, send):  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            return await self.app(scope, receive, send)  # type: ignore[operator]
        size = 0

        async def counting(message):  # type: ignore[no-untyped-def]
            nonlocal size
            if message["type"] == "http.response.start":
                # "HTTP/1.1 200 OK\r\n", each "name: value\r\n", the blank line.
                size += 17 + 2 + sum(len(k) + len(v) + 4 for k, v in message["headers"])
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, counting)  # type: ignore[operator]
        self.bytes += size
        self.requests.append((scope["path"], size))


def wire_size(request: Request) -> int:
    """What one finished request cost on the network, as Chromium saw it (CDP sizes)."""
    response = request.response()
    if response is None or response.from_service_worker:
        return 0  # answered by the service worker (from its cache, or from its own fetch)
    sizes = request.sizes()
    if sizes["responseBodySize"] < 0:
        return 0  # from the HTTP cache: Playwright reports minus the headers' size
    return sizes["responseBodySize"] + sizes["responseHeadersSize"]


def load(browser: Browser, base: str, cookies: dict[str, str], path: str,
         wire: WireCounter) -> list[tuple[int, int, list[tuple[str, int]]]]:  # fmt: skip
    """[(browser bytes, server bytes, requests)] for the first and the repeat load of `path`."""
    context = browser.new_context(base_url=base, viewport=PHONE, locale="pl-PL")
    context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
    seen: list[int] = []
    context.on("requestfinished", lambda request: seen.append(wire_size(request)))
    page = context.new_page()
    results = []
    for _attempt in ("first", "repeat"):
        seen.clear()
        wire.bytes, wire.requests = 0, []
        response = page.goto(path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response)
        page.evaluate(SW_READY)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # late precache fetches of the worker's install
        results.append((sum(seen), wire.bytes, list(wire.requests)))
    context.close()
    return results


def main() -> int:
    verbose = "--verbose" in sys.argv
    # Requests the service worker makes show up too (Playwright's switch for them).
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    with workdir() as tmp, scratch_database("sqlite", tmp) as url:
        prepare(url, tmp / "var", demo=True)
        port = free_port()
        settings = settings_for(url, tmp / "var", port=port, demo=True)
        engine = make_engine(url, immediate=False)
        with Session(engine) as db:
            family_user = db.exec(
                select(User.id)
                .where(User.centre_id == DEMO_CENTRE_ID, User.role == Role.family)
                .order_by(User.last_name)
            ).first()
        engine.dispose()
        assert family_user is not None
        pages = [
            ("assistant's home", "/assistant", demo_id("user/katarzyna")),
            ("family's plan", "/family/plan", family_user),
            ("coordinator's home", "/coordinator", demo_id("user/coordinator")),
        ]
        wire = WireCounter(create_app(settings))
        rows, problems = [], []
        with served(wire, port) as base, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for label, path, user_id in pages:
                cookies = session_cookie(url, settings, user_id)
                (seen1, wire1, req1), (seen2, wire2, req2) = load(
                    browser, base, cookies, path, wire
                )
                rows.append((label, path, round(wire1 / 1024, 1), round(seen1 / 1024, 1),
                             len(req1), round(wire2 / 1024, 1), round(seen2 / 1024, 1), len(req2)))  # fmt: skip
                if verbose:
                    print(label, "first:", req1, "\n  repeat:", req2)
                if wire1 >= FIRST_TARGET:
                    problems.append(f"{label}: first load {wire1} bytes (target < {FIRST_TARGET})")
                if wire2 >= REPEAT_TARGET:
                    problems.append(
                        f"{label}: repeat load {wire2} bytes (target < {REPEAT_TARGET})"
                    )
            browser.close()
    print("Page weight at 360×740 in Chromium (KB = 1,024 bytes; demo centre)")
    print_table(("page", "path", "first KB (server)", "first KB (browser)", "requests",
                 "repeat KB (server)", "repeat KB (browser)", "requests"), rows)  # fmt: skip
    print(f"targets: first load < {FIRST_TARGET // 1024} KB, repeat < {REPEAT_TARGET // 1024} KB")
    if problems:
        print("missed:", *problems, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
