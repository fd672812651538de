"""Queue mappings (SQS semantics): batches of messages, deleted once handled, back after the visibility timeout."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Optional, Protocol

from lambdamock.sources import filters
from lambdamock.sources.batching import Batch, event
from lambdamock.sources.outcome import FAILED, OK, failed_items
from lambdamock.sources.poller import Poller
from lambdamock.sources.readers import Received
from lambdamock.state import lineage
from lambdamock.state.concurrency import Throttled
from lambdamock.state.mappings import EventSourceMapping

if TYPE_CHECKING:
    from lambdamock.sources.supervisor import Supervisor

# How long a poller waits after giving a throttled batch back, before it reads the queue again.
_THROTTLED_PAUSE = 0.1


class QueueReader(Protocol):
    """A queue as a poller reads it: SQS through boto3, or an in-process LocalQueue."""

    max_receive: int

    @property
    def visibility_timeout(self) -> float:
        """Seconds a message received now stays hidden."""

    def open(self) -> None: ...

    def receive(self, limit: int) -> list[Received]: ...

    def delete(self, receipts: list[str]) -> None: ...

    def release(self, receipts: list[str]) -> None: ...

    def idle_delay(self, poller: Poller) -> Optional[float]: ...


class QueuePoller(Poller):
    """Reads messages into a batch, delivers it, deletes what succeeded; failures come back later."""

    def __init__(self, supervisor: Supervisor, mapping: EventSourceMapping, reader: QueueReader) -> None:
        super().__init__(supervisor, mapping)
        self.reader = reader
        self._batch: Batch[Received] = Batch(mapping.config.batch_size, mapping.config.batching_window)
        self._filter = filters.compile_all(mapping.config.filters, "sqs")
        self._filtered_for = mapping.config.filters
        self._since = 0.0  # when the read that gave the batch its first message began (time.monotonic)
        self._hidden_for = 0.0  # the visibility timeout of that read's messages
        self._held: set[str] = set()  # the ids of the messages in the batch

    def open(self) -> None:
        self.reader.open()

    def release(self) -> None:
        if self._batch:
            items, _ = self._batch.take()
            self._held.clear()
            self.reader.release([item.receipt for item in items])

    def cycle(self) -> tuple[bool, Optional[float]]:
        config = self.mapping.config
        batch = self._batch
        batch.size, batch.window = config.batch_size, config.batching_window
        if config.filters != self._filtered_for:
            self._filter, self._filtered_for = filters.compile_all(config.filters, "sqs"), config.filters
        if batch and time.monotonic() >= self._last_call():
            self._flush()
        # What the read's messages are hidden for: asked before the read, so a change made after it is not theirs.
        reading, hidden_for = time.monotonic(), self.reader.visibility_timeout
        read = self.reader.receive(min(max(batch.room, 1), self.reader.max_receive))
        dropped: list[str] = []
        for index, message in enumerate(read):
            if self._filter is not None and not self._filter(message.record):
                dropped.append(message.receipt)  # Lambda deletes messages its filters drop
                continue
            encoded = json.dumps(_as_sent(message.record, config.batching_window)).encode()
            # A message the batch holds, received again (SQS delivers at least once), starts the next batch.
            if (batch.full or not batch.fits(encoded) or message.id in self._held) and not self._flush():
                self.reader.release([later.receipt for later in read[index:]])  # read again after the change
                break
            if not batch:
                self._since, self._hidden_for = reading, hidden_for
            batch.add(message, encoded)
            self._held.add(message.id)
        if dropped:
            self.reader.delete(dropped)
        if batch.due():
            self._flush()
        if read:
            self.active()
            # Redelivered messages are not news: wait() need not look again for them.
            return not batch and not any(_fresh(message) for message in read), 0.0
        if batch:
            deadline = min(batch.deadline or 0.0, self._last_call())
            remaining = max(0.0, deadline - time.monotonic())
            idle = self.reader.idle_delay(self)
            return False, remaining if idle is None else min(idle, remaining)
        return True, self.reader.idle_delay(self)

    def _last_call(self) -> float:
        """When an open batch must go at the latest.

        A window that closes before the batch's first messages are visible again is kept whole, however long the
        function may run: AWS fills batches across reads with a 1 s window where the visibility timeout is no longer
        than the function's (LocalStack's AWS-validated test_sqs_event_source_mapping_batching_reserved_concurrency).
        A window that would outlast it is cut: held past it, the messages would be received again, into this batch
        or by another reader, and their receipts would no longer delete them. The batch then goes while its
        function's whole timeout (the longest of the versions a weighted alias may pick) still fits before it (AWS
        refuses a queue that hides messages for less than the function may run).
        """
        if self._batch.window < self._hidden_for:
            return self._since + self._hidden_for  # the window closes first
        timeout = self.supervisor.function_timeout(self.mapping.region, self.mapping.config, routed=True) or 0
        return self._since + max(0.0, self._hidden_for - timeout)

    def _flush(self) -> bool:
        """Send the batch; False, keeping it, while a change is pending (release() gives it back if the mapping
        is disabled or deleted)."""
        if self.stopping:
            return False
        items, encoded = self._batch.take()
        self._held.clear()
        known = self.supervisor.service.lineages
        chain = lineage.merged(known[item.id] for item in items if item.id in known)
        try:
            result = self.deliver(event(encoded), fresh=any(_fresh(item) for item in items), chain=chain,
                                  until=self._hidden_until())
        except Throttled:
            if self.stopping:
                # A change or a delete came while the function was throttled: the batch was never delivered, so it
                # goes back to the queue at once, as a batch still gathering does (unless the whole mock stops).
                if not self.closing:
                    self.reader.release([item.receipt for item in items])
                return False
            # "Lambda continues to retry the message until the message's timestamp exceeds your queue's visibility
            # timeout, at which point Lambda drops the message" (services-sqs-errorhandling): visible again, it is
            # received anew, and the queue's redrive policy may move it to its dead-letter queue. A pause first, as
            # Lambda's pollers back off: with a visibility timeout of 0 it would be received again at once.
            self.pause(_THROTTLED_PAUSE)
            return True
        failed = None if result is None else failed_items(
            result, {item.id for item in items}, self.mapping.config.report_item_failures
        )
        done = [item.receipt for item in items if failed is not None and item.id not in failed]
        if done:
            self.reader.delete(done)
        self.mapping.record(result=OK if failed is not None else FAILED)
        return True

    def _hidden_until(self) -> float:
        """When the batch's first messages become visible again (time.monotonic)."""
        return self._since + self._hidden_for


def _as_sent(record: dict[str, Any], window: float) -> dict[str, Any]:
    """A message's record as Lambda sends it. Recorded (LocalStack test_lambda_integration_sqs): without a
    batching window, a message with no attributes has no md5OfMessageAttributes; with one, it is null."""
    if window or record.get("md5OfMessageAttributes", "") is not None:
        return record
    return {key: value for key, value in record.items() if key != "md5OfMessageAttributes"}


def _fresh(message: Received) -> bool:
    return bool(message.record.get("attributes", {}).get("ApproximateReceiveCount", "1") == "1")
