"""SQL statements per page: does the count grow with the number of families (N+1)?

    .venv/bin/python bench/queries.py [--database sqlite|postgresql] [--quick]

Two city data sets (pwa/demo/city.py) are made in scratch databases: scale 0.1
(10 assistants, 150 families) and scale 1 (100 assistants, 1,500 families; with --quick 0.3,
450 families). Each page is fetched in-process (Starlette's TestClient, signed in with a real
session cookie) and every statement the engine sends is counted with SQLAlchemy's
`before_cursor_execute` event (transaction control left out). Side by side: an assistant
with 5 and with 15 families, the coordinator with the small and the large city. Target: the
same count on both sides of each row. Exits with 1 when a row's counts differ or a page does
not answer 200.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event  # noqa: E402
from starlette.testclient import TestClient  # noqa: E402

from bench.support.harness import (  # noqa: E402
    city_people,
    prepare,
    print_table,
    scratch_database,
    session_cookie,
    settings_for,
    workdir,
)
from pwa.app import create_app  # noqa: E402

ASSISTANT_PAGES = ("/assistant", "/families", "/diary", "/reports/monthly", "/account")
COORDINATOR_PAGES = (
    "/coordinator", "/families", "/people", "/reports/monthly", "/reports/yearly", "/account",
)  # fmt: skip


class StatementCounter:
    """Counts the statements every engine of this process sends, between reset() calls."""

    def __init__(self) -> None:
        self.count = 0
        event.listen(sa.engine.Engine, "before_cursor_execute", self.seen)

    def seen(self, _conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
            self.count += 1

    def page(self, client: TestClient, path: str) -> tuple[int, int]:
        """(status, statements) of a GET, the second time (the first warms caches)."""
        client.get(path)
        self.count = 0
        response = client.get(path)
        return response.status_code, self.count


def counts_for(url: str, var: Path, counter: StatementCounter, who: list[tuple[str, object]],
               pages: tuple[str, ...]) -> dict[tuple[str, str], tuple[int, int]]:  # fmt: skip
    """{(who, page): (status, statements)} for each signed-in user in `who`."""
    settings = settings_for(url, var)
    found = {}
    with TestClient(create_app(settings), base_url=settings.base_url) as client:
        for label, user_id in who:
            client.cookies.clear()
            for name, value in session_cookie(url, settings, user_id).items():  # type: ignore[arg-type]
                client.cookies.set(name, value)
            for path in pages:
                found[(label, path)] = counter.page(client, path)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a 450-family city instead")
    args = parser.parse_args()
    large_scale = 0.3 if args.quick else 1.0
    counter = StatementCounter()
    with workdir() as tmp, scratch_database(args.database, tmp) as small, \
            scratch_database(args.database, tmp) as large:  # fmt: skip
        prepare(small, tmp / "var", city=0.1)
        seconds = prepare(large, tmp / "var", city=large_scale)
        small_city, large_city = city_people(small), city_people(large)
        by_load = large_city.assistant_by_load
        low, high = min(by_load), max(by_load)
        assistants = counts_for(
            large, tmp / "var", counter,
            [("low", by_load[low]), ("high", by_load[high])], ASSISTANT_PAGES,
        )  # fmt: skip
        coordinators = {
            ("small", path): value
            for (_, path), value in counts_for(
                small, tmp / "var", counter, [("c", small_city.coordinator)], COORDINATOR_PAGES
            ).items()
        } | {
            ("large", path): value
            for (_, path), value in counts_for(
                large, tmp / "var", counter, [("c", large_city.coordinator)], COORDINATOR_PAGES
            ).items()
        }
    print(f"SQL statements per page ({args.database}; city of {large_city.families} families "
          f"loaded in {seconds:.1f} s)")  # fmt: skip
    rows = []
    problems = []
    for path in ASSISTANT_PAGES:
        (s1, a), (s2, b) = assistants[("low", path)], assistants[("high", path)]
        rows.append(("assistant", path, a, b, "yes" if a == b else "NO"))
        problems += [f"{path}: HTTP {s}" for s in (s1, s2) if s != 200]
        problems += [f"assistant {path}: {a} vs {b} statements"] if a != b else []
    for path in COORDINATOR_PAGES:
        (s1, a), (s2, b) = coordinators[("small", path)], coordinators[("large", path)]
        rows.append(("coordinator", path, a, b, "yes" if a == b else "NO"))
        problems += [f"{path}: HTTP {s}" for s in (s1, s2) if s != 200]
        problems += [f"coordinator {path}: {a} vs {b} statements"] if a != b else []
    print(f"assistant: {low} vs {high} families; coordinator: {small_city.families} vs "
          f"{large_city.families} families")  # fmt: skip
    print_table(("role", "page", "small", "large", "same"), rows)
    if problems:
        print("problems:", *problems, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
