"""Decode throughput of pantau against pyais on real AIS, and pantau's peak memory.

    python bench/decode.py [--lines 1000000] [--big-lines 5000000] [--out-dir bench/out]
                           [--runs 3] [--pyais-runs N] [--pyais-lines N]

Builds a corpus by concatenating every real recording under tests/data/ais/ and repeating
the lot (whole copies) until it holds at least ``--lines`` lines; bench/out/ is
git-ignored. Then, each measurement in a fresh Python process so that none inherits
another's heap, imports or JIT state:

* pantau: a full decode of the corpus file to Arrow (every table, every field) through
  ``decode_inputs([path], DecodeOptions(dedup=False))``, all batches consumed. Dedup is
  off so that every repeated message is decoded, as pyais does. The Numba kernels are
  loaded first (a tiny decode) so compile or cache-load time is not measured; best of
  ``--runs``. messages/s = ``DecodeCounts.decoded`` / seconds; lines/s likewise.
* pyais: ``FileReaderStream(path)``, ``.decode().asdict()`` on every message (all
  fields); an exception on one message is counted, not fatal. Best of ``--pyais-runs``.
  ``--pyais-lines N`` times it on the first N lines only (a rate, so still comparable);
  by default the whole corpus.
* a baseline: read the file into memory and split it into lines, in lines/s.
* peak RSS (VmHWM) of a process doing one pantau decode, of the corpus and of a
  ``--big-lines`` corpus, to show that memory does not grow with the input.
  (``ru_maxrss`` of a child is no good here: Linux carries the parent's peak over
  fork and exec.)

Bar (issue): at least 10x pyais, target 30x; peak memory under 300 MB for any input.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "ais"
NOT_NMEA = {"SOURCES.md", "LICENSE"}

BAR_RATIO, TARGET_RATIO, RSS_LIMIT_MB = 10.0, 30.0, 300.0


# -- corpus ------------------------------------------------------------------------------
def real_files() -> list[Path]:
    files = sorted(p for p in DATA.glob("*/*") if p.is_file() and p.name not in NOT_NMEA)
    if not files:
        sys.exit(f"no recordings under {DATA}")
    return files


def one_copy() -> bytes:
    """Every real recording once, each ending in a newline."""
    parts = []
    for p in real_files():
        b = p.read_bytes()
        if b and not b.endswith(b"\n"):
            b += b"\n"
        parts.append(b)
    return b"".join(parts)


def build_corpus(path: Path, min_lines: int) -> tuple[int, int]:
    """Write whole copies of the real files until at least min_lines; (lines, bytes)."""
    copy = one_copy()
    per = copy.count(b"\n")
    reps = max(1, -(-min_lines // per))
    lines, size = per * reps, len(copy) * reps
    if path.exists() and path.stat().st_size == size:
        return lines, size  # the same corpus as last time
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as f:
        for _ in range(reps):
            f.write(copy)
    tmp.replace(path)
    return lines, size


def prefix_file(src: Path, dst: Path, n_lines: int) -> int:
    """The first n_lines lines of src written to dst; returns the lines written."""
    n = 0
    with src.open("rb") as fi, dst.open("wb") as fo:
        for line in fi:
            fo.write(line)
            n += 1
            if n >= n_lines:
                break
    return n


# -- measurements (each in a fresh subprocess, see main) ---------------------------------
def pantau_decode(path: Path) -> dict[str, float]:
    """One full decode of path to Arrow; every batch and table consumed."""
    from pantau.decode.decoder import DecodeOptions, Decoder
    from pantau.decode.sources import decode_inputs

    dec = Decoder(DecodeOptions(dedup=False))
    rows = batches = 0
    t0 = time.perf_counter()
    for batch in decode_inputs([str(path)], decoder=dec):
        batches += 1
        for table in batch.tables().values():
            rows += table.num_rows
    seconds = time.perf_counter() - t0
    c = dec.counts
    if not c.balanced():
        sys.exit(f"pantau counts do not balance: {c}")
    return {"seconds": seconds, "lines": c.lines, "decoded": c.decoded, "rows": rows,
            "batches": batches, "rejected": c.n_rejected, "skipped": c.n_skipped}


def pyais_decode(path: Path) -> dict[str, float]:
    """pyais over path: every message decoded and turned into a dict (all fields)."""
    from pyais.stream import FileReaderStream

    decoded = errors = 0
    t0 = time.perf_counter()
    for msg in FileReaderStream(str(path)):
        try:
            msg.decode().asdict()
        except Exception:  # a bad message must not stop the run
            errors += 1
        else:
            decoded += 1
    return {"seconds": time.perf_counter() - t0, "decoded": decoded, "errors": errors}


def read_split(path: Path) -> dict[str, float]:
    """Baseline: read the whole file into memory and split it into lines."""
    t0 = time.perf_counter()
    data = path.read_bytes()
    lines = data.split(b"\n")
    n = len(lines) - (1 if lines and not lines[-1] else 0)
    seconds = time.perf_counter() - t0
    del data, lines
    return {"seconds": seconds, "lines": n}


def vm_mb(key: str) -> float:
    """VmHWM (peak RSS of this process image) or VmRSS from /proc, in MB (MiB)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource  # not Linux: ru_maxrss (bytes on macOS)

    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r / (1 << 20) if sys.platform == "darwin" else r / 1024


MODES = {"pantau": pantau_decode, "pyais": pyais_decode, "split": read_split}


def child(mode: str, path: Path, runs: int) -> None:
    """Runs in a fresh interpreter: prints the best of `runs` as one JSON line."""
    fn = MODES[mode]
    r: dict[str, float] = {}
    if mode == "pantau":  # load the Numba kernels (compile if the cache is cold) first
        import pantau.decode.sources  # noqa: F401

        r["imports_mb"] = vm_mb("VmRSS")
        tiny = path.parent / "warmup.nmea"
        if not tiny.exists():
            tiny.write_bytes(one_copy())
        t0 = time.perf_counter()
        pantau_decode(tiny)
        r["warmup_s"] = time.perf_counter() - t0
        r["warm_mb"] = vm_mb("VmRSS")
    best = None
    for _ in range(runs):
        gc.collect()
        res = fn(path)
        if best is None or res["seconds"] < best["seconds"]:
            best = res
    assert best is not None
    r.update(best)
    r["peak_mb"] = vm_mb("VmHWM")
    print(json.dumps(r))


def measure(mode: str, path: Path, runs: int) -> dict[str, float]:
    """Best of `runs` of one measurement, in a fresh Python process: no heap, imports or
    JIT state carried over from the other measurements (in trials, pyais ran slower
    in a process that had already imported Numba and run a pantau decode)."""
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(path),
                           "--runs", str(runs)], stdout=subprocess.PIPE, text=True,
                          check=False)
    if proc.returncode:
        sys.exit(f"{mode} measurement on {path} failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# -- main --------------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000, help="corpus size (lines)")
    ap.add_argument("--big-lines", type=int, default=5_000_000,
                    help="second corpus for the memory check (0: skip)")
    ap.add_argument("--pyais-lines", type=int, default=0,
                    help="time pyais on the first N lines only (0: the whole corpus)")
    ap.add_argument("--runs", type=int, default=3, help="runs of each timing (best is kept)")
    ap.add_argument("--pyais-runs", type=int, default=None,
                    help="runs of pyais (default: --runs)")
    ap.add_argument("--out-dir", type=Path, default=ROOT / "bench" / "out")
    ap.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.runs)
        return

    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    (out / "warmup.nmea").write_bytes(one_copy())
    corpus = out / "corpus.nmea"
    n_lines, n_bytes = build_corpus(corpus, args.lines)
    print(f"corpus   {corpus}: {n_lines:,} lines, {n_bytes / 1e6:.1f} MB "
          f"({len(real_files())} real files, whole copies repeated)")
    vers = subprocess.run(
        [sys.executable, "-c", "import numba, pyais, pyarrow, numpy; print("
         "f'numba {numba.__version__}, pyarrow {pyarrow.__version__}, '"
         "f'numpy {numpy.__version__}, pyais {pyais.__version__}')"],
        stdout=subprocess.PIPE, text=True, check=True).stdout.strip()
    print(f"python {sys.version.split()[0]}, {vers}, {os.cpu_count()} cpus")

    warm = measure("pantau", out / "warmup.nmea", 1)  # fills the Numba cache if cold
    print(f"warm-up  Numba kernels ready in {warm['warmup_s']:.2f} s "
          "(compile or cache load; not timed below)")

    base = measure("split", corpus, args.runs)
    print(f"baseline read + split, best of {args.runs}: {base['seconds']:.3f} s")

    pan = measure("pantau", corpus, args.runs)
    print(f"pantau   best of {args.runs}: {pan['seconds']:.3f} s, {pan['decoded']:,} messages, "
          f"{pan['rows']:,} Arrow rows in {pan['batches']} batches "
          f"({pan['skipped']:,} records skipped, {pan['rejected']:,} rejected)")

    py_path, py_lines = corpus, n_lines
    if args.pyais_lines and args.pyais_lines < n_lines:
        py_path = out / f"corpus_first_{args.pyais_lines}.nmea"
        py_lines = prefix_file(corpus, py_path, args.pyais_lines)
    scope = "whole corpus" if py_path == corpus else f"first {py_lines:,} lines"
    py_runs = args.pyais_runs or args.runs
    py = measure("pyais", py_path, py_runs)
    print(f"pyais    {scope}, best of {py_runs}: {py['seconds']:.3f} s, {py['decoded']:,} "
          f"messages ({py['errors']:,} raised on decode)")

    # Peak memory: one decode per fresh process (several runs in one process let the
    # allocators' retained pages pile up, which is not what a single decode needs).
    mem = [(n_lines, measure("pantau", corpus, 1))]
    if args.big_lines:
        big = out / "corpus_big.nmea"
        big_lines, big_bytes = build_corpus(big, args.big_lines)
        bp = measure("pantau", big, 1)
        print(f"big      {big}: {big_lines:,} lines, {big_bytes / 1e6:.1f} MB; pantau one run "
              f"{bp['seconds']:.3f} s, {bp['decoded'] / bp['seconds']:,.0f} messages/s")
        mem.append((big_lines, bp))

    pan_mps = pan["decoded"] / pan["seconds"]
    pan_lps = pan["lines"] / pan["seconds"]
    py_mps = py["decoded"] / py["seconds"]
    ratio = pan_mps / py_mps
    base_lps = base["lines"] / base["seconds"]
    worst_mb = max(m["peak_mb"] for _, m in mem)

    rows = [
        ("pantau messages/s (full decode to Arrow)", f"{pan_mps:,.0f}"),
        (f"pyais messages/s ({scope})", f"{py_mps:,.0f}"),
        ("ratio pantau / pyais", f"{ratio:.1f}x"),
        ("pantau lines/s", f"{pan_lps:,.0f}"),
        ("read + split lines/s (baseline)", f"{base_lps:,.0f}"),
        ("pantau MB/s of input", f"{n_bytes / pan['seconds'] / 1e6:,.1f}"),
    ]
    for lines, m in mem:
        rows.append((f"pantau peak RSS MB, one decode of {lines:,} lines",
                     f"{m['peak_mb']:.0f} (after imports {m['imports_mb']:.0f}, "
                     f"kernels loaded {m['warm_mb']:.0f})"))
    w = max(len(r[0]) for r in rows)
    print()
    print(f"{'measure':<{w}}  value")
    print(f"{'-' * w}  {'-' * 36}")
    for k, v in rows:
        print(f"{k:<{w}}  {v}")
    print()
    verdict = ("target met" if ratio >= TARGET_RATIO
               else "bar met" if ratio >= BAR_RATIO else "BELOW BAR")
    print(f"speed:  {ratio:.1f}x pyais (bar {BAR_RATIO:.0f}x, target {TARGET_RATIO:.0f}x): "
          f"{verdict}")
    print(f"memory: worst peak RSS {worst_mb:.0f} MB (limit {RSS_LIMIT_MB:.0f} MB): "
          f"{'ok' if worst_mb < RSS_LIMIT_MB else 'OVER LIMIT'}")


if __name__ == "__main__":
    main()
