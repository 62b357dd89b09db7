"""The family sees who read its file: staff reads of that family only, last 12 months."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.models import AuditEvent, Gender, Role, utcnow
from tests.support.factories.core import make_family, make_user
from tests.support.factories.visits import make_case
from tests.support.html import parse


def _lines(html: str) -> list[str]:
    return [" ".join(node.text().split()) for node in parse(html).css(".list-item")]


def test_the_family_sees_which_staff_read_its_file_and_nothing_else(
    client: TestClient, db: Session, sign_in
):
    case = make_case(db)
    case.assistant.first_name, case.assistant.last_name = "Marek", "Zieliński"
    case.assistant.gender = Gender.male
    neighbour = make_family(db, case.centre, assistant=case.assistant)
    sign_in(case.assistant)
    assert client.get(f"/families/{case.family.id}").status_code == 200
    assert client.get(f"/families/{case.family.id}/plan").status_code == 200
    assert client.get(f"/families/{neighbour.id}").status_code == 200  # another family's file
    stranger = make_user(db, case.centre, Role.coordinator, first_name="Ewa", last_name="Dawna")
    db.add(
        AuditEvent(
            centre_id=case.centre.id, actor_id=stranger.id, action="family.read",
            family_id=case.family.id, at=utcnow() - timedelta(days=400),
        )
    )  # fmt: skip

    sign_in(case.parent_user)
    assert client.get("/family").status_code == 200  # the family's own reads are not listed
    account = client.get("/account")
    assert "/account/who-read" in account.text
    page = client.get("/account/who-read")

    assert page.status_code == 200
    assert "Kto oglądał dane Państwa rodziny" in page.text
    lines = _lines(page.text)
    assert lines and all(line.startswith("Marek Zieliński (asystent rodziny)") for line in lines)
    assert any("dane Państwa rodziny" in line for line in lines)
    assert any("plan pracy" in line for line in lines)
    assert "Dawna" not in page.text  # more than 12 months ago


def test_staff_have_no_such_page(client: TestClient, db: Session, sign_in):
    case = make_case(db)
    sign_in(case.assistant)
    assert client.get("/account/who-read").status_code == 403
    assert "/account/who-read" not in client.get("/account").text
