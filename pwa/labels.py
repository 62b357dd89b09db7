"""Polish (translated) names of every enum value shown in the UI."""

from __future__ import annotations

import enum

from pwa.i18n import gettext, lazy
from pwa.models import (
    AgreementMethod,
    AssessmentKind,
    CaseStatus,
    ConsentForm,
    EndReason,
    GoalArea,
    MeetingStatus,
    PlaceKind,
    PlanStatus,
    Recommendation,
    Relation,
    Role,
    SupportCategory,
    TaskState,
    TeamDecisionKind,
    VisitKind,
)

# Keyed by the enum member itself, but looked up by (type, value): StrEnum members of different
# enums with the same value ("other", "phone") are equal as strings and would overwrite each other.
_LABEL_LIST: list[tuple[enum.Enum, str]] = [
    (Role.coordinator, lazy("coordinator")),
    (Role.assistant, lazy("family assistant")),
    (Role.family, lazy("family member")),
    (CaseStatus.referred, lazy("referred")),
    (CaseStatus.active, lazy("active")),
    (CaseStatus.ended, lazy("work ended")),
    (CaseStatus.monitoring, lazy("monitoring")),
    (CaseStatus.closed, lazy("closed")),
    (EndReason.goals_met, lazy("goals met")),
    (EndReason.consent_withdrawn, lazy("consent withdrawn")),
    (EndReason.moved_away, lazy("moved away")),
    (EndReason.refused_at_first_contact, lazy("refused at first contact")),
    (EndReason.other, lazy("other reason")),
    (Relation.parent, lazy("parent")),
    (Relation.guardian, lazy("guardian")),
    (Relation.child, lazy("child")),
    (Relation.other, lazy("other")),
    (ConsentForm.written, lazy("written")),
    (ConsentForm.oral, lazy("oral")),
    (PlanStatus.draft, lazy("draft")),
    (PlanStatus.agreed, lazy("agreed")),
    (PlanStatus.superseded, lazy("superseded")),
    (AgreementMethod.phone, lazy("confirmed on the phone")),
    (AgreementMethod.paper, lazy("signed on paper")),
    (GoalArea.care, lazy("care and upbringing of children")),
    (GoalArea.household, lazy("running the household")),
    (GoalArea.budget, lazy("household budget")),
    (GoalArea.work, lazy("work and qualifications")),
    (GoalArea.health, lazy("health")),
    (GoalArea.school, lazy("school and education")),
    (GoalArea.institutions, lazy("contacts with institutions")),
    (GoalArea.social, lazy("social activity")),
    (GoalArea.safety, lazy("safety")),
    (GoalArea.other, lazy("other")),
    (TaskState.open, lazy("to do")),
    (TaskState.done, lazy("done")),
    (TaskState.dropped, lazy("dropped")),
    (VisitKind.home_visit, lazy("home visit")),
    (VisitKind.consultation, lazy("consultation")),
    (VisitKind.accompanying, lazy("accompanying to an institution")),
    (VisitKind.phone, lazy("phone contact")),
    (VisitKind.intervention, lazy("intervention (child at risk)")),
    (VisitKind.monitoring, lazy("monitoring")),
    (PlaceKind.home, lazy("the family's home")),
    (PlaceKind.centre, lazy("the centre")),
    (PlaceKind.other, lazy("another place")),
    (MeetingStatus.scheduled, lazy("scheduled")),
    (MeetingStatus.cancelled, lazy("cancelled")),
    (AssessmentKind.initial, lazy("initial assessment")),
    (AssessmentKind.periodic, lazy("periodic assessment")),
    (AssessmentKind.final, lazy("final assessment")),
    (Recommendation.continue_work, lazy("continue the work")),
    (Recommendation.change_plan, lazy("change the plan")),
    (Recommendation.end_work, lazy("end the work")),
    (SupportCategory.legal, lazy("legal advice")),
    (SupportCategory.psychological, lazy("psychological support")),
    (SupportCategory.rehabilitation, lazy("rehabilitation")),
    (SupportCategory.health, lazy("health care")),
    (SupportCategory.benefits, lazy("benefits")),
    (SupportCategory.other, lazy("other support")),
    (TeamDecisionKind.take_on, lazy("take the family on")),
    (TeamDecisionKind.not_take_on, lazy("not take the family on")),
    (TeamDecisionKind.postpone, lazy("postpone the decision")),
]
_LABELS = {(type(member), member.value): text for member, text in _LABEL_LIST}


def label(value: enum.Enum | None) -> str:
    """The translated name of an enum value ("" for None)."""
    if value is None:
        return ""
    return gettext(_LABELS[(type(value), value.value)])
