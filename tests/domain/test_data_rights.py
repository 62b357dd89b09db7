"""The family's data rights: the export of the whole record, retention, anonymisation."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import pytest
from sqlmodel import Session, col, select

from pwa.domain.cases.data_export import export_family
from pwa.domain.cases.data_rights import (
    anonymise_family,
    retention_ends_on,
    retention_overview,
)
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, NotFound
from pwa.domain.reports.yearly import yearly_figures
from pwa.i18n import use_locale
from pwa.models import (
    AuditEvent,
    CaseEvent,
    CaseStatus,
    EndReason,
    Family,
    FamilyMember,
    GoalProgress,
    InstitutionContact,
    PasskeyCredential,
    PushSubscription,
    Relation,
    Role,
    SupportRequest,
    TeamDecision,
    User,
    UserSession,
    Visit,
)
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import make_centre, make_user
from tests.support.factories.reports import (
    SECRET_KEY,
    ClosedCase,
    active,
    case,
    closed,
    ended,
    make_closed_case,
    referred,
)


@pytest.fixture
def old(db: Session) -> ClosedCase:
    return make_closed_case(db)


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


# --- the export -----------------------------------------------------------------------------------


def test_the_export_holds_json_html_and_a_csv_file_per_section(db, old):
    export = export_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW)
    assert export.filename == f"rodzina-{old.family.case_number}.zip"
    names = set(_zip(export.data).namelist())
    assert {"README.txt", "family.json", "family.html"} <= names
    sections = json.loads(_zip(export.data).read("family.json"))["sections"]
    assert {f"csv/{key}.csv" for key in sections} <= names
    assert {"members", "consents", "case_events", "assignments", "plans", "goals", "tasks",
            "visits", "visit_attendance", "visit_revisions", "meetings", "assessments",
            "goal_progress", "court_opinions", "institution_contacts", "support_requests",
            "team_decisions", "first_contacts", "users", "audit_events"} <= set(sections)  # fmt: skip


def test_the_export_contains_the_visit_notes_the_members_and_who_was_named(db, old):
    export = export_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW)
    sections = json.loads(_zip(export.data).read("family.json"))["sections"]
    assert [v["notes"] for v in sections["visits"]] == [
        "Joanna mówiła o długach za prąd.",
        "Zosia ma świadectwo z paskiem.",
    ]
    assert sorted(m["first_name"] for m in sections["members"]) == ["Joanna", "Zosia"]
    assert sections["family"][0]["address"] == "ul. Kwiatowa 7, Bystrzyca Kłodzka"
    # The assistant wrote the record; the coordinator's export is in its audit log.
    assert {s["id"] for s in sections["staff"]} == {str(old.assistant.id), str(old.coordinator.id)}
    assert sections["services"][0]["name"] == "Porady prawne"
    html = _zip(export.data).read("family.html").decode()
    assert "Zosia ma świadectwo z paskiem." in html and "<script" not in html
    members_csv = _zip(export.data).read("csv/members.csv")
    assert members_csv.startswith(b"\xef\xbb\xbf") and b"Joanna" in members_csv


def test_the_export_carries_no_secret_of_the_familys_accounts(db, old):
    export = export_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW)
    everything = b"".join(_zip(export.data).read(name) for name in _zip(export.data).namelist())
    sections = json.loads(_zip(export.data).read("family.json"))["sections"]
    assert sections["passkeys"][0]["label"] == "telefon Joanny"
    for secret in ("credential_id", "public_key", "token_hash", "calendar_token_hash", "p256dh", "endpoint"):  # fmt: skip
        assert secret.encode() not in everything
    assert SECRET_KEY not in everything and b"push.example" not in everything
    assert ("c" * 64).encode() not in everything


def test_the_export_is_audited_and_its_own_event_is_in_it(db, old):
    export = export_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW)
    sections = json.loads(_zip(export.data).read("family.json"))["sections"]
    assert "family.export" in [event["action"] for event in sections["audit_events"]]
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "family.export")).all()
    assert (event.family_id, event.actor_id) == (old.family.id, old.coordinator.id)


def test_only_the_centres_coordinator_exports_a_family(db, old):
    with pytest.raises(Forbidden):
        export_family(db, actor=Actor(user=old.assistant), family_id=old.family.id, now=NOW)
    stranger = make_user(db, make_centre(db), Role.coordinator)
    with pytest.raises(NotFound):
        export_family(db, actor=Actor(user=stranger), family_id=old.family.id, now=NOW)


# --- retention ----------------------------------------------------------------------------------------


def test_the_retention_period_is_counted_in_years_from_the_closing(db, old):
    assert retention_ends_on(date(2016, 3, 31), 10) == date(2026, 3, 31)
    assert retention_ends_on(date(2016, 2, 29), 10) == date(2026, 2, 28)
    on_the_day = case(
        db, old.centre, referred(date(2015, 1, 1)), active(date(2015, 1, 5)),
        ended(date(2016, 6, 1)), closed(date(2016, 11, 23)),
    )  # fmt: skip
    case(
        db, old.centre, referred(date(2019, 1, 1)), active(date(2019, 1, 5)),
        ended(date(2020, 6, 1)), closed(date(2020, 7, 1)),
    )  # fmt: skip
    case(db, old.centre, referred(date(2015, 1, 1)), active(date(2015, 1, 5)))
    overview = retention_overview(db, actor=old.as_coordinator, today=TODAY)
    assert [row.family.id for row in overview.due] == [old.family.id]
    assert (overview.years, overview.within, overview.anonymised) == (10, 2, 0)
    next_day = retention_overview(db, actor=old.as_coordinator, today=date(2026, 11, 24))
    assert [row.family.id for row in next_day.due] == [old.family.id, on_the_day.id]


# --- anonymisation ------------------------------------------------------------------------------------


def _figures(db: Session, old: ClosedCase) -> list[object]:
    years = (2015, 2016)
    return [yearly_figures(db, actor=old.as_coordinator, year=y, today=TODAY) for y in years]


def test_anonymising_keeps_every_yearly_figure(db, old):
    before = _figures(db, old)
    assert before[0].families == 1 and before[0].children == 1 and before[0].za_zyciem == 1  # type: ignore[attr-defined]
    anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)
    db.expire_all()
    assert _figures(db, old) == before


def test_anonymising_removes_names_contacts_notes_and_free_texts(db, old):
    anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)
    db.expire_all()
    family = db.get(Family, old.family.id)
    assert family is not None and family.anonymised_at == NOW
    assert (family.name, family.address, family.phone, family.social_worker_name) == ("—", "", "", "")  # fmt: skip
    assert family.case_number == old.family.case_number and family.za_zyciem
    members = db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)).all()
    assert {(m.first_name, m.last_name, m.phone) for m in members} == {("—", "", "")}
    assert sorted((m.relation, m.birth_date) for m in members) == [
        (Relation.child, date(2012, 1, 1)),
        (Relation.parent, None),
    ]
    visits = db.exec(select(Visit).where(Visit.family_id == family.id)).all()
    assert [(v.notes, v.duration_minutes) for v in visits] in ([("", 60), ("", 90)], [("", 90), ("", 60)])  # fmt: skip
    texts = [
        *db.exec(select(InstitutionContact.purpose)).all(),
        *db.exec(select(SupportRequest.outcome)).all(),
        *db.exec(select(TeamDecision.participants)).all(),
        *db.exec(select(GoalProgress.comment)).all(),
    ]
    assert set(texts) == {""}
    reasons = db.exec(
        select(CaseEvent.end_reason, CaseEvent.reason)
        .where(CaseEvent.family_id == family.id)
        .order_by(col(CaseEvent.at))
    ).all()
    # The words go; the end reason stays for the reports.
    assert [tuple(row) for row in reasons] == [
        (None, ""), (None, ""), (EndReason.goals_met, ""), (None, ""), (None, ""),
    ]  # fmt: skip


def test_anonymising_closes_the_familys_accounts(db, old):
    anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)
    db.expire_all()
    user = db.get(User, old.parent_user.id)
    assert user is not None and not user.is_active and user.full_name == "—"
    assert user.calendar_token_hash is None
    assert db.exec(select(PasskeyCredential).where(PasskeyCredential.user_id == user.id)).all() == []  # fmt: skip
    assert db.exec(select(PushSubscription).where(PushSubscription.user_id == user.id)).all() == []  # fmt: skip
    (session,) = db.exec(select(UserSession).where(UserSession.user_id == user.id)).all()
    assert session.ended_at == NOW and session.user_agent == ""


def test_anonymising_is_audited_and_shows_in_the_export(db, old):
    anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "family.anonymise")).all()
    assert (event.family_id, event.actor_id) == (old.family.id, old.coordinator.id)
    export = export_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW)
    assert b"Joanna" not in _zip(export.data).read("family.json")
    assert retention_overview(db, actor=old.as_coordinator, today=TODAY).anonymised == 1


def test_a_case_is_anonymised_only_once_closed_and_past_its_retention(db, old):
    working = case(db, old.centre, referred(date(2015, 1, 1)), active(date(2015, 1, 5)))
    recent = case(
        db, old.centre, referred(date(2019, 1, 1)), active(date(2019, 1, 5)),
        ended(date(2020, 6, 1)), closed(date(2020, 7, 1)),
    )  # fmt: skip
    with use_locale("pl"), pytest.raises(Conflict) as refused:
        anonymise_family(db, actor=old.as_coordinator, family_id=working.id, now=NOW, today=TODAY)  # fmt: skip
    assert refused.value.message
    with use_locale("pl"), pytest.raises(Conflict) as within:
        anonymise_family(db, actor=old.as_coordinator, family_id=recent.id, now=NOW, today=TODAY)  # fmt: skip
    assert "01.07.2030" in within.value.message
    anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)
    with pytest.raises(Conflict):
        anonymise_family(db, actor=old.as_coordinator, family_id=old.family.id, now=NOW, today=TODAY)  # fmt: skip
    assert db.get(Family, working.id).status is CaseStatus.active  # type: ignore[union-attr]


def test_only_a_coordinator_anonymises(db, old):
    with pytest.raises(Forbidden):
        anonymise_family(db, actor=Actor(user=old.assistant), family_id=old.family.id, now=NOW, today=TODAY)  # fmt: skip
    stranger = make_user(db, make_centre(db), Role.coordinator)
    with pytest.raises(NotFound):
        anonymise_family(db, actor=Actor(user=stranger), family_id=old.family.id, now=NOW, today=TODAY)  # fmt: skip
