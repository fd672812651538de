"""Invocation logs shipped to CloudWatch Logs where that service is mocked: the function's group, one stream per environment."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Optional, Sequence

from lambdamock.outbound.shipping import Shipping
from lambdamock.runtime import InvocationResult

if TYPE_CHECKING:
    from lambdamock.state.invocations import Job
    from lambdamock.state.service import Service

# PutLogEvents' limits: 10,000 events and 1,048,576 bytes a call, counting 26 bytes per event.
_BATCH_EVENTS = 10_000
_BATCH_BYTES = 1_048_576
_EVENT_OVERHEAD = 26
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


class Logs(Shipping[_Shipment]):
    """Sends each invocation's log events to CloudWatch Logs, through the gate, as Lambda does."""

    service_name = endpoint_prefix = "logs"

    def __init__(self, service: Service) -> None:
        super().__init__(service)
        self._made: set[tuple[str, str, Optional[str]]] = set()  # groups and streams known to exist

    def ran(self, job: Job, result: InvocationResult) -> None:
        """An invocation ended: its events go to its environment's stream."""
        if not (result.log_events and result.log_stream and self.wanted()):
            return
        group = job.spec.logging.group or f"/aws/lambda/{job.spec.function_name}"
        if not group.startswith("aws/"):  # Lambda cannot create groups there (AWS's "Configuring CloudWatch log groups")
            self._put(_Shipment(job.region.name, group, result.log_stream, result.log_events), len(result.log_events))

    def throttled(self, job: Job) -> None:
        """Nothing ran: nothing is logged."""

    def _send(self, items: list[_Shipment]) -> None:
        for shipment in _merged(items):
            self._ship(shipment)

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
