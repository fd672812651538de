"""What other tools and tests patch of what lambdamock stands in for (Thread.start, time.sleep): a patch made before
a mock runs functions takes effect while they run and is there after; one made over lambdamock's is left in place."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import threading
import time
from typing import Any, Callable, Iterator
from unittest import mock

import boto3
import pytest

from lambdamock import mock_lambda, package
from lambdamock.runtime import hooks
from lambdamock.runtime.hooks import installation
from tests.helpers import ROLE
from tests.runtime import sync

THREADED = package({"app.py": (
    "import threading\n\n"
    "def handler(event, context):\n"
    "    out = []\n"
    "    thread = threading.Thread(target=lambda: out.append('ran'), name='function-thread')\n"
    "    thread.start()\n"
    "    thread.join(5)\n"
    "    return out\n"
)})
SLEEPY = package({"app.py": (
    "import time\n\n"
    "def handler(event, context):\n"
    "    started = time.monotonic()\n"
    "    time.sleep(3)\n"
    "    return time.monotonic() - started\n"
)})


# A handler whose thread outlives its mock, in time.sleep (the stand-in), until the test lets it end: that mock's release
# waits for it.
LINGERING = (
    "import threading, time\n"
    "from tests.runtime import sync\n\n"
    "def linger():\n"
    "    while not sync.events['linger'].is_set():\n"
    "        time.sleep(0.01)\n\n"
    "def handler(event, context):\n"
    "    threading.Thread(target=linger).start()\n"
    "    return 'ok'\n"
)


@contextlib.contextmanager
def lingers() -> Iterator[None]:
    """Have LINGERING's threads go on until the block ends."""
    sync.events["linger"] = threading.Event()
    try:
        yield
    finally:
        sync.events["linger"].set()


def released() -> None:
    """Wait until the mocks have put back what they replace (once their functions' threads end)."""
    deadline = time.monotonic() + 10
    while installation.users and time.monotonic() < deadline:
        threading.Event().wait(0.01)
    assert not installation.users


def invoke(code: bytes, name: str = "fn") -> Any:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": code}, Timeout=30)
    return json.loads(client.invoke(FunctionName=name)["Payload"].read())


@pytest.fixture
def genuine_start() -> Iterator[Callable[..., None]]:
    """Thread.start as it is before the test, put back after it whatever the test left."""
    genuine = threading.Thread.start
    try:
        yield genuine
    finally:
        threading.Thread.start = genuine  # type: ignore[method-assign]


def test_a_thread_start_wrapper_set_before_the_mock_wraps_function_threads_and_stays(genuine_start: Any) -> None:
    # As Sentry's threading integration does (sentry_sdk/integrations/threading.py): it takes run's function and
    # calls it with the thread.
    seen: list[str] = []

    @functools.wraps(genuine_start)
    def start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        run = getattr(self.run, "__func__", self.run)

        def wrapped_run(*_: Any) -> None:
            seen.append(self.name)
            run(self)

        self.run = wrapped_run  # type: ignore[method-assign]
        genuine_start(self, *args, **kwargs)

    threading.Thread.start = start  # type: ignore[method-assign]
    with mock_lambda():
        assert invoke(THREADED) == ["ran"]
        assert "function-thread" in seen
    assert threading.Thread.start is start


def test_a_time_sleep_patched_before_the_mock_applies_in_the_test_and_in_its_functions() -> None:
    genuine = time.sleep
    with mock.patch("time.sleep") as patched, mock_lambda():
        slept = invoke(SLEEPY)
        started = time.monotonic()
        time.sleep(3)
        assert time.monotonic() - started < 1
    assert slept < 1
    assert [call.args for call in patched.call_args_list] == [(3,), (3,)]
    assert time.sleep is genuine


def test_a_time_sleep_patched_before_the_mock_takes_every_call_not_just_the_first() -> None:
    # docs/activation.md: outside functions' threads each stand-in calls on to what it replaced, every time.
    with mock.patch("time.sleep") as patched, mock_lambda():
        invoke(THREADED)
        started = time.monotonic()
        time.sleep(3)
        time.sleep(3)
        assert time.monotonic() - started < 1
    assert patched.call_count == 2


@pytest.mark.parametrize("declared", [True, False], ids=["functools.wraps", "plain"])
def test_a_wrapper_set_over_lambdamock_s_while_functions_run_stays_and_works_in_the_next_mock(
        genuine_start: Any, declared: bool) -> None:
    seen: list[str] = []
    with mock_lambda():
        assert invoke(THREADED) == ["ran"]
        beneath = threading.Thread.start

        def start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
            seen.append(self.name)
            beneath(self, *args, **kwargs)

        if declared:
            start = functools.wraps(beneath)(start)
        threading.Thread.start = start  # type: ignore[method-assign]
    assert threading.Thread.start is start  # someone else's, to undo
    with mock_lambda():
        # The wrapper calls lambdamock's stand-in beneath it, which the next stand-in replaces: not again through it.
        assert invoke(THREADED, "again") == ["ran"]
        caller = threading.Thread(target=lambda: None, name="test-thread")
        caller.start()
        caller.join(5)
    assert threading.Thread.start is start
    assert seen.count("function-thread") == 1 and "test-thread" in seen


def test_a_patch_undone_while_functions_run_leaves_the_next_mock_its_stand_ins() -> None:
    genuine = time.sleep
    with mock_lambda(), mock.patch("time.sleep"):
        invoke(THREADED)
    with mock_lambda():
        invoke(THREADED)
        assert time.sleep is not genuine  # lambdamock's, which ends a handler's sleep at its timeout
    assert time.sleep is genuine


def test_a_wrapper_of_a_stand_in_left_in_place_does_not_recurse() -> None:
    genuine = time.sleep
    patch = mock.patch("time.sleep")
    with mock_lambda():
        invoke(THREADED)
        patch.start()  # over lambdamock's stand-in, undone after the mock let go of it: the stand-in is left in place
    released()
    patch.stop()
    try:
        with mock.patch("time.sleep", wraps=time.sleep) as spy, mock_lambda():
            invoke(THREADED, "again")
            time.sleep(0.01)
        assert spy.call_count == 1
    finally:
        time.sleep = genuine


def test_a_stand_in_kept_after_the_mock_calls_python_s_own() -> None:
    with mock.patch("time.sleep") as patched, mock_lambda():
        invoke(THREADED)
        from time import sleep  # the stand-in, kept
    started = time.monotonic()
    sleep(0.2)
    assert time.monotonic() - started >= 0.2
    assert patched.call_count == 0


def test_lambdamock_s_own_threads_start_whatever_a_test_put_in_thread_start_s_place() -> None:
    with mock.patch.object(threading.Thread, "start") as start, mock_lambda():
        # The function's thread goes to the test's patch, which starts nothing: joining it fails, as it would.
        assert invoke(THREADED)["errorMessage"] == "cannot join thread before it is started"
    assert start.call_count == 1 and start.call_args == mock.call()  # called as the attribute, not with the thread
    released()  # the thread that never started is not waited for


ENVIRONMENT_THREAD = package({"app.py": (
    "import os, threading\n\n"
    "def handler(event, context):\n"
    "    seen = []\n"
    "    thread = threading.Thread(target=lambda: seen.append(os.environ.get('COLOR')))\n"
    "    thread.start()\n"
    "    thread.join(5)\n"
    "    return seen\n"
)})


def test_wrappers_made_before_and_over_a_stand_in_both_stay_in_the_chain() -> None:
    genuine, calls = time.sleep, []

    def wrapping(tag: str, inner: Callable[[float], None]) -> Callable[[float], None]:
        def wrapper(seconds: float) -> None:
            calls.append(tag)
            inner(seconds)
        return wrapper

    time.sleep = wrapping("before", time.sleep)
    try:
        with mock_lambda():
            invoke(THREADED)
            time.sleep = wrapping("over", time.sleep)
        released()
        for moment in ("after one mock", "during another", "after it"):
            with contextlib.ExitStack() as stack:
                if moment == "during another":
                    stack.enter_context(mock_lambda())
                    invoke(THREADED, moment.replace(" ", "-"))
                calls.clear()
                time.sleep(0)
                assert calls == ["over", "before"], moment
            released()
    finally:
        time.sleep = genuine


def test_a_thread_a_start_wrapper_starts_beside_the_function_s_is_the_function_s_too(genuine_start: Any) -> None:
    seen: list[Any] = []

    def start(self: threading.Thread, *args: Any, **kwargs: Any) -> None:
        if self.name == "function-thread":  # a tool's helper, started as the function's thread starts
            helper = threading.Thread(target=lambda: seen.append(os.environ.get("AWS_LAMBDA_FUNCTION_NAME")))
            helper.start()
            helper.join(5)
        genuine_start(self, *args, **kwargs)

    threading.Thread.start = start  # type: ignore[method-assign]
    with mock_lambda():
        assert invoke(THREADED) == ["ran"]
    assert seen == ["fn"]


def test_a_record_logged_while_a_wrapper_of_call_handlers_handles_one_reaches_the_wrapper_too() -> None:
    genuine, seen = logging.Logger.callHandlers, []

    def wrapper(self: logging.Logger, record: logging.LogRecord) -> None:
        seen.append(record.getMessage())
        genuine(self, record)

    class Nesting(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if not record.getMessage().startswith("nested"):
                logger.warning("nested %s", record.getMessage())

    logger = logging.getLogger("tool-patches")
    logger.propagate = False
    logger.addHandler(Nesting())
    logging.Logger.callHandlers = wrapper  # type: ignore[method-assign]
    try:
        with mock_lambda():
            invoke(THREADED)
            logger.warning("outer")
    finally:
        logging.Logger.callHandlers = genuine  # type: ignore[method-assign]
        logger.handlers.clear()
    assert seen == ["outer", "nested outer"]


def test_a_mock_started_before_the_last_one_let_go_has_its_stand_ins(genuine_start: Any) -> None:
    lingering = package({"app.py": LINGERING})
    with lingers():
        with mock.patch.object(threading.Thread, "start", autospec=True, side_effect=genuine_start), mock_lambda():
            invoke(lingering)
        # The patch was undone over the stand-in the first mock still holds.
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="colors", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": ENVIRONMENT_THREAD}, Environment={"Variables": {"COLOR": "red"}})
            assert json.loads(client.invoke(FunctionName="colors")["Payload"].read()) == ["red"]
    released()


def test_a_patch_made_and_undone_while_an_earlier_mock_lets_go_is_not_put_back_after() -> None:
    genuine = time.sleep
    lingering = package({"app.py": LINGERING})
    with lingers():
        with mock_lambda():
            invoke(lingering)
        with mock.patch("time.sleep", side_effect=lambda seconds: genuine(seconds / 10)), mock_lambda():
            invoke(THREADED, "next")
            started = time.monotonic()
            time.sleep(0.5)  # the patch, over the stand-in the first mock still holds: no call goes round through it
            assert time.monotonic() - started < 0.4
    released()
    assert time.sleep is genuine


def test_a_patch_over_a_stand_in_an_earlier_mock_left_is_not_put_back_by_a_later_mock() -> None:
    genuine = time.sleep
    lingering = package({"app.py": (
        "import threading\n\n"
        "def handler(event, context):\n"
        "    threading.Thread(target=threading.Event().wait, args=(0.5,)).start()\n"  # its mock's release waits
        "    return 'ok'\n"
    )})
    with mock_lambda():
        invoke(lingering)
    with mock.patch("time.sleep"):  # over the first mock's stand-in, which it will put back
        released()  # the first mock lets go while the patch is over its stand-in
        with mock_lambda():
            invoke(lingering, "again")
    released()
    started = time.monotonic()
    time.sleep(0.2)
    assert time.monotonic() - started >= 0.2  # Python's own (or the stand-in calling it), not the stopped patch
    assert time.sleep in (genuine, hooks._sleep)
