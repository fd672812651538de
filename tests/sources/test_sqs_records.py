"""The SQS record Lambda builds from a ReceiveMessage answer."""

from __future__ import annotations

import boto3

from lambdamock import mock_lambda
from lambdamock.sources import sqs
from tests.helpers import moto_aws

ARN = "arn:aws:sqs:us-east-1:123456789012:q"


def test_a_null_attribute_is_left_out() -> None:
    # moto 5.1.11 to 5.1.15 answer a standard queue's message with "MessageDeduplicationId": null; SQS never
    # sends a null attribute, and Lambda's record has only strings there.
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "b", "MD5OfBody": "x",
               "Attributes": {"SentTimestamp": "1", "MessageDeduplicationId": None, "ApproximateReceiveCount": "1"}}
    assert sqs.record(message, ARN, "us-east-1")["attributes"] == {"ApproximateReceiveCount": "1", "SentTimestamp": "1"}


def test_a_message_attribute_without_a_data_type_is_left_out() -> None:
    # moto 5.1.16 to 5.1.20 answer MessageAttributeNames=["All"] with the system attributes as empty message
    # attributes ({"SenderId": {}, ...}). SQS's own always have a DataType (a required member of botocore's
    # MessageAttributeValue), and a message sent without attributes reaches Lambda with "messageAttributes": {}
    # (LocalStack's AWS-validated event_source_mapping/test_lambda_integration_sqs.snapshot.json,
    # test_failing_lambda_retries_after_visibility_timeout).
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "b", "MD5OfBody": "x",
               "MessageAttributes": {"SenderId": {}, "SentTimestamp": {},
                                     "kind": {"DataType": "String", "StringValue": "order"}}}
    assert sqs.record(message, ARN, "us-east-1")["messageAttributes"] == {
        "kind": {"stringValue": "order", "stringListValues": [], "binaryListValues": [], "dataType": "String"}}


def test_a_read_hides_its_messages_as_long_as_the_reader_was_told() -> None:
    # The poller asks the queue's visibility timeout, then reads: a change made in between (a test's
    # SetQueueAttributes) must not hide the messages for less than the poller counts on.
    with moto_aws(), mock_lambda() as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "30"})["QueueUrl"]
        client.send_message(QueueUrl=url, MessageBody="m")
        reader = sqs.SqsReader(mock.state.outbound, ARN)
        assert reader.visibility_timeout == 30
        client.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
        assert [message.record["body"] for message in reader.receive(10)] == ["m"]
        assert "Messages" not in client.receive_message(QueueUrl=url)  # still hidden, as the reader was told


def test_the_queue_s_arn_keeps_its_case_and_attributes_lambda_does_not_order_are_kept() -> None:
    # SQS names are case-sensitive, and the record names the queue as its ARN does; a system attribute outside the
    # order Lambda gives the usual ones (a redriven message's DeadLetterQueueSourceArn) follows them.
    arn = "arn:aws:sqs:us-east-1:123456789012:My-Queue"
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "b", "MD5OfBody": "x",
               "Attributes": {"DeadLetterQueueSourceArn": "arn:aws:sqs:us-east-1:123456789012:Source",
                              "SentTimestamp": "1"}}
    record = sqs.record(message, arn, "us-east-1")
    assert record["eventSourceARN"] == arn
    assert list(record["attributes"]) == ["SentTimestamp", "DeadLetterQueueSourceArn"]


def test_only_a_queue_named_fifo_after_a_dot_is_fifo() -> None:
    with mock_lambda() as mock:
        assert sqs.SqsReader(mock.state.outbound, ARN + ".fifo").fifo
        assert not sqs.SqsReader(mock.state.outbound, ARN + "-notfifo").fifo


def test_messages_read_but_not_delivered_are_released_at_once() -> None:
    with moto_aws(), mock_lambda() as mock:
        client = boto3.client("sqs", region_name="us-east-1")
        url = client.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "300"})["QueueUrl"]
        for body in ("a", "b"):
            client.send_message(QueueUrl=url, MessageBody=body)
        reader = sqs.SqsReader(mock.state.outbound, ARN)
        read = reader.receive(10)
        assert sorted(message.record["body"] for message in read) == ["a", "b"]
        reader.release([message.record["receiptHandle"] for message in read])
        again = client.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
        assert sorted(message["Body"] for message in again) == ["a", "b"]
