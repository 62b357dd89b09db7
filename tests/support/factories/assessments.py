"""Test data for assessments, opinions, cooperation and the support catalogue (flushed only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime

from sqlmodel import Session

from pwa.domain.assessments.opinions import OpinionRequestForm
from pwa.domain.assessments.situation import AssessmentForm, GoalProgressForm
from pwa.domain.cases.cooperation import ContactForm
from pwa.domain.cases.lifecycle import EndWorkForm
from pwa.domain.cases.support_catalogue import ServiceForm
from pwa.models import (
    Assessment,
    AssessmentKind,
    Centre,
    CourtOpinion,
    Family,
    Goal,
    GoalArea,
    GoalProgress,
    InstitutionContact,
    OpinionStatus,
    Plan,
    PlanStatus,
    Recommendation,
    SupportCategory,
    SupportService,
    User,
)
from tests.support.clock import NOW, TODAY

# Monday 23 November 2026, noon in Warsaw: the frozen "now" of these tests.

GOALS = (
    (GoalArea.budget, "Spłacić zaległy czynsz"),
    (GoalArea.school, "Ola regularnie chodzi do szkoły"),
)


def make_goals(
    db: Session,
    family: Family,
    *,
    goals: tuple[tuple[GoalArea, str], ...] = GOALS,
    version: int = 1,
    status: PlanStatus = PlanStatus.agreed,
    agreed_at: datetime | None = datetime(2026, 2, 20, 10, 0, tzinfo=UTC),
    based_on: list[Goal] | None = None,
) -> list[Goal]:
    """A plan version with these goals (sharing the lineage of `based_on`, in order)."""
    plan = Plan(family_id=family.id, version=version, status=status, agreed_at=agreed_at)
    db.add(plan)
    db.flush()
    rows = []
    for position, (area, wording) in enumerate(goals):
        goal = Goal(plan_id=plan.id, area=area, wording=wording, position=position)
        if based_on is not None and position < len(based_on):
            goal.lineage_id = based_on[position].lineage_id
        rows.append(goal)
    db.add_all(rows)
    db.flush()
    return rows


def assessment_form(goals: Sequence[Goal] = (), **values: object) -> AssessmentForm:
    """A complete periodic assessment of today, every goal rated 3 with a comment."""
    form = AssessmentForm(
        assessed_on=TODAY.isoformat(),
        children_situation="Dzieci są zadbane i bezpieczne; Ola chodzi do szkoły.",
        care_and_upbringing="Matka konsekwentnie pilnuje rytmu dnia.",
        household="Mieszkanie utrzymane w czystości.",
        finances="Zaległość czynszowa zmniejszona o połowę.",
        health="Bez zmian.",
        work="Matka szuka pracy przez PUP.",
        school="Frekwencja Oli 92%.",
        family_view="Rodzina widzi poprawę i chce kontynuować.",
        strengths="Zaangażowanie matki, wsparcie babci.",
        recommendation=Recommendation.continue_work.value,
        progress=tuple(
            GoalProgressForm(goal_id=str(goal.id), rating="3", comment="Wyraźna poprawa")
            for goal in goals
        ),
    )
    return replace(form, **values)  # type: ignore[arg-type]


def end_form(**values: str) -> EndWorkForm:
    form = EndWorkForm(reason="goals_met", ended_on=TODAY.isoformat(), detail="")
    return replace(form, **values)


def make_assessment(
    db: Session,
    family: Family,
    *,
    on: date,
    kind: AssessmentKind = AssessmentKind.periodic,
    author: User | None = None,
    ratings: Sequence[tuple[Goal, int]] = (),
    **texts: str,
) -> Assessment:
    assessment = Assessment(
        family_id=family.id,
        kind=kind,
        assessed_on=on,
        author_id=author.id if author else None,
        children_situation=texts.pop("children_situation", "Dzieci bezpieczne."),
        **texts,
    )
    db.add(assessment)
    db.flush()
    for goal, rating in ratings:
        db.add(
            GoalProgress(assessment_id=assessment.id, goal_id=goal.id, rating=rating, comment="")
        )
    db.flush()
    return assessment


def request_form(**values: str) -> OpinionRequestForm:
    form = OpinionRequestForm(
        court="Sąd Rejonowy w Kłodzku, III Wydział Rodzinny i Nieletnich",
        case_reference="III Nsm 245/26",
        requested_on="2026-11-16",
        deadline="2026-12-07",
    )
    return replace(form, **values)


def make_opinion(
    db: Session,
    family: Family,
    author: User,
    *,
    status: OpinionStatus = OpinionStatus.draft,
    deadline: date = date(2026, 12, 7),
    body: str = "Opinia o rodzinie.",
    **values: object,
) -> CourtOpinion:
    opinion = CourtOpinion(
        family_id=family.id,
        author_id=author.id,
        court=str(values.pop("court", "Sąd Rejonowy w Kłodzku")),
        case_reference=str(values.pop("case_reference", "III Nsm 1/26")),
        requested_on=values.pop("requested_on", date(2026, 11, 16)),  # type: ignore[arg-type]
        deadline=deadline,
        body=body,
        status=status,
        finalised_at=NOW if status is not OpinionStatus.draft else None,
        **values,  # type: ignore[arg-type]
    )
    db.add(opinion)
    db.flush()
    return opinion


def contact_form(**values: str) -> ContactForm:
    form = ContactForm(
        contact_on=TODAY.isoformat(),
        kind="school",
        name="Szkoła Podstawowa nr 1 w Bystrzycy Kłodzkiej",
        purpose="Rozmowa z pedagogiem o frekwencji Oli.",
        outcome="Szkoła co tydzień informuje matkę o nieobecnościach.",
    )
    return replace(form, **values)


def make_contact(
    db: Session, family: Family, *, on: date, institution: str = "Szkoła: SP nr 1", **values: str
) -> InstitutionContact:
    contact = InstitutionContact(
        family_id=family.id,
        contact_on=on,
        institution=institution,
        purpose=values.pop("purpose", "Rozmowa o frekwencji."),
        outcome=values.pop("outcome", ""),
    )
    db.add(contact)
    db.flush()
    return contact


def service_form(**values: str) -> ServiceForm:
    form = ServiceForm(
        category="rehabilitation",
        name="Ośrodek Rehabilitacji Dziennej w Kłodzku",
        description="Rehabilitacja dzieci z niepełnosprawnością, na skierowanie lekarza.",
        address="ul. Szpitalna 1a, 57-300 Kłodzko",
        phone="74 865 12 34",
        hours="pon.–pt. 8:00–16:00",
        website="www.rehabilitacja-klodzko.pl",
    )
    return replace(form, **values)


def make_service(
    db: Session,
    centre: Centre,
    *,
    category: SupportCategory = SupportCategory.legal,
    name: str = "Nieodpłatna pomoc prawna",
    is_active: bool = True,
    **values: str,
) -> SupportService:
    service = SupportService(
        centre_id=centre.id, category=category, name=name, is_active=is_active, **values
    )
    db.add(service)
    db.flush()
    return service
