"""Code signing configs: create, read, update, delete, list, and attach them to functions."""

from __future__ import annotations

import itertools
from typing import Any, Iterator, Optional

from lambdamock.errors import ResourceConflictException
from lambdamock.operations import _signing
from lambdamock.operations._base import Call, checked_tags, function
from lambdamock.operations.views import timestamp
from lambdamock.state.code_signing import CodeSigningConfig

_LIST_LIMIT = 50


def _shown(config: CodeSigningConfig) -> dict[str, Any]:
    return {
        "CodeSigningConfigId": config.id,
        "CodeSigningConfigArn": config.arn,
        "Description": config.description,
        "AllowedPublishers": {"SigningProfileVersionArns": list(config.publishers)},
        "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": config.policy},
        "LastModified": timestamp(config.last_modified),
    }


def _publishers(params: dict[str, Any]) -> Optional[tuple[str, ...]]:
    allowed = params.get("AllowedPublishers")
    return None if allowed is None else tuple(allowed["SigningProfileVersionArns"])


def _policy(params: dict[str, Any]) -> Optional[str]:
    return (params.get("CodeSigningPolicies") or {}).get("UntrustedArtifactOnDeployment")


def create_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    publishers = tuple(params["AllowedPublishers"]["SigningProfileVersionArns"])
    tags = checked_tags(params.get("Tags"))
    with call.service.lock:
        created = call.region.code_signing.create(publishers, _policy(params), params.get("Description"), tags)
    return {"CodeSigningConfig": _shown(created)}


def get_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        return {"CodeSigningConfig": _shown(_signing.config(call, params["CodeSigningConfigArn"]))}


def update_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        current = _signing.config(call, params["CodeSigningConfigArn"])
        updated = current.changed(params.get("Description"), _publishers(params), _policy(params))
        call.region.code_signing.put(updated)
    return {"CodeSigningConfig": _shown(updated)}


def _users(call: Call, arn: str, after: Optional[str] = None) -> Iterator[str]:
    """Names of the functions the config is attached to, in list order, after the name ``after``."""
    functions = call.region.functions
    return (name for name in call.region.names_after(after) if functions[name].code_signing_config == arn)


def delete_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["CodeSigningConfigArn"]
    with call.service.lock:
        _signing.config(call, arn)
        if next(_users(call, arn), None) is not None:
            # AWS's text is not recorded; the rule is the model's: "only if no function is using it".
            raise ResourceConflictException(
                f"The code signing configuration {arn} cannot be deleted because it is used by one or more functions."
            )
        call.region.code_signing.delete(arn)
    return {}


def list_code_signing_configs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    limit = params.get("MaxItems") or _LIST_LIMIT
    with call.service.lock:
        configs = list(itertools.islice(call.region.code_signing.after(params.get("Marker") or None), limit + 1))
    out: dict[str, Any] = {"CodeSigningConfigs": [_shown(config) for config in configs[:limit]]}
    if len(configs) > limit:
        out["NextMarker"] = configs[limit - 1].id
    return out


def list_functions_by_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["CodeSigningConfigArn"]
    limit = params.get("MaxItems") or _LIST_LIMIT
    with call.service.lock:
        _signing.config(call, arn)
        names = list(itertools.islice(_users(call, arn, params.get("Marker") or None), limit + 1))
    out: dict[str, Any] = {"FunctionArns": [call.arn(name) for name in names[:limit]]}
    if len(names) > limit:
        out["NextMarker"] = names[limit - 1]
    return out


def put_function_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        # AWS looks for the config before the function (recorded: put_function_csc_invalid_both).
        arn = params["CodeSigningConfigArn"]
        _signing.check_config(call, arn)
        found, _ = function(call, params["FunctionName"])
        _signing.check_package(found.latest.package_type)
        found.code_signing_config = arn
    return {"CodeSigningConfigArn": arn, "FunctionName": found.name}


def get_function_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        _signing.check_package(found.latest.package_type)
        arn = found.code_signing_config
    # Recorded: a function without a config answers 200 with no members at all (get_function_csc_fnwithoutcsc).
    return {} if arn is None else {"CodeSigningConfigArn": arn, "FunctionName": found.name}


def delete_function_code_signing_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        _signing.check_package(found.latest.package_type)
        found.code_signing_config = None
    return {}
