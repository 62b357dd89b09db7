"""Declaring routes: most of Asysta's URLs only take a posted form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import Route


def post(path: str, endpoint: Callable[..., Any], *, name: str) -> Route:
    """A route that only takes a POST: a form's handler (every route has a name, for links)."""
    return Route(path, endpoint, methods=["POST"], name=name)
