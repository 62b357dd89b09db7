"""Factories and a frozen clock for visits, meetings and the calendar (flushed, not committed)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from sqlmodel import Session

from pwa.domain.kernel.actors import Actor
from pwa.domain.visits.recording import VisitForm
from pwa.models import (
    CaseStatus,
    Centre,
    Family,
    FamilyMember,
    Meeting,
    MeetingStatus,
    PlaceKind,
    PlanStatus,
    Relation,
    Role,
    Task,
    TaskState,
    User,
    Visit,
    VisitAttendance,
    VisitKind,
)
from tests.support.clock import NOW, TODAY, warsaw
from tests.support.factories.core import (
    give_consent,
    make_centre,
    make_family,
    make_family_user,
    make_goal,
    make_member,
    make_user,
)

# Monday 23 November 2026, noon in Warsaw: the frozen "now" of these tests.


@dataclass
class Case:
    """A family at work with its assistant: one parent (with the app), one child, consent."""

    centre: Centre
    assistant: User
    coordinator: User
    family: Family
    parent: FamilyMember
    child: FamilyMember
    parent_user: User

    @property
    def as_assistant(self) -> Actor:
        return Actor(user=self.assistant, session_id=uuid.uuid4())

    @property
    def as_coordinator(self) -> Actor:
        return Actor(user=self.coordinator)

    @property
    def as_parent(self) -> Actor:
        return Actor(user=self.parent_user)


def make_case(
    db: Session,
    *,
    centre: Centre | None = None,
    status: CaseStatus = CaseStatus.active,
    consent: bool = True,
    **family_values: object,
) -> Case:
    centre = centre or make_centre(db)
    assistant = make_user(db, centre, Role.assistant, work_phone="600 700 800")
    coordinator = make_user(db, centre, Role.coordinator)
    family = make_family(db, centre, assistant=assistant, status=status, **family_values)
    parent = make_member(db, family, first_name="Ewa", last_name="Kowalska")
    child = make_member(db, family, relation=Relation.child, first_name="Ola")
    if consent:
        give_consent(db, family, parent)
    return Case(
        centre=centre,
        assistant=assistant,
        coordinator=coordinator,
        family=family,
        parent=parent,
        child=child,
        parent_user=make_family_user(db, family, parent),
    )


def visit_form(**values: object) -> VisitForm:
    """A valid form for a visit today at 10:00, 90 minutes at the family's home."""
    form = VisitForm(
        visit_id=str(uuid.uuid4()),
        visit_date=TODAY.isoformat(),
        starts_at="10:00",
        duration_minutes="90",
        place_kind="home",
        place_text="",
        present_member_ids=(),
        present_others="",
        kind="home_visit",
        notes="Rozmowa o budżecie domowym; Ola pokazała świadectwo.",
    )
    return replace(form, **values)  # type: ignore[arg-type]


def make_plan(
    db: Session,
    family: Family,
    *,
    status: PlanStatus = PlanStatus.agreed,
    tasks: int = 2,
    version: int | None = None,
) -> list[Task]:
    """A plan version with one goal and `tasks` open tasks; returns the tasks."""
    goal = make_goal(db, family, status=status, version=version)
    rows = [
        Task(
            goal_id=goal.id,
            action=f"Zadanie {n}",
            due_on=date(2026, 12, 15),
            expected_effect="Mniejsze zaległości",
            position=n,
        )
        for n in range(tasks)
    ]
    db.add_all(rows)
    db.flush()
    return rows


def make_visit(
    db: Session,
    family: Family,
    author: User,
    *,
    present: tuple[FamilyMember, ...] = (),
    **values: object,
) -> Visit:
    """A stored visit (as if recorded earlier), by default today at 10:00 at home."""
    visit = Visit(
        id=values.pop("id", uuid.uuid4()),  # type: ignore[arg-type]
        family_id=family.id,
        author_id=author.id,
        visit_date=values.pop("visit_date", TODAY),  # type: ignore[arg-type]
        starts_at=values.pop("starts_at", time(10, 0)),  # type: ignore[arg-type]
        duration_minutes=values.pop("duration_minutes", 60),  # type: ignore[arg-type]
        place_kind=values.pop("place_kind", PlaceKind.home),  # type: ignore[arg-type]
        kind=values.pop("kind", VisitKind.home_visit),  # type: ignore[arg-type]
        notes=str(values.pop("notes", "Notatka wewnętrzna")),
        created_at=values.pop("created_at", NOW),  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
    )
    db.add(visit)
    db.flush()
    db.add_all(VisitAttendance(visit_id=visit.id, member_id=m.id) for m in present)
    db.flush()
    return visit


def make_meeting(db: Session, family: Family, assistant: User, **values: object) -> Meeting:
    """A meeting, by default in two days at 10:00 at the family's home."""
    meeting = Meeting(
        family_id=family.id,
        assistant_id=assistant.id,
        starts_at=values.pop("starts_at", warsaw(2026, 11, 25, 10)),  # type: ignore[arg-type]
        duration_minutes=values.pop("duration_minutes", 60),  # type: ignore[arg-type]
        place_kind=values.pop("place_kind", PlaceKind.home),  # type: ignore[arg-type]
        status=values.pop("status", MeetingStatus.scheduled),  # type: ignore[arg-type]
        created_at=values.pop("created_at", NOW - timedelta(days=1)),  # type: ignore[arg-type]
        **values,  # type: ignore[arg-type]
    )
    db.add(meeting)
    db.flush()
    return meeting


def done(task: Task) -> bool:
    return task.state is TaskState.done
