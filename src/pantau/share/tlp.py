"""Traffic Light Protocol 2.0 labels, ordered from least to most restricted.

A record released to a partner carries one label; a derived product (an incident built from
events) carries the strictest label of its inputs, so that combining records can never lower
a restriction.
"""

from __future__ import annotations

from collections.abc import Iterable

#: FIRST TLP 2.0, least restricted first.
TLP_LEVELS: tuple[str, ...] = ("clear", "green", "amber", "amber+strict", "red")


class TlpError(ValueError):
    """A label that is not a TLP 2.0 label."""


def tlp_rank(label: str) -> int:
    """0 for clear up to 4 for red."""
    try:
        return TLP_LEVELS.index(label.lower())
    except ValueError:
        raise TlpError(f"unknown TLP label {label!r} (expected one of "
                       f"{', '.join(TLP_LEVELS)})") from None


def strictest(labels: Iterable[str], default: str = "clear") -> str:
    """The most restrictive of ``labels`` (``default`` when there are none)."""
    best = tlp_rank(default)
    for label in labels:
        best = max(best, tlp_rank(label))
    return TLP_LEVELS[best]


def allows(max_tlp: str, label: str) -> bool:
    """Whether a record labelled ``label`` may go under a ceiling of ``max_tlp``."""
    return tlp_rank(label) <= tlp_rank(max_tlp)
