"""Lambda's invocation metrics (namespace AWS/Lambda) put to CloudWatch where it is mocked, as Lambda publishes them."""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from lambdamock.outbound.shipping import Shipping
from lambdamock.runtime import InvocationResult
from lambdamock.state.functions import LATEST

if TYPE_CHECKING:
    from lambdamock.state.invocations import Job

_NAMESPACE = "AWS/Lambda"
# PutMetricData's limits: 1,000 metrics a request, 150 distinct values a metric.
_METRICS_PER_CALL = 1000
_VALUES_PER_METRIC = 150
_log = logging.getLogger("lambdamock")

Dimensions = tuple[tuple[str, str], ...]


class _Point(NamedTuple):
    """What one invocation (or a throttled request) adds: values of named metrics, under one set of dimensions."""

    region: str
    stamp: float  # seconds since the epoch
    dimensions: Dimensions
    values: tuple[tuple[str, float, str], ...]  # (metric, value, unit)


def _dimensions(job: Job) -> Dimensions:
    """The most specific of the dimension sets Lambda publishes an invocation under.

    Lambda publishes each under its function (FunctionName), under the version or alias it was invoked
    through (Resource, "name:qualifier"), and, through an alias, under the version that ran
    (ExecutedVersion). Only the most specific set is put: moto's CloudWatch matches a query on every metric
    whose dimensions include the query's, so one datum answers each of those queries once.
    """
    name = job.spec.function_name
    if job.qualifier is None:
        return (("FunctionName", name),)
    resource = (("FunctionName", name), ("Resource", f"{name}:{job.qualifier}"))
    if job.qualifier == LATEST or job.qualifier.isdigit():
        return resource
    return (("ExecutedVersion", job.spec.version), *resource)


class Metrics(Shipping[_Point]):
    """Puts Invocations, Errors, Duration and Throttles to CloudWatch, through the gate, as invocations end."""

    service_name = "cloudwatch"
    endpoint_prefix = "monitoring"

    def ran(self, job: Job, result: InvocationResult) -> None:
        """An invocation ended: it counts, with its error (0 or 1) and its duration."""
        if self.wanted():
            values = (("Invocations", 1.0, "Count"), ("Errors", 1.0 if result.function_error else 0.0, "Count"),
                      ("Duration", result.duration_ms, "Milliseconds"))
            self._put(_Point(job.region.name, time.time(), _dimensions(job), values), len(values))

    def throttled(self, job: Job) -> None:
        """A request found no capacity: it is a throttle, not an invocation."""
        if self.wanted():
            self._put(_Point(job.region.name, time.time(), _dimensions(job), (("Throttles", 1.0, "Count"),)), 1)

    def _send(self, items: list[_Point]) -> None:
        for region, data in _metric_data(items).items():
            try:
                client = self._service.outbound.client(self.service_name, region)
                for start in range(0, len(data), _METRICS_PER_CALL):
                    client.put_metric_data(Namespace=_NAMESPACE, MetricData=data[start : start + _METRICS_PER_CALL])
            except Exception as error:  # lost, as when Lambda cannot publish; the test's output says why
                _log.warning("metrics of %s not put to CloudWatch: %s: %s", region, type(error).__name__, error)


def _metric_data(points: list[_Point]) -> dict[str, list[dict[str, Any]]]:
    """PutMetricData's MetricData per region: each metric's values within a minute as values and counts (the
    finest resolution of Lambda's metrics), stamped with the first of them."""
    grouped: dict[tuple[str, Dimensions, str, str, int], tuple[float, Counter[float]]] = {}
    for point in points:
        for name, value, unit in point.values:
            key = (point.region, point.dimensions, name, unit, int(point.stamp // 60))
            grouped.setdefault(key, (point.stamp, Counter()))[1][value] += 1
    out: dict[str, list[dict[str, Any]]] = {}
    for (region, dimensions, name, unit, _), (first, counts) in grouped.items():
        moment = datetime.datetime.fromtimestamp(first, datetime.timezone.utc)
        values = list(counts.items())
        for start in range(0, len(values), _VALUES_PER_METRIC):
            chunk = values[start : start + _VALUES_PER_METRIC]
            out.setdefault(region, []).append({
                "MetricName": name,
                "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions],
                "Timestamp": moment,
                "Values": [value for value, _ in chunk],
                "Counts": [float(count) for _, count in chunk],
                "Unit": unit,
            })
    return out
