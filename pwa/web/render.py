"""One place that renders: a whole page, or one block of it for an htmx swap."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from jinja2_fragments.starlette import Jinja2Blocks
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Router

from pwa import i18n
from pwa.labels import label
from pwa.models import Role
from pwa.web.htmx import HtmxDetails
from pwa.web.offline import outbox_posts

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
HTMX_VERSION = "2.0.11"


@cache
def static_digest(path: str) -> str:
    """A short content hash, so static URLs change whenever the file does."""
    return hashlib.sha256((STATIC_DIR / path).read_bytes()).hexdigest()[:12]


def static_url(path: str) -> str:
    return f"/static/{path}?v={static_digest(path)}"


# The bottom navigation of each role, by route name.
NAV_BY_ROLE = {
    Role.assistant: ("assistant_home", "diary", "monthly_report", "account"),
    Role.coordinator: ("coordinator_home", "people", "yearly_report", "audit_log", "account"),
    Role.family: (
        "family_home", "family_plan_view", "family_member_meetings", "family_contact", "account",
    ),
}  # fmt: skip


def _nav_for(request: Request, role: Role | None) -> list[dict[str, str]]:
    """The bottom navigation of `role`: (url, label, icon) of each item."""
    _ = i18n.gettext
    items = {  # route name: (label, icon)
        "assistant_home": (_("Today"), "today"), "diary": (_("Diary"), "diary"),
        "monthly_report": (_("Reports"), "reports"), "yearly_report": (_("Reports"), "reports"),
        "coordinator_home": (_("Centre"), "centre"), "people": (_("People"), "people"),
        "audit_log": (_("Audit log"), "audit"), "family_home": (_("Our family"), "home"),
        "family_plan_view": (_("Plan"), "plan"), "family_contact": (_("Contact"), "contact"),
        "family_member_meetings": (_("Meetings"), "meetings"), "account": (_("Account"), "account"),
    }  # fmt: skip
    names = NAV_BY_ROLE[role] if role is not None else ()
    return [
        {"url": path_for(request, name), "label": items[name][0], "icon": items[name][1]}
        for name in names
    ]


def shared_context(request: Request) -> dict[str, Any]:
    """What every template may use: the user, their centre, CSRF token, locale, navigation."""
    state = request.state
    user = getattr(state, "user", None)
    nav = _nav_for(request, user.role if user else None)
    path = request.url.path
    return {
        "user": user,
        "centre": getattr(state, "centre", None),
        "csrf_token": getattr(state, "csrf_token", ""),
        "locale": i18n.get_locale(),
        "nav": nav,
        # The one nav item for this page: the longest URL that the path starts with.
        "nav_current": max(
            (i["url"] for i in nav if path == i["url"] or path.startswith(i["url"] + "/")),
            key=len,
            default="",
        ),
        "current_path": request.url.path,
        "demo_mode": request.app.state.settings.demo,
        "htmx": getattr(state, "htmx", HtmxDetails()),
    }


def device_name(user_agent: str) -> str:
    """A short, human name of a browser/device from its User-Agent ("Chrome, Android")."""
    ua = user_agent or ""
    system = next(
        (name for key, name in (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
         ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux")) if key in ua),
        "",
    )  # fmt: skip
    browser = next(
        (name for key, name in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
         ("Safari/", "Safari")) if key in ua),
        "",
    )  # fmt: skip
    return ", ".join(part for part in (browser, system) if part) or i18n.gettext("Unknown device")


def make_templates(router: Router) -> Jinja2Blocks:
    """The Jinja environment of one app: its links are built from `router`'s route names."""

    def url_for(name: str, /, **path_params: Any) -> str:
        """The path of the route `name` (`/families/…`): a path, not Starlette's absolute URL,
        so that links stay relative to the page's own origin (and macros can build them too)."""
        return str(router.url_path_for(name, **path_params))

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Jinja's newstyle gettext fills %(name)s itself (escaping the values): give it the raw catalog.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.translations(i18n.get_locale()).gettext(message),
        ngettext=lambda s, p, n: i18n.translations(i18n.get_locale()).ngettext(s, p, n),
        newstyle=True,
    )
    env.globals.update(
        static_url=static_url,
        htmx_version=HTMX_VERSION,
        url_for=url_for,
        outbox_posts=outbox_posts(router.routes),
    )
    env.filters.update(
        date=i18n.format_date,
        time=i18n.format_time,
        datetime=i18n.format_datetime,
        weekday=i18n.format_weekday,
        month=i18n.format_month,
        label=label,
        device_name=device_name,
    )
    # The shared macros as a global, so that blocks rendered alone (htmx fragments) have them.
    env.globals["m"] = env.get_template("_macros.html").module
    return Jinja2Blocks(env=env, context_processors=[shared_context])


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
    offline: bool = False,
) -> Response:
    """The page, or only `block` of it when htmx asks to swap part of the page.

    `offline=True` lets the service worker keep this page on the user's phone (their home,
    families, plans, contact page), unless the centre forbids keeping family pages on phones.
    """
    templates: Jinja2Blocks = request.app.state.templates
    htmx: HtmxDetails = getattr(request.state, "htmx", HtmxDetails())
    fragment = block if (block and htmx.wants_fragment) else None
    response = templates.TemplateResponse(
        request,
        template,
        dict(context or {}),
        status_code=status_code,
        headers={**service_worker_headers(request, offline=offline), **(headers or {})},
        block_name=fragment,
    )
    return vary_on_htmx(response)


def service_worker_headers(request: Request, *, offline: bool) -> dict[str, str]:
    """Tell the service worker whose page this is and whether it may be kept offline."""
    user = getattr(request.state, "user", None)
    if user is None:
        return {"X-Asysta-User": "anonymous"}
    centre = getattr(request.state, "centre", None)
    headers = {"X-Asysta-User": str(user.id)}
    if (
        offline
        and request.method == "GET"
        and centre is not None
        and centre.keep_family_pages_offline
    ):
        headers["X-Asysta-Offline"] = "keep"
    return headers


def vary_on_htmx(response: Response) -> Response:
    """Every response that can differ for htmx says so, so no cache mixes them up."""
    vary = response.headers.get("vary", "")
    if "hx-request" not in vary.lower():
        response.headers["vary"] = f"{vary}, HX-Request" if vary else "HX-Request"
    return response


def redirect(request: Request, url: str) -> Response:
    """After a successful POST: 303 for plain forms, `HX-Redirect` for htmx requests."""
    htmx: HtmxDetails = getattr(request.state, "htmx", HtmxDetails())
    if htmx.request:
        response: Response = Response(status_code=204, headers={"HX-Redirect": url})
    else:
        response = RedirectResponse(url, status_code=303)
    return vary_on_htmx(response)


def path_for(
    request: Request,
    name: str,
    /,
    *,
    query: Mapping[str, str] | None = None,
    anchor: str = "",
    **params: object,
) -> str:
    """The path of the route called `name` (relative, as redirects send it), `?query` and `#anchor`.

    Empty query values are left out. Links are built from the router by the route's name,
    never typed by hand, so a route that moves takes its links with it.
    """
    path = str(request.app.url_path_for(name, **{key: str(v) for key, v in params.items()}))
    wanted = {key: value for key, value in (query or {}).items() if value}
    return path + (f"?{urlencode(wanted)}" if wanted else "") + (f"#{anchor}" if anchor else "")
