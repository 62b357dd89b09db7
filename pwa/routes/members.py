"""The family's members over HTTP: added, corrected, marked as living elsewhere (and back).

Members are never deleted. Each form sits on the family's page and carries the family's id,
only to show that page again with the messages when the form is refused.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from pwa.domain.cases import members
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.models import FamilyMember
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import family_of_form, path_uuid
from pwa.web.pages import send_form
from pwa.web.pages.family_record import (
    MEMBER_FIELDS,
    family_record_page,
    family_url,
    refusal_of,
)
from pwa.web.render import redirect
from pwa.web.routing import post


def _member_form(sent: dict[str, str]) -> members.MemberForm:
    return members.MemberForm(**{name: sent[name] for name in MEMBER_FIELDS})


async def add_member(request: Request) -> Response:
    sent = await send_form(
        request, roles=STAFF, fields=MEMBER_FIELDS, refusals=(Invalid,),
        change=lambda db, actor, family_id, values: members.add_member(
            db, actor=actor, family_id=family_id, form=_member_form(values)
        ),
    )  # fmt: skip
    if sent.error is not None:
        refusal = refusal_of(request, sent.error, "add_member", sent.values)
        return family_record_page(request, sent.actor, sent.record_id, refusal=refusal)
    return redirect(request, family_url(request, sent.record_id, "member_added"))


# One change of a member: (db, actor, member id, the fields sent) -> the changed member.
MemberChange = Callable[[Session, Actor, uuid.UUID, dict[str, str]], FamilyMember]


async def _change_member(
    request: Request, *, form: str, fields: tuple[str, ...], change: MemberChange, done: str
) -> Response:
    """Change a member from the family's page (the form names the family, to show it again)."""
    sent = await send_form(
        request, roles=STAFF, fields=(*fields, "family_id"), change=change, path_key="member_id"
    )
    if sent.error is not None:
        refusal = refusal_of(request, sent.error, f"{form}-{sent.record_id}", sent.values)
        family_id = family_of_form(sent.values["family_id"])
        return family_record_page(request, sent.actor, family_id, refusal=refusal)
    return redirect(request, family_url(request, sent.changed.family_id, done))


async def update_member(request: Request) -> Response:
    return await _change_member(
        request, form="member", fields=MEMBER_FIELDS, done="member_updated",
        change=lambda db, actor, member_id, sent: members.update_member(
            db, actor=actor, member_id=member_id, form=_member_form(sent)
        ),
    )  # fmt: skip


async def member_left_household(request: Request) -> Response:
    return await _change_member(
        request, form="left", fields=("left_on",), done="member_left",
        change=lambda db, actor, member_id, sent: members.mark_left_household(
            db, actor=actor, member_id=member_id, left_on=sent["left_on"]
        ),
    )  # fmt: skip


async def member_back_in_household(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    member = members.mark_back_in_household(
        request.state.db, actor=actor, member_id=path_uuid(request, "member_id")
    )
    return redirect(request, family_url(request, member.family_id, "member_back"))


routes = [
    post("/families/{family_id}/members", add_member, name="add_member"),
    post("/members/{member_id}", update_member, name="update_member"),
    post("/members/{member_id}/left", member_left_household, name="member_left_household"),
    post("/members/{member_id}/back", member_back_in_household, name="member_back_in_household"),
]
