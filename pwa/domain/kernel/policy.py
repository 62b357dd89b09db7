"""Who may see and do what, answered in one place.

- a coordinator sees everything in their own centre;
- an assistant sees only the families currently assigned to her (not after reassignment);
- a family member sees only their own family, and only what is shared with the family
  (plan, tasks, meetings, office hours, support catalogue): never visit notes, assessments,
  opinions, the team's notes or the audit log;
- nobody sees another centre; but a family whose work the centre handed over to a
  contracted organisation (Family.handled_by_centre_id, the Częstochowa model) is that
  organisation's family too: its coordinator sees and assigns it like any other.

Anything a user may not see is reported as NotFound, so that its existence does not leak.
"""

from __future__ import annotations

import enum
import uuid

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.i18n import gettext as _
from pwa.models import Assignment, Family, Role, User


class Access(enum.Enum):
    """How much of a family's record a user may see."""

    full = "full"  # staff: the whole record, including internal notes
    shared = "shared"  # the family itself: what is shared with the family


def is_coordinator(actor: Actor) -> bool:
    """An active coordinator (of `actor.centre_id`)."""
    return actor.role is Role.coordinator and actor.user.is_active


def require_coordinator(actor: Actor) -> None:
    """Only an active coordinator goes on; the role is no secret, so the answer is Forbidden."""
    if not is_coordinator(actor):
        raise Forbidden(_("Only a coordinator can do this."))


def is_assigned(db: Session, *, assistant_id: uuid.UUID, family_id: uuid.UUID) -> bool:
    return (
        db.exec(
            select(Assignment.id).where(
                Assignment.family_id == family_id,
                Assignment.assistant_id == assistant_id,
                col(Assignment.ended_at).is_(None),
            )
        ).first()
        is not None
    )


def working_centre_id(family: Family) -> uuid.UUID:
    """The centre whose staff work with the family: the contracted organisation, if any."""
    return family.handled_by_centre_id or family.centre_id


def in_centre(centre_id: uuid.UUID) -> sa.ColumnElement[bool]:
    """Families of the centre: referred to it, or handed over to it (a SQL condition)."""
    return sa.or_(col(Family.centre_id) == centre_id, col(Family.handled_by_centre_id) == centre_id)


def family_access(db: Session, *, actor: Actor, family: Family) -> Access | None:
    """What `actor` may see of `family`, or None."""
    user = actor.user
    if not user.is_active or user.centre_id not in (family.centre_id, family.handled_by_centre_id):
        return None
    if user.role is Role.coordinator:
        return Access.full
    if user.role is Role.assistant:
        assigned = is_assigned(db, assistant_id=user.id, family_id=family.id)
        return Access.full if assigned else None
    if user.role is Role.family and user.family_id == family.id:
        return Access.shared
    return None


def get_family(
    db: Session, *, actor: Actor, family_id: uuid.UUID, need: Access = Access.full
) -> Family:
    """The family if `actor` may see it at the level `need` (else NotFound)."""
    family = db.get(Family, family_id)
    if family is None:
        raise NotFound
    access = family_access(db, actor=actor, family=family)
    if access is None or (need is Access.full and access is not Access.full):
        raise NotFound
    return family


def may_invite_family_member(db: Session, *, actor: Actor, family: Family) -> bool:
    """Coordinators, and the family's own assistant, invite its adult members."""
    if actor.role not in (Role.coordinator, Role.assistant):
        return False
    return family_access(db, actor=actor, family=family) is Access.full


def get_staff_user(db: Session, *, actor: Actor, user_id: uuid.UUID) -> User:
    """A user of the coordinator's own centre (for managing accounts), else NotFound."""
    require_coordinator(actor)
    user = db.get(User, user_id)
    if user is None or user.centre_id != actor.centre_id:
        raise NotFound
    return user
