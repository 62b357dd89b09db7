"""Every route of the app: one module per feature, each exporting `routes`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount

from pwa.routes import (
    account,
    audit_log,
    demo,
    homes,
    invitations,
    people,
    public,
    pwa,
    signin,
)
from pwa.web.render import STATIC_DIR
from pwa.web.static import VersionedStaticFiles

FEATURES = (public, pwa, signin, demo, homes, account, invitations, people, audit_log)


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [route for feature in FEATURES for route in feature.routes]
    routes.append(Mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static"))
    return routes
