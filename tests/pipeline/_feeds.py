"""Test feeds made from the real Norwegian recording, shifted in time so that copies are
new data rather than duplicates."""

from __future__ import annotations

import re
from functools import reduce
from pathlib import Path

from tests.conftest import DATA

NORWAY = DATA / "ais-dotnet_Ais.Net" / "Ais1000Lines.nm4"
_TAG = re.compile(rb"^\\([^*\\]*)\*[0-9A-Fa-f]{2}\\")


def _shift(line: bytes, seconds: int) -> bytes:
    m = _TAG.match(line)
    if not m:
        return line
    body = re.sub(rb"c:(\d+)", lambda c: b"c:%d" % (int(c.group(1)) + seconds), m.group(1))
    ck = reduce(lambda a, b: a ^ b, body, 0)
    return b"\\" + body + b"*%02X\\" % ck + line[m.end():]


def shifted_feed(path: Path, copies: int, step_s: int = 3600) -> Path:
    """`copies` copies of the Norwegian file, each `step_s` later than the one before."""
    lines = NORWAY.read_bytes().splitlines()
    with path.open("wb") as f:
        for i in range(copies):
            f.write(b"\n".join(_shift(line, i * step_s) for line in lines) + b"\n")
    return path
