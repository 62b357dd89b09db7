"""People of the centre: names of roles in Polish, and the demo accounts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlmodel import Session, col, select

from pwa.domain.errors import NotFound
from pwa.i18n import pgettext
from pwa.models import Gender, Role, User


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


def demo_users(db: Session) -> list[User]:
    """Demo accounts, coordinators first, then assistants, then family members."""
    users: Sequence[User] = db.exec(
        select(User).where(col(User.is_demo), col(User.is_active)).order_by(User.last_name)
    ).all()
    return sorted(users, key=lambda u: (ROLE_ORDER[u.role], u.last_name, u.first_name))


def get_demo_user(db: Session, *, user_id: uuid.UUID) -> User:
    user = db.get(User, user_id)
    if user is None or not user.is_demo or not user.is_active:
        raise NotFound
    return user
