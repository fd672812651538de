"""What every operation shares: the call context and function lookups with AWS's errors."""

from __future__ import annotations

from typing import Any, Iterator, Mapping, Optional

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

    __slots__ = ("body_size", "operation", "region", "request_id", "service", "trace")

    def __init__(self, service: Service, region: Region, request_id: str, operation: str = "",
                 body_size: int = 0, trace: Optional[str] = None) -> None:
        self.service = service
        self.region = region
        self.request_id = request_id
        self.operation = operation  # the API's name for it, e.g. CreateFunction
        self.body_size = body_size
        self.trace = trace  # the caller's X-Ray trace header (X-Amzn-Trace-Id), which invocations continue

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


def checked_tags(tags: Optional[Mapping[str, str]]) -> dict[str, str]:
    """Tags a resource may carry: at most 50 (counted after merging), or AWS's error."""
    if tags is not None and len(tags) > _TAG_LIMIT:
        raise InvalidParameterValueException("Number of tags exceeds resource tag limit.")
    return dict(tags or {})


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


__all__ = ["LATEST", "Call", "checked_tags", "function", "not_found", "page", "split_reference", "version"]
