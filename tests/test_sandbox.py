"""What Lambda's execution environment lacks fails in function code as it fails there, and nowhere else."""

from __future__ import annotations

import _multiprocessing
import multiprocessing
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, RUN_IN_THREAD, call, deploy

# No /dev/shm on Lambda: multiprocessing's semaphores fail to open. AWS's error as users report it, e.g.
# github.com/nalepae/pandarallel/issues/128 (Pool) and github.com/lithops-cloud/lithops/issues/1169
# (ProcessPoolExecutor): "OSError: [Errno 38] Function not implemented", raised at synchronize.py's
# `sl = self._semlock = _multiprocessing.SemLock(`.
SEMAPHORES = {
    "lock": "multiprocessing.Lock()",
    "queue": "multiprocessing.Queue()",
    "pool": "multiprocessing.Pool(2)",
    "value": "multiprocessing.Value('i', 0)",
    "executor": "concurrent.futures.ProcessPoolExecutor(2)",
    "thread": "run_in_thread(multiprocessing.Event)",
}
SOURCE = (
    "import concurrent.futures, multiprocessing, threading\n\n"
    + RUN_IN_THREAD
    + "def handler(event, context):\n"
    "    kind = event['kind']\n"
    "    if kind == 'pipe':\n"
    "        ours, theirs = multiprocessing.Pipe()\n"
    "        child = multiprocessing.get_context('fork').Process(target=theirs.send, args=(42,))\n"
    "        child.start()\n"
    "        got = ours.recv()\n"
    "        child.join(10)\n"
    "        return got\n"
    "    return eval(event['make'])\n"
)


@pytest.fixture
def client(lambda_mock: Any) -> Any:
    return deploy(SOURCE, Timeout=30)


@pytest.mark.parametrize("make", SEMAPHORES.values(), ids=SEMAPHORES.keys())
def test_multiprocessing_s_semaphores_fail_in_function_code_as_on_lambda(client: Any, make: str) -> None:
    error, payload = call(client, kind="semaphore", make=make)
    assert error == "Unhandled"
    assert payload["errorType"] == "OSError"
    assert payload["errorMessage"] == "[Errno 38] Function not implemented"
    assert payload["stackTrace"][-1].endswith("sl = self._semlock = _multiprocessing.SemLock(\n")
    assert "lambdamock" not in "".join(payload["stackTrace"])


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_a_pipe_to_a_process_works_as_on_lambda(client: Any) -> None:
    # AWS's advice where Pool and Queue fail: Process and Pipe.
    assert call(client, kind="pipe") == (None, 42)


def test_the_test_process_keeps_its_semaphores_during_and_after_the_mock() -> None:
    genuine = _multiprocessing.SemLock
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": SOURCE})})
        assert call(client, kind="semaphore", make="multiprocessing.Lock()")[0] == "Unhandled"
        lock = multiprocessing.Lock()
        assert lock.acquire(timeout=1)
        lock.release()
        queue: Any = multiprocessing.Queue()
        queue.put("made here")
        assert queue.get(timeout=5) == "made here"
        queue.close()
    assert _multiprocessing.SemLock is genuine
