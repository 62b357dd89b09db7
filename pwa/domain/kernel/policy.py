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
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden, NotFound
from pwa.i18n import gettext as _
from pwa.models import (
    Assignment,
    CaseStatus,
    CourtOpinion,
    Family,
    Meeting,
    MeetingStatus,
    OpinionStatus,
    Role,
    User,
)


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


def held_by_working_centre() -> sa.ColumnElement[bool]:
    """The assistant (User) belongs to the centre that handles the family (Family) now."""
    return col(User.centre_id) == sa.func.coalesce(
        col(Family.handled_by_centre_id), col(Family.centre_id)
    )


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
        # Only an assistant of the centre that handles the family now: an assignment left
        # open from before a hand-over never opens the door.
        if user.centre_id != working_centre_id(family):
            return None
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


# --- What a page offers: flags for the templates (the same rules the changes check) ---------
# Templates show a form or a button when the flag says so; they never compare roles or states.


def may_see_who_read(role: Role) -> bool:
    """A family member sees which staff read the family's file (art. 15 GDPR)."""
    return role is Role.family


def may_register_family(role: Role) -> bool:
    """Only a coordinator registers a referral."""
    return role is Role.coordinator


@dataclass(frozen=True)
class FamilyPageMay:
    """What the staff page of a family offers, beside the life-cycle changes (CaseActions)."""

    assign_assistant: bool  # a coordinator, while the case is not closed
    end_work_with_assessment: bool  # the work is under way: it ends on the final assessment
    ask_coordinator_to_reopen: bool  # closed, and the user cannot reopen it


def family_page_may(family: Family, *, role: Role) -> FamilyPageMay:
    closed = family.status is CaseStatus.closed
    coordinator = role is Role.coordinator
    return FamilyPageMay(
        assign_assistant=coordinator and not closed,
        end_work_with_assessment=family.status is CaseStatus.active,
        ask_coordinator_to_reopen=closed and not coordinator,
    )


@dataclass(frozen=True)
class IntakeMay:
    """The steps of intake the page offers now (a referred family, step by step)."""

    record_team_decision: bool  # a coordinator, while the family is referred
    record_first_contact: bool  # referred, with an assistant assigned
    wait_for_assistant: bool  # referred, no assistant yet: the first contact waits
    record_answer: bool  # referred, after a first contact: consent or refusal
    write_initial_assessment: bool  # the work has started


def intake_may(
    family: Family, *, role: Role, has_assistant: bool, has_first_contact: bool
) -> IntakeMay:
    referred = family.status is CaseStatus.referred
    return IntakeMay(
        record_team_decision=referred and role is Role.coordinator,
        record_first_contact=referred and has_assistant,
        wait_for_assistant=referred and not has_assistant,
        record_answer=referred and has_first_contact,
        write_initial_assessment=family.status is CaseStatus.active,
    )


def may_supersede_opinion(opinion: CourtOpinion) -> bool:
    """Only a final opinion is replaced by a new version (a draft is simply edited)."""
    return opinion.status is OpinionStatus.final


def may_change_meeting(meeting: Meeting) -> bool:
    """A meeting is moved or cancelled while it still stands."""
    return meeting.status is not MeetingStatus.cancelled
