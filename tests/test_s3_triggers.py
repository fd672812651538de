"""S3 (moto's) invoking lambdamock's functions, as Lambda's trigger: the event's shape and the permission it needs.

Event shape: S3's "Event message structure" page. S3's refusal of an unauthorised destination: "Unable to validate
the following destination configurations" (aws/aws-sdk-js#632, hashicorp/terraform#19756).
"""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from moto import mock_aws

from lambdamock import mock_lambda, package
from tests.helpers import TRUST, wait_until
from tests.trigger_helpers import ACCOUNT, ECHO, REGION, STAMP, World

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.trigger_helpers import world as world


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


def test_s3_records_have_every_field_of_s3_s_record(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_lambda.snapshot.json (test_create_object_put_via_dynamodb): the
    # record's fields, responseElements' x-amz-id-2 and x-amz-request-id, s3SchemaVersion "1.0" and the
    # notification's configurationId; the Lambda developer guide's sample S3 event (s3-notification.json) shows
    # the principal ids: the bucket owner's "A3XMPLFAF2AI3E", the requester's "AWS:AIDAINPONIXMPLT3IKHL2".
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    world.allow("s3.amazonaws.com", "arn:aws:s3:::uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"Id": "uploaded", "LambdaFunctionArn": world.arn,
                                          "Events": ["s3:ObjectCreated:*"]}]})
    s3.put_object(Bucket="uploads", Key="k", Body=b"12345")
    [event] = world.events()
    [record] = event["Records"]
    assert sorted(record) == ["awsRegion", "eventName", "eventSource", "eventTime", "eventVersion",
                              "requestParameters", "responseElements", "s3", "userIdentity"]
    assert sorted(record["responseElements"]) == ["x-amz-id-2", "x-amz-request-id"]
    assert all(record["responseElements"].values())
    assert re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", record["requestParameters"]["sourceIPAddress"])
    detail = record["s3"]
    assert (detail["s3SchemaVersion"], detail["configurationId"]) == ("1.0", "uploaded")
    assert sorted(detail) == ["bucket", "configurationId", "object", "s3SchemaVersion"]
    owner = detail["bucket"]["ownerIdentity"]["principalId"]
    assert re.fullmatch(r"A[0-9A-Z]+", owner)
    assert re.fullmatch(r"AWS:[0-9A-Z]+", record["userIdentity"]["principalId"])
    # The sample's sequencer, "005E64A65DF093B26D": 18 upper-case hex digits.
    assert re.fullmatch(r"[0-9A-F]{18}", detail["object"]["sequencer"])


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


def _records(world: World) -> list[dict[str, Any]]:
    """Every record the function got, in the order S3 sent them (their sequencers; tagging events, which have none,
    last)."""
    records = [record for event in world.events() for record in event["Records"]]
    return sorted(records, key=lambda record: record["s3"]["object"].get("sequencer", "~"))


def _notify_all(s3: Any, world: World) -> None:
    s3.create_bucket(Bucket="uploads")
    world.allow("s3.amazonaws.com", "arn:aws:s3:::uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{"Id": "all", "LambdaFunctionArn": world.arn, "Events": [
            "s3:ObjectCreated:*", "s3:ObjectRemoved:*", "s3:ObjectTagging:*"]}]})


def test_s3_sends_no_tagging_event_for_an_object_stored_or_copied(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_sqs.py, test_object_tagging_put_event (AWS-validated): PutObject
    # sends a queue listening for ObjectTagging:* nothing ("unexpected event triggered for put_object"), and
    # PutObjectTagging sends one ObjectTagging:Put. (moto tags each object it stores, with no tags too.)
    s3 = boto3.client("s3", region_name=REGION)
    _notify_all(s3, world)
    s3.put_object(Bucket="uploads", Key="k", Body=b"x")
    s3.put_object(Bucket="uploads", Key="tagged", Body=b"x", Tagging="a=b")
    s3.copy_object(Bucket="uploads", Key="copy", CopySource={"Bucket": "uploads", "Key": "k"},
                   TaggingDirective="REPLACE", Tagging="c=d")
    s3.put_object_tagging(Bucket="uploads", Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
    assert [(record["eventName"], record["s3"]["object"]["key"]) for record in _records(world)] == [
        ("ObjectCreated:Put", "k"), ("ObjectCreated:Put", "tagged"), ("ObjectCreated:Copy", "copy"),
        ("ObjectTagging:Put", "k")]


def test_s3_sends_one_event_for_a_multipart_upload(world: World) -> None:
    # S3's "Event notification types": s3:ObjectCreated:CompleteMultipartUpload for an object made by
    # CompleteMultipartUpload (moto also sends an ObjectCreated:Put for it, as it stores the object).
    s3 = boto3.client("s3", region_name=REGION)
    _notify_all(s3, world)
    upload = s3.create_multipart_upload(Bucket="uploads", Key="big")["UploadId"]
    parts = [{"PartNumber": number, "ETag": s3.upload_part(Bucket="uploads", Key="big", UploadId=upload,
                                                         PartNumber=number, Body=body)["ETag"]}
             for number, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"b"))]
    s3.complete_multipart_upload(Bucket="uploads", Key="big", UploadId=upload, MultipartUpload={"Parts": parts})
    [record] = _records(world)  # no ObjectCreated:Put nor ObjectTagging:Put beside it
    assert record["eventName"] == "ObjectCreated:CompleteMultipartUpload"
    assert (record["s3"]["object"]["key"], record["s3"]["object"]["size"]) == ("big", 5 * 1024 * 1024 + 1)


def _eventbridge_rule(world: World, pattern: Any = None) -> Any:
    """A bucket "uploads" that sends its events to EventBridge, and a rule sending those of ``pattern`` (all S3's by
    default) to the function; its S3 client."""
    s3, events = boto3.client("s3", region_name=REGION), boto3.client("events", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads",
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    arn = events.put_rule(Name="s3", EventPattern=json.dumps(pattern or {"source": ["aws.s3"]}))["RuleArn"]
    events.put_targets(Rule="s3", Targets=[{"Id": "f", "Arn": world.arn}])
    world.allow("events.amazonaws.com", arn)
    return s3


def test_s3_events_through_eventbridge_have_s3_s_detail(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_eventbridge.snapshot.json, test_object_created_put (AWS-validated):
    # Object Created's object has etag (lower case), key, sequencer and size, and its reason is PutObject; Object
    # Deleted's object has key and sequencer, with reason DeleteObject and deletion-type Permanently Deleted. A rule
    # matching those reasons is matched.
    s3 = _eventbridge_rule(world, {"source": ["aws.s3"], "detail": {"reason": ["PutObject", "DeleteObject"]}})
    s3.put_object(Bucket="uploads", Key="k", Body=b"data")
    world.mock.wait()
    s3.delete_object(Bucket="uploads", Key="k")
    created, deleted = sorted(world.events(), key=lambda event: event["detail-type"])
    assert (created["detail-type"], deleted["detail-type"]) == ("Object Created", "Object Deleted")
    assert created["detail"]["object"] == {"key": "k", "size": 4, "etag": "8d777f385d3dfec8815d20f7496026dc",
                                           "sequencer": created["detail"]["object"]["sequencer"]}
    assert created["detail"]["reason"] == "PutObject" and "deletion-type" not in created["detail"]
    assert deleted["detail"]["object"] == {"key": "k", "sequencer": deleted["detail"]["object"]["sequencer"]}
    assert (deleted["detail"]["reason"], deleted["detail"]["deletion-type"]) == ("DeleteObject", "Permanently Deleted")
    assert set(created["detail"]) == {"version", "bucket", "object", "request-id", "requester", "source-ip-address",
                                      "reason"}


def test_s3_events_through_eventbridge_give_the_api_that_made_the_object_and_its_version(world: World) -> None:
    # S3's "Using EventBridge": Object Created's reason "indicates which S3 API was used to create the object:
    # PutObject, POST Object, CopyObject, or CompleteMultipartUpload", one per object stored (none for the tagging
    # moto does as it stores one). Its "EventBridge event message structure" example: a versioned object's Object
    # Created has "version-id" among key, size, etag and sequencer.
    s3 = _eventbridge_rule(world)
    s3.put_object(Bucket="uploads", Key="k", Body=b"data")
    s3.copy_object(Bucket="uploads", Key="copy", CopySource={"Bucket": "uploads", "Key": "k"})
    upload = s3.create_multipart_upload(Bucket="uploads", Key="big")["UploadId"]
    part = s3.upload_part(Bucket="uploads", Key="big", UploadId=upload, PartNumber=1, Body=b"x")["ETag"]
    s3.complete_multipart_upload(Bucket="uploads", Key="big", UploadId=upload,
                                 MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part}]})
    form = s3.generate_presigned_post(Bucket="uploads", Key="posted")
    assert requests.post(form["url"], data=form["fields"], files={"file": b"x"}).ok
    assert sorted((event["detail"]["object"]["key"], event["detail-type"], event["detail"]["reason"])
                  for event in world.events()) == [
        ("big", "Object Created", "CompleteMultipartUpload"), ("copy", "Object Created", "CopyObject"),
        ("k", "Object Created", "PutObject"), ("posted", "Object Created", "POST Object")]
    s3.put_bucket_versioning(Bucket="uploads", VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket="uploads", Key="v", Body=b"data")["VersionId"]
    [created] = [event for event in world.events() if event["detail"]["object"]["key"] == "v"]
    assert created["detail"]["object"] == {"key": "v", "size": 4, "etag": "8d777f385d3dfec8815d20f7496026dc",
                                           "version-id": version, "sequencer": created["detail"]["object"]["sequencer"]}


def test_an_acl_update_through_eventbridge_names_the_object_and_its_etag_alone(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_eventbridge.snapshot.json, test_object_put_acl (AWS-validated):
    # "Object ACL Updated" has an object of etag and key alone (no size, no sequencer), and neither a reason nor a
    # deletion-type.
    s3 = _eventbridge_rule(world)
    s3.put_object(Bucket="uploads", Key="k", Body=b"data")
    world.mock.wait()
    s3.put_object_acl(Bucket="uploads", Key="k", ACL="public-read")
    [updated] = [event for event in world.events() if event["detail-type"] == "Object ACL Updated"]
    assert updated["detail"]["object"] == {"key": "k", "etag": "8d777f385d3dfec8815d20f7496026dc"}
    assert set(updated["detail"]) == {"version", "bucket", "object", "request-id", "requester", "source-ip-address"}


def test_a_restore_through_eventbridge_names_the_object_and_its_storage_class(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_eventbridge.snapshot.json, test_restore_object (AWS-validated):
    # "Object Restore Initiated" and "Completed" have an object of key, size and etag, the storage class restored
    # from, and no reason; the completion, S3's own, has no source IP but the time the restored copy expires.
    s3 = _eventbridge_rule(world)
    s3.put_object(Bucket="uploads", Key="k", Body=b"data", StorageClass="GLACIER")
    world.mock.wait()
    s3.restore_object(Bucket="uploads", Key="k", RestoreRequest={"Days": 1})
    [initiated] = [event["detail"] for event in world.events() if event["detail-type"] == "Object Restore Initiated"]
    assert initiated["object"] == {"key": "k", "size": 4, "etag": "8d777f385d3dfec8815d20f7496026dc"}
    assert set(initiated) == {"version", "bucket", "object", "request-id", "requester", "source-ip-address",
                              "source-storage-class"}
    assert (initiated["bucket"], initiated["source-storage-class"]) == ({"name": "uploads"}, "GLACIER")
    # moto completes the restore as its state is read (its "immediate" progression)
    wait_until(lambda: s3.head_object(Bucket="uploads", Key="k")["Restore"].startswith('ongoing-request="false"'))
    [completed] = [event["detail"] for event in world.events() if event["detail-type"] == "Object Restore Completed"]
    assert set(completed) == {"version", "bucket", "object", "request-id", "requester", "restore-expiry-time",
                              "source-storage-class"}
    assert (completed["object"], completed["source-storage-class"]) == (initiated["object"], "GLACIER")
    expiry = datetime.datetime.strptime(completed["restore-expiry-time"], "%Y-%m-%dT%H:%M:%SZ")
    assert expiry.strftime("%a, %d %b %Y %H:%M:%S GMT") in s3.head_object(Bucket="uploads", Key="k")["Restore"]


def test_one_s3_event_through_eventbridge_is_one_event_on_the_default_bus(world: World) -> None:
    # One S3 event is one EventBridge event (one id and sequencer, whichever rules it matches), of its own request
    # (LocalStack's test_s3_notifications_eventbridge.py checks request ids differ); S3 sends it to the default bus
    # alone (S3's "Using EventBridge"). A delete with versioning suspended makes a delete marker.
    s3, events = boto3.client("s3", region_name=REGION), boto3.client("events", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads",
                                             NotificationConfiguration={"EventBridgeConfiguration": {}})
    events.create_event_bus(Name="custom")
    for name, bus in (("one", "default"), ("two", "default"), ("other", "custom")):
        arn = events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps({"source": ["aws.s3"]}))["RuleArn"]
        events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "f", "Arn": world.arn}])
        world.lam.add_permission(FunctionName="f", StatementId=name, Action="lambda:InvokeFunction",
                                 Principal="events.amazonaws.com", SourceArn=arn)
    s3.put_object(Bucket="uploads", Key="a", Body=b"1")
    s3.put_object(Bucket="uploads", Key="b", Body=b"2")
    got = world.events()
    assert len(got) == 4  # two rules on the default bus, two objects
    by_key: dict[str, list[Any]] = {}
    for event in got:
        by_key.setdefault(event["detail"]["object"]["key"], []).append(event)
    for pair in by_key.values():
        assert len({(event["id"], event["detail"]["object"]["sequencer"]) for event in pair}) == 1
    assert by_key["a"][0]["id"] != by_key["b"][0]["id"]
    assert by_key["a"][0]["detail"]["request-id"] != by_key["b"][0]["detail"]["request-id"]
    s3.put_bucket_versioning(Bucket="uploads", VersioningConfiguration={"Status": "Suspended"})
    s3.delete_object(Bucket="uploads", Key="a")
    deleted = [event for event in world.events() if event["detail-type"] == "Object Deleted"]
    assert [event["detail"]["deletion-type"] for event in deleted] == ["Delete Marker Created"] * 2
    assert "version-id" not in deleted[0]["detail"]["object"]  # the marker's version is null


def test_s3_deletes_in_a_versioned_bucket_send_what_s3_sends(world: World) -> None:
    # Recorded: LocalStack's test_s3_notifications_sqs.snapshot.json, test_object_created_put_versioned: a delete
    # without a version makes a delete marker (ObjectRemoved:DeleteMarkerCreated, its version, the eTag of no
    # bytes); deleting a version is an ObjectRemoved:Delete naming that version, the key's other versions kept.
    s3 = boto3.client("s3", region_name=REGION)
    _notify_all(s3, world)
    s3.put_bucket_versioning(Bucket="uploads", VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket="uploads", Key="test-key", Body=b"data")["VersionId"]
    second = s3.put_object(Bucket="uploads", Key="test-key", Body=b"data-version2")["VersionId"]
    marker = s3.delete_object(Bucket="uploads", Key="test-key")
    assert marker["DeleteMarker"] is True
    s3.delete_object(Bucket="uploads", Key="test-key", VersionId=first)
    records = _records(world)
    assert [(record["eventName"], record["eventVersion"], record["s3"]["object"].get("versionId"))
            for record in records] == [
        ("ObjectCreated:Put", "2.1", first), ("ObjectCreated:Put", "2.1", second),
        ("ObjectRemoved:DeleteMarkerCreated", "2.1", marker["VersionId"]), ("ObjectRemoved:Delete", "2.1", first)]
    assert records[2]["s3"]["object"] == {"key": "test-key", "eTag": "d41d8cd98f00b204e9800998ecf8427e",
                                          "versionId": marker["VersionId"],
                                          "sequencer": records[2]["s3"]["object"]["sequencer"]}
    assert list(records[3]["s3"]["object"]) == ["key", "versionId", "sequencer"]
    # S3's "Event message structure": every record has awsRegion and s3.configurationId ("ID found in the bucket
    # notification configuration"), the deletes lambdamock sends itself in a versioned bucket as moto's puts.
    assert {(record["awsRegion"], record["s3"]["configurationId"], record["s3"]["bucket"]["name"])
            for record in records} == {(REGION, "all", "uploads")}
    # Deleting the marker itself is a delete of that version too (the same recording's last step); so is deleting
    # the key's last version, once. A version the key does not have deletes nothing, and sends nothing (S3 refuses
    # it: LocalStack's test_s3_api.snapshot.json, test_delete_object_versioned, "delete-with-bad-version").
    s3.delete_object(Bucket="uploads", Key="test-key", VersionId=marker["VersionId"])
    s3.delete_object(Bucket="uploads", Key="test-key", VersionId=first)
    s3.delete_object(Bucket="uploads", Key="test-key", VersionId=second)
    assert [(record["eventName"], record["s3"]["object"]["versionId"]) for record in _records(world)[4:]] == [
        ("ObjectRemoved:Delete", marker["VersionId"]), ("ObjectRemoved:Delete", second)]


def test_s3_delete_objects_in_a_versioned_bucket_sends_an_event_per_key_its_filter_takes(world: World) -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="uploads")
    world.allow("s3.amazonaws.com", "arn:aws:s3:::uploads")
    s3.put_bucket_notification_configuration(Bucket="uploads", NotificationConfiguration={
        "LambdaFunctionConfigurations": [{
            "LambdaFunctionArn": world.arn, "Events": ["s3:ObjectRemoved:DeleteMarkerCreated"],
            "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}}]})
    s3.put_bucket_versioning(Bucket="uploads", VersioningConfiguration={"Status": "Enabled"})
    for key in ("in/a b", "in/c", "out/d"):
        s3.put_object(Bucket="uploads", Key=key, Body=b"x")
    deleted = s3.delete_objects(Bucket="uploads", Delete={"Objects": [{"Key": key} for key in ("in/a b", "in/c", "out/d")]})
    markers = {entry["Key"]: entry["DeleteMarkerVersionId"] for entry in deleted["Deleted"]}
    assert sorted((record["eventName"], record["s3"]["object"]["key"], record["s3"]["object"]["versionId"])
                  for record in _records(world)) == [
        ("ObjectRemoved:DeleteMarkerCreated", "in/a+b", markers["in/a b"]),
        ("ObjectRemoved:DeleteMarkerCreated", "in/c", markers["in/c"])]


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
