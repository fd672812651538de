"""In-process streams for tests without moto: a Kinesis-like stream and a DynamoDB table's change stream."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import itertools
import json
import math
import threading
import time
import uuid
from typing import Any, Callable, Iterable, Mapping, Optional, Union

from lambdamock.sources import dynamodb, kinesis
from lambdamock.sources.readers import StreamRecord, Subscribers

_VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
# "The maximum size of the data payload of a record before base64-encoding is up to 1 MiB", partition key included
# (Kinesis's PutRecord).
_RECORD_LIMIT = 1024 * 1024


class Stream(Subscribers):
    """Shards of records kept in memory, and the pollers to wake when one is added."""

    kind = ""
    settle = 0.0  # writes are whole here: a poller never sees one half done
    max_read = 1 << 30
    first_sequence = 0  # the sequence number before the first record's: each kind's numbers have its own form

    @staticmethod
    def _shard_id(n: int) -> str:
        return f"shardId-{n:012d}"  # Kinesis's form

    def __init__(self, arn: str, shards: int) -> None:
        if shards < 1:
            raise ValueError("a stream has at least one shard")
        super().__init__()
        self.arn = arn
        self._guard = threading.Lock()
        self._shards: list[list[StreamRecord]] = [[] for _ in range(shards)]
        self._ids = [self._shard_id(n) for n in range(shards)]
        self._sequence = itertools.count(1)

    def __len__(self) -> int:
        with self._guard:
            return sum(len(shard) for shard in self._shards)

    def _number(self, shard: int) -> str:
        """The next record's sequence number (called holding the guard): each kind's numbers have their own form."""
        return str(self.first_sequence + next(self._sequence))

    def _shard_for(self, key: str) -> int:
        # Kinesis maps the MD5 of the partition key onto the shards' hash key ranges.
        return int(hashlib.md5(key.encode("utf-8")).hexdigest(), 16) * len(self._shards) >> 128

    def _append(self, entries: list[tuple[int, Callable[[str, str, float], StreamRecord]]]) -> list[str]:
        numbers = []
        with self._guard:
            for shard, make in entries:
                number = self._number(shard)
                # Arrival times have milliseconds, as Kinesis gives them ("approximateArrivalTimestamp": 1545084650.987),
                # cut, not rounded: a record never arrives after the moment it was put.
                self._shards[shard].append(make(self._ids[shard], number, math.floor(time.time() * 1000) / 1000))
                numbers.append(number)
        self.notify()
        return numbers

    # -- the poller's side ---------------------------------------------------------

    def shards(self) -> list[str]:
        return list(self._ids)

    def iterator(self, shard: str, position: str, sequence: Optional[str] = None,
                 timestamp: Optional[datetime.datetime] = None) -> tuple[int, int]:
        index = self._ids.index(shard)
        with self._guard:
            records = self._shards[index]
            if position == "TRIM_HORIZON":
                return index, 0
            if position == "LATEST":
                return index, len(records)
            if position == "AT_TIMESTAMP":
                moment = timestamp.timestamp() if timestamp is not None else 0.0
                return index, next((n for n, r in enumerate(records) if r.arrival >= moment), len(records))
            wanted = int(sequence or 0)
            after = position == "AFTER_SEQUENCE_NUMBER"
            at = next((n for n, r in enumerate(records) if int(r.sequence) > wanted or
                       (not after and int(r.sequence) == wanted)), len(records))
            return index, at

    def read(self, cursor: tuple[int, int], limit: int) -> tuple[list[StreamRecord], tuple[int, int]]:
        shard, offset = cursor
        with self._guard:
            found = self._shards[shard][offset : offset + limit]
        return found, (shard, offset + len(found))

    def idle_delay(self, poller: Any) -> Optional[float]:
        return None  # writing to the stream wakes its pollers


class LocalStream(Stream):
    """A Kinesis stream kept in memory, made with ``LambdaMock.stream(arn)`` and read by mappings on its ARN."""

    kind = "kinesis"
    first_sequence = 49590338271490256608559692538361571095921575989136588898  # 56 digits, as Kinesis's are

    def __init__(self, arn: str, *, shards: int = 1) -> None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "kinesis" or not parts[5].startswith("stream/"):
            raise ValueError(f"not a Kinesis stream ARN: {arn!r}")
        super().__init__(arn, shards)
        self.region = parts[3]
        self.name = kinesis.stream_name(arn)

    def put(self, data: Union[bytes, str], partition_key: str = "0") -> str:
        """Add a record (str is sent as UTF-8); returns its sequence number."""
        return self.put_many([data], partition_key)[0]

    def put_many(self, records: Iterable[Union[bytes, str]], partition_key: Optional[str] = None) -> list[str]:
        """Add many records; without a ``partition_key`` each gets its own, spreading them over the shards."""
        entries = []
        for n, data in enumerate(records):
            raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
            key = partition_key if partition_key is not None else str(n)
            if len(raw) + len(key.encode("utf-8")) > _RECORD_LIMIT:
                raise ValueError("a Kinesis record's data and partition key hold at most 1 MiB")
            entries.append((self._shard_for(key), self._maker(raw, key)))
        return self._append(entries)

    def _maker(self, data: bytes, key: str) -> Callable[[str, str, float], StreamRecord]:
        def make(shard: str, sequence: str, arrival: float) -> StreamRecord:
            shaped = kinesis.record(shard, sequence, key, data, arrival, self.arn, self.region, "")
            return StreamRecord(sequence, arrival, shaped)

        return make

    def __repr__(self) -> str:
        return f"LocalStream({self.arn!r}, {len(self)} records)"


class LocalTableStream(Stream):
    """A DynamoDB table's stream kept in memory, made with ``LambdaMock.table_stream(arn)``.

    Keys and images are plain Python values (str, int, Decimal, bytes, list, dict, set ...),
    turned into DynamoDB's AttributeValue form as boto3's TypeSerializer does.
    """

    kind = "dynamodb"
    # DynamoDB Streams' numbers have 21 to 40 digits (its API model), e.g. "800000000003126276362" (with-ddb).
    first_sequence = 800000000000000000000

    @staticmethod
    def _shard_id(n: int) -> str:
        # As DynamoDB Streams names them, e.g. "shardId-00000001573689847184-864758bb" (with-ddb): a creation time
        # in milliseconds, then 8 hex digits.
        return f"shardId-{int(time.time() * 1000):020d}-{uuid.uuid4().hex[:8]}"

    def __init__(self, arn: str, *, view_type: str = "NEW_AND_OLD_IMAGES", shards: int = 1) -> None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "dynamodb" or "/stream/" not in parts[5]:
            raise ValueError(f"not a DynamoDB stream ARN: {arn!r}")
        if view_type not in _VIEW_TYPES:
            raise ValueError(f"view_type must be one of {', '.join(_VIEW_TYPES)}")
        super().__init__(arn, shards)
        self.region = parts[3]
        self.view_type = view_type

    def insert(self, keys: Mapping[str, Any], new_image: Mapping[str, Any]) -> str:
        """An item was created; returns the record's sequence number."""
        return self._change("INSERT", keys, None, new_image)

    def modify(self, keys: Mapping[str, Any], old_image: Mapping[str, Any], new_image: Mapping[str, Any]) -> str:
        """An item was changed."""
        return self._change("MODIFY", keys, old_image, new_image)

    def remove(self, keys: Mapping[str, Any], old_image: Optional[Mapping[str, Any]] = None) -> str:
        """An item was deleted."""
        return self._change("REMOVE", keys, old_image or keys, None)

    def _change(self, name: str, keys: Mapping[str, Any], old: Optional[Mapping[str, Any]],
                new: Optional[Mapping[str, Any]]) -> str:
        serialized = {"Keys": _serialize(keys)}
        if new is not None and self.view_type in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES"):
            serialized["NewImage"] = _serialize(new)
        if old is not None and self.view_type in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES"):
            serialized["OldImage"] = _serialize(old)
        key_text = json.dumps(serialized["Keys"], sort_keys=True, default=str)

        def make(shard: str, sequence: str, arrival: float) -> StreamRecord:
            change = {"ApproximateCreationDateTime": float(int(arrival)), **serialized, "SequenceNumber": sequence,
                      "SizeBytes": 0, "StreamViewType": self.view_type}  # dynamodb.record() sizes it
            item = {"eventID": uuid.uuid4().hex, "eventName": name, "awsRegion": self.region, "dynamodb": change}
            return StreamRecord(sequence, arrival, dynamodb.record(item, self.arn, self.region))

        return self._append([(self._shard_for(key_text), make)])[0]

    def __repr__(self) -> str:
        return f"LocalTableStream({self.arn!r}, {len(self)} records)"


def _serialize(values: Mapping[str, Any]) -> dict[str, Any]:
    # Imported on first use: boto3's DynamoDB types are only needed by tests that write items.
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    return {name: dynamodb.encode_value(serializer.serialize(_decimals(value))) for name, value in values.items()}


def _decimals(value: Any) -> Any:
    # DynamoDB numbers are Decimals; a float is taken at its shortest repr, not its binary value.
    if isinstance(value, float):
        return decimal.Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _decimals(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decimals(item) for item in value]
    return value
