"""Function URL configs: create, get, update, delete and list the HTTPS endpoints of a function and its aliases."""

from __future__ import annotations

import datetime
from typing import Any, Optional

from lambdamock.errors import AccessDeniedException, ResourceConflictException, ResourceNotFoundException
from lambdamock.operations import _tenancy
from lambdamock.operations._base import Call, split_reference
from lambdamock.state.functions import Function, now
from lambdamock.state.urls import UrlConfig

# Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaUrl::test_url_config_exceptions. Create
# and Update name a missing function (or alias) so; Get and Delete answer as for a missing URL.
_NO_FUNCTION = "Function does not exist"
_NO_RESOURCE = "The resource you requested does not exist."
# The unqualified function's key in list markers: no alias name holds a "$".
_UNQUALIFIED = "$LATEST"
# "Function URLs are not supported in the following AWS Regions" (urls-configuration). There, AWS's front end
# answers their operations as any operation it does not know (its users quote it: zappa#1425, sst#5327).
_UNSERVED_REGIONS = frozenset((
    "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2", "ca-west-1",
    "eu-south-2", "eu-central-2", "il-central-1", "me-central-1",
))


def _served(call: Call) -> None:
    if call.region.name in _UNSERVED_REGIONS:
        raise AccessDeniedException("Unable to determine service/operation name to be authorized")


def _stamp(value: datetime.datetime) -> str:
    # ISO-8601, as the API documents CreationTime and LastModifiedTime (they are strings in the model).
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _owner(call: Call, params: dict[str, Any], missing: str) -> tuple[Function, Optional[str]]:
    """The function and alias a request names, or AWS's 404 with ``missing``."""
    _served(call)
    name, qualifier = split_reference(call, params["FunctionName"], params.get("Qualifier"))
    found = call.region.functions.get(name)
    if found is None or (qualifier is not None and qualifier not in found.aliases):
        raise ResourceNotFoundException(missing)
    return found, qualifier


def _existing(call: Call, params: dict[str, Any], missing: str) -> UrlConfig:
    found, qualifier = _owner(call, params, missing)
    config = call.region.urls.get(found.name, qualifier)
    if config is None:
        raise ResourceNotFoundException(_NO_RESOURCE)
    return config


def _view(call: Call, config: UrlConfig, *, modified: bool = True, mode: bool = True) -> dict[str, Any]:
    """A config as AWS shows it; ``mode`` False shows InvokeMode only when a caller set it."""
    arn = call.arn(config.function_name)
    out: dict[str, Any] = {
        "FunctionUrl": config.url,
        "FunctionArn": arn if config.qualifier is None else f"{arn}:{config.qualifier}",
        "AuthType": config.auth_type,
        "CreationTime": _stamp(config.created),
    }
    if config.cors is not None:
        out["Cors"] = dict(config.cors)
    if modified:
        out["LastModifiedTime"] = _stamp(config.last_modified)
    if mode or config.invoke_mode is not None:
        out["InvokeMode"] = config.mode
    return out


def create_function_url_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, qualifier = _owner(call, params, _NO_FUNCTION)
        _tenancy.refuse(found.latest.tenant_isolated, "function URLs")
        region = call.region
        current = region.urls.get(found.name, qualifier)
        if current is not None:
            arn = _view(call, current)["FunctionArn"]
            # Recorded with the two spaces: TestLambdaUrl::test_url_config_lifecycle.
            raise ResourceConflictException(
                f"Failed to create function url config for [functionArn = {arn}]. Error message:  "
                "FunctionUrlConfig exists for this Lambda function"
            )
        identifier = region.urls.new_id(region.partition, region.name, region.account_id, found.name, qualifier)
        cors, created = params.get("Cors"), now()
        config = UrlConfig(identifier, region.name, found.name, qualifier, params["AuthType"],
                           params.get("InvokeMode"), None if cors is None else dict(cors), created, created)
        region.urls.put(config)
    # Recorded: Create shows no LastModifiedTime, and InvokeMode only when it was given.
    return _view(call, config, modified=False, mode=False)


def get_function_url_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        config = _existing(call, params, _NO_RESOURCE)
    return _view(call, config)


def update_function_url_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        config = _existing(call, params, _NO_FUNCTION)
        # Recorded (test_lambda_update_function_url_config): what an update leaves out stays as it was.
        changes: dict[str, Any] = {}
        if params.get("AuthType") is not None:
            changes["auth_type"] = params["AuthType"]
        if params.get("InvokeMode") is not None:
            changes["invoke_mode"] = params["InvokeMode"]
        if params.get("Cors") is not None:
            changes["cors"] = dict(params["Cors"])
        config = config.changed(**changes)
        call.region.urls.put(config)
    return _view(call, config, mode=False)


def delete_function_url_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        config = _existing(call, params, _NO_RESOURCE)
        call.region.urls.drop(config.function_name, config.qualifier)
    return {}


def list_function_url_configs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    _served(call)
    name, _ = split_reference(call, params["FunctionName"], None)
    limit = params.get("MaxItems") or 50
    marker = params.get("Marker")
    with call.service.lock:
        if name not in call.region.functions:
            raise ResourceNotFoundException(_NO_FUNCTION)
        configs = call.region.urls.listed(name)
    keys = [config.qualifier or _UNQUALIFIED for config in configs]
    if marker is not None:
        # The marker is the key of the last config listed (AWS's is opaque): go on after it.
        start = keys.index(marker) + 1 if marker in keys else len(keys)
        configs, keys = configs[start:], keys[start:]
    out: dict[str, Any] = {"FunctionUrlConfigs": [_view(call, config) for config in configs[:limit]]}
    if len(configs) > limit:
        out["NextMarker"] = keys[limit - 1]
    return out
