"""The centre's figures for a year, as it needs them for its statutory annual reporting.

What each figure means (years and months are Europe/Warsaw; see `reports` for histories):

- the centre's families: those it registered, and for a contracted organisation those handed
  over to it (the referring centre counts them too: the work is done on its behalf);
- families supported: the centre's families whose case was active or monitored on at least
  one day of the year; children: the members of those families with the relation "child",
  born by the end of the year (their birth year is enough) and living in the household on
  some day of the year; "Za życiem" families: the supported families with that flag;
- family assistants employed: the centre's assistant accounts that existed on some day of
  the year (created by its end, not deactivated before its start);
- new cases: families whose work started in the year (CaseEvent to "active", else
  Family.work_started_on); cases ended: the ends of work in the year, by EndReason; families
  that ended with goals met: those ended for the reason "goals met";
- visits: the visits to the centre's families dated in the year, and their hours, by kind;
- average caseload per assistant: for each month of the year that has begun, the families
  each assistant worked with that month (as in the monthly report) averaged over the
  assistants who had any; then the average of those months, to one decimal;
- cases per month (the chart and the table): the families supported in each month, with the
  work started and ended and the visits of that month.

Anonymised families (`data_rights.anonymise_family`) keep every date, state, reason, flag,
visit and member row these figures read, so they count as before.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from statistics import fmean

from babel import dates as babel_dates
from sqlmodel import Session, col, select

from pwa.domain.kernel import audit, policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.csv import csv_file
from pwa.domain.kernel.errors import NotFound
from pwa.domain.reports.charts import BarChart, column_chart
from pwa.domain.reports.monthly import VisitFigures, WorkTotals
from pwa.domain.reports.periods import (
    CaseHistory,
    assignment_days,
    load_histories,
    next_month,
    overlap,
    warsaw_day,
)
from pwa.i18n import format_month, get_locale
from pwa.i18n import gettext as _
from pwa.labels import label
from pwa.models import (
    Assignment,
    Centre,
    EndReason,
    Family,
    FamilyMember,
    Relation,
    Role,
    User,
    Visit,
    VisitKind,
)


@dataclass(frozen=True)
class MonthFigures:
    """One month of the year: families supported, work started and ended, visits."""

    month: date
    families: int
    new: int
    ended: int
    visits: int
    begun: bool = True  # a month still to come in the current year shows no figures


@dataclass(frozen=True)
class YearlyFigures(WorkTotals):
    """The centre's year in figures (see the module's docstring for each definition)."""

    centre: Centre
    year: int
    families: int
    children: int
    za_zyciem: int
    assistants: int
    new: int
    ended: dict[EndReason, int]
    visits: list[VisitFigures]
    average_caseload: float | None
    months: list[MonthFigures]
    chart: BarChart = field(repr=False, default_factory=BarChart.empty)

    @property
    def goals_met(self) -> int:
        return self.ended[EndReason.goals_met]

    @property
    def average_caseload_text(self) -> str:
        return (
            ""
            if self.average_caseload is None
            else f"{self.average_caseload:.1f}".replace(".", ",")
        )


def _children(db: Session, families: list[uuid.UUID], year: int) -> int:
    if not families:
        return 0
    members = db.exec(
        select(FamilyMember).where(
            col(FamilyMember.family_id).in_(families), FamilyMember.relation == Relation.child
        )
    ).all()
    return sum(
        1
        for member in members
        if (member.birth_date is None or member.birth_date.year <= year)
        and (
            member.in_household
            or member.left_household_on is None
            or member.left_household_on >= date(year, 1, 1)
        )
    )


def _assistants(db: Session, centre: Centre, span: tuple[date, date]) -> int:
    users = db.exec(
        select(User).where(User.centre_id == centre.id, User.role == Role.assistant)
    ).all()
    return sum(
        1
        for user in users
        if warsaw_day(user.created_at) < span[1]
        and (user.deactivated_at is None or warsaw_day(user.deactivated_at) >= span[0])
    )


def _visits(
    db: Session, centre: Centre, span: tuple[date, date]
) -> tuple[list[VisitFigures], Counter[int]]:
    """Visits of the year by kind, and the number in each month."""
    rows = db.exec(
        select(col(Visit.visit_date), col(Visit.kind), col(Visit.duration_minutes))
        .join(Family, col(Family.id) == col(Visit.family_id))
        .where(
            policy.in_centre(centre.id),
            col(Visit.visit_date) >= span[0],
            col(Visit.visit_date) < span[1],
        )
    ).all()
    count: Counter[VisitKind] = Counter()
    minutes: Counter[VisitKind] = Counter()
    per_month: Counter[int] = Counter()
    for day, kind, length in rows:
        count[VisitKind(kind)] += 1
        minutes[VisitKind(kind)] += length
        per_month[day.month] += 1
    return [VisitFigures(kind, count[kind], minutes[kind]) for kind in VisitKind], per_month


def _average_caseload(
    db: Session, centre: Centre, histories: dict[uuid.UUID, CaseHistory], months: list[date]
) -> float | None:
    assignments = db.exec(
        select(Assignment)
        .join(Family, col(Family.id) == col(Assignment.family_id))
        .where(policy.in_centre(centre.id))
    ).all()
    averages = []
    for first in months:
        span = (first, next_month(first))
        pairs = set()
        for assignment in assignments:
            days = assignment_days(assignment)
            history = histories[assignment.family_id]
            if overlap(days, span) and history.working_while([days], *span):
                pairs.add((assignment.assistant_id, assignment.family_id))
        assistants = {assistant for assistant, _family in pairs}
        if assistants:
            averages.append(len(pairs) / len(assistants))
    return round(fmean(averages), 1) if averages else None


def _in(day: date, span: tuple[date, date]) -> bool:
    return span[0] <= day < span[1]


def yearly_figures(db: Session, *, actor: Actor, year: int, today: date) -> YearlyFigures:
    """The figures of the coordinator's centre for `year` (audited)."""
    policy.require_coordinator(actor)
    centre = db.get(Centre, actor.centre_id)
    if centre is None:
        raise NotFound
    span = (date(year, 1, 1), date(year + 1, 1, 1))
    families = db.exec(select(Family).where(policy.in_centre(centre.id))).all()
    histories = load_histories(db, families)
    supported = [h for h in histories.values() if h.working_in(*span)]
    ended: Counter[EndReason] = Counter(
        reason for h in histories.values() for day, reason in h.ends if _in(day, span)
    )
    visits, visits_per_month = _visits(db, centre, span)
    begun = [date(year, m, 1) for m in range(1, 13) if date(year, m, 1) <= today]
    months = []
    for first in (date(year, m, 1) for m in range(1, 13)):
        month = (first, next_month(first))
        if first > today:
            months.append(MonthFigures(first, 0, 0, 0, 0, begun=False))
            continue
        months.append(
            MonthFigures(
                month=first,
                families=sum(h.working_in(*month) for h in histories.values()),
                new=sum(any(_in(d, month) for d in h.starts) for h in histories.values()),
                ended=sum(_in(d, month) for h in histories.values() for d, _r in h.ends),
                visits=visits_per_month[first.month],
            )
        )
    figures = YearlyFigures(
        centre=centre,
        year=year,
        families=len(supported),
        children=_children(db, [h.family.id for h in supported], year),
        za_zyciem=sum(h.family.za_zyciem for h in supported),
        assistants=_assistants(db, centre, span),
        new=sum(any(_in(d, span) for d in h.starts) for h in histories.values()),
        ended={reason: ended[reason] for reason in EndReason},
        visits=visits,
        average_caseload=_average_caseload(db, centre, histories, begun),
        months=months,
        chart=_chart(year, months),
    )
    audit.record(db, actor=actor, action="report.yearly", obj=centre, year=year)
    return figures


def _short_month(first: date) -> str:
    return babel_dates.format_date(first, "LLL", locale=get_locale())


def _chart(year: int, months: list[MonthFigures]) -> BarChart:
    busiest = max(months, key=lambda m: m.families)
    return column_chart(
        [(_short_month(m.month), m.families, str(m.families) if m.begun else "") for m in months],
        title=_("Families supported in each month of %(year)s", year=year),
        description=_(
            "One column a month, from January to December. The most families supported in one month: %(count)s (%(month)s).",
            count=busiest.families,
            month=format_month(busiest.month),
        ),
    )


def yearly_csv(figures: YearlyFigures) -> bytes:
    """The figures as a CSV file: the year's figures, then one row a month."""
    rows: list[list[object]] = [
        [_("Figure"), _("Value")],
        [_("Centre"), figures.centre.name],
        [_("Year"), figures.year],
        [_("Families supported"), figures.families],
        [_("Children in the families supported"), figures.children],
        [_('"Za życiem" families supported'), figures.za_zyciem],
        [_("Family assistants employed"), figures.assistants],
        [_("New cases (work started)"), figures.new],
        [_("Cases ended"), figures.ended_total],
    ]
    rows += [
        [_("Cases ended: %(reason)s", reason=label(reason)), n]
        for reason, n in figures.ended.items()
    ]
    rows += [
        [_("Families that ended the work with its goals met"), figures.goals_met],
        [_("Visits"), figures.visit_count],
        [_("Hours of visits"), figures.visit_hours],
        [_("Average caseload per assistant"), figures.average_caseload_text],
        [],
        [_("Month"), _("Families supported"), _("New cases"), _("Cases ended"), _("Visits")],
    ]
    rows += [
        [m.month.strftime("%m.%Y"), m.families, m.new, m.ended, m.visits]
        for m in figures.months
        if m.begun
    ]
    return csv_file(rows)
