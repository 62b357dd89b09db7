"""Intake in Chromium, on the demo: a newcomer opens the centre's public page; the coordinator
asks for the team's decision in the settings, is refused an assignment before it, records the
team's "take on" and assigns Joanna; Joanna records the first contact, prints the consent form
and records the consent. No CSP or axe violations on any page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from pwa.demo.centre import INTAKE_FIRST, INTAKE_STEPS, demo_id
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_the_path_from_the_request_to_the_consent(page: Page, sign_in_as):
    family = demo_id(f"family/{INTAKE_FIRST + INTAKE_STEPS.index('team_pending')}")
    intake = f"/families/{family}/intake"

    # The first page a newcomer sees: the centre in its own words, with its office hours.
    page.goto("/")
    expect(page.locator(".centre-description")).to_contain_text("bezpłatną i dobrowolną")
    expect(page.locator(".office-hours")).to_contain_text("07:00–15:00")
    expect(page.get_by_role("link", name="Zaloguj się")).to_be_visible()
    check_page(page)

    # The coordinator makes the team's decision a condition of the assignment.
    sign_in_as("Anna Nowak — koordynatorka")
    page.goto("/centre/settings")
    check_page(page)
    page.locator("#centre-requires_team_decision").check()
    page.locator("#settings-form button[type=submit]").click()
    page.wait_for_url("**/centre/settings?done=saved")

    page.goto(f"/families/{family}")
    page.select_option("#assignment-assistant_id", str(demo_id("user/joanna")))
    page.locator(".assign-form button[type=submit]").click()
    expect(page.locator("#assignment-assistant_id-error")).to_contain_text(
        "nie podjął jeszcze decyzji"
    )
    check_page(page)

    page.goto(intake)
    expect(page.locator("#request")).to_contain_text("OPS.4011.")
    check_page(page)
    page.fill("#decision-participants", "   ")  # blank to the server, not to the browser
    page.locator("#decision-form button[type=submit]").click()
    expect(page.locator("#decision-participants-error")).to_contain_text("kto brał udział")
    page.fill("#decision-participants", "Anna Nowak, koordynatorka\nMarta Górska, psycholog")
    page.fill("#decision-deficits", "Zaległe opłaty, brak rytmu dnia.")
    page.locator("input[name=decision][value=take_on]").check()
    page.locator("#decision-form button[type=submit]").click()
    page.wait_for_url("**/intake?done=decision")
    expect(page.locator(".team-decision h3")).to_contain_text("objąć rodzinę wsparciem")
    check_page(page)

    page.goto(f"/families/{family}")
    page.select_option("#assignment-assistant_id", str(demo_id("user/joanna")))
    page.locator(".assign-form button[type=submit]").click()
    page.wait_for_url("**/families/*?done=assigned")

    # Joanna meets the family: the role explained, their expectations, the printed form.
    sign_in_as("Joanna Lewandowska — asystentka rodziny")
    page.goto(intake)
    page.fill("#contact-expectations", "„Chcemy uporządkować rachunki.”")
    page.locator("#contact-form button[type=submit]").click()
    expect(page.locator("#contact-role_explained-error")).to_contain_text("zaznacz to pole")
    check_page(page)
    page.locator("#contact-role_explained").check()
    page.locator("#contact-form button[type=submit]").click()
    page.wait_for_url("**/intake?done=contact")
    expect(page.locator(".first-contact")).to_contain_text("uporządkować rachunki")
    check_page(page)

    page.get_by_role("link", name="Drukuj formularz zgody").click()
    expect(page.locator(".print-centre")).to_contain_text("Bystrzycy Kłodzkiej")
    expect(page.locator(".consent-signature")).to_have_count(2)
    check_page(page)
    page.go_back()

    page.locator("#answer-forms input[name=member_id]").first.check()
    page.locator(".consent-form button[type=submit]").click()
    page.wait_for_url("**/intake?done=consent")
    expect(page.locator("#first-contact")).to_contain_text("praca się rozpoczęła")
    expect(page.get_by_role("link", name="Sporządź ocenę wstępną")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/intake\?done=consent$"))
    check_page(page)
