"""Per-function runtime settings: runtime management (per version) and the recursive loop setting."""

from __future__ import annotations

from typing import Any, Optional

from lambdamock.errors import InvalidParameterValueException
from lambdamock.operations._base import Call, function, version
from lambdamock.operations._settings import MANUAL
from lambdamock.state.functions import Function, RuntimeUpdate


def _check_runtime_update(update: RuntimeUpdate) -> None:
    # AWS's texts for these two are not recorded; the rule is the model's: the runtime
    # version ARN goes with Manual mode, and only with it.
    if update.mode == MANUAL and update.runtime_version_arn is None:
        raise InvalidParameterValueException("RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual.")
    if update.mode != MANUAL and update.runtime_version_arn is not None:
        raise InvalidParameterValueException(
            f"RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual, not {update.mode}."
        )


def _runtime_management(found: Function, qualifier: Optional[str], update: RuntimeUpdate) -> dict[str, Any]:
    # The function's ARN as the caller named it: qualified only when a qualifier was given.
    arn = found.arn if qualifier is None else f"{found.arn}:{qualifier}"
    out: dict[str, Any] = {"UpdateRuntimeOn": update.mode, "FunctionArn": arn}
    if update.runtime_version_arn is not None:
        out["RuntimeVersionArn"] = update.runtime_version_arn
    return out


def put_runtime_management_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    update = RuntimeUpdate(params["UpdateRuntimeOn"], params.get("RuntimeVersionArn"))
    _check_runtime_update(update)
    with call.service.lock:
        found, resolved, qualifier = version(call, params["FunctionName"], params.get("Qualifier"))
        found.runtime_updates[resolved.version] = update
    return _runtime_management(found, qualifier, update)


def get_runtime_management_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, resolved, qualifier = version(call, params["FunctionName"], params.get("Qualifier"))
        return _runtime_management(found, qualifier, found.runtime_update(resolved.version))


def put_function_recursion_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        found.recursive_loop = params["RecursiveLoop"]
    return {"RecursiveLoop": params["RecursiveLoop"]}


def get_function_recursion_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        return {"RecursiveLoop": found.recursive_loop}
