"""Fail closed: while lambdamock is in charge nothing reaches the network, whatever the client or thread.

Every test routes HTTP(S) through a recording loopback proxy (tests/escapes.py) and asserts that
nothing connected to it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from typing import Any, Iterator

import boto3
import botocore.endpoint
import botocore.session
import pytest
from botocore.config import Config
from moto import mock_aws

from lambdamock import mock_lambda, package
from lambdamock.errors import MockStoppedError, NotServedError
from tests.escapes import CREDENTIALS, Proxy
from tests.helpers import ROLE, TRUST, wait_until
from tests.runtime import sync

ORIGINAL_DO_GET_RESPONSE = botocore.endpoint.Endpoint.__dict__["_do_get_response"]
ECHO = "def handler(event, context):\n    return event\n"


def problem(client, uuid: str) -> str:
    """Why the mapping cannot read its source: streams say it in LastProcessingResult, queues in StateTransitionReason."""
    mapping = client.get_event_source_mapping(UUID=uuid)
    return str(mapping.get("LastProcessingResult") or mapping["StateTransitionReason"])


def create(client, name: str = "f", source: str = ECHO) -> None:
    # A long timeout: handlers here wait for the test, which must not be mistaken for a runaway handler.
    client.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=60,
                           Code={"ZipFile": package({"app.py": source})})


def test_a_client_made_before_start_stays_in_process(escapes: Proxy) -> None:
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_lambda() as mock:
        create(client)
        assert json.loads(client.invoke(FunctionName="f", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}
        client.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        mock.wait()
        assert [f["FunctionName"] for f in client.list_functions()["Functions"]] == ["f"]
    assert escapes.attempts == []


def test_a_lambda_client_made_without_aws_configuration_asks_nobody_for_credentials(unconfigured: Proxy) -> None:
    # botocore looks credentials up as it makes a client; with none at hand it would ask instance metadata
    # (169.254.169.254) or the container's endpoint. A Lambda client made while a mock is active needs none.
    with mock_lambda():
        client = boto3.session.Session().client("lambda", region_name="us-east-1")
        create(client)
        assert json.loads(client.invoke(FunctionName="f", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}
    assert unconfigured.attempts == []


@pytest.mark.parametrize("how", ["variable", "config"])
def test_a_lambda_client_in_the_auto_defaults_mode_asks_nobody_for_the_region(
        keyless: Proxy, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    # botocore resolves the "auto" defaults mode as it makes a client, asking instance metadata for the
    # region it runs in (as it would off EC2 here: through the proxy).
    config = Config(defaults_mode="auto") if how == "config" else None
    if how == "variable":
        monkeypatch.setenv("AWS_DEFAULTS_MODE", "auto")
    with mock_lambda():
        client = boto3.session.Session().client("lambda", region_name="us-east-1", config=config)
        create(client)
        assert json.loads(client.invoke(FunctionName="f", Payload=b'{"a": 1}')["Payload"].read()) == {"a": 1}
    assert keyless.attempts == []
    boto3.session.Session().client("s3", region_name="us-east-1", config=config)  # the proxy sees what it asks
    assert any("169.254.169.254" in attempt for attempt in keyless.attempts), keyless.attempts


@pytest.mark.parametrize("url", ["https://lambda.example.com", "http://localhost:1", "http://127.0.0.1:9"])
def test_endpoint_url_clients_stay_in_process(escapes: Proxy, url: str) -> None:
    with mock_lambda():
        client = boto3.client("lambda", region_name="eu-west-1", endpoint_url=url)
        create(client)
        assert client.get_function(FunctionName="f")["Configuration"]["FunctionName"] == "f"
    assert escapes.attempts == []


def _neighbours() -> list[tuple[str, str]]:
    """Services that botocore models apart but that share Lambda's endpoint, each with an operation that needs no input.

    botocore 1.44 has Lambda Web Functions (lambda-web), Lambda Core (lambda-core) and Lambda MicroVMs
    (lambda-microvms); older ones have none.
    """
    session = botocore.session.get_session()
    found = []
    for name in session.get_available_services():
        model = session.get_service_model(name) if name.startswith("lambda-") else None
        if model is None or model.endpoint_prefix != "lambda":
            continue
        needs_nothing = [operation for operation in model.operation_names
                         if not getattr(model.operation_model(operation).input_shape, "required_members", None)]
        if needs_nothing:
            found.append((name, needs_nothing[0]))
    return found


@pytest.mark.parametrize("with_moto", [False, True], ids=["alone", "with moto"])
@pytest.mark.parametrize(("service", "operation"), _neighbours())
def test_a_service_that_shares_lambdas_endpoint_is_refused_not_sent(
        escapes: Proxy, service: str, operation: str, with_moto: bool) -> None:
    with mock_aws() if with_moto else contextlib.nullcontext(), mock_lambda() as mock:
        client = boto3.client(service, region_name="us-east-1")
        name = client.meta.service_model.service_id
        with pytest.raises(NotServedError, match=f"^lambdamock does not serve the {name} operation {operation} "):
            getattr(client, botocore.xform_name(operation))()
        assert [call.operation for call in mock.unserved] == [operation]
        # Lambda's own operations are still served beside it.
        assert boto3.client("lambda", region_name="us-east-1").list_functions()["Functions"] == []
    assert escapes.attempts == []


def test_a_handler_outliving_its_mock_is_refused_not_sent(escapes: Proxy) -> None:
    sync.events["outlive"] = release = threading.Event()
    outcome: dict[str, object] = {}
    sync.calls["outlive"] = outcome.setdefault
    source = (
        "import boto3\nfrom tests.runtime import sync\n"
        "def handler(event, context):\n"
        "    sync.calls['outlive']('running', True)\n"
        "    sync.events['outlive'].wait(30)\n"
        "    try:\n"
        "        boto3.client('lambda').list_functions()\n"
        "    except BaseException as error:\n"
        "        sync.calls['outlive']('error', error)\n"
    )
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, source=source)
        client.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        wait_until(lambda: "running" in outcome)
    # The test ended without mock.wait(): the handler goes on, and its next call must not go out.
    assert botocore.endpoint.Endpoint.__dict__["_do_get_response"] is not ORIGINAL_DO_GET_RESPONSE
    release.set()
    wait_until(lambda: "error" in outcome, timeout=10)
    assert isinstance(outcome["error"], MockStoppedError)
    assert "ListFunctions was not sent" in str(outcome["error"])
    assert escapes.attempts == []
    # Once the last thread of that mock ended, botocore is as it was.
    wait_until(lambda: botocore.endpoint.Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE)


@pytest.mark.parametrize("start", ["threading.Thread(target=later).start()", "_thread.start_new_thread(later, ())"],
                         ids=["threading", "_thread"])
def test_a_thread_started_by_a_handler_belongs_to_its_mock(escapes: Proxy, start: str) -> None:
    sync.events["child"] = release = threading.Event()
    outcome: dict[str, object] = {}
    sync.calls["child"] = outcome.setdefault
    source = (
        "import os, threading, _thread, boto3\nfrom tests.runtime import sync\n"
        "def later():\n"
        "    sync.calls['child']('region', os.environ.get('AWS_LAMBDA_FUNCTION_NAME'))\n"
        "    sync.events['child'].wait(30)\n"
        "    try:\n"
        "        boto3.client('lambda', region_name='us-east-1').list_functions()\n"
        "    except BaseException as error:\n"
        "        sync.calls['child']('error', error)\n"
        "def handler(event, context):\n"
        f"    {start}\n"
    )
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client, "parent", source=source)
        client.invoke(FunctionName="parent", Payload=b"{}")
        wait_until(lambda: "region" in outcome)
        assert outcome["region"] == "parent", "a handler's thread sees the function's environment"
    release.set()
    wait_until(lambda: "error" in outcome, timeout=10)
    assert isinstance(outcome["error"], MockStoppedError)
    assert escapes.attempts == []
    wait_until(lambda: botocore.endpoint.Endpoint.__dict__["_do_get_response"] is ORIGINAL_DO_GET_RESPONSE)


def test_a_handler_of_an_outer_mock_is_not_served_by_an_inner_one(escapes: Proxy) -> None:
    sync.events["nested"] = release = threading.Event()
    outcome: dict[str, object] = {}
    sync.calls["nested"] = outcome.setdefault
    source = (
        "import boto3\nfrom tests.runtime import sync\n"
        "def handler(event, context):\n"
        "    sync.events['nested'].wait(30)\n"
        "    names = boto3.client('lambda').list_functions()['Functions']\n"
        "    sync.calls['nested']('seen', [f['FunctionName'] for f in names])\n"
    )
    client = boto3.client("lambda", region_name="us-east-1")
    with mock_lambda() as outer:
        create(client, "outer", source=source)
        client.invoke(FunctionName="outer", InvocationType="Event", Payload=b"{}")
        with mock_lambda():
            create(client, "inner")
            release.set()
            wait_until(lambda: "seen" in outcome)
        outer.wait()
    assert outcome["seen"] == ["outer"]
    assert escapes.attempts == []


@contextlib.contextmanager
def a_mapping_with_a_problem(source_arn: str) -> Iterator[tuple[Any, str]]:
    """A mapping of ``source_arn`` to a new function, once it reports a problem: its client and UUID."""
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client)
        extra = {} if ":sqs:" in source_arn else {"StartingPosition": "TRIM_HORIZON"}
        uuid = client.create_event_source_mapping(EventSourceArn=source_arn, FunctionName="f", **extra)["UUID"]
        wait_until(lambda: problem(client, uuid).startswith("PROBLEM"))
        yield client, uuid


@pytest.mark.parametrize(
    "source_arn",
    [
        "arn:aws:sqs:us-east-1:123456789012:orders",
        "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
        "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000",
    ],
    ids=["sqs", "kinesis", "dynamodb"],
)
def test_a_mapping_on_an_unmocked_source_reports_it_and_sends_nothing(escapes: Proxy, source_arn: str) -> None:
    with a_mapping_with_a_problem(source_arn) as (client, uuid):
        assert "is not mocked" in problem(client, uuid) and "mock_aws" in problem(client, uuid)
        # An update checks the queue's visibility timeout again: only where SQS is mocked.
        client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert escapes.attempts == []


@pytest.mark.parametrize("source", [
    {"EventSourceArn": "arn:aws:kafka:us-east-1:123456789012:cluster/orders/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2",
     "Topics": ["orders"]},
    {"SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka.example.com:9092"]}},
     "Topics": ["orders"], "SourceAccessConfigurations": [
         {"Type": "BASIC_AUTH", "URI": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf"}]},
    {"EventSourceArn": "arn:aws:mq:us-east-1:123456789012:broker:orders:b-24cacbb4-b295-49b7-8543-7ce7ce9dfb98",
     "Queues": ["orders"], "SourceAccessConfigurations": [
         {"Type": "BASIC_AUTH", "URI": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf"}]},
    {"EventSourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:orders",
     "DocumentDBEventSourceConfig": {"DatabaseName": "shop"}},
], ids=["msk", "self-managed-kafka", "mq", "documentdb"])
def test_a_mapping_no_one_reads_asks_nobody_anything(escapes: Proxy, source: dict) -> None:
    # Neither its broker, nor its secret, nor moto: a Kafka, MQ or DocumentDB mapping has no poller.
    with mock_lambda() as mock:
        client = boto3.client("lambda", region_name="us-east-1")
        create(client)
        uuid = client.create_event_source_mapping(FunctionName="f", **source)["UUID"]
        wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
        client.update_event_source_mapping(UUID=uuid, BatchSize=5)
        mock.wait(timeout=5)
        client.delete_event_source_mapping(UUID=uuid)
    assert escapes.attempts == []


def test_a_mapping_stops_reading_when_moto_stops(escapes: Proxy) -> None:
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        create(client)
        with mock_aws():
            sqs = boto3.client("sqs", region_name="us-east-1")
            # As long as the function's timeout, or Lambda refuses the mapping.
            url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            uuid = client.create_event_source_mapping(EventSourceArn=arn, FunctionName="f")["UUID"]
            wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
        wait_until(lambda: problem(client, uuid).startswith("PROBLEM"))
    assert escapes.attempts == []


def test_code_from_an_unmocked_s3_is_refused_and_not_fetched(escapes: Proxy) -> None:
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        with pytest.raises(client.exceptions.InvalidParameterValueException) as caught:
            client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                   Code={"S3Bucket": "bucket", "S3Key": "code.zip"})
        assert "does not call s3: it is not mocked" in caught.value.response["Error"]["Message"]
        assert client.list_functions()["Functions"] == []
    assert escapes.attempts == []


def test_an_image_is_looked_up_in_ecr_only_where_ecr_is_mocked(escapes: Proxy) -> None:
    uri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:v1"
    with mock_lambda():
        client = boto3.client("lambda", region_name="us-east-1")
        created = client.create_function(FunctionName="img", Role=ROLE, PackageType="Image", Code={"ImageUri": uri})
        assert created["CodeSha256"] == hashlib.sha256(uri.encode()).hexdigest()  # the stand-in: ECR was not asked
        # A pinned digest is looked up too (to refuse one a mocked ECR does not hold): here it stands as given.
        digest = "ab" * 32
        pinned = client.create_function(FunctionName="pinned", Role=ROLE, PackageType="Image",
                                        Code={"ImageUri": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:{digest}"})
        assert pinned["CodeSha256"] == digest
    assert escapes.attempts == []


SQS_ENDPOINT = "http://127.0.0.1:4566"


def read_through_a_named_endpoint() -> str:
    """Map a queue whose SQS is a named endpoint; the problem the mapping reports."""
    with mock_lambda(endpoints={"sqs": SQS_ENDPOINT}):
        client = boto3.client("lambda", region_name="us-east-1")
        create(client)
        uuid = client.create_event_source_mapping(
            EventSourceArn="arn:aws:sqs:us-east-1:123456789012:orders", FunctionName="f")["UUID"]
        wait_until(lambda: problem(client, uuid).startswith("PROBLEM"))
        return problem(client, uuid)


def test_an_endpoint_named_for_a_service_is_the_only_place_it_is_called(escapes: Proxy) -> None:
    read_through_a_named_endpoint()
    # The proxy stands in for that endpoint here: every attempt went to it and nowhere else.
    assert escapes.attempts
    assert all(SQS_ENDPOINT in attempt for attempt in escapes.attempts), escapes.attempts


QUEUE = "arn:aws:sqs:us-east-1:123456789012:orders"


@pytest.mark.parametrize(("variable", "source_arn"), [
    ("AWS_ENDPOINT_URL_SQS", QUEUE),
    ("AWS_ENDPOINT_URL", QUEUE),
    ("AWS_ENDPOINT_URL_DYNAMODB_STREAMS", "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024-01-01T00:00:00.000"),
], ids=["sqs", "global", "dynamodb-streams"])
def test_an_endpoint_the_process_s_variables_name_is_the_only_place_called(
        escapes: Proxy, monkeypatch: pytest.MonkeyPatch, variable: str, source_arn: str) -> None:
    # botocore's service-specific endpoint variable (configprovider: AWS_ENDPOINT_URL_ and the service id
    # hyphenized, upper case, its hyphens as underscores: "DynamoDB Streams" is DYNAMODB_STREAMS) and the global
    # one name where a source's service is: lambdamock's own calls go there and nowhere else.
    monkeypatch.setenv(variable, SQS_ENDPOINT)
    with a_mapping_with_a_problem(source_arn) as (client, uuid):
        assert "is not mocked" not in problem(client, uuid)
    assert escapes.attempts
    assert all(SQS_ENDPOINT in attempt for attempt in escapes.attempts), escapes.attempts


def test_endpoint_variables_the_process_says_to_ignore_name_no_endpoint(
        escapes: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    # AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true: botocore ignores the endpoints that variables and the config file
    # name (the SDKs' "Service-specific endpoints" guide), so SQS is not mocked, and nothing is sent.
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", SQS_ENDPOINT)
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
    with a_mapping_with_a_problem(QUEUE) as (client, uuid):
        found = problem(client, uuid)
    assert "does not call sqs: it is not mocked" in found
    # The advice names the option and the variable that would serve it.
    assert "mock_lambda(endpoints={'sqs': url}) or AWS_ENDPOINT_URL_SQS" in found
    assert escapes.attempts == []


def test_lambdamocks_own_calls_to_a_named_endpoint_ask_nobody_for_credentials(unconfigured: Proxy) -> None:
    # Keys at hand would sign them; with none, the source is reported unreadable, and nobody was asked.
    assert read_through_a_named_endpoint() == "PROBLEM: Unable to locate credentials"
    assert all(SQS_ENDPOINT in attempt for attempt in unconfigured.attempts), unconfigured.attempts


def test_keys_set_once_a_named_endpoint_was_found_without_them_are_used(
        keyless: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_lambda(endpoints={"sqs": SQS_ENDPOINT}):
        client = boto3.client("lambda", region_name="us-east-1")
        create(client)
        uuid = client.create_event_source_mapping(
            EventSourceArn="arn:aws:sqs:us-east-1:123456789012:orders", FunctionName="f")["UUID"]
        wait_until(lambda: problem(client, uuid) == "PROBLEM: Unable to locate credentials")
        for name, value in CREDENTIALS.items():
            monkeypatch.setenv(name, value)
        wait_until(lambda: keyless.attempts, timeout=10)  # the poller's next try is signed, and sent to the endpoint
    assert all(SQS_ENDPOINT in attempt for attempt in keyless.attempts), keyless.attempts


def test_moto_leaving_the_keys_to_the_user_still_answers_lambdamocks_own_calls(keyless: Proxy) -> None:
    # mock_aws(config={"core": {"mock_credentials": False}}) sets no keys; the test's clients bring their own.
    keys = {"region_name": "us-east-1", "aws_access_key_id": "mine", "aws_secret_access_key": "mine"}
    with mock_aws(config={"core": {"mock_credentials": False}}), mock_lambda() as mock:
        boto3.client("iam", **keys).create_role(RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST)
        sqs = boto3.client("sqs", **keys)
        url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        client = boto3.client("lambda", **keys)
        create(client)
        client.create_event_source_mapping(EventSourceArn=arn, FunctionName="f")
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        wait_until(lambda: len(mock.invocations) == 1)
    assert json.loads(mock.invocations[0].event)["Records"][0]["body"] == "hello"
    assert keyless.attempts == []


def test_lambdamocks_own_calls_in_the_auto_defaults_mode_ask_nobody_for_the_region(
        escapes: Proxy, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULTS_MODE", "auto")
    legacy = Config(defaults_mode="legacy")  # the test's own clients, which would ask
    with mock_aws(), mock_lambda() as mock:
        boto3.client("iam", region_name="us-east-1", config=legacy).create_role(
            RoleName=ROLE.rsplit("/", 1)[1], AssumeRolePolicyDocument=TRUST)
        sqs = boto3.client("sqs", region_name="us-east-1", config=legacy)
        url = sqs.create_queue(QueueName="jobs", Attributes={"VisibilityTimeout": "120"})["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        client = boto3.client("lambda", region_name="us-east-1", config=legacy)
        create(client)
        client.create_event_source_mapping(EventSourceArn=arn, FunctionName="f")
        sqs.send_message(QueueUrl=url, MessageBody="hello")
        wait_until(lambda: len(mock.invocations) == 1)
    assert escapes.attempts == []


def test_an_sns_redrive_reaches_moto_s_queue_or_nothing(escapes: Proxy) -> None:
    # The dead-letter queue of a Lambda subscription is reached through the outbound gate: moto's queue, or
    # (another account's queue, which nothing mocks) nowhere, logged, never the network.
    with mock_aws(), mock_lambda():
        sqs = boto3.client("sqs", region_name="us-east-1")
        url = sqs.create_queue(QueueName="undelivered")["QueueUrl"]
        own = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns = boto3.client("sns", region_name="us-east-1")
        topic = sns.create_topic(Name="orders")["TopicArn"]
        for target in (own, "arn:aws:sqs:us-east-1:210987654321:elsewhere"):
            subscription = sns.subscribe(TopicArn=topic, Protocol="lambda",
                                         Endpoint="arn:aws:lambda:us-east-1:123456789012:function:gone")
            sns.set_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"],
                                            AttributeName="RedrivePolicy",
                                            AttributeValue=json.dumps({"deadLetterTargetArn": target}))
            sns.publish(TopicArn=topic, Message="undeliverable")
            sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
        assert len(sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]) == 1
    assert escapes.attempts == []
