"""Family members, and the form reading and access checks shared by the case modules.

Members are added, corrected and marked as no longer living in the household; they are
never deleted (consents, plans and visits refer to them). `cases` (the referral, the
assignment) and `lifecycle` (consent and the states of the case) build on the helpers here.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import TypeVar

from sqlmodel import Session, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden, Invalid, NotFound
from pwa.domain.kernel.policy import Access
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import Centre, Family, FamilyMember, Relation, Role, utcnow

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,24}$")
_CHECKED = {"on", "1", "true", "yes", "tak"}
_EARLIEST = date(1900, 1, 1)
E = TypeVar("E", bound=enum.StrEnum)


# --- forms: shared by the case modules ------------------------------------------------------


class FormErrors(dict[str, str]):
    """Field errors collected while reading a form; `raise_any` reports them all at once."""

    def text(self, field: str, value: str, *, limit: int, missing: str | None = None) -> str:
        value = value.strip()
        if not value and missing is not None:
            self[field] = missing
        elif len(value) > limit:
            self[field] = _("This text is too long (%(limit)s characters at most).", limit=limit)
        return value

    def day(
        self, field: str, value: str, *, today: date, missing: str | None = None
    ) -> date | None:
        """A past or present date; blank is an error only when `missing` says so."""
        value = value.strip()
        if not value:
            if missing is not None:
                self[field] = missing
            return None
        day = parse_day(value)
        if day is None or day < _EARLIEST:
            self[field] = _("Enter a date, e.g. 23.11.2026.")
            return None
        if day > today:
            self[field] = _("This date cannot be in the future.")
            return None
        return day

    def phone(self, field: str, value: str) -> str:
        value = value.strip()
        if value and (_PHONE.match(value) is None or len(value) > 40):
            self[field] = _("Enter a phone number, e.g. 600 100 200.")
        return value

    def raise_any(self) -> None:
        if self:
            raise Invalid(_("Please correct the marked fields."), errors=self)


def parse_day(value: str) -> date | None:
    """A date as <input type=date> sends it (2026-11-23), or typed the Polish way (23.11.2026)."""
    value = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value)
        match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", value)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def parse_enum(enum_cls: type[E], value: str) -> E | None:
    """The enum member whose value is `value` (as a select sends it), or None."""
    try:
        return enum_cls(value.strip())
    except ValueError:
        return None


def checked(value: str) -> bool:
    """A checkbox as a form sends it ("on" when ticked, nothing otherwise)."""
    return value.strip().lower() in _CHECKED


def parse_id(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value.strip())
    except ValueError:
        return None


# --- access ---------------------------------------------------------------------------------


def require_coordinator(actor: Actor) -> None:
    if actor.role is not Role.coordinator or not actor.user.is_active:
        raise Forbidden(_("Only a coordinator can do this."))


def staff_family(db: Session, *, actor: Actor, family_id: uuid.UUID) -> Family:
    """The family, for a coordinator of its centre or its assistant (else NotFound)."""
    return policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)


def lock_family(db: Session, family: Family) -> Family:
    """The family's row, fresh and locked until the unit of work ends (PostgreSQL)."""
    statement = select(Family).where(Family.id == family.id).with_for_update()
    return db.exec(statement.execution_options(populate_existing=True)).one()


def centre_of(db: Session, family: Family) -> Centre:
    centre = db.get(Centre, family.centre_id)
    if centre is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound
    return centre


# --- a member as the forms send it -----------------------------------------------------------


@dataclass(frozen=True)
class MemberForm:
    """A family member as the form sends it (strings, unchecked)."""

    first_name: str
    last_name: str
    relation: str
    birth_date: str = ""
    phone: str = ""

    def is_blank(self) -> bool:
        return not any(v.strip() for v in (self.first_name, self.last_name, self.birth_date))


@dataclass(frozen=True)
class MemberValues:
    first_name: str
    last_name: str
    relation: Relation
    birth_date: date | None
    phone: str


def check_member(
    form: MemberForm, *, today: date, errors: FormErrors, prefix: str = ""
) -> MemberValues | None:
    """The member's values, or None with the reasons added to `errors` (fields `prefix`+name)."""
    before = len(errors)
    first = errors.text(
        prefix + "first_name", form.first_name, limit=80, missing=_("Please enter the first name.")
    )
    last = errors.text(
        prefix + "last_name", form.last_name, limit=80, missing=_("Please enter the last name.")
    )
    relation = parse_enum(Relation, form.relation)
    if relation is None:
        errors[prefix + "relation"] = _("Choose the member's place in the family.")
    missing = _("Enter the child's date of birth.") if relation is Relation.child else None
    birth = errors.day(prefix + "birth_date", form.birth_date, today=today, missing=missing)
    phone = errors.phone(prefix + "phone", form.phone)
    if len(errors) > before or relation is None:
        return None
    return MemberValues(first, last, relation, birth, phone)


# --- changes to the members -----------------------------------------------------------------


def _member(db: Session, *, actor: Actor, member_id: uuid.UUID) -> tuple[FamilyMember, Family]:
    member = db.get(FamilyMember, member_id)
    if member is None:
        raise NotFound
    return member, staff_family(db, actor=actor, family_id=member.family_id)


def _values(form: MemberForm, *, today: date) -> MemberValues:
    errors = FormErrors()
    values = check_member(form, today=today, errors=errors)
    errors.raise_any()
    assert values is not None  # no errors means the values were read
    return values


def add_member(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: MemberForm,
    now: datetime | None = None,
) -> FamilyMember:
    """Add a member to the family (its assistant or a coordinator)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    values = _values(form, today=local_today(now or utcnow()))
    member = FamilyMember(family_id=family.id, **asdict(values))
    db.add(member)
    db.flush()
    audit.record(db, actor=actor, action="member.create", family_id=family.id, obj=member)
    return member


def update_member(
    db: Session,
    *,
    actor: Actor,
    member_id: uuid.UUID,
    form: MemberForm,
    now: datetime | None = None,
) -> FamilyMember:
    """Correct a member's name, place in the family, date of birth or phone."""
    member, family = _member(db, actor=actor, member_id=member_id)
    values = asdict(_values(form, today=local_today(now or utcnow())))
    changed = sorted(field for field, value in values.items() if getattr(member, field) != value)
    for field in changed:
        setattr(member, field, values[field])
    db.add(member)
    db.flush()
    audit.record(
        db, actor=actor, action="member.update", family_id=family.id, obj=member, fields=changed
    )
    return member


def mark_left_household(
    db: Session,
    *,
    actor: Actor,
    member_id: uuid.UUID,
    left_on: str,
    now: datetime | None = None,
) -> FamilyMember:
    """Mark a member as no longer living in the household (from `left_on`, blank = today)."""
    member, family = _member(db, actor=actor, member_id=member_id)
    if not member.in_household:
        raise Conflict(_("This person is already marked as living outside the household."))
    today = local_today(now or utcnow())
    errors = FormErrors()
    day = errors.day("left_on", left_on, today=today) or today
    if not errors and member.birth_date is not None and day < member.birth_date:
        errors["left_on"] = _("This date is before the person's date of birth.")
    errors.raise_any()
    member.in_household = False
    member.left_household_on = day
    db.add(member)
    db.flush()
    audit.record(
        db, actor=actor, action="member.leave", family_id=family.id, obj=member, left_on=day
    )
    return member


def mark_back_in_household(db: Session, *, actor: Actor, member_id: uuid.UUID) -> FamilyMember:
    """Undo `mark_left_household`: the member lives in the household again."""
    member, family = _member(db, actor=actor, member_id=member_id)
    if member.in_household:
        return member
    member.in_household = True
    member.left_household_on = None
    db.add(member)
    db.flush()
    audit.record(db, actor=actor, action="member.return", family_id=family.id, obj=member)
    return member
