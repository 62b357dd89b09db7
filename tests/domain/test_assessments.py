"""Periodic, initial and final assessments (issue 10, points 1–2): due dates, the form's rules,
the history, and the end of the work that requires the final assessment."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session, col, select

from pwa.domain.assessments import situation as assessments
from pwa.domain.assessments import views
from pwa.domain.assessments.due import AssessmentStatus, assessment_due_for
from pwa.domain.assessments.situation import GoalProgressForm
from pwa.domain.cases import closing, lifecycle
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.i18n import use_locale
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseEvent,
    CaseStatus,
    Consent,
    EndReason,
    GoalProgress,
    PlanStatus,
    Recommendation,
    Role,
)
from tests.support.audit import audit_actions
from tests.support.clock import NOW, TODAY
from tests.support.factories.assessments import (
    assessment_form,
    end_form,
    make_assessment,
    make_goals,
)
from tests.support.factories.core import make_user
from tests.support.factories.visits import Case, make_case


@pytest.fixture
def case(db: Session) -> Case:
    return make_case(db, work_started_on=date(2026, 2, 1))


def assessments_of(db: Session, case: Case) -> list[Assessment]:
    db.flush()
    return list(
        db.exec(
            select(Assessment)
            .where(Assessment.family_id == case.family.id)
            .order_by(col(Assessment.assessed_on))
        ).all()
    )


# --- when the periodic assessment is due --------------------------------------------------------


def test_the_first_periodic_assessment_is_due_six_months_after_the_start_of_work(
    db: Session, case: Case
):
    due = assessment_due_for(db, family=case.family, today=TODAY)
    assert due.due == date(2026, 8, 1) and due.last is None
    assert due.status is AssessmentStatus.overdue and due.overdue


def test_the_next_one_is_due_six_months_after_the_previous_assessment(db: Session, case: Case):
    make_assessment(db, case.family, on=date(2026, 6, 1))
    due = assessment_due_for(db, family=case.family, today=TODAY)
    assert due.due == date(2026, 12, 1) and due.status is AssessmentStatus.soon
    assert not due.overdue and due.soon
    make_assessment(db, case.family, on=date(2026, 7, 15), kind=AssessmentKind.initial)
    later = assessment_due_for(db, family=case.family, today=TODAY)
    assert later.due == date(2027, 1, 15) and later.status is AssessmentStatus.ok
    assert later.last is not None and later.last.assessed_on == date(2026, 7, 15)


def test_a_final_assessment_does_not_reset_the_count(db: Session, case: Case):
    make_assessment(db, case.family, on=date(2026, 6, 1))
    make_assessment(db, case.family, on=date(2026, 11, 1), kind=AssessmentKind.final)
    assert assessment_due_for(db, family=case.family, today=TODAY).due == date(2026, 12, 1)


def test_an_assessment_is_overdue_only_after_its_due_day(db: Session, case: Case):
    make_assessment(db, case.family, on=date(2026, 5, 23))
    on_the_day = assessment_due_for(db, family=case.family, today=TODAY)
    assert on_the_day.due == TODAY and on_the_day.status is AssessmentStatus.soon
    next_day = assessment_due_for(db, family=case.family, today=TODAY + timedelta(days=1))
    assert next_day.overdue


@pytest.mark.parametrize("status", [CaseStatus.ended, CaseStatus.monitoring, CaseStatus.closed])
def test_nothing_is_due_once_the_work_has_ended(db: Session, status: CaseStatus):
    case = make_case(db, status=status, work_started_on=date(2025, 1, 1))
    due = assessment_due_for(db, family=case.family, today=TODAY)
    assert due.due is None and due.status is None and not due.overdue


def test_after_reopening_the_count_starts_again_from_the_new_start_of_work(db: Session, case: Case):
    goals = make_goals(db, case.family)
    make_assessment(db, case.family, on=date(2026, 5, 4))
    assessments.end_work_with_final_assessment(
        db, actor=case.as_assistant, family_id=case.family.id,
        end=end_form(ended_on="2026-06-30"), assessment=assessment_form(goals), now=NOW,
    )  # fmt: skip
    coordinator = Actor(case.coordinator)
    closing.close_case(
        db, actor=coordinator, family_id=case.family.id,
        form=closing.ReasonForm("Cele osiągnięte."), now=NOW,
    )  # fmt: skip
    closing.reopen_case(
        db, actor=coordinator, family_id=case.family.id,
        form=closing.ReasonForm("Nowe zgłoszenie ze szkoły."), now=NOW,
    )  # fmt: skip
    assert assessment_due_for(db, family=case.family, today=TODAY).due is None
    lifecycle.record_consent(
        db, actor=coordinator, family_id=case.family.id,
        form=lifecycle.ConsentGivenForm(TODAY.isoformat(), str(case.parent.id), "written"),
        now=NOW,
    )  # fmt: skip
    due = assessment_due_for(db, family=case.family, today=TODAY)
    # Counted from the new start (23.11.2026), not from the assessment of 4.05.2026.
    assert due.due == date(2027, 5, 23) and due.status is AssessmentStatus.ok


# --- writing an assessment ----------------------------------------------------------------------


def test_a_periodic_assessment_keeps_every_area_and_a_rating_for_each_goal(db: Session, case: Case):
    goals = make_goals(db, case.family)
    form = assessment_form(
        goals,
        progress=(
            GoalProgressForm(str(goals[0].id), "4", "Czynsz spłacony"),
            GoalProgressForm(str(goals[1].id), "1", ""),
        ),
        recommendation="change_plan",
    )
    written = assessments.record_assessment(
        db, actor=case.as_assistant, family_id=case.family.id,
        kind=AssessmentKind.periodic, form=form, now=NOW,
    )  # fmt: skip
    assert written.kind is AssessmentKind.periodic and written.assessed_on == TODAY
    assert written.recommendation is Recommendation.change_plan
    assert written.author_id == case.assistant.id
    assert written.strengths == "Zaangażowanie matki, wsparcie babci."
    assert written.family_view == "Rodzina widzi poprawę i chce kontynuować."
    progress = db.exec(select(GoalProgress).where(GoalProgress.assessment_id == written.id)).all()
    assert {(p.goal_id, p.rating, p.comment) for p in progress} == {
        (goals[0].id, 4, "Czynsz spłacony"),
        (goals[1].id, 1, ""),
    }
    assert "assessment.create" in audit_actions(db, case.family)
    assert assessment_due_for(db, family=case.family, today=TODAY).due == date(2027, 5, 23)


def test_every_goal_of_the_plan_in_force_must_be_rated_from_0_to_4(db: Session, case: Case):
    goals = make_goals(db, case.family)
    form = assessment_form(
        goals,
        progress=(GoalProgressForm(str(goals[0].id), "5", "x" * 501),),
    )
    with pytest.raises(Invalid) as refused:
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.periodic, form=form, now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {
        f"rating-{goals[0].id}",
        f"comment-{goals[0].id}",
        f"rating-{goals[1].id}",
    }
    assert assessments_of(db, case) == []


def test_without_an_agreed_plan_there_is_nothing_to_rate(db: Session, case: Case):
    written = assessments.record_assessment(
        db, actor=case.as_assistant, family_id=case.family.id,
        kind=AssessmentKind.initial, form=assessment_form(), now=NOW,
    )  # fmt: skip
    assert written.kind is AssessmentKind.initial
    assert db.exec(select(GoalProgress)).all() == []


def test_the_form_is_checked_all_at_once_with_polish_messages(db: Session, case: Case):
    form = assessment_form(
        assessed_on="2026-01-15", children_situation="  ", recommendation="maybe"
    )
    with use_locale("pl"), pytest.raises(Invalid) as refused:
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.periodic, form=form, now=NOW,
        )  # fmt: skip
    assert refused.value.errors == {
        "assessed_on": "Ocena nie może być wcześniejsza niż rozpoczęcie pracy (01.02.2026).",
        "children_situation": "Opisz sytuację dzieci i ich bezpieczeństwo.",
        "recommendation": "Wybierz rekomendację: kontynuacja pracy, zmiana planu albo "
        "zakończenie pracy.",
    }


@pytest.mark.parametrize(
    ("assessed_on", "message"),
    [
        ("", "Enter the date of the assessment."),
        ("2026-11-24", "This date cannot be in the future."),
    ],
)
def test_the_date_is_required_and_not_in_the_future(
    db: Session, case: Case, assessed_on: str, message: str
):
    with use_locale("en"), pytest.raises(Invalid) as refused:
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.periodic, form=assessment_form(assessed_on=assessed_on), now=NOW,
        )  # fmt: skip
    assert refused.value.errors == {"assessed_on": message}


def test_the_same_assessment_is_not_written_twice(db: Session, case: Case):
    for kind in (AssessmentKind.periodic, AssessmentKind.initial):
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id, kind=kind,
            form=assessment_form(assessed_on="2026-11-20"), now=NOW,
        )  # fmt: skip
    with pytest.raises(Conflict):
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.periodic, form=assessment_form(assessed_on="2026-11-20"), now=NOW,
        )  # fmt: skip
    with pytest.raises(Conflict):  # one initial assessment per episode of work
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.initial, form=assessment_form(), now=NOW,
        )  # fmt: skip
    assert len(assessments_of(db, case)) == 2


@pytest.mark.parametrize("status", [CaseStatus.referred, CaseStatus.ended, CaseStatus.monitoring])
def test_assessments_are_written_only_while_the_work_is_under_way(db: Session, status: CaseStatus):
    case = make_case(db, status=status)
    with pytest.raises(Conflict):
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.periodic, form=assessment_form(), now=NOW,
        )  # fmt: skip


def test_the_final_assessment_is_not_written_on_its_own(db: Session, case: Case):
    with pytest.raises(Conflict):
        assessments.record_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            kind=AssessmentKind.final, form=assessment_form(), now=NOW,
        )  # fmt: skip


# --- the end of the work requires the final assessment ------------------------------------------


def test_end_of_work_requires_the_final_assessment(db: Session, case: Case):
    goals = make_goals(db, case.family)
    blank = assessment_form(goals, children_situation="", progress=())
    with pytest.raises(Invalid) as refused:
        assessments.end_work_with_final_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            end=end_form(), assessment=blank, now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {
        "children_situation",
        f"rating-{goals[0].id}",
        f"rating-{goals[1].id}",
    }
    db.refresh(case.family)
    assert case.family.status is CaseStatus.active and case.family.ended_on is None
    assert db.exec(select(CaseEvent).where(CaseEvent.family_id == case.family.id)).all() == []
    assert assessments_of(db, case) == []
    assert "case.end" not in audit_actions(db, case.family)


def test_both_forms_are_checked_together(db: Session, case: Case):
    with pytest.raises(Invalid) as refused:
        assessments.end_work_with_final_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            end=end_form(reason="refused_at_first_contact"),
            assessment=assessment_form(children_situation=""), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"reason", "children_situation"}
    with pytest.raises(Invalid) as refused:
        assessments.end_work_with_final_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            end=end_form(reason="other", detail=""), assessment=assessment_form(), now=NOW,
        )  # fmt: skip
    assert set(refused.value.errors) == {"detail"}
    db.refresh(case.family)
    assert case.family.status is CaseStatus.active and assessments_of(db, case) == []


def test_the_work_ends_with_its_final_assessment_in_one_unit_of_work(db: Session, case: Case):
    goals = make_goals(db, case.family)
    final = assessments.end_work_with_final_assessment(
        db, actor=case.as_assistant, family_id=case.family.id,
        end=end_form(ended_on="2026-11-20"),
        assessment=assessment_form(goals, recommendation="continue", assessed_on="garbage"),
        now=NOW,
    )  # fmt: skip
    assert case.family.status is CaseStatus.ended and case.family.ended_on == date(2026, 11, 20)
    assert final.kind is AssessmentKind.final and final.assessed_on == date(2026, 11, 20)
    assert final.recommendation is Recommendation.end_work
    ratings = db.exec(select(GoalProgress.rating).where(GoalProgress.assessment_id == final.id))
    assert sorted(ratings.all()) == [3, 3]
    assert audit_actions(db, case.family)[-2:] == ["case.end", "assessment.create"]


def test_consent_withdrawn_at_the_end_is_withdrawn_with_the_final_assessment(
    db: Session, case: Case
):
    assessments.end_work_with_final_assessment(
        db, actor=case.as_assistant, family_id=case.family.id,
        end=end_form(reason="consent_withdrawn", detail="Rodzina nie chce dalszej pomocy."),
        assessment=assessment_form(), now=NOW,
    )  # fmt: skip
    consent = db.exec(select(Consent).where(Consent.family_id == case.family.id)).one()
    assert consent.withdrawn_on == TODAY
    assert case.family.end_reason is EndReason.consent_withdrawn


@pytest.mark.parametrize("status", [CaseStatus.referred, CaseStatus.ended, CaseStatus.closed])
def test_only_work_under_way_ends_with_a_final_assessment(db: Session, status: CaseStatus):
    case = make_case(db, status=status)
    with pytest.raises(Conflict):
        assessments.end_work_with_final_assessment(
            db, actor=case.as_assistant, family_id=case.family.id,
            end=end_form(), assessment=assessment_form(), now=NOW,
        )  # fmt: skip


# --- reading: staff only ------------------------------------------------------------------------


def test_the_history_keeps_every_assessment_newest_first(db: Session, case: Case):
    make_assessment(db, case.family, on=date(2026, 2, 10), kind=AssessmentKind.initial)
    make_assessment(db, case.family, on=date(2026, 8, 3), author=case.assistant)
    history = views.assessment_history(
        db, actor=case.as_assistant, family_id=case.family.id, today=TODAY
    )
    assert [row.assessment.assessed_on for row in history.rows] == [
        date(2026, 8, 3),
        date(2026, 2, 10),
    ]
    assert history.rows[0].author == case.assistant and history.rows[1].author is None
    assert history.due.due == date(2027, 2, 3) and history.work_under_way
    assert "assessment.list" in audit_actions(db, case.family)


def test_one_assessment_shows_its_areas_and_goal_ratings(db: Session, case: Case):
    goals = make_goals(db, case.family)
    written = make_assessment(
        db, case.family, on=date(2026, 8, 3), ratings=[(goals[1], 2), (goals[0], 4)], health=""
    )
    with use_locale("en"):
        detail = views.get_assessment(db, actor=case.as_coordinator, assessment_id=written.id)
        assert detail.areas == [("The children's situation and safety", "Dzieci bezpieczne.")]
        assert [(row.goal, row.progress.rating) for row in detail.progress] == [
            (goals[0], 4),
            (goals[1], 2),
        ]
        assert detail.progress[1].rating_label == "some progress"
    assert "assessment.read" in audit_actions(db, case.family)


def test_families_and_other_assistants_never_see_assessments(db: Session, case: Case):
    written = make_assessment(db, case.family, on=date(2026, 8, 3))
    stranger = Actor(make_user(db, case.centre, Role.assistant))
    for actor in (case.as_parent, stranger):
        with pytest.raises(NotFound):
            views.assessment_history(db, actor=actor, family_id=case.family.id, today=TODAY)
        with pytest.raises(NotFound):
            views.get_assessment(db, actor=actor, assessment_id=written.id)
        with pytest.raises(NotFound):
            assessments.record_assessment(
                db, actor=actor, family_id=case.family.id,
                kind=AssessmentKind.periodic, form=assessment_form(), now=NOW,
            )  # fmt: skip


def test_the_form_offers_the_goals_of_the_plan_in_force_only(db: Session, case: Case):
    agreed = make_goals(db, case.family)
    make_goals(db, case.family, version=2, status=PlanStatus.draft, agreed_at=None)
    view = views.form_view(
        db, actor=case.as_assistant, family_id=case.family.id,
        kind=AssessmentKind.periodic, today=TODAY,
    )  # fmt: skip
    assert view.goals == agreed and view.due.overdue
