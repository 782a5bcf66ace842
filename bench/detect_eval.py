"""Precision and recall of every detector on the reference scenario, against its truth.

    python bench/detect_eval.py [--hours 48] [--seed 1] [--thin-s S] [--out DIR]
    python bench/detect_eval.py --truth TRUTH.jsonl --events EVENTS.jsonl

Simulates the scenario (``pantau simulate``: feed, ground truth, watchlist), runs the
detectors on the feed exactly as ``pantau detect`` does, and matches events to the truth:
an event matches a truth event of the same kind, the same vessels (a pair in either order)
and the same zone when the truth names one, whose time overlaps the event's within a
tolerance (15 min; for an entry, also the silence before the first position inside,
since the crossing happened somewhere in it). Matching is one to one, closest start
first. Prints, per kind, truth and detected counts, precision and recall, and the
misses and false alarms (up to five of each) so they can be looked at.

Target (issue 4): precision and recall both at least 0.95 for every kind.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

TOLERANCE_S = 15 * 60.0
TARGET = 0.95


def _t(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _vessels(e: dict[str, Any]) -> frozenset[int]:
    return frozenset(m for m in (e["mmsi"], e.get("other_mmsi")) if m is not None)


def _slack(e: dict[str, Any]) -> float:
    details = e.get("details") or {}
    return max(TOLERANCE_S, float(details.get("gap_s") or 0.0))


def matches(event: dict[str, Any], truth: dict[str, Any]) -> bool:
    if event["kind"] != truth["kind"] or _vessels(event) != _vessels(truth):
        return False
    if truth.get("zone") and event.get("zone") != truth["zone"]:
        return False
    for key in ("reason", "mode"):  # identity anomalies and close approaches say which
        said, meant = (event.get("details") or {}).get(key), (truth.get("details") or {}).get(key)
        if said is not None and meant is not None and said != meant:
            return False
    slack = _slack(event)
    return (_t(event["start"]) - slack <= _t(truth["end"]) + TOLERANCE_S
            and _t(truth["start"]) - TOLERANCE_S <= _t(event["end"]) + TOLERANCE_S)


def evaluate(truth: list[dict[str, Any]], events: list[dict[str, Any]]
             ) -> dict[str, dict[str, Any]]:
    by_kind: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
        lambda: {"truth": [], "events": []})
    for t in truth:
        by_kind[t["kind"]]["truth"].append(t)
    for e in events:
        by_kind[e["kind"]]["events"].append(e)
    out: dict[str, dict[str, Any]] = {}
    for kind, both in sorted(by_kind.items()):
        index: dict[frozenset[int], list[int]] = defaultdict(list)
        for k, t in enumerate(both["truth"]):
            index[_vessels(t)].append(k)
        used_truth: set[int] = set()
        matched_events = 0
        false_alarms = []
        for e in sorted(both["events"], key=lambda e: e["start"]):
            options = [k for k in index[_vessels(e)]
                       if k not in used_truth and matches(e, both["truth"][k])]
            if options:
                best = min(options, key=lambda k: abs(_t(both["truth"][k]["start"])
                                                      - _t(e["start"])))
                used_truth.add(best)
                matched_events += 1
            else:
                false_alarms.append(e)
        n_t, n_e = len(both["truth"]), len(both["events"])
        out[kind] = {
            "truth": n_t, "events": n_e,
            "precision": matched_events / n_e if n_e else (1.0 if n_t == 0 else 0.0),
            "recall": len(used_truth) / n_t if n_t else 1.0,
            "misses": [t for k, t in enumerate(both["truth"]) if k not in used_truth],
            "false_alarms": false_alarms,
        }
    return out


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _short(e: dict[str, Any]) -> str:
    d = e.get("details") or {}
    extra = d.get("reason") or d.get("mode") or d.get("behaviour") or d.get("basis") or ""
    return (f"{e['mmsi']}/{e.get('other_mmsi')} {e['start']}..{e['end']} "
            f"zone={e.get('zone')} {extra}")


def report(result: dict[str, dict[str, Any]], show: int = 5) -> bool:
    ok = True
    print(f"{'kind':18} {'truth':>6} {'events':>7} {'precision':>10} {'recall':>8}")
    for kind, r in result.items():
        flag = "" if r["precision"] >= TARGET and r["recall"] >= TARGET else "  < 0.95"
        ok &= not flag
        print(f"{kind:18} {r['truth']:6d} {r['events']:7d} {r['precision']:10.3f} "
              f"{r['recall']:8.3f}{flag}")
    for kind, r in result.items():
        for label in ("misses", "false_alarms"):
            for e in r[label][:show]:
                print(f"  {kind} {label[:-2] if label == 'misses' else 'false alarm'}: "
                      f"{_short(e)}")
    return ok


def _simulate_and_detect(args: argparse.Namespace, out: Path) -> tuple[Path, Path, float]:
    from pantau.pipeline.config import geography
    from pantau.pipeline.detect import detect_files, read_inputs
    from pantau.registry import load_watchlist
    from pantau.simulate import simulate_to_files
    from pantau.zones.defaults import reference_zones

    feed, truth, watch = out / "feed.nmea", out / "truth.jsonl", out / "watchlist.csv"
    started = time.perf_counter()
    if not (args.reuse and feed.is_file()):
        simulate_to_files(feed, truth, watch, force=True, scenario="malaysia",
                          hours=args.hours, seed=args.seed, thin_s=args.thin_s)
        print(f"simulated {args.hours} h in {time.perf_counter() - started:.1f} s "
              f"({feed.stat().st_size / 1e6:.0f} MB)")
    from pantau.detect.events import dumps_jsonl

    started = time.perf_counter()
    zones = reference_zones()
    run = detect_files(read_inputs([str(feed)]), zones, geography(zones, out / "cache"),
                       load_watchlist(watch).table)
    seconds = time.perf_counter() - started
    events = out / "events.jsonl"
    events.write_text(dumps_jsonl(run.report.events))
    print(f"detected {len(run.report.events)} events in {seconds:.1f} s "
          f"({run.positions:,} positions)")
    return truth, events, seconds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=float, default=48.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--thin-s", type=float, default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true",
                    help="with --out: detect on the feed simulated there before")
    ap.add_argument("--truth", type=Path, default=None)
    ap.add_argument("--events", type=Path, default=None)
    args = ap.parse_args()
    if args.truth and args.events:
        truth_path, events_path = args.truth, args.events
    else:
        out = args.out or Path(tempfile.mkdtemp(prefix="pantau-eval-"))
        out.mkdir(parents=True, exist_ok=True)
        truth_path, events_path, _ = _simulate_and_detect(args, out)
    ok = report(evaluate(_read_jsonl(truth_path), _read_jsonl(events_path)))
    print("all kinds at or above 0.95" if ok else "some kinds below 0.95")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
