"""Triggers' test world: lambdamock's Lambda with moto's SNS, S3, EventBridge, CloudWatch Logs and Secrets Manager."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any, Iterator

import boto3
import pytest
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import moto_role

REGION = "us-east-1"
ACCOUNT = "123456789012"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
ECHO = "def handler(event, context):\n    return event\n"


class World:
    """lambdamock's Lambda with moto's SNS, S3 and EventBridge."""

    def __init__(self, mock: Any) -> None:
        self.mock = mock
        self.lam = boto3.client("lambda", region_name=REGION)
        self.arn = self.lam.create_function(FunctionName="f", Runtime="python3.12", Role=moto_role(),
                                            Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})},
                                            Publish=True)["FunctionArn"]

    def allow(self, principal: str, source_arn: str, qualifier: str | None = None) -> None:
        extra = {"Qualifier": qualifier} if qualifier else {}
        self.lam.add_permission(FunctionName="f", StatementId=principal.split(".")[0], Action="lambda:InvokeFunction",
                                Principal=principal, SourceArn=source_arn, **extra)

    def events(self) -> list[Any]:
        self.mock.wait()
        return [json.loads(run.event) for run in self.mock.invocations]


@contextlib.contextmanager
def nested(lambdamock_first: bool, **options: Any) -> Iterator[Any]:
    outer, inner = (mock_lambda(**options), mock_aws()) if lambdamock_first else (mock_aws(), mock_lambda(**options))
    with outer as first, inner as second:
        yield first if lambdamock_first else second


@pytest.fixture(params=[True, False], ids=["lambdamock-outer", "moto-outer"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    with nested(request.param) as mock:
        yield World(mock)
