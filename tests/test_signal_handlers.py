"""A function's signal handlers are its process's, as on Lambda, where its code runs on the main thread, which alone
may set them: signal.signal works in the handler's code, and a signal the function sends itself runs its handler."""

from __future__ import annotations

import signal
from typing import Any

import pytest

from tests.helpers import RUN_IN_THREAD, call, deploy

# AWS's sample for graceful shutdown (aws-samples/graceful-shutdown-with-aws-lambda, python-demo) sets its SIGTERM
# handler as the module loads.
SOURCE = (
    "import _thread, os, signal, sys, threading\n\n"
    "def exit_gracefully(signum, frame):\n"
    "    sys.exit(0)\n\n"
    "signal.signal(signal.SIGTERM, exit_gracefully)\n\n"
    + RUN_IN_THREAD
    + "def handler(event, context):\n"
    "    kind = event['kind']\n"
    "    if kind == 'handlers':\n"
    "        return [str(signal.getsignal(number)) for number in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE)]\n"
    "    got = []\n"
    "    def record(number, frame):\n"
    "        got.append([number, frame.f_code.co_name])\n"
    "    if kind == 'self':\n"
    "        signal.signal(signal.SIGUSR1, record)\n"
    "        os.kill(os.getpid(), signal.SIGUSR1)\n"
    "        return got\n"
    "    if kind == 'interrupt':\n"
    "        previous = signal.signal(signal.SIGINT, record)\n"
    "        _thread.interrupt_main()\n"
    "        signal.signal(signal.SIGINT, previous)\n"
    "        return got\n"
    "    if kind == 'alarm':\n"
    "        signal.signal(signal.SIGALRM, record)\n"
    "        return [signal.alarm(1), signal.alarm(0), got]\n"
    "    try:\n"
    "        eval(event['call'])\n"
    "    except Exception as error:\n"
    "        return f'{type(error).__name__}: {error}'\n"
)


@pytest.fixture
def client(lambda_mock: Any) -> Any:
    return deploy(SOURCE)


def test_a_handler_set_as_the_module_loads_is_the_function_s_and_not_the_test_process_s(client: Any) -> None:
    before = signal.getsignal(signal.SIGTERM)
    error, handlers = call(client, kind="handlers")
    assert error is None
    assert handlers[0].startswith("<function exit_gracefully")
    assert handlers[1:] == [str(signal.default_int_handler), str(signal.SIG_IGN)]
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_signal_the_function_sends_itself_runs_its_handler_where_it_was_sent(client: Any) -> None:
    assert call(client, kind="self") == (None, [[int(signal.SIGUSR1), "handler"]])


def test_interrupt_main_runs_the_function_s_sigint_handler(client: Any) -> None:
    assert call(client, kind="interrupt") == (None, [[int(signal.SIGINT), "handler"]])


@pytest.mark.skipif(not hasattr(signal, "alarm"), reason="no signal.alarm here")
def test_an_alarm_is_never_set(client: Any) -> None:
    # Its SIGALRM would reach the test process: the function's handler is set, and never runs.
    assert call(client, kind="alarm") == (None, [0, 0, []])
    assert signal.alarm(0) == 0


def test_only_the_handler_s_thread_may_set_a_handler_as_only_the_main_thread_may_on_lambda(client: Any) -> None:
    code = "run_in_thread(lambda: signal.signal(signal.SIGUSR2, signal.SIG_IGN))"
    error, refusal = call(client, kind="call", call=code)
    assert (error, refusal) == (None, "ValueError: signal only works in main thread of the main interpreter")


@pytest.mark.parametrize(("code", "refusal"), [
    ("signal.signal(signal.SIGKILL, signal.SIG_IGN)", "OSError: [Errno 22] Invalid argument"),
    ("signal.signal(signal.SIGTERM, 5)",
     "TypeError: signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object"),
    ("signal.signal(0, signal.SIG_IGN)", "ValueError: signal number out of range"),
    ("signal.getsignal(999)", "ValueError: signal number out of range"),
])
def test_what_python_refuses_is_refused(client: Any, code: str, refusal: str) -> None:
    assert call(client, kind="call", call=code) == (None, refusal)
