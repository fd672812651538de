"""SnapStart restores that fail: the invocation fails as on AWS, and init and the hooks keep their own limits.

AWS: "Implementing SnapStart hooks for container images" (a failed after-restore hook: "Lambda fails the in-flight
invocation and tears down the execution environment"), the execution environment lifecycle guide's Restore phase
(the 10 s limit, RESTORE_REPORT's examples), the SnapStart troubleshooting guide (SnapStartTimeoutException's text),
and awslambdaric's bootstrap.on_init_complete (how the Python runtime runs the hooks and reports their errors).
"""

from __future__ import annotations

import base64
import json
import re
import threading

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, wait_until


@pytest.fixture
def client(lambda_mock):
    return boto3.client("lambda", region_name="us-east-1")


RESTORE_FAILS = ("from snapshot_restore_py import register_after_restore\n"
                 "print('imported')\n"
                 "def broken():\n    raise RuntimeError('no connection to restore')\n"
                 "register_after_restore(broken)\n"
                 "def handler(event, context):\n    return 'ran'\n")


def _snappy(client, source, name="broken", **extra):
    client.create_function(FunctionName=name, Runtime="python3.13", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, SnapStart={"ApplyOn": "PublishedVersions"},
                           Publish=True, **extra)


def test_a_failing_after_restore_hook_fails_the_invocation(client, lambda_mock):
    # AWS's guide to SnapStart hooks for custom runtimes: a failed after-restore hook is posted to
    # /runtime/restore/error, and "Lambda fails the in-flight invocation and tears down the execution environment";
    # Invoke's SnapStartException (400) is "The afterRestore() runtime hook encountered an error" (the model).
    _snappy(client, RESTORE_FAILS)
    for _ in range(2):  # not kept: the next invocation restores a new environment, and fails the same way
        with pytest.raises(client.exceptions.SnapStartException) as raised:
            client.invoke(FunctionName="broken", Qualifier="1")
        response = raised.value.response
        assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
        assert (response["Error"]["Message"], response["Type"]) == (
            "The afterRestore() runtime hook encountered an error. For more information, check the Amazon "
            "CloudWatch logs.", "User")
    assert [record.stopped for record in lambda_mock.invocations] == ["SnapStartException"] * 2
    record = lambda_mock.invocations[0]
    assert record.cold and record.init_duration_ms is not None and record.duration_ms == 0.0
    assert lambda_mock.concurrency("broken").peak == 1 and lambda_mock.concurrency("broken").current == 0
    # Asynchronously, a failed invocation like any other: retried twice.
    client.invoke(FunctionName="broken", Qualifier="1", InvocationType="Event")
    lambda_mock.wait()
    assert [(record.attempt, record.stopped, record.function_error) for record in lambda_mock.invocations[2:]] == [
        (attempt, "SnapStartException", "Unhandled") for attempt in (1, 2, 3)]
    assert lambda_mock.invocations[-1].condition == "RetriesExhausted"
    # $LATEST is not restored: its hooks never run.
    assert json.loads(client.invoke(FunctionName="broken")["Payload"].read()) == "ran"


def test_after_restore_hooks_that_outlive_10_s_time_the_restore_out(client, lambda_mock, monkeypatch):
    # "after-restore runtime hooks must complete within the timeout limit (10 seconds). Otherwise, you'll get a
    # SnapStartTimeoutException" (AWS's execution environment lifecycle guide), 408, whose text AWS's SnapStart
    # troubleshooting guide shows: "Lambda couldn't restore the snapshot within the timeout limit."
    from lambdamock.runtime import runtime as runtime_module

    assert runtime_module._RESTORE_LIMIT_S == 10.0
    monkeypatch.setattr(runtime_module, "_RESTORE_LIMIT_S", 0.3)
    source = ("import time\nfrom snapshot_restore_py import register_after_restore\n"
              "time.sleep(0.5)\n"  # init, which has the time of a publication: not the hooks' limit
              "register_after_restore(time.sleep, 30)\n"
              "def handler(event, context):\n    return 'ran'\n")
    _snappy(client, source, name="slow", Timeout=60)
    with pytest.raises(client.exceptions.SnapStartTimeoutException) as raised:
        client.invoke(FunctionName="slow", Qualifier="1")
    response = raised.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 408
    assert response["Error"]["Message"] == "Lambda couldn't restore the snapshot within the timeout limit."
    [record] = lambda_mock.invocations
    assert record.stopped == "SnapStartTimeoutException"
    [report] = [message for _, message in record.log_events if message.startswith("RESTORE_REPORT")]
    assert re.fullmatch(r"RESTORE_REPORT Restore Duration: [\d.]+ ms\tStatus: timeout\n", report)
    # Init's 0.5 s and the hooks' 0.3 s (all of a restore here is init's and the hooks'), not the function's 60.
    assert 800 <= float(report.split(": ")[1].split(" ")[0]) < 10000
    # The environment given up on ends (its hook's sleep was cut short), here rather than after the test.
    wait_until(lambda: not [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock:slow:")])


@pytest.mark.parametrize("ending", ["sys.exit(3)", "raise KeyboardInterrupt", "os._exit(1)"])
def test_an_after_restore_hook_that_ends_the_runtime_fails_the_restore_too(client, lambda_mock, ending):
    # awslambdaric's on_init_complete catches everything (a bare except:), logs it as an error, posts it and exits;
    # a process that ends at once (os._exit) logs nothing.
    source = ("import os, sys\nfrom snapshot_restore_py import register_after_restore\n"
              f"def ends():\n    {ending}\n"
              "register_after_restore(ends)\n"
              "def handler(event, context):\n    return 'ran'\n")
    _snappy(client, source, name="ends")
    with pytest.raises(client.exceptions.SnapStartException):
        client.invoke(FunctionName="ends", Qualifier="1")
    messages = [message for _, message in lambda_mock.invocations[-1].log_events]
    assert messages[-1].endswith("Status: error\tError Type: Runtime.ExitError\n")
    if ending.startswith("os"):
        assert len(messages) == 2
        return
    head = "[ERROR] SystemExit: 3\n" if ending.startswith("sys") else "[ERROR] KeyboardInterrupt\n"
    assert messages[1].startswith(head + "Traceback (most recent call last):\n") and len(messages) == 3


@pytest.mark.parametrize("failure", ["import missing_module", "from snapshot_restore_py import register_before_snapshot\n"
                                     "def broken():\n    raise RuntimeError('before')\n"
                                     "register_before_snapshot(broken)"])
def test_an_init_that_fails_is_answered_at_once(client, lambda_mock, monkeypatch, failure):
    # No restore follows a failed init or before-snapshot hook: the answer does not wait for one (for init's limit,
    # 2 s here, after which it would be a timeout).
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_AHEAD_INIT_LIMIT_S", 2.0)
    _snappy(client, failure + "\ndef handler(event, context):\n    return 'ran'\n", name="fails", Timeout=1)
    response = client.invoke(FunctionName="fails", Qualifier="1", LogType="Tail")
    error = json.loads(response["Payload"].read())
    assert error["errorType"] == ("Runtime.ImportModuleError" if "missing" in failure else "RuntimeError")
    # The runtime warns of an unhandled exception at init, not of a hook's (it logs that one alone).
    assert ("LAMBDA_WARNING" in base64.b64decode(response["LogResult"]).decode()) == ("missing" in failure)


def test_a_snapstart_version_s_failed_init_is_not_run_again_in_the_invoke_phase(client):
    # A SnapStart version's init runs ahead, at publish ("Understanding the Lambda execution environment lifecycle":
    # with SnapStart, the Init phase happens when you publish a function version): only an on-demand init that failed
    # is run again, in the invoke phase ("Phase: invoke").
    _snappy(client, "print('init ran')\nimport missing_module\ndef handler(event, context):\n    return 'ran'\n",
            name="fails")
    response = client.invoke(FunctionName="fails", Qualifier="1", LogType="Tail")
    log = base64.b64decode(response["LogResult"]).decode()
    assert json.loads(response["Payload"].read())["errorType"] == "Runtime.ImportModuleError"
    assert log.count("init ran\n") == 1 and "Phase: invoke" not in log, log


def test_a_restore_has_the_time_of_an_init_run_ahead_and_is_not_run_again(client, lambda_mock, monkeypatch):
    # A SnapStart version's init runs at publish, where "130 seconds or the configured function timeout (maximum 900
    # seconds), whichever is higher" applies, not on-demand's 10 s (AWS's execution environment lifecycle guide). Here
    # it runs with the restore: 10 s is 0.2 s, and 130 s nothing, so the limit is the timeout.
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    monkeypatch.setattr(runtime_module, "_AHEAD_INIT_LIMIT_S", 0.0)
    source = "import time\ntime.sleep({})\ndef handler(event, context):\n    return 'ran'\n"
    for name, sleep in (("slow", 0.5), ("hangs", 30)):
        client.create_function(FunctionName=name, Runtime="python3.13", Role=ROLE, Handler="app.handler", Timeout=1,
                               Code={"ZipFile": package({"app.py": source.format(sleep)})},
                               SnapStart={"ApplyOn": "PublishedVersions"}, Publish=True)
    assert json.loads(client.invoke(FunctionName="slow", Qualifier="1")["Payload"].read()) == "ran"
    assert not any("Status: timeout" in message for _, message in lambda_mock.invocations[-1].log_events)
    # One that outlives it is the invocation's timeout.
    response = client.invoke(FunctionName="hangs", Qualifier="1")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Sandbox.Timedout"
    report = lambda_mock.invocations[-1].log_events[-1][1]
    assert "Status: timeout" in report and "Duration: 1000.00 ms" in report
    wait_until(lambda: not [thread for thread in threading.enumerate() if thread.name.startswith("lambdamock:hangs:")])


def test_a_failed_restore_reports_its_error():
    # AWS's example of a failed restore (the lifecycle guide's Restore phase): "RESTORE_REPORT Restore Duration:
    # 1236.04 ms Status: error Error Type: Runtime.ExitError", the runtime having logged the error and exited
    # (awslambdaric's bootstrap.on_init_complete: log_error, report_restore_error, then sys.exit). No invocation
    # runs, so no START or REPORT.
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        _snappy(client, RESTORE_FAILS, LoggingConfig={"LogFormat": "JSON"})
        _snappy(client, RESTORE_FAILS, name="text")
        for name in ("broken", "text"):
            with pytest.raises(client.exceptions.SnapStartException):
                client.invoke(FunctionName=name, Qualifier="1")
        json_log, text_log = (record.log_events for record in mock.invocations)
    messages = [message for _, message in text_log]
    assert messages[0].startswith("RESTORE_START Runtime Version: python:3.13.v40\t")
    # The error as the runtime logs one (its lines indented with no-break spaces, as awslambdaric's log_error).
    assert messages[1:3] == ["imported\n", "[ERROR] RuntimeError: no connection to restore\nTraceback (most recent "
                             "call last):\n\xa0\xa0File \"/var/task/app.py\", line 4, in broken\n\xa0\xa0\xa0\xa0raise "
                             "RuntimeError('no connection to restore')"]
    assert re.fullmatch(r"RESTORE_REPORT Restore Duration: [\d.]+ ms\tStatus: error\tError Type: Runtime.ExitError\n",
                        messages[3])
    assert len(messages) == 4 and not any("LAMBDA_WARNING" in message for message in messages)
    assert [message for _, message in json_log if not message.startswith("{")] == ["imported\n"]  # print's, as is
    records = [json.loads(message) for _, message in json_log if message.startswith("{")]
    assert [record.get("type", record.get("log_level")) for record in records] == [
        "platform.restoreStart", "ERROR", "platform.restoreReport"]
    assert records[1]["errorType"] == "RuntimeError"
    assert records[2]["record"]["status"] == "error" and records[2]["record"]["errorType"] == "Runtime.ExitError"
