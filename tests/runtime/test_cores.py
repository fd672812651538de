"""Narrowing threads to one core for a hand-off, each given its own mask back as it wakes."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator, List, Optional

import pytest

from lambdamock.runtime import Runtime, cores, waits
from lambdamock.runtime.cores import Meeting
from lambdamock.runtime.waits import Signal, Wait
from tests.helpers import ended_by_itself, narrowable, wait_until
from tests.runtime.conftest import handler_source, invoke, make_spec


def _waiting_thread(go: threading.Event, then: Any) -> threading.Thread:
    def run() -> None:
        go.wait(10)
        then()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@narrowable
def test_an_idle_worker_is_narrowed_to_the_caller_s_core_and_gets_its_mask_back_as_it_arrives() -> None:
    go = threading.Event()
    masks: List[Any] = []
    meeting: List[Meeting] = []

    def arrive() -> None:
        masks.append(os.sched_getaffinity(0))
        meeting[0].arrived()
        masks.append(os.sched_getaffinity(0))

    thread = _waiting_thread(go, arrive)
    mine = os.sched_getaffinity(0)
    met = cores.meet(thread)
    assert met is not None
    meeting.append(met)
    go.set()
    thread.join(10)
    assert len(masks[0]) == 1 and masks[1] == mine


@narrowable
def test_a_thread_is_never_narrowed_to_a_core_its_own_mask_leaves_out() -> None:
    mine = os.sched_getaffinity(0)
    first, last = min(mine), max(mine)
    go = threading.Event()
    seen: List[Any] = []

    def pinned() -> None:
        os.sched_setaffinity(0, {first})
        go.wait(10)
        seen.append(os.sched_getaffinity(0))

    thread = threading.Thread(target=pinned)
    thread.start()
    try:
        os.sched_setaffinity(0, {last})
        wait_until(lambda: os.sched_getaffinity(thread.native_id) == {first}, 10)
        assert cores.meet(thread) is None
    finally:
        os.sched_setaffinity(0, mine)
        go.set()
        thread.join(10)
    assert seen == [{first}]


def test_nothing_is_narrowed_for_a_thread_that_has_not_started() -> None:
    assert cores.meet(threading.Thread(target=print)) is None


@narrowable
def test_a_core_the_thread_may_not_have_is_refused_and_its_mask_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = os.sched_getaffinity(0)
    monkeypatch.setattr(cores, "_current_cpu", lambda: 100_000)
    assert cores.meet(threading.current_thread()) is None
    assert os.sched_getaffinity(0) == mine


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="narrowing is Linux's")
def test_on_linux_threads_are_narrowed() -> None:
    # runtime.cores: hand-offs keep to one core on Linux; only elsewhere, or where the kernel refuses, nothing is.
    assert cores._current_cpu is not None and cores._current_cpu() >= 0


def _refused(*args: Any) -> None:
    raise PermissionError(1, "Operation not permitted")


@narrowable
def test_where_the_kernel_refuses_nothing_is_narrowed_and_nothing_is_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    mine = os.sched_getaffinity(0)
    monkeypatch.setattr(os, "sched_setaffinity", _refused)
    assert cores.meet(threading.current_thread()) is None
    Meeting(mine).arrived()  # its own mask back, refused: the kernel's stands
    assert os.sched_getaffinity(0) == mine


def _meeting() -> Meeting:
    """A meeting with a worker stand-in that was never narrowed (its arrival is not what these tests are about)."""
    return Meeting(os.sched_getaffinity(0))


@narrowable
def test_a_blocked_caller_is_narrowed_to_the_answering_core_and_gets_its_mask_back_as_it_wakes() -> None:
    mine = os.sched_getaffinity(0)
    caller = threading.get_native_id()
    signal, meeting = Signal(), _meeting()
    seen: List[Any] = []

    def answer() -> None:
        # The caller blocks in the wait by now (it registered before blocking, and nothing is set before it does).
        deadline = time.monotonic() + 10
        while not meeting._caller and time.monotonic() < deadline:
            time.sleep(0.001)
        meeting.answering()
        seen.append(os.sched_getaffinity(caller))
        signal.set()

    def steps() -> waits.Steps[bool]:
        return (yield Wait(signal, 10, meeting))

    thread = threading.Thread(target=answer)
    thread.start()
    assert waits.blocking(steps())
    thread.join(10)
    assert len(seen[0]) == 1
    assert os.sched_getaffinity(0) == mine


class _Interrupted(Exception):
    pass


class _Interrupting(Signal):
    def wait(self, timeout: float) -> bool:
        raise _Interrupted


@narrowable
def test_a_caller_interrupted_before_the_answer_is_never_narrowed_after() -> None:
    mine = os.sched_getaffinity(0)
    meeting = _meeting()

    def steps() -> waits.Steps[None]:
        yield Wait(_Interrupting(), 10, meeting)

    with pytest.raises(_Interrupted):
        waits.blocking(steps())
    meeting.answering()  # the worker, done later: the test thread runs other code by then
    assert os.sched_getaffinity(0) == mine


def _until_idle(runtime: Runtime) -> None:
    """Wait until every environment's worker waits for a call (as it soon does once it answered)."""
    wait_until(lambda: all(env._idle for pool in runtime._pools.values() for env in pool.on_demand), 10)


@pytest.fixture
def met(monkeypatch: pytest.MonkeyPatch) -> Iterator[List[str]]:
    """What invocations' meetings did: "met <function>" for each worker narrowed (cores.meet), then the worker's
    "answering" and the blocked caller's "woken"."""
    done: List[str] = []
    meet = cores.meet

    def spy(worker: threading.Thread) -> Optional[Meeting]:
        done.append(f"met {worker.name.split(':')[1]}")  # its function's name (lambdamock:<name>:<id>)
        return meet(worker)

    answering, woken = Meeting.answering, Meeting.woken

    def answer(self: Meeting) -> None:
        deadline = time.monotonic() + 5  # until the caller blocks, which it does unless it is not told of the meeting
        while not self._caller and time.monotonic() < deadline:
            time.sleep(0.001)
        done.append("answering")
        answering(self)

    def wake(self: Meeting) -> None:
        done.append("woken")
        woken(self)

    monkeypatch.setattr(cores, "meet", spy)
    monkeypatch.setattr(Meeting, "answering", answer)
    monkeypatch.setattr(Meeting, "woken", wake)
    yield done


@narrowable
def test_a_lone_invocation_narrows_its_worker_and_its_caller_and_one_beside_another_does_not(
    runtime: Runtime, met: List[str], tmp_path: Path
) -> None:
    flag = tmp_path / "go"
    waiting = make_spec(handler_source(
        "deadline = time.monotonic() + 10\n"
        f"while not os.path.exists({str(flag)!r}) and time.monotonic() < deadline:\n"
        "    time.sleep(0.001)\n"
        "return 'waited'", prelude="import os, time"), name="waiting", timeout=30)
    quick = make_spec(handler_source("return 'quick'"), name="quick")
    assert invoke(runtime, quick).payload == b'"quick"'
    _until_idle(runtime)
    met.clear()
    assert invoke(runtime, quick).payload == b'"quick"'
    # Alone: its worker was narrowed, then its caller as it was answered.
    assert met == ["met quick", "answering", "woken"]
    results: List[bytes] = []
    thread = threading.Thread(target=lambda: results.append(invoke(runtime, waiting).payload))
    thread.start()
    try:
        wait_until(lambda: bool(runtime._busy), 10)
        met.clear()
        assert invoke(runtime, quick).payload == b'"quick"'
        assert "met quick" not in met and not results  # beside the other one, which still ran: not narrowed
    finally:
        flag.touch()
        thread.join(10)
    assert results == [b'"waited"']


@narrowable
def test_a_lone_relayed_invocation_narrows_nothing(runtime: Runtime, met: List[str]) -> None:
    # A function URL's request (waits.relay): the thread that hands it over takes no answer and reads on meanwhile.
    spec = make_spec(handler_source("return 'quick'"), name="quick")
    assert invoke(runtime, spec).payload == b'"quick"'
    _until_idle(runtime)
    met.clear()
    answered: List[Any] = []
    relay = waits.relay(runtime.steps(spec, b"{}", request_id="relayed", invoked_function_arn=spec.function_arn),
                        answered.append, answered.append)
    relay.finish()
    assert answered[0].payload == b'"quick"' and met == []
    _until_idle(runtime)
    assert invoke(runtime, spec).payload == b'"quick"'
    assert met == ["met quick", "answering", "woken"]  # the thread that relayed blocks for its next one: met


@narrowable
def test_a_worker_still_delivering_a_relayed_answer_is_not_narrowed(runtime: Runtime) -> None:
    # A function URL's answer is delivered by the environment's thread once its environment is back in the pool
    # (waits.relay): an invocation handed to it meanwhile must not narrow it, as threads it starts would keep one core.
    mine = os.sched_getaffinity(0)
    spec = make_spec(handler_source("return 'quick'"), name="quick")
    assert invoke(runtime, spec).payload == b'"quick"'
    delivering, go = threading.Event(), threading.Event()
    seen: List[Any] = []

    def deliver(result: Any) -> None:
        delivering.set()
        go.wait(10)
        seen.append(os.sched_getaffinity(0))

    waits.relay(runtime.steps(spec, b"{}", request_id="relayed", invoked_function_arn=spec.function_arn),
                deliver, seen.append)
    assert delivering.wait(10)
    results: List[bytes] = []
    thread = threading.Thread(target=lambda: results.append(invoke(runtime, spec).payload))
    thread.start()
    try:  # until that invocation waits in the delivering environment's queue
        wait_until(lambda: any(env._tasks.qsize() for env in list(runtime._busy)), 10)
    finally:
        go.set()
    thread.join(10)
    assert seen == [mine] and results == [b'"quick"']


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_answers_without_the_meeting_s_lock_it_may_have_copied_held() -> None:
    # A handler that forks while its caller holds the lock (waking, say) leaves the child a copy held for good.
    meeting = _meeting()
    meeting.waiting()
    with meeting._lock:
        child = os.fork()
        if child == 0:  # the child: answers, as a forked handler's child does on its way out
            try:
                meeting.answering()
            finally:
                os._exit(0)
    assert ended_by_itself(child), "the forked child waited for the meeting's lock"
    meeting.woken()
