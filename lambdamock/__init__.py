"""lambdamock: AWS Lambda for tests, in process: boto3 calls served, handlers really run."""

from lambdamock._mock import LambdaMock, mock_lambda

__all__ = ["LambdaMock", "mock_lambda"]
