"""Holding threads on one core: narrowed for a hand-off, and each given its own mask back."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from lambdamock.runtime import Runtime, cores, waits
from lambdamock.runtime.waits import Signal, Wait
from tests.runtime.conftest import handler_source, invoke, make_spec
from tests.test_cores import narrowable


@narrowable
def test_an_idle_worker_is_narrowed_to_the_caller_s_core_and_given_back_its_mask() -> None:
    go = threading.Event()
    masks: List[Any] = []

    def worker() -> None:
        go.wait(10)
        masks.append(os.sched_getaffinity(0))
        cores.restore(held)
        masks.append(os.sched_getaffinity(0))

    thread = threading.Thread(target=worker)
    thread.start()
    mine = os.sched_getaffinity(0)
    cpu, held = cores.gather(thread)
    assert cpu is not None and held == mine
    go.set()
    thread.join(10)
    assert masks == [{cpu}, mine]


def test_nothing_is_held_for_a_thread_that_has_not_started() -> None:
    assert cores.gather(None) == (None, None)
    assert cores.gather(threading.Thread(target=print)) == (None, None)


@narrowable
def test_a_core_the_thread_may_not_have_is_refused_and_its_mask_left_alone() -> None:
    mine = os.sched_getaffinity(0)
    assert cores.hold(0, 100_000) is None
    assert os.sched_getaffinity(0) == mine


class _Interrupted(Exception):
    pass


class _Interrupting(Signal):
    """Interrupts its waiter, having noted the cores it waited on."""

    def wait(self, timeout: float) -> bool:
        self.cores = os.sched_getaffinity(0)
        raise _Interrupted


@narrowable
def test_a_caller_waits_on_the_worker_s_core_and_gets_its_mask_back_even_when_interrupted() -> None:
    mine = os.sched_getaffinity(0)
    signal = _Interrupting()

    def steps() -> waits.Steps[None]:
        yield Wait(signal, 10, min(mine))

    with pytest.raises(_Interrupted):
        waits.blocking(steps())
    assert signal.cores == {min(mine)}
    assert os.sched_getaffinity(0) == mine


@pytest.fixture
def gathered(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[Optional[threading.Thread]]]:
    """The workers the invocations asked to hold (see cores.gather)."""
    asked: List[Optional[threading.Thread]] = []
    gather = cores.gather

    def spy(worker: Optional[threading.Thread]) -> Any:
        asked.append(worker)
        return gather(worker)

    monkeypatch.setattr(cores, "gather", spy)
    yield asked


def test_a_lone_invocation_holds_its_worker_and_one_beside_another_does_not(
    runtime: Runtime, gathered: List[Optional[threading.Thread]], tmp_path: Path
) -> None:
    flag = tmp_path / "go"
    waiting = make_spec(handler_source(
        "deadline = time.monotonic() + 10\n"
        f"while not os.path.exists({str(flag)!r}) and time.monotonic() < deadline:\n"
        "    time.sleep(0.001)\n"
        "return 'waited'", prelude="import os, time"), name="waiting", timeout=30)
    quick = make_spec(handler_source("return 'quick'"), name="quick")
    assert invoke(runtime, quick).payload == b'"quick"'
    assert len(gathered) == 1  # alone: its worker was held
    results: List[bytes] = []
    thread = threading.Thread(target=lambda: results.append(invoke(runtime, waiting).payload))
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not runtime._busy and time.monotonic() < deadline:
            time.sleep(0.001)
        gathered.clear()
        assert invoke(runtime, quick).payload == b'"quick"'
        assert gathered == [] and not results  # beside the other one, which still ran: nothing held
    finally:
        flag.touch()
        thread.join(10)
    assert results == [b'"waited"']
