"""Runtime management (per version) and the recursive loop setting through boto3, with AWS's texts."""

from __future__ import annotations

import re

import botocore.session
import pytest

from tests.conftest import function_arn

MODEL = botocore.session.get_session().get_service_model("lambda")
# PutFunctionRecursionConfig came with botocore 1.35 (2024-08); the oldest supported botocore lacks it.
recursion_modeled = pytest.mark.skipif(
    "PutFunctionRecursionConfig" not in MODEL.operation_names, reason="this botocore has no recursion config"
)
RUNTIME_VERSION = "arn:aws:lambda:us-east-1::runtime:8eeff65f6809a3ce81507fe733fe09b835899b99481ba22fd75b5a7338290ec1"
OLDER_RUNTIME_VERSION = "arn:aws:lambda:us-east-1::runtime:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
# AWS's texts for these are not recorded: lambdamock's own (see docs/limitations.md).
MANUAL_NEEDS_ARN = "RuntimeVersionArn must be specified when UpdateRuntimeOn is Manual."


def arn_only_with_manual(mode: str) -> str:
    return f"RuntimeVersionArn can only be specified when UpdateRuntimeOn is Manual, not {mode}."


def body(response: dict) -> dict:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


@pytest.fixture
def versioned(client, create_function):
    """Function f with version 1 and alias "live" on it."""
    create_function("f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    return client


# -- runtime management -----------------------------------------------------------------------


def test_auto_is_the_default(client, create_function, arn):
    create_function("f")
    # The model: "Auto (default)"; no runtime version ARN outside Manual mode.
    assert body(client.get_runtime_management_config(FunctionName="f")) == {
        "UpdateRuntimeOn": "Auto", "FunctionArn": arn("f"),
    }


@pytest.mark.parametrize("mode", ["FunctionUpdate", "Auto"])
def test_put_a_mode(client, create_function, arn, mode):
    create_function("f")
    put = client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn=mode)
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(put) == {"UpdateRuntimeOn": mode, "FunctionArn": arn("f")}
    assert body(client.get_runtime_management_config(FunctionName="f")) == body(put)


def test_manual_pins_a_runtime_version(client, create_function, arn):
    create_function("f")
    put = client.put_runtime_management_config(
        FunctionName="f", UpdateRuntimeOn="Manual", RuntimeVersionArn=RUNTIME_VERSION
    )
    expected = {"UpdateRuntimeOn": "Manual", "FunctionArn": arn("f"), "RuntimeVersionArn": RUNTIME_VERSION}
    assert body(put) == expected
    assert body(client.get_runtime_management_config(FunctionName="f")) == expected
    client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="Auto")
    assert "RuntimeVersionArn" not in client.get_runtime_management_config(FunctionName="f")


def test_each_version_has_its_own(versioned, arn):
    client = versioned
    client.put_runtime_management_config(FunctionName="f", Qualifier="1", UpdateRuntimeOn="FunctionUpdate")
    assert client.get_runtime_management_config(FunctionName="f")["UpdateRuntimeOn"] == "Auto"
    assert body(client.get_runtime_management_config(FunctionName="f", Qualifier="1")) == {
        "UpdateRuntimeOn": "FunctionUpdate", "FunctionArn": arn("f", "1"),
    }
    # The qualifier may come with the name, and the ARN shows the version as named.
    assert body(client.get_runtime_management_config(FunctionName="f:$LATEST")) == {
        "UpdateRuntimeOn": "Auto", "FunctionArn": arn("f", "$LATEST"),
    }
    # An alias names its version.
    assert body(client.get_runtime_management_config(FunctionName=arn("f"), Qualifier="live")) == {
        "UpdateRuntimeOn": "FunctionUpdate", "FunctionArn": arn("f", "live"),
    }


def test_a_new_version_starts_with_latests_setting(client, create_function):
    create_function("f")
    client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="Manual", RuntimeVersionArn=RUNTIME_VERSION)
    client.update_function_configuration(FunctionName="f", Description="v1")
    client.get_waiter("function_updated_v2").wait(FunctionName="f")
    client.publish_version(FunctionName="f")
    client.put_runtime_management_config(
        FunctionName="f", UpdateRuntimeOn="Manual", RuntimeVersionArn=OLDER_RUNTIME_VERSION
    )
    assert client.get_runtime_management_config(FunctionName="f", Qualifier="1")["RuntimeVersionArn"] == RUNTIME_VERSION
    assert client.get_runtime_management_config(FunctionName="f")["RuntimeVersionArn"] == OLDER_RUNTIME_VERSION


def test_a_recreated_function_starts_again_at_auto(client, create_function):
    create_function("f")
    client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="FunctionUpdate")
    client.delete_function(FunctionName="f")
    create_function("f")
    assert client.get_runtime_management_config(FunctionName="f")["UpdateRuntimeOn"] == "Auto"


def test_runtime_version_arn_goes_with_manual_only(client, create_function, aws_error):
    create_function("f")
    with aws_error(client, "InvalidParameterValueException", MANUAL_NEEDS_ARN):
        client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="Manual")
    for mode in ("Auto", "FunctionUpdate"):
        with aws_error(client, "InvalidParameterValueException", arn_only_with_manual(mode)):
            client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn=mode, RuntimeVersionArn=RUNTIME_VERSION)


def test_a_runtime_pinned_by_manual_mode_cannot_change(client, create_function, aws_error):
    # AWS's text, as hashicorp/terraform-provider-aws#42699 quotes it.
    create_function("f")
    runtime = client.get_function_configuration(FunctionName="f")["Runtime"]
    other = "python3.13" if runtime != "python3.13" else "python3.12"
    client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="Manual", RuntimeVersionArn=RUNTIME_VERSION)
    with aws_error(client, "InvalidParameterValueException",
                   "Cannot change runtime identifier when runtime management configuration is set to 'Manual'. "
                   "Change the runtime management configuration to 'Auto' or 'FunctionUpdate', then retry."):
        client.update_function_configuration(FunctionName="f", Runtime=other, Description="changed")
    assert client.get_function_configuration(FunctionName="f")["Description"] == ""
    client.update_function_configuration(FunctionName="f", Runtime=runtime)  # the same runtime is no change
    client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="FunctionUpdate")
    assert client.update_function_configuration(FunctionName="f", Runtime=other)["Runtime"] == other


def test_runtime_management_of_missing_things(versioned, aws_error, arn):
    # The not-found texts of every other function operation (Function not found: <ARN as named>).
    client = versioned
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('nope')}"):
        client.put_runtime_management_config(FunctionName="nope", UpdateRuntimeOn="Auto")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('nope')}"):
        client.get_runtime_management_config(FunctionName="nope")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f', '9')}"):
        client.put_runtime_management_config(FunctionName="f", Qualifier="9", UpdateRuntimeOn="Auto")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('f', '9')}"):
        client.get_runtime_management_config(FunctionName="f", Qualifier="9")


def test_runtime_management_validation(client, raw_client, create_function, aws_error):
    create_function("f")
    # The model's constraints, in AWS's validation phrasing.
    mode = MODEL.shape_for("UpdateRuntimeOn").enum
    with aws_error(client, "ValidationException", (
        "1 validation error detected: Value 'Sometimes' at 'updateRuntimeOn' failed to satisfy constraint: "
        f"Member must satisfy enum value set: [{', '.join(mode)}]"
    ), typed=False):
        raw_client.put_runtime_management_config(FunctionName="f", UpdateRuntimeOn="Sometimes")
    with aws_error(client, "ValidationException", re.compile(
        r"1 validation error detected: Value 'arn:aws:lambda:us-east-1:runtime:x' at 'runtimeVersionArn' "
        r"failed to satisfy constraint: Member must satisfy regular expression pattern: .+"
    ), typed=False):
        raw_client.put_runtime_management_config(
            FunctionName="f", UpdateRuntimeOn="Manual", RuntimeVersionArn="arn:aws:lambda:us-east-1:runtime:x"
        )


# -- recursive loops --------------------------------------------------------------------------


@recursion_modeled
def test_terminate_is_the_default(client, create_function, lambda_mock):
    create_function("f")
    # Recorded: LocalStack test_lambda_api.snapshot.json,
    # TestLambdaRecursion::test_put_function_recursion_config_default_terminate.
    got = client.get_function_recursion_config(FunctionName="f")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(got) == {"RecursiveLoop": "Terminate"}
    assert lambda_mock.state.region("us-east-1").functions["f"].stops_recursive_loops


@recursion_modeled
def test_allow_and_terminate_again(client, create_function, lambda_mock):
    create_function("f")
    # Recorded: TestLambdaRecursion::test_put_function_recursion_config_allow.
    put = client.put_function_recursion_config(FunctionName=function_arn("f"), RecursiveLoop="Allow")
    assert put["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(put) == {"RecursiveLoop": "Allow"}
    assert body(client.get_function_recursion_config(FunctionName="f")) == {"RecursiveLoop": "Allow"}
    assert not lambda_mock.state.region("us-east-1").functions["f"].stops_recursive_loops
    client.put_function_recursion_config(FunctionName="f", RecursiveLoop="Terminate")
    assert body(client.get_function_recursion_config(FunctionName="f")) == {"RecursiveLoop": "Terminate"}
    assert lambda_mock.state.region("us-east-1").functions["f"].stops_recursive_loops


@recursion_modeled
def test_invalid_recursive_loop(client, raw_client, create_function, aws_error):
    create_function("f")
    # Recorded: TestLambdaRecursion::test_put_function_recursion_config_invalid_value (AWS's order, not the model's).
    text = (
        "1 validation error detected: Value 'InvalidValue' at 'recursiveLoop' failed to satisfy constraint: "
        "Member must satisfy enum value set: [Terminate, Allow]"
    )
    with aws_error(client, "ValidationException", text, typed=False):
        raw_client.put_function_recursion_config(FunctionName="f", RecursiveLoop="InvalidValue")


@recursion_modeled
def test_recursion_config_of_missing_or_qualified_functions(client, raw_client, create_function, aws_error, arn):
    create_function("f")
    # Not recorded for these two operations: the not-found text of every other function operation.
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('nope')}"):
        client.put_function_recursion_config(FunctionName="nope", RecursiveLoop="Allow")
    with aws_error(client, "ResourceNotFoundException", f"Function not found: {arn('nope')}"):
        client.get_function_recursion_config(FunctionName="nope")
    # The setting is the function's: the model's UnqualifiedFunctionName takes no qualifier.
    with aws_error(client, "ValidationException", re.compile(
        r"1 validation error detected: Value 'f:1' at 'functionName' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: .+"
    ), typed=False):
        raw_client.put_function_recursion_config(FunctionName="f:1", RecursiveLoop="Allow")
