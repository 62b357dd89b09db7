"""An ASGI app served by uvicorn on http://localhost:PORT in a thread of this process: the
browser tests, the offline tests and the benchmarks (bench/) all start it this way.

localhost, not 127.0.0.1: WebAuthn refuses an IP address as the relying party's id.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import uvicorn

START_TIMEOUT = 30  # seconds; shared machines are slow at times


def free_port() -> int:
    """A TCP port nothing listens on now (the app's settings need it before it is served)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def served(app: object, port: int) -> Iterator[str]:
    """Serve `app` on localhost:`port` until the block ends; yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")  # type: ignore[arg-type]
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT)
