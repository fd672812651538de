"""Asynchronous invocation as AWS does it: retries by config, event age, destinations and dead-letter queues.

Shapes recorded against AWS: LocalStack test_lambda_destinations.snapshot.json (TestLambdaDestinationSqs,
TestLambdaDestinationEventbridge, TestLambdaDLQ) and test_lambda.snapshot.json
(TestLambdaConcurrency::test_reserved_concurrency).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import mock_lambda, package
from tests.escapes import Proxy
from tests.helpers import ROLE, moto_aws

REGION = "us-east-1"
FAILS_ON_DEMAND = (
    "def handler(event, context):\n"
    "    if event.get('fail'):\n"
    "        raise Exception('intentional failure')\n"
    "    return {'ok': event}\n"
)
LONG_FAILURE = "def handler(event, context):\n    raise Exception('x' * 2000)\n"


class World:
    """moto's SQS, SNS, S3 and EventBridge next to lambdamock's Lambda."""

    def __init__(self, mock: Any) -> None:
        self.mock = mock
        self.lam = boto3.client("lambda", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                 Code={"ZipFile": package({"app.py": FAILS_ON_DEMAND})})

    def queue(self, name: str) -> tuple[str, str]:
        url = self.sqs.create_queue(QueueName=name)["QueueUrl"]
        return url, self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def messages(self, url: str) -> list[dict[str, Any]]:
        found = self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"],
                                         AttributeNames=["AWSTraceHeader"])
        return found.get("Messages", [])

    def event(self, payload: dict[str, Any], function: str = "f") -> str:
        response = self.lam.invoke(FunctionName=function, InvocationType="Event", Payload=json.dumps(payload))
        assert response["StatusCode"] == 202
        self.mock.wait()
        return str(response["ResponseMetadata"]["RequestId"])


@pytest.fixture
def world() -> Iterator[World]:
    with moto_aws(), mock_lambda() as mock:
        yield World(mock)


def test_on_success_gets_the_invocation_record(world: World) -> None:
    url, arn = world.queue("success")
    world.lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnSuccess": {"Destination": arn}})
    request_id = world.event({"n": 1})
    [message] = world.messages(url)
    record = json.loads(message["Body"])
    assert record.pop("timestamp").endswith("Z")
    assert record == {
        "version": "1.0",
        "requestContext": {"requestId": request_id, "functionArn": f"{world.lam.get_function(FunctionName='f')['Configuration']['FunctionArn']}:$LATEST",
                           "condition": "Success", "approximateInvokeCount": 1},
        "requestPayload": {"n": 1},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST"},
        "responsePayload": {"ok": {"n": 1}},
    }
    assert "MessageAttributes" not in message
    # Recorded: TestLambdaDestinationSqs::test_retries and ::test_maxeventage, an AWSTraceHeader attribute.
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0",
                        message["Attributes"]["AWSTraceHeader"])
    [run] = world.mock.invocations
    assert run.condition == "Success" and [(d.kind, d.target, d.error) for d in run.deliveries] == [("OnSuccess", arn, None)]


@pytest.mark.parametrize(("retries", "attempts"), [(0, 1), (None, 3), (1, 2)])
def test_on_failure_after_the_configured_retries(world: World, retries: Any, attempts: int) -> None:
    url, arn = world.queue("failure")
    options = {} if retries is None else {"MaximumRetryAttempts": retries}
    world.lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnFailure": {"Destination": arn}},
                                               **options)
    request_id = world.event({"fail": 1})
    record = json.loads(world.messages(url)[0]["Body"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestContext"]["approximateInvokeCount"] == attempts
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorMessage"] == "intentional failure"
    assert record["responsePayload"]["requestId"] == request_id, "every attempt keeps the request id"
    assert [run.attempt for run in world.mock.invocations] == list(range(1, attempts + 1))


@pytest.mark.parametrize(("maximum_age", "attempts"), [(60, 1), (90, 2)])
def test_an_event_too_old_for_its_next_retry_fails_at_once(world: World, maximum_age: int, attempts: int) -> None:
    # Recorded: TestLambdaDestinationSqs::test_maxeventage — Lambda does not wait for a retry (a minute,
    # then two) that would come after the event's maximum age.
    url, arn = world.queue("aged")
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=maximum_age,
                                               DestinationConfig={"OnFailure": {"Destination": arn}})
    world.event({"fail": 1})
    record = json.loads(world.messages(url)[0]["Body"])
    assert (record["requestContext"]["condition"], record["requestContext"]["approximateInvokeCount"]) == (
        "EventAgeExceeded", attempts)
    # Recorded there too: the record of an event that ran carries its last attempt's response.
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorMessage"] == "intentional failure"
    assert world.mock.invocations[-1].condition == "EventAgeExceeded"


def test_a_zero_reservation_sends_events_unrun(world: World) -> None:
    url, arn = world.queue("throttled")
    world.lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0,
                                               DestinationConfig={"OnFailure": {"Destination": arn}})
    response = world.lam.invoke(FunctionName="f", InvocationType="Event")
    world.mock.wait()
    record = json.loads(world.messages(url)[0]["Body"])
    record.pop("timestamp")
    assert record == {
        "version": "1.0",
        "requestContext": {"requestId": response["ResponseMetadata"]["RequestId"],
                           "functionArn": f"arn:aws:lambda:{REGION}:123456789012:function:f:$LATEST",
                           "condition": "ZeroReservedConcurrency", "approximateInvokeCount": 0},
        "requestPayload": {},
    }
    assert world.mock.invocations == []


def test_a_dead_letter_queue_gets_the_event_as_sent_with_awss_attributes(world: World) -> None:
    url, arn = world.queue("dlq")
    failure_url, failure_arn = world.queue("failure")
    world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": arn})
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0,
                                               DestinationConfig={"OnFailure": {"Destination": failure_arn}})
    payload = json.dumps({"fail": 1})  # with a space: the body is these bytes, not a re-serialisation
    response = world.lam.invoke(FunctionName="f", InvocationType="Event", Payload=payload)
    world.mock.wait()
    [message] = world.messages(url)
    assert message["Body"] == payload and message["MD5OfBody"] == hashlib.md5(payload.encode()).hexdigest()
    assert message["MessageAttributes"] == {
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "intentional failure"},
        "RequestID": {"DataType": "String", "StringValue": response["ResponseMetadata"]["RequestId"]},
    }
    assert len(world.messages(failure_url)) == 1, "the on-failure destination gets the record too"
    # Recorded: TestLambdaDLQ::test_dead_letter_queue (delete_dlq), an empty DeadLetterConfig changes nothing;
    # an empty TargetArn takes the queue away.
    kept = world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={})
    assert kept["DeadLetterConfig"] == {"TargetArn": arn}
    removed = world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": ""})
    assert "DeadLetterConfig" not in removed
    assert "DeadLetterConfig" not in world.lam.get_function_configuration(FunctionName="f")


def test_a_published_version_keeps_the_dead_letter_queue_it_was_published_with(world: World) -> None:
    # invocation-async (developer guide): "a dead-letter queue is part of a function's version-specific
    # configuration, so it is locked in when you publish a version".
    published_url, published_arn = world.queue("published")
    latest_url, latest_arn = world.queue("latest")
    world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": published_arn})
    world.lam.publish_version(FunctionName="f")
    world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": latest_arn})
    for qualifier in ("1", "$LATEST"):
        world.lam.put_function_event_invoke_config(FunctionName="f", Qualifier=qualifier, MaximumRetryAttempts=0)
        world.lam.invoke(FunctionName="f", Qualifier=qualifier, InvocationType="Event",
                         Payload=json.dumps({"fail": qualifier}))
    world.mock.wait()
    assert [json.loads(message["Body"]) for message in world.messages(published_url)] == [{"fail": "1"}]
    assert [json.loads(message["Body"]) for message in world.messages(latest_url)] == [{"fail": "$LATEST"}]


def test_sns_lambda_eventbridge_and_s3_destinations(world: World) -> None:
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="results")["TopicArn"]
    topic_url, topic_queue = world.queue("from-topic")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=topic_queue, Attributes={"RawMessageDelivery": "true"})
    events = boto3.client("events", region_name=REGION)
    bus = events.create_event_bus(Name="bus")["EventBusArn"]
    bus_url, bus_queue = world.queue("from-bus")
    events.put_rule(Name="all", EventBusName="bus", EventPattern=json.dumps({"source": ["lambda"]}))
    events.put_targets(Rule="all", EventBusName="bus", Targets=[{"Id": "q", "Arn": bus_queue}])
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="failures")
    world.lam.create_function(FunctionName="sink", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                              Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return event\n"})})
    sink = world.lam.get_function(FunctionName="sink")["Configuration"]["FunctionArn"]

    for target in (topic, bus, sink):
        world.lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnSuccess": {"Destination": target}})
        world.event({"to": target})
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0,
                                               DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})
    world.event({"fail": 1})

    assert json.loads(world.messages(topic_url)[0]["Body"])["requestPayload"] == {"to": topic}
    bridged = json.loads(world.messages(bus_url)[0]["Body"])
    assert (bridged["source"], bridged["detail-type"]) == ("lambda", "Lambda Function Invocation Result - Success")
    assert bridged["resources"] == [bus, f"{world.lam.get_function(FunctionName='f')['Configuration']['FunctionArn']}:$LATEST"]
    assert bridged["detail"]["requestPayload"] == {"to": bus}
    [to_sink] = [run for run in world.mock.invocations if run.function_name == "sink"]
    assert to_sink.result["requestPayload"] == {"to": sink}
    [stored] = s3.list_objects_v2(Bucket="failures")["Contents"]
    assert stored["Key"].startswith("aws/lambda/async/f/")
    body = json.loads(s3.get_object(Bucket="failures", Key=stored["Key"])["Body"].read())
    assert body["requestContext"]["condition"] == "RetriesExhausted"


def test_a_destination_nothing_answers_is_reported_and_nothing_leaves(escapes: Proxy,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="lambdamock"), mock_lambda() as mock:
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": FAILS_ON_DEMAND})})
        target = f"arn:aws:sqs:{REGION}:123456789012:not-mocked"
        lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnSuccess": {"Destination": target}})
        lam.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        mock.wait()
        [run] = mock.invocations
        [delivery] = run.deliveries
        assert delivery.target == target and "sqs: it is not mocked" in str(delivery.error)
    assert f"OnSuccess record of f (request {run.request_id}) not delivered to {target}" in caplog.text
    assert escapes.attempts == []


def test_an_in_process_queue_can_be_a_destination(lambda_mock: Any) -> None:
    arn = f"arn:aws:sqs:{REGION}:123456789012:local"
    queue = lambda_mock.queue(arn)
    lam = boto3.client("lambda", region_name=REGION)
    lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                        Code={"ZipFile": package({"app.py": FAILS_ON_DEMAND})})
    lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnSuccess": {"Destination": arn}})
    lam.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"n": 2}')
    lambda_mock.wait()
    assert len(queue) == 1


# -- records and messages in detail -------------------------------------------------------------------------


def test_a_versions_record_names_the_version_it_ran(world: World) -> None:
    # The developer guide's record (invocation-async-retain-records): "timestamp": "2019-11-14T18:16:05.568Z",
    # milliseconds and a Z. Not recorded for a version: functionArn is the ARN invoked, executedVersion the version.
    url, arn = world.queue("success")
    world.lam.publish_version(FunctionName="f")
    world.lam.put_function_event_invoke_config(FunctionName="f", Qualifier="1",
                                               DestinationConfig={"OnSuccess": {"Destination": arn}})
    world.lam.invoke(FunctionName="f", Qualifier="1", InvocationType="Event", Payload=json.dumps({"n": 1}))
    world.mock.wait()
    [message] = world.messages(url)
    record = json.loads(message["Body"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"]), record["timestamp"]
    function_arn = world.lam.get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    assert record["requestContext"]["functionArn"] == f"{function_arn}:1"
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "1"}


def test_a_dead_letter_carries_the_first_kilobyte_of_the_error_message(world: World) -> None:
    # AWS's guide to dead-letter queues (lambda/latest/dg/dlq.html), message attributes: "ErrorMessage | String |
    # Error message (truncated to 1 KB)", and "ErrorCode | Number | 3-digit HTTP error code".
    url, arn = world.queue("dlq")
    world.lam.create_function(FunctionName="long", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                              Code={"ZipFile": package({"app.py": LONG_FAILURE})}, DeadLetterConfig={"TargetArn": arn})
    world.lam.put_function_event_invoke_config(FunctionName="long", MaximumRetryAttempts=0)
    world.event({}, function="long")
    [message] = world.messages(url)
    assert message["MessageAttributes"]["ErrorMessage"] == {"DataType": "String", "StringValue": "x" * 1024}
    assert message["MessageAttributes"]["ErrorCode"] == {"DataType": "Number", "StringValue": "200"}


def test_a_qualified_function_destination_runs_that_version(world: World) -> None:
    # A destination function's ARN may name a version or alias (DestinationConfig: "the ARN of ... a Lambda
    # function"); the record goes to what it names, not to $LATEST.
    world.lam.create_function(FunctionName="sink", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                              Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})},
                              Publish=True)
    world.lam.update_function_configuration(FunctionName="sink", Description="changed")
    sink = world.lam.get_function(FunctionName="sink")["Configuration"]["FunctionArn"]
    world.lam.put_function_event_invoke_config(FunctionName="f",
                                               DestinationConfig={"OnSuccess": {"Destination": f"{sink}:1"}})
    world.event({"n": 1})
    [to_sink] = [run for run in world.mock.invocations if run.function_name == "sink"]
    assert to_sink.executed_version == "1"


def test_an_eventbridge_failure_record_is_a_failure_result(world: World) -> None:
    # Recorded: LocalStack test_lambda_destinations.snapshot.json, TestLambdaDestinationEventbridge::
    # test_invoke_lambda_eventbridge, lambda_destination_event_bus_failure: "detail-type" and "resources".
    events = boto3.client("events", region_name="us-east-1")
    bus = events.create_event_bus(Name="bus")["EventBusArn"]
    url, queue = world.queue("from-bus")
    events.put_rule(Name="all", EventBusName="bus", EventPattern=json.dumps({"source": ["lambda"]}))
    events.put_targets(Rule="all", EventBusName="bus", Targets=[{"Id": "q", "Arn": queue}])
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0,
                                               DestinationConfig={"OnFailure": {"Destination": bus}})
    world.event({"fail": 1})
    [message] = world.messages(url)
    bridged = json.loads(message["Body"])
    function_arn = world.lam.get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    assert (bridged["source"], bridged["detail-type"]) == ("lambda", "Lambda Function Invocation Result - Failure")
    assert bridged["resources"] == [bus, f"{function_arn}:$LATEST"]
    assert bridged["detail"]["requestContext"]["condition"] == "RetriesExhausted"


def test_an_s3_failure_record_is_stored_under_lambdas_key(world: World) -> None:
    # Developer guide (invocation-async-retain-records, destinations table, Amazon S3): the object is named
    # aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>.
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="failures")
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0,
                                               DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})
    world.event({"fail": 1})
    [stored] = s3.list_objects_v2(Bucket="failures")["Contents"]
    day = r"(\d{4})/(\d\d)/(\d\d)"
    match = re.fullmatch(rf"aws/lambda/async/f/{day}/(\d{{4}})-(\d\d)-(\d\d)T\d\d\.\d\d\.\d\d-[0-9a-f-]{{36}}",
                         stored["Key"])
    assert match and match.groups()[:3] == match.groups()[3:], stored["Key"]


def test_a_dead_letter_topic_gets_the_event_with_awss_attributes(world: World) -> None:
    # A dead-letter queue may be an SNS topic (DeadLetterConfig.TargetArn: "an Amazon SQS queue or Amazon SNS
    # topic", botocore's model); the message is the event as sent, with the same attributes as on a queue (the
    # developer guide's dead-letter queue page: "The attributes of the message contain ... RequestID, ErrorCode,
    # ErrorMessage"). Read here through a raw-delivery subscription, which keeps the attributes.
    sns = boto3.client("sns", region_name=REGION)
    topic = sns.create_topic(Name="dead")["TopicArn"]
    url, queue = world.queue("from-topic")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue, Attributes={"RawMessageDelivery": "true"})
    world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": topic})
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
    payload = json.dumps({"fail": 1})
    request_id = world.event({"fail": 1})
    [message] = world.messages(url)
    assert message["Body"] == payload
    assert message["MessageAttributes"] == {
        "ErrorCode": {"DataType": "Number", "StringValue": "200"},
        "ErrorMessage": {"DataType": "String", "StringValue": "intentional failure"},
        "RequestID": {"DataType": "String", "StringValue": request_id},
    }
    [run] = world.mock.invocations
    assert [(d.kind, d.target, d.error) for d in run.deliveries] == [("DeadLetter", topic, None)]


def test_a_success_goes_to_on_success_only_not_to_the_failure_destination_or_the_dead_letter_queue(world: World) -> None:
    # invocation-async-retain-records: separate destinations "for events that are processed successfully, and
    # events that fail all processing attempts"; a dead-letter queue is "for discarded events".
    success_url, success_arn = world.queue("success")
    failure_url, failure_arn = world.queue("failure")
    dead_url, dead_arn = world.queue("dlq")
    world.lam.update_function_configuration(FunctionName="f", DeadLetterConfig={"TargetArn": dead_arn})
    world.lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={
        "OnSuccess": {"Destination": success_arn}, "OnFailure": {"Destination": failure_arn}})
    world.event({"n": 1})
    assert [json.loads(m["Body"])["requestContext"]["condition"] for m in world.messages(success_url)] == ["Success"]
    assert world.messages(failure_url) == [] and world.messages(dead_url) == []
    [run] = world.mock.invocations
    assert [(d.kind, d.target) for d in run.deliveries] == [("OnSuccess", success_arn)]


def test_a_dead_letter_queue_nothing_answers_is_reported(escapes: Proxy, caplog: pytest.LogCaptureFixture) -> None:
    # As for a destination: the event is lost, and the invocation and the log say why.
    with caplog.at_level("WARNING", logger="lambdamock"), mock_lambda() as mock:
        lam = boto3.client("lambda", region_name=REGION)
        target = f"arn:aws:sqs:{REGION}:123456789012:not-mocked"
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                            Code={"ZipFile": package({"app.py": FAILS_ON_DEMAND})}, DeadLetterConfig={"TargetArn": target})
        lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=0)
        lam.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"fail": 1}')
        mock.wait()
        [run] = mock.invocations
        assert run.condition == "RetriesExhausted"
        [delivery] = run.deliveries
        assert (delivery.kind, delivery.target) == ("DeadLetter", target) and "sqs: it is not mocked" in str(delivery.error)
    assert f"DeadLetter record of f (request {run.request_id}) not delivered to {target}" in caplog.text
    assert escapes.attempts == []


def test_the_second_retry_waits_two_minutes_in_the_events_age(world: World) -> None:
    # invocation-async: "a one-minute wait between the first two attempts, and two minutes between the second and
    # third". With 150 seconds, the second retry would come at 180: Lambda gives up after two attempts, as it does
    # with 90 (recorded: TestLambdaDestinationSqs::test_maxeventage).
    url, arn = world.queue("aged")
    world.lam.put_function_event_invoke_config(FunctionName="f", MaximumEventAgeInSeconds=150,
                                               DestinationConfig={"OnFailure": {"Destination": arn}})
    world.event({"fail": 1})
    record = json.loads(world.messages(url)[0]["Body"])
    assert (record["requestContext"]["condition"], record["requestContext"]["approximateInvokeCount"]) == (
        "EventAgeExceeded", 2)
    assert [(run.attempt, run.condition) for run in world.mock.invocations] == [(1, None), (2, "EventAgeExceeded")]


def test_a_function_destination_is_invoked_asynchronously(world: World) -> None:
    # docs/async.md (destinations table): a Lambda function gets the record as its event "in an Event invocation of
    # that function", with an Event invocation's retries and outcome. AWS's texts on this were not found recorded.
    world.lam.create_function(FunctionName="sink", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                              Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})})
    sink = world.lam.get_function(FunctionName="sink")["Configuration"]["FunctionArn"]
    world.lam.put_function_event_invoke_config(FunctionName="f", DestinationConfig={"OnSuccess": {"Destination": sink}})
    world.event({"n": 1})
    [to_sink] = [run for run in world.mock.invocations if run.function_name == "sink"]
    assert (to_sink.invocation_type, to_sink.condition) == ("Event", "Success")
    assert json.loads(to_sink.event)["requestContext"]["condition"] == "Success"
