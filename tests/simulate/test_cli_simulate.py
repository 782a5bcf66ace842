"""`pantau simulate`: files written, summary printed, bad input refused with status 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.registry import parse_watchlist

runner = CliRunner()


@pytest.fixture(autouse=True)
def _shared_cache(cache_dir: Path) -> None:
    global CACHE
    CACHE = cache_dir


CACHE = Path()


def _run(tmp_path: Path, *extra: str) -> tuple[int, str]:
    args = ["simulate", "--out", str(tmp_path / "feed.nmea"), "--truth",
            str(tmp_path / "truth.jsonl"), "--cache-dir", str(CACHE), *extra]
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def test_writes_feed_truth_and_watchlist(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--hours", "0.5", "--seed", "4", "--watchlist",
                     str(tmp_path / "watch.csv"), "--json")
    assert code == 0, out
    summary = json.loads(out)
    assert summary["scenario"] == "malaysia" and summary["start"] == "2025-09-15T00:00:00Z"
    assert summary["lines"] == len((tmp_path / "feed.nmea").read_bytes().splitlines())
    truth = (tmp_path / "truth.jsonl").read_text().splitlines()
    assert len(truth) == sum(summary["truth_by_kind"].values())
    watch = parse_watchlist((tmp_path / "watch.csv").read_text())
    assert watch.table.num_rows == summary["watchlist"] and watch.rejects.num_rows == 0


def test_summary_and_start(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--hours", "0.25", "--start", "2025-03-03T06:00:00Z",
                     "--thin-s", "60")
    assert code == 0, out
    assert "vessels by kind" in out and "truth events by kind" in out
    first = (tmp_path / "feed.nmea").read_bytes().split(b"\n", 1)[0]
    assert first.startswith(b"\\c:17409816")  # 2025-03-03T06:00:00Z = 1740981600


def test_unknown_scenario_lists_the_known_ones(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--scenario", "atlantis")
    assert code == 2
    assert "unknown scenario 'atlantis'" in out and "malaysia" in out


def test_hours_must_be_positive(tmp_path: Path) -> None:
    for hours in ("0", "-3"):
        code, out = _run(tmp_path, "--hours", hours)
        assert code == 2 and "--hours must be a positive number" in out


def test_existing_output_needs_force(tmp_path: Path) -> None:
    (tmp_path / "truth.jsonl").write_text("keep me\n")
    code, out = _run(tmp_path, "--hours", "0.1")
    assert code == 2 and "exists; use --force" in out
    assert (tmp_path / "truth.jsonl").read_text() == "keep me\n"
    assert not (tmp_path / "feed.nmea").exists()
    code, out = _run(tmp_path, "--hours", "0.1", "--force")
    assert code == 0, out


def test_other_bad_input(tmp_path: Path) -> None:
    code, out = _run(tmp_path, "--start", "yesterday")
    assert code == 2 and "not an ISO 8601 time" in out
    code, out = _run(tmp_path, "--thin-s", "0")
    assert code == 2 and "--thin-s must be a positive number" in out
