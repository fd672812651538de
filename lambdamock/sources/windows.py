"""Tumbling windows on stream mappings: records grouped by arrival into fixed windows, a state carried through each."""

from __future__ import annotations

import datetime
import json
from typing import Any, Optional

from lambdamock.runtime import InvocationResult
from lambdamock.sources.batching import event


class Closing(list):  # always empty: it stands in a shard's queue of batches
    """The final invocation of a shard's window, queued behind the window's last batch."""

    def __init__(self, start: float, length: int) -> None:
        super().__init__()
        self.start = start
        self.length = length


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
        "window": {"start": _iso(start), "end": _iso(start + length)},
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


def _iso(seconds: float) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
