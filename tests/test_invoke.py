"""Invoke and InvokeAsync through boto3: the answer's payload, the invocation types, qualifiers and size limits."""

from __future__ import annotations

import base64
import json

import pytest

from lambdamock import package
from tests.invoke_helpers import ECHO, call, deploy

# Fixtures, found by pytest by their names here (the aliases mark them as used).
from tests.invoke_helpers import client as client
from tests.invoke_helpers import mock as mock


def test_request_response_returns_the_handler_result(client):
    deploy(client, "echo", {"app.py": ECHO})
    response = call(client, "echo", {"a": [1, 2]})
    assert response["StatusCode"] == 200
    assert response["ExecutedVersion"] == "$LATEST"
    assert response["Body"] == {"a": [1, 2]}
    assert "FunctionError" not in response


def test_result_bytes_are_the_python_runtime_json(client):
    deploy(client, "f", {"app.py": "def handler(e, c):\n    return {'a': 1, 'b': [1, 2]}\n"})
    assert client.invoke(FunctionName="f")["Payload"].read() == b'{"a": 1, "b": [1, 2]}'


def test_a_namedtuple_result_is_an_object(client):
    # The Python runtime's marshaller encodes with simplejson, whose namedtuple_as_object is on by default
    # (awslambdaric's lambda_runtime_marshaller); plain tuples stay arrays.
    source = ("import collections\nPoint = collections.namedtuple('Point', 'x y')\n"
              "def handler(e, c):\n    return {'at': Point(1, (2, 3)), 'path': [Point(0, 0)]}\n")
    deploy(client, "f", {"app.py": source})
    assert client.invoke(FunctionName="f")["Payload"].read() == (
        b'{"at": {"x": 1, "y": [2, 3]}, "path": [{"x": 0, "y": 0}]}')


def test_any_value_with_an_asdict_is_an_object_as_simplejson_writes_it(client):
    # simplejson's namedtuple_as_object (on in the runtime's marshaller) applies to any value with an _asdict()
    # (encoder.py's docstring: "objects with ``_asdict()`` methods will be encoded as JSON objects"), before
    # lists, tuples and dicts; SQLAlchemy's Row is one. The answers below are simplejson 3's for these values. It
    # applies at any depth, in subclasses of list and dict too, and a str with an _asdict is still text (encoder.py's
    # _iterencode: str, then _asdict, then lists, tuples and dicts).
    source = (
        "import collections\nPoint = collections.namedtuple('Point', 'x y')\n"
        "class Plain(list):\n    pass\n"
        "class Row:\n    def _asdict(self):\n        return {'x': 1, 'n': (2, 3)}\n"
        "class Mapping(dict):\n    def _asdict(self):\n        return {'from': 'asdict'}\n"
        "class Listing(list):\n    def _asdict(self):\n        return {'l': 1}\n"
        "class Text(str):\n    def _asdict(self):\n        return {'s': 1}\n"
        "class Takes:\n    def _asdict(self, extra):\n        return {}\n"
        "class Wrong:\n    def _asdict(self):\n        return [1]\n"
        "class Sub:\n    def _asdict(self):\n        return collections.OrderedDict(a=1)\n"
        "class Nothing:\n    def _asdict(self):\n        return None\n"
        "class Counted:\n    calls = 0\n    def _asdict(self):\n        Counted.calls += 1\n"
        "        return {'calls': Counted.calls}\n"
        "class Fresh:\n    def __init__(self, i):\n        self.i = i\n    def _asdict(self):\n"
        "        return {'i': self.i}\n"
        "class Rows(list):\n    def __iter__(self):\n        return (Fresh(i) for i in range(3))\n"
        "def handler(event, context):\n"
        "    return {'row': [{'row': Row()}], 'mapping': Mapping(a=1), 'listing': [Listing([1])], 'text': Text('t'),\n"
        "            'takes': [Takes()], 'wrong': [Wrong()], 'nothing': [Nothing()],\n            'counted': [Counted()], 'fresh': Rows([0]),\n"
        "            'ordered': collections.OrderedDict(p=Point(1, 2)), 'plain': Plain([Point(3, 4)]),\n"
        "            'tuple': (Point(5, 6),), 'mixed': [Point(7, 8), Text('t')], 'sub': [Sub()]}[event['case']]\n"
    )
    deploy(client, "f", {"app.py": source})

    def answer(case: str) -> dict:
        response = client.invoke(FunctionName="f", Payload=json.dumps({"case": case}))
        return {"error": response.get("FunctionError"), "body": response["Payload"].read()}

    assert answer("row") == {"error": None, "body": b'[{"row": {"x": 1, "n": [2, 3]}}]'}
    assert answer("mapping") == {"error": None, "body": b'{"from": "asdict"}'}
    assert answer("listing") == {"error": None, "body": b'[{"l": 1}]'}
    assert answer("text") == {"error": None, "body": b'"t"'}
    assert answer("counted") == {"error": None, "body": b'[{"calls": 1}]'}  # called once, as simplejson does
    assert answer("ordered") == {"error": None, "body": b'{"p": {"x": 1, "y": 2}}'}
    assert answer("plain") == {"error": None, "body": b'[{"x": 3, "y": 4}]'}
    assert answer("tuple") == {"error": None, "body": b'[{"x": 5, "y": 6}]'}
    assert answer("mixed") == {"error": None, "body": b'[{"x": 7, "y": 8}, "t"]'}
    # A dict of any kind will do (simplejson's _speedups.c, encoder_steal_encode: PyDict_Check, subclasses too).
    assert answer("sub") == {"error": None, "body": b'[{"a": 1}]'}
    # Values made as they are iterated over, each freed before the next: one's id may be the next one's.
    assert answer("fresh") == {"error": None, "body": b'[{"i": 0}, {"i": 1}, {"i": 2}]'}
    for case, message in (("takes", "Object of type Takes is not JSON serializable"),
                          ("wrong", "_asdict() must return a dict, not list"),
                          ("nothing", "_asdict() must return a dict, not NoneType")):
        failed = answer(case)
        assert failed["error"] == "Unhandled"
        assert json.loads(failed["body"])["errorMessage"] == f"Unable to marshal response: {message}"


def test_qualified_invoke_runs_that_version(client):
    deploy(client, "v", {"app.py": "def handler(e, c):\n    return 'one'\n"}, Publish=True)
    client.update_function_code(FunctionName="v", ZipFile=package({"app.py": "def handler(e, c):\n    return 'two'\n"}))
    assert call(client, "v", Qualifier="1")["Body"] == "one"
    assert call(client, "v:1")["ExecutedVersion"] == "1"
    assert call(client, "v")["Body"] == "two"


def test_event_returns_202_and_runs_in_the_background(client, mock):
    deploy(client, "bg", {"app.py": ECHO})
    response = client.invoke(FunctionName="bg", InvocationType="Event", Payload=b'{"n": 1}')
    assert response["StatusCode"] == 202
    assert response["Payload"].read() == b""
    mock.wait(timeout=10)
    [record] = mock.invocations
    assert (record.invocation_type, record.result, record.request_id) == (
        "Event", {"n": 1}, response["ResponseMetadata"]["RequestId"]
    )


def test_dry_run_runs_nothing(client, mock):
    deploy(client, "dry", {"app.py": ECHO})
    assert client.invoke(FunctionName="dry", InvocationType="DryRun")["StatusCode"] == 204
    assert mock.invocations == []


def test_invoke_async_runs_the_handler(client, mock):
    deploy(client, "old", {"app.py": ECHO})
    response = client.invoke_async(FunctionName="old", InvokeArgs=b'{"x": 1}')
    assert response["Status"] == 202
    mock.wait(timeout=10)
    assert [r.result for r in mock.invocations] == [{"x": 1}]


def test_client_context_reaches_the_handler(client):
    source = "def handler(e, c):\n    cc = c.client_context\n    return [cc.custom, cc.client.app_title]\n"
    deploy(client, "cc", {"app.py": source})
    context = {"custom": {"k": "v"}, "client": {"app_title": "t"}, "env": {}}
    encoded = base64.b64encode(json.dumps(context).encode()).decode()
    assert call(client, "cc", ClientContext=encoded)["Body"] == [{"k": "v"}, "t"]


def test_response_too_large(client, mock):
    deploy(client, "big", {"app.py": "def handler(e, c):\n    return 'x' * (7 * 1024 * 1024)\n"})
    body = call(client, "big")["Body"]
    assert body == {
        "errorMessage": "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
        "errorType": "Function.ResponseSizeTooLarge",
    }
    # The record says what the caller got (found in review: it held the 7 MB result, and no error).
    assert (mock.invocations[-1].function_error, mock.invocations[-1].error) == ("Unhandled", body)


def test_a_response_of_the_limit_s_size_is_answered(client):
    # The limit AWS names, 6 MB and 100 bytes (LocalStack test_lambda.snapshot.json, test_lambda_too_large_response:
    # "exceeded maximum allowed payload size (6291556 bytes)"), is the largest response allowed; a 6 MB string
    # (6291458 bytes of JSON) is answered (test_lambda_large_response, validated against AWS).
    deploy(client, "big", {"app.py": "def handler(e, c):\n    return 'x' * (e - 2)\n"})
    for size in (6291458, 6291556):
        response = client.invoke(FunctionName="big", Payload=json.dumps(size))
        assert "FunctionError" not in response and len(response["Payload"].read()) == size
    response = client.invoke(FunctionName="big", Payload=json.dumps(6291557))
    assert response["FunctionError"] == "Unhandled"
    assert json.loads(response["Payload"].read())["errorType"] == "Function.ResponseSizeTooLarge"


def test_request_too_large(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.ClientError) as info:
        client.invoke(FunctionName="f", Payload=json.dumps("x" * (6 * 1024 * 1024)))
    error = info.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert error["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
    }


def test_event_payload_limit_is_1mb(client, mock):
    deploy(client, "f", {"app.py": ECHO})
    payload = json.dumps("x" * (1024 * 1024))
    with pytest.raises(client.exceptions.ClientError) as info:
        client.invoke(FunctionName="f", InvocationType="Event", Payload=payload)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert mock.invocations == []


def test_an_event_payload_over_1mb_is_refused_with_its_size_and_the_limit(client, mock):
    # "For asynchronous invocations, the maximum payload size is 1 MB" (API_Invoke), in the text AWS answers for an
    # Event payload over its limit (recorded at older limits: faultline/faultline#12, "473086 byte payload is too
    # large for the Event invocation type (limit 131072 bytes)"; ASFHyP3/hyp3#2241, "(limit 262144 bytes)").
    deploy(client, "f", {"app.py": ECHO})
    payload = json.dumps("x" * (1024 * 1024 - 1)).encode()  # one byte over 1 MB
    with pytest.raises(client.exceptions.ClientError) as info:
        client.invoke(FunctionName="f", InvocationType="Event", Payload=payload)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert info.value.response["Error"] == {
        "Code": "RequestEntityTooLargeException",
        "Message": "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)",
    }
    assert mock.invocations == []


def test_invalid_json_payload(client):
    deploy(client, "f", {"app.py": ECHO})
    with pytest.raises(client.exceptions.InvalidRequestContentException) as info:
        client.invoke(FunctionName="f", Payload=b"{bad")
    assert info.value.response["Error"]["Message"].startswith(
        "Could not parse request body into json: Could not parse payload into json: "
    )


def test_async_failures_are_retried_twice(client, mock):
    deploy(client, "flaky", {"app.py": "def handler(e, c):\n    raise RuntimeError('no')\n"})
    client.invoke(FunctionName="flaky", InvocationType="Event", Payload=b"{}")
    mock.wait(timeout=10)
    assert [r.attempt for r in mock.invocations] == [1, 2, 3]
    assert len({r.request_id for r in mock.invocations}) == 1


def test_the_payload_reads_as_a_response_from_aws_does(client):
    # Against AWS, StreamingBody passes readinto (newer botocores), readlines, tell and readable on to urllib3's
    # response (botocore response.py); lambdamock's body lacked them (found in review: AttributeError, and
    # readable() False).
    from botocore.response import StreamingBody

    deploy(client, "f", {"app.py": ECHO})
    payload = client.invoke(FunctionName="f", Payload=b'"a\\nb\\nc"')["Payload"]
    assert payload.readable()
    assert (payload.read(2), payload.tell()) == (b'"a', 2)
    if hasattr(StreamingBody, "readinto"):
        buffer = bytearray(3)
        assert (payload.readinto(buffer), bytes(buffer)) == (3, b"\\nb")
    else:
        assert payload.read(3) == b"\\nb"
    assert payload.readlines() == [b'\\nc"']
    assert payload.tell() == 9


def test_a_client_context_without_a_client_has_none(client):
    # awslambdaric's lambda_context.py: make_obj_from_dict gives None for a missing dict, so the context's client is
    # None when ClientContext has no "client" (LocalStack's validated test_lambda_with_context: Lambda hands the
    # runtime the ClientContext as sent).
    source = ("def handler(e, c):\n    cc = c.client_context\n"
              "    return None if cc is None else [cc.custom, cc.env, cc.client is None]\n")
    deploy(client, "cc", {"app.py": source})

    def seen(context):
        return call(client, "cc", ClientContext=base64.b64encode(json.dumps(context).encode()).decode())["Body"]

    assert seen({"custom": {"k": "v"}, "env": {"e": 1}}) == [{"k": "v"}, {"e": 1}, True]
    assert call(client, "cc")["Body"] is None


def test_a_client_context_that_is_no_base64_json_is_refused(client, mock):
    # AWS's own SDK test against Lambda (aws-sdk-rust, sdk/aws-sdk-lambda/tests/naughty-strings-client-context.rs)
    # expects "InvalidRequestContentException: Client context must be a valid Base64-encoded JSON object." for
    # ClientContext values that are not base64 JSON.
    deploy(client, "cc", {"app.py": ECHO})
    with pytest.raises(client.exceptions.InvalidRequestContentException) as info:
        client.invoke(FunctionName="cc", ClientContext="not base64 at all!")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert info.value.response["Error"]["Message"] == "Client context must be a valid Base64-encoded JSON object."
    assert mock.invocations == []


def test_an_event_invocation_s_handler_gets_no_client_context(client, mock):
    # "Lambda passes the ClientContext object to your function for synchronous invocations only" (API_Invoke).
    source = "def handler(e, c):\n    return c.client_context is None\n"
    deploy(client, "cc", {"app.py": source})
    encoded = base64.b64encode(json.dumps({"custom": {"k": "v"}}).encode()).decode()
    assert client.invoke(FunctionName="cc", InvocationType="Event", ClientContext=encoded)["StatusCode"] == 202
    mock.wait(timeout=10)
    assert [record.result for record in mock.invocations] == [True]
    assert call(client, "cc", ClientContext=encoded)["Body"] is False


def test_a_record_names_what_was_called_and_what_ran(client, mock):
    # The fields of mock.invocations' records (docs/invoking.md, "field | meaning").
    source = "import os\ndef handler(e, c):\n    return os.environ['_X_AMZN_TRACE_ID']\n"
    deploy(client, "f", {"app.py": source}, Publish=True)
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    event = b'{"k" :  1}'  # as sent, spaces and all
    qualified = client.invoke(FunctionName="f", Qualifier="live", Payload=event)
    trace = json.loads(qualified["Payload"].read())
    unqualified = client.invoke(FunctionName="f")
    client.invoke(FunctionName="f:1", InvocationType="Event", Payload=b"[]")
    mock.wait(timeout=10)
    first, second, third = mock.invocations
    assert (first.function_name, first.qualifier, first.executed_version, first.invocation_type) == (
        "f", "live", "1", "RequestResponse")
    assert (first.event, first.attempt, first.tenant_id, first.trace) == (event, 1, None, trace)
    assert (first.result, first.function_error, first.error) == (trace, None, None)  # error: only when it failed
    assert first.request_id == qualified["ResponseMetadata"]["RequestId"]
    assert (second.qualifier, second.executed_version, second.event) == (None, "$LATEST", b"")
    assert second.request_id == unqualified["ResponseMetadata"]["RequestId"]
    assert (third.qualifier, third.executed_version, third.invocation_type, third.event, third.attempt) == (
        "1", "1", "Event", b"[]", 1)
    assert third.trace.startswith("Root=") and third.trace == third.result
