"""Test data for the work plan: a family ready for a plan, and plans built through the domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.plans import agreement
from pwa.domain.plans import editing as plans
from pwa.models import (
    Assessment,
    AssessmentKind,
    Centre,
    Family,
    FamilyMember,
    Goal,
    Plan,
    Relation,
    Role,
    Task,
    User,
)
from tests.support.clock import NOW, TODAY
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_family_user,
    make_member,
    make_user,
)


@dataclass(frozen=True)
class PlanWorld:
    """A centre, its coordinator, an assistant and her family (a parent, a child, consent)."""

    centre: Centre
    family: Family
    parent: FamilyMember
    child: FamilyMember
    assistant: Actor
    coordinator: Actor
    parent_user: Actor  # the parent, signed in on their phone

    def member_user(self, db: Session, member: FamilyMember) -> Actor:
        return Actor(make_family_user(db, self.family, member))


def plan_world(
    db: Session, *, consent: bool = True, initial_assessment: bool = True, **family_values: object
) -> PlanWorld:
    """The family's work has started; unless told otherwise its initial assessment is written
    (the first plan is prepared after it)."""
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    coordinator = make_user(db, centre, Role.coordinator)
    family = make_family(db, centre, assistant=assistant, **family_values)
    parent = make_member(db, family, first_name="Ewa", last_name="Kowalska")
    child = make_member(db, family, relation=Relation.child, first_name="Kuba")
    if consent:
        give_consent(db, family, parent)
    if consent and initial_assessment:
        db.add(
            Assessment(
                family_id=family.id,
                kind=AssessmentKind.initial,
                assessed_on=family.work_started_on or TODAY,
                author_id=assistant.id,
                children_situation="Kuba opuszcza lekcje.",
            )
        )
        db.flush()
    return PlanWorld(
        centre=centre,
        family=family,
        parent=parent,
        child=child,
        assistant=Actor(assistant),
        coordinator=Actor(coordinator),
        parent_user=Actor(make_family_user(db, family, parent)),
    )


def task_form(
    owner: FamilyMember | str = plans.ASSISTANT,
    *,
    due_on: date = TODAY + timedelta(days=7),
    action: str = "Umówić wizytę w poradni",
    effect: str = "Dziecko ma termin wizyty",
) -> plans.TaskForm:
    owner_value = owner if isinstance(owner, str) else str(owner.id)
    return plans.TaskForm(action, owner_value, due_on.isoformat(), effect)


def goal_form(
    wording: str = "Kuba chodzi do szkoły codziennie", area: str = "school"
) -> plans.GoalForm:
    return plans.GoalForm(area=area, wording=wording)


def draft_plan(
    db: Session, world: PlanWorld, *tasks: plans.TaskForm, wording: str = "Kuba chodzi do szkoły"
) -> tuple[Plan, Goal, list[Task]]:
    """A draft with one goal and `tasks` (one assistant's task if none given)."""
    plan = plans.start_plan(db, actor=world.assistant, family_id=world.family.id, now=NOW)
    goal = plans.add_goal(
        db, actor=world.assistant, plan_id=plan.id, form=goal_form(wording), now=NOW
    )
    made = [
        plans.add_task(db, actor=world.assistant, goal_id=goal.id, form=form, now=NOW)
        for form in tasks or (task_form(),)
    ]
    return plan, goal, made


def agree_on_paper(db: Session, world: PlanWorld, plan: Plan, *, on: date = TODAY) -> Plan:
    form = agreement.PaperAgreementForm(on.isoformat(), str(world.parent.id))
    return agreement.record_paper_agreement(
        db, actor=world.assistant, plan_id=plan.id, form=form, now=NOW
    )


def agreed_plan(
    db: Session, world: PlanWorld, *tasks: plans.TaskForm
) -> tuple[Plan, Goal, list[Task]]:
    """A plan in force: one goal with `tasks`, agreed on paper today."""
    plan, goal, made = draft_plan(db, world, *tasks)
    return agree_on_paper(db, world, plan), goal, made


def plans_of(db: Session, family: Family) -> list[Plan]:
    db.flush()
    return list(
        db.exec(select(Plan).where(Plan.family_id == family.id).order_by(col(Plan.version))).all()
    )


def staff_user(db: Session, world: PlanWorld, role: Role = Role.assistant) -> User:
    return make_user(db, world.centre, role)
