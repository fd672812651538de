"""DynamoDB Streams through boto3: shards, iterators and records, and Lambda's DynamoDB record shape."""

from __future__ import annotations

import base64
import datetime
from typing import Any, Mapping, Optional

from lambdamock.sources.readers import RemoteReader, StreamRecord

# GetRecords returns at most this many records a call.
DYNAMODB_MAX_RECORDS = 1000


def encode_value(value: Any) -> Any:
    """An AttributeValue as JSON carries it: binary members base64-encoded (boto3 hands them over as bytes)."""
    if isinstance(value, dict):
        return {key: encode_value(item) for key, item in value.items()}
    if isinstance(value, list):
        return [encode_value(item) for item in value]
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    return value


def epoch(value: Any) -> Any:
    """ApproximateCreationDateTime as Lambda sends it: whole seconds since the epoch (DynamoDB rounds down), as a
    float. Recorded (validated against AWS): test_lambda_integration_dynamodbstreams' test_dynamodb_event_filter."""
    if isinstance(value, datetime.datetime):
        return float(int(value.timestamp()))
    return value


def _value_size(value: Mapping[str, Any]) -> int:
    # DynamoDB's item size rules: strings and binaries by their bytes, a number by its significant
    # digits (two a byte, plus one), a set by its members, a list or map by its elements plus 3.
    kind, content = next(iter(value.items()))
    if kind == "S":
        return len(content.encode("utf-8"))
    if kind == "B":
        return len(content) if isinstance(content, (bytes, bytearray)) else len(base64.b64decode(content))
    if kind == "N":
        digits = len(content.lstrip("-").replace(".", "").strip("0")) or 1
        return (digits + 1) // 2 + 1
    if kind in ("SS", "NS", "BS"):
        return sum(_value_size({kind[0]: member}) for member in content)
    if kind == "L":
        return 3 + sum(1 + _value_size(member) for member in content)
    if kind == "M":
        return 3 + sum(1 + item_size({name: member}) for name, member in content.items())
    return 1  # BOOL, NULL


def item_size(image: Mapping[str, Any]) -> int:
    """An item's (or its keys') size as DynamoDB counts it: attribute names plus values, in bytes."""
    return sum(len(name.encode("utf-8")) + _value_size(value) for name, value in image.items())


def record(item: dict[str, Any], arn: str, region: str) -> dict[str, Any]:
    """Lambda's record for a GetRecords record: eventVersion 1.1, the stream ARN, images as JSON."""
    # An item always has its keys: an empty image is no image (older motos send one with INSERT).
    change = {key: epoch(value) if key == "ApproximateCreationDateTime" else encode_value(value)
              for key, value in item.get("dynamodb", {}).items() if value != {}}
    # SizeBytes is DynamoDB's size of the keys and images (recorded: test_dynamodb_event_source_mapping).
    if "SizeBytes" in change:
        change["SizeBytes"] = sum(item_size(change[part]) for part in ("Keys", "NewImage", "OldImage") if part in change)
    shaped: dict[str, Any] = {
        "eventID": item.get("eventID"),
        "eventName": item.get("eventName"),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": item.get("awsRegion", region),
        "dynamodb": change,
        "eventSourceARN": arn,
    }
    if "userIdentity" in item:
        shaped["userIdentity"] = item["userIdentity"]
    return shaped


class DynamoDBReader(RemoteReader):
    """A table's stream read through boto3 (moto's when moto is active)."""

    service = "dynamodbstreams"
    kind = "dynamodb"
    max_read = DYNAMODB_MAX_RECORDS

    def shards(self) -> list[str]:
        found: list[str] = []
        start: Optional[str] = None
        while True:
            extra = {"ExclusiveStartShardId": start} if start else {}
            description = self.client.describe_stream(StreamArn=self.arn, **extra)["StreamDescription"]
            found += [shard["ShardId"] for shard in description.get("Shards", [])]
            start = description.get("LastEvaluatedShardId")
            if not start:
                return found

    def iterator(self, shard: str, position: str, sequence: Optional[str] = None,
                 timestamp: Optional[datetime.datetime] = None) -> Optional[str]:
        extra = {"SequenceNumber": sequence} if sequence is not None else {}
        found: Optional[str] = self.client.get_shard_iterator(
            StreamArn=self.arn, ShardId=shard, ShardIteratorType=position, **extra
        ).get("ShardIterator")
        return found

    def read(self, cursor: str, limit: int) -> tuple[list[StreamRecord], Optional[str]]:
        answer = self.client.get_records(ShardIterator=cursor, Limit=max(1, min(limit, DYNAMODB_MAX_RECORDS)))
        found = []
        for item in answer.get("Records", []):
            change = item.get("dynamodb", {})
            created = change.get("ApproximateCreationDateTime")
            seconds = created.timestamp() if isinstance(created, datetime.datetime) else float(created or 0)
            found.append(StreamRecord(change.get("SequenceNumber", "0"), seconds, record(item, self.arn, self.region)))
        return found, answer.get("NextShardIterator")
