"""Visits over HTTP: the visit form (stored once per visit id), a visit's page and its edit,
the visit diary (on screen, printed, as CSV), and the family's side: their visits and the
confirmation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import caseload
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Invalid
from pwa.domain.kernel.forms import known_uuid, parse_query_number
from pwa.domain.plans import views
from pwa.domain.visits import diary
from pwa.domain.visits import recording as visits
from pwa.i18n import WARSAW
from pwa.models import Family, PlaceKind, Role, VisitKind, utcnow
from pwa.web.auth import STAFF, require_actor
from pwa.web.forms import form_fields, form_lists, path_uuid
from pwa.web.htmx import HtmxDetails
from pwa.web.render import path_for, redirect, render
from pwa.web.routing import post

# The quick choices of the visit's length, in minutes (any other length is typed).
QUICK_LENGTHS = (30, 60, 90, 120)
DEFAULT_LENGTH = "60"
TEXT_FIELDS = (
    "visit_id", "visit_date", "starts_at", "duration_minutes", "duration_other", "place_kind",
    "place_text", "present_others", "kind", "notes", "next_meeting_date", "next_meeting_time",
)  # fmt: skip
LIST_FIELDS = ("present_member_ids", "done_task_ids")
# Where the family's confirmation may send them back to (never a URL from the form).
FAMILY_PAGES = ("/family/visits", "/family/meetings")


# --- reading the request -------------------------------------------------------------------


def _local_now() -> datetime:
    return utcnow().astimezone(WARSAW)


def _month(request: Request) -> date:
    """The month of ?month=2026-11, or the current month (Warsaw) when absent (400 if wrong)."""
    raw = request.query_params.get("month", "").strip()
    if not raw:
        return _local_now().date().replace(day=1)
    year, _dash, month = raw.partition("-")
    # A missing part is refused like a wrong one (the helper gives blank its default).
    return date(
        parse_query_number(year or "-", low=2000, high=2100, default=0),
        parse_query_number(month or "-", low=1, high=12, default=0),
        1,
    )


def _month_param(month: date) -> str:
    return f"{month:%Y-%m}"


def _diary_url(request: Request, family_id: uuid.UUID, day: date, **flags: str) -> str:
    query = {"month": _month_param(day), **flags}
    return path_for(request, "family_diary", family_id=family_id, query=query)


async def _posted(request: Request) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    return await form_fields(request, *TEXT_FIELDS), await form_lists(request, *LIST_FIELDS)


def _length(values: Mapping[str, str]) -> str:
    """A typed length wins over the quick choice (a phone keeps both in one fieldset)."""
    return values["duration_other"].strip() or values["duration_minutes"]


def _new_values(now: datetime) -> dict[str, str]:
    """A fresh form: a new visit id, today, now rounded down to 5 minutes, an hour at home."""
    values = dict.fromkeys(TEXT_FIELDS, "")
    values.update(
        visit_id=str(uuid.uuid4()), visit_date=now.date().isoformat(),
        starts_at=f"{now.hour:02d}:{now.minute - now.minute % 5:02d}",
        duration_minutes=DEFAULT_LENGTH, place_kind=PlaceKind.home.value,
        kind=VisitKind.home_visit.value,
    )  # fmt: skip
    return values


def _form_context(
    values: Mapping[str, str], lists: Mapping[str, tuple[str, ...]], errors: Mapping[str, str]
) -> dict[str, object]:
    return {
        "values": values,
        "chosen": {name: set(lists.get(name, ())) for name in LIST_FIELDS},
        "errors": errors,
        "quick_lengths": [str(n) for n in QUICK_LENGTHS],
        "kinds": list(VisitKind),
        "places": list(PlaceKind),
    }


# --- recording a visit ---------------------------------------------------------------------


def _new_visit_page(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    values: Mapping[str, str],
    lists: Mapping[str, tuple[str, ...]],
    errors: Mapping[str, str],
    status_code: int = 200,
) -> Response:
    view = views.staff_plan(request.state.db, actor=actor, family_id=family_id)
    context = {
        "view": view,
        "family": view.family,
        "members": view.members,
        **_form_context(values, lists, errors),
    }
    # Kept on the phone for offline use: the page script gives each showing a fresh visit id.
    return render(
        request, "visits/new.html", context, block="visit_form", status_code=status_code,
        offline=True,
    )  # fmt: skip


async def new_visit(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    return _new_visit_page(request, actor, family_id, _new_values(_local_now()), {}, {})


async def record_visit(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    values, lists = await _posted(request)
    form = visits.VisitForm(
        visit_id=values["visit_id"], visit_date=values["visit_date"],
        starts_at=values["starts_at"], duration_minutes=_length(values),
        place_kind=values["place_kind"], place_text=values["place_text"],
        present_member_ids=lists["present_member_ids"], present_others=values["present_others"],
        kind=values["kind"], notes=values["notes"], done_task_ids=lists["done_task_ids"],
        next_meeting_date=values["next_meeting_date"],
        next_meeting_time=values["next_meeting_time"],
    )  # fmt: skip
    try:
        recorded = visits.record_visit(
            request.state.db, actor=actor, family_id=family_id, form=form, now=utcnow()
        )
    except Invalid as error:
        request.state.db.rollback()
        return _new_visit_page(
            request, actor, family_id, values, lists, error.errors, status_code=422
        )
    # A repeat of the same visit id lands where the first post did.
    visit = recorded.visit
    return redirect(request, _diary_url(request, visit.family_id, visit.visit_date, saved="1"))


# --- one visit, and changing it ------------------------------------------------------------


async def visit_page(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    detail = diary.visit_detail(
        request.state.db, actor=actor, visit_id=path_uuid(request, "visit_id"), now=utcnow()
    )
    context = {"detail": detail, "updated": request.query_params.get("updated") == "1"}
    return render(request, "visits/show.html", context)


def _edit_page(
    request: Request,
    actor: Actor,
    values: Mapping[str, str] | None,
    lists: Mapping[str, tuple[str, ...]] | None,
    errors: Mapping[str, str],
    status_code: int = 200,
) -> Response:
    db = request.state.db
    detail = diary.visit_detail(
        db, actor=actor, visit_id=path_uuid(request, "visit_id"), now=utcnow()
    )
    visits.require_editable(db, visit=detail.visit, actor=actor, now=utcnow())
    visit = detail.visit
    if values is None or lists is None:
        length = str(visit.duration_minutes)
        quick = length in (str(n) for n in QUICK_LENGTHS)
        values = dict.fromkeys(TEXT_FIELDS, "")
        values.update(
            visit_date=visit.visit_date.isoformat(), starts_at=f"{visit.starts_at:%H:%M}",
            duration_minutes=length if quick else "", duration_other="" if quick else length,
            place_kind=visit.place_kind.value, place_text=visit.place_text,
            present_others=visit.present_others, kind=visit.kind.value, notes=visit.notes,
        )  # fmt: skip
        lists = {"present_member_ids": tuple(str(m.id) for m in detail.present)}
    context = {
        "detail": detail,
        "family": detail.family,
        "members": views.members_of(db, family_id=detail.family.id),
        **_form_context(values, lists, errors),
    }
    return render(request, "visits/edit.html", context, block="visit_form", status_code=status_code)


async def edit_visit_page(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return _edit_page(request, actor, None, None, {})


async def update_visit(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    visit_id = path_uuid(request, "visit_id")
    values, lists = await _posted(request)
    form = visits.VisitEditForm(
        visit_date=values["visit_date"], starts_at=values["starts_at"],
        duration_minutes=_length(values), place_kind=values["place_kind"],
        place_text=values["place_text"], present_member_ids=lists["present_member_ids"],
        present_others=values["present_others"], kind=values["kind"], notes=values["notes"],
    )  # fmt: skip
    try:
        visits.edit_visit(request.state.db, actor=actor, visit_id=visit_id, form=form, now=utcnow())
    except Invalid as error:
        request.state.db.rollback()
        return _edit_page(request, actor, values, lists, error.errors, status_code=422)
    return redirect(request, path_for(request, "visit", visit_id=visit_id, query={"updated": "1"}))


# --- the visit diary -----------------------------------------------------------------------


def _csv_response(found: diary.Diary) -> Response:
    return Response(
        diary.diary_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="dziennik-wizyt-{_month_param(found.month)}.csv"'
            )
        },
    )


def _diary_response(
    request: Request, found: diary.Diary, *, path: str, families: Sequence[Family] = ()
) -> Response:
    """The diary on screen, or (with ?print=1) as a page made for A4 paper."""
    month = found.month
    # An assistant's diary keeps naming her in its links (a coordinator reads many).
    author = found.assistant if path == path_for(request, "diary") else None
    context = {
        "diary": found,
        "month_param": _month_param(month),
        "previous_month": _month_param((month - timedelta(days=1)).replace(day=1)),
        "next_month": _month_param((month + timedelta(days=32)).replace(day=1)),
        "path": path,
        "base_query": f"assistant={author.id}&" if author else "",
        "families": families,
        "saved": request.query_params.get("saved") == "1",
    }
    if request.query_params.get("print") == "1":
        return render(request, "visits/diary_print.html", context)
    return render(request, "visits/diary.html", context, block="diary", offline=True)


async def family_diary(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    found = diary.family_diary(
        request.state.db, actor=actor, family_id=family_id, month=_month(request)
    )
    return _diary_response(
        request, found, path=path_for(request, "family_diary", family_id=family_id)
    )


async def family_diary_csv(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    found = diary.family_diary(
        request.state.db, actor=actor, family_id=path_uuid(request, "family_id"),
        month=_month(request),
    )  # fmt: skip
    return _csv_response(found)


def _diary_author(request: Request, actor: Actor) -> uuid.UUID | None:
    """Whose diary: the assistant's own; a coordinator names the assistant (?assistant=)."""
    raw = request.query_params.get("assistant", "")
    if not raw:
        return actor.id if actor.role is Role.assistant else None
    return known_uuid(raw)


async def own_diary(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    db = request.state.db
    author_id = _diary_author(request, actor)
    if author_id is None:
        caseloads = caseload.caseloads(db, centre=request.state.centre)
        return render(request, "visits/diary_choose.html", {"caseloads": caseloads})
    found = diary.assistant_diary(db, actor=actor, assistant_id=author_id, month=_month(request))
    # Her own diary offers the visit form of each of her families.
    own = actor.role is Role.assistant
    families = caseload.families_of_assistant(db, assistant=actor.user) if own else []
    return _diary_response(request, found, path=path_for(request, "diary"), families=families)


async def own_diary_csv(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    author_id = _diary_author(request, actor)
    if author_id is None:
        return redirect(request, path_for(request, "diary"))
    found = diary.assistant_diary(
        request.state.db, actor=actor, assistant_id=author_id, month=_month(request)
    )
    return _csv_response(found)


# --- the family's side ---------------------------------------------------------------------


async def family_member_visits(request: Request) -> Response:
    actor = require_actor(request, Role.family)
    rows = diary.visits_for_family_member(request.state.db, actor=actor)
    context = {
        "visits": rows,
        "back": path_for(request, "family_member_visits"),
        "confirmed": request.query_params.get("confirmed") == "1",
    }
    return render(request, "family/visits.html", context, offline=True)


async def confirm_visit(request: Request) -> Response:
    actor = require_actor(request, Role.family)
    fields = await form_fields(request, "back")
    confirmed = diary.confirm_visit(
        request.state.db, actor=actor, visit_id=path_uuid(request, "visit_id"), now=utcnow()
    )
    back = fields["back"] if fields["back"] in FAMILY_PAGES else FAMILY_PAGES[0]
    htmx: HtmxDetails = request.state.htmx
    if htmx.wants_fragment:
        context = {"visit": confirmed, "back": back}
        return render(request, "family/visits.html", context, block="visit_row")
    return redirect(request, f"{back}?confirmed=1")


routes = [
    Route("/families/{family_id}/visits/new", new_visit, name="new_visit"),
    post("/families/{family_id}/visits", record_visit, name="record_visit"),
    Route("/visits/{visit_id}", visit_page, name="visit"),
    Route("/visits/{visit_id}/edit", edit_visit_page, name="edit_visit"),
    post("/visits/{visit_id}/edit", update_visit, name="update_visit"),
    Route("/families/{family_id}/diary", family_diary, name="family_diary"),
    Route("/families/{family_id}/diary.csv", family_diary_csv, name="family_diary_csv"),
    Route("/diary", own_diary, name="diary"),
    Route("/diary.csv", own_diary_csv, name="diary_csv"),
    Route("/family/visits", family_member_visits, name="family_member_visits"),
    post("/visits/{visit_id}/confirm", confirm_visit, name="confirm_visit"),
]
