"""Signals: set once by an environment's thread, waited for by a caller on a thread or an event loop."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from lambdamock.runtime import waits
from lambdamock.runtime.waits import Signal

watched = pytest.mark.skipif(waits._yield is None, reason="no watching here (Python 3.9, or no sched_yield)")


@watched
def test_a_signal_set_by_another_thread_settles_while_watched() -> None:
    signal = Signal()
    thread = threading.Timer(0.05, signal.set)  # set while the test thread watches, not before
    interval = sys.getswitchinterval()
    # The GIL is not taken from a running thread for 100 s: only the watcher's own yielding lets the timer run.
    sys.setswitchinterval(100)
    try:
        thread.start()
        start = time.perf_counter()
        assert signal.settles(5)
        assert time.perf_counter() - start < 4
    finally:
        sys.setswitchinterval(interval)
    thread.join(10)
    assert signal.wait(0) and signal.settles(0)


@watched
def test_watching_a_signal_nobody_sets_ends_with_its_window() -> None:
    signal = Signal()
    start = time.perf_counter()
    assert not signal.settles(0.05)
    assert time.perf_counter() - start >= 0.05
    assert not signal.wait(0)  # watching consumed nothing: the signal is still unset, and still waitable
    signal.set()
    assert signal.wait(0)


@pytest.mark.skipif(waits._yield is not None, reason="watching is on here")
def test_where_a_yield_would_not_hand_over_the_gil_nothing_is_watched() -> None:
    # Before Python 3.10 a thread that yields takes the GIL straight back, so the setter could not run.
    start = time.perf_counter()
    assert not Signal().settles(1)
    assert time.perf_counter() - start < 0.5
