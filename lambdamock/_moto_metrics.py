"""moto's CloudWatch answers GetMetricStatistics on Lambda's metrics as CloudWatch does: by the exact dimensions."""

from __future__ import annotations

import contextvars
from typing import Any, Callable, Optional

NAMESPACE = "AWS/Lambda"

# The dimensions (name, value) of the GetMetricStatistics on Lambda's metrics being answered in this context.
_QUERIED: contextvars.ContextVar[Optional[frozenset[tuple[str, str]]]] = contextvars.ContextVar(
    "lambdamock_queried_dimensions", default=None)


def get_metric_statistics(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    """CloudWatch treats each combination of dimensions as a metric of its own, and Lambda publishes each value
    under several (the function, its version or alias, the version that ran, the account); moto counts every
    metric whose dimensions include the query's, which would count a value once per combination."""
    namespace = kwargs["namespace"] if "namespace" in kwargs else args[0]
    if namespace != NAMESPACE:
        return wrapped(*args, **kwargs)
    dimensions = kwargs["dimensions"] if "dimensions" in kwargs else args[6]
    token = _QUERIED.set(frozenset((item["Name"], item.get("Value")) for item in dimensions or ()))
    try:
        return wrapped(*args, **kwargs)
    finally:
        _QUERIED.reset(token)


def get_all_metrics(wrapped: Callable[..., Any], instance: Any, args: Any, kwargs: Any) -> Any:
    """Within such a query, Lambda's metrics of other dimensions are not there."""
    found = wrapped(*args, **kwargs)
    queried = _QUERIED.get()
    if queried is None:
        return found
    return [datum for datum in found if datum.namespace != NAMESPACE
            or frozenset((dimension.name, dimension.value) for dimension in datum.dimensions) == queried]
