"""Small builders shared by the tests."""

from __future__ import annotations

import time
from typing import Callable, Optional

import botocore.session
import pytest

ROLE = "arn:aws:iam::123456789012:role/lambda-role"
# The installed botocore's Lambda model: what lambdamock serves and validates against.
MODEL = botocore.session.get_session().get_service_model("lambda")


def model_constraint(operation: str, member: str, key: str) -> object:
    """A constraint of ``member`` in the installed botocore model, which is what lambdamock enforces."""
    return MODEL.operation_model(operation).input_shape.members[member].metadata.get(key)


def recorded_pattern(operation: str, member: str, pattern: str) -> pytest.MarkDecorator:
    """Skip where this botocore's model predates the pattern AWS reports today (lambdamock echoes the model)."""
    return pytest.mark.skipif(
        model_constraint(operation, member, "pattern") != pattern,
        reason=f"this botocore's {operation}.{member} pattern is older than AWS's current one",
    )


def modeled(operation: str, member: Optional[str] = None) -> pytest.MarkDecorator:
    """Skip where this botocore's model predates ``operation`` (or its request ``member``)."""
    known = operation in MODEL.operation_names and (
        member is None or member in MODEL.operation_model(operation).input_shape.members
    )
    return pytest.mark.skipif(not known, reason=f"this botocore's model has no {operation} {member or ''}")


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.002)
