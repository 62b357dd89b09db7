"""Test data for cases: forms as the browser sends them, staff acting, a frozen clock."""

from __future__ import annotations

import dataclasses

from sqlmodel import Session, col, select

from pwa.domain.cases.members import MemberForm
from pwa.domain.cases.record import ReferralForm
from pwa.domain.kernel.actors import Actor
from pwa.models import AuditEvent, CaseEvent, Centre, Role, User
from tests.factories import make_centre, make_user

# Monday 23 November 2026, 10:00 in Warsaw.


def parent(**values: str) -> MemberForm:
    fields = {"first_name": "Ewa", "last_name": "Kowalska", "relation": "parent"}
    fields.update(values)
    return MemberForm(**fields)


def child(**values: str) -> MemberForm:
    fields = {
        "first_name": "Zosia",
        "last_name": "Kowalska",
        "relation": "child",
        "birth_date": "2018-04-12",
    }
    fields.update(values)
    return MemberForm(**fields)


def referral_form(**values: object) -> ReferralForm:
    """A complete referral, as a coordinator fills it in; override any field."""
    form = ReferralForm(
        case_number="AR.4011.7.2026",
        name="Kowalscy",
        address="ul. Rynek 5, 57-500 Bystrzyca Kłodzka",
        phone="600 200 300",
        referral_reason="Trudności w prowadzeniu gospodarstwa domowego i opiece nad dziećmi.",
        social_worker_name="Maria Wiśniewska",
        social_worker_phone="74 811 02 66",
        social_worker_email="m.wisniewska@ops.example.pl",
        referred_on="2026-11-20",
        members=(parent(), child()),
    )
    return dataclasses.replace(form, **values)  # type: ignore[arg-type]


def staff(db: Session, centre: Centre | None = None) -> tuple[Centre, Actor, Actor]:
    """A centre with a coordinator and an assistant, both acting."""
    centre = centre or make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    assistant = make_user(db, centre, Role.assistant)
    return centre, Actor(coordinator), Actor(assistant)


def actor(user: User) -> Actor:
    return Actor(user)


def audit_actions(db: Session, family_id: object) -> list[str]:
    db.flush()
    return list(
        db.exec(
            select(AuditEvent.action)
            .where(AuditEvent.family_id == family_id)
            .order_by(col(AuditEvent.at))
        ).all()
    )


def case_events(db: Session, family_id: object) -> list[CaseEvent]:
    db.flush()
    return list(
        db.exec(
            select(CaseEvent)
            .where(CaseEvent.family_id == family_id)
            .order_by(col(CaseEvent.at), col(CaseEvent.on_date))
        ).all()
    )
