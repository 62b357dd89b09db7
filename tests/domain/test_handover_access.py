"""One rule for who holds a family: its assistant belongs to the centre that handles it now."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from pwa.domain.cases import caseload, timeline
from pwa.domain.cases import record as cases
from pwa.domain.centre import homes
from pwa.domain.kernel import policy
from pwa.domain.kernel.errors import NotFound
from pwa.models import AuditEvent, CaseStatus, Role
from tests.support.clock import NOW
from tests.support.factories.cases import actor, referral_form
from tests.support.factories.core import make_centre, make_family, make_user


def handed_over_world(db: Session):  # type: ignore[no-untyped-def]
    mops = make_centre(db, name="MOPS Częstochowa")
    ccwr = make_centre(db, name="Częstochowskie Centrum Wsparcia Rodziny", parent_centre_id=mops.id)
    coordinator = actor(make_user(db, mops, Role.coordinator))
    organisations_coordinator = actor(make_user(db, ccwr, Role.coordinator))
    marek = make_user(db, mops, Role.assistant, first_name="Marek", last_name="Zieliński")
    ola = make_user(db, ccwr, Role.assistant)
    family = make_family(db, mops, assistant=marek, status=CaseStatus.referred, name="Wieczorkowie")
    return mops, ccwr, coordinator, organisations_coordinator, marek, ola, family


def hand_over(db: Session, coordinator, family, ccwr):  # type: ignore[no-untyped-def]
    form = referral_form(
        case_number=family.case_number, name=family.name, members=(),
        referred_on="2026-01-10", handled_by_centre_id=str(ccwr.id), handed_over_on="2026-11-20",
    )  # fmt: skip
    return cases.correct_referral(db, actor=coordinator, family_id=family.id, form=form, now=NOW)


def test_handing_a_family_over_ends_the_old_assistants_assignment(db: Session):
    _mops, ccwr, coordinator, organisations, marek, ola, family = handed_over_world(db)
    assert policy.get_family(db, actor=actor(marek), family_id=family.id) == family

    change = hand_over(db, coordinator, family, ccwr)

    assert change.ended_assignment is not None
    assert change.ended_assignment.assistant_id == marek.id
    with pytest.raises(NotFound):
        policy.get_family(db, actor=actor(marek), family_id=family.id)
    assert caseload.current_assistant(db, family_id=family.id) is None
    ended = db.exec(select(AuditEvent).where(AuditEvent.action == "family.unassign")).one()
    assert (ended.family_id, ended.actor_id) == (family.id, coordinator.id)
    titles = [e.title for e in timeline.family_timeline(db, actor=coordinator, family_id=family.id)]
    assert len([t for t in titles if marek.full_name in t]) == 2, titles  # assigned, ended
    # The organisation's coordinator now assigns one of her own assistants.
    cases.assign_assistant(
        db, actor=organisations, family_id=family.id, assistant_id=str(ola.id), now=NOW
    )
    assert caseload.current_assistant(db, family_id=family.id) == ola


def test_correcting_a_referral_without_a_hand_over_keeps_the_assistant(db: Session):
    _mops, _ccwr, coordinator, _org, marek, _ola, family = handed_over_world(db)
    form = referral_form(case_number=family.case_number, members=(), referred_on="2026-01-10")
    change = cases.correct_referral(db, actor=coordinator, family_id=family.id, form=form, now=NOW)
    assert change.ended_assignment is None
    assert caseload.current_assistant(db, family_id=family.id) == marek


def test_a_stale_assignment_from_before_the_hand_over_opens_nothing(db: Session):
    """A row left open (as before this rule) grants no access and shows no assistant."""
    _mops, ccwr, _coordinator, _org, marek, _ola, family = handed_over_world(db)
    family.handled_by_centre_id = ccwr.id  # handed over behind the rule's back
    db.add(family)
    db.flush()
    assert db.exec(select(col(AuditEvent.id))).first() is None  # nothing ended it
    with pytest.raises(NotFound):
        policy.get_family(db, actor=actor(marek), family_id=family.id)
    assert caseload.current_assistant(db, family_id=family.id) is None
    # Nor does his home page or his search name the family any more.
    assert homes.assistant_today(db, assistant=marek, now=NOW).families == []
    assert homes.search_families(db, actor=actor(marek), query="Wieczork").rows == []
