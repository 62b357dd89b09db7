"""The report pages in a real browser: no CSP or accessibility violations, the chart drawn,
the htmx month switch, the retention page and the public accessibility statement."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from pwa.i18n import local_today
from tests.browser.conftest import DESKTOP, check_page

pytestmark = pytest.mark.browser

CHART_SCREENSHOT = "/tmp/report-chart.png"


def test_the_assistants_monthly_report_with_its_chart(page: Page, sign_in_as):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")
    page.get_by_role("navigation", name="Menu główne").get_by_role("link", name="Raporty").click()
    expect(page).to_have_url(f"{page.url.split('/reports')[0]}/reports/monthly")
    expect(page.locator("#report h2")).to_contain_text("Katarzyna Wiśniewska")
    chart = page.locator("svg.chart-svg")
    expect(chart).to_be_visible()
    assert chart.locator("rect.chart-bar").count() == 6
    check_page(page)
    page.set_viewport_size({**DESKTOP, "height": 1600})  # the fixed menu must not cover it
    chart.screenshot(path=CHART_SCREENSHOT)


def test_switching_the_month_swaps_the_report_in_place(page: Page, sign_in_as):
    sign_in_as("Katarzyna Wiśniewska — asystentka rodziny")
    page.goto("/reports/monthly")
    previous = (local_today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    page.locator("#report-month").fill(previous)
    page.get_by_role("button", name="Pokaż").click()
    expect(page).to_have_url(f"{page.url.split('/reports')[0]}/reports/monthly?month={previous}")
    expect(page.locator("#report-month")).to_have_value(previous)
    check_page(page)


def test_the_coordinators_reports_and_retention_pages(page: Page, sign_in_as):
    sign_in_as("Anna Nowak — koordynatorka")
    page.goto("/reports/yearly")
    expect(page.locator("caption#report-year")).to_contain_text(str(local_today().year))
    assert page.locator("svg.chart-columns rect.chart-bar").count() == 12
    check_page(page)
    page.goto("/reports/monthly")
    page.locator("#report-assistant").select_option(label="Marek Zieliński")
    page.get_by_role("button", name="Pokaż").click()
    expect(page.locator("#report h2")).to_contain_text("Marek Zieliński")
    check_page(page)
    page.goto("/retention")
    check_page(page)


def test_the_accessibility_statement_is_clean_for_everyone(page: Page):
    page.goto("/signin")
    page.locator("footer").get_by_role("link", name="Deklaracja dostępności").click()
    expect(page.locator("h1")).to_have_text("Deklaracja dostępności")
    expect(page.locator("#a11y-podmiot")).to_contain_text("Ośrodek Pomocy Społecznej")
    check_page(page)
