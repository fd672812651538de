"""Tumbling windows on stream mappings: the window's members in each event, its state carried, a final invocation.

AWS's own description is the Lambda developer guide's "time windows" pages for Kinesis and DynamoDB Streams
(services-kinesis-windows, services-ddb-windows): the event gains ``window``, ``state``, ``shardId``,
``eventSourceARN``, ``isFinalInvokeForWindow`` and ``isWindowTerminatedEarly``; the function returns
``{"state": ...}``, and a response without one is a failed invocation.
"""

from __future__ import annotations

import datetime
import json
import time

import boto3
import pytest

from lambdamock import mock_lambda
from tests.conftest import REGION
from tests.mapping_helpers import deploy, eventually

STREAM = f"arn:aws:kinesis:{REGION}:123456789012:stream/clicks"
TABLE = f"arn:aws:dynamodb:{REGION}:123456789012:table/T/stream/2024-01-01T00:00:00.000"
# Counts the records of its window; the final invocation returns the total as its result too.
COUNTER = (
    "def handler(event, context):\n"
    "    state = dict(event['state'])\n"
    "    state['n'] = state.get('n', 0) + len(event['Records'])\n"
    "    return {'state': state}\n"
)


@pytest.fixture
def m():
    with mock_lambda() as mock:
        yield mock


def windowed(mock, source_arn: str, handler: str = COUNTER, **settings) -> str:
    """A function ``f`` running ``handler``, mapped to the source with ``settings``; the mapping's UUID."""
    lam = boto3.client("lambda", region_name=REGION)
    deploy(lam, handler)
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=source_arn, StartingPosition="LATEST",
                                           **settings)["UUID"]
    mock.wait()
    return uuid


def events(mock) -> list[dict]:
    return [json.loads(invocation.event) for invocation in mock.invocations]


def early_in_a_window(length: int) -> float:
    """Wait until the current window of ``length`` seconds has most of its time left; return its start."""
    deadline = time.monotonic() + length + 1
    while time.time() % length > length / 4:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return time.time() - time.time() % length


def iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_window_carries_its_state_to_its_final_invocation(m):
    stream = m.stream(STREAM)
    windowed(m, STREAM, BatchSize=2, TumblingWindowInSeconds=2)
    start = early_in_a_window(2)
    for n in range(3):
        stream.put(f"click {n}")
    m.wait(timeout=10)
    seen = events(m)
    *batches, final = seen
    assert sum(len(event["Records"]) for event in batches) == 3
    # Each invocation gets the state the one before it returned; the window's last gets the total.
    counted = 0
    for event in batches:
        assert event["state"] == ({"n": counted} if counted else {})
        assert event["isFinalInvokeForWindow"] is False
        counted += len(event["Records"])
    assert final["Records"] == [] and final["state"] == {"n": 3}
    assert final["isFinalInvokeForWindow"] is True
    shard = final["shardId"]
    for event in seen:
        members = {key: value for key, value in event.items() if key not in ("Records", "state",
                                                                             "isFinalInvokeForWindow")}
        assert members == {"window": {"start": iso(start), "end": iso(start + 2)}, "shardId": shard,
                           "eventSourceARN": STREAM, "isWindowTerminatedEarly": False}
    assert shard.startswith("shardId-")
    assert [list(event) for event in seen][-1] == ["Records", "window", "state", "shardId", "eventSourceARN",
                                                   "isFinalInvokeForWindow", "isWindowTerminatedEarly"]


def test_the_next_window_starts_afresh_after_the_final_invocation(m):
    stream = m.stream(STREAM)
    windowed(m, STREAM, TumblingWindowInSeconds=1)
    first = early_in_a_window(1)
    stream.put("a")
    stream.put("b")
    deadline = time.monotonic() + 3
    while time.time() < first + 1:  # the first window ends
        assert time.monotonic() < deadline
        time.sleep(0.01)
    stream.put("c")
    m.wait(timeout=10)
    summary = [(event["window"]["start"], len(event["Records"]), event["state"], event["isFinalInvokeForWindow"])
               for event in events(m)]
    finals = [entry for entry in summary if entry[3]]
    assert [entry[0] for entry in finals] == [iso(first), iso(first + 1)]
    assert [entry[2] for entry in finals] == [{"n": 2}, {"n": 1}]
    # Nothing of the second window is delivered before the first window's final invocation.
    assert summary.index(finals[0]) < min(n for n, entry in enumerate(summary) if entry[0] == iso(first + 1))
    assert next(entry for entry in summary if entry[0] == iso(first + 1))[2] == {}


def test_a_response_without_state_fails_the_batch_and_the_final_invocation_is_retried_until_it_succeeds(m):
    stream = m.stream(STREAM)
    uuid = windowed(m, STREAM, "def handler(event, context):\n    return {'total': len(event['Records'])}\n",
                    TumblingWindowInSeconds=1, MaximumRetryAttempts=1)
    early_in_a_window(1)
    stream.put("a")
    # The batch, tried twice (MaximumRetryAttempts=1) and given up on; then the window's final invocation,
    # which holds up the shard until it succeeds ("If invocation is unsuccessful, your Lambda function
    # suspends further processing until a successful invocation": the developer guide).
    eventually(lambda: len(m.invocations) >= 5)
    lengths = [len(event["Records"]) for event in events(m)]
    assert lengths[:2] == [1, 1] and set(lengths[2:]) == {0}
    result = boto3.client("lambda", region_name=REGION).get_event_source_mapping(UUID=uuid)["LastProcessingResult"]
    assert result == "PROBLEM: Function call failed"


def test_a_table_stream_window(m):
    table = m.table_stream(TABLE)
    windowed(m, TABLE, TumblingWindowInSeconds=1)
    early_in_a_window(1)
    table.insert({"id": "1"}, {"id": "1"})
    table.insert({"id": "2"}, {"id": "2"})
    m.wait(timeout=10)
    final = events(m)[-1]
    assert final["isFinalInvokeForWindow"] is True and final["state"] == {"n": 2}
    assert final["eventSourceARN"] == TABLE and final["shardId"].startswith("shardId-")
    assert events(m)[0]["Records"][0]["eventSource"] == "aws:dynamodb"


def test_without_a_window_the_event_is_records_alone(m):
    stream = m.stream(STREAM)
    windowed(m, STREAM)
    stream.put("a")
    m.wait()
    assert [list(event) for event in events(m)] == [["Records"]]
