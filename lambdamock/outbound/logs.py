"""Invocation logs shipped to CloudWatch Logs where that service is mocked: the function's group, one stream per environment."""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Optional, Sequence

from lambdamock import _moto
from lambdamock.runtime import InvocationResult

if TYPE_CHECKING:
    from lambdamock.state.invocations import Job
    from lambdamock.state.service import Service

# PutLogEvents' limits: 10,000 events and 1,048,576 bytes a call, counting 26 bytes per event.
_BATCH_EVENTS = 10_000
_BATCH_BYTES = 1_048_576
_EVENT_OVERHEAD = 26
# Queued events beyond which they are shipped in the background, not only when asked for.
_BACKGROUND_EVENTS = 10_000
_log = logging.getLogger("lambdamock")


class _Shipment:
    """Events for one stream of a log group (both made when missing: Lambda makes a function's group when it
    first writes to it, "the log group isn't created until the function is invoked for the first time", as
    the developer guide's error processor sample puts it)."""

    __slots__ = ("events", "group", "region", "stream")

    def __init__(self, region: str, group: str, stream: str, events: Sequence[tuple[int, str]]) -> None:
        self.region, self.group, self.stream = region, group, stream
        self.events = list(events)


def _batches(events: Sequence[tuple[int, str]]) -> list[list[dict[str, Any]]]:
    """The events as PutLogEvents calls take them: in time order, within its count and size limits."""
    out: list[list[dict[str, Any]]] = [[]]
    size = 0
    for stamp, message in sorted(events, key=lambda event: event[0]):
        cost = len(message.encode("utf-8")) + _EVENT_OVERHEAD
        if len(out[-1]) == _BATCH_EVENTS or (out[-1] and size + cost > _BATCH_BYTES):
            out.append([])
            size = 0
        out[-1].append({"timestamp": stamp, "message": message})
        size += cost
    return out


def _merged(shipments: list[_Shipment]) -> list[_Shipment]:
    """One shipment per group and stream, events in the order they were queued: fewer, fuller calls."""
    out: dict[tuple[str, str, str], _Shipment] = {}
    for shipment in shipments:
        key = (shipment.region, shipment.group, shipment.stream)
        found = out.get(key)
        if found is None:
            out[key] = shipment
        else:
            found.events.extend(shipment.events)
    return list(out.values())


class Logs:
    """Sends each invocation's log events to CloudWatch Logs, through the gate, as Lambda does.

    An invocation only queues its events. They are shipped before any CloudWatch Logs request
    from the test (what already ran is there to read), by ``mock.wait()``, when the mock stops,
    and in the background once many are queued. Nothing is queued while CloudWatch Logs is not
    mocked.
    """

    def __init__(self, service: Service) -> None:
        self._service = service
        self._lock = threading.Lock()  # guards the queue and the worker flag
        self._queue: list[_Shipment] = []
        self._queued_events = 0
        self._working = False
        self._shipping = threading.Lock()  # one shipment at a time, in order
        self._made: set[tuple[str, str, Optional[str]]] = set()  # groups and streams known to exist
        self._own = threading.local()  # set while this thread ships: its own requests do not flush
        # An endpoint named for CloudWatch Logs (option or environment) is read once, at start: the
        # check runs after every invocation. moto's mock is looked for each time.
        self._endpoint = service.outbound.endpoint("logs") is not None

    def ran(self, job: Job, result: InvocationResult) -> None:
        """An invocation ended: its events go to its environment's stream."""
        if result.log_events and result.log_stream and (self._endpoint or _moto.active()):
            self._put(_Shipment(job.region.name, job.spec.logging.group or f"/aws/lambda/{job.spec.function_name}",
                                result.log_stream, result.log_events))

    def _put(self, shipment: _Shipment) -> None:
        # Lambda cannot create groups under "aws/" (AWS's "Configuring CloudWatch log groups").
        if shipment.group.startswith("aws/") or not (self._endpoint or _moto.active()):
            return
        with self._lock:
            self._queue.append(shipment)
            self._queued_events += len(shipment.events)
            if self._working or self._queued_events < _BACKGROUND_EVENTS:
                return
            self._working = True
        self._service.invoker.background(self._drain, "lambdamock-logs")

    def _drain(self) -> None:
        try:
            self.flush()
        finally:
            with self._lock:
                self._working = False

    def flush(self) -> None:
        """Ship everything queued, now, on the calling thread; returns once what was queued is shipped.

        A no-op for the shipper's own requests.
        """
        if getattr(self._own, "busy", False):
            return
        with self._shipping:  # also waits for a shipment in flight on the worker
            with self._lock:
                shipments, self._queue, self._queued_events = self._queue, [], 0
            if not (self._endpoint or _moto.active()):
                return  # moto's mock ended first (its state with it): nobody can read them any more
            self._own.busy = True
            try:
                for shipment in _merged(shipments):
                    self._ship(shipment)
            finally:
                self._own.busy = False

    def _ship(self, shipment: _Shipment) -> None:
        try:
            client = self._service.outbound.client("logs", shipment.region)
            self._ensure(client, shipment.region, shipment.group, None)
            self._ensure(client, shipment.region, shipment.group, shipment.stream)
            for events in _batches(shipment.events):
                try:
                    client.put_log_events(logGroupName=shipment.group, logStreamName=shipment.stream, logEvents=events)
                except client.exceptions.ResourceNotFoundException:  # the test deleted the group or stream
                    self._made.difference_update({(shipment.region, shipment.group, None),
                                                  (shipment.region, shipment.group, shipment.stream)})
                    self._ensure(client, shipment.region, shipment.group, None)
                    self._ensure(client, shipment.region, shipment.group, shipment.stream)
                    client.put_log_events(logGroupName=shipment.group, logStreamName=shipment.stream, logEvents=events)
        except Exception as error:  # lost, as when Lambda cannot write its logs; the test's output says why
            _log.warning("logs for %s not shipped to CloudWatch Logs: %s: %s", shipment.group,
                         type(error).__name__, error)

    def _ensure(self, client: Any, region: str, group: str, stream: Optional[str]) -> None:
        key = (region, group, stream)
        if key in self._made:
            return
        try:
            if stream is None:
                client.create_log_group(logGroupName=group)
            else:
                client.create_log_stream(logGroupName=group, logStreamName=stream)
        except client.exceptions.ResourceAlreadyExistsException:
            pass
        self._made.add(key)
