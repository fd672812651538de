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


def _two_waits(first: Signal, second: Signal, seen: list[tuple[str, bool]]) -> waits.Steps[str]:
    seen.append(("first", (yield waits.Wait(first, 5))))
    seen.append(("second", (yield waits.Wait(second, 5))))
    return "done"


def test_a_relay_is_carried_on_by_the_thread_that_sets_each_signal() -> None:
    first, second = Signal(), Signal()
    seen: list[tuple[str, bool]] = []
    delivered: list[tuple[str, str]] = []

    def setter() -> None:
        first.set()
        second.set()

    threading.Thread(target=setter, name="setter").start()
    waits.relay(_two_waits(first, second, seen),
                lambda result: delivered.append((result, threading.current_thread().name)))
    assert seen == [("first", True), ("second", True)]
    # Delivered by whichever thread ended the steps: the setter, unless it had set both before the relay began.
    assert delivered[0][0] == "done"


def test_a_relay_delivers_on_the_setting_thread_while_the_caller_waits() -> None:
    signal = Signal()
    delivered: list[str] = []

    def steps() -> waits.Steps[str]:
        yield waits.Wait(signal, 5)
        return "done"

    relay = waits._Relay(steps(), lambda result: delivered.append(threading.current_thread().name))

    def setter() -> None:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with relay._condition:
                if relay._current is not None and not relay._claimed:
                    break  # the caller waits: the steps are at the wait, and nobody carries them on
            time.sleep(0.001)
        signal.set()

    thread = threading.Thread(target=setter, name="setter")
    thread.start()
    relay.run()
    thread.join(5)
    assert delivered == ["setter"]


def test_at_a_waits_deadline_the_caller_carries_the_relay_on_itself() -> None:
    signal = Signal()
    seen: list[bool] = []
    delivered: list[str] = []

    def steps() -> waits.Steps[str]:
        seen.append((yield waits.Wait(signal, 0.05)))
        return "late"

    waits.relay(steps(), lambda result: delivered.append(threading.current_thread().name))
    assert seen == [False] and delivered == [threading.current_thread().name]
    signal.set()  # too late: nothing is carried on twice
    assert seen == [False]


def test_what_a_relays_steps_or_delivery_raise_is_raised_to_its_caller() -> None:
    signal = Signal()

    def failing() -> waits.Steps[str]:
        yield waits.Wait(signal, 5)
        raise ValueError("in the steps")

    threading.Timer(0.01, signal.set).start()
    with pytest.raises(ValueError, match="in the steps"):
        waits.relay(failing(), lambda result: None)

    def fine() -> waits.Steps[str]:
        return "done"
        yield  # a generator that never waits

    def refuse(result: str) -> None:
        raise OSError("the client went away")

    with pytest.raises(OSError, match="went away"):
        waits.relay(fine(), refuse)


def test_a_relay_over_signals_set_already_never_waits() -> None:
    first, second = Signal(), Signal()
    first.set()
    second.set()
    seen: list[tuple[str, bool]] = []
    start = time.perf_counter()
    waits.relay(_two_waits(first, second, seen), lambda result: None)
    assert seen == [("first", True), ("second", True)]
    assert time.perf_counter() - start < 4  # the waits' deadline is 5 s
