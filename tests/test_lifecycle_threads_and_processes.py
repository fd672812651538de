"""A mock beside other work: stopping as invocations, imports and prints go on, forks, and mocks in functions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import boto3
import pytest

from lambdamock import LambdaMock, mock_lambda, package
from tests.helpers import ROLE, ended_by_itself
from tests.lifecycle_helpers import create


def test_invocations_stay_readable_after_stop():
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})})
        client.invoke(FunctionName="f", Payload=b'{"n": 1}')
    assert [run.result for run in mock.invocations] == [{"n": 1}]
    assert "stopped" in repr(mock) and "invocations=1" in repr(mock)
    text = str(mock)
    assert "stopped" in text and "f" in text


def test_an_event_invocation_starting_as_its_mock_stops_runs_on_its_own_code():
    # Found trying stop() in a notebook: an Event invocation whose environment was starting as the mock stopped
    # lost its code with it, and was recorded as Runtime.ImportModuleError. Code now goes when its threads do.
    import threading

    from tests.runtime import sync

    sync.events["initialising"], sync.events["go on"] = threading.Event(), threading.Event()
    source = ("from tests.runtime import sync\n"
              "sync.events['initialising'].set()\n"
              "sync.events['go on'].wait(10)\n"
              "def handler(e, c):\n"
              "    import helper\n"
              "    return helper.VALUE\n")
    mock = mock_lambda().start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source, "helper.py": "VALUE = 'from its code'\n"})})
    client.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
    assert sync.events["initialising"].wait(10)
    mock.stop()
    sync.events["go on"].set()
    deadline = time.monotonic() + 10
    while not mock.invocations:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    [run] = mock.invocations
    assert (run.error, run.result) == (None, "from its code")


def test_a_wait_that_times_out_says_what_still_runs():
    from tests.runtime import sync

    sync.events["held"] = held = threading.Event()
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.events['held'].wait(10)\n"
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        client.invoke(FunctionName="f", InvocationType="Event")
        try:
            with pytest.raises(TimeoutError, match=r"^background invocations still running or queued after 0.2 s$"):
                mock.wait(timeout=0.2)
        finally:
            held.set()
        mock.wait()


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_forked_child_gets_a_clear_error_not_a_false_timeout(tmp_path):
    with mock_lambda():
        create()
        client = boto3.client("lambda", region_name="us-east-1")
        client.invoke(FunctionName="f")  # a warm environment, whose thread stays in the parent
        reader, writer = os.pipe()
        child = os.fork()
        if child == 0:  # pragma: no cover - runs in the child
            try:
                client.invoke(FunctionName="f")
                message = "no error"
            except Exception as error:
                message = f"{type(error).__name__}: {error}"
            os.write(writer, message.encode())
            os._exit(0)
        os.close(writer)
        os.waitpid(child, 0)
        message = os.read(reader, 4096).decode()
        os.close(reader)
        assert message.startswith("MockStoppedError: lambdamock: Invoke was not sent: this process was forked")
        assert client.invoke(FunctionName="f")["StatusCode"] == 200, "the parent's mock goes on"


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_a_handler_forks_ends_when_it_returns_from_the_handler():
    # Only the forking thread lives on in the child, and no invocation will reach it: left to wait, it would
    # outlive the test run (and hold its output pipes open).
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="forks", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": "import os\ndef handler(e, c):\n"
                                                                    "    return os.fork()\n"})})
        child = json.loads(client.invoke(FunctionName="forks")["Payload"].read())
        assert ended_by_itself(child), "the forked child did not end"


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_process_a_handler_forks_exits_as_its_code_says():
    # os._exit in the child is the child's own end (multiprocessing ends its children so), not the function's.
    source = ("import multiprocessing, sys\n"
              "def work():\n    sys.exit(3)\n"
              "def handler(e, c):\n"
              "    child = multiprocessing.get_context('fork').Process(target=work)\n"
              "    child.start()\n    child.join(10)\n    return child.exitcode\n")
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="pool", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})
        assert json.loads(client.invoke(FunctionName="pool")["Payload"].read()) == 3


_PRINTING = r"""
import os, sys, threading
sys.path.insert(0, os.getcwd())
import boto3
from lambdamock import mock_lambda, package
CODE = {"ZipFile": package({"app.py": "def handler(event, context):\n    return event\n"})}
stop = False
def printer():
    while not stop:
        print("x" * 50)
thread = threading.Thread(target=printer)
thread.start()
for _ in range(200):  # the streams are swapped as a handler first runs, and back as the mock stops
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler",
                               Role="arn:aws:iam::123456789012:role/r", Code=CODE)
        client.invoke(FunctionName="f")
stop = True
thread.join()
"""


def test_starting_and_stopping_while_another_thread_prints_is_safe():
    # print() uses sys.stdout without a reference of its own (CPython issue 130163): a stream swapped out of
    # sys.stdout and freed under it crashed the process (a segmentation fault, most runs).
    done = subprocess.run([sys.executable, "-c", _PRINTING], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def test_stopping_leaves_an_import_going_on_in_another_thread_whole():
    # The mock's distributions finder sits in sys.meta_path while functions run; taking it out of the list an
    # import in another thread was going through made that import skip the next finder (PathFinder: the import
    # failed).
    import threading

    class Pause:
        def __init__(self) -> None:
            self.inside, self.go = threading.Event(), threading.Event()

        def find_spec(self, name, path=None, target=None):
            if name == "colorsys":
                self.inside.set()
                self.go.wait(5)
            return None

    sys.modules.pop("colorsys", None)
    mock = mock_lambda().start()
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return 1\n"})})
    client.invoke(FunctionName="f")  # the runtime's hooks, the finder with them, come with the first environment
    pause = Pause()
    sys.meta_path.insert(next(n for n, finder in enumerate(sys.meta_path)
                              if getattr(finder, "__name__", "") == "PathFinder"), pause)
    imported = {}

    def importer() -> None:
        try:
            imported["module"] = __import__("colorsys").__name__
        except ImportError as error:
            imported["error"] = repr(error)

    thread = threading.Thread(target=importer)
    thread.start()
    try:
        assert pause.inside.wait(5)
        mock.stop()
    finally:
        pause.go.set()
        thread.join(5)
        sys.meta_path.remove(pause)
    assert imported == {"module": "colorsys"}


@pytest.mark.parametrize("kind", ["RequestResponse", "Event"])
def test_a_function_s_code_cannot_wait_for_or_start_mocks(lambda_mock: LambdaMock, kind: str) -> None:
    # Found in review: from an Event invocation, mock.wait() waited for its own invocation until the function timed
    # out; a mock started in a handler served the test's threads while the handler's calls still went to this one,
    # and what it made there stayed here. Both are refused where they are called.
    from tests.runtime import sync

    sync.calls["wait"] = lambda_mock.wait
    sync.calls["start"] = lambda: mock_lambda().start()
    source = ("from tests.runtime import sync\ndef handler(event, context):\n"
              "    try:\n        sync.calls[event]()\n    except RuntimeError as error:\n        return str(error)\n")
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})})
    for call in ("wait", "start"):
        client.invoke(FunctionName="f", InvocationType=kind, Payload=json.dumps(call))
    lambda_mock.wait(timeout=10)
    assert sorted(run.result for run in lambda_mock.invocations) == [
        "lambdamock: a function's code cannot start a mock; do it from the test",
        "lambdamock: a function's code cannot wait for background invocations, which may include the caller's own; "
        "do it from the test",
    ]


def test_a_thread_a_stopped_mock_s_function_started_may_start_a_mock() -> None:
    # A worker of a pool the test owns, started by a handler's task, stays that function's (docs/limitations.md);
    # once that mock stopped, it is refused nothing (found in review: "a function's code cannot start a mock").
    from concurrent.futures import ThreadPoolExecutor

    from tests.runtime import sync

    with ThreadPoolExecutor(max_workers=1) as pool:
        sync.calls["pool"] = pool
        source = "from tests.runtime import sync\ndef handler(e, c):\n    return sync.calls['pool'].submit(int).result()\n"
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"ZipFile": package({"app.py": source})})
            assert json.loads(client.invoke(FunctionName="f")["Payload"].read()) == 0

        def later() -> bool:
            with mock_lambda() as started:
                return started.started

        assert pool.submit(later).result(timeout=10)
