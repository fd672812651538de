"""Error payloads and log entries for every way a Python function can fail, and result marshalling."""

from __future__ import annotations

import json
import re
import signal
import sys
import threading
from typing import Any, Dict

import pytest

from lambdamock.runtime import Runtime
from tests.helpers import wait_until
from tests.runtime import sync
from tests.runtime.conftest import failure, handler_source, invoke, make_spec


def test_handler_exception(runtime: Runtime) -> None:
    files = {
        "app.py": "import helper\ndef handler(event, context):\n    helper.fail()\n",
        "helper.py": "def fail():\n    raise ValueError('boom')\n",
    }
    error = failure(runtime, files)
    assert error["errorType"] == "ValueError" and error["errorMessage"] == "boom"
    assert error["requestId"] == "rid-e"
    trace = error["stackTrace"]
    assert trace == [
        '  File "/var/task/app.py", line 3, in handler\n    helper.fail()\n',
        '  File "/var/task/helper.py", line 2, in fail\n    raise ValueError(\'boom\')\n',
    ]
    log = error["_log"]
    assert "[ERROR] ValueError: boom\nTraceback (most recent call last):\n" in log
    assert "\u00a0\u00a0File" in log  # the runtime indents traceback lines with no-break spaces


def test_error_payload_uses_default_separators(runtime: Runtime) -> None:
    result = invoke(runtime, make_spec(handler_source("raise KeyError('k')")), request_id="r")
    assert result.payload.startswith(b'{"errorMessage": "\'k\'", "errorType": "KeyError", "requestId": "r", ')


def test_import_module_error_is_retried_on_the_next_invoke(runtime: Runtime) -> None:
    files = {"app.py": "import not_installed_anywhere\ndef handler(event, context):\n    return 1\n"}
    error = failure(runtime, files)
    assert error == {
        "errorMessage": "Unable to import module 'app': No module named 'not_installed_anywhere'",
        "errorType": "Runtime.ImportModuleError",
        # Init errors carry no request id (LocalStack test_lambda.snapshot.json, test_lambda_runtime_error).
        "requestId": "",
        "stackTrace": [],
        "_log": error["_log"],
    }
    assert "INIT_REPORT Init Duration:" in error["_log"]
    assert "[ERROR] Runtime.ImportModuleError: Unable to import module 'app'" in error["_log"]
    # awslambdaric's bootstrap logs its warning first (lambda_literals.py), at WARNING, with no request id.
    warning = re.search(r"\[WARNING\]\t\S+\t\tLAMBDA_WARNING: Unhandled exception\. .*runtimes-update\.html\r\n",
                        error["_log"])
    assert warning and warning.end() <= error["_log"].index("[ERROR] Runtime.ImportModuleError")
    assert runtime.environment_count == 0
    result = invoke(runtime, make_spec(files))
    assert result.cold and result.function_error == "Unhandled"


def test_an_import_error_names_files_where_lambda_keeps_them(runtime: Runtime) -> None:
    # bootstrap.py puts str(error) in the message: Python names the module's file, /var/task/... on Lambda.
    error = failure(runtime, {"app.py": "from lib import nope\n", "lib.py": ""})
    assert error["errorMessage"] == (
        "Unable to import module 'app': cannot import name 'nope' from 'lib' (/var/task/lib.py)"
    )


def test_the_standard_library_and_installed_packages_are_named_where_the_runtime_has_them(runtime: Runtime) -> None:
    # AWS's traces name the runtime's Python under /var/lang/lib/python3.X (the function's runtime version):
    # LocalStack test_lambda.snapshot.json, test_lambda_runtime_error ("/var/lang/lib/python3.13/importlib/...");
    # its packages (boto3 ...) under that folder's site-packages.
    def frames(files: Dict[str, str], payload: bytes = b"{}") -> Any:
        result = invoke(runtime, make_spec(files, runtime="python3.13"), payload)
        document = json.loads(result.payload)
        return document["errorMessage"], re.findall(r'File "([^"]+)"', "".join(document["stackTrace"]))

    files = {"app.py": "import json\nimport botocore.utils\ndef handler(event, context):\n"
                       "    if event.get('package'):\n        botocore.utils.parse_timestamp('no time')\n"
                       "    return json.loads('not json')\n"}
    assert frames(files)[1] == ["/var/task/app.py", "/var/lang/lib/python3.13/json/__init__.py",
                                "/var/lang/lib/python3.13/json/decoder.py", "/var/lang/lib/python3.13/json/decoder.py"]
    _, called = frames(files, b'{"package": 1}')
    assert called[0] == "/var/task/app.py" and called[1] == "/var/lang/lib/python3.13/site-packages/botocore/utils.py"
    message, _ = frames({"app.py": "from os import nothing_here\n"})
    assert message == (
        "Unable to import module 'app': cannot import name 'nothing_here' from 'os' (/var/lang/lib/python3.13/os.py)")


def test_syntax_error(runtime: Runtime) -> None:
    error = failure(runtime, {"app.py": "def handler(event, context):\n    return (\n"})
    assert error["errorType"] == "Runtime.UserCodeSyntaxError"
    assert error["errorMessage"].startswith("Syntax error in module 'app': ")
    assert error["errorMessage"].endswith("(app.py, line 2)")
    # The runtime's own form (awslambdaric's bootstrap): "File" and "Line", the file under /var/task.
    assert error["stackTrace"] == ['  File "/var/task/app.py" Line 2\n        return (\n']


def test_exception_at_import_time_keeps_its_type(runtime: Runtime) -> None:
    error = failure(runtime, {"app.py": "raise RuntimeError('init broke')\n"})
    assert error["errorType"] == "RuntimeError" and error["errorMessage"] == "init broke"
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaErrors::test_lambda_runtime_error ends with
    # the module's own frame (the runtime's importlib frames before it are not reproduced).
    assert error["stackTrace"] == ['  File "/var/task/app.py", line 1, in <module>\n    raise RuntimeError(\'init broke\')\n']


def test_marshal_error(runtime: Runtime) -> None:
    error = failure(runtime, handler_source("return object()"))
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"] == "Unable to marshal response: Object of type object is not JSON serializable"
    assert error["stackTrace"] == []  # a fault's, with no frame (awslambdaric's make_error of FaultException)


def test_keys_no_encoder_writes_are_still_refused(runtime: Runtime) -> None:
    error = failure(runtime, handler_source("return {b'k': 1, (1, 2): 2}"))
    assert error["errorMessage"] == "Unable to marshal response: keys must be str, int, float, bool or None, not tuple"


def test_bytes_that_are_not_utf8_cannot_be_marshalled(runtime: Runtime) -> None:
    # The runtime's encoder (simplejson, encoding UTF-8: lambda_runtime_marshaller.py) decodes bytes values.
    error = failure(runtime, handler_source("return {'body': b'\\xff'}"))
    assert error["errorType"] == "Runtime.MarshalError"
    assert error["errorMessage"] == (
        "Unable to marshal response: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"
    )


def test_unmarshal_error(runtime: Runtime) -> None:
    error = failure(runtime, handler_source("return 1"), b"{not json")
    assert error["errorType"] == "Runtime.UnmarshalError"
    assert error["errorMessage"].startswith("Unable to unmarshal input: Expecting property name")


@pytest.mark.parametrize(
    ("exit_call", "message"),
    [
        ("sys.exit(3)", "Runtime exited with error: exit status 3"),
        ("sys.exit('bye')", "Runtime exited with error: exit status 1"),
        ("sys.exit()", "Runtime exited without providing a reason"),
        # Python 3.8+ ends a process that left KeyboardInterrupt uncaught by its own SIGINT (bpo-1054041), and Lambda
        # words a runtime ended by a signal as 'signal: <name>' (users report 'signal: killed' when out of memory).
        ("raise KeyboardInterrupt", "Runtime exited with error: signal: interrupt"),
        # The process's own ends: a signal it sends itself (Go's names, as Lambda's runtime manager gives them), or
        # os._exit. None of them ends the test process.
        ("os.kill(os.getpid(), signal.SIGINT)", "Runtime exited with error: signal: interrupt"),
        ("signal.raise_signal(signal.SIGINT)", "Runtime exited with error: signal: interrupt"),
        ("_thread.interrupt_main()", "Runtime exited with error: signal: interrupt"),
        ("os.kill(os.getpid(), signal.SIGTERM)", "Runtime exited with error: signal: terminated"),
        ("os.killpg(os.getpgrp(), signal.SIGKILL)", "Runtime exited with error: signal: killed"),
        ("os.kill(0, signal.SIGUSR1)", "Runtime exited with error: signal: user defined signal 1"),
        ("os.abort()", "Runtime exited with error: signal: aborted"),
        ("os._exit(4)", "Runtime exited with error: exit status 4"),
        ("os._exit(0)", "Runtime exited without providing a reason"),
        ("os._exit(-1)", "Runtime exited with error: exit status 255"),  # the byte a parent reads
        ("os.kill(-1, signal.SIGTERM)", "Runtime exited with error: signal: terminated"),  # all it may signal
        ("signal.pthread_kill(threading.get_ident(), signal.SIGTERM)", "Runtime exited with error: signal: terminated"),
        pytest.param("os.kill(threading.get_native_id(), signal.SIGTERM)",  # a thread's id: its process, on Linux
                     "Runtime exited with error: signal: terminated",
                     marks=pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's kill()")),
        # From another of its threads, the whole process ends (and SIGINT interrupts the handler's thread).
        ("threading.Thread(target=os._exit, args=(5,)).start(); time.sleep(5)",
         "Runtime exited with error: exit status 5"),
        ("threading.Thread(target=_thread.interrupt_main).start(); time.sleep(5)",
         "Runtime exited with error: signal: interrupt"),
    ],
)
def test_exit_in_the_handler_ends_the_environment_not_the_process(
    runtime: Runtime, exit_call: str, message: str
) -> None:
    spec = make_spec(handler_source(f"if event:\n    {exit_call}\nreturn 'alive'",
                                    prelude="import _thread, os, signal, sys, threading, time"))
    invoke(runtime, spec)
    result = invoke(runtime, spec, b"1", request_id="rid-x")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: rid-x Error: {message}",
    }
    # Lambda's own compact JSON, errorType first (recorded in that order: LocalStack test_lambda.snapshot.json,
    # TestLambdaErrors::test_lambda_runtime_exit and test_lambda_runtime_exit_segfault's Sandbox.Timedout).
    assert result.payload.startswith(b'{"errorType":"Runtime.ExitError","errorMessage":"RequestId: rid-x ')
    assert "Runtime.ExitError" in result.log
    assert runtime.environment_count == 0
    after = invoke(runtime, spec)
    assert after.cold and json.loads(after.payload) == "alive"


# Lambda's runtime manager words a runtime a signal ended as Go's os.ProcessState does ("signal: " and Go's name of the
# signal, the same code that gives "exit status 127" in LocalStack's AWS-recorded test_lambda.snapshot.json); Go's
# names for Linux's signals are golang/go's src/syscall/zerrors_linux_amd64.go signal table, and a signal it does not
# name is "signal <number>" (syscall.Signal.String).
@pytest.mark.parametrize(("name", "worded"), [
    ("SIGHUP", "hangup"),
    ("SIGQUIT", "quit"),
    ("SIGUSR2", "user defined signal 2"),
    ("SIGSEGV", "segmentation fault"),
    ("SIGPIPE", "broken pipe"),  # Python ignores it from the start: its default action is set again first
    ("SIGALRM", "alarm clock"),
    *(pytest.param(name, worded, marks=pytest.mark.skipif(not hasattr(signal, name), reason="Linux's alone"))
      for name, worded in [("SIGSTKFLT", "stack fault"), ("SIGIO", "I/O possible"), ("SIGPWR", "power failure")]),
    pytest.param("SIGRTMIN", "signal 34", marks=pytest.mark.skipif(
        not hasattr(signal, "SIGRTMIN") or int(getattr(signal, "SIGRTMIN", 0)) != 34, reason="Linux's numbering")),
])
def test_a_signal_s_default_action_ends_the_runtime_with_go_s_name_of_it(runtime: Runtime, name: str,
                                                                        worded: str) -> None:
    spec = make_spec(handler_source(f"signal.signal(signal.{name}, signal.SIG_DFL)\n"
                                    f"os.kill(os.getpid(), signal.{name})\nreturn 'alive'", prelude="import os, signal"))
    result = invoke(runtime, spec, request_id="rid-s")
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": f"RequestId: rid-s Error: Runtime exited with error: signal: {worded}",
    }


@pytest.mark.parametrize("name", ["SIGSTOP", "SIGTSTP"])
def test_a_signal_that_stops_the_process_leaves_the_invocation_to_time_out(runtime: Runtime, name: str) -> None:
    # Their default action stops the process until SIGCONT (signal(7)): no exit, and the invocation runs into its
    # timeout, whose answer is the one AWS gives (see test_timeouts).
    spec = make_spec(handler_source(f"os.kill(os.getpid(), signal.{name})\nreturn 'alive'",
                                    prelude="import os, signal"), timeout=1)
    result = invoke(runtime, spec, request_id="rid-p")
    assert result.timed_out
    assert json.loads(result.payload) == {
        "errorType": "Sandbox.Timedout", "errorMessage": "RequestId: rid-p Error: Task timed out after 1.00 seconds"}


def test_an_exit_its_code_catches_then_raises_over_is_still_the_runtime_s_end(runtime: Runtime) -> None:
    # The process is gone: nothing of the runtime's is left to log or post the handler's later error, and Lambda
    # answers with how the runtime ended.
    spec = make_spec(handler_source("try:\n    os._exit(6)\nexcept BaseException:\n    raise ValueError('after')",
                                    prelude="import os"))
    result = invoke(runtime, spec, request_id="rid-r")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: rid-r Error: Runtime exited with error: exit status 6",
    }
    assert "Runtime.ExitError" in result.log and "ValueError" not in result.log


def test_an_exit_its_code_catches_or_that_comes_while_it_waits_still_ends_the_process(runtime: Runtime) -> None:
    # The process is gone all the same: the invocation answers as Lambda's does, and the next one starts afresh.
    spec = make_spec(handler_source(
        "if event == 'catch':\n    try:\n        os._exit(1)\n    except BaseException:\n        pass\n"
        "if event == 'later':\n    threading.Thread(target=os._exit, args=(7,)).start()\n    time.sleep(5)\n"
        "return 'alive'", prelude="import os, threading, time"))
    caught = invoke(runtime, spec, b'"catch"', request_id="rid-c")
    assert json.loads(caught.payload)["errorMessage"] == "RequestId: rid-c Error: Runtime exited with error: exit status 1"
    fresh = invoke(runtime, spec)
    assert fresh.cold and json.loads(fresh.payload) == "alive"
    ended = invoke(runtime, spec, b'"later"', request_id="rid-l")
    assert json.loads(ended.payload)["errorMessage"] == "RequestId: rid-l Error: Runtime exited with error: exit status 7"
    assert json.loads(invoke(runtime, spec).payload) == "alive"


def test_an_exit_from_its_thread_ends_the_handler_s_sleep_at_once(runtime: Runtime) -> None:
    # The process ends with the thread's exit: the handler's time.sleep does not run on into the timeout.
    spec = make_spec(handler_source("threading.Thread(target=os._exit, args=(9,)).start()\ntime.sleep(60)",
                                    prelude="import os, threading, time"), timeout=3)
    result = invoke(runtime, spec, request_id="rid-w")
    assert not result.timed_out
    assert json.loads(result.payload)["errorMessage"] == "RequestId: rid-w Error: Runtime exited with error: exit status 9"
    assert "Exception in thread" not in result.log  # the thread ended with its process: nothing to report


def test_an_exit_from_its_thread_while_it_waits_is_the_next_invocation_s_answer(runtime: Runtime) -> None:
    spec = make_spec(handler_source(
        "if event == 'later':\n"
        "    sync.calls['exiting'] = threading.Thread(target=lambda: (sync.events['go'].wait(5), os._exit(7)))\n"
        "    sync.calls['exiting'].start()\n"
        "return 'alive'", prelude="import os, threading\nfrom tests.runtime import sync"))
    sync.events["go"] = threading.Event()
    assert json.loads(invoke(runtime, spec, b'"later"').payload) == "alive"
    sync.events["go"].set()
    wait_until(lambda: not sync.calls["exiting"].is_alive())
    after = invoke(runtime, spec, request_id="rid-n")
    assert json.loads(after.payload)["errorMessage"] == "RequestId: rid-n Error: Runtime exited with error: exit status 7"
    assert json.loads(invoke(runtime, spec).payload) == "alive"


@pytest.mark.parametrize("interrupt", ["_thread.interrupt_main()", "os.kill(os.getpid(), signal.SIGINT)"])
def test_a_watchdog_thread_s_interrupt_can_be_caught_by_the_handler(runtime: Runtime, interrupt: str) -> None:
    # Python raises KeyboardInterrupt in the main thread, the one Lambda's runtime runs the handler on.
    spec = make_spec(handler_source(
        "try:\n"
        f"    threading.Thread(target=lambda: {interrupt}).start()\n"
        "    while True:\n        sum(range(100))\nexcept KeyboardInterrupt:\n    return 'interrupted'",
        prelude="import _thread, os, signal, threading"))
    assert json.loads(invoke(runtime, spec).payload) == "interrupted"
    assert not invoke(runtime, spec).cold


def test_a_sleep_after_a_caught_interrupt_sleeps_its_time(runtime: Runtime) -> None:
    # What woke the interrupted sleep is spent: the handler's next time.sleep waits as long as it is asked to.
    spec = make_spec(handler_source(
        "try:\n    threading.Thread(target=_thread.interrupt_main).start()\n    time.sleep(30)\n"
        "except KeyboardInterrupt:\n    pass\nstarted = time.monotonic()\ntime.sleep(0.2)\n"
        "return time.monotonic() - started", prelude="import _thread, threading, time"))
    assert json.loads(invoke(runtime, spec).payload) >= 0.2


def test_a_profiler_the_handler_sets_does_not_hold_up_its_answer(runtime: Runtime) -> None:
    # Found by a hostile-handler review: clearing a pending thread exception left CPython's flag for one set, and a
    # profile function then kept the handler's thread from answering.
    spec = make_spec(handler_source("sys.setprofile(lambda *a: None)\nsys.settrace(lambda *a: None)\nreturn 1",
                                    prelude="import sys"), timeout=2)
    assert json.loads(invoke(runtime, spec).payload) == 1
    assert json.loads(invoke(runtime, spec).payload) == 1


@pytest.mark.skipif(not hasattr(signal, "alarm"), reason="no signal.alarm here")
def test_an_alarm_is_never_set(runtime: Runtime) -> None:
    # Its SIGALRM would reach the test process, never the function's handler.
    spec = make_spec(handler_source("return [signal.alarm(1), signal.setitimer(signal.ITIMER_REAL, 0.5)]",
                                    prelude="import signal"))
    assert json.loads(invoke(runtime, spec).payload) == [0, [0.0, 0.0]]
    assert signal.alarm(0) == 0


def test_a_signal_that_leaves_a_process_running_leaves_the_function_running(runtime: Runtime) -> None:
    # SIGCHLD, SIGWINCH and SIGURG are ignored by default (signal(7)), 0 only asks whether the process exists, and
    # interrupt_main does nothing for a signal Python does not handle.
    spec = make_spec(handler_source("os.kill(os.getpid(), signal.SIGCHLD)\nos.kill(os.getpid(), 0)\n"
                                    "os.kill(os.getpid(), signal.SIGWINCH)\nos.kill(os.getpid(), signal.SIGURG)\n"
                                    "_thread.interrupt_main(signal.SIGTERM) if sys.version_info >= (3, 10) else None\n"
                                    "return 'alive'", prelude="import _thread, os, signal, sys"))
    assert json.loads(invoke(runtime, spec).payload) == "alive"


@pytest.mark.parametrize(("call", "error"), [
    ("os.kill(os.getpid(), 999)", "OSError: [Errno 22] Invalid argument"),
    # raise_signal calls C's raise() unchecked, which refuses a number out of range with EINVAL.
    ("signal.raise_signal(999)", "OSError: [Errno 22] Invalid argument"),
    ("signal.raise_signal(signal.NSIG)", "OSError: [Errno 22] Invalid argument"),
    ("os._exit('x')", "TypeError: 'str' object cannot be interpreted as an integer"),
    ("_thread.start_new_thread(1, ())", "TypeError: first arg must be callable"),
    # Python's own texts (CPython 3.9 and 3.11 give the same).
    ("os.kill(os.getpid(), signal.NSIG)", "OSError: [Errno 22] Invalid argument"),
    ("signal.signal(signal.NSIG, signal.SIG_IGN)", "ValueError: signal number out of range"),
    ("_thread.start_new_thread(print, [])", "TypeError: 2nd arg must be a tuple"),
    ("_thread.start_new_thread(print, (), 1)", "TypeError: optional 3rd arg must be a dictionary"),
    ("atexit.register(1)", "TypeError: the first argument must be callable"),
    # Python 3.10 gave interrupt_main its argument.
    ("_thread.interrupt_main(999)", "ValueError: signal number out of range" if sys.version_info >= (3, 10) else
     "TypeError: _thread.interrupt_main() takes no arguments (1 given)"),
])
def test_what_the_real_calls_refuse_is_refused(runtime: Runtime, call: str, error: str) -> None:
    document = failure(runtime, handler_source(call, prelude="import _thread, atexit, os, signal"))
    assert f"{document['errorType']}: {document['errorMessage']}" == error


def test_a_signal_the_function_ignores_or_sends_to_another_process_leaves_it_running(runtime: Runtime) -> None:
    # SIG_IGN: the process goes on; a child's pid is the child's, which the signal ends (as subprocess reports it).
    spec = make_spec(handler_source(
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nos.kill(os.getpid(), signal.SIGTERM)\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30)'])\n"
        "os.kill(child.pid, signal.SIGTERM)\nreturn child.wait(10)", prelude="import os, signal, subprocess, sys"))
    result = invoke(runtime, spec)
    assert result.function_error is None, result.payload
    assert json.loads(result.payload) == -signal.SIGTERM


def test_unsupported_runtime(runtime: Runtime) -> None:
    result = invoke(runtime, make_spec({"index.js": ""}, handler="index.handler", runtime="nodejs20.x"))
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.Unsupported",
        "errorMessage": "lambdamock runs only Python handlers; runtime nodejs20.x is not supported",
    }
    assert runtime.environment_count == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("{'a': 1, 'b': [1, 2]}", b'{"a": 1, "b": [1, 2]}'),
        ("None", b"null"),
        ("b'raw \\xff bytes'", b"raw \xff bytes"),
        ("decimal.Decimal('1.10')", b"1.10"),
        (
            "{'n': decimal.Decimal('12345678901234567890.5'), 'i': decimal.Decimal(3)}",
            b'{"n": 12345678901234567890.5, "i": 3}',
        ),
        ("[decimal.Decimal('NaN')]", b"[NaN]"),
        # awslambdaric's lambda_runtime_marshaller.py: any NaN Decimal is math.nan, as simplejson would write "-NaN".
        ("[decimal.Decimal('-NaN'), decimal.Decimal('sNaN')]", b"[NaN, NaN]"),
        ("{'body': b'hi', 'n': [b'caf\\xc3\\xa9']}", '{"body": "hi", "n": ["caf\u00e9"]}'.encode()),
        ("'caf\\u00e9 \\u2603'", '"caf\u00e9 \u2603"'.encode()),
        # simplejson writes a bytes key as its text too (encoder.py, _iterencode_dict), where json refuses it.
        ("{b'k': 1, 'n': [{b'deep': (b'v',)}]}", b'{"k": 1, "n": [{"deep": ["v"]}]}'),
        ("({b'k': 1},)", b'[{"k": 1}]'),  # in a tuple too: simplejson writes a tuple as a list (tuple_as_array)
    ],
)
def test_result_marshalling(runtime: Runtime, value: str, expected: bytes) -> None:
    spec = make_spec(handler_source(f"return {value}", prelude="import decimal"), runtime="python3.12")
    result = invoke(runtime, spec)
    assert result.function_error is None and result.payload == expected


@pytest.mark.parametrize(
    ("runtime_name", "expected"), [("python3.11", b'"caf\\u00e9"'), ("python3.13", '"caf\u00e9"'.encode())]
)
def test_non_ascii_depends_on_the_runtime(runtime: Runtime, runtime_name: str, expected: bytes) -> None:
    spec = make_spec(handler_source("return 'caf\\u00e9'"), runtime=runtime_name)
    assert invoke(runtime, spec).payload == expected
    # Error objects too: bootstrap writes them with the same encoder (to_json, lambda_runtime_marshaller.py).
    failing = make_spec(handler_source("raise ValueError('caf\\u00e9')"), runtime=runtime_name)
    assert invoke(runtime, failing).payload.startswith(b'{"errorMessage": ' + expected)


def test_empty_payload_is_an_empty_object(runtime: Runtime) -> None:
    spec = make_spec(handler_source("return event"))
    assert invoke(runtime, spec, b"").payload == b"{}"


def test_exit_during_init(runtime: Runtime) -> None:
    result = invoke(runtime, make_spec({"app.py": "import sys\nsys.exit(2)\n"}), request_id="rid-i")
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: rid-i Error: Runtime exited with error: exit status 2",
    }
    assert result.function_error == "Unhandled" and runtime.environment_count == 0


def test_a_base_exception_at_init_ends_the_runtime_as_python_reports_it(runtime: Runtime) -> None:
    # awslambdaric's bootstrap.run catches Exception alone: anything else ends the process, which Python reports.
    files = {"app.py": "class Stop(BaseException):\n    pass\nraise Stop('stop now')\n"}
    result = invoke(runtime, make_spec(files), request_id="rid-b")
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: rid-b Error: Runtime exited with error: exit status 1",
    }
    assert "Traceback (most recent call last):\n" in result.log and "app.Stop: stop now\n" in result.log
    assert "LAMBDA_WARNING" not in result.log


def test_an_init_error_the_runtime_cannot_read_ends_it_as_python_reports_the_chain(runtime: Runtime) -> None:
    # bootstrap.run builds the init error with str() of it, inside its except block: what that raises ends the process.
    files = {"app.py": "class Boom(Exception):\n    def __str__(self):\n        raise RuntimeError('no text')\n"
                       "raise Boom()\n"}
    result = invoke(runtime, make_spec(files), request_id="rid-s")
    assert json.loads(result.payload)["errorMessage"] == "RequestId: rid-s Error: Runtime exited with error: exit status 1"
    assert re.search(r"Traceback \(most recent call last\):\n.*raise Boom\(\)\napp.Boom: <exception str\(\) failed>\n"
                     r"\n?During handling of the above exception, another exception occurred:\n\n?"
                     r"Traceback \(most recent call last\):\n.*in __str__\n.*\nRuntimeError: no text\n", result.log, re.S)
    assert "LAMBDA_WARNING" not in result.log


def test_a_base_exception_at_init_is_reported_with_its_cause_and_without_a_suppressed_context(runtime: Runtime) -> None:
    # As Python prints an exception nothing caught (traceback.print_exception): an explicit cause, "from", is
    # printed first with its own traceback; a context hidden with "from None" is not printed.
    files = {"app.py": "class Stop(BaseException):\n    pass\n"
                       "try:\n    raise ValueError('the cause')\nexcept ValueError as cause:\n"
                       "    raise Stop('stop now') from cause\n"}
    log = invoke(runtime, make_spec(files), request_id="rid-c").log
    assert re.search(r"Traceback \(most recent call last\):\n.*raise ValueError\('the cause'\)\nValueError: the cause\n"
                     r"\n?The above exception was the direct cause of the following exception:\n\n?"
                     r"Traceback \(most recent call last\):\n.*\napp.Stop: stop now\n", log, re.S), log
    assert "During handling" not in log
    files = {"app.py": "class Stop(BaseException):\n    pass\n"
                       "try:\n    raise KeyError('hidden')\nexcept KeyError:\n    raise Stop('stop now') from None\n"}
    log = invoke(runtime, make_spec(files), request_id="rid-n").log
    assert "app.Stop: stop now\n" in log and "hidden" not in log and "During handling" not in log


def test_a_missing_exec_wrapper_ends_the_runtime_with_127(runtime: Runtime) -> None:
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaErrors::test_lambda_runtime_wrapper_not_found.
    spec = make_spec({"app.py": "def handler(event, context):\n    return 1\n"},
                     environment={"AWS_LAMBDA_EXEC_WRAPPER": "/idontexist.sh"})
    result = invoke(runtime, spec, request_id="rid-w")
    assert result.function_error == "Unhandled"
    assert json.loads(result.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: rid-w Error: Runtime exited with error: exit status 127",
    }


def test_a_lone_surrogate_in_a_result_ends_the_runtime_from_python3_12(runtime: Runtime) -> None:
    # From python3.12 the runtime's encoder keeps non-ASCII text (awslambdaric lambda_runtime_marshaller.py) and the
    # result is encoded to UTF-8 as it is posted, outside the handler's try (lambda_runtime_client.py,
    # post_invocation_result): the process ends. Found in review: answered as the handler's UnicodeEncodeError.
    files = handler_source("return 'x\\ud800y'")
    ended = invoke(runtime, make_spec(files), request_id="rid-s")
    assert ended.function_error == "Unhandled"
    assert json.loads(ended.payload) == {
        "errorType": "Runtime.ExitError",
        "errorMessage": "RequestId: rid-s Error: Runtime exited with error: exit status 1",
    }
    escaped = invoke(runtime, make_spec(files, name="older", runtime="python3.11"))  # escaped as \ud800
    assert escaped.function_error is None and escaped.payload == b'"x\\ud800y"'


def test_logging_a_lone_surrogate_fails_the_logging_call(runtime: Runtime) -> None:
    # The runtime's handler writes each record to its log as UTF-8, strictly, with no try (awslambdaric bootstrap.py,
    # LambdaLoggerHandler.emit and the framed log sink): the call raises in the handler. Found in review.
    # Through the runtime's handler alone (the first root handler a function sees): a test process's own handlers,
    # pytest's among them, would keep the text, which pytest-xdist cannot send between processes.
    error = failure(runtime, handler_source(
        "logging.root.handlers[0].handle(logging.makeLogRecord({'msg': 's\\udcffs', 'levelno': logging.WARNING}))\n"
        "return 'after'", prelude="import logging"))
    assert error["errorType"] == "UnicodeEncodeError"
    assert "surrogates not allowed" in error["errorMessage"]


def test_an_exec_wrapper_has_its_init_s_time(tmp_path: Any) -> None:
    from lambdamock.runtime import wrapper

    script = tmp_path / "slow"
    script.write_text("#!/bin/sh\nsleep 30\nexec \"$@\"\n")
    script.chmod(0o755)
    changed, lines = wrapper.run(str(script), {"PATH": "/usr/bin:/bin"}, 0.2)
    assert changed == {} and "timed out after 0.2 seconds" in lines[-1], lines
