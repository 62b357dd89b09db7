"""The coordinator's people: accounts of the centre, the lost phone, deactivation."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel.errors import Invalid
from pwa.domain.people import accounts, users
from pwa.models import Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.render import path_for, redirect, render


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


async def lost_phone(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    user_id = path_uuid(request, "user_id")
    fields = await form_fields(request, "reason")
    try:
        accounts.lost_phone(request.state.db, actor=actor, user_id=user_id, reason=fields["reason"])
    except Invalid as error:
        request.state.db.rollback()
        return _person_page(request, errors={"lost_reason": error.message}, status_code=422)
    return redirect(
        request, path_for(request, "person", user_id=user_id, query={"done": "lost_phone"})
    )


async def deactivate(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    user_id = path_uuid(request, "user_id")
    fields = await form_fields(request, "reason")
    try:
        accounts.deactivate(request.state.db, actor=actor, user_id=user_id, reason=fields["reason"])
    except Invalid as error:
        request.state.db.rollback()
        return _person_page(request, errors={"deactivate_reason": error.message}, status_code=422)
    return redirect(request, path_for(request, "people"))


routes = [
    Route("/people", people_page, name="people"),
    Route("/people/{user_id}", person_page, name="person"),
    Route("/people/{user_id}/lost-phone", lost_phone, methods=["POST"], name="lost_phone"),
    Route("/people/{user_id}/deactivate", deactivate, methods=["POST"], name="deactivate_user"),
]
