"""Time generating the reference scenario, as `pantau simulate` does it.

    python bench/simulate.py [--hours 48] [--seed 1] [--runs 1] [--keep DIR]

Each run builds the default ``malaysia`` scenario (tracks, reports, receivers, truth) and
writes its feed to a temporary file, once at full rate and once thinned to one position
report per vessel per 60 s. A first short run warms the Numba kernels and the
distance-to-shore grid cache, so neither compile nor cache build is timed.

Target (issue 5): 48 hours of the default scenario in under 60 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pantau.simulate import simulate

TARGET_S = 60.0


def run(hours: float, seed: int, thin_s: float | None, out: Path) -> dict[str, float]:
    started = time.perf_counter()
    sim = simulate(hours=hours, seed=seed, thin_s=thin_s)
    size = sim.write_feed(out)
    sim.write_truth(out.with_suffix(".truth.jsonl"))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "messages": sim.stats.messages, "lines": sim.stats.lines,
            "bytes": size, "truth": len(sim.truth)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=48.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=1, help="best of this many")
    ap.add_argument("--keep", type=Path, help="write the feeds here instead of a temp dir")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        simulate(hours=0.1, seed=args.seed)  # warm-up: Numba kernels, grid cache
        for label, thin in (("full rate", None), ("thinned 60 s", 60.0)):
            best: dict[str, float] | None = None
            for _ in range(args.runs):
                r = run(args.hours, args.seed, thin, folder / f"feed-{label[:4]}.nmea")
                if best is None or r["seconds"] < best["seconds"]:
                    best = r
            assert best is not None
            print(f"{label:>13}: {args.hours:g} h in {best['seconds']:.1f} s, "
                  f"{best['messages']:,.0f} messages, {best['lines']:,.0f} lines "
                  f"({best['bytes'] / 1e6:,.0f} MB), {best['truth']:,.0f} truth events, "
                  f"{best['messages'] / best['seconds']:,.0f} messages/s, "
                  f"{best['seconds'] / TARGET_S:.2f} x the {TARGET_S:.0f} s target")


if __name__ == "__main__":
    main()
