"""Newer configuration members: those lambdamock can keep are stored and shown, those of features it does not serve
are refused with NotServedError, and none is dropped.

The members are the model's (botocore's CreateFunction, UpdateFunctionConfiguration and PublishVersion): RuntimeConfig
(customer-managed runtimes), AcceleratorConfig, DurableConfig (durable functions), and CapacityProviderConfig and
PublishTo (Lambda Managed Instances). No AWS recording of their answers was found, so the members are shown as sent.
"""

from __future__ import annotations

import json

import boto3
import pytest

from lambdamock import package
from lambdamock.errors import NotServedError
from tests.helpers import ROLE, modeled

ECHO = {"app.py": "def handler(event, context):\n    return event\n"}
NEWER = {
    "RuntimeConfig": {"RuntimeArn": "arn:aws:lambda:us-east-1:123456789012:runtime/my-python-runtime",
                      "RuntimeAlias": "stable"},
    "AcceleratorConfig": {"AcceleratorMemorySize": 16},
    "DurableConfig": {"ExecutionTimeout": 3600, "RetentionPeriodInDays": 7},
}
pytestmark = [modeled("CreateFunction", member) for member in (*NEWER, "CapacityProviderConfig", "PublishTo")]
CAPACITY = {"LambdaManagedInstancesCapacityProviderConfig": {
    "CapacityProviderArn": "arn:aws:lambda:us-east-1:123456789012:capacity-provider:fleet"}}


@pytest.fixture
def client(lambda_mock):
    return boto3.client("lambda", region_name="us-east-1")


def _create(client, name="f", **settings):
    return client.create_function(FunctionName=name, Runtime="python3.13", Role=ROLE, Handler="app.handler",
                                  Code={"ZipFile": package(ECHO)}, **settings)


def _newer(configuration):
    return {key: configuration[key] for key in NEWER if key in configuration}


def test_newer_members_are_stored_and_shown_everywhere(client):
    assert _newer(_create(client, **NEWER)) == NEWER
    assert _newer(client.get_function_configuration(FunctionName="f")) == NEWER
    assert _newer(client.get_function(FunctionName="f")["Configuration"]) == NEWER
    assert _newer(client.list_functions()["Functions"][0]) == NEWER
    assert _newer(client.publish_version(FunctionName="f")) == NEWER
    changed = {**NEWER, "AcceleratorConfig": {"AcceleratorMemorySize": 32}}
    assert _newer(client.update_function_configuration(FunctionName="f", AcceleratorConfig={
        "AcceleratorMemorySize": 32})) == changed
    # The version keeps what it was published with.
    assert _newer(client.get_function_configuration(FunctionName="f", Qualifier="1")) == NEWER
    assert _newer(_create(client, "plain")) == {}


def test_a_durable_function_is_not_run_as_a_plain_one(client):
    # Its handler expects the durable execution service's event and checkpoints: run on a plain event, it would fail
    # in ways AWS never shows, so it is answered as a runtime lambdamock cannot run is.
    _create(client, DurableConfig=NEWER["DurableConfig"])
    response = client.invoke(FunctionName="f", Payload=b"{}")
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read()) == {
        "errorType": "Runtime.Unsupported", "errorMessage": "lambdamock does not run durable functions (DurableConfig) yet"}
    # A function without it runs.
    _create(client, "plain")
    assert json.loads(client.invoke(FunctionName="plain", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}


@pytest.mark.lambda_mock(allow_unserved=True)
def test_a_durable_execution_name_is_not_served(client, lambda_mock):
    _create(client)
    with pytest.raises(NotServedError, match="DurableExecutionName"):
        client.invoke(FunctionName="f", DurableExecutionName="run-1")
    assert [call.operation for call in lambda_mock.unserved] == ["Invoke"]


@pytest.mark.lambda_mock(allow_unserved=True)
def test_managed_instances_members_are_refused_and_change_nothing(client, lambda_mock):
    with pytest.raises(NotServedError, match="CapacityProviderConfig"):
        _create(client, CapacityProviderConfig=CAPACITY)
    assert client.list_functions()["Functions"] == []
    _create(client)
    before = client.get_function_configuration(FunctionName="f")
    with pytest.raises(NotServedError, match="CapacityProviderConfig"):
        client.update_function_configuration(FunctionName="f", CapacityProviderConfig=CAPACITY)
    with pytest.raises(NotServedError, match="PublishTo"):
        client.update_function_code(FunctionName="f", ZipFile=package(ECHO), PublishTo="LATEST_PUBLISHED")
    with pytest.raises(NotServedError, match="PublishTo"):
        client.publish_version(FunctionName="f", PublishTo="LATEST_PUBLISHED")
    assert client.get_function_configuration(FunctionName="f")["RevisionId"] == before["RevisionId"]
    assert client.list_versions_by_function(FunctionName="f")["Versions"][1:] == []
    assert len(lambda_mock.unserved) == 4
