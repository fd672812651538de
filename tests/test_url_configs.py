"""Function URL configs through boto3: shapes, qualifiers, paging, clean-up and AWS's errors.

Recorded (unless a test says otherwise): LocalStack test_lambda_api.snapshot.json, TestLambdaUrl
("API" below: ::test_url_config_lifecycle, ::test_url_config_exceptions, ::test_url_config_list_paging,
::test_url_config_deletion_without_qualifier) and test_lambda.snapshot.json, TestLambdaURL ("URL"),
all validated against AWS in November 2025.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda
from tests.conftest import ROLE, build_zip, function_arn
from tests.helpers import recorded_pattern

ARN = function_arn("f")
URL = re.compile(r"https://[a-z0-9]{32}\.lambda-url\.us-east-1\.on\.aws/")
NO_FUNCTION = "Function does not exist"
NO_RESOURCE = "The resource you requested does not exist."
MISMATCH = "The derived qualifier from the function name does not match the specified qualifier."
ALIAS_ONLY = r"((?!^\d+$)^[0-9a-zA-Z-_]+$)"
# FunctionUrlConfig's CreationTime and LastModifiedTime (the API reference): "in ISO-8601 format
# (YYYY-MM-DDThh:mm:ss.sTZD)", as w3.org/TR/NOTE-datetime, which it links to, writes it: a fraction of a second, and
# the zone as Z or +hh:mm.
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+(Z|[+-]\d\d:\d\d)")


def not_alias(value: str) -> str:
    return (f"1 validation error detected: Value '{value}' at 'qualifier' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {ALIAS_ONLY}")


@pytest.fixture
def world(client, create_function):
    """Function f with version 1 and alias urlalias -> 1, as the recordings set it up."""
    create_function("f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="urlalias", FunctionVersion="1")
    return client


def shown(response: dict[str, Any]) -> dict[str, Any]:
    """A response without metadata; the URL must have AWS's form and the times be ISO-8601 strings."""
    assert URL.fullmatch(response["FunctionUrl"]), response["FunctionUrl"]
    for key in ("CreationTime", "LastModifiedTime"):
        if key in response:
            assert STAMP.fullmatch(response[key]), response[key]
            datetime.datetime.fromisoformat(response[key].replace("Z", "+00:00"))
    return {key: value for key, value in response.items()
            if key not in ("ResponseMetadata", "FunctionUrl", "CreationTime", "LastModifiedTime")}


def keys(response: dict[str, Any]) -> set[str]:
    return set(response) - {"ResponseMetadata"}


# -- shapes -------------------------------------------------------------------------------------


def test_create_shows_no_invoke_mode_cors_or_last_modified_unless_given(world):
    # API test_url_config_lifecycle "url_creation": 201 with AuthType, CreationTime, FunctionArn, FunctionUrl.
    created = world.create_function_url_config(FunctionName="f", AuthType="NONE")
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert keys(created) == {"FunctionUrl", "FunctionArn", "AuthType", "CreationTime"}
    assert shown(created) == {"FunctionArn": ARN, "AuthType": "NONE"}


def test_create_shows_invoke_mode_and_cors_when_given(world):
    # URL test_lambda_update_function_url_config "create_lambda_url_config": InvokeMode BUFFERED shown.
    cors = {"AllowOrigins": ["https://example.com"], "AllowMethods": ["GET"], "MaxAge": 60}
    created = world.create_function_url_config(FunctionName="f", AuthType="NONE", InvokeMode="BUFFERED", Cors=cors)
    assert shown(created) == {"FunctionArn": ARN, "AuthType": "NONE", "InvokeMode": "BUFFERED", "Cors": cors}


def test_get_always_shows_invoke_mode_and_last_modified(world):
    # API test_url_config_lifecycle "get_url_config": InvokeMode BUFFERED though none was given.
    created = world.create_function_url_config(FunctionName="f", AuthType="NONE")
    got = world.get_function_url_config(FunctionName="f")
    assert keys(got) == {"FunctionUrl", "FunctionArn", "AuthType", "CreationTime", "LastModifiedTime", "InvokeMode"}
    assert shown(got) == {"FunctionArn": ARN, "AuthType": "NONE", "InvokeMode": "BUFFERED"}
    assert (got["FunctionUrl"], got["CreationTime"]) == (created["FunctionUrl"], created["CreationTime"])


def test_update_changes_only_what_it_is_given(world):
    # API test_url_config_lifecycle "updated_url_config": an AuthType update shows no InvokeMode.
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    updated = world.update_function_url_config(FunctionName="f", AuthType="AWS_IAM")
    assert keys(updated) == {"FunctionUrl", "FunctionArn", "AuthType", "CreationTime", "LastModifiedTime"}
    assert shown(updated) == {"FunctionArn": ARN, "AuthType": "AWS_IAM"}
    # URL test_lambda_update_function_url_config: InvokeMode set, then an empty update keeps it.
    assert world.update_function_url_config(FunctionName="f", InvokeMode="RESPONSE_STREAM")["InvokeMode"] == \
        "RESPONSE_STREAM"
    kept = world.update_function_url_config(FunctionName="f")
    assert shown(kept) == {"FunctionArn": ARN, "AuthType": "AWS_IAM", "InvokeMode": "RESPONSE_STREAM"}
    assert shown(world.get_function_url_config(FunctionName="f")) == shown(kept)
    assert kept["LastModifiedTime"] >= updated["LastModifiedTime"] >= updated["CreationTime"]


def test_an_update_moves_last_modified_and_keeps_the_creation_time(world):
    # LastModifiedTime (the API reference, Get's and Update's): "When the function URL configuration was last
    # updated"; CreationTime stays when it was created.
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    before = world.get_function_url_config(FunctionName="f")
    updated = world.update_function_url_config(FunctionName="f", AuthType="AWS_IAM")
    assert updated["LastModifiedTime"] > before["LastModifiedTime"]
    assert updated["CreationTime"] == before["CreationTime"]
    assert world.get_function_url_config(FunctionName="f")["LastModifiedTime"] == updated["LastModifiedTime"]


def test_update_sets_cors(world):
    # UpdateFunctionUrlConfig's Cors (the API reference): "The cross-origin resource sharing (CORS) settings for your
    # function URL"; the response and a later Get show them (moto's test_update_function_url_config_with_cors too).
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    cors = {"AllowOrigins": ["https://example.com"], "AllowMethods": ["POST"], "MaxAge": 5}
    updated = world.update_function_url_config(FunctionName="f", Cors=cors)
    assert shown(updated) == {"FunctionArn": ARN, "AuthType": "NONE", "Cors": cors}
    assert shown(world.get_function_url_config(FunctionName="f"))["Cors"] == cors


def test_an_alias_has_its_own_url_and_deleting_the_unqualified_one_keeps_it(world):
    # API test_url_config_deletion_without_qualifier: the alias's FunctionArn is qualified, and a
    # delete without Qualifier removes only the function's own URL.
    own = world.create_function_url_config(FunctionName="f", AuthType="NONE")
    aliased = world.create_function_url_config(FunctionName="f", Qualifier="urlalias", AuthType="NONE")
    assert aliased["FunctionArn"] == f"{ARN}:urlalias" and aliased["FunctionUrl"] != own["FunctionUrl"]
    assert world.delete_function_url_config(FunctionName="f")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert world.get_function_url_config(FunctionName="f", Qualifier="urlalias")["FunctionUrl"] == aliased["FunctionUrl"]


def test_a_qualified_name_with_the_same_qualifier_names_the_alias(world):
    # API test_url_config_list_paging: FunctionName=f"{fn}:{alias}" with Qualifier=alias works.
    created = world.create_function_url_config(FunctionName="f:urlalias", Qualifier="urlalias", AuthType="NONE")
    assert created["FunctionArn"] == f"{ARN}:urlalias"
    assert world.get_function_url_config(FunctionName=f"{ARN}:urlalias")["FunctionUrl"] == created["FunctionUrl"]


def test_a_url_made_again_has_a_new_address(world, create_function):
    # DeleteFunctionUrlConfig's API documentation (botocore's model) and urls-configuration: "When you delete a
    # function URL, you can't recover it. Creating a new function URL results in a different URL address."
    first = world.create_function_url_config(FunctionName="f", AuthType="NONE")["FunctionUrl"]
    assert world.update_function_url_config(FunctionName="f", AuthType="AWS_IAM")["FunctionUrl"] == first
    world.delete_function_url_config(FunctionName="f")
    second = world.create_function_url_config(FunctionName="f", AuthType="NONE")["FunctionUrl"]
    world.delete_function(FunctionName="f")
    create_function("f")
    third = world.create_function_url_config(FunctionName="f", AuthType="NONE")["FunctionUrl"]
    assert len({first, second, third}) == 3 and all(URL.fullmatch(url) for url in (second, third))


def test_the_first_url_of_a_function_has_the_same_address_in_every_mock():
    urls = []
    for _ in range(2):
        with mock_lambda():
            client = boto3.client("lambda", region_name="us-east-1")
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                                   Code={"ZipFile": build_zip()})
            urls.append(client.create_function_url_config(FunctionName="f", AuthType="NONE")["FunctionUrl"])
    assert urls[0] == urls[1]


def test_list_pages_and_shows_every_config_as_get_does(world, create_function):
    # API test_url_config_list_paging: "list_all_empty" has no NextMarker; "list_all" shows both with
    # InvokeMode BUFFERED; MaxItems=1 pages through them (asserts).
    assert keys(world.list_function_url_configs(FunctionName="f")) == {"FunctionUrlConfigs"}
    assert world.list_function_url_configs(FunctionName="f")["FunctionUrlConfigs"] == []
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    world.create_function_url_config(FunctionName="f", Qualifier="urlalias", AuthType="NONE")
    listed = world.list_function_url_configs(FunctionName="f")["FunctionUrlConfigs"]
    assert sorted(map(shown, listed), key=str) == sorted([
        {"FunctionArn": ARN, "AuthType": "NONE", "InvokeMode": "BUFFERED"},
        {"FunctionArn": f"{ARN}:urlalias", "AuthType": "NONE", "InvokeMode": "BUFFERED"},
    ], key=str)
    assert all(keys(item) == {"FunctionUrl", "FunctionArn", "AuthType", "CreationTime", "LastModifiedTime",
                              "InvokeMode"} for item in listed)
    first = world.list_function_url_configs(FunctionName="f", MaxItems=1)
    second = world.list_function_url_configs(FunctionName="f", MaxItems=1, Marker=first["NextMarker"])
    assert "NextMarker" not in second
    assert sorted(item["FunctionArn"] for item in first["FunctionUrlConfigs"] + second["FunctionUrlConfigs"]) == [
        ARN, f"{ARN}:urlalias"]
    create_function("other")  # another function's list is its own
    assert world.list_function_url_configs(FunctionName="other")["FunctionUrlConfigs"] == []


def test_a_list_without_max_items_shows_50_configs(world):
    # botocore's model, ListFunctionUrlConfigs' MaxItems: "Note that ListFunctionUrlConfigs returns a maximum of
    # 50 items in each response, even if you set the number higher" (and the model allows 50 at most).
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    world.create_function_url_config(FunctionName="f", Qualifier="urlalias", AuthType="NONE")
    for n in range(49):
        world.create_alias(FunctionName="f", Name=f"a{n}", FunctionVersion="1")
        world.create_function_url_config(FunctionName="f", Qualifier=f"a{n}", AuthType="NONE")
    first = world.list_function_url_configs(FunctionName="f")
    assert len(first["FunctionUrlConfigs"]) == 50
    rest = world.list_function_url_configs(FunctionName="f", Marker=first["NextMarker"])
    assert len(rest["FunctionUrlConfigs"]) == 1 and "NextMarker" not in rest
    arns = {item["FunctionArn"] for page in (first, rest) for item in page["FunctionUrlConfigs"]}
    assert arns == {ARN, f"{ARN}:urlalias", *(f"{ARN}:a{n}" for n in range(49))}


def test_deleting_the_alias_or_the_function_deletes_its_urls(world, create_function):
    # URL test_lambda_url_persists_after_alias_delete: once the alias is deleted, Get answers 404.
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    world.create_function_url_config(FunctionName="f", Qualifier="urlalias", AuthType="NONE")
    world.delete_alias(FunctionName="f", Name="urlalias")
    with pytest.raises(world.exceptions.ResourceNotFoundException):
        world.get_function_url_config(FunctionName="f", Qualifier="urlalias")
    # The config itself is gone, not only its alias: the function's list no longer has it, and an alias made
    # again under that name starts without one.
    assert [item["FunctionArn"] for item in world.list_function_url_configs(FunctionName="f")["FunctionUrlConfigs"]] \
        == [ARN]
    world.create_alias(FunctionName="f", Name="urlalias", FunctionVersion="1")
    with pytest.raises(world.exceptions.ResourceNotFoundException):
        world.get_function_url_config(FunctionName="f", Qualifier="urlalias")
    world.delete_function(FunctionName="f")
    create_function("f")
    with pytest.raises(world.exceptions.ResourceNotFoundException):
        world.get_function_url_config(FunctionName="f")


def test_deleting_a_function_keeps_the_urls_of_other_functions(world, create_function):
    # DeleteFunction (the API reference) deletes the function it names, and its URLs with it, nothing else.
    create_function("other")
    kept = world.create_function_url_config(FunctionName="other", AuthType="NONE")
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    world.delete_function(FunctionName="f")
    assert world.get_function_url_config(FunctionName="other")["FunctionUrl"] == kept["FunctionUrl"]


# -- errors -------------------------------------------------------------------------------------


def test_creating_a_second_url_is_a_conflict_with_aws_text(world, aws_error):
    # API test_url_config_lifecycle "failed_duplication": two spaces after "Error message:".
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    text = (f"Failed to create function url config for [functionArn = {ARN}]. Error message:  "
            "FunctionUrlConfig exists for this Lambda function")
    with aws_error(world, "ResourceConflictException", text):
        world.create_function_url_config(FunctionName="f", AuthType="AWS_IAM")


def test_get_after_delete_is_not_found(world, aws_error):
    # API test_url_config_lifecycle "failed_getter".
    world.create_function_url_config(FunctionName="f", AuthType="NONE")
    world.delete_function_url_config(FunctionName="f")
    with aws_error(world, "ResourceNotFoundException", NO_RESOURCE):
        world.get_function_url_config(FunctionName="f")


CALLS = {
    "create": lambda client, **args: client.create_function_url_config(AuthType="NONE", **args),
    "get": lambda client, **args: client.get_function_url_config(**args),
    "update": lambda client, **args: client.update_function_url_config(AuthType="AWS_IAM", **args),
    "delete": lambda client, **args: client.delete_function_url_config(**args),
}
# API test_url_config_exceptions: per case, each operation's answer (Create and Update name a missing
# function so; Get and Delete answer as for a missing URL).
MISSING = {"create": NO_FUNCTION, "update": NO_FUNCTION, "get": NO_RESOURCE, "delete": NO_RESOURCE}


@pytest.mark.parametrize("operation", sorted(CALLS))
@pytest.mark.parametrize("args", [
    {"FunctionName": "doesnotexist"},
    {"FunctionName": function_arn("doesnotexist")},
    {"FunctionName": "f", "Qualifier": "v1"},
], ids=["name", "arn", "missing-alias"])
def test_a_missing_function_or_alias(world, aws_error, operation, args):
    with aws_error(world, "ResourceNotFoundException", MISSING[operation]):
        CALLS[operation](world, **args)


@recorded_pattern("GetFunctionUrlConfig", "Qualifier", ALIAS_ONLY)
@pytest.mark.parametrize("operation", sorted(CALLS))
@pytest.mark.parametrize("qualifier", ["1", "2", "$LATEST"])
def test_the_qualifier_must_be_an_alias_checked_before_the_function(raw_client, world, aws_error, operation,
                                                                      qualifier):
    # API test_url_config_exceptions "*_qualifier_version", "*_qualifier_latest", "*_doesnotexist_qualifier".
    for name in ("f", "doesnotexist"):
        with aws_error(raw_client, "ValidationException", not_alias(qualifier), typed=False):
            CALLS[operation](raw_client, FunctionName=name, Qualifier=qualifier)


@pytest.mark.parametrize("operation", ["create", "get", "update", "delete"])
def test_a_qualifier_that_differs_from_the_name(world, aws_error, operation):
    # API test_url_config_exceptions "*_qualifier_alias_doesnotmatch_arn". For Delete AWS answered an
    # internal failure; lambdamock answers as for the others.
    with aws_error(world, "InvalidParameterValueException", MISMATCH):
        CALLS[operation](world, FunctionName="f:urlalias-doesnotmatch", Qualifier="urlalias")


@pytest.mark.parametrize("operation", ["get", "update", "delete"])
def test_a_function_without_a_url(world, aws_error, operation):
    # API test_url_config_exceptions "*_config_doesnotexist".
    with aws_error(world, "ResourceNotFoundException", NO_RESOURCE):
        CALLS[operation](world, FunctionName="f")


def test_list_of_a_missing_function(world, aws_error):
    # API test_url_config_list_paging "list_function_notfound".
    with aws_error(world, "ResourceNotFoundException", NO_FUNCTION):
        world.list_function_url_configs(FunctionName="doesnotexist")


def test_an_unknown_invoke_mode_lists_aws_s_order(raw_client, world, aws_error):
    # URL test_lambda_url_invalid_invoke_mode.
    text = ("1 validation error detected: Value 'UNKNOWN' at 'invokeMode' failed to satisfy constraint: "
            "Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]")
    with aws_error(raw_client, "ValidationException", text, typed=False):
        raw_client.create_function_url_config(FunctionName="f", AuthType="NONE", InvokeMode="UNKNOWN")


@pytest.mark.parametrize("region", [
    "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2", "ca-west-1",
    "eu-south-2", "eu-central-2", "il-central-1", "me-central-1",
])
def test_regions_without_function_urls_do_not_know_their_operations(create_function, aws_error, region):
    # "Function URLs are not supported in the following AWS Regions: Asia Pacific (Hyderabad) (ap-south-2), ...
    # and Middle East (UAE) (me-central-1)" (urls-configuration, all eleven listed here); AWS's answer as its users
    # quote it (zappa#1425, sst#5327).
    import boto3

    there = boto3.client("lambda", region_name=region)
    create_function("f", via=there)
    text = "Unable to determine service/operation name to be authorized"
    with aws_error(there, "AccessDeniedException", text, typed=False):
        there.create_function_url_config(FunctionName="f", AuthType="NONE")
    with aws_error(there, "AccessDeniedException", text, typed=False):
        there.list_function_url_configs(FunctionName="f")
    with aws_error(there, "AccessDeniedException", text, typed=False):
        there.get_function_url_config(FunctionName="f")
