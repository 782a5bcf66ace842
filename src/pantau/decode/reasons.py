"""Why a record was skipped or rejected. Codes are shared with the Numba kernels."""

from __future__ import annotations

from enum import IntEnum


class Skip(IntEnum):
    """Records that are not AIS data and are not errors: counted, not kept."""

    BLANK = 1
    COMMENT = 2
    OTHER_NMEA = 3  # GPS and instrument sentences interleaved with AIS
    PROPRIETARY = 4  # $P... wrapper lines such as Gatehouse $PGHP
    DUPLICATE = 5  # the same message heard again within the dedup window
    DUPLICATE_FRAGMENT = 6  # a fragment repeated before its message completed
    TAG_BLOCK_ONLY = 7  # a line holding only a tag block, applied to the next line


class Reject(IntEnum):
    """Records that should have been AIS and could not be used: kept with the reason."""

    BAD_CHECKSUM = 1
    NO_CHECKSUM = 2
    MALFORMED = 3  # wrong number of fields: typically a truncated sentence
    BAD_FRAGMENT_NUMBERS = 4
    BAD_FILL_BITS = 5
    EMPTY_PAYLOAD = 6
    BAD_PAYLOAD_CHARACTER = 7  # outside the 6-bit armouring alphabet
    BAD_TAG_BLOCK_CHECKSUM = 8
    MALFORMED_TAG_BLOCK = 9
    NOT_NMEA = 10
    BINARY_DATA = 11
    FRAGMENT_TIMEOUT = 12  # a multi-part message whose other fragments never came
    INCOMPLETE_AT_END = 13  # fragments still waiting when the input ended
    FRAGMENT_SUPERSEDED = 14  # same fragment id reused with different content
    FRAGMENT_TABLE_FULL = 15
    LINE_TOO_LONG = 16
    PAYLOAD_TOO_SHORT = 17
    UNKNOWN_MESSAGE_TYPE = 18
    TRUNCATED_INPUT = 19  # e.g. a gzip stream cut short
    UNREADABLE_INPUT = 20


SKIP_NAMES = {s.value: s.name.lower() for s in Skip}
REJECT_NAMES = {r.value: r.name.lower() for r in Reject}
N_CODES = 32  # size of the per-reason counter arrays
