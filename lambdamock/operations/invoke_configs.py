"""Event invoke configs: put, update, get, delete and list a function's asynchronous invocation settings."""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

from lambdamock.errors import InvalidParameterValueException, ResourceNotFoundException
from lambdamock.operations._base import LATEST, Call, split_reference
from lambdamock.state.functions import Function, now
from lambdamock.state.invoke_configs import InvokeConfig

_NO_SETTINGS = "You must specify at least one of error handling or destination setting."
_NO_FUNCTION = "The function doesn't exist."
_SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
# The services a destination may be; S3 only receives records of failures.
_SERVICES = {"OnSuccess": frozenset(("sqs", "sns", "lambda", "events")),
             "OnFailure": frozenset(("sqs", "sns", "lambda", "events", "s3"))}
_FUNCTION_ARN = re.compile(
    r"arn:aws[a-zA-Z-]*:lambda:(?P<region>[^:]+):(?P<account>\d{12}):function:(?P<name>[a-zA-Z0-9_-]+)"
    r"(?::(?P<qualifier>[^:]+))?"
)


def _reference(call: Call, params: dict[str, Any]) -> tuple[str, str]:
    """The function name and the qualifier the config belongs to ($LATEST when unqualified)."""
    name, qualifier = split_reference(call, params["FunctionName"], params.get("Qualifier"))
    return name, qualifier or LATEST


def _no_config(call: Call, name: str, qualifier: str) -> ResourceNotFoundException:
    # AWS names the qualified ARN built from the request, whether or not the function exists.
    return ResourceNotFoundException(f"The function {call.arn(name)}:{qualifier} doesn't have an EventInvokeConfig")


def _existing(call: Call, name: str, qualifier: str) -> Function:
    """The function whose version or alias ``qualifier`` exists, or AWS's 404."""
    found = call.region.functions.get(name)
    if found is None or (found.get(qualifier) is None and qualifier not in found.aliases):
        raise ResourceNotFoundException(_NO_FUNCTION)
    return found


def _checked_request(call: Call, params: dict[str, Any]) -> tuple[str, str]:
    """Put's and Update's shared checks, in AWS's order: something to set, then the qualifier's agreement."""
    if not any(params.get(member) is not None for member in _SETTINGS):
        raise InvalidParameterValueException(_NO_SETTINGS)
    return _reference(call, params)


def _destinations(call: Call, owner: str, config: dict[str, Any]) -> dict[str, Optional[str]]:
    """The destination ARNs of a DestinationConfig (None where unset), refused as AWS refuses them."""
    arns = {side: (config.get(side) or {}).get("Destination") or None for side in ("OnSuccess", "OnFailure")}
    for side, arn in arns.items():
        if arn is None:
            continue
        service = arn.split(":")[2] if arn.startswith("arn:") and arn.count(":") >= 2 else ""
        if service not in _SERVICES[side]:
            raise InvalidParameterValueException(f"The provided destination config {_java(config)} is invalid.")
        if service == "lambda":
            _check_function_destination(call, owner, arn)
    return arns


def _check_function_destination(call: Call, owner: str, arn: str) -> None:
    parsed = _FUNCTION_ARN.fullmatch(arn)
    found = None
    if parsed is not None and (parsed["region"], parsed["account"]) == (call.region.name, call.region.account_id):
        found = call.region.functions.get(parsed["name"])
    if parsed is None or found is None:
        raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")
    if found.name == owner:
        raise InvalidParameterValueException("You can't specify the function as a destination for itself.")
    qualifier = parsed["qualifier"]
    if qualifier is not None and found.get(qualifier) is None and qualifier not in found.aliases:
        raise InvalidParameterValueException(f"The destination ARN {arn} is invalid.")


def _java(config: dict[str, Any]) -> str:
    """A DestinationConfig as Lambda's Java service prints it in its message."""

    def side(kind: str) -> str:
        given = config.get(kind)
        if given is None:
            return "null"
        destination = given.get("Destination")
        return f"{kind}(destination={'null' if destination is None else destination})"

    return f"DestinationConfig(onSuccess={side('OnSuccess')}, onFailure={side('OnFailure')})"


def _view(call: Call, name: str, qualifier: str, config: InvokeConfig) -> dict[str, Any]:
    out: dict[str, Any] = {"LastModified": config.last_modified, "FunctionArn": f"{call.arn(name)}:{qualifier}"}
    # Unset settings are left out, not filled with Lambda's defaults.
    if config.maximum_retry_attempts is not None:
        out["MaximumRetryAttempts"] = config.maximum_retry_attempts
    if config.maximum_event_age is not None:
        out["MaximumEventAgeInSeconds"] = config.maximum_event_age
    out["DestinationConfig"] = {
        side: {} if arn is None else {"Destination": arn}
        for side, arn in (("OnSuccess", config.on_success), ("OnFailure", config.on_failure))
    }
    return out


def put_function_event_invoke_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _checked_request(call, params)
    with call.service.lock:
        _existing(call, name, qualifier)
        arns = _destinations(call, name, params.get("DestinationConfig") or {})
        # Put replaces: a setting left out is removed.
        config = InvokeConfig(
            maximum_retry_attempts=params.get("MaximumRetryAttempts"),
            maximum_event_age=params.get("MaximumEventAgeInSeconds"),
            on_success=arns["OnSuccess"],
            on_failure=arns["OnFailure"],
        )
        call.region.invoke_configs.put(name, qualifier, config)
    return _view(call, name, qualifier, config)


def update_function_event_invoke_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _checked_request(call, params)
    with call.service.lock:
        _existing(call, name, qualifier)
        current = call.region.invoke_configs.get(name, qualifier)
        if current is None:
            raise _no_config(call, name, qualifier)
        # Update merges: each setting given replaces that setting, the others stay.
        changes: dict[str, Any] = {"last_modified": now()}
        if params.get("MaximumRetryAttempts") is not None:
            changes["maximum_retry_attempts"] = params["MaximumRetryAttempts"]
        if params.get("MaximumEventAgeInSeconds") is not None:
            changes["maximum_event_age"] = params["MaximumEventAgeInSeconds"]
        if params.get("DestinationConfig") is not None:
            arns = _destinations(call, name, params["DestinationConfig"])
            changes.update(on_success=arns["OnSuccess"], on_failure=arns["OnFailure"])
        config = dataclasses.replace(current, **changes)
        call.region.invoke_configs.put(name, qualifier, config)
    return _view(call, name, qualifier, config)


def get_function_event_invoke_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _reference(call, params)
    with call.service.lock:
        config = call.region.invoke_configs.get(name, qualifier)
    if config is None:
        raise _no_config(call, name, qualifier)
    return _view(call, name, qualifier, config)


def delete_function_event_invoke_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _reference(call, params)
    with call.service.lock:
        if not call.region.invoke_configs.drop(name, qualifier):
            raise _no_config(call, name, qualifier)
    return {}


def list_function_event_invoke_configs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, _ = split_reference(call, params["FunctionName"], None)
    limit = params.get("MaxItems") or 50
    with call.service.lock:
        if name not in call.region.functions:
            raise ResourceNotFoundException(_NO_FUNCTION)
        configs = call.region.invoke_configs.listed(name, after=params.get("Marker"))
    out: dict[str, Any] = {"FunctionEventInvokeConfigs": [_view(call, name, q, c) for q, c in configs[:limit]]}
    if len(configs) > limit:
        # The marker is the last qualifier listed (AWS's is opaque).
        out["NextMarker"] = configs[limit - 1][0]
    return out
