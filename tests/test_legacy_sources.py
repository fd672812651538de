"""The 2014 API's event sources: AddEventSource & co. on the same mappings as today's API."""

from __future__ import annotations

import base64
import json

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.conftest import ACCOUNT, REGION
from tests.helpers import ROLE, wait_until

STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
INVOKER = f"arn:aws:iam::{ACCOUNT}:role/invoker"


@pytest.fixture
def m():
    with mock_lambda() as mock:
        yield mock


@pytest.fixture
def old(m):
    client = boto3.Session().client("lambda", region_name=REGION, api_version="2014-11-11")
    new = boto3.client("lambda", region_name=REGION)
    new.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return None\n"})})
    return client


def test_add_event_source_defaults_and_shape(m, old):
    m.stream(STREAM)
    added = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER)
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert added["BatchSize"] == 100
    assert added["Parameters"] == {"InitialPositionInStream": "TRIM_HORIZON"}
    assert (added["EventSource"], added["Role"]) == (STREAM, INVOKER)
    # The 2014 model's FunctionName is a name (at most 64 characters, no colons), never an ARN.
    assert added["FunctionName"] == "f"
    assert added["Status"] in ("PENDING", "OK") and added["IsActive"] is True
    m.wait()
    got = old.get_event_source(UUID=added["UUID"])
    assert got["Status"] == "OK" and got["LastModified"].endswith("+0000")


def test_a_source_that_cannot_be_read_shows_one_problem_prefix(m, old):
    # The 2014 model's EventSourceConfiguration.Status: "PENDING", "OK", and "PROBLEM:message".
    added = old.add_event_source(EventSource=f"{STREAM}-unmocked", FunctionName="f", Role=INVOKER)
    status = lambda: old.get_event_source(UUID=added["UUID"])["Status"]  # noqa: E731
    wait_until(lambda: status().startswith("PROBLEM"))
    assert status().startswith("PROBLEM: lambdamock does not call kinesis")
    [listed] = old.list_event_sources()["EventSources"]
    assert listed["Status"] == status()


def test_records_are_delivered_and_the_mapping_is_one_backend(m, old):
    stream = m.stream(STREAM)
    added = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER, BatchSize=10,
                                 Parameters={"InitialPositionInStream": "LATEST"})
    assert added["Parameters"] == {"InitialPositionInStream": "LATEST"}
    m.wait()
    stream.put("hello")
    m.wait()
    [invocation] = m.invocations
    [record] = json.loads(invocation.event)["Records"]
    assert base64.b64decode(record["kinesis"]["data"]) == b"hello"

    new = boto3.client("lambda", region_name=REGION)
    [listed] = new.list_event_source_mappings(FunctionName="f")["EventSourceMappings"]
    assert (listed["UUID"], listed["BatchSize"], listed["StartingPosition"]) == (added["UUID"], 10, "LATEST")


def test_list_filters_and_pages(m, old):
    other = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/other"
    m.stream(STREAM), m.stream(other)
    uuids = [old.add_event_source(EventSource=arn, FunctionName="f", Role=INVOKER)["UUID"] for arn in (STREAM, other)]
    assert [s["UUID"] for s in old.list_event_sources()["EventSources"]] == uuids
    assert [s["UUID"] for s in old.list_event_sources(EventSourceArn=other)["EventSources"]] == uuids[1:]
    assert [s["UUID"] for s in old.list_event_sources(FunctionName="f")["EventSources"]] == uuids
    first = old.list_event_sources(MaxItems=1)
    assert [s["UUID"] for s in first["EventSources"]] == uuids[:1]
    rest = old.list_event_sources(MaxItems=1, Marker=first["NextMarker"])
    assert [s["UUID"] for s in rest["EventSources"]] == uuids[1:] and "NextMarker" not in rest


def test_remove_event_source(m, old):
    m.stream(STREAM)
    uuid = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER)["UUID"]
    m.wait()
    assert old.remove_event_source(UUID=uuid)["ResponseMetadata"]["HTTPStatusCode"] == 204
    m.wait()
    assert old.list_event_sources()["EventSources"] == []


def test_missing_things(m, old):
    m.stream(STREAM)
    with pytest.raises(old.exceptions.ResourceNotFoundException) as caught:
        old.get_event_source(UUID="00000000-0000-0000-0000-000000000000")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(old.exceptions.ResourceNotFoundException):
        old.remove_event_source(UUID="00000000-0000-0000-0000-000000000000")
    with pytest.raises(old.exceptions.InvalidParameterValueException):
        old.add_event_source(EventSource=STREAM, FunctionName="nope", Role=INVOKER)
    assert old.list_event_sources()["EventSources"] == []


def test_adding_a_mapped_source_again_moves_it_to_the_new_function(m, old):
    # The 2014 model's documentation of AddEventSource: "the existing mapping is updated to call the new
    # function instead of the old one".
    new = boto3.client("lambda", region_name=REGION)
    new.create_function(FunctionName="g", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return None\n"})})
    first = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER)
    m.wait()
    second = old.add_event_source(EventSource=STREAM, FunctionName="g", Role=INVOKER, BatchSize=5)
    assert second["UUID"] == first["UUID"]
    assert (second["FunctionName"], second["BatchSize"]) == ("g", 5)
    assert [s["UUID"] for s in old.list_event_sources()["EventSources"]] == [first["UUID"]]


def test_adding_a_mapped_source_again_takes_the_new_role(m, old):
    # The 2014 model's AddEventSource: "You provide the configuration information ... for the event source mapping
    # in the request body"; for a source already mapped, "the existing mapping is updated".
    m.stream(STREAM)
    first = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER)
    m.wait()
    other = f"arn:aws:iam::{ACCOUNT}:role/other-invoker"
    assert old.add_event_source(EventSource=STREAM, FunctionName="f", Role=other)["Role"] == other
    assert old.get_event_source(UUID=first["UUID"])["Role"] == other


def test_a_disabled_mapping_is_not_active(m, old):
    # The 2014 model's EventSourceConfiguration.IsActive: "Events are only processes if IsActive is true."
    m.stream(STREAM)
    uuid = old.add_event_source(EventSource=STREAM, FunctionName="f", Role=INVOKER)["UUID"]
    m.wait()
    boto3.client("lambda", region_name=REGION).update_event_source_mapping(UUID=uuid, Enabled=False)
    m.wait()
    assert old.get_event_source(UUID=uuid)["IsActive"] is False
    assert [s["IsActive"] for s in old.list_event_sources()["EventSources"]] == [False]


def test_an_sqs_queue_added_as_an_event_source_has_no_stream_position(m, old):
    # docs/legacy.md: AddEventSource maps "a Kinesis stream (or an SQS queue, ...)"; InitialPositionInStream is a
    # stream's, so a queue's mapping has no Parameters, and its messages are delivered.
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
    queue = m.queue(queue_arn)
    added = old.add_event_source(EventSource=queue_arn, FunctionName="f", Role=INVOKER, BatchSize=5)
    assert (added["EventSource"], added["BatchSize"], added["Parameters"]) == (queue_arn, 5, {})
    m.wait()
    queue.send("hello")
    m.wait()
    [invocation] = m.invocations
    assert [record["body"] for record in json.loads(invocation.event)["Records"]] == ["hello"]


def test_an_sqs_queue_added_without_a_batch_size_takes_todays_default_of_10(m, old):
    # docs/legacy.md: 100 is the 2014 default for streams; for a queue, more than 10 needs a batching window
    # (CreateEventSourceMapping's MaximumBatchingWindowInSeconds), which AddEventSource cannot set.
    queue_arn = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
    m.queue(queue_arn)
    added = old.add_event_source(EventSource=queue_arn, FunctionName="f", Role=INVOKER)
    assert added["BatchSize"] == 10
    assert boto3.client("lambda", region_name=REGION).get_event_source_mapping(UUID=added["UUID"])["BatchSize"] == 10
