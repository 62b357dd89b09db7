"""Browser tests: the app served by uvicorn on localhost, driven in Debian's Chromium.

Nothing here skips: without /usr/bin/chromium the fixtures fail loudly.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    CDPSession,
    Page,
    Playwright,
    expect,
    sync_playwright,
)
from sqlmodel import Session
from starlette.types import ASGIApp

from pwa.app import create_app
from pwa.demo.centre import load_demo_data
from pwa.i18n import local_today
from tests.conftest import make_settings
from tests.support.live_server import free_port, served

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=20_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Records every CSP violation the page sees, before any of the page's own code runs.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "") + " " + (e.sourceFile || ""));
});
"""


@dataclass
class LiveServer:
    base_url: str
    database_url: str


@pytest.fixture
def in_front() -> Callable[[ASGIApp], ASGIApp]:
    """What stands between the browser and the app: nothing (the offline tests put a phone's
    slow network there)."""
    return lambda app: app


@pytest.fixture
def live_server(
    database_url: str, tmp_path: Path, db: Session, in_front: Callable[[ASGIApp], ASGIApp]
) -> Iterator[LiveServer]:
    """The app with the demo centre, served on http://localhost:PORT in a background thread."""
    load_demo_data(db, today=local_today())
    db.commit()
    port = free_port()
    settings = make_settings(database_url, tmp_path, demo=True, base_url=f"http://localhost:{port}")
    with served(in_front(create_app(settings)), port) as base_url:
        yield LiveServer(base_url=base_url, database_url=database_url)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install -y chromium")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=live_server.base_url, viewport=PHONE, locale="pl-PL")
    # Generous waits: CI machines are shared and slow at times (no test measures speed).
    context.set_default_timeout(60_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def wait_until(page: Page, script: str, arg: object = None, timeout: float = 20) -> None:
    """Wait until the page's `script(arg)` answers true, the answer awaited.

    Playwright's wait_for_function takes a returned promise for a truthy answer at once, and
    the outbox and the caches can only be read through promises.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(script, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout} s: {script}")
        time.sleep(0.1)


def csp_violations(page: Page) -> list[str]:
    return list(page.evaluate("window.__cspViolations || []"))


def axe_violations(page: Page) -> list[str]:
    """WCAG 2.1 A/AA violations found by axe-core on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}× e.g. {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def check_page(page: Page) -> None:
    """Zero CSP violations and zero axe violations, at phone size and at desktop size."""
    problems: list[str] = []
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        problems += [f"{page.url} {size['width']}px axe {v}" for v in axe_violations(page)]
    page.set_viewport_size(PHONE)
    problems += [f"{page.url} CSP {v}" for v in csp_violations(page)]
    assert problems == []


# A passkey on the phone: Chromium's virtual authenticator, driven through CDP.
AUTHENTICATOR = {
    "protocol": "ctap2",
    "ctap2Version": "ctap2_1",
    "transport": "internal",
    "hasResidentKey": True,
    "hasUserVerification": True,
    "isUserVerified": True,
    "automaticPresenceSimulation": True,
}


class Authenticator:
    def __init__(self, cdp: CDPSession, authenticator_id: str) -> None:
        self.cdp = cdp
        self.id = authenticator_id

    def override(self, **bits: bool) -> None:
        self.cdp.send("WebAuthn.setResponseOverrideBits", {"authenticatorId": self.id, **bits})

    def credentials(self) -> list[dict]:
        return self.cdp.send("WebAuthn.getCredentials", {"authenticatorId": self.id})["credentials"]


def add_authenticator(context: BrowserContext, page: Page) -> Authenticator:
    """A virtual passkey authenticator on `page` (it answers without asking the user)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable", {"enableUI": False})
    added = cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})
    return Authenticator(cdp, added["authenticatorId"])


SignInAs = Callable[[str], None]


@pytest.fixture
def sign_in_as(page: Page) -> SignInAs:
    """Sign in through the demo page as the user whose name and role label are shown."""

    def _sign_in(label: str) -> None:
        page.goto("/demo")
        item = page.locator(".demo-accounts .list-item", has_text=label)
        item.get_by_role("button").click()
        page.wait_for_load_state("networkidle")

    return _sign_in
