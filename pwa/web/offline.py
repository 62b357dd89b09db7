"""Which form posts the offline outbox may keep on the phone, taken from the router.

The outbox (pwa/static/js/outbox.js, in the pages and in the service worker) matches a post's
path against these patterns; they are compiled here from the routes' own path templates, so a
route that moves takes its outbox pattern with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.routing import BaseRoute, Route

# The kind the outbox calls each post, and the route that receives it: a visit, a task ticked
# as done, a visit confirmed. Each of these forms carries its record's UUID (a replay is a success).
OUTBOX_POSTS = {"visit": "record_visit", "tick": "tick_task", "confirm": "confirm_visit"}
# Offline-capable posts address their records by UUID; anything else in that place is not one.
UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_PARAMETER = re.compile(r"\{[^}]+\}")


def path_pattern(path_format: str) -> str:
    """A regex source (valid in Python and JavaScript) that matches the path with UUIDs in it."""
    literals = _PARAMETER.split(path_format)
    escaped = [re.sub(r"[.^$*+?()\[\]{}|\\]", r"\\\g<0>", part) for part in literals]
    return "^" + UUID_PATTERN.join(escaped) + "$"


def outbox_posts(routes: Iterable[BaseRoute]) -> tuple[tuple[str, str], ...]:
    """(kind, path pattern) of each post the outbox may keep, in the order of OUTBOX_POSTS."""
    by_name = {route.name: route for route in routes if isinstance(route, Route)}
    return tuple(
        (kind, path_pattern(by_name[name].path_format)) for kind, name in OUTBOX_POSTS.items()
    )
