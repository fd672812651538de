"""In-process sources as pollers read them: stream positions, queue visibility and FIFO groups."""

from __future__ import annotations

import datetime
import time

from lambdamock.sources.local import LocalQueue
from lambdamock.sources.local_streams import LocalStream

STREAM = "arn:aws:kinesis:us-east-1:123456789012:stream/s"
QUEUE = "arn:aws:sqs:us-east-1:123456789012:q"


def data(stream: LocalStream, position: str, **where: object) -> list[str]:
    [shard] = stream.shards()
    records, _ = stream.read(stream.iterator(shard, position, **where), 100)  # type: ignore[arg-type]
    return [item.record["kinesis"]["partitionKey"] for item in records]


def test_every_starting_position_of_a_stream():
    stream = LocalStream(STREAM)
    first = stream.put(b"", partition_key="first")
    time.sleep(0.01)
    middle = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(0.01)
    stream.put(b"", partition_key="second")
    assert data(stream, "TRIM_HORIZON") == ["first", "second"]
    assert data(stream, "LATEST") == []
    assert data(stream, "AT_TIMESTAMP", timestamp=middle) == ["second"]
    assert data(stream, "AT_SEQUENCE_NUMBER", sequence=first) == ["first", "second"]
    assert data(stream, "AFTER_SEQUENCE_NUMBER", sequence=first) == ["second"]


def test_a_cursor_moves_on_and_sees_later_records():
    stream = LocalStream(STREAM)
    [shard] = stream.shards()
    cursor = stream.iterator(shard, "LATEST")
    stream.put_many(["a", "b", "c"], partition_key="k")
    records, cursor = stream.read(cursor, 2)
    assert [r.record["kinesis"]["data"] for r in records] == ["YQ==", "Yg=="]
    records, cursor = stream.read(cursor, 2)
    assert len(records) == 1 and stream.read(cursor, 2)[0] == []


def test_partition_keys_spread_over_shards_and_stay_on_one():
    stream = LocalStream(STREAM, shards=8)
    stream.put_many([str(n) for n in range(200)])
    stream.put_many(["same"] * 5, partition_key="one key")
    counts = []
    holding_same = 0
    for shard in stream.shards():
        records, _ = stream.read(stream.iterator(shard, "TRIM_HORIZON"), 1000)
        counts.append(len(records))
        holding_same += any(r.record["kinesis"]["partitionKey"] == "one key" for r in records)
    assert sum(counts) == 205 and min(counts) > 0 and holding_same == 1


def test_a_received_message_is_invisible_until_deleted_released_or_timed_out():
    queue = LocalQueue(QUEUE, visibility_timeout=0.05)
    queue.send_many(["a", "b"])
    first = queue.receive(1)
    assert [m.record["body"] for m in first] == ["a"]
    assert [m.record["body"] for m in queue.receive(10)] == ["b"]
    assert queue.receive(10) == [] and len(queue) == 2
    queue.release([first[0].receipt])
    again = queue.receive(10)
    assert [m.record["attributes"]["ApproximateReceiveCount"] for m in again] == ["2"]
    queue.delete([again[0].receipt])
    delay = queue.idle_delay(None)
    assert delay is not None and delay <= 0.05
    time.sleep(delay + 0.01)
    assert [m.record["body"] for m in queue.receive(10)] == ["b"]


def test_a_fifo_group_waits_while_a_batch_of_it_is_in_flight():
    queue = LocalQueue(f"{QUEUE}.fifo")
    queue.send_many(["a1", "a2"], group_id="a")
    queue.send("b1", group_id="b")
    taken = queue.receive(1)
    assert [m.record["body"] for m in taken] == ["a1"]
    assert [m.record["body"] for m in queue.receive(10)] == ["b1"]
    queue.delete([taken[0].receipt])
    assert [m.record["body"] for m in queue.receive(10)] == ["a2"]
