"""Quickstart: create a function from a zip and invoke it, with no AWS and no Docker."""

import json

import boto3

from lambdamock import mock_lambda, package

HANDLER = """
def handler(event, context):
    return {"greeting": f"hello {event['name']}", "version": context.function_version}
"""


with mock_lambda() as mock:
    client = boto3.client("lambda", region_name="us-east-1")
    client.create_function(
        FunctionName="greeter",
        Runtime="python3.12",
        Role="arn:aws:iam::123456789012:role/greeter",
        Handler="app.handler",
        Code={"ZipFile": package({"app.py": HANDLER})},
    )
    response = client.invoke(FunctionName="greeter", Payload=json.dumps({"name": "world"}))
    print(json.loads(response["Payload"].read()))
    print(f"{len(mock.invocations)} invocation, cold start: {mock.invocations[0].cold}")
