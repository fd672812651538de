"""Shared by the event source mapping tests: sources and their fixtures, deploying a handler, waiting, record checks."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from typing import Any, Callable

import pytest

from lambdamock import package
from tests.conftest import ACCOUNT, REGION
from tests.helpers import ROLE

# Records nothing but the invocation itself.
RECORDER = "def handler(event, context):\n    return None\n"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
FIFO = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders.fifo"
STREAM = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/clicks"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/items/stream/2024-01-01T00:00:00.000"


def deploy(client: Any, source: str = RECORDER, name: str = "f", timeout: int = 3) -> None:
    """A python3.12 function whose index.py is ``source``."""
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code={"ZipFile": package({"index.py": source})}, Timeout=timeout)


def eventually(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait, with a deadline, for something a background poller will do."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def records(mock: Any) -> list[list[dict[str, Any]]]:
    """The records of each invocation's event, in order."""
    return [json.loads(invocation.event)["Records"] for invocation in mock.invocations]


def dynamodb_change(record: dict[str, Any], name: str, region: str, arn: str) -> dict[str, Any]:
    """Check a DynamoDB stream record's envelope; its ``dynamodb`` member without the varying values."""
    record = dict(record)
    change = dict(record.pop("dynamodb"))
    assert record.pop("eventID")
    assert record == {"eventName": name, "eventVersion": "1.1", "eventSource": "aws:dynamodb",
                      "awsRegion": region, "eventSourceARN": arn}
    # Recorded (validated against AWS): test_lambda_integration_dynamodbstreams asserts a float (whole seconds).
    created = change.pop("ApproximateCreationDateTime")
    assert isinstance(created, float) and created == int(created)
    assert change.pop("SequenceNumber") and change.pop("SizeBytes") > 0
    return change


def kinesis_record(data: bytes, partition_key: str, sequence: str, shard: str, arn: str, region: str,
                   role: str) -> dict[str, Any]:
    """Lambda's Kinesis record, in AWS's member order, but for ``approximateArrivalTimestamp`` (pop it first)."""
    members = ["kinesis", "eventSource", "eventVersion", "eventID", "eventName", "invokeIdentityArn", "awsRegion",
               "eventSourceARN"]
    values = [
        dict(kinesisSchemaVersion="1.0", partitionKey=partition_key, sequenceNumber=sequence,
             data=base64.b64encode(data).decode()),
        "aws:kinesis", "1.0", f"{shard}:{sequence}", "aws:kinesis:record", role, region, arn,
    ]
    return dict(zip(members, values))


class MotoWorld:
    """A test's moto and lambdamock, both active: the mock, a Lambda client, and a way to deploy."""

    def __init__(self, mock: Any, region: str) -> None:
        import boto3

        self.mock = mock
        self.lam = boto3.client("lambda", region_name=region)

    def function(self, source: str = RECORDER, name: str = "f", timeout: int = 3) -> None:
        deploy(self.lam, source, name, timeout)


@pytest.fixture
def m(lambda_mock):
    """The mock, by a short name (tests of in-process sources write to it often)."""
    return lambda_mock


@pytest.fixture
def lam(client):
    """The Lambda client, by a short name."""
    return client


@pytest.fixture
def sources(lambda_mock):
    """In-process sources for every ARN the tests map (so no call leaves the process)."""
    lambda_mock.queue(QUEUE)
    lambda_mock.queue(FIFO)
    lambda_mock.stream(STREAM)
    lambda_mock.table_stream(TABLE)
    return lambda_mock


@pytest.fixture
def f(create_function, sources):
    create_function()
    return "f"


def unsupported(member: str) -> str:
    """AWS's refusal of a setting a kind of source does not take, as its users quote it: "Unsupported
    'maximumRetryAttempts' parameter for given event source mapping type." (aws-cdk#17934), "Unsupported
    'maximumBatchingWindowInSeconds' ..." (pulumi-aws#1418). ``member`` as the request names it, or lowerCamel."""
    return f"Unsupported '{member[0].lower()}{member[1:]}' parameter for given event source mapping type."


def listing(client) -> list[dict]:
    return client.list_event_source_mappings()["EventSourceMappings"]


@pytest.fixture
def mapping_error(client, aws_error):
    """Like ``aws_error``, and the region's mappings must be as they were too."""

    @contextlib.contextmanager
    def check(code, message, via=None):
        before = listing(client)
        with aws_error(via or client, code, message) as info:
            yield info
        assert listing(client) == before, "a failed call must leave the mappings as they were"

    return check
