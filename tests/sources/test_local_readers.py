"""In-process sources as pollers read them: stream positions, queue visibility and FIFO groups."""

from __future__ import annotations

import datetime
import hashlib
import time

import pytest

from lambdamock.sources.local import LocalQueue
from lambdamock.sources.local_streams import LocalStream, LocalTableStream

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


def test_a_message_received_again_keeps_its_first_receive_time_and_its_order():
    # SQS's ReceiveMessage: ApproximateFirstReceiveTimestamp is "the time the message was first received from the
    # queue"; released messages are received again before those sent after them.
    queue = LocalQueue(QUEUE, visibility_timeout=60)
    queue.send_many(["a", "b", "c"])
    first = queue.receive(2)
    stamps = [m.record["attributes"]["ApproximateFirstReceiveTimestamp"] for m in first]
    later = int(stamps[0]) + 2
    deadline = time.monotonic() + 5
    while time.time() * 1000 < later:  # a receive in a later millisecond
        assert time.monotonic() < deadline
    queue.release([m.receipt for m in first])
    again = queue.receive(10)
    assert [m.record["body"] for m in again] == ["a", "b", "c"]
    assert [m.record["attributes"]["ApproximateFirstReceiveTimestamp"] for m in again[:2]] == stamps
    assert int(again[2].record["attributes"]["ApproximateFirstReceiveTimestamp"]) >= later


def test_a_message_is_first_received_after_it_was_sent():
    queue = LocalQueue(QUEUE)
    queue.send("a")
    deadline = time.monotonic() + 5
    sent = time.time() * 1000
    while time.time() * 1000 < sent + 2:
        assert time.monotonic() < deadline
    [message] = queue.receive(1)
    attributes = message.record["attributes"]
    assert int(attributes["ApproximateFirstReceiveTimestamp"]) > int(attributes["SentTimestamp"])


def test_a_standard_queue_keeps_every_copy_of_a_body():
    # Only FIFO queues deduplicate (SQS's MessageDeduplicationId applies "only to FIFO queues").
    queue = LocalQueue(QUEUE)
    ids = queue.send_many(["same", "same"])
    assert ids[0] != ids[1] and len(queue) == 2
    assert all("MessageDeduplicationId" not in m.record["attributes"] for m in queue.receive(10))
    with pytest.raises(ValueError, match="only a FIFO queue takes a deduplication_id"):
        queue.send("same", deduplication_id="once")  # SQS refuses it for a standard queue
    assert len(queue) == 2


def test_a_fifo_groups_messages_given_back_or_visible_again_keep_their_order():
    # "The order in which messages are sent and received is strictly preserved" (SQS FIFO queues), also for
    # messages received again: released, or once their visibility timeout passes.
    queue = LocalQueue(f"{QUEUE}.fifo", visibility_timeout=0.05)
    queue.send_many(["a1", "a2", "a3"], group_id="g")
    queue.release([m.receipt for m in queue.receive(2)])
    taken = queue.receive(2)
    assert [m.record["body"] for m in taken] == ["a1", "a2"]
    deadline = time.monotonic() + 5
    while queue.idle_delay(None):
        assert time.monotonic() < deadline
    assert [m.record["body"] for m in queue.receive(10)] == ["a1", "a2", "a3"]


def test_a_partition_keys_md5_picks_the_shard_whose_hash_key_range_holds_it():
    # Kinesis maps "partition keys to 128-bit integer values" with MD5 "and ... data records to shards using the hash
    # key ranges of the shards"; a new stream's two shards split the range in halves (0 .. 2**127 - 1, 2**127 ..).
    stream = LocalStream(STREAM, shards=2)
    stream.put(b"", partition_key="a")  # MD5 0cc175b9...: the lower half
    stream.put(b"", partition_key="e")  # MD5 e1671797...: the upper half
    keys = [[r.record["kinesis"]["partitionKey"] for r in stream.read(stream.iterator(shard, "TRIM_HORIZON"), 10)[0]]
            for shard in stream.shards()]
    assert keys == [["a"], ["e"]]


def test_a_fifo_messages_attributes_name_its_group_deduplication_id_and_sequence():
    # SQS: content-based deduplication "uses a SHA-256 hash to generate the message deduplication ID using the body";
    # SequenceNumber is "the large, non-consecutive number that Amazon SQS assigns to each message" (128 bits; the
    # developer guide's FIFO event shows "18849496460467696128"), increasing within a group.
    queue = LocalQueue(f"{QUEUE}.fifo")
    queue.send("a", group_id="g", deduplication_id="mine")
    queue.send("b", group_id="g")
    first, second = (m.record["attributes"] for m in queue.receive(10))
    assert (first["MessageGroupId"], first["MessageDeduplicationId"]) == ("g", "mine")
    assert second["MessageDeduplicationId"] == hashlib.sha256(b"b").hexdigest()
    assert len(first["SequenceNumber"]) >= 20 and int(second["SequenceNumber"]) > int(first["SequenceNumber"])


def test_sequence_numbers_have_their_services_forms():
    # Kinesis: 56 digits, as the developer guide's and aws-lambda-go's kinesis-event.json show them
    # ("49590338271490256608559692538361571095921575989136588898"); DynamoDB Streams: 21 to 40 digits (botocore's
    # dynamodbstreams model, SequenceNumber min 21, max 40).
    kinesis = [LocalStream(STREAM).put(b"x")]
    table = LocalTableStream("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000")
    dynamodb = table.insert({"id": 1}, {"id": 1})
    assert len(kinesis[0]) == 56 and kinesis[0].isdigit()
    assert 21 <= len(dynamodb) <= 40 and dynamodb.isdigit()


def test_a_removal_without_an_old_image_still_carries_one():
    # A REMOVE record of a NEW_AND_OLD_IMAGES stream has an OldImage (aws-lambda-go's dynamodb-time-window-event.json);
    # without the item's image, its keys are the least of it.
    table = LocalTableStream("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000")
    table.remove({"id": 1})
    [shard] = table.shards()
    [item], _ = table.read(table.iterator(shard, "TRIM_HORIZON"), 10)
    change = item.record["dynamodb"]
    assert item.record["eventName"] == "REMOVE" and "NewImage" not in change
    assert change["Keys"] == change["OldImage"] == {"id": {"N": "1"}}


def test_each_view_type_carries_its_images():
    # DynamoDB's StreamSpecification: KEYS_ONLY "only the key attributes", NEW_IMAGE "the entire item, as it appears
    # after it was modified", OLD_IMAGE "as it appeared before it was modified", NEW_AND_OLD_IMAGES both.
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"
    shown = {}
    for view in ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
        table = LocalTableStream(arn, view_type=view)
        table.modify({"id": 1}, {"id": 1, "n": 1}, {"id": 1, "n": 2})
        [shard] = table.shards()
        [item], _ = table.read(table.iterator(shard, "TRIM_HORIZON"), 10)
        change = item.record["dynamodb"]
        shown[view] = sorted(key for key in change if key.endswith("Image"))
        assert change.get("OldImage", {"n": {"N": "1"}})["n"] == {"N": "1"}
        assert change.get("NewImage", {"n": {"N": "2"}})["n"] == {"N": "2"}
    assert shown == {"KEYS_ONLY": [], "NEW_IMAGE": ["NewImage"], "OLD_IMAGE": ["OldImage"],
                     "NEW_AND_OLD_IMAGES": ["NewImage", "OldImage"]}


def test_an_items_changes_stay_in_order_on_one_shard_and_each_has_its_own_event_id():
    # DynamoDB Streams: "the stream records appear in the same sequence as the actual modifications to the item",
    # however its keys are written; eventIDs are 32 hex digits, one per record (aws-lambda-go's dynamodb-event.json:
    # "f07f8ca4b0b26cb9c4e5e77e69f274ee", "f07f8ca4b0b26cb9c4e5e77e42f274ee").
    table = LocalTableStream("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000", shards=8)
    for n in range(4):
        keys = {"pk": "order-1", "sk": 0} if n % 2 else {"sk": 0, "pk": "order-1"}
        table.insert(keys, {"pk": "order-1", "sk": 0, "n": n})
    found = [[item.record for item in table.read(table.iterator(shard, "TRIM_HORIZON"), 10)[0]]
             for shard in table.shards()]
    [records] = [shard for shard in found if shard]
    assert [int(r["dynamodb"]["NewImage"]["n"]["N"]) for r in records] == [0, 1, 2, 3]
    ids = [r["eventID"] for r in records]
    assert len(set(ids)) == 4 and all(len(i) == 32 and int(i, 16) >= 0 for i in ids)


def test_floats_in_images_are_taken_at_their_shortest_form_wherever_they_are():
    # LocalTableStream's own promise (its docstring and _decimals): a float is the number its repr shows, in a list
    # or a map as well (DynamoDB numbers are decimal: boto3's TypeSerializer refuses floats and inexact Decimals).
    table = LocalTableStream("arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000",
                             view_type="NEW_IMAGE")
    table.insert({"id": 1}, {"id": 1, "price": 0.1, "sizes": [0.1, 2], "box": {"depth": 0.3}})
    [shard] = table.shards()
    [item], _ = table.read(table.iterator(shard, "TRIM_HORIZON"), 10)
    image = item.record["dynamodb"]["NewImage"]
    assert image["price"] == {"N": "0.1"}
    assert image["sizes"] == {"L": [{"N": "0.1"}, {"N": "2"}]}
    assert image["box"] == {"M": {"depth": {"N": "0.3"}}}
