"""Event-source pollers: SQS, Kinesis and DynamoDB Streams read through boto3 or in-process, delivered in batches."""

from lambdamock.sources.local import LocalQueue
from lambdamock.sources.local_streams import LocalStream, LocalTableStream

__all__ = ["LocalQueue", "LocalStream", "LocalTableStream"]
