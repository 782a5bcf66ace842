"""Watchlist CSV: good rows kept, bad rows rejected with line and reason, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.errors import InputError, PantauError
from pantau.registry import WATCHLIST, WATCHLIST_REJECTS, load_watchlist, parse_watchlist
from pantau.registry.errors import WatchlistError
from pantau.registry.watchlist import REASONS

GOOD = """mmsi,category,name
412000001,maritime_militia,QIONG SANSHA YU 00001
413000002,coast_guard,CCG 5403
533000003,own_asset,"KD TUNKU ABDUL RAHMAN, submarine"
"""


def test_good_rows() -> None:
    result = parse_watchlist(GOOD)
    assert result.table.schema == WATCHLIST
    assert result.table.to_pylist() == [
        {"mmsi": 412000001, "category": "maritime_militia", "name": "QIONG SANSHA YU 00001"},
        {"mmsi": 413000002, "category": "coast_guard", "name": "CCG 5403"},
        {"mmsi": 533000003, "category": "own_asset",
         "name": "KD TUNKU ABDUL RAHMAN, submarine"},
    ]
    assert result.rejects.num_rows == 0
    assert result.rejects.schema == WATCHLIST_REJECTS


def test_each_kind_of_bad_row_is_kept_with_its_line() -> None:
    text = "\r\n".join([
        "\ufeffMMSI, Category ,Name",          # 1 header: BOM, case and blanks tolerated
        "412000001,maritime_militia,A",     # 2 kept
        "",                                  # 3 blank
        "# a comment",                       # 4 comment
        "41200000X,navy,B",                  # 5 bad_mmsi
        "4120000011,navy,B",                 # 6 bad_mmsi (ten digits)
        "412000002,pirate,C",                # 7 unknown_category
        "412000003,navy",                    # 8 wrong_column_count
        "412000004,navy,D,extra",            # 9 wrong_column_count
        "412000001,maritime_militia,A again",  # 10 duplicate_mmsi
        "412000001,fishing,A",               # 11 conflicting_category
        " 533000005 , Coast_Guard , ",       # 12 kept: trimmed, case-folded, empty name
        "100000000,other,made-up MMSI",      # 13 kept: any nine digits
    ])
    result = parse_watchlist(text)
    assert result.table.to_pylist() == [
        {"mmsi": 412000001, "category": "maritime_militia", "name": "A"},
        {"mmsi": 533000005, "category": "coast_guard", "name": None},
        {"mmsi": 100000000, "category": "other", "name": "made-up MMSI"},
    ]
    rejects = result.rejects.to_pylist()
    assert [(r["line"], r["reason"]) for r in rejects] == [
        (5, "bad_mmsi"), (6, "bad_mmsi"), (7, "unknown_category"), (8, "wrong_column_count"),
        (9, "wrong_column_count"), (10, "duplicate_mmsi"), (11, "conflicting_category")]
    assert rejects[0]["raw"] == "41200000X,navy,B"
    assert "line 2" in rejects[-1]["detail"] and "maritime_militia" in rejects[-1]["detail"]
    assert all(r["reason"] in REASONS and r["detail"] for r in rejects)


@pytest.mark.parametrize("text", ["", "\n\n", "  \n# only a comment\n"])
def test_empty_file_is_an_error(text: str) -> None:
    with pytest.raises(WatchlistError, match="empty"):
        parse_watchlist(text)


@pytest.mark.parametrize("text", ["412000001,navy,X\n", "mmsi,category\n412000001,navy\n",
                                  "mmsi;category;name\n"])
def test_missing_header_is_an_error(text: str) -> None:
    with pytest.raises(WatchlistError, match="header") as err:
        parse_watchlist(text)
    assert isinstance(err.value, PantauError)


def test_header_only_is_an_empty_watchlist() -> None:
    result = parse_watchlist("mmsi,category,name\n")
    assert result.table.num_rows == 0 and result.rejects.num_rows == 0


def test_load_watchlist(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.csv"
    path.write_text(GOOD, encoding="utf-8")
    assert load_watchlist(path).table.num_rows == 3
    with pytest.raises(InputError, match="no such file"):
        load_watchlist(tmp_path / "missing.csv")
    path.write_bytes(b"mmsi,category,name\n412000001,navy,\xe9\n")
    with pytest.raises(WatchlistError, match="UTF-8"):
        load_watchlist(path)
    path.write_text("")
    with pytest.raises(WatchlistError, match=r"watchlist\.csv: the watchlist is empty"):
        load_watchlist(path)


@given(st.lists(st.text(max_size=40).filter(lambda s: "\n" not in s and "\r" not in s),
                max_size=30))
def test_never_crashes_and_every_line_is_accounted_for(lines: list[str]) -> None:
    text = "mmsi,category,name\n" + "\n".join(lines)
    result = parse_watchlist(text)
    content = [ln for ln in lines if ln.strip() and not ln.strip().startswith("#")]
    assert result.table.num_rows + result.rejects.num_rows == len(content)
    assert all(2 <= line <= len(lines) + 1 for line in result.rejects.column("line").to_pylist())
