"""Resource-based policies of functions, versions and aliases: AddPermission and its kin, and the resource-policy API."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any, NamedTuple, Optional

from lambdamock.errors import (
    InvalidParameterValueException,
    NotServedError,
    PolicyLengthExceededException,
    PreconditionFailedException,
    ResourceConflictException,
    ResourceNotFoundException,
)
from lambdamock.operations._base import LATEST, Call, function, not_found, split_reference
from lambdamock.state import policies
from lambdamock.state.functions import Function, new_revision
from lambdamock.state.policies import Policy

# AWS's texts, recorded in LocalStack's test_lambda_api.snapshot.json, TestLambdaPermissions (validated
# against AWS 2025-11-25) unless a comment says otherwise.
_LATEST = "We currently do not support adding policies for $LATEST."
_BAD_PRINCIPAL = "The provided principal was invalid. Please check the principal and try again."
# An IAM ARN AWS cannot parse: its text as aws/aws-sdk#388 quotes it (no spaces around the value).
_BAD_IAM_ARN = (
    "The provided input'{}'was invalid. Member must satisfy expression: [\\w+=,.@-]* "
    "Please check your input and try again."
)
_NO_RESOURCE = "The resource you requested does not exist."
_NO_POLICY = "No policy is associated with the given resource."
_PRECONDITION = (
    "The Revision Id provided does not match the latest Revision Id. "
    "Call the GetPolicy API to retrieve the latest Revision Id"
)
# Not recorded: lambdamock's words for a PutResourcePolicy document that is no policy.
_BAD_DOCUMENT = "The provided policy document is invalid. Please check the policy and try again."
# AWS's text, as its users quote it (RJPearson94/terraform-aws-open-next#73, for a lambda:InvokeFunction statement).
_URL_AUTH_ACTION = "FunctionUrlAuthType is only supported for lambda:InvokeFunctionUrl action"
# AWS's limit and text, as AWS answered them in public reports (e.g. github.com/adobe/helix-deploy/issues/24).
_SIZE_LIMIT = 20480
# An alias name: letters, digits, "-" and "_", not only digits. Any other qualifier names a version.
_ALIAS = re.compile(r"(?!\d+\Z)[a-zA-Z0-9_-]+")
# AddPermission's optional members and the condition each writes, in the order AWS writes them.
_STRING_EQUALS = (
    ("SourceAccount", "AWS:SourceAccount"),
    ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),
    ("PrincipalOrgID", "aws:PrincipalOrgID"),
    ("EventSourceToken", "lambda:EventSourceToken"),
)


class _Target(NamedTuple):
    """What a policy hangs on: the function, the policy's key, the ARN it guards and that thing's RevisionId."""

    function: Function
    key: str
    arn: str
    revision_id: str


def _target(call: Call, found: Function, qualifier: Optional[str]) -> _Target:
    """The function ($LATEST or unqualified), version or alias a qualifier names; AWS's 404 when missing."""
    if qualifier is None or qualifier == LATEST:
        return _Target(found, LATEST, found.arn, found.latest.revision_id)
    arn = f"{found.arn}:{qualifier}"
    if _ALIAS.fullmatch(qualifier):
        alias = found.aliases.get(qualifier)
        if alias is None:
            raise ResourceNotFoundException(f"Cannot find alias arn: {arn}")
        return _Target(found, qualifier, arn, alias.revision_id)
    version = found.versions.get(qualifier)
    if version is None:
        raise not_found(call, found.name, qualifier)
    return _Target(found, qualifier, arn, version.revision_id)


def _check_revision(target: _Target, expected: Optional[str]) -> None:
    # The policy's RevisionId; before there is a policy, the one of what it will guard (recorded for an
    # alias: its RevisionId from CreateAlias was accepted). The two differ once the function changed
    # (a publish gives $LATEST a new one, not its policy: test_lambda_permission_fn_versioning,
    # get_policy_after_adding_2 accepted the policy's).
    policy = target.function.policies.get(target.key)
    current = policy.revision_id if policy is not None else target.revision_id
    if expected is not None and expected != current:
        raise PreconditionFailedException(_PRECONDITION)


def _store(target: _Target, policy: Optional[Policy]) -> None:
    """Keep ``policy`` on the target (None: it has none left); the target takes the policy's new RevisionId.

    As on AWS, a change of its policy is a change of the function, version or alias: recorded in
    test_lambda_permission_revisions (2022, get_function_fn9_v1 is get_policy_v1_after_add_permission9)
    and asserted by test_function_revisions_permissions (validated 2024: GetFunction's RevisionId after
    AddPermission is GetPolicy's, and a new one after RemovePermission).
    """
    function = target.function
    if policy is None:
        del function.policies[target.key]
        revision = new_revision()
    else:
        size = len(policy.text)
        if size > _SIZE_LIMIT:
            raise PolicyLengthExceededException(
                f"The final policy size ({size}) is bigger than the limit ({_SIZE_LIMIT})."
            )
        function.policies[target.key] = policy
        revision = policy.revision_id
    if target.key == LATEST:
        function.latest = dataclasses.replace(function.latest, revision_id=revision)
    elif target.key in function.aliases:
        function.aliases[target.key] = dataclasses.replace(function.aliases[target.key], revision_id=revision)
    else:
        function.versions[target.key] = dataclasses.replace(function.versions[target.key], revision_id=revision)


def _statement(params: dict[str, Any], resource: str) -> dict[str, Any]:
    """The statement AddPermission writes: AWS's members, in AWS's order."""
    principal = policies.principal(params["Principal"], resource.split(":")[1])
    if principal is None:
        given = params["Principal"]
        if given.startswith("arn:") and given.split(":")[2:3] == ["iam"]:
            raise InvalidParameterValueException(_BAD_IAM_ARN.format(given))
        raise InvalidParameterValueException(_BAD_PRINCIPAL)
    if "FunctionUrlAuthType" in params and params["Action"].lower() != "lambda:invokefunctionurl":
        raise InvalidParameterValueException(_URL_AUTH_ACTION)
    statement: dict[str, Any] = {
        "Sid": params["StatementId"], "Effect": "Allow", "Principal": principal,
        "Action": params["Action"], "Resource": resource,
    }
    condition: dict[str, dict[str, str]] = {}
    equals = {key: params[member] for member, key in _STRING_EQUALS if member in params}
    if equals:
        condition["StringEquals"] = equals
    if "SourceArn" in params:
        condition["ArnLike"] = {"AWS:SourceArn": params["SourceArn"]}
    if params.get("InvokedViaFunctionUrl"):
        # Not recorded: the form AWS documents for function URL callers since October 2025.
        condition["Bool"] = {"lambda:InvokedViaFunctionUrl": "true"}
    if condition:
        statement["Condition"] = condition
    return statement


def add_permission(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = split_reference(call, params["FunctionName"], params.get("Qualifier"))
    if qualifier == LATEST:
        raise InvalidParameterValueException(_LATEST)
    with call.service.lock:
        found, _ = function(call, name)
        target = _target(call, found, qualifier)
        _check_revision(target, params.get("RevisionId"))
        statement = _statement(params, target.arn)
        sid = statement["Sid"]
        current = found.policies.get(target.key) or Policy(target.arn)
        if current.find(sid) is not None:
            raise ResourceConflictException(
                f"The statement id ({sid}) provided already exists. Please provide a new statement id, "
                "or remove the existing statement."
            )
        _store(target, current.adding(statement))
    return {"Statement": json.dumps(statement, separators=(",", ":"), ensure_ascii=False)}


def get_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    return _shown(call, *split_reference(call, params["FunctionName"], params.get("Qualifier")))


def _shown(call: Call, name: str, qualifier: Optional[str]) -> dict[str, Any]:
    with call.service.lock:
        try:
            found, _ = function(call, name)
            policy = found.policies.get(_target(call, found, qualifier).key)
        except ResourceNotFoundException:
            # GetPolicy words every missing thing alike: function, version, alias or policy.
            policy = None
        if policy is None:
            raise ResourceNotFoundException(_NO_RESOURCE)
        return {"Policy": policy.text, "RevisionId": policy.revision_id}


def remove_permission(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = split_reference(call, params["FunctionName"], params.get("Qualifier"))
    sid = params["StatementId"]
    with call.service.lock:
        target, policy = _existing(call, name, qualifier)
        if policy.find(sid) is None:
            raise ResourceNotFoundException(f"Statement {sid} is not found in resource policy.")
        _check_revision(target, params.get("RevisionId"))
        # Without statements there is no policy: GetPolicy then answers 404.
        _store(target, policy.removing(sid))
    return {}


def _existing(call: Call, name: str, qualifier: Optional[str]) -> tuple[_Target, Policy]:
    """A policy to take from, with RemovePermission's 404s when there is none."""
    found = call.region.functions.get(name)
    if found is None:
        raise ResourceNotFoundException(f"No policy found for: {call.arn(name)}")
    target = _target(call, found, qualifier)
    policy = found.policies.get(target.key)
    if policy is None:
        raise ResourceNotFoundException(_NO_POLICY)
    return target, policy


# -- the resource-policy API (2026-07-09): whole documents, the same store as AddPermission's ------------

def _resource(call: Call, arn: str) -> tuple[str, Optional[str]]:
    """The function name and qualifier a ResourceArn names."""
    if arn.split(":", 5)[-1].startswith("runtime/"):
        raise NotServedError("lambdamock does not serve resource policies of runtimes")
    return split_reference(call, arn, None)


def put_resource_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _resource(call, params["ResourceArn"])
    if qualifier == LATEST:
        raise InvalidParameterValueException(_LATEST)
    resource = call.arn(name) if qualifier is None else f"{call.arn(name)}:{qualifier}"
    policy = Policy.parse(resource, params["Policy"])
    if policy is None:
        raise InvalidParameterValueException(_BAD_DOCUMENT)
    with call.service.lock:
        found, _ = function(call, name)
        target = _target(call, found, qualifier)
        _check_revision(target, params.get("RevisionId"))
        _store(target, policy)
        return {"Policy": policy.text, "RevisionId": policy.revision_id}


def get_resource_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    return _shown(call, *_resource(call, params["ResourceArn"]))


def delete_resource_policy(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    name, qualifier = _resource(call, params["ResourceArn"])
    with call.service.lock:
        target, _ = _existing(call, name, qualifier)
        _check_revision(target, params.get("RevisionId"))
        _store(target, None)
    return {}
