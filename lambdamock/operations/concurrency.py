"""Reserved and provisioned concurrency: the configuration side (enforcement lives in state.concurrency)."""

from __future__ import annotations

from typing import Any, Optional

from lambdamock.errors import (
    InvalidParameterValueException,
    ProvisionedConcurrencyConfigNotFoundException,
    ResourceNotFoundException,
)
from lambdamock.operations import _tenancy
from lambdamock.operations._base import LATEST, Call, not_found, split_reference
from lambdamock.operations._provisioning import UNPUBLISHED, check_conflicts, provision
from lambdamock.state.concurrency import Provisioned
from lambdamock.state.functions import Function

_UNQUALIFIED_ONLY = (
    "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
    "Please specify either a function name or an unqualified function ARN."
)
_NOT_PUBLISHED = "The function resource provided must be an alias or a published version."
# "you can't manage provisioned concurrency settings on the alias while the routing configuration is in place"
# (configuration-concurrency), in AWS's words as its users quote them (hashicorp/terraform#24957).
_WEIGHTED = "Alias with weights can not be used with Provisioned Concurrency"


# -- reserved concurrency ---------------------------------------------------------------


def _unqualified(call: Call, reference: str, missing_qualifier: Optional[str] = None) -> Function:
    name, qualifier = split_reference(call, reference, None)
    if qualifier is not None:
        raise InvalidParameterValueException(_UNQUALIFIED_ONLY)
    found = call.region.functions.get(name)
    if found is None:
        raise not_found(call, name, missing_qualifier)
    return found


def _below_minimum(call: Call, member: str) -> InvalidParameterValueException:
    return InvalidParameterValueException(
        f"Specified {member} for function decreases account's UnreservedConcurrentExecution "
        f"below its minimum value of [{call.region.gate.minimum}].",
        type_=None,
    )


def put_function_concurrency(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    count = params["ReservedConcurrentExecutions"]
    gate = call.region.gate
    with call.service.lock:
        found = _unqualified(call, params["FunctionName"], LATEST)
        provisioned = gate.provisioned_total(found.name)
        if count < provisioned:
            raise InvalidParameterValueException(
                f" ReservedConcurrentExecutions  {count} should not be lower than function's "
                f"total provisioned concurrency [{provisioned}].",
                type_=None,
            )
        # The function's own reservation is replaced, not added to.
        if gate.unreserved() + gate.reserved.get(found.name, 0) - count < gate.minimum:
            raise _below_minimum(call, "ReservedConcurrentExecutions")
        gate.reserve(found.name, count)
    return {"ReservedConcurrentExecutions": count}


def get_function_concurrency(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found = _unqualified(call, params["FunctionName"])
        count = call.region.gate.reserved.get(found.name)
    return {} if count is None else {"ReservedConcurrentExecutions": count}


def delete_function_concurrency(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found = _unqualified(call, params["FunctionName"])
        call.region.gate.reserve(found.name, None)
    return {}


# -- provisioned concurrency ------------------------------------------------------------


def _target(call: Call, params: dict[str, Any], latest_text: str) -> tuple[Function, str, str]:
    """The function, the qualifier (alias or version) and the version it runs."""
    name, qualifier = split_reference(call, params["FunctionName"], params["Qualifier"])
    if qualifier is None or qualifier.startswith(LATEST):
        raise InvalidParameterValueException(latest_text)
    found = call.region.functions.get(name)
    if qualifier.isdigit():
        if found is None or qualifier not in found.versions:
            raise not_found(call, name, qualifier)
        return found, qualifier, qualifier
    alias = found.aliases.get(qualifier) if found is not None else None
    if found is None or alias is None:
        raise ResourceNotFoundException(f"Cannot find alias arn: {call.arn(name)}:{qualifier}")
    return found, qualifier, alias.function_version


def _view(config: Provisioned, arn: Optional[str] = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if arn is not None:
        out["FunctionArn"] = f"{arn}:{config.qualifier}"
    out.update(
        RequestedProvisionedConcurrentExecutions=config.requested,
        AvailableProvisionedConcurrentExecutions=config.allocated,
        AllocatedProvisionedConcurrentExecutions=config.allocated,
        Status=config.status,
        LastModified=config.last_modified.strftime("%Y-%m-%dT%H:%M:%S+0000"),
    )
    if config.reason is not None:
        out["StatusReason"] = config.reason
    return out


def _check_capacity(call: Call, found: Function, configs: dict[str, Provisioned], qualifier: str, count: int) -> None:
    gate = call.region.gate
    replaced = configs[qualifier].requested if qualifier in configs else 0
    reserved = gate.reserved.get(found.name)
    if reserved is not None:
        if gate.provisioned_total(found.name) - replaced + count > reserved:
            raise InvalidParameterValueException(
                "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution "
                "for function"
            )
        return
    if count > gate.limit:
        raise InvalidParameterValueException(
            f"Specified ConcurrentExecutions for function is greater than account's unreserved "
            f"concurrency [{gate.limit}].",
            type_=None,
        )
    if gate.unreserved_capacity() + replaced - count < gate.minimum:
        raise _below_minimum(call, "ConcurrentExecutions")


def put_provisioned_concurrency_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    count = params["ProvisionedConcurrentExecutions"]
    with call.service.lock:
        found, qualifier, version = _target(call, params, UNPUBLISHED)
        alias = found.aliases.get(qualifier)
        if alias is not None and version == LATEST:
            # "you can't allocate provisioned concurrency on an alias that points to the unpublished version"
            # (configuration-concurrency); the text is $LATEST's own.
            raise InvalidParameterValueException(UNPUBLISHED)
        if alias is not None and alias.weights:
            raise InvalidParameterValueException(_WEIGHTED)
        _tenancy.refuse(found.latest.tenant_isolated, "provisioned concurrency")
        configs = call.region.gate.provisioned.get(found.name, {})
        check_conflicts(found, configs, qualifier, version)
        _check_capacity(call, found, configs, qualifier, count)
        config = Provisioned(qualifier, version, count)
        provision(call, found, config)
        return _view(config)


def get_provisioned_concurrency_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, qualifier, _ = _target(call, params, _NOT_PUBLISHED)
        config = call.region.gate.provisioned.get(found.name, {}).get(qualifier)
        if config is None:
            raise ProvisionedConcurrencyConfigNotFoundException(
                "No Provisioned Concurrency Config found for this function"
            )
        return _view(config)


def list_provisioned_concurrency_configs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    marker = params.get("Marker")
    limit = params.get("MaxItems") or 50
    with call.service.lock:
        found = _unqualified(call, params["FunctionName"])
        configs = sorted(call.region.gate.provisioned.get(found.name, {}).values(), key=lambda c: c.qualifier)
        if marker is not None:
            configs = [config for config in configs if config.qualifier > marker]
        out: dict[str, Any] = {"ProvisionedConcurrencyConfigs": [_view(c, found.arn) for c in configs[:limit]]}
        if len(configs) > limit:
            out["NextMarker"] = configs[limit - 1].qualifier
        return out


def delete_provisioned_concurrency_config(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        found, qualifier, version = _target(call, params, _NOT_PUBLISHED)
        if call.region.gate.unconfigure(found.name, qualifier):
            call.service.invoker.retire(found.arn, version)
    return {}
