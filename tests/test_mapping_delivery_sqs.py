"""SQS → Lambda with moto serving SQS: batches in Lambda's event shape, deletes, retries, partial failures."""

from __future__ import annotations

import json
import threading
import time

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import moto_aws
from tests.mapping_helpers import RECORDER, deploy, eventually
from tests.sqs_helpers import World
from tests.sqs_helpers import world as world

# Fails a message whose body says so on its first receive; REPORT reports them instead of raising.
FLAKY = (
    "def handler(event, context):\n"
    "    for r in event['Records']:\n"
    "        if r['body'] == 'fail' and r['attributes']['ApproximateReceiveCount'] == '1':\n"
    "            raise ValueError('first try fails')\n"
)
REPORT = (
    "def handler(event, context):\n"
    "    bad = [r['messageId'] for r in event['Records'] if r['body'].startswith('bad')]\n"
    "    return {'batchItemFailures': [{'itemIdentifier': m} for m in bad]}\n"
)


def test_the_event_is_lambdas_sqs_event(world):
    world.function()
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)
    world.sqs.send_message(QueueUrl=world.url, MessageBody="hello", MessageAttributes={
        "Author": {"DataType": "String", "StringValue": "me"},
        "Weeks": {"DataType": "Number", "StringValue": "6"},
        "Blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
    })
    world.mock.wait()
    [invocation] = world.mock.invocations
    assert (invocation.invocation_type, invocation.function_name) == ("RequestResponse", "f")
    [record] = json.loads(invocation.event)["Records"]
    attributes = record.pop("attributes")
    assert list(attributes)[:4] == ["ApproximateReceiveCount", "SentTimestamp", "SenderId",
                                    "ApproximateFirstReceiveTimestamp"]
    assert attributes["ApproximateReceiveCount"] == "1"
    assert all(isinstance(value, str) for value in attributes.values())
    assert record.pop("messageId") and record.pop("receiptHandle") and record.pop("md5OfMessageAttributes")
    assert record == {
        "body": "hello",
        "messageAttributes": {
            "Author": {"stringValue": "me", "stringListValues": [], "binaryListValues": [], "dataType": "String"},
            "Weeks": {"stringValue": "6", "stringListValues": [], "binaryListValues": [], "dataType": "Number"},
            "Blob": {"binaryValue": "AAE=", "stringListValues": [], "binaryListValues": [], "dataType": "Binary"},
        },
        "md5OfBody": "5d41402abc4b2a76b9719d911017c592",
        "eventSource": "aws:sqs",
        "eventSourceARN": world.arn,
        "awsRegion": REGION,
    }
    assert world.remaining() == 0, "a handled message is deleted"


@pytest.mark.parametrize(("size", "sizes"), [(5, [5, 5, 2]), (10, [10, 2])])
def test_batches_hold_up_to_batch_size_messages(world, size, sizes):
    # Without a batching window, one ReceiveMessage (at most ten messages) makes a batch.
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, BatchSize=size,
                                                 Enabled=False)["UUID"]
    world.send(*(f"m{n}" for n in range(12)))
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert [len(batch) for batch in world.batches()] == sizes
    assert sorted(body for batch in world.batches() for body in batch) == sorted(f"m{n}" for n in range(12))
    assert world.remaining() == 0


def test_a_failed_batch_comes_back_after_the_visibility_timeout(world):
    world.function(FLAKY)
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)
    world.send("fail")
    world.mock.wait()
    assert [invocation.error["errorType"] for invocation in world.mock.invocations] == ["ValueError"]
    assert world.remaining() == 1, "not deleted: it is in flight until the visibility timeout"
    eventually(lambda: len(world.mock.invocations) == 2)
    world.mock.wait()
    second = json.loads(world.mock.invocations[1].event)["Records"][0]
    assert second["attributes"]["ApproximateReceiveCount"] == "2"
    assert world.mock.invocations[1].error is None
    assert world.remaining() == 0


def test_partial_batch_responses_keep_only_the_failed_messages(world):
    world.function(REPORT)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, Enabled=False,
                                                 FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    world.send("ok1", "bad1", "ok2", "bad2")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert world.batches() == [["ok1", "bad1", "ok2", "bad2"]]
    assert world.remaining() == 2
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    received = world.sqs.receive_message(QueueUrl=world.url, MaxNumberOfMessages=10, WaitTimeSeconds=2)
    assert sorted(m["Body"] for m in received["Messages"]) == ["bad1", "bad2"]


def test_without_report_batch_item_failures_the_answer_is_ignored(world):
    world.function(REPORT)
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)
    world.send("bad1")
    world.mock.wait()
    assert world.remaining() == 0


def test_a_malformed_partial_response_fails_the_whole_batch(world):
    world.function("def handler(event, context):\n    return {'batchItemFailures': [{'itemIdentifier': ''}]}\n")
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn, Enabled=False,
                                                 FunctionResponseTypes=["ReportBatchItemFailures"])["UUID"]
    world.send("a", "b")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert world.remaining() == 2


def test_disabling_stops_delivery_enabling_resumes_deleting_ends_it(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)["UUID"]
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    world.send("while disabled")
    world.mock.wait()
    assert world.mock.invocations == []
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert world.batches() == [["while disabled"]]
    world.lam.delete_event_source_mapping(UUID=uuid)
    world.send("after delete")
    world.mock.wait()
    assert world.batches() == [["while disabled"]]
    assert world.remaining() == 1


def test_filters_drop_what_does_not_match(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(
        FunctionName="f", EventSourceArn=world.arn, Enabled=False,
        FilterCriteria={"Filters": [{"Pattern": json.dumps({"body": {"kind": ["order"]}})}]},
    )["UUID"]
    world.send(json.dumps({"kind": "order", "n": 1}), json.dumps({"kind": "refund"}), "plain",
               json.dumps({"kind": "order", "n": 2}))
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert [[json.loads(body)["n"] for body in batch] for batch in world.batches()] == [[1, 2]]
    assert world.remaining() == 0, "Lambda deletes the messages its filters drop"


def test_a_json_filter_drops_plain_bodies_even_where_nothing_is_required(world):
    """ "Plain string | Valid JSON | Lambda drops the message" (invocation-eventfiltering), even for a pattern that
    a missing key satisfies; "$or" joins alternatives, as in EventBridge's syntax (recorded: complex_or)."""
    world.function()
    pattern = {"body": {"$or": [{"urgent": [{"exists": False}]}, {"tags": ["vip"]}]}}
    uuid = world.lam.create_event_source_mapping(
        FunctionName="f", EventSourceArn=world.arn, Enabled=False,
        FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]},
    )["UUID"]
    world.send(json.dumps({"n": 1}), "plain", json.dumps({"n": 2, "urgent": True}),
               json.dumps({"n": 3, "urgent": True, "tags": ["new", "vip"]}))
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert [[json.loads(body)["n"] for body in batch] for batch in world.batches()] == [[1, 3]]
    assert world.remaining() == 0


def test_a_fifo_queue_delivers_each_group_in_order(world):
    world.function()
    url, arn = world.queue("q.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, BatchSize=2,
                                                 Enabled=False)["UUID"]
    for n in range(5):
        world.sqs.send_message(QueueUrl=url, MessageBody=f"m{n}", MessageGroupId="g")
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    assert [body for batch in world.batches() for body in batch] == [f"m{n}" for n in range(5)]
    records = [record for invocation in world.mock.invocations for record in json.loads(invocation.event)["Records"]]
    assert records[0]["attributes"]["MessageGroupId"] == "g"
    # A FIFO message has a SequenceNumber (recorded: LocalStack test_lambda_integration_sqs.snapshot.json,
    # test_report_batch_item_failures), rising in a group's order; moto gives none under content-based deduplication.
    numbers = [int(record["attributes"]["SequenceNumber"]) for record in records]
    assert numbers == sorted(numbers) and len(set(numbers)) == 5
    assert all(len(record["attributes"]["SequenceNumber"]) == 20 for record in records)


def test_a_fifo_record_carries_the_sequence_number_the_queue_gave_its_message(world):
    # Recorded: LocalStack's AWS-validated test_lambda_integration_sqs.snapshot.json, test_report_batch_item_failures:
    # the records' SequenceNumbers are the ones SendMessageBatch answered for the same messages.
    world.function()
    url, arn = world.queue("numbered.fifo", FifoQueue="true")
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, Enabled=False)["UUID"]
    world.sqs.send_message_batch(QueueUrl=url, Entries=[
        {"Id": str(n), "MessageBody": f"m{n}", "MessageGroupId": "g", "MessageDeduplicationId": f"d{n}"} for n in range(3)])
    peeked = world.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                       AttributeNames=["All"])["Messages"]
    given = {message["Body"]: message["Attributes"]["SequenceNumber"] for message in peeked}
    world.lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    world.mock.wait()
    records = [record for invocation in world.mock.invocations for record in json.loads(invocation.event)["Records"]]
    assert {record["body"]: record["attributes"]["SequenceNumber"] for record in records} == given


def test_a_fifo_message_delivered_again_keeps_its_sequence_number(world):
    # Recorded: LocalStack's AWS-validated test_lambda_integration_sqs.snapshot.json, test_report_batch_item_failures:
    # a message retried is in the second invocation with the SequenceNumber it had in the first. moto gives none
    # under content-based deduplication, so this is lambdamock's own number.
    world.function(FLAKY)
    url, arn = world.queue("retried.fifo", FifoQueue="true", ContentBasedDeduplication="true")
    world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn)
    world.sqs.send_message(QueueUrl=url, MessageBody="fail", MessageGroupId="g")
    eventually(lambda: len(world.mock.invocations) == 2)
    world.mock.wait()
    first, second = (json.loads(invocation.event)["Records"][0]["attributes"] for invocation in world.mock.invocations)
    assert (first["ApproximateReceiveCount"], second["ApproximateReceiveCount"]) == ("1", "2")
    assert first["SequenceNumber"] == second["SequenceNumber"]


def test_a_chain_of_queues_and_functions_settles_in_one_wait(world):
    second_url, second_arn = world.queue("second")
    forward = (
        "import boto3\n"
        "def handler(event, context):\n"
        "    sqs = boto3.client('sqs', region_name='us-east-1')\n"
        f"    sqs.send_message(QueueUrl={second_url!r}, MessageBody='forwarded')\n"
    )
    world.function(forward, name="first")
    world.function(RECORDER, name="last")
    world.lam.create_event_source_mapping(FunctionName="first", EventSourceArn=world.arn)
    world.lam.create_event_source_mapping(FunctionName="last", EventSourceArn=second_arn)
    world.send("start")
    world.mock.wait()
    assert [i.function_name for i in world.mock.invocations] == ["first", "last"]
    assert world.remaining(second_url) == 0


def test_a_mapping_through_an_alias_runs_the_alias_version(world):
    world.function("def handler(event, context):\n    return 'v1'\n")
    world.lam.publish_version(FunctionName="f")
    world.lam.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    world.lam.update_function_code(FunctionName="f", ZipFile=package({"index.py": RECORDER}))
    world.lam.create_event_source_mapping(FunctionName=function_arn("f", "live"), EventSourceArn=world.arn)
    world.send("x")
    world.mock.wait()
    [invocation] = world.mock.invocations
    assert (invocation.qualifier, invocation.executed_version, invocation.result) == ("live", "1", "v1")


def test_throttled_deliveries_wait_and_lose_nothing(world):
    world.function()
    world.lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)["UUID"]
    world.send("patience")
    # What is still under way is named.
    with pytest.raises(TimeoutError, match=rf"^the event source mapping {uuid} of {function_arn('f')} still "
                                           rf"delivering what {world.arn} holds after 0.5 s$"):
        world.mock.wait(timeout=0.5)
    assert world.mock.invocations == []
    world.lam.delete_function_concurrency(FunctionName="f")
    world.mock.wait()
    assert world.batches() == [["patience"]]


def test_stopping_the_mock_stops_its_pollers_at_once():
    with moto_aws():
        mock = mock_lambda()
        mock.start()
        world = World(mock)
        world.function()
        world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)
        started = time.monotonic()
        mock.stop()
        assert time.monotonic() - started < 1.0
        assert not [t for t in threading.enumerate() if t.name.startswith("lambdamock-esm")]
        world.send("after stop")
        assert world.remaining() == 1


def test_a_mapping_in_another_account_region_pair_reads_its_own_queue(world):
    # Mappings are per region: the same queue name in two regions are two sources.
    west = boto3.client("sqs", region_name="us-west-2")
    url = west.create_queue(QueueName="q")["QueueUrl"]
    arn = f"arn:aws:sqs:us-west-2:{ACCOUNT}:q"
    lam = boto3.client("lambda", region_name="us-west-2")
    deploy(lam)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=arn)
    west.send_message(QueueUrl=url, MessageBody="west")
    world.mock.wait()
    assert world.batches() == [["west"]]
    assert json.loads(world.mock.invocations[0].event)["Records"][0]["awsRegion"] == "us-west-2"


def test_a_queue_that_cannot_be_read_shows_the_problem(world):
    world.function()
    uuid = world.lam.create_event_source_mapping(FunctionName="f", EventSourceArn=world.arn)["UUID"]
    world.sqs.delete_queue(QueueUrl=world.url)

    def reason() -> str:
        return str(world.lam.get_event_source_mapping(UUID=uuid)["StateTransitionReason"])

    eventually(lambda: reason().startswith("PROBLEM: "))
    assert "does not exist" in reason()
    # Once the queue is back, the problem is gone and messages flow again.
    world.queue("q")
    eventually(lambda: reason() == "USER_INITIATED")
    world.send("back")
    world.mock.wait()
    assert world.batches() == [["back"]]
