"""Layer version policies: statements as AWS builds them, RevisionIds, and AWS's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ACCOUNT
from tests.layer_helpers import layer_arn, publish

NO_POLICY = "No policy is associated with the given resource."
PRECONDITION = ("The Revision Id provided does not match the latest Revision Id. "
                "Call the GetLayerPolicy API to retrieve the latest Revision Id")


def grant(client: Any, sid: str = "s1", name: str = "lib", number: int = 1, **overrides: Any) -> dict[str, Any]:
    params = {"LayerName": name, "VersionNumber": number, "StatementId": sid, "Action": "lambda:GetLayerVersion",
              "Principal": "*", **overrides}
    response: dict[str, Any] = client.add_layer_version_permission(**params)
    return response


def statement(sid: str, principal: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Principal": principal, "Action": "lambda:GetLayerVersion",
            "Resource": layer_arn("lib") + ":1", **extra}


def test_policy_lifecycle(client) -> None:
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaLayer::test_layer_policy_lifecycle:
    # the statement as compact JSON with AWS's key order, RevisionId shared with GetLayerVersionPolicy,
    # a new RevisionId at each change, 201 then 204.
    publish(client)
    added = grant(client)
    assert added["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert added["Statement"] == json.dumps(statement("s1"), separators=(",", ":"))
    policy = client.get_layer_version_policy(LayerName="lib", VersionNumber=1)
    assert policy["RevisionId"] == added["RevisionId"]
    assert list(json.loads(policy["Policy"])) == ["Version", "Id", "Statement"]
    assert json.loads(policy["Policy"]) == {"Version": "2012-10-17", "Id": "default", "Statement": [statement("s1")]}
    second = grant(client, "s2", RevisionId=policy["RevisionId"])
    assert second["RevisionId"] != added["RevisionId"]
    both = client.get_layer_version_policy(LayerName="lib", VersionNumber=1)
    assert json.loads(both["Policy"])["Statement"] == [statement("s1"), statement("s2")]
    removed = client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="s2",
                                                     RevisionId=both["RevisionId"])
    assert removed["ResponseMetadata"]["HTTPStatusCode"] == 204
    after = client.get_layer_version_policy(LayerName="lib", VersionNumber=1)
    assert json.loads(after["Policy"])["Statement"] == [statement("s1")]
    assert after["RevisionId"] not in (added["RevisionId"], second["RevisionId"])


def test_principals_and_organisations(client) -> None:
    # botocore's AddLayerVersionPermission example: an account id becomes its root ARN. AWS's developer
    # guide shows the organisation as a StringEquals condition on aws:PrincipalOrgID.
    publish(client)
    assert json.loads(grant(client, "account", Principal="223456789012")["Statement"]) == statement(
        "account", {"AWS": "arn:aws:iam::223456789012:root"})
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert json.loads(grant(client, "root", Principal=root)["Statement"]) == statement("root", {"AWS": root})
    organisation = json.loads(grant(client, "org", OrganizationId="o-t194hfs8cz")["Statement"])
    assert organisation == statement("org", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-t194hfs8cz"}})


def test_policies_belong_to_one_version_and_the_last_removal_ends_it(client, aws_error) -> None:
    publish(client)
    publish(client)
    grant(client)
    with aws_error(client, "ResourceNotFoundException", NO_POLICY):
        client.get_layer_version_policy(LayerName="lib", VersionNumber=2)
    client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="s1")
    with aws_error(client, "ResourceNotFoundException", NO_POLICY):
        client.get_layer_version_policy(LayerName="lib", VersionNumber=1)


def test_policy_errors(client, raw_client, aws_error) -> None:
    # Recorded: TestLambdaLayer::test_layer_policy_exceptions, the key named by each comment.
    publish(client)
    with aws_error(client, "ResourceNotFoundException", NO_POLICY):  # layer_permission_nopolicy_get
        client.get_layer_version_policy(LayerName="lib", VersionNumber=1)
    grant(client)
    text = ("1 validation error detected: Value '*' at 'action' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: lambda:GetLayerVersion")
    with aws_error(client, "ValidationException", text, typed=False):  # layer_permission_action_invalid
        grant(raw_client, "s-x", Action="*")
    text = ("The statement id (s1) provided already exists. Please provide a new statement id, "
            "or remove the existing statement.")
    with aws_error(client, "ResourceConflictException", text):  # layer_permission_duplicate_statement
        grant(client)
    with aws_error(client, "PreconditionFailedException", PRECONDITION):  # layer_permission_wrong_revision
        grant(client, "s2", RevisionId="wrong")
    # layer_permission_layername_doesnotexist_add/_get/_remove and layerversion_doesnotexist_add/_get/_remove:
    for name, number in (("lib-doesnotexist", 1), ("lib", 2)):
        text = f"Layer version {layer_arn(name)}:{number} does not exist."
        with aws_error(client, "ResourceNotFoundException", text):
            grant(client, "s-y", name=name, number=number)
        with aws_error(client, "ResourceNotFoundException", text):
            client.get_layer_version_policy(LayerName=name, VersionNumber=number)
        with aws_error(client, "ResourceNotFoundException", text):
            client.remove_layer_version_permission(LayerName=name, VersionNumber=number, StatementId="s1")
    text = "Statement doesnotexist is not found in resource policy."  # layer_permission_statementid_doesnotexist_remove
    with aws_error(client, "ResourceNotFoundException", text):
        client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="doesnotexist")
    with aws_error(client, "PreconditionFailedException", PRECONDITION):  # layer_permission_wrong_revision_remove
        client.remove_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="s1", RevisionId="wrong")


@pytest.mark.parametrize("name", ["lib", layer_arn("lib")])
def test_a_layer_arn_names_the_layer_too(client, name) -> None:
    # Recorded: test_lambda.py TestLambdaMultiAccounts::test_get_lambda_layer (AddLayerVersionPermission
    # with LayerName=<layer ARN>).
    publish(client)
    grant(client, name=name)
    assert json.loads(client.get_layer_version_policy(LayerName="lib", VersionNumber=1)["Policy"])["Statement"]
