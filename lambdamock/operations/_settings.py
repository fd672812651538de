"""A function's configuration settings from a request's members, and the checks on them."""

from __future__ import annotations

import re
from typing import Any, Optional

from lambdamock.errors import InvalidParameterValueException, NotServedError
from lambdamock.operations import _neighbours, _tenancy
from lambdamock.operations._base import LATEST, Call
from lambdamock.state.functions import Function

# Configuration members stored as sent and returned as such.
_PASSTHROUGH = ("KMSKeyArn", "FileSystemConfigs", "Architectures", "EphemeralStorage", "TenancyConfig",
                "DurableConfig", "RuntimeConfig", "AcceleratorConfig")
# Request members of Lambda Managed Instances, which lambdamock does not serve: refused, never dropped.
_MANAGED_INSTANCES = ("CapacityProviderConfig", "PublishTo")
_LEVELS = ("ApplicationLogLevel", "SystemLogLevel")
# The runtime update mode that pins a version to one runtime version.
MANUAL = "Manual"
# A VPC is reached through subnets and security groups both. AWS's text, as its users quote it (aws/aws-sdk-js#1293,
# appleboy/lambda-action#72).
_VPC_HALVES = "SubnetIds and SecurityIds must coexist or be both empty list."
# Quoted from Lambda by CloudFormation (aws/aws-cdk#28045); "Json" is as quoted there.
_LEVELS_WITH_TEXT = (
    'LogLevel is not supported when LogFormat is set to "Text". '
    'Remove LogLevel from your request or change the LogFormat to "Json" and try again.'
)


def settings(call: Call, params: dict[str, Any], current: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """Response-shaped configuration members from request members."""
    out = dict(current or {})
    for key in _PASSTHROUGH:
        if key in params:
            out[key] = params[key]
    if out.get("KMSKeyArn") == "":  # an empty key ARN goes back to Lambda's own key, which no configuration shows
        del out["KMSKeyArn"]
    if out.get("FileSystemConfigs") == []:  # none, shown as for a function never given any
        del out["FileSystemConfigs"]
    if "TracingConfig" in params:  # a Mode left out keeps the function's (every recorded answer has one)
        out["TracingConfig"] = {"Mode": "PassThrough", **out.get("TracingConfig", {}), **params["TracingConfig"]}
    dead_letter = params.get("DeadLetterConfig")
    if dead_letter:  # {} changes nothing (recorded: TestLambdaDLQ::test_dead_letter_queue, delete_dlq)
        if dead_letter.get("TargetArn"):
            out["DeadLetterConfig"] = dead_letter
        else:  # an empty TargetArn removes it, as infrastructure tools send it to
            out.pop("DeadLetterConfig", None)
    if "VpcConfig" in params:
        # Recorded: TestLambdaFunction::test_vpc_config (create_response; with empty lists, delete_vpcconfig). A
        # member left out is taken as empty, as infrastructure tools that send VpcConfig={} mean it.
        given = params["VpcConfig"]
        if bool(given.get("SubnetIds")) != bool(given.get("SecurityGroupIds")):
            raise InvalidParameterValueException(_VPC_HALVES)
        out["VpcConfig"] = {"Ipv6AllowedForDualStack": False, "SubnetIds": [], "SecurityGroupIds": [], **given,
                            "VpcId": _neighbours.vpc_id(call, list(given.get("SubnetIds") or []))}
    if params.get("ImageConfig"):
        out["ImageConfigResponse"] = {"ImageConfig": params["ImageConfig"]}
    elif "ImageConfig" in params:  # an empty ImageConfig removes it (test_lambda_image_and_image_config_crud)
        out.pop("ImageConfigResponse", None)
    if "SnapStart" in params:
        out["SnapStart"] = {**params["SnapStart"], "OptimizationStatus": "Off"}
    if "LoggingConfig" in params:
        out["LoggingConfig"] = _logging(out.get("LoggingConfig", {}), params["LoggingConfig"])
    _check_file_systems(current or {}, out)
    return out


def _check_file_systems(before: dict[str, Any], after: dict[str, Any]) -> None:
    """EFS is reached through the function's VPC: no access point without one. AWS's texts as its users report
    them (aws-cloudformation/cfn-lint#4369, quoted by CloudFormation; aws/chalice#1453)."""
    systems = after.get("FileSystemConfigs")
    if not systems or (after.get("VpcConfig") or {}).get("SubnetIds"):
        return
    arn = systems[0]["Arn"]
    if (before.get("VpcConfig") or {}).get("SubnetIds"):
        raise InvalidParameterValueException(
            f"Function VPC configuration cannot be removed with access point {arn} referenced."
        )
    raise InvalidParameterValueException(
        f"Function must be configured to execute in a VPC to reference access point {arn}."
    )


# Runtimes that have SnapStart: Java 11 and later, Python 3.12 and later, .NET 8 and later (AWS's SnapStart guide).
_SNAP_START_RUNTIMES = re.compile(r"java(1[1-9]|[2-9]\d)|python3\.(1[2-9]|[2-9]\d)|dotnet([89]|\d\d)")


def check_snap_start(runtime: Optional[str], settings: dict[str, Any]) -> None:
    """SnapStart on published versions needs a runtime that has it (AWS's text, recorded before python3.12 had
    it: LocalStack test_lambda_api.snapshot.json of 2024-04, TestLambdaSnapStart::test_snapstart_lifecycle), and
    no tenant isolation."""
    if (settings.get("SnapStart") or {}).get("ApplyOn") != "PublishedVersions":
        return
    _tenancy.refuse("TenancyConfig" in settings, "SnapStart")
    if runtime is not None and not _SNAP_START_RUNTIMES.fullmatch(runtime):
        raise InvalidParameterValueException(f"{runtime} is not supported for SnapStart enabled functions.")


def _logging(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """A LoggingConfig after a request: merged, levels only with JSON (INFO unless given)."""
    merged = {**current, **given}
    log_format = merged.get("LogFormat", "Text")
    levels: dict[str, str] = {}
    if log_format == "JSON":
        levels = {key: merged.get(key, "INFO") for key in _LEVELS}
    elif any(key in given for key in _LEVELS):
        raise InvalidParameterValueException(_LEVELS_WITH_TEXT)
    # Every function has a LogGroup from its creation (/aws/lambda/<name>).
    return {"LogFormat": log_format, **levels, "LogGroup": merged["LogGroup"]}


def check_runtime_change(found: Function, runtime: Optional[str]) -> None:
    """AWS's refusal of a new runtime for a $LATEST pinned to a runtime version (its text, as
    hashicorp/terraform-provider-aws#42699 quotes it)."""
    if runtime is not None and runtime != found.latest.runtime and found.runtime_update(LATEST).mode == MANUAL:
        raise InvalidParameterValueException(
            "Cannot change runtime identifier when runtime management configuration is set to 'Manual'. "
            "Change the runtime management configuration to 'Auto' or 'FunctionUpdate', then retry."
        )


def refuse_managed_instances(params: dict[str, Any]) -> None:
    for member in _MANAGED_INSTANCES:
        if member in params:
            raise NotServedError(f"lambdamock does not serve Lambda Managed Instances ({member}) yet")
