"""The work plan in Chromium: the assistant builds a new version inline (a goal, a task, a due
date) without leaving the page, the family member agrees to it on their phone, both tick
tasks in place, and the plan prints on A4. Every page: no CSP and no axe violations."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import Session, col, select

from pwa.i18n import local_today
from pwa.models import Assignment, Plan, PlanStatus, Role, User
from tests.browser.conftest import PHONE, RECORD_CSP_VIOLATIONS, LiveServer, check_page
from tests.conftest import reread

pytestmark = pytest.mark.browser

ASSISTANT = "Katarzyna Wiśniewska — asystentka rodziny"
A4 = {"width": 794, "height": 1123}  # A4 at 96 dpi
PRINT_SHOT = "/tmp/plan-print.png"


def _family_member_of_katarzyna(db: Session) -> User:
    """The demo family member whose family Katarzyna works with."""
    katarzyna = db.exec(
        select(User).where(User.first_name == "Katarzyna", User.last_name == "Wiśniewska")
    ).one()
    families = select(Assignment.family_id).where(
        Assignment.assistant_id == katarzyna.id, col(Assignment.ended_at).is_(None)
    )
    return db.exec(
        select(User).where(User.role == Role.family, col(User.family_id).in_(families))
    ).first()  # type: ignore[return-value]


def _sign_in(page: Page, label: str) -> None:
    page.goto("/demo")
    page.locator(".demo-accounts .list-item", has_text=label).get_by_role("button").click()
    page.wait_for_load_state("networkidle")


def _phone(browser: Browser, live_server: LiveServer) -> BrowserContext:
    """The family member's own phone: a browser of its own."""
    phone = browser.new_context(base_url=live_server.base_url, viewport=PHONE, locale="pl-PL")
    phone.add_init_script(RECORD_CSP_VIOLATIONS)
    return phone


def _stays_on_the_page(page: Page) -> None:
    page.evaluate("window.__samePage = true")


def _still_the_same_page(page: Page) -> bool:
    return bool(page.evaluate("window.__samePage === true"))


def test_the_assistant_builds_a_version_the_family_agrees_to_and_both_tick_tasks(
    page: Page, browser: Browser, live_server: LiveServer, db: Session
):
    member_user = _family_member_of_katarzyna(db)
    family_id = member_user.family_id
    plan_url = f"/families/{family_id}/plan"
    due = (local_today() + timedelta(days=5)).isoformat()

    # The assistant: the plan in force (version 1), and a new version built inline.
    _sign_in(page, ASSISTANT)
    page.goto(plan_url)
    expect(page.locator("#in-force h2")).to_contain_text("Wersja 1 obowiązująca")
    check_page(page)
    page.get_by_role("button", name="Zmień plan: przygotuj nową wersję").click()
    page.wait_for_url(f"**{plan_url}#draft")
    expect(page.locator("#draft h2")).to_contain_text("Wersja 2 w przygotowaniu")
    check_page(page)

    _stays_on_the_page(page)
    add_goal = page.locator("#draft .add-goal")
    add_goal.get_by_label("Obszar życia rodziny").select_option("household")
    add_goal.get_by_label("Cel, opisany słowami zrozumiałymi dla rodziny").fill(
        "W domu jest ciepło przez całą zimę"
    )
    add_goal.get_by_role("button", name="Dodaj ten cel").click()
    card = page.locator("#draft article.goal-card", has_text="W domu jest ciepło przez całą zimę")
    expect(card).to_be_visible()
    expect(page.locator("#draft .add-goal textarea")).to_have_value("")  # a fresh form
    assert _still_the_same_page(page)

    card.locator(".add-task summary").click()
    add_task = card.locator(".add-task form")
    add_task.get_by_label("Co trzeba zrobić").fill("Złożyć wniosek o dodatek osłonowy")
    add_task.get_by_label("Kto wykonuje").select_option(str(member_user.family_member_id))
    add_task.get_by_label("Termin wykonania").fill(due)
    add_task.get_by_label("Przewidywany efekt").fill("Rodzina dostaje dodatek na ogrzewanie")
    add_task.get_by_role("button", name="Dodaj to zadanie").click()
    row = card.locator("li.task-row", has_text="Złożyć wniosek o dodatek osłonowy")
    expect(row).to_be_visible()
    expect(card.locator(".goal-progress")).to_contain_text("Wykonane: 0 z 1")
    assert _still_the_same_page(page)

    add_task = card.locator(".add-task form")  # open again, ready for the next task
    add_task.get_by_label("Co trzeba zrobić").fill("Umówić rodzinę w punkcie pomocy prawnej")
    add_task.get_by_label("Kto wykonuje").select_option("assistant")
    add_task.get_by_label("Termin wykonania").fill(due)
    add_task.get_by_label("Przewidywany efekt").fill("Rodzina wie, jak odwołać się od decyzji")
    add_task.get_by_role("button", name="Dodaj to zadanie").click()
    expect(card.locator("li.task-row")).to_have_count(2)
    expect(card.locator(".goal-progress")).to_contain_text("Wykonane: 0 z 2")

    later = (local_today() + timedelta(days=9)).isoformat()
    row.locator(".due-form input[type=date]").fill(later)
    row.locator(".due-form").get_by_role("button").click()
    expect(row.locator(".task-facts")).to_contain_text(
        datetime.fromisoformat(later).strftime("%d.%m.%Y")
    )
    assert _still_the_same_page(page)
    check_page(page)

    # The family member, on their own phone, reads the new version and agrees to it.
    phone = _phone(browser, live_server)
    mobile = phone.new_page()
    _sign_in(mobile, member_user.full_name)
    mobile.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Plan").click()
    mobile.wait_for_url("**/family/plan")
    agreement = mobile.locator("#agreement")
    expect(agreement).to_contain_text("W domu jest ciepło przez całą zimę")
    check_page(mobile)
    agreement.get_by_role("button", name="Zgadzam się na ten plan").click()
    mobile.wait_for_url("**/family/plan?agreed=1")
    expect(mobile.get_by_role("status")).to_contain_text("Zgoda na plan została zapisana")
    expect(mobile.locator(".plan-agreed")).to_contain_text("Wersja 2 planu.")
    check_page(mobile)

    # ... and ticks their own task in place.
    _stays_on_the_page(mobile)
    own = mobile.locator("li.family-task", has_text="Złożyć wniosek o dodatek osłonowy")
    own.get_by_role("button", name="Zrobione").click()
    expect(own.locator(".confirmed")).to_contain_text("Zrobione")
    expect(own.get_by_role("button")).to_have_count(0)
    goal = mobile.locator("li.family-goal", has_text="W domu jest ciepło przez całą zimę")
    expect(goal.locator(".goal-progress")).to_contain_text("Wykonane: 1 z 2")
    theirs = mobile.locator("li.family-task", has_text="Umówić rodzinę w punkcie pomocy prawnej")
    expect(theirs).to_contain_text("Zajmuje się tym asystent")
    expect(theirs.get_by_role("button")).to_have_count(0)
    assert _still_the_same_page(mobile)
    check_page(mobile)
    phone.close()

    # The assistant sees version 2 in force and ticks one of the open tasks in place.
    page.goto(plan_url)
    expect(page.locator("#in-force h2")).to_contain_text("Wersja 2 obowiązująca")
    expect(page.locator("#draft")).to_have_count(0)
    _stays_on_the_page(page)
    mine = page.locator("#in-force article.goal-card", has_text="W domu jest ciepło")
    row = mine.locator("li.task-row", has_text="Umówić rodzinę w punkcie pomocy prawnej")
    row.get_by_role("button", name="Oznacz jako wykonane").click()
    expect(row).to_have_class("task-row is-done")
    expect(row.get_by_role("button", name="Przywróć do wykonania")).to_be_visible()
    expect(mine.locator(".goal-progress")).to_contain_text("Wykonane: 2 z 2")
    assert _still_the_same_page(page)
    check_page(page)

    reread(db)
    plans = db.exec(
        select(Plan).where(Plan.family_id == family_id).order_by(col(Plan.version))
    ).all()
    assert [p.status for p in plans][-2:] == [PlanStatus.superseded, PlanStatus.agreed]
    assert plans[-1].agreed_by_user_id == member_user.id

    # History, the differences, and the printout on A4.
    page.goto(f"{plan_url}/history")
    check_page(page)
    page.get_by_role("link", name="Co się zmieniło od wersji 1").click()
    expect(page.locator(".diff-added").first).to_contain_text("W domu jest ciepło przez całą zimę")
    check_page(page)
    page.goto(f"/plans/{plans[-1].id}/print")
    expect(page.locator("nav")).to_have_count(0)
    expect(page.locator(".signature-line")).not_to_have_count(0)
    check_page(page)
    page.set_viewport_size(A4)
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()
    page.screenshot(path=PRINT_SHOT, full_page=True)
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")
