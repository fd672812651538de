"""Mappings of Kafka (Amazon MSK and self-managed), Amazon MQ and DocumentDB sources through boto3: the control plane.

No cluster or broker is in the test's process, so none of these mappings reads anything (docs/mappings.md).
"""

from __future__ import annotations

import datetime

import boto3
import pytest

from lambdamock import mock_lambda
from tests.conftest import ACCOUNT, REGION, function_arn
from tests.helpers import MODEL, modeled, moto_aws, wait_until
from tests.mapping_helpers import QUEUE, STREAM, deploy, listing, unsupported

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.mapping_helpers import f as f
from tests.mapping_helpers import mapping_error as mapping_error
from tests.mapping_helpers import sources as sources

SECRET = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:broker-AbCdEf"
BASIC = [{"Type": "BASIC_AUTH", "URI": SECRET}]
SERVERS = {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000"]}}
# The developer guide's example ARNs (with-msk, with-mq, with-documentdb).
CLUSTER = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/my-cluster/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2"
BROKER = f"arn:aws:mq:{REGION}:{ACCOUNT}:broker:ExampleMQBroker:b-24cacbb4-b295-49b7-8543-7ce7ce9dfb98"
DOCUMENTS = f"arn:aws:rds:{REGION}:{ACCOUNT}:cluster:canary-cluster"
# Each kind with what a Create must name.
KINDS = {
    "msk": {"EventSourceArn": CLUSTER, "Topics": ["orders"]},
    "self-managed-kafka": {"SelfManagedEventSource": SERVERS, "Topics": ["orders"], "SourceAccessConfigurations": BASIC},
    "mq": {"EventSourceArn": BROKER, "Queues": ["orders"], "SourceAccessConfigurations": BASIC},
    "documentdb": {"EventSourceArn": DOCUMENTS, "DocumentDBEventSourceConfig": {"DatabaseName": "shop"}},
}
TAIL = "already exists. Please update or delete the existing mapping with UUID {}"


def create(client, kind, **extra):
    response = client.create_event_source_mapping(FunctionName="f", **{**KINDS[kind], **extra})
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    return response


def settled(client, uuid, state="Enabled"):
    wait_until(lambda: client.get_event_source_mapping(UUID=uuid)["State"] == state)
    return client.get_event_source_mapping(UUID=uuid)


def test_self_managed_kafka_as_recorded(client, f, mapping_error):
    # Recorded against AWS: LocalStack's test_lambda_api.snapshot.json,
    # TestLambdaEventSourceMappings::test_create_event_source_self_managed.
    with mapping_error("InvalidParameterValueException", "Required 'sourceAccessConfigurations' parameter is missing."):
        client.create_event_source_mapping(Topics=["topic"], FunctionName="f", SelfManagedEventSource=SERVERS)
    first = client.create_event_source_mapping(Topics=["topic"], FunctionName="f", SelfManagedEventSource=SERVERS,
                                               SourceAccessConfigurations=BASIC)
    uuid = first["UUID"]
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    first.pop("ResponseMetadata")
    assert isinstance(first.pop("LastModified"), datetime.datetime)
    # Not in the 2024 recording, which predates mapping ARNs; every mapping has one since (recorded 2025:
    # test_event_source_mapping_lifecycle), which botocore shows once its model has it.
    arn = {"EventSourceMappingArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:event-source-mapping:{uuid}"}
    assert first == {
        "BatchSize": 100,
        **(arn if "EventSourceMappingArn" in MODEL.shape_for("EventSourceMappingConfiguration").members else {}),
        "FunctionArn": function_arn("f"),
        "LastProcessingResult": "No records processed",
        "SelfManagedEventSource": SERVERS,
        "SelfManagedKafkaEventSourceConfig": {"ConsumerGroupId": uuid},
        "SourceAccessConfigurations": BASIC,
        "StartingPosition": "TRIM_HORIZON",
        "State": "Creating",
        "StateTransitionReason": "USER_INITIATED",
        "Topics": ["topic"],
        "UUID": uuid,
    }
    duplicate = 'An event source mapping with event source ("{}"), function ("{}"), topics ("topic") ' + TAIL
    with mapping_error("ResourceConflictException", duplicate.format("kafka:1000", function_arn("f"), uuid)):
        client.create_event_source_mapping(Topics=["topic"], FunctionName="f", SelfManagedEventSource=SERVERS,
                                           SourceAccessConfigurations=BASIC)
    second = client.create_event_source_mapping(
        Topics=["topic_2"], FunctionName="f", SelfManagedEventSource=SERVERS, SourceAccessConfigurations=BASIC,
        BatchSize=1, SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"}, StartingPosition="LATEST")
    assert (second["BatchSize"], second["SelfManagedKafkaEventSourceConfig"], second["StartingPosition"],
            second["Topics"]) == (1, {"ConsumerGroupId": "random_id"}, "LATEST", ["topic_2"])
    # Any server in common, and the topic: the text names the servers the request gave.
    with mapping_error("ResourceConflictException",
                       duplicate.format("kafka:1000,kafka:2000", function_arn("f"), uuid)):
        client.create_event_source_mapping(
            Topics=["topic"], FunctionName="f", SourceAccessConfigurations=BASIC, BatchSize=1,
            SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:1000", "kafka:2000"]}},
            SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": "random_id"})


@pytest.mark.parametrize("kind", KINDS)
def test_a_mapping_settles_updates_and_goes_but_reads_nothing(client, f, lambda_mock, kind):
    created = create(client, kind, BatchSize=7)
    uuid = created["UUID"]
    assert created["State"] == "Creating"
    got = settled(client, uuid)
    assert (got["BatchSize"], got["LastProcessingResult"], got["StateTransitionReason"]) == (
        7, "No records processed", "USER_INITIATED")
    assert "EventSourceArn" not in got if kind == "self-managed-kafka" else got["EventSourceArn"] == KINDS[kind][
        "EventSourceArn"]
    updated = client.update_event_source_mapping(UUID=uuid, BatchSize=9, Enabled=False)
    assert (updated["State"], updated["BatchSize"]) == ("Disabling", 9)
    assert settled(client, uuid, "Disabled")["BatchSize"] == 9
    lambda_mock.wait(timeout=5)  # nothing to read, nothing waited for
    assert lambda_mock.invocations == []
    assert [mapping["UUID"] for mapping in client.list_event_source_mappings(FunctionName="f")["EventSourceMappings"]
            ] == [uuid]
    assert client.delete_event_source_mapping(UUID=uuid)["State"] == "Deleting"
    wait_until(lambda: listing(client) == [])


def test_a_mapping_created_disabled_is_disabled_at_once(client, f):
    assert create(client, "mq", Enabled=False)["State"] == "Disabled"


@pytest.mark.parametrize(("kind", "missing", "message"), [
    # "Required 'sourceAccessConfigurations' parameter is missing." is recorded (self-managed Kafka); the other
    # members, in that wording, are what the developer guide (and SAM's reference) has each kind name.
    ("msk", "Topics", "Required 'topics' parameter is missing."),
    ("self-managed-kafka", "Topics", "Required 'topics' parameter is missing."),
    ("mq", "Queues", "Required 'queues' parameter is missing."),
    ("mq", "SourceAccessConfigurations", "Required 'sourceAccessConfigurations' parameter is missing."),
    ("documentdb", "DocumentDBEventSourceConfig",
     "Required 'documentDBEventSourceConfig.databaseName' parameter is missing."),
])
def test_what_each_kind_must_name(client, f, mapping_error, kind, missing, message):
    params = {key: value for key, value in KINDS[kind].items() if key != missing}
    with mapping_error("InvalidParameterValueException", message):
        client.create_event_source_mapping(FunctionName="f", **params)


# The API reference marks which kinds take each member: "(Kinesis and DynamoDB Streams only)", "(Amazon SQS only)",
# "(Kinesis, DynamoDB Streams, Amazon MSK, and self-managed Apache Kafka)", "(Amazon MSK, and self-managed Apache
# Kafka only)", "(MQ)", and each kind's own configuration.
NOT_TAKEN = [
    *[(kind, key, value) for kind in KINDS for key, value in (
        ("ParallelizationFactor", 2), ("TumblingWindowInSeconds", 5), ("ScalingConfig", {"MaximumConcurrency": 2}))],
    *[(kind, key, value) for kind in ("mq", "documentdb") for key, value in (
        ("MaximumRetryAttempts", 1), ("BisectBatchOnFunctionError", True), ("MaximumRecordAgeInSeconds", 60),
        ("FunctionResponseTypes", ["ReportBatchItemFailures"]), ("LoggingConfig", {"SystemLogLevel": "INFO"}),
        ("DestinationConfig", {"OnFailure": {"Destination": QUEUE}}), ("ProvisionedPollerConfig", {"MinimumPollers": 1}),
        ("Topics", ["orders"]))],
    ("mq", "StartingPosition", "LATEST"),
    ("mq", "DocumentDBEventSourceConfig", {"DatabaseName": "shop"}),
    ("documentdb", "Queues", ["orders"]),
    ("msk", "Queues", ["orders"]),
    ("msk", "SelfManagedKafkaEventSourceConfig", {"ConsumerGroupId": "g"}),
    ("msk", "SelfManagedEventSource", SERVERS),
    ("self-managed-kafka", "AmazonManagedKafkaEventSourceConfig", {"ConsumerGroupId": "g"}),
    ("self-managed-kafka", "DocumentDBEventSourceConfig", {"DatabaseName": "shop"}),
    ("documentdb", "AmazonManagedKafkaEventSourceConfig", {"ConsumerGroupId": "g"}),
]


@pytest.mark.parametrize(("kind", "key", "value"), [
    pytest.param(kind, key, value, id=f"{kind}-{key}", marks=modeled("CreateEventSourceMapping", key))
    for kind, key, value in NOT_TAKEN])
def test_a_setting_the_kind_does_not_take_is_refused(client, f, mapping_error, kind, key, value):
    with mapping_error("InvalidParameterValueException", unsupported(key)):
        create(client, kind, **{key: value})
    uuid = create(client, kind)["UUID"]
    settled(client, uuid)
    if key in client.meta.service_model.operation_model("UpdateEventSourceMapping").input_shape.members:
        with mapping_error("InvalidParameterValueException", unsupported(key)):
            client.update_event_source_mapping(UUID=uuid, **{key: value})


def test_kafka_takes_the_error_handling_of_streams_and_shows_what_was_given(client, f):
    settings = {"MaximumRetryAttempts": 2, "BisectBatchOnFunctionError": True, "MaximumRecordAgeInSeconds": 60,
                "FunctionResponseTypes": ["ReportBatchItemFailures"], "MaximumBatchingWindowInSeconds": 3,
                "DestinationConfig": {"OnFailure": {"Destination": QUEUE}}}
    plain = create(client, "msk")
    for absent in settings:  # recorded (self-managed Kafka): none is shown that was not given
        assert absent not in plain
    given = create(client, "self-managed-kafka", **settings)
    assert {key: given[key] for key in settings} == settings
    uuid = given["UUID"]
    settled(client, uuid)
    client.update_event_source_mapping(UUID=uuid, MaximumRetryAttempts=5)
    assert settled(client, uuid)["MaximumRetryAttempts"] == 5
    with pytest.raises(client.exceptions.InvalidParameterValueException, match="MaximumRecordAgeInSeconds must"):
        client.update_event_source_mapping(UUID=uuid, MaximumRecordAgeInSeconds=30)


def test_msk_starts_at_trim_horizon_unless_told(client, f, mapping_error):
    created = create(client, "msk", AmazonManagedKafkaEventSourceConfig={"ConsumerGroupId": "billing"})
    assert (created["StartingPosition"], created["AmazonManagedKafkaEventSourceConfig"]) == (
        "TRIM_HORIZON", {"ConsumerGroupId": "billing"})
    at = create(client, "msk", Topics=["later"], StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=1700000000)
    assert (at["StartingPosition"], at["StartingPositionTimestamp"].timestamp()) == ("AT_TIMESTAMP", 1700000000)
    with mapping_error("InvalidParameterValueException", "Need to specify a timestamp"):
        create(client, "msk", Topics=["other"], StartingPosition="AT_TIMESTAMP")


@modeled("UpdateEventSourceMapping", "AmazonManagedKafkaEventSourceConfig")
def test_an_msk_consumer_group_stays_and_a_schema_registry_is_added(client, f, mapping_error):
    uuid = create(client, "msk", AmazonManagedKafkaEventSourceConfig={"ConsumerGroupId": "billing"})["UUID"]
    settled(client, uuid)
    # "After creating a Kafka event source mapping with the consumer group ID specified, you cannot update this
    # value" (the API reference): refused even when unchanged.
    with mapping_error("InvalidParameterValueException", unsupported("amazonManagedKafkaEventSourceConfig"
                                                                     ".consumerGroupId")):
        client.update_event_source_mapping(UUID=uuid, AmazonManagedKafkaEventSourceConfig={"ConsumerGroupId": "billing"})
    registry = {"SchemaRegistryURI": f"arn:aws:glue:{REGION}:{ACCOUNT}:registry/r", "EventRecordFormat": "JSON",
                "SchemaValidationConfigs": [{"Attribute": "VALUE"}]}
    client.update_event_source_mapping(UUID=uuid, AmazonManagedKafkaEventSourceConfig={"SchemaRegistryConfig": registry})
    assert settled(client, uuid)["AmazonManagedKafkaEventSourceConfig"] == {"ConsumerGroupId": "billing",
                                                                           "SchemaRegistryConfig": registry}


def test_duplicates_are_per_topic_and_queue(client, f, create_function, mapping_error):
    msk, mq = create(client, "msk")["UUID"], create(client, "mq")["UUID"]
    # As AWS's users quote MSK's (aws/aws-sam-cli#2308); MQ's in that wording is lambdamock's.
    with mapping_error("ResourceConflictException", f'An event source mapping with event source arn ("{CLUSTER}"), '
                       f'function ("{function_arn("f")}") and topics ("orders") ' + TAIL.format(msk)):
        create(client, "msk")
    with mapping_error("ResourceConflictException", f'An event source mapping with event source arn ("{BROKER}"), '
                       f'function ("{function_arn("f")}") and queues ("orders") ' + TAIL.format(mq)):
        create(client, "mq")
    create(client, "msk", Topics=["refunds"])
    create(client, "mq", Queues=["refunds"])
    create_function("g")
    client.create_event_source_mapping(FunctionName="g", **KINDS["msk"])
    # Moving a mapping onto a function that already reads its topic is refused too.
    with mapping_error("ResourceConflictException", f'An event source mapping with event source arn ("{CLUSTER}"), '
                       f'function ("{function_arn("f")}") and topics ("orders") ' + TAIL.format(msk)):
        client.update_event_source_mapping(
            UUID=client.list_event_source_mappings(FunctionName="g")["EventSourceMappings"][0]["UUID"],
            FunctionName="f")


def test_documentdb_keeps_its_database_and_collection(client, f, mapping_error):
    created = create(client, "documentdb", DocumentDBEventSourceConfig={"DatabaseName": "shop",
                                                                         "CollectionName": "orders"})
    uuid = created["UUID"]
    assert created["DocumentDBEventSourceConfig"] == {"DatabaseName": "shop", "CollectionName": "orders",
                                                      "FullDocument": "Default"}
    assert "StartingPosition" not in created
    settled(client, uuid)
    # Quoted by AWS's users (aws/aws-cli#7756).
    with mapping_error("InvalidParameterValueException", "Invalid parameters: collectionName, databaseName"):
        client.update_event_source_mapping(UUID=uuid, DocumentDBEventSourceConfig={"DatabaseName": "other",
                                                                                    "CollectionName": "other"})
    with mapping_error("InvalidParameterValueException", "Invalid parameters: databaseName"):
        client.update_event_source_mapping(UUID=uuid, DocumentDBEventSourceConfig={"DatabaseName": "other"})
    client.update_event_source_mapping(UUID=uuid, DocumentDBEventSourceConfig={"DatabaseName": "shop",
                                                                                "FullDocument": "UpdateLookup"})
    assert settled(client, uuid)["DocumentDBEventSourceConfig"] == {"DatabaseName": "shop", "CollectionName": "orders",
                                                                     "FullDocument": "UpdateLookup"}
    with mapping_error("ResourceConflictException",
                       f'The event source arn (" {DOCUMENTS} ") and function (" f ") provided mapping ' + TAIL.format(uuid)):
        create(client, "documentdb", DocumentDBEventSourceConfig={"DatabaseName": "shop", "CollectionName": "orders"})
    create(client, "documentdb", DocumentDBEventSourceConfig={"DatabaseName": "shop", "CollectionName": "refunds"})


def test_a_queue_or_stream_takes_no_kafka_servers(client, f, mapping_error):
    for source, position in ((QUEUE, {}), (STREAM, {"StartingPosition": "LATEST"})):
        with mapping_error("InvalidParameterValueException", unsupported("selfManagedEventSource")):
            client.create_event_source_mapping(FunctionName="f", EventSourceArn=source, SelfManagedEventSource=SERVERS,
                                               **position)


@modeled("CreateEventSourceMapping", "Tags")
def test_source_access_and_tags_and_listing_by_source(client, f):
    tags = {"team": "payments"}
    uuid = create(client, "mq", Tags=tags)["UUID"]
    arn = settled(client, uuid)["EventSourceMappingArn"]
    assert client.list_tags(Resource=arn)["Tags"] == tags
    rotated = [{"Type": "BASIC_AUTH", "URI": SECRET + "2"}, {"Type": "VIRTUAL_HOST", "URI": "/orders"}]
    client.update_event_source_mapping(UUID=uuid, SourceAccessConfigurations=rotated)
    assert settled(client, uuid)["SourceAccessConfigurations"] == rotated
    create(client, "msk")
    listed = client.list_event_source_mappings(EventSourceArn=BROKER)["EventSourceMappings"]
    assert [mapping["UUID"] for mapping in listed] == [uuid]


@pytest.mark.parametrize("kind", KINDS)
def test_filters_are_kept_and_shown(client, f, mapping_error, kind):
    # Kafka's records hold their data in "value", MQ's in "data" (invocation-eventfiltering); a plain-text pattern
    # is as good as a JSON one there, as for an SQS body.
    patterns = [{"Pattern": '{"value": ["paid"]}'}, {"Pattern": '{"data": {"total": [{"numeric": [">", 9]}]}}'}]
    uuid = create(client, kind, FilterCriteria={"Filters": patterns})["UUID"]
    assert settled(client, uuid)["FilterCriteria"] == {"Filters": patterns}
    with mapping_error("InvalidParameterValueException", "Invalid filter pattern definition."):
        client.update_event_source_mapping(UUID=uuid, FilterCriteria={"Filters": [{"Pattern": "[]"}]})


@pytest.mark.parametrize(("kind", "settings"), [
    # What the API reference says each kind takes, shown back as given (and kept through an update).
    pytest.param("msk", {"LoggingConfig": {"SystemLogLevel": "INFO"}, "ProvisionedPollerConfig": {"MinimumPollers": 1},
                         "StartingPosition": "LATEST"}, marks=modeled("CreateEventSourceMapping", "LoggingConfig")),
    pytest.param("self-managed-kafka", {"LoggingConfig": {"SystemLogLevel": "WARN"}, "StartingPosition": "LATEST"},
                 marks=modeled("CreateEventSourceMapping", "LoggingConfig")),
    ("mq", {"MaximumBatchingWindowInSeconds": 2}),
    ("documentdb", {"MaximumBatchingWindowInSeconds": 2, "SourceAccessConfigurations": BASIC,
                    "StartingPosition": "LATEST"}),
])
def test_what_each_kind_takes_is_shown_and_kept(client, f, kind, settings):
    uuid = create(client, kind, **settings)["UUID"]
    settled(client, uuid)
    client.update_event_source_mapping(UUID=uuid, BatchSize=3)
    got = settled(client, uuid)
    assert {key: got[key] for key in settings} == settings


@modeled("UpdateEventSourceMapping", "SelfManagedKafkaEventSourceConfig")
def test_a_self_managed_consumer_group_stays(client, f, mapping_error):
    uuid = create(client, "self-managed-kafka")["UUID"]
    settled(client, uuid)
    with mapping_error("InvalidParameterValueException", unsupported("selfManagedKafkaEventSourceConfig"
                                                                     ".consumerGroupId")):
        client.update_event_source_mapping(UUID=uuid, SelfManagedKafkaEventSourceConfig={"ConsumerGroupId": uuid})


def test_self_managed_servers_name_the_source(client, f, mapping_error):
    uuid = create(client, "self-managed-kafka")["UUID"]
    settled(client, uuid)
    # A source must be named: servers (the text is the one AWS gives a request with no source at all, recorded).
    with mapping_error("InvalidParameterValueException", "Unrecognized event source."):
        create(client, "self-managed-kafka", SelfManagedEventSource={})
    # Credentials cannot be taken away either.
    with mapping_error("InvalidParameterValueException", "Required 'sourceAccessConfigurations' parameter is missing."):
        client.update_event_source_mapping(UUID=uuid, SourceAccessConfigurations=[])
    other = create(client, "self-managed-kafka",
                   SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["kafka:2000"]}})
    assert other["UUID"] != uuid


def test_an_alias_is_named_in_the_duplicate_text(client, f, mapping_error):
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    uuid = client.create_event_source_mapping(FunctionName="f:live", **KINDS["msk"])["UUID"]
    # As AWS's users quote it: the function qualified (aws/aws-sam-cli#2308).
    with mapping_error("ResourceConflictException", f'An event source mapping with event source arn ("{CLUSTER}"), '
                       f'function ("{function_arn("f", "live")}") and topics ("orders") ' + TAIL.format(uuid)):
        client.create_event_source_mapping(FunctionName="f:live", **KINDS["msk"])


@pytest.mark.parametrize("arn", [
    # Not a cluster, a broker, or a DocumentDB cluster: their services' other resources.
    f"arn:aws:kafka:{REGION}:{ACCOUNT}:configuration/settings/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2",
    f"arn:aws:mq:{REGION}:{ACCOUNT}:configuration:c-24cacbb4-b295-49b7-8543-7ce7ce9dfb98",
    f"arn:aws:rds:{REGION}:{ACCOUNT}:db:orders",
])
def test_other_resources_of_those_services_are_no_source(client, f, mapping_error, arn):
    with mapping_error("InvalidParameterValueException", "Unrecognized event source."):
        client.create_event_source_mapping(FunctionName="f", EventSourceArn=arn, Topics=["orders"])


def test_a_cross_account_msk_connection_is_a_source(client, f):
    # "the ARN of the VPC connection (for cross-account event source mappings)" (the API reference's EventSourceArn).
    connection = f"arn:aws:kafka:{REGION}:{ACCOUNT}:vpc-connection/111122223333/orders/fc2f5bdf-fd1b-45ad-85dd-15b4a5a6247e-2"
    assert create(client, "msk", EventSourceArn=connection)["EventSourceArn"] == connection


def test_with_moto_nothing_is_asked_of_a_source_no_one_reads():
    # moto holds no cluster or broker these ARNs name, and lambdamock does not ask it for one (as it asks for a queue
    # or a stream): the mappings are made.
    with moto_aws(), mock_lambda():
        lam = boto3.client("lambda", region_name=REGION)
        deploy(lam)
        made = [lam.create_event_source_mapping(FunctionName="f", **params)["UUID"] for params in KINDS.values()]
        assert [mapping["UUID"] for mapping in lam.list_event_source_mappings()["EventSourceMappings"]] == made
