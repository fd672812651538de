"""Lambda's invocation metrics (namespace AWS/Lambda) put to CloudWatch where it is mocked, as Lambda publishes them."""

from __future__ import annotations

import datetime
import logging
import time
from collections import Counter
from typing import TYPE_CHECKING, Any, NamedTuple

from lambdamock._moto_metrics import NAMESPACE
from lambdamock.outbound.shipping import Shipping
from lambdamock.runtime import InvocationResult

if TYPE_CHECKING:
    from lambdamock.state.invocations import Job

# PutMetricData's limits: 1,000 metrics a request, 150 distinct values a metric.
_METRICS_PER_CALL = 1000
_VALUES_PER_METRIC = 150
_log = logging.getLogger("lambdamock")

Dimensions = tuple[tuple[str, str], ...]


class _Point(NamedTuple):
    """What one invocation (or a throttled request) adds: values of named metrics, under each of its dimension sets."""

    region: str
    stamp: float  # when it was invoked, in seconds since the epoch
    dimension_sets: tuple[Dimensions, ...]
    values: tuple[tuple[str, float, str], ...]  # (metric, value, unit)


def _dimension_sets(job: Job) -> tuple[Dimensions, ...]:
    """The dimension sets Lambda publishes an invocation's values under, as CloudWatch lists them for AWS/Lambda:
    the account's (none), the function's, and through a version or alias that resource's; through an alias,
    also with the version that ran."""
    name = job.spec.function_name
    function = (("FunctionName", name),)
    if job.qualifier is None:
        return ((), function)
    resource = (*function, ("Resource", f"{name}:{job.qualifier}"))
    if job.qualifier == job.spec.version:  # a version (or $LATEST), not an alias
        return ((), function, resource)
    return ((), function, resource, (("ExecutedVersion", job.spec.version), *resource))


class Metrics(Shipping[_Point]):
    """Puts Invocations, Errors, Duration and Throttles to CloudWatch, through the gate, as invocations end."""

    service_name = "cloudwatch"
    endpoint_prefix = "monitoring"

    def ran(self, job: Job, result: InvocationResult) -> None:
        """An invocation ended: it counts, with its error (0 or 1) and its duration, as of when it was invoked."""
        if self.wanted():
            values = (("Invocations", 1.0, "Count"), ("Errors", 1.0 if result.function_error else 0.0, "Count"),
                      ("Duration", result.duration_ms, "Milliseconds"))
            invoked = time.time() - (result.duration_ms + (result.init_duration_ms or 0.0)) / 1000
            self._point(job, invoked, values)

    def throttled(self, job: Job) -> None:
        """A request found no capacity: it is a throttle, not an invocation."""
        if self.wanted():
            self._point(job, time.time(), (("Throttles", 1.0, "Count"),))

    def _point(self, job: Job, stamp: float, values: tuple[tuple[str, float, str], ...]) -> None:
        sets = _dimension_sets(job)
        self._put(_Point(job.region.name, stamp, sets, values), len(sets) * len(values))

    def _send(self, items: list[_Point]) -> None:
        for region, data in _metric_data(items).items():
            try:
                client = self._service.outbound.client(self.service_name, region)
                for start in range(0, len(data), _METRICS_PER_CALL):
                    client.put_metric_data(Namespace=NAMESPACE, MetricData=data[start : start + _METRICS_PER_CALL])
            except Exception as error:  # lost, as when Lambda cannot publish; the test's output says why
                _log.warning("metrics of %s not put to CloudWatch: %s: %s", region, type(error).__name__, error)


def _metric_data(points: list[_Point]) -> dict[str, list[dict[str, Any]]]:
    """PutMetricData's MetricData per region: the values of each metric and dimension set within a second as values
    and counts, stamped with that second (moto compares a query's times to the second)."""
    grouped: dict[tuple[str, Dimensions, str, str, int], Counter[float]] = {}
    for point in points:
        second = int(point.stamp)
        for dimensions in point.dimension_sets:
            for name, value, unit in point.values:
                grouped.setdefault((point.region, dimensions, name, unit, second), Counter())[value] += 1
    out: dict[str, list[dict[str, Any]]] = {}
    for (region, dimensions, name, unit, second), counts in grouped.items():
        values = list(counts.items())
        for start in range(0, len(values), _VALUES_PER_METRIC):
            chunk = values[start : start + _VALUES_PER_METRIC]
            out.setdefault(region, []).append({
                "MetricName": name,
                "Dimensions": [{"Name": key, "Value": value} for key, value in dimensions],
                "Timestamp": datetime.datetime.fromtimestamp(second, datetime.timezone.utc),
                "Values": [value for value, _ in chunk],
                "Counts": [float(count) for _, count in chunk],
                "Unit": unit,
            })
    return out
