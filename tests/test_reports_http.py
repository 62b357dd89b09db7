"""Reports over HTTP: the monthly report (page, htmx block, CSV) and the yearly figures,
who may read which, and the navigation that leads there."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.i18n import local_today
from pwa.models import Centre, Family, Role, User, VisitKind, utcnow
from tests.support.factories.core import make_centre, make_family_user, make_user
from tests.support.factories.reports import active, assign, case, referred, visit
from tests.support.html import inline_code, parse, text

TODAY = local_today(utcnow())
MONTH = f"{TODAY:%Y-%m}"


@dataclass
class Staff:
    centre: Centre
    coordinator: User
    katarzyna: User
    marek: User
    family: Family
    family_user: User


@pytest.fixture
def staff(db: Session) -> Staff:
    centre = make_centre(db, name="Ośrodek Pomocy Społecznej w Bystrzycy Kłodzkiej")
    coordinator = make_user(db, centre, Role.coordinator, first_name="Anna", last_name="Nowak")
    k = make_user(db, centre, Role.assistant, first_name="Katarzyna", last_name="Wiśniewska")
    m = make_user(db, centre, Role.assistant, first_name="Marek", last_name="Zieliński")
    started = TODAY.replace(day=1) - timedelta(days=40)
    family = case(db, centre, referred(started - timedelta(days=10)), active(started))
    assign(db, family, k, since=started - timedelta(days=5))
    visit(db, family, k, TODAY, minutes=90)
    visit(db, family, k, TODAY, minutes=30, kind=VisitKind.phone)
    db.commit()
    return Staff(centre, coordinator, k, m, family, make_family_user(db, family))


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


# --- the monthly report ---------------------------------------------------------------------------


def test_an_assistant_opens_her_own_report_of_this_month(staff: Staff, sign_in):
    client: TestClient = sign_in(staff.katarzyna)
    response = client.get("/reports/monthly")
    assert response.status_code == 200
    html = response.text
    assert text(html, "#report h2").startswith("Katarzyna Wiśniewska")
    assert "Raport miesięczny" in text(html, "h1")
    assert parse(html).css_first("#report-month").attributes["value"] == MONTH
    assert parse(html).css_first("#report-assistant") is None  # no one else to choose
    assert inline_code(html) == []


def test_the_chart_is_an_svg_with_a_text_alternative_and_a_table_beside_it(staff: Staff, sign_in):
    html = sign_in(staff.katarzyna).get("/reports/monthly").text
    svg = parse(html).css_first("svg.chart-svg")
    assert svg.attributes["role"] == "img"
    title, desc = svg.css_first("title"), svg.css_first("desc")
    assert svg.attributes["aria-labelledby"] == f"{title.attributes['id']} {desc.attributes['id']}"
    assert "Katarzyna Wiśniewska" in desc.text() and "2,00" in desc.text()
    assert len(svg.css("rect.chart-bar")) == len(VisitKind)
    table = parse(html).css_first("caption#report-visits").parent
    rows = {
        row.css_first("th").text(strip=True): [td.text(strip=True) for td in row.css("td")]
        for row in table.css("tbody tr")
    }
    assert rows["wizyta domowa"] == ["1", "1,50"] and rows["kontakt telefoniczny"] == ["1", "0,50"]


def test_htmx_gets_only_the_report_block(staff: Staff, sign_in):
    client = sign_in(staff.katarzyna)
    response = client.get(f"/reports/monthly?month={MONTH}", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="report"' in response.text
    assert "hx-request" in response.headers["vary"].lower()


def test_the_monthly_csv_is_utf8_with_a_bom_semicolons_and_polish_headers(staff: Staff, sign_in):
    response = sign_in(staff.katarzyna).get(f"/reports/monthly.csv?month={MONTH}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="raport-miesieczny-{MONTH}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = _csv(response)
    assert rows[0] == ["Wskaźnik", "Liczba", "Godziny"]
    assert rows[1] == ["Asystent rodziny", "Katarzyna Wiśniewska", ""]
    assert ["Wizyty", "2", "2,00"] in rows
    assert ["Wizyty: wizyta domowa", "1", "1,50"] in rows


def test_an_assistant_cannot_read_another_assistants_report(staff: Staff, sign_in):
    client = sign_in(staff.katarzyna)
    assert client.get(f"/reports/monthly?assistant={staff.marek.id}").status_code == 404
    assert client.get(f"/reports/monthly.csv?assistant={staff.marek.id}").status_code == 404
    assert client.get("/reports/monthly?assistant=not-an-id").status_code == 404
    assert client.get("/reports/yearly").status_code == 403
    assert client.get("/reports/yearly.csv").status_code == 403


def test_a_family_member_reads_no_report(staff: Staff, sign_in):
    client = sign_in(staff.family_user)
    for path in ("/reports/monthly", "/reports/monthly.csv", "/reports/yearly", "/reports/yearly.csv"):  # fmt: skip
        assert client.get(path).status_code == 403, path


def test_a_coordinator_chooses_among_the_assistants_of_her_centre(staff: Staff, sign_in, db):
    make_user(db, make_centre(db), Role.assistant, first_name="Obca", last_name="Asystentka")
    db.commit()
    client = sign_in(staff.coordinator)
    html = client.get("/reports/monthly").text
    options = [o.text(strip=True) for o in parse(html).css("#report-assistant option")]
    assert options == ["Katarzyna Wiśniewska", "Marek Zieliński"]
    assert text(html, "#report h2").startswith("Katarzyna Wiśniewska")
    marek = client.get(f"/reports/monthly?assistant={staff.marek.id}").text
    assert text(marek, "#report h2").startswith("Marek Zieliński")


def test_a_month_still_to_come_is_refused_in_polish(staff: Staff, sign_in):
    later = (TODAY.replace(day=28) + timedelta(days=5)).strftime("%Y-%m")
    response = sign_in(staff.katarzyna).get(f"/reports/monthly?month={later}")
    assert response.status_code == 422
    assert "Ten miesiąc jeszcze się nie zaczął" in response.text


# --- the yearly figures ---------------------------------------------------------------------------


def test_the_coordinator_reads_the_yearly_figures_as_a_table_and_a_chart(staff: Staff, sign_in):
    response = sign_in(staff.coordinator).get(f"/reports/yearly?year={TODAY.year}")
    assert response.status_code == 200
    html = response.text
    figures = {
        row.css_first("th").text(strip=True): row.css_first("td").text(strip=True)
        for row in parse(html).css_first("caption#report-year").parent.css("tbody tr")
    }
    assert figures["Rodziny objęte wsparciem"] == "1"
    assert figures["Wizyty"] == "2" and figures["Godziny wizyt"] == "2,00"
    assert len(parse(html).css("svg.chart-columns rect.chart-bar")) == 12
    assert inline_code(html) == []


def test_the_yearly_csv_has_polish_headers_and_a_row_a_month(staff: Staff, sign_in):
    response = sign_in(staff.coordinator).get(f"/reports/yearly.csv?year={TODAY.year}")
    assert response.headers["content-disposition"] == (
        f'attachment; filename="dane-roczne-{TODAY.year}.csv"'
    )
    rows = _csv(response)
    assert rows[0] == ["Wskaźnik", "Wartość"]
    assert rows[1] == ["Ośrodek", "Ośrodek Pomocy Społecznej w Bystrzycy Kłodzkiej"]
    months = rows[rows.index([]) + 1 :]
    assert months[0] == ["Miesiąc", "Rodziny objęte wsparciem", "Nowe sprawy", "Zakończone sprawy", "Wizyty"]  # fmt: skip
    assert len(months) == 1 + TODAY.month  # the months that have begun


def test_a_year_to_come_is_refused(staff: Staff, sign_in):
    assert sign_in(staff.coordinator).get(f"/reports/yearly?year={TODAY.year + 1}").status_code == 422  # fmt: skip


# --- the way there ---------------------------------------------------------------------------------


def test_the_bottom_navigation_leads_staff_to_their_reports(staff: Staff, sign_in):
    assistant_nav = sign_in(staff.katarzyna).get("/reports/monthly").text
    link = parse(assistant_nav).css_first('.bottom-nav a[href="/reports/monthly"]')
    assert link.attributes.get("aria-current") == "page" and "Raporty" in link.text()
    coordinator_nav = sign_in(staff.coordinator).get("/reports/yearly").text
    assert parse(coordinator_nav).css_first('.bottom-nav a[href="/reports/yearly"]') is not None
    assert len(parse(coordinator_nav).css(".bottom-nav li")) <= 5


def test_the_december_of_last_year_can_still_be_read(staff: Staff, sign_in):
    december = date(TODAY.year - 1, 12, 1)
    response = sign_in(staff.katarzyna).get(f"/reports/monthly?month={december:%Y-%m}")
    assert response.status_code == 200
    assert text(response.text, "#report h2").endswith(f"grudzień {TODAY.year - 1}")
