"""The work plan's sign-offs: consultation with the social worker, coordination with the
foster-care coordinator, and the family's agreement (on their phone or on paper).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlmodel import Session

from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Forbidden
from pwa.domain.kernel.forms import FormErrors
from pwa.domain.kernel.policy import Access
from pwa.domain.plans import views
from pwa.domain.plans.editing import (
    draft_to_change,
    family_member,
    lock_plan,
    replaced,
    require_open,
)
from pwa.domain.plans.views import contents, get_plan, plan_in_force
from pwa.i18n import WARSAW, local_today
from pwa.i18n import gettext as _
from pwa.models import (
    AgreementMethod,
    Family,
    FamilyMember,
    Plan,
    PlanStatus,
    Relation,
    Role,
    utcnow,
)

NAME_LIMIT = 120  # Plan.consulted_with and the foster-care coordination fields
REMARKS_LIMIT = 5000


@dataclass(frozen=True)
class ConsultationForm:
    consulted_on: str = ""  # yyyy-mm-dd
    consulted_with: str = ""  # the social worker
    remarks: str = ""  # staff only: never shown to the family


@dataclass(frozen=True)
class FosterCoordinationForm:
    coordinator: str = ""  # who coordinates the child's foster care
    reference: str = ""  # the coordinator's plan for the child
    coordinated_on: str = ""  # yyyy-mm-dd


@dataclass(frozen=True)
class PaperAgreementForm:
    signed_on: str = ""  # yyyy-mm-dd
    member_id: str = ""  # the adult family member who signed


def _past_day(
    errors: FormErrors, field: str, value: str, missing: str, now: datetime
) -> date | None:
    return errors.day(field, value, today=local_today(now), missing=missing)


def record_consultation(
    db: Session,
    *,
    actor: Actor,
    plan_id: uuid.UUID,
    form: ConsultationForm,
    now: datetime | None = None,
) -> Plan:
    """The consultation of the plan with the social worker (date, name, remarks)."""
    now = now or utcnow()
    plan, family = get_plan(db, actor=actor, plan_id=plan_id)
    errors = FormErrors()
    consulted_on = _past_day(
        errors, "consulted_on", form.consulted_on, _("Enter the date of the consultation."), now
    )
    consulted_with = errors.text(
        "consulted_with", form.consulted_with, limit=NAME_LIMIT,
        missing=_("Enter the social worker's name."),
    )  # fmt: skip
    remarks = errors.text("remarks", form.remarks, limit=REMARKS_LIMIT)
    errors.raise_any()
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    draft.consulted_on, draft.consulted_with = consulted_on, consulted_with
    draft.consultation_remarks = remarks
    return audit.save(db, draft, actor=actor, action="plan.consultation", family_id=family.id)


def record_foster_coordination(
    db: Session,
    *,
    actor: Actor,
    plan_id: uuid.UUID,
    form: FosterCoordinationForm,
    now: datetime | None = None,
) -> Plan:
    """The plan's coordination with the foster-care coordinator's plan for the child."""
    now = now or utcnow()
    plan, family = get_plan(db, actor=actor, plan_id=plan_id)
    if not family.foster_care:
        raise Conflict(
            _("No child of this family is in foster care: there is no plan to coordinate with.")
        )
    errors = FormErrors()
    coordinator = errors.text(
        "coordinator",
        form.coordinator,
        limit=NAME_LIMIT,
        missing=_("Enter who coordinates the child's foster care."),
    )
    reference = errors.text("reference", form.reference, limit=NAME_LIMIT)
    coordinated_on = _past_day(
        errors,
        "coordinated_on",
        form.coordinated_on,
        _("Enter the date of the coordination."),
        now,
    )
    errors.raise_any()
    draft = draft_to_change(db, actor=actor, plan=plan, family=family, now=now)
    draft.foster_coordination_with = coordinator
    draft.foster_coordination_reference = reference
    draft.foster_coordination_on = coordinated_on
    return audit.save(db, draft, actor=actor, action="plan.coordination", family_id=family.id)


# --- agreement ---------------------------------------------------------------------------


def agree_on_phone(
    db: Session, *, actor: Actor, plan_id: uuid.UUID, fingerprint: str, now: datetime | None = None
) -> Plan:
    """An adult member, signed in on their own phone, agrees to the version they have read.

    `fingerprint` is the one shown with that version (SharedVersion.fingerprint): a plan
    changed meanwhile is refused rather than agreed to unseen.
    """
    plan, family = get_plan(db, actor=actor, plan_id=plan_id, need=Access.shared)
    user = actor.user
    member = db.get(FamilyMember, user.family_member_id) if user.family_member_id else None
    if user.role is not Role.family or member is None or member.family_id != family.id:
        raise Forbidden(_("Only a member of the family can agree to the plan on their phone."))
    if member.relation is Relation.child:
        raise Forbidden(_("Only an adult member of the family can agree to the plan."))
    return _agree(
        db,
        actor=actor,
        plan=plan,
        family=family,
        seen=fingerprint,
        agreed_at=now or utcnow(),
        agreement_method=AgreementMethod.phone,
        agreed_by_user_id=user.id,
        agreed_by_member_id=member.id,
    )


def record_paper_agreement(
    db: Session,
    *,
    actor: Actor,
    plan_id: uuid.UUID,
    form: PaperAgreementForm,
    now: datetime | None = None,
) -> Plan:
    """The assistant records that an adult member signed a paper copy (when, who)."""
    now = now or utcnow()
    plan, family = get_plan(db, actor=actor, plan_id=plan_id)
    errors = FormErrors()
    signed_on = _past_day(
        errors, "signed_on", form.signed_on, _("Enter the date of the signature."), now
    )
    if (
        signed_on is not None
        and "signed_on" not in errors
        and signed_on < local_today(plan.created_at)
    ):
        errors["signed_on"] = _("This version of the plan did not exist yet on that day.")
    member = family_member(db, family.id, form.member_id)
    if member is None or member.relation is Relation.child:
        errors["member_id"] = _("Choose the adult family member who signed the plan.")
    errors.raise_any()
    assert signed_on is not None and member is not None
    return _agree(
        db,
        actor=actor,
        plan=plan,
        family=family,
        seen=None,
        # The day is what was signed; the hour is ours (noon keeps the day in any zone).
        agreed_at=now
        if signed_on == local_today(now)
        else datetime.combine(signed_on, time(12), tzinfo=WARSAW),
        agreement_method=AgreementMethod.paper,
        agreed_by_user_id=None,
        agreed_by_member_id=member.id,
        recorded_by_id=actor.id,
    )


def _agree(
    db: Session, *, actor: Actor, plan: Plan, family: Family, seen: str | None, **agreement: object
) -> Plan:
    require_open(db, family)
    draft = lock_plan(db, plan.id)
    if draft.status is PlanStatus.agreed:
        raise Conflict(_("The family has already agreed to this version of the plan."))
    if draft.status is not PlanStatus.draft:
        raise replaced()
    said = contents(db, plan=draft)
    if seen is not None and seen != views.fingerprint(said.goals, said.tasks):
        raise Conflict(_("The plan was changed while you were reading it. Please read it again."))
    if not said.goals:
        raise Conflict(_("The plan has no goals yet."))
    for goal in said.goals:
        if not said.tasks_by_goal[goal.id]:
            raise Conflict(_('The goal "%(goal)s" has no tasks yet.', goal=goal.wording))
    previous = plan_in_force(db, family_id=family.id)
    if previous is not None:
        previous = lock_plan(db, previous.id)
        previous.status = PlanStatus.superseded
        db.add(previous)
    draft.status = PlanStatus.agreed
    for name, value in agreement.items():
        setattr(draft, name, value)
    return audit.save(
        db,
        draft,
        actor=actor,
        action="plan.agree",
        family_id=family.id,
        version=draft.version,
        method=draft.agreement_method,
    )
