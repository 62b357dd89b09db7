"""The family's "Kto oglądał dane Państwa rodziny" page on a phone: CSP- and axe-clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from tests.browser.conftest import check_page
from tests.browser.test_visits import KATARZYNA, family_with_an_app_user

pytestmark = pytest.mark.browser


def test_the_family_sees_who_viewed_its_data_on_a_phone(page: Page, sign_in_as, db: Session):
    family, member_user, _member = family_with_an_app_user(db)
    sign_in_as(KATARZYNA)
    page.goto(f"/families/{family.id}")
    expect(page.locator("h1")).to_contain_text(family.name)

    sign_in_as(member_user.full_name)
    page.goto("/account")
    page.get_by_role("link", name="Kto oglądał dane Państwa rodziny").click()
    expect(page.locator("h1")).to_have_text("Kto oglądał dane Państwa rodziny")
    expect(page.locator(".list-item").first).to_contain_text("Katarzyna Wiśniewska")
    check_page(page)
