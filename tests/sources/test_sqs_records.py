"""The SQS record Lambda builds from a ReceiveMessage answer."""

from __future__ import annotations

from lambdamock.sources import sqs

ARN = "arn:aws:sqs:us-east-1:123456789012:q"


def test_a_null_attribute_is_left_out() -> None:
    # moto 5.1.11 to 5.1.15 answer a standard queue's message with "MessageDeduplicationId": null; SQS never
    # sends a null attribute, and Lambda's record has only strings there.
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "b", "MD5OfBody": "x",
               "Attributes": {"SentTimestamp": "1", "MessageDeduplicationId": None, "ApproximateReceiveCount": "1"}}
    assert sqs.record(message, ARN, "us-east-1")["attributes"] == {"ApproximateReceiveCount": "1", "SentTimestamp": "1"}
