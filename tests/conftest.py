"""Shared fixtures for the user-level tests: zips, clients, function factories and AWS error checks."""

from __future__ import annotations

import contextlib
import re
from typing import Any, Callable, Iterator, Mapping, Optional, Union

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError

from lambdamock import LambdaMock
from tests.helpers import ROLE, zip_of

ACCOUNT = "123456789012"
REGION = "us-east-1"
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"

# Each error code's HTTP status and the top-level key carrying its text (None: no Type, no text key).
ENVELOPES: dict[str, tuple[int, Optional[str]]] = {
    "ResourceNotFoundException": (404, "Message"),
    "InvalidParameterValueException": (400, "message"),
    "ResourceConflictException": (409, "message"),
    "PreconditionFailedException": (412, "message"),
    "ValidationException": (400, None),
    "AccessDeniedException": (403, None),
    "RequestEntityTooLargeException": (413, None),
}

Expected = Union[str, "re.Pattern[str]", None]


def build_zip(files: Optional[Mapping[str, str]] = None) -> bytes:
    """A deployment package; by default one ``index.py`` with an echo ``handler``."""
    return zip_of(dict(files or {"index.py": HANDLER_SOURCE}))


def function_arn(name: str, qualifier: Optional[str] = None, region: str = REGION) -> str:
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def snapshot(client: BaseClient) -> dict[str, Any]:
    """Everything a caller can see of the client's region: every version of every function, and usage."""
    pages = client.get_paginator("list_functions").paginate(FunctionVersion="ALL")
    entries = sorted(
        (entry for page in pages for entry in page["Functions"]),
        key=lambda entry: entry["FunctionArn"],
    )
    details = {
        entry["FunctionName"]: _without_metadata(client.get_function(FunctionName=entry["FunctionName"]))
        for entry in entries
    }
    usage = client.get_account_settings()["AccountUsage"]
    return {"versions": entries, "functions": details, "usage": usage}


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


class ErrorInfo:
    """What the failed call answered: ``response`` is botocore's parsed error response."""

    response: dict[str, Any]


@contextlib.contextmanager
def _aws_error(client: BaseClient, code: str, message: Expected) -> Iterator[ErrorInfo]:
    before = snapshot(client)
    info = ErrorInfo()
    with pytest.raises(ClientError) as caught:
        yield info
    response = info.response = caught.value.response
    status, text_key = ENVELOPES[code]
    assert response["Error"]["Code"] == code
    assert type(caught.value) is client.exceptions.from_code(code), "boto3 picks the class from the code"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status
    text = response["Error"].get("Message") or ""
    if isinstance(message, re.Pattern):
        assert message.fullmatch(text), text
    elif message is not None:
        assert text == message
    envelope = {key: response[key] for key in ("Type", "Message", "message") if key in response}
    assert envelope == ({"Type": "User", text_key: text} if text_key else {})
    assert snapshot(client) == before, "a failed call must leave the state as it was"


AwsError = Callable[[BaseClient, str, Expected], "contextlib.AbstractContextManager[ErrorInfo]"]


@pytest.fixture
def aws_error() -> AwsError:
    """``with aws_error(client, code, message): call()`` asserts AWS's error and that nothing changed.

    ``message`` is the exact text, a compiled pattern it must fully match, or None (empty or absent).
    """
    return _aws_error


@pytest.fixture
def make_zip() -> Callable[..., bytes]:
    return build_zip


@pytest.fixture
def arn() -> Callable[..., str]:
    """``arn(name, qualifier=None, region="us-east-1")``: a function ARN in the mock's account."""
    return function_arn


@pytest.fixture
def role() -> str:
    return ROLE


@pytest.fixture
def client(lambda_mock: LambdaMock) -> BaseClient:
    return boto3.client("lambda", region_name=REGION)


@pytest.fixture
def raw_client(lambda_mock: LambdaMock) -> BaseClient:
    """A client that sends what it is given: the service's own validation answers."""
    return boto3.client("lambda", region_name=REGION, config=Config(parameter_validation=False))


CreateFunction = Callable[..., dict[str, Any]]


@pytest.fixture
def create_function(client: BaseClient) -> CreateFunction:
    """``create_function(name="f", via=client, **overrides)``: CreateFunction with working defaults.

    An override of None leaves that member out of the request.
    """

    def create(name: str = "f", via: Optional[BaseClient] = None, **overrides: Any) -> dict[str, Any]:
        params: dict[str, Any] = {
            "FunctionName": name,
            "Runtime": "python3.12",
            "Role": ROLE,
            "Handler": "index.handler",
            "Code": {"ZipFile": build_zip()},
            **overrides,
        }
        sent = {key: value for key, value in params.items() if value is not None}  # None: leave it out
        return (via or client).create_function(**sent)  # type: ignore[no-any-return]

    return create
