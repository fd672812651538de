"""What readers share: the records they hand to pollers, and how remote and in-process ones wait for more."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional

if TYPE_CHECKING:
    from lambdamock.outbound import Outbound
    from lambdamock.sources.poller import Poller


class Received(NamedTuple):
    """One message read from a queue: its id, the receipt to delete it with, and its Lambda record."""

    id: str
    receipt: str
    record: dict[str, Any]


class StreamRecord(NamedTuple):
    """One record read from a shard: its sequence number, arrival (epoch seconds) and Lambda record.

    The poller adds the record's JSON as it will send it (``encoded``): each record is encoded once, however
    often its batch is tried; and, on a mapping with tumbling windows, the window it joined (start, length).
    """

    sequence: str
    arrival: float
    record: dict[str, Any]
    encoded: bytes = b""
    window: Optional[tuple[float, int]] = None


class RemoteReader:
    """A source read through boto3 (moto's, or a named endpoint): an idle poller backs off, since nothing tells it of news."""

    service = ""  # the boto3 service name, set by each kind
    # How long a poller waits before reading again what was being written as it read (see streams.cycle).
    settle = 0.02

    def __init__(self, outbound: Outbound, arn: str) -> None:
        self.outbound = outbound
        self.arn = arn
        self.region = arn.split(":", 5)[3]

    @property
    def client(self) -> Any:
        """The service's client, asked for at each use: Unreachable whenever the source is not mocked."""
        return self.outbound.client(self.service, self.region)

    def idle_delay(self, poller: Poller) -> Optional[float]:
        return poller.idle_delay()


class Subscribers:
    """An in-process source's pollers, woken whenever it is written to."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []

    def subscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            self._listeners.append(listener)

    def unsubscribe(self, listener: Callable[[], None]) -> None:
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def notify(self) -> None:
        """Wake the pollers (called without the source's own lock held)."""
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
