"""What invocations leave for a CloudWatch service where it is mocked: queued as they end, shipped in order."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Generic, TypeVar

from lambdamock import _moto

if TYPE_CHECKING:
    from lambdamock.state.service import Service

T = TypeVar("T")

# Queued weight (log events, metric values) beyond which it is shipped in the background, not only when asked for.
_BACKGROUND = 10_000


class Shipping(Generic[T]):
    """Items that invocations queue for one service, sent through the gate by ``_send``.

    They are shipped before any request from the test to that service (what already ran is there to
    read), by ``mock.wait()``, when the mock stops, and in the background once many are queued. Nothing
    is queued while the service is neither mocked by moto nor at an endpoint the user named.
    """

    service_name = ""  # boto3's name of the service shipped to
    endpoint_prefix = ""  # its requests' endpoint prefix: a request from the test there ships what is queued

    def __init__(self, service: Service) -> None:
        self._service = service
        self._lock = threading.Lock()  # guards the queue and the worker flag
        self._queue: list[T] = []
        self._queued = 0  # the queue's weight
        self._ended = _moto.ended()  # moto's ends before the queue's items were queued
        self._working = False
        self._shipping = threading.Lock()  # one shipment at a time, in order
        self._own = threading.local()  # set while this thread ships: its own requests do not flush
        # An endpoint named for the service (option or environment) is read once, at start: the check runs
        # after every invocation. moto's mock is looked for each time.
        self._endpoint = service.outbound.endpoint(self.service_name) is not None

    def wanted(self) -> bool:
        """Whether there is anywhere to ship to: the service is mocked by moto, or at a named endpoint."""
        return self._endpoint or _moto.active()

    def _put(self, item: T, weight: int) -> None:
        ended = _moto.ended()
        with self._lock:
            self._forget_ended(ended)
            self._queue.append(item)
            self._queued += weight
            if self._working or self._queued < _BACKGROUND:
                return
            self._working = True
        self._service.invoker.background(self._drain, f"lambdamock-{self.service_name}")

    def _forget_ended(self, ended: int) -> None:
        """Drop what was queued for a moto mock that has ended since (the caller holds the lock): what it did not
        get, no one will, and another mock started since must not get it either."""
        if ended != self._ended:
            if not self._endpoint:
                self._queue, self._queued = [], 0
            self._ended = ended

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
            ended = _moto.ended()
            with self._lock:
                self._forget_ended(ended)
                items, self._queue, self._queued = self._queue, [], 0
            if not items or not self.wanted():
                return  # moto's mock ended first (its state with it): nobody can read them any more
            self._own.busy = True
            try:
                with _moto.shipping(self._service):
                    self._send(items)
            finally:
                self._own.busy = False

    def _send(self, items: list[T]) -> None:
        """Send what was queued, oldest first."""
        raise NotImplementedError
