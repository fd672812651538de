"""Handler faults under load: the mock keeps answering, threads come back, stop() is prompt."""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, in_threads, wait_until
from tests.runtime import sync

# name -> (handler body, the errorType its invocations must report)
FAULTS = {
    "raiser": ("raise ValueError('boom')", "ValueError"),
    "looper": ("while True:\n        pass", "Sandbox.Timedout"),
    "sleeper": ("while True:\n        time.sleep(0.01)", "Sandbox.Timedout"),
    "exiter": ("sys.exit(3)", "Runtime.ExitError"),
    "recurser": ("def down(n):\n        return down(n + 1)\n    return down(0)", "RecursionError"),
    "huge": ("return 'x' * (7 * 1024 * 1024)", "Function.ResponseSizeTooLarge"),
    "blocker": ("sync.events['forever'].wait()", "Sandbox.Timedout"),
}
PRELUDE = "import sys, time\nfrom tests.runtime import sync\n"
THREADS = 12
CALLS = 4


def deploy(client: Any) -> None:
    for name, (body, error_type) in FAULTS.items():
        source = f"{PRELUDE}def handler(event, context):\n    {body}\n"
        # The faults that hang time out after a second; the others have room to finish on a loaded machine
        # (a recursion to the limit, with busy loops holding the GIL, can take longer than a second).
        timeout = 1 if error_type == "Sandbox.Timedout" else 10
        client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Timeout=timeout, Code={"ZipFile": package({"app.py": source})})
    client.create_function(FunctionName="echo", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return e\n"})})


def lambdamock_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock")]


@pytest.fixture
def forever():
    sync.events["forever"] = event = threading.Event()
    yield event
    event.set()


def test_faults_under_load_are_answered_and_stop_is_prompt(forever) -> None:
    before = set(lambdamock_threads())  # other tests' threads may still be finishing
    mock = mock_lambda().start()
    try:
        client = boto3.client("lambda", region_name="us-east-1",
                              config=Config(retries={"total_max_attempts": 1}, max_pool_connections=THREADS))
        deploy(client)
        answers: list[tuple[str, Any]] = []
        failures: list[BaseException] = []

        def caller(seed: int) -> None:
            names = random.Random(seed).choices(sorted(FAULTS), k=CALLS)
            try:
                for name in names:
                    response = client.invoke(FunctionName=name, Payload=b"{}")
                    answers.append((name, (response.get("FunctionError"), json.loads(response["Payload"].read()))))
            except BaseException as error:
                failures.append(error)

        in_threads(caller, THREADS)
        assert not failures, failures[:3]
        assert len(answers) == THREADS * CALLS
        for name, (error, payload) in answers:
            assert error == "Unhandled", (name, payload)
            assert payload["errorType"] == FAULTS[name][1], (name, payload)

        # Still answering, control plane and data plane.
        assert len(client.list_functions()["Functions"]) == len(FAULTS) + 1
        assert json.loads(client.invoke(FunctionName="echo", Payload=b'{"ok": 1}')["Payload"].read()) == {"ok": 1}
        assert mock.concurrency("blocker").current == 0, "a timed-out execution no longer counts"
    finally:
        started = time.monotonic()
        mock.stop()
        stopped_in = time.monotonic() - started
    assert stopped_in < 2.0, "stop() must not wait for runaway handlers"
    # Handlers blocked forever are abandoned, not joined; once they return, their threads end too.
    forever.set()
    wait_until(lambda: set(lambdamock_threads()) <= before, timeout=10)
