"""AIS payload encoding: the inverse of :mod:`pantau.decode`, driven by the same layouts.

Bit positions, widths, scales and not-available values all come from
:data:`pantau.decode.specs.LAYOUTS`; this module only adds what the decoder applies outside
the specs (the rate-of-turn transform, value domains, message type defaults, standard
payload lengths).

Values are given by column name in the decoder's output units (degrees, knots, metres,
strings). ``None`` or a missing column encodes the field's not-available raw value, or 0
when the field has none.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from datetime import datetime

import numpy as np

from pantau.decode.nmea import checksum, tag_block
from pantau.decode.specs import LAYOUTS, B, F, I, Layout, T

#: payload length in bits of each layout's standard message (type 21 without a name
#: extension; with one, the extension's characters follow, padded to a byte boundary)
STANDARD_BITS: dict[Layout, int] = {
    Layout.POSITION_A: 168,
    Layout.POSITION_B: 168,
    Layout.POSITION_B_EXTENDED: 312,
    Layout.POSITION_LONG_RANGE: 96,
    Layout.STATIC_VOYAGE: 424,
    Layout.STATIC_24A: 160,
    Layout.STATIC_24B: 168,
    Layout.STATIC_24B_AUXILIARY: 168,
    Layout.STATION: 168,
    Layout.AID: 272,
    Layout.OTHER: 168,
}

_DECODED_TYPES = frozenset({1, 2, 3, 4, 5, 11, 18, 19, 21, 24, 27})

#: message types each layout may carry; the first is the default when msg_type is missing
_TYPES: dict[Layout, tuple[int, ...]] = {
    Layout.POSITION_A: (1, 2, 3),
    Layout.POSITION_B: (18,),
    Layout.POSITION_B_EXTENDED: (19,),
    Layout.POSITION_LONG_RANGE: (27,),
    Layout.STATIC_VOYAGE: (5,),
    Layout.STATIC_24A: (24,),
    Layout.STATIC_24B: (24,),
    Layout.STATIC_24B_AUXILIARY: (24,),
    Layout.STATION: (4, 11),
    Layout.AID: (21,),
    Layout.OTHER: tuple(t for t in range(1, 28) if t not in _DECODED_TYPES),
}
_PARTNO = {Layout.STATIC_24A: 0, Layout.STATIC_24B: 1, Layout.STATIC_24B_AUXILIARY: 1}

#: value domains in output units (inclusive), checked on the quantised value, beyond what
#: the field width allows
_DOMAIN: dict[str, tuple[float, float]] = {
    "lon": (-180.0, 180.0),
    "lat": (-90.0, 90.0),
    "course": (0.0, 359.95),
    "heading": (0.0, 359.0),
    "mmsi": (0.0, 999_999_999.0),
    "mothership_mmsi": (0.0, 999_999_999.0),
}

ROT_FACTOR = 4.733  # ROT_AIS = 4.733 * sqrt(degrees per minute)
TURN_NO_INDICATOR = 720.0  # decoded value of ROT_AIS +/-127


def _sixbit_char(ch: str) -> int:
    code = ord(ch)
    if 64 <= code <= 95:
        return code - 64
    if 32 <= code <= 63:
        return code
    raise ValueError(f"{ch!r} is not in the AIS 6-bit character set")


def _armour(v: int) -> str:
    return chr(v + 48 if v < 40 else v + 56)


def _fields(layout: Layout) -> dict[str, F]:
    """The layout's fields by column: the union over its tables (type 19: positions and
    statics), columns shared between tables being the same bits."""
    out: dict[str, F] = {}
    for f in LAYOUTS[layout][0]:
        seen = out.get(f.column)
        if seen is None:
            out[f.column] = f
        elif (seen.start, seen.width, seen.kind, seen.scale, seen.na) != (
                f.start, f.width, f.kind, f.scale, f.na):
            raise ValueError(f"layout {layout.name}: column {f.column} has two encodings")
    return out


_FIELDS: dict[Layout, dict[str, F]] = {layout: _fields(layout) for layout in Layout}


def _number(column: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{column}: expected a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{column}: {value!r} is not a finite number")
    return float(value)


def _turn_raw(value: object) -> int:
    turn = _number("turn", value)
    if abs(turn) > TURN_NO_INDICATOR:
        raise ValueError(f"turn: {turn} deg/min is outside -720..720")
    if abs(turn) == TURN_NO_INDICATOR:
        return int(math.copysign(127, turn))
    raw = min(round(ROT_FACTOR * math.sqrt(abs(turn))), 126)
    return -raw if turn < 0 else raw


def _raw(layout: Layout, f: F, value: object) -> int:
    """The raw integer of a numeric or boolean field."""
    mask = (1 << f.width) - 1
    if value is None:
        return (f.na if f.na is not None else 0) & mask  # two's complement of a signed na
    if f.kind == B:
        if not isinstance(value, numbers.Integral | np.bool_) or value not in (0, 1):
            raise ValueError(f"{f.column}: expected a boolean, got {value!r}")
        return int(value)
    if f.column == "turn":
        raw = _turn_raw(value)
    else:
        number = _number(f.column, value)
        raw = round(number * f.scale)
        lo, hi = _DOMAIN.get(f.column, (-math.inf, math.inf))
        quantised = raw / f.scale
        if not lo <= quantised <= hi:
            raise ValueError(f"{f.column}: {value!r} is outside {lo:g}..{hi:g}")
    if f.kind == I:
        lo_raw, hi_raw = -(1 << (f.width - 1)), (1 << (f.width - 1)) - 1
    else:
        lo_raw, hi_raw = 0, (1 << f.width) - 1
    if not lo_raw <= raw <= hi_raw:
        raise ValueError(f"{f.column}: {value!r} (raw {raw}) does not fit the "
                         f"{f.width}-bit {'signed' if f.kind == I else 'unsigned'} field "
                         f"of layout {layout.name}")
    if f.na is not None and raw == f.na:
        raise ValueError(f"{f.column}: {value!r} encodes the not-available value "
                         f"{f.na}; pass None for 'not available'")
    return raw & mask


def _text(f: F, value: object) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, str):
        raise ValueError(f"{f.column}: expected a string, got {value!r}")
    text = value.upper()
    if len(text) > f.width // 6:
        raise ValueError(f"{f.column}: {value!r} is longer than {f.width // 6} characters")
    return [_sixbit_char(ch) for ch in text]


def _check_type(layout: Layout, values: Mapping[str, object]) -> dict[str, object]:
    vals = dict(values)
    types = _TYPES[layout]
    if vals.get("msg_type") is None:
        if layout == Layout.OTHER:
            raise ValueError("layout OTHER needs an explicit msg_type")
        vals["msg_type"] = types[0]
    if vals["msg_type"] not in types:
        raise ValueError(f"msg_type {vals['msg_type']!r} is not one of {layout.name}'s "
                         f"types {types}")
    if layout in _PARTNO:
        part = _PARTNO[layout]
        if vals.get("partno") is None:
            vals["partno"] = part
        elif vals["partno"] != part:
            raise ValueError(f"partno must be {part} for layout {layout.name}")
        mmsi = vals.get("mmsi")
        if isinstance(mmsi, numbers.Integral) and part == 1:
            auxiliary = int(mmsi) // 10_000_000 == 98
            if auxiliary != (layout == Layout.STATIC_24B_AUXILIARY):
                raise ValueError(
                    "type 24 part B of an MMSI 98xxxxxxx is read as STATIC_24B_AUXILIARY, "
                    f"of any other MMSI as STATIC_24B; mmsi {mmsi} does not fit {layout.name}")
    return vals


def encode_payload(layout: Layout, values: Mapping[str, object]) -> tuple[str, int]:
    """Encode ``values`` (by column name, in output units) as ``layout``'s message.

    Returns the armoured 6-bit payload and its fill bits. ``msg_type`` defaults to the
    layout's usual type (1, 18, 19, 27, 5, 24, 4 or 21; OTHER needs it) and type 24's
    ``partno`` to the part's number. Raises :class:`ValueError` on unknown columns, values
    out of range or not fitting their field, and text outside the 6-bit character set.
    """
    fields = _FIELDS[layout]
    unknown = sorted(set(values) - set(fields))
    if unknown:
        raise ValueError(f"unknown column(s) for layout {layout.name}: {', '.join(unknown)}; "
                         f"known: {', '.join(fields)}")
    vals = _check_type(layout, values)
    nbits = STANDARD_BITS[layout]
    chunks: list[tuple[int, int, int]] = []  # (start, width, value)
    for f in fields.values():
        value = vals.get(f.column)
        if f.kind == T:
            chars = _text(f, value)
            if f.start >= nbits:  # a variable-length trailer (type 21 name extension)
                if chars:
                    end = f.start + 6 * len(chars)
                    nbits = max(nbits, end + (-end) % 8)
            else:
                chars += [0] * (f.width // 6 - len(chars))  # '@' padding
            chunks.extend((f.start + 6 * k, 6, c) for k, c in enumerate(chars))
        else:
            chunks.append((f.start, f.width, _raw(layout, f, value)))
    word = 0
    for start, width, v in chunks:
        word |= v << (nbits - start - width)
    fill = (-nbits) % 6
    word <<= fill
    n_chars = (nbits + fill) // 6
    payload = "".join(_armour((word >> (6 * (n_chars - 1 - k))) & 63) for k in range(n_chars))
    return payload, fill


def _check_field(name: str, value: str) -> None:
    if any(c in value for c in ",*!$\\\r\n"):
        raise ValueError(f"{name} {value!r} holds an NMEA delimiter")


def sentences(payload: str, fill: int, *, channel: str = "A", seq_id: int | None = None,
              talker: str = "AIVDM", max_payload: int = 60) -> list[str]:
    """``payload`` as checksummed NMEA sentences of at most ``max_payload`` characters of
    payload each: ``!AIVDM,n,k,seq,channel,chunk,fill*hh``. The fill bits go on the last
    fragment (0 on the others); a message of more than one fragment needs ``seq_id``."""
    if not payload:
        raise ValueError("empty payload")
    if any(not (48 <= ord(c) <= 87 or 96 <= ord(c) <= 119) for c in payload):
        raise ValueError("payload holds characters outside the AIS armour")
    if not 0 <= fill <= 5:
        raise ValueError(f"fill bits must be 0..5, not {fill}")
    if max_payload < 1:
        raise ValueError("max_payload must be positive")
    if seq_id is not None and not 0 <= seq_id <= 9:
        raise ValueError(f"seq_id must be 0..9, not {seq_id}")
    _check_field("talker", talker)
    _check_field("channel", channel)
    parts = [payload[i:i + max_payload] for i in range(0, len(payload), max_payload)]
    n = len(parts)
    if n > 9:
        raise ValueError(f"{n} fragments: at most 9 (raise max_payload)")
    if n > 1 and seq_id is None:
        raise ValueError("a multi-fragment message needs a seq_id")
    seq = "" if seq_id is None else str(seq_id)
    out = []
    for k, chunk in enumerate(parts, 1):
        body = f"{talker},{n},{k},{seq},{channel},{chunk},{fill if k == n else 0}"
        out.append(f"!{body}*{checksum(body)}")
    return out


def tagged(sentence: str, received_at: datetime, source: str | None = None,
           group: tuple[int, int, int] | None = None) -> str:
    """``sentence`` behind an IEC 61162-450 tag block: ``c:`` (whole Unix seconds of the
    timezone-aware ``received_at``, rounded down), ``s:`` and ``g:k-n-id`` (``group`` is
    (fragment number, fragment count, group id))."""
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    seconds = math.floor(received_at.timestamp())
    if seconds < 0:
        raise ValueError("received_at must not be before 1970")
    fields = [f"c:{seconds}"]
    if source is not None:
        if not source or ":" in source:
            raise ValueError(f"source {source!r} must be non-empty and hold no ':'")
        _check_field("source", source)
        fields.append(f"s:{source}")
    if group is not None:
        k, n, gid = group
        if not 1 <= k <= n or gid < 0:
            raise ValueError(f"group {group} must be (k, n, id) with 1 <= k <= n, id >= 0")
        fields.append(f"g:{k}-{n}-{gid}")
    return tag_block(",".join(fields)) + sentence
