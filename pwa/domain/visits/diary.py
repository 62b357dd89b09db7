"""The visit diary (dziennik wizyt) and everything that reads visits.

Staff read the diary per family and per assistant for a month (rows for the screen and the
printout, or a CSV file for Excel) and one visit with its notes and history. The family
reads only the visits its member took part in, never the notes, and confirms them (the
phone's stand-in for the signed visit protocol); the diary shows who confirmed and when.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.csv import csv_file
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.domain.kernel.policy import Access
from pwa.domain.visits.meetings import place_words
from pwa.domain.visits.recording import booked_meeting, edit_deadline, may_edit
from pwa.i18n import gettext as _
from pwa.i18n import to_local
from pwa.labels import label
from pwa.models import (
    Assignment,
    Centre,
    Family,
    FamilyMember,
    Meeting,
    PlaceKind,
    Role,
    User,
    Visit,
    VisitAttendance,
    VisitKind,
    VisitRevision,
)

# --- the diary (staff) ---------------------------------------------------------------------


@dataclass(frozen=True)
class DiaryRow:
    """One visit in the diary: when, how long, where, what kind, who was there."""

    visit_id: uuid.UUID
    visit_date: date
    starts_at: time
    duration_minutes: int
    place: str
    kind: VisitKind
    case_number: str
    family_name: str
    author_name: str
    present: str
    confirmed_at: datetime | None
    confirmed_by_name: str


@dataclass(frozen=True)
class Diary:
    """A month of the diary, of one family or of one assistant."""

    month: date
    rows: list[DiaryRow]
    family: Family | None = None
    assistant: User | None = None

    @property
    def total_minutes(self) -> int:
        return sum(row.duration_minutes for row in self.rows)


def month_bounds(month: date) -> tuple[date, date]:
    """The first day of `month` and of the month after (visit dates are Warsaw dates)."""
    start = month.replace(day=1)
    return start, (start + timedelta(days=32)).replace(day=1)


def _names(db: Session, user_ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    ids = {i for i in user_ids if i is not None}
    users = db.exec(select(User).where(col(User.id).in_(ids))).all() if ids else []
    return {user.id: user.full_name for user in users}


def _present(db: Session, visits: Sequence[Visit]) -> dict[uuid.UUID, list[str]]:
    rows = db.exec(
        select(VisitAttendance.visit_id, FamilyMember)
        .join(FamilyMember, col(FamilyMember.id) == col(VisitAttendance.member_id))
        .where(col(VisitAttendance.visit_id).in_([v.id for v in visits]))
        .order_by(FamilyMember.last_name, FamilyMember.first_name)
    ).all()
    present: dict[uuid.UUID, list[str]] = defaultdict(list)
    for visit_id, member in rows:
        present[visit_id].append(member.full_name)
    return present


def _rows(db: Session, found: Sequence[tuple[Visit, Family]]) -> list[DiaryRow]:
    visits = [visit for visit, _family in found]
    present = _present(db, visits)
    names = _names(db, [n for v in visits for n in (v.author_id, v.confirmed_by_id)])
    return [
        DiaryRow(
            visit_id=visit.id,
            visit_date=visit.visit_date,
            starts_at=visit.starts_at,
            duration_minutes=visit.duration_minutes,
            place=place_words(visit.place_kind, visit.place_text, None),
            kind=visit.kind,
            case_number=family.case_number,
            family_name=family.name,
            author_name=names.get(visit.author_id, ""),
            present=", ".join(
                [
                    *present.get(visit.id, []),
                    *([visit.present_others] if visit.present_others else []),
                ]
            ),
            confirmed_at=visit.confirmed_at,
            confirmed_by_name=names.get(visit.confirmed_by_id, "") if visit.confirmed_by_id else "",
        )
        for visit, family in found
    ]


def _diary_query(month: date) -> Select[Visit, Family]:
    start, end = month_bounds(month)
    return (
        select(Visit, Family)
        .join(Family, col(Family.id) == col(Visit.family_id))
        .where(col(Visit.visit_date) >= start, col(Visit.visit_date) < end)
        .order_by(col(Visit.visit_date), col(Visit.starts_at), col(Family.case_number))
    )


def family_diary(db: Session, *, actor: Actor, family_id: uuid.UUID, month: date) -> Diary:
    """The family's visits in a month (staff: the family's assistant or a coordinator)."""
    family = policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)
    found = db.exec(_diary_query(month).where(Visit.family_id == family.id)).all()
    audit.record(
        db, actor=actor, action="diary.read", family_id=family.id, month=month_bounds(month)[0]
    )
    return Diary(month=month_bounds(month)[0], rows=_rows(db, found), family=family)


def assistant_diary(db: Session, *, actor: Actor, assistant_id: uuid.UUID, month: date) -> Diary:
    """The visits an assistant recorded in a month: for herself, or for a coordinator.

    An assistant sees her own diary only for the families assigned to her now: after a
    reassignment the family's record is no longer hers to read (a coordinator sees all).
    """
    author = db.get(User, assistant_id)
    if (
        not actor.user.is_active
        or author is None
        or author.centre_id != actor.centre_id
        or author.role is Role.family
    ):
        raise NotFound
    query = _diary_query(month).where(
        Visit.author_id == author.id, policy.in_centre(actor.centre_id)
    )
    if actor.role is Role.assistant and actor.id == author.id:
        assigned = select(Assignment.family_id).where(
            Assignment.assistant_id == actor.id, col(Assignment.ended_at).is_(None)
        )
        query = query.where(col(Visit.family_id).in_(assigned))
    elif actor.role is not Role.coordinator:
        raise NotFound
    found = db.exec(query).all()
    for family_id in sorted({family.id for _visit, family in found}):
        audit.record(
            db, actor=actor, action="diary.read", family_id=family_id, obj=author,
            month=month_bounds(month)[0],
        )  # fmt: skip
    return Diary(month=month_bounds(month)[0], rows=_rows(db, found), assistant=author)


def diary_csv(diary: Diary) -> bytes:
    """The diary as a CSV file that Polish Excel opens with Polish letters and columns."""
    header = [
        _("Date"), _("Start time"), _("Length (minutes)"), _("Place"), _("Kind of visit"),
        _("Case number"), _("Family"), _("Recorded by"), _("Present"),
        _("Confirmed by"), _("Confirmed on"),
    ]  # fmt: skip
    rows = [
        [
            row.visit_date.strftime("%d.%m.%Y"), row.starts_at.strftime("%H:%M"),
            row.duration_minutes, row.place, label(row.kind), row.case_number,
            row.family_name, row.author_name, row.present, row.confirmed_by_name,
            to_local(row.confirmed_at).strftime("%d.%m.%Y %H:%M") if row.confirmed_at else "",
        ]
        for row in diary.rows
    ]  # fmt: skip
    return csv_file([header, *rows])


# --- one visit (staff) ---------------------------------------------------------------------
@dataclass(frozen=True)
class VisitDetail:
    """A visit with everything staff see about it."""

    visit: Visit
    family: Family
    author: User | None
    present: list[FamilyMember]
    confirmed_by: User | None
    revisions: list[VisitRevision]
    next_meeting: Meeting | None
    editable_until: datetime
    may_edit: bool


def visit_detail(db: Session, *, actor: Actor, visit_id: uuid.UUID, now: datetime) -> VisitDetail:
    """Staff read one visit, notes included (audited)."""
    visit = db.get(Visit, visit_id)
    if visit is None:
        raise NotFound
    family = policy.get_family(db, actor=actor, family_id=visit.family_id, need=Access.full)
    present = db.exec(
        select(FamilyMember)
        .join(VisitAttendance, col(VisitAttendance.member_id) == col(FamilyMember.id))
        .where(VisitAttendance.visit_id == visit.id)
        .order_by(FamilyMember.last_name, FamilyMember.first_name)
    ).all()
    revisions = db.exec(
        select(VisitRevision)
        .where(VisitRevision.visit_id == visit.id)
        .order_by(col(VisitRevision.edited_at).desc())
    ).all()
    until = edit_deadline(db, visit)
    audit.record(db, actor=actor, action="visit.read", family_id=family.id, obj=visit)
    return VisitDetail(
        visit=visit,
        family=family,
        author=db.get(User, visit.author_id),
        present=list(present),
        confirmed_by=db.get(User, visit.confirmed_by_id) if visit.confirmed_by_id else None,
        revisions=list(revisions),
        next_meeting=booked_meeting(db, visit),
        editable_until=until,
        may_edit=may_edit(db, visit=visit, actor=actor, now=now),
    )


# --- the family's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyVisit:
    """A visit as the family sees it: when, how long, where and what kind; no notes."""

    id: uuid.UUID
    visit_date: date
    starts_at: time
    duration_minutes: int
    place_kind: PlaceKind
    place: str
    kind: VisitKind
    author_name: str
    confirmed_at: datetime | None
    confirmed_by_name: str

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


def _family_visit(visit: Visit, centre: Centre | None, names: dict[uuid.UUID, str]) -> FamilyVisit:
    return FamilyVisit(
        id=visit.id,
        visit_date=visit.visit_date,
        starts_at=visit.starts_at,
        duration_minutes=visit.duration_minutes,
        place_kind=visit.place_kind,
        place=place_words(visit.place_kind, visit.place_text, centre),
        kind=visit.kind,
        author_name=names.get(visit.author_id, ""),
        confirmed_at=visit.confirmed_at,
        confirmed_by_name=names.get(visit.confirmed_by_id, "") if visit.confirmed_by_id else "",
    )


def _own_family(db: Session, actor: Actor) -> Family:
    if actor.role is not Role.family or actor.user.family_id is None:
        raise NotFound
    return policy.get_family(db, actor=actor, family_id=actor.user.family_id, need=Access.shared)


def _attended(member_id: uuid.UUID | None) -> SelectOfScalar[uuid.UUID]:
    return select(VisitAttendance.visit_id).where(VisitAttendance.member_id == member_id)


def visits_for_family_member(db: Session, *, actor: Actor, limit: int = 100) -> list[FamilyVisit]:
    """The visits the signed-in family member took part in, newest first.

    Only those they were present at: a member does not learn of a visit held without them
    (which matters where there is violence in the family).
    """
    family = _own_family(db, actor)
    visits = db.exec(
        select(Visit)
        .where(
            Visit.family_id == family.id, col(Visit.id).in_(_attended(actor.user.family_member_id))
        )
        .order_by(col(Visit.visit_date).desc(), col(Visit.starts_at).desc())
        .limit(limit)
    ).all()
    centre = db.get(Centre, family.centre_id)
    names = _names(db, [n for v in visits for n in (v.author_id, v.confirmed_by_id)])
    audit.record(db, actor=actor, action="visit.list", family_id=family.id)
    return [_family_visit(visit, centre, names) for visit in visits]


def confirm_visit(db: Session, *, actor: Actor, visit_id: uuid.UUID, now: datetime) -> FamilyVisit:
    """A family member confirms a visit they took part in; confirming again changes nothing."""
    if actor.role is not Role.family:
        raise Forbidden(_("Only a member of the family can confirm a visit."))
    family = _own_family(db, actor)
    visit = db.get(Visit, visit_id, with_for_update=True)
    member_id = actor.user.family_member_id
    if visit is None or visit.family_id != family.id or member_id is None:
        raise NotFound
    if db.get(VisitAttendance, (visit.id, member_id)) is None:
        raise NotFound
    if visit.confirmed_at is None:
        visit.confirmed_at, visit.confirmed_by_id = now, actor.id
        audit.save(db, visit, actor=actor, action="visit.confirm", family_id=family.id)
    names = _names(db, [visit.author_id, visit.confirmed_by_id])
    return _family_visit(visit, db.get(Centre, family.centre_id), names)
