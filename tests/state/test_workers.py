"""The pool of background threads (lambdamock.workers): how many it starts, and whom its notifications wake."""

from __future__ import annotations

import threading
from typing import Callable

from lambdamock.workers import Workers
from tests.helpers import wait_until


def _spawn(target: Callable[[], None], name: str) -> threading.Thread:
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


def test_items_that_come_at_once_get_a_thread_each_up_to_the_limit() -> None:
    gate, inside = threading.Event(), []
    workers: Workers[int] = Workers(_spawn, lambda item: (inside.append(item), gate.wait(10)), 3, "test")
    try:
        workers.put([1, 2, 3, 4])
        wait_until(lambda: len(inside) == 3, timeout=5)  # three at once; the fourth waits for a thread
        assert sorted(inside) == [1, 2, 3]
    finally:
        gate.set()
    wait_until(lambda: len(inside) == 4, timeout=5)
    workers.close()


def test_another_waiter_on_the_shared_lock_never_takes_a_worker_s_wake_up() -> None:
    # mock.wait() waits on the lock the Event queue shares: an item put while it waits goes to an idle worker.
    lock = threading.RLock()
    done, waiting = threading.Event(), threading.Event()
    workers: Workers[threading.Event] = Workers(_spawn, lambda item: item.set(), 2, "test", lock)
    first = threading.Event()
    workers.put([first])
    assert first.wait(5)
    other = threading.Condition(lock)

    def wait_on_the_lock() -> None:
        with other:
            waiting.set()
            other.wait(10)

    waiter = threading.Thread(target=wait_on_the_lock, daemon=True)
    waiter.start()
    assert waiting.wait(5)
    with lock:
        workers.put([done])  # the one worker is idle: no thread is started
    assert done.wait(5)
    with other:
        other.notify_all()
    waiter.join(5)
    workers.close()
