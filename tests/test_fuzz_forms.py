"""Every form of the app under hostile input: never a 500, every refusal in Polish, nothing
kept from a refusal, and whatever is kept shown escaped.

The forms come from the router (every route with an unsafe method), posted by the role
their tests/authz rule lets in, with the rule's sample data as the valid starting point.
Hypothesis varies each field the handler reads (overlong, empty, control characters, NUL,
mixed Unicode and unencodable surrogates, HTML and SQL, malformed dates and numbers, other
families' ids), drops and repeats fields, breaks the encoding and the CSRF token.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel
from starlette.datastructures import FormData
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.db import make_engine
from pwa.models import Role
from pwa.web.middleware import cookie_names
from tests.authz.rules import Scenario
from tests.authz.world import World, build_world
from tests.conftest import csrf_token, make_settings, on_postgres
from tests.support.fuzzing import (
    PAYLOADS,
    FormRoute,
    ReadFields,
    Rows,
    changed_tables,
    digest,
    form_routes,
    local_location,
    path_params,
    rejection_problems,
    restore,
    sample_data,
    snapshot,
    unescaped_payloads,
    url_of,
)
from tests.test_authorization_matrix import RULES

FORMS = form_routes(RULES)


# Bounded for CI: the whole module in about a minute on SQLite; fewer on PostgreSQL, where
# every request and every restore costs several times more.
EXAMPLES = 4 if on_postgres() else 12
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: CI time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# A client-generated key (the visit's UUID): a fresh one per post, or every post repeats one.
CLIENT_KEYS = frozenset({"visit_id"})


# --- one world, one app, for the module -----------------------------------------------------


@dataclass(repr=False)  # its rows would make a report of megabytes
class Site:
    client: TestClient
    world: World
    engine: Engine
    rows: Rows
    session_cookie: str
    token: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def __repr__(self) -> str:
        return "Site(…)"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's report
        printer.text(repr(self))

    @cached_property
    def clean(self) -> dict[str, list[str]]:
        """The world's digest: what every refusal must leave."""
        return digest(self.rows)

    def reset(self, rows: Rows | None = None) -> None:
        """Back to the world as built, when anything at all differs (in `rows`, when read)."""
        if (rows if rows is not None else snapshot(self.engine)) != self.rows:
            restore(self.engine, self.rows)

    def act_as(self, role: Role | None) -> TestClient:
        self.client.cookies.delete(self.session_cookie)
        if role is not None:
            token = self.world.tokens[self.world.users[role].id]
            self.client.cookies.set(self.session_cookie, token)
        self.token = csrf_token(self.client)  # bound to the session the client acts in
        return self.client

    def post(
        self, route: FormRoute, body: bytes, content_type: str, headers: dict[str, str]
    ) -> Any:
        url = url_of(route, path_params(self.world, route))
        return self.client.request(
            route.method,
            url,
            content=body,
            headers={"content-type": content_type, **headers},
            follow_redirects=False,
        )


@pytest.fixture(scope="module")
def site(
    postgres_database: str | None,
    empty_sqlite_file: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Site]:
    folder = tmp_path_factory.mktemp("fuzz")
    if postgres_database is None:
        url = f"sqlite:///{folder / 'fuzz.sqlite3'}"
        (folder / "fuzz.sqlite3").write_bytes(empty_sqlite_file.read_bytes())
    else:
        url = postgres_database
    engine = make_engine(url, immediate=False)
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    with Session(engine, expire_on_commit=False) as db:
        world = build_world(db)
        db.commit()
    app_settings = make_settings(url, folder)
    with TestClient(
        create_app(app_settings), base_url="http://localhost", raise_server_exceptions=False
    ) as client:
        yield Site(
            client=client,
            world=world,
            engine=engine,
            rows=snapshot(engine),
            session_cookie=cookie_names(app_settings)["session"],
            token=csrf_token(client),  # with its cookie, kept for the whole module
        )
    engine.dispose()


@pytest.fixture
def fresh_site(site: Site) -> Site:
    """The module's site, with the world as built (whatever a failed test left behind)."""
    site.reset()
    return site


def read_fields(site: Site, route: FormRoute, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the handler reads, seen while it handles the rule's sample data."""
    if route.id not in site.fields:
        recorder = ReadFields(list(route.rule.data))
        with monkeypatch.context() as patch:
            for name, replacement in recorder.recording():
                patch.setattr(FormData, name, replacement)
            client = site.act_as(route.actor())
            params = path_params(site.world, route)
            client.request(
                route.method,
                url_of(route, params),
                data=sample_data(route, params),
                headers={"X-CSRF-Token": site.token},
                follow_redirects=False,
            )
        site.reset()
        site.fields[route.id] = [name for name in recorder.names if name != "csrf_token"]
    return site.fields[route.id]


# --- hostile input --------------------------------------------------------------------------

NASTY = [
    "", " ", "\x00", "a\x00b", "\t\r\n", "\x1b[31m", "\x7f\x08", "\u202eabc", "\u200b",
    "\ufeff", "e\u0301\u0301\u0301", "👨‍👩‍👧‍👦", "Zażółć gęślą jaźń", "ﷺ", "𝕬𝖘𝖞𝖘𝖙𝖆",
    "{{ 7*7 }}", "{% raw %}", "%(name)s", "' OR '1'='1", "1; DROP TABLE visit; --", "%00",
    "../../etc/passwd", "\\", "null", "None", "true", "[]", "{}",
]  # fmt: skip
NUMBERS = [
    "-1", "0", "00", "1e309", "NaN", "inf", "-0", "99999999999999999999", "١٢", "１２",
    "12.5", " 60 ", "0x10", "60abc", "+60", "2147483648", "-2147483649", "9" * 400, "1_000",
]  # fmt: skip
DATES = [
    "2026-02-30", "2026-13-01", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01",
    "1900-01-01", "2026-1-1", "26-01-01", "2028-02-29", "2026-W01", "2026/01/01",
    "01.01.2026", "2026-01-01T10:00", "2026-01-01 ", "٢٠٢٦-٠١-٠١", "20260101", "-2026-01-01",
]  # fmt: skip
TIMES = ["24:00", "25:61", "10:00:00", "-1:00", "9:5", "10:60", "23:59:60", "10h", "１０:００"]
SURROGATES = ["\ud800", "a\udfffb", "\udc80\udc80"]
HOW = ["hostile", "hostile", "hostile", "drop", "twice", "twice_bad_first", "append"]
ODD_NAMES = ["family_id", "centre_id", "role", "author_id", "status", "id", "revision", "x" * 300]


def overlong() -> st.SearchStrategy[str]:
    """An overlong value, as a short recipe (expanded by `materialise`: examples stay small)."""
    return st.builds(
        "⟪{}×{}⟫".format,
        st.sampled_from(["x", "ą", "👨‍👩‍👧", "<b>", "a "]),
        st.sampled_from([121, 256, 1001, 5000, 70_000]),
    )


LONG = re.compile(r"⟪(.+?)×(\d+)⟫", re.DOTALL)


# Ids of other families' and centres' objects, filled in from the world when posted.
OTHER_IDS = [f"{{{scenario}:{name}}}" for scenario in ("other", "foreign") for name in (
    "family_id", "member_id", "child_id", "parent_id", "plan_id", "goal_id", "task_id",
    "visit_id", "meeting_id", "service_id", "support_request_id",
)] + ["00000000-0000-0000-0000-000000000000"]  # fmt: skip
PLAIN = st.one_of(
    st.sampled_from(NASTY + NUMBERS + DATES + TIMES + list(PAYLOADS) + OTHER_IDS),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=30),
    overlong(),
    st.sampled_from(SURROGATES),
)
HOSTILE = st.one_of(PLAIN, st.tuples(PLAIN, PLAIN).map("".join))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) < 200 else f"{text[:160]}…({len(text)} characters)"


@dataclass(frozen=True, repr=False)
class Plan:
    """What one example does to a form, whatever its fields (resolved by `form_request`)."""

    changes: list[tuple[int, str, str]]  # (which field, how, hostile value)
    odd_fields: list[tuple[str, str]]
    csrf: str
    csrf_at: int
    encoding: str
    garbage: bytes
    htmx: bool

    def __repr__(self) -> str:  # hostile values can be 70 kB long
        return f"Plan({', '.join(f'{k}={_short(v)}' for k, v in vars(self).items())})"


PLANS = st.builds(
    Plan,
    changes=st.lists(st.tuples(st.integers(0, 500), st.sampled_from(HOW), HOSTILE), max_size=4),
    odd_fields=st.lists(st.tuples(st.sampled_from(ODD_NAMES), HOSTILE), max_size=2),
    csrf=st.sampled_from(["header", "header", "field", "wrong", "none"]),
    csrf_at=st.integers(0, 500),
    encoding=st.sampled_from(["urlencoded", "urlencoded", "multipart", "garbled"]),
    garbage=st.sampled_from([b"&%FF%FE=%", b"&=&&", b"&a=%zz", b"\xff\x00"]),
    htmx=st.booleans(),
)


def materialise(value: str, world: World) -> str:
    """The hostile value itself: overlong recipes expanded, other families' ids filled in."""
    value = LONG.sub(lambda m: m.group(1) * int(m.group(2)), value)
    for scenario, objects in (("other", world.other), ("foreign", world.foreign)):
        for name, id_ in objects.params.items():
            value = value.replace(f"{{{scenario}:{name}}}", id_)
    return value


def form_pairs(
    plan: Plan, valid: dict[str, str], names: list[str], world: World
) -> list[tuple[str, str]]:
    """The fields to post: a few of them made hostile, dropped or repeated, the rest valid."""
    how_of = (
        {names[i % len(names)]: (how, materialise(value, world)) for i, how, value in plan.changes}
        if names
        else {}
    )
    pairs: list[tuple[str, str]] = []
    for name in names:
        good = valid.get(name, "")
        how, bad = how_of.get(name, ("keep", ""))
        if how == "keep":
            pairs.append((name, good))
        elif how == "hostile":
            pairs.append((name, bad))
        elif how == "twice":
            pairs += [(name, good), (name, bad)]
        elif how == "twice_bad_first":
            pairs += [(name, bad), (name, good)]
        elif how == "append":
            pairs.append((name, good + bad))
    return pairs + [(name, materialise(value, world)) for name, value in plan.odd_fields]


def urlencoded(pairs: list[tuple[str, str]]) -> bytes:
    return urllib.parse.urlencode(pairs, encoding="utf-8", errors="surrogatepass").encode()


BOUNDARY = "fuzz-boundary-7f3a"


def multipart(pairs: list[tuple[str, str]]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value.encode("utf-8", "surrogatepass")
        + b"\r\n"
        for name, value in pairs
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def form_request(
    plan: Plan, site: Site, route: FormRoute, names: list[str]
) -> tuple[bytes, str, dict[str, str]]:
    """The body, its content type and the headers that `plan` makes of the route's form."""
    valid = sample_data(route, path_params(site.world, route))
    for key in CLIENT_KEYS & set(valid):
        valid[key] = str(uuid.uuid4())
    pairs = form_pairs(plan, valid, names, site.world)
    if plan.csrf == "field":
        pairs.insert(plan.csrf_at % (len(pairs) + 1), ("csrf_token", site.token))
    if plan.encoding == "multipart":
        body, content_type = multipart(pairs), f"multipart/form-data; boundary={BOUNDARY}"
    else:
        body, content_type = urlencoded(pairs), "application/x-www-form-urlencoded"
        if plan.encoding == "garbled":
            body += plan.garbage
    headers = {"X-CSRF-Token": {"header": site.token, "wrong": site.token[::-1]}.get(plan.csrf, "")}
    if plan.htmx:
        headers["HX-Request"] = "true"
    return body, content_type, headers


JSON_LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
    st.sampled_from(NASTY + list(PAYLOADS) + SURROGATES), overlong(),
)  # fmt: skip
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@dataclass(frozen=True, repr=False)
class JsonPlan:
    """What one example posts to a JSON route: its own keys with hostile values, any JSON
    at all, or bytes that are not JSON."""

    shape: str
    values: list[Any]
    extra: dict[str, Any]
    anything: Any
    broken: bytes
    csrf: str
    content_type: str

    def __repr__(self) -> str:
        return f"JsonPlan({', '.join(f'{k}={_short(v)}' for k, v in vars(self).items())})"


JSON_PLANS = st.builds(
    JsonPlan,
    shape=st.sampled_from(["keys", "keys", "any", "broken"]),
    values=st.lists(st.one_of(st.just(None), JSON_VALUES), min_size=3, max_size=3),
    extra=st.dictionaries(st.sampled_from(["label", "credential", "x"]), JSON_VALUES, max_size=2),
    anything=JSON_VALUES,
    broken=st.sampled_from([b"{", b"\xff\xfe", b'{"credential": }', b"[" * 5000, b""]),
    csrf=st.sampled_from(["header", "header", "header", "wrong"]),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded"]
    ),
)


def _expanded(value: Any, world: World) -> Any:
    if isinstance(value, str):
        return materialise(value, world)
    if isinstance(value, list):
        return [_expanded(item, world) for item in value]
    if isinstance(value, dict):
        return {key: _expanded(item, world) for key, item in value.items()}
    return value


def json_request(plan: JsonPlan, site: Site, route: FormRoute) -> tuple[bytes, str, dict[str, str]]:
    if plan.shape == "keys":
        sample = dict(route.rule.json or {})
        value = {
            key: sample[key] if new is None else new
            for key, new in zip(sample, plan.values, strict=False)
        }
        body = json.dumps(_expanded({**value, **plan.extra}, site.world)).encode()
    elif plan.shape == "any":
        body = json.dumps(_expanded(plan.anything, site.world)).encode()
    else:
        body = plan.broken
    token = site.token if plan.csrf == "header" else "0" * 64
    return body, plan.content_type, {"X-CSRF-Token": token}


# --- the checks -----------------------------------------------------------------------------


def check_answer(site: Site, response: Any, csrf: str) -> list[str]:
    """What is wrong with the answer and with what it left in the database."""
    status = response.status_code
    if status >= 500:
        return [f"{status}: {response.text[:300]!r}"]
    problems: list[str] = []
    # (A body over the 1 MiB limit is refused before its token is read: 413.)
    if csrf in ("wrong", "none") and status not in (403, 413):
        problems.append(f"a wrong CSRF token answered {status}, not 403")
    if status >= 400:
        problems += rejection_problems(response)
        rows = snapshot(site.engine)
        changed = changed_tables(site.clean, digest(rows))
        problems += [f"{status} left {name} changed" for name in changed]
        site.reset(rows)
        return problems
    problems += [f"shown unescaped: {found}" for found in unescaped_payloads(response)]
    location = local_location(response)
    if location and location != "/signin":
        shown = site.client.get(location, follow_redirects=False)
        if shown.status_code >= 500:
            problems.append(f"the page after the form ({location}) answered {shown.status_code}")
        problems += [f"{location} shows unescaped: {f}" for f in unescaped_payloads(shown)]
    restore(site.engine, site.rows)
    return problems


def describe(route: FormRoute, body: bytes, headers: dict[str, str], problems: list[str]) -> str:
    return f"{route.id}: {problems}\n  body: {body[:600]!r}\n  headers: {headers}"


@pytest.mark.parametrize("route", FORMS, ids=lambda r: r.id)
@FUZZ
@given(plan=PLANS, json_plan=JSON_PLANS)
def test_form_survives_hostile_input(
    fresh_site: Site,
    route: FormRoute,
    plan: Plan,
    json_plan: JsonPlan,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    site = fresh_site
    if route.rule.json is not None:
        body, content_type, headers = json_request(json_plan, site, route)
        csrf = json_plan.csrf
    else:
        names = read_fields(site, route, monkeypatch)
        body, content_type, headers = form_request(plan, site, route, names)
        csrf = plan.csrf
    site.act_as(route.actor())
    response = site.post(route, body, content_type, headers)
    problems = check_answer(site, response, csrf)
    assert problems == [], describe(route, body, headers, problems)


def test_every_form_route_is_fuzzed_from_its_rules_sample_data():
    """The router's forms are all here, each starting from its authz rule's sample data."""
    names = {route.name for route in FORMS}
    assert {"record_visit", "register_family", "add_task", "sign_in_verify"} <= names
    without_rule = [route.id for route in FORMS if route.rule not in RULES]
    assert without_rule == [], "add a rule (with sample data) in tests/authz/rules_*.py"


# --- stored payloads, shown everywhere ------------------------------------------------------

# Posted last: they end the work with the family or someone's access, after which the
# other forms would only be refused.
ENDINGS = (
    "end_work", "end_work_with_assessment", "withdraw_consent", "close_case", "start_monitoring",
    "anonymise_family", "deactivate_user", "lost_phone", "logout", "end_session",
    "remove_passkey", "reopen_case",
)  # fmt: skip


def _ordered(forms: list[FormRoute]) -> list[FormRoute]:
    return sorted(forms, key=lambda route: route.name in ENDINGS)


def _pages_for(role: Role) -> Iterator[tuple[str, str]]:
    from tests.test_authorization_matrix import ROUTES

    for rule in RULES:
        readable = rule.method == "GET" and not rule.disabled and rule.expect_status is None
        if readable and rule.expects_access(role, Scenario.own):
            yield rule.name, ROUTES[(rule.name, "GET")]


def test_payloads_kept_by_any_form_are_shown_escaped_on_every_page(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each form field in turn gets a payload of HTML breaking out of text and attributes;
    then every page of every role is read: none shows a payload as markup."""
    site.reset()
    payload = "".join(PAYLOADS)
    kept: list[str] = []
    problems: list[str] = []
    for route in _ordered([r for r in FORMS if r.rule.json is None]):
        names = read_fields(site, route, monkeypatch)
        client = site.act_as(route.actor())
        params = path_params(site.world, route)
        for name in names:
            data = sample_data(route, params)
            for key in CLIENT_KEYS & set(data):
                data[key] = str(uuid.uuid4())
            data[name] = payload
            response = client.request(
                route.method, url_of(route, params), data=data,
                headers={"X-CSRF-Token": site.token}, follow_redirects=False,
            )  # fmt: skip
            if response.status_code >= 500:
                problems.append(f"{route.id} {name}: {response.status_code}")
            elif response.status_code < 400:
                kept.append(f"{route.id} {name}")
            problems += [f"{route.id} {name}: {f}" for f in unescaped_payloads(response)]
    assert len(kept) > 20, f"too few payloads were kept to prove anything: {kept}"
    for role in (Role.coordinator, Role.assistant, Role.family):
        client = site.act_as(role)
        params = {**site.world.params(Scenario.own)}
        suffix = f":{role.value}"
        params.update({k.removesuffix(suffix): v for k, v in params.items() if k.endswith(suffix)})
        for page_name, path in _pages_for(role):
            url = url_of(FormRoute(page_name, "GET", path, RULES[0]), params)
            response = client.get(url, follow_redirects=False)
            if response.status_code >= 500:
                problems.append(f"{role.value} {url}: {response.status_code}")
            problems += [f"{role.value} {url}: {f}" for f in unescaped_payloads(response)]
    site.reset()
    assert problems == []
