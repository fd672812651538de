"""Kafka topics kept in process, for mappings of Amazon MSK and self-managed Kafka, and the events Lambda makes of them."""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import time
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence, Union

from lambdamock.sources.local_streams import Stream
from lambdamock.sources.readers import StreamRecord
from lambdamock.sources.stream_formats import StreamFormat, iso
from lambdamock.state.mappings import KAFKA, MSK, MappingConfig, source_kind

Data = Union[bytes, str]
Headers = Union[Mapping[str, Data], Iterable[tuple[str, Data]]]
_MASK = 0xFFFFFFFF
_TOPIC = re.compile(r"[^.][a-zA-Z0-9\-_.]{1,248}")


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 hash of a record's key, as its Java client computes it (a signed 32-bit number)."""
    m, length = 0x5BD1E995, len(data)
    h = (0x9747B28C ^ length) & _MASK
    whole = length - length % 4
    for start in range(0, whole, 4):
        k = int.from_bytes(data[start : start + 4], "little")
        k = (k * m) & _MASK
        k ^= k >> 24
        k = (k * m) & _MASK
        h = ((h * m) & _MASK) ^ k
    if length % 4:
        h ^= int.from_bytes(data[whole:], "little")
        h = (h * m) & _MASK
    h ^= h >> 13
    h = (h * m) & _MASK
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def _bytes(data: Data) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def _signed(data: bytes) -> list[int]:
    # A header's value as Lambda sends it: Java's signed bytes (aws-lambda-go's kafka-event.json).
    return [byte - 256 if byte > 127 else byte for byte in data]


class LocalTopic(Stream):
    """A Kafka topic kept in memory, made with ``LambdaMock.kafka_topic(cluster, topic)``.

    Mappings of ``topic`` read it: on an Amazon MSK cluster when ``cluster`` is the cluster's ARN; on
    self-managed Kafka when ``cluster`` names bootstrap servers (a list, or one comma-separated string),
    whichever of them a mapping's ``KAFKA_BOOTSTRAP_SERVERS`` shares.
    """

    def __init__(self, cluster: Union[str, Sequence[str]], topic: str, *, partitions: int = 1) -> None:
        if isinstance(cluster, str) and cluster.startswith("arn:"):
            if source_kind(cluster) != MSK:
                raise ValueError(f"not an Amazon MSK cluster ARN: {cluster!r}")
            self.kind, self.cluster_arn, self.servers = MSK, cluster, _msk_servers(cluster)
        else:
            servers = [server.strip() for server in (cluster.split(",") if isinstance(cluster, str) else cluster)]
            if not servers or not all(servers):
                raise ValueError("name an MSK cluster's ARN, or the bootstrap servers of a self-managed cluster")
            self.kind, self.cluster_arn, self.servers = KAFKA, "", servers
        if not _TOPIC.fullmatch(topic):
            # As a mapping's Topics take them (the API model's pattern and lengths), and Kafka's own names.
            raise ValueError(f"not a Kafka topic name: {topic!r}")
        if partitions < 1:
            raise ValueError("a topic has at least one partition")
        self.topic = topic
        super().__init__(self.cluster_arn, partitions)
        self._turn = itertools.count()

    @property
    def key(self) -> str:
        """What names the topic among a mock's in-process sources."""
        return f"Kafka topic {self.topic} on {self.cluster_arn or ','.join(sorted(self.servers))}"

    def _shard_id(self, n: int) -> str:  # type: ignore[override]  # named by its topic
        return f"{self.topic}-{n}"  # as the event's records are keyed: "mytopic-0" (with-msk)

    def _number(self, shard: int) -> str:
        return str(len(self._shards[shard]))  # a partition's offsets count from 0

    def names(self, other: LocalTopic) -> bool:
        """Whether ``other`` names this topic: of its name on its cluster, or on some of its servers (every mapping
        of those then reads this topic); raises ValueError for servers only some of which are this topic's."""
        if (other.kind, other.topic, other.cluster_arn) != (self.kind, self.topic, self.cluster_arn):
            return False
        shared = set(other.servers) & set(self.servers)
        if shared and shared != set(other.servers):
            raise ValueError(f"{self.key} has some of these servers, not all: name its servers, or some of them")
        return bool(shared)

    def feeds(self, config: MappingConfig) -> bool:
        """Whether a mapping so configured reads this topic."""
        topics = config.options.get("Topics") or ()
        if config.kind != self.kind or self.topic not in topics:
            return False
        return config.source_arn == self.cluster_arn if self.kind == MSK else bool(set(config.servers) & set(self.servers))

    def send(self, value: Optional[Data], *, key: Optional[Data] = None, headers: Optional[Headers] = None,
             partition: Optional[int] = None, timestamp: Optional[float] = None) -> tuple[int, int]:
        """Produce a record (str is sent as UTF-8); returns its (partition, offset).

        Without ``partition``, a keyed record goes where Kafka's default partitioner puts it (the murmur2 hash of
        its key), one without a key to each partition in turn. ``timestamp`` is its CreateTime, in epoch seconds.
        """
        count = len(self._ids)
        raw_key = None if key is None else _bytes(key)
        if partition is None:
            partition = next(self._turn) % count if raw_key is None else (murmur2(raw_key) & 0x7FFFFFFF) % count
        elif not 0 <= partition < count:
            raise ValueError(f"{self.topic} has partitions 0 to {count - 1}")
        pairs = headers.items() if isinstance(headers, Mapping) else headers or ()
        made = _maker(self.topic, partition, raw_key, None if value is None else _bytes(value),
                      [{name: _signed(_bytes(data))} for name, data in pairs],
                      time.time() if timestamp is None else timestamp)
        return partition, int(self._append([(partition, made)])[0])

    def __repr__(self) -> str:
        return f"LocalTopic({self.topic!r}, {len(self)} records)"


def _maker(topic: str, partition: int, key: Optional[bytes], value: Optional[bytes], headers: list[dict[str, Any]],
           timestamp: float) -> Callable[[str, str, float], StreamRecord]:
    def make(shard: str, offset: str, arrival: float) -> StreamRecord:
        # A record as the developer guide's example event shows it (with-msk, with-kafka); a record without a key
        # has none (its examples of records without one), nor one without a value. Its time is its CreateTime, not
        # when it was appended: AT_TIMESTAMP, MaximumRecordAgeInSeconds and KafkaBatchInfo go by it, as Kafka's do.
        record: dict[str, Any] = {"topic": topic, "partition": partition, "offset": int(offset),
                                  "timestamp": int(timestamp * 1000), "timestampType": "CREATE_TIME"}
        if key is not None:
            record["key"] = base64.b64encode(key).decode("ascii")
        if value is not None:
            record["value"] = base64.b64encode(value).decode("ascii")
        record["headers"] = headers
        return StreamRecord(offset, timestamp, record)

    return make


def _msk_servers(arn: str) -> list[str]:
    """Two brokers' names in the form MSK gives them (b-1.NAME.ID.c1.kafka.REGION.amazonaws.com:9092)."""
    parts = arn.split(":", 5)
    name = parts[5].split("/")[1] if parts[5].count("/") else "cluster"
    tag = hashlib.sha256(arn.encode("utf-8")).hexdigest()[:6]
    return [f"b-{n}.{name}.{tag}.c1.kafka.{parts[3]}.amazonaws.com:9092" for n in (1, 2)]


class KafkaFormat(StreamFormat):
    """Kafka's: one event keyed by topic and partition, offsets as item identifiers, a KafkaBatchInfo on failure."""

    def __init__(self, topic: LocalTopic, config: MappingConfig) -> None:
        super().__init__(topic.kind, config.source_arn)
        # Self-managed Kafka's events name the servers the mapping was given (there is no ARN).
        self.servers = ",".join(config.servers or topic.servers)
        head: dict[str, Any] = {"eventSource": "aws:kafka", "eventSourceArn": config.source_arn}
        if topic.kind == KAFKA:
            head = {"eventSource": "SelfManagedKafka"}  # with-kafka's example event: no eventSourceArn
        head["bootstrapServers"] = self.servers
        self._head = json.dumps(head)[:-1].encode() + b', "records": {'

    def event(self, encoded: list[bytes], shard: str) -> bytes:
        return self._head + json.dumps(shard).encode() + b": [" + b", ".join(encoded) + b"]}}"

    def identifier(self, value: Any, shard: str) -> Optional[str]:
        # {"partition": "topic-0", "offset": 100} (kafka-retry-configurations, PartialBatchResponse).
        if not isinstance(value, dict) or value.get("partition") != shard:
            return None
        offset = value.get("offset")
        return str(offset) if isinstance(offset, int) and not isinstance(offset, bool) else None

    def retries(self, config: MappingConfig) -> int:
        # "When you configure both infinite retries and an on-failure destination, Lambda automatically applies a
        # maximum of 10 retry attempts" (kafka-retry-configurations).
        configured = config.maximum_retry_attempts
        return 10 if configured == -1 and config.on_failure else configured

    def stored(self, payload: bytes) -> Any:
        return payload.decode("utf-8")  # "the original invocation record as an escaped JSON string" (kafka-on-failure)

    def batch_info(self, shard: str, items: Sequence[StreamRecord], payload: bytes) -> dict[str, Any]:
        # As kafka-on-failure's example shows it, offsets and times as strings.
        info: dict[str, Any] = {"batchSize": len(items)}
        if self.source_arn:
            info["eventSourceArn"] = self.source_arn
        info.update({
            "bootstrapServers": self.servers,
            "payloadSize": len(payload),
            "recordsInfo": {shard: {
                "firstRecordOffset": items[0].sequence,
                "lastRecordOffset": items[-1].sequence,
                "firstRecordTimestamp": iso(items[0].arrival),
                "lastRecordTimestamp": iso(items[-1].arrival),
            }},
        })
        return {"KafkaBatchInfo": info}
