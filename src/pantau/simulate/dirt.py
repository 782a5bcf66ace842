"""The dirt of a real feed: a few damaged lines and lines slightly out of order.

Duplicates need no code here: every receiver in range hears a report, so overlapping
coverage yields the same sentence from two or three stations, as in a real network.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from pantau.simulate import bulk

#: share of lines damaged in transit (a bad checksum or a cut line)
CORRUPT_RATE = 0.001
#: of those, the share that is cut short rather than altered
TRUNCATED_SHARE = 0.4
#: lines reach the file up to this many seconds after their receive time
REORDER_S = 3.0
#: a cut line keeps this many bytes of its sentence: never its checksum
CUT_MIN, CUT_MAX = 8, 40


def corruption(eligible: npt.NDArray[np.bool_], protected: npt.NDArray[np.bool_],
               rng: np.random.Generator) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int32]]:
    """(mode, position) per line: :data:`bulk.CLEAN` for most; ``eligible`` lines of
    vessels not ``protected`` are damaged at :data:`CORRUPT_RATE`."""
    n = len(eligible)
    hit = (rng.random(n) < CORRUPT_RATE) & eligible & ~protected
    mode = np.where(rng.random(n) < TRUNCATED_SHARE, bulk.TRUNCATED, bulk.BAD_CHECKSUM)
    corrupt = np.where(hit, mode, bulk.CLEAN).astype(np.int8)
    cut = rng.integers(CUT_MIN, CUT_MAX + 1, n).astype(np.int32)
    return corrupt, cut
