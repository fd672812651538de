"""A function's signal handlers and real-time timer are its process's, as on Lambda, where its code runs on the
main thread: signal.signal works there, and SIGALRM interrupts the handler's code."""

from __future__ import annotations

import json
import signal
import time
from typing import Any

import boto3
import pytest

from lambdamock import package
from tests.helpers import ROLE

pytestmark = pytest.mark.skipif(not hasattr(signal, "alarm"), reason="no SIGALRM here")

# AWS's sample for graceful shutdown (aws-samples/graceful-shutdown-with-aws-lambda, python-demo) sets its SIGTERM
# handler as the module loads; the "graceful timeout" pattern (signal.alarm shortly before the function's timeout,
# a handler that raises) sets SIGALRM's in the handler.
SOURCE = (
    "import os, signal, sys, threading, time\n\n"
    "def run_in_thread(call):\n"
    "    failed = []\n"
    "    def run():\n"
    "        try:\n"
    "            call()\n"
    "        except Exception as error:\n"
    "            failed.append(error)\n"
    "    thread = threading.Thread(target=run)\n"
    "    thread.start()\n"
    "    thread.join(10)\n"
    "    raise failed[0]\n\n"
    "def exit_gracefully(signum, frame):\n"
    "    sys.exit(0)\n\n"
    "signal.signal(signal.SIGTERM, exit_gracefully)\n\n"
    "def about_to_time_out(signum, frame):\n"
    "    raise TimeoutError('Execution is about to time out')\n\n"
    "def handler(event, context):\n"
    "    kind = event['kind']\n"
    "    if kind == 'graceful':\n"
    "        signal.signal(signal.SIGALRM, about_to_time_out)\n"
    "        signal.alarm(1)\n"
    "        try:\n"
    "            work = 0\n"
    "            while True:\n"
    "                work += 1\n"
    "        except TimeoutError as error:\n"
    "            return ['stopped in time', str(error)]\n"
    "        finally:\n"
    "            signal.alarm(0)\n"
    "    if kind == 'asleep':\n"
    "        signal.signal(signal.SIGALRM, about_to_time_out)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0.2)\n"
    "        time.sleep(30)\n"
    "    if kind == 'default':\n"
    "        signal.signal(signal.SIGALRM, signal.SIG_DFL)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0.2)\n"
    "        time.sleep(30)\n"
    "    if kind == 'ignored':\n"
    "        signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0.1)\n"
    "        time.sleep(0.3)\n"
    "        return 'still here'\n"
    "    if kind == 'once':\n"
    "        seen = []\n"
    "        def once(number, frame):\n"
    "            seen.append(signal.signal(signal.SIGALRM, signal.SIG_IGN) is once)\n"
    "        signal.signal(signal.SIGALRM, once)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0.1, 0.1)\n"
    "        time.sleep(0.5)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0)\n"
    "        return seen\n"
    "    if kind == 'handlers':\n"
    "        return [str(signal.getsignal(number)) for number in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE)]\n"
    "    if kind == 'self':\n"
    "        got = []\n"
    "        signal.signal(signal.SIGUSR1, lambda number, frame: got.append([number, frame.f_code.co_name]))\n"
    "        os.kill(os.getpid(), signal.SIGUSR1)\n"
    "        return got\n"
    "    if kind == 'timer':\n"
    "        signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
    "        first = signal.alarm(10)\n"
    "        left = signal.alarm(0)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 5.0, 1.0)\n"
    "        value, interval = signal.getitimer(signal.ITIMER_REAL)\n"
    "        signal.setitimer(signal.ITIMER_REAL, 0)\n"
    "        return [first, left, 4 < value <= 5, interval, signal.getitimer(signal.ITIMER_REAL)]\n"
    "    try:\n"
    "        eval(event['call'])\n"
    "    except Exception as error:\n"
    "        return f'{type(error).__name__}: {error}'\n"
)


@pytest.fixture
def client(lambda_mock: Any) -> Any:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=60,
                           Code={"ZipFile": package({"app.py": SOURCE})})
    return client


def call(client: Any, name: str = "f", **event: Any) -> tuple[Any, Any]:
    response = client.invoke(FunctionName=name, Payload=json.dumps(event))
    return response.get("FunctionError"), json.loads(response["Payload"].read())


def test_a_handler_set_as_the_module_loads_is_the_function_s_and_not_the_test_process_s(client: Any) -> None:
    before = signal.getsignal(signal.SIGTERM)
    error, handlers = call(client, kind="handlers")
    assert error is None
    assert handlers[0].startswith("<function exit_gracefully")
    assert handlers[1:] == [str(signal.default_int_handler), str(signal.SIG_IGN)]
    assert signal.getsignal(signal.SIGTERM) is before


def test_an_alarm_s_handler_stops_busy_code_in_time(client: Any) -> None:
    assert call(client, kind="graceful") == (None, ["stopped in time", "Execution is about to time out"])


def test_an_alarm_interrupts_a_sleep_and_its_handler_s_error_is_the_invocation_s(client: Any) -> None:
    started = time.monotonic()
    error, document = call(client, kind="asleep")
    assert time.monotonic() - started < 10
    assert error == "Unhandled"
    assert (document["errorType"], document["errorMessage"]) == ("TimeoutError", "Execution is about to time out")
    assert document["stackTrace"][-1].endswith("    time.sleep(30)\n")


def test_an_alarm_with_no_handler_ends_the_runtime_as_sigalrm_does(client: Any) -> None:
    error, document = call(client, kind="default")
    assert error == "Unhandled"
    assert document["errorType"] == "Runtime.ExitError"
    assert document["errorMessage"].endswith("Error: Runtime exited with error: signal: alarm clock")


def test_an_ignored_alarm_changes_nothing(client: Any) -> None:
    assert call(client, kind="ignored") == (None, "still here")


def test_a_signal_the_function_sends_itself_runs_its_handler_where_it_was_sent(client: Any) -> None:
    assert call(client, kind="self") == (None, [[int(signal.SIGUSR1), "handler"]])


def test_the_timer_reports_what_is_left_as_alarm_and_getitimer_do(client: Any) -> None:
    assert call(client, kind="timer") == (None, [0, 10, True, 1.0, [0.0, 0.0]])


@pytest.mark.parametrize(("code", "refusal"), [
    ("signal.signal(signal.SIGKILL, signal.SIG_IGN)", "OSError: [Errno 22] Invalid argument"),
    ("signal.signal(signal.SIGTERM, 5)",
     "TypeError: signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object"),
    ("signal.signal(0, signal.SIG_IGN)", "ValueError: signal number out of range"),
    ("signal.getsignal(999)", "ValueError: signal number out of range"),
])
def test_what_python_refuses_is_refused(client: Any, code: str, refusal: str) -> None:
    assert call(client, kind="call", call=code) == (None, refusal)


def test_only_the_handler_s_thread_may_set_a_handler_as_only_the_main_thread_may_on_lambda(client: Any) -> None:
    code = "run_in_thread(lambda: signal.signal(signal.SIGUSR2, signal.SIG_IGN))"
    error, refusal = call(client, kind="call", call=code)
    assert (error, refusal) == (None, "ValueError: signal only works in main thread of the main interpreter")


def test_a_handler_may_set_handlers_as_it_may_on_the_main_thread(client: Any) -> None:
    # The repeating timer's later signals find SIG_IGN.
    assert call(client, kind="once") == (None, [True])
