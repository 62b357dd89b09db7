"""The demo holds families at every step of intake, and the path can be walked on from each."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from pwa.demo.centre import (
    DEMO_CENTRE_ID,
    DEMO_ORGANISATION_ID,
    INTAKE_FIRST,
    INTAKE_STEPS,
    demo_id,
    load_demo_data,
)
from pwa.domain.cases import intake, record
from pwa.domain.cases.lifecycle import ConsentGivenForm
from pwa.domain.centre import public_page
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.domain.plans import editing
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    Family,
    FamilyMember,
    Plan,
    PlanStatus,
    Relation,
    User,
)
from tests.support.clock import DEMO_NOW, DEMO_TODAY


def step_family(db: Session, step: str) -> Family:
    family = db.get(Family, demo_id(f"family/{INTAKE_FIRST + INTAKE_STEPS.index(step)}"))
    assert family is not None
    return family


def staff(db: Session, key: str) -> Actor:
    user = db.get(User, demo_id(f"user/{key}"))
    assert user is not None
    return Actor(user)


def test_the_demo_has_a_family_at_every_step_of_intake(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    coordinator = staff(db, "coordinator")

    views = {
        step: intake.intake_view(db, actor=coordinator, family_id=step_family(db, step).id)
        for step in INTAKE_STEPS
    }

    request = views["request"]
    assert request.family.interview_on and not request.family.director_request_on
    assert (
        views["team_pending"].family.director_request_reference
        and not views["team_pending"].decisions
    )
    assert views["taken_on"].taken_on and views["taken_on"].assistant is None
    first_contact = views["first_contact"]
    assert first_contact.contacts and first_contact.consent is None
    assert first_contact.family.status is CaseStatus.referred
    assessed = views["initial_assessment"]
    assert assessed.consent and assessed.initial and assessed.plan is None
    drafted = views["plan_drafted"]
    assert drafted.initial and drafted.plan and drafted.plan.status is PlanStatus.draft
    handed_over = views["handed_over"]
    assert handed_over.taken_on and handed_over.assistant is None
    assert handed_over.family.handled_by_centre_id == DEMO_ORGANISATION_ID


def test_every_plan_of_the_demo_follows_an_initial_assessment(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    for plan in db.exec(select(Plan).where(Plan.version == 1)).all():
        family = db.get(Family, plan.family_id)
        assert family is not None and family.work_started_on is not None
        initial = db.exec(
            select(Assessment).where(
                Assessment.family_id == family.id, Assessment.kind == AssessmentKind.initial
            )
        ).one()
        assert family.work_started_on <= initial.assessed_on <= plan.created_at.date()


def test_the_path_goes_on_from_the_demo_families(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)
    coordinator, joanna = staff(db, "coordinator"), staff(db, "joanna")
    taken_on = step_family(db, "taken_on")

    record.assign_assistant(
        db, actor=coordinator, family_id=taken_on.id, assistant_id=str(joanna.id), now=DEMO_NOW
    )
    intake.record_first_contact(
        db, actor=joanna, family_id=taken_on.id,
        form=intake.FirstContactForm(
            met_on=DEMO_TODAY.isoformat(), role_explained="on", expectations="„Pomocy z budżetem.”"
        ),
        now=DEMO_NOW,
    )  # fmt: skip
    mother = db.exec(
        select(FamilyMember).where(
            FamilyMember.family_id == taken_on.id, FamilyMember.relation == Relation.parent
        )
    ).one()
    intake.consent_at_first_contact(
        db, actor=joanna, family_id=taken_on.id,
        form=ConsentGivenForm(given_on=DEMO_TODAY.isoformat(), member_id=str(mother.id), form="written"),
        now=DEMO_NOW,
    )  # fmt: skip
    assert taken_on.status is CaseStatus.active

    assessed = step_family(db, "initial_assessment")
    plan = editing.start_plan(db, actor=joanna, family_id=assessed.id, now=DEMO_NOW)
    assert plan.version == 1

    # The contracted organisation's coordinator assigns the family handed over to it.
    handed_over = step_family(db, "handed_over")
    organisation, tomasz = (
        staff(db, "organisation_coordinator"),
        staff(db, "organisation_assistant"),
    )
    record.assign_assistant(
        db, actor=organisation, family_id=handed_over.id, assistant_id=str(tomasz.id), now=DEMO_NOW
    )
    with pytest.raises(NotFound):  # the organisation sees only what was handed over to it
        record.assign_assistant(
            db, actor=organisation, family_id=taken_on.id, assistant_id=str(tomasz.id), now=DEMO_NOW
        )


def test_the_demo_centre_page_speaks_in_the_centres_own_words(db: Session) -> None:
    load_demo_data(db, today=DEMO_TODAY)

    page = public_page.public_page(db)

    assert page.centre is not None and page.centre.id == DEMO_CENTRE_ID
    assert page.paragraphs[0].startswith("Asysta rodzinna jest bezpłatną i dobrowolną")
    assert "wniosek" in page.paragraphs[-1]
    assert [(slot.weekday, slot.starts_at.hour) for slot in page.slots] == [(2, 7)]
    # The contracted organisation works for the centre: families apply to the centre.
    assert public_page.public_centres(db) == [page.centre]
