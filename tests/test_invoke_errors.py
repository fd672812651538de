"""Invoke's errors through boto3: missing functions, handler exceptions, runtime faults, and failed inits run again."""

from __future__ import annotations

import base64
import json
import re
import time

import pytest

from lambdamock import package
from lambdamock.runtime import runtime as runtime_module
from tests.invoke_helpers import ECHO, call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock


def test_missing_function_names_latest(client):
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="nope")
    assert info.value.response["Error"]["Message"] == (
        "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"
    )
    assert info.value.response["Type"] == "User"


def test_missing_qualifier(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.ResourceNotFoundException) as info:
        client.invoke(FunctionName="f", Qualifier="7")
    assert info.value.response["Error"]["Message"] == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:7"


def test_handler_exception(client, mock):
    deploy(client, "boom", {"app.py": "def handler(e, c):\n    raise ValueError('bad input')\n"})
    response = call(client, "boom")
    assert response["StatusCode"] == 200 and response["FunctionError"] == "Unhandled"
    body = response["Body"]
    assert list(body) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert (body["errorMessage"], body["errorType"]) == ("bad input", "ValueError")
    assert body["requestId"] == response["ResponseMetadata"]["RequestId"]
    assert any("raise ValueError" in line for line in body["stackTrace"])
    assert call(client, "boom")["FunctionError"] == "Unhandled"  # still serving


def test_the_error_type_is_the_exception_class_s_own_name(client):
    # awslambdaric's bootstrap.py, build_fault_result: make_error(str(value), etype.__name__, ...), so a class
    # defined inside another is named without its owner.
    source = ("class Service:\n    class Unavailable(Exception):\n        pass\n"
              "def handler(e, c):\n    raise Service.Unavailable('try later')\n")
    deploy(client, "nested", {"app.py": source})
    body = call(client, "nested")["Body"]
    assert (body["errorType"], body["errorMessage"]) == ("Unavailable", "try later")


def test_the_python38_runtimes_error_has_no_request_id(client):
    # Recorded: LocalStack test_lambda_common.snapshot.json, test_uncaught_exception_invoke[python3.8] (error_result);
    # python3.9 and later include it.
    deploy(client, "old", {"app.py": "def handler(e, c):\n    raise Exception('some_error_msg')\n"}, Runtime="python3.8")
    body = call(client, "old")["Body"]
    assert list(body) == ["errorMessage", "errorType", "stackTrace"]


def test_a_handler_error_reads_as_aws_recorded_it(client):
    # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaErrors::test_lambda_handler_error: the
    # function's files are named where Lambda keeps them, under /var/task.
    source = 'def handler(event, context):\n    raise Exception("Handler fails")\n'
    deploy(client, "f", {"lambda_handler_error.py": source}, handler="lambda_handler_error.handler")
    response = call(client, "f")
    assert response["Body"] == {
        "errorMessage": "Handler fails",
        "errorType": "Exception",
        "requestId": response["ResponseMetadata"]["RequestId"],
        "stackTrace": ['  File "/var/task/lambda_handler_error.py", line 2, in handler\n    raise Exception("Handler fails")\n'],
    }


@pytest.mark.parametrize(("source", "message"), [
    ("def handler(event):\n    return 1\n", "handler() takes 1 positional argument but 2 were given"),
    ("import json\nhandler = json\n", "'module' object is not callable"),
])
def test_a_handler_that_cannot_be_called_so_keeps_the_runtime_s_own_frame(client, source, message):
    # AWS's answer for a module named as the handler, on python3.12 (a user's `aws lambda invoke` output, quoted in a
    # public repository's deployment notes for a PII pipeline's "Normalizer" function; the code search's file id
    # 57423347966): awslambdaric drops its own frames only where the function's follow them, so the frame that
    # called the handler is all the stack trace has. Its log shows it too.
    deploy(client, "f", {"app.py": source})
    response = client.invoke(FunctionName="f", LogType="Tail")
    frame = ('  File "/var/lang/lib/python3.12/site-packages/awslambdaric/bootstrap.py", line 178, in '
             "handle_event_request\n    response = request_handler(event, lambda_context)\n")
    assert json.loads(response["Payload"].read()) == {
        "errorMessage": message, "errorType": "TypeError", "requestId": response["ResponseMetadata"]["RequestId"],
        "stackTrace": [frame],
    }
    log = base64.b64decode(response["LogResult"]).decode()
    assert 'Traceback (most recent call last):\n\xa0\xa0File "/var/lang/lib/python3.12/site-packages/awslambdaric/' in log


@pytest.mark.parametrize(
    ("files", "handler", "error_type", "message"),
    [
        ({"app.py": "import missing_dep\n"}, "app.handler", "Runtime.ImportModuleError",
         "Unable to import module 'app': No module named 'missing_dep'"),
        ({"other.py": ""}, "app.handler", "Runtime.ImportModuleError",
         "Unable to import module 'app': No module named 'app'"),
        ({"app.py": "x = 1\n"}, "app.handler", "Runtime.HandlerNotFound", "Handler 'handler' missing on module 'app'"),
        ({"app.py": "def handler(e, c)\n    pass\n"}, "app.handler", "Runtime.UserCodeSyntaxError",
         "Syntax error in module 'app'"),
        ({"app.py": "def handler(e, c):\n    return {1, 2}\n"}, "app.handler", "Runtime.MarshalError",
         "Unable to marshal response: Object of type set is not JSON serializable"),
        ({"app.py": "import sys\ndef handler(e, c):\n    sys.exit(3)\n"}, "app.handler", "Runtime.ExitError",
         "Error: Runtime exited with error: exit status 3"),
    ],
    ids=["import-error", "no-module", "no-handler", "syntax", "marshal", "exit"],
)
def test_runtime_faults(client, files, handler, error_type, message):
    deploy(client, "f", files, handler=handler)
    response = call(client, "f")
    assert response["FunctionError"] == "Unhandled"
    assert response["Body"]["errorType"] == error_type
    assert message in response["Body"]["errorMessage"]
    # The mock keeps serving: fix the code and the next invocation works.
    client.update_function_code(FunctionName="f", ZipFile=package({handler.rsplit(".", 1)[0] + ".py": ECHO}))
    assert call(client, "f", {"ok": 1})["Body"] == {"ok": 1}


def test_a_failed_init_runs_again_in_the_invoke_phase(client, mock, tmp_path):
    # Captured on AWS (python3.12, 2026): INIT_START, the warning and the error, "INIT_REPORT Init Duration: 137.69
    # ms\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError", the warning and the error again,
    # "INIT_REPORT Init Duration: 80.49 ms\tPhase: invoke\tStatus: error\tError Type: ...", START, END, and a
    # REPORT with "Status: error\tError Type: Runtime.ImportModuleError" and no Init Duration.
    runs = tmp_path / "runs"
    deploy(client, "broken", {"app.py": f"open({str(runs)!r}, 'a').write('.')\nimport missing_dep\n"})
    assert call(client, "broken")["Body"]["errorType"] == "Runtime.ImportModuleError"
    assert runs.read_text() == "..", "the module ran twice"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+|\t\d{4}-\S+Z\t\t.*", "*", message.split("\n")[0])
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "[WARNING]*", "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'missing_dep'",
        "INIT_REPORT Init Duration: *\tPhase: init\tStatus: error\tError Type: Runtime.ImportModuleError",
        "[WARNING]*", "[ERROR] Runtime.ImportModuleError: Unable to import module 'app': No module named 'missing_dep'",
        "INIT_REPORT Init Duration: *\tPhase: invoke\tStatus: error\tError Type: Runtime.ImportModuleError",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\tStatus: error"
        "\tError Type: Runtime.ImportModuleError",
    ]
    assert shapes[0].startswith("INIT_START Runtime Version: python:3.12")


def test_a_failed_init_run_again_in_json_logs(client, mock):
    # The JSON form of the capture above: the same platform events, as the Telemetry API's records (its schema
    # reference: initRuntimeDone's and initReport's phase is "init" or "invoke", with the errorType of a failed
    # one), and the report of the invocation, with its status and error type.
    deploy(client, "broken", {"app.py": "import missing_dep\n"},
           LoggingConfig={"LogFormat": "JSON", "SystemLogLevel": "DEBUG"})
    assert call(client, "broken")["Body"]["errorType"] == "Runtime.ImportModuleError"
    records = [json.loads(message) for _, message in mock.invocations[-1].log_events if message.startswith('{"time"')]
    failed = [{"initializationType": "on-demand", "phase": phase, "status": "error",
               "errorType": "Runtime.ImportModuleError"} for phase in ("init", "invoke")]
    done = [record["record"] for record in records if record["type"] == "platform.initRuntimeDone"]
    reports = [record["record"] for record in records if record["type"] == "platform.initReport"]
    assert done == failed
    assert [{key: value for key, value in report.items() if key != "metrics"} for report in reports] == failed
    [report] = [record["record"] for record in records if record["type"] == "platform.report"]
    assert (report["status"], report["errorType"]) == ("error", "Runtime.ImportModuleError")
    assert "initDurationMs" not in report["metrics"]


def test_an_init_that_fails_once_is_run_again_and_the_invocation_goes_on(client, mock, tmp_path):
    flag = tmp_path / "fail once"
    flag.touch()
    source = (f"import os\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
              "    raise RuntimeError('not yet')\ndef handler(event, context):\n    return 'ran'\n")
    deploy(client, "flaky", {"app.py": source})
    response = call(client, "flaky")
    assert "FunctionError" not in response and response["Body"] == "ran"
    messages = [message for _, message in mock.invocations[-1].log_events]
    assert [message.split("\t")[1] for message in messages if message.startswith("INIT_REPORT")] == ["Phase: init"]
    assert "Init Duration" not in messages[-1]  # that init ran in the invoke phase: its time is the Duration's
    assert call(client, "flaky")["Body"] == "ran"  # and the environment is kept


def test_an_init_run_again_counts_against_the_invocation_s_timeout(client, mock, tmp_path):
    # It runs in the invoke phase: the handler gets what is left of the timeout, and an init that outlasts it is
    # the invocation's timeout, with the first init's log kept.
    flag = tmp_path / "fail once"
    flag.touch()
    slow = (f"import os, time\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
            "    raise RuntimeError('not yet')\ntime.sleep(1)\n"
            "def handler(event, context):\n    return context.get_remaining_time_in_millis()\n")
    deploy(client, "slow", {"app.py": slow}, Timeout=3)
    left = call(client, "slow")["Body"]
    assert 1000 < left <= 2000, left
    flag.touch()
    hangs = (f"import os, time\nif os.path.exists({str(flag)!r}):\n    os.remove({str(flag)!r})\n"
             "    raise RuntimeError('not yet')\ntime.sleep(30)\ndef handler(event, context):\n    return 1\n")
    deploy(client, "hangs", {"app.py": hangs}, Timeout=1)
    response = call(client, "hangs")
    assert response["Body"]["errorType"] == "Sandbox.Timedout"
    messages = [message for _, message in mock.invocations[-1].log_events]
    assert any("INIT_REPORT" in message and "Phase: init" in message for message in messages)
    assert re.search(r"\tDuration: 1000\.00 ms", messages[-1]), messages[-1]


def test_an_init_over_its_limit_is_abandoned_and_run_again_in_the_invoke_phase(client, mock, monkeypatch, tmp_path):
    # Lambda gives init 10 s (0.2 s here), then runs it again within the invocation, under the timeout. Captured on
    # AWS (a public reproduction of a slow init, 2024): "INIT_REPORT Init Duration: 10337.01 ms\tPhase: init\t
    # Status: timeout", what init wrote again, "INIT_REPORT Init Duration: 45045.69 ms\tPhase: invoke\tStatus: error
    # \tError Type: Runtime.Unknown" for a second one that outlived the 45 s timeout, START, END, REPORT.
    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    runs = tmp_path / "runs"
    source = ("import time\nprint('loading')\ntime.sleep({})\n"
              f"open({str(runs)!r}, 'a').write('.')\n"
              "def handler(event, context):\n    return 'ran'\n")
    deploy(client, "slow", {"app.py": source.format(0.5)}, Timeout=3)
    assert call(client, "slow")["Body"] == "ran"
    assert runs.read_text() == ".", "the abandoned init went no further"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+", "*", message.rstrip("\n"))
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "loading", "INIT_REPORT Init Duration: *\tPhase: init\tStatus: timeout", "loading",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\t",
    ]
    assert "Init Duration: 200.00 ms" in mock.invocations[-1].log_events[2][1]
    deploy(client, "hangs", {"app.py": source.format(30)}, Timeout=1)
    started = time.monotonic()
    response = call(client, "hangs")
    assert time.monotonic() - started < 3
    assert response["Body"]["errorType"] == "Sandbox.Timedout"
    shapes = [re.sub(r"[\d.]+ (?:MB|ms)|RequestId: \S+", "*", message.rstrip("\n"))
              for _, message in mock.invocations[-1].log_events]
    assert shapes[1:] == [
        "loading", "INIT_REPORT Init Duration: *\tPhase: init\tStatus: timeout", "loading",
        "INIT_REPORT Init Duration: *\tPhase: invoke\tStatus: error\tError Type: Runtime.Unknown",
        "START * Version: $LATEST", "END *",
        "REPORT *\tDuration: *\tBilled Duration: *\tMemory Size: *\tMax Memory Used: *\tStatus: timeout",
    ]
    assert "Duration: 1000.00 ms" in mock.invocations[-1].log_events[-1][1]


def test_an_init_timeout_in_json_logs(client, mock, monkeypatch):
    # The Telemetry API's initReport, at INFO as for a failed init, with the status "timeout".
    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    deploy(client, "slow", {"app.py": "import time\ntime.sleep(0.5)\ndef handler(event, context):\n    return 'ran'\n"},
           Timeout=3, LoggingConfig={"LogFormat": "JSON"})
    assert call(client, "slow")["Body"] == "ran"
    records = [json.loads(message) for _, message in mock.invocations[-1].log_events if message.startswith("{")]
    reports = [record["record"] for record in records if record["type"] == "platform.initReport"]
    assert reports == [{"initializationType": "on-demand", "phase": "init", "status": "timeout",
                        "metrics": {"durationMs": 200.0}}]


def test_other_runtimes_give_a_clear_error(client):
    deploy(client, "node", {"index.js": "exports.handler = async () => 1;"}, handler="index.handler", Runtime="nodejs20.x")
    response = call(client, "node")
    assert response["FunctionError"] == "Unhandled"
    assert "nodejs20.x" in response["Body"]["errorMessage"]


def test_an_invocation_no_environment_runs_logs_to_a_stream_of_its_version(client, mock):
    # A log stream is named for the version that ran (AWS's CloudWatch Logs guide for Lambda: "YYYY/MM/DD[Function
    # version][Execution environment GUID]"), for a runtime lambdamock cannot run too.
    deploy(client, "node", {"index.js": "exports.handler = async () => 1;"}, handler="index.handler",
           Runtime="nodejs20.x", Publish=True)
    assert call(client, "node", Qualifier="1")["FunctionError"] == "Unhandled"
    record = mock.invocations[-1]
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[1\][0-9a-f]{32}", record.log_stream), record.log_stream
