"""Signals: set once by an environment's thread, waited for by a caller on a thread or an event loop."""

from __future__ import annotations

import sys
import threading
import time
from typing import Callable

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


def test_a_signal_set_already_settles_where_nothing_is_watched_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Signal.settles: "whether it is set now or within ``within`` seconds"; without watching, "now" still counts.
    monkeypatch.setattr(waits, "_yield", None)
    signal = Signal()
    assert not signal.settles(0)
    signal.set()
    assert signal.settles(0) and signal.settles(1)


def _two_waits(first: Signal, second: Signal, seen: list[tuple[str, bool]]) -> waits.Steps[str]:
    seen.append(("first", (yield waits.Wait(first, 5))))
    seen.append(("second", (yield waits.Wait(second, 5))))
    return "done"


def _run(steps: waits.Steps[str], deliver: Callable[[str], None]) -> None:
    """A relay run to its end on this thread, raising what it failed with."""
    failures: list[BaseException] = []
    waits.relay(steps, deliver, failures.append).finish()
    if failures:
        raise failures[0]


def test_a_relay_is_carried_on_by_the_thread_that_sets_each_signal() -> None:
    first, second = Signal(), Signal()
    seen: list[tuple[str, bool]] = []
    delivered: list[tuple[str, str]] = []

    def setter() -> None:
        first.set()
        second.set()

    threading.Thread(target=setter, name="setter").start()
    _run(_two_waits(first, second, seen), lambda result: delivered.append((result, threading.current_thread().name)))
    assert seen == [("first", True), ("second", True)]
    # Delivered by whichever thread ended the steps: the setter, unless it had set both before the relay began.
    assert delivered[0][0] == "done"


def test_a_relay_delivers_on_the_setting_thread_while_its_caller_does_other_work() -> None:
    signal = Signal()
    delivered: list[str] = []

    def steps() -> waits.Steps[str]:
        yield waits.Wait(signal, 5)
        return "done"

    relay = waits.relay(steps(), lambda result: delivered.append(threading.current_thread().name), print)
    assert not relay.ended and relay.due() is not None  # at the wait, and nobody carries the steps on
    thread = threading.Thread(target=signal.set, name="setter")
    thread.start()
    thread.join(5)
    assert relay.ended and delivered == ["setter"]  # without the caller waiting for anything
    assert relay.due() is None
    relay.finish()  # at once: they ended


def test_at_a_waits_deadline_the_caller_carries_the_relay_on_itself() -> None:
    signal = Signal()
    seen: list[bool] = []
    delivered: list[str] = []

    def steps() -> waits.Steps[str]:
        seen.append((yield waits.Wait(signal, 0.05)))
        return "late"

    relay = waits.relay(steps(), lambda result: delivered.append(threading.current_thread().name), print)
    relay.carry_on()  # before the deadline: nothing happens
    assert seen == [] and 0 < (relay.due() or 0) <= 0.05
    deadline = time.monotonic() + 5
    while relay.due() != 0.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    relay.carry_on()
    assert seen == [False] and delivered == [threading.current_thread().name] and relay.ended
    signal.set()  # too late: nothing is carried on twice
    assert seen == [False]
    _run(steps(), lambda result: delivered.append(result))  # finish() carries on at the deadline too
    assert delivered[-1] == "late"


def test_a_signal_that_comes_after_its_wait_was_carried_on_at_the_deadline_carries_on_nothing() -> None:
    # Relay._set: only the signal of the wait the steps are at carries them on; a later wait is not answered by it.
    first, second = Signal(), Signal()
    seen: list[tuple[str, bool]] = []

    def steps() -> waits.Steps[str]:
        seen.append(("first", (yield waits.Wait(first, 0.01))))
        seen.append(("second", (yield waits.Wait(second, 5))))
        return "done"

    relay = waits.relay(steps(), print, print)
    deadline = time.monotonic() + 5
    while relay.due() != 0.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    relay.carry_on()  # at the first wait's deadline: on to the second
    assert seen == [("first", False)]
    first.set()  # too late for the first wait, and not the second's signal
    assert seen == [("first", False)] and not relay.ended
    second.set()
    assert seen == [("first", False), ("second", True)] and relay.ended


def test_what_a_relays_steps_or_delivery_raise_goes_to_its_failure_handler() -> None:
    signal = Signal()

    def failing() -> waits.Steps[str]:
        yield waits.Wait(signal, 5)
        raise ValueError("in the steps")

    threading.Timer(0.01, signal.set).start()
    with pytest.raises(ValueError, match="in the steps"):
        _run(failing(), lambda result: None)

    def fine() -> waits.Steps[str]:
        return "done"
        yield  # a generator that never waits

    def refuse(result: str) -> None:
        raise OSError("the client went away")

    with pytest.raises(OSError, match="went away"):
        _run(fine(), refuse)


def test_finishing_a_relay_whose_signal_never_comes_returns_at_the_waits_deadline() -> None:
    # Relay.finish: the steps are carried on "here at a wait's deadline", not long after it.
    seen: list[bool] = []

    def steps() -> waits.Steps[str]:
        seen.append((yield waits.Wait(Signal(), 0.2)))
        return "late"

    start = time.monotonic()
    waits.relay(steps(), print, print).finish()
    assert seen == [False] and time.monotonic() - start < 2


class _Stop(BaseException):
    pass


def test_a_base_exception_its_delivery_raises_goes_to_the_relays_failure_handler_too() -> None:
    # waits.relay: "what the steps or ``deliver`` raise" goes to ``failed``, not only an Exception.
    failures: list[BaseException] = []

    def fine() -> waits.Steps[str]:
        return "done"
        yield  # a generator that never waits

    def stop(result: str) -> None:
        raise _Stop(result)

    relay = waits.relay(fine(), stop, failures.append)
    assert relay.ended and [type(failure) for failure in failures] == [_Stop]


def test_a_relay_ends_even_when_its_failure_handler_raises() -> None:
    signal = Signal()

    def steps() -> waits.Steps[str]:
        yield waits.Wait(signal, 5)
        return "done"

    def refuse(result: str) -> None:
        raise OSError("the client went away")

    def broken(error: BaseException) -> None:
        raise RuntimeError("so did the handler")

    relay = waits.relay(steps(), refuse, broken)
    with pytest.raises(RuntimeError):
        signal.set()  # this thread sets the signal, so it carries the steps on: the handler's error comes out here
    assert relay.ended
    relay.finish()  # nothing to wait for: a caller is never left waiting on a relay that failed


def test_a_relay_over_signals_set_already_never_waits() -> None:
    first, second = Signal(), Signal()
    first.set()
    second.set()
    seen: list[tuple[str, bool]] = []
    start = time.perf_counter()
    relay = waits.relay(_two_waits(first, second, seen), lambda result: None, print)
    assert relay.ended  # on the caller's own thread, before relay() returned
    assert seen == [("first", True), ("second", True)]
    assert time.perf_counter() - start < 4  # the waits' deadline is 5 s


def test_a_relay_whose_signal_comes_about_its_deadline_is_delivered_once() -> None:
    # The setting thread and the caller (at the deadline) both try to carry the steps on: one of them does.
    deliveries: list[bool] = []
    for attempt in range(180):
        signal = Signal()

        def steps(signal: Signal = signal) -> waits.Steps[bool]:
            came = yield waits.Wait(signal, 0.005)
            return came

        def setter(signal: Signal = signal, delay: float = (attempt % 9) * 0.00125) -> None:
            time.sleep(delay)  # from well before the deadline to well after it
            signal.set()

        relay = waits.relay(steps(), deliveries.append, print)
        thread = threading.Thread(target=setter)
        thread.start()
        relay.finish()
        thread.join(5)
    assert len(deliveries) == 180  # each once: on time (True) or at the deadline (False), never both
    assert True in deliveries and False in deliveries  # both sides of the race were run
