"""Reminders in the database: load the facts, schedule, claim once, record what happened.

Exactly once: every reminder has a deterministic key (user, kind, object, date) under a UNIQUE
constraint, so concurrent passes insert it once (INSERT … ON CONFLICT DO NOTHING); a pass
claims pending rows with one UPDATE … WHERE status = 'pending' … RETURNING (on PostgreSQL
after SELECT … FOR UPDATE SKIP LOCKED), so no two passes ever send the same row.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from pwa.i18n import WARSAW
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseStatus,
    Family,
    Goal,
    Meeting,
    MeetingStatus,
    OfficeHours,
    Plan,
    PlanStatus,
    PushSubscription,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Task,
    TaskState,
    User,
)
from pwa.reminders import rules
from pwa.reminders.rules import (
    CaseFacts,
    DueReminder,
    MeetingFacts,
    Recipient,
    ReminderData,
    TaskFacts,
)

CHUNK = 500  # keys per IN (…) list
# A row left in "sending" this long belongs to a pass that died: it is not sent again.
STALE_CLAIM = timedelta(minutes=15)
WORKING_STATUSES = (CaseStatus.active, CaseStatus.monitoring)

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- loading the facts: a constant number of queries ------------------------------------------


def _recipients(db: Session, user_id: uuid.UUID | None) -> list[Recipient]:
    query = sa.select(
        col(User.id), col(User.role), col(User.centre_id), col(User.reminder_kinds),
        col(User.family_id), col(User.family_member_id),
    ).where(col(User.is_active))  # fmt: skip
    if user_id is None:
        with_device = select(PushSubscription.user_id).where(
            col(PushSubscription.user_id) == col(User.id)
        )
        query = query.where(with_device.exists())
    else:
        query = query.where(col(User.id) == user_id)
    return [
        Recipient(uid, role, centre_id, rules.parse_kinds(kinds, role), family_id, member_id)
        for uid, role, centre_id, kinds, family_id, member_id in db.execute(query).all()
    ]


def _cases(db: Session, centre_ids: Sequence[uuid.UUID]) -> list[CaseFacts]:
    last = (
        select(Assessment.family_id, sa.func.max(Assessment.assessed_on).label("last_on"))
        .where(col(Assessment.kind).in_([AssessmentKind.initial, AssessmentKind.periodic]))
        .group_by(col(Assessment.family_id))
        .subquery()
    )
    rows = db.execute(
        sa.select(
            col(Family.id),
            col(Family.centre_id),
            col(Assignment.assistant_id),
            col(Family.status),
            col(Family.work_started_on),
            last.c.last_on,
        )
        .outerjoin(
            Assignment,
            sa.and_(
                col(Assignment.family_id) == col(Family.id), col(Assignment.ended_at).is_(None)
            ),
        )
        .outerjoin(last, last.c.family_id == col(Family.id))
        .where(col(Family.centre_id).in_(centre_ids), col(Family.status).in_(WORKING_STATUSES))
    ).all()
    return [CaseFacts(*row) for row in rows]  # the columns in the fields' order


def _meetings(
    db: Session, centre_ids: Sequence[uuid.UUID], now: datetime, until: datetime
) -> list[MeetingFacts]:
    rows = db.exec(
        select(col(Meeting.id), col(Meeting.family_id), col(Meeting.starts_at), col(Meeting.status))
        .join(Family, col(Family.id) == col(Meeting.family_id))
        .where(
            col(Family.centre_id).in_(centre_ids),
            col(Family.status).in_(WORKING_STATUSES),
            Meeting.status == MeetingStatus.scheduled,
            col(Meeting.starts_at) > now,
            # a meeting is reminded at most ~30 hours ahead (18:00 the day before)
            col(Meeting.starts_at) <= until + timedelta(days=2),
        )
    ).all()
    return [MeetingFacts(*row) for row in rows]


def _tasks(
    db: Session, centre_ids: Sequence[uuid.UUID], now: datetime, until: datetime
) -> list[TaskFacts]:
    today = now.astimezone(WARSAW).date()
    last_day = until.astimezone(WARSAW).date() + timedelta(days=1)
    rows = db.execute(
        sa.select(
            col(Task.id),
            col(Plan.family_id),
            col(Task.due_on),
            col(Task.owner_member_id),
            col(Task.state),
        )
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .join(Plan, col(Plan.id) == col(Goal.plan_id))
        .join(Family, col(Family.id) == col(Plan.family_id))
        .where(
            col(Family.centre_id).in_(centre_ids),
            col(Family.status).in_(WORKING_STATUSES),
            col(Plan.status) == PlanStatus.agreed,
            col(Task.state) == TaskState.open,
            col(Task.due_on) >= today,
            col(Task.due_on) <= last_day,
        )
    ).all()
    return [TaskFacts(*row) for row in rows]


def _office_hours(
    db: Session, centre_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OfficeHours]]:
    slots: dict[uuid.UUID, list[OfficeHours]] = {}
    if centre_ids:
        for slot in db.exec(
            select(OfficeHours).where(col(OfficeHours.centre_id).in_(centre_ids))
        ).all():
            slots.setdefault(slot.centre_id, []).append(slot)
    return slots


def load_reminder_data(
    db: Session,
    *,
    now: datetime,
    horizon: timedelta = rules.HORIZON,
    user_id: uuid.UUID | None = None,
) -> ReminderData:
    """The facts for `due_reminders`: every active user with a device (or one user), in six
    queries whatever the number of users, families, meetings and tasks."""
    recipients = _recipients(db, user_id)
    centre_ids = sorted({r.centre_id for r in recipients})
    if not centre_ids:
        return ReminderData(recipients=[])
    until = now + horizon
    office_centres = sorted(
        {r.centre_id for r in recipients if ReminderKind.office_hours in r.kinds}
    )
    return ReminderData(
        recipients=recipients,
        cases=_cases(db, centre_ids),
        meetings=_meetings(db, centre_ids, now, until),
        tasks=_tasks(db, centre_ids, now, until),
        office_hours=_office_hours(db, office_centres),
    )


# --- scheduling: insert what is due, cancel what no longer is ---------------------------------


@dataclass(frozen=True)
class Scheduled:
    created: int
    cancelled: int
    revived: int
    abandoned: int


def _insert_ignoring_duplicates(db: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    table = Reminder.__table__  # type: ignore[attr-defined]
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    created = 0
    for chunk in _chunks(rows):
        statement = insert(table).on_conflict_do_nothing(index_elements=["dedupe_key"])
        result = db.execute(statement.returning(table.c.id), list(chunk))
        created += len(result.all())
    return created


def schedule(db: Session, *, due: Sequence[DueReminder], now: datetime) -> Scheduled:
    """Make the table agree with `due`: new rows pending, gone ones cancelled (once each)."""
    by_key = {reminder.dedupe_key: reminder for reminder in due}
    keys = list(by_key)
    existing: dict[str, Reminder] = {}
    for chunk in _chunks(keys):
        for row in db.exec(select(Reminder).where(col(Reminder.dedupe_key).in_(chunk))).all():
            existing[row.dedupe_key] = row
    new_rows = [
        {
            "id": uuid.uuid4(),
            "dedupe_key": key,
            "user_id": r.user_id,
            "kind": r.kind,
            "object_id": r.object_id,
            "send_at": r.send_at,
            "url": r.url,
            "status": ReminderStatus.pending,
            "attempts": 0,
            "last_error": "",
            "created_at": now,
        }
        for key, r in by_key.items()
        if key not in existing
    ]
    created = _insert_ignoring_duplicates(db, new_rows)
    revived = 0
    for key, row in existing.items():
        reminder = by_key[key]
        if row.status is ReminderStatus.cancelled and row.sent_at is None:
            # Due again (a meeting restored, or another pass cancelled it a moment too early).
            row.status, row.send_at, row.attempts = ReminderStatus.pending, reminder.send_at, 0
            revived += 1
        elif row.status is ReminderStatus.pending and row.attempts == 0:
            row.send_at = reminder.send_at  # a meeting moved within the same day
        db.add(row)
    cancelled = 0
    pending = db.exec(
        select(Reminder.id, Reminder.dedupe_key).where(
            col(Reminder.status) == ReminderStatus.pending
        )
    ).all()
    gone = [rid for rid, key in pending if key not in by_key]
    for ids in _chunks(gone):
        result = db.execute(
            sa.update(Reminder)
            .where(col(Reminder.id).in_(ids), col(Reminder.status) == ReminderStatus.pending)
            .values(status=ReminderStatus.cancelled)
        )
        cancelled += result.rowcount  # type: ignore[attr-defined]
    abandoned = db.execute(
        sa.update(Reminder)
        .where(
            col(Reminder.status) == ReminderStatus.sending,
            col(Reminder.claimed_at) < now - STALE_CLAIM,
        )
        .values(status=ReminderStatus.failed, last_error="interrupted while sending")
    ).rowcount  # type: ignore[attr-defined]
    db.flush()
    return Scheduled(created=created, cancelled=cancelled, revived=revived, abandoned=abandoned)


# --- claiming: each pending row by exactly one pass --------------------------------------------


def claim(db: Session, *, now: datetime, limit: int = CHUNK) -> list[Reminder]:
    """Pending reminders whose time has come, now marked "sending" for this pass only."""
    candidates = (
        select(Reminder.id)
        .where(col(Reminder.status) == ReminderStatus.pending, col(Reminder.send_at) <= now)
        .order_by(col(Reminder.send_at))
        .limit(limit)
    )
    if db.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(db.exec(candidates).all())
    if not ids:
        return []
    claimed = db.execute(
        sa.update(Reminder)
        .where(col(Reminder.id).in_(ids), col(Reminder.status) == ReminderStatus.pending)
        .values(status=ReminderStatus.sending, claimed_at=now, attempts=col(Reminder.attempts) + 1)
        .returning(col(Reminder.id))
    ).all()
    mine = [row[0] for row in claimed]
    if not mine:
        return []
    db.expire_all()
    return list(db.exec(select(Reminder).where(col(Reminder.id).in_(mine))).all())


def subscriptions_of(
    db: Session, user_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[PushSubscription]]:
    """Each user's devices (one query)."""
    found: dict[uuid.UUID, list[PushSubscription]] = {}
    ids = sorted(set(user_ids))
    for chunk in _chunks(ids):
        for sub in db.exec(
            select(PushSubscription).where(col(PushSubscription.user_id).in_(chunk))
        ).all():
            found.setdefault(sub.user_id, []).append(sub)
    return found


def locales_of(db: Session, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    ids = sorted(set(user_ids))
    found: dict[uuid.UUID, str] = {}
    for chunk in _chunks(ids):
        found.update(db.exec(select(User.id, User.locale).where(col(User.id).in_(chunk))).all())
    return found


# --- recording: every outcome is kept ------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed reminder."""

    reminder_id: uuid.UUID
    status: ReminderStatus  # sent, failed, or pending again (a retry at `retry_at`)
    last_error: str = ""
    retry_at: datetime | None = None


def record(
    db: Session,
    *,
    outcomes: Sequence[Outcome],
    now: datetime,
    delivered_to: Iterable[uuid.UUID] = (),
    gone: Iterable[uuid.UUID] = (),
) -> None:
    """Store the outcomes; drop subscriptions the push service said are gone (404/410)."""
    table = Reminder.__table__  # type: ignore[attr-defined]
    params = [
        {
            "rid": o.reminder_id,
            "new_status": o.status,
            "error": o.last_error[:500],
            "sent": now if o.status is ReminderStatus.sent else None,
            "retry": o.retry_at,
        }
        for o in outcomes
    ]
    if params:
        db.execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("rid"))
            .values(
                status=sa.bindparam("new_status"),
                last_error=sa.bindparam("error"),
                sent_at=sa.bindparam("sent"),
                send_at=sa.func.coalesce(
                    sa.bindparam("retry", type_=table.c.send_at.type), table.c.send_at
                ),
            ),
            params,
        )
    delivered = sorted(set(delivered_to))
    for chunk in _chunks(delivered):
        db.execute(
            sa.update(PushSubscription)
            .where(col(PushSubscription.id).in_(chunk))
            .values(last_success_at=now)
        )
    dead = sorted(set(gone))
    for chunk in _chunks(dead):
        db.execute(sa.delete(PushSubscription).where(col(PushSubscription.id).in_(chunk)))
    db.flush()
