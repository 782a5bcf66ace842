from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
from typer.testing import CliRunner

from pantau.cli.main import app
from pantau.schema import DECODE_TABLES

runner = CliRunner()
DMA = Path(__file__).parents[1] / "data" / "ais" / "dma-ais_AisLib"
GFW_ERRORS = DMA.parent / "GlobalFishingWatch_ais-tools" / "errors.nmea"


def _json(result_output: str) -> dict:
    return json.loads(result_output)


def test_decode_writes_every_table_and_accounts_for_every_line(tmp_path: Path) -> None:
    src = DMA / "ais250.txt"
    result = runner.invoke(app, ["decode", str(src), "--out", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    summary = _json(result.output)
    for name, schema in DECODE_TABLES.items():
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.schema.equals(schema, check_metadata=False)
        assert table.num_rows == summary["rows"][name]
    n_lines = len(src.read_bytes().splitlines())
    assert summary["lines"] == n_lines
    assert summary["records"] == (summary["decoded"] + summary["fragments"]
                                  + sum(summary["skipped"].values())
                                  + sum(summary["rejected"].values()))
    # the known dirt: two sentences joined by an escaped "\\r\\n", decoded as two records
    assert summary["fragments"] >= 8 and not summary["rejected"]
    assert sum(summary["messages_by_type"].values()) == summary["decoded"]
    assert not list(tmp_path.glob(".*partial"))


def test_strict_exits_1_when_something_was_rejected(tmp_path: Path) -> None:
    dirty = runner.invoke(app, ["decode", str(GFW_ERRORS), "--out",
                                str(tmp_path / "a"), "--strict"])
    assert dirty.exit_code == 1
    clean = runner.invoke(app, ["decode", str(DMA / "decode_encode_messages.txt"), "--out",
                                str(tmp_path / "b"), "--strict"])
    assert clean.exit_code == 0, clean.output


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    args = ["decode", str(DMA / "replay_dump.txt"), "--out", str(tmp_path)]
    assert runner.invoke(app, args).exit_code == 0
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "exists already" in again.output and "--force" in again.output
    assert runner.invoke(app, [*args, "--force"]).exit_code == 0


def test_missing_input_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["decode", str(tmp_path / "nope.nmea"), "--out",
                                 str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "nope.nmea: no such file" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "positions.parquet").exists()


def test_unwritable_output_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, ["decode", str(DMA / "replay_dump.txt"), "--out",
                                 str(blocker / "sub")])
    assert result.exit_code == 2
    assert "cannot create" in result.output


def test_stdin_and_gzip_give_the_same_tables(tmp_path: Path) -> None:
    raw = (DMA / "small_cb_example.txt").read_bytes()
    gz = tmp_path / "feed.nmea.gz"
    gz.write_bytes(gzip.compress(raw))
    a = runner.invoke(app, ["decode", "-", "--out", str(tmp_path / "a"), "--json"], input=raw)
    b = runner.invoke(app, ["decode", str(gz), "--out", str(tmp_path / "b"), "--json"])
    assert a.exit_code == 0 and b.exit_code == 0, (a.output, b.output)
    for name in DECODE_TABLES:
        ta = pq.read_table(tmp_path / "a" / f"{name}.parquet")
        tb = pq.read_table(tmp_path / "b" / f"{name}.parquet")
        if name == "rejects":
            ta, tb = ta.drop_columns(["input"]), tb.drop_columns(["input"])
        assert ta.equals(tb), name


def test_console_script_prints_a_summary(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / "pantau"
    proc = subprocess.run([str(exe), "decode", str(GFW_ERRORS), "--out",
                           str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    for words in ("lines read", "messages per type", "rejected per reason", "bad_checksum",
                  "messages/s"):
        assert words in proc.stdout
