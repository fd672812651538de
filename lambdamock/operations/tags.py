"""Tags of functions, event source mappings and code signing configs: TagResource, UntagResource, ListTags."""

from __future__ import annotations

import dataclasses
from typing import Any, Union

from lambdamock.errors import (
    AccessDeniedException,
    InvalidParameterValueException,
    NotServedError,
    ResourceNotFoundException,
)
from lambdamock.operations import _signing
from lambdamock.operations._base import Call, caller_tags, checked_tags, function
from lambdamock.state.code_signing import CodeSigningConfig
from lambdamock.state.functions import Function
from lambdamock.state.mappings import EventSourceMapping

# AWS's texts, recorded in LocalStack's test_lambda_api.snapshot.json, TestLambdaTags::test_tag_exceptions
# and TestLambdaTag::test_tag_exceptions[*] (validated against AWS 2025-11-25).
_QUALIFIED = "Tags on function aliases and versions are not supported. Please specify a function ARN."
_NO_TAGS = "An error occurred and the request cannot be processed."

Tagged = Union[Function, EventSourceMapping, CodeSigningConfig]


def _tagged(call: Call, arn: str) -> Tagged:
    """The resource an ARN names (the model's pattern has checked its form); AWS's error when there is none.

    The caller holds the service lock.
    """
    parts = arn.split(":")
    kind = parts[5]
    if kind == "function":
        # A qualified ARN (a version or alias) is refused even when the function does not exist.
        if len(parts) > 7:
            raise InvalidParameterValueException(_QUALIFIED)
        found, _ = function(call, arn)
        return found
    if parts[4] != call.region.account_id:
        raise AccessDeniedException()
    if kind == "event-source-mapping":
        mapping = call.region.mappings.get(parts[6])
        if mapping is None or mapping.arn != arn:
            raise ResourceNotFoundException(f"Event source mapping not found: {arn}")
        return mapping
    if kind == "code-signing-config":
        return _signing.config(call, arn)
    if kind == "capacity-provider":
        # lambdamock has none: CreateCapacityProvider is not served.
        raise ResourceNotFoundException(f"Capacity provider not found: {arn}")
    raise NotServedError(f"lambdamock does not serve tags on {kind} resources")


def _retag(call: Call, resource: Tagged, tags: dict[str, str]) -> None:
    if isinstance(resource, CodeSigningConfig):  # a config is replaced whole, never changed in place
        call.region.code_signing.put(dataclasses.replace(resource, tags=tags))
        return
    resource.tags = tags
    if isinstance(resource, Function):
        # Recorded (TestLambdaTags::test_tag_lifecycle): each TagResource and UntagResource gives the
        # function a new RevisionId.
        resource.latest = resource.latest.settled()


def tag_resource(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        resource = _tagged(call, params["Resource"])
        if not params["Tags"]:
            raise InvalidParameterValueException(_NO_TAGS)
        _retag(call, resource, checked_tags(params["Tags"], resource.tags))
    return {}


def untag_resource(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        resource = _tagged(call, params["Resource"])
        caller_tags(params["TagKeys"])
        # Keys the resource does not have are passed over, as on AWS.
        removed = set(params["TagKeys"])
        _retag(call, resource, {key: value for key, value in resource.tags.items() if key not in removed})
    return {}


def list_tags(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        return {"Tags": dict(_tagged(call, params["Resource"]).tags)}
