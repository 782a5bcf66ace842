"""Read leases: requests in flight together share one attachment of the store file; it
is free again for writers when they are done; answers are kept only while nothing can
change them. Each test works on its own copy of the data directory, since a lease that
lingers would keep the shared one from other tests' writes for a moment."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import pytest

from pantau.api import users
from pantau.api.lease import LINGER_S, StoreUnavailable, leases_for
from pantau.store.base import StoreError
from pantau.store.embedded import EmbeddedStore
from tests.api.conftest import Served


@pytest.fixture
def data(served: Served, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(served.data_dir, copy)
    return copy


def test_overlapping_readers_share_one_attachment_and_its_answers(data: Path) -> None:
    leases = leases_for(data)
    with leases.read() as a, leases.read() as b:
        first = a.select("vessels", order_by="mmsi")
        assert b.select("vessels", order_by="mmsi") is first  # asked DuckDB once
        assert a.count("vessels") == first.num_rows
        with pytest.raises(StoreError):  # the file is held: no writer in this process
            EmbeddedStore(data)
    assert leases.held  # they overlapped: it stays a moment for the next request
    deadline = time.monotonic() + LINGER_S + 2
    while leases.held:
        assert time.monotonic() < deadline, "the lease never ended"
        time.sleep(0.02)
    EmbeddedStore(data).close()  # free for writers again


def test_a_lone_request_frees_the_file_at_once(data: Path) -> None:
    leases = leases_for(data)
    with leases.read() as store:
        assert store.count("users") > 0
    assert not leases.held
    EmbeddedStore(data).close()


def test_a_change_ends_a_lingering_lease_and_the_next_read_sees_it(data: Path) -> None:
    leases = leases_for(data)
    with leases.read() as a, leases.read():
        before = a.count("tokens")
    assert leases.held
    with leases.exclusive():
        assert not leases.held  # ended at once, not after the linger
        with EmbeddedStore(data) as store:
            new = users.issue_token(store, "analyst")
    with leases.read() as b:
        assert b.count("tokens") == before + 1  # a new lease: nothing kept from the old
        found = users.verify_token(b, new.token)
        assert found is not None and found.name == "analyst"


def test_readers_wait_while_a_change_runs(data: Path) -> None:
    leases = leases_for(data)
    order: list[str] = []
    writing = threading.Event()

    def read() -> None:
        writing.wait()
        with leases.read() as store:
            order.append(f"read {store.count('users')}")

    reader = threading.Thread(target=read)
    reader.start()
    with leases.exclusive():
        writing.set()
        time.sleep(0.2)  # the reader is waiting now, not reading
        with EmbeddedStore(data) as store:
            users.add_user(store, "late-comer", "analyst")
        order.append("written")
    reader.join(timeout=10)
    with EmbeddedStore(data, read_only=True) as store:
        n = store.count("users")
    assert order == ["written", f"read {n}"]


def test_a_store_held_for_writing_is_unavailable(data: Path) -> None:
    leases = leases_for(data)
    with EmbeddedStore(data), pytest.raises(StoreUnavailable, match="busy"):  # noqa: SIM117
        with leases.read():
            pass
    with leases.read() as store:  # and readable once it is let go
        assert store.count("vessels") > 0


def test_no_store_yet_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(StoreUnavailable, match="no pantau data"), \
            leases_for(tmp_path).read():
        pass


def test_kept_answers_are_the_store_answers(data: Path) -> None:
    leases = leases_for(data)
    with EmbeddedStore(data, read_only=True) as direct:
        want = {t: direct.select(t) for t in ("vessels", "users", "events")}
        counts = {t: direct.count(t, {"mmsi": ("!=", None)}) for t in ("vessels", "events")}
    with leases.read() as a, leases.read() as b:
        for table, rows in want.items():
            assert a.select(table).equals(rows)
            assert b.select(table).equals(rows)  # from what a kept
        for table, n in counts.items():
            assert a.count(table, {"mmsi": ("!=", None)}) == n
            assert b.count(table, {"mmsi": ("!=", None)}) == n
        assert a.select("users", {"name": "analyst"}).num_rows == 1
        assert b.select("users", {"name": "nobody"}).num_rows == 0


def test_two_services_on_one_file_share_its_leases(data: Path) -> None:
    assert leases_for(data) is leases_for(data / "positions" / "..")


def test_a_change_is_in_the_file_and_the_file_free_after_it(data: Path) -> None:
    leases = leases_for(data)
    with leases.write() as store:
        users.add_user(store, "through-the-host", "analyst")
        with pytest.raises(StoreError):  # held for writing meanwhile
            EmbeddedStore(data, read_only=True)
    assert not leases.held
    with EmbeddedStore(data) as store:  # checkpointed and let go: any writer may open it
        found = users.get_user(store, "through-the-host")
    assert found is not None and found.role == "analyst"
    with EmbeddedStore(data), pytest.raises(StoreUnavailable, match="busy"):  # noqa: SIM117
        with leases.write(retries_s=(0.01,)):
            pass
