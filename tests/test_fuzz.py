"""Every served operation, fed inputs built from its botocore shape: an AWS answer, never a traceback.

A client with ``parameter_validation=False`` sends whatever Hypothesis builds, valid or not. The
answer must be a success or one of the operation's modeled errors (or ValidationException), with
the modeled HTTP status (AccessDeniedException, unmodeled, as AWS sends it for foreign ARNs), and a
failed call must leave the state as it was. The one other answer is NotServedError, lambdamock's
documented refusal of a feature it does not emulate.
"""

from __future__ import annotations

import json
from typing import Any, Iterator, Optional

import boto3
import botocore.session
import pytest
from botocore import xform_name
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdamock import mock_lambda, operations, package
from lambdamock.errors import NotServedError
from tests.conftest import function_arn, snapshot
from tests.helpers import ROLE, moto_aws
from tests.shapes import TEXT, values

SESSION = botocore.session.get_session()
MODELS = {v: SESSION.get_service_model("lambda", api_version=v) for v in ("2015-03-31", "2014-11-11")}
SERVED = [
    (version, name)
    for version, model in MODELS.items()
    for name in model.operation_names
    if xform_name(name) in operations.served(version)
]
# What botocore 1.44.8's model lists beyond 1.34.0's (the oldest supported), with AWS's statuses.
LISTED_BY_NEWER_MODELS: dict[str, dict[str, int]] = {
    "DeleteAlias": {"ResourceNotFoundException": 404},
    "CreateAlias": {"AliasLimitExceededException": 400},
    "AddPermission": {"PublicPolicyException": 400},
    "RemovePermission": {"PublicPolicyException": 400},
    "DeleteFunctionUrlConfig": {"InvalidParameterValueException": 400},
    "DeleteLayerVersion": {"InvalidParameterValueException": 400, "ResourceNotFoundException": 404},
    "GetFunctionCodeSigningConfig": {"CodeSigningConfigNotFoundException": 404},
    "RemoveLayerVersionPermission": {"ResourceConflictException": 409},
}
ARN = function_arn("f")
LAYER = "arn:aws:lambda:us-east-1:123456789012:layer:lib"
LAYER_VERSIONS = [f"{LAYER}:1", f"{LAYER}:2", "arn:aws:lambda:us-east-1:999999999999:layer:lib:1",
                  "arn:aws:lambda:eu-west-1:123456789012:layer:lib:1", LAYER]
# References that hit existing and missing things more often than random text would.
NAMED = {
    "FunctionName": st.sampled_from(["f", "f:1", "f:live", ARN, f"{ARN}:$LATEST", "nope", function_arn("f", region="eu-west-1"),
                                     "arn:aws:lambda:us-east-1:999999999999:function:f", "f:9"]) | TEXT,
    "Qualifier": st.sampled_from(["1", "$LATEST", "live", "9", "nope"]) | TEXT,
    "Name": st.sampled_from(["live", "new"]) | TEXT,
    "FunctionVersion": st.sampled_from(["1", "$LATEST", "9"]) | TEXT,
    "Role": st.sampled_from([ROLE]) | TEXT,
    "Runtime": st.sampled_from(["python3.12", "nodejs"]) | TEXT,
    "Handler": st.sampled_from(["index.handler"]) | TEXT,
    "Payload": st.sampled_from([b"{}", b'{"a": 1}', b"[1]", b"not json"]) | st.binary(max_size=20),
    "ZipFile": st.sampled_from([package({"index.py": "def handler(e, c):\n    return e\n"})]) | st.binary(max_size=20),
    "FunctionBody": st.sampled_from([package({"index.py": "def handler(e, c):\n    return e\n"})]) | st.binary(max_size=20),
    "Destination": st.sampled_from([ARN, f"{ARN}:live", function_arn("nope"), "",
                                    "arn:aws:sqs:us-east-1:123456789012:q", "arn:aws:s3:::b",
                                    "arn:aws:iam:us-east-1:123456789012:function:f"]) | TEXT,
    "MaximumRetryAttempts": st.integers(min_value=-2, max_value=3) | st.integers(),
    "MaximumEventAgeInSeconds": st.sampled_from([59, 60, 21600, 21601]) | st.integers(),
    # Well-formed ARNs: the model's patterns let them through to the operation.
    "CodeSigningConfigArn": st.sampled_from(["arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-0123456789abcdef0"]) | TEXT,
    "RuntimeVersionArn": st.sampled_from(["arn:aws:lambda:us-east-1::runtime:0123456789abcdef"]) | TEXT,
    "StatementId": st.sampled_from(["s1", "s2", "other", "example.com"]) | TEXT,
    "Principal": st.sampled_from(["sns.amazonaws.com", "*", "123456789012", "arn:aws:iam::123456789012:role/r",
                                  "invalid.nonaws.com"]) | TEXT,
    "Action": st.sampled_from(["lambda:InvokeFunction", "lambda:*", "*"]) | TEXT,
    "Resource": st.sampled_from([ARN, f"{ARN}:1", function_arn("nope"), "arn:aws:something",
                                 "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:"
                                 "00000000-0000-0000-0000-000000000000"]) | TEXT,
    "ResourceArn": st.sampled_from([ARN, f"{ARN}:1", f"{ARN}:live", f"{ARN}:$LATEST", function_arn("nope")]) | TEXT,
    "Policy": st.sampled_from([
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "lambda:*"}]}',
        "not json", "{}", "[" * 3000 + "]" * 3000,
    ]) | TEXT,
    "LayerName": st.sampled_from(["lib", LAYER, "nope", "arn:aws:lambda:us-east-1:999999999999:layer:lib"]) | TEXT,
    "VersionNumber": st.sampled_from([1, 2, 0, -1]) | st.integers(),
    "Arn": st.sampled_from(LAYER_VERSIONS) | TEXT,
    "Layers": st.lists(st.sampled_from(LAYER_VERSIONS) | TEXT, max_size=6),
}


@pytest.fixture(scope="module")
def aws() -> Iterator[None]:
    # Code from S3 and mapping sources go to moto, never to the network.
    with moto_aws():
        yield


def _inputs(version: str, name: str) -> st.SearchStrategy[dict[str, Any]]:
    """Mostly plausible requests: a required member dropped now and then, at most two optional ones."""
    shape = MODELS[version].operation_model(name).input_shape
    if shape is None:
        return st.just({})
    members = {n: NAMED[n] if n in NAMED else values(m, 1, NAMED) for n, m in shape.members.items()}
    # URI labels must be there for botocore to build the URL.
    uri = [n for n, m in shape.members.items() if m.serialization.get("location") == "uri"]
    required = [n for n in shape.required_members if n not in uri]
    optional = [n for n in members if n not in uri and n not in required]

    def subset(names: list[str], most: int) -> st.SearchStrategy[list[str]]:
        return st.lists(st.sampled_from(names), max_size=most, unique=True) if names else st.just([])

    def build(dropped: list[str], extra: list[str]) -> st.SearchStrategy[dict[str, Any]]:
        sent = uri + [n for n in required if n not in dropped] + extra
        return st.fixed_dictionaries({n: members[n] for n in sent})

    return st.tuples(subset(required, 1), subset(optional, 2)).flatmap(lambda chosen: build(*chosen))


def _deep(depth: int) -> bytes:
    return b'{"a": ' + b"[" * depth + b"]" * depth + b"}"


def _bad_base64(body: bytes) -> bytes:
    """Every string of a JSON body replaced by text no base64 decoder takes (blobs are strings there)."""
    try:
        document = json.loads(body)
    except ValueError:
        return b'{"ZipFile": "%%%not base64%%%"}'

    def spoil(value: Any) -> Any:
        if isinstance(value, str):
            return "%%%not base64%%%"
        if isinstance(value, dict):
            return {key: spoil(item) for key, item in value.items()}
        if isinstance(value, list):
            return [spoil(item) for item in value]
        return value

    return json.dumps(spoil(document)).encode()


# Well-formed for HTTP, hostile for a parser: each replaces the body botocore built.
HOSTILE = {
    "nested 100,000 deep": lambda body: _deep(100_000),
    "nested 1,001 deep": lambda body: _deep(1_001),
    "invalid UTF-8": lambda body: b'{"a": "\xff\xfe\x87"}',
    "bad base64": _bad_base64,
}


def _world(client: Any) -> None:
    client.publish_layer_version(LayerName="lib", Content={"ZipFile": package({"python/lib.py": ""})})
    client.add_layer_version_permission(LayerName="lib", VersionNumber=1, StatementId="s1",
                                        Action="lambda:GetLayerVersion", Principal="*")
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                           Code={"ZipFile": package({"index.py": "def handler(e, c):\n    return e\n"})},
                           Layers=[f"{LAYER}:1"])
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    client.add_permission(FunctionName="f", StatementId="s1", Action="lambda:InvokeFunction",
                          Principal="sns.amazonaws.com")
    client.tag_resource(Resource=ARN, Tags={"team": "a"})
    client.create_function_url_config(FunctionName="f", Qualifier="live", AuthType="NONE")


@pytest.mark.parametrize(("version", "name"), SERVED)
def test_answers_are_aws_answers(aws: None, version: str, name: str) -> None:
    operation = MODELS[version].operation_model(name)
    allowed = {shape.name: shape.metadata["error"]["httpStatusCode"] for shape in operation.error_shapes}
    # Errors AWS sends for any operation, modeled or not: bad input, a body its JSON reader refuses
    # ("Could not parse request body into json: ..."), and an ARN of another account.
    allowed.update(ValidationException=400, InvalidRequestContentException=400, AccessDeniedException=403)
    # Errors AWS sends that the oldest supported model does not list yet for this operation.
    allowed.update(LISTED_BY_NEWER_MODELS.get(name, {}))

    @settings(max_examples=settings.default.max_examples // 4, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=_inputs(version, name), hostile=st.none() | st.sampled_from(sorted(HOSTILE)))
    def check(params: dict[str, Any], hostile: Optional[str]) -> None:
        with mock_lambda() as mock:
            config = Config(parameter_validation=False, retries={"total_max_attempts": 1})
            current = boto3.client("lambda", region_name="us-east-1", config=config)
            _world(current)
            client = boto3.client("lambda", region_name="us-east-1", config=config, api_version=version)
            if hostile is not None:
                spoil = HOSTILE[hostile]

                def replace_body(params: dict[str, Any], **_: Any) -> None:
                    body = params.get("body") or b"{}"
                    params["body"] = spoil(body if isinstance(body, bytes) else str(body).encode())

                client.meta.events.register("before-call", replace_body)
            before = snapshot(current)
            try:
                getattr(client, xform_name(name))(**params)
            except ClientError as error:
                code = error.response["Error"]["Code"]
                assert code in allowed, f"{code} is not a modeled error of {name}"
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] == allowed[code]
                assert code != "ServiceException", error.response
                assert snapshot(current) == before, "a failed call must leave the state as it was"
            except NotServedError:
                # A documented gap (a Kafka, MQ or DocumentDB source), raised before anything changes.
                assert snapshot(current) == before
            mock.wait(timeout=30)

    check()
