"""SNS, S3 and EventBridge (moto's) invoking lambdamock's functions, as Lambda's triggers: shapes and permissions.

Event shapes: AWS's "Invoking Lambda with Amazon SNS", S3's "Event message structure" and EventBridge's
"Amazon EventBridge events" pages. S3's refusal of an unauthorised destination: "Unable to validate the
following destination configurations" (aws/aws-sdk-js#632, hashicorp/terraform#19756).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any, Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import TRUST
from tests.trigger_helpers import ECHO, REGION, World, nested

ACCOUNT = "123456789012"
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(params=[True, False], ids=["lambdamock-outer", "moto-outer"])
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    with nested(request.param) as mock:
        yield World(mock)


def topic(world: World) -> tuple[Any, str, str]:
    sns = boto3.client("sns", region_name=REGION)
    arn = sns.create_topic(Name="orders")["TopicArn"]
    subscription = sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=world.arn)["SubscriptionArn"]
    return sns, arn, subscription


# -- SNS ---------------------------------------------------------------------------------


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


def test_sns_sends_what_it_cannot_deliver_to_the_subscription_s_dead_letter_queue(world: World) -> None:
    # Recorded: LocalStack test_sns.snapshot.json, test_redrive_policy_lambda_subscription (AWS, 2023): a message
    # for a deleted function reaches the RedrivePolicy's queue as the notification an SQS subscription gets.
    sqs = boto3.client("sqs", region_name=REGION)
    dlq = sqs.create_queue(QueueName="undelivered")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns, arn, subscription = topic(world)
    sns.set_subscription_attributes(SubscriptionArn=subscription, AttributeName="RedrivePolicy",
                                    AttributeValue=json.dumps({"deadLetterTargetArn": dlq_arn}))
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


# -- S3 ----------------------------------------------------------------------------------


def notify(bucket: str, arn: str, **filters: str) -> None:
    rules = [{"Name": name, "Value": value} for name, value in filters.items()]
    config: dict[str, Any] = {"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}
    if rules:
        config["Filter"] = {"Key": {"FilterRules": rules}}
    boto3.client("s3", region_name=REGION).put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"LambdaFunctionConfigurations": [config]})


def test_s3_refuses_a_destination_it_may_not_invoke(world: World) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    with pytest.raises(ClientError) as refused:
        notify("uploads", world.arn)
    assert refused.value.response["Error"]["Code"] == "InvalidArgument"
    assert refused.value.response["Error"]["Message"] == "Unable to validate the following destination configurations"
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert "LambdaFunctionConfigurations" not in s3.get_bucket_notification_configuration(Bucket="uploads")


@pytest.mark.parametrize("arn", [
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:missing",
    f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:n/a",  # a name Lambda never gives a function
    f"arn:aws:lambda:{REGION}:111122223333:function:f",  # another account's: none of this mock's
])
def test_s3_refuses_a_function_that_does_not_exist_unless_told_to_skip_the_check(world: World, arn: str) -> None:
    # Recorded: LocalStack test_s3_notifications_lambda.snapshot.json, test_invalid_lambda_arn:
    # "lambda-does-not-exist" is refused, and the same configuration with SkipDestinationValidation is taken.
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    config = {"LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]}
    with pytest.raises(ClientError) as refused:
        s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration=config)
    assert refused.value.response["Error"]["Message"] == "Unable to validate the following destination configurations"
    assert "LambdaFunctionConfigurations" not in s3.get_bucket_notification_configuration(Bucket="uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration=config,
                                             SkipDestinationValidation=True)
    stored = s3.get_bucket_notification_configuration(Bucket="uploads")["LambdaFunctionConfigurations"]
    assert [entry["LambdaFunctionArn"] for entry in stored] == [arn]
    # The check is skipped for that request only, even one that failed for a reason of its own: moto's
    # CloudFormation, say, configures a bucket through S3's backend afterwards, with no request to skip it.
    with pytest.raises(ClientError):
        s3.put_bucket_notification_configuration(Bucket="missing", NotificationConfiguration=config,
                                                 SkipDestinationValidation=True)
    from moto.s3.exceptions import S3ClientError
    from moto.s3.models import s3_backends

    with pytest.raises(S3ClientError):
        s3_backends[ACCOUNT]["aws"].put_bucket_notification_configuration(
            "uploads", {"CloudFunctionConfiguration": [{"CloudFunction": arn, "Event": ["s3:ObjectCreated:*"]}]})


def test_s3_invokes_with_lambdas_s3_event(world: World) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    world.allow("s3.amazonaws.com", "arn:aws:s3:::uploads")
    notify("uploads", world.arn, prefix="in/", suffix=".txt")
    s3.put_object(Bucket="uploads", Key="in/a b+c.txt", Body=b"12345")
    s3.put_object(Bucket="uploads", Key="out/skipped.txt", Body=b"x")
    s3.put_object(Bucket="uploads", Key="in/skipped.csv", Body=b"x")
    [event] = world.events()
    [record] = event["Records"]
    assert (record["eventVersion"], record["eventSource"], record["awsRegion"], record["eventName"]) == (
        "2.1", "aws:s3", REGION, "ObjectCreated:Put")
    assert STAMP.fullmatch(record["eventTime"])
    assert set(record) >= {"userIdentity", "requestParameters", "responseElements"}
    detail = record["s3"]
    assert detail["bucket"]["name"] == "uploads" and detail["bucket"]["arn"] == "arn:aws:s3:::uploads"
    assert "principalId" in detail["bucket"]["ownerIdentity"]
    obj = detail["object"]
    assert (obj["key"], obj["size"]) == ("in/a+b%2Bc.txt", 5)  # URL-encoded as form data, slashes kept
    assert obj["eTag"] and obj["sequencer"]


def test_s3_records_carry_the_object_fields_of_their_event(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_sqs.snapshot.json (test_object_created_and_object_removed,
    # test_object_tagging_put_event, test_object_put_acl).
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    world.allow("s3.amazonaws.com", "arn:aws:s3:::uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"LambdaFunctionArn": world.arn, "Events": [
            "s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*", "s3:ObjectAcl:Put"]}]})
    s3.put_object(Bucket="uploads", Key="k", Body=b"x")
    s3.put_object_tagging(Bucket="uploads", Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    s3.put_object_acl(Bucket="uploads", Key="k", ACL="public-read")
    s3.delete_object(Bucket="uploads", Key="k")
    fields = {record["eventName"]: list(record["s3"]["object"]) for event in world.events()
              for record in event["Records"]}
    assert fields["ObjectCreated:Put"] == ["key", "size", "eTag", "sequencer"]
    assert fields["ObjectTagging:Put"] == fields["ObjectAcl:Put"] == ["key", "eTag"]
    assert fields["ObjectRemoved:Delete"] == ["key", "sequencer"]
    records = [record for event in world.events() for record in event["Records"]]
    # 2.3 for tagging and ACL events (recorded above: "eventVersion": "2.3"), 2.1 for the others.
    assert {record["eventName"]: record["eventVersion"] for record in records} == {
        "ObjectCreated:Put": "2.1", "ObjectTagging:Put": "2.3", "ObjectAcl:Put": "2.3", "ObjectRemoved:Delete": "2.1"}
    # "a hexadecimal value used to determine event sequence" ("Event message structure"): later compares greater.
    sequencers = {record["eventName"]: record["s3"]["object"].get("sequencer", "") for record in records}
    put, deleted = sequencers["ObjectCreated:Put"], sequencers["ObjectRemoved:Delete"]
    assert len(put) == len(deleted) and put < deleted


def test_s3_and_sns_in_another_partition_name_its_resources_and_hosts() -> None:
    # The bucket's ARN is in the region's partition (recorded: LocalStack test_s3_notifications_lambda.snapshot.json,
    # test_create_object_put_via_dynamodb, "arn:<partition>:s3:::<bucket-name:1>"), and SNS's URLs are on the
    # partition's domain (botocore's endpoints data: amazonaws.com.cn).
    region = "cn-north-1"
    with mock_aws(), mock_lambda() as mock:
        role = boto3.client("iam", region_name=region).create_role(RoleName="r", AssumeRolePolicyDocument=TRUST)
        lam = boto3.client("lambda", region_name=region)
        arn = lam.create_function(FunctionName="f", Runtime="python3.12", Role=role["Role"]["Arn"],
                                  Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})})["FunctionArn"]
        lam.add_permission(FunctionName="f", StatementId="s3", Action="lambda:InvokeFunction",
                           Principal="s3.amazonaws.com", SourceArn="arn:aws-cn:s3:::uploads")
        s3 = boto3.client("s3", region_name=region)
        s3.create_bucket(Bucket="uploads", CreateBucketConfiguration={"LocationConstraint": region})
        s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
        s3.put_object(Bucket="uploads", Key="k", Body=b"x")
        sns = boto3.client("sns", region_name=region)
        topic = sns.create_topic(Name="news")["TopicArn"]
        lam.add_permission(FunctionName="f", StatementId="sns", Action="lambda:InvokeFunction",
                           Principal="sns.amazonaws.com", SourceArn=topic)
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
        sns.publish(TopicArn=topic, Message="hi")
        mock.wait()
        # Two Event invocations: either may be recorded first.
        records = [json.loads(run.event)["Records"][0] for run in mock.invocations]
        [upload] = [record for record in records if "s3" in record]
        [news] = [record for record in records if "Sns" in record]
        assert upload["s3"]["bucket"]["arn"] == "arn:aws-cn:s3:::uploads"
        assert news["Sns"]["SigningCertUrl"].startswith("https://sns.cn-north-1.amazonaws.com.cn/")
        assert news["Sns"]["UnsubscribeUrl"].startswith("https://sns.cn-north-1.amazonaws.com.cn/")


# -- EventBridge -----------------------------------------------------------------------------


def rule(world: World, *targets: dict[str, Any], state: str = "ENABLED") -> tuple[Any, str]:
    events = boto3.client("events", region_name=REGION)
    arn = events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}), State=state)["RuleArn"]
    events.put_targets(Rule="orders", Targets=list(targets))
    return events, arn


def put(events: Any, detail: dict[str, Any]) -> str:
    answer = events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": json.dumps(detail),
                                         "Resources": ["arn:aws:shop:::order/1"]}])
    return str(answer["Entries"][0]["EventId"])


def test_eventbridge_invokes_with_the_event(world: World) -> None:
    events, arn = rule(world, {"Id": "f", "Arn": world.arn})
    world.allow("events.amazonaws.com", arn)
    event_id = put(events, {"order": 1})
    [event] = world.events()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", event.pop("time"))
    assert event == {"version": "0", "id": event_id, "detail-type": "Order placed", "source": "shop",
                     "account": ACCOUNT, "region": REGION, "resources": ["arn:aws:shop:::order/1"],
                     "detail": {"order": 1}}


def test_eventbridge_target_input_options(world: World) -> None:
    events, arn = rule(
        world,
        {"Id": "path", "Arn": world.arn, "InputPath": "$.detail"},
        {"Id": "constant", "Arn": world.arn, "Input": '{"fixed": true}'},
        {"Id": "transformed", "Arn": world.arn, "InputTransformer": {
            "InputPathsMap": {"order": "$.detail.order", "source": "$.source"},
            "InputTemplate": '{"id": <order>, "text": "order <order> from <source>", "rule": "<aws.events.rule-name>"}'}},
    )
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 7})
    got = sorted(world.events(), key=json.dumps)
    assert got == sorted([{"order": 7}, {"fixed": True}, {"id": 7, "text": "order 7 from shop", "rule": "orders"}],
                         key=json.dumps)


def test_the_ingestion_time_is_when_eventbridge_got_the_event_not_its_time(world: World) -> None:
    # "aws.events.event.ingestion-time: The time at which the event was received by EventBridge" (EventBridge's
    # input transformation guide, predefined variables); an event's Time may be any the sender chose.
    template = {"InputTemplate": '{"time": "<aws.events.event.ingestion-time>"}'}
    events, arn = rule(world, {"Id": "t", "Arn": world.arn, "InputTransformer": template},
                       {"Id": "u", "Arn": world.arn, "InputTransformer": template})
    world.allow("events.amazonaws.com", arn)
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    events.put_events(Entries=[{"Source": "shop", "DetailType": "Order placed", "Detail": "{}",
                                "Time": datetime.datetime(2020, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)}])
    first, second = world.events()
    assert first == second  # one event, one time at which EventBridge received it
    ingested = datetime.datetime.strptime(first["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert before <= ingested <= datetime.datetime.now(datetime.timezone.utc)


def test_moto_s_eventbridge_events_for_s3_api_calls_are_asynchronous_and_need_the_policy(world: World) -> None:
    # moto sends them (a rule on CreateBucket) through its own Lambda's invoke; EventBridge invokes a function
    # "asynchronously" (services-cloudwatchevents) and only as its resource policy allows (eb-use-resource-based).
    events = boto3.client("events", region_name=REGION)

    def rule(name: str, event_name: str, **extra: Any) -> str:
        pattern = json.dumps({"source": ["aws.s3"], "detail": {"eventName": [event_name]}})
        found = events.put_rule(Name=name, EventPattern=pattern, **extra)["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn}])
        return str(found)

    # Rules the event does not match, made first: they are not the event's source.
    rule("deleted", "DeleteBucket")
    rule("disabled", "CreateBucket", State="DISABLED")
    first, second = rule("created", "CreateBucket"), rule("also-created", "CreateBucket")
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="refused")
    assert world.events() == []
    assert [(trigger.source_arn, "does not allow events.amazonaws.com" in str(trigger.error))
            for trigger in world.mock.triggers] == [(first, True), (second, True)]
    world.allow("events.amazonaws.com", second)
    s3.create_bucket(Bucket="taken")
    [event] = world.events()  # the rule whose policy allows it
    assert event["source"] == "aws.s3" and world.mock.triggers[-1].source_arn == second
    assert world.mock.invocations[0].invocation_type == "Event"


def test_moto_s_eventbridge_events_for_s3_api_calls_take_the_target_s_input(world: World) -> None:
    # As any event: a target's Input replaces the event ("nothing from the event itself is passed to the target":
    # botocore's events model, Target.Input), and an InputTransformer shapes it.
    events = boto3.client("events", region_name=REGION)

    def rule(name: str, **target: Any) -> None:
        pattern = json.dumps({"source": ["aws.s3"], "detail-type": ["AWS API Call via CloudTrail"],
                              "detail": {"eventSource": ["s3.amazonaws.com"], "eventName": ["CreateBucket"]}})
        events.put_rule(Name=name, EventPattern=pattern)
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn, **target}])

    world.lam.add_permission(FunctionName="f", StatementId="events", Action="lambda:InvokeFunction",
                             Principal="events.amazonaws.com")  # any rule's
    rule("fixed", Input='{"fixed": 1}')
    rule("shaped", InputTransformer={"InputPathsMap": {"bucket": "$.detail.bucket.name", "source": "$.source"},
                                     "InputTemplate": '{"bucket": <bucket>, "source": <source>}'})
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="mine")
    assert sorted(world.events(), key=str) == [{"bucket": "mine", "source": "aws.s3"}, {"fixed": 1}]


def test_eventbridge_keeps_moto_s_other_targets(world: World) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName="copies")["QueueUrl"]
    queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, {"Id": "q", "Arn": queue})
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 3})
    assert len(world.events()) == 1
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert json.loads(message["Body"])["detail"] == {"order": 3}


def test_eventbridge_without_permission_or_when_disabled_does_not_invoke(world: World) -> None:
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, state="DISABLED")
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 4})
    assert world.events() == []
    events.enable_rule(Name="orders")
    world.lam.remove_permission(FunctionName="f", StatementId="events")
    put(events, {"order": 5})
    assert world.events() == []
    [trigger] = world.mock.triggers
    assert trigger.source_arn == arn and "does not allow events.amazonaws.com" in str(trigger.error)


def test_a_rule_enabled_for_cloudtrail_management_events_too_is_enabled(world: World) -> None:
    # "The rule is enabled for all events, including AWS management events delivered through CloudTrail" (Rule.State).
    events, arn = rule(world, {"Id": "f", "Arn": world.arn}, state="ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")
    world.allow("events.amazonaws.com", arn)
    put(events, {"order": 6})
    assert [event["detail"] for event in world.events()] == [{"order": 6}]


def test_a_scheduled_rule_is_not_invoked_by_events(world: World) -> None:
    # AWS's PutRule: a rule with a ScheduleExpression and no EventPattern triggers on its schedule only
    # (lambdamock runs no schedules); one with both also triggers on matching events.
    events = boto3.client("events", region_name=REGION)
    for name, pattern in (("nightly", None), ("both", {"source": ["shop"]})):
        extra = {} if pattern is None else {"EventPattern": json.dumps(pattern)}
        arn = events.put_rule(Name=name, ScheduleExpression="rate(1 day)", **extra)["RuleArn"]
        events.put_targets(Rule=name, Targets=[{"Id": "f", "Arn": world.arn, "Input": json.dumps({"rule": name})}])
        world.lam.add_permission(FunctionName="f", StatementId=name, Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=arn)
    put(events, {"order": 6})
    assert world.events() == [{"rule": "both"}]


def test_without_lambdamock_moto_keeps_its_own_behaviour() -> None:
    mock_lambda().start().stop()  # the bridge is installed, and stays
    with mock_aws():
        sns = boto3.client("sns", region_name=REGION)
        arn = sns.create_topic(Name="orders")["TopicArn"]
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=f"arn:aws:sqs:{REGION}:{ACCOUNT}:q")
        boto3.client("sqs", region_name=REGION).create_queue(QueueName="q")
        assert sns.publish(TopicArn=arn, Message="to moto")["MessageId"]


def test_eventbridge_input_transformer_fills_its_template_as_recorded(world: World) -> None:
    # Recorded: LocalStack's test_events_inputs.snapshot.json (test_input_transformer_nested_keys_replacement,
    # its _not_valid variant, test_put_events_with_input_transformer_input_template_json and _string,
    # test_input_transformer_predefined_variables).
    paths = {"userId": "$.detail.payload.acc_id", "payload": "$.detail.payload", "list": "$.detail.levels",
             "missing": "$.detail.notinmessage"}

    def target(name: str, template: str) -> dict[str, Any]:
        return {"Id": name, "Arn": world.arn, "InputTransformer": {"InputPathsMap": paths, "InputTemplate": template}}

    events, arn = rule(world, target("json", '{"command": <missing>, "bod": <payload>, "path": "users/<userId>"}'),
                       target("text", '"Payload of <payload> at <list> by <userId><missing>!"'),
                       target("spoiled", '{"levels": "<list>"}'),
                       target("event", '{"original": <aws.events.event>}'))
    world.allow("events.amazonaws.com", arn)
    event_id = put(events, {"payload": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "levels": ["HIGH", "LOW"]})

    got = world.events()
    assert {"command": "", "bod": {"acc_id": "0a787ecb-4015", "sf_id": "baz"}, "path": "users/0a787ecb-4015"} in got
    assert "Payload of {acc_id:0a787ecb-4015,sf_id:baz} at [HIGH,LOW] by 0a787ecb-4015!" in got
    [original] = [event["original"] for event in got if isinstance(event, dict) and "original" in event]
    assert list(original) == ["id", "account", "detailType", "time", "source", "region", "resources", "version"]
    assert (original["id"], original["detailType"]) == (event_id, "Order placed")
    assert len(got) == 3  # the spoiled template (a list inside quotes) is not sent
    [dropped] = [trigger for trigger in world.mock.triggers if trigger.error]
    assert (dropped.source_arn, dropped.error) == (arn, "not sent: the input transformer's output is not JSON")
