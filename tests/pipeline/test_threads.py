from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from pantau.pipeline.threads import Writer, in_thread


def test_items_arrive_in_order_and_the_thread_ends() -> None:
    assert list(in_thread(lambda: iter(range(100)))) == list(range(100))
    assert not [t for t in threading.enumerate() if t.name == "pantau-producer"]


def test_a_producer_failure_is_raised_in_the_consumer() -> None:
    def produce() -> Iterator[int]:
        yield 1
        raise OSError("disk on fire")

    with pytest.raises(OSError, match="disk on fire"):
        list(in_thread(produce))


def test_a_consumer_that_stops_early_stops_the_producer() -> None:
    produced: list[int] = []

    def produce() -> Iterator[int]:
        for i in range(10_000):
            produced.append(i)
            yield i

    items = in_thread(produce, depth=2)
    assert next(items) == 0
    items.close()
    time.sleep(0.05)
    assert len(produced) < 10 and not [t for t in threading.enumerate()
                                       if t.name == "pantau-producer"]


def test_writer_raises_a_failed_write() -> None:
    writer = Writer(depth=1)
    done: list[int] = []
    writer.submit(done.append, 1)

    def fail() -> None:
        raise OSError("No space left on device")

    writer.submit(fail)
    with pytest.raises(OSError, match="No space"):
        writer.close()
    assert done == [1]
