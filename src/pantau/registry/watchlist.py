"""The analysts' watchlist: which MMSIs are coast guard, militia, navy, survey, own assets...

File format (DESIGN.md): CSV with the header ``mmsi,category,name``, one vessel per line.
Blank lines and lines starting with ``#`` are skipped. Fields are trimmed; the category is
read case-insensitively; an empty name is null.

A bad row is data, not an exception: it comes back in ``rejects`` with its line number, a
reason code (:data:`REASONS`) and the line as written, and every good row is kept. Only a
file that cannot be a watchlist at all (empty, no header, not UTF-8) raises
:class:`~pantau.registry.errors.WatchlistError`.

Any nine-digit MMSI is accepted, even one whose MID is not allocated: vessels of interest
do transmit made-up MMSIs, and an analyst must be able to list them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from pantau.errors import read_input
from pantau.registry.errors import WatchlistError
from pantau.registry.schema import CATEGORIES, WATCHLIST, WATCHLIST_REJECTS

HEADER = ("mmsi", "category", "name")

#: Reject codes and what they mean.
REASONS: dict[str, str] = {
    "bad_csv": "the line is not valid CSV",
    "wrong_column_count": "not exactly three fields (mmsi,category,name)",
    "bad_mmsi": "the MMSI is not nine digits",
    "unknown_category": f"the category is not one of {', '.join(CATEGORIES)}",
    "duplicate_mmsi": "the MMSI is listed again with the same category; the first is kept",
    "conflicting_category": "the MMSI is listed again with another category; the first is kept",
}

_MMSI = re.compile(r"[0-9]{9}")
_RAW_CAP = 1024  # a pasted binary blob should not bloat the reject table


@dataclass(frozen=True)
class WatchlistResult:
    """The kept rows (:data:`~pantau.registry.schema.WATCHLIST`) and the rejected ones
    (:data:`~pantau.registry.schema.WATCHLIST_REJECTS`)."""

    table: pa.Table
    rejects: pa.Table


@dataclass
class _Rows:
    mmsi: list[int]
    category: list[str]
    name: list[str | None]
    #: MMSI -> (line, category) of its kept row
    kept: dict[int, tuple[int, str]]
    rej_line: list[int]
    rej_reason: list[str]
    rej_detail: list[str]
    rej_raw: list[str]

    def reject(self, line: int, reason: str, detail: str, raw: str) -> None:
        self.rej_line.append(line)
        self.rej_reason.append(reason)
        self.rej_detail.append(detail)
        self.rej_raw.append(raw[:_RAW_CAP])


def _is_skipped(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def _fields(line: str) -> list[str]:
    return [f.strip() for f in next(csv.reader([line]), [])]


def _check_header(lines: list[str]) -> int:
    """Index of the first data line; raises if the file has no content or no header."""
    for i, line in enumerate(lines):
        if _is_skipped(line):
            continue
        try:
            found = [f.lower() for f in _fields(line)]
        except csv.Error:
            found = [line.strip()]
        if tuple(found) != HEADER:
            raise WatchlistError(
                f"line {i + 1}: the first line must be the header {','.join(HEADER)}, "
                f"found {line.strip()[:80]!r}")
        return i + 1
    raise WatchlistError(f"the watchlist is empty: expected the header {','.join(HEADER)} "
                         "and one line per vessel")


def _parse_row(rows: _Rows, lineno: int, line: str) -> None:
    try:
        fields = _fields(line)
    except csv.Error as e:
        rows.reject(lineno, "bad_csv", str(e), line)
        return
    if len(fields) != len(HEADER):
        rows.reject(lineno, "wrong_column_count",
                    f"expected 3 fields (mmsi,category,name), found {len(fields)}", line)
        return
    mmsi_text, category, name = fields[0], fields[1].lower(), fields[2]
    if not _MMSI.fullmatch(mmsi_text):
        rows.reject(lineno, "bad_mmsi", f"{mmsi_text!r} is not nine digits", line)
        return
    if category not in CATEGORIES:
        rows.reject(lineno, "unknown_category",
                    f"{fields[1]!r} is not one of {', '.join(CATEGORIES)}", line)
        return
    mmsi = int(mmsi_text)
    if mmsi in rows.kept:
        first, kept = rows.kept[mmsi]
        if kept == category:
            rows.reject(lineno, "duplicate_mmsi", f"{mmsi_text} is already listed on line "
                        f"{first}", line)
        else:
            rows.reject(lineno, "conflicting_category", f"{mmsi_text} is listed as {kept} on "
                        f"line {first}, which is kept", line)
        return
    rows.kept[mmsi] = (lineno, category)
    rows.mmsi.append(mmsi)
    rows.category.append(category)
    rows.name.append(name or None)


def parse_watchlist(text: str) -> WatchlistResult:
    """Parse watchlist CSV text; pure. Raises WatchlistError only for an empty file or a
    missing header; every other problem is a reject row with its 1-based line number."""
    # split on '\n' only: str.splitlines also breaks on form feeds and the like, and the
    # line numbers must match what an editor shows
    lines = [ln.removesuffix("\r") for ln in text.removeprefix("\ufeff").split("\n")]
    start = _check_header(lines)
    rows = _Rows([], [], [], {}, [], [], [], [])
    for i in range(start, len(lines)):
        if not _is_skipped(lines[i]):
            _parse_row(rows, i + 1, lines[i])
    table = pa.table([pa.array(rows.mmsi, pa.int64()), pa.array(rows.category, pa.string()),
                      pa.array(rows.name, pa.string())], schema=WATCHLIST)
    rejects = pa.table([pa.array(rows.rej_line, pa.int64()),
                        pa.array(rows.rej_reason, pa.string()),
                        pa.array(rows.rej_detail, pa.string()),
                        pa.array(rows.rej_raw, pa.string())], schema=WATCHLIST_REJECTS)
    return WatchlistResult(table=table, rejects=rejects)


def load_watchlist(path: str | Path) -> WatchlistResult:
    """Read a watchlist file (UTF-8, a byte-order mark is allowed) and parse it.

    Raises InputError if the file cannot be read, WatchlistError (naming the file) if it is
    not UTF-8, is empty or has no header.
    """
    p = Path(path)
    data = read_input(p)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise WatchlistError(f"{p}: not UTF-8 text (byte {e.start})") from None
    try:
        return parse_watchlist(text)
    except WatchlistError as e:
        raise WatchlistError(f"{p}: {e}") from None
