"""SNS (moto's) invoking lambdamock's functions, as Lambda's trigger: the event's shape and the permission it needs.

Event shape: AWS's "Invoking Lambda with Amazon SNS" page.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from moto import mock_aws

from lambdamock import mock_lambda
from tests.trigger_helpers import REGION, STAMP, World

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.trigger_helpers import world as world


def topic(world: World) -> tuple[Any, str, str]:
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="orders")["TopicArn"]
    subscription = sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=world.arn)["SubscriptionArn"]
    return sns, arn, subscription




def test_sns_invokes_with_lambdas_sns_event(world: World) -> None:
    sns, arn, subscription = topic(world)
    world.allow("sns.amazonaws.com", arn)
    published = sns.publish(TopicArn=arn, Message="hello", Subject="greeting",
                            MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
    [event] = world.events()
    [record] = event["Records"]
    assert (record["EventSource"], record["EventVersion"], record["EventSubscriptionArn"]) == (
        "aws:sns", "1.0", subscription)
    message = record["Sns"]
    assert STAMP.fullmatch(message.pop("Timestamp"))
    assert message.pop("Signature")
    assert message == {
        "Type": "Notification", "MessageId": published["MessageId"], "TopicArn": arn, "Subject": "greeting",
        "Message": "hello", "SignatureVersion": "1",
        "SigningCertUrl": message["SigningCertUrl"],
        "UnsubscribeUrl": f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={subscription}",
        "MessageAttributes": {"kind": {"Type": "String", "Value": "order"}},
    }
    assert message["SigningCertUrl"].startswith(f"https://sns.{REGION}.amazonaws.com/SimpleNotificationService-")
    [trigger] = world.mock.triggers
    assert (trigger.source_arn, trigger.error) == (arn, None)
    assert world.mock.invocations[0].request_id == trigger.request_id
    assert world.mock.invocations[0].invocation_type == "Event"


def test_sns_without_a_subject_sends_null(world: World) -> None:
    sns, arn, _ = topic(world)
    world.allow("sns.amazonaws.com", arn)
    sns.publish(TopicArn=arn, Message="plain")
    [event] = world.events()
    assert event["Records"][0]["Sns"]["Subject"] is None
    assert event["Records"][0]["Sns"]["MessageAttributes"] == {}


def test_sns_without_permission_does_not_invoke_and_says_why(world: World) -> None:
    sns, arn, _ = topic(world)
    sns.publish(TopicArn=arn, Message="lost")  # the publish itself succeeds, as on AWS
    assert world.events() == []
    [trigger] = world.mock.triggers
    assert trigger.request_id is None
    assert trigger.error == f"the function's resource policy does not allow sns.amazonaws.com to invoke it from {arn}"
    assert "refused: the function's resource policy" in str(world.mock)


def test_sns_permission_for_another_topic_is_no_permission(world: World) -> None:
    sns, arn, _ = topic(world)
    world.allow("sns.amazonaws.com", arn.replace(":orders", ":other"))
    sns.publish(TopicArn=arn, Message="lost")
    assert world.events() == []


def test_sns_filter_policies_and_message_structure_are_moto_s(world: World) -> None:
    sns, arn, subscription = topic(world)
    world.allow("sns.amazonaws.com", arn)
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="FilterPolicy",
                                    AttributeValue=json.dumps({"kind": ["order"]}))
    sns.publish(TopicArn=arn, Message="skipped", MessageAttributes={"kind": {"DataType": "String", "StringValue": "x"}})
    sns.publish(TopicArn=arn, Message="kept", MessageAttributes={"kind": {"DataType": "String", "StringValue": "order"}})
    assert [event["Records"][0]["Sns"]["Message"] for event in world.events()] == ["kept"]


def test_sns_to_a_missing_function_is_refused_not_raised(world: World) -> None:
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="orders")["TopicArn"]
    missing = world.arn.rsplit(":", 1)[0] + ":gone"
    sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=missing)
    sns.publish(TopicArn=arn, Message="nobody")
    [trigger] = world.mock.triggers
    assert trigger.error == f"Function not found: {missing}"


def test_sns_to_another_account_s_function_is_refused_not_raised(world: World) -> None:
    # A function ARN names its account: another account's "f" is none of the mock's, however alike the names, and
    # SNS's Publish succeeds whatever its deliveries do. Before, moto looked "f" up in the topic's account, and the
    # Publish failed with a Lambda error botocore could not even parse.
    world.allow("sns.amazonaws.com", "arn:aws:sns:us-east-1:123456789012:orders")
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="orders")["TopicArn"]
    elsewhere = world.arn.replace(":123456789012:", ":210987654321:")
    sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=elsewhere)
    sns.publish(TopicArn=arn, Message="elsewhere")
    assert world.events() == []
    [trigger] = world.mock.triggers
    assert (trigger.function_arn, trigger.error) == (elsewhere, f"Function not found: {elsewhere}")


def redriven(world: World) -> tuple[Any, str, Any, str, str]:
    """SQS, a queue's URL, SNS, and a topic and its subscription whose RedrivePolicy names that queue."""
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(QueueName="undelivered")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns, arn, subscription = topic(world)
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RedrivePolicy",
                                    AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
    return sqs, dlq, sns, arn, subscription


def test_sns_sends_what_it_cannot_deliver_to_the_subscription_s_dead_letter_queue(world: World) -> None:
    # Recorded: LocalStack test_sns.snapshot.json, test_redrive_policy_lambda_subscription (AWS, 2023): a message
    # for a deleted function reaches the RedrivePolicy's queue as the notification an SQS subscription gets.
    sqs, dlq, sns, arn, subscription = redriven(world)
    world.allow("sns.amazonaws.com", arn)
    sns.publish(TopicArn=arn, Message="delivered")
    assert [event["Records"][0]["Sns"]["Message"] for event in world.events()] == ["delivered"]
    assert sqs.receive_message(QueueUrl=dlq).get("Messages", []) == []
    world.lam.delete_function(FunctionName="f")
    published = sns.publish(TopicArn=arn, Message="test_redrive_policy",
                            MessageAttributes={"attr1": {"DataType": "Number", "StringValue": "1"}})
    [message] = sqs.receive_message(QueueUrl=dlq, MessageAttributeNames=["All"])["Messages"]
    assert "MessageAttributes" not in message
    body = json.loads(message["Body"])
    assert {key: body[key] for key in ("Type", "MessageId", "TopicArn", "Message", "MessageAttributes")} == {
        "Type": "Notification", "MessageId": published["MessageId"], "TopicArn": arn,
        "Message": "test_redrive_policy", "MessageAttributes": {"attr1": {"Type": "Number", "Value": "1"}}}
    assert STAMP.fullmatch(body["Timestamp"]) and body["Signature"] and "Subject" not in body
    assert body["SignatureVersion"] == "1"
    assert body["UnsubscribeURL"] == (f"https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&"
                                      f"SubscriptionArn={subscription}")


def test_sns_redrives_a_message_with_its_subject(world: World) -> None:
    # A redriven message is the notification an SQS subscription gets (recorded above); that notification carries
    # the Subject given to Publish (SNS developer guide, "HTTP/HTTPS notification JSON format": Subject).
    sqs, dlq, sns, arn, _ = redriven(world)
    world.lam.delete_function(FunctionName="f")
    sns.publish(TopicArn=arn, Message="with a subject", Subject="Order placed")
    [message] = sqs.receive_message(QueueUrl=dlq)["Messages"]
    assert json.loads(message["Body"])["Subject"] == "Order placed"


def test_sns_redrives_only_to_a_queue(world: World, caplog: pytest.LogCaptureFixture) -> None:
    # AWS takes only an SQS queue's ARN as deadLetterTargetArn; moto checks nothing. A topic named there (even the
    # subscription's own) gets nothing, so no message can loop; the test's log says why.
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="copies")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns, arn, subscription = topic(world)
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn)
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RedrivePolicy",
                                    AttributeValue=json.dumps({"deadLetterTargetArn": arn}))
    sns.publish(TopicArn=arn, Message="refused")  # no permission for SNS
    assert len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]) == 1, "the queue's own copy"
    assert len(world.mock.triggers) == 1
    assert "not redriven to " + arn in caplog.text


def test_sns_publishes_whatever_becomes_of_a_redrive_to_a_missing_queue(world: World,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    # Publish answers once SNS accepted the message; it then attempts delivery (AWS's Lambda guide, "Tutorial: Using
    # Lambda with Amazon SNS"). A dead-letter queue that is gone loses the message; the Publish still succeeds.
    sns, arn, subscription = topic(world)
    missing = f"arn:aws:sqs:{REGION}:123456789012:gone"
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RedrivePolicy",
                                    AttributeValue=json.dumps({"deadLetterTargetArn": missing}))
    assert sns.publish(TopicArn=arn, Message="lost")["MessageId"]  # no permission for SNS: not delivered
    assert "not redriven to " + missing in caplog.text


def test_sns_to_an_alias_needs_the_alias_permission(world: World) -> None:
    world.lam.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="orders")["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=f"{world.arn}:live")
    world.allow("sns.amazonaws.com", arn)  # on the function, not the alias
    sns.publish(TopicArn=arn, Message="one")
    assert world.events() == []
    world.lam.add_permission(FunctionName="f", Qualifier="live", StatementId="alias", Action="lambda:InvokeFunction",
                             Principal="sns.amazonaws.com", SourceArn=arn)
    sns.publish(TopicArn=arn, Message="two")
    world.mock.wait()
    [run] = world.mock.invocations
    assert (run.qualifier, run.executed_version) == ("live", "1")


def test_the_check_can_be_turned_off_for_suites_written_against_moto() -> None:
    with mock_aws(), mock_lambda(trigger_permissions=False) as mock:
        world = World(mock)
        sns, arn, _ = topic(world)
        sns.publish(TopicArn=arn, Message="allowed anyway")
        assert [event["Records"][0]["Sns"]["Message"] for event in world.events()] == ["allowed anyway"]
