"""The family's members over HTTP: added, corrected, marked as living elsewhere (and back).

Members are never deleted. Each form sits on the family's page and carries the family's id,
only to show that page again with the messages when the form is refused.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import members
from pwa.domain.kernel.errors import Conflict, Invalid
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import family_of_form, form_fields, path_uuid
from pwa.web.pages.family_record import (
    MEMBER_FIELDS,
    family_record_page,
    family_url,
    refusal_of,
)
from pwa.web.render import redirect


def _member_form(sent: dict[str, str]) -> members.MemberForm:
    return members.MemberForm(**{name: sent[name] for name in MEMBER_FIELDS})


async def add_member(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    sent = await form_fields(request, *MEMBER_FIELDS)
    try:
        members.add_member(
            request.state.db, actor=actor, family_id=family_id, form=_member_form(sent)
        )
    except Invalid as error:
        refusal = refusal_of(request, error, "add_member", sent)
        return family_record_page(request, actor, family_id, refusal=refusal)
    return redirect(request, family_url(request, family_id, "member_added"))


async def update_member(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    member_id = path_uuid(request, "member_id")
    sent = await form_fields(request, *MEMBER_FIELDS, "family_id")
    try:
        member = members.update_member(
            request.state.db, actor=actor, member_id=member_id, form=_member_form(sent)
        )
    except Invalid as error:
        refusal = refusal_of(request, error, f"member-{member_id}", sent)
        return family_record_page(
            request, actor, family_of_form(sent["family_id"]), refusal=refusal
        )
    return redirect(request, family_url(request, member.family_id, "member_updated"))


async def member_left_household(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    member_id = path_uuid(request, "member_id")
    sent = await form_fields(request, "left_on", "family_id")
    try:
        member = members.mark_left_household(
            request.state.db, actor=actor, member_id=member_id, left_on=sent["left_on"]
        )
    except (Invalid, Conflict) as error:
        refusal = refusal_of(request, error, f"left-{member_id}", sent)
        return family_record_page(
            request, actor, family_of_form(sent["family_id"]), refusal=refusal
        )
    return redirect(request, family_url(request, member.family_id, "member_left"))


async def member_back_in_household(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    member = members.mark_back_in_household(
        request.state.db, actor=actor, member_id=path_uuid(request, "member_id")
    )
    return redirect(request, family_url(request, member.family_id, "member_back"))


routes = [
    Route("/families/{family_id}/members", add_member, methods=["POST"], name="add_member"),
    Route("/members/{member_id}", update_member, methods=["POST"], name="update_member"),
    Route(
        "/members/{member_id}/left",
        member_left_household,
        methods=["POST"],
        name="member_left_household",
    ),
    Route(
        "/members/{member_id}/back",
        member_back_in_household,
        methods=["POST"],
        name="member_back_in_household",
    ),
]
