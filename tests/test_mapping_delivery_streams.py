"""Kinesis and DynamoDB Streams → Lambda with moto serving the streams: order, positions, retries, shapes."""

from __future__ import annotations

import base64
import datetime
import json
import math
import threading
import time
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda
from tests.conftest import ACCOUNT, REGION
from tests.helpers import ROLE, moto_aws
from tests.mapping_helpers import MotoWorld, deploy, dynamodb_change, eventually, kinesis_record

# Raises for a batch holding a record whose data is b"bad".
PICKY = (
    "import base64\n"
    "def handler(event, context):\n"
    "    if any(base64.b64decode(r['kinesis']['data']) == b'bad' for r in event['Records']):\n"
    "        raise ValueError('bad record')\n"
)
REPORT = (
    "import base64\n"
    "def handler(event, context):\n"
    "    bad = [r['kinesis']['sequenceNumber'] for r in event['Records']\n"
    "           if base64.b64decode(r['kinesis']['data']) == b'bad']\n"
    "    return {'batchItemFailures': [{'itemIdentifier': s} for s in bad[:1]]}\n"
)


class World(MotoWorld):
    """moto's Kinesis, DynamoDB and SQS, lambdamock's Lambda, and a two-shard stream."""

    def __init__(self, mock: Any) -> None:
        super().__init__(mock, REGION)
        self.kinesis = boto3.client("kinesis", region_name=REGION)
        self.kinesis.create_stream(StreamName="s", ShardCount=2)
        self.arn = self.kinesis.describe_stream(StreamName="s")["StreamDescription"]["StreamARN"]

    def put(self, *items: str, key: str = "k") -> list[str]:
        return [self.kinesis.put_record(StreamName="s", Data=item.encode(), PartitionKey=key)["SequenceNumber"]
                for item in items]

    def batches(self) -> list[list[str]]:
        return [[base64.b64decode(r["kinesis"]["data"]).decode() for r in json.loads(i.event)["Records"]]
                for i in self.mock.invocations]


@pytest.fixture
def world():
    with moto_aws(), mock_lambda() as mock:
        yield World(mock)


def test_the_event_is_lambdas_kinesis_event(world):
    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, StartingPosition="LATEST")
    [sequence] = world.put("hello")
    world.mock.wait()
    [record] = json.loads(world.mock.invocations[0].event)["Records"]
    arrival = record["kinesis"].pop("approximateArrivalTimestamp")
    assert isinstance(arrival, float) and abs(arrival - time.time()) < 60
    shard = record["eventID"].split(":")[0]
    expected = kinesis_record(b"hello", "k", sequence, shard, world.arn, REGION, ROLE)
    assert list(record.items()) == list(expected.items())


def test_one_put_records_call_is_one_batch(world):
    # Recorded: LocalStack test_lambda_integration_kinesis.snapshot.json,
    # TestKinesisSource::test_create_kinesis_event_source_mapping — ten records of one PutRecords arrive
    # together. moto appends them one by one; the poller must not deliver a write half done.
    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, StartingPosition="LATEST")
    world.mock.wait()
    rounds = [[f"{round_}-{n}" for n in range(10)] for round_ in range(3)]
    for items in rounds:
        world.kinesis.put_records(StreamName="s", Records=[{"Data": item.encode(), "PartitionKey": "k"}
                                                           for item in items])
        world.mock.wait()
    assert world.batches() == rounds


def test_a_poll_never_sees_a_put_records_half_done(world, monkeypatch):
    # moto appends a PutRecords' records one by one. Here the write stops after five records until the
    # mapping's poller has read the shard (at most a second: its idle back-off is 0.1 s), and then for longer
    # than a poller waits for a write to settle: a read that could come between two records cuts the batch.
    from moto.kinesis import models

    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, StartingPosition="LATEST")
    world.mock.wait()
    read = threading.Event()
    appended: list[str] = []
    get_records, put_record = models.Shard.get_records, models.Shard.put_record

    def reading(shard: Any, *args: Any, **kwargs: Any) -> Any:
        read.set()
        return get_records(shard, *args, **kwargs)

    def appending(shard: Any, *args: Any, **kwargs: Any) -> Any:
        appended.append(shard.shard_id)
        if len(appended) == 5:
            read.clear()
            if read.wait(1):
                time.sleep(0.2)
        return put_record(shard, *args, **kwargs)

    monkeypatch.setattr(models.Shard, "get_records", reading)
    monkeypatch.setattr(models.Shard, "put_record", appending)
    items = [f"0-{n}" for n in range(10)]
    world.kinesis.put_records(StreamName="s", Records=[{"Data": item.encode(), "PartitionKey": "k"} for item in items])
    world.mock.wait()
    assert world.batches() == [items]


def test_each_shard_is_delivered_in_order(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=3,
                                                 StartingPosition="TRIM_HORIZON", Enabled=False)["UUID"]
    for n in range(10):
        world.put(f"a{n}", key="alpha")
        world.put(f"b{n}", key="beta")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    delivered = [item for batch in world.batches() for item in batch]
    assert [item for item in delivered if item[0] == "a"] == [f"a{n}" for n in range(10)]
    assert [item for item in delivered if item[0] == "b"] == [f"b{n}" for n in range(10)]
    assert all(len(batch) <= 3 for batch in world.batches())
    assert world.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


def test_starting_positions(world):
    world.function()
    world.put("old")
    # Older botocores send StartingPositionTimestamp in whole seconds: split the records at one.
    middle = math.floor(time.time()) + 1
    time.sleep(middle - time.time() + 0.01)
    world.put("newer")
    latest = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn,
                                                   StartingPosition="LATEST")["UUID"]
    world.put("newest")
    world.mock.wait()
    assert world.batches() == [["newest"]]
    world.lam.delete_event_source_mapping(UUID=latest)

    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn,
                                          StartingPosition="AT_TIMESTAMP",
                                          StartingPositionTimestamp=datetime.datetime.fromtimestamp(middle, datetime.timezone.utc))
    world.mock.wait()
    assert world.batches()[1:] == [["newer", "newest"]]


def test_trim_horizon_reads_everything_retained(world):
    world.function()
    world.put("one", "two", "three")
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, StartingPosition="TRIM_HORIZON")
    world.mock.wait()
    assert world.batches() == [["one", "two", "three"]]


def test_a_failing_batch_blocks_its_shard_then_is_skipped_and_reported(world):
    world.function(PICKY)
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="failures")["QueueUrl"]
    uuid = world.lam.create_event_source_mapping(
        FunctionName="f", EventSourceArn=world.arn, StartingPosition="TRIM_HORIZON", BatchSize=1,
        MaximumRetryAttempts=2, DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"}},
        Enabled=False,
    )["UUID"]
    _, bad, _ = world.put("first", "bad", "after")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) == 5)
    world.mock.wait()
    # Three tries of the bad record (the first and two retries), and nothing after it meanwhile.
    assert world.batches() == [["first"], ["bad"], ["bad"], ["bad"], ["after"]]
    message = json.loads(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"])
    info = message.pop("KinesisBatchInfo")
    assert (info["startSequenceNumber"], info["endSequenceNumber"], info["batchSize"]) == (bad, bad, 1)
    assert info["streamArn"] == world.arn and info["shardId"].startswith("shardId-")
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["requestContext"]["approximateInvokeCount"] == 3
    assert message["requestContext"]["functionArn"] == f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"
    assert message["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert message["version"] == "1.0"


def test_a_bucket_as_on_failure_destination_gets_the_record_and_the_event(world):
    # Recorded: LocalStack TestKinesisSource::test_kinesis_event_source_mapping_with_s3_on_failure_destination:
    # one object, under aws/lambda/<mapping UUID>/<shard>/<yyyy/mm/dd>/<time of failure>, holding the failure
    # record and the event as "payload".
    world.function(PICKY)
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="failures")
    uuid = world.lam.create_event_source_mapping(
        FunctionName="f", EventSourceArn=world.arn, StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})["UUID"]
    [bad] = world.put("bad")
    eventually(lambda: s3.list_objects_v2(Bucket="failures").get("KeyCount") == 1)
    [entry] = s3.list_objects_v2(Bucket="failures")["Contents"]
    body = json.loads(s3.get_object(Bucket="failures", Key=entry["Key"])["Body"].read())
    info = body["KinesisBatchInfo"]
    failed_at = datetime.datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))
    assert entry["Key"].startswith(f"aws/lambda/{uuid}/{info['shardId']}/{failed_at:%Y/%m/%d}/"
                                   f"{failed_at:%Y-%m-%dT%H.%M.%S}")
    assert (info["startSequenceNumber"], info["batchSize"]) == (bad, 1)
    assert body["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert body["requestContext"]["approximateInvokeCount"] == 2
    assert body["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    [record] = body["payload"]["Records"]
    assert record["kinesis"]["sequenceNumber"] == bad and base64.b64decode(record["kinesis"]["data"]) == b"bad"


def test_with_unlimited_retries_a_failing_shard_stays_blocked(world):
    world.function(PICKY)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=1,
                                                 StartingPosition="TRIM_HORIZON", Enabled=False)["UUID"]
    world.put("bad", "after")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) >= 4)
    world.mock.wait()
    assert {item for batch in world.batches() for item in batch} == {"bad"}
    assert world.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "PROBLEM: Function call failed"
    # Disabling gives the records back; deleting the mapping ends the retries.
    world.lam.delete_event_source_mapping(UUID=uuid)
    world.mock.wait()  # a retry already under way when the mapping went still finishes
    count = len(world.mock.invocations)
    time.sleep(0.1)
    assert len(world.mock.invocations) == count


def test_a_partial_batch_response_retries_from_the_failed_record(world):
    world.function(REPORT)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=10,
                                                 StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
                                                 FunctionResponseTypes=["ReportBatchItemFailures"],
                                                 Enabled=False)["UUID"]
    world.put("ok1", "bad", "ok2")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) == 3)
    world.mock.wait()
    # From the failed record on is a new batch, retried MaximumRetryAttempts times on its own (recorded:
    # LocalStack test_kinesis_report_batch_item_failures and test_dynamodb_report_batch_item_failures).
    assert world.batches() == [["ok1", "bad", "ok2"], ["bad", "ok2"], ["bad", "ok2"]]


def test_bisecting_isolates_the_bad_record(world):
    world.function(PICKY)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=4,
                                                 StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=0,
                                                 BisectBatchOnFunctionError=True, Enabled=False)["UUID"]
    world.put("a", "b", "bad", "c")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: ["c"] in world.batches())
    world.mock.wait()
    assert world.batches() == [["a", "b", "bad", "c"], ["a", "b"], ["bad", "c"], ["bad"], ["c"]]


def test_each_half_of_a_bisected_batch_has_its_own_retries(world):
    # "Splitting a batch does not count towards the retry quota" (the developer guide, kinesis-on-failure-destination):
    # with MaximumRetryAttempts 1, each half that fails is tried twice, the first half as well as the second.
    world.function(PICKY)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=2,
                                                 StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
                                                 BisectBatchOnFunctionError=True, Enabled=False)["UUID"]
    world.put("bad", "bad")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) == 5)
    world.mock.wait()
    assert world.batches() == [["bad", "bad"], ["bad"], ["bad"], ["bad"], ["bad"]]


def test_with_bisecting_a_partial_batch_response_retries_the_rest_whole(world):
    # "When a partial batch success response is received and both BisectBatchOnFunctionError and
    # ReportBatchItemFailures are turned on, the batch is bisected at the returned sequence number and Lambda retries
    # only the remaining records" (the developer guide, services-kinesis-batchfailurereporting): the rest is not
    # halved again, as a batch that failed outright is.
    world.function(REPORT)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=10,
                                                 StartingPosition="TRIM_HORIZON", MaximumRetryAttempts=1,
                                                 BisectBatchOnFunctionError=True,
                                                 FunctionResponseTypes=["ReportBatchItemFailures"],
                                                 Enabled=False)["UUID"]
    world.put("ok1", "bad", "ok2", "ok3")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    eventually(lambda: len(world.mock.invocations) == 3)
    world.mock.wait()
    assert world.batches() == [["ok1", "bad", "ok2", "ok3"], ["bad", "ok2", "ok3"], ["bad", "ok2", "ok3"]]


def test_an_expired_iterator_is_replaced_where_the_shard_was_read_to(world, monkeypatch):
    # Shard iterators expire ("A shard iterator expires 5 minutes after it is returned to the requester", and
    # GetRecords then raises ExpiredIteratorException: the Kinesis API reference): the poller takes new ones, after
    # the last record it read, not at the mapping's StartingPosition again. Here every iterator held when the patch
    # goes in has expired, until a new one is taken for its shard.
    from moto.core.exceptions import JsonRESTError
    from moto.kinesis import models
    from moto.kinesis.utils import decompose_shard_iterator

    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, StartingPosition="TRIM_HORIZON")
    world.put("one")
    world.mock.wait()
    expired = {shard["ShardId"] for shard in world.kinesis.list_shards(StreamName="s")["Shards"]}
    get_records, get_shard_iterator = models.KinesisBackend.get_records, models.KinesisBackend.get_shard_iterator

    def reading(backend: Any, *args: Any, **kwargs: Any) -> Any:
        iterator = kwargs.get("shard_iterator", args[1] if len(args) > 1 else None)
        if decompose_shard_iterator(iterator)[1] in expired:
            raise JsonRESTError("ExpiredIteratorException", "Iterator expired.")
        return get_records(backend, *args, **kwargs)

    def issuing(backend: Any, *args: Any, **kwargs: Any) -> Any:
        expired.discard(kwargs.get("shard_id", args[2] if len(args) > 2 else None))
        return get_shard_iterator(backend, *args, **kwargs)

    monkeypatch.setattr(models.KinesisBackend, "get_records", reading)
    monkeypatch.setattr(models.KinesisBackend, "get_shard_iterator", issuing)
    world.put("two")
    eventually(lambda: not expired)
    world.mock.wait()
    assert world.batches() == [["one"], ["two"]]


def test_records_older_than_the_maximum_age_are_skipped(world, monkeypatch):
    world.function()
    world.put("stale")
    # The record arrived long ago, as far as the poller can tell.
    real = time.time
    monkeypatch.setattr("lambdamock.sources.streams.time.time", lambda: real() + 120)
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn,
                                          StartingPosition="TRIM_HORIZON", MaximumRecordAgeInSeconds=60)
    world.mock.wait()
    assert world.mock.invocations == []


def test_a_mapping_of_a_stream_consumer_delivers_the_stream_s_records(world):
    # botocore's Lambda model, CreateEventSourceMapping's EventSourceArn: "Amazon Kinesis - The ARN of the data
    # stream or a stream consumer."
    consumer = world.kinesis.register_stream_consumer(StreamARN=world.arn, ConsumerName="fan")["Consumer"]
    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=consumer["ConsumerARN"],
                                          StartingPosition="LATEST")
    world.mock.wait()
    world.put("x")
    world.mock.wait()
    assert world.batches() == [["x"]]


def test_disable_then_enable_resumes_where_it_stopped(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn,
                                                 StartingPosition="LATEST")["UUID"]
    world.put("one")
    world.mock.wait()
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    world.put("two")
    world.mock.wait()
    assert world.batches() == [["one"]]
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert world.batches() == [["one"], ["two"]]


def table_stream(dynamodb: Any, key: str, kind: str) -> str:
    """The stream ARN of a new table "items" keyed by ``key`` of type ``kind``."""
    table = dynamodb.create_table(
        TableName="items", KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": kind}], BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )["TableDescription"]
    return str(table["LatestStreamArn"])


def test_the_event_is_lambdas_dynamodb_event():
    with moto_aws(), mock_lambda() as mock:
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        stream = table_stream(dynamodb, "id", "S")
        lam = boto3.client("lambda", region_name=REGION)
        deploy(lam)
        uuid = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=stream,
                                               StartingPosition="LATEST")["UUID"]
        dynamodb.put_item(TableName="items", Item={"id": {"S": "a"}, "tags": {"SS": ["x"]}, "n": {"N": "1"}})
        dynamodb.put_item(TableName="items", Item={"id": {"S": "a"}, "n": {"N": "2"}})
        dynamodb.delete_item(TableName="items", Key={"id": {"S": "a"}})
        mock.wait()
        records = [r for i in mock.invocations for r in json.loads(i.event)["Records"]]
        assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
        assert dynamodb_change(records[0], "INSERT", REGION, stream) == {"Keys": {"id": {"S": "a"}},
                          "NewImage": {"id": {"S": "a"}, "tags": {"SS": ["x"]}, "n": {"N": "1"}},
                          "StreamViewType": "NEW_AND_OLD_IMAGES"}
        assert records[1]["dynamodb"]["OldImage"]["n"] == {"N": "1"}
        assert records[2]["dynamodb"]["OldImage"] == {"id": {"S": "a"}, "n": {"N": "2"}}
        assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


@pytest.mark.parametrize(("item", "size"), [
    # Recorded (validated against AWS): LocalStack's test_lambda_integration_dynamodbstreams.snapshot.json,
    # TestDynamoDBEventSourceMapping::test_dynamodb_event_source_mapping: a binary is base64 ("Zm9vYmFy"), and
    # SizeBytes is 70; test_dynamodb_report_batch_item_failures: a boolean counts one byte (58).
    ({"my_partition_key": {"S": "hello world"}, "binary_key": {"B": b"foobar"}}, 70),
    ({"my_partition_key": {"S": "testId0"}, "should_fail": {"BOOL": False}}, 58),
    # The developer guide's example event (awsdocs/aws-lambda-developer-guide,
    # sample-apps/java-events/events/dynamodb-record.json): this insert's SizeBytes is 26.
    ({"Id": {"N": "101"}, "Message": {"S": "New item!"}}, 26),
    # DynamoDB's item size rules, which the recorded sizes above follow (DynamoDB developer guide, "DynamoDB item
    # sizes and formats"): a string counts its UTF-8 bytes, a list or map 3 bytes plus 1 byte an element.
    ({"id": {"S": "\u00e9"}, "tags": {"L": [{"S": "a"}, {"BOOL": True}]}, "m": {"M": {"k": {"S": "v"}}}}, 26),
])
def test_a_dynamodb_record_has_binaries_in_base64_and_dynamodbs_size_of_the_change(item, size):
    key, value = next(iter(item.items()))
    with moto_aws(), mock_lambda() as mock:
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        stream = table_stream(dynamodb, key, next(iter(value)))
        lam = boto3.client("lambda", region_name=REGION)
        deploy(lam)
        lam.create_event_source_mapping(FunctionName="f", EventSourceArn=stream, StartingPosition="LATEST")
        dynamodb.put_item(TableName="items", Item=item)
        mock.wait()
        [invocation] = mock.invocations
        [record] = json.loads(invocation.event)["Records"]
    shown = {name: {kind: base64.b64encode(data).decode() if isinstance(data, bytes) else data
                    for kind, data in member.items()} for name, member in item.items()}
    assert record["dynamodb"]["NewImage"] == shown and record["dynamodb"]["Keys"] == {key: value}
    assert record["dynamodb"]["SizeBytes"] == size


def test_a_dynamodb_batch_given_up_on_is_reported_with_its_arrival_to_the_second():
    # Recorded (validated against AWS): LocalStack's test_lambda_integration_dynamodbstreams.snapshot.json,
    # test_dynamodb_event_source_mapping_with_on_failure_destination_config: DDBStreamBatchInfo gives the records'
    # arrival as a timestamp to the second ("2022-07-13T13:48:01Z").
    with moto_aws(), mock_lambda() as mock:
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="failures")["QueueUrl"]
        stream = table_stream(dynamodb, "id", "S")
        lam = boto3.client("lambda", region_name=REGION)
        deploy(lam, "def handler(event, context):\n    raise ValueError('no')\n")
        lam.create_event_source_mapping(
            FunctionName="f", EventSourceArn=stream, StartingPosition="LATEST", MaximumRetryAttempts=0,
            DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failures"}})
        before = time.time()
        dynamodb.put_item(TableName="items", Item={"id": {"S": "a"}})
        mock.wait()
        message = json.loads(sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"][0]["Body"])
    info = message["DDBStreamBatchInfo"]
    assert info["approximateArrivalOfFirstRecord"] == info["approximateArrivalOfLastRecord"]
    arrived = datetime.datetime.strptime(info["approximateArrivalOfFirstRecord"], "%Y-%m-%dT%H:%M:%SZ")
    assert math.floor(before) - 1 <= arrived.replace(tzinfo=datetime.timezone.utc).timestamp() <= time.time()


def test_a_stream_that_cannot_be_read_shows_the_problem(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn,
                                                 StartingPosition="LATEST")["UUID"]
    world.kinesis.delete_stream(StreamName="s")

    def result() -> str:
        return str(world.lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"])

    eventually(lambda: result().startswith("PROBLEM: "))
    assert world.lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    # StateTransitionReason "indicates whether a user or Lambda made the last change to the event source mapping"
    # (the API reference): a stream's problem is shown in LastProcessingResult only, the reason stays the recorded
    # "User action" (LocalStack test_lambda_api.snapshot.json, test_event_source_mapping_lifecycle).
    assert world.lam.get_event_source_mapping(UUID=uuid)["StateTransitionReason"] == "User action"
