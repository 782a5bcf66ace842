"""Throughput and memory of all detectors, incremental as in ingest, against a pure-Python
loop of two of the rules.

    python bench/detect.py [--positions 10000000] [--vessels 4000] [--batch 1000000]
                           [--peer 300000] [--seed 0]

Synthesises positions with NumPy: ``--vessels`` tracks off Sarawak and in the South China
Sea (lon 109..116, lat 2..7), speeds 0..20 kn with a fifth of the vessels slow for hours,
reporting every 10 s to 3 min, some silent for hours, some close pairs. Distances to shore
and ports come from the reference grid (not timed). The rows are cut in time order into
batches of ``--batch`` positions and each batch goes through `Runner.step` (all
detectors and the shared pair stage, the frame conversion and sort included), as
`pantau ingest` does; positions/s = rows / total seconds. Peak RSS is printed after half
and after all of the input: with a bounded working set it stays flat.

Peer: the plain-Python statement of loitering and AIS-gap rules (a loop over each
vessel's rows) over a ``--peer`` subsample; pantau is timed on the same subsample.

Target (issue 4): 1M positions/s or more through all detectors.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

from pantau.detect import Context, Runner, Vessels, frame_from_table
from pantau.detect.ais_gap import AisGap
from pantau.detect.loitering import Loitering
from pantau.zones.defaults import distance_grid, port_index, reference_index, reference_zones

T0_US = 1_757_894_400_000_000  # 2025-09-15T00:00Z
M_PER_DEG = 111_195.0


def synthesise(n: int, vessels: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    per = max(2, n // vessels)
    shape = (vessels, per)
    every_s = rng.choice([10.0, 30.0, 60.0, 180.0], vessels)[:, None]
    dt = every_s * rng.uniform(0.8, 1.2, shape)
    silent = rng.random(vessels) < 0.05  # a silence of 2..14 h somewhere in the track
    where = rng.integers(1, per, vessels)
    dt[silent, where[silent]] += rng.uniform(2, 14, silent.sum()) * 3600
    t = T0_US + (np.cumsum(dt, axis=1) * 1e6).astype(np.int64)
    sog = np.repeat(rng.uniform(0, 20, vessels)[:, None], per, axis=1)
    slow = rng.random(vessels) < 0.2
    sog[slow] = rng.uniform(0, 1.5, (slow.sum(), per))
    heading = np.radians(rng.uniform(0, 360, vessels))[:, None] + np.cumsum(
        rng.normal(0, 0.02, shape), axis=1)
    step_m = sog * 0.514 * dt
    lat = rng.uniform(2.0, 7.0, vessels)[:, None] + np.cumsum(
        step_m * np.cos(heading), axis=1) / M_PER_DEG
    lon = rng.uniform(109.0, 116.0, vessels)[:, None] + np.cumsum(
        step_m * np.sin(heading), axis=1) / (M_PER_DEG * np.cos(np.radians(4.5)))
    # a tenth of the vessels shadow another one 300 m away (pairs to find)
    pairs = rng.choice(vessels, vessels // 10, replace=False)
    lat[pairs[1::2]] = lat[pairs[0::2]][: len(pairs[1::2])] + 300 / M_PER_DEG
    lon[pairs[1::2]] = lon[pairs[0::2]][: len(pairs[1::2])]
    mmsi = np.repeat(533_000_000 + np.arange(vessels, dtype=np.int64), per)
    order = np.argsort(t.ravel(), kind="stable")  # arrival order, as a decoder emits
    return pa.table({
        "mmsi": mmsi[order], "received_at": pa.array(t.ravel()[order]).cast(
            pa.timestamp("us", "UTC")),
        "lon": lon.ravel()[order], "lat": lat.ravel()[order], "speed": sog.ravel()[order],
        "course": np.degrees(heading.ravel()[order]) % 360,
        "segment_id": mmsi[order], "msg_type": np.ones(mmsi.size, np.int32)})


def with_distances(table: pa.Table, cache: Path) -> pa.Table:
    grid = distance_grid(cache)
    lon, lat = table["lon"].to_numpy(), table["lat"].to_numpy()
    port_m, _ = port_index().nearest(lon, lat)
    return table.append_column("shore_distance_m", pa.array(grid.distance_m(lon, lat))) \
        .append_column("port_distance_m", pa.array(port_m))


def context() -> Context:
    return Context(zones=reference_zones(), index=reference_index(),
                   vessels=Vessels.from_table(None))


def run_pantau(table: pa.Table, batch: int, only_peer_rules: bool = False
               ) -> tuple[float, list[float], int]:
    runner = Runner(context(), detectors=[Loitering(), AisGap()], stages=[]) \
        if only_peer_rules else Runner(context())
    rss = []
    events = 0
    started = time.perf_counter()
    for k, lo in enumerate(range(0, table.num_rows, batch)):
        part = table.slice(lo, batch)
        final = lo + batch >= table.num_rows
        events += len(runner.step(frame_from_table(part), final=final).events)
        if k == (table.num_rows // batch) // 2 or final:
            rss.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return time.perf_counter() - started, rss, events


def run_peer(table: pa.Table) -> float:
    """Loitering and gaps, as one would write them in plain Python (the sort by vessel and
    time included, as pantau's frame conversion is)."""
    columns = (table["mmsi"].to_pylist(), table["received_at"].cast(pa.int64()).to_pylist(),
               table["speed"].to_pylist(), table["shore_distance_m"].to_pylist())
    started = time.perf_counter()
    rows = sorted(zip(*columns, strict=True))
    found = 0
    start = None
    prev_m, prev_t = None, None
    for m, t, sog, shore in rows:
        if m != prev_m:
            start, prev_t = None, None
        if prev_t is not None and t - prev_t > 3600e6:
            found += 1
            start = None
        if sog < 2 and shore > 37_040:
            start = t if start is None else start
            if t - start >= 4 * 3600e6:
                found += 1
                start = None
        else:
            start = None
        prev_m, prev_t = m, t
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--positions", type=int, default=10_000_000)
    ap.add_argument("--vessels", type=int, default=4000)
    ap.add_argument("--batch", type=int, default=1_000_000)
    ap.add_argument("--peer", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    cache = Path(tempfile.gettempdir()) / "pantau-bench-cache"
    table = with_distances(synthesise(args.positions, args.vessels, args.seed), cache)
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    warm = table.slice(0, 20_000)
    run_pantau(warm, 10_000)  # load the Numba kernels before timing
    seconds, rss, events = run_pantau(table, args.batch)
    rate = table.num_rows / seconds
    print(f"pantau: {table.num_rows:,} positions through all detectors in {seconds:.1f} s "
          f"= {rate:,.0f} positions/s ({events:,} events); peak RSS MB with the input "
          f"loaded {loaded:.0f}, after half / all of it: " + " / ".join(f"{r:.0f}" for r in rss))
    sub = table.slice(0, args.peer)
    sub_s, _, _ = run_pantau(sub, args.batch, only_peer_rules=True)
    peer_s = run_peer(sub)
    print(f"loitering and gaps on {sub.num_rows:,} positions: pantau "
          f"{sub.num_rows / sub_s:,.0f} positions/s, plain Python "
          f"{sub.num_rows / peer_s:,.0f} positions/s: ratio {peer_s / sub_s:.1f}x")
    print(f"target 1,000,000 positions/s: {'met' if rate >= 1e6 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
