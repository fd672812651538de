"""Timeouts are answered on time although Python threads cannot be killed; close() never waits."""

from __future__ import annotations

import decimal
import inspect
import json
import os
import sys
import threading
import time
import warnings
from typing import Any

import pytest

from lambdamock.runtime import Runtime
from tests.helpers import wait_until
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, make_spec


@pytest.mark.parametrize(
    "body",
    [
        "while True:\n    pass",
        "time.sleep(100)",
        "while True:\n    try:\n        time.sleep(0.01)\n    except Exception:\n        pass",
    ],
    ids=["busy-loop", "sleep", "swallows-exceptions"],
)
def test_timeout_is_answered_on_time_and_the_next_invoke_works(runtime: Runtime, body: str) -> None:
    spec = make_spec(
        handler_source(f"print('started')\nif event:\n{_indent(body)}\nreturn 'ok'", prelude="import time"),
        timeout=1,
    )
    started = time.monotonic()
    result = invoke(runtime, spec, b"1", request_id="rid-t")
    elapsed = time.monotonic() - started
    assert 1.0 <= elapsed < 1.5
    assert result.timed_out and result.function_error == "Unhandled"
    assert result.payload == (
        b'{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: rid-t Error: Task timed out after 1.00 seconds"}'
    )
    assert "started\n" in result.log
    assert result.log.splitlines()[-1].endswith("\tStatus: timeout")
    assert runtime.environment_count == 0
    after = invoke(runtime, spec)
    assert json.loads(after.payload) == "ok" and after.cold


def _indent(body: str) -> str:
    return "\n".join("    " + line for line in body.splitlines())


@pytest.mark.parametrize("body", ["while True:\n        pass", "time.sleep(600)"], ids=["busy-loop", "long-sleep"])
def test_the_runaway_thread_ends_with_the_timeout(runtime: Runtime, body: str) -> None:
    # Not when the loop or the 600 s sleep would end: the worker thread is reclaimed now.
    sync.events["ended"] = threading.Event()
    spec = make_spec(
        handler_source(
            f"try:\n    {body}\nfinally:\n    sync.events['ended'].set()",
            prelude="import time\nfrom tests.runtime import sync",
        ),
        timeout=1,
    )
    assert invoke(runtime, spec).timed_out
    assert sync.events["ended"].wait(5)


def test_a_stream_the_timed_out_handler_rebound_is_the_process_s_again_while_its_code_runs_on(runtime: Runtime) -> None:
    # docs/limitations.md: sys.stdout and sys.stderr are the function's own; once the invocation is given up on the
    # test process has its streams back, though the handler's code swallows the interruption and goes on.
    sync.events["stop"] = threading.Event()
    spec = make_spec(handler_source(
        "sys.stdout = io.StringIO()\n"
        "while not sync.events['stop'].is_set():\n"
        "    try:\n        time.sleep(0.01)\n    except BaseException:\n        pass",
        prelude="import io, sys, time\nfrom tests.runtime import sync"), timeout=1)
    invoke(runtime, make_spec(handler_source("return 1")))  # the streams lambdamock diverts are in place
    stdout = sys.stdout
    try:
        assert invoke(runtime, spec).timed_out
        assert sys.stdout is stdout
    finally:
        sync.events["stop"].set()


def test_sleep_outside_handlers_is_time_sleep(runtime: Runtime) -> None:
    invoke(runtime, make_spec(handler_source("return 1")))  # hooks installed
    with pytest.raises(ValueError, match="sleep length must be non-negative"):
        time.sleep(-1)
    started = time.monotonic()
    time.sleep(0.01)
    assert time.monotonic() - started >= 0.01


def _refusal(call: Any) -> Any:
    """What ``call`` raised, or the warnings it gave."""
    with warnings.catch_warnings(record=True) as given:
        warnings.simplefilter("always")
        try:
            call()
        except Exception as error:
            return f"{type(error).__name__}: {error}"
    return [f"{warning.category.__name__}: {warning.message}" for warning in given]


@pytest.mark.parametrize("argument", ["float('nan')", "-1", "-0.5", "'1'", "decimal.Decimal('0.01')"])
def test_sleep_in_a_handler_refuses_what_time_sleep_refuses(runtime: Runtime, argument: str) -> None:
    # Python's own checks of time.sleep's argument, as the test process's time.sleep makes them (Python 3.9 words a
    # str's refusal otherwise, and takes a Decimal with a warning).
    spec = make_spec(handler_source(f"return _refusal(lambda: time.sleep({argument}))", prelude=(
        "import decimal, time, warnings\nfrom typing import Any\n" + inspect.getsource(_refusal))))
    expected = _refusal(lambda: time.sleep(eval(argument, {"decimal": decimal})))
    assert expected != []
    assert json.loads(invoke(runtime, spec).payload) == expected


def test_close_is_prompt_with_a_handler_blocked_forever() -> None:
    sync.events["blocked"] = threading.Event()
    never = threading.Event()
    sync.events["never"] = never
    stdout, environ = os.sys.stdout, os.environ  # type: ignore[attr-defined]
    rt = Runtime()
    spec = make_spec(
        handler_source(
            "sync.events['blocked'].set()\nsync.events['never'].wait()", prelude="from tests.runtime import sync"
        ),
        timeout=1,
    )
    results = []
    caller = threading.Thread(target=lambda: results.append(invoke(rt, spec)), daemon=True)
    caller.start()
    assert sync.events["blocked"].wait(5)
    started = time.monotonic()
    rt.close()
    rt.unhook()
    assert time.monotonic() - started < 0.5
    assert os.sys.stdout is stdout and os.environ is environ  # type: ignore[attr-defined]
    caller.join(5)
    assert results and results[0].timed_out  # the caller still gets its answer on time
    never.set()


def test_temporary_directories_are_removed_on_close() -> None:
    rt = Runtime()
    spec = make_spec(handler_source("return os.environ['LAMBDA_TASK_ROOT']", prelude="import os"))
    root = json.loads(invoke(rt, spec).payload)
    assert os.path.isdir(root)
    rt.close()
    rt.unhook()
    assert not os.path.exists(root) and not os.path.exists(os.path.dirname(root))


def test_environments_are_dropped_when_the_handler_thread_finishes_after_close() -> None:
    sync.events["go"] = threading.Event()
    sync.events["in"] = threading.Event()
    rt = Runtime()
    spec = make_spec(
        handler_source(
            "sync.events['in'].set()\nsync.events['go'].wait(5)\nreturn 1", prelude="from tests.runtime import sync"
        )
    )
    results = []
    caller = threading.Thread(target=lambda: results.append(invoke(rt, spec)))
    caller.start()
    assert sync.events["in"].wait(5)
    rt.close()
    rt.unhook()
    sync.events["go"].set()
    caller.join(5)
    wait_until(lambda: bool(results))
    assert results[0].payload == b"1" and rt.environment_count == 0


def test_init_that_never_finishes_is_run_again_and_times_out(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdamock.runtime import runtime as runtime_module

    # Lambda gives init 10 s, then runs it again within the invocation, under the function's timeout: here 0.2 s.
    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    spec = make_spec({"app.py": "print('init starts')\nwhile True:\n    pass\n"}, timeout=1)
    started = time.monotonic()
    result = invoke(runtime, spec, request_id="rid-init")
    assert time.monotonic() - started < 1.7
    assert result.timed_out and result.cold
    assert b"Task timed out after 1.00 seconds" in result.payload
    assert result.log.startswith(
        "init starts\nINIT_REPORT Init Duration: 200.00 ms\tPhase: init\tStatus: timeout\n"
        "init starts\nINIT_REPORT Init Duration: 1000.00 ms\tPhase: invoke\tStatus: error\tError Type: Runtime.Unknown\n"
        "START RequestId: rid-init Version: $LATEST\nEND RequestId: rid-init\n"
        "REPORT RequestId: rid-init\tDuration: 1000.00 ms\tBilled Duration: 1000 ms\t"), result.log
    assert result.log.endswith("\tStatus: timeout\n")
    stamps = [stamp for stamp, _ in result.log_events]
    assert stamps == sorted(stamps), "START comes when the init run again ended"
    assert runtime.environment_count == 0


def test_init_over_its_limit_is_run_again_within_the_timeout(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    spec = make_spec(handler_source("return context.get_remaining_time_in_millis()",
                                    prelude="import time\nprint('init starts')\ntime.sleep(0.5)"), timeout=3)
    first = invoke(runtime, spec, request_id="rid-init")
    # The handler has what the init run again left of the timeout.
    assert first.function_error is None and 1500 < json.loads(first.payload) <= 2500
    assert first.cold and first.init_duration_ms is None
    assert first.log.startswith(
        "init starts\nINIT_REPORT Init Duration: 200.00 ms\tPhase: init\tStatus: timeout\n"
        "init starts\nSTART RequestId: rid-init Version: $LATEST\nEND RequestId: rid-init\n"), first.log
    assert first.duration_ms >= 500 and "Init Duration" not in first.log.splitlines()[-1]
    second = invoke(runtime, spec)
    assert not second.cold and json.loads(second.payload) > 2500
    assert runtime.environment_count == 1


def test_an_on_demand_init_has_10_s_and_one_run_ahead_130_s_or_the_timeout_whichever_is_higher() -> None:
    # AWS's "Understanding the Lambda execution environment lifecycle" guide: "The Init phase is limited to 10
    # seconds"; an init run ahead (provisioned concurrency, a SnapStart version's at publish) has "130 seconds or the
    # configured function timeout (maximum 900 seconds), whichever is higher". Other tests scale them down.
    from lambdamock.runtime import runtime as runtime_module

    assert (runtime_module._INIT_LIMIT_S, runtime_module._AHEAD_INIT_LIMIT_S) == (10.0, 130.0)
    assert runtime_module._ahead_limit(make_spec(handler_source("return 1"), timeout=3)) == 130.0
    assert runtime_module._ahead_limit(make_spec(handler_source("return 1"), timeout=900)) == 900.0


def test_a_handler_that_times_out_after_init_ran_again_ends_when_answered(
        runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    spec = make_spec(handler_source("time.sleep(30)", prelude="import time\ntime.sleep(0.5)"), timeout=1)
    result = invoke(runtime, spec)
    answered = time.time()
    assert result.timed_out and "\tDuration: 1000.00 ms" in result.log
    # Its END and REPORT are stamped when the timeout came: the init run again had half a second of it. (The stamp is
    # the start's wall clock plus the monotonic time to the deadline, which a wait may reach a millisecond before the
    # wall clock does.)
    stamps = [stamp for stamp, _ in result.log_events]
    assert stamps == sorted(stamps) and stamps[-1] <= answered * 1000 + 5


def test_caller_timing_out_during_a_nested_invoke(runtime: Runtime) -> None:
    sync.events["inner_done"] = threading.Event()
    inner = make_spec(
        handler_source(
            "time.sleep(1.5)\nsync.events['inner_done'].set()\nreturn 'inner'",
            prelude="import time\nfrom tests.runtime import sync",
        ),
        name="inner",
    )
    outer = make_spec(
        handler_source("return sync.calls['inner']()", prelude="from tests.runtime import sync"),
        name="outer",
        timeout=1,
    )
    sync.calls["inner"] = lambda: invoke(runtime, inner).payload.decode()
    result = invoke(runtime, outer)
    assert result.timed_out
    assert sync.events["inner_done"].wait(5)  # the callee runs to its end, as on AWS
    # The abandoned caller's nested call unwinds; neither environment is kept.
    wait_until(lambda: runtime.environment_count == 0)


def test_a_provisioned_environment_s_replacement_has_the_time_of_an_init_run_ahead(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A provisioned environment whose credentials changed (a new moto, say) is replaced by a provisioned one, whose
    # init is not held to on-demand's 10 s (0.2 s here) but to max(130 s, the timeout).
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    keys = iter(range(1000))
    runtime = Runtime(credentials=lambda spec, held: {"AWS_ACCESS_KEY_ID": f"K{next(keys)}"})
    try:
        spec = make_spec(handler_source("return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']",
                                        prelude="import os, time\nprint('init')\ntime.sleep(0.5)"), version="1")
        assert runtime.prewarm(spec, 1) is None
        result = invoke(runtime, spec, provisioned=True)
        assert json.loads(result.payload) == "provisioned-concurrency"
        assert "Status: timeout" not in result.log and result.log.count("init\n") == 1
    finally:
        runtime.close()
        runtime.unhook()


def test_provisioned_environments_are_initialised_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_AHEAD_INIT_LIMIT_S", 0.0)
    runtime = Runtime()
    try:
        spec = make_spec(handler_source("return 1", prelude="import time\ntime.sleep(30)"), version="1", timeout=1)
        started = time.monotonic()
        assert runtime.prewarm(spec, 3) == "Sandbox.Timedout: init did not finish within 1 seconds"
        assert time.monotonic() - started < 2.5, "one limit for them all, not one each"
    finally:
        runtime.close()
        runtime.unhook()
