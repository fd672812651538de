"""InvokeWithResponseStream through boto3: botocore's own event stream parser reads what lambdamock sends.

No AWS recording of this operation exists in the sources we use (research notes 20, section 2): the
shapes are the model's (PayloadChunk events, then one InvokeComplete), the errors Invoke's.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import botocore.session
import pytest
from botocore.eventstream import EventStreamBuffer

from lambdamock import package
from lambdamock.protocol import eventstream

SOURCE = """
def handler(event, context):
    print("working on", event)
    if event.get("fail"):
        raise ValueError("boom")
    return {"got": event, "version": context.function_version}
"""


@pytest.fixture
def world(client, create_function):
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": SOURCE})})
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    return client


def events(response: dict[str, Any]) -> list[dict[str, Any]]:
    return list(response["EventStream"])


def test_a_python_result_is_one_chunk_then_the_completion(world, lambda_mock):
    response = world.invoke_with_response_stream(FunctionName="f", Payload=b'{"a": 1}')
    assert (response["StatusCode"], response["ExecutedVersion"]) == (200, "$LATEST")
    assert response["ResponseStreamContentType"] == "application/vnd.amazon.eventstream"
    chunk, complete = events(response)
    assert json.loads(chunk["PayloadChunk"]["Payload"]) == {"got": {"a": 1}, "version": "$LATEST"}
    assert complete == {"InvokeComplete": {}}
    assert [(i.function_name, i.invocation_type, i.event) for i in lambda_mock.invocations] == [
        ("f", "RequestResponse", b'{"a": 1}')]


@pytest.mark.parametrize(("qualifier", "version"), [("1", "1"), ("live", "1"), ("$LATEST", "$LATEST")])
def test_qualifiers_and_the_executed_version(world, qualifier, version):
    response = world.invoke_with_response_stream(FunctionName="f", Qualifier=qualifier, Payload=b"{}")
    assert response["ExecutedVersion"] == version
    assert json.loads(events(response)[0]["PayloadChunk"]["Payload"])["version"] == version


def test_a_function_error_is_reported_in_the_completion_with_status_200(world):
    response = world.invoke_with_response_stream(FunctionName="f", Payload=b'{"fail": true}')
    assert response["StatusCode"] == 200
    (complete,) = events(response)
    assert complete["InvokeComplete"]["ErrorCode"] == "Unhandled"
    details = json.loads(complete["InvokeComplete"]["ErrorDetails"])
    assert (details["errorType"], details["errorMessage"]) == ("ValueError", "boom")


def test_tail_puts_the_log_in_the_completion(world):
    response = world.invoke_with_response_stream(FunctionName="f", Payload=b'{"a": 2}', LogType="Tail")
    log = base64.b64decode(events(response)[-1]["InvokeComplete"]["LogResult"]).decode()
    assert "working on {'a': 2}" in log and "END RequestId: " in log
    assert "LogResult" not in events(world.invoke_with_response_stream(FunctionName="f"))[-1]["InvokeComplete"]


def test_dry_run_runs_nothing(world, lambda_mock):
    response = world.invoke_with_response_stream(FunctionName="f", InvocationType="DryRun")
    assert response["StatusCode"] == 204 and events(response) == []
    assert lambda_mock.invocations == []


def test_errors_are_invoke_s(world, aws_error):
    with aws_error(world, "ResourceNotFoundException",
                   "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope:$LATEST"):
        world.invoke_with_response_stream(FunctionName="nope")
    with aws_error(world, "ResourceNotFoundException",
                   "Function not found: arn:aws:lambda:us-east-1:123456789012:function:f:7"):
        world.invoke_with_response_stream(FunctionName="f", Qualifier="7")
    with aws_error(world, "InvalidRequestContentException", None) as info:
        world.invoke_with_response_stream(FunctionName="f", Payload=b"{not json")
    assert info.response["Error"]["Message"].startswith("Could not parse request body into json")


def test_throttling_is_a_429_before_any_event(world, aws_error):
    world.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    with aws_error(world, "TooManyRequestsException", "Rate Exceeded.") as info:
        world.invoke_with_response_stream(FunctionName="f", Payload=b"{}")
    assert info.response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"


def test_the_framing_reads_back_with_botocore_s_decoder():
    # Prelude lengths, both CRC32s and the string headers, as botocore's own decoder checks them.
    framed = eventstream.message({":event-type": "PayloadChunk", ":message-type": "event"}, b"\x00payload\xff")
    buffer = EventStreamBuffer()
    buffer.add_data(framed + framed[:10])  # and the start of a next message, not yet complete
    (decoded,) = list(buffer)
    assert decoded.payload == b"\x00payload\xff"
    assert decoded.headers == {":event-type": "PayloadChunk", ":message-type": "event"}


def test_each_event_names_its_type_and_its_payload_s_content_type():
    # AWS's SDK team on event messages (aws/aws-sdk-js-v3#3760): every event carries :content-type, which is
    # application/octet-stream for a blob payload and the protocol's (JSON) for a structure; :message-type is
    # "event" and :event-type the union member's name (smithy-kotlin's aws-event-stream MessageType.Event docs).
    stream = botocore.session.get_session().get_service_model("lambda").operation_model(
        "InvokeWithResponseStream").output_shape.members["EventStream"]
    framed = eventstream.encode(stream, [{"PayloadChunk": {"Payload": b'{"a": 1}'}},
                                         {"InvokeComplete": {"ErrorCode": None, "LogResult": "bG9n"}}])
    buffer = EventStreamBuffer()
    buffer.add_data(framed)
    chunk, complete = list(buffer)
    assert chunk.headers == {":event-type": "PayloadChunk", ":content-type": "application/octet-stream",
                             ":message-type": "event"}
    assert chunk.payload == b'{"a": 1}'
    assert complete.headers == {":event-type": "InvokeComplete", ":content-type": "application/json",
                                ":message-type": "event"}
    # A member without a value is left out of the document, as botocore never sends a null.
    assert json.loads(complete.payload) == {"LogResult": "bG9n"}
