"""Event source mappings through boto3: create, get, update, delete and list, with AWS's shapes and states."""

from __future__ import annotations

import base64
import datetime
import json
import re

import boto3
import pytest

from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import modeled as modeled_member
from tests.helpers import wait_until
from tests.mapping_helpers import QUEUE, STREAM, TABLE, listing

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.mapping_helpers import f as f
from tests.mapping_helpers import sources as sources

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SQS_MEMBERS = {
    "BatchSize", "EventSourceArn", "EventSourceMappingArn", "FunctionArn", "FunctionResponseTypes", "LastModified",
    "MaximumBatchingWindowInSeconds", "State", "StateTransitionReason", "UUID",
}


def body(response: dict) -> dict:
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def modeled(expected: dict) -> dict:
    """What a client can show of ``expected``: older botocores drop members their model lacks."""
    shape = boto3.client("lambda", region_name=REGION).meta.service_model.shape_for("EventSourceMappingConfiguration")
    return {key: value for key, value in expected.items() if key in shape.members}


# -- create and get -----------------------------------------------------------------------


def test_an_sqs_mapping_is_created_202_and_reads_back_enabled(client, f):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)
    assert created["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(body(created)) == set(modeled(dict.fromkeys(SQS_MEMBERS)))
    assert UUID.fullmatch(created["UUID"])
    assert body(created) == modeled({
        "BatchSize": 10,
        "EventSourceArn": QUEUE,
        "EventSourceMappingArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{created['UUID']}",
        "FunctionArn": function_arn("f"),
        "FunctionResponseTypes": [],
        "LastModified": created["LastModified"],
        "MaximumBatchingWindowInSeconds": 0,
        "State": "Creating",
        "StateTransitionReason": "USER_INITIATED",
        "UUID": created["UUID"],
    })
    assert isinstance(created["LastModified"], datetime.datetime)
    got = client.get_event_source_mapping(UUID=created["UUID"])
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert body(got) == {**body(created), "State": "Enabled"}


@pytest.mark.parametrize("source", [STREAM, TABLE], ids=["kinesis", "dynamodb"])
def test_a_stream_mapping_shows_the_stream_settings_and_their_defaults(client, f, source):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=source,
                                                 StartingPosition="TRIM_HORIZON")
    assert body(created) == modeled({
        "BatchSize": 100,
        "BisectBatchOnFunctionError": False,
        "DestinationConfig": {"OnFailure": {}},
        "EventSourceArn": source,
        "EventSourceMappingArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{created['UUID']}",
        "FunctionArn": function_arn("f"),
        "FunctionResponseTypes": [],
        "LastModified": created["LastModified"],
        "LastProcessingResult": "No records processed",
        "MaximumBatchingWindowInSeconds": 0,
        "MaximumRecordAgeInSeconds": -1,
        "MaximumRetryAttempts": -1,
        "ParallelizationFactor": 1,
        "StartingPosition": "TRIM_HORIZON",
        "State": "Creating",
        "StateTransitionReason": "User action",
        "TumblingWindowInSeconds": 0,
        "UUID": created["UUID"],
    })
    assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Enabled"


def test_every_setting_is_stored_and_returned(client, f, sources):
    sources.queue(f"arn:aws:sqs:{REGION}:{ACCOUNT}:failed")
    # Settings newer than the installed botocore are left out.
    newer = modeled({"KMSKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k", "MetricsConfig": {"Metrics": ["EventCount"]}})
    created = client.create_event_source_mapping(
        FunctionName="f", EventSourceArn=STREAM, StartingPosition="AT_TIMESTAMP",
        StartingPositionTimestamp=datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
        BatchSize=500, MaximumBatchingWindowInSeconds=7, ParallelizationFactor=3, MaximumRetryAttempts=4,
        MaximumRecordAgeInSeconds=3600, BisectBatchOnFunctionError=True, TumblingWindowInSeconds=60,
        FunctionResponseTypes=["ReportBatchItemFailures"],
        DestinationConfig={"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failed"}},
        FilterCriteria={"Filters": [{"Pattern": '{"data": {"kind": ["click"]}}'}]}, **newer,
    )
    got = body(client.get_event_source_mapping(UUID=created["UUID"]))
    expected = {
        "BatchSize": 500, "MaximumBatchingWindowInSeconds": 7, "ParallelizationFactor": 3, "MaximumRetryAttempts": 4,
        "MaximumRecordAgeInSeconds": 3600, "BisectBatchOnFunctionError": True, "TumblingWindowInSeconds": 60,
        "FunctionResponseTypes": ["ReportBatchItemFailures"], "StartingPosition": "AT_TIMESTAMP",
        "StartingPositionTimestamp": datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc),
        "DestinationConfig": {"OnFailure": {"Destination": f"arn:aws:sqs:{REGION}:{ACCOUNT}:failed"}},
        "FilterCriteria": {"Filters": [{"Pattern": '{"data": {"kind": ["click"]}}'}]}, **newer,
    }
    assert {key: got[key] for key in expected} == expected


@modeled_member("CreateEventSourceMapping", "KMSKeyArn")
def test_an_empty_key_arn_removes_the_key(client, f):
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/k"
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, KMSKeyArn=key)["UUID"]
    assert client.get_event_source_mapping(UUID=uuid)["KMSKeyArn"] == key
    wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
    assert "KMSKeyArn" not in client.update_event_source_mapping(UUID=uuid, KMSKeyArn="")
    assert "KMSKeyArn" not in client.get_event_source_mapping(UUID=uuid)


def test_sqs_scaling_config_and_a_window_for_large_batches(client, f):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, BatchSize=1000,
                                                 MaximumBatchingWindowInSeconds=5,
                                                 ScalingConfig={"MaximumConcurrency": 5})
    assert (created["BatchSize"], created["MaximumBatchingWindowInSeconds"]) == (1000, 5)
    assert created["ScalingConfig"] == {"MaximumConcurrency": 5}


def test_a_mapping_created_disabled_answers_disabled(client, f):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE, Enabled=False)
    assert created["State"] == "Disabled"
    assert client.get_event_source_mapping(UUID=created["UUID"])["State"] == "Disabled"


def test_empty_filters_are_not_shown(client, f):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE,
                                                 FilterCriteria={"Filters": []})
    assert "FilterCriteria" not in created


@pytest.mark.parametrize(("reference", "qualifier"), [
    ("f", None),
    ("f:$LATEST", "$LATEST"),
    ("f:1", "1"),
    ("f:live", "live"),
    (function_arn("f"), None),
    (function_arn("f", "1"), "1"),
    (function_arn("f", "live"), "live"),
    (f"{ACCOUNT}:function:f:live", "live"),
], ids=["name", "partial-latest", "partial-version", "partial-alias", "arn", "arn-version", "arn-alias", "account"])
def test_the_function_arn_keeps_the_qualifier_it_was_named_with(client, f, reference, qualifier):
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    created = client.create_event_source_mapping(FunctionName=reference, EventSourceArn=QUEUE)
    assert created["FunctionArn"] == function_arn("f", qualifier)


# -- update and the lifecycle ----------------------------------------------------------------


def test_updates_pass_through_transient_states(client, f):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    first = client.get_event_source_mapping(UUID=uuid)["LastModified"]

    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=5)
    assert updated["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (updated["State"], updated["BatchSize"]) == ("Updating", 5)
    assert updated["LastModified"] >= first
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"

    disabling = client.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert (disabling["State"], disabling["StateTransitionReason"]) == ("Disabling", "USER_INITIATED")
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"

    assert client.update_event_source_mapping(UUID=uuid, Enabled=True)["State"] == "Enabling"
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"


def test_an_update_and_a_delete_are_stamped_when_they_are_made(client, f):
    # The API reference, EventSourceMappingConfiguration's LastModified: "The date that the event source mapping was
    # last updated or that its state changed" — so the answer of a change is stamped with the change's time.
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    for change in (lambda: client.update_event_source_mapping(UUID=uuid, BatchSize=5),
                   lambda: client.delete_event_source_mapping(UUID=uuid)):
        before = client.get_event_source_mapping(UUID=uuid)["LastModified"]
        later = before + datetime.timedelta(milliseconds=10)
        wait_until(lambda later=later: datetime.datetime.now(datetime.timezone.utc) > later)
        assert change()["LastModified"] >= later


def test_update_can_point_the_mapping_at_another_function(client, create_function, f):
    create_function(name="g")
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    updated = client.update_event_source_mapping(UUID=uuid, FunctionName="g", MaximumBatchingWindowInSeconds=3)
    assert (updated["FunctionArn"], updated["MaximumBatchingWindowInSeconds"]) == (function_arn("g"), 3)
    assert [m["FunctionArn"] for m in listing(client)] == [function_arn("g")]


def test_a_stream_mapping_pointed_at_another_function_goes_on_where_the_shard_was_read_to(
        client, create_function, f, sources):
    # The API reference, UpdateEventSourceMapping: "You can change the function that Lambda invokes, or pause
    # invocation and resume later from the same location." The new function gets the records read after the change,
    # neither the ones the old one was given nor a gap.
    create_function(name="g")
    client.publish_version(FunctionName="g")
    client.create_alias(FunctionName="g", Name="live", FunctionVersion="1")
    stream = sources.stream(f"{STREAM}-moved")
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=stream.arn,
                                              StartingPosition="LATEST")["UUID"]
    sources.wait()
    stream.put("one")
    sources.wait()
    client.update_event_source_mapping(UUID=uuid, FunctionName="g:live")
    stream.put("two")
    sources.wait()
    delivered = [(i.function_name, i.qualifier, i.executed_version,
                  [base64.b64decode(r["kinesis"]["data"]) for r in json.loads(i.event)["Records"]])
                 for i in sources.invocations]
    assert delivered == [("f", None, "$LATEST", [b"one"]), ("g", "live", "1", [b"two"])]


def test_update_of_stream_settings_and_filters(client, f):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST",
                                              FilterCriteria={"Filters": [{"Pattern": '{"a": [1]}'}]})["UUID"]
    updated = client.update_event_source_mapping(UUID=uuid, MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
                                                 FilterCriteria={"Filters": []})
    assert (updated["MaximumRetryAttempts"], updated["BisectBatchOnFunctionError"]) == (3, True)
    assert "FilterCriteria" not in updated
    assert updated["StartingPosition"] == "LATEST"


def test_delete_answers_deleting_and_the_mapping_is_gone(client, f):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    deleted = client.delete_event_source_mapping(UUID=uuid)
    assert deleted["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert (deleted["State"], deleted["UUID"]) == ("Deleting", uuid)
    assert listing(client) == []
    with pytest.raises(client.exceptions.ResourceNotFoundException):
        client.get_event_source_mapping(UUID=uuid)


def test_a_mapping_outlives_its_function(client, f):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM,
                                              StartingPosition="LATEST")["UUID"]
    client.delete_function(FunctionName="f")
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled"
    assert client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"


# -- list -----------------------------------------------------------------------------------


def test_list_filters_by_function_and_source_and_pages(client, create_function, f):
    create_function(name="g")
    client.publish_version(FunctionName="g")
    made = [
        client.create_event_source_mapping(FunctionName=name, EventSourceArn=source, **extra)["UUID"]
        for name, source, extra in [
            ("f", QUEUE, {}), ("g", QUEUE, {}), ("g:1", QUEUE, {}),
            ("f", STREAM, {"StartingPosition": "LATEST"}), ("g", TABLE, {"StartingPosition": "LATEST"}),
        ]
    ]
    assert [m["UUID"] for m in listing(client)] == made
    by_function = client.list_event_source_mappings(FunctionName="g")["EventSourceMappings"]
    assert [m["UUID"] for m in by_function] == [made[1], made[2], made[4]]
    by_version = client.list_event_source_mappings(FunctionName=function_arn("g", "1"))["EventSourceMappings"]
    assert [m["UUID"] for m in by_version] == [made[2]]
    both = client.list_event_source_mappings(FunctionName="g", EventSourceArn=QUEUE)["EventSourceMappings"]
    assert [m["UUID"] for m in both] == [made[1], made[2]]
    # Filters that name nothing list nothing: they are not checked.
    assert client.list_event_source_mappings(FunctionName="nothing")["EventSourceMappings"] == []
    assert client.list_event_source_mappings(EventSourceArn=f"{QUEUE}-x")["EventSourceMappings"] == []

    first = client.list_event_source_mappings(MaxItems=2)
    second = client.list_event_source_mappings(MaxItems=2, Marker=first["NextMarker"])
    last = client.list_event_source_mappings(MaxItems=2, Marker=second["NextMarker"])
    pages = [first, second, last]
    assert [m["UUID"] for page in pages for m in page["EventSourceMappings"]] == made
    assert "NextMarker" not in last
    paginated = client.get_paginator("list_event_source_mappings").paginate(PaginationConfig={"PageSize": 2})
    assert [m["UUID"] for page in paginated for m in page["EventSourceMappings"]] == made


def test_a_listing_shows_at_most_100_mappings_even_when_asked_for_more(client, f, sources):
    # botocore's model, ListEventSourceMappings' MaxItems: "Note that ListEventSourceMappings returns a maximum
    # of 100 items in each response, even if you set the number higher."
    made = []
    for n in range(101):
        sources.queue(f"{QUEUE}-{n}")
        made.append(client.create_event_source_mapping(FunctionName="f", EventSourceArn=f"{QUEUE}-{n}",
                                                       Enabled=False)["UUID"])
    for asked in ({}, {"MaxItems": 101}, {"MaxItems": 10000}):
        first = client.list_event_source_mappings(**asked)
        assert len(first["EventSourceMappings"]) == 100, asked
        rest = client.list_event_source_mappings(Marker=first["NextMarker"], **asked)
        assert [m["UUID"] for page in (first, rest) for m in page["EventSourceMappings"]] == made
        assert "NextMarker" not in rest
