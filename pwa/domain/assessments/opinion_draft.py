"""The draft of a court opinion, assembled from the family's record, in Polish.

The period of the record is the current episode of work: from the start of the work to the day
the draft is assembled (or the day the case was closed). A case reopened later starts a new
episode, so visits and contacts of an earlier one are not counted. The text is a starting point
in the formal register of letters to a court: the assistant completes and edits it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from pwa.domain.assessments.situation import AREA_LABELS, rating_label
from pwa.domain.cases import caseload, cooperation
from pwa.domain.people import users
from pwa.domain.plans import views
from pwa.i18n import format_date, lazy, ngettext, use_locale
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    EndReason,
    Family,
    FamilyMember,
    Goal,
    GoalArea,
    GoalProgress,
    InstitutionContact,
    Plan,
    Recommendation,
    Relation,
    Role,
    User,
    Visit,
)

DRAFT_LOCALE = "pl"  # a Polish court reads it, whatever the language of the assistant's screen
# The parts of the latest assessment quoted in the draft.
QUOTED_AREAS = ("children_situation", "care_and_upbringing", "strengths")

_RELATIONS = {
    Relation.parent: lazy("parent"),
    Relation.guardian: lazy("guardian"),
    Relation.child: lazy("child"),
    Relation.other: lazy("another member of the household"),
}
_AREAS = {
    GoalArea.care: lazy("care and upbringing of children"),
    GoalArea.household: lazy("running the household"),
    GoalArea.budget: lazy("household budget"),
    GoalArea.work: lazy("work and qualifications"),
    GoalArea.health: lazy("health"),
    GoalArea.school: lazy("school and education"),
    GoalArea.institutions: lazy("contacts with institutions"),
    GoalArea.social: lazy("social activity"),
    GoalArea.safety: lazy("safety"),
    GoalArea.other: lazy("another area"),
}
_END_REASONS = {
    EndReason.goals_met: lazy("the goals of the plan were met"),
    EndReason.consent_withdrawn: lazy("the family withdrew its consent"),
    EndReason.moved_away: lazy("the family moved away"),
    EndReason.refused_at_first_contact: lazy("the family refused at first contact"),
    EndReason.other: lazy("another reason"),
}
_KINDS = {
    AssessmentKind.initial: lazy("initial assessment"),
    AssessmentKind.periodic: lazy("periodic assessment"),
    AssessmentKind.final: lazy("final assessment"),
}
_RECOMMENDATIONS = {
    Recommendation.continue_work: lazy("continue the work"),
    Recommendation.change_plan: lazy("change the plan"),
    Recommendation.end_work: lazy("end the work"),
}


@dataclass(frozen=True)
class GoalRecord:
    """A goal of the plan in force and its latest rated progress (over the plan's versions)."""

    goal: Goal
    progress: GoalProgress | None = None
    rated_on: date | None = None


@dataclass(frozen=True)
class OpinionRecord:
    """What the record says about the family in the period of the opinion."""

    family: Family
    members: list[FamilyMember]
    assistant: User | None
    period_start: date
    period_end: date
    plan: Plan | None
    goals: list[GoalRecord]
    visit_dates: list[date]
    assessments: list[Assessment]
    contacts: Sequence[InstitutionContact] = field(default_factory=list)

    @property
    def visit_count(self) -> int:
        return len(self.visit_dates)


def _goals(db: Session, plan: Plan | None, end: date) -> list[GoalRecord]:
    if plan is None:
        return []
    goals = db.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(col(Goal.position))).all()
    lineages = [goal.lineage_id for goal in goals]
    rated = db.exec(
        select(GoalProgress, col(Goal.lineage_id), col(Assessment.assessed_on))
        .join(Goal, col(Goal.id) == col(GoalProgress.goal_id))
        .join(Assessment, col(Assessment.id) == col(GoalProgress.assessment_id))
        .where(col(Goal.lineage_id).in_(lineages), col(Assessment.assessed_on) <= end)
        .order_by(col(Assessment.assessed_on), col(Assessment.created_at))
    ).all()
    latest = {lineage: (progress, on) for progress, lineage, on in rated}
    records = []
    for goal in goals:
        progress, on = latest.get(goal.lineage_id, (None, None))
        records.append(GoalRecord(goal=goal, progress=progress, rated_on=on))
    return records


def gather(db: Session, *, family: Family, today: date) -> OpinionRecord:
    """The record of the current episode of work (the family has started work)."""
    start = family.work_started_on or family.referred_on
    end = family.closed_on or today
    visit_dates = db.exec(
        select(col(Visit.visit_date))
        .where(
            Visit.family_id == family.id,
            col(Visit.visit_date) >= start,
            col(Visit.visit_date) <= end,
        )
        .order_by(col(Visit.visit_date), col(Visit.starts_at))
    ).all()
    assessments = db.exec(
        select(Assessment)
        .where(
            Assessment.family_id == family.id,
            col(Assessment.assessed_on) >= start,
            col(Assessment.assessed_on) <= end,
        )
        .order_by(col(Assessment.assessed_on), col(Assessment.created_at))
    ).all()
    plan = views.plan_in_force(db, family_id=family.id)
    return OpinionRecord(
        family=family,
        members=views.members_of(db, family_id=family.id),
        assistant=caseload.current_assistant(db, family_id=family.id),
        period_start=start,
        period_end=end,
        plan=plan,
        goals=_goals(db, plan, end),
        visit_dates=list(visit_dates),
        assessments=list(assessments),
        contacts=cooperation.contacts_between(db, family_id=family.id, start=start, end=end),
    )


def signature_role(user: User | None) -> str:
    """ "asystentka rodziny" / "asystent rodziny" under the signature."""
    if user is None or user.role is not Role.assistant:
        return _("family assistant")
    return users.role_label(user.role, user.gender)


# --- the text -----------------------------------------------------------------------------------


def _members(record: OpinionRecord) -> list[str]:
    lines = [_("Members of the family:")]
    for member in record.members:
        words = {"name": member.full_name, "relation": _(_RELATIONS[member.relation])}
        line = (
            _(
                "– %(name)s (%(relation)s), born %(date)s",
                date=format_date(member.birth_date),
                **words,
            )
            if member.birth_date
            else _("– %(name)s (%(relation)s)", **words)
        )
        if not member.in_household and member.left_household_on:
            line += _(
                ", not living in the household since %(date)s",
                date=format_date(member.left_household_on),
            )
        lines.append(line)
    return lines


def _period(record: OpinionRecord) -> list[str]:
    family = record.family
    start = format_date(record.period_start)
    if family.ended_on is None:
        lines = [_("The family assistant has worked with the family since %(start)s.", start=start)]
    else:
        lines = [
            _(
                "The family assistant worked with the family from %(start)s to %(end)s.",
                start=start,
                end=format_date(family.ended_on),
            )
        ]
        if family.end_reason is not None:
            lines.append(
                _(
                    "Reason for ending the work: %(reason)s.",
                    reason=_(_END_REASONS[family.end_reason]),
                )
            )
    if family.status is CaseStatus.monitoring and family.monitoring_until:
        lines.append(
            _("The family is monitored until %(date)s.", date=format_date(family.monitoring_until))
        )
    if record.assistant is not None:
        lines.append(_("Family assistant: %(name)s.", name=record.assistant.full_name))
    return lines


def _plan(record: OpinionRecord) -> list[str]:
    if record.plan is None:
        return [_("No work plan has been agreed with the family yet.")]
    plan = record.plan
    lines = [
        _(
            "Work plan version %(version)s, agreed on %(date)s. Goals:",
            version=plan.version,
            date=format_date(plan.agreed_at),
        )
        if plan.agreed_at
        else _("Work plan version %(version)s. Goals:", version=plan.version)
    ]
    for item in record.goals:
        words = {"goal": item.goal.wording, "area": _(_AREAS[item.goal.area])}
        if item.progress is None:
            lines.append(_("– %(goal)s (area: %(area)s): progress not rated yet", **words))
            continue
        line = _(
            "– %(goal)s (area: %(area)s): progress rated %(rating)s of 4 (%(label)s) on %(date)s",
            rating=item.progress.rating,
            label=rating_label(item.progress.rating),
            date=format_date(item.rated_on),
            **words,
        )
        comment = item.progress.comment.strip().rstrip(".")
        lines.append(f"{line}. {comment}." if comment else line)
    return lines


def _visits(record: OpinionRecord) -> list[str]:
    lines = [
        ngettext(
            "From %(start)s to %(end)s the family assistant made %(num)s visit.",
            "From %(start)s to %(end)s the family assistant made %(num)s visits.",
            record.visit_count,
            start=format_date(record.period_start),
            end=format_date(record.period_end),
        )
    ]
    if record.visit_dates:
        dates = ", ".join(format_date(day) for day in record.visit_dates)
        lines.append(_("Dates of the visits: %(dates)s.", dates=dates))
    return lines


def _assessments(record: OpinionRecord) -> list[str]:
    if not record.assessments:
        return [_("No assessment of the family's situation has been written yet.")]
    lines = [
        _(
            "– %(date)s: %(kind)s; recommendation: %(recommendation)s",
            date=format_date(a.assessed_on),
            kind=_(_KINDS[a.kind]),
            recommendation=_(_RECOMMENDATIONS[a.recommendation]),
        )
        for a in record.assessments
    ]
    latest = record.assessments[-1]
    quoted = [(name, getattr(latest, name).strip()) for name in QUOTED_AREAS]
    if any(text for _name, text in quoted):
        lines.append("")
        lines.append(
            _("From the latest assessment (%(date)s):", date=format_date(latest.assessed_on))
        )
        lines += [f"{_(AREA_LABELS[name])}: {text}" for name, text in quoted if text]
    return lines


def _contacts(record: OpinionRecord) -> list[str]:
    if not record.contacts:
        return [_("No contacts with institutions are recorded in this period.")]
    lines = []
    for contact in record.contacts:
        line = _(
            "– %(date)s, %(institution)s: %(purpose)s",
            date=format_date(contact.contact_on),
            institution=contact.institution,
            purpose=contact.purpose,
        )
        if contact.outcome:
            line += " " + _("Outcome: %(outcome)s", outcome=contact.outcome)
        lines.append(line)
    return lines


def assemble(
    record: OpinionRecord,
    *,
    court: str,
    case_reference: str,
    requested_on: date,
) -> str:
    """The draft's text: the court's request, then the record in numbered sections."""
    with use_locale(DRAFT_LOCALE):
        family = record.family
        sections: list[tuple[str, list[str]]] = [
            (
                _("1. The family"),
                [
                    _(
                        "Family: %(name)s, address: %(address)s (case number at the centre: "
                        "%(number)s).",
                        name=family.name,
                        address=family.address,
                        number=family.case_number,
                    ),
                    *_members(record),
                ],
            ),
            (_("2. The period of the family assistant's work with the family"), _period(record)),
            (_("3. The work plan and the progress on its goals"), _plan(record)),
            (_("4. Visits of the family assistant"), _visits(record)),
            (_("5. Assessments of the family's situation"), _assessments(record)),
            (_("6. Cooperation with institutions"), _contacts(record)),
            (
                _("7. Conclusions"),
                [
                    _(
                        "[To be completed by the family assistant: the assessment of the "
                        "children's situation and the conclusions for the court.]"
                    )
                ],
            ),
        ]
        head = [
            _("OPINION ABOUT THE FAMILY"),
            "",
            _("To: %(court)s", court=court),
            _("Case reference: %(reference)s", reference=case_reference),
            _("Concerning: the court's letter of %(date)s", date=format_date(requested_on)),
        ]
        parts = ["\n".join(head)]
        parts += ["\n".join([title, *lines]) for title, lines in sections]
        return "\n\n".join(parts) + "\n"
