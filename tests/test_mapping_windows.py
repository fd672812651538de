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
# Counts the records of its window in its state.
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


def windowed(mock, source_arn: str, handler: str = COUNTER, position: str = "LATEST", **settings) -> str:
    """A function ``f`` running ``handler``, mapped to the source with ``settings``; the mapping's UUID."""
    lam = boto3.client("lambda", region_name=REGION)
    deploy(lam, handler)
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=source_arn, StartingPosition=position,
                                           **settings)["UUID"]
    mock.wait()
    return uuid


def events(mock) -> list[dict]:
    return [json.loads(invocation.event) for invocation in mock.invocations]


def early_in_a_window(length: int) -> None:
    """Wait until the current window of ``length`` seconds has most of its time left."""
    deadline = time.monotonic() + length + 1
    while time.time() % length > length / 4:
        assert time.monotonic() < deadline
        time.sleep(0.01)


def put_early(stream, length: int, *data: str) -> int:
    """Put ``data`` early in a window; the start of the window they arrived in.

    Windows go by the records' arrival times, so a slow test host can only move them to a later window.
    """
    early_in_a_window(length)
    numbers = set(stream.put_many(list(data), partition_key="k"))
    found, _ = stream.read(stream.iterator(stream.shards()[0], "TRIM_HORIZON"), 10_000)
    starts = {int(record.arrival) // length * length for record in found if record.sequence in numbers}
    assert len(starts) == 1, "the records arrived in two windows"
    return starts.pop()


def iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_a_window_carries_its_state_to_its_final_invocation(m):
    stream = m.stream(STREAM)
    windowed(m, STREAM, BatchSize=2, TumblingWindowInSeconds=2)
    start = put_early(stream, 2, "click 0", "click 1", "click 2")
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
    first = put_early(stream, 1, "a", "b")
    until(lambda: time.time() >= first + 1, 3)
    second = put_early(stream, 1, "c")
    m.wait(timeout=10)
    seen = events(m)
    summary = [(event["window"]["start"], len(event["Records"]), event["state"], event["isFinalInvokeForWindow"])
               for event in seen]
    finals = [entry for entry in summary if entry[3]]
    assert [entry[0] for entry in finals] == [iso(first), iso(second)]
    assert [entry[2] for entry in finals] == [{"n": 2}, {"n": 1}]
    # Nothing of the second window is delivered before the first window's final invocation.
    assert summary.index(finals[0]) < min(n for n, entry in enumerate(summary) if entry[0] == iso(second))
    assert next(entry for entry in summary if entry[0] == iso(second))[2] == {}


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


def flaky(flag: str, when: str) -> str:
    """COUNTER, but failing while the file ``flag`` exists and ``when`` (a condition on the event) holds."""
    return COUNTER.replace("def handler(event, context):\n", (
        "import os\n"
        "def handler(event, context):\n"
        f"    if {when} and os.path.exists({flag!r}):\n"
        "        raise ValueError('not now')\n"))


def until(condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_window_read_after_it_ended_has_one_final_invocation_with_all_its_records(m, tmp_path):
    flag = tmp_path / "fail"
    flag.touch()
    # The first delivery fails once; meanwhile the window has ended and "b" is not read yet.
    handler = flaky(str(flag), "event['Records']").replace("raise ValueError", f"os.remove({str(flag)!r}); raise ValueError")
    stream = m.stream(STREAM)
    uuid = windowed(m, STREAM, handler, "TRIM_HORIZON", TumblingWindowInSeconds=1, BatchSize=1, Enabled=False,
                    MaximumRetryAttempts=3)
    start = put_early(stream, 1, "a", "b")
    until(lambda: time.time() >= start + 1.05, 3)
    boto3.client("lambda", region_name=REGION).update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait(timeout=10)
    finals = [event for event, run in zip(events(m), m.invocations) if event["isFinalInvokeForWindow"] and not run.error]
    assert [final["state"] for final in finals] == [{"n": 2}]


def test_a_shard_that_fails_forever_does_not_hold_wait_up(m):
    stream = m.stream(STREAM)
    windowed(m, STREAM, "def handler(event, context):\n    raise ValueError('never')\n", TumblingWindowInSeconds=1)
    stream.put("a")
    m.wait(timeout=5)  # as without windows: a shard retrying forever counts as settled once its batch was tried
    assert len(m.invocations) >= 1


@pytest.mark.parametrize(("failing", "failed"), [
    ("event['isFinalInvokeForWindow']", lambda event: event["isFinalInvokeForWindow"]),
    ("event['Records']", lambda event: bool(event["Records"])),
], ids=["a final invocation pending", "records given back while retried"])
def test_a_window_s_work_left_when_the_mapping_is_disabled_is_done_in_its_window_once_enabled(m, tmp_path, failing,
                                                                                             failed):
    # r1's window has ended (r2, read with it, begins the next) while r1's final invocation, or r1's batch, still
    # fails; the mapping is disabled, which gives both records back, and enabled again: each record is counted in the
    # window it arrived in, and each window has its final invocation (records belong to the window of their arrival:
    # the developer guide's services-kinesis-windows).
    flag = tmp_path / "fail"
    flag.touch()
    lam = boto3.client("lambda", region_name=REGION)
    stream = m.stream(STREAM)
    uuid = windowed(m, STREAM, flaky(str(flag), failing), "TRIM_HORIZON", TumblingWindowInSeconds=1, Enabled=False)
    start = put_early(stream, 1, "r1")
    until(lambda: time.time() >= start + 1.05, 3)
    stream.put("r2")  # the next window's
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    until(lambda: any(failed(event) for event in events(m)), 10)  # tried, and failed
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    flag.unlink()
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait(timeout=10)
    done = [(event["window"]["start"], event["state"]) for event, run in zip(events(m), m.invocations)
            if event["isFinalInvokeForWindow"] and not run.error]
    assert done == [(iso(start), {"n": 1}), (iso(start + 1), {"n": 1})]


def test_a_window_open_when_the_length_changes_keeps_its_bounds_and_state(m):
    lam = boto3.client("lambda", region_name=REGION)
    stream = m.stream(STREAM)
    uuid = windowed(m, STREAM, TumblingWindowInSeconds=2)
    start = put_early(stream, 2, "a")
    until(lambda: len(m.invocations) == 1, 5)
    lam.update_event_source_mapping(UUID=uuid, TumblingWindowInSeconds=0)
    m.wait(timeout=10)
    final = events(m)[-1]
    assert final["isFinalInvokeForWindow"] and final["state"] == {"n": 1}
    assert final["window"] == {"start": iso(start), "end": iso(start + 2)}


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
