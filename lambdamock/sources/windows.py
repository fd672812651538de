"""Tumbling windows on stream mappings: records grouped by arrival into fixed windows, a state carried through each."""

from __future__ import annotations

import json
from typing import Any, Optional

from lambdamock.runtime import InvocationResult
from lambdamock.sources.batching import event
from lambdamock.sources.stream_formats import iso_seconds


class Closing(list):  # always empty: it stands in a shard's queue of batches
    """The final invocation of a shard's window, queued behind the window's last batch."""

    def __init__(self, start: float, length: int) -> None:
        super().__init__()
        self.start = start
        self.length = length


class Windows:
    """One shard's tumbling windows: the open one, where the next may begin, and each window's state."""

    def __init__(self) -> None:
        self.open: Optional[tuple[float, int]] = None  # (start, length): gathering; its final not yet queued
        self.closed_until = 0.0  # the end of the last window whose final invocation is queued
        self.states: dict[float, Any] = {}  # each window's state (by its start), as the function last returned it

    def place(self, arrival: float, length: int) -> tuple[tuple[float, int], Optional[Closing]]:
        """The window a record joins, and the open window's final invocation when the record begins a later one.

        A window that was closed is never opened again: a record read after its window closed (written as
        the poller read, say) joins the next one.
        """
        start = max(start_of(arrival, length), self.closed_until)
        closing = None
        if self.open is not None and self.open[0] < start:
            closing = self.close()
        if self.open is None:
            self.open = (start, length)
        return self.open, closing

    def due(self, now: float) -> bool:
        """Whether the open window has ended (``now`` in epoch seconds)."""
        return self.open is not None and now >= self.open[0] + self.open[1]

    def close(self) -> Optional[Closing]:
        """The open window's final invocation, to queue; None when no window is open."""
        if self.open is None:
            return None
        start, length = self.open
        self.open, self.closed_until = None, start + length
        return Closing(start, length)

    def reopen(self, first: tuple[float, int]) -> None:
        """Records from ``first`` (the window of the first of them) on are given back, to be read again."""
        self.open = None
        self.closed_until = min(self.closed_until, first[0])


def start_of(arrival: float, length: int) -> float:
    """The start of the window a record that arrived at ``arrival`` (epoch seconds) belongs to.

    Windows follow one another from the epoch on, as the AWS documentation's examples show them
    (07:04 to 07:06 for two minutes, 17:00 to 17:05 for five).
    """
    return arrival - arrival % length


def windowed_event(records: list[bytes], start: float, length: int, state: Any, shard: str, source_arn: str,
                   final: bool) -> bytes:
    """The stream event with the window's members, as the Lambda developer guide shows them."""
    members = {
        "window": {"start": iso_seconds(start), "end": iso_seconds(start + length)},
        "state": state,
        "shardId": shard,
        "eventSourceARN": source_arn,
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": False,
    }
    return event(records)[:-1] + b", " + json.dumps(members)[1:].encode()


def state_of(result: InvocationResult) -> Optional[tuple[Any]]:
    """The state the function returned, in a 1-tuple; None when the response holds none (a failed invocation).

    "If the response does not contain a state property, Lambda considers this a failed invocation"
    (the developer guide, on tumbling windows).
    """
    if result.function_error or not result.payload:
        return None
    try:
        value = json.loads(result.payload)
    except ValueError:
        return None
    return (value["state"],) if isinstance(value, dict) and "state" in value else None
