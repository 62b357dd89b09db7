"""The monthly report of an assistant and the centre's yearly figures, on data sets whose
answers were worked out by hand (see the comments), with the edges of Warsaw months/years."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, time

import pytest
from sqlmodel import Session, select

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Forbidden, Invalid, NotFound
from pwa.domain.reports.monthly import monthly_csv, monthly_report, report_assistant
from pwa.domain.reports.periods import case_history, parse_month, parse_year
from pwa.domain.reports.yearly import yearly_csv, yearly_figures
from pwa.i18n import use_locale
from pwa.models import (
    AssessmentKind,
    AuditEvent,
    CaseStatus,
    Centre,
    EndReason,
    OpinionStatus,
    PlanStatus,
    Role,
    User,
    VisitKind,
)
from tests.support.clock import warsaw
from tests.support.factories.core import make_centre, make_family, make_user
from tests.support.factories.reports import (
    active,
    assessment,
    assign,
    case,
    child,
    closed,
    ended,
    monitoring,
    opinion,
    plan_goal,
    referred,
    task,
    visit,
)

NOVEMBER = date(2026, 11, 1)
AFTER_NOVEMBER = date(2026, 12, 10)


# --- the monthly report: one assistant's November 2026 ----------------------------------------


@dataclass
class Month:
    centre: Centre
    katarzyna: User
    marek: User
    coordinator: User

    def as_(self, user: User) -> Actor:
        return Actor(user=user)


@pytest.fixture
def month(db: Session) -> Month:
    """Katarzyna's November 2026, worked out by hand:

    families worked with: F1, F2, F3, F4, F9 = 5 (F5 was reassigned in October, F6 is only
    referred, F7 is Marek's, F10 was closed in October);
    new: F2 (5.11); ended: F3 (18.11, goals met);
    visits: 30.11 23:30 (60 min) and 20.11 (90 min) home visits, 1.11 00:15 accompanying
    (120), 10.11 consultation (45), 2.11 phone (30): 5 visits, 345 min; the visit of 1.12
    00:30 belongs to December, the one of 20.10 to October, Marek's to him;
    assessments: F2 initial (12.11), F3 final (18.11) = 2;
    overdue on 30.11: F4 (initial 10.04, due 10.10) = 1; F9 (started 31.05) is due on 30.11
    itself, not overdue yet; F1 (periodic 1.08) is due on 1.02.2027;
    tasks done: done 1.11 00:30 Warsaw (31.10 in UTC) and 30.11 23:30, counted once each
    though the first is copied into a draft = 2; not 1.12 00:30 (30.11 in UTC) nor October;
    opinions: final 30.11 23:30 and superseded 10.11 = 2; not 1.12 00:30 nor the draft.
    """
    centre = make_centre(db)
    k = make_user(db, centre, Role.assistant, first_name="Katarzyna", last_name="Wiśniewska")
    m = make_user(db, centre, Role.assistant, first_name="Marek", last_name="Zieliński")
    coordinator = make_user(db, centre, Role.coordinator)

    f1 = case(db, centre, referred(date(2026, 1, 10)), active(date(2026, 2, 1)))
    assign(db, f1, k, since=date(2026, 1, 15))
    visit(db, f1, k, date(2026, 11, 30), time(23, 30), minutes=60)
    visit(db, f1, k, date(2026, 12, 1), time(0, 30), minutes=90)
    assessment(db, f1, k, date(2026, 8, 1), AssessmentKind.periodic)
    goal = plan_goal(db, f1)
    first = task(db, goal, done_at=warsaw(2026, 11, 1, 0, 30))
    task(db, goal, done_at=warsaw(2026, 11, 30, 23, 30))
    task(db, goal, done_at=warsaw(2026, 12, 1, 0, 30))
    task(db, goal, done_at=warsaw(2026, 10, 15))
    task(db, goal)
    draft = plan_goal(db, f1, version=2, status=PlanStatus.draft)
    task(db, draft, done_at=warsaw(2026, 11, 1, 0, 30), lineage_id=first.lineage_id)
    opinion(db, f1, k, status=OpinionStatus.final, finalised_at=warsaw(2026, 11, 30, 23, 30))
    opinion(db, f1, k, status=OpinionStatus.superseded, finalised_at=warsaw(2026, 11, 10))
    opinion(db, f1, k, status=OpinionStatus.final, finalised_at=warsaw(2026, 12, 1, 0, 30))
    opinion(db, f1, k, status=OpinionStatus.draft)

    f2 = case(db, centre, referred(date(2026, 10, 20)), active(date(2026, 11, 5)))
    assign(db, f2, k, since=date(2026, 10, 25))
    visit(db, f2, k, date(2026, 11, 10), minutes=45, kind=VisitKind.consultation)
    assessment(db, f2, k, date(2026, 11, 12), AssessmentKind.initial)

    f3 = case(
        db, centre, referred(date(2026, 2, 10)), active(date(2026, 3, 1)),
        ended(date(2026, 11, 18)), monitoring(date(2026, 11, 18)),
    )  # fmt: skip
    assign(db, f3, k, since=date(2026, 2, 15))
    visit(db, f3, k, date(2026, 11, 2), minutes=30, kind=VisitKind.phone)
    visit(db, f3, k, date(2026, 11, 20), minutes=90)
    assessment(db, f3, k, date(2026, 11, 18), AssessmentKind.final)

    f4 = case(db, centre, referred(date(2026, 3, 20)), active(date(2026, 4, 1)))
    assign(db, f4, k, since=date(2026, 3, 25))
    assessment(db, f4, k, date(2026, 4, 10), AssessmentKind.initial)
    visit(db, f4, k, date(2026, 11, 1), time(0, 15), minutes=120, kind=VisitKind.accompanying)

    f5 = case(db, centre, referred(date(2026, 2, 20)), active(date(2026, 3, 1)))
    assign(db, f5, k, since=date(2026, 2, 25), until=date(2026, 10, 15))
    assign(db, f5, m, since=date(2026, 10, 15))
    visit(db, f5, k, date(2026, 10, 10), minutes=60)

    f6 = case(db, centre, referred(date(2026, 11, 3)))
    assign(db, f6, k, since=date(2026, 11, 4))

    f7 = case(db, centre, referred(date(2026, 5, 1)), active(date(2026, 5, 10)))
    assign(db, f7, m, since=date(2026, 5, 2))
    visit(db, f7, m, date(2026, 11, 15), minutes=60)
    assessment(db, f7, m, date(2026, 11, 16), AssessmentKind.periodic)

    f9 = case(db, centre, referred(date(2026, 5, 15)), active(date(2026, 5, 31)))
    assign(db, f9, k, since=date(2026, 5, 20))

    f10 = case(
        db, centre, referred(date(2026, 1, 5)), active(date(2026, 1, 20)),
        ended(date(2026, 9, 30)), monitoring(date(2026, 9, 30)), closed(date(2026, 10, 31)),
    )  # fmt: skip
    assign(db, f10, k, since=date(2026, 1, 10), until=date(2026, 10, 31))
    return Month(centre, k, m, coordinator)


def test_the_monthly_report_counts_each_figure_as_defined(db, month):
    report = monthly_report(
        db, actor=month.as_(month.katarzyna), assistant_id=None, month=NOVEMBER,
        today=AFTER_NOVEMBER,
    )  # fmt: skip
    assert report.assistant.id == month.katarzyna.id and report.month == NOVEMBER
    assert (report.families, report.new, report.ended_total) == (5, 1, 1)
    assert report.ended[EndReason.goals_met] == 1
    assert report.overdue_on == date(2026, 11, 30) and report.overdue == 1
    assert report.assessments == {
        AssessmentKind.initial: 1, AssessmentKind.periodic: 0, AssessmentKind.final: 1,
    }  # fmt: skip
    assert (report.tasks_done, report.opinions) == (2, 2)


def test_visits_and_hours_are_counted_by_kind_in_warsaw_months(db, month):
    report = monthly_report(
        db, actor=month.as_(month.coordinator), assistant_id=month.katarzyna.id,
        month=NOVEMBER, today=AFTER_NOVEMBER,
    )  # fmt: skip
    by_kind = {v.kind: (v.count, v.minutes, v.hours) for v in report.visits}
    assert by_kind == {
        VisitKind.home_visit: (2, 150, "2,50"),
        VisitKind.consultation: (1, 45, "0,75"),
        VisitKind.accompanying: (1, 120, "2,00"),
        VisitKind.phone: (1, 30, "0,50"),
        VisitKind.intervention: (0, 0, "0,00"),
        VisitKind.monitoring: (0, 0, "0,00"),
    }
    assert (report.visit_count, report.visit_minutes, report.visit_hours) == (5, 345, "5,75")


def test_a_visit_at_half_past_midnight_on_the_first_belongs_to_the_new_month(db, month):
    december = monthly_report(
        db, actor=month.as_(month.katarzyna), assistant_id=None, month=date(2026, 12, 5),
        today=AFTER_NOVEMBER,
    )  # fmt: skip
    assert december.month == date(2026, 12, 1)
    assert (december.visit_count, december.visit_minutes) == (1, 90)
    # Done and finalised at 00:30 on 1 December in Warsaw, 30 November in UTC: December's.
    assert (december.tasks_done, december.opinions) == (1, 1)


def test_for_the_month_under_way_overdue_assessments_are_counted_today(db, month):
    report = monthly_report(
        db, actor=month.as_(month.katarzyna), assistant_id=None, month=NOVEMBER,
        today=date(2026, 11, 20),
    )  # fmt: skip
    assert report.overdue_on == date(2026, 11, 20)
    assert report.overdue == 1  # F4 only: F9 falls due on 30 November


def test_an_assessment_due_on_the_last_day_is_overdue_in_the_next_month(db, month):
    december = monthly_report(
        db, actor=month.as_(month.katarzyna), assistant_id=None, month=date(2026, 12, 1),
        today=date(2026, 12, 31),
    )  # fmt: skip
    assert december.overdue == 2  # F4 and now F9


def test_the_family_of_a_reassigned_case_counts_for_each_assistant_while_she_had_it(db, month):
    october = monthly_report(
        db, actor=month.as_(month.katarzyna), assistant_id=None, month=date(2026, 10, 1),
        today=AFTER_NOVEMBER,
    )  # fmt: skip
    # F1, F2 (referred only: not yet), F3, F4, F5 (until 15.10), F9, F10 (closed 31.10).
    assert october.families == 6
    marek = monthly_report(
        db, actor=month.as_(month.coordinator), assistant_id=month.marek.id,
        month=date(2026, 10, 1), today=AFTER_NOVEMBER,
    )  # fmt: skip
    assert marek.families == 2  # F5 from 15.10, F7


def test_the_day_a_family_is_handed_over_counts_for_both_assistants(db):
    centre = make_centre(db)
    first, second = (make_user(db, centre, Role.assistant) for _ in range(2))
    family = case(db, centre, referred(date(2026, 5, 1)), active(date(2026, 5, 10)))
    assign(db, family, first, since=date(2026, 5, 2), until=date(2026, 12, 1))
    assign(db, family, second, since=date(2026, 12, 1))
    for assistant in (first, second):
        december = monthly_report(
            db, actor=Actor(user=assistant), assistant_id=None, month=date(2026, 12, 1),
            today=date(2026, 12, 31),
        )  # fmt: skip
        assert december.families == 1


def test_an_assistant_reads_only_her_own_report(db, month):
    with pytest.raises(NotFound):
        monthly_report(
            db, actor=month.as_(month.katarzyna), assistant_id=month.marek.id, month=NOVEMBER,
            today=AFTER_NOVEMBER,
        )  # fmt: skip
    assert report_assistant(db, actor=month.as_(month.marek), assistant_id=None) == month.marek


def test_a_coordinator_reads_any_assistant_of_her_centre_but_not_of_another(db, month):
    first = report_assistant(db, actor=month.as_(month.coordinator), assistant_id=None)
    assert first == month.katarzyna  # Wiśniewska before Zieliński
    stranger = make_user(db, make_centre(db), Role.assistant)
    with pytest.raises(NotFound):
        report_assistant(db, actor=month.as_(month.coordinator), assistant_id=stranger.id)
    with pytest.raises(NotFound):  # a coordinator is no assistant
        report_assistant(db, actor=month.as_(month.coordinator), assistant_id=month.coordinator.id)  # fmt: skip


def test_reading_a_monthly_report_is_audited(db, month):
    monthly_report(
        db, actor=month.as_(month.coordinator), assistant_id=month.katarzyna.id,
        month=NOVEMBER, today=AFTER_NOVEMBER,
    )  # fmt: skip
    db.flush()
    (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "report.monthly")).all()
    assert (event.actor_id, event.object_id) == (month.coordinator.id, month.katarzyna.id)


def test_the_monthly_csv_has_a_bom_semicolons_and_the_figures(db, month):
    with use_locale("pl"):
        report = monthly_report(
            db, actor=month.as_(month.katarzyna), assistant_id=None, month=NOVEMBER,
            today=AFTER_NOVEMBER,
        )  # fmt: skip
        data = monthly_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert all(len(row) == 3 for row in rows)
    assert rows[1][1] == "Katarzyna Wiśniewska" and rows[2][1] == "11.2026"
    (home,) = [row for row in rows if row[0].endswith(": wizyta domowa")]
    assert home[1:] == ["2", "2,50"]


# --- a case's history --------------------------------------------------------------------------


def test_a_family_without_events_gets_its_history_from_its_own_dates(db):
    family = make_family(
        db, make_centre(db), status=CaseStatus.monitoring, referred_on=date(2026, 1, 10),
        work_started_on=date(2026, 2, 1), ended_on=date(2026, 6, 30),
        end_reason=EndReason.moved_away, monitoring_until=date(2026, 9, 30),
    )  # fmt: skip
    history = case_history(family, [])
    assert [(p.status, p.start, p.end) for p in history.periods] == [
        (CaseStatus.referred, date(2026, 1, 10), date(2026, 2, 1)),
        (CaseStatus.active, date(2026, 2, 1), date(2026, 6, 30)),
        (CaseStatus.ended, date(2026, 6, 30), date(2026, 6, 30)),
        (CaseStatus.monitoring, date(2026, 6, 30), None),
    ]
    assert history.starts == [date(2026, 2, 1)]
    assert history.ends == [(date(2026, 6, 30), EndReason.moved_away)]


def test_months_and_years_in_the_future_are_refused(db):
    today = date(2026, 11, 23)
    assert parse_month("", today=today) == NOVEMBER
    assert parse_month("2026-10", today=today) == date(2026, 10, 1)
    for wrong in ("2026-12", "2026-13", "listopad", "1999-01"):
        with use_locale("pl"), pytest.raises(Invalid):
            parse_month(wrong, today=today)
    assert parse_year("", today=today) == 2026 and parse_year("2025", today=today) == 2025
    for wrong in ("2027", "20x6", "1999"):
        with pytest.raises(Invalid):
            parse_year(wrong, today=today)


# --- the yearly figures: the centre's 2026 -----------------------------------------------------

YEAR_LATER = date(2027, 1, 15)


@dataclass
class Year:
    centre: Centre
    coordinator: User
    katarzyna: User
    closed_family_id: object


@pytest.fixture
def year(db: Session) -> Year:
    """The centre's 2026, worked out by hand:

    supported: A (active to 10.03, monitored to 30.06), B (from 1.01, "Za życiem"),
    C (ended 31.12.2025, monitored to 28.02), F (from 31.12) = 4; not D (refused at first
    contact), not E (closed in 2025);
    children: A's born 2015 and born 5.2026 (not the one who left in 2025), B's born 2020
    (not the one due in 2027), C's born 2010 = 4;
    assistants: Katarzyna, Marek (not the one gone in 2025, nor the one from 2027) = 2;
    new: B (1.01), F (31.12) = 2; ended: A goals met (10.03), D refused (20.02) = 2, C's end
    on 31.12.2025 is 2025's; visits: 1.01 00:30 (60) and 1.03 (45) = 2, 1,75 h (not the one
    on 31.12.2025 23:30);
    average caseload: Jan 1,5 (K: A, C; M: B), Feb 1,5, Mar–Nov 1, Dec 2 (M: B, F): 14/12 = 1,2.
    """
    centre = make_centre(db)
    coordinator = make_user(db, centre, Role.coordinator)
    k = make_user(db, centre, Role.assistant, first_name="Katarzyna", created_at=warsaw(2025, 1, 2))  # fmt: skip
    m = make_user(db, centre, Role.assistant, first_name="Marek", created_at=warsaw(2026, 3, 1))  # fmt: skip
    make_user(
        db, centre, Role.assistant, created_at=warsaw(2024, 1, 2), is_active=False,
        deactivated_at=warsaw(2025, 11, 30),
    )  # fmt: skip
    make_user(db, centre, Role.assistant, created_at=warsaw(2027, 1, 5))

    a = case(
        db, centre, referred(date(2025, 5, 10)), active(date(2025, 6, 1)),
        ended(date(2026, 3, 10)), monitoring(date(2026, 3, 10)), closed(date(2026, 6, 30)),
        name="Kowalscy", address="ul. Polna 3, Bystrzyca Kłodzka", phone="600 111 222",
    )  # fmt: skip
    assign(db, a, k, since=date(2025, 5, 20), until=date(2026, 6, 30))
    child(db, a, date(2015, 4, 1), first_name="Ola")
    child(db, a, date(2026, 5, 1), first_name="Staś")
    child(db, a, date(2008, 2, 1), in_household=False, left_household_on=date(2025, 5, 1))
    visit(db, a, k, date(2025, 12, 31), time(23, 30), notes="Rozmowa o budżecie")
    visit(db, a, k, date(2026, 3, 1), minutes=45, kind=VisitKind.consultation)

    b = case(db, centre, referred(date(2025, 12, 10)), active(date(2026, 1, 1)), za_zyciem=True)
    assign(db, b, m, since=date(2025, 12, 20))
    child(db, b, date(2020, 1, 1))
    child(db, b, date(2027, 2, 1))
    visit(db, b, m, date(2026, 1, 1), time(0, 30))

    c = case(
        db, centre, referred(date(2024, 12, 1)), active(date(2025, 1, 10)),
        ended(date(2025, 12, 31)), monitoring(date(2025, 12, 31)), closed(date(2026, 2, 28)),
    )  # fmt: skip
    assign(db, c, k, since=date(2025, 1, 1), until=date(2026, 2, 28))
    child(db, c, date(2010, 6, 1))

    d = case(
        db, centre, referred(date(2026, 2, 1)),
        ended(date(2026, 2, 20), EndReason.refused_at_first_contact),
    )  # fmt: skip
    assign(db, d, m, since=date(2026, 2, 5), until=date(2026, 2, 20))
    child(db, d, date(2019, 1, 1))

    e = case(
        db, centre, referred(date(2024, 1, 1)), active(date(2024, 2, 1)),
        ended(date(2025, 6, 1)), closed(date(2025, 9, 1)),
    )  # fmt: skip
    assign(db, e, k, since=date(2024, 1, 5), until=date(2025, 9, 1))

    f = case(db, centre, referred(date(2026, 12, 15)), active(date(2026, 12, 31)))
    assign(db, f, m, since=date(2026, 12, 20))
    return Year(centre, coordinator, k, a.id)


def test_the_yearly_figures_count_each_figure_as_defined(db, year):
    figures = yearly_figures(db, actor=Actor(user=year.coordinator), year=2026, today=YEAR_LATER)
    assert (figures.families, figures.children, figures.za_zyciem) == (4, 4, 1)
    assert figures.assistants == 2
    assert (figures.new, figures.ended_total, figures.goals_met) == (2, 2, 1)
    assert figures.ended[EndReason.refused_at_first_contact] == 1
    assert (figures.visit_count, figures.visit_hours) == (2, "1,75")
    assert figures.average_caseload == 1.2


def test_cases_per_month_follow_the_warsaw_calendar(db, year):
    figures = yearly_figures(db, actor=Actor(user=year.coordinator), year=2026, today=YEAR_LATER)
    per_month = [(m.families, m.new, m.ended, m.visits) for m in figures.months]
    assert per_month[0] == (3, 1, 0, 1)  # A, B, C; B started; the visit at 00:30 on 1.01
    assert per_month[1] == (3, 0, 1, 0)  # C monitored until 28.02; D refused
    assert per_month[2] == (2, 0, 1, 1)
    assert per_month[11] == (2, 1, 0, 0)  # B and F, started on 31.12
    assert [bar.value for bar in figures.chart.bars] == [m.families for m in figures.months]


def test_the_last_evening_of_a_year_belongs_to_that_year(db, year):
    figures = yearly_figures(db, actor=Actor(user=year.coordinator), year=2025, today=YEAR_LATER)
    assert figures.visit_count == 1  # 31.12.2025 at 23:30
    assert figures.ended[EndReason.goals_met] == 2  # C on 31.12.2025, and E
    assert figures.new == 2  # A and C


def test_months_still_to_come_show_no_figures(db, year):
    figures = yearly_figures(
        db, actor=Actor(user=year.coordinator), year=2026, today=date(2026, 11, 23)
    )
    assert [m.begun for m in figures.months] == [True] * 11 + [False]
    assert figures.chart.bars[11].value_text == "" and figures.chart.bars[11].height == 0


def test_only_a_coordinator_reads_the_yearly_figures(db, year):
    with pytest.raises(Forbidden):
        yearly_figures(db, actor=Actor(user=year.katarzyna), year=2026, today=YEAR_LATER)


def test_the_yearly_csv_lists_the_figures_then_the_months(db, year):
    with use_locale("pl"):
        figures = yearly_figures(
            db, actor=Actor(user=year.coordinator), year=2026, today=YEAR_LATER
        )
        rows = list(csv.reader(io.StringIO(yearly_csv(figures).decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Ośrodek", year.centre.name] and rows[2][1] == "2026"
    months = rows[rows.index([]) + 2 :]
    assert [row[0] for row in months] == [f"{m:02d}.2026" for m in range(1, 13)]
    assert months[0][1:] == ["3", "1", "0", "1"]


def test_a_family_handed_over_counts_for_the_organisation_and_the_referring_centre(db, year):
    organisation = make_centre(db, parent_centre_id=year.centre.id)
    its_coordinator = make_user(db, organisation, Role.coordinator)
    its_assistant = make_user(db, organisation, Role.assistant, created_at=warsaw(2026, 1, 2))
    g = case(
        db, year.centre, referred(date(2026, 4, 1)), active(date(2026, 5, 4)),
        handled_by_centre_id=organisation.id, handed_over_on=date(2026, 4, 20),
    )  # fmt: skip
    assign(db, g, its_assistant, since=date(2026, 4, 25))
    visit(db, g, its_assistant, date(2026, 6, 2), minutes=90)

    theirs = yearly_figures(db, actor=Actor(user=its_coordinator), year=2026, today=YEAR_LATER)
    assert (theirs.families, theirs.new, theirs.visit_count, theirs.visit_hours) == (
        1,
        1,
        1,
        "1,50",
    )
    assert theirs.assistants == 1 and theirs.average_caseload == 1.0
    referring = yearly_figures(db, actor=Actor(user=year.coordinator), year=2026, today=YEAR_LATER)
    assert (referring.families, referring.new, referring.visit_count) == (5, 3, 3)
