"""A stand-in push service on 127.0.0.1, checking each request as a real one would.

It verifies the VAPID JWT (ES256 signature with py_vapid, `aud` = this receiver's origin,
`exp` within 24 hours, `sub` a mailto: or https: URL, the app's public key), requires
`Content-Encoding: aes128gcm`, a TTL and an Urgency, decrypts the body with http_ece and the
test subscription's keys, and answers 201 (or whatever a test scripted: 410, 503 …).
Anything wrong is kept in `problems` and answered 400, so tests assert `problems == []`.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt as vapid_jwt

from pwa.reminders.vapid import b64url

MAX_EXP_SECONDS = 24 * 60 * 60
_SUB = re.compile(r"^(mailto:[^@\s]+@\S+|https://\S+)$")


@dataclass
class TestSubscription:
    """A browser's half of a subscription: an EC P-256 key pair and a 16-byte auth secret."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @classmethod
    def make(cls, endpoint: str) -> TestSubscription:
        return cls(endpoint, ec.generate_private_key(ec.SECP256R1()), os.urandom(16))

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def as_json(self) -> dict[str, Any]:
        """What PushSubscription.toJSON() gives in a browser."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


@dataclass(frozen=True)
class Received:
    path: str
    payload: dict[str, Any]
    ttl: int
    urgency: str
    claims: dict[str, Any]


@dataclass
class Answer:
    status: int
    retry_after: str | None = None
    location: str | None = None  # for a redirect the sender must not follow
    delay: float = 0.0  # seconds to wait before answering (a hanging push service)


@dataclass
class PushReceiver:
    """Start with `with PushReceiver(public_key) as receiver:`; subscriptions from `subscribe`."""

    vapid_public_key: str
    verify: bool = True  # the benchmark may only count
    received: list[Received] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    count: int = 0
    requests_by_path: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _subscriptions: dict[str, TestSubscription] = field(default_factory=dict)
    _script: dict[str, deque[Answer]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    @property
    def origin(self) -> str:
        assert self._server is not None, "start the receiver first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def subscribe(self, name: str) -> TestSubscription:
        subscription = TestSubscription.make(f"{self.origin}/push/{name}")
        self._subscriptions[f"/push/{name}"] = subscription
        return subscription

    def answer(self, name: str, *answers: Answer) -> None:
        """Answer the next requests to `name` so (then 201 again)."""
        self._script[f"/push/{name}"].extend(answers)

    def for_path(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]

    def __enter__(self) -> PushReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                answer = receiver._handle(self.path, dict(self.headers), body)
                if answer.delay:
                    time.sleep(answer.delay)
                self.send_response(answer.status)
                if answer.retry_after:
                    self.send_header("Retry-After", answer.retry_after)
                if answer.location:
                    self.send_header("Location", answer.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            request_queue_size = 256  # many senders connect at once (the default is 5)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _problem(self, text: str) -> Answer:
        with self._lock:
            self.problems.append(text)
        return Answer(400)

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> Answer:
        headers = {key.lower(): value for key, value in headers.items()}
        with self._lock:
            self.count += 1
            self.requests_by_path[path] += 1
            script = self._script.get(path)
            scripted = script.popleft() if script else None
        subscription = self._subscriptions.get(path)
        if subscription is None:
            return Answer(404)
        if not self.verify:
            return scripted or Answer(201)
        try:
            claims = self._check_vapid(headers.get("authorization", ""))
        except ValueError as error:
            return self._problem(f"{path}: VAPID: {error}")
        if headers.get("content-encoding") != "aes128gcm":
            return self._problem(f"{path}: Content-Encoding is {headers.get('content-encoding')}")
        ttl = headers.get("ttl", "")
        if not ttl.isdigit() or int(ttl) <= 0:
            return self._problem(f"{path}: TTL is {ttl!r}")
        if headers.get("urgency") not in ("very-low", "low", "normal", "high"):
            return self._problem(f"{path}: Urgency is {headers.get('urgency')!r}")
        try:
            plain = http_ece.decrypt(
                body,
                private_key=subscription.private_key,
                auth_secret=subscription.auth_secret,
                version="aes128gcm",
            )
            payload = json.loads(plain)
        except Exception as error:
            return self._problem(f"{path}: cannot decrypt: {error!r}")
        with self._lock:
            self.received.append(Received(path, payload, int(ttl), headers["urgency"], claims))
        return scripted or Answer(201)

    def _check_vapid(self, authorization: str) -> dict[str, Any]:
        found = re.fullmatch(r"vapid t=([\w.-]+),\s*k=([\w-]+)", authorization.strip())
        if not found:
            raise ValueError(f"no 'vapid t=…,k=…' header: {authorization[:40]!r}")
        token, key = found.groups()
        if key.rstrip("=") != self.vapid_public_key.rstrip("="):
            raise ValueError("signed with another key than the app's")
        try:
            claims: dict[str, Any] = vapid_jwt.decode(token, key)
        except Exception as error:
            raise ValueError(f"bad signature: {error!r}") from None
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud is {claims.get('aud')!r}, not {self.origin!r}")
        left = int(claims.get("exp", 0)) - time.time()
        if not 0 < left <= MAX_EXP_SECONDS:
            raise ValueError(f"exp is {left:.0f} s away")
        if not _SUB.match(str(claims.get("sub", ""))):
            raise ValueError(f"sub is {claims.get('sub')!r}")
        return claims


def all_payload_text(receiver: PushReceiver) -> Iterator[str]:
    for item in receiver.received:
        yield item.payload.get("title", "")
        yield item.payload.get("body", "")
