"""Invitations: valid for 72 hours, used once, revocable."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.people import invitations
from pwa.models import InvitationStatus, Relation, Role, utcnow
from tests.support.factories.core import (
    make_centre,
    make_family,
    make_family_user,
    make_member,
    make_user,
)


def _invite(db: Session, **values: object) -> invitations.IssuedInvitation:
    centre = make_centre(db)
    return invitations.issue(
        db, centre_id=centre.id, role=Role.assistant, first_name="Ewa", last_name="Nowak", **values
    )  # type: ignore[arg-type]


def test_invitation_is_valid_for_72_hours(db: Session):
    now = utcnow()
    issued = _invite(db, now=now)
    assert (
        invitations.status(issued.invitation, now=now + timedelta(hours=71, minutes=59))
        is InvitationStatus.valid
    )
    assert (
        invitations.status(issued.invitation, now=now + timedelta(hours=72))
        is InvitationStatus.expired
    )


def test_the_token_is_not_stored_in_clear(db: Session):
    issued = _invite(db)
    assert issued.token not in issued.invitation.token_hash
    assert invitations.find(db, token=issued.token).id == issued.invitation.id


def test_an_unknown_token_is_not_found(db: Session):
    _invite(db)
    with pytest.raises(NotFound):
        invitations.find(db, token="no-such-token")


def test_an_invitation_is_used_once(db: Session):
    issued = _invite(db)
    user = invitations.accept(db, invitation=issued.invitation)
    assert user.role is Role.assistant and user.first_name == "Ewa"
    with pytest.raises(Conflict, match="już wykorzystane"):
        invitations.accept(db, invitation=issued.invitation)


def test_an_expired_invitation_cannot_be_accepted(db: Session):
    issued = _invite(db, now=utcnow() - timedelta(hours=73))
    with pytest.raises(Conflict):
        invitations.accept(db, invitation=issued.invitation)


def test_a_revoked_invitation_cannot_be_accepted(db: Session):
    issued = _invite(db)
    invitations.revoke(db, invitation=issued.invitation)
    assert invitations.status(issued.invitation, now=utcnow()) is InvitationStatus.revoked
    with pytest.raises(Conflict):
        invitations.accept(db, invitation=issued.invitation)


@pytest.mark.parametrize(
    ("field", "form"),
    [
        ("first_name", invitations.StaffInvitationForm("", "Nowak", "assistant", "f")),
        ("last_name", invitations.StaffInvitationForm("Ewa", " ", "assistant", "f")),
        ("role", invitations.StaffInvitationForm("Ewa", "Nowak", "family", "f")),
        ("gender", invitations.StaffInvitationForm("Ewa", "Nowak", "assistant", "")),
        ("email", invitations.StaffInvitationForm("Ewa", "Nowak", "assistant", "f", "ewa@")),
    ],
)
def test_staff_invitation_form_errors_name_the_field(db: Session, field, form):
    coordinator = Actor(make_user(db, make_centre(db), Role.coordinator))
    with pytest.raises(Invalid) as raised:
        invitations.invite_staff(db, actor=coordinator, form=form)
    assert field in raised.value.errors


def test_only_a_coordinator_invites_staff(db: Session):
    assistant = Actor(make_user(db, make_centre(db), Role.assistant))
    with pytest.raises(Forbidden, match="tylko koordynator"):
        invitations.invite_staff(
            db,
            actor=assistant,
            form=invitations.StaffInvitationForm("Ewa", "Nowak", "assistant", "f"),
        )


def test_assistant_invites_an_adult_of_her_family_but_not_a_child(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant)
    mother = make_member(db, family, relation=Relation.parent)
    child = make_member(db, family, relation=Relation.child)
    issued = invitations.invite_family_member(
        db, actor=Actor(assistant), family_id=family.id, member_id=str(mother.id)
    )
    assert issued.invitation.family_member_id == mother.id
    assert issued.invitation.role is Role.family
    with pytest.raises(Invalid):
        invitations.invite_family_member(
            db, actor=Actor(assistant), family_id=family.id, member_id=str(child.id)
        )


def test_a_member_with_an_account_is_not_invited_again(db: Session):
    centre = make_centre(db)
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant)
    member = make_member(db, family)
    make_family_user(db, family, member)
    with pytest.raises(Invalid, match="ma już konto"):
        invitations.invite_family_member(
            db, actor=Actor(assistant), family_id=family.id, member_id=str(member.id)
        )
