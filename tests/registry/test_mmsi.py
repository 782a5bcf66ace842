"""MMSI formats (ITU-R M.585) and the MID table."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pantau.registry import flag_of, mid_of, mid_table, mmsi_kind
from pantau.registry.errors import RegistryError
from pantau.registry.mmsi import parse_mid_csv
from pantau.registry.schema import MMSI_KINDS

CASES = [
    # mmsi, kind, mid, flag
    (533123456, "ship", 533, "MY"),
    (412345678, "ship", 412, "CN"),
    (413000001, "ship", 413, "CN"),
    (414000001, "ship", 414, "CN"),
    (366999999, "ship", 366, "US"),
    (338123456, "ship", 338, "US"),
    (431000001, "ship", 431, "JP"),
    (525000001, "ship", 525, "ID"),
    (574000001, "ship", 574, "VN"),
    (470000001, "ship", 470, "AE"),
    (531000001, "ship", 531, "LA"),
    (563000001, "ship", 563, "SG"),
    (548000001, "ship", 548, "PH"),
    (5331234, "coast_station", 533, "MY"),  # 005331234
    (53312345, "group", 533, "MY"),  # 053312345
    (995331234, "aid_to_navigation", 533, "MY"),
    (111533123, "sar_aircraft", 533, "MY"),
    (985331234, "auxiliary_craft", 533, "MY"),
    (853312345, "diver", 533, "MY"),
    (970012345, "sart_mob_epirb", None, None),
    (972012345, "sart_mob_epirb", None, None),
    (974012345, "sart_mob_epirb", None, None),
    (12345, "invalid", None, None),  # 000012345: coast station format, MID 001
    (0, "invalid", None, None),
    (123456789, "invalid", None, None),  # prefix 1 other than 111
    (217000000, "invalid", None, None),  # MID 217 not allocated
    (979123456, "invalid", None, None),  # AMRD, not one of the kinds
    (1_000_000_000, "invalid", None, None),  # ten digits
    (-533123456, "invalid", None, None),
    (None, "invalid", None, None),
]


def test_each_format() -> None:
    mmsi = [c[0] for c in CASES]
    assert mmsi_kind(mmsi).to_pylist() == [c[1] for c in CASES]
    assert mid_of(mmsi).to_pylist() == [c[2] for c in CASES]
    assert flag_of(mmsi).to_pylist() == [c[3] for c in CASES]


def test_accepts_arrow_numpy_and_chunked() -> None:
    expected = ["MY", "CN", None]
    assert flag_of(pa.array([533000001, 412000001, None], pa.int64())).to_pylist() == expected
    assert flag_of(pa.chunked_array([[533000001], [412000001, None]])).to_pylist() == expected
    assert flag_of(np.array([533000001, 412000001, np.nan])).to_pylist() == expected
    assert flag_of(pa.array([533000001, 412000001, None], pa.uint32())).to_pylist() == expected
    assert flag_of([]).to_pylist() == []
    with pytest.raises(RegistryError):
        flag_of(pa.array(["533000001"]))


def test_mid_table_is_sound() -> None:
    table = mid_table().table
    mids = table.column("mid").to_pylist()
    assert len(mids) == len(set(mids)) > 280
    assert all(201 <= m <= 775 and 2 <= m // 100 <= 7 for m in mids)
    assert all(len(c) == 2 and c.isascii() and c.isupper()
               for c in table.column("iso2").to_pylist())
    assert all(table.column("name").to_pylist())
    by_mid = dict(zip(mids, table.column("iso2").to_pylist(), strict=True))
    for mid, iso in [(533, "MY"), (412, "CN"), (413, "CN"), (414, "CN"), (338, "US"),
                     (366, "US"), (367, "US"), (368, "US"), (369, "US"), (431, "JP"),
                     (432, "JP"), (525, "ID"), (574, "VN"), (470, "AE"), (471, "AE"),
                     (531, "LA"), (563, "SG"), (564, "SG"), (565, "SG"), (566, "SG"),
                     (548, "PH"), (508, "BN"), (416, "TW"), (477, "HK")]:
        assert by_mid[mid] == iso, mid


def test_mid_csv_header_is_checked() -> None:
    with pytest.raises(ValueError, match="header"):
        parse_mid_csv("# note\nmid,country\n533,MY\n")


@given(st.lists(st.one_of(st.none(), st.integers(-10**10, 10**10)), max_size=50))
def test_kinds_flags_and_mids_agree(values: list[int | None]) -> None:
    kinds = mmsi_kind(values).to_pylist()
    flags = flag_of(values).to_pylist()
    mids = mid_of(values).to_pylist()
    iso = dict(zip(mid_table().table.column("mid").to_pylist(),
                   mid_table().table.column("iso2").to_pylist(), strict=True))
    for v, kind, flag, mid in zip(values, kinds, flags, mids, strict=True):
        assert kind in MMSI_KINDS
        assert (flag is None) == (mid is None)
        if mid is not None:
            assert iso[mid] == flag
        # every kind with a MID position has an allocated MID, or it is invalid
        if kind in ("invalid", "sart_mob_epirb"):
            assert mid is None
        else:
            assert mid is not None and v is not None and 0 <= v <= 999_999_999


@given(st.sampled_from([533, 412, 366, 525, 574]), st.integers(0, 999))
def test_one_mid_every_format(mid: int, tail: int) -> None:
    values = [mid * 1_000_000 + tail, mid * 10_000 + tail, 111_000_000 + mid * 1000 + tail,
              980_000_000 + mid * 10_000 + tail, 990_000_000 + mid * 10_000 + tail,
              mid * 100_000 + tail, 800_000_000 + mid * 100_000 + tail]
    assert mid_of(values).to_pylist() == [mid] * len(values)
    assert mmsi_kind(values).to_pylist() == ["ship", "coast_station", "sar_aircraft",
                                             "auxiliary_craft", "aid_to_navigation", "group",
                                             "diver"]
