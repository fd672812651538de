"""Kafka topics in process (``m.kafka_topic``): mappings of Amazon MSK and self-managed Kafka read and deliver them.

The shapes are the developer guide's (no recording of a delivered Kafka event is public): the example events of
with-msk.html and with-kafka.html, PartialBatchResponse of kafka-retry-configurations.html, and the OnFailure record
of kafka-on-failure.html; header values as signed bytes per aws-lambda-go's events/testdata/kafka-event.json.
"""

from __future__ import annotations

import base64
import json
import re
import time

import boto3
import pytest

import lambdamock
from lambdamock import LocalTopic, mock_lambda
from lambdamock.sources.kafka import murmur2
from tests.conftest import ACCOUNT, REGION
from tests.escapes import Proxy
from tests.helpers import moto_aws
from tests.mapping_helpers import deploy, eventually
from tests.mapping_helpers import lam as lam
from tests.mapping_helpers import m as m

CLUSTER = f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/demo/6f2b1c5e-0d1a-4b7e-9c1f-2a3b4c5d6e7f-2"
SERVERS = ["broker-1.example.com:9092", "broker-2.example.com:9092"]
DEAD = f"arn:aws:sqs:{REGION}:{ACCOUNT}:kafka-failures"
STAMP = 1545084650.987  # the guide's example record's timestamp, 1545084650987 ms
# Fails while a file the test names holds a number above 0, counting it down.
FLAKY = (
    "import os\n"
    "def handler(event, context):\n"
    "    path = os.environ['COUNTDOWN']\n"
    "    left = int(open(path).read())\n"
    "    if left:\n"
    "        open(path, 'w').write(str(left - 1))\n"
    "        raise ValueError('not yet')\n"
)


def events(m) -> list[dict]:
    return [json.loads(invocation.event) for invocation in m.invocations]


def values(m, since: int = 0) -> list[list[str]]:
    """The values of each invocation's records (from the ``since``-th invocation on), decoded, in order."""
    return [[base64.b64decode(record["value"]).decode() for batch in event["records"].values() for record in batch]
            for event in events(m)[since:]]


def msk_mapping(lam, **settings) -> str:
    uuid: str = lam.create_event_source_mapping(FunctionName="f", EventSourceArn=CLUSTER, Topics=["orders"],
                                                **settings)["UUID"]
    return uuid


def countdown(lam, tmp_path, failures: int) -> None:
    path = tmp_path / "countdown"
    path.write_text(str(failures))
    deploy(lam, FLAKY)
    lam.update_function_configuration(FunctionName="f", Environment={"Variables": {"COUNTDOWN": str(path)}})


# -- the topic ---------------------------------------------------------------------------------


def test_a_topic_is_exported_kept_and_checked():
    assert "LocalTopic" in lambdamock.__all__
    with mock_lambda() as mock:
        topic = mock.kafka_topic(CLUSTER, "orders", partitions=3)
        assert isinstance(topic, LocalTopic)
        assert mock.kafka_topic(CLUSTER, "orders") is topic
        assert mock.kafka_topic(CLUSTER, "other") is not topic
        servers = mock.kafka_topic(",".join(SERVERS), "orders")
        assert mock.kafka_topic(list(reversed(SERVERS)), "orders") is servers  # the same servers, in any order
        assert mock.kafka_topic(SERVERS[1], "orders") is servers  # some of its servers name it, as for a mapping
        assert mock.kafka_topic("elsewhere:9092", "orders") is not servers
        with pytest.raises(ValueError, match="some of these servers, not all"):  # its mappings would not read all
            mock.kafka_topic([SERVERS[0], "third:9092"], "orders")
        for cluster in (f"arn:aws:sqs:{REGION}:{ACCOUNT}:q", "", [], ["a:9092", ""]):
            with pytest.raises(ValueError):
                mock.kafka_topic(cluster, "orders")
        with pytest.raises(ValueError, match="partition"):
            mock.kafka_topic(CLUSTER, "none", partitions=0)
        for name in ("", "t", ".hidden", "with space"):  # as a mapping's Topics take them (the API model)
            with pytest.raises(ValueError, match="not a Kafka topic name"):
                mock.kafka_topic(CLUSTER, name)
        with pytest.raises(ValueError, match="partitions 0 to 2"):
            topic.send("v", partition=3)


def test_a_topic_name_is_as_long_as_the_api_model_lets_it_be():
    # botocore's Lambda model: Topic is 1 to 249 characters of pattern [^.]([a-zA-Z0-9\-_.]+).
    with mock_lambda() as mock:
        assert mock.kafka_topic(CLUSTER, "t" * 249).topic == "t" * 249
        assert mock.kafka_topic(CLUSTER, "ab").topic == "ab"
        with pytest.raises(ValueError, match="not a Kafka topic name"):
            mock.kafka_topic(CLUSTER, "t" * 250)


def test_murmur2_is_kafkas():
    # Apache Kafka's UtilsTest.testMurmur2.
    vectors = {b"21": -973932308, b"foobar": -790332482, b"a-little-bit-long-string": -985981536,
               b"a-little-bit-longer-string": -1486304829, b"abc": 479470107,
               b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8": -58897971}
    assert {data: murmur2(data) for data in vectors} == vectors


def test_records_go_where_kafkas_default_partitioner_puts_them(m):
    topic = m.kafka_topic(CLUSTER, "orders", partitions=50)
    assert topic.send("a", key="foobar") == (16, 0)  # toPositive(murmur2) % 50
    assert topic.send("b", key=b"foobar") == (16, 1)  # a key goes to one partition, offsets count on in it
    assert [topic.send("c")[0] for _ in range(3)] == [0, 1, 2]  # without a key, each partition in turn
    assert topic.send("d", partition=7) == (7, 0)
    assert len(topic) == 6


def test_a_topic_made_after_its_mapping_is_refused(m, lam):
    deploy(lam)
    msk_mapping(lam)
    with pytest.raises(ValueError, match="make the in-process source before the mapping"):
        m.kafka_topic(CLUSTER, "orders")
    m.kafka_topic(CLUSTER, "another")  # a topic the mapping does not read


# -- events ------------------------------------------------------------------------------------


def test_an_msk_mapping_delivers_the_guides_event(m, lam):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "mytopic")
    topic.send(b"Hello, this is a test.", key=b"abcDEF", headers=[("headerKey", b"headerValue"), ("raw", b"\xff\x00")],
               timestamp=STAMP)
    topic.send("no key", timestamp=STAMP)
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=CLUSTER, Topics=["mytopic"])
    m.wait()
    [event] = events(m)
    # with-msk's example: "b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1....": two brokers,
    # named by the cluster's name (here "demo", from its ARN), an id and its region.
    servers = [re.sub(r"\.[0-9a-f]{6}\.", ".ID.", server) for server in event.pop("bootstrapServers").split(",")]
    assert servers == [f"b-{n}.demo.ID.c1.kafka.{REGION}.amazonaws.com:9092" for n in (1, 2)]
    assert event == {
        "eventSource": "aws:kafka",
        "eventSourceArn": CLUSTER,
        "records": {"mytopic-0": [
            {"topic": "mytopic", "partition": 0, "offset": 0, "timestamp": 1545084650987, "timestampType": "CREATE_TIME",
             "key": base64.b64encode(b"abcDEF").decode(), "value": "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
             "headers": [{"headerKey": [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101]}, {"raw": [-1, 0]}]},
            {"topic": "mytopic", "partition": 0, "offset": 1, "timestamp": 1545084650987, "timestampType": "CREATE_TIME",
             "value": base64.b64encode(b"no key").decode(), "headers": []},
        ]},
    }
    assert list(event) == ["eventSource", "eventSourceArn", "records"]


def test_header_values_are_javas_signed_bytes_and_a_record_may_lack_a_value(m, lam):
    # aws-lambda-go's events/testdata/kafka-event.json: "headerKey": [118, -36, 0, 127, -128]. Headers may be given
    # as a dict, in its order; a record without a value (a tombstone) is still delivered, with its key.
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    topic.send(None, key="gone", headers={"headerKey": bytes([118, 220, 0, 127, 128]), "text": "\u00e9"})
    msk_mapping(lam)
    m.wait()
    [event] = events(m)
    [record] = event["records"]["orders-0"]
    assert record["headers"] == [{"headerKey": [118, -36, 0, 127, -128]}, {"text": [-61, -87]}]
    assert record["key"] == base64.b64encode(b"gone").decode() and record.get("value") is None


def test_a_self_managed_mapping_names_its_servers_and_no_arn(m, lam):
    deploy(lam)
    m.kafka_topic(SERVERS[1], "orders").send("v", timestamp=STAMP)  # the mapping shares one of its servers
    lam.create_event_source_mapping(
        FunctionName="f", Topics=["orders"], SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": SERVERS}},
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:s"}],
    )
    m.wait()
    [event] = events(m)
    assert list(event) == ["eventSource", "bootstrapServers", "records"]
    assert (event["eventSource"], event["bootstrapServers"]) == ("SelfManagedKafka", ",".join(SERVERS))
    assert list(event["records"]) == ["orders-0"]


def test_a_mapping_of_another_topic_or_cluster_reads_nothing(m, lam):
    deploy(lam)
    m.kafka_topic(CLUSTER, "orders").send("v")
    m.kafka_topic(["elsewhere:9092"], "orders").send("v")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=CLUSTER, Topics=["refunds"])
    lam.create_event_source_mapping(
        FunctionName="f", Topics=["orders"], SelfManagedEventSource={"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": SERVERS}},
        SourceAccessConfigurations=[{"Type": "BASIC_AUTH", "URI": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:s"}],
    )
    m.wait()
    assert m.invocations == []
    assert [mapping["State"] for mapping in lam.list_event_source_mappings()["EventSourceMappings"]] == ["Enabled"] * 2


def test_starting_positions(m, lam):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    topic.send("old", timestamp=1_000)
    topic.send("newer", timestamp=2_000)
    msk_mapping(lam)  # TRIM_HORIZON unless told (recorded for self-managed Kafka)
    m.wait()
    assert values(m) == [["old", "newer"]]
    deploy(lam, name="g")
    at = lam.create_event_source_mapping(FunctionName="g", EventSourceArn=CLUSTER, Topics=["orders"],
                                         StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=1_500)
    m.wait()
    assert values(m, since=1) == [["newer"]]
    lam.delete_event_source_mapping(UUID=at["UUID"])
    deploy(lam, name="h")
    lam.create_event_source_mapping(FunctionName="h", EventSourceArn=CLUSTER, Topics=["orders"],
                                    StartingPosition="LATEST")
    m.wait()
    assert len(m.invocations) == 2
    topic.send("latest")
    m.wait()
    assert sorted(map(tuple, values(m, since=2))) == [("latest",), ("latest",)]  # f's mapping and h's read it


def test_at_timestamp_starts_at_the_first_record_of_that_timestamp(m, lam):
    # Kafka's KafkaConsumer.offsetsForTimes: "the earliest offset whose timestamp is greater than or equal to the
    # given timestamp".
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    for value, stamp in (("before", 999), ("at", 1_000), ("after", 1_001)):
        topic.send(value, timestamp=stamp)
    msk_mapping(lam, StartingPosition="AT_TIMESTAMP", StartingPositionTimestamp=1_000)
    m.wait()
    assert values(m) == [["at", "after"]]


def test_a_partition_is_read_in_order_in_batches_of_batchsize(m, lam):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders", partitions=2)
    for n in range(7):
        topic.send(str(n), partition=n % 2)
    msk_mapping(lam, BatchSize=2)
    m.wait()
    by_partition: dict[str, list[list[str]]] = {}
    for event in events(m):
        [(key, batch)] = event["records"].items()
        by_partition.setdefault(key, []).append([base64.b64decode(r["value"]).decode() for r in batch])
    assert by_partition == {"orders-0": [["0", "2"], ["4", "6"]], "orders-1": [["1", "3"], ["5"]]}


def test_the_default_batching_window_holds_a_batch_half_a_second(m, lam):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    msk_mapping(lam)
    sent = time.monotonic()
    topic.send("0")
    eventually(lambda: len(m.invocations) == 1)
    assert time.monotonic() - sent >= 0.5  # the window the record opened closes first
    assert values(m) == [["0"]]
    assert "MaximumBatchingWindowInSeconds" not in lam.list_event_source_mappings()["EventSourceMappings"][0]


def test_an_update_that_names_no_window_keeps_the_window_given(m, lam):
    # UpdateEventSourceMapping changes the settings it is given (the API reference): a window of one second stays
    # one second, and does not fall back to the half second a new mapping would have.
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    uuid = msk_mapping(lam, MaximumBatchingWindowInSeconds=1)
    eventually(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
    lam.update_event_source_mapping(UUID=uuid, BatchSize=50)
    eventually(lambda: lam.get_event_source_mapping(UUID=uuid)["State"] == "Enabled")
    assert lam.get_event_source_mapping(UUID=uuid)["MaximumBatchingWindowInSeconds"] == 1
    sent = time.monotonic()
    topic.send("0")
    eventually(lambda: len(m.invocations) == 1)
    assert time.monotonic() - sent >= 1  # the window the record opened is the one given
    assert values(m) == [["0"]]


# -- failures ----------------------------------------------------------------------------------


def test_a_failed_batch_is_retried_until_it_succeeds_and_blocks_its_partition(m, lam, tmp_path):
    countdown(lam, tmp_path, failures=2)
    topic = m.kafka_topic(CLUSTER, "orders")
    topic.send("first")
    uuid = msk_mapping(lam, MaximumBatchingWindowInSeconds=0)
    eventually(lambda: len(m.invocations) >= 1)
    topic.send("second")
    # "Lambda retries the whole batch of messages until processing succeeds" (with-msk-configure). wait() does not
    # wait for retries without end (MaximumRetryAttempts -1, Kafka's default): wait for the records instead.
    eventually(lambda: len(m.invocations) == 4)
    m.wait()
    assert values(m) == [["first"], ["first"], ["first"], ["second"]]
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "OK"


def test_a_batch_given_up_on_goes_to_the_on_failure_destination(m, lam, tmp_path):
    countdown(lam, tmp_path, failures=100)
    dead = m.queue(DEAD)
    topic = m.kafka_topic(CLUSTER, "orders")
    topic.send("a", timestamp=STAMP)
    topic.send("b", timestamp=STAMP + 1)
    uuid = msk_mapping(lam, MaximumRetryAttempts=1, DestinationConfig={"OnFailure": {"Destination": DEAD}})
    eventually(lambda: len(dead) == 1)
    [body] = dead.messages
    record = json.loads(body)
    assert record["requestContext"].pop("requestId")
    assert record["requestContext"] == {"functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f",
                                        "condition": "RetryAttemptsExhausted", "approximateInvokeCount": 2}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"}
    assert record["version"] == "1.0" and record["timestamp"].endswith("Z")
    info = record["KafkaBatchInfo"]
    servers = info.pop("bootstrapServers")
    assert servers == json.loads(m.invocations[0].event)["bootstrapServers"]
    assert info == {
        "batchSize": 2,
        "eventSourceArn": CLUSTER,
        "payloadSize": len(m.invocations[0].event),
        "recordsInfo": {"orders-0": {"firstRecordOffset": "0", "lastRecordOffset": "1",
                                     "firstRecordTimestamp": "2018-12-17T22:10:50.987Z",
                                     "lastRecordTimestamp": "2018-12-17T22:10:51.987Z"}},
    }
    assert list(record) == ["requestContext", "responseContext", "version", "timestamp", "KafkaBatchInfo"]
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "PROBLEM: Function call failed"


def test_a_bucket_as_on_failure_destination_holds_the_event_as_text():
    # "the payload field contains the original invocation record as an escaped JSON string" (kafka-on-failure);
    # the key as for streams, the topic and partition in the shard's place (inferred: the guide shows none).
    with moto_aws(), mock_lambda() as mock:
        lam = boto3.client("lambda", region_name=REGION)
        deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="failures")
        mock.kafka_topic(CLUSTER, "orders").send("lost")
        uuid = msk_mapping(lam, MaximumRetryAttempts=0,
                           DestinationConfig={"OnFailure": {"Destination": "arn:aws:s3:::failures"}})
        eventually(lambda: s3.list_objects_v2(Bucket="failures").get("KeyCount") == 1)
        [entry] = s3.list_objects_v2(Bucket="failures")["Contents"]
        assert entry["Key"].startswith(f"aws/lambda/{uuid}/orders-0/")
        body = json.loads(s3.get_object(Bucket="failures", Key=entry["Key"])["Body"].read())
        assert body["payload"] == mock.invocations[0].event.decode()
        assert body["KafkaBatchInfo"]["recordsInfo"]["orders-0"]["firstRecordOffset"] == "0"


def test_with_unending_retries_a_destination_caps_them_at_ten(m, lam, tmp_path):
    # "When you configure both infinite retries and an on-failure destination, Lambda automatically applies a
    # maximum of 10 retry attempts" (kafka-retry-configurations).
    countdown(lam, tmp_path, failures=100)
    dead = m.queue(DEAD)
    m.kafka_topic(CLUSTER, "orders").send("doomed")
    msk_mapping(lam, MaximumBatchingWindowInSeconds=0, DestinationConfig={"OnFailure": {"Destination": DEAD}})
    eventually(lambda: len(dead) == 1)
    assert len(m.invocations) == 11
    assert json.loads(dead.messages[0])["requestContext"]["approximateInvokeCount"] == 11


def test_a_record_over_the_payload_limit_alone_is_dropped_and_reported(m, lam):
    # "Records will also go unprocessed if they are dropped due to their size"; the OnFailure record's
    # responseContext is "null if record is MaximumPayloadSizeExceeded" (kafka-on-failure).
    deploy(lam)
    dead = m.queue(DEAD)
    topic = m.kafka_topic(CLUSTER, "orders")
    topic.send(b"x" * (5 * 1024 * 1024))  # 6.7 MB once in base64
    topic.send("small")
    msk_mapping(lam, DestinationConfig={"OnFailure": {"Destination": DEAD}})
    m.wait()
    assert values(m) == [["small"]]
    [report] = [json.loads(body) for body in dead.messages]
    assert report["requestContext"]["condition"] == "MaximumPayloadSizeExceeded"
    assert report["responseContext"] is None
    assert report["KafkaBatchInfo"]["recordsInfo"]["orders-0"]["firstRecordOffset"] == "0"


def test_a_record_dropped_for_its_size_is_reported_once_though_read_again(m, lam):
    deploy(lam)
    dead = m.queue(DEAD)
    topic = m.kafka_topic(CLUSTER, "orders")
    uuid = msk_mapping(lam, MaximumBatchingWindowInSeconds=3, DestinationConfig={"OnFailure": {"Destination": DEAD}})
    topic.send("held")
    topic.send(b"x" * (5 * 1024 * 1024))
    eventually(lambda: len(dead) == 1)
    # "held" waits for the window: disabled, the mapping gives it back, and reads both again when enabled.
    lam.update_event_source_mapping(UUID=uuid, Enabled=False)
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait()
    assert values(m) == [["held"]] and len(dead) == 1


def test_a_batch_stays_within_the_payload_limit_with_kafkas_longer_envelope(m, lam):
    # Two records that would fit a {"Records": [...]} event of 6 MB, but not Kafka's: they go one at a time.
    from lambdamock.sources.batching import PAYLOAD_LIMIT

    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    base64_size = (PAYLOAD_LIMIT - 20 - 2 * 200) // 2 // 4 * 4  # each record's JSON is its value and under 200 bytes
    for _ in range(2):
        topic.send(b"x" * (base64_size // 4 * 3), timestamp=STAMP)
    msk_mapping(lam)
    m.wait()
    assert [len(batch) for batch in values(m)] == [1, 1]
    assert all(len(invocation.event) <= PAYLOAD_LIMIT for invocation in m.invocations)


@pytest.mark.parametrize("destination", ["arn:aws:s3:::failures", DEAD, f"arn:aws:sns:{REGION}:{ACCOUNT}:failures",
                                         "kafka://failures"])
def test_a_failure_destination_nothing_answers_gets_nothing_and_nothing_leaves(escapes: Proxy, m, lam, destination):
    # No moto, no endpoint named, no in-process queue: the failure record is lost, and no request leaves the process.
    deploy(lam, "def handler(event, context):\n    raise ValueError('never')\n")
    m.kafka_topic(CLUSTER, "orders").send("doomed")
    uuid = msk_mapping(lam, MaximumRetryAttempts=0, DestinationConfig={"OnFailure": {"Destination": destination}})
    m.wait()
    assert len(m.invocations) == 1
    assert lam.get_event_source_mapping(UUID=uuid)["LastProcessingResult"] == "PROBLEM: Function call failed"
    assert escapes.attempts == []


def test_a_partial_batch_response_names_records_by_partition_and_offset(m, lam):
    # The first invocation reports offset 1 failed: the batch is retried from it (the checkpoint moves past 0).
    deploy(lam, (
        "calls = []\n"
        "def handler(event, context):\n"
        "    calls.append(1)\n"
        "    if len(calls) == 1:\n"
        "        return {'batchItemFailures': [{'itemIdentifier': {'partition': 'orders-0', 'offset': 1}}]}\n"
        "    if len(calls) == 2:\n"
        "        return {'batchItemFailures': [{'itemIdentifier': {'partition': 'orders-9', 'offset': 2}}]}\n"
    ))
    topic = m.kafka_topic(CLUSTER, "orders")
    for value in "abc":
        topic.send(value)
    msk_mapping(lam, FunctionResponseTypes=["ReportBatchItemFailures"])
    eventually(lambda: len(m.invocations) == 3)
    m.wait()
    # An identifier not in the event fails the whole batch ("Any invalid topic-partition_number or offset ...
    # will be treated as failure and entire batch will be retried").
    assert values(m) == [["a", "b", "c"], ["b", "c"], ["b", "c"]]


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "passed"), [
    # "Lambda decodes Kafka byte arrays into UTF-8 before applying filter criteria": a JSON pattern matches JSON,
    # a plain one text. A value in the other form, or not UTF-8, is left out of the match: "Lambda filters (on the
    # other metadata properties only)" (kafka-filtering's table), so a pattern of the value alone lets it through.
    ({"value": {"device": ["IoT"]}}, ['{"device": "IoT"}', "plain text", "\ufffd\ufffd"]),
    ({"value": [{"prefix": "plain"}]}, ['{"device": "IoT"}', '{"device": "phone"}', "plain text", "\ufffd\ufffd"]),
    ({"value": [{"prefix": "other"}]}, ['{"device": "IoT"}', '{"device": "phone"}', "\ufffd\ufffd"]),
    ({"value": {"device": ["IoT"]}, "partition": [1]}, []),  # the other metadata still counts
])
def test_filters_match_the_value(m, lam, pattern, passed):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    for value in (b'{"device": "IoT"}', b'{"device": "phone"}', b"plain text", b"\xff\xfe"):
        topic.send(value)
    msk_mapping(lam, FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    m.wait()
    assert [base64.b64decode(record["value"]).decode("utf-8", "replace")
            for event in events(m) for batch in event["records"].values() for record in batch] == passed


def test_a_disabled_mapping_reads_nothing_until_enabled(m, lam):
    deploy(lam)
    topic = m.kafka_topic(CLUSTER, "orders")
    uuid = msk_mapping(lam, Enabled=False)
    topic.send("held")
    m.wait()
    assert m.invocations == []
    lam.update_event_source_mapping(UUID=uuid, Enabled=True)
    m.wait()
    assert values(m) == [["held"]]
