"""Aliases through boto3: CRUD with AWS's rules, and weighted routing that really routes."""

from __future__ import annotations

import json
import math

import boto3
import pytest
from botocore.config import Config

from lambdamock import mock_lambda, package
from tests.conftest import function_arn
from tests.helpers import ROLE

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"
REPORTER = (
    "import os\n"
    "def handler(e, c):\n"
    "    return {'code': CODE, 'context': c.function_version, 'env': os.environ['AWS_LAMBDA_FUNCTION_VERSION'],\n"
    "            'arn': c.invoked_function_arn}\n"
)


def publish(client, code: str) -> str:
    """Make $LATEST's code ``code`` and publish it; the version number."""
    client.update_function_code(FunctionName="f", ZipFile=package({"app.py": f"CODE = {code!r}\n" + REPORTER}))
    return client.publish_version(FunctionName="f")["Version"]


@pytest.fixture
def client():
    with mock_lambda(seed=7):
        lam = boto3.client("lambda", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": "CODE = 'latest'\n" + REPORTER})})
        publish(lam, "one")
        publish(lam, "two")
        yield lam


@pytest.fixture
def raw(client):
    return boto3.client("lambda", region_name="us-east-1", config=Config(parameter_validation=False))


def error_of(call, *args, **kwargs) -> dict:
    with pytest.raises(Exception) as info:
        call(*args, **kwargs)
    response = info.value.response
    return {"code": response["Error"]["Code"], "status": response["ResponseMetadata"]["HTTPStatusCode"],
            "message": response["Error"]["Message"], "type": response.get("Type")}


def test_create_get_update_list_delete(client):
    created = client.create_alias(FunctionName="f", Name="live", FunctionVersion="1", Description="d")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert {k: created[k] for k in ("AliasArn", "Name", "FunctionVersion", "Description")} == {
        "AliasArn": f"{ARN}:live", "Name": "live", "FunctionVersion": "1", "Description": "d"}
    assert "RoutingConfig" not in created
    got = client.get_alias(FunctionName="f", Name="live")
    assert got["RevisionId"] == created["RevisionId"]
    updated = client.update_alias(FunctionName="f", Name="live", FunctionVersion="2",
                                  RoutingConfig={"AdditionalVersionWeights": {"1": 0.25}})
    assert updated["FunctionVersion"] == "2"
    assert updated["RoutingConfig"] == {"AdditionalVersionWeights": {"1": 0.25}}
    assert updated["RevisionId"] != created["RevisionId"]
    cleared = client.update_alias(FunctionName="f", Name="live", RoutingConfig={"AdditionalVersionWeights": {}})
    assert "RoutingConfig" not in cleared and "RoutingConfig" not in client.get_alias(FunctionName="f", Name="live")
    assert [a["Name"] for a in client.list_aliases(FunctionName="f")["Aliases"]] == ["live"]
    assert client.delete_alias(FunctionName="f", Name="live")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.list_aliases(FunctionName="f")["Aliases"] == []
    # Deleting again is fine, as on AWS.
    client.delete_alias(FunctionName="f", Name="live")


def test_every_update_changes_the_revision_and_a_stale_one_is_refused(client):
    first = client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")["RevisionId"]
    second = client.update_alias(FunctionName="f", Name="live")["RevisionId"]
    assert second != first
    assert error_of(client.update_alias, FunctionName="f", Name="live", FunctionVersion="2", RevisionId=first) == {
        "code": "PreconditionFailedException", "status": 412, "type": "User",
        "message": "The Revision Id provided does not match the latest Revision Id. "
                   "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"}
    assert client.get_alias(FunctionName="f", Name="live")["FunctionVersion"] == "1"


def test_list_filters_by_version_and_pages(client):
    for name, version in (("a", "1"), ("b", "2"), ("c", "1")):
        client.create_alias(FunctionName="f", Name=name, FunctionVersion=version)
    assert [a["Name"] for a in client.list_aliases(FunctionName="f", FunctionVersion="1")["Aliases"]] == ["a", "c"]
    page = client.list_aliases(FunctionName="f", MaxItems=2)
    assert [a["Name"] for a in page["Aliases"]] == ["a", "b"]
    rest = client.list_aliases(FunctionName="f", Marker=page["NextMarker"])
    assert [a["Name"] for a in rest["Aliases"]] == ["c"] and "NextMarker" not in rest
    pages = client.get_paginator("list_aliases").paginate(FunctionName="f", PaginationConfig={"PageSize": 1})
    assert [a["Name"] for p in pages for a in p["Aliases"]] == ["a", "b", "c"]


@pytest.mark.parametrize("reference", ["f:live", f"{ARN}:live"])
def test_alias_wherever_a_function_is_named(client, reference):
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    config = client.get_function_configuration(FunctionName=reference)
    assert (config["Version"], config["FunctionArn"]) == ("1", f"{ARN}:live")
    assert client.get_function(FunctionName="f", Qualifier="live")["Configuration"]["FunctionArn"] == f"{ARN}:live"
    response = client.invoke(FunctionName=reference)
    body = json.loads(response["Payload"].read())
    assert response["ExecutedVersion"] == "1"
    assert body == {"code": "one", "context": "1", "env": "1", "arn": f"{ARN}:live"}


def test_weighted_invocations_agree_on_the_version_they_ran(client):
    client.create_alias(FunctionName="f", Name="canary", FunctionVersion="1",
                        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    codes = {"1": "one", "2": "two"}
    for _ in range(40):
        response = client.invoke(FunctionName="f", Qualifier="canary")
        body = json.loads(response["Payload"].read())
        assert body["context"] == body["env"] == response["ExecutedVersion"]
        assert body["code"] == codes[response["ExecutedVersion"]]
        assert body["arn"] == f"{ARN}:canary"


def draws(weight: float, count: int, seed) -> list[str]:
    with mock_lambda(seed=seed) as mock:
        lam = boto3.client("lambda", region_name="us-east-1")
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": "def handler(e, c):\n    return 1\n"})}, Publish=True)
        lam.update_function_configuration(FunctionName="f", Description="v2")
        lam.publish_version(FunctionName="f")
        lam.create_alias(FunctionName="f", Name="a", FunctionVersion="1",
                         RoutingConfig={"AdditionalVersionWeights": {"2": weight}})
        for _ in range(count):
            lam.invoke(FunctionName="f:a")
        return [record.executed_version for record in mock.invocations]


def test_a_seed_makes_the_draws_reproducible():
    assert draws(0.3, 60, seed=42) == draws(0.3, 60, seed=42)
    assert draws(0.3, 60, seed=42) != draws(0.3, 60, seed=43)


@pytest.mark.parametrize("weight", [0.1, 0.5, 0.9])
def test_shares_match_the_weights_at_a_fixed_seed(weight):
    count = 600
    hits = draws(weight, count, seed=1234).count("2")
    # Binomial: at this seed the share must lie within 3.5 standard deviations.
    sigma = math.sqrt(count * weight * (1 - weight))
    assert abs(hits - count * weight) <= 3.5 * sigma


def test_shares_match_the_weights_unseeded():
    count = 400
    hits = draws(0.25, count, seed=None).count("2")
    sigma = math.sqrt(count * 0.25 * 0.75)
    # A wide bound (6 sigma): fails by chance about once in 10^9 runs.
    assert abs(hits - count * 0.25) <= 6 * sigma


# -- AWS's rules ------------------------------------------------------------


def test_duplicate_alias(client):
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    assert error_of(client.create_alias, FunctionName="f", Name="live", FunctionVersion="2") == {
        "code": "ResourceConflictException", "status": 409, "type": "User",
        "message": f"Alias already exists: {ARN}:live"}
    assert client.get_alias(FunctionName="f", Name="live")["FunctionVersion"] == "1"


def test_numeric_alias_name_is_refused(raw):
    assert error_of(raw.create_alias, FunctionName="f", Name="2024", FunctionVersion="1") == {
        "code": "ValidationException", "status": 400, "type": None,
        "message": "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: "
                   "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"}


@pytest.mark.parametrize(("weights", "message"), [
    ({"2": 2}, "1 validation error detected: Value '{2=2.0}' at 'routingConfig.additionalVersionWeights' failed to "
               "satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal "
               "to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"),
    ({"2": -1}, "1 validation error detected: Value '{2=-1.0}' at 'routingConfig.additionalVersionWeights' failed to "
                "satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal "
                "to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]"),
    ({"$LATEST": 0.5}, "1 validation error detected: Value '{$LATEST=0.5}' at 'routingConfig.additionalVersionWeights'"
                       " failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less"
                       " than or equal to 1024, Member must have length greater than or equal to 1, Member must "
                       "satisfy regular expression pattern: [0-9]+]"),
])
def test_weight_validation(raw, weights, message):
    error = error_of(raw.create_alias, FunctionName="f", Name="a", FunctionVersion="1",
                     RoutingConfig={"AdditionalVersionWeights": weights})
    assert error == {"code": "ValidationException", "status": 400, "type": None, "message": message}
    assert raw.list_aliases(FunctionName="f")["Aliases"] == []


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_a_weight_at_either_bound_is_taken(raw, weight):
    # The bounds are inclusive, as the recorded texts above word them ("less than or equal to
    # 1.0", "greater than or equal to 0.0"; botocore's model: min 0.0, max 1.0).
    created = raw.create_alias(FunctionName="f", Name="a", FunctionVersion="1",
                               RoutingConfig={"AdditionalVersionWeights": {"2": weight}})
    assert created["RoutingConfig"] == {"AdditionalVersionWeights": {"2": weight}}


@pytest.mark.parametrize(("version", "weights", "code", "status", "type_", "message"), [
    ("1", {"2": 0.1, "3": 0.1}, "InvalidParameterValueException", 400, "User",
     "Number of items in AdditionalVersionWeights cannot be greater than 1"),
    ("1", {"1": 0.5}, "InvalidParameterValueException", 400, "User",
     "Invalid function version 1. Function version 1 is already included in routing configuration."),
    ("$LATEST", {"1": 0.5}, "InvalidParameterValueException", 400, None,
     "$LATEST is not supported for an alias pointing to more than 1 version"),
    ("9", {}, "ResourceNotFoundException", 404, "User", f"Function not found: {ARN}:9"),
    ("1", {"9": 0.5}, "ResourceNotFoundException", 404, "User", f"Function not found: {ARN}:9"),
])
def test_routing_rules(client, version, weights, code, status, type_, message):
    error = error_of(client.create_alias, FunctionName="f", Name="a", FunctionVersion=version,
                     RoutingConfig={"AdditionalVersionWeights": weights})
    assert error == {"code": code, "status": status, "type": type_, "message": message}
    assert client.list_aliases(FunctionName="f")["Aliases"] == []


def test_weighted_versions_must_share_their_execution_role(client):
    # configuration-aliases: "Both versions must have the same execution role"; the text as AWS's users quote it
    # (serverless-heaven/serverless-aws-alias#64).
    client.update_function_configuration(FunctionName="f", Role=ROLE + "-other")
    client.publish_version(FunctionName="f")
    versions = [entry["Version"] for entry in client.list_versions_by_function(FunctionName="f")["Versions"]]
    other = versions[-1]
    same_role = {"code": "InvalidParameterValueException", "status": 400, "type": "User",
                 "message": "Specified versions must be associated with the same execution role"}
    assert error_of(client.create_alias, FunctionName="f", Name="a", FunctionVersion="1",
                    RoutingConfig={"AdditionalVersionWeights": {other: 0.5}}) == same_role
    client.create_alias(FunctionName="f", Name="a", FunctionVersion="1", RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    assert error_of(client.update_alias, FunctionName="f", Name="a", FunctionVersion=other) == same_role
    assert client.get_alias(FunctionName="f", Name="a")["RoutingConfig"] == {"AdditionalVersionWeights": {"2": 0.5}}


def test_an_update_to_a_missing_version_is_refused_and_changes_nothing(client):
    # UpdateAlias models ResourceNotFoundException (botocore's model), and CreateAlias answers so for a missing
    # target (test_notfound_and_invalid_routingconfigs > target_version_doesnotexist). UpdateAlias's text is not
    # recorded, so only the code and status are pinned.
    created = client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    error = error_of(client.update_alias, FunctionName="f", Name="live", FunctionVersion="9")
    assert (error["code"], error["status"]) == ("ResourceNotFoundException", 404)
    got = client.get_alias(FunctionName="f", Name="live")
    assert (got["FunctionVersion"], got["RevisionId"]) == ("1", created["RevisionId"])


def test_missing_alias_texts_differ_by_operation(client):
    assert error_of(client.get_alias, FunctionName="f", Name="nope")["message"] == f"Cannot find alias arn: {ARN}:nope"
    assert error_of(client.update_alias, FunctionName="f", Name="nope")["message"] == f"Alias not found: {ARN}:nope"
    assert error_of(client.get_function, FunctionName="f:nope")["message"] == f"Function not found: {ARN}:nope"
    assert error_of(client.invoke, FunctionName="f", Qualifier="nope")["message"] == f"Function not found: {ARN}:nope"


def test_a_version_an_alias_uses_cannot_be_deleted(client):
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1",
                        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}})
    for version in ("1", "2"):
        assert error_of(client.delete_function, FunctionName="f", Qualifier=version) == {
            "code": "ResourceConflictException", "status": 409, "type": "User",
            "message": "Unable to delete version because the following aliases reference it: [live]"}
    assert len(client.list_versions_by_function(FunctionName="f")["Versions"]) == 3


def test_deleting_the_function_removes_its_aliases(client):
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.delete_function(FunctionName="f")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": REPORTER})}, Publish=True)
    assert client.list_aliases(FunctionName="f")["Aliases"] == []


# Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaAlias (validated against AWS).


def test_an_alias_created_without_a_description_has_an_empty_one(client):
    # test_alias_lifecycle > create_alias_1_3, get_alias_1_3: "Description": "".
    assert client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")["Description"] == ""
    assert client.get_alias(FunctionName="f", Name="live")["Description"] == ""


def test_update_alias_changes_the_description_and_keeps_it_when_not_given(client):
    # test_alias_lifecycle > update_alias_1_2: an update without members keeps the description.
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1", Description="old")
    assert client.update_alias(FunctionName="f", Name="live")["Description"] == "old"
    assert client.update_alias(FunctionName="f", Name="live", Description="new")["Description"] == "new"
    assert client.get_alias(FunctionName="f", Name="live")["Description"] == "new"


def test_an_alias_of_a_missing_function_names_the_version_asked_for(client, aws_error):
    # test_notfound_and_invalid_routingconfigs > routing_config_exc_fn_doesnotexist.
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {function_arn('f-unknown', '1')}"):
        client.create_alias(FunctionName="f-unknown", Name="custom", FunctionVersion="1")
