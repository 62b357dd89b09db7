"""The staff page of a family (its record), which the forms of `routes.families`,
`routes.members` and `routes.lifecycle` all answer with: the page again after a change, or
with the one refused form's messages in its section."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.cases import caseload, lifecycle
from pwa.domain.cases import record as cases
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import DomainError, NotFound
from pwa.i18n import local_today
from pwa.models import ConsentForm, Relation, Role
from pwa.web.pages import Refusal, start_over
from pwa.web.render import path_for, render

PAGE = "families/show.html"
MEMBER_FIELDS = ("first_name", "last_name", "relation", "birth_date", "phone")
# What the family's page says after a change (?done=…): the changes it knows.
DONE = frozenset(
    {
        "registered", "updated", "assigned", "member_added", "member_updated", "member_left",
        "member_back", "consent", "consent_withdrawn", "ended", "monitoring", "closed",
        "reopened",
    }
)  # fmt: skip
# The section (and htmx block) of the family's page each form lives in; the rest are members'.
SECTIONS = {
    "assignment": "assignment",
    "consent": "consent",
    "withdraw": "consent",
    "end": "state",
    "monitoring": "state",
    "close": "state",
    "reopen": "state",
}


def family_url(request: Request, family_id: uuid.UUID, done: str = "") -> str:
    return path_for(request, "family_page", family_id=family_id, query={"done": done})


def family_of_form(raw: str) -> uuid.UUID:
    """The family whose page a form was on (only to show that page again)."""
    try:
        return uuid.UUID(raw.strip())
    except ValueError:
        raise NotFound from None


def refusal_of(
    error: DomainError, form: str, values: dict[str, str], *, conflict_field: str | None = None
) -> Refusal:
    """The refusal of one form of the family's page, shown in that form's section."""
    section = SECTIONS.get(form, "members")
    return Refusal.of(error, form, values, section=section, conflict_field=conflict_field)


def family_record_page(
    request: Request, actor: Actor, family_id: uuid.UUID, *, refusal: Refusal | None = None
) -> Response:
    """The family's page; after a refused form, only its section for htmx.

    After a refusal nothing of the refused change is kept, but the read of the record shown
    with the messages is still audited.
    """
    refusal = refusal or Refusal()
    status_code = refusal.status_code
    db = request.state.db
    if status_code >= 400:
        start_over(request, keep_reads=True)
    record = cases.family_record(db, actor=actor, family_id=family_id)
    coordinator = actor.role is Role.coordinator
    done = request.query_params.get("done", "")
    context = {
        "record": record,
        "family": record.family,
        "actions": lifecycle.case_actions(record.family, consent=record.consent, role=actor.role),
        "caseloads": caseload.caseloads(db, centre=request.state.centre) if coordinator else [],
        "is_coordinator": coordinator,
        "adults": [
            m for m in record.members if m.in_household and m.relation is not Relation.child
        ],
        "relations": list(Relation),
        "consent_forms": list(ConsentForm),
        "today": local_today().isoformat(),
        "done": done if done in DONE and status_code == 200 else "",
        "problem": refusal,
    }
    return render(
        request, PAGE, context, block=refusal.section or None, status_code=status_code,
        offline=True,
    )  # fmt: skip
