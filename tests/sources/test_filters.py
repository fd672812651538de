"""Filter patterns as Lambda's event filtering reads them (the EventBridge pattern syntax)."""

from __future__ import annotations

import base64
import json

import pytest

from lambdamock.sources import filters
from tests.conftest import ACCOUNT, REGION
from tests.mapping_helpers import deploy, records
from tests.mapping_helpers import lam as lam
from tests.mapping_helpers import m as m

TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/items/stream/2024-01-01T00:00:00.000"


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
    # Bounds: inclusive or not as the operator says (EventBridge's numeric matching); true is no number.
    ({"body": {"n": [{"numeric": [">=", 5]}]}}, {"n": 5}, True),
    ({"body": {"n": [{"numeric": ["<=", 5]}]}}, {"n": 5}, True),
    ({"body": {"n": [{"numeric": ["<", 5]}]}}, {"n": 5}, False),
    ({"body": {"n": [{"numeric": [">", 1, "<=", 5]}]}}, {"n": 5}, True),
    ({"body": {"n": [{"numeric": ["=", 5]}]}}, {"n": 5.0}, True),
    ({"body": {"n": [{"numeric": ["=", 5]}]}}, {"n": 5.5}, False),
    ({"body": {"n": [{"numeric": ["<=", 5]}]}}, {"n": True}, False),
    ({"body": {"n": [{"numeric": [">", 0]}]}}, {"n": "7"}, False),
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
    ({"body": {"homemade": {"S": [{"exists": False}]}}}, {"homemade": 5}, True),
    ({"body": {"homemade": {"S": [{"exists": False}]}}}, {"homemade": {"S": "yes"}}, False),
    ({"body": {"homemade": {"S": [{"exists": True}]}}}, {"name": {"S": "John"}}, False),
    ({"body": {"homemade": {"S": [{"anything-but": "x"}]}}}, {"name": {"S": "John"}}, False),
    ({"body": {"tags": ["red"]}}, {"tags": ["blue", "red"]}, True),
    # Recorded against EventBridge, whose pattern matching Lambda's filters share (LocalStack's
    # test_events_patterns.py::TestEventPattern::test_event_pattern, 2025-10-15), by template:
    ({"body": {"tags": [{"exists": True}]}}, {"tags": []}, False),  # exists_list_empty_NEG
    ({"body": {"n": [300]}}, {"n": 300.0}, True),  # number_comparison_float
    ({"body": {"items": {"id": [{"exists": True}]}}}, {"items": [{"k": 1}, {"id": "x"}]}, True),  # list_within_dict
    # content_prefix_ignorecase
    ({"body": {"s": [{"prefix": {"equals-ignore-case": "EventB"}}]}}, {"s": "EvEnTb"}, True),
    ({"body": {"s": [{"suffix": {"equals-ignore-case": ".png"}}]}}, {"s": "a.PNG"}, True),  # content_suffix_ignorecase
    ({"body": {"s": [{"suffix": {"equals-ignore-case": ".png"}}]}}, {"s": "a.jpg"}, False),
    ({"body": {"s": [{"anything-but": "x"}]}}, {"s": None}, True),  # content_anything_but_string_null
    ({"body": {"s": [{"anything-but": "x"}]}}, {}, False),  # content_anything_but_string_missing_NEG
    ({"body": {"s": [{"anything-but": {"prefix": ["a", "b"]}}]}}, {"s": "cd"}, True),  # content_anything_prefix_list
    ({"body": {"s": [{"anything-but": {"prefix": ["a", "b"]}}]}}, {"s": "bd"}, False),
    ({"body": {"f": [{"anything-but": {"suffix": ".txt"}}]}}, {"f": "file.txt.bak"}, True),  # content_anything_suffix
    ({"body": {"f": [{"anything-but": {"suffix": ".txt"}}]}}, {"f": "file.txt"}, False),  # content_anything_suffix_NEG
    ({"body": {"x": [{"anything-but": 123}]}}, {"x": 789}, True),  # content_anything_but_number
    ({"body": {"x": [{"anything-but": [100, 200, 300]}]}}, {"x": 100}, False),  # content_anything_but_number_list_NEG
    ({"body": {"$or": [{"c": [{"numeric": [">", 0, "<=", 5]}]}, {"d": [{"numeric": ["<", 10]}]}]}},
     {"c": 0, "d": 0}, True),  # complex_or
    ({"body": {"$or": [{"c": [{"numeric": [">", 0, "<=", 5]}]}, {"d": [{"numeric": ["<", 10]}]}]}},
     {"c": 0, "d": 10}, False),  # complex_or_NEG
    ({"body": {"k": [{"exists": True}, {"prefix": "IGNORED"}]}}, {"k": "v"}, True),  # operator_multiple_list
    ({"body": {"flag": [True]}}, {"flag": 1}, False),
    ({"body": {"nested": {"deep": ["x"]}}}, {"nested": {"deep": "x"}}, True),
    ({"body": ["plain text"]}, "plain text", True),
    ({"body": [{"prefix": "plain"}]}, "plain text", True),
    # A pattern and a body that disagree on being JSON drop the message: "Plain string | Valid JSON | Lambda drops
    # the message" and "Valid JSON | Plain string | Lambda drops the message" (invocation-eventfiltering).
    ({"body": {"kind": [{"exists": False}]}}, "plain text", False),
    ({"body": [{"anything-but": "plain text"}]}, {"kind": "order"}, False),
    # Only a JSON object is matched as JSON (docs/mappings.md, Filtering: "An SQS `body` ... that holds a JSON
    # object is matched as JSON"): an array or a number in the body is text.
    ({"body": {"kind": ["order"]}}, [{"kind": "order"}], False),
    ({"body": ["5"]}, "5", True),
    # A "$or" is one more condition beside its siblings: "the event must contain all the field names listed in
    # the event pattern" (EventBridge's eb-create-pattern), as in the "$or matching" example of
    # eb-event-patterns-content-based-filtering, "source" and then a "$or" of two fields.
    ({"body": {"$or": [{"a": [1]}, {"b": [2]}], "kind": ["order"]}}, {"a": 1, "kind": "refund"}, False),
    ({"body": {"$or": [{"a": [1]}, {"b": [2]}], "kind": ["order"]}}, {"b": 2, "kind": "order"}, True),
], ids=lambda value: json.dumps(value)[:30])
def test_sqs_bodies_are_matched_as_json_when_they_are(pattern, body, expected):
    assert passes(pattern, sqs(body)) is expected


def test_other_members_of_the_record_are_matched_as_they_are():
    assert passes({"attributes": {"MessageGroupId": ["g1"]}}, sqs({}, MessageGroupId="g1"))


def kinesis(data: bytes) -> dict:
    return {"kinesis": {"data": base64.b64encode(data).decode(), "partitionKey": "p"}}


def test_kinesis_data_is_decoded_before_matching():
    record = kinesis(json.dumps({"kind": "click"}).encode())
    assert passes({"data": {"kind": ["click"]}}, record, "kinesis")
    assert not passes({"data": {"kind": ["view"]}}, record, "kinesis")


def test_kinesis_data_that_is_not_json_is_dropped_by_a_data_pattern():
    """ "Non-JSON | Valid JSON | Lambda drops the record" (invocation-eventfiltering), whatever the pattern."""
    assert not passes({"data": {"kind": [{"exists": False}]}}, kinesis(b"not json"), "kinesis")
    assert passes({"kinesis": {"partitionKey": ["p"]}}, kinesis(b"not json"), "kinesis")  # metadata only


def test_dynamodb_records_are_matched_as_sent():
    record = {"eventName": "INSERT", "dynamodb": {"NewImage": {"status": {"S": "new"}}}}
    assert passes({"eventName": ["INSERT"], "dynamodb": {"NewImage": {"status": {"S": ["new"]}}}}, record, "dynamodb")
    assert not passes({"eventName": ["REMOVE"]}, record, "dynamodb")


@pytest.mark.parametrize(("pattern", "first", "second", "delivered"), [
    # Recorded (validated against AWS): LocalStack test_lambda_integration_dynamodbstreams.py,
    # test_dynamodb_event_filter, by case id, with the number of records AWS delivered.
    ({"dynamodb": {"NewImage": {"presentKey": {"S": ["presentValue"]}}}},  # content_filter_type
     {"id": "id_value_1", "presentKey": "presentValue"}, {"id": "id_value_2"}, ["id_value_1"]),
    ({"dynamodb": {"NewImage": {"presentKey": {"S": [{"exists": True}]}}}},  # exists_filter_type
     {"id": "id_value_1", "presentKey": "presentValue"}, {"id": "id_value_2"}, ["id_value_1"]),
    # numeric_filter: an "N" is a string, which no numeric rule matches.
    ({"dynamodb": {"NewImage": {"numericFilter": {"N": [{"numeric": [">", 100]}, {"anything-but": "101"}]}}}},
     {"id": "id_value_1", "numericFilter": 42}, {"id": "id_value_2", "numericFilter": 101}, ["id_value_1"]),
    ({"dynamodb": {"NewImage": {"prefix": {"S": [{"prefix": "us-1"}]}}}},  # prefix_filter
     {"id": "id_value_1", "prefix": "us-1-other-suffix"}, {"id": "id_value_2", "prefix": "other-suffix"},
     ["id_value_1"]),
    # date_time_conversion: ApproximateCreationDateTime is a number when filtered.
    ({"dynamodb": {"ApproximateCreationDateTime": [{"numeric": [">", 0]}]}},
     {"id": "id_value_1"}, {"id": "id_value_2"}, ["id_value_1", "id_value_2"]),
], ids=["content_filter_type", "exists_filter_type", "numeric_filter", "prefix_filter", "date_time_conversion"])
def test_table_stream_items_are_filtered_as_aws_filtered_them(m, lam, pattern, first, second, delivered):
    deploy(lam)
    table = m.table_stream(TABLE, view_type="NEW_IMAGE")
    lam.create_event_source_mapping(FunctionName="f", EventSourceArn=TABLE, StartingPosition="LATEST",
                                    FilterCriteria={"Filters": [{"Pattern": json.dumps(pattern)}]})
    for item in (first, second):
        table.insert({"id": item["id"]}, item)
    m.wait()
    assert [r["dynamodb"]["Keys"]["id"]["S"] for batch in records(m) for r in batch] == delivered


def test_a_record_passes_when_any_filter_matches():
    check = filters.compile_all(('{"body": {"a": [1]}}', '{"body": {"b": [2]}}'), "sqs")
    assert check is not None
    assert check(sqs({"b": 2})) and not check(sqs({"c": 3}))


def test_bodies_python_cannot_read_as_numbers_or_depth_are_still_judged():
    # Found in review: a body nested past Python's reader is plain text to a filter, and an integer past a float's
    # range compares exactly; neither stops the mapping.
    deep = '{"b":' + "[" * 100_000 + "]" * 100_000 + "}"
    assert not passes({"body": {"a": [5]}}, sqs(deep))
    assert passes({"body": [{"prefix": '{"b":[['}]}, sqs(deep))
    huge = '{"a": 1' + "0" * 400 + "}"
    assert not passes({"body": {"a": [5]}}, sqs(huge))
    assert passes({"body": {"a": [{"numeric": [">", 5]}]}}, sqs(huge))


def test_no_filters_means_no_check():
    assert filters.compile_all((), "sqs") is None


@pytest.mark.parametrize("text", [
    "not json", "[]", "{}", '{"a": 1}', '{"a": []}', '{"a": [{"nope": 1}]}', '{"a": {"b": "c"}}', '{"a": [["x"]]}',
    "[" * 5000,
    # Recorded against EventBridge (test_event_pattern, 2025-10-15), by template: operator_case_sensitive_EXC,
    # content_prefix_int_EXC, content_prefix_list_EXC, content_suffix_list_EXC, content_ignorecase_EXC,
    # content_ignorecase_list_EXC, content_numeric_number_EXC, content_numeric_syntax_EXC, content_numeric_EXC,
    # content_anything_but_string_null_type_EXC, content_anything_but_string_list_null_type_EXC,
    # content_anything_prefix_empty_EXC, content_anything_prefix_int_EXC, content_anything_prefix_ignorecase_EXC,
    # content_anything_but_ignorecase_EXC.
    '{"a": [{"EXISTS": true}]}', '{"a": [{"prefix": 123}]}', '{"a": [{"prefix": ["x"]}]}',
    '{"a": [{"suffix": [".png"]}]}',
    '{"a": [{"equals-ignore-case": ["x"]}]}', '{"a": [{"equals-ignore-case": {"prefix": "x"}}]}',
    '{"a": [{"numeric": 10}]}', '{"a": [{"numeric": [">", 0, "<"]}]}', '{"a": [{"numeric": [">", 0, ">", 0]}]}',
    '{"a": [{"anything-but": null}]}', '{"a": [{"anything-but": ["x", null]}]}',
    '{"a": [{"anything-but": {"prefix": ""}}]}',
    '{"a": [{"anything-but": {"prefix": 123}}]}', '{"a": [{"anything-but": {"prefix": {"equals-ignore-case": "x"}}}]}',
    '{"a": [{"anything-but": {"equals-ignore-case": 123}}]}',
    # Not recorded, and refused: an operator with a second key, "=" with a bound, a bound that is not a number,
    # "exists" with no boolean, an empty "$or".
    '{"a": [{"prefix": "x", "suffix": "y"}]}', '{"a": [{"numeric": ["=", 1, "<", 2]}]}',
    '{"a": [{"numeric": [">", "x"]}]}',
    '{"a": [{"exists": "yes"}]}', '{"$or": []}', '{"a": [NaN]}', '{"a": [{"numeric": [">", Infinity]}]}',
    '{"a": [{"numeric": []}]}', '{"a": [{"prefix": {"foo": "x"}}]}', '{"a": [{"anything-but": {"foo": "x"}}]}',
    # A malformed operator in a "$or" alternative, as at the top (content_prefix_int_EXC; docs/mappings.md: "as are
    # malformed operators (`{"prefix": 5}`").
    '{"$or": [{"a": [{"prefix": 5}]}, {"b": ["x"]}]}',
])
def test_malformed_patterns_are_refused(text):
    with pytest.raises(filters.InvalidPattern):
        filters.parse(text, "sqs")


@pytest.mark.parametrize(("kind", "text"), [
    ("kinesis", '{"data": ["plain"]}'), ("dynamodb", '{"dynamodb": ["x"]}'),
    ("kinesis", '{"$or": [{"data": ["x"]}, {"kinesis": {"p": ["y"]}}]}'),
    ("kinesis", '{"$or": [{"$or": [{"data": ["x"]}, {"a": ["b"]}]}, {"kinesis": {"p": ["y"]}}]}'),
])
def test_stream_data_patterns_must_be_json(kind, text):
    """ "The filter pattern for data properties must be in a valid JSON format" (invocation-eventfiltering)."""
    with pytest.raises(filters.InvalidPattern):
        filters.parse(text, kind)
    filters.parse('{"body": ["plain"]}', "sqs")  # a queue's body may be matched as text


def test_eventbridge_operators_are_not_lambdas():
    # Lambda's FilterCriteria take neither (invocation-eventfiltering's table of comparison operators).
    for pattern in ({"body": {"f": [{"wildcard": "a*"}]}}, {"body": {"ip": [{"cidr": "10.0.0.0/8"}]}}):
        with pytest.raises(filters.InvalidPattern):
            filters.parse(json.dumps(pattern), "sqs")
