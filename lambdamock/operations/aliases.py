"""Aliases: create, read, update, delete and list, with weighted routing."""

from __future__ import annotations

from typing import Any, Iterator, Optional

from lambdamock.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from lambdamock.operations._base import LATEST, Call, function, not_found
from lambdamock.operations._provisioning import UNPUBLISHED, check_conflicts, provision
from lambdamock.state.aliases import Alias
from lambdamock.state.concurrency import Provisioned
from lambdamock.state.functions import Function

_PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
)


def _view(found: Function, alias: Alias) -> dict[str, Any]:
    out: dict[str, Any] = {
        "AliasArn": f"{found.arn}:{alias.name}",
        "Name": alias.name,
        "FunctionVersion": alias.function_version,
        "Description": alias.description,
        "RevisionId": alias.revision_id,
    }
    if alias.weights:
        out["RoutingConfig"] = {"AdditionalVersionWeights": dict(alias.weights)}
    return out


def _weights(call: Call, found: Function, primary: str, routing: Optional[dict[str, Any]]) -> dict[str, float]:
    weights: dict[str, float] = dict((routing or {}).get("AdditionalVersionWeights") or {})
    if len(weights) > 1:
        raise InvalidParameterValueException("Number of items in AdditionalVersionWeights cannot be greater than 1")
    if weights and primary == LATEST:
        raise InvalidParameterValueException(
            "$LATEST is not supported for an alias pointing to more than 1 version", type_=None
        )
    for version in weights:
        if version == primary:
            raise InvalidParameterValueException(
                f"Invalid function version {version}. Function version {version} is already included in routing "
                "configuration."
            )
        if version == LATEST:
            raise InvalidParameterValueException(
                "$LATEST is not supported for an alias pointing to more than 1 version", type_=None
            )
        if version not in found.versions:
            raise not_found(call, found.name, version)
        if found.versions[version].role != found.versions[primary].role:
            # As AWS's users quote it (serverless-heaven/serverless-aws-alias#64); configuration-aliases: "Both
            # versions must have the same execution role".
            raise InvalidParameterValueException("Specified versions must be associated with the same execution role")
    return {version: float(weight) for version, weight in weights.items()}


def _target(call: Call, found: Function, version: str) -> None:
    if found.get(version) is None:
        raise not_found(call, found.name, version)


def _alias(call: Call, found: Function, name: str, missing: str) -> Alias:
    alias = found.aliases.get(name)
    if alias is None:
        raise ResourceNotFoundException(f"{missing}: {found.arn}:{name}")
    return alias


def create_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        # A missing function is named with the version asked for (test_notfound_and_invalid_routingconfigs).
        found, _ = function(call, params["FunctionName"], missing=params["FunctionVersion"])
        name, primary = params["Name"], params["FunctionVersion"]
        _target(call, found, primary)
        weights = _weights(call, found, primary, params.get("RoutingConfig"))
        if name in found.aliases:
            raise ResourceConflictException(f"Alias already exists: {found.arn}:{name}")
        alias = Alias(name, primary, params.get("Description", "")).changed(weights=weights)
        found.aliases[name] = alias
        return _view(found, alias)


def get_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        return _view(found, _alias(call, found, params["Name"], "Cannot find alias arn"))


def update_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        alias = _alias(call, found, params["Name"], "Alias not found")
        expected = params.get("RevisionId")
        if expected is not None and expected != alias.revision_id:
            raise PreconditionFailedException(_PRECONDITION)
        primary = params.get("FunctionVersion", alias.function_version)
        _target(call, found, primary)
        routing = params.get("RoutingConfig", {"AdditionalVersionWeights": dict(alias.weights)})
        changes: dict[str, Any] = {"function_version": primary, "weights": _weights(call, found, primary, routing)}
        if "Description" in params:
            changes["description"] = params["Description"]
        configs = call.region.gate.provisioned.get(found.name, {})
        config = configs.get(alias.name)
        moves = config is not None and (config.moving_to or config.version) != primary
        if moves:  # its provisioned concurrency must be able to follow it (not recorded: AWS's words for Put's cases)
            if primary == LATEST:
                raise InvalidParameterValueException(UNPUBLISHED)
            check_conflicts(found, configs, alias.name, primary)
        updated = alias.changed(**changes)
        found.aliases[alias.name] = updated
        if config is not None and moves:
            # Its provisioned concurrency moves with the alias, re-initialised for the new version.
            provision(call, found, Provisioned(alias.name, config.version, config.requested,
                                               allocated=config.allocated, moving_to=primary))
        return _view(found, updated)


def delete_alias(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        # Its policy and provisioned concurrency go with it.
        alias = found.aliases.pop(params["Name"], None)
        found.policies.pop(params["Name"], None)
        if alias is None:
            return {}
        # Its event invoke config, function URL, policy and provisioned concurrency go with it.
        call.region.invoke_configs.drop(found.name, alias.name)
        call.region.urls.drop(found.name, alias.name)
        if call.region.gate.unconfigure(found.name, alias.name):
            call.service.invoker.retire(found.arn, alias.function_version)
    return {}


def list_aliases(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    wanted = params.get("FunctionVersion")
    marker = params.get("Marker")
    limit = params.get("MaxItems") or 50
    with call.service.lock:
        found, _ = function(call, params["FunctionName"])
        names = sorted(found.aliases)

        def matching() -> Iterator[Alias]:
            for name in names:
                if marker is not None and name <= marker:
                    continue
                alias = found.aliases[name]
                if wanted is None or wanted in alias.versions():
                    yield alias

        page: list[dict[str, Any]] = []
        for alias in matching():
            if len(page) == limit:
                return {"Aliases": page, "NextMarker": page[-1]["Name"]}
            page.append(_view(found, alias))
    return {"Aliases": page}
