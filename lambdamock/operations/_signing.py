"""Attaching a code signing config to a function: shared by CreateFunction and PutFunctionCodeSigningConfig."""

from __future__ import annotations

from lambdamock.errors import CodeSigningConfigNotFoundException, InvalidParameterValueException
from lambdamock.operations._base import Call

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
