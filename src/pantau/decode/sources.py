"""Reading inputs for the decoder: plain and gzip files, and standard input.

A gzip stream is recognised by its magic bytes, not its name. An input that cannot be
opened raises :class:`~pantau.errors.InputError` naming it; one that breaks off part way
(a truncated gzip) keeps what was read and adds a counted reject.
"""

from __future__ import annotations

import gzip
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from pantau.decode.decoder import DecodedBatch, DecodeOptions, Decoder
from pantau.decode.reasons import Reject
from pantau.errors import open_input

CHUNK_BYTES = 4 << 20  # larger chunks buy no speed and cost peak memory
GZIP_MAGIC = b"\x1f\x8b"


def _open(name: str) -> BinaryIO:
    if name == "-":
        return sys.stdin.buffer
    return open_input(name)


def check_readable(name: str) -> None:
    """Raise InputError now, before any output is written, if ``name`` cannot be read."""
    if name != "-":
        _open(name).close()


def input_size(name: str) -> int | None:
    """Size in bytes of a file input (for progress), None for stdin or unknown."""
    if name == "-":
        return None
    try:
        return Path(name).stat().st_size
    except OSError:
        return None


def _chunks(raw: BinaryIO, on_raw_bytes: Callable[[int], None] | None) -> Iterator[bytes]:
    """Decompressed chunks; raises EOFError / zlib.error / gzip.BadGzipFile on bad gzip."""
    head = raw.read(2)
    if head == GZIP_MAGIC:
        rest = raw.read(CHUNK_BYTES)
        decompressor = zlib.decompressobj(wbits=47)  # gzip header, concatenated members
        data = head + rest
        while data:
            if on_raw_bytes:
                on_raw_bytes(len(data))
            out = decompressor.decompress(data)
            while decompressor.eof and decompressor.unused_data:  # next gzip member
                unused = decompressor.unused_data
                decompressor = zlib.decompressobj(wbits=47)
                out += decompressor.decompress(unused)
            if out:
                yield out
            data = raw.read(CHUNK_BYTES)
        if not decompressor.eof:
            raise EOFError("gzip stream ended before its end marker")
        return
    if head:
        if on_raw_bytes:
            on_raw_bytes(len(head))
        yield head
    while True:
        data = raw.read(CHUNK_BYTES)
        if not data:
            return
        if on_raw_bytes:
            on_raw_bytes(len(data))
        yield data


def decode_input(decoder: Decoder, name: str,
                 on_raw_bytes: Callable[[int], None] | None = None) -> Iterator[DecodedBatch]:
    """Feed one input through ``decoder``, yielding batches as they are decoded."""
    raw = _open(name)
    decoder.start_input(name)
    try:
        try:
            for chunk in _chunks(raw, on_raw_bytes):
                decoder.feed(chunk)
                yield from decoder.drain()
        except (EOFError, zlib.error, gzip.BadGzipFile) as e:
            decoder.end_input()
            decoder.add_reject(decoder.lines, Reject.TRUNCATED_INPUT, f"{name}: {e}")
        except OSError as e:
            decoder.end_input()
            decoder.add_reject(decoder.lines, Reject.UNREADABLE_INPUT, f"{name}: {e}")
        decoder.end_input()
        yield from decoder.drain()
    finally:
        if raw is not sys.stdin.buffer:
            raw.close()


def decode_inputs(names: Iterable[str], options: DecodeOptions | None = None,
                  decoder: Decoder | None = None,
                  on_raw_bytes: Callable[[int], None] | None = None) -> Iterator[DecodedBatch]:
    """Decode inputs one after another with one decoder (dedup spans inputs; fragments
    do not: each input's unfinished multi-part messages are rejected at its end)."""
    dec = decoder or Decoder(options)
    for name in names:
        yield from decode_input(dec, name, on_raw_bytes)
