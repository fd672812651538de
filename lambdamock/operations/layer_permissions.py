"""Layer version policies: grant, read and revoke lambda:GetLayerVersion."""

from __future__ import annotations

import json
from typing import Any, Optional

from lambdamock.errors import PreconditionFailedException, ResourceConflictException, ResourceNotFoundException
from lambdamock.operations import _layers
from lambdamock.operations._base import Call
from lambdamock.state.layers import Policy

_PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetLayerPolicy API to retrieve the latest Revision Id"
)
_NO_POLICY = "No policy is associated with the given resource."


def _compact(document: Any) -> str:
    # Lambda sends policies as JSON text with no spaces, keys in the order it built them.
    return json.dumps(document, separators=(",", ":"))


def _check_revision(policy: Optional[Policy], expected: Optional[str]) -> None:
    if expected is not None and (policy is None or policy.revision_id != expected):
        raise PreconditionFailedException(_PRECONDITION)


def _principal(principal: str, partition: str) -> Any:
    if principal == "*":
        return "*"
    # The model admits "*", an account id or an account's root ARN.
    return {"AWS": f"arn:{partition}:iam::{principal}:root" if principal.isdigit() else principal}


def add_layer_version_permission(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    sid = params["StatementId"]
    with call.service.lock:
        layer, version = _layers.version(call, params["LayerName"], params["VersionNumber"])
        policy = layer.policies.get(version.number)
        _check_revision(policy, params.get("RevisionId"))
        if policy is not None and policy.has(sid):
            raise ResourceConflictException(
                f"The statement id ({sid}) provided already exists. Please provide a new statement id, "
                "or remove the existing statement."
            )
        statement: dict[str, Any] = {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": _principal(params["Principal"], call.region.partition),
            "Action": params["Action"],
            "Resource": version.arn,
        }
        if params.get("OrganizationId"):
            statement["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": params["OrganizationId"]}}
        changed = layer.policies[version.number] = (policy or Policy()).adding(statement)
        return {"Statement": _compact(statement), "RevisionId": changed.revision_id}


def get_layer_version_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    with call.service.lock:
        layer, version = _layers.version(call, params["LayerName"], params["VersionNumber"])
        policy = layer.policies.get(version.number)
        if policy is None:
            raise ResourceNotFoundException(_NO_POLICY)
        document = {"Version": "2012-10-17", "Id": "default", "Statement": list(policy.statements)}
        return {"Policy": _compact(document), "RevisionId": policy.revision_id}


def remove_layer_version_permission(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    sid = params["StatementId"]
    with call.service.lock:
        layer, version = _layers.version(call, params["LayerName"], params["VersionNumber"])
        policy = layer.policies.get(version.number)
        if policy is None:
            raise ResourceNotFoundException(_NO_POLICY)
        _check_revision(policy, params.get("RevisionId"))
        if not policy.has(sid):
            raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
        remaining = policy.without(sid)
        # The last statement gone, the policy is gone.
        if remaining.statements:
            layer.policies[version.number] = remaining
        else:
            del layer.policies[version.number]
    return {}
