"""SQS through boto3: receive, delete and release messages, and turn them into Lambda's SQS records."""

from __future__ import annotations

import base64
import itertools
import math
import time
from typing import TYPE_CHECKING, Any, Mapping, Optional

from lambdamock.sources.readers import Received, RemoteReader

if TYPE_CHECKING:
    from lambdamock.outbound import Outbound

# Lambda lists a message's system attributes in this order; others follow as SQS sends them.
_ATTRIBUTE_ORDER = (
    "ApproximateReceiveCount",
    "AWSTraceHeader",
    "SentTimestamp",
    "SequenceNumber",
    "MessageGroupId",
    "SenderId",
    "MessageDeduplicationId",
    "ApproximateFirstReceiveTimestamp",
)
# ReceiveMessage returns at most ten messages, and DeleteMessageBatch takes at most ten entries.
SQS_MAX_MESSAGES = 10
# How long the queue's visibility timeout is taken as read, in seconds (SQS itself may take a minute to apply a
# change of a queue's attributes).
_VISIBILITY_KEPT = 1.0
# The SequenceNumbers given to FIFO messages an endpoint gave none, in the form SQS's have (the developer guide's
# example record: "18849496460467696128").
_SEQUENCE_NUMBERS = itertools.count(18849496460467696128)


def queue_name(arn: str) -> tuple[str, str, str]:
    """Region, account and queue name of a queue ARN."""
    parts = arn.split(":", 5)
    return parts[3], parts[4], parts[5]


def message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """One message attribute as Lambda shows it: camelCase, lists present, binary as base64."""
    shown: dict[str, Any] = {}
    if "StringValue" in value:
        shown["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        shown["binaryValue"] = _b64(value["BinaryValue"])
    shown["stringListValues"] = list(value.get("StringListValues") or [])
    shown["binaryListValues"] = [_b64(item) for item in value.get("BinaryListValues") or []]
    shown["dataType"] = value["DataType"]
    return shown


def record(message: Mapping[str, Any], arn: str, region: str) -> dict[str, Any]:
    """Lambda's record for a message in ReceiveMessage's shape."""
    # No attribute of SQS's is null (moto 5.1.11 to 5.1.15 give a standard queue's message a null deduplication id).
    attributes = {name: value for name, value in (message.get("Attributes") or {}).items() if value is not None}
    ordered = {name: attributes.pop(name) for name in _ATTRIBUTE_ORDER if name in attributes}
    ordered.update(attributes)
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message.get("Body", ""),
        "attributes": ordered,
        # Each of SQS's message attributes has a DataType. moto 5.1.16 to 5.1.20 also answer the system attributes
        # asked for as empty message attributes: not the message's, so not in Lambda's record.
        "messageAttributes": {
            name: message_attribute(value) for name, value in (message.get("MessageAttributes") or {}).items()
            if "DataType" in value
        },
        "md5OfMessageAttributes": message.get("MD5OfMessageAttributes"),
        "md5OfBody": message.get("MD5OfBody"),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def _b64(value: Any) -> str:
    return base64.b64encode(value).decode("ascii") if isinstance(value, (bytes, bytearray)) else str(value)


class SqsReader(RemoteReader):
    """A queue read through boto3: moto's when moto is active, else whatever endpoint boto3 reaches."""

    service = "sqs"

    max_receive = SQS_MAX_MESSAGES

    def __init__(self, outbound: Outbound, arn: str) -> None:
        super().__init__(outbound, arn)
        _, self.account, self.name = queue_name(arn)
        self.fifo = self.name.endswith(".fifo")
        self._url: Optional[str] = None
        self._visibility = (-math.inf, 30.0)  # when the queue's visibility timeout was read, and its value
        self._numbers: dict[str, str] = {}  # the sequence numbers given to a FIFO queue's messages that had none

    def open(self) -> None:
        if self._url is None:
            self._url = self.client.get_queue_url(QueueName=self.name, QueueOwnerAWSAccountId=self.account)["QueueUrl"]

    @property
    def visibility_timeout(self) -> float:
        """The queue's, asked again once the last answer is a second old: a test may lower it with SetQueueAttributes."""
        read, seconds = self._visibility
        if time.monotonic() - read >= _VISIBILITY_KEPT:
            attributes = self.client.get_queue_attributes(QueueUrl=self.url, AttributeNames=["VisibilityTimeout"])
            seconds = float(attributes.get("Attributes", {}).get("VisibilityTimeout", 30))
            self._visibility = (time.monotonic(), seconds)
        return seconds

    @property
    def url(self) -> str:
        self.open()
        assert self._url is not None
        return self._url

    def receive(self, limit: int) -> list[Received]:
        # Messages are hidden as long as the poller was last told (it asks just before it reads): a change of the
        # queue's made in between would otherwise hide them for less than the poller counts on.
        read, seconds = self._visibility
        hidden = {"VisibilityTimeout": int(seconds)} if read > -math.inf else {}
        # Short polls: the poller backs off itself, so stopping never waits for a long poll.
        messages = self.client.receive_message(
            QueueUrl=self.url,
            MaxNumberOfMessages=max(1, min(limit, SQS_MAX_MESSAGES)),
            WaitTimeSeconds=0,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            **hidden,
        ).get("Messages", [])
        if self.fifo:
            for message in messages:
                self._number(message)
        return [Received(m["MessageId"], m["ReceiptHandle"], record(m, self.arn, self.region)) for m in messages]

    def _number(self, message: dict[str, Any]) -> None:
        """Give a FIFO queue's message the SequenceNumber SQS always gives it (in Lambda's records too: LocalStack's
        test_lambda_integration_sqs.snapshot.json), where an endpoint gave none (moto, under content-based
        deduplication): 20 digits, rising in the order read (by any reader in the process), and the same each time
        this reader reads it again."""
        attributes = message.setdefault("Attributes", {})
        if attributes.get("SequenceNumber") is None:
            if message["MessageId"] not in self._numbers:
                self._numbers[message["MessageId"]] = str(next(_SEQUENCE_NUMBERS))
            attributes["SequenceNumber"] = self._numbers[message["MessageId"]]

    def delete(self, receipts: list[str]) -> None:
        for start in range(0, len(receipts), SQS_MAX_MESSAGES):
            chunk = receipts[start : start + SQS_MAX_MESSAGES]
            self.client.delete_message_batch(
                QueueUrl=self.url, Entries=[{"Id": str(n), "ReceiptHandle": r} for n, r in enumerate(chunk)]
            )

    def release(self, receipts: list[str]) -> None:
        """Make messages read but never delivered visible again at once."""
        for start in range(0, len(receipts), SQS_MAX_MESSAGES):
            chunk = receipts[start : start + SQS_MAX_MESSAGES]
            self.client.change_message_visibility_batch(
                QueueUrl=self.url,
                Entries=[{"Id": str(n), "ReceiptHandle": r, "VisibilityTimeout": 0} for n, r in enumerate(chunk)],
            )
