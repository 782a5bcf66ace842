"""API latency: concurrent clients asking `/api/vessels` for the vessels in a map view.

    python bench/api.py [--data-dir DIR] [--clients 50] [--seconds 30] [--limit 1000]

The data is the demo's (`pantau demo --no-serve --data-dir DIR`, built there first when DIR
has no store; by default DIR is pantau-bench-api-demo in the temporary directory, kept for
later runs). A copy of it, with a user for the bench, is served by `pantau serve` in its
own process; this process runs the clients, each on its own keep-alive connection, one
request after the other with no pause (a closed loop: the heaviest load that many clients
can make; ``--think-ms`` adds a pause, jittered by half either way, as operators panning a
map would). Each request is a random box inside the demo's area: a centre among the
vessels' last positions, 0.2 to 6 degrees across, as a map view panned and zoomed around
the picture; ``limit`` is the API's most, so a view gets every vessel in it.

Peer figures from the same run, for the ratio: one client alone against the same service
(the service's own time for a request, without queueing), and the same query answered
without the service, by DuckDB over the position archive (the last position per vessel,
filtered by the box) in this process. Also the service's CPU time per request (all its
threads, from /proc), which says what the load costs whatever else the machine runs: on
a shared machine, latency under a closed loop is mostly queueing for a core.

Target (issue 6): p99 at most 100 ms with 50 concurrent clients.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import numpy as np

from pantau.api.access import DataAccess
from pantau.store.embedded import DB_FILE

TARGET_P99_MS = 100.0
DEFAULT_DIR = Path(tempfile.gettempdir()) / "pantau-bench-api-demo"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pantau(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pantau.cli.main", *args], check=True,
                          capture_output=True, text=True, env=os.environ | {"NO_COLOR": "1"})
    return done.stdout


def demo(data: Path) -> None:
    if (data / DB_FILE).exists():
        return
    print(f"building the demo data in {data} (about a minute) ...", flush=True)
    pantau("demo", "--no-serve", "--data-dir", str(data))


def boxes(data: Path, n: int, seed: int) -> list[str]:
    """Random map views around the vessels' last positions."""
    picture = DataAccess(data).last_positions()
    lon = picture["lon"].to_numpy()
    lat = picture["lat"].to_numpy()
    rng = np.random.default_rng(seed)
    at = rng.integers(0, len(lon), n)
    half = rng.uniform(0.1, 3.0, n)
    return [f"{lon[k] - h:.4f},{lat[k] - h / 2:.4f},{lon[k] + h:.4f},{lat[k] + h / 2:.4f}"
            for k, h in zip(at.tolist(), half.tolist(), strict=True)]


class Connection:
    """One keep-alive HTTP/1.1 connection, as small as a client can be: httpx spends more
    CPU on a request than the service does, and on a machine of few cores a heavy client
    would be measured as much as the service."""

    def __init__(self, host: str, port: int, auth: dict[str, str]):
        self.host, self.port = host, port
        self.headers = "".join(f"{k}: {v}\r\n" for k, v in auth.items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, target: str) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}\r\n"
                          f"{self.headers}\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            await self.writer.wait_closed()


async def client(url: str, auth: dict[str, str], views: list[str], limit: int,
                 until: float, think_s: float, out: list[float], errors: list[str]) -> None:
    host, port = url.removeprefix("http://").split(":")
    conn = Connection(host, int(port), auth)
    k = 0
    if think_s:
        await asyncio.sleep(think_s * random.random())
    try:
        while time.perf_counter() < until:
            bbox = views[k % len(views)]
            k += 1
            t = time.perf_counter()
            try:
                status, body = await conn.get(f"/api/vessels?bbox={bbox}&limit={limit}")
                if status != 200:
                    errors.append(f"{status} {body[:100]!r}")
                else:
                    out.append(time.perf_counter() - t)
            except (OSError, asyncio.IncompleteReadError, ValueError) as e:
                errors.append(f"{type(e).__name__}: {e}")
                await conn.close()
                conn = Connection(host, int(port), auth)
            if think_s:  # jittered, so that the clients do not move in step
                await asyncio.sleep(think_s * (0.5 + random.random()))
    finally:
        await conn.close()


async def load(url: str, auth: dict[str, str], views: list[str], clients: int, seconds: float,
               limit: int, think_s: float) -> tuple[list[float], list[str], float]:
    times: list[float] = []
    errors: list[str] = []
    # each client starts at its own place in the list of views
    step = max(1, len(views) // clients)
    shares = [views[k * step:] + views[:k * step] for k in range(clients)]
    warm_until = time.perf_counter() + min(2.0, seconds / 5)
    await asyncio.gather(*(client(url, auth, s, limit, warm_until, think_s, [], [])
                           for s in shares))
    start = time.perf_counter()
    until = start + seconds
    await asyncio.gather(*(client(url, auth, s, limit, until, think_s, times, errors)
                           for s in shares))
    return times, errors, time.perf_counter() - start


def direct(data: Path, views: list[str], limit: int, seconds: float) -> list[float]:
    """The same question without the service: DuckDB over the archive, in this process."""
    sql = """
        SELECT mmsi, lon, lat, last_position_at FROM (
            SELECT mmsi, arg_max(lon, received_at) AS lon, arg_max(lat, received_at) AS lat,
                   max(received_at) AS last_position_at
            FROM read_parquet(?, hive_partitioning = true, hive_types = {'day': VARCHAR})
            WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY mmsi)
        WHERE lon BETWEEN ? AND ? AND lat BETWEEN ? AND ? ORDER BY mmsi LIMIT ?
    """
    glob = str(data / "positions" / "day=*" / "*.parquet")
    con = duckdb.connect()
    times: list[float] = []
    until = time.perf_counter() + seconds
    k = 0
    while time.perf_counter() < until:
        lon0, lat0, lon1, lat1 = (float(v) for v in views[k % len(views)].split(","))
        k += 1
        t = time.perf_counter()
        con.execute(sql, [glob, lon0, lon1, lat0, lat1, limit]).fetchall()
        times.append(time.perf_counter() - t)
    con.close()
    return times


def pct(times: list[float]) -> dict[str, float | int | None]:
    if not times:
        return {"n": 0, "p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    ms = np.array(times) * 1000
    return {"n": len(ms), **{f"p{q}_ms": round(float(np.percentile(ms, q)), 1)
                             for q in (50, 95, 99)}, "max_ms": round(float(ms.max()), 1)}


def cpu_s(pid: int) -> float:
    """User and system CPU seconds of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve(data: Path) -> tuple[subprocess.Popen[bytes], str, dict[str, str]]:
    token = pantau("users", "add", "bench-api", "--role", "analyst", "--data-dir",
                   str(data)).strip().splitlines()[-1]
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pantau.cli.main", "serve", "--data-dir", str(data),
         "--port", str(port)], stderr=subprocess.PIPE, env=os.environ | {"NO_COLOR": "1"})
    url = f"http://127.0.0.1:{port}"
    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(proc.communicate()[1].decode())
        try:
            if httpx.get(f"{url}/api/vessels", params={"limit": 1}, headers=auth,
                         timeout=5).status_code == 200:
                return proc, url, auth
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    proc.terminate()
    raise SystemExit("pantau serve did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", type=Path, default=DEFAULT_DIR,
                    help="demo data (built here if absent); served from a copy")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--think-ms", type=float, default=0.0,
                    help="pause between a client's requests (default: none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    a = ap.parse_args()

    demo(a.data_dir)
    views = boxes(a.data_dir, 5000, a.seed)
    root = Path(tempfile.mkdtemp(prefix="pantau-api-bench-"))
    data = root / "data"
    shutil.copytree(a.data_dir, data, ignore=shutil.ignore_patterns("*.wal"))
    proc, url, auth = serve(data)
    try:
        peer_s = min(10.0, a.seconds / 3)
        alone, alone_errors, _ = asyncio.run(
            load(url, auth, views, 1, peer_s, a.limit, 0.0))
        cpu_before = cpu_s(proc.pid)
        times, errors, span = asyncio.run(
            load(url, auth, views, a.clients, a.seconds, a.limit, a.think_ms / 1000))
        cpu = cpu_s(proc.pid) - cpu_before
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
        shutil.rmtree(root, ignore_errors=True)
    without = direct(a.data_dir, views, a.limit, peer_s)
    report(a, times, errors, span, cpu, alone, alone_errors, without)


def report(a: argparse.Namespace, times: list[float], errors: list[str], span: float,
           cpu: float, alone: list[float], alone_errors: list[str], without: list[float]
           ) -> None:
    figures: dict[str, Any] = {
        "clients": a.clients, "seconds": round(span, 1), "limit": a.limit,
        "think_ms": a.think_ms, "requests": len(times) + len(errors),
        "errors": len(errors), "error_examples": sorted(set(errors))[:5],
        "requests_per_s": round((len(times) + len(errors)) / span, 1),
        # the service's CPU time (all its threads) per request: what the load costs it,
        # whatever else the machine runs meanwhile
        "service_cpu_ms_per_request": round(cpu * 1000 / max(1, len(times) + len(errors)),
                                            2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "concurrent": pct(times), "one_client": pct(alone),
        "one_client_errors": len(alone_errors), "duckdb_over_archive": pct(without),
    }
    print(json.dumps(figures, indent=2))
    c, one, dd = figures["concurrent"], figures["one_client"], figures["duckdb_over_archive"]
    p99 = c["p99_ms"]
    met = p99 is not None and p99 <= TARGET_P99_MS and not errors
    print(f"\n{figures['requests']:,} requests from {a.clients} clients in {span:.0f} s "
          f"({figures['requests_per_s']:,.0f}/s), {len(errors)} errors; "
          f"p50 {c['p50_ms']} ms, p95 {c['p95_ms']} ms, p99 {p99} ms "
          f"(target <= {TARGET_P99_MS:.0f} ms: {'met' if met else 'NOT met'}); service CPU "
          f"{figures['service_cpu_ms_per_request']} ms a request; load average "
          f"{figures['load_average'][0]} on {os.cpu_count()} CPUs")
    if p99 and one["p99_ms"] and dd["p99_ms"]:
        print(f"peers: one client alone p50 {one['p50_ms']} ms, p99 {one['p99_ms']} ms "
              f"(concurrent p99 / alone p99 = {p99 / one['p99_ms']:.1f}); DuckDB over the "
              f"archive without the service p50 {dd['p50_ms']} ms, p99 {dd['p99_ms']} ms "
              f"(service alone p50 / DuckDB p50 = {one['p50_ms'] / dd['p50_ms']:.2f})")
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
