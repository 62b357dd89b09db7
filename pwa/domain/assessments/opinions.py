"""Court opinions (opinia o rodzinie dla sądu): a draft assembled from the record, edited by the
assistant, then marked final.

- A court's request (court, case reference, date of the request, deadline) makes a draft whose
  text is assembled from the family's record (`opinion_draft`), in Polish, formal register.
- Drafts are edited; final opinions are never changed, only superseded: `supersede` makes a new
  draft copying the text (`supersedes_id`), and the old opinion becomes superseded when the new
  one is finalised.
- Opinions are internal to staff (policy Access.full): families never see them.
- `opinions_due` lists the assistant's opinions still to be finalised, by deadline (her home
  page shows them; the push reminders read `CourtOpinion.deadline` themselves).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from pwa.domain.assessments import opinion_draft
from pwa.domain.cases.members import centre_of, staff_family
from pwa.domain.kernel import audit
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid, NotFound
from pwa.domain.kernel.forms import FormErrors, parse_date
from pwa.i18n import gettext as _
from pwa.i18n import local_today
from pwa.models import (
    Assignment,
    CaseStatus,
    Centre,
    CourtOpinion,
    Family,
    OpinionStatus,
    User,
    utcnow,
)

COURT_LIMIT = 200
REFERENCE_LIMIT = 80
BODY_LIMIT = 100_000


# --- forms ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpinionRequestForm:
    """The court's request as the form sends it (strings, unchecked)."""

    court: str
    case_reference: str
    requested_on: str
    deadline: str


@dataclass(frozen=True)
class OpinionEditForm:
    """A draft as its form sends it: the request's details and the text."""

    court: str
    case_reference: str
    requested_on: str
    deadline: str
    body: str


@dataclass(frozen=True)
class _Request:
    court: str
    case_reference: str
    requested_on: date
    deadline: date


def _check_request(
    form: OpinionRequestForm | OpinionEditForm, *, today: date, errors: FormErrors
) -> _Request | None:
    before = len(errors)
    court = errors.text(
        "court", form.court, limit=COURT_LIMIT, missing=_("Enter the court, e.g. its division.")
    )
    reference = errors.text(
        "case_reference",
        form.case_reference,
        limit=REFERENCE_LIMIT,
        missing=_("Enter the court's case reference."),
    )
    requested_on = errors.day(
        "requested_on",
        form.requested_on,
        today=today,
        missing=_("Enter the date of the court's request."),
    )
    deadline = parse_date(form.deadline)
    if not form.deadline.strip():
        errors["deadline"] = _("Enter the deadline set by the court.")
    elif deadline is None:
        errors["deadline"] = _("Enter a date, e.g. 23.11.2026.")
    elif requested_on is not None and deadline < requested_on:
        errors["deadline"] = _("The deadline cannot be earlier than the court's request.")
    if len(errors) > before or requested_on is None or deadline is None:
        return None
    return _Request(court, reference, requested_on, deadline)


# --- reading ------------------------------------------------------------------------------------


def status_label(status: OpinionStatus) -> str:
    """The opinion's state in words (the shared enum labels would clash with the plans')."""
    if status is OpinionStatus.draft:
        return _("draft")
    if status is OpinionStatus.final:
        return _("final version")
    return _("replaced by a newer version")


@dataclass(frozen=True)
class OpinionView:
    """An opinion with what its pages show: the family, the centre's header, the author."""

    opinion: CourtOpinion
    family: Family
    centre: Centre
    author: User | None
    supersedes: CourtOpinion | None
    superseded_by: CourtOpinion | None

    @property
    def editable(self) -> bool:
        return self.opinion.status is OpinionStatus.draft

    @property
    def status_label(self) -> str:
        return status_label(self.opinion.status)

    @property
    def author_role(self) -> str:
        return opinion_draft.signature_role(self.author)


def _load(db: Session, actor: Actor, opinion_id: uuid.UUID) -> tuple[CourtOpinion, Family]:
    opinion = db.get(CourtOpinion, opinion_id)
    if opinion is None:
        raise NotFound
    return opinion, staff_family(db, actor=actor, family_id=opinion.family_id)


def _view(db: Session, opinion: CourtOpinion, family: Family) -> OpinionView:
    later = db.exec(
        select(CourtOpinion)
        .where(CourtOpinion.supersedes_id == opinion.id)
        .order_by(col(CourtOpinion.created_at).desc())
    ).first()
    return OpinionView(
        opinion=opinion,
        family=family,
        centre=centre_of(db, family),
        author=db.get(User, opinion.author_id) if opinion.author_id else None,
        supersedes=db.get(CourtOpinion, opinion.supersedes_id) if opinion.supersedes_id else None,
        superseded_by=later,
    )


def get_opinion(
    db: Session, *, actor: Actor, opinion_id: uuid.UUID, printing: bool = False
) -> OpinionView:
    """An opinion of a family the actor works with (the read, or the print, is audited)."""
    opinion, family = _load(db, actor, opinion_id)
    action = "opinion.print" if printing else "opinion.read"
    audit.record(db, actor=actor, action=action, family_id=family.id, obj=opinion)
    return _view(db, opinion, family)


@dataclass(frozen=True)
class FamilyOpinions:
    family: Family
    opinions: list[CourtOpinion]

    @property
    def may_request(self) -> bool:
        return self.family.status is not CaseStatus.referred


def family_opinions(db: Session, *, actor: Actor, family_id: uuid.UUID) -> FamilyOpinions:
    """Every opinion about the family, newest first (the read is audited)."""
    family = staff_family(db, actor=actor, family_id=family_id)
    opinions = db.exec(
        select(CourtOpinion)
        .where(CourtOpinion.family_id == family.id)
        .order_by(col(CourtOpinion.requested_on).desc(), col(CourtOpinion.created_at).desc())
    ).all()
    audit.record(db, actor=actor, action="opinion.list", family_id=family.id, obj=family)
    return FamilyOpinions(family=family, opinions=list(opinions))


@dataclass(frozen=True)
class OpinionDue:
    """An opinion still to be finalised, and how many days are left until its deadline."""

    opinion: CourtOpinion
    family: Family
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def opinions_due(db: Session, *, assistant: User, today: date) -> list[OpinionDue]:
    """Drafts the court is waiting for, of the assistant's current families, by deadline.

    A new version of an opinion already sent (a correction) is not waited for by the court,
    so it is not listed.
    """
    rows = db.exec(
        select(CourtOpinion, Family)
        .join(Family, col(Family.id) == col(CourtOpinion.family_id))
        .join(Assignment, col(Assignment.family_id) == col(Family.id))
        .where(
            Assignment.assistant_id == assistant.id,
            col(Assignment.ended_at).is_(None),
            CourtOpinion.status == OpinionStatus.draft,
            col(CourtOpinion.supersedes_id).is_(None),
        )
        .order_by(col(CourtOpinion.deadline), col(Family.name))
    ).all()
    return [OpinionDue(o, family, (o.deadline - today).days) for o, family in rows]


# --- writing ------------------------------------------------------------------------------------


def request_opinion(
    db: Session,
    *,
    actor: Actor,
    family_id: uuid.UUID,
    form: OpinionRequestForm,
    now: datetime | None = None,
) -> CourtOpinion:
    """Record the court's request with a draft assembled from the family's record."""
    now = now or utcnow()
    family = staff_family(db, actor=actor, family_id=family_id)
    if family.status is CaseStatus.referred:
        raise Conflict(
            _(
                "The work with this family has not started: there is no record to base an opinion on."
            )
        )
    today = local_today(now)
    errors = FormErrors()
    request = _check_request(form, today=today, errors=errors)
    errors.raise_any()
    assert request is not None
    record = opinion_draft.gather(db, family=family, today=today)
    opinion = CourtOpinion(
        family_id=family.id,
        author_id=actor.id,
        court=request.court,
        case_reference=request.case_reference,
        requested_on=request.requested_on,
        deadline=request.deadline,
        body=opinion_draft.assemble(
            record,
            court=request.court,
            case_reference=request.case_reference,
            requested_on=request.requested_on,
        ),
        created_at=now,
    )
    return audit.save(db, opinion, actor=actor, action="opinion.create", family_id=family.id)


def _locked(db: Session, opinion: CourtOpinion) -> CourtOpinion:
    statement = select(CourtOpinion).where(CourtOpinion.id == opinion.id).with_for_update()
    return db.exec(statement.execution_options(populate_existing=True)).one()


def _require_draft(opinion: CourtOpinion) -> None:
    if opinion.status is OpinionStatus.final:
        raise Conflict(
            _("A final opinion cannot be changed: make a new version that supersedes it.")
        )
    if opinion.status is OpinionStatus.superseded:
        raise Conflict(_("This opinion has been superseded: open its newest version."))


def edit_draft(
    db: Session,
    *,
    actor: Actor,
    opinion_id: uuid.UUID,
    form: OpinionEditForm,
    now: datetime | None = None,
) -> CourtOpinion:
    """Change a draft's details and text (a final opinion is refused with a Conflict)."""
    now = now or utcnow()
    opinion, family = _load(db, actor, opinion_id)
    opinion = _locked(db, opinion)
    _require_draft(opinion)
    errors = FormErrors()
    request = _check_request(form, today=local_today(now), errors=errors)
    body = errors.text("body", form.body.replace("\r\n", "\n"), limit=BODY_LIMIT)
    errors.raise_any()
    assert request is not None
    opinion.court, opinion.case_reference = request.court, request.case_reference
    opinion.requested_on, opinion.deadline = request.requested_on, request.deadline
    opinion.body = body
    return audit.save(db, opinion, actor=actor, action="opinion.update", family_id=family.id)


def finalise(
    db: Session,
    *,
    actor: Actor,
    opinion_id: uuid.UUID,
    form: OpinionEditForm | None = None,
    now: datetime | None = None,
) -> CourtOpinion:
    """Mark a draft final (saving `form` first, when the page sent its last changes); the
    opinion it supersedes, if any, becomes superseded."""
    now = now or utcnow()
    if form is not None:
        edit_draft(db, actor=actor, opinion_id=opinion_id, form=form, now=now)
    opinion, family = _load(db, actor, opinion_id)
    opinion = _locked(db, opinion)
    _require_draft(opinion)
    if not opinion.body.strip():
        raise Invalid(
            _("Please correct the marked fields."),
            {"body": _("Write the text of the opinion before marking it final.")},
        )
    opinion.status = OpinionStatus.final
    opinion.finalised_at = now
    db.add(opinion)
    if opinion.supersedes_id is not None:
        earlier = db.get(CourtOpinion, opinion.supersedes_id)
        if earlier is not None and earlier.status is OpinionStatus.final:
            earlier.status = OpinionStatus.superseded
            db.add(earlier)
    db.flush()
    audit.record(
        db,
        actor=actor,
        action="opinion.final",
        family_id=family.id,
        obj=opinion,
        supersedes=opinion.supersedes_id,
    )
    return opinion


def supersede(
    db: Session, *, actor: Actor, opinion_id: uuid.UUID, now: datetime | None = None
) -> CourtOpinion:
    """A new draft copying a final opinion's text (the draft already begun, when there is one)."""
    now = now or utcnow()
    opinion, family = _load(db, actor, opinion_id)
    opinion = _locked(db, opinion)
    if opinion.status is OpinionStatus.draft:
        raise Conflict(_("A draft is changed directly: only a final opinion is superseded."))
    begun = db.exec(
        select(CourtOpinion).where(
            CourtOpinion.supersedes_id == opinion.id, CourtOpinion.status == OpinionStatus.draft
        )
    ).first()
    if begun is not None:
        return begun
    if opinion.status is OpinionStatus.superseded:
        raise Conflict(_("This opinion has been superseded: open its newest version."))
    draft = CourtOpinion(
        family_id=family.id,
        author_id=actor.id,
        court=opinion.court,
        case_reference=opinion.case_reference,
        requested_on=opinion.requested_on,
        deadline=opinion.deadline,
        body=opinion.body,
        supersedes_id=opinion.id,
        created_at=now,
    )
    return audit.save(
        db,
        draft,
        actor=actor,
        action="opinion.supersede",
        family_id=family.id,
        supersedes=opinion.id,
    )
