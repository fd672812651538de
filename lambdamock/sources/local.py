"""In-process queues for tests without moto: SQS's delivery semantics, written to from the test itself."""

from __future__ import annotations

import hashlib
import heapq
import itertools
import secrets
import struct
import threading
import time
import uuid
from collections import deque
from typing import Any, Iterable, Mapping, Optional, Union

from lambdamock.sources.readers import Received, Subscribers
from lambdamock.sources.sqs import message_attribute
from lambdamock.state import lineage

AttributeValue = Union[str, int, float, bytes, Mapping[str, Any]]


class _Message:
    __slots__ = ("attributes", "body", "dedup_id", "first_received", "group_id", "id", "md5", "md5_attributes",
                 "receipt", "received", "sent", "sequence")

    def __init__(self, body: str, attributes: dict[str, dict[str, Any]], group_id: Optional[str],
                 dedup_id: Optional[str], sequence: int) -> None:
        self.id = str(uuid.uuid4())
        self.body = body
        self.md5 = hashlib.md5(body.encode("utf-8")).hexdigest()
        self.attributes = attributes
        self.md5_attributes = _attributes_md5(attributes) if attributes else None
        self.group_id = group_id
        self.dedup_id = dedup_id
        self.sequence = sequence
        self.sent = _millis()
        self.received = 0
        self.first_received = 0
        self.receipt = ""


class LocalQueue(Subscribers):
    """An SQS queue kept in memory, made with ``LambdaMock.queue(arn)`` and read by mappings on its ARN.

    Messages a batch handled are deleted; failed ones come back after ``visibility_timeout``
    seconds, and with a ``dead_letter`` queue they move there after ``max_receive_count`` receives.
    A ``.fifo`` name makes a FIFO queue: messages of a group are delivered in order, one batch at a time.
    """

    # A poll takes as many messages as the batch has room for (SQS would hand out ten at a time).
    max_receive = 1 << 30

    def __init__(self, arn: str, *, visibility_timeout: float = 30.0, dead_letter: Optional[LocalQueue] = None,
                 max_receive_count: int = 0) -> None:
        parts = arn.split(":", 5)
        if len(parts) != 6 or parts[2] != "sqs" or not parts[5]:
            raise ValueError(f"not an SQS queue ARN: {arn!r}")
        self.arn = arn
        self.region, self.account, self.name = parts[3], parts[4], parts[5]
        self.fifo = self.name.endswith(".fifo")
        self.visibility_timeout = visibility_timeout
        self.dead_letter = dead_letter
        self.max_receive_count = max_receive_count
        super().__init__()
        self._guard = threading.Lock()
        self._visible: deque[_Message] = deque()
        self._inflight: dict[str, tuple[float, _Message]] = {}
        self._hidden: list[tuple[float, int, str]] = []  # (visible again at, tie, receipt)
        self._tie = itertools.count()
        self._sequence = itertools.count(1)
        self._deduplicated: dict[str, str] = {}  # FIFO deduplication id -> MessageId

    # -- the test's side ---------------------------------------------------------

    def send(self, body: str, *, attributes: Optional[Mapping[str, AttributeValue]] = None,
             group_id: Optional[str] = None, deduplication_id: Optional[str] = None) -> str:
        """Add a message; returns its MessageId.

        ``attributes`` are message attributes: str (String), int or float (Number), bytes (Binary),
        or a dict in SQS's ``{"DataType": ..., "StringValue": ...}`` form.
        """
        return self.send_many([body], attributes=attributes, group_id=group_id, deduplication_id=deduplication_id)[0]

    def send_many(self, bodies: Iterable[str], *, attributes: Optional[Mapping[str, AttributeValue]] = None,
                  group_id: Optional[str] = None, deduplication_id: Optional[str] = None) -> list[str]:
        """Add many messages at once (same attributes and group); returns their MessageIds."""
        if self.fifo and not group_id:
            raise ValueError("a FIFO queue needs a group_id for every message")
        if not self.fifo and deduplication_id is not None:  # SQS: MessageDeduplicationId is a FIFO queue's alone
            raise ValueError("only a FIFO queue takes a deduplication_id")
        shaped = {name: _attribute(value) for name, value in (attributes or {}).items()}
        ids = []
        with self._guard:
            for body in bodies:
                if not isinstance(body, str):
                    raise TypeError(f"a message body is a str, not {type(body).__name__}")
                dedup = deduplication_id if deduplication_id is not None else (
                    hashlib.sha256(body.encode()).hexdigest() if self.fifo else None
                )
                if dedup is not None and dedup in self._deduplicated:
                    # A duplicate is accepted and dropped, as within SQS's deduplication interval.
                    ids.append(self._deduplicated[dedup])
                    continue
                message = _Message(body, shaped, group_id, dedup, next(self._sequence))
                if dedup is not None:
                    self._deduplicated[dedup] = message.id
                self._visible.append(message)
                ids.append(message.id)
        lineage.remember(ids)  # sent by a handler: the function they reach continues its chain
        self.notify()
        return ids

    @property
    def messages(self) -> list[str]:
        """Bodies of the messages not deleted yet: waiting, or read and not yet handled."""
        with self._guard:
            waiting = [m.body for m in self._visible]
            return waiting + [m.body for _, m in self._inflight.values()]

    def __len__(self) -> int:
        with self._guard:
            return len(self._visible) + len(self._inflight)

    def __repr__(self) -> str:
        return f"LocalQueue({self.arn!r}, {len(self)} messages)"

    # -- the poller's side ---------------------------------------------------------

    def receive(self, limit: int) -> list[Received]:
        now = time.monotonic()
        taken: list[_Message] = []
        dead: list[_Message] = []
        with self._guard:
            self._unhide(now)
            busy_groups = {m.group_id for _, m in self._inflight.values()} if self.fifo else set()
            skipped: list[_Message] = []
            while self._visible and len(taken) < limit:
                message = self._visible.popleft()
                if message.group_id in busy_groups and message.group_id is not None:
                    skipped.append(message)  # a FIFO group waits while a batch of it is in flight
                    continue
                if self.max_receive_count and self.dead_letter is not None and \
                        message.received >= self.max_receive_count:
                    dead.append(message)
                    continue
                message.received += 1
                message.first_received = message.first_received or _millis()
                message.receipt = secrets.token_hex(16)
                self._inflight[message.receipt] = (now + self.visibility_timeout, message)
                heapq.heappush(self._hidden, (now + self.visibility_timeout, next(self._tie), message.receipt))
                taken.append(message)
            self._visible.extendleft(reversed(skipped))
        if dead and self.dead_letter is not None:
            self.dead_letter._adopt(dead)
        return [Received(m.id, m.receipt, self._record(m)) for m in taken]

    def delete(self, receipts: list[str]) -> None:
        with self._guard:
            for receipt in receipts:
                self._inflight.pop(receipt, None)

    def release(self, receipts: list[str]) -> None:
        with self._guard:
            back = [self._inflight.pop(r)[1] for r in receipts if r in self._inflight]
            self._visible.extendleft(reversed(back))
        self.notify()

    def idle_delay(self, poller: Any) -> Optional[float]:
        """Until the next in-flight message may be visible again; None (until written to) if none."""
        with self._guard:
            while self._hidden and self._hidden[0][2] not in self._inflight:
                heapq.heappop(self._hidden)
            return max(0.0, self._hidden[0][0] - time.monotonic()) if self._hidden else None

    def open(self) -> None:
        """Nothing to look up: the queue is here."""

    def _unhide(self, now: float) -> None:
        back = []
        while self._hidden and self._hidden[0][0] <= now:
            _, _, receipt = heapq.heappop(self._hidden)
            entry = self._inflight.get(receipt)
            if entry is not None and entry[0] <= now:
                del self._inflight[receipt]
                back.append(entry[1])
        if back:
            # Redelivered messages go first (FIFO order is by sequence within the queue).
            back.sort(key=lambda m: m.sequence)
            self._visible.extendleft(reversed(back))

    def _adopt(self, messages: list[_Message]) -> None:
        with self._guard:
            for message in messages:
                message.received = 0
                self._visible.append(message)
        self.notify()

    def _record(self, message: _Message) -> dict[str, Any]:
        attributes = {"ApproximateReceiveCount": str(message.received), "SentTimestamp": str(message.sent)}
        if self.fifo:
            attributes["SequenceNumber"] = str(18849496460467696128 + message.sequence)
            attributes["MessageGroupId"] = message.group_id or ""
        attributes["SenderId"] = self.account
        if self.fifo and message.dedup_id is not None:
            attributes["MessageDeduplicationId"] = message.dedup_id
        attributes["ApproximateFirstReceiveTimestamp"] = str(message.first_received)
        return {
            "messageId": message.id,
            "receiptHandle": message.receipt,
            "body": message.body,
            "attributes": attributes,
            "messageAttributes": {name: message_attribute(value) for name, value in message.attributes.items()},
            "md5OfMessageAttributes": message.md5_attributes,
            "md5OfBody": message.md5,
            "eventSource": "aws:sqs",
            "eventSourceARN": self.arn,
            "awsRegion": self.region,
        }


def _millis() -> int:
    return int(time.time() * 1000)


def _attribute(value: AttributeValue) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, bool):
        return {"DataType": "String", "StringValue": str(value).lower()}
    if isinstance(value, (int, float)):
        return {"DataType": "Number", "StringValue": str(value)}
    if isinstance(value, (bytes, bytearray)):
        return {"DataType": "Binary", "BinaryValue": bytes(value)}
    return {"DataType": "String", "StringValue": str(value)}


def _attributes_md5(attributes: Mapping[str, Mapping[str, Any]]) -> str:
    """MD5OfMessageAttributes as SQS computes it: name, type and value, length-prefixed, by name."""
    digest = hashlib.md5()

    def put(data: bytes) -> None:
        digest.update(struct.pack(">I", len(data)) + data)

    for name in sorted(attributes):
        value = attributes[name]
        put(name.encode("utf-8"))
        put(value["DataType"].encode("utf-8"))
        if "BinaryValue" in value:
            digest.update(b"\x02")
            put(bytes(value["BinaryValue"]))
        else:
            digest.update(b"\x01")
            put(str(value.get("StringValue", "")).encode("utf-8"))
    return digest.hexdigest()
