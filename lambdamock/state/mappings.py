"""Event source mappings: what each one is set to do, its lifecycle state, and the per-region table."""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Optional, Protocol

from lambdamock.state.functions import now

CREATING = "Creating"
ENABLING = "Enabling"
ENABLED = "Enabled"
DISABLING = "Disabling"
DISABLED = "Disabled"
UPDATING = "Updating"
DELETING = "Deleting"
TRANSIENT = frozenset({CREATING, ENABLING, DISABLING, UPDATING, DELETING})
NO_RECORDS = "No records processed"

SQS, KINESIS, DYNAMODB = "sqs", "kinesis", "dynamodb"
STREAMS = frozenset({KINESIS, DYNAMODB})
# Amazon MSK, self-managed Apache Kafka (a mapping named by its bootstrap servers, not an ARN), Amazon MQ, DocumentDB.
MSK, KAFKA, MQ, DOCUMENTDB = "kafka", "self-managed-kafka", "mq", "docdb"
KAFKAS = frozenset({MSK, KAFKA})
# Sources behind a cluster or broker, which a test's process does not hold: mapped as AWS maps them, and read only
# from what a test holds in process instead (Kafka topics: ``LambdaMock.kafka_topic``).
BROKERED = frozenset({MSK, KAFKA, MQ, DOCUMENTDB})


def source_kind(arn: str) -> Optional[str]:
    """The kind of source an ARN names (sqs, kinesis, dynamodb, kafka, mq or docdb); None for any other."""
    parts = arn.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    service, resource = parts[2], parts[5]
    if service == SQS and resource and "/" not in resource:
        return SQS
    if service == KINESIS and resource.startswith("stream/"):
        return KINESIS
    if service == DYNAMODB and resource.startswith("table/") and "/stream/" in resource:
        return DYNAMODB
    # A cluster, or the VPC connection to another account's cluster (the API reference's EventSourceArn).
    if service == MSK and resource.startswith(("cluster/", "vpc-connection/")):
        return MSK
    if service == MQ and resource.startswith("broker:"):
        return MQ
    if service == "rds" and resource.startswith("cluster:"):
        return DOCUMENTDB
    return None


@dataclass(frozen=True)
class MappingConfig:
    """What a mapping is set to do, in the domain's terms; replaced whole on every change."""

    source_arn: str
    kind: str  # see source_kind; KAFKA for self-managed Kafka, whose source_arn is ""
    function_name: str
    qualifier: Optional[str]
    batch_size: int
    batching_window: float = 0  # seconds
    starting_position: Optional[str] = None
    starting_position_timestamp: Optional[datetime.datetime] = None
    filters: tuple[str, ...] = ()  # filter patterns, JSON text
    report_item_failures: bool = False
    on_failure: Optional[str] = None  # destination ARN for discarded stream records
    maximum_retry_attempts: int = -1  # -1: until the record expires
    maximum_record_age: int = -1  # seconds; -1: no limit
    bisect_on_error: bool = False
    parallelization_factor: int = 1
    tumbling_window: int = 0
    maximum_concurrency: Optional[int] = None
    # Settings kept as given and only shown back (KMSKeyArn, MetricsConfig, ...).
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def servers(self) -> list[str]:
        """Self-managed Kafka's bootstrap servers, as given (none for another kind of source)."""
        endpoints = (self.options.get("SelfManagedEventSource") or {}).get("Endpoints") or {}
        return list(endpoints.get("KAFKA_BOOTSTRAP_SERVERS") or [])

    def replace(self, **changes: Any) -> MappingConfig:
        if "options" in changes:
            changes["options"] = MappingProxyType(dict(changes["options"]))
        return dataclasses.replace(self, **changes)


class EventSourceMapping:
    """One event source mapping: its configuration, lifecycle state and last result.

    Status fields change under ``changed`` (a condition), so pollers never need the service lock.
    """

    def __init__(self, uuid: str, arn: str, region: str, config: MappingConfig, function_arn: str,
                 enabled: bool, reason: str) -> None:
        self.uuid = uuid
        self.arn = arn
        self.region = region
        self.config = config
        # The function as the caller named it: qualified when a version or alias was given.
        self.function_arn = function_arn
        self.enabled = enabled
        self.state = CREATING
        self.reason = reason  # StateTransitionReason
        self.last_modified = now()
        self.last_result: Optional[str] = None  # None until a batch has been processed
        self.problem: Optional[str] = None  # why the source cannot be read, while it cannot
        self.tags: dict[str, str] = {}
        self.role: Optional[str] = None  # the invocation role AddEventSource (2014 API) was given
        self.changed = threading.Condition()

    @property
    def transient(self) -> bool:
        with self.changed:
            return self.state in TRANSIENT

    def begin(self, state: str) -> None:
        """Enter a transient state (Updating, Enabling, Disabling or Deleting)."""
        with self.changed:
            self.state = state
            self.last_modified = now()
            self.changed.notify_all()

    def settle(self) -> None:
        """The pollers have caught up: leave the transient state (Deleting stays until the mapping is gone)."""
        with self.changed:
            settled = self.state if self.state == DELETING else ENABLED if self.enabled else DISABLED
            if settled != self.state:
                # LastModified: "the date that the event source mapping was last updated or that its state
                # changed" (EventSourceMappingConfiguration, in the API reference).
                self.state, self.last_modified = settled, now()
            self.changed.notify_all()

    def wait_settled(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.state in TRANSIENT:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self.changed.wait(remaining)
            return True

    @property
    def processing_result(self) -> str:
        """LastProcessingResult: why the source cannot be read, else the last batch's result, else none yet."""
        with self.changed:
            return self.problem or self.last_result or NO_RECORDS

    def record(self, result: Optional[str] = None, problem: Optional[str] = None) -> None:
        """Note the result of the last batch, or that reading the source failed (``problem``)."""
        with self.changed:
            if result is not None:
                self.last_result = result
            self.problem = problem


class Mappings:
    """A region's mappings by UUID, in creation order; guarded by the service lock."""

    def __init__(self) -> None:
        self._by_uuid: dict[str, EventSourceMapping] = {}

    def add(self, mapping: EventSourceMapping) -> None:
        self._by_uuid[mapping.uuid] = mapping

    def get(self, uuid: str) -> Optional[EventSourceMapping]:
        return self._by_uuid.get(uuid)

    def discard(self, uuid: str) -> None:
        self._by_uuid.pop(uuid, None)

    def __iter__(self) -> Iterator[EventSourceMapping]:
        return iter(list(self._by_uuid.values()))

    def __len__(self) -> int:
        return len(self._by_uuid)


class Pollers(Protocol):
    """The running side of mappings, as the service sees it: settle for wait(), stop on close."""

    def sync(self, timeout: Optional[float]) -> Optional[EventSourceMapping]:
        """Block until every enabled mapping has delivered what its source held: None, or one that had not when
        ``timeout`` seconds passed."""

    def close(self) -> None:
        """Stop every poller at once."""
