"""Families over HTTP: registering a referral, the family's page (THE staff page of a family),
correcting the referral, assigning the assistant, the case's timeline, finding a family.

Changes to the members are in `members`, the life cycle (consent, end, monitoring, closing,
reopening) in `lifecycle`; every form of the family's page answers through
`web.pages.family_record.family_record_page`, which shows the page again with the one failed
form's messages next to its fields.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import record as cases
from pwa.domain.cases import timeline
from pwa.domain.cases.members import MemberForm
from pwa.domain.centre import homes
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.domain.kernel.forms import parse_page
from pwa.i18n import local_today
from pwa.models import Centre, Family, Relation, Role
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.pages.family_record import (
    MEMBER_FIELDS,
    family_record_page,
    family_url,
    refusal_of,
)
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

REFERRAL_FIELDS = (
    "case_number", "name", "address", "phone", "referral_reason", "social_worker_name",
    "social_worker_phone", "social_worker_email", "referred_on", "za_zyciem", "foster_care",
    "foster_care_coordinator", *cases.INTAKE_FIELDS, *cases.HANDOVER_FIELDS,
)  # fmt: skip
MEMBER_ROWS = 4  # empty member rows on the registration form
MAX_MEMBER_ROWS = 20  # rows read back from a posted form
SEARCH_LIMIT = 100  # characters of a search query


async def show_family(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return family_record_page(request, actor, path_uuid(request, "family_id"))


# --- registering and correcting the referral -----------------------------------------------


def _member_names(index: int) -> list[str]:
    return [f"members-{index}-{name}" for name in MEMBER_FIELDS]


def _referral_form(sent: Mapping[str, str]) -> cases.ReferralForm:
    """The referral as posted; member rows keep their places (field errors name them)."""
    rows = [
        MemberForm(**{name: sent.get(f"members-{i}-{name}", "") for name in MEMBER_FIELDS})
        for i in range(MAX_MEMBER_ROWS)
    ]
    used = max((i + 1 for i, row in enumerate(rows) if not row.is_blank()), default=0)
    fields = {name: sent.get(name, "") for name in REFERRAL_FIELDS}
    return cases.ReferralForm(**fields, members=tuple(rows[: max(used, MEMBER_ROWS)]))


def _blank_referral() -> cases.ReferralForm:
    blank = MemberForm(first_name="", last_name="", relation="")
    fields = dict.fromkeys(REFERRAL_FIELDS, "")
    fields["referred_on"] = local_today().isoformat()
    return cases.ReferralForm(**fields, members=(blank,) * MEMBER_ROWS)


def _organisations(request: Request, actor: Actor, family: Family | None = None) -> list[Centre]:
    """The contracted organisations the referral may be handed over to (referring centre only)."""
    return cases.hand_over_choices(request.state.db, actor=actor, family=family)


async def new_family(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    context = {
        "form": _blank_referral(),
        "errors": {},
        "relations": list(Relation),
        "organisations": _organisations(request, actor),
    }
    return render(request, "families/new.html", context)


async def register_family(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    names = [*REFERRAL_FIELDS, *(n for i in range(MAX_MEMBER_ROWS) for n in _member_names(i))]
    form = _referral_form(await form_fields(request, *names))
    try:
        family = cases.register_family(request.state.db, actor=actor, form=form)
    except Invalid as error:
        request.state.db.rollback()
        context = {
            "form": form,
            "errors": error.errors,
            "relations": list(Relation),
            "organisations": _organisations(request, actor),
        }
        return render(request, "families/new.html", context, block="referral_form", status_code=422)
    return redirect(request, family_url(request, family.id, "registered"))


async def edit_referral(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    family_id = path_uuid(request, "family_id")
    db = request.state.db
    if request.method == "GET":
        family = cases.family_record(db, actor=actor, family_id=family_id).family
        context = {
            "family": family,
            "form": cases.referral_form_of(family),
            "errors": {},
            "organisations": _organisations(request, actor, family),
        }
        return render(request, "families/edit.html", context)
    form = _referral_form(await form_fields(request, *REFERRAL_FIELDS))
    try:
        change = cases.correct_referral(db, actor=actor, family_id=family_id, form=form)
    except Invalid as error:
        db.rollback()
        family = policy.get_family(db, actor=actor, family_id=family_id)
        context = {
            "family": family,
            "form": form,
            "errors": error.errors,
            "organisations": _organisations(request, actor, family),
        }
        return render(
            request, "families/edit.html", context, block="referral_form", status_code=422
        )
    done = "handed_over" if change.ended_assignment is not None else "updated"
    return redirect(request, family_url(request, family_id, done))


# --- the assistant ----------------------------------------------------------------------------


async def assign_assistant(request: Request) -> Response:
    """Assign from the family's page, or from the coordinator's home (`next=coordinator`)."""
    actor = require_actor(request, Role.coordinator)
    family_id = path_uuid(request, "family_id")
    sent = await form_fields(request, "assistant_id", "next")
    try:
        cases.assign_assistant(
            request.state.db, actor=actor, family_id=family_id, assistant_id=sent["assistant_id"]
        )
    except (Invalid, Conflict) as error:
        refusal = refusal_of(request, error, "assignment", sent, conflict_field="assistant_id")
        return family_record_page(request, actor, family_id, refusal=refusal)
    if sent["next"] == "coordinator":
        return redirect(request, path_for(request, "coordinator_home", query={"done": "assigned"}))
    return redirect(request, family_url(request, family_id, "assigned"))


# --- the timeline and the search ----------------------------------------------------------------


async def family_timeline(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    db = request.state.db
    entries = timeline.family_timeline(db, actor=actor, family_id=family_id)
    family = policy.get_family(db, actor=actor, family_id=family_id)
    return render(request, "families/timeline.html", {"family": family, "entries": entries})


async def family_search(request: Request) -> Response:
    """Families by name or case number; the results alone for the htmx search box."""
    actor = require_actor(request, *STAFF)
    query = request.query_params.get("q", "").replace("\x00", "")[:SEARCH_LIMIT]
    found = homes.search_families(
        request.state.db,
        actor=actor,
        query=query,
        page=parse_page(request.query_params.get("page")),
    )
    context = {"found": found, "may_register_family": policy.may_register_family(actor.role)}
    return render(request, "families/search.html", context, block="results")


routes = [
    Route("/families/new", new_family, name="new_family"),
    post("/families", register_family, name="register_family"),
    Route("/families", family_search, methods=["GET"], name="family_search"),
    Route("/families/{family_id}", show_family, name="family_page"),
    Route(
        "/families/{family_id}/edit", edit_referral, methods=["GET", "POST"], name="edit_referral"
    ),
    post("/families/{family_id}/assignment", assign_assistant, name="assign_assistant"),
    Route("/families/{family_id}/timeline", family_timeline, name="family_timeline"),
]
