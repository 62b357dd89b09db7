"""The demo in a real browser: sign in as each role; no CSP or accessibility violations."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser


def test_public_pages_are_clean(page: Page):
    for path in ("/", "/signin", "/demo", "/no-such-page"):
        page.goto(path)
        check_page(page)


@pytest.mark.parametrize(
    ("label", "home", "heading"),
    [
        ("Anna Nowak — koordynatorka", "/coordinator", "Ośrodek Pomocy Społecznej"),
        ("Katarzyna Wiśniewska — asystentka rodziny", "/assistant", "Dziś"),
        ("Marek Zieliński — asystent rodziny", "/assistant", "Dziś"),
    ],
)
def test_staff_sign_in_from_the_demo_and_land_home(page: Page, sign_in_as, label, home, heading):
    sign_in_as(label)
    expect(page).to_have_url(f"{page.context.pages[0].url.split(home)[0]}{home}")
    expect(page.locator("h1")).to_contain_text(heading)
    check_page(page)
    page.goto("/account")
    check_page(page)


def test_family_member_signs_in_and_sees_their_assistant(page: Page, sign_in_as):
    page.goto("/demo")
    label = (
        page.locator(".demo-accounts .item-title", has_text="rodziny")
        .filter(has_text="członk")
        .first.inner_text()
    )
    sign_in_as(label)
    assert page.url.endswith("/family")
    expect(page.get_by_role("heading", name="Państwa asystent rodziny")).to_be_visible()
    check_page(page)


def test_katarzyna_has_fifteen_families_on_her_day(page: Page, sign_in_as):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")
    expect(page.locator("h2", has_text="Twoje rodziny")).to_contain_text("(15)")
