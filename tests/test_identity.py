"""Identity over HTTP: invitations, the lost phone, sessions, passkeys, the audit log."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from pwa.domain.people import invitations, sessions
from pwa.models import (
    AuditEvent,
    Invitation,
    PasskeyCredential,
    RateLimitEvent,
    Relation,
    Role,
    User,
    UserSession,
    utcnow,
)
from tests.conftest import reread
from tests.support.audit import audit_actions
from tests.support.factories.core import make_centre, make_family, make_member, make_user
from tests.support.html import inline_code, parse, text


def _issue(db: Session, **values: object) -> invitations.IssuedInvitation:
    centre = make_centre(db)
    issued = invitations.issue(
        db, centre_id=centre.id, role=Role.assistant, first_name="Ewa", last_name="Nowak", **values
    )  # type: ignore[arg-type]
    db.commit()
    return issued


def test_a_valid_invitation_link_offers_to_create_a_passkey(client: TestClient, db: Session):
    issued = _issue(db)
    response = client.get(f"/i/{issued.token}")
    assert response.status_code == 200
    assert "Witamy, Ewa" in response.text
    assert parse(response.text).css_first("[data-passkey=register] [data-passkey-start]")
    assert inline_code(response.text) == []


def test_expired_used_and_revoked_invitations_get_a_polish_page(client: TestClient, db: Session):
    expired = _issue(db, now=utcnow() - timedelta(hours=80))
    used = _issue(db)
    invitations.accept(db, invitation=used.invitation)
    revoked = _issue(db)
    invitations.revoke(db, invitation=revoked.invitation)
    db.commit()
    for issued, words in [(expired, "wygasło"), (used, "wykorzystane"), (revoked, "wycofane")]:
        response = client.get(f"/i/{issued.token}")
        assert response.status_code == 410
        assert words in response.text
        assert "Tego zaproszenia nie można użyć" in response.text


def test_an_unknown_invitation_is_a_polish_404_and_counts_as_a_failed_attempt(
    client: TestClient, db: Session
):
    response = client.get("/i/not-a-real-token")
    assert response.status_code == 404
    assert "Nie ma takiego zaproszenia" in response.text
    reread(db)
    assert len(db.exec(select(RateLimitEvent)).all()) == 1


def test_repeated_bad_invitation_links_are_refused_for_a_while(client: TestClient, db: Session):
    for _ in range(10):
        db.add(RateLimitEvent(key="invitation:testclient", at=utcnow()))
    db.commit()
    response = client.get("/i/whatever")
    assert response.status_code == 429
    assert "Zbyt wiele nieudanych prób" in response.text


def test_coordinator_invites_an_assistant_and_sees_a_qr_code(
    client: TestClient, db: Session, sign_in
):
    coordinator = make_user(db, make_centre(db), Role.coordinator)
    sign_in(coordinator)
    response = client.post(
        "/people/invitations",
        data={"first_name": "Ewa", "last_name": "Kowal", "role": "assistant", "gender": "f"},
    )
    assert response.status_code == 200
    html = parse(response.text)
    link = html.css_first("#invitation-link").attributes["value"] or ""
    assert link.startswith("http://localhost/i/")
    assert html.css_first("svg.qr") is not None
    assert inline_code(response.text) == []
    reread(db)
    invitation = db.exec(select(Invitation)).one()
    assert invitation.role is Role.assistant and invitation.created_by_id == coordinator.id


def test_invalid_staff_invitation_shows_polish_messages_and_saves_nothing(
    client: TestClient, db: Session, sign_in
):
    sign_in(make_user(db, make_centre(db), Role.coordinator))
    for headers in ({}, {"HX-Request": "true"}):
        response = client.post(
            "/people/invitations", data={"first_name": "", "last_name": ""}, headers=headers
        )
        assert response.status_code == 422
        assert "Wpisz imię." in response.text and "Wybierz rolę" in response.text
        assert ("<html" in response.text) is not bool(headers)
    reread(db)
    assert db.exec(select(Invitation)).all() == []


def test_assistant_invites_a_parent_of_her_family(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant)
    mother = make_member(db, family, relation=Relation.parent, first_name="Maria")
    make_member(db, family, relation=Relation.child, first_name="Zosia")
    sign_in(assistant)
    form = client.get(f"/families/{family.id}/invitations/new")
    assert "Maria" in form.text and "Zosia" not in form.text
    response = client.post(f"/families/{family.id}/invitations", data={"member_id": str(mother.id)})
    assert response.status_code == 200
    assert "Zaproszenie dla: Maria" in response.text
    reread(db)
    reads = db.exec(select(AuditEvent).where(AuditEvent.action == "family.read")).all()
    assert reads and all(e.family_id == family.id and e.actor_id == assistant.id for e in reads)
    assert all(e.session_id is not None for e in reads)


def test_lost_phone_ends_every_session_and_revokes_every_passkey(
    client: TestClient, db: Session, sign_in
):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    db.add(PasskeyCredential(user_id=assistant.id, credential_id=b"phone", public_key=b"k"))
    policy = sessions.SessionPolicy(idle_timeout=3600, max_age=86400)
    _row, assistant_token = sessions.start_session(db, user=assistant, policy=policy)
    sign_in(make_user(db, centre, Role.coordinator))
    response = client.post(
        f"/people/{assistant.id}/lost-phone",
        data={"reason": "telefon skradziony"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    reread(db)
    assert all(
        s.ended_at for s in db.exec(select(UserSession).where(UserSession.user_id == assistant.id))
    )
    assert all(
        p.revoked_at
        for p in db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == assistant.id))
    )
    # The assistant's next request, from any device, lands on the sign-in page.
    client.cookies.clear()
    client.cookies.set("asysta_session", assistant_token)
    after = client.get("/assistant", follow_redirects=False)
    assert after.status_code == 303 and after.headers["location"] == "/signin"


def test_lost_phone_needs_a_reason(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    db.add(PasskeyCredential(user_id=assistant.id, credential_id=b"phone", public_key=b"k"))
    policy = sessions.SessionPolicy(idle_timeout=3600, max_age=86400)
    sessions.start_session(db, user=assistant, policy=policy)
    sign_in(make_user(db, centre, Role.coordinator))
    response = client.post(f"/people/{assistant.id}/lost-phone", data={"reason": "  "})
    assert response.status_code == 422
    assert "Podaj powód." in response.text
    # Refused, so nothing happened: the assistant is still signed in, the passkey still works.
    reread(db)
    live = db.exec(select(UserSession).where(UserSession.user_id == assistant.id)).all()
    assert [row.ended_at for row in live] == [None]
    keys = db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == assistant.id))
    assert [key.revoked_at for key in keys.all()] == [None]
    assert "user.lost_phone" not in audit_actions(db)


def test_deactivated_user_cannot_come_back(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    sign_in(make_user(db, centre, Role.coordinator))
    client.post(f"/people/{assistant.id}/deactivate", data={"reason": "koniec umowy"})
    reread(db)
    refreshed = db.get(User, assistant.id)
    assert refreshed is not None and not refreshed.is_active


def test_user_ends_another_of_her_sessions(client: TestClient, db: Session, sign_in):
    assistant = make_user(db, make_centre(db), Role.assistant)
    other, _token = sessions.start_session(
        db, user=assistant, policy=sessions.SessionPolicy(3600, 86400)
    )
    sign_in(assistant)
    page = client.get("/account")
    assert "Gdzie jesteś zalogowany" in page.text
    client.post(f"/account/sessions/{other.id}/end")
    reread(db)
    ended = db.get(UserSession, other.id)
    assert ended is not None and ended.ended_at is not None


def test_the_last_passkey_cannot_be_removed(client: TestClient, db: Session, sign_in):
    assistant = make_user(db, make_centre(db), Role.assistant)
    only = PasskeyCredential(user_id=assistant.id, credential_id=b"only", public_key=b"k")
    db.add(only)
    sign_in(assistant)
    response = client.post(f"/account/passkeys/{only.id}/remove", headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "jedyny klucz" in response.text
    assert "<html" not in response.text
    reread(db)
    kept = db.get(PasskeyCredential, only.id)
    assert kept is not None and kept.revoked_at is None


def test_sign_in_with_garbage_is_a_polish_400_and_counted(client: TestClient, db: Session):
    from tests.conftest import csrf_token

    token = csrf_token(client)
    response = client.post(
        "/signin/verify", json={"credential": {"id": "x"}}, headers={"X-CSRF-Token": token}
    )
    assert response.status_code == 400
    assert "Nie udało się odczytać" in response.json()["error"]
    reread(db)
    assert len(db.exec(select(RateLimitEvent)).all()) == 1


def test_audit_log_lists_and_filters_events(client: TestClient, db: Session, sign_in):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant, first_name="Iza")
    family = make_family(db, centre, assistant=assistant, case_number="AR.1.2026")
    make_member(db, family)
    sign_in(assistant)
    client.get(f"/families/{family.id}/invitations/new")
    sign_in(make_user(db, centre, Role.coordinator))
    everything = client.get("/audit")
    assert "family.read" in everything.text and "AR.1.2026" in everything.text
    only_family = client.get(f"/audit?family={family.id}", headers={"HX-Request": "true"})
    assert "family.read" in only_family.text and "<html" not in only_family.text
    nobody = client.get(f"/audit?user={family.id}")
    assert "family.read" not in text(nobody.text, "#audit-results")


def test_no_route_changes_or_deletes_audit_events(db: Session):
    """Append-only: no code outside audit.record touches the AuditEvent table."""
    from pathlib import Path

    sources = [p for p in Path("pwa").rglob("*.py") if p.name != "models.py"]
    offending = [
        str(p) for p in sources
        if "AuditEvent" in p.read_text() and p.name != "audit.py"
        and any(word in p.read_text() for word in ("delete(AuditEvent", "update(AuditEvent"))
    ]  # fmt: skip
    assert offending == []
    assert col(AuditEvent.id) is not None
