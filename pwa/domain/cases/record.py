"""Cases: registering a referred family, reading its record, assigning its assistant.

The life cycle (consent, end of work, monitoring, closing, reopening) is in `lifecycle`,
changes to the members in `members`. Forms arrive as frozen dataclasses of the strings the
browser sent; every field error is reported at once in `Invalid.errors`.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from pwa.domain.cases import caseload, consents, intake_rules
from pwa.domain.cases.members import (
    MemberForm,
    MemberValues,
    centre_of,
    check_member,
    lock_family,
    staff_family,
)
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.domain.kernel.forms import FormErrors, checked, parse_uuid
from pwa.i18n import format_date, local_today
from pwa.i18n import gettext as _
from pwa.models import (
    Assignment,
    CaseEvent,
    CaseStatus,
    Centre,
    Consent,
    Family,
    FamilyMember,
    Relation,
    Role,
    User,
    utcnow,
)

REASON_LIMIT = 5000


# --- the referral ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralForm:
    """A referred family as the coordinator's form sends it (strings, unchecked).

    Checkboxes are "on" when ticked; `referred_on` left blank means today. `members` are
    read by `register_family` only: later changes go through `members`.
    """

    case_number: str
    name: str
    address: str
    phone: str
    referral_reason: str
    social_worker_name: str
    social_worker_phone: str = ""
    social_worker_email: str = ""
    referred_on: str = ""
    za_zyciem: str = ""
    foster_care: str = ""
    foster_care_coordinator: str = ""
    # The request: the social worker's community interview and analysis, the director's request.
    interview_on: str = ""
    interview_by: str = ""
    situation_analysis: str = ""
    director_request_on: str = ""
    director_request_reference: str = ""
    # The hand-over to a contracted organisation (a Centre whose parent is this centre).
    handled_by_centre_id: str = ""
    handed_over_on: str = ""
    members: tuple[MemberForm, ...] = ()


INTAKE_FIELDS = (
    "interview_on", "interview_by", "situation_analysis", "director_request_on",
    "director_request_reference",
)  # fmt: skip
HANDOVER_FIELDS = ("handled_by_centre_id", "handed_over_on")


def referral_form_of(family: Family) -> ReferralForm:
    """The family's stored referral as its edit form shows it (saving it changes nothing)."""

    def iso(day: date | None) -> str:
        return day.isoformat() if day else ""

    return ReferralForm(
        case_number=family.case_number,
        name=family.name,
        address=family.address,
        phone=family.phone,
        referral_reason=family.referral_reason,
        social_worker_name=family.social_worker_name,
        social_worker_phone=family.social_worker_phone,
        social_worker_email=family.social_worker_email,
        referred_on=family.referred_on.isoformat(),
        za_zyciem="on" if family.za_zyciem else "",
        foster_care="on" if family.foster_care else "",
        foster_care_coordinator=family.foster_care_coordinator,
        interview_on=iso(family.interview_on),
        interview_by=family.interview_by,
        situation_analysis=family.situation_analysis,
        director_request_on=iso(family.director_request_on),
        director_request_reference=family.director_request_reference,
        handled_by_centre_id=str(family.handled_by_centre_id or ""),
        handed_over_on=iso(family.handed_over_on),
    )


def contracted_organisations(db: Session, *, centre_id: uuid.UUID) -> list[Centre]:
    """The organisations the centre may hand its families' work over to."""
    return list(
        db.exec(
            select(Centre).where(Centre.parent_centre_id == centre_id).order_by(col(Centre.name))
        ).all()
    )


def may_hand_over(family: Family, *, actor: Actor) -> bool:
    """Only the referring centre hands a referral over, and only before the work starts."""
    return actor.centre_id == family.centre_id and family.status is CaseStatus.referred


def hand_over_choices(db: Session, *, actor: Actor, family: Family | None = None) -> list[Centre]:
    """The organisations the actor may hand `family` (or a new referral) over to; often none."""
    if family is not None and not may_hand_over(family, actor=actor):
        return []
    return contracted_organisations(db, centre_id=actor.centre_id)


def _intake_values(form: ReferralForm, *, today: date, errors: FormErrors) -> dict[str, object]:
    """The request's fields (all optional; a later date is not before an earlier one)."""
    interview_on = errors.day("interview_on", form.interview_on, today=today)
    request_on = errors.day("director_request_on", form.director_request_on, today=today)
    if interview_on and request_on and request_on < interview_on:
        errors["director_request_on"] = _(
            "The director's request cannot be earlier than the community interview (%(date)s).",
            date=format_date(interview_on),
        )
    return {
        "interview_on": interview_on,
        "interview_by": errors.text("interview_by", form.interview_by, limit=120),
        "situation_analysis": errors.text(
            "situation_analysis", form.situation_analysis, limit=REASON_LIMIT
        ),
        "director_request_on": request_on,
        "director_request_reference": errors.text(
            "director_request_reference", form.director_request_reference, limit=80
        ),
    }


def _handover_values(
    db: Session, form: ReferralForm, *, centre_id: uuid.UUID, today: date, errors: FormErrors
) -> dict[str, object]:
    """Which contracted organisation took the work over, and when (both or neither)."""
    organisations = {c.id for c in contracted_organisations(db, centre_id=centre_id)}
    if not organisations:  # the form asks nothing of a centre that hands no work over
        return {"handled_by_centre_id": None, "handed_over_on": None}
    raw = form.handled_by_centre_id.strip()
    handed_over_on = errors.day("handed_over_on", form.handed_over_on, today=today)
    if not raw:
        if handed_over_on is not None:
            errors["handled_by_centre_id"] = _("Choose the organisation that took the work over.")
        return {"handled_by_centre_id": None, "handed_over_on": None}
    chosen = parse_uuid(raw)
    if chosen not in organisations:
        errors["handled_by_centre_id"] = _("Choose one of the centre's contracted organisations.")
    if handed_over_on is None and "handed_over_on" not in errors:
        errors["handed_over_on"] = _("Enter the date the organisation took the work over.")
    return {"handled_by_centre_id": chosen, "handed_over_on": handed_over_on}


def _referral_values(form: ReferralForm, *, today: date, errors: FormErrors) -> dict[str, object]:
    foster_care = checked(form.foster_care)
    coordinator_missing = _("Enter who coordinates the child's foster care.")
    values: dict[str, object] = {
        "case_number": " ".join(
            errors.text(
                "case_number", form.case_number, limit=40, missing=_("Enter the case number.")
            ).split()
        ),
        "name": errors.text(
            "name",
            form.name,
            limit=120,
            missing=_("Enter the family's name, e.g. Kowalscy."),
        ),
        "address": errors.text(
            "address", form.address, limit=200, missing=_("Enter the family's address.")
        ),
        "phone": errors.phone("phone", form.phone),
        "referral_reason": errors.text(
            "referral_reason",
            form.referral_reason,
            limit=REASON_LIMIT,
            missing=_("Describe in a few sentences why the family was referred."),
        ),
        "social_worker_name": errors.text(
            "social_worker_name",
            form.social_worker_name,
            limit=120,
            missing=_("Enter the social worker's name."),
        ),
        "social_worker_phone": errors.phone("social_worker_phone", form.social_worker_phone),
        "social_worker_email": errors.email("social_worker_email", form.social_worker_email),
        "referred_on": errors.day("referred_on", form.referred_on, today=today) or today,
        "za_zyciem": checked(form.za_zyciem),
        "foster_care": foster_care,
        "foster_care_coordinator": errors.text(
            "foster_care_coordinator",
            form.foster_care_coordinator,
            limit=300,
            missing=coordinator_missing if foster_care else None,
        ),
    }
    return values


def _handover_after_referral(values: dict[str, object], errors: FormErrors) -> None:
    handed_over_on, referred_on = values.get("handed_over_on"), values.get("referred_on")
    if (
        isinstance(handed_over_on, date)
        and isinstance(referred_on, date)
        and handed_over_on < referred_on
        and "handed_over_on" not in errors
    ):
        errors["handed_over_on"] = _(
            "This date cannot be earlier than the referral (%(date)s).",
            date=format_date(referred_on),
        )


def _case_number_taken(
    db: Session, *, centre_id: uuid.UUID, case_number: str, but: uuid.UUID | None = None
) -> bool:
    query = select(Family.id).where(
        Family.centre_id == centre_id, Family.case_number == case_number
    )
    if but is not None:
        query = query.where(Family.id != but)
    return db.exec(query).first() is not None


def _case_number_error() -> str:
    return _("This case number is already used in the centre.")


def register_family(
    db: Session, *, actor: Actor, form: ReferralForm, now: datetime | None = None
) -> Family:
    """Register a referred family with its members (coordinators only)."""
    policy.require_coordinator(actor)
    today = local_today(now or utcnow())
    errors = FormErrors()
    values = _referral_values(form, today=today, errors=errors)
    values |= _intake_values(form, today=today, errors=errors)
    values |= _handover_values(db, form, centre_id=actor.centre_id, today=today, errors=errors)
    _handover_after_referral(values, errors)
    members: list[MemberValues] = []
    for index, member_form in enumerate(form.members):
        if member_form.is_blank():
            continue  # the spare empty rows of the form
        member = check_member(member_form, today=today, errors=errors, prefix=f"members-{index}-")
        if member is not None:
            members.append(member)
    named = [m for m in form.members if not m.is_blank()]
    if not any(m.relation != Relation.child for m in named):
        errors["members"] = _("Add at least one adult member of the family.")
    case_number = str(values["case_number"])
    if case_number and _case_number_taken(db, centre_id=actor.centre_id, case_number=case_number):
        errors["case_number"] = _case_number_error()
    errors.raise_any()

    family = Family(centre_id=actor.centre_id, status=CaseStatus.referred, **values)  # type: ignore[arg-type]
    try:
        with db.begin_nested():
            db.add(family)
            db.flush()
    except IntegrityError:  # registered by someone else a moment ago
        raise Invalid(
            _("Please correct the marked fields."), errors={"case_number": _case_number_error()}
        ) from None
    for member in members:
        db.add(FamilyMember(family_id=family.id, **asdict(member)))
    db.add(
        CaseEvent(
            family_id=family.id,
            on_date=family.referred_on,
            from_status=None,
            to_status=CaseStatus.referred,
            reason="",
            by_user_id=actor.id,
        )
    )
    db.flush()
    audit.record(db, actor=actor, action="family.create", family_id=family.id, obj=family)
    return family


@dataclass(frozen=True)
class ReferralChange:
    """A corrected referral, and the assignment its hand-over ended (if it ended one)."""

    family: Family
    ended_assignment: Assignment | None = None


def update_referral(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ReferralForm,
    now: datetime | None = None,
) -> Family:
    """Correct the family's referral data (its staff); `form.members` is not read here."""
    return correct_referral(db, actor=actor, family_id=family_id, form=form, now=now).family


def correct_referral(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ReferralForm,
    now: datetime | None = None,
) -> ReferralChange:
    """`update_referral`, telling whether a hand-over ended the assistant's assignment."""
    family = staff_family(db, actor=actor, family_id=family_id)
    now = now or utcnow()
    today = local_today(now)
    errors = FormErrors()
    values = _referral_values(form, today=today, errors=errors)
    if not form.referred_on.strip():
        values["referred_on"] = family.referred_on  # blank keeps the date as registered
    values |= _intake_values(form, today=today, errors=errors)
    if may_hand_over(family, actor=actor):
        values |= _handover_values(db, form, centre_id=family.centre_id, today=today, errors=errors)
        _handover_after_referral(values, errors)
    # Otherwise the hand-over stays as it is: only the referring centre hands a referral over
    # (an organisation's coordinator never sees the choice, and work under way stays put).
    case_number = str(values["case_number"])
    if case_number and _case_number_taken(
        db, centre_id=family.centre_id, case_number=case_number, but=family.id
    ):
        errors["case_number"] = _case_number_error()
    errors.raise_any()
    changed = sorted(field for field, value in values.items() if getattr(family, field) != value)
    for field in changed:
        setattr(family, field, values[field])
    try:
        with db.begin_nested():
            db.add(family)
            db.flush()
    except IntegrityError:
        raise Invalid(
            _("Please correct the marked fields."), errors={"case_number": _case_number_error()}
        ) from None
    audit.record(
        db, actor=actor, action="family.update", family_id=family.id, obj=family, fields=changed
    )
    ended = None
    if "handled_by_centre_id" in changed:
        ended = end_stale_assignment(db, actor=actor, family=family, now=now)
    return ReferralChange(family=family, ended_assignment=ended)


# --- the family's record ----------------------------------------------------------------------


@dataclass(frozen=True)
class FamilyRecord:
    """What staff see on a family's page: the referral, members, assistant, consent."""

    family: Family
    members: list[FamilyMember]
    assistant: User | None
    consent: Consent | None


_RELATION_ORDER = (Relation.parent, Relation.guardian, Relation.other, Relation.child)


def _member_order(member: FamilyMember) -> tuple[bool, int, date]:
    """Those at home first; adults before children; children from the eldest."""
    born = member.birth_date or date.min
    return (not member.in_household, _RELATION_ORDER.index(member.relation), born)


def family_record(db: Session, *, actor: Actor, family_id: uuid.UUID) -> FamilyRecord:
    """The family's record for its staff (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    members = db.exec(
        select(FamilyMember)
        .where(FamilyMember.family_id == family.id)
        .order_by(col(FamilyMember.created_at))
    ).all()
    audit.record(db, actor=actor, action="family.read", family_id=family.id, obj=family)
    return FamilyRecord(
        family=family,
        members=sorted(members, key=_member_order),
        assistant=caseload.current_assistant(db, family_id=family.id),
        consent=consents.current_consent(db, family_id=family.id),
    )


# --- assignment and the limit of 15 families ---------------------------------------------------


class CaseloadFull(Conflict):
    """The assistant already works with as many families as the law allows."""

    def __init__(self, assistant: User, counted: int) -> None:
        super().__init__(
            _(
                "%(name)s already works with %(count)s families. A family assistant may work "
                "with at most %(limit)s families at once (art. 15 ust. 4 of the act of 9 June "
                "2011 on supporting the family and the foster care system). Choose another "
                "assistant or end the work with one of the families first.",
                name=assistant.full_name,
                count=counted,
                limit=caseload.MAX_FAMILIES_PER_ASSISTANT,
            )
        )
        self.assistant = assistant
        self.counted = counted


def ensure_room(
    db: Session, *, assistant_id: uuid.UUID, family: Family, status: CaseStatus
) -> None:
    """Refuse to let `family` (about to be in `status`) count as the assistant's 16th family.

    The assistant's row is locked first (SELECT ... FOR UPDATE), so two coordinators assigning
    at the same moment are served one after the other and the second one counts the first
    one's family; on SQLite the write lock taken at BEGIN does the same.
    """
    assistant = db.exec(
        select(User)
        .where(User.id == assistant_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
    centre = centre_of(db, family)
    counted_statuses = caseload.counted_statuses(centre)
    if status not in counted_statuses:
        return
    counted = db.exec(
        select(sa.func.count())
        .select_from(Assignment)
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(
            Assignment.assistant_id == assistant_id,
            col(Assignment.ended_at).is_(None),
            Assignment.family_id != family.id,
            col(Family.status).in_([s.value for s in counted_statuses]),
        )
    ).one()
    if counted >= caseload.MAX_FAMILIES_PER_ASSISTANT:
        raise CaseloadFull(assistant, int(counted))


def current_assignment(db: Session, *, family_id: uuid.UUID) -> Assignment | None:
    return db.exec(
        select(Assignment).where(
            Assignment.family_id == family_id, col(Assignment.ended_at).is_(None)
        )
    ).first()


def assign_assistant(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    assistant_id: str,
    now: datetime | None = None,
) -> Assignment:
    """Assign (or reassign) the family's assistant, within the limit of 15 families."""
    policy.require_coordinator(actor)
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is closed: reopen it before assigning an assistant."))
    working_centre_id = policy.working_centre_id(family)
    if actor.centre_id != working_centre_id:
        raise Conflict(
            _(
                "The work with this family was handed over to %(name)s: its coordinator "
                "assigns the assistant.",
                name=intake_rules.working_centre(db, family).name,
            )
        )
    intake_rules.require_take_on(db, family=family)
    chosen = parse_uuid(assistant_id)
    assistant = db.get(User, chosen) if chosen else None
    if (
        assistant is None
        or assistant.centre_id != working_centre_id
        or assistant.role is not Role.assistant
        or not assistant.is_active
    ):
        raise Invalid(
            _("Please correct the marked fields."),
            errors={"assistant_id": _("Choose a family assistant of the centre.")},
        )
    previous = current_assignment(db, family_id=family.id)
    if previous is not None and previous.assistant_id == assistant.id:
        return previous  # already hers: a repeated form changes nothing
    ensure_room(db, assistant_id=assistant.id, family=family, status=family.status)
    if previous is not None:
        previous.ended_at = now
        db.add(previous)
    assignment = Assignment(
        family_id=family.id, assistant_id=assistant.id, assigned_by_id=actor.id, started_at=now
    )
    return audit.save(
        db,
        assignment,
        actor=actor,
        action="family.assign",
        family_id=family.id,
        assistant_id=assistant.id,
        previous_assistant_id=previous.assistant_id if previous else None,
    )


def end_assignment(db: Session, *, family: Family, now: datetime) -> Assignment | None:
    """End the family's current assignment (when its case closes); the ended one, if any."""
    assignment = current_assignment(db, family_id=family.id)
    if assignment is not None:
        assignment.ended_at = now
        db.add(assignment)
    return assignment


def end_stale_assignment(
    db: Session, *, actor: Actor | None, family: Family, now: datetime
) -> Assignment | None:
    """End the open assignment of an assistant who is not of the centre handling the family.

    One rule for who holds a family: its assistant belongs to the centre that works with it
    now. A hand-over moves the work to another team, so the old assistant's access ends with
    it (audited; the timeline shows it) and the new centre's coordinator assigns.
    """
    assignment = current_assignment(db, family_id=family.id)
    if assignment is None:
        return None
    assistant = db.get(User, assignment.assistant_id)
    if assistant is not None and assistant.centre_id == policy.working_centre_id(family):
        return None
    assignment.ended_at = now
    return audit.save(
        db,
        assignment,
        actor=actor,
        action="family.unassign",
        family_id=family.id,
        assistant_id=assignment.assistant_id,
        reason="handed over",
    )
