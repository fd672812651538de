"""Reserved and provisioned concurrency through boto3: configuration, AWS's rules and texts."""

from __future__ import annotations

import re
import threading

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests import probe
from tests.conftest import function_arn
from tests.helpers import ROLE, wait_until

ARN = function_arn("f")
UNQUALIFIED_ONLY = (
    "This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. "
    "Please specify either a function name or an unqualified function ARN."
)
NOT_PUBLISHED = "The function resource provided must be an alias or a published version."
INIT_TYPE = "import os\ndef handler(e, c):\n    return os.environ['AWS_LAMBDA_INITIALIZATION_TYPE']\n"


@pytest.fixture
def published(client, create_function):
    """Function f with versions 1 and 2 and alias "live" on version 1."""
    create_function(Code={"ZipFile": package({"index.py": INIT_TYPE})})
    client.publish_version(FunctionName="f")
    client.update_function_configuration(FunctionName="f", Description="two")
    client.get_waiter("function_updated_v2").wait(FunctionName="f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    return client


def unreserved(client) -> int:
    return client.get_account_settings()["AccountLimit"]["UnreservedConcurrentExecutions"]


# -- reserved concurrency -----------------------------------------------------------------


def test_reservation_round_trip(client, create_function):
    create_function()
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName="f")
    assert "Concurrency" not in client.get_function(FunctionName="f")

    put = client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=10)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert put["ReservedConcurrentExecutions"] == 10
    assert client.get_function_concurrency(FunctionName=ARN)["ReservedConcurrentExecutions"] == 10
    assert client.get_function(FunctionName="f")["Concurrency"] == {"ReservedConcurrentExecutions": 10}
    assert unreserved(client) == 990

    deleted = client.delete_function_concurrency(FunctionName="f")
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert "ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName="f")
    assert "Concurrency" not in client.get_function(FunctionName="f")
    assert unreserved(client) == 1000


def test_a_reservation_leaves_the_account_limit_and_takes_from_the_unreserved(client, create_function):
    # AWS's API reference (AccountLimit): ConcurrentExecutions is the maximum; UnreservedConcurrentExecutions is
    # that maximum "minus the capacity that's reserved for individual functions with PutFunctionConcurrency".
    create_function()
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=40)
    limit = client.get_account_settings()["AccountLimit"]
    assert (limit["ConcurrentExecutions"], limit["UnreservedConcurrentExecutions"]) == (1000, 960)


def test_zero_is_a_reservation(client, create_function):
    create_function()
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    assert client.get_function_concurrency(FunctionName="f")["ReservedConcurrentExecutions"] == 0
    assert unreserved(client) == 1000


def test_replacing_a_reservation_does_not_count_it_twice(client, create_function):
    create_function()
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=900)
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=900)
    assert unreserved(client) == 100


def test_account_limit_is_configurable():
    with mock_lambda(concurrency_limit=250):
        settings = boto3.client("lambda", region_name="eu-west-1").get_account_settings()
    assert settings["AccountLimit"]["ConcurrentExecutions"] == 250
    assert settings["AccountLimit"]["UnreservedConcurrentExecutions"] == 250


def test_a_small_account_keeps_its_whole_limit_unreserved(aws_error):
    # An account whose limit is under 100 keeps all of it unreserved: AWS answers a reservation there with
    # "... below its minimum value of [10]." (quoted in aws-samples/one-observability-demo#278 and
    # aws-samples/alarm-context-tool#2, accounts of 10) or "[50]" (milliHQ/terraform-aws-next-js#251).
    with mock_lambda(concurrency_limit=10):
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                               Code={"ZipFile": package({"index.py": INIT_TYPE})})
        with aws_error(client, "InvalidParameterValueException",
                       "Specified ReservedConcurrentExecutions for function decreases account's "
                       "UnreservedConcurrentExecution below its minimum value of [10].", typed=False):
            client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
        client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)


def test_deleting_the_function_frees_its_reservation(client, create_function):
    create_function()
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=50)
    client.delete_function(FunctionName="f")
    assert unreserved(client) == 1000
    create_function()
    assert "Concurrency" not in client.get_function(FunctionName="f")


def test_reservation_errors(client, create_function, aws_error):
    create_function()
    create_function("g")
    client.put_function_concurrency(FunctionName="g", ReservedConcurrentExecutions=800)
    below = "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100]."
    with aws_error(client, "InvalidParameterValueException", below, typed=False):
        client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=101)
    with aws_error(client, "InvalidParameterValueException", below, typed=False):
        client.put_function_concurrency(FunctionName="g", ReservedConcurrentExecutions=1001)
    for reference in (f"{ARN}:$LATEST", f"{ARN}:1", "f:live"):
        with aws_error(client, "InvalidParameterValueException", UNQUALIFIED_ONLY):
            client.put_function_concurrency(FunctionName=reference, ReservedConcurrentExecutions=1)
        with aws_error(client, "InvalidParameterValueException", UNQUALIFIED_ONLY):
            client.get_function_concurrency(FunctionName=reference)
        with aws_error(client, "InvalidParameterValueException", UNQUALIFIED_ONLY):
            client.delete_function_concurrency(FunctionName=reference)
    missing = function_arn("nope")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {missing}:$LATEST"):
        client.put_function_concurrency(FunctionName="nope", ReservedConcurrentExecutions=0)
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {missing}"):
        client.get_function_concurrency(FunctionName="nope")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {missing}"):
        client.delete_function_concurrency(FunctionName="nope")


def test_negative_or_missing_reservation_is_a_validation_error(raw_client, create_function, aws_error):
    create_function()
    with aws_error(raw_client, "ValidationException", "1 validation error detected: Value '-1' at "
                   "'reservedConcurrentExecutions' failed to satisfy constraint: Member must have value "
                   "greater than or equal to 0"):
        raw_client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=-1)
    with aws_error(raw_client, "ValidationException", re.compile(r"1 validation error detected: Value null at "
                   r"'reservedConcurrentExecutions' failed to satisfy constraint: Member must not be null")):
        raw_client.put_function_concurrency(FunctionName="f")


def test_reservation_cannot_go_below_provisioned(published, aws_error, lambda_mock):
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.wait()
    with aws_error(published, "InvalidParameterValueException",
                   " ReservedConcurrentExecutions  1 should not be lower than function's total provisioned "
                   "concurrency [2].", typed=False):
        published.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=1)
    published.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)


# -- provisioned concurrency --------------------------------------------------------------


@pytest.mark.parametrize("qualifier", ["1", "live"])
def test_provisioned_lifecycle(published, lambda_mock, qualifier):
    put = published.put_provisioned_concurrency_config(
        FunctionName="f", Qualifier=qualifier, ProvisionedConcurrentExecutions=2
    )
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert {k: v for k, v in put.items() if k != "ResponseMetadata"} == {
        "RequestedProvisionedConcurrentExecutions": 2,
        "AvailableProvisionedConcurrentExecutions": 0,
        "AllocatedProvisionedConcurrentExecutions": 0,
        "Status": "IN_PROGRESS",
        "LastModified": put["LastModified"],
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", put["LastModified"])
    lambda_mock.wait()
    ready = published.get_provisioned_concurrency_config(FunctionName="f", Qualifier=qualifier)
    assert {k: v for k, v in ready.items() if k != "ResponseMetadata"} == {
        "RequestedProvisionedConcurrentExecutions": 2,
        "AvailableProvisionedConcurrentExecutions": 2,
        "AllocatedProvisionedConcurrentExecutions": 2,
        "Status": "READY",
        "LastModified": put["LastModified"],
    }
    listed = published.list_provisioned_concurrency_configs(FunctionName="f")["ProvisionedConcurrencyConfigs"]
    assert listed == [{"FunctionArn": f"{ARN}:{qualifier}", **{k: v for k, v in ready.items() if k != "ResponseMetadata"}}]

    deleted = published.delete_provisioned_concurrency_config(FunctionName="f", Qualifier=qualifier)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert published.list_provisioned_concurrency_configs(FunctionName="f")["ProvisionedConcurrencyConfigs"] == []


def test_provisioned_environments_are_initialised_and_serve_first(published, lambda_mock):
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    response = published.invoke(FunctionName="f", Qualifier="live")
    assert response["Payload"].read() == b'"provisioned-concurrency"'
    record = lambda_mock.invocations[-1]
    assert not record.cold and record.init_duration_ms is None
    # $LATEST and other versions never use them.
    assert published.invoke(FunctionName="f")["Payload"].read() == b'"on-demand"'
    assert published.invoke(FunctionName="f", Qualifier="2")["Payload"].read() == b'"on-demand"'


def test_failed_initialisation_reports_failed(client, create_function, lambda_mock):
    create_function(Code={"ZipFile": package({"index.py": "raise RuntimeError('no')\n"})})
    client.publish_version(FunctionName="f")
    client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    config = client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="1")
    assert (config["Status"], config["StatusReason"]) == ("FAILED", "FUNCTION_ERROR_INIT_FAILURE")
    assert (config["AllocatedProvisionedConcurrentExecutions"], config["AvailableProvisionedConcurrentExecutions"]) == (0, 0)


def test_a_provisioned_init_has_more_than_an_on_demand_one(client, create_function, lambda_mock, monkeypatch):
    # Not 10 s (0.2 s here): "130 seconds or the configured function timeout (maximum 900 seconds), whichever is
    # higher" (AWS's execution environment lifecycle guide); scaled to 0 s and a 3 s timeout.
    from lambdamock.runtime import runtime as runtime_module

    monkeypatch.setattr(runtime_module, "_INIT_LIMIT_S", 0.2)
    monkeypatch.setattr(runtime_module, "_AHEAD_INIT_LIMIT_S", 0.0)
    create_function(Timeout=3, Code={"ZipFile": package({"index.py": "import time\ntime.sleep(0.5)\n" + INIT_TYPE})})
    client.publish_version(FunctionName="f")
    client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    assert client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="1")["Status"] == "READY"
    assert client.invoke(FunctionName="f", Qualifier="1")["Payload"].read() == b'"provisioned-concurrency"'


def test_deleting_an_alias_deletes_its_config(published, lambda_mock):
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    published.delete_alias(FunctionName="f", Name="live")
    assert published.list_provisioned_concurrency_configs(FunctionName="f")["ProvisionedConcurrencyConfigs"] == []
    lambda_mock.wait()
    assert published.list_provisioned_concurrency_configs(FunctionName="f")["ProvisionedConcurrencyConfigs"] == []


def test_deleting_an_alias_retires_its_provisioned_environments(published, lambda_mock):
    # Its provisioned concurrency goes with it, and so do the environments kept for it. Nothing public shows an
    # idle environment, so this watches the threads environments run on ("lambdamock:<function>:<id>").
    def environments() -> set[threading.Thread]:
        return {thread for thread in threading.enumerate() if thread.name.startswith("lambdamock:f:")}

    before = environments()
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    provisioned = environments() - before
    assert len(provisioned) == 1
    published.delete_alias(FunctionName="f", Name="live")
    wait_until(lambda: not any(thread.is_alive() for thread in provisioned), timeout=10)
    assert published.invoke(FunctionName="f", Qualifier="1")["Payload"].read() == b'"on-demand"'


def test_config_moves_with_its_alias(published, lambda_mock):
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    published.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    lambda_mock.wait()
    assert published.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")["Status"] == "READY"
    assert published.invoke(FunctionName="f", Qualifier="live")["Payload"].read() == b'"provisioned-concurrency"'
    assert lambda_mock.invocations[-1].executed_version == "2"


def _provisioned_alias_with_a_second_version(client, create_function, lambda_mock, second: str) -> None:
    """Versions 1 (INIT_TYPE) and 2 (``second`` before it), alias "live" on 1 with provisioned concurrency 1, READY."""
    create_function(Code={"ZipFile": package({"index.py": INIT_TYPE})})
    client.publish_version(FunctionName="f")
    client.update_function_code(FunctionName="f", ZipFile=package({"index.py": second + INIT_TYPE}))
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()


COUNTS = ("Status", "AllocatedProvisionedConcurrentExecutions", "AvailableProvisionedConcurrentExecutions")
HELD = "from tests import probe\nprobe.hold()\n"  # version 2's initialisation waits for probe.release()


def test_provisioning_an_alias_gives_its_version_a_new_revision(client, create_function, lambda_mock):
    # Recorded: LocalStack test_lambda.snapshot.json, test_lambda_provisioned_concurrency_moves_with_alias:
    # get_function_before_provisioned has the version's RevisionId from PublishVersion, _after_provisioned another.
    create_function("f", Code={"ZipFile": package({"index.py": INIT_TYPE})})
    published = client.publish_version(FunctionName="f")["RevisionId"]
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    assert client.get_function(FunctionName="f", Qualifier="1")["Configuration"]["RevisionId"] == published
    client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    after = client.get_function(FunctionName="f", Qualifier="live")["Configuration"]["RevisionId"]
    assert after != published
    assert client.get_function(FunctionName="f", Qualifier="1")["Configuration"]["RevisionId"] == after


def test_a_moving_config_keeps_its_allocation_until_the_new_version_is_ready(client, create_function, lambda_mock):
    # Recorded: LocalStack test_lambda.snapshot.json, test_lambda_provisioned_concurrency_moves_with_alias:
    # right after UpdateAlias, IN_PROGRESS with the old allocation still allocated and available.
    probe.reset()
    _provisioned_alias_with_a_second_version(client, create_function, lambda_mock, HELD)
    client.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    wait_until(lambda: probe.inside == 1, timeout=30)  # version 2's environment is initialising
    config = client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")
    assert tuple(config[key] for key in COUNTS) == ("IN_PROGRESS", 1, 1)
    assert client.invoke(FunctionName="f", Qualifier="1")["Payload"].read() == b'"provisioned-concurrency"'
    probe.release()
    lambda_mock.wait()
    config = client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")
    assert tuple(config[key] for key in COUNTS) == ("READY", 1, 1)
    assert client.invoke(FunctionName="f", Qualifier="live")["Payload"].read() == b'"provisioned-concurrency"'
    assert lambda_mock.invocations[-1].executed_version == "2"


def test_the_version_a_config_is_moving_to_cannot_take_a_config_of_its_own(client, create_function, lambda_mock):
    # Recorded: LocalStack test_lambda_api.snapshot.json, TestLambdaProvisionedConcurrency::
    # test_lambda_provisioned_lifecycle (put_provisioned_on_version_conflict): the version an alias with provisioned
    # concurrency points to is refused, while the alias's config is still IN_PROGRESS.
    probe.reset()
    _provisioned_alias_with_a_second_version(client, create_function, lambda_mock, HELD)
    client.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    wait_until(lambda: probe.inside == 1, timeout=30)  # the config is moving to version 2
    try:
        with pytest.raises(client.exceptions.ResourceConflictException) as raised:
            client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="2",
                                                      ProvisionedConcurrentExecutions=1)
    finally:
        probe.release()
    lambda_mock.wait()
    assert raised.value.response["Error"]["Message"] == "Version is pointed by a Provisioned Concurrency alias"
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409


def test_an_alias_moved_back_before_its_move_ends_keeps_its_config_on_the_version_it_points_to(
        client, create_function, lambda_mock):
    probe.reset()
    _provisioned_alias_with_a_second_version(client, create_function, lambda_mock, HELD)
    client.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    wait_until(lambda: probe.inside == 1, timeout=30)
    client.update_alias(FunctionName="f", Name="live", FunctionVersion="1")
    probe.release()
    lambda_mock.wait()
    assert client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")["Status"] == "READY"
    assert client.invoke(FunctionName="f", Qualifier="live")["Payload"].read() == b'"provisioned-concurrency"'
    assert client.invoke(FunctionName="f", Qualifier="2")["Payload"].read() == b'"on-demand"'


def test_a_move_that_fails_leaves_the_config_on_the_new_version(client, create_function, lambda_mock):
    _provisioned_alias_with_a_second_version(client, create_function, lambda_mock, "raise RuntimeError('no')\n")
    client.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    lambda_mock.wait()
    config = client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")
    assert tuple(config[key] for key in COUNTS) == ("FAILED", 0, 0)
    client.update_alias(FunctionName="f", Name="live", Description="only a description")  # not a move
    assert client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")["Status"] == "FAILED"
    # Version 1 is no longer the alias's: a config of its own is taken.
    client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)


def test_provisioned_errors(published, aws_error):
    missing = function_arn("nope")
    cases = [
        ("$LATEST", "InvalidParameterValueException",
         "Provisioned Concurrency Configs cannot be applied to unpublished function versions.",
         NOT_PUBLISHED),
        ("9", "ResourceNotFoundException", f"Function not found: {ARN}:9", f"Function not found: {ARN}:9"),
        ("noalias", "ResourceNotFoundException", f"Cannot find alias arn: {ARN}:noalias",
         f"Cannot find alias arn: {ARN}:noalias"),
    ]
    for qualifier, code, put_text, read_text in cases:
        with aws_error(published, code, put_text):
            published.put_provisioned_concurrency_config(
                FunctionName="f", Qualifier=qualifier, ProvisionedConcurrentExecutions=1)
        with aws_error(published, code, read_text):
            published.get_provisioned_concurrency_config(FunctionName="f", Qualifier=qualifier)
        with aws_error(published, code, read_text):
            published.delete_provisioned_concurrency_config(FunctionName="f", Qualifier=qualifier)
    with aws_error(published, "ResourceNotFoundException", f"Cannot find alias arn: {missing}:noalias"):
        published.put_provisioned_concurrency_config(FunctionName="nope", Qualifier="noalias",
                                                     ProvisionedConcurrentExecutions=1)
    with aws_error(published, "ResourceNotFoundException", f"Function not found: {missing}:1"):
        published.delete_provisioned_concurrency_config(FunctionName="nope", Qualifier="1")
    with aws_error(published, "ResourceNotFoundException", f"Function not found: {missing}"):
        published.list_provisioned_concurrency_configs(FunctionName="nope")
    with aws_error(published, "ProvisionedConcurrencyConfigNotFoundException",
                   "No Provisioned Concurrency Config found for this function"):
        published.get_provisioned_concurrency_config(FunctionName="f", Qualifier="1")
    # Deleting a config that does not exist succeeds.
    assert published.delete_provisioned_concurrency_config(FunctionName="f", Qualifier="1")[
        "ResponseMetadata"]["HTTPStatusCode"] == 204


def test_provisioned_zero_is_a_validation_error(published, raw_client, aws_error):
    with aws_error(raw_client, "ValidationException", "1 validation error detected: Value '0' at "
                   "'provisionedConcurrentExecutions' failed to satisfy constraint: Member must have value "
                   "greater than or equal to 1"):
        raw_client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                      ProvisionedConcurrentExecutions=0)


def test_provisioned_conflicts(published, aws_error, lambda_mock):
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    with aws_error(published, "ResourceConflictException",
                   "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live",
                                                     ProvisionedConcurrentExecutions=1)
    published.delete_provisioned_concurrency_config(FunctionName="f", Qualifier="1")
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    with aws_error(published, "ResourceConflictException", "Version is pointed by a Provisioned Concurrency alias"):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                     ProvisionedConcurrentExecutions=1)


def test_provisioned_limits(published, aws_error, lambda_mock):
    with aws_error(published, "InvalidParameterValueException",
                   "Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [1000].",
                   typed=False):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                     ProvisionedConcurrentExecutions=1001)
    with aws_error(published, "InvalidParameterValueException",
                   "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                   "below its minimum value of [100].", typed=False):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                     ProvisionedConcurrentExecutions=1000)
    published.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.wait()
    too_many = "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function"
    with aws_error(published, "InvalidParameterValueException", too_many):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                     ProvisionedConcurrentExecutions=3)
    with aws_error(published, "InvalidParameterValueException", too_many):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="2",
                                                     ProvisionedConcurrentExecutions=1)


def test_an_alias_on_latest_or_with_weights_takes_no_provisioned_concurrency(published, aws_error, lambda_mock):
    # "you can't allocate provisioned concurrency on an alias that points to the unpublished version ($LATEST)"
    # (configuration-concurrency), in $LATEST's own words; and "you can't manage provisioned concurrency settings on
    # the alias while the routing configuration is in place", in AWS's words as quoted in hashicorp/terraform#24957.
    published.create_alias(FunctionName="f", Name="head", FunctionVersion="$LATEST")
    with aws_error(published, "InvalidParameterValueException",
                   "Provisioned Concurrency Configs cannot be applied to unpublished function versions."):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="head",
                                                     ProvisionedConcurrentExecutions=1)
    published.create_alias(FunctionName="f", Name="canary", FunctionVersion="1",
                           RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}})
    with aws_error(published, "InvalidParameterValueException",
                   "Alias with weights can not be used with Provisioned Concurrency"):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="canary",
                                                     ProvisionedConcurrentExecutions=1)
    assert published.list_provisioned_concurrency_configs(FunctionName="f")["ProvisionedConcurrencyConfigs"] == []


def test_an_alias_with_provisioned_concurrency_moves_only_where_it_can_follow(published, aws_error, lambda_mock):
    # One config to a version ("Two aliases can't allocate provisioned concurrency for the same version",
    # configuration-concurrency) and none on $LATEST: a move that would break either is refused, and changes
    # nothing (AWS's texts for its other ways in; not recorded for UpdateAlias).
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="2", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    with aws_error(published, "InvalidParameterValueException",
                   "Provisioned Concurrency Configs cannot be applied to unpublished function versions."):
        published.update_alias(FunctionName="f", Name="live", FunctionVersion="$LATEST")
    with aws_error(published, "ResourceConflictException",
                   "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version"):
        published.update_alias(FunctionName="f", Name="live", FunctionVersion="2")
    assert published.get_alias(FunctionName="f", Name="live")["FunctionVersion"] == "1"
    config = published.get_provisioned_concurrency_config(FunctionName="f", Qualifier="live")
    assert (config["Status"], config["AllocatedProvisionedConcurrentExecutions"]) == ("READY", 1)


def test_a_config_put_again_replaces_its_own_count(published, aws_error, lambda_mock):
    # A put on a qualifier that has a config changes it (CloudFormation's ProvisionedConcurrentExecutions:
    # "Update requires: No interruption"): its old count is not added to the new one. Under a reservation of 2 fully
    # provisioned, version 1 may go down to 1 or stay at 2; going up is refused with AWS's text (LocalStack
    # test_lambda.snapshot.json, test_reserved_provisioned_overlap, "reserved_equals_provisioned_increase_...").
    published.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
    lambda_mock.wait()
    for count in (2, 1):
        put = published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1",
                                                           ProvisionedConcurrentExecutions=count)
        assert put["RequestedProvisionedConcurrentExecutions"] == count
        lambda_mock.wait()
    with aws_error(published, "InvalidParameterValueException",
                   "Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for "
                   "function"):
        published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=3)


def test_provisioning_within_a_reservation_takes_nothing_more_from_the_unreserved_pool():
    # An account of 102 with 2 reserved for f has exactly its minimum of 100 unreserved. Provisioned concurrency
    # "counts towards a function's reserved concurrency", and may add up to it (the developer guide's
    # provisioned-concurrency page), so f's 2 are provisioned within its reservation; an unreserved function's
    # provisioned concurrency comes out of the pool, and again counts only once when its config is put again.
    with mock_lambda(concurrency_limit=102) as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        for name in ("f", "g"):
            client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="index.handler",
                                   Code={"ZipFile": package({"index.py": INIT_TYPE})}, Publish=True)
        client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=2)
        client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
        mock.wait()
        assert client.get_provisioned_concurrency_config(FunctionName="f", Qualifier="1")["Status"] == "READY"
        client.delete_function_concurrency(FunctionName="f")
        client.delete_provisioned_concurrency_config(FunctionName="f", Qualifier="1")
        client.put_provisioned_concurrency_config(FunctionName="g", Qualifier="1", ProvisionedConcurrentExecutions=2)
        mock.wait()
        client.put_provisioned_concurrency_config(FunctionName="g", Qualifier="1", ProvisionedConcurrentExecutions=2)
        mock.wait()
        assert client.get_provisioned_concurrency_config(FunctionName="g", Qualifier="1")["Status"] == "READY"


def test_the_provisioned_concurrency_of_unreserved_functions_adds_up_against_the_minimum(aws_error):
    # Provisioned concurrency of functions without a reservation comes out of the unreserved pool, which keeps at
    # least 100 (configuration-concurrency); within a reservation it takes nothing more from the pool. In an account
    # of 106, h reserves 2 (and provisions them), f provisions 2: g may provision 2 more, not 3. The text is AWS's
    # for one function (test_provisioned_limits).
    with mock_lambda(concurrency_limit=106) as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        for name in ("f", "g", "h"):
            client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="index.handler",
                                   Code={"ZipFile": package({"index.py": INIT_TYPE})}, Publish=True)
        client.put_function_concurrency(FunctionName="h", ReservedConcurrentExecutions=2)
        client.put_provisioned_concurrency_config(FunctionName="h", Qualifier="1", ProvisionedConcurrentExecutions=2)
        client.put_provisioned_concurrency_config(FunctionName="f", Qualifier="1", ProvisionedConcurrentExecutions=2)
        mock.wait()
        with aws_error(client, "InvalidParameterValueException",
                       "Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution "
                       "below its minimum value of [100].", typed=False):
            client.put_provisioned_concurrency_config(FunctionName="g", Qualifier="1",
                                                      ProvisionedConcurrentExecutions=3)
        client.put_provisioned_concurrency_config(FunctionName="g", Qualifier="1", ProvisionedConcurrentExecutions=2)
        mock.wait()
        assert client.get_provisioned_concurrency_config(FunctionName="g", Qualifier="1")["Status"] == "READY"


def test_listing_by_pages_gives_each_config_once(published, lambda_mock):
    # NextMarker goes with Marker as the model's pagination (botocore's paginators-1.json): the page after a marker
    # starts after it. Whether a full last page carries a marker is not recorded, so only the pages' union is checked.
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="2", ProvisionedConcurrentExecutions=1)
    published.put_provisioned_concurrency_config(FunctionName="f", Qualifier="live", ProvisionedConcurrentExecutions=1)
    lambda_mock.wait()
    first = published.list_provisioned_concurrency_configs(FunctionName="f", MaxItems=1)
    rest = published.list_provisioned_concurrency_configs(FunctionName="f", Marker=first["NextMarker"])
    arns = [c["FunctionArn"] for page in (first, rest) for c in page["ProvisionedConcurrencyConfigs"]]
    assert sorted(arns) == [f"{ARN}:2", f"{ARN}:live"]
    assert "NextMarker" not in rest
