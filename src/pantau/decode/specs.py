"""AIS payload layouts as data (ITU-R M.1371-5, with gpsd's AIVDM notes for field names).

Each layout is a tuple of bit fields; :func:`compile_specs` flattens them into arrays that
the payload kernel walks, so adding a field means adding a line here, not code.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from pantau import schema

# unsigned, signed (two's complement), boolean, 6-bit text: short, as the tables below read
# best with one-letter kinds
U, I, B, T = 0, 1, 2, 3  # noqa: E741

DEG_1_10000_MIN = 600_000.0  # lon/lat: raw units per degree (1/10000 minute)
DEG_1_10_MIN = 600.0  # type 27 lon/lat: raw units per degree (1/10 minute)


class Table(IntEnum):
    POSITIONS = 0
    STATICS = 1
    STATIONS = 2
    AIDS = 3
    OTHER = 4


TABLE_NAMES = ("positions", "statics", "stations", "aids", "other")
TABLE_SCHEMAS = (schema.POSITIONS, schema.STATICS, schema.STATIONS, schema.AIDS, schema.OTHER)


@dataclass(frozen=True)
class F:
    """One bit field: ``column`` of ``table`` from ``width`` bits at ``start``."""

    column: str
    start: int
    width: int
    kind: int = U
    scale: float = 1.0  # raw units per output unit: the value is raw / scale
    na: int | None = None  # raw value meaning "not available": becomes null
    table: Table | None = None  # None: the layout's own table


def _common(table: Table) -> tuple[F, ...]:
    return (F("msg_type", 0, 6, table=table), F("repeat", 6, 2, table=table),
            F("mmsi", 8, 30, table=table))


_LON = dict(kind=I, scale=DEG_1_10000_MIN, na=181 * 600_000)
_LAT = dict(kind=I, scale=DEG_1_10000_MIN, na=91 * 600_000)

POSITION_A = (  # types 1, 2, 3
    *_common(Table.POSITIONS),
    F("status", 38, 4), F("turn", 42, 8, I, na=-128), F("speed", 50, 10, scale=10, na=1023),
    F("accuracy", 60, 1, B), F("lon", 61, 28, **_LON), F("lat", 89, 27, **_LAT),  # type: ignore[arg-type]
    F("course", 116, 12, scale=10, na=3600), F("heading", 128, 9, na=511),
    F("second", 137, 6), F("maneuver", 143, 2), F("raim", 148, 1, B), F("radio", 149, 19),
)

_CLASS_B_MOTION = (
    F("speed", 46, 10, scale=10, na=1023), F("accuracy", 56, 1, B),
    F("lon", 57, 28, **_LON), F("lat", 85, 27, **_LAT),  # type: ignore[arg-type]
    F("course", 112, 12, scale=10, na=3600), F("heading", 124, 9, na=511),
    F("second", 133, 6),
)

POSITION_B = (  # type 18
    *_common(Table.POSITIONS), *_CLASS_B_MOTION,
    F("cs", 141, 1, B), F("display", 142, 1, B), F("dsc", 143, 1, B), F("band", 144, 1, B),
    F("msg22", 145, 1, B), F("assigned", 146, 1, B), F("raim", 147, 1, B), F("radio", 148, 20),
)

_S = Table.STATICS
POSITION_B_EXTENDED = (  # type 19: a position and a static report in one
    *_common(Table.POSITIONS), *_CLASS_B_MOTION,
    F("raim", 305, 1, B), F("assigned", 307, 1, B),
    *_common(_S),
    F("shipname", 143, 120, T, table=_S), F("ship_type", 263, 8, na=0, table=_S),
    F("to_bow", 271, 9, table=_S), F("to_stern", 280, 9, table=_S),
    F("to_port", 289, 6, table=_S), F("to_starboard", 295, 6, table=_S),
    F("epfd", 301, 4, table=_S), F("dte", 306, 1, B, table=_S),
)

POSITION_LONG_RANGE = (  # type 27
    *_common(Table.POSITIONS),
    F("accuracy", 38, 1, B), F("raim", 39, 1, B), F("status", 40, 4),
    F("lon", 44, 18, I, DEG_1_10_MIN, 181 * 600), F("lat", 62, 17, I, DEG_1_10_MIN, 91 * 600),
    F("speed", 79, 6, na=63), F("course", 85, 9, na=511), F("gnss", 94, 1, B),
)

STATIC_VOYAGE = (  # type 5
    *_common(Table.STATICS),
    F("ais_version", 38, 2), F("imo", 40, 30, na=0), F("callsign", 70, 42, T),
    F("shipname", 112, 120, T), F("ship_type", 232, 8, na=0),
    F("to_bow", 240, 9), F("to_stern", 249, 9), F("to_port", 258, 6), F("to_starboard", 264, 6),
    F("epfd", 270, 4), F("month", 274, 4), F("day", 278, 5), F("hour", 283, 5),
    F("minute", 288, 6), F("draught", 294, 8, scale=10, na=0), F("destination", 302, 120, T),
    F("dte", 422, 1, B),
)

STATIC_24A = (*_common(Table.STATICS), F("partno", 38, 2), F("shipname", 40, 120, T))

_STATIC_24B_HEAD = (
    *_common(Table.STATICS), F("partno", 38, 2), F("ship_type", 40, 8, na=0),
    F("vendorid", 48, 18, T), F("model", 66, 4), F("serial", 70, 20), F("callsign", 90, 42, T),
)
STATIC_24B = (
    *_STATIC_24B_HEAD,
    F("to_bow", 132, 9), F("to_stern", 141, 9), F("to_port", 150, 6), F("to_starboard", 156, 6),
)
STATIC_24B_AUXILIARY = (*_STATIC_24B_HEAD, F("mothership_mmsi", 132, 30))

STATION = (  # types 4 and 11
    *_common(Table.STATIONS),
    F("year", 38, 14), F("month", 52, 4), F("day", 56, 5), F("hour", 61, 5),
    F("minute", 66, 6), F("second", 72, 6), F("accuracy", 78, 1, B),
    F("lon", 79, 28, **_LON), F("lat", 107, 27, **_LAT),  # type: ignore[arg-type]
    F("epfd", 134, 4), F("raim", 148, 1, B), F("radio", 149, 19),
)

AID = (  # type 21
    *_common(Table.AIDS),
    F("aid_type", 38, 5), F("name", 43, 120, T), F("accuracy", 163, 1, B),
    F("lon", 164, 28, **_LON), F("lat", 192, 27, **_LAT),  # type: ignore[arg-type]
    F("to_bow", 219, 9), F("to_stern", 228, 9), F("to_port", 237, 6), F("to_starboard", 243, 6),
    F("epfd", 249, 4), F("second", 253, 6), F("off_position", 259, 1, B),
    F("regional", 260, 8), F("raim", 268, 1, B), F("virtual_aid", 269, 1, B),
    F("assigned", 270, 1, B), F("name_ext", 272, 84, T),
)

OTHER = _common(Table.OTHER)


class Layout(IntEnum):
    POSITION_A = 0
    POSITION_B = 1
    POSITION_B_EXTENDED = 2
    POSITION_LONG_RANGE = 3
    STATIC_VOYAGE = 4
    STATIC_24A = 5
    STATIC_24B = 6
    STATIC_24B_AUXILIARY = 7
    STATION = 8
    AID = 9
    OTHER = 10


#: (fields, home table, minimum payload bits). Messages shorter than the minimum are
#: rejected; fields past the end of a longer-than-minimum payload come out null (text
#: truncated). The minimums leave out trailing spare bits, which many transponders omit,
#: and for type 5 the last two characters of the destination: 420-bit type 5 reports are
#: common in real feeds and every decoder we compared accepts them.
LAYOUTS: dict[Layout, tuple[tuple[F, ...], Table, int]] = {
    Layout.POSITION_A: (POSITION_A, Table.POSITIONS, 168),
    Layout.POSITION_B: (POSITION_B, Table.POSITIONS, 168),
    Layout.POSITION_B_EXTENDED: (POSITION_B_EXTENDED, Table.POSITIONS, 308),
    Layout.POSITION_LONG_RANGE: (POSITION_LONG_RANGE, Table.POSITIONS, 95),
    Layout.STATIC_VOYAGE: (STATIC_VOYAGE, Table.STATICS, 420),
    Layout.STATIC_24A: (STATIC_24A, Table.STATICS, 160),
    Layout.STATIC_24B: (STATIC_24B, Table.STATICS, 162),
    Layout.STATIC_24B_AUXILIARY: (STATIC_24B_AUXILIARY, Table.STATICS, 162),
    Layout.STATION: (STATION, Table.STATIONS, 168),
    Layout.AID: (AID, Table.AIDS, 272),
    Layout.OTHER: (OTHER, Table.OTHER, 38),
}

#: Text and numeric columns of each table, in schema order; the kernel writes numbers into
#: a float64 matrix indexed by the numeric position and text into fixed-width slots.
MAX_TEXT_CHARS = 20
PROVENANCE = ("received_at", "source")


def table_columns(table: Table) -> tuple[list[str], list[str]]:
    numeric: list[str] = []
    text: list[str] = []
    for field in TABLE_SCHEMAS[table]:
        if field.name in PROVENANCE or (table == Table.OTHER and field.name in
                                         ("payload", "fill_bits")):
            continue
        (text if field.type == "string" else numeric).append(field.name)
    return numeric, text


@dataclass(frozen=True)
class CompiledSpecs:
    """Flat arrays for the kernel: field k of layout L is index first[L] + k."""

    first: np.ndarray  # int32[n_layouts + 1]
    table: np.ndarray  # int8[n_fields]
    column: np.ndarray  # int16[n_fields]: numeric or text column index within the table
    start: np.ndarray  # int16
    width: np.ndarray  # int16
    kind: np.ndarray  # int8
    scale: np.ndarray  # float64
    na: np.ndarray  # int64
    has_na: np.ndarray  # bool
    min_bits: np.ndarray  # int16[n_layouts]
    home: np.ndarray  # int8[n_layouts]
    n_numeric: int  # widest table's numeric column count
    n_text: int


def compile_specs() -> CompiledSpecs:
    rows: list[tuple[int, int, int, int, int, float, int, bool]] = []
    first = [0]
    min_bits: list[int] = []
    home: list[int] = []
    columns = {t: table_columns(t) for t in Table}
    for layout in Layout:
        fields, table, minimum = LAYOUTS[layout]
        for f in fields:
            t = f.table if f.table is not None else table
            numeric, text = columns[t]
            if f.kind == T:
                if f.width % 6 or f.width // 6 > MAX_TEXT_CHARS:
                    raise ValueError(f"text field {f.column} has {f.width} bits")
                col = text.index(f.column)
            else:
                col = numeric.index(f.column)
            rows.append((t, col, f.start, f.width, f.kind, f.scale,
                         0 if f.na is None else f.na, f.na is not None))
        first.append(len(rows))
        min_bits.append(minimum)
        home.append(table)
    cols = list(zip(*rows, strict=True))
    return CompiledSpecs(
        first=np.asarray(first, np.int32),
        table=np.asarray(cols[0], np.int8),
        column=np.asarray(cols[1], np.int16),
        start=np.asarray(cols[2], np.int16),
        width=np.asarray(cols[3], np.int16),
        kind=np.asarray(cols[4], np.int8),
        scale=np.asarray(cols[5], np.float64),
        na=np.asarray(cols[6], np.int64),
        has_na=np.asarray(cols[7], np.bool_),
        min_bits=np.asarray(min_bits, np.int16),
        home=np.asarray(home, np.int8),
        n_numeric=max(len(columns[t][0]) for t in Table),
        n_text=max(len(columns[t][1]) for t in Table),
    )
