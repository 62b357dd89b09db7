"""Invitations: issuing them (staff, family members), and accepting one with a new passkey."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel.errors import DomainError, Invalid, NotFound
from pwa.domain.people import invitations, passkeys, rate_limits
from pwa.models import Role, utcnow
from pwa.web.attempts import limited_attempt, sign_in_with_passkey
from pwa.web.auth import relying_party, require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.json import json_error, options_response
from pwa.web.qr import qr_svg
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post


def _issued_page(request: Request, issued: invitations.IssuedInvitation) -> Response:
    link = issued.link(request.app.state.settings.base_url)
    return render(
        request,
        "invitations/issued.html",
        {"invitation": issued.invitation, "link": link, "qr": qr_svg(link)},
    )


async def invite_staff(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    form = invitations.StaffInvitationForm(
        **await form_fields(request, "first_name", "last_name", "role", "gender", "email")
    )
    try:
        issued = invitations.invite_staff(request.state.db, actor=actor, form=form)
    except Invalid as error:
        return render(
            request, "invitations/staff_form.html", {"form": form, "errors": error.errors},
            block="invite_form", status_code=422,
        )  # fmt: skip
    return _issued_page(request, issued)


async def new_staff_invitation(request: Request) -> Response:
    require_actor(request, Role.coordinator)
    return render(
        request, "invitations/staff_form.html",
        {"form": invitations.StaffInvitationForm(), "errors": {}},
    )  # fmt: skip


async def new_family_invitation(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator, Role.assistant)
    family, choices = invitations.family_invitation_choices(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id")
    )
    return render(
        request, "invitations/family_form.html",
        {"family": family, "choices": choices, "errors": {}},
    )  # fmt: skip


async def invite_family_member(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator, Role.assistant)
    family_id = path_uuid(request, "family_id")
    fields = await form_fields(request, "member_id")
    try:
        issued = invitations.invite_family_member(
            request.state.db, actor=actor, family_id=family_id, member_id=fields["member_id"]
        )
    except Invalid as error:
        family, choices = invitations.family_invitation_choices(
            request.state.db, actor=actor, family_id=family_id
        )
        return render(
            request, "invitations/family_form.html",
            {"family": family, "choices": choices, "errors": error.errors}, status_code=422,
        )  # fmt: skip
    return _issued_page(request, issued)


async def revoke_invitation(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator, Role.assistant)
    invitations.revoke_by_id(
        request.state.db, actor=actor, invitation_id=path_uuid(request, "invitation_id")
    )
    return redirect(
        request, path_for(request, "people" if actor.role is Role.coordinator else "assistant_home")
    )


async def _find_invitation(request: Request) -> invitations.Invitation:
    """The invitation the link's token names; the tries from one client are limited (a token
    must not be guessed)."""
    return await limited_attempt(
        request, kind="invitation", limit=rate_limits.INVITATION,
        attempt=lambda: invitations.find(request.state.db, token=str(request.path_params["token"])),
    )  # fmt: skip


async def accept_page(request: Request) -> Response:
    """The link a new person opens: who it is for, and the button that creates the passkey."""
    try:
        invitation = await _find_invitation(request)
    except NotFound:
        return render(request, "invitations/unusable.html", {"reason": None}, status_code=404)
    state = invitations.status(invitation, now=utcnow())
    if state is not invitations.InvitationStatus.valid:
        reason = invitations.unusable_reason(state)
        return render(request, "invitations/unusable.html", {"reason": reason}, status_code=410)
    return render(
        request, "invitations/accept.html",
        {"invitation": invitation, "token": request.path_params["token"]},
    )  # fmt: skip


async def accept_options(request: Request) -> Response:
    try:
        invitation = await _find_invitation(request)
        options = passkeys.invitation_registration_options(
            request.state.db, rp=relying_party(request), invitation=invitation
        )
    except DomainError as error:
        return json_error(error)
    return options_response(options)


async def accept_register(request: Request) -> Response:
    try:
        invitation = await _find_invitation(request)
    except DomainError as error:
        return json_error(error)
    return await sign_in_with_passkey(
        request,
        lambda credential_json: passkeys.register_from_invitation(
            request.state.db, rp=relying_party(request), invitation=invitation,
            credential_json=credential_json,
        ),
    )  # fmt: skip


routes = [
    Route("/people/invitations/new", new_staff_invitation, name="new_staff_invitation"),
    post("/people/invitations", invite_staff, name="invite_staff"),
    Route(
        "/families/{family_id}/invitations/new", new_family_invitation, name="new_family_invitation"
    ),
    post("/families/{family_id}/invitations", invite_family_member, name="invite_family_member"),
    post("/invitations/{invitation_id}/revoke", revoke_invitation, name="revoke_invitation"),
    Route("/i/{token}", accept_page, name="accept_invitation"),
    post("/i/{token}/options", accept_options, name="accept_invitation_options"),
    post("/i/{token}/register", accept_register, name="accept_invitation_register"),
]
