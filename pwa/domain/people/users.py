"""People of the centre: names of roles in Polish, and the demo accounts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select

from pwa.domain.kernel.errors import NotFound
from pwa.i18n import pgettext
from pwa.models import Centre, Gender, Role, User


def role_label(role: Role, gender: Gender) -> str:
    """ "koordynatorka", "asystent rodziny", "członkini rodziny" … (Polish names have gender)."""
    female = gender is Gender.female
    if role is Role.coordinator:
        return pgettext("female", "coordinator") if female else pgettext("male", "coordinator")
    if role is Role.assistant:
        if female:
            return pgettext("female", "family assistant")
        return pgettext("male", "family assistant")
    return pgettext("female", "family member") if female else pgettext("male", "family member")


ROLE_ORDER = {Role.coordinator: 0, Role.assistant: 1, Role.family: 2}


@dataclass(frozen=True)
class DemoAccount:
    user: User
    role_label: str
    organisation: str  # a contracted organisation's short name; "" for the centre's own people


def demo_accounts(db: Session) -> list[DemoAccount]:
    """Demo accounts, coordinators first, then assistants, then family members."""
    found: Sequence[tuple[User, Centre]] = db.exec(
        select(User, Centre)
        .join(Centre, col(Centre.id) == User.centre_id)
        .where(col(User.is_demo), col(User.is_active))
    ).all()
    ordered = sorted(
        found, key=lambda row: (ROLE_ORDER[row[0].role], row[0].last_name, row[0].first_name)
    )
    return [
        DemoAccount(
            user=user,
            role_label=role_label(user.role, user.gender),
            organisation=centre.short_name if centre.parent_centre_id else "",
        )
        for user, centre in ordered
    ]


def get_demo_user(db: Session, *, user_id: uuid.UUID) -> User:
    user = db.get(User, user_id)
    if user is None or not user.is_demo or not user.is_active:
        raise NotFound
    return user
