"""Visits in a real browser: the assistant records a visit on her phone, the family member
confirms it on theirs, and both see it in their lists; every page is CSP- and axe-clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from pwa.demo.centre import demo_id
from pwa.models import Family, FamilyMember, User
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser

KATARZYNA = "Katarzyna Wiśniewska — asystentka rodziny"
COORDINATOR = "Anna Nowak — koordynatorka"


def family_with_an_app_user(db: Session) -> tuple[Family, User, FamilyMember]:
    """Katarzyna's first family: its lead member uses the app."""
    family = db.get(Family, demo_id("family/1"))
    member_user = db.get(User, demo_id("user/family/1"))
    assert family is not None and member_user is not None
    member = db.get(FamilyMember, member_user.family_member_id)
    assert member is not None and member.family_id == family.id
    return family, member_user, member


def test_a_visit_recorded_by_the_assistant_is_confirmed_by_the_family(
    page: Page, sign_in_as, db: Session
):
    family, member_user, member = family_with_an_app_user(db)
    sign_in_as(KATARZYNA)

    page.goto(f"/families/{family.id}/visits/new")
    expect(page.locator("h1")).to_have_text("Zapisz wizytę")
    check_page(page)
    visit_id = page.locator("input[name=visit_id]").input_value()
    page.get_by_label("90 min").check()
    page.get_by_label(member.full_name).check()
    page.get_by_label("Co zostało zrobione").fill("Rozmowa o budżecie domowym.")
    page.get_by_role("button", name="Zapisz wizytę").click()
    page.wait_for_url("**/diary?month=*&saved=1")
    expect(page.locator(".notice")).to_have_text("Zapisano wizytę.")
    row = page.locator("#diary tbody tr", has=page.locator(f"a[href='/visits/{visit_id}']"))
    expect(row).to_contain_text("90 min")
    check_page(page)

    row.locator("a").click()
    expect(page.locator("main")).to_contain_text("Rozmowa o budżecie domowym.")
    check_page(page)
    page.goto(page.url.replace(f"/visits/{visit_id}", f"/families/{family.id}/meetings"))
    expect(page.locator("h1")).to_have_text("Spotkania")
    check_page(page)

    sign_in_as(member_user.full_name)
    page.goto("/family/meetings")
    visit = page.locator(f"#visit-{visit_id}")
    expect(visit).to_contain_text("90 min")
    expect(page.locator("main")).not_to_contain_text("Rozmowa o budżecie")
    check_page(page)
    visit.get_by_role("button", name="Potwierdzam wizytę").click()
    expect(page.locator(f"#visit-{visit_id}")).to_contain_text(
        f"Potwierdzone przez: {member_user.full_name}"
    )
    check_page(page)
    page.goto("/family/visits")
    expect(page.locator(f"#visit-{visit_id}")).to_contain_text("Potwierdzone przez")
    check_page(page)
    page.goto("/family/contact")
    expect(page.locator("h1")).to_have_text("Kontakt")
    check_page(page)

    sign_in_as(KATARZYNA)
    page.goto("/diary")
    mine = page.locator("#diary tbody tr", has=page.locator(f"a[href='/visits/{visit_id}']"))
    expect(mine).to_contain_text(member_user.full_name)
    check_page(page)


def test_the_printed_diary_and_the_calendar_page_are_clean(page: Page, sign_in_as, db: Session):
    family, _user, _member = family_with_an_app_user(db)
    sign_in_as(KATARZYNA)
    page.goto(f"/families/{family.id}/diary")
    page.get_by_role("link", name="Poprzedni miesiąc").click()
    expect(page.locator("#diary tbody tr").first).to_be_visible()
    page.get_by_role("link", name="Wersja do druku").click()
    expect(page.locator(".bottom-nav")).to_have_count(0)
    check_page(page)
    page.goto("/account/calendar")
    page.get_by_role("button", name="Utwórz adres kalendarza").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/calendar/[\w-]+\.ics$"))
    check_page(page)


def test_the_coordinator_sets_office_hours_and_reads_an_assistants_diary(page: Page, sign_in_as):
    sign_in_as(COORDINATOR)
    page.goto("/centre/office-hours")
    check_page(page)
    page.get_by_label("Piątek").check()
    page.get_by_label("Od", exact=True).fill("09:00")
    page.get_by_label("Do", exact=True).fill("11:00")
    page.get_by_role("button", name="Dodaj dyżur").click()
    expect(page.locator(".notice")).to_have_text("Dodano dyżur.")
    expect(page.locator("main")).to_contain_text("Piątek, 09:00–11:00")
    check_page(page)
    page.goto("/diary")
    page.get_by_role("link", name="Katarzyna Wiśniewska").click()
    expect(page.locator(".subtitle")).to_contain_text("Katarzyna Wiśniewska")
    check_page(page)
