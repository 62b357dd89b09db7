"""Family members, and the access checks shared by the case modules.

Members are added, corrected and marked as no longer living in the household; they are
never deleted (consents, plans and visits refer to them). `cases` (the referral, the
assignment) and `lifecycle` (consent and the states of the case) build on the helpers here.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlmodel import Session, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, NotFound
from pwa.domain.kernel.forms import FormErrors, parse_enum
from pwa.domain.kernel.policy import Access
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import Centre, Family, FamilyMember, Relation, utcnow

# --- access ---------------------------------------------------------------------------------


def before_the_work(family: Family, day: date | None) -> date | None:
    """The start of the work with the family when `day` comes before it (a contact or an
    assessment of the work cannot be dated earlier), else None."""
    started = family.work_started_on
    return started if day is not None and started is not None and day < started else None


def staff_family(db: Session, *, actor: Actor, family_id: uuid.UUID) -> Family:
    """The family, for a coordinator of its centre or its assistant (else NotFound)."""
    return policy.get_family(db, actor=actor, family_id=family_id, need=Access.full)


def lock_family(db: Session, *, actor: Actor, family_id: uuid.UUID) -> Family:
    """`staff_family`, its row fresh and locked until the unit of work ends (PostgreSQL)."""
    family = staff_family(db, actor=actor, family_id=family_id)
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
    return audit.save(db, member, actor=actor, action="member.create", family_id=family.id)


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
    return audit.save(
        db, member, actor=actor, action="member.update", family_id=family.id, fields=changed
    )


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
    return audit.save(
        db, member, actor=actor, action="member.leave", family_id=family.id, left_on=day
    )


def mark_back_in_household(db: Session, *, actor: Actor, member_id: uuid.UUID) -> FamilyMember:
    """Undo `mark_left_household`: the member lives in the household again."""
    member, family = _member(db, actor=actor, member_id=member_id)
    if member.in_household:
        return member
    member.in_household = True
    member.left_household_on = None
    return audit.save(db, member, actor=actor, action="member.return", family_id=family.id)
