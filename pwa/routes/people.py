"""The coordinator's people: accounts of the centre, the lost phone, deactivation."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel.errors import Invalid
from pwa.domain.people import accounts, users
from pwa.models import Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post


async def people_page(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    people = accounts.centre_people(request.state.db, actor=actor)
    return render(request, "people/index.html", {"people": people})


def _person_page(request: Request, *, errors: dict[str, str], status_code: int = 200) -> Response:
    actor = require_actor(request, Role.coordinator)
    detail = accounts.person(request.state.db, actor=actor, user_id=path_uuid(request, "user_id"))
    context = {
        "detail": detail,
        "role_label": users.role_label(detail.user.role, detail.user.gender),
        "errors": errors,
        "done": request.query_params.get("done", ""),
    }
    return render(request, "people/person.html", context, status_code=status_code)


async def person_page(request: Request) -> Response:
    return _person_page(request, errors={})


async def _account_change(
    request: Request, change: Callable[..., object], *, error_field: str, then: str
) -> Response:
    """A change of one account, for the reason the coordinator writes (refused without one)."""
    actor = require_actor(request, Role.coordinator)
    user_id = path_uuid(request, "user_id")
    fields = await form_fields(request, "reason")
    try:
        change(request.state.db, actor=actor, user_id=user_id, reason=fields["reason"])
    except Invalid as error:
        request.state.db.rollback()
        return _person_page(request, errors={error_field: error.message}, status_code=422)
    return redirect(request, then)


async def lost_phone(request: Request) -> Response:
    back = path_for(request, "person", user_id=path_uuid(request, "user_id"),
                    query={"done": "lost_phone"})  # fmt: skip
    return await _account_change(request, accounts.lost_phone, error_field="lost_reason", then=back)


async def deactivate(request: Request) -> Response:
    return await _account_change(
        request, accounts.deactivate, error_field="deactivate_reason",
        then=path_for(request, "people"),
    )  # fmt: skip


routes = [
    Route("/people", people_page, name="people"),
    Route("/people/{user_id}", person_page, name="person"),
    post("/people/{user_id}/lost-phone", lost_phone, name="lost_phone"),
    post("/people/{user_id}/deactivate", deactivate, name="deactivate_user"),
]
