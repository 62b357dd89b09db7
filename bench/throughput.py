"""Requests per second and latency: the assistant's home against a bare route of its size.

    .venv/bin/python bench/throughput.py [--databases sqlite,postgresql] [--rounds 5]
                                         [--seconds 3] [--connections 8] [--workers 1] [--quick]

The city data set (pwa/domain/demo_city.py; --quick: scale 0.3) in a scratch database;
uvicorn serves, in its own process with --workers worker processes, both (a) Asysta, where an
assistant with 15 families is signed in (a real session cookie) and asks for her home, and
(b) a bare Starlette route returning HTML of the same size from memory (no middleware, no
database). A load generator in a second process keeps --connections keep-alive connections
busy on loopback (raw asyncio sockets, HTTP/1.1, no compression asked for) for --seconds per
measurement, alternating a and b, --rounds times. Printed: the median of the rounds for
each, and the median of the per-round ratios a/b (each measured side by side, as the machine
is shared and noisy). Target: a/b ≥ 0.25.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
import urllib.request
from multiprocessing.connection import Connection
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.harness import (  # noqa: E402
    BARE_PATH,
    city_people,
    median,
    prepare,
    print_table,
    scratch_database,
    session_cookie,
    settings_for,
    workdir,
)
from tests.support.live_server import free_port  # noqa: E402

TARGET_RATIO = 0.25


# --- the load generator (a second process) ----------------------------------------------------


async def _one_connection(port: int, request: bytes, until: float, latencies: list[float],
                          errors: list[str]) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < until:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            headers = {
                k.strip().lower(): v.strip()
                for k, _, v in (line.partition(b":") for line in head.split(b"\r\n")[1:] if line)
            }
            if b"content-length" in headers:
                await reader.readexactly(int(headers[b"content-length"]))
            else:  # chunked
                while size := int((await reader.readuntil(b"\r\n")).strip(), 16):
                    await reader.readexactly(size + 2)
                await reader.readuntil(b"\r\n")
            if status != 200:
                errors.append(f"HTTP {status}")
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


def _generate(port: int, path: str, cookie: str, seconds: float, connections: int,
              pipe: Connection) -> None:  # fmt: skip
    request = (f"GET {path} HTTP/1.1\r\nHost: localhost:{port}\r\nUser-Agent: bench\r\n"
               f"Cookie: {cookie}\r\n\r\n").encode()  # fmt: skip
    latencies: list[float] = []
    errors: list[str] = []

    async def run() -> None:
        until = time.perf_counter() + seconds
        await asyncio.gather(
            *(_one_connection(port, request, until, latencies, errors) for _ in range(connections))
        )

    started = time.perf_counter()
    asyncio.run(run())
    pipe.send((latencies, time.perf_counter() - started, errors[:3]))


def measure(port: int, path: str, cookie: str, seconds: float, connections: int
            ) -> tuple[float, float, float, list[str]]:  # fmt: skip
    """(requests/s, p50 ms, p95 ms, errors) of one measurement from a second process."""
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=_generate, args=(port, path, cookie, seconds, connections, child), daemon=True
    )
    process.start()
    if not parent.poll(seconds + 120):
        process.kill()
        raise RuntimeError("the load generator did not answer")
    latencies, elapsed, errors = parent.recv()
    process.join(timeout=30)
    latencies.sort()
    if not latencies:
        return 0.0, 0.0, 0.0, errors or ["no answer"]
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
    return len(latencies) / elapsed, pick(0.50), pick(0.95), errors


# --- the server (its own process) ---------------------------------------------------------------


def start_server(url: str, var: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ASYSTA_BENCH_DATABASE_URL": url, "ASYSTA_BENCH_VAR_DIR": str(var),
           "ASYSTA_BENCH_PORT": str(port), "PYTHONPATH": str(ROOT)}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "bench.support.throughput_app:make_app",
         "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{BARE_PATH}?size=10", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def home_size(port: int, cookie: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/assistant",
                                     headers={"Cookie": cookie, "Host": f"localhost:{port}"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 (loopback)
        if answer.status != 200 or answer.url.endswith("/signin"):
            raise RuntimeError(f"the assistant's home answered {answer.status} {answer.url}")
        return len(answer.read())


def one_database(kind: str, args: argparse.Namespace, scale: float) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    with workdir() as tmp, scratch_database(kind, tmp) as url:
        seconds = prepare(url, tmp / "var", city=scale)
        people = city_people(url)
        load = max(people.assistant_by_load)
        port = free_port()
        cookie = "; ".join(
            f"{k}={v}"
            for k, v in session_cookie(
                url, settings_for(url, tmp / "var", port=port), people.assistant_by_load[load]
            ).items()
        )
        server = start_server(url, tmp / "var", port, args.workers)
        try:
            size = home_size(port, cookie)
            bare = f"{BARE_PATH}?size={size}"
            print(f"{kind}: city of {people.families} families loaded in {seconds:.0f} s; the "
                  f"assistant has {load} families; her home is {size:,} bytes", flush=True)  # fmt: skip
            app_runs, bare_runs, ratios, errors = [], [], [], []
            measure(port, "/assistant", cookie, 1.0, args.connections)  # warm up
            for _ in range(args.rounds):
                a = measure(port, "/assistant", cookie, args.seconds, args.connections)
                b = measure(port, bare, cookie, args.seconds, args.connections)
                app_runs.append(a)
                bare_runs.append(b)
                ratios.append(a[0] / b[0] if b[0] else 0.0)
                errors += a[3] + b[3]
        finally:
            stop_server(server)
    for label, runs in (("a: assistant's home", app_runs), ("b: bare route", bare_runs)):
        rows.append((kind, label, median([r[0] for r in runs]), median([r[1] for r in runs]),
                     median([r[2] for r in runs]), ""))  # fmt: skip
    rows.append((kind, "a/b", "", "", "", f"{median(ratios):.2f} (rounds: "
                 + ", ".join(f"{r:.2f}" for r in ratios) + ")"))  # fmt: skip
    if errors:
        rows.append((kind, "errors", "", "", "", "; ".join(errors[:3])))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--quick", action="store_true", help="3 rounds of 2 s, a smaller city")
    args = parser.parse_args()
    scale = 1.0
    if args.quick:
        args.rounds, args.seconds, scale = 3, 2.0, 0.3
    rows: list[tuple[object, ...]] = []
    for kind in args.databases.split(","):
        rows += one_database(kind, args, scale)
    print(f"Throughput: {args.connections} connections, {args.workers} uvicorn worker(s), "
          f"median of {args.rounds} rounds of {args.seconds:g} s each")  # fmt: skip
    print_table(("database", "route", "requests/s", "p50 ms", "p95 ms", "ratio"), rows)
    ratio_rows = [r for r in rows if r[1] == "a/b"]
    missed = [r for r in ratio_rows if float(str(r[5]).split()[0]) < TARGET_RATIO]
    print(f"target: a/b ≥ {TARGET_RATIO}" + (" — missed" if missed else " — met"))
    return 1 if any(r[1] == "errors" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
