"""The family's timeline (staff only): everything that happened in the case, in date order.

One query per kind of record, whatever the length of the case. Visit notes and assessment
texts are not repeated here: the timeline says what happened, the records say how.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlmodel import Session, col, select

from pwa.domain.cases.members import staff_family
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.i18n import WARSAW, lazy
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseEvent,
    CaseStatus,
    Consent,
    ConsentForm,
    EndReason,
    FamilyMember,
    InstitutionContact,
    Plan,
    PlanStatus,
    User,
    Visit,
    VisitKind,
)

# The kinds of entries (for icons and filters in the page).
REFERRAL = "referral"
ASSIGNMENT = "assignment"
CONSENT = "consent"
STATE = "state"
PLAN = "plan"
VISIT = "visit"
ASSESSMENT = "assessment"
CONTACT = "contact"

# On the same day, the order in which things happen in a case.
_RANK = {REFERRAL: 0, ASSIGNMENT: 1, CONSENT: 2, STATE: 3, PLAN: 4, VISIT: 5, ASSESSMENT: 6}


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened: a day (or a moment, in UTC), its kind, a title, a detail."""

    when: date | datetime
    kind: str
    title: str
    detail: str = ""

    @property
    def sort_key(self) -> tuple[date, time, int]:
        if isinstance(self.when, datetime):
            local = self.when.astimezone(WARSAW)
            return local.date(), local.time(), _RANK.get(self.kind, 9)
        return self.when, time.min, _RANK.get(self.kind, 9)


def _form_words(form: ConsentForm) -> str:
    return _("in writing") if form is ConsentForm.written else _("orally")


_END_TITLES = {
    EndReason.goals_met: lazy("Work ended: the goals were met"),
    EndReason.consent_withdrawn: lazy("Work ended: the family withdrew its consent"),
    EndReason.moved_away: lazy("Work ended: the family moved away"),
    EndReason.refused_at_first_contact: lazy("Work ended: the family refused at first contact"),
    EndReason.other: lazy("Work ended for another reason"),
}
_ASSESSMENT_TITLES = {
    AssessmentKind.initial: lazy("Initial assessment"),
    AssessmentKind.periodic: lazy("Periodic assessment"),
    AssessmentKind.final: lazy("Final assessment"),
}
_VISIT_TITLES = {
    VisitKind.home_visit: lazy("Home visit"),
    VisitKind.consultation: lazy("Consultation"),
    VisitKind.accompanying: lazy("Accompanying to an institution"),
    VisitKind.phone: lazy("Phone contact"),
    VisitKind.intervention: lazy("Intervention"),
    VisitKind.monitoring: lazy("Monitoring visit"),
}


def _state_entry(event: CaseEvent) -> TimelineEntry:
    detail = event.reason
    if event.to_status is CaseStatus.active:
        title = _("Work started")
    elif event.to_status is CaseStatus.ended:
        reason = event.end_reason
        title = _(_END_TITLES[reason]) if reason else _("Work ended")
    elif event.to_status is CaseStatus.monitoring:
        title = _("Monitoring started")
    elif event.to_status is CaseStatus.closed:
        title = _("Case closed")
    else:
        title = _("Case reopened")
    return TimelineEntry(event.on_date, STATE, title, detail)


def family_timeline(db: Session, *, actor: Actor, family_id: uuid.UUID) -> list[TimelineEntry]:
    """The case's history for its staff, oldest first (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    entries = [
        TimelineEntry(
            family.referred_on,
            REFERRAL,
            _("Referred by %(name)s", name=family.social_worker_name)
            if family.social_worker_name
            else _("Referred"),
            family.referral_reason,
        )
    ]
    for assignment, assistant in db.exec(
        select(Assignment, User)
        .join(User, col(User.id) == col(Assignment.assistant_id))
        .where(Assignment.family_id == family.id)
    ).all():
        entries.append(
            TimelineEntry(
                assignment.started_at,
                ASSIGNMENT,
                _("Assistant assigned: %(name)s", name=assistant.full_name),
            )
        )
        if assignment.ended_at is not None:
            entries.append(
                TimelineEntry(
                    assignment.ended_at,
                    ASSIGNMENT,
                    _(
                        "The assistant's work with the family ended: %(name)s",
                        name=assistant.full_name,
                    ),
                )
            )
    members = {
        member.id: member
        for member in db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id))
    }
    for consent in db.exec(select(Consent).where(Consent.family_id == family.id)).all():
        member = members.get(consent.given_by_member_id)
        entries.append(
            TimelineEntry(
                consent.given_on,
                CONSENT,
                _("Consent given %(how)s", how=_form_words(consent.form)),
                _("Given by %(name)s", name=member.full_name) if member else "",
            )
        )
        if consent.withdrawn_on is not None:
            entries.append(
                TimelineEntry(
                    consent.withdrawn_on,
                    CONSENT,
                    _("Consent withdrawn"),
                    consent.withdrawal_reason,
                )
            )
    for event in db.exec(select(CaseEvent).where(CaseEvent.family_id == family.id)).all():
        if event.from_status is not None:  # the referral itself is the first entry
            entries.append(_state_entry(event))
    for plan in db.exec(select(Plan).where(Plan.family_id == family.id)).all():
        entries.append(
            TimelineEntry(plan.created_at, PLAN, _("Plan version %(n)s drafted", n=plan.version))
        )
        if plan.agreed_at is not None and plan.status is not PlanStatus.draft:
            entries.append(
                TimelineEntry(plan.agreed_at, PLAN, _("Plan version %(n)s agreed", n=plan.version))
            )
    for visit in db.exec(select(Visit).where(Visit.family_id == family.id)).all():
        entries.append(
            TimelineEntry(
                datetime.combine(visit.visit_date, visit.starts_at, tzinfo=WARSAW).astimezone(UTC),
                VISIT,
                _(_VISIT_TITLES[visit.kind]),
                _("%(minutes)s min", minutes=visit.duration_minutes),
            )
        )
    for assessment in db.exec(select(Assessment).where(Assessment.family_id == family.id)).all():
        entries.append(
            TimelineEntry(
                assessment.assessed_on, ASSESSMENT, _(_ASSESSMENT_TITLES[assessment.kind])
            )
        )
    for contact in db.exec(
        select(InstitutionContact).where(InstitutionContact.family_id == family.id)
    ).all():
        entries.append(
            TimelineEntry(
                contact.contact_on,
                CONTACT,
                _("Contact with %(institution)s", institution=contact.institution),
                contact.purpose,
            )
        )
    audit.record(db, actor=actor, action="timeline.read", family_id=family.id, obj=family)
    return sorted(entries, key=lambda entry: entry.sort_key)
