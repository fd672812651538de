"""Event-source pollers: SQS, Kinesis and DynamoDB Streams read through boto3 or in-process, Kafka in-process."""

from lambdamock.sources.kafka import LocalTopic
from lambdamock.sources.local import LocalQueue
from lambdamock.sources.local_streams import LocalStream, LocalTableStream

__all__ = ["LocalQueue", "LocalStream", "LocalTableStream", "LocalTopic"]
