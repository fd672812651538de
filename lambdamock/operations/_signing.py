"""Code signing configs as other operations find them: CreateFunction, PutFunctionCodeSigningConfig, tags."""

from __future__ import annotations

from lambdamock.errors import (
    CodeSigningConfigNotFoundException,
    InvalidParameterValueException,
    ResourceNotFoundException,
)
from lambdamock.operations._base import Call
from lambdamock.state.code_signing import CodeSigningConfig

# Observed from AWS for GetFunctionCodeSigningConfig on an image function (aws-samples/service-screener-v2#6,
# aws-controllers-k8s/community#1225); lambdamock answers every code signing call on one with it.
_IMAGES = "Code signing is not supported for functions created with container images."


def check_package(package_type: str) -> None:
    """Code signing is for zip packages only."""
    if package_type == "Image":
        raise InvalidParameterValueException(_IMAGES)


def check_config(call: Call, arn: str) -> None:
    """``arn`` must name an existing code signing config (call under the service lock)."""
    if call.region.code_signing.get(arn) is None:
        # Recorded: LocalStack test_lambda_api.snapshot.json,
        # TestCodeSigningConfig::test_code_signing_not_found_excs (put_function_csc_invalid_csc_arn).
        raise CodeSigningConfigNotFoundException(
            "The code signing configuration cannot be found. "
            f"Check that the provided configuration is not deleted: {arn}."
        )


def config(call: Call, arn: str) -> CodeSigningConfig:
    """The code signing config ``arn`` names (call under the service lock); AWS's 404 when there is none."""
    found = call.region.code_signing.get(arn)
    if found is None:
        # Recorded without a Type: LocalStack test_lambda_api.snapshot.json,
        # TestCodeSigningConfig::test_code_signing_not_found_excs (get_csc_invalid, delete_csc_notfound).
        raise ResourceNotFoundException(f"The Lambda code signing configuration {arn} can not be found.", type_=None)
    return found
