"""Stream mappings (Kinesis, DynamoDB Streams, Kafka): in order per shard, a failed batch retried, blocking its shard."""

from __future__ import annotations

import datetime
import json
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Optional, Protocol

from lambdamock import ids
from lambdamock.sources import filters, windows
from lambdamock.sources.batching import Batch
from lambdamock.sources.outcome import FAILED, OK, failed_items
from lambdamock.sources.poller import Poller
from lambdamock.sources.readers import StreamRecord
from lambdamock.sources.stream_formats import StreamFormat, iso
from lambdamock.state.concurrency import Throttled
from lambdamock.state.mappings import EventSourceMapping

if TYPE_CHECKING:
    from lambdamock.runtime import InvocationResult
    from lambdamock.sources.supervisor import Supervisor

# Retries of a failed batch back off from the first delay to the last (Lambda's own
# back-off is longer; tests should not wait it out).
RETRY_FIRST = 0.01
RETRY_LAST = 0.5


class StreamReader(Protocol):
    """A stream as a poller reads it: through boto3, or in process (LocalStream, LocalTableStream, LocalTopic)."""

    kind: str
    max_read: int
    settle: float  # seconds to wait before reading again what was being written as it read

    def shards(self) -> list[str]: ...

    def iterator(self, shard: str, position: str, sequence: Optional[str] = None,
                 timestamp: Optional[datetime.datetime] = None) -> Any: ...

    def read(self, cursor: Any, limit: int) -> tuple[list[StreamRecord], Any]: ...

    def idle_delay(self, poller: Poller) -> Optional[float]: ...


class _Shard:
    """Where the poller is in one shard, and the batches it still owes the function."""

    def __init__(self, shard_id: str, batch: Batch[StreamRecord]) -> None:
        self.id = shard_id
        self.cursor: Any = None
        self.last_read: Optional[str] = None  # last sequence number read (handled or held)
        self.resume: Optional[str] = None  # re-read from here after records were given back
        self.batch = batch
        self.failing: deque[list[StreamRecord]] = deque()  # batches to retry (and windows' final invocations)
        self.attempts = 0  # invocations of the head of ``failing``
        self.retry_at = 0.0
        self.windows = windows.Windows()
        self.dropped: set[str] = set()  # the records dropped for their size


class StreamPoller(Poller):
    """Reads each shard in order; a failed batch is retried (bisected, if asked) before anything after it."""

    def __init__(self, supervisor: Supervisor, mapping: EventSourceMapping, reader: StreamReader,
                 shape: Optional[StreamFormat] = None) -> None:
        super().__init__(supervisor, mapping)
        self.reader = reader
        self.format = shape or StreamFormat(reader.kind, mapping.config.source_arn)
        self._shards: dict[str, _Shard] = {}
        self._opened = False  # every shard has its iterator
        self._filter = filters.compile_all(mapping.config.filters, reader.kind)
        self._filtered_for = mapping.config.filters

    def open(self) -> None:
        self._opened = False
        config = self.mapping.config
        for shard_id in self.reader.shards():
            shard = self._shards.get(shard_id)
            if shard is None:
                batch: Batch[StreamRecord] = Batch(config.batch_size, config.batching_window, self.format.limit(shard_id))
                shard = self._shards[shard_id] = _Shard(shard_id, batch)
            elif shard.cursor is not None and shard.resume is None:
                continue
            if shard.resume is not None:
                shard.cursor = self.reader.iterator(shard_id, "AT_SEQUENCE_NUMBER", sequence=shard.resume)
            elif shard.last_read is not None:
                shard.cursor = self.reader.iterator(shard_id, "AFTER_SEQUENCE_NUMBER", sequence=shard.last_read)
            else:
                shard.cursor = self.reader.iterator(
                    shard_id, config.starting_position or "LATEST", timestamp=config.starting_position_timestamp
                )
            shard.resume = None
        self._opened = True

    def release(self) -> None:
        # Records read but not handled are read again when the mapping is enabled again.
        for shard in self._shards.values():
            waiting = [record for batch in shard.failing for record in batch] + shard.batch.take()[0]
            # Final invocations of windows whose records were all delivered stay queued, ahead of what is read again.
            finals: list[list[StreamRecord]] = []
            for batch in shard.failing:
                if not isinstance(batch, windows.Closing):
                    break
                finals.append(batch)
            shard.failing.clear()
            shard.failing.extend(finals)
            shard.attempts = 0
            if waiting:
                shard.resume = waiting[0].sequence
                shard.last_read = None
                if waiting[0].window is not None:
                    shard.windows.reopen(waiting[0].window)

    def cycle(self) -> tuple[bool, Optional[float]]:
        config = self.mapping.config
        if config.filters != self._filtered_for:
            self._filter, self._filtered_for = filters.compile_all(config.filters, self.reader.kind), config.filters
        if not self._opened:
            self.open()
        read_any = False
        waits: list[float] = []
        for shard in list(self._shards.values()):
            shard.batch.size, shard.batch.window = config.batch_size, config.batching_window
            if shard.failing and time.monotonic() >= shard.retry_at:
                self._attempt(shard)
            if not shard.failing and shard.batch.due():
                self._flush(shard)
            if shard.failing:  # a batch failed, now or before: retry it when due, before anything after it
                waits.append(max(0.0, shard.retry_at - time.monotonic()))
                continue
            if shard.batch.room and self._read(shard):
                read_any = True
                # A writer may be halfway through one PutRecords (a service at a named endpoint; moto's are
                # kept whole, see _moto): read on after a moment until a read brings nothing more, so that
                # the poll's timing does not cut one write in two batches — AWS's pollers, reading about
                # once a second, do not.
                while shard.batch.room and not shard.failing:
                    self.pause(self.reader.settle)
                    if not self._read(shard):
                        break
            if (shard.windows.due(time.time()) and not shard.failing and shard.batch.room
                    and shard.cursor is not None):
                # The window ended and the shard is read dry: what it gathered, then its final invocation.
                self._queue_final(shard, shard.windows.close())
                waits.append(0.0)
                continue
            if shard.batch.due():
                self._flush(shard)
                if shard.failing:
                    waits.append(max(0.0, shard.retry_at - time.monotonic()))
            elif shard.batch:
                waits.append(max(0.0, (shard.batch.deadline or 0.0) - time.monotonic()))
            if shard.windows.open is not None:
                start, length = shard.windows.open
                waits.append(max(0.0, start + length - time.time()))
        if read_any:
            self.active()
            return False, 0.0
        # A window not yet closed still owes the function its final invocation (unless the shard is blocked).
        gathering = any(shard.batch or (shard.windows.open is not None and not shard.failing)
                        for shard in self._shards.values())
        retrying = any(self._owed(shard) for shard in self._shards.values())
        idle = self.reader.idle_delay(self)
        delay = min([*waits, idle]) if idle is not None else (min(waits) if waits else None)
        return not gathering and not retrying, delay

    def _owed(self, shard: _Shard) -> bool:
        """Whether wait() waits for the head of the shard's queue: until it has been tried, and then, while its
        retries are finite (they end soon), until they end.

        A batch retried forever (as a window's final invocation is, until it succeeds) counts as settled once
        it has been tried.
        """
        if not shard.failing:
            return False
        forever = self.format.retries(self.mapping.config) == -1 or isinstance(shard.failing[0], windows.Closing)
        return not forever or not shard.attempts

    def _read(self, shard: _Shard) -> bool:
        if shard.cursor is None or self.stopping:
            return False
        try:
            records, shard.cursor = self.reader.read(shard.cursor, min(shard.batch.room, self.reader.max_read))
        except Exception as exc:
            if getattr(exc, "response", {}).get("Error", {}).get("Code") != "ExpiredIteratorException":
                raise
            # Iterators expire (five minutes after they were issued, on AWS): take a fresh one.
            shard.cursor, self._opened = None, False
            return False
        if records:
            shard.last_read = records[-1].sequence
        # Lambda names the function's execution role in each Kinesis record.
        role = self.supervisor.role(self.mapping) if records and self.reader.kind == "kinesis" else None
        for item in records:
            record = item.record if role is None else {**item.record, "invokeIdentityArn": role}
            if self._filter is not None and not self._filter(record):
                continue  # filtered out: handled, as far as the shard goes
            encoded = json.dumps(record).encode()
            if not shard.batch.takes(encoded):
                # Alone over the payload limit: "Records will also go unprocessed if they are dropped due to their
                # size" (a Kafka record: Kinesis and DynamoDB Streams keep none this large). Reported once, though
                # read again after the records before it are given back.
                if item.sequence not in shard.dropped:
                    shard.dropped.add(item.sequence)
                    self._report(shard, [StreamRecord(item.sequence, item.arrival, record, encoded)],
                                 "MaximumPayloadSizeExceeded", None)
                continue
            window = None
            if self.mapping.config.tumbling_window:
                window, closing = shard.windows.place(item.arrival, self.mapping.config.tumbling_window)
                self._queue_final(shard, closing)
            if not shard.batch.fits(encoded):
                self._flush(shard)
            shard.batch.add(StreamRecord(item.sequence, item.arrival, record, encoded, window), encoded)
            if shard.batch.full:
                self._flush(shard)
        return bool(records)

    @staticmethod
    def _queue_final(shard: _Shard, closing: Optional[windows.Closing]) -> None:
        """Queue the records of a closed window gathered so far, then its final invocation."""
        if closing is None:
            return
        items, _ = shard.batch.take()
        if items:
            shard.failing.append(items)
        shard.failing.append(closing)

    def _flush(self, shard: _Shard) -> None:
        if self.stopping or not shard.batch:
            return
        if shard.failing:
            return  # the shard is blocked: the gathered records wait behind the failed batch
        items, _ = shard.batch.take()
        shard.failing.append(items)
        shard.attempts = 0
        self._attempt(shard)

    def _attempt(self, shard: _Shard) -> None:
        """Deliver the oldest batch the shard owes; on failure, retry later, bisect, or give up."""
        config = self.mapping.config
        items = shard.failing[0]
        expired = self._expired(items)
        if expired:
            # Only the records past MaximumRecordAgeInSeconds are given up; the rest of the batch goes on.
            # Recorded: LocalStack TestKinesisSource::test_kinesis_maximum_record_age_exceeded_discard_records.
            self._report(shard, items[:expired], "RecordAgeExceeded", None)
            if expired == len(items):
                self._done(shard)
                return
            items = shard.failing[0] = items[expired:]
        shard.attempts += 1
        window = self._window(items)
        if window is None:
            payload = self.format.event([item.encoded for item in items], shard.id)
        else:
            start, length = window
            payload = windows.windowed_event([item.encoded for item in items], start, length,
                                             shard.windows.states.get(start, {}), shard.id, config.source_arn,
                                             isinstance(items, windows.Closing))
        try:
            result = self.deliver(payload, fresh=shard.attempts == 1)
        except Throttled:
            # Only while the mapping changes or goes (a stream's batch otherwise waits out a throttled function):
            # the batch was not delivered, and is tried again as it was once the change is taken on.
            shard.attempts -= 1
            return
        failed = None if result is None else failed_items(
            result, {item.sequence for item in items}, config.report_item_failures,
            lambda value: self.format.identifier(value, shard.id),
        )
        if window is not None and result is not None and failed is not None:
            state = windows.state_of(result)
            if state is None:
                failed = None  # no state in the response: the invocation failed
            elif not isinstance(items, windows.Closing):
                shard.windows.states[window[0]] = state[0]
        if failed is not None and not failed:
            self._done(shard)
            self.mapping.record(result=OK)
            return
        self.mapping.record(result=FAILED)
        if failed:
            # A partial batch response: retry from the first failed record on.
            first = min(index for index, item in enumerate(items) if item.sequence in failed)
            if first:
                # The records before it are done: the rest is a new batch, with retries of its own (recorded:
                # LocalStack test_kinesis_report_batch_item_failures and test_dynamodb_report_batch_item_failures,
                # where the failed record arrives five times with MaximumRetryAttempts 3, approximateInvokeCount 4).
                shard.attempts = 0
            items = shard.failing[0] = items[first:]
        retries = self.format.retries(config)
        if config.bisect_on_error and failed is None and len(items) > 1:
            # Splitting does not count towards the retry quota: each half starts afresh.
            half = len(items) // 2
            shard.failing.popleft()
            shard.failing.extendleft([items[half:], items[:half]])
            shard.attempts = 0
            shard.retry_at = time.monotonic()
        elif retries != -1 and shard.attempts > retries and not isinstance(items, windows.Closing):
            self._discard(shard, items, "RetryAttemptsExhausted", result)
        elif shard.attempts:
            shard.retry_at = time.monotonic() + min(RETRY_LAST, RETRY_FIRST * 2 ** (shard.attempts - 1))
        else:
            shard.retry_at = time.monotonic()

    @staticmethod
    def _window(items: list[StreamRecord]) -> Optional[tuple[float, int]]:
        """The tumbling window (start, length) a queued batch belongs to; None without windows."""
        return (items.start, items.length) if isinstance(items, windows.Closing) else items[0].window

    def _done(self, shard: _Shard) -> None:
        items = shard.failing.popleft()
        if isinstance(items, windows.Closing):
            shard.windows.states.pop(items.start, None)  # the window is done: its state goes
        shard.attempts = 0
        shard.retry_at = time.monotonic()

    def _expired(self, items: list[StreamRecord]) -> int:
        """How many of the batch's first records are older than MaximumRecordAgeInSeconds."""
        limit = self.mapping.config.maximum_record_age
        if limit == -1:
            return 0
        oldest = time.time() - limit
        return next((index for index, item in enumerate(items) if item.arrival >= oldest), len(items))

    def _discard(self, shard: _Shard, items: list[StreamRecord], condition: str,
                 result: Optional[InvocationResult]) -> None:
        """Skip a batch Lambda gave up on, telling the OnFailure destination when there is one."""
        self._report(shard, items, condition, result)
        self._done(shard)

    def _report(self, shard: _Shard, items: list[StreamRecord], condition: str,
                result: Optional[InvocationResult]) -> None:
        """Tell the OnFailure destination, if any, about records Lambda gave up on."""
        destination = self.mapping.config.on_failure
        if not destination:
            return
        now = time.time()
        payload = self.format.event([item.encoded for item in items], shard.id)
        record = self._failure_record(shard, items, condition, result, now, payload)
        if destination.startswith("arn:") and destination.split(":")[2] == "s3":
            # An object holding the record and the event, under the mapping and shard (recorded:
            # TestKinesisSource::test_kinesis_event_source_mapping_with_s3_on_failure_destination).
            record["payload"] = self.format.stored(payload)
            moment = datetime.datetime.fromtimestamp(now, datetime.timezone.utc)
            key = (f"aws/lambda/{self.mapping.uuid}/{shard.id}/{moment:%Y/%m/%d}/"
                   f"{moment:%Y-%m-%dT%H.%M.%S}-{ids.request_id()}")
            self.supervisor.store_failure(destination, self.mapping.region, key, json.dumps(record))
        else:
            self.supervisor.send_failure(destination, json.dumps(record))

    def _failure_record(self, shard: _Shard, items: list[StreamRecord], condition: str,
                        result: Optional[InvocationResult], now: float, payload: bytes) -> dict[str, Any]:
        record: dict[str, Any] = {
            "requestContext": {
                "requestId": ids.request_id(),
                "functionArn": self.mapping.function_arn,
                "condition": condition,
                # Recorded: 1 for records that were never delivered (test_kinesis_maximum_record_age_exceeded).
                "approximateInvokeCount": max(shard.attempts, 1),
            },
        }
        if result is not None:  # records given up on for their age have no response (recorded)
            record["responseContext"] = {
                "statusCode": 200,
                "executedVersion": self.last_version or "$LATEST",
                "functionError": result.function_error,
            }
        elif condition == "MaximumPayloadSizeExceeded":
            record["responseContext"] = None  # "null if record is MaximumPayloadSizeExceeded" (kafka-on-failure)
        record.update({"version": "1.0", "timestamp": iso(now)})
        record.update(self.format.batch_info(shard.id, items, payload))
        return record
