"""Each format's bytes for the fixed release in _release.py, against files in
tests/share/golden/. A change to any output fails here; when the change is meant, rewrite the
files and review the diff:

    PANTAU_UPDATE_GOLDEN=1 pytest tests/share/formats/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pantau.share.formats import FORMATS, SUFFIXES, render

from ._release import golden_release

GOLDEN = Path(__file__).parent.parent / "golden"


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_output_matches_the_golden_file(fmt: str) -> None:
    path = GOLDEN / f"release{SUFFIXES[fmt]}"
    out = render(golden_release(), fmt)
    if os.environ.get("PANTAU_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_bytes(out)
    assert path.exists(), f"{path} is missing; PANTAU_UPDATE_GOLDEN=1 writes it"
    assert out == path.read_bytes(), (
        f"{fmt} output differs from {path}; if the change is intended, rerun with "
        "PANTAU_UPDATE_GOLDEN=1 and review the diff")
