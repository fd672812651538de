"""Event source mappings: create, get, update, delete and list; the pollers they start deliver the batches."""

from __future__ import annotations

from typing import Any, Optional

from lambdamock.errors import ResourceInUseException, ResourceNotFoundException
from lambdamock.operations._base import LATEST, Call, checked_tags, split_reference
from lambdamock.operations._esm import (
    DELETE_IN_USE,
    NOT_FOUND,
    UPDATE_IN_USE,
    add_mapping,
    check_destination,
    check_visibility,
    configure,
    duplicate,
    kind_of,
    target,
    user_reason,
    view,
)
from lambdamock.sources.supervisor import SETTLE_SECONDS, Supervisor
from lambdamock.state.mappings import (
    CREATING,
    DELETING,
    DISABLED,
    DISABLING,
    ENABLING,
    UPDATING,
    EventSourceMapping,
)

_LIST_LIMIT = 100


def _mapping(call: Call, uuid_: str) -> EventSourceMapping:
    with call.service.lock:
        found = call.region.mappings.get(uuid_)
    if found is None:
        raise ResourceNotFoundException(NOT_FOUND)
    return found


def _settled(call: Call, uuid_: str, in_use: str) -> EventSourceMapping:
    """The mapping, once out of a transient state; ResourceInUseException if it stays in one."""
    found = _mapping(call, uuid_)
    # Transitions last until the poller has caught up: only while a batch is being delivered.
    if found.transient and not found.wait_settled(SETTLE_SECONDS):
        raise ResourceInUseException(in_use)
    return _mapping(call, uuid_)


def create_event_source_mapping(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    tags = checked_tags(params.get("Tags"))
    check_destination(params)
    kind = kind_of(params)
    name, qualifier = split_reference(call, params["FunctionName"], None)
    config = configure(kind, params, name, qualifier)
    function_arn = target(call, name, qualifier)
    enabled = params.get("Enabled", True)
    mapping = add_mapping(call, config, function_arn, enabled, tags)
    # A mapping created disabled answers Disabled at once; an enabled one is Creating.
    return view(mapping, CREATING if enabled else DISABLED)


def get_event_source_mapping(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    return view(_mapping(call, params["UUID"]))


def update_event_source_mapping(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    mapping = _settled(call, params["UUID"], UPDATE_IN_USE)
    check_destination(params)
    current = mapping.config
    name, qualifier = current.function_name, current.qualifier
    if "FunctionName" in params:
        name, qualifier = split_reference(call, params["FunctionName"], None)
    config = configure(current.kind, params, name, qualifier, current)
    function_arn = target(call, name, qualifier) if "FunctionName" in params else mapping.function_arn
    check_visibility(call, config)
    enabled = params.get("Enabled", mapping.enabled)
    with call.service.lock:
        if mapping.transient:
            raise ResourceInUseException(UPDATE_IN_USE)
        if function_arn != mapping.function_arn:
            refused = duplicate(call.region.mappings, config, function_arn)
            if refused is not None:
                raise refused
        transition = UPDATING if enabled == mapping.enabled else (ENABLING if enabled else DISABLING)
        mapping.config, mapping.function_arn, mapping.enabled = config, function_arn, enabled
        mapping.reason = user_reason(current.kind)
        mapping.begin(transition)
        response = view(mapping)
    Supervisor.of(call.service).change(mapping)
    return response


def delete_event_source_mapping(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    mapping = _settled(call, params["UUID"], DELETE_IN_USE)
    with call.service.lock:
        if mapping.transient:
            raise ResourceInUseException(DELETE_IN_USE)
        mapping.begin(DELETING)
        response = view(mapping)
    Supervisor.of(call.service).delete(mapping)
    return response


def list_event_source_mappings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    source = params.get("EventSourceArn")
    wanted: Optional[tuple[str, Optional[str]]] = None
    if "FunctionName" in params:
        wanted = split_reference(call, params["FunctionName"], None)
    # "A maximum of 100 items in each response, even if you set the number higher" (MaxItems' reference).
    marker, limit = params.get("Marker"), min(params.get("MaxItems") or _LIST_LIMIT, _LIST_LIMIT)
    with call.service.lock:
        found = [
            mapping for mapping in call.region.mappings
            if (source is None or mapping.config.source_arn == source) and _names(mapping, wanted)
        ]
    start = next((n + 1 for n, mapping in enumerate(found) if mapping.uuid == marker), 0)
    page = found[start : start + limit]
    out: dict[str, Any] = {"EventSourceMappings": [view(mapping) for mapping in page]}
    if start + limit < len(found):
        out["NextMarker"] = page[-1].uuid
    return out


def _names(mapping: EventSourceMapping, wanted: Optional[tuple[str, Optional[str]]]) -> bool:
    if wanted is None:
        return True
    name, qualifier = wanted
    config = mapping.config
    # An unqualified name lists the function's mappings whatever they are qualified with.
    return config.function_name == name and (qualifier is None or (config.qualifier or LATEST) == qualifier)
