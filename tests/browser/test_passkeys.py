"""Passkeys in Chromium with a CDP virtual authenticator: invitation, sign-out, usernameless
sign-in, refused bogus signature and missing user verification, the lost phone, logout."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import Session, select

from pwa.demo.centre import DEMO_CENTRE_ID
from pwa.domain.people import invitations
from pwa.models import Centre, PasskeyCredential, Role, User
from tests.browser.conftest import (
    AUTHENTICATOR,
    Authenticator,
    LiveServer,
    add_authenticator,
    check_page,
)
from tests.conftest import reread

pytestmark = pytest.mark.browser


@pytest.fixture
def authenticator(context: BrowserContext, page: Page) -> Iterator[Authenticator]:
    yield add_authenticator(context, page)


def _invite_assistant(db: Session, live_server: LiveServer) -> str:
    centre = db.get(Centre, DEMO_CENTRE_ID)
    assert centre is not None
    issued = invitations.issue(
        db, centre_id=centre.id, role=Role.assistant, first_name="Beata", last_name="Kwiatkowska"
    )
    db.commit()
    return issued.link(live_server.base_url)


def _register(page: Page, link: str) -> None:
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Witamy, Beata")
    check_page(page)
    page.get_by_role("button", name="Utwórz mój klucz dostępu").click()
    page.wait_for_url("**/assistant")


def _sign_out(page: Page) -> None:
    page.goto("/account")
    page.get_by_role("button", name="Wyloguj się").click()
    page.wait_for_url("**/signin?signed_out=1")


def _sign_in(page: Page) -> None:
    page.get_by_role("button", name="Zaloguj się kluczem dostępu").click()


def test_invitation_registers_a_passkey_then_usernameless_sign_in_works(
    page: Page, authenticator: Authenticator, db: Session, live_server: LiveServer
):
    _register(page, _invite_assistant(db, live_server))
    expect(page.locator("h1")).to_have_text("Dziś")
    [credential] = authenticator.credentials()
    assert credential["isResidentCredential"]
    reread(db)
    user = db.exec(select(User).where(User.last_name == "Kwiatkowska")).one()
    assert user.role is Role.assistant
    stored = db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == user.id)).one()
    assert stored.credential_id  # the browser's credential, verified by the server

    _sign_out(page)
    check_page(page)
    _sign_in(page)
    page.wait_for_url("**/assistant")
    expect(page.locator("h1")).to_have_text("Dziś")
    reread(db)
    used = db.get(PasskeyCredential, stored.id)
    assert used is not None and used.last_used_at is not None


@pytest.mark.parametrize("bit", ["isBogusSignature", "isBadUV"])
def test_a_bogus_signature_or_missing_user_verification_is_refused(
    page: Page, authenticator: Authenticator, db: Session, live_server: LiveServer, bit: str
):
    _register(page, _invite_assistant(db, live_server))
    _sign_out(page)
    authenticator.override(**{bit: True})
    with page.expect_response("**/signin/verify") as answer:
        _sign_in(page)
    assert answer.value.status == 400
    message = page.locator("[data-passkey-message]")
    expect(message).to_contain_text("Nie udało się potwierdzić klucza dostępu")
    assert page.url.endswith("/signin?signed_out=1")
    check_page(page)


def test_after_the_coordinators_revoke_the_next_navigation_shows_sign_in(
    page: Page, authenticator: Authenticator, db: Session, live_server: LiveServer, browser
):
    _register(page, _invite_assistant(db, live_server))
    coordinator = browser.new_context(
        base_url=live_server.base_url, viewport={"width": 1280, "height": 900}
    )
    desk = coordinator.new_page()
    desk.goto("/demo")
    desk.locator(".demo-accounts .list-item", has_text="Anna Nowak").get_by_role("button").click()
    desk.wait_for_url("**/coordinator")
    desk.goto("/people")
    desk.get_by_role("link", name="Beata Kwiatkowska").click()
    check_page(desk)
    desk.get_by_label("Powód").first.fill("Telefon zgubiony w autobusie")
    desk.get_by_role("button", name="Zakończ wszystkie sesje i unieważnij klucze").click()
    expect(desk.get_by_role("status")).to_contain_text("Zakończono wszystkie sesje")
    coordinator.close()

    page.goto("/assistant")
    assert page.url.endswith("/signin")
    expect(page.locator("h1")).to_have_text("Zaloguj się")
    _sign_in(page)  # the revoked passkey no longer opens the door
    expect(page.locator("[data-passkey-message]")).to_contain_text("unieważniony")


def test_logout_leaves_nothing_of_the_app_in_cache_storage(
    page: Page, authenticator: Authenticator, db: Session, live_server: LiveServer
):
    _register(page, _invite_assistant(db, live_server))
    page.evaluate(
        """async () => {
            const cache = await caches.open("asysta-pages-test");
            await cache.put("/assistant", new Response("<p>Kowalscy</p>"));
        }"""
    )
    assert "asysta-pages-test" in page.evaluate("caches.keys()")
    _sign_out(page)
    # Only the app shell (styles, scripts, icons, the offline page) may be fetched anew.
    left = page.evaluate("caches.keys()")
    assert [name for name in left if not name.startswith("asysta-shell-")] == []


def test_a_second_passkey_for_a_new_phone_can_be_added_and_removed(
    page: Page, authenticator: Authenticator, db: Session, live_server: LiveServer
):
    _register(page, _invite_assistant(db, live_server))
    # The new phone: another authenticator (the old one would refuse a second registration).
    authenticator.cdp.send(
        "WebAuthn.removeVirtualAuthenticator", {"authenticatorId": authenticator.id}
    )
    new_phone = Authenticator(
        authenticator.cdp,
        authenticator.cdp.send("WebAuthn.addVirtualAuthenticator", {"options": AUTHENTICATOR})[
            "authenticatorId"
        ],
    )
    page.goto("/account")
    check_page(page)
    page.get_by_label("Nazwa nowego klucza (np. nowy telefon)").fill("Nowy telefon")
    page.get_by_role("button", name="Dodaj klucz dostępu na tym urządzeniu").click()
    expect(page.locator("#passkeys .item-title", has_text="Nowy telefon")).to_be_visible()
    assert len(new_phone.credentials()) == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#passkeys .list-item", has_text="Nowy telefon").get_by_role("button").click()
    expect(page.locator("#passkeys .item-title", has_text="Nowy telefon")).to_have_count(0)
    check_page(page)
