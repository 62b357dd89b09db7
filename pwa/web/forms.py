"""Reading path and form values safely: a malformed id is a 404, never a 500."""

from __future__ import annotations

import uuid

from starlette.requests import Request

from pwa.domain.kernel.forms import known_uuid


def path_uuid(request: Request, name: str) -> uuid.UUID:
    return known_uuid(str(request.path_params.get(name, "")))


def family_of_form(raw: str) -> uuid.UUID:
    """The family whose page a form was on (only to show that page again), else a 404."""
    return known_uuid(raw)


async def form_fields(request: Request, *names: str) -> dict[str, str]:
    """The named text fields of a posted form ("" when missing; the first of duplicates).

    NUL characters are dropped: PostgreSQL cannot store them and no person types them.
    """
    async with request.form() as form:
        values: dict[str, str] = {}
        for name in names:
            value = form.get(name)
            values[name] = value.replace("\x00", "") if isinstance(value, str) else ""
    return values


async def form_lists(request: Request, *names: str) -> dict[str, tuple[str, ...]]:
    """Repeated fields (checkboxes) as tuples of strings."""
    async with request.form() as form:
        return {
            name: tuple(v.replace("\x00", "") for v in form.getlist(name) if isinstance(v, str))
            for name in names
        }
