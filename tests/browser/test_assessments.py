"""Assessments, court opinions, cooperation and the "Za życiem" catalogue in Chromium: an
assistant writes an overdue assessment and an opinion and prints it (an A4 screenshot); a "Za
życiem" family sees its catalogue; the coordinator keeps it. No CSP or axe violations anywhere."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session

from pwa.demo.centre import COURT_CASE, OVERDUE, ZA_ZYCIEM, demo_id
from pwa.i18n import local_today
from pwa.models import User
from tests.browser.conftest import check_page

pytestmark = pytest.mark.browser

A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px per inch
SCREENSHOT = "/tmp/opinion-print.png"


def test_an_assistant_writes_an_assessment_and_an_opinion_and_prints_it(page: Page, sign_in_as):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")

    # The family whose periodic assessment was never written: red on its history page.
    overdue = demo_id(f"family/{OVERDUE}")
    page.goto(f"/families/{overdue}/assessments")
    expect(page.locator(".assessment-due.overdue")).to_be_visible()
    check_page(page)
    page.locator(f"a[href='/families/{overdue}/assessments/new']").click()
    expect(page.locator("#assessment-form")).to_be_visible()
    check_page(page)
    page.fill("#children_situation", "Dzieci są zadbane i bezpieczne, chodzą do szkoły.")
    page.fill("#finances", "Zaległość czynszowa spłacona w połowie.")
    page.fill("#family_view", "Rodzina widzi poprawę i chce dalej współpracować.")
    page.fill("#strengths", "Zaangażowanie matki, pomoc babci.")
    goals = page.locator("fieldset.goal-rating")
    assert goals.count() > 0
    for i in range(goals.count()):
        goals.nth(i).locator("input[type=radio][value='3']").check()
    page.locator("input[name=recommendation][value=continue]").check()
    page.locator("#assessment-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/assessments\?saved=periodic$"))
    expect(page.locator(".assessment-due")).not_to_have_class(re.compile("overdue"))
    expect(page.locator("[role=status]")).to_be_visible()
    check_page(page)
    page.locator(".list-item .item-title a").first.click()
    expect(page.locator("h1")).to_contain_text(local_today().strftime("%d.%m.%Y"))
    check_page(page)

    # The court asks about the family of the court case: a draft from the record, completed,
    # marked final and printed.
    family = demo_id(f"family/{COURT_CASE}")
    page.goto(f"/families/{family}/opinions")
    check_page(page)
    page.fill("#court", "Sąd Rejonowy w Kłodzku, III Wydział Rodzinny i Nieletnich")
    page.fill("#case_reference", "III Nsm 301/26")
    page.fill("#requested_on", (local_today() - timedelta(days=2)).isoformat())
    page.fill("#deadline", (local_today() + timedelta(days=12)).isoformat())
    page.locator("#request-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/opinions/[0-9a-f-]{36}$"))
    body = page.locator("#body")
    expect(body).to_have_value(re.compile(r"^OPINIA O RODZINIE"))
    check_page(page)
    text = body.input_value()
    conclusions = (
        "Rodzina współpracuje z asystentem rodziny i realizuje plan pracy. W ocenie asystenta "
        "dzieci mają zapewnioną właściwą opiekę; zasadne jest dalsze wsparcie rodziny."
    )
    body.fill(re.sub(r"\[Do uzupełnienia.*\]", conclusions, text))
    page.locator("button[formaction$='/final']").click()
    expect(page).to_have_url(re.compile(r"\?saved=final$"))
    expect(page.locator(".opinion-text")).to_contain_text("zasadne jest dalsze wsparcie rodziny")
    expect(page.locator("textarea")).to_have_count(0)
    check_page(page)
    page.locator("a[href$='/print']").click()
    expect(page.locator(".opinion-letterhead")).to_contain_text("Bystrzyca Kłodzka")
    expect(page.locator(".draft-mark")).to_have_count(0)
    check_page(page)
    page.emulate_media(media="print")
    page.set_viewport_size(A4)
    expect(page.locator(".no-print")).to_be_hidden()
    page.screenshot(path=SCREENSHOT)

    # The family's cooperation with institutions feeds the opinion; its page is clean too.
    page.emulate_media(media="screen")
    page.goto(f"/families/{family}/contacts")
    expect(page.locator(".contact-log .list-item")).to_have_count(2)
    check_page(page)


def test_a_za_zyciem_family_sees_the_support_catalogue(page: Page, sign_in_as, db: Session):
    member = db.get(User, demo_id(f"user/family/{ZA_ZYCIEM}"))
    assert member is not None
    sign_in_as(member.full_name)
    page.goto("/family")
    page.get_by_role("link", name="Zobacz, o jakie wsparcie możesz poprosić").click()
    expect(page).to_have_url(re.compile(r"/family/support$"))
    expect(page.locator("h1")).to_have_text("Wsparcie dla Państwa rodziny")
    expect(page.locator(".support-item").first).to_be_visible()
    expect(page.locator(".requested")).to_have_count(1)
    check_page(page)


def test_the_assistant_and_the_coordinator_use_the_catalogue(page: Page, sign_in_as):
    sign_in_as("Marek Zieliński — asystent rodziny")
    page.goto(f"/families/{demo_id(f'family/{ZA_ZYCIEM}')}/contacts")
    expect(page.locator("#support .list-item")).to_have_count(1)
    check_page(page)
    page.goto("/support-catalogue")
    expect(page.locator("#new-service-form")).to_have_count(0)
    check_page(page)
    sign_in_as("Anna Nowak — koordynatorka")
    page.goto("/support-catalogue")
    page.locator("#new-service summary").click()
    page.locator("#new-category").select_option("psychological")
    page.fill("#new-name", "Telefon zaufania dla rodziców")
    page.fill("#new-phone", "800 100 100")
    page.locator("#new-service-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"saved=added#service-"))
    expect(page.locator(".service-name", has_text="Telefon zaufania dla rodziców")).to_be_visible()
    check_page(page)
