"""The ASGI entry point for uvicorn: `uvicorn pwa.asgi:app` (settings from the environment)."""

from pwa.app import create_app

app = create_app()
