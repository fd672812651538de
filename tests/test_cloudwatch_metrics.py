"""Lambda's metrics in CloudWatch (moto's): Invocations, Errors, Duration and Throttles in namespace AWS/Lambda.

Recorded against AWS: LocalStack test_lambda_performance.py::test_lambda_event_invoke (markers.aws.validated)
reads the Sum of AWS/Lambda Invocations under the FunctionName dimension, one per invocation. The dimension sets
are CloudWatch's for AWS/Lambda (FunctionName; FunctionName and Resource; ExecutedVersion, FunctionName and
Resource), as AWS CDK's LambdaMetrics, generated from CloudWatch's metric metadata, lists them.
"""

from __future__ import annotations

import datetime
from typing import Any, Iterator, Optional

import boto3
import pytest
from botocore.config import Config

from lambdamock import mock_lambda, package
from tests.escapes import CREDENTIALS, Proxy
from tests.helpers import ROLE, moto_aws

REGION = "us-east-1"
SOURCE = "def handler(event, context):\n    if event.get('fail'):\n        raise ValueError('no')\n    return event\n"


class Watched:
    """lambdamock's Lambda and moto's CloudWatch, side by side."""

    def __init__(self, mock: Any) -> None:
        self.mock = mock
        self.lam = boto3.client("lambda", region_name=REGION)
        self.cloudwatch = boto3.client("cloudwatch", region_name=REGION)
        self.since = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)

    def create(self, name: str = "f") -> None:
        self.lam.create_function(FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                 Code={"ZipFile": package({"app.py": SOURCE})})

    def statistic(self, metric: str, statistic: str = "Sum", unit: Optional[str] = None,
                  **dimensions: str) -> Optional[float]:
        """The statistic over the test's whole run, or None when there is no datapoint (of that unit)."""
        answer = self.cloudwatch.get_metric_statistics(
            Namespace="AWS/Lambda", MetricName=metric, Statistics=[statistic], Period=3600, StartTime=self.since,
            EndTime=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1),
            Dimensions=[{"Name": name, "Value": value} for name, value in dimensions.items()],
            **({} if unit is None else {"Unit": unit}),
        )
        points = answer["Datapoints"]
        assert len(points) <= 1, points
        return points[0][statistic] if points else None


@pytest.fixture
def watched() -> Iterator[Watched]:
    with moto_aws(), mock_lambda() as mock:
        yield Watched(mock)


def test_invocations_errors_and_durations_are_counted_per_function(watched: Watched) -> None:
    watched.create("f")
    watched.create("g")
    for payload in (b"{}", b"{}", b"{}", b'{"fail": true}'):
        watched.lam.invoke(FunctionName="f", Payload=payload)
    watched.lam.invoke(FunctionName="g", Payload=b"{}")
    # Read at once, with no wait(): what ran is put before a request to CloudWatch.
    assert watched.statistic("Invocations", FunctionName="f") == 4
    assert watched.statistic("Errors", FunctionName="f") == 1
    assert watched.statistic("Errors", "SampleCount", FunctionName="f") == 4  # 0 for each success
    assert watched.statistic("Duration", "SampleCount", FunctionName="f") == 4
    durations = [run.duration_ms for run in watched.mock.invocations if run.function_name == "f"]
    assert watched.statistic("Duration", "Maximum", FunctionName="f") == pytest.approx(max(durations))
    assert watched.statistic("Invocations", FunctionName="g") == 1
    assert watched.statistic("Invocations") == 5  # across all functions
    assert watched.statistic("Throttles", FunctionName="f") is None
    listed = watched.cloudwatch.list_metrics(Namespace="AWS/Lambda", Dimensions=[{"Name": "FunctionName", "Value": "f"}])
    assert {metric["MetricName"] for metric in listed["Metrics"]} == {"Invocations", "Errors", "Duration"}
    assert watched.statistic("Duration", unit="Milliseconds", FunctionName="g") is not None
    assert watched.statistic("Invocations", unit="Count", FunctionName="g") == 1


def test_an_alias_names_itself_and_the_version_that_ran(watched: Watched) -> None:
    watched.create()
    watched.lam.publish_version(FunctionName="f")
    watched.lam.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    watched.lam.invoke(FunctionName="f", Qualifier="live", Payload=b"{}")
    watched.lam.invoke(FunctionName="f:live", Payload=b"{}")
    watched.lam.invoke(FunctionName="f", Qualifier="1", Payload=b"{}")
    watched.lam.invoke(FunctionName="f", Qualifier="$LATEST", Payload=b"{}")
    watched.lam.invoke(FunctionName="f", Payload=b"{}")
    # Each combination of dimensions is a metric of its own, read by exactly those dimensions.
    assert watched.statistic("Invocations") == 5  # the account's
    assert watched.statistic("Invocations", FunctionName="f") == 5  # every version and alias of the function
    assert watched.statistic("Invocations", FunctionName="f", Resource="f:live") == 2
    assert watched.statistic("Invocations", FunctionName="f", Resource="f:live", ExecutedVersion="1") == 2
    assert watched.statistic("Invocations", FunctionName="f", Resource="f:1") == 1
    assert watched.statistic("Invocations", FunctionName="f", Resource="f:$LATEST") == 1
    assert watched.statistic("Invocations", FunctionName="f", Resource="f:$LATEST", ExecutedVersion="$LATEST") is None
    listed = watched.cloudwatch.list_metrics(Namespace="AWS/Lambda", MetricName="Invocations")["Metrics"]
    assert {tuple(sorted((d["Name"], d["Value"]) for d in metric["Dimensions"])) for metric in listed} == {
        (),
        (("FunctionName", "f"),),
        (("FunctionName", "f"), ("Resource", "f:live")),
        (("ExecutedVersion", "1"), ("FunctionName", "f"), ("Resource", "f:live")),
        (("FunctionName", "f"), ("Resource", "f:1")),
        (("FunctionName", "f"), ("Resource", "f:$LATEST")),
    }
    data = watched.cloudwatch.get_metric_data(
        StartTime=watched.since, EndTime=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1),
        MetricDataQueries=[{"Id": "f", "MetricStat": {"Period": 3600, "Stat": "Sum", "Metric": {
            "Namespace": "AWS/Lambda", "MetricName": "Invocations",
            "Dimensions": [{"Name": "FunctionName", "Value": "f"}]}}}])
    assert sum(data["MetricDataResults"][0]["Values"]) == 5


def test_a_throttled_request_is_a_throttle_not_an_invocation(watched: Watched) -> None:
    watched.create()
    watched.lam.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    once = boto3.client("lambda", region_name=REGION, config=Config(retries={"total_max_attempts": 1}))
    with pytest.raises(once.exceptions.TooManyRequestsException):
        once.invoke(FunctionName="f", Payload=b"{}")
    assert watched.statistic("Throttles", FunctionName="f") == 1
    thrice = boto3.client("lambda", region_name=REGION, config=Config(retries={"total_max_attempts": 3}))
    with pytest.raises(thrice.exceptions.TooManyRequestsException):
        thrice.invoke(FunctionName="f", Payload=b"{}")  # botocore retries a throttle: each try is one
    assert watched.statistic("Throttles", FunctionName="f") == 4
    assert watched.statistic("Invocations", FunctionName="f") is None


def test_each_attempt_of_an_event_is_an_invocation(watched: Watched) -> None:
    watched.create()
    watched.lam.put_function_event_invoke_config(FunctionName="f", MaximumRetryAttempts=1)
    watched.lam.invoke(FunctionName="f", InvocationType="Event", Payload=b'{"fail": true}')
    watched.mock.wait(10)
    assert watched.statistic("Invocations", FunctionName="f") == 2
    assert watched.statistic("Errors", FunctionName="f") == 2


@pytest.mark.parametrize("source", [
    "import time\ndef handler(e, c):\n    time.sleep(2.5)\n",
    "import time\ntime.sleep(2.5)\ndef handler(e, c):\n    pass\n",  # a slow init: invoked before it
], ids=["slow-handler", "slow-init"])
def test_a_datapoint_is_stamped_when_its_invocation_began(watched: Watched, source: str) -> None:
    # "The timestamp on a metric reflects when the function was invoked" (Lambda developer guide, metrics).
    watched.lam.create_function(FunctionName="slow", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                Code={"ZipFile": package({"app.py": source})})
    invoked = datetime.datetime.now(datetime.timezone.utc)
    watched.lam.invoke(FunctionName="slow", Payload=b"{}")
    answer = watched.cloudwatch.get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", Statistics=["Sum"], Period=60,
        StartTime=invoked - datetime.timedelta(seconds=1), EndTime=invoked + datetime.timedelta(seconds=1),
        Dimensions=[{"Name": "FunctionName", "Value": "slow"}])
    assert [point["Sum"] for point in answer["Datapoints"]] == [1]


def test_the_background_puts_them_once_many_are_queued(watched: Watched, monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    from lambdamock.outbound import shipping
    from tests.helpers import wait_until

    # docs/metrics.md: "once 10,000 values are queued they are put in the background"; here once one
    # invocation's are: three metrics under two dimension sets (the account's and the function's).
    monkeypatch.setattr(shipping, "_BACKGROUND", 6)
    watched.create()
    watched.lam.invoke(FunctionName="f", Payload=b"{}")
    backend = cloudwatch_backends["123456789012"][REGION]

    def invocations() -> int:
        return sum(datum.name == "Invocations" for datum in backend.metric_data)

    wait_until(lambda: invocations() > 0)  # no request, no wait()
    first = invocations()
    watched.lam.invoke(FunctionName="f", Payload=b"{}")
    wait_until(lambda: invocations() > first)  # and again, each time as many are queued


def test_wait_puts_what_ran(watched: Watched) -> None:
    from moto.cloudwatch.models import cloudwatch_backends

    watched.create()
    watched.lam.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
    watched.mock.wait(10)
    backend = cloudwatch_backends["123456789012"][REGION]
    assert sum(datum.value for datum in backend.metric_data if datum.name == "Invocations" and len(datum.dimensions) == 1) == 1


def test_many_values_go_in_requests_within_putmetricdatas_limits(watched: Watched,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.cloudwatch.models import CloudWatchBackend

    from lambdamock.outbound import metrics

    monkeypatch.setattr(metrics, "_VALUES_PER_METRIC", 2)
    monkeypatch.setattr(metrics, "_METRICS_PER_CALL", 3)
    sizes: list[list[int]] = []
    put = CloudWatchBackend.put_metric_data

    def counted(self: Any, namespace: str, metric_data: list[dict[str, Any]]) -> None:
        sizes.append([len(datum.get("Values") or [1]) for datum in metric_data])
        put(self, namespace, metric_data)

    monkeypatch.setattr(CloudWatchBackend, "put_metric_data", counted)
    watched.create()
    for _ in range(5):
        watched.lam.invoke(FunctionName="f", Payload=b"{}")
    assert watched.statistic("Duration", "SampleCount", FunctionName="f") == 5
    assert sizes and all(len(call) <= 3 and all(values <= 2 for values in call) for call in sizes)
    assert len(sizes) > 1


def test_metrics_of_what_ran_are_put_when_the_mock_stops() -> None:
    with moto_aws():
        with mock_lambda():
            watched = Watched(None)
            watched.create()
            watched.lam.invoke(FunctionName="f", Payload=b"{}")
            watched.lam.invoke(FunctionName="f", InvocationType="Event", Payload=b"{}")
        assert watched.statistic("Invocations", FunctionName="f") == 2


def test_a_named_endpoint_is_where_metrics_go(monkeypatch: pytest.MonkeyPatch,
                                              caplog: pytest.LogCaptureFixture) -> None:
    # No moto: the endpoint named for CloudWatch (a loopback listener that refuses everything) gets PutMetricData.
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    endpoint = Proxy()
    try:
        with caplog.at_level("WARNING", logger="lambdamock"), mock_lambda(endpoints={"cloudwatch": endpoint.url}):
            lam = boto3.client("lambda", region_name=REGION)
            lam.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                                Code={"ZipFile": package({"app.py": SOURCE})})
            lam.invoke(FunctionName="f", Payload=b"{}")
    finally:
        endpoint.close()
    assert endpoint.attempts and set(endpoint.attempts) == {"POST / HTTP/1.1"}
    assert "metrics of us-east-1 not put to CloudWatch" in caplog.text


def test_what_one_moto_mock_did_not_get_never_reaches_the_next() -> None:
    # One Lambda mock outlives several of moto's (a module's mock_lambda, a mock_aws per test). What a moto mock
    # did not read ends with it, as its state does: the next starts empty.
    with mock_lambda():
        with moto_aws():
            watched = Watched(None)
            watched.create()
            watched.lam.invoke(FunctionName="f", Payload=b"{}")  # queued: nothing read it
        with moto_aws():
            watched.lam.invoke(FunctionName="f", Payload=b"{}")
            assert Watched(None).statistic("Invocations", FunctionName="f") == 1  # its own, not the first's
            watched.lam.invoke(FunctionName="f", Payload=b"{}")  # queued: nothing read it
        with moto_aws():
            assert Watched(None).statistic("Invocations", FunctionName="f") is None
            logs = boto3.client("logs", region_name=REGION)
            assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/f")["logGroups"] == []


def test_metrics_go_to_the_functions_region(watched: Watched) -> None:
    # Lambda publishes a function's metrics to CloudWatch in the function's region.
    boto3.client("lambda", region_name="eu-west-1").create_function(
        FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": SOURCE})})
    boto3.client("lambda", region_name="eu-west-1").invoke(FunctionName="f", Payload=b"{}")
    answer = boto3.client("cloudwatch", region_name="eu-west-1").get_metric_statistics(
        Namespace="AWS/Lambda", MetricName="Invocations", Statistics=["Sum"], Period=3600, StartTime=watched.since,
        EndTime=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=1),
        Dimensions=[{"Name": "FunctionName", "Value": "f"}])
    assert [point["Sum"] for point in answer["Datapoints"]] == [1]
    assert watched.statistic("Invocations", FunctionName="f") is None
