"""The family's data rights over HTTP (the ZIP export, retention, anonymisation) and the
public accessibility statement."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.models import AuditEvent, Family, Role
from tests.conftest import reread
from tests.support.factories.core import make_centre, make_user
from tests.support.factories.reports import ClosedCase, active, case, make_closed_case, referred
from tests.support.html import inline_code, parse, text


@pytest.fixture
def old(db: Session) -> ClosedCase:
    closed = make_closed_case(db)
    db.commit()
    return closed


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


# --- the export ------------------------------------------------------------------------------------


def test_the_coordinator_downloads_the_familys_data_as_a_zip(old: ClosedCase, sign_in):
    response = sign_in(old.coordinator).get(f"/families/{old.family.id}/export.zip")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="rodzina-{old.family.case_number}.zip"'
    )
    archive = _zip(response.content)
    assert {"README.txt", "family.json", "family.html", "csv/members.csv", "csv/visits.csv"} <= set(archive.namelist())  # fmt: skip
    sections = json.loads(archive.read("family.json"))["sections"]
    assert "Zosia ma świadectwo z paskiem." in [v["notes"] for v in sections["visits"]]
    assert {(m["first_name"], m["last_name"]) for m in sections["members"]} == {
        ("Joanna", "Nowak"),
        ("Zosia", "Nowak"),
    }
    assert "Dane rodziny" in archive.read("README.txt").decode()


def test_the_export_is_recorded_in_the_audit_log(old: ClosedCase, sign_in, db):
    sign_in(old.coordinator).get(f"/families/{old.family.id}/export.zip")
    reread(db)
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "family.export")).all()
    assert (event.family_id, event.actor_id) == (old.family.id, old.coordinator.id)
    assert event.session_id is not None


def test_staff_other_than_the_coordinator_and_the_family_cannot_export(
    old: ClosedCase, sign_in, db
):
    stranger = make_user(db, make_centre(db), Role.coordinator)
    for user, status in ((old.assistant, 403), (old.parent_user, 403), (stranger, 404)):
        response = sign_in(user).get(f"/families/{old.family.id}/export.zip")
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")


# --- retention and anonymisation ---------------------------------------------------------------------


def test_the_retention_page_lists_the_case_with_its_export_and_anonymisation(old: ClosedCase, sign_in):  # fmt: skip
    html = sign_in(old.coordinator).get("/retention").text
    row = parse(html).css_first("caption#retention-due").parent.css_first("tbody tr")
    assert old.family.case_number in row.text() and "31.03.2016" in row.text()
    assert row.css_first(f'a[href="/families/{old.family.id}/export.zip"]') is not None
    form = row.css_first("form")
    assert form.attributes["action"] == f"/families/{old.family.id}/anonymise"
    assert "nie można cofnąć" in form.attributes["data-confirm"]
    assert form.css_first('input[name="csrf_token"]') is not None
    assert inline_code(html) == []


def test_anonymising_over_http_keeps_the_yearly_figures_and_removes_the_names(
    old: ClosedCase, sign_in, db
):
    client: TestClient = sign_in(old.coordinator)
    before = [client.get(f"/reports/yearly.csv?year={y}").content for y in (2015, 2016)]
    response = client.post(f"/families/{old.family.id}/anonymise", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/retention?done=anonymised"
    after = [client.get(f"/reports/yearly.csv?year={y}").content for y in (2015, 2016)]
    assert after == before
    assert b";1" in before[0]  # the family counted in 2015 before and after
    archive = _zip(client.get(f"/families/{old.family.id}/export.zip").content)
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for name in ("Joanna", "Zosia", "Kwiatowa", "601 222 333", "prąd"):
        assert name.encode() not in everything
    reread(db)
    assert db.get(Family, old.family.id).anonymised_at is not None  # type: ignore[union-attr]
    page = client.get("/retention?done=anonymised").text
    assert "zostały zanonimizowane" in text(page, "[role=status]")


def test_anonymising_a_case_at_work_is_refused_with_a_polish_message(old: ClosedCase, sign_in, db):
    working = case(db, old.centre, referred(date(2025, 1, 1)), active(date(2025, 1, 10)))
    db.commit()
    response = sign_in(old.coordinator).post(f"/families/{working.id}/anonymise")
    assert response.status_code == 409
    assert "Zanonimizować można tylko zamkniętą sprawę" in text(response.text, "[role=alert]")
    reread(db)
    assert db.get(Family, working.id).anonymised_at is None  # type: ignore[union-attr]


def test_only_the_coordinator_anonymises(old: ClosedCase, sign_in, db):
    for user in (old.assistant, old.parent_user):
        assert sign_in(user).post(f"/families/{old.family.id}/anonymise").status_code == 403
        assert sign_in(user).get("/retention").status_code == 403
    reread(db)
    assert db.get(Family, old.family.id).anonymised_at is None  # type: ignore[union-attr]


# --- the accessibility statement ---------------------------------------------------------------------


def test_the_accessibility_statement_is_public_and_follows_the_ministrys_structure(
    old: ClosedCase, client: TestClient, db
):
    old.centre.email = "ops@bystrzyca.example"  # no accessibility e-mail: the centre's own
    db.add(old.centre)
    db.commit()
    response = client.get("/dostepnosc")
    assert response.status_code == 200
    tree = parse(response.text)
    for element in ("a11y-wstep", "a11y-podmiot", "a11y-url", "a11y-data-publikacja",
                    "a11y-data-aktualizacja", "a11y-status", "a11y-data-sporzadzenie",
                    "a11y-kontakt", "a11y-osoba", "a11y-email", "a11y-telefon",
                    "a11y-procedura", "a11y-architektura", "a11y-aplikacje"):  # fmt: skip
        assert tree.css_first(f"#{element}") is not None, element
    assert text(response.text, "h1") == "Deklaracja dostępności"
    assert text(response.text, "#a11y-podmiot") == old.centre.name
    assert text(response.text, "#a11y-telefon") == old.centre.phone  # no accessibility phone set
    assert "Rzecznika Praw Obywatelskich" in response.text and "7 dni" in response.text
    assert text(response.text, "#a11y-email") == "ops@bystrzyca.example"
    assert "axe-core" in response.text
    assert "ul. 1 Maja 1" in text(response.text, "#a11y-architektura + p")
    assert inline_code(response.text) == []


def test_the_statement_uses_the_centres_accessibility_contact_and_the_users_centre(
    old: ClosedCase, sign_in, db
):
    other = make_centre(
        db, name="Miejski Ośrodek Pomocy Społecznej w Kłodzku", accessibility_contact="Jan Dostępny",
        accessibility_email="dostepnosc@mops.example", accessibility_phone="74 111 22 33",
        accessibility_prepared_on=date(2026, 3, 31),
    )  # fmt: skip
    assistant = make_user(db, other, Role.assistant)
    html = sign_in(assistant).get("/dostepnosc").text
    assert text(html, "#a11y-podmiot") == "Miejski Ośrodek Pomocy Społecznej w Kłodzku"
    assert text(html, "#a11y-osoba") == "Jan Dostępny"
    assert text(html, "#a11y-email") == "dostepnosc@mops.example"
    assert text(html, "#a11y-telefon") == "74 111 22 33"
    assert text(html, "#a11y-data-sporzadzenie") == "2026-03-31"


def test_every_page_links_to_the_statement_in_its_footer(old: ClosedCase, client: TestClient, sign_in):  # fmt: skip
    for html in (client.get("/signin").text, sign_in(old.coordinator).get("/reports/yearly").text):
        link = parse(html).css_first('footer a[href="/dostepnosc"]')
        assert link is not None and link.text(strip=True) == "Deklaracja dostępności"
