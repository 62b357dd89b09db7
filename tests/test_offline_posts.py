"""The outbox's list of offline-capable posts comes from the router (pwa/web/offline.py)."""

from __future__ import annotations

import re
import uuid

from starlette.applications import Starlette

from pwa.web.offline import OUTBOX_POSTS, outbox_posts


def test_each_outbox_pattern_matches_its_routes_url_and_no_other_route(app: Starlette):
    posts = dict(outbox_posts(app.routes))
    assert set(posts) == set(OUTBOX_POSTS)
    some_id = str(uuid.uuid4())
    for kind, name in OUTBOX_POSTS.items():
        route = next(r for r in app.routes if getattr(r, "name", None) == name)
        params = {param: some_id for param in route.param_convertors}
        url = app.url_path_for(name, **params)
        matching = [k for k, pattern in posts.items() if re.fullmatch(pattern, url)]
        assert matching == [kind]
        assert not re.fullmatch(posts[kind], url.replace(some_id, "not-a-uuid"))
