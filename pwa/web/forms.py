"""Reading path and form values safely: a malformed id is a 404, never a 500."""

from __future__ import annotations

import uuid

from starlette.requests import Request

from pwa.domain.errors import NotFound


def path_uuid(request: Request, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(request.path_params[name]))
    except (KeyError, ValueError):
        raise NotFound from None
