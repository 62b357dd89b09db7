"""The life cycle of a case, as a state machine: every change is checked, audited and kept.

    referred ──consent──▶ active ──end──▶ ended ──▶ monitoring ──▶ closed ──reopen──▶ referred
        └──────────end (refused, moved away, other)──▶ ended ──────────▶ closed

Each transition writes a CaseEvent (the family's timeline and the reports read them) and an
audit event. A transition that would make a family count toward an assistant's limit again
(reopening, monitoring that counts) is checked against the limit of 15 families. Closing a
case ends the assistant's assignment; a reopened case is a referral again: it needs an
assistant and the family's consent.

Here: the transitions, the consent, the end of the work and what a page may offer next;
monitoring, closing and reopening (what follows the end) are in `closing`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from pwa.domain.cases import caseload, consents
from pwa.domain.cases.members import centre_of, lock_family
from pwa.domain.cases.record import REASON_LIMIT, current_assignment, ensure_room
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict
from pwa.domain.kernel.forms import FormErrors, parse_enum, parse_uuid
from pwa.i18n import format_date, local_today
from pwa.i18n import gettext as _
from pwa.models import (
    CaseEvent,
    CaseStatus,
    Consent,
    ConsentForm,
    EndReason,
    Family,
    FamilyMember,
    Relation,
    Role,
    utcnow,
)

# Every allowed change of state; anything else is refused.
TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.referred: frozenset({CaseStatus.active, CaseStatus.ended}),
    CaseStatus.active: frozenset({CaseStatus.ended}),
    CaseStatus.ended: frozenset({CaseStatus.monitoring, CaseStatus.closed}),
    CaseStatus.monitoring: frozenset({CaseStatus.closed}),
    CaseStatus.closed: frozenset({CaseStatus.referred}),
}

# Why work can end, by the state it ends from.
END_REASONS: dict[CaseStatus, frozenset[EndReason]] = {
    CaseStatus.referred: frozenset(
        {EndReason.refused_at_first_contact, EndReason.moved_away, EndReason.other}
    ),
    CaseStatus.active: frozenset(
        {EndReason.goals_met, EndReason.consent_withdrawn, EndReason.moved_away, EndReason.other}
    ),
}

# The audit log's verb for arriving in each state.
_AUDIT_ACTIONS = {
    CaseStatus.active: "case.start",
    CaseStatus.ended: "case.end",
    CaseStatus.monitoring: "case.monitor",
    CaseStatus.closed: "case.close",
    CaseStatus.referred: "case.reopen",
}

# Reasons that need a word of explanation.
_EXPLAINED = frozenset({EndReason.consent_withdrawn, EndReason.other})


def can_transition(from_status: CaseStatus, to_status: CaseStatus) -> bool:
    return to_status in TRANSITIONS[from_status]


def transition(
    db: Session,
    *,
    actor: Actor,
    family: Family,
    to_status: CaseStatus,
    on: date,
    reason: str,
    now: datetime,
    end_reason: EndReason | None = None,
    **detail: Any,
) -> CaseEvent:
    """Move the (locked) family to `to_status`, with its CaseEvent and audit event (the one way
    a case changes state)."""
    from_status = family.status
    if not can_transition(from_status, to_status):
        raise Conflict(_("This change of the case's state is not allowed."))
    assignment = current_assignment(db, family_id=family.id)
    counted = caseload.counted_statuses(centre_of(db, family))
    if assignment is not None and to_status in counted and from_status not in counted:
        ensure_room(db, assistant_id=assignment.assistant_id, family=family, status=to_status)
    event = CaseEvent(
        family_id=family.id,
        at=now,
        on_date=on,
        from_status=from_status,
        to_status=to_status,
        end_reason=end_reason,
        reason=reason,
        by_user_id=actor.id,
    )
    family.status = to_status
    db.add(family)
    db.add(event)
    db.flush()
    if end_reason is not None:
        detail["end_reason"] = end_reason
    audit.record(
        db,
        actor=actor,
        action=_AUDIT_ACTIONS[to_status],
        family_id=family.id,
        obj=event,
        from_status=from_status,
        to_status=to_status,
        **detail,
    )
    return event


# --- consent -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsentGivenForm:
    """The family's consent as the form sends it: when, which member, in what form."""

    given_on: str
    member_id: str
    form: str


def _consenting_member(
    db: Session, family: Family, raw_id: str, errors: FormErrors
) -> FamilyMember | None:
    member_id = parse_uuid(raw_id)
    member = db.get(FamilyMember, member_id) if member_id else None
    if member is None or member.family_id != family.id or not member.in_household:
        errors["member_id"] = _("Choose the member of the family who gave the consent.")
        return None
    if member.relation is Relation.child:
        errors["member_id"] = _("A child cannot give the consent: choose a parent or guardian.")
        return None
    return member


def record_consent(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: ConsentGivenForm,
    now: datetime | None = None,
) -> Consent:
    """Record the family's consent; for a referred family the work starts on that day."""
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.closed:
        raise Conflict(_("The case is closed: reopen it first."))
    if family.status in (CaseStatus.ended, CaseStatus.monitoring):
        raise Conflict(_("The work with this family has ended: its consent cannot be recorded."))
    if family.status is CaseStatus.active and consents.current_consent(db, family_id=family.id):
        raise Conflict(_("The family's consent is already recorded."))
    errors = FormErrors()
    given_on = errors.day(
        "given_on",
        form.given_on,
        today=local_today(now),
        missing=_("Enter the date the consent was given."),
    )
    if given_on is not None and given_on < family.referred_on:
        errors["given_on"] = _(
            "The consent cannot be earlier than the referral (%(date)s).",
            date=format_date(family.referred_on),
        )
    member = _consenting_member(db, family, form.member_id, errors)
    consent_form = parse_enum(ConsentForm, form.form)
    if consent_form is None:
        errors["form"] = _("Choose whether the consent was given in writing or orally.")
    errors.raise_any()
    assert given_on is not None and member is not None and consent_form is not None
    consent = Consent(
        family_id=family.id,
        given_on=given_on,
        given_by_member_id=member.id,
        form=consent_form,
        recorded_by_id=actor.id,
        created_at=now,
    )
    audit.save(db, consent, actor=actor, action="consent.create", family_id=family.id)
    if family.status is CaseStatus.referred:
        family.work_started_on = given_on
        transition(
            db, actor=actor, family=family, to_status=CaseStatus.active, on=given_on,
            reason="", now=now,
        )  # fmt: skip
    return consent


@dataclass(frozen=True)
class WithdrawalForm:
    """The withdrawal of the consent as the form sends it (blank date = today)."""

    withdrawn_on: str
    reason: str


def _withdraw(consent: Consent, *, on: date, reason: str, errors: FormErrors) -> None:
    if on < consent.given_on:
        errors["withdrawn_on"] = _(
            "The consent cannot be withdrawn before it was given (%(date)s).",
            date=format_date(consent.given_on),
        )
        return
    consent.withdrawn_on = on
    consent.withdrawal_reason = reason


def withdraw_consent(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: WithdrawalForm,
    now: datetime | None = None,
) -> Consent:
    """The family withdraws its consent: the work under way ends, with the reason given."""
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    consent = consents.current_consent(db, family_id=family.id)
    if consent is None:
        raise Conflict(_("The family has no consent in force that could be withdrawn."))
    errors = FormErrors()
    on = errors.day("withdrawn_on", form.withdrawn_on, today=local_today(now)) or local_today(now)
    reason = errors.text(
        "reason", form.reason, limit=REASON_LIMIT, missing=_("Give the reason in a few words.")
    )
    if not errors:
        _withdraw(consent, on=on, reason=reason, errors=errors)
    errors.raise_any()
    audit.save(db, consent, actor=actor, action="consent.withdraw", family_id=family.id)
    if family.status is CaseStatus.active:
        _end(db, actor=actor, family=family, reason=EndReason.consent_withdrawn, on=on,
             detail=reason, now=now)  # fmt: skip
    return consent


# --- the end of the work (monitoring, closing and reopening are in `closing`) ---------------------------------------------------


@dataclass(frozen=True)
class EndWorkForm:
    """The end of the work as the form sends it (blank date = today)."""

    reason: str
    ended_on: str
    detail: str = ""


def _end(
    db: Session,
    *,
    actor: Actor,
    family: Family,
    reason: EndReason,
    on: date,
    detail: str,
    now: datetime,
) -> None:
    transition(
        db, actor=actor, family=family, to_status=CaseStatus.ended, on=on,
        reason=detail, now=now, end_reason=reason,
    )  # fmt: skip
    family.ended_on = on
    family.end_reason = reason
    family.monitoring_until = None
    db.add(family)


def end_work(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: EndWorkForm,
    now: datetime | None = None,
    with_final_assessment: bool = False,
) -> Family:
    """End the work with the family, for one of the reasons the state allows.

    Work under way ends with its final assessment (`assessments.end_work_with_final_assessment`
    passes `with_final_assessment`), except when the family withdraws its consent.
    """
    now = now or utcnow()
    family = lock_family(db, actor=actor, family_id=family_id)
    if family.status not in END_REASONS:
        raise Conflict(_("The work with this family has already ended."))
    reason = parse_enum(EndReason, form.reason)
    if (
        family.status is CaseStatus.active
        and reason is not EndReason.consent_withdrawn
        and not with_final_assessment
    ):
        raise Conflict(
            _(
                "Work under way ends with the final assessment: "
                "use “End the work with the final assessment”."
            )
        )
    errors = FormErrors()
    if reason is None:
        errors["reason"] = _("Choose why the work ends.")
    elif reason not in END_REASONS[family.status]:
        errors["reason"] = (
            _("The work has not started yet: choose another reason.")
            if family.status is CaseStatus.referred
            else _("The work has already started: choose another reason.")
        )
    detail = errors.text(
        "detail",
        form.detail,
        limit=REASON_LIMIT,
        missing=_("Give the reason in a few words.") if reason in _EXPLAINED else None,
    )
    today = local_today(now)
    on = errors.day("ended_on", form.ended_on, today=today) or today
    started = family.work_started_on or family.referred_on
    if "ended_on" not in errors and on < started:
        errors["ended_on"] = _(
            "The work cannot end before it started (%(date)s).", date=format_date(started)
        )
    consent = consents.current_consent(db, family_id=family.id)
    if not errors and reason is EndReason.consent_withdrawn:
        if consent is None:
            errors["reason"] = _("The family has no consent in force that could be withdrawn.")
        else:
            _withdraw(consent, on=on, reason=detail, errors=errors)
    errors.raise_any()
    assert reason is not None
    if reason is EndReason.consent_withdrawn and consent is not None:
        db.add(consent)
        audit.record(db, actor=actor, action="consent.withdraw", family_id=family.id, obj=consent)
    _end(db, actor=actor, family=family, reason=reason, on=on, detail=detail, now=now)
    return family


# --- what can be done next (the forms a family's page offers) ---------------------------------


@dataclass(frozen=True)
class CaseActions:
    """The changes the case allows in its current state, for the actor's role."""

    record_consent: bool = False
    withdraw_consent: bool = False
    end_reasons: tuple[EndReason, ...] = ()  # empty: the work cannot be ended here
    start_monitoring: bool = False
    close: bool = False
    reopen: bool = False


def case_actions(family: Family, *, consent: Consent | None, role: Role) -> CaseActions:
    """What `role` may do next with the case (the same rules the changes themselves check)."""
    status = family.status
    # Work under way ends on the final assessment's page (or by withdrawing the consent).
    allowed = END_REASONS.get(status, frozenset()) if status is CaseStatus.referred else frozenset()
    return CaseActions(
        record_consent=status is CaseStatus.referred
        or (status is CaseStatus.active and consent is None),
        withdraw_consent=consent is not None and status is not CaseStatus.closed,
        end_reasons=tuple(reason for reason in EndReason if reason in allowed),
        start_monitoring=status is CaseStatus.ended,
        close=status in (CaseStatus.ended, CaseStatus.monitoring),
        reopen=status is CaseStatus.closed and role is Role.coordinator,
    )
