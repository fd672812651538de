"""A function's process ends as on Lambda: with sys.exit's status, and never with what it set up in the test process."""

from __future__ import annotations

import atexit
import base64
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path
from typing import Any

import pytest

from tests.escapes import CREDENTIALS, Proxy
from tests.helpers import call, deploy

ROOT = Path(__file__).resolve().parent.parent


# What a parent reads of a process that sys.exit ends (python -c "import sys; sys.exit(300)"; echo $? gives 44).
# Lambda's wording of each, from LocalStack's AWS-recorded test_lambda.snapshot.json: "Runtime exited with error:
# exit status 127" (TestLambdaErrors::test_lambda_runtime_wrapper_not_found) and "Runtime exited without providing a
# reason" for status 0 (TestLambdaErrors::test_lambda_runtime_exit).
@pytest.mark.parametrize(("code", "reason"), [
    ("3", "exit status 3"),
    ("-1", "exit status 255"),
    ("300", "exit status 44"),
    ("True", "exit status 1"),
    ("256", "without providing a reason"),
    ("2**40 + 3", "exit status 3"),
    ("2**70", "exit status 255"),  # beyond a C long: Python ends with 255
    ("['no', 'config']", "exit status 1"),
])
@pytest.mark.parametrize("where", ["handler", "init"])
def test_sys_exit_ends_the_runtime_with_the_status_a_process_would_end_with(
    lambda_mock: Any, code: str, reason: str, where: str
) -> None:
    exiting = f"sys.exit({code})\n"
    source = "import sys\n" + (exiting if where == "init" else "") + "def handler(event, context):\n    " + exiting
    client = deploy(source)
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert response["FunctionError"] == "Unhandled"
    body = response["Payload"].read().decode()
    assert f"Error: Runtime exited {'with error: ' if 'status' in reason else ''}{reason}\"" in body
    log = base64.b64decode(response["LogResult"]).decode()
    # Python prints a code that is no number to stderr as the process ends, in init as in the handler.
    assert ("['no', 'config']\n" in log) == code.startswith("[")


def test_an_exit_in_the_handler_is_logged_as_lambda_logs_it(lambda_mock: Any) -> None:
    # Lambda's runtime manager logs its own error as "RequestId: ... Error: <message>" and the error type on the next
    # line (as CloudWatch shows Runtime.InvalidEntrypoint: "RequestId: ... Error: Couldn't find valid bootstrap(s):
    # [...]\nRuntime.InvalidEntrypoint"), and REPORT ends with the invocation's "Status: error\tError Type: ..."
    # (the REPORT of a failed init run again, captured on AWS: see test_a_failed_init_runs_again_in_the_invoke_phase).
    client = deploy("import sys\ndef handler(event, context):\n    sys.exit(3)\n")
    response = client.invoke(FunctionName="f", LogType="Tail")
    request_id = response["ResponseMetadata"]["RequestId"]
    log = base64.b64decode(response["LogResult"]).decode()
    assert f"\nRequestId: {request_id} Error: Runtime exited with error: exit status 3\nRuntime.ExitError\n" in log
    report = log.splitlines()[-1]
    assert report.startswith("REPORT ") and "\tStatus: error\tError Type: Runtime.ExitError" in report, log


def test_an_exit_with_a_bool_is_a_number_python_does_not_print(lambda_mock: Any) -> None:
    # A bool is an int to Python: python -c "import sys; sys.exit(True)" prints nothing and ends with status 1.
    client = deploy("import sys\ndef handler(event, context):\n    print('before')\n    sys.exit(True)\n")
    response = client.invoke(FunctionName="f", LogType="Tail")
    assert b"Error: Runtime exited with error: exit status 1" in response["Payload"].read()
    log = base64.b64decode(response["LogResult"]).decode()
    assert "before\n" in log and "True" not in log


def test_an_exit_code_python_cannot_print_ends_the_runtime_with_status_1(lambda_mock: Any) -> None:
    # Python prints an empty line for it, whatever its str() raises (python -c "...sys.exit(Code())"; echo $?: 1).
    client = deploy("import sys\nclass Code:\n    def __str__(self):\n        raise KeyboardInterrupt\n"
                    "def handler(event, context):\n    sys.exit(Code())\n")
    assert b"Error: Runtime exited with error: exit status 1" in client.invoke(FunctionName="f")["Payload"].read()


def test_an_atexit_hook_of_the_function_s_own_code_is_never_registered_in_the_test_process(lambda_mock: Any) -> None:
    # On Lambda it would run only as the runtime's process exits by itself: Lambda ends a runtime with SIGKILL.
    before = atexit._ncallbacks()
    client = deploy("import atexit\natexit.register(print, 'at exit')\n"
                    "def handler(event, context):\n    return atexit.register(len) is len\n")
    assert call(client) == (None, True)  # it returns what it was given, as atexit.register does
    assert atexit._ncallbacks() == before


def test_a_library_the_process_shares_registers_its_hook_for_the_process(
    lambda_mock: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared_cleanup.py").write_text("import atexit\nclosed = []\n"
                                                "def open_pool():\n    atexit.register(closed.append, 'pool')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = atexit._ncallbacks()
    client = deploy("import shared_cleanup\ndef handler(event, context):\n    shared_cleanup.open_pool()\n")
    assert call(client) == (None, None)
    try:
        assert atexit._ncallbacks() == before + 1
    finally:
        atexit.unregister(sys.modules["shared_cleanup"].closed.append)


def test_the_standard_library_registers_its_hook_for_the_process(lambda_mock: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # weakref.finalize registers its one exit hook as the process's first finalizer is made: made in a function's
    # code, it is still the process's, which runs every finalizer at exit (tempfile's among them).
    registered = weakref.finalize._registered_with_atexit
    monkeypatch.setattr(weakref.finalize, "_registered_with_atexit", False)
    atexit.unregister(weakref.finalize._exitfunc)
    try:
        client = deploy("import weakref\nclass Pool:\n    pass\npool = Pool()\n"
                        "def handler(event, context):\n    weakref.finalize(pool, print, 'closed').detach()\n")
        before = atexit._ncallbacks()
        assert call(client) == (None, None)
        assert atexit._ncallbacks() == before + 1
    finally:
        atexit.unregister(weakref.finalize._exitfunc)
        if registered:
            atexit.register(weakref.finalize._exitfunc)


def run_suite(tmp_path: Path, app: str, before: str = "", after: str = "") -> tuple[subprocess.CompletedProcess[str],
                                                                                  list[str]]:
    """A test process of its own, so that it can end: it runs ``before``, invokes function f made of ``app``, stops
    the mock, runs ``after``, and ends with sys.exit(3). Every connection it makes goes to a recording loopback proxy."""
    script = tmp_path / "suite.py"
    script.write_text("import sys, time\n" + textwrap.dedent(before) + textwrap.dedent('''
        import boto3
        from lambdamock import mock_lambda, package
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Handler="app.handler",
                                   Role="arn:aws:iam::123456789012:role/r", Code={"ZipFile": package({"app.py": APP})})
            assert client.invoke(FunctionName="f")["Payload"].read() == b'"ok"'
    ''').replace("APP", repr(app)) + textwrap.dedent(after) + "sys.exit(3)\n")
    proxy = Proxy()
    try:
        env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HTTP_PROXY": proxy.url, "HTTPS_PROXY": proxy.url,
               **CREDENTIALS}
        done = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120)
    finally:
        proxy.close()
    return done, proxy.attempts


def test_an_atexit_hook_neither_reaches_aws_nor_changes_the_test_process_s_exit_status(tmp_path: Path) -> None:
    # The function registered a flush that calls Lambda, and os._exit(0), which would have turned the suite's failure
    # (3) into a success.
    app = ("import atexit, os, boto3\n"
           "def flush():\n"
           "    boto3.client('lambda', region_name='us-east-1').invoke(FunctionName='metrics', InvocationType='Event')\n"
           "atexit.register(flush)\n"
           "atexit.register(os._exit, 0)\n"
           "def handler(event, context):\n    return 'ok'\n")
    done, attempts = run_suite(tmp_path, app)
    assert done.returncode == 3, done.stderr
    assert attempts == []


def test_a_faulthandler_timer_set_by_the_function_neither_ends_nor_replaces_the_test_process_s(tmp_path: Path) -> None:
    # With exit=True it would end the test process; the process has one such timer, which pytest's own
    # faulthandler_timeout uses too. The test process's timer, set before, still fires, after the function's was due:
    # once the mock has stopped, since faulthandler reads every thread's frames without the GIL, and a thread that
    # ends meanwhile can crash it (seen once, as -11, in a loaded full run when it was due 0.5 s in).
    app = ("import faulthandler\n"
           "def handler(event, context):\n"
           "    faulthandler.cancel_dump_traceback_later()\n"
           "    faulthandler.dump_traceback_later(0.05, exit=True)\n"
           "    return 'ok'\n")
    dumped = tmp_path / "dumped"
    before = f"""
        import faulthandler
        sink = open({str(dumped)!r}, "w")
        faulthandler.dump_traceback_later(3, file=sink)
    """
    after = f"""
        deadline = time.monotonic() + 30
        while not open({str(dumped)!r}).read() and time.monotonic() < deadline:
            time.sleep(0.01)
    """
    done, _ = run_suite(tmp_path, app, before, after)
    assert done.returncode == 3, done.stderr
    assert "most recent call first" in dumped.read_text()
