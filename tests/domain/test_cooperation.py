"""Cooperation with institutions (issue 10, point 4): the log of contacts, its rules, and where
it shows (the family's timeline, the court opinion)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from pwa.domain.cases import cooperation, timeline
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.i18n import use_locale
from pwa.models import AuditEvent, CaseStatus, InstitutionContact, Role
from tests.support.clock import NOW, TODAY
from tests.support.factories.assessments import contact_form, make_contact
from tests.support.factories.core import make_user
from tests.support.factories.visits import Case, make_case


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, work_started_on=date(2026, 2, 1))


def record(case: Case, db: Session, **values: str) -> InstitutionContact:
    return cooperation.record_contact(
        db, actor=case.as_assistant, family_id=case.family.id, form=contact_form(**values), now=NOW
    )


def test_a_contact_names_the_kind_and_the_institution(db: Session, case: Case):
    with use_locale("pl"):
        contact = record(case, db)
        team = record(case, db, kind="interdisciplinary_team", name="", outcome="")
    assert contact.institution == "Szkoła: Szkoła Podstawowa nr 1 w Bystrzycy Kłodzkiej"
    assert contact.contact_on == TODAY and contact.author_id == case.assistant.id
    assert contact.purpose == "Rozmowa z pedagogiem o frekwencji Oli."
    assert contact.outcome == "Szkoła co tydzień informuje matkę o nieobecnościach."
    assert team.institution == "Zespół interdyscyplinarny" and team.outcome == ""
    events = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == contact.id)).all()
    assert events == ["contact.create"]


def test_every_kind_of_institution_of_article_15_can_be_chosen():
    with use_locale("pl"):
        labels = dict(cooperation.institution_choices())
    assert labels == {
        "school": "Szkoła",
        "kindergarten": "Przedszkole",
        "court": "Sąd",
        "clinic": "Przychodnia lub poradnia",
        "police": "Policja",
        "interdisciplinary_team": "Zespół interdyscyplinarny",
        "other": "Inna instytucja",
    }


def test_the_contact_form_is_checked_all_at_once_in_polish(db: Session, case: Case):
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        record(case, db, contact_on="2026-01-20", kind="other", name="", purpose=" ")
    assert refused.value.errors == {
        "contact_on": "Kontakt nie może być wcześniejszy niż rozpoczęcie pracy (01.02.2026).",
        "name": "Wpisz nazwę instytucji.",
        "purpose": "Opisz cel kontaktu.",
    }
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        record(case, db, contact_on="", kind="bank")
    assert refused.value.errors == {
        "contact_on": "Wpisz datę kontaktu.",
        "kind": "Wybierz rodzaj instytucji.",
    }
    assert db.exec(select(InstitutionContact)).all() == []


def test_a_long_name_is_refused(db: Session, case: Case):
    with pytest.raises(Invalid) as refused:
        record(case, db, name="x" * (cooperation.NAME_LIMIT + 1))
    assert set(refused.value.errors) == {"name"}


@pytest.mark.parametrize("status", [CaseStatus.referred, CaseStatus.closed])
def test_no_contacts_before_the_work_or_after_the_case_is_closed(db: Session, status: CaseStatus):
    case = make_case(db, status=status)
    with pytest.raises(Conflict):
        record(case, db)


@pytest.mark.parametrize("status", [CaseStatus.ended, CaseStatus.monitoring])
def test_contacts_go_on_after_the_end_of_work_and_in_monitoring(db: Session, status: CaseStatus):
    case = make_case(db, status=status, work_started_on=date(2026, 2, 1))
    contact = record(case, db)
    db.commit()
    db.expire_all()  # what follows is read back from the database
    stored = db.exec(
        select(InstitutionContact).where(InstitutionContact.family_id == case.family.id)
    ).all()
    assert [(row.id, row.contact_on, row.author_id) for row in stored] == [
        (contact.id, TODAY, case.assistant.id)
    ]
    log = cooperation.family_contacts(db, actor=case.as_coordinator, family_id=case.family.id)
    assert [row.contact.id for row in log.rows] == [contact.id]


def test_the_log_is_newest_first_for_staff_only(db: Session, case: Case):
    older = make_contact(db, case.family, on=date(2026, 3, 2))
    newer = record(case, db)
    log = cooperation.family_contacts(db, actor=case.as_coordinator, family_id=case.family.id)
    assert [row.contact for row in log.rows] == [newer, older] and log.may_record
    assert log.rows[0].author == case.assistant and log.rows[1].author is None
    stranger = Actor(make_user(db, case.centre, Role.assistant))
    for actor in (case.as_parent, stranger):
        with pytest.raises(NotFound):
            cooperation.family_contacts(db, actor=actor, family_id=case.family.id)
        with pytest.raises(NotFound):
            cooperation.record_contact(
                db, actor=actor, family_id=case.family.id, form=contact_form(), now=NOW
            )


def test_contacts_between_takes_both_ends(db: Session, case: Case):
    days = [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    for day in days:
        make_contact(db, case.family, on=day)
    found = cooperation.contacts_between(
        db, family_id=case.family.id, start=date(2026, 3, 1), end=date(2026, 4, 1)
    )
    assert [c.contact_on for c in found] == days[:2]


def test_the_contact_shows_on_the_familys_timeline(db: Session, case: Case):
    with use_locale("pl"):
        record(case, db)
        entries = timeline.family_timeline(db, actor=case.as_assistant, family_id=case.family.id)
    contacts = [e for e in entries if e.kind == timeline.CONTACT]
    assert len(contacts) == 1 and "Szkoła Podstawowa nr 1" in contacts[0].title
    assert contacts[0].detail == "Rozmowa z pedagogiem o frekwencji Oli."
