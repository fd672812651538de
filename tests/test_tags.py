"""Tags through boto3: functions and event source mappings, with AWS's merging, limits and texts.

Unless a comment says otherwise, shapes and texts are recorded in LocalStack's
tests/aws/services/lambda_/test_lambda_api.snapshot.json, TestLambdaTag and TestLambdaTags (validated
against AWS 2025-11-25).
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from lambdamock.errors import NotServedError
from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import modeled

ARN = function_arn("f")
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:orders"
PREFIX = f"arn:aws:lambda:{REGION}:{ACCOUNT}"
MISSING_MAPPING = f"{PREFIX}:event-source-mapping:00000000-0000-0000-0000-000000000000"
QUALIFIED = "Tags on function aliases and versions are not supported. Please specify a function ARN."
TOO_MANY = "Number of tags exceeds resource tag limit."
# TestLambdaTags::test_tag_exceptions > tag_lambda_invalidarn: the service's own pattern, not botocore's.
PATTERN = (
    r"arn:(aws[a-zA-Z-]*):lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:\d{12}:"
    r"(function:[a-zA-Z0-9-_]+(:(\$LATEST|[a-zA-Z0-9-_]+))?|layer:([a-zA-Z0-9-_]+)|code-signing-config:csc-[a-z0-9]{17}|"
    r"event-source-mapping:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|"
    r"capacity-provider:[a-zA-Z0-9-_]+)"
)


def invalid_arn(value: str) -> str:
    return (
        f"1 validation error detected: Value '{value}' at 'resource' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {PATTERN}"
    )


@pytest.fixture
def mapping(client, create_function, lambda_mock):
    lambda_mock.queue(QUEUE)
    create_function()
    created = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f")
    return f"{PREFIX}:event-source-mapping:{created['UUID']}"  # older models do not parse EventSourceMappingArn


def revision(client) -> str:
    return client.get_function(FunctionName="f")["Configuration"]["RevisionId"]


def test_function_tag_lifecycle(client, create_function):
    # TestLambdaTags::test_tag_lifecycle and TestLambdaTag::test_tag_lifecycle[lambda_function]
    create_function(Tags={"key_a": "value_a"})
    got = client.get_function(FunctionName="f")
    assert got["Tags"] == {"key_a": "value_a"}
    assert client.list_tags(Resource=ARN)["Tags"] == {"key_a": "value_a"}
    revisions = [got["Configuration"]["RevisionId"]]

    tagged = client.tag_resource(Resource=ARN, Tags={"key_b": "value_b", "key_c": "value_c", "key_d": "value_d"})
    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    revisions.append(revision(client))
    client.tag_resource(Resource=ARN, Tags={"key_b": "value_b", "key_c": "value_x"})
    assert client.list_tags(Resource=ARN)["Tags"] == {
        "key_a": "value_a", "key_b": "value_b", "key_c": "value_x", "key_d": "value_d"}
    revisions.append(revision(client))

    untagged = client.untag_resource(Resource=ARN, TagKeys=["key_c", "key_d", "never-there"])
    assert untagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert client.get_function(FunctionName="f")["Tags"] == {"key_a": "value_a", "key_b": "value_b"}
    revisions.append(revision(client))
    client.untag_resource(Resource=ARN, TagKeys=["key_a", "key_b"])
    assert client.list_tags(Resource=ARN)["Tags"] == {}
    # > get_fn_response_postuntagall: no Tags member at all once none is left.
    assert "Tags" not in client.get_function(FunctionName="f")
    revisions.append(revision(client))
    # Each tag and untag gave the function a new RevisionId.
    assert len(set(revisions)) == 5


def test_a_qualified_get_function_shows_no_tags(client, create_function):
    # AWS docs (configuration-tags): tags apply at the function level, not to versions or aliases; and
    # GetFunction with a Qualifier leaves them out (recorded: LocalStack cloudformation resources
    # test_lambda.snapshot.json, test_lambda_version > get_function_version; hashicorp/terraform-provider-aws#31497
    # with $LATEST).
    create_function(Tags={"team": "a"})
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    assert client.get_function(FunctionName="f")["Tags"] == {"team": "a"}
    for qualified in ({"Qualifier": "1"}, {"Qualifier": "$LATEST"}, {"Qualifier": "live"}, {"FunctionName": "f:1"}):
        assert "Tags" not in client.get_function(**{"FunctionName": "f", **qualified})
    assert client.list_tags(Resource=client.get_function(FunctionName="f")["Configuration"]["FunctionArn"])["Tags"] \
        == {"team": "a"}


def test_untagged_function_lists_no_tags(client, create_function):
    # TestLambdaTags::test_tag_exceptions > list_tag_lambda_empty
    create_function()
    assert client.list_tags(Resource=ARN)["Tags"] == {}
    assert "Tags" not in client.get_function(FunctionName="f")


def test_mapping_tags(client, mapping):
    # TestLambdaTag::test_tag_lifecycle[event_source_mapping]
    assert client.list_tags(Resource=mapping)["Tags"] == {}
    client.tag_resource(Resource=mapping, Tags={"b": "1", "testtag": "y"})
    client.untag_resource(Resource=mapping, TagKeys=["b", "never-there"])
    assert client.list_tags(Resource=mapping)["Tags"] == {"testtag": "y"}
    # The function's tags are its own.
    assert client.list_tags(Resource=ARN)["Tags"] == {}


def test_a_mapping_arn_naming_another_region_does_not_name_this_regions_mapping(client, mapping):
    # An ARN names its region (AWS's ARN format): AWS's answer for another region's is not recorded, only that
    # this region's mapping is not the one it names is pinned.
    elsewhere = mapping.replace(f":{REGION}:", ":eu-west-1:")
    for call, params in (("list_tags", {}), ("tag_resource", {"Tags": {"k": "v"}})):
        with pytest.raises(ClientError):
            getattr(client, call)(Resource=elsewhere, **params)
    assert client.list_tags(Resource=mapping)["Tags"] == {}


@modeled("CreateEventSourceMapping", "Tags")
def test_tags_given_to_a_new_mapping(client, create_function, lambda_mock):
    # TestLambdaTag::test_create_tag_on_esm_create
    lambda_mock.queue(QUEUE)
    create_function()
    created = client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f", Tags={"testtag": "x"})
    assert client.list_tags(Resource=created["EventSourceMappingArn"])["Tags"] == {"testtag": "x"}
    # The mapping's configuration shows none.
    assert "Tags" not in client.get_event_source_mapping(UUID=created["UUID"])


def test_fifty_tags_and_no_more(client, create_function, aws_error):
    # TestLambdaTags::test_tag_limits
    create_function()
    fifty = {f"{k}_key": f"{k}_value" for k in range(50)}
    with aws_error(client, "InvalidParameterValueException", TOO_MANY):
        client.tag_resource(Resource=ARN, Tags={**fifty, "50_key": "50_value"})
    client.tag_resource(Resource=ARN, Tags=fifty)
    assert client.list_tags(Resource=ARN)["Tags"] == fifty
    with aws_error(client, "InvalidParameterValueException", TOO_MANY):
        client.tag_resource(Resource=ARN, Tags={"a_key": "a_value"})
    # Overwriting keeps the count.
    client.tag_resource(Resource=ARN, Tags={"0_key": "new"})
    with aws_error(client, "InvalidParameterValueException", TOO_MANY):
        create_function("g", Tags={**fifty, "50_key": "50_value"})


@modeled("CreateEventSourceMapping", "Tags")
def test_too_many_tags_on_a_new_mapping(client, create_function, lambda_mock, aws_error):
    # Not recorded for event source mappings: the limit and text recorded for functions.
    lambda_mock.queue(QUEUE)
    create_function()
    with aws_error(client, "InvalidParameterValueException", TOO_MANY):
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f",
                                           Tags={f"k{n}": "v" for n in range(51)})
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


@pytest.mark.parametrize(
    ("call", "resource", "code", "message"),
    [
        # TestLambdaTags::test_tag_exceptions > tag_lambda_invalidarn
        ("tag_resource", "arn:aws:something", "ValidationException", invalid_arn("arn:aws:something")),
        # TestLambdaTag::test_tag_exceptions[*] > invalid_arn_exception
        ("list_tags", f"{PREFIX}:foobar:f", "ValidationException", invalid_arn(f"{PREFIX}:foobar:f")),
        # … [event_source_mapping] > aliased_arn_exception
        ("tag_resource", f"{MISSING_MAPPING}:alias", "ValidationException", invalid_arn(f"{MISSING_MAPPING}:alias")),
        # > tag_lambda_doesnotexist; [lambda_function] > not_found_exception_tag/_untag/_list
        ("tag_resource", function_arn("doesnotexist"), "ResourceNotFoundException",
         f"Function not found: {function_arn('doesnotexist')}"),
        ("untag_resource", function_arn("doesnotexist"), "ResourceNotFoundException",
         f"Function not found: {function_arn('doesnotexist')}"),
        ("list_tags", function_arn("doesnotexist"), "ResourceNotFoundException",
         f"Function not found: {function_arn('doesnotexist')}"),
        # > tag_lambda_qualifier_doesnotexist; test_tag_versions; [lambda_function] > aliased_arn_exception
        # (there the function did not even exist)
        ("tag_resource", f"{ARN}:v1", "InvalidParameterValueException", QUALIFIED),
        ("tag_resource", f"{ARN}:1", "InvalidParameterValueException", QUALIFIED),
        ("tag_resource", f"{ARN}:$LATEST", "InvalidParameterValueException", QUALIFIED),
        ("list_tags", f"{function_arn('doesnotexist')}:alias", "InvalidParameterValueException", QUALIFIED),
        # [event_source_mapping] > not_found_exception_*
        ("tag_resource", MISSING_MAPPING, "ResourceNotFoundException", f"Event source mapping not found: {MISSING_MAPPING}"),
        ("untag_resource", MISSING_MAPPING, "ResourceNotFoundException", f"Event source mapping not found: {MISSING_MAPPING}"),
        ("list_tags", MISSING_MAPPING, "ResourceNotFoundException", f"Event source mapping not found: {MISSING_MAPPING}"),
        # [capacity_provider] > not_found_exception_tag: lambdamock has no capacity providers.
        ("tag_resource", f"{PREFIX}:capacity-provider:cp", "ResourceNotFoundException",
         f"Capacity provider not found: {PREFIX}:capacity-provider:cp"),
    ],
)
def test_errors(client, create_function, aws_error, call, resource, code, message):
    create_function()
    params = {"tag_resource": {"Tags": {"k": "v"}}, "untag_resource": {"TagKeys": ["k"]}, "list_tags": {}}[call]
    with aws_error(client, code, message, typed=code != "ValidationException"):
        getattr(client, call)(Resource=resource, **params)


def test_empty_tags_and_empty_keys(client, create_function, aws_error):
    # TestLambdaTags::test_tag_exceptions > tag_empty_tags, > untag_empty_keys
    create_function()
    with aws_error(client, "InvalidParameterValueException", "An error occurred and the request cannot be processed."):
        client.tag_resource(Resource=ARN, Tags={})
    with aws_error(client, "ValidationException",
                   "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: "
                   "Member must not be null", typed=False):
        client.untag_resource(Resource=ARN, TagKeys=[])


def test_a_deleted_function_has_no_tags(client, create_function, aws_error):
    # TestLambdaTags::test_tag_lifecycle > list_tags_postdelete
    create_function(Tags={"a": "b"})
    client.delete_function(FunctionName="f")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {ARN}"):
        client.list_tags(Resource=ARN)
    create_function()
    assert client.list_tags(Resource=ARN)["Tags"] == {}


@pytest.mark.lambda_mock(allow_unserved=True)
def test_tags_of_other_resources_are_not_served(client):
    with pytest.raises(NotServedError, match="layer"):
        client.list_tags(Resource=f"{PREFIX}:layer:shared")


def test_a_code_signing_configs_tags(client, aws_error):
    # TagResource "adds tags to a function, event source mapping, or code signing configuration" (its reference).
    profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/team/abc"
    arn = client.create_code_signing_config(
        AllowedPublishers={"SigningProfileVersionArns": [profile]})["CodeSigningConfig"]["CodeSigningConfigArn"]
    assert client.list_tags(Resource=arn)["Tags"] == {}
    client.tag_resource(Resource=arn, Tags={"team": "web"})
    assert client.list_tags(Resource=arn)["Tags"] == {"team": "web"}
    client.tag_resource(Resource=arn, Tags={"stage": "prod"})
    client.untag_resource(Resource=arn, TagKeys=["team"])
    assert client.list_tags(Resource=arn)["Tags"] == {"stage": "prod"}
    client.delete_code_signing_config(CodeSigningConfigArn=arn)
    with aws_error(client, "ResourceNotFoundException",
                   f"The Lambda code signing configuration {arn} can not be found.", typed=False):
        client.list_tags(Resource=arn)


@modeled("CreateCodeSigningConfig", "Tags")
def test_tags_given_to_create_code_signing_config_are_the_configs(client):
    # CreateCodeSigningConfig's Tags: "A list of tags to add to the code signing configuration" (the model).
    profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/team/abc"
    arn = client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [profile]},
                                            Tags={"team": "web"})["CodeSigningConfig"]["CodeSigningConfigArn"]
    assert client.list_tags(Resource=arn)["Tags"] == {"team": "web"}


RESERVED = ('One or more of your tags had a problem, please ensure none of your tag names start with "aws:", none '
            "are empty, and there are no duplicate tags")


@modeled("CreateEventSourceMapping", "Tags")
def test_tags_that_start_with_aws_are_aws_s_own(client, create_function, lambda_mock, aws_error):
    # The prefix is reserved, in any case; Lambda's text as it answered an untag of CloudFormation's tags
    # (ansible/ansible#50542).
    create_function()
    for tags in ({"aws:team": "web"}, {"AWS:team": "web"}, {"ok": "1", "Aws:x": "2"}):
        with aws_error(client, "InvalidParameterValueException", RESERVED):
            client.tag_resource(Resource=ARN, Tags=tags)
    with aws_error(client, "InvalidParameterValueException", RESERVED):
        client.untag_resource(Resource=ARN, TagKeys=["aws:cloudformation:stack-name"])
    with aws_error(client, "InvalidParameterValueException", RESERVED):
        create_function("g", Tags={"aws:team": "web"})
    lambda_mock.queue(QUEUE)
    with aws_error(client, "InvalidParameterValueException", RESERVED):
        client.create_event_source_mapping(EventSourceArn=QUEUE, FunctionName="f", Tags={"aws:x": "y"})
    profile = "arn:aws:signer:us-east-1:123456789012:/signing-profiles/team/abc"
    with aws_error(client, "InvalidParameterValueException", RESERVED):
        client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [profile]},
                                          Tags={"aws:x": "y"})
    # A code signing config takes 50 tags at most, as every Lambda resource does.
    with aws_error(client, "InvalidParameterValueException", TOO_MANY):
        client.create_code_signing_config(AllowedPublishers={"SigningProfileVersionArns": [profile]},
                                          Tags={f"t{n}": "v" for n in range(51)})
