"""Invitations: single-use links, valid for 72 hours, that let a new person register a passkey."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.errors import Conflict, NotFound
from pwa.domain.sessions import hash_token
from pwa.i18n import gettext as _
from pwa.models import Centre, Gender, Invitation, InvitationStatus, Role, User, utcnow

VALIDITY = timedelta(hours=72)


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation with its secret token (shown once, never stored in clear)."""

    invitation: Invitation
    token: str

    def link(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/invitations/{self.token}"


def issue(
    db: Session,
    *,
    centre_id: uuid.UUID,
    role: Role,
    first_name: str,
    last_name: str,
    gender: Gender = Gender.female,
    email: str = "",
    created_by: User | None = None,
    family_id: uuid.UUID | None = None,
    family_member_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> IssuedInvitation:
    """Create an invitation; the caller shows the link once (and as a QR code)."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        centre_id=centre_id,
        role=role,
        token_hash=hash_token(token),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        gender=gender,
        email=email.strip(),
        family_id=family_id,
        family_member_id=family_member_id,
        created_by_id=created_by.id if created_by else None,
        created_at=now,
        expires_at=now + VALIDITY,
    )
    db.add(invitation)
    db.flush()
    return IssuedInvitation(invitation=invitation, token=token)


def status(invitation: Invitation, *, now: datetime) -> InvitationStatus:
    if invitation.revoked_at is not None:
        return InvitationStatus.revoked
    if invitation.used_at is not None:
        return InvitationStatus.used
    if now >= invitation.expires_at:
        return InvitationStatus.expired
    return InvitationStatus.valid


def find(db: Session, *, token: str) -> Invitation:
    """The invitation behind a link's token, whatever its state (NotFound if none)."""
    if not token or len(token) > 100:
        raise NotFound
    invitation = db.exec(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    ).first()
    if invitation is None:
        raise NotFound
    return invitation


def unusable_reason(state: InvitationStatus) -> str:
    """A Polish explanation of why an invitation link cannot be used."""
    if state is InvitationStatus.expired:
        return _(
            "This invitation has expired (invitations are valid for 72 hours). Ask for a new one."
        )
    if state is InvitationStatus.used:
        return _("This invitation has already been used. If it was not you, tell your coordinator.")
    return _("This invitation has been withdrawn. Ask for a new one if you still need it.")


def require_valid(invitation: Invitation, *, now: datetime | None = None) -> None:
    state = status(invitation, now=now or utcnow())
    if state is not InvitationStatus.valid:
        raise Conflict(unusable_reason(state))


def accept(db: Session, *, invitation: Invitation, now: datetime | None = None) -> User:
    """Turn a valid invitation into a user account, exactly once."""
    now = now or utcnow()
    require_valid(invitation, now=now)
    user = User(
        centre_id=invitation.centre_id,
        role=invitation.role,
        first_name=invitation.first_name,
        last_name=invitation.last_name,
        gender=invitation.gender,
        email=invitation.email,
        family_id=invitation.family_id,
        family_member_id=invitation.family_member_id,
    )
    db.add(user)
    db.flush()
    # Single use even under a race: only the request that flips used_at wins.
    claimed: sa.CursorResult = db.execute(  # type: ignore[assignment]
        Invitation.__table__.update()  # type: ignore[attr-defined]
        .where(col(Invitation.id) == invitation.id, col(Invitation.used_at).is_(None))
        .values(used_at=now, used_by_id=user.id)
    )
    if claimed.rowcount != 1:
        raise Conflict(unusable_reason(InvitationStatus.used))
    db.refresh(invitation)
    return user


def revoke(db: Session, *, invitation: Invitation, now: datetime | None = None) -> None:
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now or utcnow()
        db.add(invitation)


def invite_first_coordinator(
    db: Session, *, centre_name: str, first_name: str, last_name: str, base_url: str
) -> str:
    """For a new deployment: the centre (made if there is none) and a coordinator's link."""
    centre = db.exec(select(Centre).order_by(col(Centre.created_at))).first()
    if centre is None:
        centre = Centre(name=centre_name or "Ośrodek Pomocy Społecznej", short_name=centre_name)
        db.add(centre)
        db.flush()
    issued = issue(
        db, centre_id=centre.id, role=Role.coordinator, first_name=first_name, last_name=last_name
    )
    return issued.link(base_url)
