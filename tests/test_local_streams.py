"""In-process streams (``m.stream``, ``m.table_stream``): no moto, Kinesis's and DynamoDB Streams' batches and event shapes."""

from __future__ import annotations

import base64
import datetime
import decimal
import json
import re
import time

import pytest

from lambdamock import LocalQueue, LocalStream, LocalTableStream
from tests.conftest import ACCOUNT, REGION
from tests.escapes import Proxy
from tests.helpers import ROLE
from tests.mapping_helpers import deploy, dynamodb_change, eventually, kinesis_record, records
from tests.mapping_helpers import lam as lam
from tests.mapping_helpers import m as m

QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:jobs"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/items/stream/2024-01-01T00:00:00.000"


# -- streams ----------------------------------------------------------------------------------


def test_a_stream_delivers_lambdas_kinesis_event(m, lam):
    deploy(lam)
    stream = m.stream(STREAM)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST")
    sequence = stream.put(b"\x00raw", partition_key="user-1")
    m.wait()
    [[record]] = records(m)
    arrival = record["kinesis"].pop("approximateArrivalTimestamp")
    assert abs(arrival - time.time()) < 60
    assert arrival == round(arrival, 3)  # milliseconds, as with-kinesis's example has them (1545084650.987)
    expected = kinesis_record(b"\x00raw", "user-1", sequence, "shardId-000000000000", STREAM, REGION, ROLE)
    assert list(record.items()) == list(expected.items())


def test_shards_keep_their_order_and_positions_are_honoured(m, lam):
    deploy(lam)
    stream = m.stream(STREAM, shards=4)
    stream.put("before")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="TRIM_HORIZON",
                                    BatchSize=7)
    deploy(lam, name="g")
    lam.create_event_source_mapping(FunctionName="g", EventSourceArn=STREAM, StartingPosition="LATEST")
    stream.put_many([f"{key}-{n}" for n in range(20) for key in "abcdef"][:60])
    for key in "xyz":
        stream.put_many([f"{key}{n}" for n in range(10)], partition_key=key)
    m.wait()
    assert len(stream) == 91
    by_function: dict[str, list[str]] = {"f": [], "g": []}
    for invocation in m.invocations:
        by_function[invocation.function_name] += [
            base64.b64decode(r["kinesis"]["data"]).decode() for r in json.loads(invocation.event)["Records"]]
    assert "before" in by_function["f"] and "before" not in by_function["g"]
    for key in "xyz":
        for delivered in by_function.values():
            assert [item for item in delivered if item[0] == key] == [f"{key}{n}" for n in range(10)]
    shards = {r["eventID"].split(":")[0] for batch in records(m) for r in batch}
    assert len(shards) > 1


def test_a_table_stream_delivers_lambdas_dynamodb_event(m, lam):
    deploy(lam)
    table = m.table_stream(TABLE)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=TABLE, StartingPosition="LATEST")
    table.insert({"id": "a"}, {"id": "a", "n": 1, "price": 1.5, "tags": {"x"}, "raw": b"\x01"})
    table.modify({"id": "a"}, {"id": "a", "n": 1}, {"id": "a", "n": 2})
    table.remove({"id": "a"}, {"id": "a", "n": 2})
    m.wait()
    batch = [r for invocation in records(m) for r in invocation]
    assert [r["eventName"] for r in batch] == ["INSERT", "MODIFY", "REMOVE"]
    assert dynamodb_change(batch[0], "INSERT", REGION, TABLE) == {
        "Keys": {"id": {"S": "a"}},
        "NewImage": {"id": {"S": "a"}, "n": {"N": "1"}, "price": {"N": "1.5"}, "tags": {"SS": ["x"]},
                     "raw": {"B": "AQ=="}},
        "StreamViewType": "NEW_AND_OLD_IMAGES",
    }
    assert batch[1]["dynamodb"]["OldImage"] == {"id": {"S": "a"}, "n": {"N": "1"}}
    assert "NewImage" not in batch[2]["dynamodb"]


def test_size_bytes_is_dynamodbs_item_size_of_the_keys_and_images(m, lam):
    # Recorded: LocalStack test_lambda_integration_dynamodbstreams.snapshot.json —
    # test_dynamodb_event_filter (24 for {"id": "id_value_1"}) and test_dynamodb_event_source_mapping (70).
    deploy(lam)
    table = m.table_stream(TABLE, view_type="NEW_IMAGE")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=TABLE, StartingPosition="LATEST")
    table.insert({"id": "id_value_1"}, {"id": "id_value_1"})
    table.insert({"my_partition_key": "hello world"}, {"my_partition_key": "hello world", "binary_key": b"foobar"})
    m.wait()
    assert [r["dynamodb"]["SizeBytes"] for invocation in records(m) for r in invocation] == [24, 70]


def test_a_table_streams_view_type_decides_the_images(m, lam):
    deploy(lam)
    table = m.table_stream(TABLE, view_type="KEYS_ONLY")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=TABLE, StartingPosition="LATEST")
    table.modify({"id": "a"}, {"id": "a", "n": decimal.Decimal(1)}, {"id": "a", "n": 2})
    m.wait()
    [[record]] = records(m)
    assert set(record["dynamodb"]) == {"ApproximateCreationDateTime", "Keys", "SequenceNumber", "SizeBytes",
                                       "StreamViewType"}
    with pytest.raises(ValueError, match="view_type"):
        LocalTableStream(TABLE, view_type="EVERYTHING")


def failing(m, lam, source: str, retries: int) -> LocalQueue:
    """A function that always fails, mapped to the in-process ``source``; the mapping's OnFailure queue."""
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    failures = m.queue(f"{QUEUE}-failures")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=source, StartingPosition="LATEST",
                                    MaximumRetryAttempts=retries,
                                    DestinationConfig={"OnFailure": {"Destination": f"{QUEUE}-failures"}})
    return failures


def test_a_failing_stream_batch_retries_then_gives_up_on_a_local_destination(m, lam):
    stream = m.stream(STREAM)
    failures = failing(m, lam, STREAM, retries=1)
    stream.put("doomed")
    deadline = time.monotonic() + 10
    while not failures.messages:
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert len(m.invocations) == 2
    report = json.loads(failures.messages[0])
    assert report["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert report["KinesisBatchInfo"]["batchSize"] == 1


def test_a_batch_that_fails_when_its_window_closes_is_retried_without_being_woken(m, lam):
    # Sent as the batching window closed, with nothing more to read: its retries were once due only when something
    # woke the poller, and wait() waited for them in vain.
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    stream = m.stream(STREAM)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST",
                                    MaximumBatchingWindowInSeconds=1, MaximumRetryAttempts=2)
    stream.put("doomed")
    m.wait(timeout=10)
    assert len(m.invocations) == 3


def test_only_the_records_past_the_maximum_age_are_given_up(m, lam, monkeypatch):
    # Recorded: LocalStack TestKinesisSource::test_kinesis_maximum_record_age_exceeded_discard_records: the
    # old record goes to the OnFailure destination alone, with no responseContext and an invoke count of 1,
    # and the function gets the fresh ones.
    deploy(lam)
    stream = m.stream(STREAM)
    failures = m.queue(f"{QUEUE}-failures")
    real, offset = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="TRIM_HORIZON",
                                    BatchSize=10, MaximumRecordAgeInSeconds=60, MaximumRetryAttempts=0,
                                    Enabled=False,
                                    DestinationConfig={"OnFailure": {"Destination": f"{QUEUE}-failures"}})
    stream.put("stale")
    offset[0] = 61.0
    for n in range(3):
        stream.put(f"fresh-{n}")
    lam.update_event_source_mapping(UUID=lam.list_event_source_mappings()["EventSourceMappings"][0]["UUID"],
                                    Enabled=True)
    m.wait()
    assert [[base64.b64decode(r["kinesis"]["data"]) for r in batch] for batch in records(m)] == [
        [b"fresh-0", b"fresh-1", b"fresh-2"]]
    [report] = [json.loads(message) for message in failures.messages]
    assert report["requestContext"]["condition"] == "RecordAgeExceeded"
    assert report["requestContext"]["approximateInvokeCount"] == 1 and "responseContext" not in report
    info = report["KinesisBatchInfo"]
    assert info["batchSize"] == 1 and info["startSequenceNumber"] == info["endSequenceNumber"]


def test_a_record_younger_than_the_maximum_age_is_delivered(m, lam, monkeypatch):
    # MaximumRecordAgeInSeconds: "Discard records older than the specified age" (the API reference): a record 45
    # seconds old is not, under a maximum of 60.
    deploy(lam)
    stream = m.stream(STREAM)
    real, offset = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="TRIM_HORIZON",
                                           MaximumRecordAgeInSeconds=60, Enabled=False)["UUID"]
    stream.put("recent")
    offset[0] = 45.0
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait()
    assert [[base64.b64decode(r["kinesis"]["data"]) for r in batch] for batch in records(m)] == [[b"recent"]]


def test_a_record_that_grows_too_old_while_retried_is_given_up_with_its_tries_counted(m, lam, monkeypatch):
    # Recorded: LocalStack TestKinesisSource::test_kinesis_maximum_record_age_exceeded[expire-while-retrying]
    # (test_lambda_integration_kinesis.snapshot.json): retried forever (MaximumRetryAttempts -1) until it is older
    # than MaximumRecordAgeInSeconds, the record goes to the OnFailure destination as RecordAgeExceeded, with no
    # responseContext, its approximateInvokeCount the tries it had (8 there), and is not tried again.
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    stream = m.stream(STREAM)
    failures = m.queue(f"{QUEUE}-failures")
    real, offset = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real() + offset[0])
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST",
                                    MaximumRecordAgeInSeconds=60, MaximumRetryAttempts=-1,
                                    DestinationConfig={"OnFailure": {"Destination": f"{QUEUE}-failures"}})
    stream.put("doomed")
    eventually(lambda: len(m.invocations) >= 3)
    offset[0] = 61.0
    eventually(lambda: bool(failures.messages))
    m.wait()
    [report] = [json.loads(message) for message in failures.messages]
    assert report["requestContext"]["condition"] == "RecordAgeExceeded"
    assert report["requestContext"]["approximateInvokeCount"] == len(m.invocations) >= 3
    assert re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", report["requestContext"]["requestId"])
    assert "responseContext" not in report
    tries = len(m.invocations)
    stream.put("next")
    eventually(lambda: len(m.invocations) > tries)
    later = {base64.b64decode(r["kinesis"]["data"]) for batch in records(m)[tries:] for r in batch}
    assert later == {b"next"}, "the old record is not tried again"


def test_records_put_while_a_mapping_is_disabled_are_read_once_it_is_enabled(m, lam):
    # "If you disable the event source mapping, AWS Lambda stops polling. If you enable again, it will resume
    # polling from the time it had stopped polling, so you don't lose processing of any records" (the API
    # reference, UpdateEventSourceMapping): also when nothing had been read before it was disabled.
    deploy(lam)
    stream = m.stream(STREAM)
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST")["UUID"]
    m.wait()
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    m.wait()
    stream.put("while disabled")
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait()
    assert [[base64.b64decode(r["kinesis"]["data"]) for r in batch] for batch in records(m)] == [[b"while disabled"]]


def test_an_update_of_the_batch_size_or_the_filters_applies_to_the_records_read_after_it(m, lam):
    # UpdateEventSourceMapping changes what the mapping does from then on (the API reference: BatchSize, "The
    # maximum number of records in each batch that Lambda pulls from your stream", and FilterCriteria, which
    # "determine whether Lambda should process an event").
    deploy(lam)
    stream = m.stream(STREAM)
    uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST",
                                           BatchSize=2)["UUID"]
    m.wait()
    stream.put_many([b'{"n": 1}', b'{"n": 2}', b'{"n": 3}'])
    m.wait()
    # Filtered on the data's JSON (as LocalStack's test_kinesis_event_filtering_json_pattern, recorded, does).
    lam.update_event_source_mapping(UUID=uuid, BatchSize=10,
                                    FilterCriteria={"Filters": [{"Pattern": '{"data": {"keep": [true]}}'}]})
    m.wait()
    stream.put_many([b'{"keep": true, "n": 4}', b'{"keep": false, "n": 5}', b'{"keep": true, "n": 6}',
                     b'{"keep": true, "n": 7}'])
    m.wait()
    assert [[json.loads(base64.b64decode(r["kinesis"]["data"]))["n"] for r in batch] for batch in records(m)] == [
        [1, 2], [3], [4, 6, 7]]


@pytest.mark.parametrize(("window", "shown"), [(0, False), (1, True)])
def test_a_message_without_attributes_has_a_null_md5_only_with_a_batching_window(m, lam, window, shown):
    # Recorded: LocalStack test_lambda_integration_sqs.snapshot.json: no md5OfMessageAttributes key in the
    # records of mappings without a batching window (test_report_batch_item_failures, ...), null with one
    # (test_sqs_event_source_mapping, ...); a message with attributes always has its MD5.
    deploy(lam)
    queue = m.queue(QUEUE)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, MaximumBatchingWindowInSeconds=window)
    queue.send("plain")
    m.wait()
    queue.send("tagged", attributes={"a": {"DataType": "String", "StringValue": "1"}})
    m.wait()
    plain, tagged = (batch[0] for batch in records(m))
    assert ("md5OfMessageAttributes" in plain) is shown and plain.get("md5OfMessageAttributes") is None
    assert tagged["md5OfMessageAttributes"]


@pytest.mark.parametrize("destination", ["arn:aws:s3:::failures", f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"])
def test_a_failure_destination_nothing_answers_gets_nothing_and_nothing_leaves(escapes: Proxy, m, lam, destination):
    # No moto, no endpoint named: the failure record is lost, as on AWS, and no request leaves the process.
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    stream = m.stream(STREAM)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST",
                                    MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": destination}})
    stream.put("doomed")
    m.wait()
    assert len(m.invocations) == 1
    assert escapes.attempts == []


def test_a_table_streams_failure_record_has_arrival_times_in_whole_seconds(m, lam):
    # Recorded: LocalStack test_lambda_integration_dynamodbstreams.snapshot.json (the on-failure destination
    # tests): DDBStreamBatchInfo's arrival times have no milliseconds, unlike KinesisBatchInfo's.
    table = m.table_stream(TABLE)
    failures = failing(m, lam, TABLE, retries=0)
    table.insert({"id": "a"}, {"id": "a"})
    m.wait()
    info = json.loads(failures.messages[0])["DDBStreamBatchInfo"]
    for key in ("approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", info[key]), info[key]
    # DynamoDB Streams' own forms (with-ddb's example, and its API model's 21 to 40 characters of a sequence
    # number), not Kinesis's: "shardId-00000001573689847184-864758bb", "800000000003126276362".
    assert re.fullmatch(r"shardId-\d{20}-[0-9a-f]{8}", info["shardId"]), info["shardId"]
    assert re.fullmatch(r"\d{21,40}", info["startSequenceNumber"]) and info["startSequenceNumber"] == info[
        "endSequenceNumber"]


def test_many_records_are_delivered_in_few_batches(m, lam):
    deploy(lam)
    queue = m.queue(QUEUE)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, BatchSize=1000,
                                    MaximumBatchingWindowInSeconds=1, Enabled=False)
    queue.send_many([str(n) for n in range(5000)])
    lam.update_event_source_mapping(UUID=lam.list_event_source_mappings()["EventSourceMappings"][0]["UUID"],
                                    Enabled=True)
    m.wait()
    assert [len(batch) for batch in records(m)] == [1000] * 5
    assert len(queue) == 0


def test_an_arrival_time_is_cut_to_milliseconds_never_after_the_put(monkeypatch):
    # Rounded, a record put 0.4 ms before a whole second arrived at that second: an AT_TIMESTAMP mapping starting
    # there read it, and a window starting there took it.
    stream = LocalStream(STREAM)
    monkeypatch.setattr(time, "time", lambda: 1_700_000_009.9996)
    stream.put(b"early")
    monkeypatch.undo()
    moment = datetime.datetime.fromtimestamp(1_700_000_010, datetime.timezone.utc)
    cursor = stream.iterator(stream.shards()[0], "AT_TIMESTAMP", timestamp=moment)
    assert stream.read(cursor, 10)[0] == []
    [record], _ = stream.read(stream.iterator(stream.shards()[0], "TRIM_HORIZON"), 10)
    assert record.arrival == 1_700_000_009.999


# -- an OnFailure record's batch info for a batch of several records ----------------------------------------
# Shape recorded against AWS: LocalStack test_lambda_integration_kinesis.snapshot.json and
# test_lambda_integration_dynamodbstreams.snapshot.json (KinesisBatchInfo, DDBStreamBatchInfo of the OnFailure
# destination tests): which record names the start and the end, how arrival times are written, the batch's size.

FAILURES = f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"
# Arrival times put by hand: 2023-11-14T22:13:20.042Z, then 2.5 s later (milliseconds under 100 show the padding).
MOMENTS = (1700000000.042, 1700000001.0, 1700000002.5)


def failed_batch(m, lam, monkeypatch, source: str, put) -> tuple[list, dict]:
    """Put three records at MOMENTS, then map a failing function to them: the sequences and the OnFailure record."""
    sequences = []
    for moment in MOMENTS:
        with monkeypatch.context() as patched:
            patched.setattr(time, "time", lambda moment=moment: moment)
            sequences.append(put(moment))
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    failures = m.queue(FAILURES)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=source, StartingPosition="TRIM_HORIZON",
                                    BatchSize=10, MaximumRetryAttempts=0,
                                    DestinationConfig={"OnFailure": {"Destination": FAILURES}})
    m.wait()
    assert [len(json.loads(run.event)["Records"]) for run in m.invocations] == [3], "one batch of all three"
    [message] = failures.messages
    return sequences, json.loads(message)


def test_kinesis_batch_info_spans_the_batch_with_millisecond_arrivals(m, lam, monkeypatch):
    stream = m.stream(STREAM)
    sequences, report = failed_batch(m, lam, monkeypatch, STREAM, lambda moment: stream.put(f"at {moment}"))
    assert report["KinesisBatchInfo"] == {
        "shardId": "shardId-000000000000",
        "startSequenceNumber": sequences[0],
        "endSequenceNumber": sequences[-1],
        "approximateArrivalOfFirstRecord": "2023-11-14T22:13:20.042Z",
        "approximateArrivalOfLastRecord": "2023-11-14T22:13:22.500Z",
        "batchSize": 3,
        "streamArn": STREAM,
    }


def test_dynamodb_batch_info_spans_the_batch_with_whole_second_arrivals(m, lam, monkeypatch):
    table = m.table_stream(TABLE)

    def put(moment: float) -> None:
        table.insert({"id": str(moment)}, {"id": str(moment)})

    _, report = failed_batch(m, lam, monkeypatch, TABLE, put)
    [run] = m.invocations
    sequences = [record["dynamodb"]["SequenceNumber"] for record in json.loads(run.event)["Records"]]
    info = report["DDBStreamBatchInfo"]
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (
        sequences[0], sequences[-1], 3)
    assert (info["approximateArrivalOfFirstRecord"], info["approximateArrivalOfLastRecord"]) == (
        "2023-11-14T22:13:20Z", "2023-11-14T22:13:22Z")
    assert info["streamArn"] == TABLE
