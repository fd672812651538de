"""Signals: set once by an environment's thread, waited for by a caller on a thread or an event loop."""

from __future__ import annotations

import threading
import time

from lambdamock.runtime.waits import Signal


def test_a_signal_set_by_another_thread_settles_while_watched() -> None:
    signal = Signal()
    thread = threading.Timer(0.05, signal.set)  # set while the test thread watches, not before
    thread.start()
    # Watching lets the other thread run (and have the GIL): it sets the signal within the window.
    assert signal.settles(10)
    thread.join(10)
    assert signal.wait(0) and signal.settles(0)


def test_watching_a_signal_nobody_sets_ends_with_its_window() -> None:
    signal = Signal()
    start = time.monotonic()
    assert not signal.settles(0.05)
    assert time.monotonic() - start >= 0.05
    assert not signal.wait(0)  # watching consumed nothing: the signal is still unset, and still waitable
    signal.set()
    assert signal.wait(0)
