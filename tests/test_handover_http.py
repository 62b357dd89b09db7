"""After a hand-over the old assistant is refused every family URL, page and fragment."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from pwa.app import create_app
from pwa.models import Assignment, Invitation, Role
from pwa.web.middleware import cookie_names
from tests.authz.rules import Scenario, Scope
from tests.authz.world import build_world
from tests.conftest import reread
from tests.support.factories.core import make_centre, make_family, make_member, make_user
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


def _organisation_world(db: Session):  # type: ignore[no-untyped-def]
    mops = make_centre(db)
    ccwr = make_centre(db, parent_centre_id=mops.id)
    family = make_family(db, mops, handled_by_centre_id=ccwr.id, handed_over_on=date(2026, 2, 1))
    assistant = make_user(db, ccwr, Role.assistant)
    db.add(Assignment(family_id=family.id, assistant_id=assistant.id))
    member = make_member(db, family, first_name="Jan", last_name="Wieczorek")
    people = {
        "organisation's assistant": assistant,
        "organisation's coordinator": make_user(db, ccwr, Role.coordinator),
        "organisation's other assistant": make_user(db, ccwr, Role.assistant),
        "referring coordinator": make_user(db, mops, Role.coordinator),
    }
    return ccwr, family, member, people


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("organisation's assistant", True),
        ("organisation's coordinator", True),
        ("organisation's other assistant", False),
        ("referring coordinator", False),
    ],
)
def test_the_organisation_revokes_the_invitation_its_assistant_issued(
    client: TestClient, db: Session, sign_in, who: str, allowed: bool
):
    ccwr, family, member, people = _organisation_world(db)
    sign_in(people["organisation's assistant"])
    issued = client.post(f"/families/{family.id}/invitations", data={"member_id": str(member.id)})
    assert issued.status_code == 200
    reread(db)
    invitation = db.exec(select(Invitation).where(Invitation.family_member_id == member.id)).one()
    assert invitation.centre_id == ccwr.id  # filed under the centre that handles the family

    sign_in(people[who])
    response = client.post(f"/invitations/{invitation.id}/revoke", follow_redirects=False)

    reread(db)
    revoked = db.get(Invitation, invitation.id).revoked_at is not None  # type: ignore[union-attr]
    assert (response.status_code, revoked) == ((303, True) if allowed else (404, False))
