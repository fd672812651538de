"""What a stream's batches look like, per kind of stream: the function's event, and an OnFailure destination's record."""

from __future__ import annotations

import datetime
import json
from typing import Any, Optional, Sequence

from lambdamock.sources.batching import PAYLOAD_LIMIT, event
from lambdamock.sources.readers import StreamRecord
from lambdamock.state.mappings import MappingConfig

_BATCH_INFO = {"kinesis": "KinesisBatchInfo", "dynamodb": "DDBStreamBatchInfo"}


def iso(seconds: float) -> str:
    """An ISO 8601 UTC time with milliseconds, as Lambda writes them."""
    moment = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_seconds(seconds: float) -> str:
    """The same to the second, as DynamoDB Streams and tumbling windows write them."""
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class StreamFormat:
    """Kinesis's and DynamoDB Streams': a ``{"Records": [...]}`` event, records named by their sequence numbers."""

    def __init__(self, kind: str, source_arn: str) -> None:
        self.kind = kind
        self.source_arn = source_arn

    def event(self, encoded: list[bytes], shard: str) -> bytes:
        """The event of one shard's batch of already encoded records."""
        return event(encoded)

    def limit(self, shard: str) -> int:
        """How many bytes a batch's records and Batch's own wrapping may take: the event's wrapping is this kind's."""
        return PAYLOAD_LIMIT - (len(self.event([], shard)) - len(event([])))

    def retries(self, config: MappingConfig) -> int:
        """How often a failed batch is retried (-1: until its records expire)."""
        return config.maximum_retry_attempts

    def identifier(self, value: Any, shard: str) -> Optional[str]:
        """The sequence number a partial batch response's itemIdentifier names; None when it names none."""
        return value if isinstance(value, str) else None

    def stored(self, payload: bytes) -> Any:
        """The event as an S3 OnFailure destination's object holds it: as JSON (recorded)."""
        return json.loads(payload)

    def batch_info(self, shard: str, items: Sequence[StreamRecord], payload: bytes) -> dict[str, Any]:
        """The part of an OnFailure record that names the records given up on (``payload``: their event)."""
        # DynamoDB Streams' arrival times are whole seconds, Kinesis's have milliseconds (recorded).
        arrival = iso if self.kind == "kinesis" else iso_seconds
        return {_BATCH_INFO[self.kind]: {
            "shardId": shard,
            "startSequenceNumber": items[0].sequence,
            "endSequenceNumber": items[-1].sequence,
            "approximateArrivalOfFirstRecord": arrival(items[0].arrival),
            "approximateArrivalOfLastRecord": arrival(items[-1].arrival),
            "batchSize": len(items),
            "streamArn": self.source_arn,
        }}
