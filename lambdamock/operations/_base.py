"""What every operation shares: the call context and function lookups with AWS's errors."""

from __future__ import annotations

import contextlib
import contextvars
from typing import Any, Iterable, Iterator, Mapping, Optional

from lambdamock.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from lambdamock.state import names
from lambdamock.state.functions import LATEST, Function, Version
from lambdamock.state.service import Region, Service


class Call:
    """The request's place in the world: which mock, account and region."""

    __slots__ = ("body_size", "headers", "operation", "region", "request_id", "service", "trace")

    def __init__(self, service: Service, region: Region, request_id: str, operation: str = "",
                 body_size: int = 0, trace: Optional[str] = None) -> None:
        self.service = service
        self.region = region
        self.request_id = request_id
        self.operation = operation  # the API's name for it, e.g. CreateFunction
        self.body_size = body_size
        self.trace = trace  # the caller's X-Ray trace header (X-Amzn-Trace-Id), which invocations continue
        self.headers: dict[str, str] = {}  # response headers the model does not name, which the operation sets

    def arn(self, name: str) -> str:
        return names.function_arn(self.region.partition, self.region.name, self.region.account_id, name)


def split_reference(call: Call, reference: str, qualifier: Optional[str]) -> tuple[str, Optional[str]]:
    """Name and qualifier from a function reference plus a Qualifier parameter."""
    parsed = names.parse(reference)
    if parsed is None:
        # The model's pattern rejects such names before we get here; this is
        # the last line for references that slip through it.
        raise InvalidParameterValueException(f"Invalid function name: {reference}")
    if parsed.region is not None and parsed.region != call.region.name:
        raise ResourceNotFoundException(
            f"Functions from '{parsed.region}' are not reachable in this region ('{call.region.name}')"
        )
    if parsed.account is not None and parsed.account != call.region.account_id:
        raise AccessDeniedException()
    if parsed.qualifier is not None and qualifier is not None and parsed.qualifier != qualifier:
        raise InvalidParameterValueException(
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    return parsed.name, parsed.qualifier if parsed.qualifier is not None else qualifier


# Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaTags::test_tag_limits.
_TAG_LIMIT = 50


# The "aws:" prefix is AWS's own, in any case. Lambda's text, as it answered an untag of CloudFormation's tags
# (ansible/ansible#50542).
_RESERVED_TAGS = ('One or more of your tags had a problem, please ensure none of your tag names start with "aws:", '
                  "none are empty, and there are no duplicate tags")
_SERVICE_TAGS: contextvars.ContextVar[bool] = contextvars.ContextVar("lambdamock_service_tags", default=False)


@contextlib.contextmanager
def service_tags() -> Iterator[None]:
    """Let the calls made inside name tags "aws:..." as AWS's own services do (CloudFormation's stack tags)."""
    token = _SERVICE_TAGS.set(True)
    try:
        yield
    finally:
        _SERVICE_TAGS.reset(token)


def caller_tags(keys: Optional[Iterable[str]]) -> None:
    """Refuse tag keys a caller may not set or remove: those AWS keeps for its services."""
    if not _SERVICE_TAGS.get() and any(key[:4].lower() == "aws:" for key in keys or ()):
        raise InvalidParameterValueException(_RESERVED_TAGS)


def checked_tags(tags: Optional[Mapping[str, str]], merged_with: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """A caller's tags, merged into ``merged_with`` (a resource's own): none AWS keeps for itself, and at most 50
    of the caller's kind after merging; or AWS's error."""
    caller_tags(tags)
    merged = {**(merged_with or {}), **(tags or {})}
    # "Tags with this prefix do not count against your tags per resource limit" (configuration-tags).
    if sum(1 for key in merged if key[:4].lower() != "aws:") > _TAG_LIMIT:
        raise InvalidParameterValueException("Number of tags exceeds resource tag limit.")
    return merged


def not_found(call: Call, name: str, qualifier: Optional[str] = None) -> ResourceNotFoundException:
    shown = f"{call.arn(name)}:{qualifier}" if qualifier else call.arn(name)
    return ResourceNotFoundException(f"Function not found: {shown}")


def function(call: Call, reference: str, qualifier: Optional[str] = None,
             missing: Optional[str] = None) -> tuple[Function, Optional[str]]:
    """The function a reference names and the qualifier it carries.

    A missing function is 404, its ARN qualified as the request had it, or with ``missing``.
    """
    name, qualifier = split_reference(call, reference, qualifier)
    found = call.region.functions.get(name)
    if found is None:
        raise not_found(call, name, qualifier or missing)
    return found, qualifier


def version(call: Call, reference: str, qualifier: Optional[str] = None) -> tuple[Function, Version, Optional[str]]:
    """The function, the version a reference names and its qualifier.

    Unqualified means $LATEST; an alias means its primary version.
    """
    found, qualifier = function(call, reference, qualifier)
    resolved = found.get(qualifier)
    if resolved is None and qualifier in found.aliases:
        resolved = found.get(found.aliases[qualifier].function_version)
    if resolved is None:
        raise not_found(call, found.name, qualifier)
    return found, resolved, qualifier


def page(items: Iterator[tuple[str, dict[str, Any]]], limit: int) -> tuple[list[dict[str, Any]], Optional[str]]:
    """Up to ``limit`` items of a listing and, when more follow, the marker of the last one."""
    out: list[dict[str, Any]] = []
    last = None
    for key, item in items:
        if len(out) == limit:
            return out, last
        out.append(item)
        last = key
    return out, None


__all__ = ["LATEST", "Call", "caller_tags", "checked_tags", "function", "not_found", "page", "service_tags",
           "split_reference", "version"]
