"""Office hours (dyżur): the coordinator sets them; the family's contact page shows the next."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.centre import contact
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.domain.visits import office_hours
from pwa.i18n import format_weekday
from pwa.models import Role, utcnow
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, form_lists, path_uuid
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

# How many coming office hours the coordinator's page lists (holidays are skipped).
COMING_SHOWN = 4
A_MONDAY = date(2024, 1, 1)
DONE = ("added", "removed")


def _weekday_names() -> list[str]:
    """Monday … Sunday in the current language (index = OfficeHours.weekday)."""
    return [format_weekday(A_MONDAY + timedelta(days=n)) for n in range(7)]


def _office_hours_page(
    request: Request,
    actor: Actor,
    *,
    values: Mapping[str, str] | None = None,
    weekdays: tuple[str, ...] = (),
    errors: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    slots = office_hours.centre_office_hours(request.state.db, centre_id=actor.centre_id)
    centre = request.state.centre
    done = request.query_params.get("done", "")
    context = {
        "slots": slots,
        "coming": office_hours.next_office_hours(slots, now=utcnow(), count=COMING_SHOWN),
        "weekday_names": _weekday_names(),
        # A new slot starts from the centre's own address and contacts.
        "values": values
        or {"starts_at": "07:00", "ends_at": "15:00", "place": centre.address,
            "phone": centre.phone, "email": centre.email},
        "weekdays": set(weekdays),
        "errors": errors or {},
        "done": done if done in DONE and status_code == 200 else "",
    }  # fmt: skip
    return render(request, "office_hours/index.html", context, status_code=status_code)


def _done(request: Request, done: str) -> Response:
    """Back to the office hours, which say what changed."""
    return redirect(request, path_for(request, "office_hours", query={"done": done}))


async def office_hours_page(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    return _office_hours_page(request, actor)


async def add_office_hours(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    values = await form_fields(request, "starts_at", "ends_at", "place", "phone", "email")
    weekdays = (await form_lists(request, "weekdays"))["weekdays"]
    try:
        office_hours.add_office_hours(
            request.state.db, actor=actor,
            form=office_hours.OfficeHoursForm(weekdays=weekdays, **values),
        )  # fmt: skip
    except Invalid as error:
        request.state.db.rollback()
        return _office_hours_page(
            request, actor, values=values, weekdays=weekdays, errors=error.errors, status_code=422
        )
    return _done(request, "added")


async def remove_office_hours(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    office_hours.remove_office_hours(
        request.state.db, actor=actor, slot_id=path_uuid(request, "slot_id")
    )
    return _done(request, "removed")


async def family_contact(request: Request) -> Response:
    actor = require_actor(request, Role.family)
    page = contact.contact_page(request.state.db, actor=actor, now=utcnow())
    return render(request, "family/contact.html", {"page": page}, offline=True)


routes = [
    Route("/centre/office-hours", office_hours_page, name="office_hours"),
    post("/centre/office-hours", add_office_hours, name="add_office_hours"),
    post("/centre/office-hours/{slot_id}/remove", remove_office_hours, name="remove_office_hours"),
    Route("/family/contact", family_contact, name="family_contact"),
]
