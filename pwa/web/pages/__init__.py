"""Pages that several route modules answer with, and the one way to show a refused form on them.

Many of Asysta's pages hold many small forms (the family's page, intake, the plan, the
opinions, the cooperation log …). When one of them is refused, the page is shown again as it
is now, with that one form's messages and what was typed in it: a `Refusal`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlmodel import Session
from starlette.requests import Request

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.errors import Conflict, DomainError, Invalid
from pwa.models import Role
from pwa.web.auth import require_actor
from pwa.web.forms import form_fields, path_uuid
from pwa.web.middleware import KEEP_CHANGES_ON_ERROR

T = TypeVar("T")
# One change of a family from a form on one of its pages:
# (db, actor, family id, the fields sent) -> the domain's answer.
FamilyChange = Callable[[Session, Actor, uuid.UUID, dict[str, str]], object]


def change_with_form(
    change: Callable[..., T], make_form: Callable[..., object]
) -> Callable[[Session, Actor, uuid.UUID, dict[str, str]], T]:
    """The family change a domain function makes from one form: the fields sent, by name, build
    the form (`make_form(**sent)`), then `change(db, actor=…, family_id=…, form=…)`."""

    def made(db: Session, actor: Actor, family_id: uuid.UUID, sent: dict[str, str]) -> T:
        return change(db, actor=actor, family_id=family_id, form=make_form(**sent))

    return made


@dataclass(frozen=True)
class Refusal:
    """The one form of a page with many small forms that was refused, to show next to it.

    Why one shape: the page is rendered again (never a second copy of its markup) with the
    failed form's `errors` beside its fields, or its `message` above it when no field is to
    blame (a change the record's state does not allow), and the `values` the user sent, so
    nothing typed is lost. The answer is the error's status (422 invalid input, 409 a
    conflict), and htmx gets only `section`, the block of the page that holds the form.
    `Refusal()` is "nothing refused": the page as it is, status 200.
    """

    form: str = ""  # which form: "assignment", "member-<id>", "add-goal-<id>" …
    errors: Mapping[str, str] = field(default_factory=dict)
    message: str = ""
    values: Mapping[str, str] = field(default_factory=dict)
    section: str = ""  # the section (and htmx block) of the page holding the form ("" whole)
    status_code: int = 200

    @classmethod
    def of(
        cls,
        error: DomainError,
        form: str = "",
        values: Mapping[str, str] | None = None,
        *,
        section: str = "",
        conflict_field: str | None = None,
    ) -> Refusal:
        """The refusal `error` gave `form`: field errors for invalid input, else the message.

        `conflict_field` puts a conflict's message beside that field instead.
        """
        errors = dict(error.errors) if isinstance(error, Invalid) else {}
        if isinstance(error, Conflict) and conflict_field:
            errors = {conflict_field: error.message}
        return cls(
            form=form,
            errors=errors,
            message=error.message,
            values=dict(values or {}),
            section=section,
            status_code=error.status_code,
        )

    @property
    def alert(self) -> str:
        """The message of a refusal without field errors (shown above the form), else ""."""
        return "" if self.errors else self.message

    def messages(self) -> dict[str, object]:
        """The context keys most pages show a refusal with: field `errors` and the `message`."""
        return {"errors": dict(self.errors), "message": self.alert}

    def errors_of(self, form: str) -> Mapping[str, str]:
        return self.errors if form == self.form else {}

    def value(self, form: str, name: str, default: str = "") -> str:
        """What the user sent in the failed form (so nothing typed is lost), else `default`."""
        return self.values.get(name, default) if form == self.form else default

    def alert_in(self, section: str) -> str:
        """The alert, when the refused form lives in `section` of the page."""
        return self.alert if section == self.section else ""


NO_REFUSAL = Refusal()


def refuse(
    request: Request,
    error: DomainError,
    form: str = "",
    values: Mapping[str, str] | None = None,
    *,
    section: str = "",
    conflict_field: str | None = None,
    keep_reads: bool = False,
) -> Refusal:
    """Undo the refused change (see `start_over`) and say what to show next to `form`."""
    start_over(request, keep_reads=keep_reads)
    return Refusal.of(error, form, values, section=section, conflict_field=conflict_field)


def start_over(request: Request, *, keep_reads: bool = False) -> None:
    """Undo the refused change before the page is read again to show the refusal.

    `keep_reads`: the read of the record that the page then shows is audited even though the
    answer is an error (the page shows a family's record again, and every read is on record).
    """
    request.state.db.rollback()
    if keep_reads:
        setattr(request.state, KEEP_CHANGES_ON_ERROR, True)


@dataclass(frozen=True)
class FormSent(Generic[T]):
    """A form sent about one record (named in the path), and how the change it asked for went."""

    actor: Actor
    record_id: uuid.UUID
    values: dict[str, str]
    answer: T | None  # the domain's answer, when the change was made
    error: DomainError | None  # the refusal, for the page to show beside the form

    @property
    def changed(self) -> T:
        """The domain's answer to a change that was made (ask only when `error` is None)."""
        if self.answer is None:
            raise ValueError("the change was refused") from self.error
        return self.answer


async def send_form(
    request: Request,
    *,
    roles: tuple[Role, ...],
    fields: tuple[str, ...],
    change: Callable[[Session, Actor, uuid.UUID, dict[str, str]], T],
    path_key: str = "family_id",
    refusals: tuple[type[DomainError], ...] = (Invalid, Conflict),
) -> FormSent[T]:
    """Read the form about the record `path_key` names and make the change.

    A refusal (one of `refusals`) is returned, not raised: the page the form came from shows
    it next to the form. Any other error is raised, for its own error page.
    """
    actor = require_actor(request, *roles)
    record_id = path_uuid(request, path_key)
    values = await form_fields(request, *fields)
    try:
        answer = change(request.state.db, actor, record_id, values)
    except refusals as error:
        return FormSent(actor, record_id, values, None, error)
    return FormSent(actor, record_id, values, answer, None)
