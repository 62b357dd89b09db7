"""A case from referral to the family's phone, in Chromium (issue 5): the coordinator registers
a family and assigns it (the 16th family of a full caseload is refused on the way), the
assistant records the consent and invites the mother, who registers a passkey with a CDP
virtual authenticator and sees her family's home. No CSP or axe violations on any page, at
phone and desktop size."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from pwa.demo.centre import demo_id
from pwa.models import Family, FamilyMember
from tests.browser.conftest import (
    PHONE,
    RECORD_CSP_VIOLATIONS,
    LiveServer,
    add_authenticator,
    check_page,
)
from tests.conftest import reread

pytestmark = pytest.mark.browser

COORDINATOR = "Anna Nowak — koordynatorka"
ASSISTANT = "Joanna Lewandowska — asystentka rodziny"


def _register_family(page: Page) -> None:
    page.goto("/coordinator")
    check_page(page)
    page.locator('main a[href="/families/new"]').first.click()
    page.wait_for_url("**/families/new")
    check_page(page)
    for selector, value in {
        "#referral-case_number": "AR.4011.99.2026",
        "#referral-name": "Testowscy",
        "#referral-address": "ul. Wojska Polskiego 3/2, 57-500 Bystrzyca Kłodzka",
        "#referral-referral_reason": "Zaległości w opłatach, trudności w opiece nad córką.",
        "#referral-social_worker_name": "Ewa Kaczmarek",
        "#members-0-first_name": "Beata",
        "#members-0-last_name": "Testowska",
        "#members-1-first_name": "Iga",
        "#members-1-last_name": "Testowska",
    }.items():
        page.fill(selector, value)
    page.select_option("#members-0-relation", "parent")
    page.select_option("#members-1-relation", "child")
    # A child without a date of birth: the form comes back in place, with the message.
    page.locator("#referral-form button[type=submit]").click()
    expect(page.locator("#members-1-birth_date-error")).to_have_text(
        "Wpisz datę urodzenia dziecka."
    )
    check_page(page)
    page.fill("#members-1-birth_date", "2017-03-04")
    page.locator("#referral-form button[type=submit]").click()
    page.wait_for_url("**/families/*?done=registered")
    expect(page.locator("h1")).to_contain_text("Testowscy")
    check_page(page)


def _assign(page: Page) -> None:
    # Katarzyna's caseload is full: the 16th family is refused next to the field.
    page.select_option("#assignment-assistant_id", str(demo_id("user/katarzyna")))
    page.locator(".assign-form button[type=submit]").click()
    expect(page.locator("#assignment-assistant_id-error")).to_contain_text(
        "Katarzyna Wiśniewska pracuje już z 15 rodzinami"
    )
    check_page(page)
    page.select_option("#assignment-assistant_id", str(demo_id("user/joanna")))
    page.locator(".assign-form button[type=submit]").click()
    page.wait_for_url("**/families/*?done=assigned")
    expect(page.locator("#assignment .item-title")).to_have_text("Joanna Lewandowska")
    check_page(page)


def _find(page: Page) -> None:
    """The live search box: results swap in as she types, and the URL follows."""
    page.goto("/families")
    page.fill("#family-search-q", "testow")
    page.wait_for_url("**/families?q=testow")
    expect(page.locator("#family-results .item-title a")).to_have_text(["Testowscy"])
    check_page(page)


def test_a_referred_family_reaches_its_members_phone(
    page: Page, browser: Browser, sign_in_as, db: Session, live_server: LiveServer
):
    sign_in_as(COORDINATOR)
    _register_family(page)
    _assign(page)
    _find(page)

    sign_in_as(ASSISTANT)
    check_page(page)
    page.locator("a.family-card", has_text="Testowscy").click()
    page.wait_for_url("**/families/*")
    reread(db)
    family = db.exec(select(Family).where(Family.name == "Testowscy")).one()
    mother = db.exec(
        select(FamilyMember).where(
            FamilyMember.family_id == family.id, FamilyMember.first_name == "Beata"
        )
    ).one()
    page.check(f"#consent input[name=member_id][value='{mother.id}']")
    page.locator(".consent-form button[type=submit]").click()
    page.wait_for_url("**/families/*?done=consent")
    expect(page.locator("#state .badge-active")).to_be_visible()
    check_page(page)

    page.locator(f'a[href="/families/{family.id}/invitations/new"]').click()
    check_page(page)
    page.check(f"input[name=member_id][value='{mother.id}']")
    page.locator("main form button[type=submit]").click()
    link = page.locator("#invitation-link").input_value()
    check_page(page)

    phone = browser.new_context(base_url=live_server.base_url, viewport=PHONE, locale="pl-PL")
    phone.add_init_script(RECORD_CSP_VIOLATIONS)
    mothers_phone = phone.new_page()
    add_authenticator(phone, mothers_phone)
    mothers_phone.goto(link)
    expect(mothers_phone.locator("h1")).to_have_text("Witamy, Beata")
    check_page(mothers_phone)
    mothers_phone.locator("[data-passkey-start]").click()
    mothers_phone.wait_for_url("**/family")
    expect(mothers_phone.locator("h1")).to_contain_text("Beata")
    expect(mothers_phone.locator("main")).to_contain_text("Joanna Lewandowska")
    check_page(mothers_phone)
    phone.close()
