from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pantau.share.model import StatusChange, day_start
from pantau.share.tlp import TlpError, allows, strictest, tlp_rank

from ._fixtures import agreement

D = datetime(2026, 3, 1, tzinfo=UTC)


def test_status_follows_dates_and_history() -> None:
    a = agreement(history=(StatusChange(day_start(date(2026, 1, 1)), "in_force"),
                           StatusChange(D, "suspended"),
                           StatusChange(D + timedelta(days=10), "in_force")))
    assert a.status_at(datetime(2025, 12, 31, 23, tzinfo=UTC)) == "not_yet"
    assert a.in_force_at(datetime(2026, 1, 1, tzinfo=UTC))
    assert a.status_at(D) == "suspended" and not a.in_force_at(D + timedelta(days=9))
    assert a.in_force_at(D + timedelta(days=10))
    assert a.status_at(datetime(2027, 1, 1, tzinfo=UTC)) == "expired"
    assert a.in_force_periods() == [
        (datetime(2026, 1, 1, tzinfo=UTC), D),
        (D + timedelta(days=10), datetime(2027, 1, 1, tzinfo=UTC))]
    with pytest.raises(ValueError, match="timezone"):
        a.status_at(datetime(2026, 1, 1))


def test_exited_is_never_in_force_again_and_no_history_is_never_in_force() -> None:
    a = agreement(history=(StatusChange(day_start(date(2026, 1, 1)), "in_force"),
                           StatusChange(D, "exited")))
    assert a.in_force_periods() == [(datetime(2026, 1, 1, tzinfo=UTC), D)]
    assert not a.in_force_at(D + timedelta(days=100))
    assert agreement(history=()).in_force_periods() == []
    assert not agreement(history=()).in_force_at(D)


def test_tlp_order() -> None:
    assert strictest(["green", "amber+strict", "clear"]) == "amber+strict"
    assert strictest([]) == "clear"
    assert allows("amber", "green") and not allows("green", "amber")
    assert tlp_rank("RED") == 4
    with pytest.raises(TlpError, match="unknown TLP label 'white'"):
        tlp_rank("white")
