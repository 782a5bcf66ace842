"""`pantau demo`: the main job, end to end, with what exists so far.

Simulates the Malaysian reference scenario (the Straits of Malacca and the EEZ off
Sarawak and Sabah, with its scripted grey-zone behaviours), ingests it as an operations
centre would (archive, tracks, zones, registry, detectors), treats the end of the scenario
as the end of the data, and prints what was found next to the scenario's ground truth.
Then it releases to each partner what the illustrative sample agreements allow, with the
audit chain that records every release and refusal, and serves the operations picture.
"""

from __future__ import annotations

import errno
import json
import socket
import time
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from pantau.cli._console import console, user_errors
from pantau.cli.demo_share import share_step
from pantau.detect.base import Vessels
from pantau.errors import PantauError
from pantau.incidents import DEFAULT_RULES, Lookup, raise_alerts
from pantau.pipeline import config
from pantau.pipeline.ingest import Ingestor
from pantau.simulate import simulate
from pantau.store.embedded import EmbeddedStore
from pantau.zones import ZoneIndex

SCENARIO = "malaysia"
HOURS = 48.0
SEED = 1
#: the demo's feed is thinned as an aggregator passes it on (one position per vessel per
#: this many seconds), so that the whole job runs in well under a minute
THIN_S = 30.0
#: the demo's own admin user; a new token for it is printed each time the demo serves
DEMO_USER = "demo"


def check_port(port: int) -> None:
    """Refuse early, before minutes of work, a port the picture could not be served on."""
    if not 0 < port < 65536:
        raise PantauError(f"--port {port}: not a TCP port (1-65535)")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            if e.errno in (errno.EADDRINUSE, errno.EACCES):
                raise PantauError(f"port {port} on 127.0.0.1 is in use or not allowed; "
                                  f"try another, e.g. --port {port + 1}, or --no-serve"
                                  ) from None
            raise


def demo(
    data_dir: Annotated[Path, typer.Option(help="Where the demo keeps its data.")]
    = Path("pantau-data"),
    port: Annotated[int, typer.Option(help="Port for the operations picture.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Exit after the summary.")]
    = False,
    hours: Annotated[float, typer.Option(help="Hours of the scenario to simulate.")] = HOURS,
    seed: Annotated[int, typer.Option(help="Seed of the simulation.")] = SEED,
) -> None:
    """Simulate the Malaysian reference scenario, ingest and detect, and print the picture."""
    started = time.perf_counter()
    with user_errors():
        if not no_serve:
            check_port(port)
        console.rule("[bold]pantau demo: the Malaysian reference scenario")
        work = data_dir / "demo"
        if not hours > 0:
            raise PantauError(f"--hours must be positive, got {hours:g}")
        feed, truth, watchlist = _simulate(work, hours, seed)
        console.print(f"\n2. ingesting it into {data_dir}: archive, tracks, zones, vessel "
                      "registry and the behaviour detectors (an input already ingested is "
                      "skipped)")
        _ingest(data_dir, feed, watchlist)
        console.print("\n3. what the detectors found, next to the scenario's ground truth")
        _summary(data_dir, truth)
        console.print("\n4. sharing with partners: what each sample agreement releases now")
        share_step(data_dir)
    console.print(f"\nprocessing took {time.perf_counter() - started:.1f} s")
    console.print(f"   try: pantau presence --zone 'Luconia Shoals' --category coast_guard "
                  f"--by day --data-dir {data_dir}\n"
                  f"        pantau detect {feed} --watchlist {watchlist} --out events.jsonl")
    if not no_serve:
        _serve(data_dir, port)


def _serve(data_dir: Path, port: int) -> None:
    """Serve the API over the demo's data, with a token for a demo admin printed."""
    import secrets

    import uvicorn

    from pantau.api.app import create_app
    from pantau.api.users import add_user, get_user, issue_token, set_password
    from pantau.cli.serve import _bind

    # a new password each time, so that a demo left running is not open to a guessable one
    password = secrets.token_urlsafe(9)
    with user_errors():
        with EmbeddedStore(data_dir) as store:
            if get_user(store, DEMO_USER) is None:
                add_user(store, DEMO_USER, "admin")
            set_password(store, DEMO_USER, password)
            token = issue_token(store, DEMO_USER).token
        sock = _bind("127.0.0.1", port)
        app = create_app(data_dir)
    url = f"http://127.0.0.1:{port}"
    console.print(f"\nThe operations picture: open {url}/ and sign in as {DEMO_USER!r} with "
                  "the password", soft_wrap=True)
    console.print(password, soft_wrap=True, highlight=False)
    console.print(f"\nServing the operations data at {url}/api/docs (OpenAPI at "
                  f"{url}/api/openapi.json); Ctrl-C stops it. A token for the demo admin "
                  f"user {DEMO_USER!r}, for the Authorization: Bearer header:", soft_wrap=True)
    console.print(token, soft_wrap=True, highlight=False)
    console.print(f"   try: curl -H 'Authorization: Bearer {token}' "
                  f"'{url}/api/events?kind=escort'", soft_wrap=True, highlight=False)
    config = uvicorn.Config(app, log_level="warning", access_log=False,
                            ws="websockets-sansio")
    uvicorn.Server(config).run(sockets=[sock])


def _simulate(work: Path, hours: float, seed: int) -> tuple[Path, Path, Path]:
    feed, truth, watchlist = (work / "feed.nmea", work / "truth.jsonl",
                              work / "watchlist.csv")
    stamp = work / "scenario.json"
    wanted = {"scenario": SCENARIO, "hours": hours, "seed": seed, "thin_s": THIN_S}
    have = json.loads(stamp.read_text()) if stamp.is_file() else None
    if have == wanted and all(p.is_file() for p in (feed, truth, watchlist)):
        console.print(f"1. the {SCENARIO} scenario ({hours:g} h, seed {seed}) was simulated "
                      f"before: {feed}")
        return feed, truth, watchlist
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    sim = simulate(SCENARIO, hours=hours, seed=seed, thin_s=THIN_S)
    sim.write_feed(feed)
    sim.write_truth(truth)
    sim.write_watchlist(watchlist)
    stamp.write_text(json.dumps(wanted))
    s = sim.stats
    console.print(f"1. simulated {hours:g} h of the {SCENARIO} scenario in "
                  f"{time.perf_counter() - t:.1f} s: {sum(s.vessels_by_kind.values()):,} vessels, "
                  f"{s.lines:,} NMEA lines (thinned to one position per vessel per "
                  f"{THIN_S:g} s, as an aggregator passes it on) -> {feed}")
    return feed, truth, watchlist


def _ingest(data_dir: Path, feed: Path, watchlist: Path) -> None:
    with EmbeddedStore(data_dir) as store:
        config.use_zones(store, None)
        zones = config.load_zoneset(store)
        listed = config.use_watchlist(store, watchlist)
    ingestor = Ingestor(data_dir, config.geography(zones, data_dir / "cache"),
                        config.watchlist_table(listed), zones=zones)
    try:
        report = ingestor.ingest(str(feed))
        # the scenario is over: close what is still open, as at the end of the data
        flushed = ingestor.flush_detectors() if not report.skipped else []
    finally:
        ingestor.close()
    if report.skipped:
        console.print("   already ingested: nothing to do")
        return
    n_events = sum(report.events.values()) + len(flushed)
    console.print(f"   {report.positions:,} positions archived, segmented and labelled, "
                  f"{report.vessels:,} vessels in the registry, {n_events:,} events, in "
                  f"{report.seconds:.1f} s")


def _summary(data_dir: Path, truth_path: Path) -> None:
    with EmbeddedStore(data_dir, read_only=True) as store:
        events = store.select("events").to_pylist()
    truth = [json.loads(line) for line in truth_path.read_text().splitlines() if line]
    found, expected = Counter(e["kind"] for e in events), Counter(t["kind"] for t in truth)
    table = Table("kind", "events found", "in the scenario's truth",
                  title="events by kind", title_justify="left")
    for kind in sorted(set(found) | set(expected)):
        table.add_row(kind, f"{found[kind]:,}", f"{expected[kind]:,}")
    console.print(table)
    notable = [e for e in events if e["kind"] in (
        "escort", "close_approach", "encounter", "ais_gap", "identity_anomaly")]
    notable.sort(key=lambda e: e["start"])
    table = Table("start (UTC)", "kind", "vessels", "where", "what",
                  title="the grey-zone picture", title_justify="left")
    for e in notable[:20]:
        table.add_row(e["start"].strftime("%Y-%m-%d %H:%M"), e["kind"],
                      " / ".join(str(m) for m in (e["mmsi"], e["other_mmsi"]) if m),
                      e["zone"] or f"{e['lat']:.2f}N {e['lon']:.2f}E", _what(e))
    console.print(table)
    with EmbeddedStore(data_dir, read_only=True) as store:
        vessels = store.select("vessels")
        watch = config.watchlist_table(config.use_watchlist(store, None))
        zones = config.load_zoneset(store)
    lookup = Lookup(Vessels.from_table(vessels, watch), zones, ZoneIndex.build(zones))
    raised = [a for a in raise_alerts(events, DEFAULT_RULES, lookup) if a.severity != "low"]
    table = Table("severity", "start (UTC)", "alert", title=f"{len(raised)} alerts for the "
                  "watch officer (medium and high; pantau alerts lists them)",
                  title_justify="left")
    for a in raised[:12]:
        table.add_row(a.severity, a.start[:16].replace("T", " "), a.title)
    console.print(table)


def _what(e: dict[str, Any]) -> str:
    d = json.loads(e["details"] or "{}")
    hours = (e["duration_s"] or 0) / 3600
    if e["kind"] == "close_approach":
        return f"{d.get('mode', '')}, closest {d.get('cpa_m', 0):.0f} m"
    if e["kind"] == "ais_gap":
        return f"silent {hours:.1f} h ({d.get('basis', '')})"
    if e["kind"] == "identity_anomaly":
        return str(d.get("reason", ""))
    return f"{hours:.1f} h"
