"""After a hand-over the old assistant is refused every family URL, page and fragment."""

from __future__ import annotations

from sqlmodel import Session
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.models import Role
from pwa.web.middleware import cookie_names
from tests.authz.rules import Scenario, Scope
from tests.authz.world import build_world
from tests.support.factories.core import make_centre
from tests.test_authorization_matrix import ROUTES, RULES, _params_for, _url

FAMILY_PAGES = [
    rule
    for rule in RULES
    if rule.scope is Scope.family and rule.method == "GET" and Role.assistant in rule.roles
    and rule.expect_status is None and not rule.disabled
]  # fmt: skip


def _statuses(client: TestClient, urls: list[str], *, htmx: bool) -> dict[str, int]:
    headers = {"HX-Request": "true"} if htmx else {}
    return {
        url: client.get(url, headers=headers, follow_redirects=False).status_code for url in urls
    }


def test_the_old_assistant_gets_404_on_every_family_url_once_the_family_is_handed_over(
    db: Session, settings
):  # type: ignore[no-untyped-def]
    world = build_world(db)
    world.own.family.za_zyciem = True
    organisation = make_centre(db, parent_centre_id=world.centre.id)
    db.commit()
    params = _params_for(world, FAMILY_PAGES[0], Role.assistant, Scenario.own)
    urls = [_url(ROUTES[(rule.name, rule.method)], params) for rule in FAMILY_PAGES]
    assert len(urls) > 10
    with TestClient(
        create_app(settings), base_url="http://localhost", raise_server_exceptions=False
    ) as client:
        client.cookies.set(
            cookie_names(settings)["session"], world.tokens[world.users[Role.assistant].id]
        )
        before = _statuses(client, urls, htmx=False)
        assert [url for url, status in before.items() if status >= 400] == []
        # The stale row a hand-over used to leave open (the migration ends such rows too).
        world.own.family.handled_by_centre_id = organisation.id
        db.add(world.own.family)
        db.commit()
        for htmx in (False, True):
            after = _statuses(client, urls, htmx=htmx)
            assert {url: s for url, s in after.items() if s != 404} == {}
