"""The audit log: append-only events of who read or changed a family's record.

Nothing in the app updates or deletes an AuditEvent; only `record` writes them (`save` stores
a changed object and records its event: the tail of every write).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.i18n import WARSAW
from pwa.models import AuditEvent, Family, User

T = TypeVar("T")


def record(
    db: Session,
    *,
    actor: Actor | None,
    action: str,
    family_id: uuid.UUID | None = None,
    obj: Any = None,
    centre_id: uuid.UUID | None = None,
    **detail: object,
) -> AuditEvent:
    """Append one event. `action` is "<thing>.<verb>", e.g. "family.read", "visit.create"."""
    event = AuditEvent(
        centre_id=centre_id or (actor.centre_id if actor else None),
        actor_id=actor.id if actor else None,
        session_id=actor.session_id if actor else None,
        action=action,
        family_id=family_id,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else "",
    )
    db.add(event)
    return event


def save(
    db: Session,
    obj: T,
    *,
    actor: Actor | None,
    action: str,
    family_id: uuid.UUID | None = None,
    **detail: Any,
) -> T:
    """Store `obj` (flushed, so it has its id) and audit the change: the tail of every write."""
    db.add(obj)
    db.flush()
    record(db, actor=actor, action=action, family_id=family_id, obj=obj, **detail)
    return obj


def record_list(
    db: Session, *, actor: Actor, page: str, family_ids: Iterable[uuid.UUID]
) -> AuditEvent | None:
    """One event per view of a page that lists families by name, naming the families shown."""
    shown = sorted({str(family_id) for family_id in family_ids})
    if not shown:
        return None
    return record(db, actor=actor, action="family.list", page=page, families=shown)


def _seen_by(centre_id: uuid.UUID) -> sa.ColumnElement[bool]:
    """The centre's own events, and every event about a family it holds (referred to it or
    handed over to it): each side sees the other's reads of that family, nothing else of it."""
    held = sa.or_(col(Family.centre_id) == centre_id, col(Family.handled_by_centre_id) == centre_id)
    return sa.or_(col(AuditEvent.centre_id) == centre_id, held)


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: User | None
    family: Family | None


@dataclass(frozen=True)
class AuditFilter:
    family_id: uuid.UUID | None = None
    actor_id: uuid.UUID | None = None
    day: date | None = None


def search(
    db: Session, *, centre_id: uuid.UUID, where: AuditFilter, limit: int = 200, offset: int = 0
) -> Sequence[AuditRow]:
    """The centre's audit events, newest first, filtered per family, per user and per day."""
    query = (
        select(AuditEvent, User, Family)
        .outerjoin(User, col(User.id) == col(AuditEvent.actor_id))
        .outerjoin(Family, col(Family.id) == col(AuditEvent.family_id))
        .where(_seen_by(centre_id))
    )
    if where.family_id:
        query = query.where(AuditEvent.family_id == where.family_id)
    if where.actor_id:
        query = query.where(AuditEvent.actor_id == where.actor_id)
    if where.day:
        start = datetime.combine(where.day, time.min, tzinfo=WARSAW)
        query = query.where(
            col(AuditEvent.at) >= start, col(AuditEvent.at) < start + timedelta(days=1)
        )
    rows = db.exec(query.order_by(col(AuditEvent.at).desc()).offset(offset).limit(limit)).all()
    return [AuditRow(event=e, actor=u, family=f) for e, u, f in rows]
