"""Shared by the activation tests: a function made through the active mock, and the names it lists."""

from __future__ import annotations

import boto3

from lambdamock import package
from tests.helpers import ROLE


def create(name: str = "f") -> None:
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": "x = 1"})},
    )


def names() -> list[str]:
    client = boto3.client("lambda", region_name="us-east-1")
    return [f["FunctionName"] for f in client.list_functions()["Functions"]]
