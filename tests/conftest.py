"""Shared fixtures for the user-level tests: zips, clients, function factories and AWS error checks."""

from __future__ import annotations

import contextlib
import os
import re
from typing import Any, Callable, Iterable, Iterator, Mapping, Optional, Union

import boto3
import pytest
from botocore.client import BaseClient
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import settings

from lambdamock import LambdaMock, package
from tests.escapes import escapes, keyless, unconfigured  # noqa: F401 - the loopback-proxy fixtures, for every test module
from tests.helpers import ROLE

# The test command runs the property-based suites (model, fuzzing) derandomized, so a run on a clean
# machine gives the same answer as the last one. HYPOTHESIS_PROFILE=nightly explores: random
# inputs, ten to thirty times as many; whatever it finds becomes an explicit test case.
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("nightly", max_examples=3000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

ACCOUNT = "123456789012"
REGION = "us-east-1"
HANDLER_SOURCE = "def handler(event, context):\n    return event\n"

# Each error code's HTTP status and the top-level key carrying its text (None: no Type, no text key).
ENVELOPES: dict[str, tuple[int, Optional[str]]] = {
    "ResourceNotFoundException": (404, "Message"),
    "InvalidParameterValueException": (400, "message"),
    "InvalidRequestContentException": (400, "message"),
    "ResourceConflictException": (409, "message"),
    "ResourceInUseException": (400, "Message"),
    "PreconditionFailedException": (412, "message"),
    "ValidationException": (400, None),
    "AccessDeniedException": (403, None),
    "RequestEntityTooLargeException": (413, None),
    "TooManyRequestsException": (429, "message"),
    "ProvisionedConcurrencyConfigNotFoundException": (404, "message"),
    "CodeSigningConfigNotFoundException": (404, "Message"),
    "PolicyLengthExceededException": (400, "message"),
}

Expected = Union[str, "re.Pattern[str]", None]


def build_zip(files: Optional[Mapping[str, str]] = None) -> bytes:
    """A deployment package; by default one ``index.py`` with an echo ``handler``."""
    return package(dict(files or {"index.py": HANDLER_SOURCE}))


def function_arn(name: str, qualifier: Optional[str] = None, region: str = REGION) -> str:
    arn = f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def snapshot(client: BaseClient) -> dict[str, Any]:
    """Everything a caller can see of the client's region: functions, versions, aliases, policies, tags, layers,
    function URLs, usage."""
    pages = client.get_paginator("list_functions").paginate(FunctionVersion="ALL")
    entries = sorted(
        (entry for page in pages for entry in page["Functions"]),
        key=lambda entry: entry["FunctionArn"],
    )
    details = {
        entry["FunctionName"]: _without_metadata(client.get_function(FunctionName=entry["FunctionName"]))
        for entry in entries
    }
    usage = _without_metadata(client.get_account_settings())
    return {
        "versions": entries,
        "functions": details,
        "usage": usage,
        "provisioned": _provisioned(client, details),
        "invoke_configs": _invoke_configs(client, details),
        "urls": _urls(client, details),
        "settings": _settings(client, entries),
        "code_signing": _code_signing(client),
        **_permissions_and_tags(client, entries),
        "layers": _layers(client),
    }


def _permissions_and_tags(client: BaseClient, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Aliases, every qualifier's policy (None: none), and the tags of event source mappings."""
    if not hasattr(client, "get_policy"):
        return {}  # the 2014 API has neither
    aliases = {
        name: client.list_aliases(FunctionName=name)["Aliases"]
        for name in sorted({entry["FunctionName"] for entry in entries})
    }
    qualifiers = [(entry["FunctionName"], entry["Version"]) for entry in entries]
    qualifiers += [(name, alias["Name"]) for name, listed in aliases.items() for alias in listed]
    policies = {f"{name}:{qualifier}": _policy(client, name, qualifier) for name, qualifier in qualifiers}
    pages = client.get_paginator("list_event_source_mappings").paginate()
    # A mapping being deleted may be gone at any moment: only settled ones are compared. (The ARN is
    # built: older models do not parse EventSourceMappingArn.)
    prefix = f"arn:aws:lambda:{client.meta.region_name}:{ACCOUNT}:event-source-mapping:"
    mappings = [prefix + m["UUID"] for page in pages for m in page["EventSourceMappings"] if m["State"] != "Deleting"]
    return {"aliases": aliases, "policies": policies, "mapping_tags": {arn: _tags(client, arn) for arn in mappings}}


def _tags(client: BaseClient, arn: str) -> Optional[dict[str, str]]:
    try:
        return client.list_tags(Resource=arn)["Tags"]  # type: ignore[no-any-return]
    except client.exceptions.ResourceNotFoundException:
        return None  # deleted since it was listed


def _policy(client: BaseClient, name: str, qualifier: str) -> Optional[dict[str, Any]]:
    try:
        return _without_metadata(client.get_policy(FunctionName=name, Qualifier=qualifier))
    except client.exceptions.ResourceNotFoundException:
        return None


def _layers(client: BaseClient) -> dict[str, Any]:
    """Every live layer version as GetLayerVersion shows it, with its policy (None when it has none)."""
    if not hasattr(client, "list_layers"):
        return {}  # the 2014 API has none
    out: dict[str, Any] = {}
    for page in client.get_paginator("list_layers").paginate():
        for layer in page["Layers"]:
            name = layer["LayerName"]
            pages = client.get_paginator("list_layer_versions").paginate(LayerName=name)
            numbers = [item["Version"] for listed in pages for item in listed["LayerVersions"]]
            out[name] = {number: _layer_version(client, name, number) for number in numbers}
    return out


def _layer_version(client: BaseClient, name: str, number: int) -> dict[str, Any]:
    shown = _without_metadata(client.get_layer_version(LayerName=name, VersionNumber=number))
    try:
        policy = _without_metadata(client.get_layer_version_policy(LayerName=name, VersionNumber=number))
    except client.exceptions.ResourceNotFoundException:
        policy = None
    return {**shown, "Policy": policy}


def _provisioned(client: BaseClient, names: Iterable[str]) -> dict[str, Any]:
    if not hasattr(client, "list_provisioned_concurrency_configs"):
        return {}  # the 2014 API has none
    return {
        name: client.list_provisioned_concurrency_configs(FunctionName=name)["ProvisionedConcurrencyConfigs"]
        for name in names
    }


def _invoke_configs(client: BaseClient, names: Iterable[str]) -> dict[str, Any]:
    """Every event invoke config of every function ($LATEST, versions, aliases), LastModified included."""
    if not hasattr(client, "list_function_event_invoke_configs"):
        return {}  # the 2014 API has none
    paginator = client.get_paginator("list_function_event_invoke_configs")
    return {
        name: [config for page in paginator.paginate(FunctionName=name) for config in page["FunctionEventInvokeConfigs"]]
        for name in names
    }


# Regions without function URLs (AWS's "Creating and managing Lambda function URLs"; see test_url_configs).
_NO_URL_REGIONS = ("ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2",
                   "ca-west-1", "eu-south-2", "eu-central-2", "il-central-1", "me-central-1")


def _urls(client: BaseClient, names: Iterable[str]) -> dict[str, Any]:
    """Every function URL config of every function (its own and its aliases'), times included."""
    if not hasattr(client, "list_function_url_configs"):
        return {}  # the 2014 API has none
    if client.meta.region_name in _NO_URL_REGIONS:
        return {}  # no function URLs there: their operations are refused
    paginator = client.get_paginator("list_function_url_configs")
    return {
        name: sorted((config for page in paginator.paginate(FunctionName=name) for config in page["FunctionUrlConfigs"]),
                     key=lambda config: config["FunctionArn"])
        for name in names
    }


def _settings(client: BaseClient, versions: list[dict[str, Any]]) -> dict[str, Any]:
    """Per version its runtime management; per function its code signing config and recursion setting."""
    out: dict[str, Any] = {}
    if not hasattr(client, "get_runtime_management_config"):
        return out  # the 2014 API has none of these
    for version in versions:
        name, qualifier = version["FunctionName"], version["Version"]
        out[f"{name}:{qualifier}"] = _answer(client.get_runtime_management_config, FunctionName=name, Qualifier=qualifier)
    for name in dict.fromkeys(version["FunctionName"] for version in versions):
        out[f"{name} code signing"] = _answer(client.get_function_code_signing_config, FunctionName=name)
        if hasattr(client, "get_function_recursion_config"):  # newer models only
            out[f"{name} recursion"] = _answer(client.get_function_recursion_config, FunctionName=name)
    return out


def _code_signing(client: BaseClient) -> list[dict[str, Any]]:
    if not hasattr(client, "list_code_signing_configs"):
        return []
    pages = client.get_paginator("list_code_signing_configs").paginate()
    return [config for page in pages for config in page["CodeSigningConfigs"]]


def _answer(method: Callable[..., dict[str, Any]], **params: Any) -> dict[str, Any]:
    """The call's response, or the code of the error it gets (a container image function's code signing)."""
    try:
        return _without_metadata(method(**params))
    except ClientError as error:
        return {"Error": error.response["Error"]["Code"]}


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


class ErrorInfo:
    """What the failed call answered: ``response`` is botocore's parsed error response."""

    response: dict[str, Any]


@contextlib.contextmanager
def _aws_error(client: BaseClient, code: str, message: Expected, typed: bool = True) -> Iterator[ErrorInfo]:
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
    expected = {text_key: text} if text_key else {}
    assert envelope == ({"Type": "User", **expected} if typed and text_key else expected)
    assert snapshot(client) == before, "a failed call must leave the state as it was"


AwsError = Callable[..., "contextlib.AbstractContextManager[ErrorInfo]"]


@pytest.fixture
def aws_error() -> AwsError:
    """``with aws_error(client, code, message): call()`` asserts AWS's error and that nothing changed.

    ``message`` is the exact text, a compiled pattern it must fully match, or None (empty or absent);
    ``typed=False`` for the errors AWS sends without a ``Type``.
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
