"""The staff page of a family (its record), which the forms of `routes.families`,
`routes.members` and `routes.lifecycle` all answer with: the page again after a change, or
with the one refused form's messages in its section."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.cases import caseload, lifecycle
from pwa.domain.cases import record as cases
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import DomainError
from pwa.i18n import local_today
from pwa.models import ConsentForm, Relation, Role
from pwa.web.pages import NO_REFUSAL, Refusal, refuse
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


def refusal_of(
    request: Request,
    error: DomainError,
    form: str,
    values: dict[str, str],
    *,
    conflict_field: str | None = None,
) -> Refusal:
    """The refusal of one form of the family's page, shown in that form's section.

    Nothing of the refused change is kept, but the read of the record shown with the messages
    is still audited.
    """
    return refuse(
        request, error, form, values, section=SECTIONS.get(form, "members"),
        conflict_field=conflict_field, keep_reads=True,
    )  # fmt: skip


def family_record_page(
    request: Request, actor: Actor, family_id: uuid.UUID, *, refusal: Refusal = NO_REFUSAL
) -> Response:
    """The family's page; after a refused form (`refusal_of`), only its section for htmx."""
    status_code = refusal.status_code
    db = request.state.db
    record = cases.family_record(db, actor=actor, family_id=family_id)
    coordinator = actor.role is Role.coordinator
    done = request.query_params.get("done", "")
    context = {
        "record": record,
        "family": record.family,
        "actions": lifecycle.case_actions(record.family, consent=record.consent, role=actor.role),
        "may": policy.family_page_may(record.family, role=actor.role),
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


# The consent form's fields: on the family's page and on the intake page alike.
CONSENT_FIELDS = ("given_on", "member_id", "consent_form")


def consent_given_form(
    *, given_on: str, member_id: str, consent_form: str
) -> lifecycle.ConsentGivenForm:
    """The consent's fields as the domain's form."""
    return lifecycle.ConsentGivenForm(given_on=given_on, member_id=member_id, form=consent_form)
