"""Shared by the stack tests: a template of Lambda functions beside their role, its outputs, and the clients."""

from __future__ import annotations

import json
from typing import Any, Iterator

import boto3
import pytest

from lambdamock import mock_lambda
from tests.helpers import TRUST, moto_aws

REGION = "us-east-1"

ROLE = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": json.loads(TRUST)}}
INLINE = ("import json, os, cfnresponse\n"
          "def handler(event, context):\n"
          "    return {'event': event, 'colour': os.environ.get('COLOUR'), 'module': cfnresponse.SUCCESS}\n")


def function(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {
        "Runtime": "python3.12", "Handler": "index.handler", "Role": {"Fn::GetAtt": ["Role", "Arn"]},
        "Code": {"ZipFile": INLINE}, **properties}}


def template(resources: dict[str, Any], outputs: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {"Resources": {"Role": ROLE, **resources}}
    if outputs:
        body["Outputs"] = {name: {"Value": value} for name, value in outputs.items()}
    return json.dumps(body)


def outputs(cf: Any, stack: str) -> dict[str, str]:
    return {out["OutputKey"]: out["OutputValue"] for out in cf.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}


@pytest.fixture
def clients() -> Iterator[tuple[Any, Any, Any]]:
    with moto_aws(), mock_lambda() as mock:
        yield boto3.client("cloudformation", region_name=REGION), boto3.client("lambda", region_name=REGION), mock
