"""Where pantau's decode time goes: phase timers around the decoder's steps.

    python bench/profile_decode.py [bench/out/corpus.nmea] [--runs 3]

Wraps the functions the decoder calls (the framing kernel, the payload kernel, the
Arrow builders of _arrow.py and their helpers) with timers, decodes the file as
bench/decode.py does (dedup off, all batches consumed) and prints each phase's share of
the wall time, best run. Run bench/decode.py first to build the corpus. Timers cost a
little (a few hundred calls per batch), so the total is a touch above decode.py's.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pantau.decode import _arrow, decoder, sources
from pantau.decode.decoder import DecodeOptions, Decoder

ROOT = Path(__file__).resolve().parent.parent
TIMES: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)


def timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            TIMES[name] += time.perf_counter() - t0
            CALLS[name] += 1

    return wrapper


def instrument() -> None:
    # kernels and builders as the decoder module sees them
    decoder.frame = timed("frame kernel (_frame.frame)", decoder.frame)
    decoder.decode_payloads = timed("payload kernel (_payload.decode_payloads)",
                                    decoder.decode_payloads)
    decoder.build_tables = timed("build_tables (_arrow)", decoder.build_tables)
    decoder.build_rejects = timed("build_rejects (_arrow)", decoder.build_rejects)
    # helpers inside build_tables
    for name in ("_numeric", "_strings", "_times", "_sources", "_slices"):
        setattr(_arrow, name, timed(f"  _arrow.{name}", getattr(_arrow, name)))
    # reading the file
    sources._chunks = timed_gen("file read (sources._chunks)", sources._chunks)
    # the whole of feed() and _collect() (Python glue included)
    decoder.Decoder.feed = timed("Decoder.feed (all)", decoder.Decoder.feed)
    decoder.Decoder._collect = timed("Decoder._collect (all)", decoder.Decoder._collect)


def timed_gen(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        it = fn(*args, **kwargs)
        while True:
            t0 = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                TIMES[name] += time.perf_counter() - t0
                return
            TIMES[name] += time.perf_counter() - t0
            CALLS[name] += 1
            yield item

    return wrapper


def run(path: Path) -> tuple[float, int, int]:
    dec = Decoder(DecodeOptions(dedup=False))
    t0 = time.perf_counter()
    n = 0
    for batch in sources.decode_inputs([str(path)], decoder=dec):
        for t in batch.tables().values():
            n += t.num_rows
    return time.perf_counter() - t0, dec.counts.decoded, n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("path", nargs="?", type=Path, default=ROOT / "bench/out/corpus.nmea")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    warm = ROOT / "bench/out/warmup.nmea"
    instrument()
    run(warm if warm.exists() else args.path)
    best: tuple[float, dict[str, float], dict[str, int]] | None = None
    for _ in range(args.runs):
        TIMES.clear()
        CALLS.clear()
        total, decoded, _rows = run(args.path)
        if best is None or total < best[0]:
            best = (total, dict(TIMES), dict(CALLS))
    assert best is not None
    total, times, calls = best
    print(f"{args.path}: {decoded:,} messages, best of {args.runs}: {total:.3f} s "
          f"({decoded / total:,.0f} messages/s)")
    inner = ("frame kernel (_frame.frame)",)
    collect = ("payload kernel (_payload.decode_payloads)", "build_tables (_arrow)",
               "build_rejects (_arrow)")
    feed_glue = times["Decoder.feed (all)"] - sum(times.get(k, 0) for k in inner) \
        - times["Decoder._collect (all)"]
    collect_glue = times["Decoder._collect (all)"] - sum(times.get(k, 0) for k in collect)
    helpers = sum(v for k, v in times.items() if k.startswith("  _arrow."))
    rows = [(k, v, calls.get(k, 0)) for k, v in times.items()
            if k not in ("Decoder.feed (all)", "Decoder._collect (all)")]
    rows.append(("  build_tables, rest (row selection, fancy indexing, RecordBatch)",
                 times["build_tables (_arrow)"] - helpers, 0))
    rows.append(("feed() glue (tail + chunk copy, frombuffer, loop)", feed_glue, 0))
    rows.append(("_collect() glue (bincount, DecodedBatch)", collect_glue, 0))
    accounted = sum(times.get(k, 0) for k in (
        "file read (sources._chunks)", "Decoder.feed (all)"))
    rows.append(("everything else (generator, consumer loop, counts)", total - accounted, 0))
    order = ["file read", "frame", "payload", "build_tables (", "  ", "build_rejects",
             "feed()", "_collect()", "everything"]

    def key(r: tuple[str, float, int]) -> tuple[int, float]:
        return next(i for i, p in enumerate(order) if r[0].startswith(p)), -r[1]

    print(f"{'phase':<66} {'s':>7} {'share':>6} {'calls':>7}")
    for name, sec, n in sorted(rows, key=key):
        print(f"{name:<66} {sec:7.3f} {100 * sec / total:5.1f}% {n or '':>7}")


if __name__ == "__main__":
    main()
