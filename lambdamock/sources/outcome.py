"""What a delivered batch came to: every record done, the items a partial batch response names, or all failed."""

from __future__ import annotations

import json
from typing import AbstractSet, Any, Callable, Optional

from lambdamock.runtime import InvocationResult

OK = "OK"
FAILED = "PROBLEM: Function call failed"


def _text(value: Any) -> Optional[str]:
    return value if isinstance(value, str) else None


def failed_items(result: InvocationResult, identifiers: AbstractSet[str], report: bool,
                 identify: Callable[[Any], Optional[str]] = _text) -> Optional[frozenset[str]]:
    """The identifiers of the records that failed: empty when all succeeded, None when the whole batch failed.

    With ReportBatchItemFailures Lambda reads ``{"batchItemFailures": [{"itemIdentifier": id}]}``;
    an empty or null list, or no such member, means success, and an entry without a known
    identifier fails the whole batch. ``identify`` reads an itemIdentifier (a string, unless the kind
    of source names its records otherwise); None for one that names no record.
    """
    if result.function_error:
        return None
    if not report or not result.payload:
        return frozenset()
    try:
        value = json.loads(result.payload)
    except ValueError:
        return None  # not JSON: the batch failed
    failures = value.get("batchItemFailures") if isinstance(value, dict) else None
    if failures is None:
        return frozenset()
    if not isinstance(failures, list):
        return None
    failed: set[str] = set()
    for entry in failures:
        identifier = identify(entry.get("itemIdentifier")) if isinstance(entry, dict) else None
        if identifier is None or identifier not in identifiers:
            return None
        failed.add(identifier)
    return frozenset(failed)
