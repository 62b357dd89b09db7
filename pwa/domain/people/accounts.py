"""Accounts: people of the centre, their sessions, the lost phone, deactivation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid, NotFound
from pwa.domain.people import passkeys, sessions
from pwa.domain.people.invitations import status as invitation_status
from pwa.i18n import gettext as _
from pwa.models import (
    Invitation,
    InvitationStatus,
    PasskeyCredential,
    Role,
    User,
    UserSession,
    utcnow,
)


def live_sessions(
    db: Session, *, user_id: uuid.UUID, now: datetime | None = None
) -> Sequence[UserSession]:
    """Sessions not ended and not past their absolute lifetime, newest first."""
    now = now or utcnow()
    return db.exec(
        select(UserSession)
        .where(
            UserSession.user_id == user_id,
            col(UserSession.ended_at).is_(None),
            col(UserSession.expires_at) > now,
        )
        .order_by(col(UserSession.last_seen_at).desc())
    ).all()


def end_own_session(db: Session, *, actor: Actor, session_id: uuid.UUID) -> UserSession:
    row = db.get(UserSession, session_id)
    if row is None or row.user_id != actor.id or row.ended_at is not None:
        raise NotFound
    sessions.end_session(db, row=row, reason="ended by the user")
    audit.record(db, actor=actor, action="session.end", obj=row)
    return row


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Please give a reason."), errors={"reason": _("Please give a reason.")})
    if len(reason) > 500:
        raise Invalid(
            _("The reason is too long (500 characters at most)."),
            errors={"reason": _("The reason is too long (500 characters at most).")},
        )
    return reason


@dataclass(frozen=True)
class Lockout:
    sessions_ended: int
    passkeys_revoked: int
    invitations_revoked: int = 0
    calendar_stopped: bool = False


def revoke_open_invitations(db: Session, *, user_id: uuid.UUID, now: datetime) -> int:
    """Withdraw every invitation the user issued that nobody has used yet; how many."""
    result = db.execute(
        sa.update(Invitation)
        .where(
            col(Invitation.created_by_id) == user_id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def _close_every_door(db: Session, *, user: User, reason: str, now: datetime) -> Lockout:
    """Sessions, passkeys, reminders to devices, the calendar feed's secret address and the
    open invitations the user issued: whoever holds the phone keeps none of them."""
    calendar_stopped = user.calendar_token_hash is not None
    user.calendar_token_hash = None
    db.add(user)
    return Lockout(
        sessions_ended=sessions.end_every_session(db, user_id=user.id, reason=reason, now=now),
        passkeys_revoked=passkeys.revoke_all(db, user=user, now=now),
        invitations_revoked=revoke_open_invitations(db, user_id=user.id, now=now),
        calendar_stopped=calendar_stopped,
    )


def lost_phone(db: Session, *, actor: Actor, user_id: uuid.UUID, reason: str) -> Lockout:
    """End every session of a user and revoke every passkey, in one action (with a reason)."""
    user = policy.get_staff_user(db, actor=actor, user_id=user_id)
    reason = _require_reason(reason)
    now = utcnow()
    lockout = _close_every_door(db, user=user, reason=f"lost phone: {reason}", now=now)
    audit.record(
        db, actor=actor, action="user.lost_phone", obj=user, family_id=user.family_id, reason=reason,
        sessions_ended=lockout.sessions_ended, passkeys_revoked=lockout.passkeys_revoked,
        invitations_revoked=lockout.invitations_revoked, calendar_stopped=lockout.calendar_stopped,
    )  # fmt: skip
    return lockout


def deactivate(db: Session, *, actor: Actor, user_id: uuid.UUID, reason: str) -> User:
    """Deactivate a user: no sign-in any more, sessions and passkeys gone."""
    user = policy.get_staff_user(db, actor=actor, user_id=user_id)
    if user.id == actor.id:
        raise Invalid(_("You cannot deactivate your own account."))
    reason = _require_reason(reason)
    now = utcnow()
    lockout = _close_every_door(db, user=user, reason=f"deactivated: {reason}", now=now)
    user.is_active = False
    user.deactivated_at = now
    db.add(user)
    audit.record(
        db, actor=actor, action="user.deactivate", obj=user, family_id=user.family_id, reason=reason,
        invitations_revoked=lockout.invitations_revoked, calendar_stopped=lockout.calendar_stopped,
    )  # fmt: skip
    return user


@dataclass(frozen=True)
class PersonRow:
    user: User
    passkeys: int
    sessions: int


@dataclass(frozen=True)
class PendingInvitation:
    invitation: Invitation
    state: InvitationStatus


@dataclass(frozen=True)
class CentrePeople:
    staff: list[PersonRow]
    family_members: list[PersonRow]
    invitations: list[PendingInvitation]


def centre_people(db: Session, *, actor: Actor, now: datetime | None = None) -> CentrePeople:
    """Everyone with an account in the coordinator's centre, and the open invitations."""
    policy.require_coordinator(actor)
    now = now or utcnow()
    passkey_counts = (
        select(PasskeyCredential.user_id, sa.func.count().label("n"))
        .where(col(PasskeyCredential.revoked_at).is_(None))
        .group_by(col(PasskeyCredential.user_id))
        .subquery()
    )
    session_counts = (
        select(UserSession.user_id, sa.func.count().label("n"))
        .where(col(UserSession.ended_at).is_(None), col(UserSession.expires_at) > now)
        .group_by(col(UserSession.user_id))
        .subquery()
    )
    rows = db.exec(
        select(
            User, sa.func.coalesce(passkey_counts.c.n, 0), sa.func.coalesce(session_counts.c.n, 0)
        )
        .outerjoin(passkey_counts, passkey_counts.c.user_id == col(User.id))
        .outerjoin(session_counts, session_counts.c.user_id == col(User.id))
        .where(User.centre_id == actor.centre_id, col(User.is_active))
        .order_by(col(User.last_name), col(User.first_name))
    ).all()
    people = [PersonRow(user=u, passkeys=int(p), sessions=int(s)) for u, p, s in rows]
    invites = db.exec(
        select(Invitation)
        .where(
            Invitation.centre_id == actor.centre_id,
            col(Invitation.used_at).is_(None),
            col(Invitation.revoked_at).is_(None),
        )
        .order_by(col(Invitation.created_at).desc())
        .limit(50)
    ).all()
    return CentrePeople(
        staff=[p for p in people if p.user.role is not Role.family],
        family_members=[p for p in people if p.user.role is Role.family],
        invitations=[PendingInvitation(i, invitation_status(i, now=now)) for i in invites],
    )


@dataclass(frozen=True)
class PersonDetail:
    user: User
    passkeys: Sequence[PasskeyCredential]
    sessions: Sequence[UserSession]


def person(db: Session, *, actor: Actor, user_id: uuid.UUID) -> PersonDetail:
    user = policy.get_staff_user(db, actor=actor, user_id=user_id)
    return PersonDetail(
        user=user,
        passkeys=passkeys.list_passkeys(db, user=user),
        sessions=live_sessions(db, user_id=user.id),
    )
