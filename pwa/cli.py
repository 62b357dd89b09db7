"""The `asysta` command: serve, migrate, load demo data, invite the first coordinator."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pwa.i18n import local_today
from pwa.settings import Settings, SettingsError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def migrate(settings: Settings, revision: str = "head") -> None:
    """Bring the database schema up to `revision` (creating the SQLite file's folder)."""
    from alembic import command

    if settings.is_sqlite:
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings.database_url), revision)


def _demo_data(settings: Settings, scale: str | None = None) -> None:
    from pwa.db import make_engine, unit_of_work
    from pwa.demo.centre import load_demo_data

    if scale is not None:
        _city_data(settings, scale)
        return
    engine = make_engine(settings.database_url)
    with unit_of_work(engine) as db:
        summary = load_demo_data(db, today=local_today())
    engine.dispose()
    if summary.created:
        print(f"Demo data loaded: {sum(summary.counts.values())} rows.")
    else:
        print("Demo data already present: nothing changed.")


def _city_data(settings: Settings, scale: str) -> None:
    from pwa.db import make_engine, unit_of_work
    from pwa.demo.city import load_city_data, scale_factor

    engine = make_engine(settings.database_url)
    with unit_of_work(engine) as db:
        summary = load_city_data(db, today=local_today(), scale=scale_factor(scale))
    engine.dispose()
    if not summary.created:
        print("City data already present: nothing changed.")
        return
    for table, count in summary.counts.items():
        print(f"{table:>16} {count:>8}")
    print(f"City data loaded: {sum(summary.counts.values())} rows in {summary.seconds:.1f} s.")


def _serve(settings: Settings, host: str, port: int, workers: int) -> None:
    import uvicorn

    uvicorn.run(
        "pwa.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        log_level="info",
    )


def _invite_coordinator(
    settings: Settings, first_name: str, last_name: str, centre_name: str
) -> None:
    from pwa.db import make_engine, unit_of_work
    from pwa.domain.people import invitations

    engine = make_engine(settings.database_url)
    with unit_of_work(engine) as db:
        link = invitations.invite_first_coordinator(
            db,
            centre_name=centre_name,
            first_name=first_name,
            last_name=last_name,
            base_url=settings.base_url,
        )
    engine.dispose()
    print("One-time invitation (valid 72 hours, single use):")
    print(link)


def _run_reminders(settings: Settings, workers: int) -> None:
    from pwa.db import make_engine
    from pwa.models import utcnow
    from pwa.reminders.sending import run_once

    engine = make_engine(settings.database_url)
    try:
        summary = run_once(engine, settings, utcnow(), workers=workers)
    finally:
        engine.dispose()
    print(
        f"Reminders: {summary.created} scheduled, {summary.cancelled} cancelled, "
        f"{summary.sent} sent, {summary.retried} to retry, {summary.failed} failed, "
        f"{summary.devices_removed} devices removed"
        + (" (quiet hours: nothing sent)" if summary.quiet else "")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="asysta", description="Asysta: family assistants' app")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database schema to the newest version")
    demo = commands.add_parser("demo-data", help="load the demo centre (idempotent)")
    demo.add_argument(
        "--scale",
        help="'city' for the benchmark centre (100 assistants, 1,500 families, 100,000 "
        "visits), or a factor in (0, 1] of it",
    )
    serve = commands.add_parser("serve", help="serve the app with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    invite = commands.add_parser(
        "invite-coordinator", help="print a one-time link for a new coordinator"
    )
    invite.add_argument("--first-name", required=True)
    invite.add_argument("--last-name", required=True)
    invite.add_argument(
        "--centre", default="", help="centre name (created when the database has none)"
    )
    reminders = commands.add_parser("reminders", help="push reminders (for cron or a timer)")
    reminder_commands = reminders.add_subparsers(dest="reminders_command", required=True)
    run = reminder_commands.add_parser("run", help="one pass: schedule and send what is due")
    run.add_argument("--workers", type=int, default=16, help="requests in flight at once")
    args = parser.parse_args(argv)

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"asysta: {error}", file=sys.stderr)
        return 2
    if args.command == "migrate":
        migrate(settings)
    elif args.command == "demo-data":
        try:
            _demo_data(settings, args.scale)
        except ValueError as error:
            print(f"asysta: {error}", file=sys.stderr)
            return 2
    elif args.command == "serve":
        _serve(settings, args.host, args.port, args.workers)
    elif args.command == "invite-coordinator":
        _invite_coordinator(settings, args.first_name, args.last_name, args.centre)
    elif args.command == "reminders":
        _run_reminders(settings, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
