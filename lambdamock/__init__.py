"""lambdamock: AWS Lambda for tests, in process: boto3 calls served, handlers really run."""

from typing import TYPE_CHECKING, Any

from lambdamock._mock import LambdaMock, mock_lambda

if TYPE_CHECKING:
    from lambdamock.packaging import package
    from lambdamock.sources import LocalQueue, LocalStream, LocalTableStream, LocalTopic
    from lambdamock.sources.triggers import Trigger
    from lambdamock.state.concurrency import Usage
    from lambdamock.state.invocations import Delivery, Invocation

# Loaded on first use, so that ``import lambdamock`` stays cheap: name -> module that defines it.
_LAZY = {
    "LocalQueue": "lambdamock.sources",
    "LocalStream": "lambdamock.sources",
    "LocalTableStream": "lambdamock.sources",
    "LocalTopic": "lambdamock.sources",
    "Delivery": "lambdamock.state.invocations",
    "Invocation": "lambdamock.state.invocations",
    "Trigger": "lambdamock.sources.triggers",
    "Usage": "lambdamock.state.concurrency",
    "package": "lambdamock.packaging",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'lambdamock' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    """Every public name, those loaded on first use included (for completion in notebooks)."""
    return sorted({*globals(), *__all__})


__all__ = [
    "Delivery",
    "Invocation",
    "LambdaMock",
    "LocalQueue",
    "LocalStream",
    "LocalTableStream",
    "LocalTopic",
    "Trigger",
    "Usage",
    "mock_lambda",
    "package",
]
