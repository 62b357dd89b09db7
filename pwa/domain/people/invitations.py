"""Invitations: single-use links, valid for 72 hours, that let a new person register a passkey."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.domain.kernel.forms import FormErrors
from pwa.domain.people.sessions import hash_token
from pwa.i18n import gettext as _
from pwa.models import (
    Centre,
    Family,
    FamilyMember,
    Gender,
    Invitation,
    InvitationStatus,
    Relation,
    Role,
    User,
    utcnow,
)

VALIDITY = timedelta(hours=72)


@dataclass(frozen=True)
class IssuedInvitation:
    """A new invitation with its secret token (shown once, never stored in clear)."""

    invitation: Invitation
    token: str

    def link(self, base_url: str) -> str:
        return f"{base_url.rstrip('/')}/i/{self.token}"


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


def accept(
    db: Session,
    *,
    invitation: Invitation,
    now: datetime | None = None,
    user_id: uuid.UUID | None = None,
) -> User:
    """Turn a valid invitation into a user account, exactly once."""
    now = now or utcnow()
    require_valid(invitation, now=now)
    user = User(
        id=user_id or uuid.uuid4(),
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


@dataclass(frozen=True)
class StaffInvitationForm:
    """What a coordinator types to invite a colleague."""

    first_name: str = ""
    last_name: str = ""
    role: str = ""
    gender: str = ""
    email: str = ""


def invite_staff(db: Session, *, actor: Actor, form: StaffInvitationForm) -> IssuedInvitation:
    """A coordinator invites a coordinator or an assistant of the same centre."""
    policy.require_coordinator(actor)
    errors = FormErrors()
    if not form.first_name.strip():
        errors["first_name"] = _("Please enter the first name.")
    if not form.last_name.strip():
        errors["last_name"] = _("Please enter the last name.")
    if len(form.first_name) > 80 or len(form.last_name) > 80:
        errors["last_name"] = _("Names can be at most 80 characters long.")
    if form.role not in (Role.coordinator.value, Role.assistant.value):
        errors["role"] = _("Choose the role: coordinator or family assistant.")
    if form.gender not in (Gender.female.value, Gender.male.value):
        errors["gender"] = _("Choose how to address the person.")
    email = errors.email("email", form.email)
    errors.raise_any()
    issued = issue(
        db,
        centre_id=actor.centre_id,
        role=Role(form.role),
        first_name=form.first_name,
        last_name=form.last_name,
        gender=Gender(form.gender),
        email=email,
        created_by=actor.user,
    )
    audit.record(db, actor=actor, action="invitation.create", obj=issued.invitation, role=form.role)
    return issued


@dataclass(frozen=True)
class FamilyInvitationChoice:
    """An adult member of a family, and whether they already have an account."""

    member: FamilyMember
    has_account: bool


def family_invitation_choices(
    db: Session, *, actor: Actor, family_id: uuid.UUID
) -> tuple[Family, list[FamilyInvitationChoice]]:
    """The family's adult members in the household, for the invitation form."""
    family = policy.get_family(db, actor=actor, family_id=family_id)
    if not policy.may_invite_family_member(db, actor=actor, family=family):
        raise NotFound
    members = db.exec(
        select(FamilyMember)
        .where(
            FamilyMember.family_id == family.id,
            col(FamilyMember.in_household),
            FamilyMember.relation != Relation.child,
        )
        .order_by(col(FamilyMember.last_name), col(FamilyMember.first_name))
    ).all()
    with_account = set(
        db.exec(
            select(User.family_member_id).where(User.family_id == family.id, col(User.is_active))
        ).all()
    )
    audit.record(
        db, actor=actor, action="family.read", family_id=family.id, obj=family, page="invite"
    )
    return family, [FamilyInvitationChoice(m, m.id in with_account) for m in members]


def invite_family_member(
    db: Session, *, actor: Actor, family_id: uuid.UUID, member_id: str
) -> IssuedInvitation:
    """The family's assistant or a coordinator invites an adult member of the family."""
    family, choices = family_invitation_choices(db, actor=actor, family_id=family_id)
    chosen = next((c for c in choices if str(c.member.id) == member_id.strip()), None)
    if chosen is None:
        raise Invalid(
            _("Choose an adult member of this family."),
            errors={"member_id": _("Choose an adult member of this family.")},
        )
    if chosen.has_account:
        raise Invalid(
            _("This person already has an account."),
            errors={"member_id": _("This person already has an account.")},
        )
    member = chosen.member
    issued = issue(
        db,
        # Filed under the centre that works with the family (the contracted organisation
        # after a hand-over): its coordinator sees the invitation and can withdraw it.
        centre_id=policy.working_centre_id(family),
        role=Role.family,
        first_name=member.first_name,
        last_name=member.last_name,
        gender=Gender.male
        if member.relation is Relation.parent and _looks_male(member.first_name)
        else Gender.female,
        created_by=actor.user,
        family_id=family.id,
        family_member_id=member.id,
    )
    audit.record(
        db, actor=actor, action="invitation.create", family_id=family.id, obj=issued.invitation
    )
    return issued


def _looks_male(first_name: str) -> bool:
    """Polish female first names end in -a (with a few exceptions like Kuba, Barnaba)."""
    name = first_name.strip().lower()
    return not name.endswith("a") or name in {"kuba", "barnaba", "bonawentura", "kosma"}


def holding_centre_id(db: Session, invitation: Invitation) -> uuid.UUID:
    """The centre an invitation belongs to: for a family member, the one handling the family."""
    family = db.get(Family, invitation.family_id) if invitation.family_id else None
    return policy.working_centre_id(family) if family is not None else invitation.centre_id


def may_revoke(db: Session, *, actor: Actor, invitation: Invitation) -> bool:
    """Whoever issued it (while active), or a coordinator of the centre it belongs to."""
    if not actor.user.is_active:
        return False
    if invitation.created_by_id == actor.id:
        return True
    return policy.is_coordinator(actor) and actor.centre_id == holding_centre_id(db, invitation)


def revoke_by_id(db: Session, *, actor: Actor, invitation_id: uuid.UUID) -> Invitation:
    """A coordinator (or whoever issued it) withdraws an unused invitation."""
    invitation = db.get(Invitation, invitation_id)
    if invitation is None or not may_revoke(db, actor=actor, invitation=invitation):
        raise NotFound
    revoke(db, invitation=invitation)
    audit.record(
        db, actor=actor, action="invitation.revoke", family_id=invitation.family_id, obj=invitation
    )
    return invitation
