"""Event source mappings' errors through boto3: AWS's texts, and the mappings left as they were."""

from __future__ import annotations

import datetime
import re
import threading

import boto3
import pytest

from lambdamock import mock_lambda, package
from lambdamock.operations import mappings as operations
from tests import probe
from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import ROLE, moto_aws, wait_until
from tests.helpers import modeled as modeled_member
from tests.mapping_helpers import FIFO, QUEUE, STREAM, TABLE, unsupported

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.mapping_helpers import f as f
from tests.mapping_helpers import mapping_error as mapping_error
from tests.mapping_helpers import sources as sources

NOT_FOUND = "The resource you requested does not exist."


@pytest.mark.parametrize("call", ["get", "update", "delete"])
def test_an_unknown_uuid_is_404(client, mapping_error, call):
    unknown = "00000000-0000-0000-0000-000000000000"
    operation = getattr(client, f"{call}_event_source_mapping")
    extra = {"Enabled": False} if call == "update" else {}
    with mapping_error("ResourceNotFoundException", NOT_FOUND):
        operation(UUID=unknown, **extra)


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Unrecognized event source."),
    ({"EventSourceArn": "arn:aws:s3:::bucket"}, "Unrecognized event source."),
    ({"EventSourceArn": QUEUE, "FunctionName": "nothing"}, "Function does not exist"),
    ({"EventSourceArn": QUEUE, "FunctionName": "f:7"}, "Function does not exist"),
    ({"EventSourceArn": QUEUE, "FunctionName": "f:nope"}, "Function does not exist"),
    ({"EventSourceArn": QUEUE, "DestinationConfig": {"OnSuccess": {"Destination": QUEUE}}},
     "Unsupported DestinationConfig parameter for given event source mapping type."),
    # Not recorded for SQS: the text AWS gives a source type that takes no OnFailure (aws-cdk#19917).
    ({"EventSourceArn": QUEUE, "DestinationConfig": {"OnFailure": {"Destination": QUEUE}}},
     "Unsupported DestinationConfig parameter for given event source mapping type."),
    ({"EventSourceArn": QUEUE, "BatchSize": 11},
     "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"),
    ({"EventSourceArn": FIFO, "BatchSize": 5, "MaximumBatchingWindowInSeconds": 1},
     "Batching window is not supported for FIFO queues"),
    ({"EventSourceArn": FIFO, "BatchSize": 11}, "Maximum batch size must be between 1 and 10 inclusive"),
    ({"EventSourceArn": QUEUE, "StartingPosition": "LATEST"}, "StartingPosition is not valid for SQS event sources."),
    ({"EventSourceArn": STREAM},
     "1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: "
     "Member must not be null."),
    ({"EventSourceArn": TABLE, "StartingPosition": "AT_TIMESTAMP",
      "StartingPositionTimestamp": datetime.datetime(2024, 1, 1)},
     f"Unsupported starting position for arn type: {TABLE}"),
    ({"EventSourceArn": STREAM, "StartingPosition": "AT_TIMESTAMP"}, "Need to specify a timestamp"),
    ({"EventSourceArn": STREAM, "StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": 59},
     "MaximumRecordAgeInSeconds must be either -1 (forever) or between 60 and 604800 (inclusive)"),
    ({"EventSourceArn": QUEUE, "FilterCriteria": {"Filters": [{"Pattern": "not json"}]}},
     "Invalid filter pattern definition."),
    ({"EventSourceArn": QUEUE, "FilterCriteria": {"Filters": [{"Pattern": '{"body": "plain"}'}]}},
     "Invalid filter pattern definition."),
    # Operators with arguments EventBridge's pattern syntax refuses (recorded against EventBridge, whose syntax
    # Lambda's filters take: LocalStack's test_events_patterns.py, content_prefix_int_EXC, content_numeric_EXC,
    # content_numeric_number_EXC), given Lambda's text for a pattern it cannot take.
    ({"EventSourceArn": QUEUE, "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"a": [{"prefix": 5}]}}'}]}},
     "Invalid filter pattern definition."),
    ({"EventSourceArn": QUEUE,
      "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"a": [{"numeric": [">", 0, ">", 1]}]}}'}]}},
     "Invalid filter pattern definition."),
    ({"EventSourceArn": QUEUE, "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"a": [{"numeric": 5}]}}'}]}},
     "Invalid filter pattern definition."),
    # A stream's data is matched as JSON only: "Lambda throws an exception at the time of the event source mapping
    # creation or update. The filter pattern for data properties must be in a valid JSON format"
    # (invocation-eventfiltering).
    ({"EventSourceArn": STREAM, "StartingPosition": "LATEST",
      "FilterCriteria": {"Filters": [{"Pattern": '{"data": ["plain"]}'}]}}, "Invalid filter pattern definition."),
    ({"EventSourceArn": TABLE, "StartingPosition": "LATEST",
      "FilterCriteria": {"Filters": [{"Pattern": '{"dynamodb": [{"exists": true}]}'}]}},
     "Invalid filter pattern definition."),
    # "By default, you can define up to five different filters for a single event source mapping ... If you attempt
    # to add more filters than your current quota permits, Lambda will return an error" (invocation-eventfiltering;
    # the text is lambdamock's own).
    ({"EventSourceArn": QUEUE, "FilterCriteria": {"Filters": [{"Pattern": f'{{"body": {{"a": [{n}]}}}}'}
                                                             for n in range(6)]}},
     "The number of filters in FilterCriteria exceeds the limit of 5."),
], ids=["no-source", "other-service", "no-function", "no-version", "no-alias", "on-success", "sqs-on-failure",
        "sqs-batch-no-window",
        "fifo-window", "fifo-batch", "sqs-position", "stream-no-position", "dynamodb-at-timestamp",
        "no-timestamp", "record-age", "filter-not-json", "filter-not-lists", "filter-prefix-not-text",
        "filter-two-lower-bounds", "filter-numeric-not-list", "filter-stream-plain-data", "filter-dynamodb-not-object",
        "filter-six"])
def test_create_refuses_with_aws_texts(client, f, mapping_error, params, message):
    with mapping_error("InvalidParameterValueException", message):
        client.create_event_source_mapping(**{"FunctionName": "f", **params})


@pytest.mark.parametrize("params", [
    # The API reference's MaximumRecordAgeInSeconds: "the default value is infinite (-1)", valid range up to 604800;
    # AWS's text above says "either -1 (forever) or between 60 and 604800 (inclusive)".
    *[{"EventSourceArn": STREAM, "StartingPosition": "LATEST", "MaximumRecordAgeInSeconds": age}
      for age in (-1, 60, 604800)],
    # The API reference's BatchSize: "For FIFO queues the maximum is 10" (and no window is needed up to 10).
    {"EventSourceArn": FIFO, "BatchSize": 10},
    {"EventSourceArn": QUEUE, "BatchSize": 10},
], ids=["record-age-forever", "record-age-60", "record-age-a-week", "fifo-batch-10", "sqs-batch-10-no-window"])
def test_the_bounds_of_the_checks_are_accepted(client, f, params):
    created = client.create_event_source_mapping(FunctionName="f", **params)
    assert {key: created[key] for key in params} == params


@pytest.mark.parametrize(("params", "message"), [
    ({"EventSourceArn": STREAM}, "1 validation error detected: Value null at 'startingPosition' failed to satisfy "
     "constraint: Member must not be null."),
    ({"EventSourceArn": STREAM, "StartingPosition": "AT_TIMESTAMP"}, "Need to specify a timestamp"),
    ({"EventSourceArn": TABLE, "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": 1700000000},
     f"Unsupported starting position for arn type: {TABLE}"),
], ids=["no-position", "no-timestamp", "dynamodb-at-timestamp"])
def test_the_position_is_checked_before_the_record_age(client, f, mapping_error, params, message):
    # No recording has both wrong; the position's first (its text is the model's kind, which AWS checks first).
    with mapping_error("InvalidParameterValueException", message):
        client.create_event_source_mapping(FunctionName="f", MaximumRecordAgeInSeconds=30, **params)


@pytest.mark.parametrize(("params", "message"), [
    # Recorded: TestLambdaEventSourceMappings::test_create_event_source_validation (invalid_starting_position).
    ({"StartingPosition": "invalid"}, "1 validation error detected: Value 'invalid' at 'startingPosition' failed to "
     "satisfy constraint: Member must satisfy enum value set: [LATEST, AT_TIMESTAMP, TRIM_HORIZON]"),
    ({"MaximumBatchingWindowInSeconds": 301}, "1 validation error detected: Value '301' at "
     "'maximumBatchingWindowInSeconds' failed to satisfy constraint: Member must have value less than or equal to 300"),
    ({"BatchSize": 10001}, "1 validation error detected: Value '10001' at 'batchSize' failed to satisfy constraint: "
     "Member must have value less than or equal to 10000"),
    # A map whose values are lists: the key's enum and the list's length bounds.
    ({"SelfManagedEventSource": {"Endpoints": {"BROKERS": []}}}, "2 validation errors detected: Value '{BROKERS=[]}' "
     "at 'selfManagedEventSource.endpoints' failed to satisfy constraint: Map keys must satisfy constraint: "
     "[Member must satisfy enum value set: [KAFKA_BOOTSTRAP_SERVERS]]; Value '{BROKERS=[]}' at "
     "'selfManagedEventSource.endpoints' failed to satisfy constraint: Map value must satisfy constraint: "
     "[Member must have length less than or equal to 10, Member must have length greater than or equal to 1, "
     "Member must not be null]"),
], ids=["position-enum", "window-range", "batch-range", "endpoint-map"])
def test_the_model_refuses_out_of_range_values(client, raw_client, f, mapping_error, params, message):
    with mapping_error("ValidationException", message, via=raw_client):
        raw_client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, **params)


def test_update_refuses_what_create_would(client, f, mapping_error):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    with mapping_error("InvalidParameterValueException",
                       "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10"):
        client.update_event_source_mapping(UUID=uuid, BatchSize=11)
    with mapping_error("InvalidParameterValueException", "Function does not exist"):
        client.update_event_source_mapping(UUID=uuid, FunctionName="nothing")
    with mapping_error("InvalidParameterValueException", "Invalid filter pattern definition."):
        client.update_event_source_mapping(UUID=uuid, FilterCriteria={"Filters": [{"Pattern": "[]"}]})
    with mapping_error("InvalidParameterValueException", "Invalid filter pattern definition."):
        client.update_event_source_mapping(UUID=uuid,
                                           FilterCriteria={"Filters": [{"Pattern": '{"a": [{"exists": 1}]}'}]})
    five = [{"Pattern": f'{{"body": {{"a": [{n}]}}}}'} for n in range(5)]
    client.update_event_source_mapping(UUID=uuid, FilterCriteria={"Filters": five})  # at the quota
    with mapping_error("InvalidParameterValueException",
                       "The number of filters in FilterCriteria exceeds the limit of 5."):
        client.update_event_source_mapping(UUID=uuid, FilterCriteria={"Filters": [*five, {"Pattern": '{"a": [9]}'}]})
    assert client.get_event_source_mapping(UUID=uuid)["FilterCriteria"] == {"Filters": five}  # untouched


def test_update_refuses_an_on_success_destination(client, f):
    # botocore's model, DestinationConfig's OnSuccess: "Not supported in CreateEventSourceMapping or
    # UpdateEventSourceMapping". Refused on a stream, which takes OnFailure; AWS's text on an update is not recorded.
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="LATEST")["UUID"]
    before = client.get_event_source_mapping(UUID=uuid)
    with pytest.raises(client.exceptions.ClientError) as info:
        client.update_event_source_mapping(UUID=uuid, DestinationConfig={"OnSuccess": {"Destination": QUEUE}})
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    after = client.get_event_source_mapping(UUID=uuid)
    assert (after["DestinationConfig"], after["LastModified"]) == (before["DestinationConfig"], before["LastModified"])


STREAM_ONLY = {"ParallelizationFactor": 2, "MaximumRecordAgeInSeconds": 60, "BisectBatchOnFunctionError": True,
               "MaximumRetryAttempts": 1, "TumblingWindowInSeconds": 5}
OTHER_SOURCES = {"Topics": ["orders"], "Queues": ["orders"],
                 "SourceAccessConfigurations": [{"Type": "BASIC_AUTH",
                                                 "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:s"}],
                 "AmazonManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g"},
                 "SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": "g"},
                 "DocumentDBEventSourceConfig": {"DatabaseName": "d"}}


@pytest.mark.parametrize(("source", "key", "value"), [
    *[(QUEUE, key, value) for key, value in {**STREAM_ONLY, **OTHER_SOURCES}.items()],
    *[(STREAM, key, value) for key, value in {**OTHER_SOURCES, "ScalingConfig": {"MaximumConcurrency": 2}}.items()],
    (TABLE, "ScalingConfig", {"MaximumConcurrency": 2}),
    pytest.param(STREAM, "ProvisionedPollerConfig", {"MinimumPollers": 2},
                 marks=modeled_member("CreateEventSourceMapping", "ProvisionedPollerConfig")),
    # "(Amazon MSK, and self-managed Apache Kafka only)".
    *[pytest.param(source, "LoggingConfig", {"SystemLogLevel": "INFO"},
                   marks=modeled_member("CreateEventSourceMapping", "LoggingConfig")) for source in (QUEUE, STREAM, TABLE)],
])
def test_a_setting_for_other_kinds_of_source_is_refused(client, f, mapping_error, source, key, value):
    # The API reference marks these "(Kinesis and DynamoDB Streams only)", "(Amazon SQS only)", or Kafka's, MQ's
    # and DocumentDB's own.
    position = {} if source == QUEUE else {"StartingPosition": "LATEST"}
    with mapping_error("InvalidParameterValueException", unsupported(key)):
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=source, **position, **{key: value})
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=source, **position)["UUID"]
    wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
    if key in client.meta.service_model.operation_model("UpdateEventSourceMapping").input_shape.members:
        with mapping_error("InvalidParameterValueException", unsupported(key)):
            client.update_event_source_mapping(UUID=uuid, **{key: value})


@modeled_member("CreateEventSourceMapping", "ProvisionedPollerConfig")
@pytest.mark.parametrize(("pollers", "scaling", "message"), [
    # "For Amazon SQS events source mappings, default is 2, and minimum 2 required" and "the accepted range is
    # between 2 and 10,000" (the API reference); the texts are lambdamock's own, as none is recorded.
    ({"MinimumPollers": 1}, None, "MinimumPollers must be between 2 and 200 inclusive for Amazon SQS"),
    ({"MaximumPollers": 1}, None, "MaximumPollers must be between 2 and 10000 inclusive for Amazon SQS"),
    ({"MinimumPollers": 5, "MaximumPollers": 4}, None, "MinimumPollers must be less than or equal to MaximumPollers"),
    ({"MinimumPollers": 3, "MaximumPollers": 2}, None, "MinimumPollers must be less than or equal to MaximumPollers"),
    # "You can control the scaling behavior ... either through maximum concurrency settings or by enabling
    # provisioned mode. These are mutually exclusive options." (services-sqs-scaling)
    ({"MinimumPollers": 2}, {"MaximumConcurrency": 5},
     "ProvisionedPollerConfig and ScalingConfig cannot be used together"),
], ids=["min-1", "max-1", "min-over-max", "min-over-max-2", "with-maximum-concurrency"])
def test_sqs_provisioned_mode_is_checked(client, raw_client, f, mapping_error, pollers, scaling, message):
    extra = {"ScalingConfig": scaling} if scaling else {}
    with mapping_error("InvalidParameterValueException", message, via=raw_client):
        raw_client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE,
                                               ProvisionedPollerConfig=pollers, **extra)


@modeled_member("CreateEventSourceMapping", "ProvisionedPollerConfig")
@pytest.mark.parametrize("pollers", [
    # The API reference's ProvisionedPollerConfig, for SQS: MinimumPollers "default is 2, and minimum 2 required",
    # MaximumPollers "the accepted range is between 2 and 10,000, with a default of 200", MinimumPollers at most 200
    # (its valid range). A maximum of 2 is only possible with the minimum at 2 too.
    {"MinimumPollers": 2, "MaximumPollers": 2},
    {"MinimumPollers": 200, "MaximumPollers": 10000},
    {"MinimumPollers": 150},  # up to the default maximum of 200
    {"MaximumPollers": 100},
], ids=["equal-at-the-minimum", "bounds", "minimum-alone", "maximum-alone"])
def test_sqs_provisioned_mode_takes_the_documented_ranges(client, f, pollers):
    created = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE,
                                                 ProvisionedPollerConfig=pollers)
    # Accepted; what AWS shows of a default left out is not recorded, so only what was given is compared.
    for shown in (created, client.get_event_source_mapping(UUID=created["UUID"])):
        assert {key: shown["ProvisionedPollerConfig"][key] for key in pollers} == pollers


@modeled_member("CreateEventSourceMapping", "ProvisionedPollerConfig")
def test_sqs_provisioned_mode_and_maximum_concurrency_exclude_each_other_on_update(client, f, mapping_error):
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE,
                                              ScalingConfig={"MaximumConcurrency": 5})["UUID"]
    wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
    pollers = {"MinimumPollers": 2, "MaximumPollers": 20}
    with mapping_error("InvalidParameterValueException",
                       "ProvisionedPollerConfig and ScalingConfig cannot be used together"):
        client.update_event_source_mapping(UUID=uuid, ProvisionedPollerConfig=pollers)
    updated = client.update_event_source_mapping(UUID=uuid, ProvisionedPollerConfig=pollers, ScalingConfig={})
    assert updated["ProvisionedPollerConfig"] == pollers and "ScalingConfig" not in updated
    # An empty value removes it, as an empty ScalingConfig does.
    assert "ProvisionedPollerConfig" not in client.update_event_source_mapping(UUID=uuid, ProvisionedPollerConfig={})


def test_a_second_mapping_of_the_same_source_and_function_conflicts(client, create_function, f, mapping_error):
    queue = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    with mapping_error("ResourceConflictException",
                       f'An event source mapping with SQS arn (" {QUEUE} ") and function (" f ") already exists. '
                       f"Please update or delete the existing mapping with UUID {queue}"):
        client.create_event_source_mapping(FunctionName=function_arn("f"), EventSourceArn=QUEUE)
    stream = client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM,
                                                StartingPosition="LATEST")["UUID"]
    with mapping_error("ResourceConflictException",
                       f'The event source arn (" {STREAM} ") and function (" f ") provided mapping already exists. '
                       f"Please update or delete the existing mapping with UUID {stream}"):
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=STREAM, StartingPosition="TRIM_HORIZON")
    # Another function, or the same one through a version, is another mapping.
    create_function(name="g")
    client.create_event_source_mapping(FunctionName="g", EventSourceArn=QUEUE)
    client.create_event_source_mapping(FunctionName="f:$LATEST", EventSourceArn=QUEUE)


def holding_a_batch(client, create_function, sources) -> str:
    """A queue mapping whose function holds its one batch until probe.release(); its UUID."""
    probe.reset()
    create_function(Code={"ZipFile": package({"index.py": probe.HANDLER})})
    uuid = client.create_event_source_mapping(FunctionName="f", EventSourceArn=QUEUE)["UUID"]
    sources.queue(QUEUE).send("hold on")
    wait_until(lambda: probe.entered == 1, timeout=10)
    return uuid


def test_update_and_delete_wait_out_a_batch_in_flight_then_refuse(client, create_function, sources, mapping_error,
                                                                 monkeypatch):
    # The handler holds until released, so the mapping stays Disabling while its batch is in flight.
    monkeypatch.setattr(operations, "SETTLE_SECONDS", 0.2)
    uuid = holding_a_batch(client, create_function, sources)
    try:
        assert client.update_event_source_mapping(UUID=uuid, Enabled=False)["State"] == "Disabling"
        assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabling"
        with mapping_error("ResourceInUseException", "Cannot update the event source mapping because it is in use."):
            client.update_event_source_mapping(UUID=uuid, BatchSize=2)
        with mapping_error("ResourceInUseException", "Cannot delete the event source mapping because it is in use."):
            client.delete_event_source_mapping(UUID=uuid)
    finally:
        probe.release()
    sources.wait(timeout=10)
    assert client.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"
    assert len(sources.queue(QUEUE)) == 0, "the batch in flight finished and was deleted"


@pytest.mark.parametrize("change, state", [({"Enabled": False}, "Disabling"), ({"BatchSize": 3}, "Updating")])
@pytest.mark.parametrize("call", ["update", "delete"])
def test_a_call_on_a_busy_mapping_waits_for_its_batch_to_end(client, create_function, sources, monkeypatch, call,
                                                             change, state):
    # docs/mappings.md, "Lifecycle and states": a call on a mapping in a transient state waits briefly (lambdamock's
    # own courtesy: its transitions last only while a batch is delivered), then goes through.
    from lambdamock.state.mappings import EventSourceMapping

    waiting = threading.Event()
    wait_settled = EventSourceMapping.wait_settled

    def noted(self, timeout):
        waiting.set()
        return wait_settled(self, timeout)

    monkeypatch.setattr(EventSourceMapping, "wait_settled", noted)
    monkeypatch.setattr(operations, "SETTLE_SECONDS", 60)  # the batch's end, not the wait's deadline, lets it go
    uuid = holding_a_batch(client, create_function, sources)
    try:
        assert client.update_event_source_mapping(UUID=uuid, **change)["State"] == state
        assert client.get_event_source_mapping(UUID=uuid)["State"] == state
        waiting.clear()
        answers = []
        arguments = {"BatchSize": 2} if call == "update" else {}
        worker = threading.Thread(target=lambda: answers.append(
            getattr(client, f"{call}_event_source_mapping")(UUID=uuid, **arguments)["State"]), daemon=True)
        worker.start()
        wait_until(waiting.is_set, timeout=10)
    finally:
        probe.release()
    worker.join(10)
    assert answers == ["Updating" if call == "update" else "Deleting"]


def test_settling_after_a_batch_restamps_the_mapping(client, create_function, sources):
    # The API reference, EventSourceMappingConfiguration's LastModified: "The date that the event source mapping was
    # last updated or that its state changed": Updating -> Enabled, once the batch in flight has ended, is stamped.
    uuid = holding_a_batch(client, create_function, sources)
    try:
        updated = client.update_event_source_mapping(UUID=uuid, BatchSize=3)
        assert updated["State"] == "Updating"
        later = updated["LastModified"] + datetime.timedelta(milliseconds=10)
        wait_until(lambda: datetime.datetime.now(datetime.timezone.utc) > later)
    finally:
        probe.release()
    wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == "Enabled", timeout=10)
    assert client.get_event_source_mapping(UUID=uuid)["LastModified"] >= later


def test_missing_sources_are_refused_with_aws_texts():
    with moto_aws(), mock_lambda():
        lam = boto3.client("lambda", region_name=REGION)
        lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="index.handler",
                            Code={"ZipFile": package({"index.py": "def handler(e, c):\n    return e\n"})})
        cases = [
            # SQS's own text follows (older SQS APIs add "for this wsdl version").
            ({"EventSourceArn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:missing"}, re.compile(
                r"Error occurred while ReceiveMessage\. SQS Error Code: AWS\.SimpleQueueService\.NonExistentQueue\. "
                r"SQS Error Message: The specified queue does not exist\.?( for this wsdl version\.)?")),
            ({"EventSourceArn": f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/missing", "StartingPosition": "LATEST"},
             f"Stream not found: arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/missing"),
            ({"EventSourceArn": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/missing/stream/2024-01-01T00:00:00.000",
              "StartingPosition": "LATEST"},
             f"Stream not found: arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/missing/stream/2024-01-01T00:00:00.000"),
        ]
        for params, message in cases:
            with pytest.raises(lam.exceptions.InvalidParameterValueException) as caught:
                lam.create_event_source_mapping(FunctionName="f", **params)
            text = caught.value.response["Error"]["Message"]
            assert message.fullmatch(text) if isinstance(message, re.Pattern) else text == message, text
        assert lam.list_event_source_mappings()["EventSourceMappings"] == []
