"""Court opinions (issue 10, point 3): the draft assembled from the record, editing, the final
version that is never changed, superseding it, and the deadlines on the assistant's home."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlmodel import Session, col, select

from pwa.domain.assessments import opinion_draft, opinions
from pwa.domain.assessments.opinions import OpinionEditForm
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.i18n import use_locale
from pwa.models import (
    AssessmentKind,
    AuditEvent,
    CaseStatus,
    CourtOpinion,
    GoalArea,
    OpinionStatus,
    PlanStatus,
    Recommendation,
    Relation,
    Role,
)
from tests.support.clock import NOW, TODAY
from tests.support.factories.assessments import (
    make_assessment,
    make_contact,
    make_goals,
    make_opinion,
    request_form,
)
from tests.support.factories.core import make_member, make_user
from tests.support.factories.visits import Case, make_case, make_visit


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(
        db, work_started_on=date(2026, 2, 1), name="Kowalscy", case_number="AR.4011.7.2026",
        address="ul. Rynek 5, 57-500 Bystrzyca Kłodzka",
    )  # fmt: skip


def edit_form(opinion: CourtOpinion, **values: str) -> OpinionEditForm:
    fields = {
        "court": opinion.court,
        "case_reference": opinion.case_reference,
        "requested_on": opinion.requested_on.isoformat(),
        "deadline": opinion.deadline.isoformat(),
        "body": opinion.body,
    }
    fields.update(values)
    return OpinionEditForm(**fields)


def request(db: Session, case: Case, **values: str) -> CourtOpinion:
    return opinions.request_opinion(
        db, actor=case.as_assistant, family_id=case.family.id, form=request_form(**values), now=NOW
    )


# --- the draft assembled from the record ---------------------------------------------------------


def test_the_draft_counts_the_visits_of_its_period_only(db: Session, case: Case):
    # An earlier episode of work (before this start of work) does not count; today does.
    for day in (date(2025, 12, 10), date(2026, 1, 31)):
        make_visit(db, case.family, case.assistant, visit_date=day)
    for day in (date(2026, 2, 1), date(2026, 3, 16), TODAY):
        make_visit(db, case.family, case.assistant, visit_date=day, starts_at=time(9, 0))
    record = opinion_draft.gather(db, family=case.family, today=TODAY)
    assert record.visit_count == 3
    assert record.visit_dates == [date(2026, 2, 1), date(2026, 3, 16), TODAY]
    opinion = request(db, case)
    assert (
        "W okresie od 01.02.2026 do 23.11.2026 odbyły się 3 wizyty asystenta rodziny."
        in opinion.body
    )
    assert "Daty wizyt: 01.02.2026, 16.03.2026, 23.11.2026." in opinion.body
    assert "31.01.2026" not in opinion.body


def test_a_closed_case_counts_visits_until_it_was_closed(db: Session):
    case = make_case(
        db, status=CaseStatus.closed, work_started_on=date(2026, 2, 1),
        ended_on=date(2026, 9, 30), closed_on=date(2026, 10, 31),
    )  # fmt: skip
    for day in (date(2026, 5, 4), date(2026, 10, 31), date(2026, 11, 2)):
        make_visit(db, case.family, case.assistant, visit_date=day)
    record = opinion_draft.gather(db, family=case.family, today=TODAY)
    assert record.visit_count == 2 and record.period_end == date(2026, 10, 31)
    with use_locale("pl"):
        text = opinion_draft.assemble(
            record, court="Sąd", case_reference="III Nsm 1/26", requested_on=TODAY,
        )  # fmt: skip
    assert "odbyły się 2 wizyty" in text
    assert "Asystent rodziny pracował z rodziną od 01.02.2026 do 30.09.2026." in text


def test_one_visit_and_five_visits_read_right_in_polish(db: Session, case: Case):
    make_visit(db, case.family, case.assistant, visit_date=date(2026, 3, 2))
    assert "odbyła się 1 wizyta asystenta rodziny" in request(db, case).body
    for day in (3, 4, 5, 6):
        make_visit(db, case.family, case.assistant, visit_date=date(2026, 3, day))
    assert "odbyło się 5 wizyt asystenta rodziny" in request(db, case).body


def test_the_draft_is_assembled_from_the_whole_record_in_polish(db: Session, case: Case):
    make_member(
        db, case.family, relation=Relation.guardian, first_name="Jan", last_name="Kowalski",
        in_household=False, left_household_on=date(2026, 6, 1),
    )  # fmt: skip
    first = make_goals(db, case.family, status=PlanStatus.superseded)
    make_goals(
        db, case.family, version=2, based_on=first,
        goals=((GoalArea.budget, "Spłacić zaległy czynsz"), (GoalArea.health, "Leczenie Oli")),
    )  # fmt: skip
    # Progress on the first goal was rated against version 1: it follows the goal's lineage.
    make_assessment(db, case.family, on=date(2026, 2, 10), kind=AssessmentKind.initial)
    make_assessment(
        db, case.family, on=date(2026, 8, 3), ratings=[(first[0], 3)],
        recommendation=Recommendation.change_plan, strengths="Wsparcie babci.",
    )  # fmt: skip
    make_contact(db, case.family, on=date(2026, 9, 1), outcome="Szkoła informuje matkę.")
    make_contact(db, case.family, on=date(2026, 1, 5), institution="Policja: KP Bystrzyca")
    body = request(db, case).body
    for expected in (
        "OPINIA O RODZINIE",
        "Adresat: Sąd Rejonowy w Kłodzku, III Wydział Rodzinny i Nieletnich",
        "Sygn. akt: III Nsm 245/26",
        "Dotyczy: pisma sądu z dnia 16.11.2026",
        "Rodzina: Kowalscy, adres: ul. Rynek 5, 57-500 Bystrzyca Kłodzka "
        "(numer sprawy w ośrodku: AR.4011.7.2026).",
        "– Ewa Kowalska (rodzic)",
        "– Ola Kowalska (dziecko), ur. 01.05.2015",
        "– Jan Kowalski (opiekun prawny), od 01.06.2026 nie mieszka we wspólnym gospodarstwie",
        "Asystent rodziny pracuje z rodziną od 01.02.2026.",
        f"Asystent rodziny: {case.assistant.full_name}.",
        "– Spłacić zaległy czynsz (obszar: budżet domowy): postęp oceniony na 3 w skali od 0 do 4 "
        "(wyraźny postęp) w dniu 03.08.2026",
        "– Leczenie Oli (obszar: zdrowie): postęp nie był jeszcze oceniany",
        "– 10.02.2026: ocena wstępna; rekomendacja: kontynuacja pracy",
        "– 03.08.2026: okresowa ocena sytuacji rodziny; rekomendacja: zmiana planu",
        "Mocne strony i zasoby: Wsparcie babci.",
        "– 01.09.2026, Szkoła: SP nr 1: Rozmowa o frekwencji. Wynik: Szkoła informuje matkę.",
        "[Do uzupełnienia przez asystenta rodziny:",
    ):
        assert expected in body, expected
    assert "Policja" not in body  # a contact before the start of this work


def test_an_empty_record_says_so(db: Session, case: Case):
    body = request(db, case).body
    assert "Z rodziną nie uzgodniono jeszcze planu pracy." in body
    assert "odbyło się 0 wizyt" in body
    assert "Nie sporządzono jeszcze oceny sytuacji rodziny." in body
    assert "W tym okresie nie odnotowano kontaktów z instytucjami." in body


def test_the_draft_is_polish_whatever_the_language_of_the_screen(db: Session, case: Case):
    with use_locale("en"):
        body = request(db, case).body
    assert body.startswith("OPINIA O RODZINIE")


# --- the request --------------------------------------------------------------------------------


def test_the_request_makes_a_draft_and_is_audited(db: Session, case: Case):
    opinion = request(db, case)
    assert opinion.status is OpinionStatus.draft and opinion.author_id == case.assistant.id
    assert (opinion.requested_on, opinion.deadline) == (date(2026, 11, 16), date(2026, 12, 7))
    events = db.exec(select(AuditEvent.action).where(AuditEvent.object_id == opinion.id)).all()
    assert events == ["opinion.create"]


def test_the_request_is_checked_all_at_once(db: Session, case: Case):
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        request(db, case, court=" ", case_reference="", requested_on="2026-11-30", deadline="")
    assert refused.value.errors == {
        "court": "Wpisz nazwę sądu, np. z wydziałem.",
        "case_reference": "Wpisz sygnaturę akt sądu.",
        "requested_on": "Ta data nie może przypadać w przyszłości.",
        "deadline": "Wpisz termin wyznaczony przez sąd.",
    }
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        request(db, case, deadline="2026-11-10")
    assert refused.value.errors == {"deadline": "Termin nie może być wcześniejszy niż pismo sądu."}
    assert db.exec(select(CourtOpinion)).all() == []


def test_no_opinion_is_drafted_before_the_work_has_started(db: Session):
    case = make_case(db, status=CaseStatus.referred, consent=False)
    with pytest.raises(Conflict):
        request(db, case)


# --- drafts, final versions, corrections ----------------------------------------------------------


def test_a_draft_is_edited(db: Session, case: Case):
    opinion = request(db, case)
    changed = opinions.edit_draft(
        db, actor=case.as_assistant, opinion_id=opinion.id,
        form=edit_form(opinion, body="Nowa treść\r\nopinii.", deadline="2026-12-14"), now=NOW,
    )  # fmt: skip
    assert changed.body == "Nowa treść\nopinii." and changed.deadline == date(2026, 12, 14)


def test_a_final_opinion_is_immutable(db: Session, case: Case):
    opinion = request(db, case)
    text = opinion.body
    opinions.finalise(db, actor=case.as_assistant, opinion_id=opinion.id, now=NOW)
    assert opinion.status is OpinionStatus.final and opinion.finalised_at == NOW
    with pytest.raises(Conflict):
        opinions.edit_draft(
            db, actor=case.as_assistant, opinion_id=opinion.id,
            form=edit_form(opinion, body="Zmieniona."), now=NOW,
        )  # fmt: skip
    with pytest.raises(Conflict):
        opinions.finalise(db, actor=case.as_assistant, opinion_id=opinion.id, now=NOW)
    db.expire_all()
    stored = db.get(CourtOpinion, opinion.id)
    assert stored is not None and stored.body == text and stored.status is OpinionStatus.final


def test_an_empty_draft_cannot_be_final(db: Session, case: Case):
    opinion = make_opinion(db, case.family, case.assistant, body="  ")
    with pytest.raises(Invalid) as refused:
        opinions.finalise(db, actor=case.as_assistant, opinion_id=opinion.id, now=NOW)
    assert set(refused.value.errors) == {"body"} and opinion.status is OpinionStatus.draft


def test_superseding_copies_the_text_and_replaces_the_old_one_when_final(db: Session, case: Case):
    old = make_opinion(db, case.family, case.assistant, status=OpinionStatus.final, body="Treść.")
    new = opinions.supersede(db, actor=case.as_coordinator, opinion_id=old.id, now=NOW)
    assert new.id != old.id and new.supersedes_id == old.id and new.status is OpinionStatus.draft
    assert (new.body, new.court, new.case_reference) == ("Treść.", old.court, old.case_reference)
    assert old.status is OpinionStatus.final  # until the new version is final
    again = opinions.supersede(db, actor=case.as_assistant, opinion_id=old.id, now=NOW)
    assert again.id == new.id  # a second tap opens the same draft
    opinions.finalise(db, actor=case.as_assistant, opinion_id=new.id, now=NOW)
    assert new.status is OpinionStatus.final and old.status is OpinionStatus.superseded
    with pytest.raises(Conflict):
        opinions.supersede(db, actor=case.as_assistant, opinion_id=old.id, now=NOW)
    with pytest.raises(Conflict):
        opinions.edit_draft(
            db, actor=case.as_assistant, opinion_id=old.id, form=edit_form(old), now=NOW
        )
    view = opinions.get_opinion(db, actor=case.as_assistant, opinion_id=old.id)
    assert view.superseded_by == new and not view.editable


def test_a_draft_is_not_superseded(db: Session, case: Case):
    draft = make_opinion(db, case.family, case.assistant)
    with pytest.raises(Conflict):
        opinions.supersede(db, actor=case.as_assistant, opinion_id=draft.id, now=NOW)


def test_families_and_other_assistants_never_see_opinions(db: Session, case: Case):
    opinion = make_opinion(db, case.family, case.assistant)
    stranger = Actor(make_user(db, case.centre, Role.assistant))
    for actor in (case.as_parent, stranger):
        with pytest.raises(NotFound):
            opinions.get_opinion(db, actor=actor, opinion_id=opinion.id)
        with pytest.raises(NotFound):
            opinions.family_opinions(db, actor=actor, family_id=case.family.id)
        with pytest.raises(NotFound):
            opinions.finalise(db, actor=actor, opinion_id=opinion.id, now=NOW)


def test_reads_and_prints_are_audited(db: Session, case: Case):
    opinion = make_opinion(db, case.family, case.assistant)
    opinions.family_opinions(db, actor=case.as_assistant, family_id=case.family.id)
    opinions.get_opinion(db, actor=case.as_assistant, opinion_id=opinion.id)
    opinions.get_opinion(db, actor=case.as_assistant, opinion_id=opinion.id, printing=True)
    db.flush()
    events = db.exec(
        select(AuditEvent.action)
        .where(AuditEvent.family_id == case.family.id)
        .order_by(col(AuditEvent.at))
    ).all()
    assert events == ["opinion.list", "opinion.read", "opinion.print"]


# --- deadlines on the assistant's home -----------------------------------------------------------


def test_opinions_due_lists_her_drafts_by_deadline(db: Session, case: Case):
    late = make_opinion(db, case.family, case.assistant, deadline=date(2026, 11, 20))
    soon = make_opinion(db, case.family, case.assistant, deadline=date(2026, 11, 30))
    final = make_opinion(db, case.family, case.assistant, status=OpinionStatus.final)
    make_opinion(db, case.family, case.assistant, supersedes_id=final.id)  # a correction
    other = make_case(db, centre=case.centre)
    make_opinion(db, other.family, other.assistant)
    due = opinions.opinions_due(db, assistant=case.assistant, today=TODAY)
    assert [(row.opinion, row.days_left, row.overdue) for row in due] == [
        (late, -3, True),
        (soon, 7, False),
    ]
    assert due[0].family == case.family
