"""Running a producer in a thread of its own, so that decoding (which releases the GIL)
overlaps with cleaning, labelling and writing on the other core."""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def in_thread(produce: Callable[[], Iterator[T]], depth: int = 2) -> Generator[T, None, None]:
    """Items of ``produce()``, computed ahead by at most ``depth`` in another thread.

    An exception in the producer is raised here; if the consumer stops early (or fails),
    the producer is told to stop and is waited for, so no thread outlives the call."""
    q: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            for item in produce():
                if not put(item):
                    return
            put(_DONE)
        except BaseException as e:  # handed to the consumer, which raises it
            put(_Failed(e))

    worker = threading.Thread(target=run, name="pantau-producer", daemon=True)
    worker.start()
    try:
        while True:
            item = q.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join()


class Writer:
    """Runs writes (which release the GIL while encoding) in one background thread, at most
    ``depth`` behind; the first failure is raised by the next call or by :meth:`wait`."""

    def __init__(self, depth: int = 2):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pantau-writer")
        self._pending: deque[Future[object]] = deque()
        self._depth = depth

    def submit(self, fn: Callable[..., object], *args: object) -> None:
        while len(self._pending) >= self._depth:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(fn, *args))

    def wait(self) -> None:
        while self._pending:
            self._pending.popleft().result()

    def close(self) -> None:
        """Wait for what was submitted (raising its failure), then stop the thread."""
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
