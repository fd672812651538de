"""The three ways to activate lambdamock, and fresh state for each activation."""

from __future__ import annotations

import asyncio
import unittest

import boto3
import pytest

from lambdamock import LambdaMock, mock_lambda, package
from tests.helpers import ROLE


def create(name: str = "f") -> None:
    boto3.client("lambda", region_name="us-east-1").create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": package({"app.py": "x = 1"})},
    )


def names() -> list[str]:
    client = boto3.client("lambda", region_name="us-east-1")
    return [f["FunctionName"] for f in client.list_functions()["Functions"]]


@mock_lambda
def test_bare_decorator():
    create()
    assert names() == ["f"]


@mock_lambda()
def test_called_decorator():
    create()
    assert names() == ["f"]


@mock_lambda(account_id="111122223333")
def test_account_id_option():
    create()
    arn = boto3.client("lambda", region_name="us-east-1").get_function(FunctionName="f")["Configuration"]["FunctionArn"]
    assert arn == "arn:aws:lambda:us-east-1:111122223333:function:f"


def test_async_function_decorator():
    @mock_lambda
    async def body() -> list[str]:
        create()
        await asyncio.sleep(0)
        return names()

    assert asyncio.run(body()) == ["f"]


def test_each_call_of_a_decorated_function_starts_empty():
    @mock_lambda
    def body() -> list[str]:
        before = names()
        create()
        return before

    assert body() == []
    assert body() == []


@mock_lambda
class TestDecoratedClass(unittest.TestCase):
    def test_one(self):
        create("one")
        self.assertEqual(names(), ["one"])

    def test_two(self):
        create("two")
        self.assertEqual(names(), ["two"])

    def helper_not_wrapped(self):
        """Only test* methods are wrapped."""


def test_context_manager_yields_the_mock():
    with mock_lambda() as mock:
        assert isinstance(mock, LambdaMock)
        create()
        assert list(mock.state.region("us-east-1").functions) == ["f"]


def test_start_stop_for_notebooks():
    mock = mock_lambda()
    mock.start()
    try:
        create()
        assert names() == ["f"]
    finally:
        mock.stop()
    mock.start()
    try:
        assert names() == []
    finally:
        mock.stop()


def test_starting_twice_raises():
    mock = mock_lambda().start()
    try:
        with pytest.raises(RuntimeError):
            mock.start()
    finally:
        mock.stop()


def test_fixture(lambda_mock):
    assert lambda_mock.started
    create()
    assert names() == ["f"]


def test_fixture_state_does_not_leak(lambda_mock):
    assert names() == []


def test_state_outside_activation_raises():
    with pytest.raises(RuntimeError):
        mock_lambda().state  # noqa: B018
