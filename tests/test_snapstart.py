"""SnapStart for Python: published versions are optimised, and their environments run the runtime hooks.

AWS: the SnapStart guides (python3.12 and later; "Runtime hooks for Lambda SnapStart Python": before-snapshot
hooks in the reverse order of registration, after-restore hooks in the order of registration;
AWS_LAMBDA_INITIALIZATION_TYPE snap-start; AWS_LAMBDA_LOG_GROUP_NAME and AWS_LAMBDA_LOG_STREAM_NAME "are not
available in Lambda SnapStart functions"), the snapshot_restore_py module of AWS's Python runtime, and LocalStack's
AWS-validated test_lambda_api.snapshot.json (TestLambdaSnapStart).
"""

from __future__ import annotations

import base64
import json
import math
import re
import threading

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, in_threads, moto_aws
from tests.runtime import sync

HOOKED = {"app.py": """
import os
from snapshot_restore_py import register_after_restore, register_before_snapshot

ran = []

@register_before_snapshot
def first_before():
    ran.append("before 1")

register_before_snapshot(lambda mark: ran.append("before 2" + mark), "!")

@register_after_restore
def first_after():
    ran.append("after 1")

register_after_restore(lambda **named: ran.append(named["word"]), word="after 2")

def handler(event, context):
    ran.append("invoke")
    return {"ran": ran, "init": os.environ["AWS_LAMBDA_INITIALIZATION_TYPE"],
            "group": os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME"), "context_group": context.log_group_name,
            "context_stream": context.log_stream_name}
"""}
ON = {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
OFF = {"ApplyOn": "PublishedVersions", "OptimizationStatus": "Off"}


@pytest.fixture
def client(lambda_mock):
    return boto3.client("lambda", region_name="us-east-1")


def _create(client, runtime="python3.12", name="snappy", **extra):
    return client.create_function(FunctionName=name, Runtime=runtime, Role=ROLE, Handler="app.handler",
                                  Code={"ZipFile": package(HOOKED)}, SnapStart={"ApplyOn": "PublishedVersions"},
                                  **extra)


def _invoke(client, qualifier=None):
    response = client.invoke(FunctionName="snappy", **({"Qualifier": qualifier} if qualifier else {}))
    assert "FunctionError" not in response, response["Payload"].read()
    return json.loads(response["Payload"].read())


def test_published_versions_are_optimised_and_latest_is_not(client):
    # Recorded (LocalStack test_lambda_api.snapshot.json, test_snapstart_lifecycle[python3.12], 2024-12): On for
    # the published version, Off for $LATEST.
    assert _create(client)["SnapStart"] == OFF
    assert client.publish_version(FunctionName="snappy")["SnapStart"] == ON
    assert client.get_function_configuration(FunctionName="snappy")["SnapStart"] == OFF
    assert client.get_function(FunctionName="snappy", Qualifier="1")["Configuration"]["SnapStart"] == ON
    versions = client.list_versions_by_function(FunctionName="snappy")["Versions"]
    assert [version["SnapStart"] for version in versions] == [OFF, ON]
    # Turned off, the next version is not optimised; the one before stays as it was published.
    client.update_function_configuration(FunctionName="snappy", SnapStart={"ApplyOn": "None"})
    assert client.publish_version(FunctionName="snappy")["SnapStart"] == {"ApplyOn": "None",
                                                                        "OptimizationStatus": "Off"}
    assert client.get_function_configuration(FunctionName="snappy", Qualifier="1")["SnapStart"] == ON


def test_a_restored_environment_runs_the_hooks_once_in_the_runtime_s_order(client, lambda_mock):
    _create(client)
    client.publish_version(FunctionName="snappy")
    client.create_alias(FunctionName="snappy", Name="live", FunctionVersion="1")
    first = _invoke(client, "1")
    assert first["ran"] == ["before 2!", "before 1", "after 1", "after 2", "invoke"]
    assert first["init"] == "snap-start"
    # Not available in SnapStart functions: the variables, and so the context's fields.
    assert first["group"] is None and first["context_group"] is None and first["context_stream"] is None
    # Warm: no hooks again. Through an alias, the same version, the same environment.
    assert _invoke(client, "live")["ran"] == [*first["ran"], "invoke"]


def test_hooks_of_either_kind_are_called_with_the_arguments_they_were_registered_with(client):
    # AWS's "Lambda SnapStart runtime hooks for Python": register_before_snapshot(func, *args, **kwargs) and
    # register_after_restore(func, *args, **kwargs).
    source = ("from snapshot_restore_py import register_after_restore, register_before_snapshot\n"
              "ran = []\n"
              "register_before_snapshot(lambda *args, **named: ran.append(['before', list(args), named]), 1, a='b')\n"
              "register_after_restore(lambda *args, **named: ran.append(['after', list(args), named]), 2, c='d')\n"
              "def handler(event, context):\n    return ran\n")
    client.create_function(FunctionName="snappy", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, SnapStart={"ApplyOn": "PublishedVersions"},
                           Publish=True)
    assert _invoke(client, "1") == [["before", [1], {"a": "b"}], ["after", [2], {"c": "d"}]]


def test_the_log_variables_are_unset_even_where_the_test_process_has_them(client, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_LOG_GROUP_NAME", "/the/test/process")
    _create(client, Publish=True)
    assert _invoke(client, "1")["group"] is None
    assert _invoke(client)["group"] == "/aws/lambda/snappy"


# The module as pip installs it into a package (snapshot-restore-py on PyPI): one registry per module copy.
BUNDLED = {
    "snapshot_restore_py.py": ("_after = []\n"
                               "def register_before_snapshot(func, *args, **kwargs):\n    return func\n"
                               "def register_after_restore(func, *args, **kwargs):\n"
                               "    _after.append((func, args, kwargs))\n    return func\n"
                               "def get_before_snapshot():\n    return []\n"
                               "def get_after_restore():\n    return _after\n"),
    "snapshot_restore_py-1.0.0.dist-info/METADATA": "Name: snapshot-restore-py\nVersion: 1.0.0\n",
    "snapshot_restore_py-1.0.0.dist-info/top_level.txt": "snapshot_restore_py\n",
    "app.py": ("from snapshot_restore_py import register_after_restore\n"
               "from tests.runtime import sync\n"
               "restored = []\n"
               "register_after_restore(restored.append, 'restored')\n"
               "def handler(event, context):\n    sync.barriers['bundled'].wait(10)\n    return restored\n"),
}


def test_a_bundled_copy_of_the_module_keeps_each_environment_s_hooks_its_own(client):
    sync.barriers["bundled"] = threading.Barrier(3)  # three environments at once, each restored
    client.create_function(FunctionName="bundled", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(BUNDLED)}, SnapStart={"ApplyOn": "PublishedVersions"},
                           Publish=True)
    answers = []
    lock = threading.Lock()

    def invoke(_: int) -> None:
        response = boto3.client("lambda", region_name="us-east-1").invoke(
            FunctionName="bundled", Qualifier="1")
        with lock:
            answers.append(json.loads(response["Payload"].read()))

    in_threads(invoke, 3)
    assert answers == [["restored"]] * 3


def test_latest_and_functions_without_snapstart_import_the_module_but_run_no_hooks(client):
    _create(client)
    latest = _invoke(client)
    assert latest["ran"] == ["invoke"] and latest["init"] == "on-demand"
    assert latest["group"] == "/aws/lambda/snappy" == latest["context_group"]
    client.update_function_configuration(FunctionName="snappy", SnapStart={"ApplyOn": "None"})
    client.publish_version(FunctionName="snappy")
    assert _invoke(client, "1")["ran"] == ["invoke"]


@pytest.mark.parametrize("runtime", ["python3.11", "nodejs20.x", "java8.al2", "provided.al2023"])
def test_a_runtime_without_snapstart_is_refused(client, runtime):
    # AWS's text, recorded when python3.12 did not yet have SnapStart (LocalStack test_lambda_api.snapshot.json
    # of 2024-04, test_snapstart_lifecycle[python3.12]).
    message = f"{runtime} is not supported for SnapStart enabled functions."
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        _create(client, runtime)
    assert raised.value.response["Error"]["Message"] == message
    assert client.list_functions()["Functions"] == []
    client.create_function(FunctionName="snappy", Runtime=runtime, Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package(HOOKED)})
    before = client.get_function_configuration(FunctionName="snappy")
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.update_function_configuration(FunctionName="snappy", SnapStart={"ApplyOn": "PublishedVersions"})
    assert raised.value.response["Error"]["Message"] == message
    assert client.get_function_configuration(FunctionName="snappy")["RevisionId"] == before["RevisionId"]


def test_runtimes_with_snapstart_take_it_and_leaving_them_is_refused(client):
    for index, runtime in enumerate(["python3.12", "python3.13", "java11", "java21", "dotnet8"]):
        assert _create(client, runtime, name=f"f{index}")["SnapStart"] == OFF
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.update_function_configuration(FunctionName="f0", Runtime="python3.11")
    assert raised.value.response["Error"]["Message"] == "python3.11 is not supported for SnapStart enabled functions."
    assert client.get_function_configuration(FunctionName="f0")["Runtime"] == "python3.12"


def test_an_unknown_apply_on_is_refused_by_the_model(client):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaSnapStart::test_snapstart_exceptions.
    with pytest.raises(client.exceptions.ClientError) as raised:
        client.create_function(FunctionName="snappy", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package(HOOKED)}, SnapStart={"ApplyOn": "invalidOption"})
    assert raised.value.response["Error"] == {
        "Code": "ValidationException",
        "Message": "1 validation error detected: Value 'invalidOption' at 'snapStart.applyOn' failed to satisfy "
                   "constraint: Member must satisfy enum value set: [PublishedVersions, None]"}


RESTORED = {"app.py": """
import time
from snapshot_restore_py import register_after_restore
print("imported")
def restored():
    started = time.monotonic()
    while time.monotonic() < started + 0.002:  # a restore of 2 ms at least
        pass
    print("restored")
register_after_restore(restored)
def handler(event, context):
    return "ran"
"""}


def _log_of_restores(log_format: str) -> tuple[list[str], list[str], str]:
    """The events of a version's first two invocations, the first one's Tail, and the runtime version's ARN."""
    with moto_aws(), mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="snappy", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package(RESTORED)}, SnapStart={"ApplyOn": "PublishedVersions"},
                               LoggingConfig={"LogFormat": log_format}, Publish=True)
        tail = client.invoke(FunctionName="snappy", Qualifier="1", LogType="Tail")["LogResult"]
        client.invoke(FunctionName="snappy", Qualifier="1")
        logs = boto3.client("logs", region_name="us-east-1")
        events = logs.filter_log_events(logGroupName="/aws/lambda/snappy")["events"]
        arn = client.get_function_configuration(FunctionName="snappy")["RuntimeVersionConfig"]["RuntimeVersionArn"]
        return [event["message"] for event in events], base64.b64decode(tail).decode().splitlines(), arn


def test_a_restore_is_logged_as_one_not_as_an_init():
    # AWS's SnapStart monitoring guide: a new environment's REPORT has "the Restore Duration and Billed Restore
    # Duration fields" and no Init Duration; RESTORE_START names the runtime as INIT_START does, and
    # RESTORE_REPORT gives the restore's duration (a SnapStart demo's logs: "RESTORE_REPORT Restore Duration:
    # 398.97 ms", then START).
    messages, tail, arn = _log_of_restores("Text")
    assert messages[:3] == [f"RESTORE_START Runtime Version: python:3.12.v40\tRuntime Version ARN: {arn}\n",
                            "imported\n", "restored\n"]
    assert re.fullmatch(r"RESTORE_REPORT Restore Duration: [\d.]+ ms\n", messages[3])
    assert messages[4].startswith("START RequestId: ") and messages[5].startswith("END RequestId: ")
    restore_ms = messages[3].split(": ")[1].split(" ")[0]
    assert re.search(rf"\tRestore Duration: {re.escape(restore_ms)} ms\tBilled Restore Duration: \d+ ms\t\n$",
                     messages[6])
    # The restore is billed in a field of its own (Billed Restore Duration, AWS's SnapStart monitoring guide):
    # Billed Duration is the handler's alone.
    report = re.search(r"\tDuration: ([\d.]+) ms\tBilled Duration: (\d+) ms\t", messages[6])
    assert report and int(report[2]) == max(1, math.ceil(float(report[1])))
    assert not any("INIT_" in message or "Init Duration" in message for message in messages)
    # Warm: no restore again.
    assert [message.split(" ")[0] for message in messages[7:]] == ["START", "END", "REPORT"]
    assert "Restore Duration" not in messages[9]
    # The Tail leaves the runtime's first line out, as it does INIT_START.
    assert tail[0] == "imported" and tail[2].startswith("RESTORE_REPORT")


def test_a_restore_is_logged_as_one_in_json():
    messages, _, arn = _log_of_restores("JSON")
    records = [json.loads(message) for message in messages if message.startswith('{"time"')]
    kinds = [record["type"] for record in records]
    assert kinds[:3] == ["platform.restoreStart", "platform.restoreReport", "platform.start"]
    assert records[0]["record"] == {"runtimeVersion": "python:3.12.v40",
                                    "runtimeVersionArn": arn,
                                    "functionName": "snappy", "functionVersion": "1"}
    assert records[1]["record"]["status"] == "success" and records[1]["record"]["metrics"]["durationMs"] >= 0
    first, second = [record["record"]["metrics"] for record in records if record["type"] == "platform.report"]
    assert first["restoreDurationMs"] == records[1]["record"]["metrics"]["durationMs"]
    assert "initDurationMs" not in first and "restoreDurationMs" not in second
    assert "platform.initStart" not in kinds
