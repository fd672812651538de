"""Kinesis through boto3: shards, iterators and records, and Lambda's Kinesis record shape."""

from __future__ import annotations

import base64
import datetime
from typing import TYPE_CHECKING, Any, Optional

from lambdamock.sources.readers import RemoteReader, StreamRecord

if TYPE_CHECKING:
    from lambdamock.outbound import Outbound

# GetRecords returns at most this many records a call.
KINESIS_MAX_RECORDS = 10000


def stream_name(arn: str) -> str:
    """The stream's name, also from a consumer ARN (``stream/name/consumer/...``)."""
    return arn.split(":", 5)[5].split("/")[1]


def record(shard: str, sequence: str, partition_key: str, data: bytes, arrival: float, arn: str, region: str,
           role: str) -> dict[str, Any]:
    """Lambda's record for one Kinesis record; the poller fills in ``invokeIdentityArn`` (the function's role)."""
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": partition_key,
            "sequenceNumber": sequence,
            "data": base64.b64encode(data).decode("ascii"),
            "approximateArrivalTimestamp": arrival,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard}:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role,
        "awsRegion": region,
        "eventSourceARN": arn,
    }


class KinesisReader(RemoteReader):
    """A Kinesis stream read through boto3 (moto's when moto is active)."""

    service = "kinesis"
    kind = "kinesis"
    max_read = KINESIS_MAX_RECORDS

    def __init__(self, outbound: Outbound, arn: str) -> None:
        super().__init__(outbound, arn)
        self.name = stream_name(arn)

    def shards(self) -> list[str]:
        pages = self.client.get_paginator("list_shards").paginate(StreamName=self.name)
        return [shard["ShardId"] for page in pages for shard in page.get("Shards", [])]

    def iterator(self, shard: str, position: str, sequence: Optional[str] = None,
                 timestamp: Optional[datetime.datetime] = None) -> Optional[tuple[str, str]]:
        extra: dict[str, Any] = {}
        if sequence is not None:
            extra["StartingSequenceNumber"] = sequence
        if timestamp is not None:
            extra["Timestamp"] = timestamp
        found = self.client.get_shard_iterator(
            StreamName=self.name, ShardId=shard, ShardIteratorType=position, **extra
        ).get("ShardIterator")
        return None if found is None else (shard, found)

    def read(self, cursor: tuple[str, str], limit: int) -> tuple[list[StreamRecord], Optional[tuple[str, str]]]:
        shard, iterator = cursor
        answer = self.client.get_records(ShardIterator=iterator, Limit=max(1, min(limit, KINESIS_MAX_RECORDS)))
        found = []
        for item in answer.get("Records", []):
            arrival = item["ApproximateArrivalTimestamp"]
            seconds = arrival.timestamp() if isinstance(arrival, datetime.datetime) else float(arrival)
            found.append(StreamRecord(
                item["SequenceNumber"],
                seconds,
                record(shard, item["SequenceNumber"], item["PartitionKey"], item["Data"], seconds, self.arn,
                       self.region, ""),
            ))
        following = answer.get("NextShardIterator")
        return found, None if following is None else (shard, following)
