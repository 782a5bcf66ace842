"""End-to-end ingest throughput and peak memory, against pyais decoding the same corpus.

    python bench/ingest.py [--lines 1000000] [--out-dir bench/out]

The corpus is the Norwegian Coastal Administration's real recording (tests/data,
NLOD 2.0; 30 s of a national network), repeated with every copy's tag-block times shifted
by the recording's span, so that the copies join into one continuous feed (1M lines: about
8 hours) of new traffic rather than duplicates. Each measurement runs in a fresh process:

* pantau: `pantau ingest` into an empty data directory: decode, clean, segment, label
  with the reference zones, distance to shore and port, archive to Parquet, registry,
  commit. The distance grid is built once beforehand (it is cached in the data
  directory's cache/ on first use), and the Numba kernels are loaded first. messages/s =
  decoded messages / wall seconds of the whole ingest; peak RSS of that process.
* pyais, the peer: decoding the same corpus (FileReaderStream, decode().asdict()) and no
  more, on the first 100,000 lines (a rate, so comparable).

Bar (issue): at least 500,000 messages/s end to end.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pantau.decode.nmea import shift_tag_time

ROOT = Path(__file__).resolve().parent.parent
NORWAY = ROOT / "tests" / "data" / "ais" / "ais-dotnet_Ais.Net" / "Ais1000Lines.nm4"
BAR = 500_000


def build_corpus(path: Path, lines: int) -> int:
    src = NORWAY.read_bytes().splitlines()
    times = [int(t) for t in re.findall(rb"c:(\d+)", b"\n".join(src))]
    span = max(times) - min(times) + 1
    n = 0
    with path.open("wb") as f:
        copy = 0
        while n < lines:
            f.write(b"\n".join(shift_tag_time(x, copy * span) for x in src) + b"\n")
            n += len(src)
            copy += 1
    return n


PANTAU = r"""
import json, resource, sys, time
from pathlib import Path
from pantau.pipeline import config
from pantau.pipeline.ingest import Ingestor
from pantau.store.embedded import EmbeddedStore
corpus, data, cache = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
store = EmbeddedStore(data)
config.use_zones(store, None)
zones = config.load_zoneset(store)
store.close()
geo = config.geography(zones, cache)
warm = Ingestor(data / "warm", geo)  # load the Numba kernels before timing
warm.ingest(sys.argv[4]); warm.close()
ing = Ingestor(data, geo)
t = time.perf_counter()
report = ing.ingest(corpus)
seconds = time.perf_counter() - t
ing.close()
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
print(json.dumps({"seconds": seconds, "decoded": report.decode.decoded,
                  "lines": report.decode.lines, "positions": report.positions,
                  "vessels": report.vessels, "rss_mb": int(hwm) / 1024}))
"""

PYAIS = r"""
import itertools, json, sys, time
from pyais.stream import FileReaderStream
n = ok = 0
t = time.perf_counter()
for msg in itertools.islice(FileReaderStream(sys.argv[1]), int(sys.argv[2])):
    n += 1
    try:
        msg.decode().asdict(); ok += 1
    except Exception:
        pass
print(json.dumps({"seconds": time.perf_counter() - t, "decoded": ok}))
"""


def run(code: str, *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out")
    args = ap.parse_args()
    out = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "ingest_corpus.nm4"
    n_lines = build_corpus(corpus, args.lines)
    data, cache = out / "ingest_data", out / "grid_cache"
    shutil.rmtree(data, ignore_errors=True)
    p = run(PANTAU, str(corpus), str(data), str(cache), str(NORWAY))
    q = run(PYAIS, str(corpus), "100000")
    rate, peer = p["decoded"] / p["seconds"], q["decoded"] / q["seconds"]
    print(f"corpus: {n_lines:,} lines ({corpus})")
    print(f"pantau ingest end to end: {p['decoded']:,.0f} messages in {p['seconds']:.2f} s "
          f"= {rate:,.0f} messages/s ({p['lines'] / p['seconds']:,.0f} lines/s); "
          f"{p['positions']:,.0f} positions archived, {p['vessels']:,.0f} vessels; "
          f"peak RSS {p['rss_mb']:.0f} MB")
    print(f"pyais decode only (peer): {peer:,.0f} messages/s")
    print(f"ratio pantau ingest / pyais decode: {rate / peer:.1f}x")
    print(f"bar {BAR:,} messages/s: {'met' if rate >= BAR else 'NOT met'}")
    time.sleep(0)


if __name__ == "__main__":
    main()
