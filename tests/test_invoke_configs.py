"""Event invoke configs through boto3: shapes, per-qualifier storage, destinations and AWS's errors.

Recorded (unless a test says otherwise): LocalStack test_lambda_api.snapshot.json,
TestLambdaEventInvokeConfig::test_lambda_eventinvokeconfig_exceptions ("EXC" below) and
::test_lambda_eventinvokeconfig_lifecycle ("LIFE"), both validated against AWS in November 2025.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from lambdamock.state.invoke_configs import UNSET, InvokeConfig, InvokeConfigs
from tests.conftest import function_arn
from tests.helpers import wait_until

ARN = function_arn("f")
OTHER = function_arn("other")
QUEUE = "arn:aws:sqs:us-east-1:123456789012:results"
TOPIC = "arn:aws:sns:us-east-1:123456789012:results"
BUS = "arn:aws:events:us-east-1:123456789012:event-bus/default"
BUCKET = "arn:aws:s3:::failures"
EMPTY = {"OnSuccess": {}, "OnFailure": {}}


@pytest.fixture
def world(client, create_function):
    """Function f with version 1 and alias live -> 1, and a second function, other."""
    create_function("f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    create_function("other")
    return client


def shown(response: dict[str, Any]) -> dict[str, Any]:
    """A config without what varies (the time) and the response metadata; LastModified must be a timestamp."""
    assert isinstance(response["LastModified"], datetime.datetime)
    return {key: value for key, value in response.items() if key not in ("LastModified", "ResponseMetadata")}


def wire(client, operation: str) -> list[tuple[int, bytes]]:
    """What the service sends for ``operation`` from now on: status and body of each response."""
    seen: list[tuple[int, bytes]] = []
    client.meta.events.register(
        f"after-call.lambda.{operation}",
        lambda http_response, **_: seen.append((http_response.status_code, http_response.content)),
    )
    return seen


# -- shapes -----------------------------------------------------------------------------------


def test_put_answers_the_qualified_arn_an_empty_destination_config_and_only_the_settings_given(world):
    # EXC/LIFE "put_invokeconfig_retries_0": DestinationConfig always present, unset settings left out.
    assert shown(world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)) == {
        "FunctionArn": f"{ARN}:$LATEST", "MaximumRetryAttempts": 0, "DestinationConfig": EMPTY,
    }
    assert shown(world.get_function_event_invoke_config(FunctionName="f")) == {
        "FunctionArn": f"{ARN}:$LATEST", "MaximumRetryAttempts": 0, "DestinationConfig": EMPTY,
    }


def test_last_modified_is_an_epoch_number_on_the_wire_and_delete_answers_204(world):
    # The model's Date is a timestamp with no format: epoch seconds in rest-json (botocore examples-1.json
    # shows 1573687896.493); LIFE "delete_latest" is a 204 with no body.
    puts, deletes = wire(world, "PutFunctionEventInvokeConfig"), wire(world, "DeleteFunctionEventInvokeConfig")
    world.put_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=60)
    world.delete_function_event_invoke_config(FunctionName="f")
    body = json.loads(puts[0][1])
    assert isinstance(body["LastModified"], (int, float)) and body["LastModified"] > 1.7e9
    assert deletes == [(204, b"")]


def test_put_replaces_and_update_merges(world):
    # EXC "put_pre_overwrite", "put_post_overwrite", "get_post_overwrite", "update_response".
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)
    replaced = world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
    assert "MaximumEventAgeInSeconds" not in replaced
    assert "MaximumEventAgeInSeconds" not in world.get_function_event_invoke_config(FunctionName="f")
    # Repeating the same Put is fine ("second_overwrite_existing_response").
    assert shown(world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)) == shown(replaced)

    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=60)
    updated = world.update_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
    assert (updated["MaximumRetryAttempts"], updated["MaximumEventAgeInSeconds"]) == (0, 60)
    # LIFE "update_invokeconfig_retries": the setting given joins those kept.
    world.put_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=60)
    both = world.update_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    assert (both["MaximumRetryAttempts"], both["MaximumEventAgeInSeconds"]) == (1, 60)


def test_update_keeps_destinations_it_is_not_given_and_moves_last_modified(world):
    # Recorded: LocalStack test_lambda_destinations.snapshot.json, TestLambdaDestinationSqs::test_maxeventage
    # (validated 2025-11-27): after update(MaximumEventAgeInSeconds=90, ...) the OnFailure queue still got the record.
    put = world.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnFailure": {"Destination": QUEUE}})
    # LastModified is "the date and time that the configuration was last updated" (the API reference's
    # FunctionEventInvokeConfig): once the clock has moved past the Put, an Update moves it too.
    wait_until(lambda: datetime.datetime.now(datetime.timezone.utc) - put["LastModified"] > datetime.timedelta(
        milliseconds=5))
    updated = world.update_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=90)
    assert updated["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": QUEUE}}
    assert updated["MaximumEventAgeInSeconds"] == 90
    assert updated["LastModified"] > put["LastModified"]
    assert world.get_function_event_invoke_config(FunctionName="f")["LastModified"] == updated["LastModified"]


def test_update_sets_each_destination_on_its_own_side(world):
    # UpdateFunctionEventInvokeConfig's DestinationConfig names a destination per side (the API reference); the
    # answer shows each where it was given, as Put's does (EXC "put_destination_other_lambda").
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    destinations = {"OnSuccess": {"Destination": TOPIC}, "OnFailure": {"Destination": QUEUE}}
    updated = world.update_function_event_invoke_config(FunctionName="f", DestinationConfig=destinations)
    assert (updated["DestinationConfig"], updated["MaximumRetryAttempts"]) == (destinations, 1)
    assert world.get_function_event_invoke_config(FunctionName="f")["DestinationConfig"] == destinations


@pytest.mark.parametrize(
    ("reference", "qualifier", "suffix"),
    [
        ("f", None, "$LATEST"),  # EXC "put_destination_latest"
        ("f", "$LATEST", "$LATEST"),  # "put_destination_latest_explicit_qualifier"
        ("f", "1", "1"),  # "put_destination_version"
        ("f", "live", "live"),  # "put_alias_functionname_qualifier"
        (f"{ARN}:live", None, "live"),  # "put_alias_qualifiedarn"
        (f"{ARN}:live", "live", "live"),  # "put_alias_qualifiedarn_qualifier"
        ("f:live", None, "live"),  # "put_alias_shorthand"
        ("f:live", "live", "live"),  # "put_alias_shorthand_qualifier"
        ("f:1", None, "1"),  # "put_version_shorthand"
        ("f:$LATEST", "$LATEST", "$LATEST"),  # "put_shorthand_qualifier_match"
    ],
)
def test_every_way_of_naming_the_target_is_accepted(world, reference, qualifier, suffix):
    sent = {"FunctionName": reference, **({"Qualifier": qualifier} if qualifier else {})}
    put = world.put_function_event_invoke_config(**sent, MaximumRetryAttempts=1)
    assert put["FunctionArn"] == f"{ARN}:{suffix}"
    assert world.get_function_event_invoke_config(FunctionName="f", Qualifier=suffix)["FunctionArn"] == f"{ARN}:{suffix}"


def test_configs_belong_to_one_qualifier(world, aws_error):
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    # LIFE "get_invokeconfig" and "get_invokeconfig_latest" are the same config.
    assert shown(world.get_function_event_invoke_config(FunctionName="f", Qualifier="$LATEST")) == shown(
        world.get_function_event_invoke_config(FunctionName="f")
    )
    # LIFE "get_invokeconfig_postpublish": a new version does not inherit $LATEST's config.
    world.publish_version(FunctionName="f", Description="2")
    with aws_error(world, "ResourceNotFoundException", f"The function {ARN}:1 doesn't have an EventInvokeConfig"):
        world.get_function_event_invoke_config(FunctionName="f", Qualifier="1")
    # LIFE "put_published_invokeconfig", "get_published_invokeconfig".
    world.put_function_event_invoke_config(FunctionName="f", Qualifier="1", MaximumEventAgeInSeconds=120)
    assert shown(world.get_function_event_invoke_config(FunctionName="f", Qualifier="1")) == {
        "FunctionArn": f"{ARN}:1", "MaximumEventAgeInSeconds": 120, "DestinationConfig": EMPTY,
    }
    assert world.get_function_event_invoke_config(FunctionName="f")["MaximumRetryAttempts"] == 1


def test_the_range_maxima_are_accepted(world):
    # EXC "put_maxevent_maxvalue_result".
    put = world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=2, MaximumEventAgeInSeconds=21600)
    assert (put["MaximumRetryAttempts"], put["MaximumEventAgeInSeconds"]) == (2, 21600)


# -- destinations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "destinations",
    [
        # EXC "put_destination_other_lambda": a function ARN is answered as given.
        {"OnSuccess": {"Destination": OTHER}},
        {"OnSuccess": {"Destination": f"{OTHER}:$LATEST"}, "OnFailure": {"Destination": QUEUE}},
        # Recorded: LocalStack test_lambda_destinations.snapshot.json, TestLambdaDestinationSqs::
        # test_assess_lambda_destination_invocation "put_function_event_invoke_config" (an SQS queue on both sides).
        {"OnSuccess": {"Destination": QUEUE}, "OnFailure": {"Destination": QUEUE}},
        # SNS, EventBridge and (on failure only) S3: the model's DestinationConfig documentation.
        {"OnSuccess": {"Destination": TOPIC}, "OnFailure": {"Destination": BUS}},
        {"OnFailure": {"Destination": BUCKET}},
    ],
)
def test_destinations_of_each_supported_service_are_kept(world, destinations):
    expected = {side: destinations.get(side, {}) for side in ("OnSuccess", "OnFailure")}
    assert world.put_function_event_invoke_config(FunctionName="f", DestinationConfig=destinations)[
        "DestinationConfig"
    ] == expected
    assert world.get_function_event_invoke_config(FunctionName="f")["DestinationConfig"] == expected


@pytest.mark.parametrize("side", ["OnSuccess", "OnFailure"])
def test_a_side_without_a_destination_is_a_destination_setting(world, side):
    # EXC "put_destination_success_no_destination_arn", "put_destination_failure_no_destination_arn".
    put = world.put_function_event_invoke_config(FunctionName="f", DestinationConfig={side: {}})
    assert put["DestinationConfig"] == EMPTY


@pytest.mark.parametrize(
    ("destinations", "message"),
    [
        # EXC "put_destination_lambda_doesntexist".
        ({"OnSuccess": {"Destination": function_arn("doesnotexist")}},
         f"The destination ARN {function_arn('doesnotexist')} is invalid."),
        # EXC "put_destination_recursive".
        ({"OnSuccess": {"Destination": ARN}}, "You can't specify the function as a destination for itself."),
        # Not recorded: a qualified ARN of the function itself, and a missing version of another, read as above.
        ({"OnFailure": {"Destination": f"{ARN}:live"}}, "You can't specify the function as a destination for itself."),
        ({"OnFailure": {"Destination": f"{OTHER}:9"}}, f"The destination ARN {OTHER}:9 is invalid."),
        # EXC "put_destination_invalid_service_arn"; an unset side is printed as null.
        ({"OnSuccess": {"Destination": ARN.replace(":lambda:", ":iam:")}},
         f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination="
         f"{ARN.replace(':lambda:', ':iam:')}), onFailure=null) is invalid."),
        # The model: "S3 buckets are supported only for on-failure destinations". The text is not recorded:
        # it follows the recorded form of an unsupported destination above.
        ({"OnSuccess": {"Destination": BUCKET}},
         f"The provided destination config DestinationConfig(onSuccess=OnSuccess(destination={BUCKET}), "
         "onFailure=null) is invalid."),
    ],
)
def test_bad_destinations_are_refused_with_aws_texts(world, aws_error, destinations, message):
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    with aws_error(world, "InvalidParameterValueException", message):
        world.put_function_event_invoke_config(FunctionName="f", DestinationConfig=destinations)
    with aws_error(world, "InvalidParameterValueException", message):
        world.update_function_event_invoke_config(FunctionName="f", DestinationConfig=destinations)


@pytest.mark.parametrize(("member", "wire"), [("OnFailure", "onFailure"), ("OnSuccess", "onSuccess")])
def test_a_destination_arn_failing_the_pattern_is_a_validation_error(world, raw_client, aws_error, member, wire):
    # EXC "put_destination_invalid_arn_pattern": ValidationException with no Type and no message member. Recorded
    # for onFailure; onSuccess's destination is the same shape (DestinationArn in botocore's model), checked alike.
    bad = ARN.replace(":lambda:", ":_-/!lambda:")
    pattern = (
        r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
        r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"
    )
    message = (
        f"1 validation error detected: Value '{bad}' at 'destinationConfig.{wire}.destination' "
        f"failed to satisfy constraint: Member must satisfy regular expression pattern: {pattern}"
    )
    with aws_error(raw_client, "ValidationException", message, typed=False):
        raw_client.put_function_event_invoke_config(FunctionName="f", DestinationConfig={member: {"Destination": bad}})


# -- errors -----------------------------------------------------------------------------------


def test_put_with_nothing_to_set_is_refused_before_the_function_is_looked_up(client, raw_client, aws_error):
    # EXC "put_functionname_nootherargs": the function does not exist, yet the answer is this 400.
    with aws_error(raw_client, "InvalidParameterValueException",
                   "You must specify at least one of error handling or destination setting."):
        raw_client.put_function_event_invoke_config(FunctionName="doesnotexist")


@pytest.mark.parametrize("operation", ["put_function_event_invoke_config", "update_function_event_invoke_config"])
@pytest.mark.parametrize("reference", ["doesnotexist", function_arn("doesnotexist")])
def test_put_and_update_of_a_missing_function(world, aws_error, operation, reference):
    # EXC "put_functionname_name_notfound", "put_functionname_arn_notfound",
    # "update_eventinvokeconfig_function_doesnotexist".
    with aws_error(world, "ResourceNotFoundException", "The function doesn't exist."):
        getattr(world, operation)(FunctionName=reference, MaximumRetryAttempts=1)


def test_put_on_a_missing_alias_or_version(world, aws_error):
    # EXC "put_alias_doesnotexist". A missing version is not recorded; it is a missing qualifier all the same.
    for qualifier in ("livedoesnotexist", "9"):
        with aws_error(world, "ResourceNotFoundException", "The function doesn't exist."):
            world.put_function_event_invoke_config(FunctionName="f", Qualifier=qualifier, MaximumRetryAttempts=1)


@pytest.mark.parametrize(
    ("reference", "qualifier"),
    [
        (f"{ARN}:live", "livedoesnotexist"),  # EXC "put_alias_qualifiedarn_qualifierconflict"
        ("f:live", "livedoesnotexist"),  # "put_alias_shorthand_qualifierconflict"
        ("f:1", "$LATEST"),  # "put_shorthand_qualifier_mismatch_1"
        ("f:$LATEST", "1"),  # "put_shorthand_qualifier_mismatch_2"
        ("f:1", "live"),  # "put_shorthand_qualifier_mismatch_3"
    ],
)
def test_a_qualifier_disagreeing_with_the_name_is_refused(world, aws_error, reference, qualifier):
    with aws_error(world, "InvalidParameterValueException",
                   "The derived qualifier from the function name does not match the specified qualifier."):
        world.put_function_event_invoke_config(FunctionName=reference, Qualifier=qualifier, MaximumRetryAttempts=1)


@pytest.mark.parametrize(
    ("sent", "shown_arn"),
    [
        ({"FunctionName": f"{ARN}:live"}, f"{ARN}:live"),  # EXC "..._config_doesnotexist_with_qualifier"
        ({"FunctionName": ARN}, f"{ARN}:$LATEST"),  # "..._config_doesnotexist_without_qualifier"
    ],
)
def test_update_without_a_config(world, aws_error, sent, shown_arn):
    with aws_error(world, "ResourceNotFoundException", f"The function {shown_arn} doesn't have an EventInvokeConfig"):
        world.update_function_event_invoke_config(**sent, MaximumRetryAttempts=0)


@pytest.mark.parametrize("operation", ["get_function_event_invoke_config", "delete_function_event_invoke_config"])
@pytest.mark.parametrize(
    ("sent", "shown_arn"),
    [
        # Get and Delete never say the function is missing (EXC "get_function_doesnotexist",
        # "delete_function_doesnotexist", "get_qualifier_doesnotexist", "get_eventinvokeconfig_doesnotexist",
        # "delete_function_not_found").
        ({"FunctionName": "doesnotexist"}, f"{function_arn('doesnotexist')}:$LATEST"),
        ({"FunctionName": "f", "Qualifier": "doesnotexist"}, f"{ARN}:doesnotexist"),
        ({"FunctionName": f"{ARN}:live"}, f"{ARN}:live"),
        ({"FunctionName": "f"}, f"{ARN}:$LATEST"),
    ],
)
def test_get_and_delete_without_a_config(world, aws_error, operation, sent, shown_arn):
    with aws_error(world, "ResourceNotFoundException", f"The function {shown_arn} doesn't have an EventInvokeConfig"):
        getattr(world, operation)(**sent)


def test_delete_twice(world, aws_error):
    # EXC "delete_latest" then "delete_function_not_found".
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
    world.delete_function_event_invoke_config(FunctionName="f", Qualifier="$LATEST")
    with aws_error(world, "ResourceNotFoundException", f"The function {ARN}:$LATEST doesn't have an EventInvokeConfig"):
        world.delete_function_event_invoke_config(FunctionName="f")


def test_deleting_a_missing_config_is_refused_while_another_qualifier_has_one(world, aws_error):
    # EXC "delete_function_not_found": a qualifier without a config is not found, whatever other qualifiers have.
    world.put_function_event_invoke_config(FunctionName="f", Qualifier="1", MaximumRetryAttempts=0)
    with aws_error(world, "ResourceNotFoundException", f"The function {ARN}:$LATEST doesn't have an EventInvokeConfig"):
        world.delete_function_event_invoke_config(FunctionName="f")
    assert world.get_function_event_invoke_config(FunctionName="f", Qualifier="1")["MaximumRetryAttempts"] == 0


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        # botocore checks only the minima: the service refuses the maxima. Real AWS text quoted in
        # aws-cloudformation/cfn-lint#1926; the MaximumEventAgeInSeconds one follows the same model-driven form.
        ("MaximumRetryAttempts", 5, "Value '5' at 'maximumRetryAttempts' failed to satisfy constraint: "
                                    "Member must have value less than or equal to 2"),
        ("MaximumEventAgeInSeconds", 30000, "Value '30000' at 'maximumEventAgeInSeconds' failed to satisfy "
                                            "constraint: Member must have value less than or equal to 21600"),
    ],
)
@pytest.mark.parametrize("operation", ["put_function_event_invoke_config", "update_function_event_invoke_config"])
def test_settings_beyond_the_maxima_are_refused(world, aws_error, operation, setting, value, message):
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    with aws_error(world, "ValidationException", f"1 validation error detected: {message}", typed=False):
        getattr(world, operation)(FunctionName="f", **{setting: value})


# -- listing ----------------------------------------------------------------------------------


def test_list_covers_latest_versions_and_aliases(world):
    # EXC "list_configs" (sorted by FunctionArn there; AWS's own order is not recorded).
    world.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0, MaximumEventAgeInSeconds=60)
    world.put_function_event_invoke_config(FunctionName="f", Qualifier="1", MaximumRetryAttempts=1)
    world.put_function_event_invoke_config(FunctionName="f", Qualifier="live", MaximumRetryAttempts=1)
    listed = world.list_function_event_invoke_configs(FunctionName="f")
    assert "NextMarker" not in listed
    assert [shown(config) for config in listed["FunctionEventInvokeConfigs"]] == [
        {"FunctionArn": f"{ARN}:$LATEST", "MaximumRetryAttempts": 0, "MaximumEventAgeInSeconds": 60,
         "DestinationConfig": EMPTY},
        {"FunctionArn": f"{ARN}:1", "MaximumRetryAttempts": 1, "DestinationConfig": EMPTY},
        {"FunctionArn": f"{ARN}:live", "MaximumRetryAttempts": 1, "DestinationConfig": EMPTY},
    ]
    # EXC "delete_latest", "delete_version", "delete_alias", then "list_configs_postdelete".
    for qualifier in ("$LATEST", "1", "live"):
        world.delete_function_event_invoke_config(FunctionName="f", Qualifier=qualifier)
    assert world.list_function_event_invoke_configs(FunctionName="f")["FunctionEventInvokeConfigs"] == []


def test_list_pages(world, create_function):
    # EXC: MaxItems=2 of 3 gives a NextMarker; LIFE: Marker=NextMarker, MaxItems=1 gives the rest.
    for number in range(2, 5):
        world.update_function_configuration(FunctionName="f", Description=str(number))
        world.publish_version(FunctionName="f")
    qualifiers = ["$LATEST", "1", "2", "3", "4", "live"]
    for qualifier in qualifiers:
        world.put_function_event_invoke_config(FunctionName="f", Qualifier=qualifier, MaximumRetryAttempts=1)
    first = world.list_function_event_invoke_configs(FunctionName="f", MaxItems=2)
    assert len(first["FunctionEventInvokeConfigs"]) == 2 and first["NextMarker"]
    rest = world.list_function_event_invoke_configs(FunctionName="f", Marker=first["NextMarker"], MaxItems=50)
    assert "NextMarker" not in rest
    pages = world.get_paginator("list_function_event_invoke_configs").paginate(
        FunctionName="f", PaginationConfig={"PageSize": 4}
    )
    arns = [config["FunctionArn"] for page in pages for config in page["FunctionEventInvokeConfigs"]]
    assert arns == [f"{ARN}:{qualifier}" for qualifier in qualifiers]
    assert [c["FunctionArn"] for c in first["FunctionEventInvokeConfigs"] + rest["FunctionEventInvokeConfigs"]] == arns


def test_list_of_a_missing_function(world, aws_error):
    # EXC "list_function_doesnotexist".
    with aws_error(world, "ResourceNotFoundException", "The function doesn't exist."):
        world.list_function_event_invoke_configs(FunctionName="doesnotexist")


# -- what deletion takes with it ----------------------------------------------------------------


def test_deleting_an_alias_a_version_or_the_function_takes_its_config(world, create_function):
    for qualifier in ("$LATEST", "live"):
        world.put_function_event_invoke_config(FunctionName="f", Qualifier=qualifier, MaximumRetryAttempts=1)
    world.delete_alias(FunctionName="f", Name="live")
    world.put_function_event_invoke_config(FunctionName="f", Qualifier="1", MaximumRetryAttempts=1)
    world.delete_function(FunctionName="f", Qualifier="1")
    arns = [c["FunctionArn"] for c in world.list_function_event_invoke_configs(FunctionName="f")["FunctionEventInvokeConfigs"]]
    assert arns == [f"{ARN}:$LATEST"]
    # A function created again under the name starts with no config.
    world.delete_function(FunctionName="f")
    create_function("f")
    world.publish_version(FunctionName="f")
    world.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    assert world.list_function_event_invoke_configs(FunctionName="f")["FunctionEventInvokeConfigs"] == []


# -- the lookup invocations use -------------------------------------------------------------------


def test_the_effective_config_is_the_invoked_qualifiers_own():
    configs = InvokeConfigs()
    latest, alias = InvokeConfig(maximum_retry_attempts=0), InvokeConfig(on_failure=QUEUE)
    configs.put("f", "$LATEST", latest)
    configs.put("f", "live", alias)
    assert configs.effective("f", None) is latest and configs.effective("f", "$LATEST") is latest
    assert configs.effective("f", "live") is alias
    # No inheritance: a version without its own config runs with Lambda's defaults.
    assert configs.effective("f", "1") == UNSET == InvokeConfig()
    assert configs.effective("g", None) == UNSET
    assert (UNSET.maximum_retry_attempts, UNSET.maximum_event_age, UNSET.on_success, UNSET.on_failure) == (None,) * 4
