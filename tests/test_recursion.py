"""Recursive loop detection: a chain of one function's invocations stops after 16, as on AWS, unless it is allowed.

AWS: "Lambda recursive loop detection" (a function invoked more than 16 times by the same triggering
event through SQS, SNS or Lambda is stopped); RecursiveInvocationException from the Lambda model.
"""

from __future__ import annotations

import json
import re
from typing import Any

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.helpers import ROLE, modeled, moto_aws, moto_role

REGION = "us-east-1"
# Each run sends its event on, one hop further, until ``stop`` hops (or forever).
SELF_INVOKING = """
import json, boto3
def handler(event, context):
    hop = event.get("hop", 1)
    if hop < event.get("stop", 10**9):
        boto3.client("lambda", region_name="us-east-1").invoke(
            FunctionName=context.function_name, InvocationType=event.get("type", "Event"),
            Payload=json.dumps({**event, "hop": hop + 1}))
    return hop
"""
QUEUE_LOOP = """
import json, boto3
def handler(event, context):
    sqs = boto3.client("sqs", region_name="us-east-1")
    for record in event["Records"]:
        hop = json.loads(record["body"])["hop"]
        sqs.send_message(QueueUrl=sqs.get_queue_url(QueueName="loop")["QueueUrl"], MessageBody=json.dumps({"hop": hop + 1}))
"""
TOPIC_LOOP = """
import json, boto3
def handler(event, context):
    message = json.loads(event["Records"][0]["Sns"]["Message"])
    if message["hop"] < message.get("stop", 10**9):
        boto3.client("sns", region_name="us-east-1").publish(
            TopicArn=event["Records"][0]["Sns"]["TopicArn"], Message=json.dumps({**message, "hop": message["hop"] + 1}))
"""
# Each run hands the event to the other function, forever.
PING_PONG = """
import json, boto3
def handler(event, context):
    boto3.client("lambda", region_name="us-east-1").invoke(
        FunctionName=event["other"], InvocationType="Event", Payload=json.dumps({"other": context.function_name}))
"""
TRACE_ECHO = "import os\ndef handler(event, context):\n    return os.environ['_X_AMZN_TRACE_ID']\n"


def create(source: str, role: str = ROLE) -> Any:
    client = boto3.client("lambda", region_name=REGION)
    client.create_function(FunctionName="loop", Runtime="python3.12", Role=role, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": source})}, Timeout=30)
    return client


def ran_and_stopped(mock: Any) -> tuple[int, list[str]]:
    mock.wait(30)
    runs = mock.invocations
    return sum(run.stopped is None for run in runs), [run.stopped for run in runs if run.stopped]


def test_an_event_loop_through_lambda_stops_after_16(lambda_mock: Any) -> None:
    client = create(SELF_INVOKING)
    client.invoke(FunctionName="loop", InvocationType="Event", Payload=b"{}")
    assert ran_and_stopped(lambda_mock) == (16, ["RecursiveInvocationException"])
    [stopped] = [run for run in lambda_mock.invocations if run.stopped]
    assert json.loads(stopped.event)["hop"] == 17 and stopped.duration_ms == 0 and stopped.result is None
    assert stopped.trace == "" and all(run.trace.startswith("Root=") for run in lambda_mock.invocations if not run.stopped)
    assert "not run: RecursiveInvocationException" in str(lambda_mock)


def test_a_synchronous_chain_gets_the_error(lambda_mock: Any) -> None:
    client = create(SELF_INVOKING)
    response = client.invoke(FunctionName="loop", Payload=json.dumps({"type": "RequestResponse"}))
    assert json.loads(response["Payload"].read()) == 1
    assert ran_and_stopped(lambda_mock) == (16, ["RecursiveInvocationException"])
    # The 16th handler's own invoke raised RecursiveInvocationException, and it failed with it.
    [failed] = [run for run in lambda_mock.invocations if run.function_error]
    assert failed.error["errorType"] == "RecursiveInvocationException"
    assert json.loads(failed.event)["hop"] == 16


@modeled("PutFunctionRecursionConfig")
def test_a_loop_that_is_allowed_runs_on(lambda_mock: Any) -> None:
    client = create(SELF_INVOKING)
    client.put_function_recursion_config(FunctionName="loop", RecursiveLoop="Allow")
    client.invoke(FunctionName="loop", InvocationType="Event", Payload=json.dumps({"stop": 20}))
    assert ran_and_stopped(lambda_mock) == (20, [])


def test_a_loop_of_two_functions_stops_each_after_16(lambda_mock: Any) -> None:
    # "Lambda recursive loop detection": the count is per function in the event's chain, whichever functions
    # the chain passes through (here "loop" and "pong" take turns).
    client = create(PING_PONG)
    client.create_function(FunctionName="pong", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": PING_PONG})}, Timeout=30)
    client.invoke(FunctionName="loop", InvocationType="Event", Payload=json.dumps({"other": "pong"}))
    assert ran_and_stopped(lambda_mock) == (32, ["RecursiveInvocationException"])
    [stopped] = [run.function_name for run in lambda_mock.invocations if run.stopped]
    assert stopped == "loop"


def test_separate_events_each_get_their_own_count(lambda_mock: Any) -> None:
    client = create(SELF_INVOKING)
    for _ in range(3):
        client.invoke(FunctionName="loop", InvocationType="Event", Payload=json.dumps({"stop": 10}))
    assert ran_and_stopped(lambda_mock) == (30, [])


def test_a_loop_through_an_sqs_queue_stops_and_drops_the_message() -> None:
    with moto_aws(), mock_lambda() as mock:
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="loop")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        client = create(QUEUE_LOOP, moto_role())
        client.create_event_source_mapping(FunctionName="loop", EventSourceArn=arn, BatchSize=1)
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"hop": 1}))
        assert ran_and_stopped(mock) == (16, ["RecursiveInvocationException"])
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["ApproximateNumberOfMessages"] == attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


@pytest.mark.parametrize("allowed", [False, pytest.param(True, marks=modeled("PutFunctionRecursionConfig"))])
def test_a_loop_through_an_sns_topic_stops(allowed: bool) -> None:
    with moto_aws(), mock_lambda() as mock:
        client = create(TOPIC_LOOP, moto_role())
        sns = boto3.client("sns", region_name=REGION)
        topic = sns.create_topic(Name="loop")["TopicArn"]
        arn = client.get_function(FunctionName="loop")["Configuration"]["FunctionArn"]
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
        client.add_permission(FunctionName="loop", StatementId="sns", Action="lambda:InvokeFunction",
                              Principal="sns.amazonaws.com", SourceArn=topic)
        if allowed:
            client.put_function_recursion_config(FunctionName="loop", RecursiveLoop="Allow")
        sns.publish(TopicArn=topic, Message=json.dumps({"hop": 1, "stop": 18}) if allowed else json.dumps({"hop": 1}))
        assert ran_and_stopped(mock) == ((18, []) if allowed else (16, ["RecursiveInvocationException"]))


def test_a_trace_header_in_the_tests_own_environment_continues_no_chain(lambda_mock: Any, monkeypatch: Any) -> None:
    # An SDK sends _X_AMZN_TRACE_ID (as X-Amzn-Trace-Id) only inside Lambda, where AWS_LAMBDA_FUNCTION_NAME is set:
    # botocore.handlers.add_recursion_detection_header. A test process's variable is no hop of a chain.
    client = create(TRACE_ECHO)
    first = json.loads(client.invoke(FunctionName="loop")["Payload"].read())
    [key] = re.findall(r"Lineage=([0-9a-f]+):0$", first)
    monkeypatch.setenv("_X_AMZN_TRACE_ID", f"Root=1-5759e988-bd862e3fe1be46a994272793;Lineage={key}:16")
    response = client.invoke(FunctionName="loop")
    assert "FunctionError" not in response
    assert json.loads(response["Payload"].read()).endswith(f"Lineage={key}:0")
