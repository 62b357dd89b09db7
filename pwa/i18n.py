"""The one translation layer: Babel catalogs (pl default, en), and Polish-style dates.

Messages in code and templates are written in English and translated through the catalog
of the current locale. The locale lives in a context variable, set per request (or per
push notification), so domain code can call `_()` without knowing about HTTP.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALES = ("pl", "en")
DEFAULT_LOCALE = "pl"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"
WARSAW = ZoneInfo("Europe/Warsaw")

_current_locale: ContextVar[str] = ContextVar("asysta_locale", default=DEFAULT_LOCALE)


@cache
def translations(locale: str) -> NullTranslations:
    """Compile the locale's .po in memory, so no built .mo file can ever be stale."""
    po_path = TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def normalise_locale(value: str | None) -> str:
    value = (value or "").strip().lower()[:2]
    return value if value in LOCALES else DEFAULT_LOCALE


def get_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    _current_locale.set(normalise_locale(locale))


@contextlib.contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Translate with `locale` inside the block (CLI, push texts, tests)."""
    token = _current_locale.set(normalise_locale(locale))
    try:
        yield
    finally:
        _current_locale.reset(token)


def gettext(message: str, **variables: object) -> str:
    """Translate `message` into the current locale and fill `%(name)s` placeholders."""
    text = translations(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def pgettext(context: str, message: str, **variables: object) -> str:
    """Translate a message whose meaning depends on `context` (e.g. grammatical gender)."""
    text = str(translations(get_locale()).pgettext(context, message))
    return text % variables if variables else text


_ = gettext


def lazy(message: str) -> str:
    """Mark a message for extraction where it is translated later (enum labels)."""
    return message


# --- dates and times, the Polish way -------------------------------------------------------


def to_local(value: datetime) -> datetime:
    """A stored UTC datetime in Europe/Warsaw."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(WARSAW)


def local_today(now: datetime | None = None) -> date:
    """The day it is in Warsaw (the centre's calendar), now or at `now`.

    Never date.today(): the server's clock runs in UTC, and from 23:00 (22:00 in summer) it is
    already tomorrow for the families and the centre.
    """
    return to_local(now or datetime.now(UTC)).date()


def format_date(value: date | datetime | None, *, weekday: bool = False) -> str:
    """23.11.2026 (or "23.11.2026, poniedziałek")."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    pattern = "dd.MM.yyyy, EEEE" if weekday else "dd.MM.yyyy"
    return babel_dates.format_date(value, pattern, locale=get_locale())


def format_time(value: time | datetime | None) -> str:
    """10:00"""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).time()
    return babel_dates.format_time(value, "HH:mm", locale=get_locale())


def format_datetime(value: datetime | None, *, weekday: bool = False) -> str:
    """23.11.2026, 10:00 (in Europe/Warsaw)."""
    if value is None:
        return ""
    return f"{format_date(value, weekday=weekday)}, {format_time(value)}"


def format_weekday(value: date) -> str:
    return babel_dates.format_date(value, "EEEE", locale=get_locale())


def format_month(value: date) -> str:
    """listopad 2026"""
    return babel_dates.format_date(value, "LLLL yyyy", locale=get_locale())
