"""What makes Asysta an installable app: the manifest, the service worker, the offline page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pwa import i18n
from pwa.web.offline import outbox_posts
from pwa.web.render import render, static_url
from pwa.web.service_worker import build_service_worker


async def service_worker(request: Request) -> Response:
    return Response(
        build_service_worker(outbox_posts(request.app.routes)),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


async def manifest(request: Request) -> Response:
    _ = i18n.gettext
    return JSONResponse(
        {
            "name": _("Asysta: family assistant"),
            "short_name": _("Asysta"),
            "description": _(
                "The work plan, visits and meetings of families and their assistants."
            ),
            "lang": i18n.get_locale(),
            "start_url": "/",
            "scope": "/",
            "id": "/",
            "display": "standalone",
            "orientation": "portrait",
            "background_color": "#ffffff",
            "theme_color": "#1d4f91",
            "icons": [
                {"src": static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static_url("icons/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        media_type="application/manifest+json",
        headers={"Cache-Control": "no-cache"},
    )


async def offline_page(request: Request) -> Response:
    """Precached by the service worker: the same for everyone, it holds nothing about any user."""
    request.state.user = request.state.centre = None
    response = render(request, "pwa/offline.html")
    del response.headers["X-Asysta-User"]  # not a sign-out: it is fetched while signed in
    return response


routes = [
    Route("/sw.js", service_worker, name="service_worker"),
    Route("/manifest.webmanifest", manifest, name="manifest"),
    Route("/offline", offline_page, name="offline"),
]
