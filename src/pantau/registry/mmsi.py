"""What an MMSI says by itself: the kind of station and the administration (flag).

The formats are those of Recommendation ITU-R M.585-9 (05/2022), "Assignment and use of
identities in the maritime mobile service", Annexes 1 and 2. An MMSI is nine digits; as an
integer its leading zeros are implied, so 5_331_234 is ``005331234``, a Malaysian coast
station. With MID the Maritime Identification Digits (three digits, first digit 2-7) and X
any digit:

=============  ==================  ===================================================
format         kind                note
=============  ==================  ===================================================
MIDXXXXXX      ship                ship station (first digit 2-7)
0MIDXXXXX      group               group call to ships
00MIDXXXX      coast_station       coast station, AIS base station, AIS repeater
111MIDXXX      sar_aircraft        aircraft (and helicopters) in search and rescue
99MIDXXXX      aid_to_navigation   AIS aid to navigation (physical or virtual)
98MIDXXXX      auxiliary_craft     craft associated with a parent ship (tenders, RIBs)
970XXYYYY      sart_mob_epirb      AIS-SART; 972: man overboard; 974: EPIRB-AIS (no MID)
8MIDXXXXX      diver               handheld VHF with DSC and GNSS, diver's radio
=============  ==================  ===================================================

Everything else is ``invalid``: null, negative or more than nine digits, a prefix no format
uses (1 other than 111, 9 other than 970/972/974/98/99, 979 autonomous maritime radio
devices included), or a MID the ITU has not allocated. Invalid MMSIs are common in real
traffic (``123456789``, ``0``, unconfigured class B units) and, for vessels that do not
want to be identified, deliberate, so they are labelled, never dropped.

The flag is the administration that assigned the MMSI (ISO 3166 alpha-2 of its MID), not a
verified flag state: a vessel can keep an old MMSI after reflagging or transmit a false one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from pantau.registry._arrays import I64, IntColumn, Mask, int64_and_mask
from pantau.registry.schema import MMSI_KINDS

_MID_CSV = ("registry", "mid.csv")
_MAX_MMSI = 999_999_999
_KIND_CODE = {kind: code for code, kind in enumerate(MMSI_KINDS)}
_KIND_NAMES = pa.array(MMSI_KINDS, pa.string())
_SART_PREFIXES = (970, 972, 974)


@dataclass(frozen=True)
class MidTable:
    """The ITU MID table: ``iso2[mid]`` and ``name[mid]`` for 0 <= mid < 1000."""

    table: pa.Table
    allocated: Mask
    iso2: npt.NDArray[np.object_]


def parse_mid_csv(text: str) -> pa.Table:
    """Parse the MID table (``mid,iso2,name``; lines starting with '#' are comments)."""
    rows = [r for r in csv.reader(io.StringIO(text)) if r and not r[0].startswith("#")]
    header, body = rows[0], rows[1:]
    if header != ["mid", "iso2", "name"]:
        raise ValueError(f"MID table header must be mid,iso2,name, found {','.join(header)}")
    return pa.table({
        "mid": pa.array([int(r[0]) for r in body], pa.int16()),
        "iso2": pa.array([r[1] for r in body], pa.string()),
        "name": pa.array([r[2] for r in body], pa.string()),
    })


@cache
def mid_table() -> MidTable:
    """The MID table shipped with pantau (``pantau/data/registry/mid.csv``), read once."""
    text = resources.files("pantau.data").joinpath(*_MID_CSV).read_text(encoding="utf-8")
    table = parse_mid_csv(text)
    allocated = np.zeros(1000, np.bool_)
    iso2 = np.full(1000, None, dtype=object)
    mids = table.column("mid").to_numpy()
    allocated[mids] = True
    iso2[mids] = table.column("iso2").to_pylist()
    return MidTable(table=table, allocated=allocated, iso2=iso2)


def _classify(values: IntColumn) -> tuple[npt.NDArray[np.int8], I64, Mask]:
    """Kind code, MID (digits at the MID position of that kind's format) and whether a MID
    position exists, before the MID is checked against the allocation table."""
    v, valid = int64_and_mask(values, "mmsi")
    ok = valid & (v >= 0) & (v <= _MAX_MMSI)
    d1, d12, d123 = v // 100_000_000, v // 10_000_000, v // 1_000_000
    kind = np.full(len(v), _KIND_CODE["invalid"], np.int8)
    mid = np.zeros(len(v), np.int64)
    # (condition, kind, divisor that brings the MID to the last three digits)
    rules: list[tuple[Mask, str, int | None]] = [
        ((d1 >= 2) & (d1 <= 7), "ship", 1_000_000),
        ((d1 == 0) & (d12 != 0), "group", 100_000),
        (d12 == 0, "coast_station", 10_000),
        (d123 == 111, "sar_aircraft", 1_000),
        (d12 == 99, "aid_to_navigation", 10_000),
        (d12 == 98, "auxiliary_craft", 10_000),
        (np.isin(d123, _SART_PREFIXES), "sart_mob_epirb", None),
        (d1 == 8, "diver", 100_000),
    ]
    has_mid = np.zeros(len(v), np.bool_)
    for cond, name, divisor in rules:  # the conditions are disjoint
        hit = ok & cond
        kind[hit] = _KIND_CODE[name]
        if divisor is not None:
            mid[hit] = (v[hit] // divisor) % 1000
            has_mid |= hit
    return kind, mid, has_mid


def mid_of(mmsi: IntColumn) -> pa.Array:
    """MID of each MMSI (int16), read at the position its format puts it: digits 1-3 of a
    ship, 2-4 of a group or diver, 3-5 of a coast station, aid to navigation or auxiliary
    craft, 4-6 of a SAR aircraft. Null where the format has none (970/972/974 devices,
    invalid formats) and also where those digits are not an allocated MID."""
    _, mid, has_mid = _classify(mmsi)
    known = has_mid & mid_table().allocated[mid]
    return pa.array(mid.astype(np.int16), pa.int16(), mask=~known)


def flag_of(mmsi: IntColumn) -> pa.Array:
    """ISO 3166 alpha-2 code of the administration behind each MMSI's MID (string), or
    null: no MID in the format, or an unallocated MID. 533xxxxxx, 00533xxxx, 111533xxx,
    98533xxxx and 99533xxxx are all Malaysia (MY)."""
    _, mid, has_mid = _classify(mmsi)
    tab = mid_table()
    iso = tab.iso2[mid]
    iso[~(has_mid & tab.allocated[mid])] = None
    return pa.array(iso, pa.string())


def mmsi_kind(mmsi: IntColumn) -> pa.Array:
    """Kind of station by MMSI format (string, one of :data:`MMSI_KINDS`); see the module
    docstring for the rules. A format that needs a MID is ``invalid`` when the MID is not
    allocated."""
    kind, mid, has_mid = _classify(mmsi)
    kind[has_mid & ~mid_table().allocated[mid]] = _KIND_CODE["invalid"]
    return _KIND_NAMES.take(pa.array(kind))
