"""The application factory: routes, middleware, lifespan and error handlers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware

from pwa.db import make_engine
from pwa.routes import all_routes
from pwa.settings import Settings
from pwa.web.errors import EXCEPTION_HANDLERS, ErrorPageMiddleware, csrf_failure
from pwa.web.middleware import (
    CsrfMiddleware,
    SecurityHeadersMiddleware,
    SignedInUserMiddleware,
    UnitOfWorkMiddleware,
)
from pwa.web.render import make_templates


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app for `settings` (read from the environment when not given)."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        import asyncio

        from pwa.reminders.sending import reminder_loop

        engine = make_engine(settings.database_url)
        # Reminders every minute in this process (cron runs `asysta reminders run` instead).
        reminders = (
            asyncio.create_task(reminder_loop(engine, settings))
            if settings.run_background_jobs
            else None
        )
        try:
            yield {"engine": engine}
        finally:
            if reminders is not None:
                reminders.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reminders
            engine.dispose()

    app = Starlette(
        routes=all_routes(),
        middleware=[
            Middleware(GZipMiddleware, minimum_size=500),
            Middleware(SecurityHeadersMiddleware, settings=settings),
            Middleware(ErrorPageMiddleware),
            Middleware(UnitOfWorkMiddleware),
            Middleware(SignedInUserMiddleware, settings=settings),
            Middleware(CsrfMiddleware, settings=settings, on_failure=csrf_failure),
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.templates = make_templates(app.router)
    return app
