"""Each role's home page: the assistant's day, the centre at a glance, the family's home."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.assessments import opinions
from pwa.domain.centre import homes
from pwa.models import Role
from pwa.web.auth import require_actor, require_role
from pwa.web.render import render

# What the coordinator's home says after a change made from it (?done=…).
COORDINATOR_DONE = frozenset({"assigned"})


async def assistant_home(request: Request) -> Response:
    actor = require_actor(request, Role.assistant)
    user = actor.user
    today = homes.assistant_home(request.state.db, actor=actor)
    court = opinions.opinions_due(request.state.db, assistant=user, today=today.today)
    return render(
        request, "homes/assistant.html", {"today": today, "opinions_due": court}, offline=True
    )


async def coordinator_home(request: Request) -> Response:
    actor = require_actor(request, Role.coordinator)
    overview = homes.coordinator_home(request.state.db, actor=actor)
    done = request.query_params.get("done", "")
    context = {"overview": overview, "done": done if done in COORDINATOR_DONE else ""}
    return render(request, "homes/coordinator.html", context, offline=True)


async def family_home(request: Request) -> Response:
    user = require_role(request, Role.family)
    home = homes.family_home(request.state.db, member_user=user)
    return render(request, "homes/family.html", {"home": home}, offline=True)


routes = [
    Route("/assistant", assistant_home, name="assistant_home"),
    Route("/coordinator", coordinator_home, name="coordinator_home"),
    Route("/family", family_home, name="family_home"),
]
