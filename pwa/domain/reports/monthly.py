"""The monthly report of a family assistant: on screen (with a chart), printed, or as CSV.

What each figure means (months are Europe/Warsaw months; see `reports` for case histories):

- families worked with: families assigned to her at some time in the month (a current or a
  past Assignment, its UTC start and end turned into Warsaw days, the day it ended included)
  whose case was active or monitored on a day of the month while she was assigned;
- new: of the families assigned to her in the month, those whose work started in the month
  (a CaseEvent to "active" on a day of the month; without such events, Family.work_started_on);
- ended: of the same families, the CaseEvents to "ended" on a day of the month, by EndReason
  (without such events, Family.ended_on and Family.end_reason);
- visits and hours: the visits she recorded (Visit.author_id) dated in the month, counted and
  summed (Visit.duration_minutes / 60) per VisitKind;
- assessments done: the Assessment rows she wrote (author_id) dated in the month, per kind;
- overdue: at the end of the month (for the month under way: today), the families assigned to
  her that day, active that day, whose periodic assessment was overdue: due 6 months after the
  later of the start of work and the last initial or periodic assessment written by then
  (`assessments.due.assessment_due`), and overdue the day after it is due;
- tasks done: plan tasks of the families she worked with in the month that are done and whose
  Task.done_at (UTC) falls on a Warsaw day of the month; a task copied into a newer version
  of the plan is counted once (by its lineage);
- opinions written: court opinions she wrote that were finalised (status final or superseded)
  with CourtOpinion.finalised_at on a Warsaw day of the month.

Coordinators read the report of any assistant of their centre, an assistant only her own,
family members none. Reading it is audited (no family's record is shown: only counts).
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from pwa.domain.assessments.due import assessment_due
from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.csv import csv_file
from pwa.domain.kernel.errors import NotFound
from pwa.domain.reports.charts import BarChart, bar_chart
from pwa.domain.reports.periods import (
    DAY,
    CaseHistory,
    Span,
    assignment_days,
    hours_text,
    load_histories,
    month_start,
    next_month,
    overlap,
    warsaw_midnight,
)
from pwa.i18n import format_month
from pwa.i18n import gettext as _
from pwa.labels import label
from pwa.models import (
    Assessment,
    AssessmentKind,
    Assignment,
    CaseStatus,
    CourtOpinion,
    EndReason,
    Family,
    Goal,
    OpinionStatus,
    Plan,
    Role,
    Task,
    TaskState,
    User,
    Visit,
    VisitKind,
)


@dataclass(frozen=True)
class VisitFigures:
    """Visits of one kind: how many, and how long in all."""

    kind: VisitKind
    count: int
    minutes: int

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


class WorkTotals:
    """The totals a report (monthly or yearly) shows of its `ended` cases and its `visits`."""

    ended: dict[EndReason, int]
    visits: list[VisitFigures]

    @property
    def ended_total(self) -> int:
        return sum(self.ended.values())

    @property
    def visit_count(self) -> int:
        return sum(v.count for v in self.visits)

    @property
    def visit_minutes(self) -> int:
        return sum(v.minutes for v in self.visits)

    @property
    def visit_hours(self) -> str:
        return hours_text(self.visit_minutes)


@dataclass(frozen=True)
class MonthlyReport(WorkTotals):
    """One assistant's month in figures (see the module's docstring for each definition)."""

    assistant: User
    month: date  # its first day
    overdue_on: date  # the day the overdue assessments were counted on
    families: int
    new: int
    ended: dict[EndReason, int]
    visits: list[VisitFigures]
    assessments: dict[AssessmentKind, int]
    overdue: int
    tasks_done: int
    opinions: int
    chart: BarChart = field(repr=False, default_factory=BarChart.empty)

    @property
    def assessments_total(self) -> int:
        return sum(self.assessments.values())


# --- who may read whose report ---------------------------------------------------------------


def report_assistants(db: Session, *, actor: Actor) -> list[User]:
    """The assistants whose reports `actor` may read: all of the centre, or only herself."""
    if actor.role is Role.assistant:
        return [actor.user]
    policy.require_coordinator(actor)
    return list(
        db.exec(
            select(User)
            .where(User.centre_id == actor.centre_id, User.role == Role.assistant)
            .order_by(col(User.is_active).desc(), col(User.last_name), col(User.first_name))
        ).all()
    )


def report_assistant(db: Session, *, actor: Actor, assistant_id: uuid.UUID | None) -> User:
    """Whose report to show: the asked-for assistant if `actor` may read it (else NotFound).

    Without an id: an assistant's own report, or the coordinator's first active assistant.
    """
    if not actor.user.is_active:
        raise NotFound
    if actor.role is Role.assistant:
        if assistant_id not in (None, actor.id):
            raise NotFound
        return actor.user
    assistants = report_assistants(db, actor=actor)
    if assistant_id is None:
        if not assistants:
            raise NotFound
        return assistants[0]
    chosen = next((user for user in assistants if user.id == assistant_id), None)
    if chosen is None:
        raise NotFound
    return chosen


# --- the figures -------------------------------------------------------------------------------


def _her_families(
    db: Session, assistant: User, month: tuple[date, date]
) -> list[tuple[CaseHistory, list[Span]]]:
    """Families assigned to her in the month, each with her assignments' days."""
    rows = db.exec(
        select(Assignment, Family)
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(Assignment.assistant_id == assistant.id, policy.in_centre(assistant.centre_id))
    ).all()
    spans: dict[uuid.UUID, list[Span]] = {}
    families: dict[uuid.UUID, Family] = {}
    for assignment, family in rows:
        days = assignment_days(assignment)
        if overlap(days, month):
            spans.setdefault(family.id, []).append(days)
            families[family.id] = family
    histories = load_histories(db, families.values())
    return [(histories[fid], spans[fid]) for fid in sorted(spans)]


def _overdue(
    db: Session,
    families: list[tuple[CaseHistory, list[Span]]],
    on: date,
) -> int:
    """Her families, active on `on`, whose periodic assessment was overdue that day."""
    ids = [
        history.family.id
        for history, spans in families
        if history.status_on(on) is CaseStatus.active
        and any(overlap(span, (on, on + DAY)) for span in spans)
    ]
    if not ids:
        return 0
    last_on = dict(
        db.exec(
            select(Assessment.family_id, sa.func.max(Assessment.assessed_on))
            .where(
                col(Assessment.family_id).in_(ids),
                col(Assessment.kind).in_([AssessmentKind.initial, AssessmentKind.periodic]),
                col(Assessment.assessed_on) <= on,
            )
            .group_by(col(Assessment.family_id))
        ).all()
    )
    count = 0
    for history, _spans in families:
        if history.family.id in ids:
            due = assessment_due(history.started_by(on), last_on.get(history.family.id))
            count += due is not None and due < on
    return count


def _written_in_month(
    db: Session,
    record: type[Visit] | type[Assessment],
    day: object,
    assistant: User,
    month: tuple[date, date],
    *figures: object,
) -> list[tuple[Any, ...]]:
    """The assistant's own visits or assessments dated (`day`) in the month, of her centre's
    families: per kind, how many, then the `figures` asked for."""
    return list(
        db.exec(
            select(col(record.kind), sa.func.count(), *figures)
            .join(Family, col(Family.id) == col(record.family_id))
            .where(
                record.author_id == assistant.id,
                policy.in_centre(assistant.centre_id),
                col(day) >= month[0],
                col(day) < month[1],
            )
            .group_by(col(record.kind))
        ).all()
    )


def _visits(db: Session, assistant: User, month: tuple[date, date]) -> list[VisitFigures]:
    rows = _written_in_month(
        db, Visit, Visit.visit_date, assistant, month, sa.func.sum(Visit.duration_minutes)
    )
    found = {VisitKind(kind): (int(n), int(minutes or 0)) for kind, n, minutes in rows}
    return [VisitFigures(kind, *found.get(kind, (0, 0))) for kind in VisitKind]


def _assessments(
    db: Session, assistant: User, month: tuple[date, date]
) -> dict[AssessmentKind, int]:
    rows = _written_in_month(db, Assessment, Assessment.assessed_on, assistant, month)
    found = {AssessmentKind(kind): int(n) for kind, n in rows}
    return {kind: found.get(kind, 0) for kind in AssessmentKind}


def _tasks_done(db: Session, family_ids: list[uuid.UUID], month: tuple[date, date]) -> int:
    if not family_ids:
        return 0
    lineages = db.exec(
        select(Task.lineage_id)
        .join(Goal, col(Goal.id) == col(Task.goal_id))
        .join(Plan, col(Plan.id) == col(Goal.plan_id))
        .where(
            col(Plan.family_id).in_(family_ids),
            Task.state == TaskState.done,
            col(Task.done_at) >= warsaw_midnight(month[0]),
            col(Task.done_at) < warsaw_midnight(month[1]),
        )
        .distinct()
    ).all()
    return len(lineages)


def _opinions(db: Session, assistant: User, month: tuple[date, date]) -> int:
    return int(
        db.exec(
            select(sa.func.count())
            .select_from(CourtOpinion)
            .join(Family, col(Family.id) == col(CourtOpinion.family_id))
            .where(
                CourtOpinion.author_id == assistant.id,
                policy.in_centre(assistant.centre_id),
                col(CourtOpinion.status).in_([OpinionStatus.final, OpinionStatus.superseded]),
                col(CourtOpinion.finalised_at) >= warsaw_midnight(month[0]),
                col(CourtOpinion.finalised_at) < warsaw_midnight(month[1]),
            )
        ).one()
    )


def monthly_report(
    db: Session, *, actor: Actor, assistant_id: uuid.UUID | None, month: date, today: date
) -> MonthlyReport:
    """The figures of one assistant for the month containing `month` (audited)."""
    assistant = report_assistant(db, actor=actor, assistant_id=assistant_id)
    first = month_start(month)
    span = (first, next_month(first))
    families = _her_families(db, assistant, span)
    worked = [h for h, spans in families if h.working_while(spans, *span)]
    ended: Counter[EndReason] = Counter(
        reason
        for history, _spans in families
        for day, reason in history.ends
        if span[0] <= day < span[1]
    )
    overdue_on = min(span[1] - DAY, today)
    visits = _visits(db, assistant, span)
    report = MonthlyReport(
        assistant=assistant,
        month=first,
        overdue_on=overdue_on,
        families=len(worked),
        new=sum(
            any(span[0] <= day < span[1] for day in history.starts) for history, _s in families
        ),
        ended={reason: ended[reason] for reason in EndReason},
        visits=visits,
        assessments=_assessments(db, assistant, span),
        overdue=_overdue(db, families, overdue_on),
        tasks_done=_tasks_done(db, [h.family.id for h in worked], span),
        opinions=_opinions(db, assistant, span),
        chart=_chart(assistant, first, visits),
    )
    audit.record(db, actor=actor, action="report.monthly", obj=assistant, month=first)
    return report


def _chart(assistant: User, month: date, visits: list[VisitFigures]) -> BarChart:
    return bar_chart(
        [(label(v.kind), v.minutes / 60, v.hours) for v in visits],
        title=_("Hours of visits by kind, %(month)s", month=format_month(month)),
        description=_(
            "%(name)s: visits in all: %(count)s, hours in all: %(hours)s. The bars show the hours of each kind of visit.",
            name=assistant.full_name,
            hours=hours_text(sum(v.minutes for v in visits)),
            count=sum(v.count for v in visits),
        ),
    )


def monthly_csv(report: MonthlyReport) -> bytes:
    """The report as a CSV file: one figure a row (what, how many, hours where they apply)."""
    rows: list[list[object]] = [
        [_("Figure"), _("Number"), _("Hours")],
        [_("Family assistant"), report.assistant.full_name, ""],
        [_("Month"), report.month.strftime("%m.%Y"), ""],
        [_("Families worked with"), report.families, ""],
        [_("New families (work started)"), report.new, ""],
        [_("Families whose work ended"), report.ended_total, ""],
    ]
    rows += [
        [_("Families whose work ended: %(reason)s", reason=label(reason)), n, ""]
        for reason, n in report.ended.items()
    ]
    rows.append([_("Visits"), report.visit_count, report.visit_hours])
    rows += [[_("Visits: %(kind)s", kind=label(v.kind)), v.count, v.hours] for v in report.visits]
    rows.append([_("Assessments written"), report.assessments_total, ""])
    rows += [[label(kind), n, ""] for kind, n in report.assessments.items()]
    rows += [
        [
            _(
                "Periodic assessments overdue on %(date)s",
                date=report.overdue_on.strftime("%d.%m.%Y"),
            ),
            report.overdue,
            "",
        ],
        [_("Plan tasks done"), report.tasks_done, ""],
        [_("Court opinions written"), report.opinions, ""],
    ]
    return csv_file(rows)
