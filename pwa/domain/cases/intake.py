"""Intake: from the social worker's request to the team's decision, the first contact and the
initial assessment (the steps before the first plan).

- The request (the community interview, the worker's analysis, the director's request, the
  hand-over to a contracted organisation) is part of the referral: `cases.ReferralForm`.
- The multiprofessional team (zespół multiprofesjonalny) decides whether to take the family
  on: take on, not take on (with a reason), or postpone. Where the centre's setting
  `requires_team_decision` is on, an assistant is assigned to a referred family only after a
  "take on" decision (`require_take_on`, called by `cases.assign_assistant`). Staff only.
- The first contact: the assistant explains her role, duties and rights and writes down the
  family's expectations in their own words; then the family consents (the work starts:
  `lifecycle.record_consent`) or refuses (the work ends, reason refused_at_first_contact).
- The initial assessment is the assessments module's form; the first plan waits for it
  (`plans.start_plan` asks `has_initial_assessment`).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from pwa.domain.assessments.situation import AREA_LABELS, AREAS
from pwa.domain.cases import caseload, consents, lifecycle
from pwa.domain.cases.intake_rules import (
    initial_assessment,
    team_decision_required,
    team_decisions,
    working_centre,
)
from pwa.domain.cases.members import lock_family, staff_family
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict
from pwa.domain.kernel.forms import FormErrors, checked, parse_enum
from pwa.i18n import format_date, local_today
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    CaseStatus,
    Centre,
    Consent,
    EndReason,
    Family,
    FamilyMember,
    FirstContact,
    GoalArea,
    Plan,
    TeamDecision,
    TeamDecisionKind,
    User,
    utcnow,
)

TEXT_LIMIT = 5000
PARTICIPANTS_LIMIT = 2000
GOAL_WORDING_LIMIT = 500  # plans.TEXT_LIMIT: a finding copied into a goal draft is cut to it

# Which area of the plan a finding of the assessment suggests for a goal.
FINDING_AREAS: dict[str, GoalArea] = {
    "children_situation": GoalArea.safety,
    "care_and_upbringing": GoalArea.care,
    "household": GoalArea.household,
    "finances": GoalArea.budget,
    "health": GoalArea.health,
    "work": GoalArea.work,
    "school": GoalArea.school,
    "family_view": GoalArea.other,
    "strengths": GoalArea.other,
}


def _not_before_referral(errors: FormErrors, field: str, day: date | None, family: Family) -> None:
    if day is not None and field not in errors and day < family.referred_on:
        errors[field] = _(
            "This date cannot be earlier than the referral (%(date)s).",
            date=format_date(family.referred_on),
        )


# --- the team's decision -------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamDecisionForm:
    """The team's meeting as the form sends it (strings, unchecked)."""

    met_on: str = ""
    participants: str = ""  # names and roles, one per line
    deficits: str = ""
    resources: str = ""
    decision: str = ""  # a TeamDecisionKind value
    reason: str = ""  # required when the team does not take the family on
    remarks: str = ""


def participant_lines(participants: str) -> list[str]:
    """The participants, one per line, blank lines left out."""
    return [line.strip() for line in participants.splitlines() if line.strip()]


def record_team_decision(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: TeamDecisionForm,
    now: datetime | None = None,
) -> TeamDecision:
    """Record the multiprofessional team's decision about a referred family (coordinators)."""
    policy.require_coordinator(actor)
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is not CaseStatus.referred:
        raise Conflict(
            _("The team decides before the work starts: this family's case is not a referral.")
        )
    errors = FormErrors()
    met_on = errors.day(
        "met_on", form.met_on, today=local_today(now), missing=_("Enter the date of the meeting.")
    )
    _not_before_referral(errors, "met_on", met_on, family)
    participants = errors.text(
        "participants",
        form.participants,
        limit=PARTICIPANTS_LIMIT,
        missing=_("Write who took part, one person a line: name and role."),
    )
    deficits = errors.text("deficits", form.deficits, limit=TEXT_LIMIT)
    resources = errors.text("resources", form.resources, limit=TEXT_LIMIT)
    decision = parse_enum(TeamDecisionKind, form.decision)
    if decision is None:
        errors["decision"] = _("Choose what the team decided.")
    reason = errors.text(
        "reason",
        form.reason,
        limit=TEXT_LIMIT,
        missing=(
            _("Give the reason why the team does not take the family on.")
            if decision is TeamDecisionKind.not_take_on
            else None
        ),
    )
    remarks = errors.text("remarks", form.remarks, limit=TEXT_LIMIT)
    errors.raise_any()
    assert met_on is not None and decision is not None
    row = TeamDecision(
        family_id=family.id,
        met_on=met_on,
        participants="\n".join(participant_lines(participants)),
        deficits=deficits,
        resources=resources,
        decision=decision,
        reason=reason,
        remarks=remarks,
        recorded_by_id=actor.id,
        created_at=now,
    )
    return audit.save(
        db, row, actor=actor, action="team_decision.create", family_id=family.id, decision=decision
    )


# --- the first contact ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FirstContactForm:
    """A first meeting with the family as the form sends it."""

    met_on: str = ""
    role_explained: str = ""  # a checkbox: "on" when ticked
    expectations: str = ""  # the family's expectations in their own words


def _require_referral_for_first_contact(family: Family) -> None:
    if family.status is not CaseStatus.referred:
        raise Conflict(
            _(
                "The first contact comes before the work starts: this family's case is not a referral."
            )
        )


def record_first_contact(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: FirstContactForm,
    now: datetime | None = None,
) -> FirstContact:
    """Record a first meeting with a referred family (its assistant or a coordinator)."""
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    _require_referral_for_first_contact(family)
    if caseload.current_assistant(db, family_id=family.id) is None:
        raise Conflict(_("Assign the family's assistant first: she makes the first contact."))
    errors = FormErrors()
    met_on = errors.day(
        "met_on", form.met_on, today=local_today(now), missing=_("Enter the date of the meeting.")
    )
    _not_before_referral(errors, "met_on", met_on, family)
    if not checked(form.role_explained):
        errors["role_explained"] = _(
            "Explain to the family the assistant's role, duties and rights, then tick this box."
        )
    expectations = errors.text(
        "expectations",
        form.expectations,
        limit=TEXT_LIMIT,
        missing=_("Write down what the family expects, in their own words."),
    )
    errors.raise_any()
    assert met_on is not None
    contact = FirstContact(
        family_id=family.id,
        met_on=met_on,
        role_explained=True,
        expectations=expectations,
        outcome="",
        recorded_by_id=actor.id,
        created_at=now,
    )
    return audit.save(db, contact, actor=actor, action="first_contact.create", family_id=family.id)


def first_contacts(db: Session, *, family_id: uuid.UUID) -> Sequence[FirstContact]:
    """The first meetings with the family, the latest first."""
    return db.exec(
        select(FirstContact)
        .where(FirstContact.family_id == family_id)
        .order_by(col(FirstContact.met_on).desc(), col(FirstContact.created_at).desc())
    ).all()


def _require_first_contact(db: Session, family: Family) -> FirstContact:
    found = first_contacts(db, family_id=family.id)
    if not found:
        raise Conflict(_("Record the first contact with the family first."))
    return found[0]


def _answered(db: Session, contact: FirstContact, outcome: str) -> None:
    """The first contact keeps the family's answer ("consent" or "refusal")."""
    contact.outcome = outcome
    db.add(contact)
    db.flush()


def consent_at_first_contact(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: lifecycle.ConsentGivenForm,
    now: datetime | None = None,
) -> Consent:
    """The family agrees at the first contact: the consent is recorded and the work starts."""
    family = staff_family(db, actor=actor, family_id=family_id)
    contact = _require_first_contact(db, family)
    consent = lifecycle.record_consent(db, actor=actor, family_id=family.id, form=form, now=now)
    _answered(db, contact, "consent")
    return consent


@dataclass(frozen=True)
class RefusalForm:
    """The family's refusal at the first contact: when, and in their words if they gave any."""

    refused_on: str = ""
    detail: str = ""


def refuse_at_first_contact(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: RefusalForm,
    now: datetime | None = None,
) -> Family:
    """The family refuses the assistant at the first contact: the work ends with that reason
    (no final assessment: the work never started)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    _require_referral_for_first_contact(family)
    contact = _require_first_contact(db, family)
    errors = FormErrors()
    refused_on = errors.day(
        "refused_on", form.refused_on, today=local_today(now or utcnow()),
        missing=_("Enter the date the family refused."),
    )  # fmt: skip
    _not_before_referral(errors, "refused_on", refused_on, family)
    errors.text("detail", form.detail, limit=TEXT_LIMIT)
    errors.raise_any()
    end = lifecycle.EndWorkForm(
        reason=EndReason.refused_at_first_contact.value,
        ended_on=form.refused_on,
        detail=form.detail,
    )
    ended = lifecycle.end_work(db, actor=actor, family_id=family.id, form=end, now=now)
    _answered(db, contact, "refusal")
    return ended


# --- the initial assessment and the first plan ---------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One area of the initial assessment, offered as the start of a goal."""

    area: str  # the assessment's area (AREAS)
    label: str
    text: str
    goal_area: GoalArea

    @property
    def goal_wording(self) -> str:
        return self.text[:GOAL_WORDING_LIMIT]


def findings(assessment: Assessment | None) -> list[Finding]:
    """The areas of the assessment that say something, in the form's order."""
    if assessment is None:
        return []
    return [
        Finding(area, _(AREA_LABELS[area]), text, FINDING_AREAS[area])
        for area in AREAS
        if (text := str(getattr(assessment, area)).strip())
    ]


# --- the intake page ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IntakeView:
    """Everything the intake page shows about one family (staff only)."""

    family: Family
    members: list[FamilyMember]
    referring_centre: Centre
    handled_by: Centre | None
    decision_required: bool
    decisions: Sequence[TeamDecision]
    assistant: User | None
    contacts: Sequence[FirstContact]
    consent: Consent | None
    initial: Assessment | None
    plan: Plan | None  # the newest version, if any

    @property
    def latest_decision(self) -> TeamDecision | None:
        return self.decisions[0] if self.decisions else None

    @property
    def taken_on(self) -> bool:
        latest = self.latest_decision
        return latest is not None and latest.decision is TeamDecisionKind.take_on

    @property
    def may_assign(self) -> bool:
        return not self.decision_required or self.taken_on or self.assistant is not None

    @property
    def refused(self) -> bool:
        return self.family.end_reason is EndReason.refused_at_first_contact


def intake_view(db: Session, *, actor: Actor, family_id: uuid.UUID) -> IntakeView:
    """The family's intake, step by step (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    members = db.exec(
        select(FamilyMember)
        .where(FamilyMember.family_id == family.id)
        .order_by(col(FamilyMember.created_at))
    ).all()
    referring = db.get(Centre, family.centre_id)
    assert referring is not None
    handled_by = (
        db.get(Centre, family.handled_by_centre_id) if family.handled_by_centre_id else None
    )
    plan = db.exec(
        select(Plan).where(Plan.family_id == family.id).order_by(col(Plan.version).desc())
    ).first()
    audit.record(db, actor=actor, action="intake.read", family_id=family.id, obj=family)
    return IntakeView(
        family=family,
        members=list(members),
        referring_centre=referring,
        handled_by=handled_by,
        decision_required=team_decision_required(db, family),
        decisions=team_decisions(db, family_id=family.id),
        assistant=caseload.current_assistant(db, family_id=family.id),
        contacts=first_contacts(db, family_id=family.id),
        consent=consents.current_consent(db, family_id=family.id),
        initial=initial_assessment(db, family=family),
        plan=plan,
    )


@dataclass(frozen=True)
class ConsentSheet:
    """The printable consent form: the centre's header, the family and its members."""

    centre: Centre
    family: Family
    adults: list[FamilyMember]
    children: list[FamilyMember]
    assistant: User | None
    today: date


def consent_sheet(
    db: Session, *, actor: Actor, family_id: uuid.UUID, now: datetime | None = None
) -> ConsentSheet:
    """What the printed consent form shows (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    members = db.exec(
        select(FamilyMember)
        .where(FamilyMember.family_id == family.id, col(FamilyMember.in_household))
        .order_by(col(FamilyMember.created_at))
    ).all()
    audit.record(db, actor=actor, action="consent_form.print", family_id=family.id, obj=family)
    return ConsentSheet(
        centre=working_centre(db, family),
        family=family,
        adults=[m for m in members if m.relation.value != "child"],
        children=[m for m in members if m.relation.value == "child"],
        assistant=caseload.current_assistant(db, family_id=family.id),
        today=local_today(now or utcnow()),
    )
