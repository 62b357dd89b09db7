"""Reading the audit trail in tests."""

from __future__ import annotations

import json
import uuid

from sqlmodel import Session, col, select

from pwa.models import AuditEvent, Family


def audit_actions(db: Session, family: Family | uuid.UUID | None = None) -> list[str]:
    """The actions in the audit trail, oldest first: of one family (a Family or its id), or all.

    Commits first, so the answer holds both what this session wrote and what the app committed
    in a request (a session still in a transaction would read an older snapshot).
    """
    db.commit()
    query = select(AuditEvent.action).order_by(col(AuditEvent.at))
    if family is not None:
        query = query.where(
            AuditEvent.family_id == (family.id if isinstance(family, Family) else family)
        )
    return list(db.exec(query).all())


def audit_details(db: Session, family: Family, action: str) -> list[dict[str, object]]:
    """The details (decoded JSON) of one family's audit events of `action`, oldest first."""
    db.commit()
    events = db.exec(
        select(AuditEvent)
        .where(AuditEvent.family_id == family.id, AuditEvent.action == action)
        .order_by(col(AuditEvent.at))
    ).all()
    return [json.loads(event.detail) if event.detail else {} for event in events]
