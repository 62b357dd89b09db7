"""Reports over HTTP: an assistant's month (page with a chart, print, CSV) and the centre's
year (coordinators: a table to copy, a chart of cases per month, CSV)."""

from __future__ import annotations

import uuid
from datetime import date

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pwa.domain.kernel.actors import Actor
from pwa.domain.kernel.forms import known_uuid
from pwa.domain.reports import monthly as reports_monthly
from pwa.domain.reports import periods
from pwa.domain.reports import yearly as reports_yearly
from pwa.i18n import local_today
from pwa.models import Role, utcnow
from pwa.web.auth import STAFF, require_actor
from pwa.web.render import render

CSV = "text/csv; charset=utf-8"


def _assistant_id(request: Request) -> uuid.UUID | None:
    """?assistant=<id>: none means the default (herself, or the coordinator's first)."""
    raw = request.query_params.get("assistant", "").strip()
    if not raw:
        return None
    return known_uuid(raw)


def _monthly(request: Request) -> tuple[Actor, reports_monthly.MonthlyReport, date]:
    actor = require_actor(request, *STAFF)
    today = local_today(utcnow())
    month = periods.parse_month(request.query_params.get("month"), today=today)
    report = reports_monthly.monthly_report(
        request.state.db, actor=actor, assistant_id=_assistant_id(request), month=month,
        today=today,
    )  # fmt: skip
    return actor, report, today


def _attachment(data: bytes, filename: str, media_type: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def monthly_report(request: Request) -> Response:
    actor, report, today = _monthly(request)
    context = {
        "report": report,
        "assistants": reports_monthly.report_assistants(request.state.db, actor=actor),
        "month_param": f"{report.month:%Y-%m}",
        "this_month": f"{today:%Y-%m}",
        "is_coordinator": actor.role is Role.coordinator,
    }
    return render(request, "reports/monthly.html", context, block="report")


async def monthly_report_csv(request: Request) -> Response:
    _actor, report, _today = _monthly(request)
    filename = f"raport-miesieczny-{report.month:%Y-%m}.csv"
    return _attachment(reports_monthly.monthly_csv(report), filename, CSV)


def _yearly(request: Request) -> reports_yearly.YearlyFigures:
    actor = require_actor(request, Role.coordinator)
    today = local_today(utcnow())
    year = periods.parse_year(request.query_params.get("year"), today=today)
    return reports_yearly.yearly_figures(request.state.db, actor=actor, year=year, today=today)


async def yearly_report(request: Request) -> Response:
    figures = _yearly(request)
    context = {
        "figures": figures,
        "first_year": periods.FIRST_YEAR,
        "this_year": local_today(utcnow()).year,
    }
    return render(request, "reports/yearly.html", context, block="figures")


async def yearly_report_csv(request: Request) -> Response:
    figures = _yearly(request)
    filename = f"dane-roczne-{figures.year}.csv"
    return _attachment(reports_yearly.yearly_csv(figures), filename, CSV)


routes = [
    Route("/reports/monthly", monthly_report, name="monthly_report"),
    Route("/reports/monthly.csv", monthly_report_csv, name="monthly_report_csv"),
    Route("/reports/yearly", yearly_report, name="yearly_report"),
    Route("/reports/yearly.csv", yearly_report_csv, name="yearly_report_csv"),
]
