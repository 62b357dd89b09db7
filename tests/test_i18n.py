"""The translation layer: a complete, fresh Polish catalog and Polish dates."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from babel.messages.pofile import read_po

from pwa import i18n

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "pwa" / "translations" / "pl" / "LC_MESSAGES" / "messages.po"


def _catalog(path: Path, locale: str):  # type: ignore[no-untyped-def]
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _key(message) -> tuple[str | None, str]:  # type: ignore[no-untyped-def]
    msgid = message.id[0] if isinstance(message.id, tuple) else message.id
    return (message.context, msgid)


def test_every_polish_message_is_translated():
    untranslated = []
    for message in _catalog(CATALOG, "pl"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(_key(message))
    assert untranslated == []


def test_catalog_is_not_stale_against_the_sources(tmp_path: Path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
            "-k", "lazy", "-k", "pgettext:1c,2", "--no-location", "--omit-header",
            "-o", str(template), ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )  # fmt: skip
    in_sources = {_key(m) for m in _catalog(template, "pl") if m.id}
    in_catalog = {_key(m) for m in _catalog(CATALOG, "pl") if m.id}
    assert in_sources - in_catalog == set(), "run `make messages` and translate"
    assert in_catalog - in_sources == set(), "run `make messages` to drop obsolete messages"


def test_dates_and_times_are_formatted_the_polish_way():
    with i18n.use_locale("pl"):
        assert i18n.format_date(date(2026, 11, 23)) == "23.11.2026"
        assert i18n.format_date(date(2026, 11, 23), weekday=True) == "23.11.2026, poniedziałek"
        assert i18n.format_time(time(10, 0)) == "10:00"


def test_stored_utc_is_shown_in_warsaw_time_across_daylight_saving():
    with i18n.use_locale("pl"):
        winter = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
        summer = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)
        assert i18n.format_datetime(winter) == "23.11.2026, 10:00"
        assert i18n.format_datetime(summer) == "01.07.2026, 11:00"


def test_english_is_the_second_locale():
    with i18n.use_locale("en"):
        assert i18n.gettext("Today") == "Today"
        assert i18n.format_date(date(2026, 11, 23), weekday=True).endswith("Monday")
    with i18n.use_locale("pl"):
        assert i18n.gettext("Today") == "Dziś"


def test_polish_plurals_have_three_forms():
    with i18n.use_locale("pl"):
        forms = [
            i18n.ngettext("%(num)s visit this month", "%(num)s visits this month", n)
            for n in (1, 3, 5, 22)
        ]
    assert forms == [
        "1 wizyta w tym miesiącu",
        "3 wizyty w tym miesiącu",
        "5 wizyt w tym miesiącu",
        "22 wizyty w tym miesiącu",
    ]
