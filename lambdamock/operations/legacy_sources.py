"""The 2014-11-11 API's event sources: the same mappings as today's ListEventSourceMappings shows."""

from __future__ import annotations

from typing import Any

from lambdamock.operations import mappings
from lambdamock.operations._base import Call
from lambdamock.state.mappings import CREATING, DELETING, SQS, EventSourceMapping, source_kind

# AddEventSource's defaults, as the 2014 documentation gives them for streams, the only sources it knew.
_BATCH_SIZE = 100
_POSITION = "TRIM_HORIZON"


def _view(mapping: EventSourceMapping) -> dict[str, Any]:
    """A mapping in the 2014 EventSourceConfiguration shape."""
    with mapping.changed:
        state, problem = mapping.state, mapping.problem
    config = mapping.config
    # PENDING until Lambda starts reading the source, then OK, or what went wrong ("PROBLEM: ...", as stored).
    status = problem or ("PENDING" if state == CREATING else "OK")
    out: dict[str, Any] = {
        "UUID": mapping.uuid,
        "BatchSize": config.batch_size,
        "EventSource": config.source_arn,
        # A name in the 2014 model (at most 64 characters, no colons), never an ARN.
        "FunctionName": mapping.config.function_name,
        "Parameters": {"InitialPositionInStream": config.starting_position} if config.starting_position else {},
        "LastModified": mapping.last_modified.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000",
        "IsActive": mapping.enabled and state != DELETING,
        "Status": status,
    }
    if mapping.role is not None:
        out["Role"] = mapping.role
    return out


def _found(call: Call, uuid: str) -> EventSourceMapping:
    mappings.get_event_source_mapping(call, {"UUID": uuid})  # AWS's error when it is missing
    found = call.region.mappings.get(uuid)
    assert found is not None
    return found


def add_event_source(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    source = params["EventSource"]
    request: dict[str, Any] = {"EventSourceArn": source, "FunctionName": params["FunctionName"]}
    streamed = source_kind(source) != SQS
    if streamed or "BatchSize" in params:  # a queue takes today's default: more than 10 needs a batching window
        request["BatchSize"] = params.get("BatchSize", _BATCH_SIZE)
    with call.service.lock:
        existing = next((m for m in call.region.mappings if m.config.source_arn == source), None)
    if existing is not None:
        # "If you call AddEventSource for an event source that is already mapped to another AWS Lambda
        # function, the existing mapping is updated to call the new function instead" (the 2014 model).
        del request["EventSourceArn"]
        mapping = _found(call, mappings.update_event_source_mapping(call, {"UUID": existing.uuid, **request})["UUID"])
        mapping.role = params["Role"]
        return _view(mapping)
    if streamed:
        request["StartingPosition"] = (params.get("Parameters") or {}).get("InitialPositionInStream", _POSITION)
    created = mappings.create_event_source_mapping(call, request)
    mapping = _found(call, created["UUID"])
    mapping.role = params["Role"]
    return _view(mapping)


def get_event_source(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    return _view(_found(call, params["UUID"]))


def list_event_sources(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    page = mappings.list_event_source_mappings(call, params)
    listed = [call.region.mappings.get(item["UUID"]) for item in page["EventSourceMappings"]]
    out: dict[str, Any] = {"EventSources": [_view(mapping) for mapping in listed if mapping is not None]}
    if "NextMarker" in page:
        out["NextMarker"] = page["NextMarker"]
    return out


def remove_event_source(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    mappings.delete_event_source_mapping(call, {"UUID": params["UUID"]})
    return {}
