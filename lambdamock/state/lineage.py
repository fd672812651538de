"""Recursive loop detection: how many times each function ran in an event's chain, as its trace header's Lineage."""

from __future__ import annotations

import functools
import hashlib
import os
from typing import TYPE_CHECKING, Iterable, Mapping

from lambdamock import _active, _bound

if TYPE_CHECKING:
    from lambdamock.state.invocations import Invocation

# Lambda stops the invocation that would be a function's 17th in one chain (AWS's "Lambda recursive loop detection").
LIMIT = 16
Lineage = Mapping[str, int]
# What an invocation Lambda did not run for it is recorded with (Invocation.stopped), and Invoke raises.
STOPPED = "RecursiveInvocationException"
_VARIABLE = "_X_AMZN_TRACE_ID"


@functools.lru_cache(maxsize=1024)
def key(function_arn: str) -> str:
    """A function's entry in a lineage: eight hex digits of its unqualified ARN."""
    return hashlib.sha256(function_arn.encode()).hexdigest()[:8]


def text(lineage: Lineage) -> str:
    """The Lineage part of a trace header: ``<key>:<count>|...``, each count the runs before this one.

    Lambda counts from 0: a function's first run in a chain reads "<key>:0" (recorded on Lambda by X-Ray's SDK
    team, aws-xray-sdk-node#651: "Root=1-665a0c0c-...;Lineage=061379e8:0", and "061379e8:0|cbc84ad3:0" in the
    function it called).
    """
    return "|".join(f"{name}:{count - 1}" for name, count in sorted(lineage.items()))


def of_trace(header: str) -> dict[str, int]:
    """The lineage a trace header carries ({} when none), as runs (one more than the header's count)."""
    for part in header.split(";"):
        name, _, value = part.partition("=")
        if name.strip() == "Lineage":
            found = {}
            for entry in value.split("|"):
                function, _, count = entry.partition(":")
                if function and count.isdigit():
                    found[function] = int(count) + 1
            return found
    return {}


def current() -> dict[str, int]:
    """The lineage of the invocation running on this thread (its handler's _X_AMZN_TRACE_ID); {} elsewhere.

    Outside execution environments there is none: an SDK sends its trace header only inside Lambda.
    """
    if _bound.current() is None:
        return {}
    return of_trace(os.environ.get(_VARIABLE, ""))


def merged(lineages: Iterable[Lineage]) -> dict[str, int]:
    """One lineage for a batch: each function's longest chain."""
    out: dict[str, int] = {}
    for lineage in lineages:
        for name, count in lineage.items():
            out[name] = max(count, out.get(name, 0))
    return out


def remember(message_ids: Iterable[str]) -> None:
    """A handler sent messages (to SQS): its lineage goes with them to the function the queue invokes."""
    lineage = current()
    service = _active.serving()
    if lineage and service is not None:
        for message_id in message_ids:
            service.lineages[message_id] = lineage


class RecursiveLoop(Exception):
    """The job was not run: it would continue a recursive loop; ``record`` is the invocation recorded unrun."""

    def __init__(self, record: Invocation) -> None:
        super().__init__(STOPPED)
        self.record = record
