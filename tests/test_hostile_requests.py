"""Hostile but well-formed requests get AWS's 400s, never a Python traceback (the fuzzer covers every operation)."""

from __future__ import annotations

from typing import Any

import pytest

from lambdamock import package
from tests.helpers import ROLE

WHERE = "\n at [Source: REDACTED (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: {}]"
PAYLOAD = "Could not parse request body into json: Could not parse payload into json: "
DEEP = (
    "Document nesting depth (1001) exceeds the maximum allowed (1000, from "
    "`StreamReadConstraints.getMaxNestingDepth()`)"
)


@pytest.fixture
def function(client: Any) -> str:
    client.create_function(FunctionName="f", Runtime="python3.12", Role=ROLE, Handler="app.handler",
                           Code={"ZipFile": package({"app.py": "def handler(event, context):\n    return 1\n"})})
    return "f"


@pytest.mark.parametrize("kind", ["RequestResponse", "Event", "DryRun"])
def test_a_payload_nested_100000_deep_is_refused(raw_client: Any, aws_error: Any, function: str, kind: str) -> None:
    payload = b"[" * 100_000 + b"]" * 100_000
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + DEEP + WHERE.format(1001)):
        raw_client.invoke(FunctionName=function, InvocationType=kind, Payload=payload)


def test_a_payload_nested_as_deep_as_jackson_allows_runs(client: Any, function: str) -> None:
    payload = b"[" * 1000 + b"]" * 1000
    assert client.invoke(FunctionName=function, Payload=payload)["StatusCode"] == 200


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        # Recorded: LocalStack test_lambda.snapshot.json, TestLambdaErrors::test_lambda_invoke_payload_encoding_error.
        (b"n\x87r\x9e\xe9\xb5\xd7I\xee\x9bmt", "Invalid UTF-8 start byte 0x87" + WHERE.format(3)),
        (b"\x99\xeb,j\x07\xa1zYh", "Unexpected character ((CTRL-CHAR, code 153)): expected a valid value (JSON String, "
                                   "Number, Array, Object or token 'null', 'true' or 'false')" + WHERE.format(1)),
        # Not recorded: Jackson's parser, which Lambda's words above come from, refuses Python's json.dumps of
        # float("nan") and float("inf") unless ALLOW_NON_NUMERIC_NUMBERS is on (its _handleOddValue).
        (b'{"a": NaN}', "Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow"
                        + WHERE.format(10)),
        (b"[-Infinity]", "Non-standard token '-Infinity': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to "
                         "allow" + WHERE.format(11)),
        # Where a document's structure breaks, in the words of Jackson's byte parser. Quoted from Lambda's answers:
        # a user's diagnostic note of 2025-12-11 (francoisissartel-cloud/vectora-inbox, "Phase 4 Engine Invocation
        # Error"); paws-r/paws#642 and LocalStack's Lambda provider, which quote the words with an older Jackson's
        # column, one past the character, where today's is the character's own, as in the recordings above.
        (b'{client_id:"lai_weekly_v3",period_days:30}',
         "Unexpected character ('c' (code 99)): was expecting double-quote to start field name" + WHERE.format(2)),
        (b'{\n  "bodyjson": "{"payload":"payload"}",\n  "id": "123456"\n}',
         "Unexpected character ('p' (code 112)): was expecting comma to separate Object entries"
         + WHERE.replace("line: 1", "line: 2").format(18)),
        (b"'test'", "Unexpected character (''' (code 39)): expected a valid value (JSON String, Number, Array, Object "
                    "or token 'null', 'true' or 'false')" + WHERE.format(1)),
        # Not recorded: the same parser's words for the other ways a structure breaks.
        (b'{"a" 1}', "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
                     + WHERE.format(6)),
        (b"[1 2]", "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
                   + WHERE.format(4)),
        (b'{"a": [1, }', "Unexpected character ('}' (code 125)): expected a valid value (JSON String, Number, Array, "
                         "Object or token 'null', 'true' or 'false')" + WHERE.format(11)),
        (b'{"a": [1}', "Unexpected close marker '}': expected ']' (for Array starting at [Source: REDACTED "
                       "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 7])"
                       + WHERE.format(10)),
        (b'{"a": 1', "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED "
                     "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"
                     + WHERE.format(8)),
        (b'{"a": ', "Unexpected end-of-input within/between Object entries" + WHERE.format(7)),
        (b'{"a": "b', "Unexpected end-of-input: was expecting closing quote for a string value" + WHERE.format(9)),
        (b'{"a": "b\tc"}', "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to "
                           "be included in string value" + WHERE.format(10)),
        (b'{"a": tru}', "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token "
                        "'null', 'true' or 'false')" + WHERE.format(10)),
    ],
    ids=["invalid UTF-8", "control character", "NaN", "-Infinity", "unquoted name", "unescaped quote",
         "single quote", "no colon", "no comma", "trailing comma", "wrong close", "open object", "after colon",
         "open string", "tab in string", "bad token"],
)
def test_payloads_that_are_not_json_get_jacksons_words(raw_client: Any, aws_error: Any, function: str,
                                                       payload: bytes, text: str) -> None:
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + text):
        raw_client.invoke(FunctionName=function, Payload=payload)


def test_a_payload_with_nan_is_refused_in_any_encoding_json_allows(raw_client: Any, aws_error: Any, function: str) -> None:
    for encoding in ("utf-16-le", "utf-32-be"):
        with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + "Non-standard token 'NaN': enable "
                       "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + WHERE.format(10)):
            raw_client.invoke(FunctionName=function, Payload='{"a": NaN}'.encode(encoding))


def test_a_request_body_nested_deep_is_refused(raw_client: Any, aws_error: Any, function: str) -> None:
    def nest(params: dict[str, Any], **_: Any) -> None:
        params["body"] = b'{"Description": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    raw_client.meta.events.register("before-call", nest)
    with aws_error(raw_client, "InvalidRequestContentException",
                   "Could not parse request body into json: " + DEEP + WHERE.format(1016)):
        raw_client.update_function_configuration(FunctionName=function, Description="x")


def test_invalid_base64_in_a_blob_member_is_refused(raw_client: Any, aws_error: Any, function: str) -> None:
    def spoil(params: dict[str, Any], **_: Any) -> None:
        params["body"] = b'{"ZipFile": "%%% not base64 %%%"}'

    raw_client.meta.events.register("before-call", spoil)
    with aws_error(raw_client, "InvalidRequestContentException", None) as error:
        raw_client.update_function_code(FunctionName=function, ZipFile=b"x")
    assert error.response["Error"]["Message"].startswith("Could not parse request body into json: Failed to decode")


def test_a_malformed_payload_deeper_than_python_reads_at_once_is_refused(raw_client: Any, aws_error: Any,
                                                                         function: str) -> None:
    # Found in review: within Jackson's depth but past Python's recursion limit, read again with room, and refused.
    payload = b"[" * 999 + b"1 2"
    text = ("Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
            + WHERE.format(1002))
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + text):
        raw_client.invoke(FunctionName=function, Payload=payload)
