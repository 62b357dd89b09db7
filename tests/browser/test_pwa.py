"""The installable app: manifest, service worker, offline page, per-user page cache."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, check_page, wait_until

pytestmark = pytest.mark.browser


# The worker stores pages in the background (event.waitUntil): tests wait for it.
KEPT_A_PAGE = "() => caches.keys().then(names => names.some(n => n.startsWith('asysta-pages-')))"


def wait_for_service_worker(page: Page) -> None:
    """Registered, active and controlling the page (after a reload)."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_chromium_reports_no_installability_errors(playwright, live_server, tmp_path):
    # A persistent profile: Chromium never offers to install from an incognito context.
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, args=CHROMIUM_ARGS,
        base_url=live_server.base_url,
    )  # fmt: skip
    try:
        page = context.new_page()
        page.goto("/")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        manifest = json.loads(cdp.send("Page.getAppManifest")["data"])
        assert manifest["short_name"] == "Asysta" and manifest["display"] == "standalone"
        assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
        assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    finally:
        context.close()


def test_offline_page_explains_what_can_be_done_and_is_clean(page: Page, context: BrowserContext):
    page.goto("/")
    wait_for_service_worker(page)
    context.set_offline(True)
    page.goto("/never-visited-page")
    expect(page.locator("h1")).to_have_text("Brak połączenia")
    expect(page.locator("main")).to_contain_text("Co możesz jeszcze zrobić")
    check_page(page)
    context.set_offline(False)


def test_pages_the_user_opened_are_there_offline_and_gone_after_sign_out(
    page: Page, context: BrowserContext, sign_in_as
):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")
    wait_for_service_worker(page)
    page.goto("/assistant")
    expect(page.locator("h1")).to_have_text("Dziś")
    wait_until(page, KEPT_A_PAGE)
    names = page.evaluate("caches.keys()")
    assert any(name.startswith("asysta-pages-") for name in names)
    context.set_offline(True)
    page.goto("/assistant")
    expect(page.locator("h1")).to_have_text("Dziś")
    context.set_offline(False)
    page.goto("/account")
    page.get_by_role("button", name="Wyloguj się").click()
    page.wait_for_url("**/signin?signed_out=1")
    assert [n for n in page.evaluate("caches.keys()") if n.startswith("asysta-pages-")] == []


def test_htmx_fragments_and_other_users_pages_are_never_cached(
    page: Page, context: BrowserContext, sign_in_as
):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")
    wait_for_service_worker(page)
    page.goto("/assistant")
    wait_until(page, KEPT_A_PAGE)
    page.evaluate("fetch('/assistant', {headers: {'HX-Request': 'true'}})")
    cached = page.evaluate(
        """async () => {
            const out = [];
            for (const name of await caches.keys()) {
                if (!name.startsWith('asysta-pages-')) continue;
                const cache = await caches.open(name);
                for (const request of await cache.keys()) out.push(name + ' ' + new URL(request.url).pathname);
            }
            return out;
        }"""
    )
    assert len(cached) == 1 and cached[0].endswith(" /assistant")
    # Another user signs in on the same phone: the previous user's pages are gone.
    page.goto("/demo")
    page.locator(".demo-accounts .list-item", has_text="Marek Zieliński").get_by_role(
        "button"
    ).click()
    page.wait_for_url("**/assistant")
    # The worker stores the new user's page in the background: wait for it.
    wait_until(
        page,
        "() => caches.keys().then(names => names.filter(n => n.startsWith('asysta-pages-')).length === 1"
        f" && !names.includes({cached[0].split(' ')[0]!r}))",
    )
    owners = {n for n in page.evaluate("caches.keys()") if n.startswith("asysta-pages-")}
    assert len(owners) == 1 and cached[0].split(" ")[0] not in owners
