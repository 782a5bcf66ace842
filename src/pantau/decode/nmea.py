"""Writing NMEA: checksums and tag blocks, for tools that produce or re-time feeds
(test feeds, benchmarks, the simulator)."""

from __future__ import annotations

import re
from functools import reduce

_TAG = re.compile(rb"^\\([^*\\]*)\*[0-9A-Fa-f]{2}\\")
_C_FIELD = re.compile(rb"c:(\d+)")


def checksum(body: str | bytes) -> str:
    """The two-hex-digit NMEA checksum of what lies between the start character and '*'."""
    data = body.encode("latin-1") if isinstance(body, str) else body  # any byte, 1:1
    return f"{reduce(lambda a, b: a ^ b, data, 0):02X}"


def tag_block(fields: str) -> str:
    """'\\fields*hh\\' with its checksum (IEC 61162-450)."""
    return f"\\{fields}*{checksum(fields)}\\"


def shift_tag_time(line: bytes, seconds: int) -> bytes:
    """The line with its leading tag block's c: time moved by ``seconds`` and the tag
    checksum recomputed; a line without a tag block is returned as it is."""
    m = _TAG.match(line)
    if not m:
        return line
    body = _C_FIELD.sub(lambda c: b"c:%d" % (int(c.group(1)) + seconds), m.group(1))
    return b"\\" + body + b"*" + checksum(body).encode() + b"\\" + line[m.end():]
