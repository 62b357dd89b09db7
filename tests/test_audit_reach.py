"""The audit log sees every reader: the referring centre sees the organisation's reads of the
family it handed over (and nothing else of the organisation), list pages record the families
they show, refused sign-ins are recorded without the attempt's personal data."""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from pwa.domain.kernel import audit
from pwa.domain.people import rate_limits
from pwa.domain.people.passkeys import PasskeyCheckRefused
from pwa.models import Assignment, AuditEvent, Role
from tests.conftest import csrf_token, reread
from tests.support.factories.core import make_centre, make_family, make_member, make_user


def _two_centres(db: Session):  # type: ignore[no-untyped-def]
    mops = make_centre(db)
    ccwr = make_centre(db, parent_centre_id=mops.id)
    handed = make_family(
        db, mops, handled_by_centre_id=ccwr.id, handed_over_on=date(2026, 2, 1), case_number="H.1"
    )
    own_of_organisation = make_family(db, ccwr, case_number="O.1")
    organisations_assistant = make_user(db, ccwr, Role.assistant)
    for family in (handed, own_of_organisation):
        db.add(Assignment(family_id=family.id, assistant_id=organisations_assistant.id))
        make_member(db, family)
    return mops, ccwr, handed, own_of_organisation, organisations_assistant


def test_the_referring_centre_sees_the_organisations_reads_of_its_family_and_nothing_else(
    client: TestClient, db: Session, sign_in
):
    mops, ccwr, handed, own, assistant = _two_centres(db)
    sign_in(assistant)
    assert client.get(f"/families/{handed.id}").status_code == 200
    assert client.get(f"/families/{own.id}").status_code == 200
    client.post("/account/calendar/renew")  # an event of the organisation about no family

    sign_in(make_user(db, mops, Role.coordinator))
    page = client.get("/audit")
    assert page.status_code == 200
    reread(db)
    seen = audit.search(db, centre_id=mops.id, where=audit.AuditFilter())
    by_organisation = [row for row in seen if row.event.actor_id == assistant.id]
    assert {(row.event.action, row.event.family_id) for row in by_organisation} == {
        ("family.read", handed.id)
    }
    assert "H.1" in page.text and "O.1" not in page.text
    # The organisation sees its own events as before, the read of the handed-over family too.
    theirs = audit.search(db, centre_id=ccwr.id, where=audit.AuditFilter())
    assert {"family.read", "calendar.renew"} <= {row.event.action for row in theirs}
    assert {row.event.family_id for row in theirs if row.event.action == "family.read"} == {
        handed.id, own.id
    }  # fmt: skip


def _list_events(db: Session) -> list[dict[str, object]]:
    reread(db)
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "family.list")).all()
    return [json.loads(event.detail) for event in events]


def test_a_search_records_one_event_naming_the_families_shown(
    client: TestClient, db: Session, sign_in
):
    centre = make_centre(db)
    shown = [make_family(db, centre, name=f"Nowakowie {n}") for n in range(3)]
    make_family(db, centre, name="Kowalscy")
    sign_in(make_user(db, centre, Role.coordinator))

    assert client.get("/families", params={"q": "Nowak"}).status_code == 200

    searches = [event for event in _list_events(db) if event["page"] == "family_search"]
    assert searches == [{"page": "family_search", "families": sorted(str(f.id) for f in shown)}]


def test_the_homes_record_the_families_they_name(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    hers = make_family(db, centre, assistant=assistant)
    unassigned = make_family(db, centre)
    sign_in(assistant)
    assert client.get("/assistant").status_code == 200
    sign_in(make_user(db, centre, Role.coordinator))
    assert client.get("/coordinator").status_code == 200

    events = {event["page"]: event["families"] for event in _list_events(db)}
    assert events["assistant_home"] == [str(hers.id)]
    assert str(unassigned.id) in events["coordinator_home"]  # type: ignore[operator]


def test_a_refused_sign_in_is_recorded_without_the_attempts_data(client: TestClient, db: Session):
    response = client.post(
        "/signin/verify",
        json={"credential": {"id": "x", "label": "Jan Kowalski"}},
        headers={"X-CSRF-Token": csrf_token(client), "User-Agent": "telefon Jana"},
    )
    assert response.status_code == 400
    reread(db)
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "signin.refused")).all()
    assert (event.actor_id, event.centre_id, event.family_id, event.detail) == (
        None, None, None, ""
    )  # fmt: skip


def test_a_refused_passkey_check_names_the_account_it_was_tried_against(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    refusal = PasskeyCheckRefused("nie", user_id=assistant.id, centre_id=centre.id)

    rate_limits.record_refusal(db, kind="signin", refusal=refusal)

    event = db.exec(select(AuditEvent).where(col(AuditEvent.action) == "signin.refused")).one()
    assert event.centre_id == centre.id
    assert json.loads(event.detail) == {"account_id": str(assistant.id)}
    assert uuid.UUID(json.loads(event.detail)["account_id"]) == assistant.id
