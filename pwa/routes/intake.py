"""Intake over HTTP: the family's path before the plan, step by step on one page (the request,
the team's decision, the first contact with the consent or the refusal, the initial
assessment, the first plan), and the printable consent form. Staff only.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import intake
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.i18n import local_today
from pwa.models import ConsentForm, Relation, Role, TeamDecisionKind
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import path_uuid
from pwa.web.pages import NO_REFUSAL, FamilyChange, Refusal, change_with_form, refuse, send_form
from pwa.web.pages.family_record import CONSENT_FIELDS, consent_given_form
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

PAGE = "intake/index.html"
DECISION_FIELDS = (
    "met_on",
    "participants",
    "deficits",
    "resources",
    "decision",
    "reason",
    "remarks",
)
CONTACT_FIELDS = ("met_on", "role_explained", "expectations")
REFUSAL_FIELDS = ("refused_on", "detail")
# The block of the page each form lives in (htmx swaps it after a refusal).
BLOCKS = {
    "decision": "decision_form",
    "contact": "contact_form",
    "consent": "answer_forms",
    "refusal": "answer_forms",
}
DONE = frozenset({"decision", "contact", "consent", "refusal"})


def _page(
    request: Request, actor: Actor, family_id: uuid.UUID, *, refusal: Refusal = NO_REFUSAL
) -> Response:
    """The intake page; after a refusal, with the refused form's messages (its block for htmx)."""
    view = intake.intake_view(request.state.db, actor=actor, family_id=family_id)
    today = local_today().isoformat()
    done = request.query_params.get("done", "")
    defaults: dict[str, Mapping[str, str]] = {
        "decision": {"met_on": today},
        "contact": {"met_on": today},
        "consent": {"given_on": today, "consent_form": ConsentForm.written.value},
        "refusal": {"refused_on": today},
    }
    if refusal.form:
        defaults[refusal.form] = refusal.values
    context: dict[str, Any] = {
        "view": view,
        "family": view.family,
        "findings": intake.findings(view.initial),
        "participants": intake.participant_lines,
        "adults": [m for m in view.members if m.in_household and m.relation is not Relation.child],
        "decision_kinds": list(TeamDecisionKind),
        "consent_forms": list(ConsentForm),
        "is_coordinator": actor.role is Role.coordinator,
        "may": policy.intake_may(
            view.family,
            role=actor.role,
            has_assistant=view.assistant is not None,
            has_first_contact=bool(view.contacts),
        ),
        "values": defaults,
        "form": refusal.form,
        **refusal.messages(),
        "done": done if done in DONE and refusal.status_code == 200 else "",
    }
    return render(
        request, PAGE, context, block=BLOCKS.get(refusal.form), status_code=refusal.status_code
    )


async def intake_page(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return _page(request, actor, path_uuid(request, "family_id"))


async def _change(
    request: Request,
    *,
    form: str,
    fields: tuple[str, ...],
    change: FamilyChange,
    roles: tuple[Role, ...] = STAFF,
) -> Response:
    """One step of intake: the change, then back to the intake page at its section (303), or
    the page with the form's messages and nothing saved (422/409)."""
    sent = await send_form(request, roles=roles, fields=fields, change=change)
    family_id = sent.record_id
    if sent.error is not None:
        # Nothing of the refused change is kept, but the read of the record shown with the
        # messages is still audited.
        refusal = refuse(request, sent.error, form, sent.values, keep_reads=True)
        return _page(request, sent.actor, family_id, refusal=refusal)
    return redirect(request, path_for(request, "intake", family_id=family_id, query={"done": form}))


async def team_decision(request: Request) -> Response:
    return await _change(
        request, form="decision", fields=DECISION_FIELDS, roles=(Role.coordinator,),
        change=change_with_form(intake.record_team_decision, intake.TeamDecisionForm),
    )  # fmt: skip


async def first_contact(request: Request) -> Response:
    return await _change(
        request, form="contact", fields=CONTACT_FIELDS,
        change=change_with_form(intake.record_first_contact, intake.FirstContactForm),
    )  # fmt: skip


async def consent(request: Request) -> Response:
    return await _change(
        request, form="consent", fields=CONSENT_FIELDS,
        change=change_with_form(intake.consent_at_first_contact, consent_given_form),
    )  # fmt: skip


async def refusal(request: Request) -> Response:
    return await _change(
        request, form="refusal", fields=REFUSAL_FIELDS,
        change=change_with_form(intake.refuse_at_first_contact, intake.RefusalForm),
    )  # fmt: skip


async def consent_form(request: Request) -> Response:
    """The consent form to print (A4) for the centres that keep paper."""
    actor = require_actor(request, *STAFF)
    sheet = intake.consent_sheet(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id")
    )
    return render(request, "intake/consent_form.html", {"sheet": sheet})


routes = [
    Route("/families/{family_id}/intake", intake_page, name="intake"),
    post("/families/{family_id}/intake/team-decision", team_decision, name="record_team_decision"),
    post("/families/{family_id}/intake/first-contact", first_contact, name="record_first_contact"),
    post("/families/{family_id}/intake/consent", consent, name="intake_consent"),
    post("/families/{family_id}/intake/refusal", refusal, name="intake_refusal"),
    Route("/families/{family_id}/intake/consent-form", consent_form, name="consent_form"),
]
