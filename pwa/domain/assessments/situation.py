"""Assessments of the family's situation: initial, periodic (at least every 6 months) and final.

- The periodic assessment is due 6 months after the later of the start of work and the last
  initial or periodic assessment (`due.assessment_due`); reopening a case starts the count
  again from the new start of work. Only families whose work is under way have one due.
- An assessment is a structured form: the areas of the family's life, the family's own view,
  progress on each goal of the plan in force (rated 0–4 with a short comment), strengths and
  resources, and a recommendation. The history keeps every assessment; none is ever changed.
- Assessments are internal to staff (policy Access.full): families never see them.
- Ending the work under way requires the final assessment: `end_work_with_final_assessment`
  checks both forms together and writes both in the same unit of work; `lifecycle.end_work`
  refuses it alone (it stays for ends with no assessment: refused at first contact, consent
  withdrawn).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from pwa.domain.cases import lifecycle
from pwa.domain.cases.members import before_the_work, lock_family, staff_family
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.domain.kernel.forms import FormErrors, parse_enum
from pwa.domain.plans import views
from pwa.i18n import format_date, lazy, local_today
from pwa.i18n import gettext as _
from pwa.models import (
    Assessment,
    AssessmentKind,
    CaseStatus,
    EndReason,
    Family,
    Goal,
    GoalProgress,
    Recommendation,
    utcnow,
)

TEXT_LIMIT = 10_000
COMMENT_LIMIT = 500
RATINGS = range(5)  # 0 … 4

# The areas of the form, in the order the form asks about them.
AREAS = (
    "children_situation",
    "care_and_upbringing",
    "household",
    "finances",
    "health",
    "work",
    "school",
    "family_view",
    "strengths",
)
AREA_LABELS = {
    "children_situation": lazy("The children's situation and safety"),
    "care_and_upbringing": lazy("Care and upbringing"),
    "household": lazy("Running the household"),
    "finances": lazy("Finances"),
    "health": lazy("Health"),
    "work": lazy("Work"),
    "school": lazy("School"),
    "family_view": lazy("The family's own view"),
    "strengths": lazy("Strengths and resources"),
}
RATING_LABELS = {
    0: lazy("no progress"),
    1: lazy("little progress"),
    2: lazy("some progress"),
    3: lazy("clear progress"),
    4: lazy("goal achieved"),
}
# What the work with a family may end with when it is under way (a final assessment each).
END_REASONS = tuple(r for r in EndReason if r in lifecycle.END_REASONS[CaseStatus.active])


def area_label(name: str) -> str:
    return _(AREA_LABELS[name])


def rating_label(rating: int) -> str:
    return _(RATING_LABELS[rating])


# --- forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgressForm:
    """The rating (0–4) and comment of one goal, as the form sends them."""

    goal_id: str
    rating: str
    comment: str = ""


@dataclass(frozen=True)
class AssessmentForm:
    """An assessment as the form sends it (strings, unchecked).

    The final assessment takes its date from the end of the work and recommends its end, so
    `assessed_on` and `recommendation` are read only for initial and periodic assessments.
    """

    assessed_on: str = ""
    children_situation: str = ""
    care_and_upbringing: str = ""
    household: str = ""
    finances: str = ""
    health: str = ""
    work: str = ""
    school: str = ""
    family_view: str = ""
    strengths: str = ""
    recommendation: str = ""
    progress: tuple[GoalProgressForm, ...] = ()


@dataclass(frozen=True)
class _Checked:
    texts: dict[str, str]
    recommendation: Recommendation
    progress: list[tuple[Goal, int, str]]


def goals_in_force(db: Session, *, family_id: uuid.UUID) -> list[Goal]:
    """The goals of the plan in force, in the plan's order (none without an agreed plan)."""
    plan = views.plan_in_force(db, family_id=family_id)
    if plan is None:
        return []
    return list(
        db.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(col(Goal.position))).all()
    )


def _check_progress(
    form: AssessmentForm, goals: list[Goal], errors: FormErrors
) -> list[tuple[Goal, int, str]]:
    """Every goal of the plan in force rated 0–4; ratings of other goals are ignored."""
    sent = {entry.goal_id.strip(): entry for entry in form.progress}
    rated = []
    for goal in goals:
        entry = sent.get(str(goal.id))
        raw = entry.rating.strip() if entry else ""
        rating = int(raw) if raw.isdigit() else None
        if rating not in RATINGS:
            errors[f"rating-{goal.id}"] = _("Rate the progress on this goal from 0 to 4.")
        comment = errors.text(
            f"comment-{goal.id}", entry.comment if entry else "", limit=COMMENT_LIMIT
        )
        if rating is not None and rating in RATINGS:
            rated.append((goal, rating, comment))
    return rated


def _check(
    form: AssessmentForm, *, goals: list[Goal], final: bool, errors: FormErrors
) -> _Checked | None:
    """The texts, the recommendation and the goal ratings, or None with the reasons in `errors`."""
    before = len(errors)
    texts = {name: errors.text(name, getattr(form, name), limit=TEXT_LIMIT) for name in AREAS}
    if not texts["children_situation"] and "children_situation" not in errors:
        errors["children_situation"] = _("Describe the children's situation and safety.")
    recommendation: Recommendation | None = Recommendation.end_work
    if not final:
        recommendation = parse_enum(Recommendation, form.recommendation)
        if recommendation is None:
            errors["recommendation"] = _(
                "Choose what you recommend: continue the work, change the plan or end the work."
            )
    progress = _check_progress(form, goals, errors)
    if len(errors) > before or recommendation is None:
        return None
    return _Checked(texts=texts, recommendation=recommendation, progress=progress)


def _assessed_on(form: AssessmentForm, family: Family, *, today: date, errors: FormErrors) -> date:
    day = errors.day(
        "assessed_on",
        form.assessed_on,
        today=today,
        missing=_("Enter the date of the assessment."),
    )
    if (started := before_the_work(family, day)) is not None:
        errors["assessed_on"] = _(
            "The assessment cannot be earlier than the start of the work (%(date)s).",
            date=format_date(started),
        )
    return day or today


def _save(
    db: Session,
    *,
    actor: Actor,
    family: Family,
    kind: AssessmentKind,
    assessed_on: date,
    checked: _Checked,
    now: datetime,
) -> Assessment:
    assessment = Assessment(
        family_id=family.id,
        kind=kind,
        assessed_on=assessed_on,
        author_id=actor.id,
        recommendation=checked.recommendation,
        created_at=now,
    )
    for name, text in checked.texts.items():
        setattr(assessment, name, text)
    db.add(assessment)
    db.flush()
    db.add_all(
        GoalProgress(assessment_id=assessment.id, goal_id=goal.id, rating=rating, comment=comment)
        for goal, rating, comment in checked.progress
    )
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="assessment.create",
        family_id=family.id,
        obj=assessment,
        kind=kind,
        assessed_on=assessed_on,
    )
    return assessment


# --- writing ------------------------------------------------------------------------------------


def require_work_under_way(family: Family) -> None:
    """Assessments are written while the work with the family is under way."""
    if family.status is CaseStatus.referred:
        raise Conflict(
            _("The work with this family has not started yet: there is nothing to assess.")
        )
    if family.status is not CaseStatus.active:
        raise Conflict(_("The work with this family has ended: no more assessments are written."))


def record_assessment(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    kind: AssessmentKind,
    form: AssessmentForm,
    now: datetime | None = None,
) -> Assessment:
    """Write an initial or periodic assessment of a family whose work is under way."""
    now = now or utcnow()
    if kind is AssessmentKind.final:
        raise Conflict(_("The final assessment is written when the work with the family ends."))
    family = lock_family(db, actor=actor, family_id=family_id)
    require_work_under_way(family)
    errors = FormErrors()
    assessed_on = _assessed_on(form, family, today=local_today(now), errors=errors)
    checked = _check(
        form, goals=goals_in_force(db, family_id=family.id), final=False, errors=errors
    )
    errors.raise_any()
    assert checked is not None
    same = select(Assessment.id).where(Assessment.family_id == family.id, Assessment.kind == kind)
    if kind is AssessmentKind.initial and family.work_started_on is not None:
        if db.exec(same.where(col(Assessment.assessed_on) >= family.work_started_on)).first():
            raise Conflict(
                _("The initial assessment is already written: write a periodic assessment.")
            )
    elif db.exec(same.where(Assessment.assessed_on == assessed_on)).first():
        raise Conflict(
            _(
                "An assessment of this family is already written for %(date)s.",
                date=format_date(assessed_on),
            )
        )
    return _save(
        db,
        actor=actor,
        family=family,
        kind=kind,
        assessed_on=assessed_on,
        checked=checked,
        now=now,
    )


def end_work_with_final_assessment(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    end: lifecycle.EndWorkForm,
    assessment: AssessmentForm,
    now: datetime | None = None,
) -> Assessment:
    """End the work under way with its final assessment: both forms are checked together and
    either both are written or neither is."""
    now = now or utcnow()
    family = staff_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.referred:
        raise Conflict(
            _(
                "The work with this family has not started, so there is no final assessment: "
                "end it on the family's page."
            )
        )
    if family.status is not CaseStatus.active:
        raise Conflict(_("The work with this family has already ended."))
    errors = FormErrors()
    checked = _check(
        assessment, goals=goals_in_force(db, family_id=family.id), final=True, errors=errors
    )
    try:
        with db.begin_nested():  # the end of the work is undone when the assessment is refused
            lifecycle.end_work(
                db, actor=actor, family_id=family.id, form=end, now=now,
                with_final_assessment=True,
            )  # fmt: skip
            errors.raise_any()
    except Invalid as error:
        raise Invalid(_("Please correct the marked fields."), {**error.errors, **errors}) from None
    assert checked is not None and family.ended_on is not None
    return _save(
        db,
        actor=actor,
        family=family,
        kind=AssessmentKind.final,
        assessed_on=family.ended_on,
        checked=checked,
        now=now,
    )
