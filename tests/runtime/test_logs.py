"""Logs: an invocation's own output, framed by START/END/REPORT, in the Python runtime's formats."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import re
import sys
import threading
from typing import Any, cast

import pytest

from lambdamock import _bound
from lambdamock.runtime import Runtime, hooks
from lambdamock.runtime.spec import LogSettings
from lambdamock.runtime.streams import ThreadStream
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, make_spec

REPORT = re.compile(
    r"REPORT RequestId: (?P<id>\S+)\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms"
    r"\tMemory Size: 128 MB\tMax Memory Used: \d+ MB(?P<rest>.*)"
)


def test_log_frames_print_and_stderr_output(runtime: Runtime) -> None:
    spec = make_spec(
        handler_source(
            "print('hello', event)\nsys.stderr.write('to stderr\\n')\nprint('no newline', end='')\nreturn 1",
            prelude="import sys\nprint('at init')",
        )
    )
    log = invoke(runtime, spec, b'"x"', request_id="req-1").log
    lines = log.splitlines()
    assert lines[0] == "at init"
    assert lines[1] == "START RequestId: req-1 Version: $LATEST"
    assert lines[2:5] == ["hello x", "to stderr", "no newline"]
    assert lines[5] == "END RequestId: req-1"
    match = REPORT.fullmatch(lines[6])
    # AWS ends REPORT with a tab (LocalStack test_lambda.snapshot.json, test_invocation_with_logs).
    assert match and match["id"] == "req-1" and re.fullmatch(r"\tInit Duration: \d+\.\d\d ms\t", match["rest"])
    assert log.endswith("\n") and len(lines) == 7
    warm = invoke(runtime, spec, b'"y"', request_id="req-2").log.splitlines()
    assert warm[0] == "START RequestId: req-2 Version: $LATEST" and warm[1] == "hello y"
    assert REPORT.fullmatch(warm[-1])["rest"] == "\t"  # type: ignore[index]


def test_bytes_written_to_the_streams_buffers_reach_the_log(runtime: Runtime) -> None:
    # On Lambda sys.stdout.buffer is the process's file descriptor, which the runtime's log reads.
    spec = make_spec(handler_source("sys.stdout.buffer.write(b'caf\\xc3\\xa9\\n')\n"
                                    "sys.stderr.buffer.write(b'err\\n')\nsys.stdout.buffer.flush()\nreturn 1",
                                    prelude="import sys"))
    lines = invoke(runtime, spec, request_id="req-1").log.splitlines()
    assert lines[1:3] == ["caf\u00e9", "err"]


def test_other_threads_output_is_not_captured(runtime: Runtime, capsys: pytest.CaptureFixture[str]) -> None:
    sync.events["printing"] = threading.Event()
    sync.events["printed"] = threading.Event()
    spec = make_spec(
        handler_source(
            "print('from handler')\nsync.events['printing'].set()\nsync.events['printed'].wait(5)\nreturn 1",
            prelude="from tests.runtime import sync",
        )
    )
    results = []
    worker = threading.Thread(target=lambda: results.append(invoke(runtime, spec)))
    worker.start()
    assert sync.events["printing"].wait(5)
    print("from the test thread")
    sys.stderr.write("test stderr\n")
    sync.events["printed"].set()
    worker.join(5)
    assert "from handler" in results[0].log
    assert "from the test thread" not in results[0].log and "test stderr" not in results[0].log
    captured = capsys.readouterr()
    assert "from the test thread" in captured.out and "from handler" not in captured.out
    assert "test stderr" in captured.err


def test_logging_records_use_the_runtime_format(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    spec = make_spec(
        handler_source(
            "logger.info('not shown at the default WARNING level')\n"
            "logger.warning('careful %s', 1)\n"
            "logging.getLogger().error('root error')\n"
            "return 1",
            prelude="import logging\nlogger = logging.getLogger('fn')",
        )
    )
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    try:
        log = invoke(runtime, spec, request_id="rid-log").log
    finally:
        root.setLevel(level)
    body = log.splitlines()[1:-2]
    stamp = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
    assert len(body) == 2
    assert re.fullmatch(rf"\[WARNING\]\t{stamp}\trid-log\tcareful 1", body[0])
    assert re.fullmatch(rf"\[ERROR\]\t{stamp}\trid-log\troot error", body[1])
    # pytest's own handler still receives the records (its capture keeps working).
    assert "careful 1" in caplog.text


def test_logging_from_the_test_thread_is_untouched(runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    spec = make_spec(handler_source("return 1"))
    invoke(runtime, spec)
    logging.getLogger("test").warning("test thread record")
    result = invoke(runtime, spec)
    assert "test thread record" in caplog.text and "test thread record" not in result.log


_LOGS_AN_EXCEPTION = handler_source(
    "try:\n    1 / 0\nexcept ZeroDivisionError:\n    logging.getLogger('fn').exception('failed')\nreturn 1",
    prelude="import logging",
)


def test_logger_exception_includes_the_traceback_naming_the_task_root(
        runtime: Runtime, caplog: pytest.LogCaptureFixture) -> None:
    log = invoke(runtime, make_spec(_LOGS_AN_EXCEPTION)).log
    assert "\tfailed\nTraceback (most recent call last):" in log and "ZeroDivisionError" in log
    # As on AWS, the function's files are where Lambda keeps them, as in its error payloads.
    assert 'File "/var/task/app.py", line ' in log and "lambdamock-" not in log
    # The test's own handlers format the record as they would have: the file where it is here.
    [record] = [record for record in caplog.records if record.getMessage() == "failed"]
    assert "/var/task/" not in logging.Formatter().format(record)


def test_every_frame_of_a_logged_traceback_names_the_task_root(runtime: Runtime) -> None:
    # The function's files are under /var/task on Lambda, each frame of them as much as the first.
    files = {"app.py": "import logging\ndef fail():\n    1 / 0\ndef handler(event, context):\n    try:\n        fail()\n"
                       "    except ZeroDivisionError:\n        logging.getLogger('fn').exception('failed')\n"}
    log = invoke(runtime, make_spec(files)).log
    assert log.count('File "/var/task/app.py", line ') == 2 and "lambdamock-" not in log, log


def test_json_logs_name_the_task_root_in_stack_trace_and_location(runtime: Runtime) -> None:
    spec = dataclasses.replace(make_spec(_LOGS_AN_EXCEPTION), logging=LogSettings("JSON"))
    [document] = [json.loads(line) for line in invoke(runtime, spec).log.splitlines()
                  if line.startswith("{") and '"failed"' in line]
    assert document["location"] == "/var/task/app.py:handler:6"
    assert document["stackTrace"][0].startswith('  File "/var/task/app.py", line 4, in handler')


def test_context_log_writes_to_the_invocation_log(runtime: Runtime) -> None:
    spec = make_spec(handler_source("context.log('via context\\n')\nreturn 1"))
    assert "via context\n" in invoke(runtime, spec).log


def test_context_log_adds_no_newline_of_its_own(runtime: Runtime) -> None:
    # awslambdaric's lambda_context.py: log() hands the sink str(msg) as it is; a message that ends its own line is
    # not followed by an empty one.
    spec = make_spec(handler_source("context.log('one\\n')\nprint('two')\nreturn 1"))
    assert "one\ntwo\n" in invoke(runtime, spec).log


def test_streams_are_restored_exactly_on_close() -> None:
    stdout, stderr = sys.stdout, sys.stderr
    rt = Runtime()
    invoke(rt, make_spec(handler_source("print('x')")))
    rt.close()
    rt.unhook()
    assert sys.stdout is stdout and sys.stderr is stderr
    assert logging.Logger.callHandlers.__module__ == "logging"


def test_streams_another_thread_swaps_while_they_are_diverted_or_put_back_stay_as_it_set_them(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The last thread of a mock puts the streams back while pytest's capture may be swapping them (between two
    # tests, as a handler that outlived its test ends): the other thread's choice stands.
    theirs, later = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    retire = hooks._retire

    def swapping(stream: object) -> None:  # another thread's turn, while the layers are unwound
        sys.stdout = theirs
        retire(stream)

    hooks.wrap_streams()
    monkeypatch.setattr(hooks, "_retire", swapping)
    hooks.unwrap_streams()
    assert sys.stdout is theirs

    class Swapping(ThreadStream):  # another thread's turn, while the new layer is made
        def __init__(self, target: Any) -> None:
            if target is theirs:
                sys.stdout = later
            super().__init__(target)

    monkeypatch.setattr(hooks, "_retire", retire)
    monkeypatch.setattr(hooks, "ThreadStream", Swapping)
    hooks.wrap_streams()
    assert type(sys.stdout) is Swapping and sys.stdout.target is later
    hooks.unwrap_streams()
    assert sys.stdout is later


def test_basic_config_in_a_handler_changes_nothing(runtime: Runtime) -> None:
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaFeatures::test_invocation_with_qualifier — a
    # handler that calls logging.basicConfig logs one [INFO] line: Lambda's own root handler, no other.
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    spec = make_spec(handler_source(
        "logger.info('once')\nreturn 1",
        prelude="import logging\nlogging.basicConfig(level=logging.INFO)\nlogger = logging.getLogger('app')\n"
                "logger.setLevel(logging.INFO)",
    ))
    log = invoke(runtime, spec).log
    (line,) = [line for line in log.splitlines() if "once" in line]
    assert line.startswith("[INFO]\t")
    assert (list(root.handlers), root.level) == before


def test_a_log_s_bytes_are_the_bytes_the_runtime_wrote() -> None:
    from lambdamock.runtime.logs import log_bytes

    assert log_bytes("é") == "é".encode()
    # A byte that is not UTF-8 (print() passes it on as U+DCFF) is that byte; a surrogate no byte gave, U+FFFD.
    assert log_bytes("ok \udcff and \ud800") == b"ok \xff and \xef\xbf\xbd"


def test_a_function_s_buffer_flushes_nothing_of_the_process_s() -> None:
    # A TextIOWrapper function code made over sys.stdout.buffer flushes it as it is collected, on whatever thread and
    # whenever: the process's stream may be closed by then (pytest's capture of an earlier test), and an error there
    # would be the test process's (Python 3.13 reports it as unraisable).
    process_stream = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    stream = ThreadStream(process_stream)
    _bound.bind(cast(Any, object()))  # any execution environment's thread
    try:
        buffer = stream.buffer
    finally:
        _bound.bind(None)
    process_stream.close()
    buffer.flush()
    buffer.close()
    assert buffer.closed
