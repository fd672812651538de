"""Shared by the Invoke tests: a mock and its client, deploying a handler, calling it with the answer decoded."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.config import Config

from lambdamock import mock_lambda, package
from tests.helpers import ROLE

ECHO = "def handler(event, context):\n    return event\n"


@pytest.fixture
def mock():
    with mock_lambda() as started:
        yield started


@pytest.fixture
def client(mock):
    return boto3.client("lambda", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1}))


def deploy(client, name: str, files: dict[str, str], handler: str = "app.handler", **extra) -> dict:
    return client.create_function(
        FunctionName=name, Runtime=extra.pop("Runtime", "python3.12"), Role=ROLE, Handler=handler,
        Code={"ZipFile": package(files)}, **extra,
    )


def call(client, name: str, event=None, **params):
    response = client.invoke(FunctionName=name, Payload=json.dumps(event if event is not None else {}), **params)
    response["Body"] = json.loads(response["Payload"].read() or b"null")
    return response
