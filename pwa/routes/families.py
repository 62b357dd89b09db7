"""Families over HTTP: registering a referral, the family's page (THE staff page of a family),
correcting the referral, assigning the assistant, the case's timeline, finding a family.

Changes to the members are in `members`, the life cycle (consent, end, monitoring, closing,
reopening) in `lifecycle`; every form of the family's page answers through `family_page`,
which shows the page again with the one failed form's messages next to its fields.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.cases import caseload, lifecycle, timeline
from pwa.domain.cases import record as cases
from pwa.domain.cases.members import MemberForm
from pwa.domain.centre import homes
from pwa.domain.kernel import policy
from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, DomainError, Invalid
from pwa.domain.kernel.forms import known_uuid
from pwa.i18n import local_today
from pwa.models import Centre, ConsentForm, Family, Relation, Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.middleware import KEEP_CHANGES_ON_ERROR
from pwa.web.render import redirect, render

STAFF = (Role.coordinator, Role.assistant)
PAGE = "families/show.html"
REFERRAL_FIELDS = (
    "case_number", "name", "address", "phone", "referral_reason", "social_worker_name",
    "social_worker_phone", "social_worker_email", "referred_on", "za_zyciem", "foster_care",
    "foster_care_coordinator", *cases.INTAKE_FIELDS, *cases.HANDOVER_FIELDS,
)  # fmt: skip
MEMBER_FIELDS = ("first_name", "last_name", "relation", "birth_date", "phone")
MEMBER_ROWS = 4  # empty member rows on the registration form
MAX_MEMBER_ROWS = 20  # rows read back from a posted form
SEARCH_LIMIT = 100  # characters of a search query
# What the family's page says after a change (?done=…): the changes it knows.
DONE = frozenset(
    {
        "registered", "updated", "assigned", "member_added", "member_updated", "member_left",
        "member_back", "consent", "consent_withdrawn", "ended", "monitoring", "closed",
        "reopened",
    }
)  # fmt: skip
# The section (and htmx block) of the family's page each form lives in.
SECTIONS = {
    "assignment": "assignment",
    "consent": "consent",
    "withdraw": "consent",
    "end": "state",
    "monitoring": "state",
    "close": "state",
    "reopen": "state",
}


def family_url(family_id: uuid.UUID, done: str = "") -> str:
    return f"/families/{family_id}" + (f"?done={done}" if done else "")


# --- the family's page, whole or with one failed form -------------------------------------


@dataclass(frozen=True)
class FormProblem:
    """What went wrong with the one form sent from the family's page, to show next to it."""

    form: str = ""  # "assignment", "end", "member-<id>" …
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    values: Mapping[str, str] = field(default_factory=dict)

    @property
    def section(self) -> str:
        if self.form in SECTIONS:
            return SECTIONS[self.form]
        return "members" if self.form else ""

    def errors_of(self, form: str) -> Mapping[str, str]:
        return self.errors if form == self.form else {}

    def value(self, form: str, name: str, default: str = "") -> str:
        """What the user sent in the failed form (so nothing typed is lost), else `default`."""
        return self.values.get(name, default) if form == self.form else default

    def alert_in(self, section: str) -> str:
        """A refusal without field errors (a change the state does not allow), by section."""
        return self.message if section == self.section and not self.errors else ""

    @classmethod
    def of(
        cls,
        error: DomainError,
        form: str,
        values: Mapping[str, str],
        *,
        conflict_field: str | None = None,
    ) -> FormProblem:
        errors = dict(error.errors) if isinstance(error, Invalid) else {}
        if isinstance(error, Conflict) and conflict_field:
            errors = {conflict_field: error.message}
        return cls(form=form, errors=errors, message=error.message, values=dict(values))


def family_page(
    request: Request,
    actor: Actor,
    family_id: uuid.UUID,
    *,
    problem: FormProblem | None = None,
    status_code: int = 200,
) -> Response:
    """The family's page; after a failed form, only its section for htmx.

    After a refusal nothing of the refused change is kept, but the read of the record shown
    with the messages is still audited.
    """
    db = request.state.db
    if status_code >= 400:
        db.rollback()
        setattr(request.state, KEEP_CHANGES_ON_ERROR, True)
    record = cases.family_record(db, actor=actor, family_id=family_id)
    coordinator = actor.role is Role.coordinator
    done = request.query_params.get("done", "")
    problem = problem or FormProblem()
    context = {
        "record": record,
        "family": record.family,
        "actions": lifecycle.case_actions(record.family, consent=record.consent, role=actor.role),
        "caseloads": caseload.caseloads(db, centre=request.state.centre) if coordinator else [],
        "is_coordinator": coordinator,
        "adults": [
            m for m in record.members if m.in_household and m.relation is not Relation.child
        ],
        "relations": list(Relation),
        "consent_forms": list(ConsentForm),
        "today": local_today().isoformat(),
        "done": done if done in DONE and status_code == 200 else "",
        "problem": problem,
    }
    return render(
        request, PAGE, context, block=problem.section or None, status_code=status_code,
        offline=True,
    )  # fmt: skip


def family_of_form(raw: str) -> uuid.UUID:
    """The family whose page a form was on (only to show that page again)."""
    return known_uuid(raw)


async def show_family(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    return family_page(request, actor, path_uuid(request, "family_id"))


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


def _referral_of(family: Family) -> cases.ReferralForm:
    """The family's referral as the edit form shows it."""
    return cases.ReferralForm(
        case_number=family.case_number,
        name=family.name,
        address=family.address,
        phone=family.phone,
        referral_reason=family.referral_reason,
        social_worker_name=family.social_worker_name,
        social_worker_phone=family.social_worker_phone,
        social_worker_email=family.social_worker_email,
        referred_on=family.referred_on.isoformat(),
        za_zyciem="on" if family.za_zyciem else "",
        foster_care="on" if family.foster_care else "",
        foster_care_coordinator=family.foster_care_coordinator,
        interview_on=_iso(family.interview_on),
        interview_by=family.interview_by,
        situation_analysis=family.situation_analysis,
        director_request_on=_iso(family.director_request_on),
        director_request_reference=family.director_request_reference,
        handled_by_centre_id=str(family.handled_by_centre_id or ""),
        handed_over_on=_iso(family.handed_over_on),
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


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
    return redirect(request, family_url(family.id, "registered"))


async def edit_referral(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    family_id = path_uuid(request, "family_id")
    db = request.state.db
    if request.method == "GET":
        family = cases.family_record(db, actor=actor, family_id=family_id).family
        context = {
            "family": family,
            "form": _referral_of(family),
            "errors": {},
            "organisations": _organisations(request, actor, family),
        }
        return render(request, "families/edit.html", context)
    form = _referral_form(await form_fields(request, *REFERRAL_FIELDS))
    try:
        cases.update_referral(db, actor=actor, family_id=family_id, form=form)
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
    return redirect(request, family_url(family_id, "updated"))


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
        request.state.db.rollback()
        problem = FormProblem.of(error, "assignment", sent, conflict_field="assistant_id")
        return family_page(
            request, actor, family_id, problem=problem, status_code=error.status_code
        )
    if sent["next"] == "coordinator":
        return redirect(request, "/coordinator?done=assigned")
    return redirect(request, family_url(family_id, "assigned"))


# --- the timeline and the search ----------------------------------------------------------------


async def family_timeline(request: Request) -> Response:
    actor = require_actor(request, *STAFF)
    family_id = path_uuid(request, "family_id")
    db = request.state.db
    entries = timeline.family_timeline(db, actor=actor, family_id=family_id)
    family = policy.get_family(db, actor=actor, family_id=family_id)
    return render(request, "families/timeline.html", {"family": family, "entries": entries})


def _page_number(raw: str) -> int:
    try:
        return max(1, int(raw))
    except ValueError:
        return 1


async def family_search(request: Request) -> Response:
    """Families by name or case number; the results alone for the htmx search box."""
    actor = require_actor(request, *STAFF)
    query = request.query_params.get("q", "").replace("\x00", "")[:SEARCH_LIMIT]
    found = homes.search_families(
        request.state.db,
        actor=actor,
        query=query,
        page=_page_number(request.query_params.get("page", "1")),
    )
    return render(request, "families/search.html", {"found": found}, block="results")


routes = [
    Route("/families/new", new_family, name="new_family"),
    Route("/families", register_family, methods=["POST"], name="register_family"),
    Route("/families", family_search, methods=["GET"], name="family_search"),
    Route("/families/{family_id}", show_family, name="family_page"),
    Route(
        "/families/{family_id}/edit", edit_referral, methods=["GET", "POST"], name="edit_referral"
    ),
    Route(
        "/families/{family_id}/assignment",
        assign_assistant,
        methods=["POST"],
        name="assign_assistant",
    ),
    Route("/families/{family_id}/timeline", family_timeline, name="family_timeline"),
]
