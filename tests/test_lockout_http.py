"""A lost phone and a deactivation close every door: sessions, passkeys, the calendar feed's
secret address and the invitations the person issued that are still open."""

from __future__ import annotations

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.domain.people import invitations
from pwa.models import Invitation, Role
from tests.conftest import reread
from tests.support.factories.visits import Case, make_case
from tests.test_calendar_http import path_of, renew


@pytest.mark.parametrize("action", ["lost-phone", "deactivate"])
def test_the_calendar_address_and_open_invitations_die_with_the_account(
    client: TestClient, db: Session, sign_in, action: str
):
    case: Case = make_case(db)
    sign_in(case.assistant)
    feed = path_of(renew(client))
    assert client.get(feed).status_code == 200
    issued_by_her = invitations.issue(
        db, centre_id=case.centre.id, role=Role.family, first_name="Jan", last_name="Kowalski",
        created_by=case.assistant, family_id=case.family.id,
    ).invitation  # fmt: skip
    used_already = invitations.issue(
        db, centre_id=case.centre.id, role=Role.family, first_name="Ewa", last_name="Kowalska",
        created_by=case.assistant, family_id=case.family.id,
    ).invitation  # fmt: skip
    invitations.accept(db, invitation=used_already)
    issued_by_coordinator = invitations.issue(
        db, centre_id=case.centre.id, role=Role.assistant, first_name="Ola", last_name="Nowak",
        created_by=case.coordinator,
    ).invitation  # fmt: skip

    sign_in(case.coordinator)
    response = client.post(
        f"/people/{case.assistant.id}/{action}", data={"reason": "telefon zgubiony w autobusie"}
    )
    assert response.status_code == 200

    client.cookies.clear()
    assert client.get(feed).status_code == 404
    reread(db)
    revoked = {
        name: db.get(Invitation, invitation.id).revoked_at is not None  # type: ignore[union-attr]
        for name, invitation in (
            ("hers", issued_by_her), ("used", used_already), ("coordinator's", issued_by_coordinator)
        )
    }  # fmt: skip
    assert revoked == {"hers": True, "used": False, "coordinator's": False}


def test_switching_the_calendar_off_kills_the_address(client: TestClient, db: Session, sign_in):
    case = make_case(db)
    sign_in(case.assistant)
    feed = path_of(renew(client))
    page = client.get("/account/calendar")
    assert "Wyłącz kalendarz" in page.text

    response = client.post("/account/calendar/stop", headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Kalendarz jest wyłączony" in response.text
    assert "Wyłącz kalendarz" not in response.text  # nothing left to switch off
    assert client.get(feed).status_code == 404
    reread(db)
    assert db.get(type(case.assistant), case.assistant.id).calendar_token_hash is None  # type: ignore[union-attr]
