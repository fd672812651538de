"""Hostile but well-formed requests get AWS's 400s, never a Python traceback (the fuzzer covers every operation)."""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import re
import sys
from typing import Any, Iterator

import pytest
from botocore.exceptions import ClientError

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
                       + WHERE.format(9)),
        (b'{"a": 1', "Unexpected end-of-input: expected close marker for Object (start marker at [Source: REDACTED "
                     "(`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1])"
                     + WHERE.format(8)),
        (b'{"a": ', "Unexpected end-of-input within/between Object entries" + WHERE.format(7)),
        (b'{"a": "b', "Unexpected end-of-input: was expecting closing quote for a string value" + WHERE.format(9)),
        (b'{"a": "b\tc"}', "Illegal unquoted character ((CTRL-CHAR, code 9)): has to be escaped using backslash to "
                           "be included in string value" + WHERE.format(9)),
        # The token is reported past the character after it, which Jackson reads to see that the token ended.
        (b'{"a": tru}', "Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token "
                        "'null', 'true' or 'false')" + WHERE.format(11)),
        # A control character where only blanks may come, reported past it (jackson-core's _throwInvalidSpace; a
        # gzip body's first byte is 31, and Jackson's users quote "Illegal character ((CTRL-CHAR, code 31))" at
        # column 2).
        (b"\x1f\x8b\x08\x00\x9b\xa5", "Illegal character ((CTRL-CHAR, code 31)): only regular white space (\\r, "
                                       "\\n, \\t) is allowed between tokens" + WHERE.format(2)),
        (b"[1,\x01 2]", "Illegal character ((CTRL-CHAR, code 1)): only regular white space (\\r, \\n, \\t) is "
                       "allowed between tokens" + WHERE.format(5)),
    ],
    ids=["invalid UTF-8", "control character", "NaN", "-Infinity", "unquoted name", "unescaped quote",
         "single quote", "no colon", "no comma", "trailing comma", "wrong close", "open object", "after colon",
         "open string", "tab in string", "bad token", "gzip", "control between tokens"],
)
def test_payloads_that_are_not_json_get_jacksons_words(raw_client: Any, aws_error: Any, function: str,
                                                       payload: bytes, text: str) -> None:
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + text):
        raw_client.invoke(FunctionName=function, Payload=payload)


COLON = "Unexpected character ('1' (code 49)): was expecting a colon to separate field name and value"
COMMA = "Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"


@pytest.mark.parametrize(
    ("payload", "text"),
    [
        # Not recorded: the words of Jackson's byte parser (jackson-core 2.x, UTF8StreamJsonParser), as above,
        # after what JSON allows before the break (RFC 8259). White space is space, tab, line feed and carriage
        # return (section 2); Jackson takes "\r\n" as one line break (_skipCR) and counts columns from it.
        (b'{\r\n"a" 1}', COLON + WHERE.replace("line: 1", "line: 2").format(5)),
        # A lone carriage return is a line break too (_skipCR).
        (b'{\r"a" 1}', COLON + WHERE.replace("line: 1", "line: 2").format(5)),
        # A string's escapes are part of it, "\/" and "\uXXXX" among them (section 7).
        (b'{"a": "\\/", "b" 1}', COLON + WHERE.format(17)),
        (b'{"a": "\\u00e9", "b" 1}', COLON + WHERE.format(21)),
        # A number may start with a minus sign (section 6).
        (b"[-1 2]", COMMA + WHERE.format(5)),
        # The literal null is a value like true and false (section 3).
        (b"[null 2]", COMMA + WHERE.format(7)),
        # An empty object or array closes where it opened: the entries after it are the outer one's.
        (b"[{}, 1 2]", COMMA + WHERE.format(8)),
        (b"[[], 1 2]", COMMA + WHERE.format(8)),
        # After a comma, an object wants the next field's name (Jackson's _parseName, then _handleOddName).
        (b'{"a": 1, 2}', "Unexpected character ('2' (code 50)): was expecting double-quote to start field name"
                         + WHERE.format(10)),
        # The input ends after a field name: Jackson's _skipColon2 reports the end as between entries.
        (b'{"a"', "Unexpected end-of-input within/between Object entries" + WHERE.format(5)),
        # DEL is a control character to Java (Character.isISOControl), above the white space Jackson skips, so
        # it is taken as the start of a value (_handleUnexpectedValue), reported at itself.
        (b"[1, \x7f]", "Unexpected character ((CTRL-CHAR, code 127)): expected a valid value (JSON String, Number, "
                       "Array, Object or token 'null', 'true' or 'false')" + WHERE.format(5)),
    ],
    ids=["crlf", "cr", "escaped slash", "unicode escape", "negative number", "null", "empty object", "empty array",
         "name after comma", "end after name", "delete"],
)
def test_where_a_structure_breaks_after_what_json_allows(raw_client: Any, aws_error: Any, function: str,
                                                         payload: bytes, text: str) -> None:
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + text):
        raw_client.invoke(FunctionName=function, Payload=payload)


@pytest.mark.parametrize("payload", [b"[1.]", b"[1. 2]", b"[01 2]", b"[1e 2]", b'{"a": "\\u12", "b" 1}'],
                         ids=["bare point", "point then more", "leading zero", "bare exponent", "short escape"])
def test_a_malformed_number_or_escape_is_not_taken_for_a_broken_structure(raw_client: Any, aws_error: Any,
                                                                          function: str, payload: bytes) -> None:
    # Jackson words a malformed number or escape in its own terms ("Unexpected character (']' (code 93)) in numeric
    # value: Decimal point not followed by a digit", _parseFloat; "Invalid numeric value: Leading zeroes not
    # allowed", _verifyNoLeadingZeroes; "expected a hex-digit for character escape sequence", _decodeEscaped):
    # not as an entry that lacks its comma or colon, or a string left open, as reading a shorter number or escape,
    # or giving up on the escape, would have it.
    with aws_error(raw_client, "InvalidRequestContentException", None) as error:
        raw_client.invoke(FunctionName=function, Payload=payload)
    message = error.response["Error"]["Message"]
    assert message.startswith(PAYLOAD) and "separate" not in message and "end-of-input" not in message


def test_nan_is_located_where_it_is_a_value_not_where_a_string_holds_it(raw_client: Any, aws_error: Any,
                                                                        function: str) -> None:
    # As for '{"a": NaN}' above, past the token; a field name "NaN" is a string, never the token (jackson-core
    # 2.20.1 answers column 12 for this payload).
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + "Non-standard token 'NaN': enable "
                   "`JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow" + WHERE.format(12)):
        raw_client.invoke(FunctionName=function, Payload=b'{"NaN": NaN}')


@pytest.mark.parametrize("payload", [b"\x7f", b"\x80 1", b"\x9f"], ids=["DEL", "0x80", "0x9f"])
def test_a_first_byte_java_takes_for_a_control_character_is_an_unexpected_one(raw_client: Any, aws_error: Any,
                                                                              function: str, payload: bytes) -> None:
    # Recorded for 0x99 (LocalStack test_lambda.snapshot.json, TestLambdaErrors::
    # test_lambda_invoke_payload_encoding_error): Jackson reads a value's first byte as the character of that code,
    # and Java's Character.isISOControl, which its CTRL-CHAR wording follows, holds for U+007F to U+009F.
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + f"Unexpected character ((CTRL-CHAR, "
                   f"code {payload[0]})): expected a valid value (JSON String, Number, Array, Object or token 'null', "
                   "'true' or 'false')" + WHERE.format(1)):
        raw_client.invoke(FunctionName=function, Payload=payload)


@pytest.mark.parametrize("payload", [b"\xa0", b"\xa1 1", b"\xd7\x90"], ids=["no-break space", "0xa1", "UTF-8 alef"])
def test_a_first_byte_that_can_start_no_java_name_is_an_unexpected_character(raw_client: Any, aws_error: Any,
                                                                             function: str, payload: bytes) -> None:
    # As for 0x99 above (recorded), Jackson reads a value's first byte as the character of that code; past the
    # control characters, one that cannot start a Java identifier (Character.isJavaIdentifierStart) is an
    # unexpected character, shown as itself: jackson-core 2.20.1's words for each of these payloads.
    code = payload[0]
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + f"Unexpected character ('{chr(code)}' "
                   f"(code {code})): expected a valid value (JSON String, Number, Array, Object or token 'null', "
                   "'true' or 'false')" + WHERE.format(1)):
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
    # Jackson's words, which Lambda's JSON reader uses, for a blob that is no base64 in its default variant
    # (jackson-core ReaderBasedJsonParser: "Failed to decode VALUE_STRING as base64 (" + variant + "): ").
    assert error.response["Error"]["Message"].startswith(
        "Could not parse request body into json: Failed to decode VALUE_STRING as base64 (MIME-NO-LINEFEEDS): ")


def test_base64_with_a_character_outside_its_alphabet_is_refused(raw_client: Any, client: Any, aws_error: Any,
                                                                 function: str) -> None:
    # Jackson's MIME-NO-LINEFEEDS variant refuses any character outside base64's alphabet ("Illegal character '%'
    # (code 0x25) in base64 content", jackson-core Base64Variant.reportInvalidBase64Char): it is not skipped, even
    # where what is left would be a good zip.
    good = base64.b64encode(package({"app.py": "def handler(event, context):\n    return 2\n"})).decode()
    before = client.get_function_configuration(FunctionName=function)["CodeSha256"]

    def spoil(params: dict[str, Any], **_: Any) -> None:
        params["body"] = json.dumps({"ZipFile": "%" + good}).encode()

    raw_client.meta.events.register("before-call", spoil)
    with aws_error(raw_client, "InvalidRequestContentException", None):
        raw_client.update_function_code(FunctionName=function, ZipFile=b"x")
    assert client.get_function_configuration(FunctionName=function)["CodeSha256"] == before


@pytest.mark.parametrize("document", [b"[1]", b'"text"', b"1"], ids=["list", "string", "number"])
def test_a_request_body_that_is_no_json_object_is_a_client_error(raw_client: Any, client: Any, function: str,
                                                                 document: bytes) -> None:
    # An operation's members are read from a JSON object; another JSON value has none. No recording of AWS's words
    # for it was found: that it is the caller's error, a 400 that changes nothing, is what is asserted.
    before = client.get_function_configuration(FunctionName=function)["RevisionId"]

    def send(params: dict[str, Any], **_: Any) -> None:
        params["body"] = document

    raw_client.meta.events.register("before-call", send)
    with pytest.raises(ClientError) as caught:
        raw_client.update_function_configuration(FunctionName=function, Timeout=9)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert client.get_function_configuration(FunctionName=function)["RevisionId"] == before


def test_a_malformed_payload_deeper_than_python_reads_at_once_is_refused(raw_client: Any, aws_error: Any,
                                                                         function: str) -> None:
    # Found in review: within Jackson's depth but past Python's recursion limit, read again with room, and refused.
    payload = b"[" * 999 + b"1 2"
    text = ("Unexpected character ('2' (code 50)): was expecting comma to separate Array entries"
            + WHERE.format(1002))
    with aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + text):
        raw_client.invoke(FunctionName=function, Payload=payload)


@contextlib.contextmanager
def _little_stack() -> Iterator[None]:
    """Python's recursion limit put back to where a fresh process has it, a few hundred frames above this one.

    lambdamock only ever raises the limit, so after an earlier deep payload a document within Jackson's depth no
    longer runs Python out of stack, and what lambdamock does when it does goes untested.
    """
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + 400)
    try:
        yield
    finally:
        sys.setrecursionlimit(max(before, sys.getrecursionlimit()))


def test_a_malformed_payload_is_worded_alike_when_python_has_little_stack_left(raw_client: Any, aws_error: Any,
                                                                               function: str) -> None:
    # The test above, however deep the stack was let grow by the tests before it.
    with _little_stack(), aws_error(raw_client, "InvalidRequestContentException", PAYLOAD + "Unexpected character "
                                    "('2' (code 50)): was expecting comma to separate Array entries"
                                    + WHERE.format(1002)):
        raw_client.invoke(FunctionName=function, Payload=b"[" * 999 + b"1 2")


@pytest.mark.parametrize("payload", [b"[" * 1000 + b'"\\"[["' + b"]" * 1000,
                                     b"[" + b'[], {"a": {}}, ' * 5 + b"[" * 999 + b"]" * 1000,
                                     b"[" * 1000 + b"]" * 999 + b", [{}]]"],
                         ids=["brackets in a string", "closed before", "opened after"])
def test_only_the_arrays_and_objects_still_open_count_toward_the_nesting_depth(client: Any, function: str,
                                                                               payload: bytes) -> None:
    # Jackson counts the arrays and objects its parser has open, never a bracket in a string, escaped quote and all
    # (RFC 8259 section 7): jackson-core 2.20.1 reads each of these payloads, 1000 deep at most, without complaint.
    with _little_stack():
        assert client.invoke(FunctionName=function, Payload=payload)["StatusCode"] == 200


def test_a_surrogate_written_as_utf8_bytes_is_read_as_jackson_reads_it(client: Any, function: str) -> None:
    # jackson-core 2.20.1 reads the three bytes of U+D800 in a string without complaint (its UTF-8 decoding does not
    # check for surrogates), so Lambda takes this payload.
    response = client.invoke(FunctionName=function, Payload=b'{"s": "\xed\xa0\x80"}')
    assert response["StatusCode"] == 200 and "FunctionError" not in response


def _body(client: Any, document: dict[str, Any]) -> None:
    """Send ``document`` as the next request's body, nulls and all (botocore never writes a null)."""
    def send(params: dict[str, Any], **_: Any) -> None:
        params["body"] = json.dumps(document).encode()

    client.meta.events.register("before-call", send)


@pytest.mark.parametrize("member", ["Environment", "VpcConfig", "TracingConfig", "SnapStart", "LoggingConfig",
                                    "Layers", "DeadLetterConfig", "FileSystemConfigs", "ImageConfig"])
def test_a_null_member_is_an_absent_one(raw_client: Any, client: Any, function: str, member: str) -> None:
    # Found in review: a null structure or list was read as a value and ended in a Python error. AWS's JSON
    # reader takes a null member as one not sent: the update goes through, and that setting is left as it was.
    before = client.get_function_configuration(FunctionName=function)
    _body(raw_client, {"Timeout": 9, member: None})
    raw_client.update_function_configuration(FunctionName=function)
    after = client.get_function_configuration(FunctionName=function)
    assert after["Timeout"] == 9
    unchanged = ("Environment", "VpcConfig", "TracingConfig", "SnapStart", "LoggingConfig", "Layers")
    assert [after.get(name) for name in unchanged] == [before.get(name) for name in unchanged]


def test_a_null_member_of_a_new_function_takes_the_default(raw_client: Any, client: Any) -> None:
    _body(raw_client, {"FunctionName": "nulls", "Runtime": "python3.12", "Role": ROLE, "Handler": "app.handler",
                       "Code": {"ZipFile": base64.b64encode(package({"app.py": ""})).decode()},
                       "Environment": None, "TracingConfig": None, "Timeout": None, "Tags": None})
    raw_client.create_function(FunctionName="nulls", Role=ROLE, Code={"ZipFile": b"x"})
    made = client.get_function(FunctionName="nulls")
    assert (made["Configuration"]["Timeout"], made["Configuration"]["TracingConfig"]) == (3, {"Mode": "PassThrough"})
    assert "Environment" not in made["Configuration"] and "Tags" not in made


def test_a_null_alias_version_with_weights_is_the_alias_version(raw_client: Any, aws_error: Any, client: Any,
                                                                 function: str) -> None:
    client.publish_version(FunctionName=function)
    client.create_alias(FunctionName=function, Name="live", FunctionVersion="1")
    _body(raw_client, {"FunctionVersion": None, "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.5}}})
    with aws_error(raw_client, "InvalidParameterValueException", "Invalid function version 1. Function version 1 "
                   "is already included in routing configuration."):
        raw_client.update_alias(FunctionName=function, Name="live")


def test_nulls_inside_lists_are_refused_as_java_prints_them(raw_client: Any, aws_error: Any,
                                                                     function: str) -> None:
    # A null list element fails the element's constraints, "Member must not be null" among them (recorded:
    # LocalStack test_lambda_api.snapshot.json, the architectures error, '[X86_64]'); Java prints it as "null".
    _body(raw_client, {"Architectures": [None]})
    with aws_error(raw_client, "ValidationException", "1 validation error detected: Value '[null]' at "
                   "'architectures' failed to satisfy constraint: Member must satisfy constraint: [Member must "
                   "satisfy enum value set: [x86_64, arm64], Member must not be null]"):
        raw_client.update_function_code(FunctionName=function, ZipFile=b"x")
    # A map value: its constraints, then "Member must not be null", as recorded for alias weights
    # (test_lambda_api.snapshot.json, "Value '{2=2.0}' at 'routingConfig.additionalVersionWeights'"); a variable's
    # value has no constraint but that one.
    _body(raw_client, {"Environment": {"Variables": {"KEY": None}}})
    with aws_error(raw_client, "ValidationException", "1 validation error detected: Value at "
                   "'environment.variables' failed to satisfy constraint: Map value must satisfy constraint: "
                   "[Member must not be null]"):
        raw_client.update_function_configuration(FunctionName=function)
    # A null structure in a list is worded as a null member is (recorded: "Value null at 'tagKeys' failed to satisfy
    # constraint: Member must not be null", test_lambda_api.snapshot.json).
    _body(raw_client, {"FileSystemConfigs": [None]})
    with aws_error(raw_client, "ValidationException", "1 validation error detected: Value null at "
                   "'fileSystemConfigs.1.member' failed to satisfy constraint: Member must not be null"):
        raw_client.update_function_configuration(FunctionName=function)


@pytest.mark.parametrize("value", ["s", "", 1e20, "1e400", [], {"a": 1}, True],
                         ids=["text", "empty", "past year 9999", "infinite", "list", "object", "boolean"])
def test_a_timestamp_member_that_is_no_timestamp_is_refused(raw_client: Any, client: Any, aws_error: Any,
                                                            function: str, value: Any) -> None:
    # Found by fuzzing each member with values of every JSON type: these ended in Python's ValueError or
    # OverflowError. A timestamp is epoch seconds (or ISO 8601 text); anything else is a member of the wrong type.
    _body(raw_client, {"FunctionName": function, "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/s",
                       "StartingPosition": "AT_TIMESTAMP", "StartingPositionTimestamp": value})
    with aws_error(raw_client, "ValidationException", re.compile(
            r"1 validation error detected: Value '.*' at 'startingPositionTimestamp' failed to satisfy constraint: "
            r"Member must be of type timestamp")):
        raw_client.create_event_source_mapping(FunctionName=function)
    assert client.list_event_source_mappings()["EventSourceMappings"] == []


@pytest.mark.parametrize("document", [{"Environment": "x"}, {"VpcConfig": [1]}, {"FileSystemConfigs": "abc"},
                                      {"Layers": "ab"}, {"Timeout": True}],
                         ids=["text for an object", "list for an object", "text for a list of objects",
                              "text for a list", "boolean for a number"])
def test_a_member_of_another_json_type_is_a_client_error(raw_client: Any, client: Any, function: str,
                                                         document: dict[str, Any]) -> None:
    # A member of the wrong type is reported once, and its members are not looked into (a text has no members to
    # check); true is no number (Python's bool is an int). No recording of AWS's words for a mistyped member was
    # found: that it is the caller's error, a 400 that changes nothing, is what is asserted.
    def configuration() -> dict[str, Any]:
        return {key: value for key, value in client.get_function_configuration(FunctionName=function).items()
                if key != "ResponseMetadata"}

    before = configuration()
    _body(raw_client, document)
    with pytest.raises(ClientError) as caught:
        raw_client.update_function_configuration(FunctionName=function)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert configuration() == before


@pytest.mark.parametrize("runtimes", [[["python3.12"]], [{"a": 1}], [1]], ids=["list", "object", "number"])
def test_layer_runtimes_of_another_json_type_are_a_client_error(raw_client: Any, client: Any,
                                                                runtimes: list[Any]) -> None:
    # A layer's runtimes are judged as one value against Lambda's list; an element that is no
    # text (not even one a set can hold) fails it. No recording of AWS's words for it: a 400 is what is asserted.
    _body(raw_client, {"Content": {"ZipFile": base64.b64encode(package({"python/m.py": ""})).decode()},
                       "CompatibleRuntimes": runtimes})
    with pytest.raises(ClientError) as caught:
        raw_client.publish_layer_version(LayerName="layer", Content={"ZipFile": b"x"})
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert client.list_layers()["Layers"] == []
