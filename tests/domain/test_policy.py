"""The policy: who may see which family, and how much of it."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import NotFound
from pwa.models import Assignment, Role, utcnow
from tests.support.factories.core import make_centre, make_family, make_family_user, make_user


@pytest.fixture
def centre(db: Session):  # type: ignore[no-untyped-def]
    return make_centre(db)


def test_coordinator_sees_every_family_of_her_centre(db: Session, centre):
    family = make_family(db, centre)
    coordinator = Actor(make_user(db, centre, Role.coordinator))
    assert policy.family_access(db, actor=coordinator, family=family) is policy.Access.full


def test_nobody_sees_another_centre(db: Session, centre):
    family = make_family(db, make_centre(db))
    for role in Role:
        actor = Actor(make_user(db, centre, role))
        assert policy.family_access(db, actor=actor, family=family) is None


def test_assistant_sees_only_families_assigned_to_her(db: Session, centre):
    assistant = make_user(db, centre, Role.assistant)
    mine = make_family(db, centre, assistant=assistant)
    not_mine = make_family(db, centre, assistant=make_user(db, centre, Role.assistant))
    actor = Actor(assistant)
    assert policy.family_access(db, actor=actor, family=mine) is policy.Access.full
    assert policy.family_access(db, actor=actor, family=not_mine) is None


def test_assistant_loses_access_after_reassignment(db: Session, centre):
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant)
    assignment = db.exec(  # type: ignore[call-overload]
        Assignment.__table__.select().where(Assignment.__table__.c.family_id == family.id)
    ).first()
    row = db.get(Assignment, assignment.id)
    assert row is not None
    row.ended_at = utcnow()
    db.add(row)
    db.add(Assignment(family_id=family.id, assistant_id=make_user(db, centre, Role.assistant).id))
    db.flush()
    assert policy.family_access(db, actor=Actor(assistant), family=family) is None


def test_family_member_sees_only_the_shared_part_of_their_own_family(db: Session, centre):
    family = make_family(db, centre)
    other = make_family(db, centre)
    member = Actor(make_family_user(db, family))
    assert policy.family_access(db, actor=member, family=family) is policy.Access.shared
    assert policy.family_access(db, actor=member, family=other) is None
    with pytest.raises(NotFound):
        policy.get_family(db, actor=member, family_id=family.id)  # full record: never
    assert policy.get_family(db, actor=member, family_id=family.id, need=policy.Access.shared)


def test_deactivated_user_sees_nothing(db: Session, centre):
    family = make_family(db, centre)
    coordinator = make_user(db, centre, Role.coordinator, is_active=False)
    assert policy.family_access(db, actor=Actor(coordinator), family=family) is None


def test_only_staff_invite_family_members(db: Session, centre):
    assistant = make_user(db, centre, Role.assistant)
    family = make_family(db, centre, assistant=assistant)
    assert policy.may_invite_family_member(db, actor=Actor(assistant), family=family)
    member = Actor(make_family_user(db, family))
    assert not policy.may_invite_family_member(db, actor=member, family=family)
