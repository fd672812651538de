"""CloudWatch Logs subscription filters and Secrets Manager rotation (moto's) invoking lambdamock's functions.

Shapes and rules: CloudWatch Logs' "Using CloudWatch Logs subscription filters" (the Lambda example: principal
logs.amazonaws.com, SourceArn the log group's ARN with ":*", the gzipped and base64-encoded DATA_MESSAGE).
PutSubscriptionFilter's InvalidParameterException "Could not execute the lambda function. Make sure you have
given CloudWatch Logs permission to execute your function." when the function's policy leaves CloudWatch Logs
out, and the regional principal logs.<region>.amazonaws.com that fixes it: AWS's answers as users quote them
(app-sre/qontract-reconcile#1291, newrelic/aws-log-ingestion#1, dougmoscrop/serverless-plugin-log-subscription#6). Secrets
Manager's "Permissions for the Lambda rotation function" (principal secretsmanager.amazonaws.com) and
"Troubleshoot rotation" (RotateSecret is refused, access denied, without it; the message text is not
recorded). The four steps and their order are moto's, as Secrets Manager runs them.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import time
from typing import Any, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.conftest import ACCOUNT
from tests.helpers import moto_role
from tests.trigger_helpers import REGION, World, nested

ROTATION = """import boto3

def handler(event, context):
    secrets = boto3.client("secretsmanager")
    step, arn, token = event["Step"], event["SecretId"], event["ClientRequestToken"]
    if step == "createSecret":
        secrets.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString="rotated",
                                 VersionStages=["AWSPENDING"])
    elif step == "finishSecret":
        stages = secrets.describe_secret(SecretId=arn)["VersionIdsToStages"]
        current = next(version for version, names in stages.items() if "AWSCURRENT" in names)
        if current != token:
            secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSCURRENT", MoveToVersionId=token,
                                                RemoveFromVersionId=current)
        # Done: no version is pending (moto takes AWSPENDING left on the current version for a rotation under way).
        secrets.update_secret_version_stage(SecretId=arn, VersionStage="AWSPENDING", RemoveFromVersionId=token)
"""


@pytest.fixture(params=["lambdamock-outer", "moto-outer", "moto-without-docker"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    if request.param == "moto-without-docker":  # moto's Lambda backend is then one of its own (LambdaSimpleBackend)
        with mock_aws(config={"lambda": {"use_docker": False}}), mock_lambda() as mock:
            yield World(mock)
        return
    with nested(request.param == "lambdamock-outer") as mock:
        yield World(mock)


def log_group(name: str = "app") -> tuple[Any, str]:
    logs = boto3.client("logs", region_name=REGION)
    logs.create_log_group(logGroupName=name)
    logs.create_log_stream(logGroupName=name, logStreamName="s1")
    return logs, f"arn:aws:logs:{REGION}:123456789012:log-group:{name}:*"


def subscribe(logs: Any, world: World, group: str = "app") -> None:
    logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="", destinationArn=world.arn)


def decoded(event: dict[str, Any]) -> Any:
    return json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))


@pytest.mark.parametrize("principal", ["logs.amazonaws.com", f"logs.{REGION}.amazonaws.com"])
def test_a_subscription_filter_sends_its_log_events_to_the_function(world: World, principal: str) -> None:
    logs, group_arn = log_group()
    world.allow(principal, group_arn)
    subscribe(logs, world)
    now = int(time.time() * 1000)  # CloudWatch Logs drops events older than 14 days
    logs.put_log_events(logGroupName="app", logStreamName="s1", logEvents=[
        {"timestamp": now, "message": "first"}, {"timestamp": now + 1, "message": "second"}])
    [event] = world.events()
    data = decoded(event)
    assert {key: data[key] for key in ("messageType", "owner", "logGroup", "logStream", "subscriptionFilters")} == {
        "messageType": "DATA_MESSAGE", "owner": "123456789012", "logGroup": "app", "logStream": "s1",
        "subscriptionFilters": ["all"]}
    assert [(item["timestamp"], item["message"]) for item in data["logEvents"]] == [
        (now, "first"), (now + 1, "second")]
    # An id of 56 digits, as the developer guide's example (services-cloudwatchlogs) has them; later ones larger.
    ids = [item["id"] for item in data["logEvents"]]
    assert all(re.fullmatch(r"\d{56}", found) for found in ids) and int(ids[0]) < int(ids[1]), ids
    # Its top bits are the event's timestamp: CloudWatch Logs' subscription example (as in Powertools' CloudWatch
    # Logs parser docs) has id 31953106606966983378809025079804211143289615424298221568 at 1432826855000 (id >> 144).
    assert [int(found) >> 144 for found in ids] == [now, now + 1]
    [trigger] = world.mock.triggers
    assert (trigger.source_arn, trigger.error) == (group_arn, None)
    assert world.mock.invocations[0].invocation_type == "Event"


@pytest.mark.parametrize(("pattern", "sent"), [
    ("ERROR", ["ERROR boom", "Exiting with ERRORCODE: -1"]),  # a term anywhere, as the user guide's examples
    ("?WARN ?timeout", ["WARN slow", "request timeout"]),
    ("ERROR -Exiting", ["ERROR boom"]),
    ('{ $.level = "FATAL" && $.latency > 100 }', ['{"level": "FATAL", "latency": 250}']),
])
def test_a_subscription_filter_sends_only_what_its_pattern_matches(world: World, pattern: str, sent: list) -> None:
    # "Subscription filters ... deliver log events matching a filter pattern" (FilterAndPatternSyntax); moto itself
    # sends every event. A put whose events all fail the pattern invokes nothing.
    logs, group_arn = log_group()
    world.allow("logs.amazonaws.com", group_arn)
    logs.put_subscription_filter(logGroupName="app", filterName="some", filterPattern=pattern, destinationArn=world.arn)
    now = int(time.time() * 1000)
    messages = ["INFO all good", "ERROR boom", "Exiting with ERRORCODE: -1", "WARN slow", "request timeout",
                '{"level": "FATAL", "latency": 250}', '{"level": "FATAL", "latency": 50}']
    logs.put_log_events(logGroupName="app", logStreamName="s1", logEvents=[
        {"timestamp": now + n, "message": message} for n, message in enumerate(messages)])
    logs.put_log_events(logGroupName="app", logStreamName="s1", logEvents=[{"timestamp": now + 9, "message": "quiet"}])
    [event] = world.events()
    assert [item["message"] for item in decoded(event)["logEvents"]] == sent


def test_a_function_s_own_logs_shipped_as_the_mock_stops_reach_moto_without_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A function's log group subscribed to another function (log shipping, a common set-up): the logs still queued
    # when lambdamock stops go to moto's CloudWatch Logs, and what they would trigger is dropped with the mock's
    # other queued jobs, not handed to moto's Lambda (which knows no such function and raised AttributeError).
    with mock_aws():
        logs = boto3.client("logs", region_name=REGION)
        with mock_lambda() as mock:
            world = World(mock)
            world.lam.create_function(FunctionName="talker", Runtime="python3.12", Role=moto_role(),
                                      Handler="app.handler", Code={"ZipFile": package({"app.py": TALKER})})
            logs.create_log_group(logGroupName="/aws/lambda/talker")
            world.allow("logs.amazonaws.com", f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/talker:*")
            subscribe(logs, world, group="/aws/lambda/talker")
            world.lam.invoke(FunctionName="talker")
        [stream] = logs.describe_log_streams(logGroupName="/aws/lambda/talker")["logStreams"]
        events = logs.get_log_events(logGroupName="/aws/lambda/talker", logStreamName=stream["logStreamName"])
        assert "said something\n" in [event["message"] for event in events["events"]]
    assert [record.getMessage() for record in caplog.records if record.name == "lambdamock"] == []


TALKER = "def handler(event, context):\n    print('said something')\n"


def test_a_subscription_filter_is_refused_without_permission_and_not_kept(world: World) -> None:
    logs, _ = log_group()
    with pytest.raises(ClientError) as error:
        subscribe(logs, world)
    assert (error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]) == (
        "InvalidParameterException",
        "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute "
        "your function.")
    assert logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"] == []


def test_a_subscription_filter_to_a_function_the_mock_lacks_is_refused(world: World) -> None:
    # A name Lambda never gives: no such function exists while lambdamock serves Lambda.
    logs, _ = log_group()
    with pytest.raises(ClientError) as error:
        logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="",
                                     destinationArn=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:n/a")
    assert error.value.response["Error"]["Code"] == "InvalidParameterException"
    assert logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"] == []


def test_a_subscription_filter_to_a_stream_is_left_to_moto(world: World) -> None:
    # Only a Lambda destination is lambdamock's to check: a Kinesis stream's is CloudWatch Logs' own (moto's).
    logs, _ = log_group()
    kinesis = boto3.client("kinesis", region_name=REGION)
    kinesis.create_stream(StreamName="s", ShardCount=1)
    stream = kinesis.describe_stream(StreamName="s")["StreamDescription"]["StreamARN"]
    logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="", destinationArn=stream,
                                 roleArn=f"arn:aws:iam::{ACCOUNT}:role/logs")
    [kept] = logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"]
    assert kept["destinationArn"] == stream


@pytest.mark.parametrize("group", ["app", "missing"])
def test_a_subscription_filter_to_another_account_s_function_is_denied_first(world: World, group: str) -> None:
    # Recorded: LocalStack test_logs_subscription_filters.snapshot.json, test_put_subscription_filter_errors
    # (AWS, 2026-02-06): "error-log-group-not-found" and "error-lambda-not-found" alike, whether the group exists.
    logs, _ = log_group()
    with pytest.raises(ClientError) as error:
        logs.put_subscription_filter(logGroupName=group, filterName="all", filterPattern="",
                                     destinationArn=f"arn:aws:lambda:{REGION}:111122223333:function:other")
    assert error.value.response["Error"] == {
        "Code": "AccessDeniedException",
        "Message": "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to "
                   "create cross account lambda triggers."}
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert logs.describe_subscription_filters(logGroupName="app")["subscriptionFilters"] == []


def test_after_lambdamock_moto_judges_another_account_s_function_itself() -> None:
    mock_lambda().start().stop()  # the bridge is installed, and stays
    with mock_aws():
        logs, _ = log_group()
        with pytest.raises(ClientError) as error:
            logs.put_subscription_filter(logGroupName="app", filterName="all", filterPattern="",
                                         destinationArn=f"arn:aws:lambda:{REGION}:111122223333:function:other")
        assert error.value.response["Error"]["Code"] == "InvalidParameterException"  # moto's own answer


def test_without_trigger_permissions_a_subscription_filter_needs_no_policy() -> None:
    with nested(True, trigger_permissions=False) as mock:
        world = World(mock)
        logs, _ = log_group()
        subscribe(logs, world)
        logs.put_log_events(logGroupName="app", logStreamName="s1", logEvents=[{"timestamp": int(time.time() * 1000),
                                                                                "message": "m"}])
        [event] = world.events()
        assert [item["message"] for item in decoded(event)["logEvents"]] == ["m"]


@pytest.fixture
def rotating(world: World) -> tuple[World, Any, str]:
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name="db", SecretString="initial")
    function_arn = world.lam.create_function(FunctionName="rotate", Runtime="python3.12", Role=moto_role(),
                                             Handler="app.handler", Code={"ZipFile": package({"app.py": ROTATION})})
    return world, secrets, function_arn["FunctionArn"]


def let_secrets_manager_invoke(world: World) -> None:
    world.lam.add_permission(FunctionName="rotate", StatementId="sm", Action="lambda:InvokeFunction",
                             Principal="secretsmanager.amazonaws.com")


def test_a_rotation_runs_its_four_steps_through_the_function(rotating: tuple[World, Any, str]) -> None:
    world, secrets, function_arn = rotating
    let_secrets_manager_invoke(world)
    rotated = secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn,
                                    RotationRules={"AutomaticallyAfterDays": 30})
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "rotated"
    steps = [json.loads(run.event) for run in world.mock.invocations]
    assert [step["Step"] for step in steps] == ["createSecret", "setSecret", "testSecret", "finishSecret"]
    # The secret's ARN, as Secrets Manager sends it (moto's own event has its name), and one RotationToken for
    # the function to hand PutSecretValue (the Secrets Manager user guide, "Rotation by Lambda function").
    assert {(step["SecretId"], step["ClientRequestToken"]) for step in steps} == {(rotated["ARN"], rotated["VersionId"])}
    [token] = {step["RotationToken"] for step in steps}
    assert re.fullmatch(r"[a-zA-Z0-9-]{36,256}", token)
    assert {run.invocation_type for run in world.mock.invocations} == {"RequestResponse"}
    assert {trigger.source_arn for trigger in world.mock.triggers} == {rotated["ARN"]}
    # Each step is recorded with the request id of the invocation that ran it (Trigger.request_id).
    assert [trigger.request_id for trigger in world.mock.triggers] == [run.request_id for run in world.mock.invocations]
    # Rotated again without naming the function, "with the values already stored in the secret" (RotateSecret;
    # LocalStack's AWS-validated test_rotate_secret_multiple_times_with_lambda_success): through it again.
    secrets.rotate_secret(SecretId="db")
    assert len(world.mock.invocations) == 8
    assert secrets.describe_secret(SecretId="db")["RotationLambdaARN"] == function_arn
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "rotated"


def test_a_rotation_left_for_its_window_only_tests_the_function_and_leaves_no_pending_version(
    rotating: tuple[World, Any, str],
) -> None:
    # RotateSecret's RotateImmediately (API reference): "if you don't immediately rotate the secret, Secrets Manager
    # tests the rotation configuration by running the testSecret step of the Lambda rotation function. The test
    # creates an AWSPENDING version of the secret and then removes it." (reported to moto as getmoto/moto#7342).
    world, secrets, function_arn = rotating
    let_secrets_manager_invoke(world)
    before = secrets.describe_secret(SecretId="db")["VersionIdsToStages"]
    secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn, RotationRules={"AutomaticallyAfterDays": 30},
                          RotateImmediately=False)
    [step] = [json.loads(run.event) for run in world.mock.invocations]
    assert step["Step"] == "testSecret"
    described = secrets.describe_secret(SecretId="db")
    assert described["VersionIdsToStages"] == before  # the tested AWSPENDING version is gone again
    assert described["RotationEnabled"] and described["RotationLambdaARN"] == function_arn
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "initial"
    # Nothing is left half done: the next rotation runs its four steps.
    secrets.rotate_secret(SecretId="db")
    assert [json.loads(run.event)["Step"] for run in world.mock.invocations[1:]] == [
        "createSecret", "setSecret", "testSecret", "finishSecret"]
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "rotated"


def test_a_rotation_stops_at_the_step_that_failed(rotating: tuple[World, Any, str]) -> None:
    world, secrets, function_arn = rotating
    failing = ROTATION.replace('    if step == "createSecret":', '    if step == "setSecret":\n        raise RuntimeError("no database")\n    if step == "createSecret":')
    world.lam.update_function_code(FunctionName="rotate", ZipFile=package({"app.py": failing}))
    let_secrets_manager_invoke(world)
    rotated = secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn)
    assert [json.loads(run.event)["Step"] for run in world.mock.invocations] == ["createSecret", "setSecret"]
    # The new version is left pending; the secret's value is still the one before the rotation.
    stages = secrets.describe_secret(SecretId="db")["VersionIdsToStages"]
    assert stages[rotated["VersionId"]] == ["AWSPENDING"]
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "initial"


@pytest.mark.parametrize("name", ["n/a", "other"])
def test_a_rotation_function_the_mock_lacks_is_refused(rotating: tuple[World, Any, str], name: str) -> None:
    world, secrets, _ = rotating
    account = "123456789012" if name == "n/a" else "111122223333"
    with pytest.raises(ClientError) as error:
        secrets.rotate_secret(SecretId="db", RotationLambdaARN=f"arn:aws:lambda:{REGION}:{account}:function:{name}")
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert world.mock.invocations == []


def test_a_rotation_is_refused_when_the_policy_leaves_secrets_manager_out(rotating: tuple[World, Any, str]) -> None:
    world, secrets, function_arn = rotating
    with pytest.raises(ClientError) as error:
        secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn)
    assert error.value.response["Error"]["Code"] == "AccessDeniedException"
    assert "secretsmanager.amazonaws.com" in error.value.response["Error"]["Message"]
    assert world.mock.invocations == []
    assert secrets.get_secret_value(SecretId="db")["SecretString"] == "initial"
    assert not secrets.describe_secret(SecretId="db").get("RotationEnabled")


def test_a_rotation_function_that_does_not_exist_is_refused(rotating: tuple[World, Any, str]) -> None:
    # Recorded: LocalStack's test_secretsmanager.snapshot.json, test_rotate_secret_invalid_lambda_arn (400).
    world, secrets, function_arn = rotating
    with pytest.raises(ClientError) as error:
        secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn + "-gone")
    assert error.value.response["Error"] == {"Code": "AccessDeniedException", "Message": (
        "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants "
        "access to the principal secretsmanager.amazonaws.com.")}
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert world.mock.invocations == []
    described = secrets.describe_secret(SecretId="db")
    assert "RotationEnabled" not in described and "RotationLambdaARN" not in described
    assert list(described["VersionIdsToStages"].values()) == [["AWSCURRENT"]]


def test_other_moto_services_find_lambdamock_s_functions(world: World) -> None:
    # SES checks that a receipt rule's Lambda action names a function that exists; moto asks its
    # Lambda backend, which now knows lambdamock's functions.
    from moto.ses.models import SESBackend

    if not hasattr(SESBackend, "_validate_lambda_action"):
        pytest.skip("this moto's SES does not check a Lambda action's function")
    ses = boto3.client("ses", region_name=REGION)
    ses.create_receipt_rule_set(RuleSetName="inbound")

    def rule(name: str, function_arn: str) -> Any:
        return ses.create_receipt_rule(RuleSetName="inbound", Rule={
            "Name": name, "Enabled": True, "Actions": [{"LambdaAction": {"FunctionArn": function_arn}}]})

    rule("to-function", world.arn)
    with pytest.raises(ClientError) as error:
        rule("to-nothing", world.arn.replace(":f", ":missing"))
    assert error.value.response["Error"]["Code"] == "InvalidLambdaFunction"


def test_a_rotation_whose_function_is_throttled_fails_quietly_as_the_invocations_do(
    rotating: tuple[World, Any, str],
) -> None:
    world, secrets, function_arn = rotating
    let_secrets_manager_invoke(world)
    world.lam.put_function_concurrency(FunctionName="rotate", ReservedConcurrentExecutions=0)
    secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn)  # no Python exception escapes
    assert [run.event for run in world.mock.invocations] == []
    # The first step failed, so the rotation went no further.
    assert [trigger.error for trigger in world.mock.triggers] == ["not run: Throttled"]


def test_subscriptions_and_rotations_send_nothing_out_of_the_process(escapes: Any, rotating: tuple[World, Any, str]) -> None:
    # The loopback proxy of tests/escapes.py records any connection: the bridge makes no client of its own,
    # and what the functions call (moto's Secrets Manager) is answered in process.
    world, secrets, function_arn = rotating
    let_secrets_manager_invoke(world)
    secrets.rotate_secret(SecretId="db", RotationLambdaARN=function_arn)
    logs, group_arn = log_group()
    world.allow("logs.amazonaws.com", group_arn)
    subscribe(logs, world)
    logs.put_log_events(logGroupName="app", logStreamName="s1",
                        logEvents=[{"timestamp": int(time.time() * 1000), "message": "m"}])
    world.mock.wait()
    assert len(world.mock.invocations) == 5
    assert escapes.attempts == []


def test_what_a_service_refuses_before_it_looks_at_the_function_is_its_own_answer(world: World) -> None:
    # CloudWatch Logs, S3 and Secrets Manager check their own resource first (their API references:
    # PutSubscriptionFilter's ResourceNotFoundException, S3's NoSuchBucket, RotateSecret's InvalidRequestException
    # for a secret marked deleted and moto's refusal of a replica), whatever the function's policy says.
    logs = boto3.client("logs", region_name=REGION)
    with pytest.raises(logs.exceptions.ResourceNotFoundException):
        logs.put_subscription_filter(logGroupName="missing", filterName="f", filterPattern="", destinationArn=world.arn)
    s3 = boto3.client("s3", region_name=REGION)
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.put_bucket_notification_configuration(Bucket="missing", NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": world.arn, "Events": ["s3:ObjectCreated:*"]}]})
    secrets = boto3.client("secretsmanager", region_name=REGION)
    secrets.create_secret(Name="gone", SecretString="x")
    secrets.delete_secret(SecretId="gone")
    with pytest.raises(secrets.exceptions.InvalidRequestException):
        secrets.rotate_secret(SecretId="gone", RotationLambdaARN=world.arn)
    replica = secrets.create_secret(Name="copied", SecretString="x",
                                    AddReplicaRegions=[{"Region": "us-east-2"}])["ReplicationStatus"][0]
    elsewhere = boto3.client("secretsmanager", region_name="us-east-2")
    for function in ({"RotationLambdaARN": world.arn}, {}):
        with pytest.raises(elsewhere.exceptions.InvalidParameterException):
            elsewhere.rotate_secret(SecretId="copied", **function)
    assert world.mock.invocations == [] and replica["Region"] == "us-east-2"
