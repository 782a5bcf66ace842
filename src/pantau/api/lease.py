"""Read-only store connections for the API, shared by the requests that overlap in time.

Opening the store's DuckDB file with ``duckdb.connect`` costs far more than a query on it:
about 30 ms of CPU, most of it starting a DuckDB instance. A service answering many
clients would spend its time opening and closing. So the process keeps one in-memory
DuckDB instance, the *host*, and a request reads through a *lease*: the first request of
a burst attaches the file to the host read-only (a few milliseconds), each later one
takes a cursor on it (a fraction of a millisecond), and the last one out detaches it, at
once after a lone request, a quarter of a second later after requests that overlapped
(the next of a steady stream will likely come by then, and find DuckDB's caches warm).
Between bursts nothing holds the file, and `pantau ingest` or `pantau users` can write
it, as before; under a steady load the file stays attached and those commands wait for
a pause (as before too: overlapping requests each held the file).

While a lease is held no other process can write the file (DuckDB locks it), and this
process writes only after :meth:`Leases.exclusive` has seen the lease end. So nothing a
lease reads can change while it lasts, and its answers are kept for its life: a hundred
requests checking the same token, or reading the same registry, ask DuckDB once.

One lease manager per store file and process (:func:`leases_for`), whichever service
objects read it: DuckDB refuses the same file attached twice in one instance.
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa

from pantau.store.base import StoreError, StoreVersionError, Where
from pantau.store.embedded import DB_FILE, EmbeddedStore
from pantau.store.migrations import SCHEMA_VERSION

log = logging.getLogger("pantau.api")

#: how long a lease that served requests at once stays after its last reader, so that a
#: steady stream of requests does not attach and detach the file between each two (and
#: lose DuckDB's caches with it); a lease that never had two readers ends at once
LINGER_S = 0.25
#: answers larger than this are not kept (a lease could otherwise hold much memory)
MEMO_ROWS = 50_000
MEMO_ENTRIES = 512

_host: duckdb.DuckDBPyConnection | None = None
_closing = False
_host_lock = threading.Lock()
_by_file: dict[Path, Leases] = {}


def _cursor() -> duckdb.DuckDBPyConnection:
    """A new connection to the host (the host object itself is for one thread at once)."""
    global _host
    with _host_lock:
        if _host is None:
            # the API reads small tables: a query on one thread costs less CPU than
            # waking a pool of them
            _host = duckdb.connect(config={"threads": 1})
            atexit.register(_close_host)
        return _host.cursor()


def _close_host() -> None:
    # closed before the interpreter tears its modules down; DuckDB's bindings complain
    # of leaked objects when an instance outlives them
    global _host, _closing
    with _host_lock:
        _closing = True  # a lingering lease's timer may still fire: it must not reopen
        if _host is not None:
            _host.close()
            _host = None


def leases_for(data_dir: Path) -> Leases:
    path = (data_dir / DB_FILE).resolve()
    with _host_lock:
        found = _by_file.get(path)
        if found is None:
            found = _by_file[path] = Leases(data_dir, f"store_{len(_by_file)}")
        return found


class StoreUnavailable(StoreError):
    """The store cannot be read right now (another process writes it, or no data yet)."""


class _Lease:
    def __init__(self) -> None:
        self.readers = 0
        self.busy = False  # had two readers at once: worth keeping a moment when idle
        self.idle_since = 0.0
        self.timer = False  # a check for idleness is due
        self.memo: dict[tuple[object, ...], pa.Table | int] = {}
        #: connections a finished request left, for the next (each set up already)
        self.idle: list[duckdb.DuckDBPyConnection] = []


#: a writing store keeps nothing: what it reads, it may change next
_NOTHING_KEPT: dict[tuple[object, ...], pa.Table | int] = {}


class LeasedStore(EmbeddedStore):
    """A store on its own connection to the host, defaulting to the attached file; when
    read-only, sharing the lease's kept answers. One request (one thread) at a time; the
    lease closes the connection, not the request."""

    def __init__(self, data_dir: Path, con: duckdb.DuckDBPyConnection,
                 memo: dict[tuple[object, ...], pa.Table | int] | None):
        # no super().__init__(): the file is attached already
        self.data_dir = data_dir
        self._con = con
        self._memo = memo if memo is not None else _NOTHING_KEPT

    def close(self) -> None:
        pass

    def _keep(self, key: tuple[object, ...], answer: pa.Table | int) -> None:
        rows = answer.num_rows if isinstance(answer, pa.Table) else 0
        if self._memo is not _NOTHING_KEPT and rows <= MEMO_ROWS \
                and len(self._memo) < MEMO_ENTRIES:
            self._memo[key] = answer

    def select(self, table: str, where: Where | None = None, order_by: str | None = None,
               limit: int | None = None) -> pa.Table:
        # repr tells 1 from '1' and naive from aware times; two filters alike but for
        # their order are two entries, which costs a query, never a wrong answer
        key = ("select", table, repr(where), order_by, limit)
        kept = self._memo.get(key)
        if isinstance(kept, pa.Table):
            return kept
        answer = super().select(table, where, order_by, limit)
        self._keep(key, answer)
        return answer

    def count(self, table: str, where: Where | None = None) -> int:
        key = ("count", table, repr(where))
        kept = self._memo.get(key)
        if isinstance(kept, int):
            return kept
        answer = super().count(table, where)
        self._keep(key, answer)
        return answer


class Leases:
    """The lease in force on one store file, if any, and the writers waiting for it."""

    RETRIES_S = (0.02, 0.05, 0.1, 0.2, 0.4)

    def __init__(self, data_dir: Path, alias: str):
        self.data_dir = data_dir
        self._alias = alias
        self._cond = threading.Condition()
        self._lease: _Lease | None = None
        self._writers = 0

    @contextmanager
    def read(self) -> Iterator[EmbeddedStore]:
        with self._cond:
            while self._writers:  # a waiting writer goes first, or it could wait forever
                self._cond.wait()
            if self._lease is None:
                self._attach()
                self._lease = _Lease()
            lease = self._lease
            lease.readers += 1
            lease.busy = lease.busy or lease.readers > 1
            con = lease.idle.pop() if lease.idle else None
        try:
            if con is None:
                con = self._connect()
            yield LeasedStore(self.data_dir, con, lease.memo)
        finally:
            with self._cond:
                lease.readers -= 1
                if con is not None:
                    lease.idle.append(con)
                if lease.readers == 0:
                    if lease.busy:
                        lease.idle_since = time.monotonic()
                        self._check_later(lease, LINGER_S)
                    else:
                        self._end(lease)

    def _check_later(self, lease: _Lease, delay_s: float) -> None:
        if not lease.timer:
            lease.timer = True
            timer = threading.Timer(delay_s, self._end_if_idle, args=(lease,))
            timer.daemon = True
            timer.start()

    def _end_if_idle(self, lease: _Lease) -> None:
        with self._cond:
            lease.timer = False
            if self._lease is not lease or lease.readers:
                return  # ended already, or in use again: its last reader checks anew
            left_s = lease.idle_since + LINGER_S - time.monotonic()
            if left_s > 0:
                self._check_later(lease, left_s)
            else:
                self._end(lease)

    def _end(self, lease: _Lease) -> None:
        """Close the lease's connections and detach the file. Under the condition; never
        raises (it runs as requests finish, and a failure here is no fault of theirs: the
        next attach detaches first)."""
        self._lease = None
        try:
            for idle in lease.idle:
                idle.close()
            if not _closing:
                self._detach()
        except duckdb.Error:
            log.exception("could not let go of %s", self.data_dir / DB_FILE)
        finally:
            lease.idle.clear()
            self._cond.notify_all()

    @contextmanager
    def exclusive(self, wait_s: float = 5.0) -> Iterator[None]:
        """No lease while the block runs: readers arriving meanwhile wait, and the block
        starts when those reading now are done. After ``wait_s`` it starts anyway (a
        request that both reads and writes would otherwise wait on itself); its own open
        then finds the file held and answers 503."""
        with self._cond:
            self._writers += 1
            if self._lease is not None and not self._lease.readers:
                self._end(self._lease)  # lingering idle: no reason to wait for it
            self._cond.wait_for(lambda: self._lease is None or not self._lease.readers,
                                timeout=wait_s)
            if self._lease is not None and not self._lease.readers:
                self._end(self._lease)
        try:
            yield
        finally:
            with self._cond:
                self._writers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self, retries_s: tuple[float, ...] = RETRIES_S) -> Iterator[EmbeddedStore]:
        """A read-write store for one change, once no request reads: the file attached
        read-write to the host (a DuckDB instance of its own would cost ten times more
        to start), and detached after, which also checkpoints it for other processes."""
        with self.exclusive():
            self._attach(read_only=False, retries_s=retries_s)
            try:
                con = self._connect()
                try:
                    yield LeasedStore(self.data_dir, con, None)
                finally:
                    con.close()
            finally:
                self._detach()

    @property
    def held(self) -> bool:
        """Whether the file is attached (in use, or lingering after use)."""
        return self._lease is not None

    def _connect(self) -> duckdb.DuckDBPyConnection:
        con = _cursor()
        try:
            con.execute(f"USE {self._alias}")
            con.execute("SET TimeZone = 'UTC'")  # per connection, not per instance
        except BaseException:
            con.close()
            raise
        return con

    def _attach(self, read_only: bool = True, retries_s: tuple[float, ...] = RETRIES_S
                ) -> None:
        """Attach the file, waiting a little while another process (or another
        connection in this one) holds it; then 503."""
        path = self.data_dir / DB_FILE
        if not path.exists():
            raise StoreUnavailable(f"no pantau data in {self.data_dir} yet")
        quoted = str(path).replace("'", "''")
        mode = " (READ_ONLY)" if read_only else ""
        for pause_s in (*retries_s, None):
            con = _cursor()
            try:
                con.execute(f"DETACH DATABASE IF EXISTS {self._alias}")  # a failed end's
                con.execute(f"ATTACH '{quoted}' AS {self._alias}{mode}")
                break
            except duckdb.Error as e:
                if pause_s is None:
                    raise StoreUnavailable(f"the store is busy ({path}: {e})") from None
            finally:
                con.close()
            time.sleep(pause_s)
        found = self._version()
        if found > SCHEMA_VERSION:
            self._detach()
            raise StoreVersionError(
                f"{self.data_dir} was written by a newer pantau (store schema v{found}); "
                f"this pantau reads up to v{SCHEMA_VERSION}: upgrade pantau to open it")
        if found < SCHEMA_VERSION and not read_only:  # the service upgraded it at start
            self._detach()
            raise StoreError(f"{self.data_dir}: the store is at schema v{found}, not "
                             f"v{SCHEMA_VERSION}; restart the service to upgrade it")

    def _version(self) -> int:
        con = _cursor()
        try:
            rows = con.execute(f"SELECT value FROM {self._alias}.meta "
                               "WHERE key = 'schema_version'").fetchall()
        except duckdb.Error:
            return 0
        finally:
            con.close()
        return int(rows[0][0]) if rows else 0

    def _detach(self) -> None:
        con = _cursor()
        try:
            con.execute(f"DETACH {self._alias}")
        finally:
            con.close()
