"""Filter patterns as Lambda's event filtering reads them (the EventBridge pattern syntax)."""

from __future__ import annotations

import base64
import json

import pytest

from lambdamock.sources import filters


def sqs(body: object, **attributes: str) -> dict:
    text = body if isinstance(body, str) else json.dumps(body)
    return {"body": text, "attributes": attributes, "messageAttributes": {}}


def passes(pattern: dict, record: dict, kind: str = "sqs") -> bool:
    check = filters.compile_all((json.dumps(pattern),), kind)
    assert check is not None
    return check(record)


@pytest.mark.parametrize(("pattern", "body", "expected"), [
    ({"body": {"kind": ["order"]}}, {"kind": "order"}, True),
    ({"body": {"kind": ["order"]}}, {"kind": "refund"}, False),
    ({"body": {"kind": ["order"]}}, {"other": 1}, False),
    ({"body": {"n": [{"numeric": [">", 5, "<=", 10]}]}}, {"n": 7}, True),
    ({"body": {"n": [{"numeric": [">", 5]}]}}, {"n": 5}, False),
    ({"body": {"n": [{"numeric": ["=", 5]}]}}, {"n": "5"}, False),
    ({"body": {"name": [{"prefix": "ab"}]}}, {"name": "abc"}, True),
    ({"body": {"name": [{"suffix": "bc"}]}}, {"name": "abc"}, True),
    ({"body": {"name": [{"equals-ignore-case": "ABC"}]}}, {"name": "abc"}, True),
    ({"body": {"name": [{"anything-but": ["x", "y"]}]}}, {"name": "z"}, True),
    ({"body": {"name": [{"anything-but": {"prefix": "z"}}]}}, {"name": "zz"}, False),
    ({"body": {"name": [{"exists": True}]}}, {"name": None}, True),
    ({"body": {"name": [{"exists": False}]}}, {"other": 1}, True),
    ({"body": {"name": [{"exists": False}]}}, {"name": 1}, False),
    # Only leaves exist (recorded: test_dynamodb_event_filter[exists_false_filter]).
    ({"body": {"name": [{"exists": False}]}}, {"name": {"S": "present"}}, True),
    # Under a missing object every leaf is missing (AWS-validated: LocalStack's CloudFormation test_lambda.py,
    # test_lambda_dynamodb_event_filter, an item without the attribute invokes the function).
    ({"body": {"homemade": {"S": [{"exists": False}]}}}, {"name": {"S": "John"}}, True),
    ({"body": {"homemade": {"S": [{"exists": False}]}}}, {"homemade": "flat"}, True),
    ({"body": {"homemade": {"S": [{"exists": False}]}}}, {"homemade": {"S": "yes"}}, False),
    ({"body": {"homemade": {"S": [{"exists": True}]}}}, {"name": {"S": "John"}}, False),
    ({"body": {"homemade": {"S": [{"anything-but": "x"}]}}}, {"name": {"S": "John"}}, False),
    ({"body": {"tags": ["red"]}}, {"tags": ["blue", "red"]}, True),
    ({"body": {"flag": [True]}}, {"flag": 1}, False),
    ({"body": {"nested": {"deep": ["x"]}}}, {"nested": {"deep": "x"}}, True),
    ({"body": ["plain text"]}, "plain text", True),
    ({"body": [{"prefix": "plain"}]}, "plain text", True),
], ids=lambda value: json.dumps(value)[:30])
def test_sqs_bodies_are_matched_as_json_when_they_are(pattern, body, expected):
    assert passes(pattern, sqs(body)) is expected


def test_other_members_of_the_record_are_matched_as_they_are():
    assert passes({"attributes": {"MessageGroupId": ["g1"]}}, sqs({}, MessageGroupId="g1"))


def test_kinesis_data_is_decoded_before_matching():
    record = {"kinesis": {"data": base64.b64encode(json.dumps({"kind": "click"}).encode()).decode()}}
    assert passes({"data": {"kind": ["click"]}}, record, "kinesis")
    assert not passes({"data": {"kind": ["view"]}}, record, "kinesis")


def test_dynamodb_records_are_matched_as_sent():
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {"status": {"S": "new"}}}}
    assert passes({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S": ["new"]}}}}, record, "dynamodb")
    assert not passes({"eventName": ["REMOVE"]}, record, "dynamodb")


def test_a_record_passes_when_any_filter_matches():
    check = filters.compile_all(('{"body": {"a": [1]}}', '{"body": {"b": [2]}}'), "sqs")
    assert check is not None
    assert check(sqs({"b": 2})) and not check(sqs({"c": 3}))


def test_no_filters_means_no_check():
    assert filters.compile_all((), "sqs") is None


@pytest.mark.parametrize("text", ["not json", "[]", "{}", '{"a": 1}', '{"a": []}', '{"a": [{"nope": 1}]}',
                                  '{"a": {"b": "c"}}'])
def test_malformed_patterns_are_refused(text):
    with pytest.raises(filters.InvalidPattern):
        filters.parse(text)
