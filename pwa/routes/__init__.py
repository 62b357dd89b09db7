"""Every route of the app: one module per feature, each exporting `routes`."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount

from pwa.routes import (
    accessibility,
    account,
    assessments,
    audit_log,
    calendar,
    centre,
    cooperation,
    data_rights,
    demo,
    families,
    homes,
    intake,
    invitations,
    lifecycle,
    meetings,
    members,
    office_hours,
    opinions,
    outbox,
    people,
    plan_tasks,
    plans,
    public,
    pwa,
    reminders,
    reports,
    signin,
    support,
    visits,
)
from pwa.web.render import STATIC_DIR
from pwa.web.static import VersionedStaticFiles

FEATURES = (
    public,
    accessibility,
    pwa,
    signin,
    demo,
    homes,
    account,
    reminders,
    invitations,
    people,
    audit_log,
    families,
    intake,
    members,
    lifecycle,
    visits,
    plans,
    plan_tasks,
    meetings,
    calendar,
    office_hours,
    centre,
    reports,
    data_rights,
    assessments,
    opinions,
    cooperation,
    support,
    outbox,
)


def all_routes() -> list[BaseRoute]:
    routes: list[BaseRoute] = [route for feature in FEATURES for route in feature.routes]
    routes.append(Mount("/static", VersionedStaticFiles(directory=STATIC_DIR), name="static"))
    return routes
