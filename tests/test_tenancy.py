"""Tenant isolation mode: a function created with TenancyConfig runs each tenant's invocations in its own environments.

AWS: "Tenant isolation" in the Lambda developer guide (docs.aws.amazon.com/lambda/latest/dg/tenant-isolation.html:
environments are never shared between tenants, the tenant ID is required, the configuration cannot change,
"not supported with functions that use function URLs, provisioned concurrency, or SnapStart"), its invoke
and troubleshooting pages (InvalidParameterValueException without a tenant ID, or with one for a function
without tenancy), and the Python runtime interface client (``context.tenant_id``; ``tenantId`` in JSON logs).
"""

from __future__ import annotations

import json
import threading

import boto3
import pytest
from botocore.config import Config

from lambdamock import package
from tests.helpers import ROLE, in_threads, modeled, wait_until

pytestmark = modeled("CreateFunction", "TenancyConfig")

PER_TENANT = {"TenantIsolationMode": "PER_TENANT"}
# Each environment remembers the tenants it served: one tenant, if environments are never shared.
REMEMBERING = {"app.py": """
import logging
logging.getLogger().warning("importing")
served = []
def handler(event, context):
    served.append(context.tenant_id)
    logging.getLogger().info("working for %s", context.tenant_id)
    if event.get("fail"):
        raise ValueError("asked to fail")
    return {"tenant": context.tenant_id, "served": served}
"""}
# The text as AWS's blog on tenant isolation mode quotes the AWS CLI.
MISSING = (
    "The invoked function is enabled with tenancy configuration. Add a valid tenant ID in your request and try again."
)
# The text as AWS's own emulator (SAM CLI, samcli/commands/local/lib/local_lambda.py) answers it.
UNWANTED = (
    "The invoked function is not enabled with tenancy configuration. Remove the tenant ID from your request and "
    "try again."
)


@pytest.fixture
def client(lambda_mock):
    return boto3.client("lambda", region_name="us-east-1")


def _create(client, name="isolated", tenancy=True, **extra):
    return client.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package(REMEMBERING)}, **({"TenancyConfig": PER_TENANT} if tenancy else {}), **extra)


def _invoke(client, tenant=None, **kwargs):
    response = client.invoke(FunctionName="isolated", **({"TenantId": tenant} if tenant is not None else {}),
                             **kwargs)
    return json.loads(response["Payload"].read())


def _error(raised):
    response = raised.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]


def test_the_configuration_shows_tenancy_wherever_a_function_is_shown(client):
    assert _create(client)["TenancyConfig"] == PER_TENANT
    assert client.get_function_configuration(FunctionName="isolated")["TenancyConfig"] == PER_TENANT
    assert client.get_function(FunctionName="isolated")["Configuration"]["TenancyConfig"] == PER_TENANT
    published = client.publish_version(FunctionName="isolated")
    assert published["TenancyConfig"] == PER_TENANT
    [listed] = client.list_functions()["Functions"]
    assert listed["TenancyConfig"] == PER_TENANT
    # It cannot be changed: UpdateFunctionConfiguration has no such member, and other changes keep it.
    updated = client.update_function_configuration(FunctionName="isolated", Timeout=10)
    assert updated["TenancyConfig"] == PER_TENANT
    _create(client, "plain", tenancy=False)
    assert "TenancyConfig" not in client.get_function_configuration(FunctionName="plain")


def test_an_unknown_isolation_mode_is_refused_and_nothing_is_created(client):
    with pytest.raises(client.exceptions.ClientError) as raised:
        _create(client, tenancy=False, TenancyConfig={"TenantIsolationMode": "PER_REQUEST"})
    code, status, message = _error(raised)
    assert (code, status) == ("ValidationException", 400)
    assert "'tenancyConfig.tenantIsolationMode' failed to satisfy constraint: Member must satisfy enum value set" in (
        message)
    assert client.list_functions()["Functions"] == []


@pytest.mark.parametrize("kind", ["RequestResponse", "Event", "DryRun"])
def test_an_invocation_without_a_tenant_is_refused_and_nothing_runs(client, lambda_mock, kind):
    _create(client)
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.invoke(FunctionName="isolated", InvocationType=kind)
    assert _error(raised) == ("InvalidParameterValueException", 400, MISSING)
    lambda_mock.wait()
    assert lambda_mock.invocations == []


def test_a_tenant_for_a_function_without_tenancy_is_refused(client, lambda_mock):
    _create(client, tenancy=False)
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        _invoke(client, "blue")
    assert _error(raised) == ("InvalidParameterValueException", 400, UNWANTED)
    assert lambda_mock.invocations == []
    # Without one, it runs, and its context names no tenant (the runtime's tenant_id is None).
    assert _invoke(client) == {"tenant": None, "served": [None]}


def test_each_tenant_has_environments_of_its_own_reused_for_it_alone(client, lambda_mock):
    _create(client)
    assert _invoke(client, "blue") == {"tenant": "blue", "served": ["blue"]}
    assert _invoke(client, "green") == {"tenant": "green", "served": ["green"]}
    assert _invoke(client, "blue") == {"tenant": "blue", "served": ["blue", "blue"]}
    assert [(run.tenant_id, run.cold) for run in lambda_mock.invocations] == [
        ("blue", True), ("green", True), ("blue", False)]


def test_tenants_invoked_at_once_never_share_an_environment(client, lambda_mock):
    _create(client)
    results: list = []
    lock = threading.Lock()

    def invoke(index: int) -> None:
        tenant = f"tenant-{index % 4}"
        result = _invoke(boto3.client("lambda", region_name="us-east-1"), tenant)
        with lock:
            results.append((tenant, result))

    in_threads(invoke, 24)
    assert len(results) == 24
    for tenant, result in results:
        assert result["tenant"] == tenant
        assert set(result["served"]) == {tenant}
    assert {run.tenant_id for run in lambda_mock.invocations} == {f"tenant-{index}" for index in range(4)}


def test_event_invocations_and_their_retries_run_for_their_tenant(client, lambda_mock):
    _create(client)
    client.put_function_event_invoke_config(FunctionName="isolated", MaximumRetryAttempts=1)
    assert client.invoke(FunctionName="isolated", TenantId="blue", InvocationType="Event",
                         Payload=b'{"fail": true}')["StatusCode"] == 202
    assert client.invoke(FunctionName="isolated", TenantId="blue", InvocationType="DryRun")["StatusCode"] == 204
    wait_until(lambda: len(lambda_mock.invocations) == 2, timeout=10)
    lambda_mock.wait()
    assert [(run.tenant_id, run.attempt) for run in lambda_mock.invocations] == [("blue", 1), ("blue", 2)]


def test_a_response_stream_runs_for_its_tenant(client):
    _create(client)
    response = client.invoke_with_response_stream(FunctionName="isolated", TenantId="blue")
    chunks = b"".join(event["PayloadChunk"]["Payload"] for event in response["EventStream"] if "PayloadChunk" in event)
    assert json.loads(chunks)["tenant"] == "blue"
    with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
        client.invoke_with_response_stream(FunctionName="isolated")
    assert _error(raised) == ("InvalidParameterValueException", 400, MISSING)


def test_json_logs_name_the_tenant(client, lambda_mock):
    _create(client, LoggingConfig={"LogFormat": "JSON"})
    _invoke(client, "blue")
    events = [json.loads(message) for _, message in lambda_mock.invocations[0].log_events]
    [application] = [event for event in events if event.get("message") == "working for blue"]
    assert application["tenantId"] == "blue"
    platform = {event["type"]: event["record"] for event in events if "type" in event}
    assert platform["platform.start"]["tenantId"] == "blue"
    assert platform["platform.report"]["tenantId"] == "blue"


def test_json_logs_name_no_tenant_during_init(client, lambda_mock):
    # The tenant ID is "available during the invocation phase, not during the initialization phase" (AWS's guide).
    _create(client, LoggingConfig={"LogFormat": "JSON"})
    _invoke(client, "blue")
    events = [json.loads(message) for _, message in lambda_mock.invocations[0].log_events]
    [init] = [event for event in events if event.get("message") == "importing"]
    assert "tenantId" not in init


def test_json_logs_of_a_function_without_tenancy_name_none_but_keep_the_code_s_own(client, lambda_mock):
    source = "import logging\ndef handler(event, context):\n    logging.getLogger().warning('own', extra={'tenantId': 'acme'})\n"
    client.create_function(FunctionName="plain", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, LoggingConfig={"LogFormat": "JSON"})
    client.invoke(FunctionName="plain")
    events = [json.loads(message) for _, message in lambda_mock.invocations[0].log_events]
    [own] = [event for event in events if event.get("message") == "own"]
    assert own["tenantId"] == "acme"
    assert ["tenantId" in event.get("record", {}) for event in events if "type" in event] == [False] * 3


@pytest.mark.parametrize("tenant, constraint", [
    ("x" * 257, "Member must have length less than or equal to 256"),
    ("blue#1", r"Member must satisfy regular expression pattern: [a-zA-Z0-9\._:\/=+\-@ ]+"),
])
def test_a_malformed_tenant_id_is_refused_by_the_model(lambda_mock, tenant, constraint):
    client = boto3.client("lambda", region_name="us-east-1", config=Config(parameter_validation=False))
    _create(client)
    with pytest.raises(client.exceptions.ClientError) as raised:
        _invoke(client, tenant)
    code, status, message = _error(raised)
    assert (code, status) == ("ValidationException", 400)
    assert message.endswith(f"at 'tenantId' failed to satisfy constraint: {constraint}")
    assert lambda_mock.invocations == []


def test_what_tenant_isolation_does_not_support_is_refused(client):
    _create(client)
    client.publish_version(FunctionName="isolated")
    refusals = [
        (lambda: client.create_function_url_config(FunctionName="isolated", AuthType="NONE"), "function URLs"),
        (lambda: client.put_provisioned_concurrency_config(
            FunctionName="isolated", Qualifier="1", ProvisionedConcurrentExecutions=1), "provisioned concurrency"),
        (lambda: client.update_function_configuration(
            FunctionName="isolated", SnapStart={"ApplyOn": "PublishedVersions"}), "SnapStart"),
        (lambda: _create(client, "snap", SnapStart={"ApplyOn": "PublishedVersions"}), "SnapStart"),
    ]
    before = client.get_function_configuration(FunctionName="isolated")["RevisionId"]
    for attempt, feature in refusals:
        with pytest.raises(client.exceptions.InvalidParameterValueException) as raised:
            attempt()
        assert _error(raised) == (
            "InvalidParameterValueException", 400, f"Tenant isolation mode is not supported with {feature}.")
    assert client.list_function_url_configs(FunctionName="isolated")["FunctionUrlConfigs"] == []
    assert client.list_provisioned_concurrency_configs(FunctionName="isolated")["ProvisionedConcurrencyConfigs"] == []
    assert client.get_function_configuration(FunctionName="isolated")["RevisionId"] == before
    assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["isolated"]
    # SnapStart that applies to nothing is no conflict.
    assert _create(client, "snapless", SnapStart={"ApplyOn": "None"})["TenancyConfig"] == PER_TENANT


def test_the_2014_api_cannot_name_a_tenant_so_its_invoke_async_is_refused(lambda_mock):
    session = boto3.session.Session(region_name="us-east-1")
    _create(session.client("lambda"))
    old = session.client("lambda", api_version="2014-11-11")
    with pytest.raises(old.exceptions.ClientError) as raised:
        old.invoke_async(FunctionName="isolated", InvokeArgs=b"{}")
    assert _error(raised) == ("InvalidParameterValueException", 400, MISSING)
