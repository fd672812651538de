"""Shared by the SQS mapping tests: moto's SQS and lambdamock's Lambda, one queue to start with."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda
from tests.conftest import REGION
from tests.helpers import moto_aws
from tests.mapping_helpers import RECORDER, MotoWorld


class World(MotoWorld):
    """moto's SQS and lambdamock's Lambda, with one queue (visibility timeout 1 s)."""

    def __init__(self, mock: Any) -> None:
        super().__init__(mock, REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.url, self.arn = self.queue("q")

    def queue(self, name: str, **attributes: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "1", **attributes})["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return url, arn

    def function(self, source: str = RECORDER, name: str = "f", timeout: int = 1) -> None:
        # No longer than the queues' visibility timeout, or Lambda refuses the mapping.
        super().function(source, name, timeout)

    def send(self, *bodies: str, url: str | None = None) -> None:
        for start in range(0, len(bodies), 10):
            entries = [{"Id": str(n), "MessageBody": body} for n, body in enumerate(bodies[start : start + 10])]
            self.sqs.send_message_batch(QueueUrl=url or self.url, Entries=entries)

    def batches(self) -> list[list[str]]:
        """The bodies each invocation got, in order."""
        return [[r["body"] for r in json.loads(i.event)["Records"]] for i in self.mock.invocations]

    def remaining(self, url: str | None = None) -> int:
        attributes = self.sqs.get_queue_attributes(QueueUrl=url or self.url, AttributeNames=["All"])["Attributes"]
        return int(attributes["ApproximateNumberOfMessages"]) + int(attributes["ApproximateNumberOfMessagesNotVisible"])


@pytest.fixture
def world():
    with moto_aws(), mock_lambda() as mock:
        yield World(mock)
