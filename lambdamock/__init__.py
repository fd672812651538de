"""lambdamock: AWS Lambda for tests, in process: boto3 calls served, handlers really run."""

from typing import TYPE_CHECKING, Any

from lambdamock._mock import LambdaMock, mock_lambda

if TYPE_CHECKING:
    from lambdamock.sources import LocalQueue, LocalStream, LocalTableStream

# The in-process event sources load on first use: ``import lambdamock`` stays cheap.
_SOURCES = ("LocalQueue", "LocalStream", "LocalTableStream")


def __getattr__(name: str) -> Any:
    if name in _SOURCES:
        from lambdamock import sources

        return getattr(sources, name)
    raise AttributeError(f"module 'lambdamock' has no attribute {name!r}")


__all__ = ["LambdaMock", "LocalQueue", "LocalStream", "LocalTableStream", "mock_lambda"]
