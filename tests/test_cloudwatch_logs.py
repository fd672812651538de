"""Functions' logs in CloudWatch Logs (moto's), as Lambda writes them: group, streams, events, formats and levels.

Shapes recorded against AWS: LocalStack test_lambda.snapshot.json (TestLambdaFeatures::
test_invocation_type_event_error: one stream for an event's attempts, the error as one event with
NBSP indentation and no trailing newline, REPORT ending in a tab) and AWS's "Configuring CloudWatch
log groups" (the group /aws/lambda/<name>; in a custom group, streams named after the function).
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.escapes import Proxy
from tests.helpers import ROLE, moto_aws, wait_until

REGION = "us-east-1"
SOURCE = (
    "import logging\n"
    "logger = logging.getLogger()\n"
    "logger.setLevel(logging.INFO)\n"
    "def handler(event, context):\n"
    "    print('printed', event.get('n'))\n"
    "    logger.info('informed')\n"
    "    logger.warning('warned')\n"
    "    if event.get('fail'):\n"
    "        raise ValueError('intentional')\n"
    "    for line in range(event.get('lines', 0)):\n"
    "        print(line)\n"
    "    return event\n"
)
STREAM = re.compile(r"\d{4}/\d{2}/\d{2}/\[(\$LATEST|\d+)\][0-9a-f]{32}")


class Logged:
    """lambdamock's Lambda and moto's CloudWatch Logs, side by side."""

    def __init__(self, mock: Any) -> None:
        self.mock = mock
        self.lam = boto3.client("lambda", region_name=REGION)
        self.logs = boto3.client("logs", region_name=REGION)

    def create(self, name: str = "f", **settings: Any) -> None:
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                 Code={"ZipFile": package({"app.py": SOURCE})}, **settings)

    def invoke(self, payload: dict[str, Any], **options: Any) -> dict[str, Any]:
        return self.lam.invoke(FunctionName="f", Payload=json.dumps(payload), **options)

    def events(self, group: str = "/aws/lambda/f") -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for page in self.logs.get_paginator("filter_log_events").paginate(logGroupName=group):
            found.extend(page["events"])
        return found

    def messages(self, group: str = "/aws/lambda/f") -> list[str]:
        return [event["message"] for event in self.events(group)]


@pytest.fixture
def logged() -> Iterator[Logged]:
    with moto_aws(), mock_lambda() as mock:
        yield Logged(mock)


def test_the_group_is_made_by_the_first_invocation_not_by_creation(logged: Logged) -> None:
    # "The log group isn't created until the function is invoked for the first time" (the Lambda developer
    # guide, "Error processor sample application"); moto's test_sqs_integration expects no group for a
    # function never invoked.
    logged.create()
    assert logged.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"] == []
    logged.lam.invoke(FunctionName="f", Payload=b"{}")
    [group] = logged.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"]
    assert group["logGroupName"] == "/aws/lambda/f"


def test_printed_lines_are_events_and_empty_ones_are_not(logged: Logged) -> None:
    # Recorded: LocalStack test_lambda_runtimes.snapshot.json, TestCloudwatchLogs::test_multi_line_prints:
    # print("\nmulti\nline\nstring\nanother\rline\n") gives four events, a carriage return kept.
    logged.lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={
        "ZipFile": package({"app.py": "def handler(event, context):\n    print(event['body'])\n"})})
    logged.invoke({"body": "\nmulti\nline\nstring\nanother\rline\n"})
    assert logged.messages()[2:-2] == ["multi\n", "line\n", "string\n", "another\rline\n"]


def test_a_synchronous_invocation_is_readable_at_once(logged: Logged) -> None:
    logged.create()
    response = logged.invoke({"n": 1})
    request_id = response["ResponseMetadata"]["RequestId"]
    events = logged.events()  # no mock.wait(): a CloudWatch Logs request sees what already ran
    [stream] = {event["logStreamName"] for event in events}
    assert STREAM.fullmatch(stream)
    messages = [event["message"] for event in events]
    # The runtime version ARN is the one the function's configuration shows.
    runtime_arn = logged.lam.get_function_configuration(FunctionName="f")["RuntimeVersionConfig"]["RuntimeVersionArn"]
    assert messages[0] == f"INIT_START Runtime Version: python:3.12.v40\tRuntime Version ARN: {runtime_arn}\n"
    assert messages[1:5] == [
        f"START RequestId: {request_id} Version: $LATEST\n",
        "printed 1\n",
        f"[INFO]\t{messages[3].split(chr(9))[1]}\t{request_id}\tinformed\n",
        f"[WARNING]\t{messages[4].split(chr(9))[1]}\t{request_id}\twarned\n",
    ]
    assert messages[5] == f"END RequestId: {request_id}\n"
    assert re.fullmatch(
        rf"REPORT RequestId: {request_id}\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\t"
        r"Max Memory Used: \d+ MB\tInit Duration: [\d.]+ ms\t\n",
        messages[6],
    )
    assert [event["timestamp"] for event in events] == sorted(event["timestamp"] for event in events)


def test_one_environment_writes_one_stream(logged: Logged) -> None:
    logged.create()
    for n in range(3):
        logged.invoke({"n": n})
    [stream] = logged.logs.describe_log_streams(logGroupName="/aws/lambda/f")["logStreams"]
    assert [m for m in logged.messages() if m.startswith("printed")] == ["printed 0\n", "printed 1\n", "printed 2\n"]
    assert sum(m.startswith("INIT_START") for m in logged.messages()) == 1
    assert STREAM.fullmatch(stream["logStreamName"])


def test_an_event_and_its_retries_share_a_stream_and_the_error_is_one_event(logged: Logged) -> None:
    logged.create()
    logged.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    logged.invoke({"fail": 1}, InvocationType="Event")
    logged.mock.wait()
    events = logged.events()
    assert len({event["logStreamName"] for event in events}) == 1
    errors = [event["message"] for event in events if event["message"].startswith("[ERROR]")]
    assert len(errors) == 2
    error = errors[0]
    assert error.startswith("[ERROR] ValueError: intentional\nTraceback (most recent call last):\n\u00a0\u00a0File ")
    assert not error.endswith("\n")
    starts = [m for m in logged.messages() if m.startswith("START RequestId:")]
    assert len(starts) == 2 and starts[0] == starts[1]  # the same request id, attempted twice


def test_a_published_version_writes_its_own_stream(logged: Logged) -> None:
    logged.create(Publish=True)
    logged.lam.invoke(FunctionName="f", Qualifier="1", Payload=b"{}")
    logged.invoke({})
    streams = sorted(s["logStreamName"] for s in logged.logs.describe_log_streams(logGroupName="/aws/lambda/f")["logStreams"])
    assert [STREAM.fullmatch(s).group(1) for s in streams] == ["$LATEST", "1"]  # type: ignore[union-attr]


def test_json_format_and_levels(logged: Logged) -> None:
    logged.create(LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "WARN", "SystemLogLevel": "INFO"})
    request_id = logged.invoke({"n": 2})["ResponseMetadata"]["RequestId"]
    messages = logged.messages()
    # A line without a level is INFO to Lambda's filter (AWS's "Log-level filtering"): below WARN.
    assert "printed 2\n" not in messages
    records = [json.loads(m) for m in messages if m.startswith("{")]
    kinds = [record.get("type") or record.get("level") for record in records]
    assert kinds == ["platform.initStart", "platform.start", "WARNING", "platform.report"]
    warned = records[2]
    assert (warned["message"], warned["logger"], warned["requestId"]) == ("warned", "root", request_id)
    assert records[1]["record"]["requestId"] == request_id


def test_the_system_level_drops_lambdas_own_records(logged: Logged) -> None:
    logged.create(LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "DEBUG", "SystemLogLevel": "WARN"})
    logged.invoke({"n": 4})
    messages = logged.messages()
    assert "printed 4\n" in messages  # print() stays plain text in JSON format (AWS's "Python logging")
    records = [json.loads(m) for m in messages if m.startswith("{")]
    assert [record.get("level") for record in records] == ["INFO", "WARNING"]


def test_a_custom_group_is_made_and_its_streams_name_the_function(logged: Logged) -> None:
    logged.create(LoggingConfig={"LogGroup": "shared-group"})
    logged.invoke({"n": 3})
    [stream] = logged.logs.describe_log_streams(logGroupName="shared-group")["logStreams"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/f\[\$LATEST\][0-9a-f]{32}", stream["logStreamName"])
    assert "printed 3\n" in logged.messages("shared-group")


def test_in_a_custom_group_the_function_is_told_the_group_and_stream_its_logs_go_to(logged: Logged) -> None:
    # AWS's "Defined runtime environment variables": AWS_LAMBDA_LOG_GROUP_NAME and AWS_LAMBDA_LOG_STREAM_NAME name
    # the function's group and stream, which awslambdaric's context reads; in a custom group that is the custom one.
    logged.lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={
        "ZipFile": package({"app.py": (
            "import os\n"
            "def handler(event, context):\n"
            "    return [os.environ['AWS_LAMBDA_LOG_GROUP_NAME'], context.log_group_name,\n"
            "            os.environ['AWS_LAMBDA_LOG_STREAM_NAME'], context.log_stream_name]\n"
        )})}, LoggingConfig={"LogGroup": "shared-group"})
    group, context_group, stream, context_stream = json.loads(logged.invoke({})["Payload"].read())
    [written] = logged.logs.describe_log_streams(logGroupName="shared-group")["logStreams"]
    assert group == context_group == "shared-group"
    assert stream == context_stream == written["logStreamName"]


def test_a_deleted_group_is_made_again(logged: Logged) -> None:
    logged.create()
    logged.invoke({"n": 1})
    logged.logs.delete_log_group(logGroupName="/aws/lambda/f")
    logged.invoke({"n": 2})
    assert [m for m in logged.messages() if m.startswith("printed")] == ["printed 2\n"]


def test_a_long_log_is_shipped_whole(logged: Logged) -> None:
    logged.create()
    logged.invoke({"lines": 12_000})  # more events than one PutLogEvents call takes
    printed = [m for m in logged.messages() if m.rstrip("\n").isdigit()]
    assert len(printed) == 12_000 and printed[-1] == "11999\n"


def test_the_tail_is_the_same_with_logs_shipped(logged: Logged) -> None:
    logged.create()
    import base64

    tail = base64.b64decode(logged.invoke({"n": 5}, LogType="Tail")["LogResult"]).decode()
    assert "printed 5\n" in tail and tail.startswith("START RequestId:")


def test_nothing_is_shipped_or_sent_without_cloudwatch_logs_or_cloudwatch(escapes: Proxy) -> None:
    # Neither logs nor metrics (tests/test_cloudwatch_metrics.py) leave for a service that is not mocked.
    with mock_lambda() as mock:
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": SOURCE})})
        lam.invoke(FunctionName="f", Payload=b"{}")
        lam.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        mock.wait(5)
        assert len(mock.invocations) == 2 and all(run.log_stream for run in mock.invocations)
        lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
        with pytest.raises(lam.exceptions.TooManyRequestsException):
            lam.invoke(FunctionName="f", Payload=b"{}")  # a throttle, for the metrics
    assert escapes.attempts == []


def test_logs_of_what_ran_are_shipped_when_the_mock_stops() -> None:
    with moto_aws():
        with mock_lambda():
            logged = Logged(None)
            logged.create()
            logged.invoke({"n": 9})
        assert "printed 9\n" in logged.messages()


def test_logs_left_when_moto_ends_first_are_dropped_quietly(caplog: pytest.LogCaptureFixture) -> None:
    # moto's mock, inside, ends first: its logs are gone with it, and nothing is sent elsewhere.
    with caplog.at_level("WARNING", logger="lambdamock"), mock_lambda(), moto_aws():
        logged = Logged(None)
        logged.create()
        logged.invoke({"n": 1})
    assert [record for record in caplog.records if record.name == "lambdamock"] == []


def test_each_put_log_events_call_keeps_within_its_limits(logged: Logged, monkeypatch: pytest.MonkeyPatch) -> None:
    # PutLogEvents' limits (botocore's model of CloudWatch Logs): "The maximum batch size is 1,048,576 bytes. This size is calculated as the sum
    # of all event messages in UTF-8, plus 26 bytes for each log event", "The maximum number of log events in a
    # batch is 10,000", and "The log events in the batch must be in chronological order by their timestamp".
    # moto takes bigger calls, as an endpoint named for CloudWatch Logs may not: each call is watched here.
    from moto.logs.models import LogsBackend

    calls: list[list[dict[str, Any]]] = []
    put = LogsBackend.put_log_events

    def watched(self: Any, log_group_name: str, log_stream_name: str, log_events: list[dict[str, Any]]) -> Any:
        calls.append(list(log_events))
        return put(self, log_group_name, log_stream_name, log_events)

    monkeypatch.setattr(LogsBackend, "put_log_events", watched)
    source = "def handler(event, context):\n    for _ in range(event['n']):\n        print(event['text'])\n"
    logged.lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                               Code={"ZipFile": package({"app.py": source})})

    def shipped(n: int, text: str) -> list[list[dict[str, Any]]]:
        calls.clear()
        logged.invoke({"n": n, "text": text})
        logged.logs.describe_log_groups()  # ships what ran
        for events in calls:
            assert len(events) <= 10_000
            assert sum(len(event["message"].encode("utf-8")) + 26 for event in events) <= 1_048_576
            assert [event["timestamp"] for event in events] == sorted(event["timestamp"] for event in events)
        return calls

    many = shipped(12_000, "x")  # more events than one call takes
    assert len(many) == 2 and sum(len(events) for events in many) == 12_000 + 4  # INIT_START, START, END, REPORT
    # 3,000 lines of 400 bytes (200 characters): 1.2 MB with the events' 26 bytes each, in two calls.
    big = shipped(3_000, "\u00e9" * 200)
    assert len(big) == 2 and sum(len(events) for events in big) == 3_000 + 3


def test_an_existing_group_is_written_to_as_it_is(logged: Logged) -> None:
    # "To use a different log group, enter an existing log group or enter a new log group name" (botocore's model,
    # LoggingConfig.LogGroup); a group made beforehand (with its retention, as infrastructure code makes it) is
    # the one written to.
    logged.logs.create_log_group(logGroupName="/aws/lambda/f")
    logged.logs.put_retention_policy(logGroupName="/aws/lambda/f", retentionInDays=7)
    logged.logs.create_log_group(logGroupName="kept")
    logged.create()
    logged.invoke({"n": 1})
    logged.lam.update_function_configuration(FunctionName="f", LoggingConfig={"LogGroup": "kept"})
    logged.invoke({"n": 2})
    assert "printed 1\n" in logged.messages() and "printed 2\n" in logged.messages("kept")
    [group] = logged.logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/f")["logGroups"]
    assert group["retentionInDays"] == 7


def test_a_group_named_aws_slash_gets_nothing(logged: Logged, caplog: pytest.LogCaptureFixture) -> None:
    # "Log group names can't start with the string aws/" (botocore's model of CloudWatch Logs, CreateLogGroup):
    # Lambda cannot make such a group, and the function's logs go nowhere.
    logged.create(LoggingConfig={"LogGroup": "aws/custom"})
    with caplog.at_level("WARNING", logger="lambdamock"):
        assert logged.invoke({"n": 1})["StatusCode"] == 200
        assert logged.logs.describe_log_groups()["logGroups"] == []
    assert [record for record in caplog.records if record.name == "lambdamock"] == []


def test_a_function_s_logs_are_in_its_own_region() -> None:
    with moto_aws(), mock_lambda():
        lam = boto3.client("lambda", region_name="eu-west-1")
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": SOURCE})})
        lam.invoke(FunctionName="f", Payload=b'{"n": 1}')
        here, there = (boto3.client("logs", region_name=region) for region in ("eu-west-1", REGION))
        events = here.filter_log_events(logGroupName="/aws/lambda/f")["events"]
        assert "printed 1\n" in [event["message"] for event in events]
        assert there.describe_log_groups()["logGroups"] == []


def test_a_long_log_is_shipped_in_the_background(logged: Logged) -> None:
    # docs/logs.md, "When they arrive": once 10,000 events are queued they are shipped without being asked for.
    # moto's backend is read directly: a CloudWatch Logs request would ship them itself.
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.logs.models import logs_backends

    backend = logs_backends[DEFAULT_ACCOUNT_ID][REGION]
    logged.create()
    logged.invoke({"lines": 10_000})
    wait_until(lambda: "/aws/lambda/f" in backend.groups, timeout=30)
