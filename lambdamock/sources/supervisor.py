"""The pollers of one mock: started, changed and stopped with their mappings; its in-process sources."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Callable, Optional, TypeVar, Union

from lambdamock import ids
from lambdamock.errors import InvalidParameterValueException, LambdaError, MockStoppedError
from lambdamock.outbound.destinations import put_object, send_message
from lambdamock.runtime import InvocationResult
from lambdamock.sources.dynamodb import DynamoDBReader
from lambdamock.sources.kafka import KafkaFormat, LocalTopic
from lambdamock.sources.kinesis import KinesisReader, stream_name
from lambdamock.sources.local import LocalQueue
from lambdamock.sources.local_streams import LocalStream, LocalTableStream
from lambdamock.sources.poller import FunctionGone, Poller
from lambdamock.sources.queues import QueuePoller
from lambdamock.sources.sqs import SqsReader
from lambdamock.sources.streams import StreamPoller
from lambdamock.state import jobs, lineage
from lambdamock.state.mappings import (
    BROKERED,
    DELETING,
    KAFKAS,
    KINESIS,
    SQS,
    EventSourceMapping,
    MappingConfig,
)
from lambdamock.state.service import Service

LocalSource = Union[LocalQueue, LocalStream, LocalTableStream, LocalTopic]
Source = TypeVar("Source", LocalQueue, LocalStream, LocalTableStream, LocalTopic)

# How long an API call waits for an idle poller to take a change on board, so that the next
# Get sees the settled state; a poller delivering a batch takes it on after the batch.
SETTLE_SECONDS = 5.0
# How long close() waits, in all, for pollers to leave.
CLOSE_SECONDS = 1.0


class Supervisor:
    """Runs a poller per mapping and keeps the in-process sources; the service's ``pollers``."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._lock = threading.Lock()
        self._pollers: dict[str, Poller] = {}
        self._closed = False

    @classmethod
    def of(cls, service: Service) -> Supervisor:
        """The service's supervisor, made on first use."""
        with service.lock:
            if service.pollers is None:
                service.pollers = cls(service)
            found = service.pollers
        assert isinstance(found, Supervisor)
        return found

    # -- in-process sources ------------------------------------------------------------

    def local(self, arn: str) -> Optional[LocalSource]:
        with self.service.lock:
            found: Optional[LocalSource] = self.service.local_sources.get(arn)
            return found

    def source_of(self, config: MappingConfig) -> Optional[LocalSource]:
        """The in-process source a mapping so configured reads; None when there is none."""
        if config.kind not in KAFKAS:
            return self.local(config.source_arn)
        with self.service.lock:
            return next((source for source in self.service.local_sources.values()
                         if isinstance(source, LocalTopic) and source.feeds(config)), None)

    def adopt(self, made: Source) -> Source:
        """The in-process source ``made`` names: the one kept already, else ``made``, kept from now on."""
        key = made.key if isinstance(made, LocalTopic) else made.arn
        with self.service.lock:
            found: Any = self.service.local_sources.get(key)
            if found is None and isinstance(made, LocalTopic):  # named by some of its servers (a mapping's rule)
                found = next((kept for kept in self.service.local_sources.values()
                              if isinstance(kept, LocalTopic) and kept.names(made)), None)
            if found is None:
                if any(_feeds(made, mapping.config) and mapping.state != DELETING
                       for region in self.service.regions() for mapping in region.mappings):
                    # Its poller reads the source it found when it was made, and would never read this one.
                    raise ValueError(f"a mapping already reads {key}: make the in-process source before the mapping")
                found = self.service.local_sources[key] = made
            return found  # of made's type: each kind checks its ARN's form, and topics' keys are their own

    def check_source(self, kind: str, arn: str) -> None:
        """Refuse a source that does not exist, with AWS's texts; a source that cannot be asked passes."""
        if kind in BROKERED or self.local(arn) is not None:
            return
        from botocore.exceptions import ClientError

        outbound = self.service.outbound
        try:
            if kind == SQS:
                SqsReader(outbound, arn).open()
            elif kind == KINESIS:
                KinesisReader(outbound, arn).client.describe_stream_summary(StreamName=stream_name(arn))
            else:
                DynamoDBReader(outbound, arn).client.describe_stream(StreamArn=arn, Limit=1)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "")
            if kind == SQS and code in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"):
                raise InvalidParameterValueException(
                    "Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. "
                    f"SQS Error Message: {error.get('Message', 'The specified queue does not exist.')}"
                ) from None
            if kind != SQS and code == "ResourceNotFoundException":
                raise InvalidParameterValueException(f"Stream not found: {arn}") from None
        except Exception:  # not mocked, no credentials, an endpoint answering nonsense: the poller reports it
            pass

    def visibility_timeout(self, arn: str) -> Optional[float]:
        """An SQS queue's visibility timeout in seconds; None when the queue cannot be asked, or is in-process
        (whose visibility timeout is a test's knob, often far below any function's timeout)."""
        if self.local(arn) is not None:
            return None
        try:
            reader = SqsReader(self.service.outbound, arn)
            attributes = reader.client.get_queue_attributes(QueueUrl=reader.url, AttributeNames=["VisibilityTimeout"])
            return float(attributes["Attributes"]["VisibilityTimeout"])
        except Exception:  # not mocked, gone, an endpoint answering nonsense: nothing to compare
            return None

    # -- mapping lifecycle -------------------------------------------------------------

    def start(self, mapping: EventSourceMapping) -> None:
        """Run a new mapping: its poller reads from where StartingPosition says, now."""
        source = self.source_of(mapping.config)
        if mapping.config.kind in BROKERED and source is None:
            mapping.settle()  # nothing in process to read: no poller, enabled (or disabled) at once
            return
        poller = self._poller(mapping, source)
        with self._lock:
            if self._closed:
                return
            self._pollers[mapping.uuid] = poller
        if source is not None:
            source.subscribe(poller.wake)
        poller.start()
        mapping.settle()

    def change(self, mapping: EventSourceMapping) -> None:
        """The mapping's settings or Enabled flag changed; idle pollers take it on before this returns."""
        poller = self._find(mapping)
        if poller is None:
            mapping.settle()
            return
        poller.request_change()
        if not poller.busy:
            poller.settled(SETTLE_SECONDS)

    def delete(self, mapping: EventSourceMapping) -> None:
        """Stop the mapping's poller; the mapping leaves its table when the poller has stopped."""
        poller = self._find(mapping)
        if poller is None:
            self._forget(mapping)
            return
        poller.stop()
        if not poller.busy:
            poller.join(SETTLE_SECONDS)

    def finished(self, poller: Poller) -> None:
        """A poller's thread ends: drop it, and the mapping too when it was being deleted."""
        mapping = poller.mapping
        with self._lock:
            if self._pollers.get(mapping.uuid) is poller:
                del self._pollers[mapping.uuid]
        source = self.source_of(mapping.config)
        if source is not None:
            source.unsubscribe(poller.wake)
        if mapping.state == DELETING:
            self._forget(mapping)

    def _forget(self, mapping: EventSourceMapping) -> None:
        with self.service.lock:
            self.service.region(mapping.region).mappings.discard(mapping.uuid)

    def _find(self, mapping: EventSourceMapping) -> Optional[Poller]:
        with self._lock:
            return self._pollers.get(mapping.uuid)

    def _poller(self, mapping: EventSourceMapping, source: Optional[LocalSource]) -> Poller:
        arn = mapping.config.source_arn
        kind = mapping.config.kind
        outbound = self.service.outbound
        if isinstance(source, LocalTopic):
            return StreamPoller(self, mapping, source, KafkaFormat(source, mapping.config))
        if kind == SQS:
            queue = source if isinstance(source, LocalQueue) else SqsReader(outbound, arn)
            return QueuePoller(self, mapping, queue)
        if kind == KINESIS:
            stream: Any = source if isinstance(source, LocalStream) else KinesisReader(outbound, arn)
        else:
            stream = source if isinstance(source, LocalTableStream) else DynamoDBReader(outbound, arn)
        return StreamPoller(self, mapping, stream)

    # -- wait() and close() --------------------------------------------------------------

    def sync(self, timeout: Optional[float]) -> Optional[EventSourceMapping]:
        """Until every poller had a cycle with nothing new to read, begun after the last delivery anywhere: None
        then, or the mapping of a poller that had not when ``timeout`` seconds passed.

        A handler may write to another mapping's source: while a poller delivered after another
        found its source quiet, every poller looks again.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                pollers = list(self._pollers.values())
            asked = [(poller, poller.ask_sync()) for poller in pollers]
            for poller, generation in asked:
                if not poller.synced(generation, deadline):
                    return poller.mapping
            running = [poller for poller in pollers if poller.polling]
            if not running or max(p.fresh_at for p in running) <= min(p.quiet_since for p in running):
                return None

    def close(self) -> None:
        with self._lock:
            self._closed = True
            pollers = list(self._pollers.values())
        for poller in pollers:
            poller.stop(closing=True)
        deadline = time.monotonic() + CLOSE_SECONDS
        for poller in pollers:
            poller.join(max(0.0, deadline - time.monotonic()))

    # -- what pollers ask for ------------------------------------------------------------

    def deliver(self, mapping: EventSourceMapping, payload: bytes, chain: lineage.Lineage,
                until: Optional[float] = None, interrupted: Callable[[], bool] = lambda: False,
                ) -> Optional[tuple[InvocationResult, str]]:
        """Invoke the mapping's function synchronously: (result, version that ran); None when the mock stopped.

        ``chain`` is the batch's lineage (what handlers that sent its messages were part of); ``until`` is when
        to stop waiting out throttling, and ``interrupted`` says to stop sooner (see Invoker.deliver).
        """
        config = mapping.config
        region = self.service.region(mapping.region)
        try:
            job = jobs.job(self.service, region, config.function_name, config.qualifier, payload, "RequestResponse",
                           ids.request_id(), chain=chain)
        except LambdaError:
            raise FunctionGone(config.function_name) from None
        try:
            result = self.service.invoker.deliver(job, until, interrupted)
        except MockStoppedError:
            return None  # the mock stopped while the job was being handed over
        return None if result is None else (result, job.spec.version)

    def function_timeout(self, region: str, config: MappingConfig, routed: bool = False) -> Optional[int]:
        """The timeout of the function version a mapping invokes (an alias's primary version; with ``routed``, the
        longest of those its weights may send an invocation to); None if it is gone."""
        with self.service.lock:
            found = self.service.region(region).functions.get(config.function_name)
            if found is None:
                return None
            alias = found.aliases.get(config.qualifier or "")
            named = [config.qualifier] if alias is None else [alias.function_version, *(alias.weights if routed else ())]
            timeouts = [version.timeout for version in map(found.get, named) if version is not None]
            return max(timeouts) if timeouts else None

    def role(self, mapping: EventSourceMapping) -> str:
        """The execution role of the mapping's function (Kinesis records carry it)."""
        with self.service.lock:
            found = self.service.region(mapping.region).functions.get(mapping.config.function_name)
            return found.latest.role if found is not None else ""

    def send_failure(self, destination: str, body: str) -> None:
        """Tell an OnFailure destination (an SQS queue or SNS topic) about records Lambda gave up on."""
        # A destination that cannot be reached loses the record, as on AWS.
        with contextlib.suppress(Exception):
            send_message(self.service, destination, body)

    def store_failure(self, destination: str, region: str, key: str, body: str) -> None:
        """Put records Lambda gave up on in an OnFailure bucket (an S3 destination), as the object ``key``."""
        with contextlib.suppress(Exception):  # lost, as above
            put_object(self.service, destination, region, key, body)


def _feeds(source: LocalSource, config: MappingConfig) -> bool:
    """Whether a mapping so configured reads ``source``."""
    return source.feeds(config) if isinstance(source, LocalTopic) else config.source_arn == source.arn
