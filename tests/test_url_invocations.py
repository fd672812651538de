"""What a function URL sends its function (the 2.0 event) and how its result comes back, over real HTTP.

Recorded (unless a test says otherwise): LocalStack test_lambda.snapshot.json and the asserts of
test_lambda.py, TestLambdaURL (validated against AWS in November 2025); the event's shape is
documented in urls-invocation and in captured events (research notes 20, section 1.5).
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import http.client
import json
import re
import time
import uuid

import pytest

from tests.url_helpers import ECHO, fetch, public

JSON = {"Content-Type": "application/json"}


def returning(value: str) -> str:
    return f"def handler(event, context):\n    return {value}\n"


# test_lambda_url_invocation[*]: what the handler returns -> status, Content-Type, Content-Length, body.
MAPPINGS = {
    "dict": ('{"hello": "world"}', b'{"hello":"world"}'),
    "http-response": ('{"statusCode": 200, "body": "body123"}', b"body123"),
    "http-response-json": ('{"statusCode": 200, "body": "{\\"hello\\": \\"world\\"}"}', b'{"hello": "world"}'),
    "list-mixed": ('["hello", 3, True]', b'["hello",3,true]'),
    "string": ('"hello"', b"hello"),
    "integer": ("3", b"3"),
    "float": ("3.1", b"3.1"),
    "boolean": ("True", b"true"),
}


@pytest.mark.parametrize("case", sorted(MAPPINGS))
def test_results_map_to_responses_as_recorded(client, lambda_mock, case):
    returned, body = MAPPINGS[case]
    answer = fetch(public(client, lambda_mock, returning(returned)), body=b"{}")
    assert (answer.status, answer.body) == (200, body)
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Content-Length"] == str(len(body))


def test_a_response_object_sets_status_headers_and_cookies(client, lambda_mock):
    # test_lambda_url_headers_and_status: status 201, the custom header, and "418" as a string works.
    source = """
import json
def handler(event, context):
    return json.loads(event["body"])
"""
    url = public(client, lambda_mock, source)
    sent = {"statusCode": 201, "headers": {"Content-Type": "application/json", "My-Custom-Header": "Custom Value"},
            "body": json.dumps({"message": "hello-world"}), "isBase64Encoded": False,
            # Documented (urls-invocation): each cookie becomes a set-cookie header.
            "cookies": ["a=1; Secure", "b=2"]}
    answer = fetch(url, json.dumps(sent).encode(), JSON)
    assert (answer.status, answer.json()) == (201, {"message": "hello-world"})
    assert answer.headers["my-custom-header"] == "Custom Value"
    assert answer.headers.get_all("Set-Cookie") == ["a=1; Secure", "b=2"]
    teapot = fetch(url, json.dumps({"statusCode": "418", "body": "i'm a teapot"}).encode(), JSON)
    assert (teapot.status, teapot.body) == (418, b"i'm a teapot")
    # Documented: isBase64Encoded bodies are decoded before they are sent; the type is the function's.
    image = {"statusCode": 200, "headers": {"content-type": "image/png"}, "isBase64Encoded": True,
             "body": base64.b64encode(b"\x89PNG\x00\xff").decode()}
    answer = fetch(url, json.dumps(image).encode(), JSON)
    assert (answer.body, answer.headers.get_all("Content-Type")) == (b"\x89PNG\x00\xff", ["image/png"])


def test_a_content_type_the_function_sets_is_the_only_one_whatever_its_case(client, lambda_mock):
    # urls.md (The response): "Content-Type is application/json unless the function sets one"; documented
    # (urls-invocation, custom response example): the function's "Content-Type" header is the response's content-type.
    source = returning(repr({"statusCode": 200, "headers": {"Content-Type": "text/plain"}, "body": "hi"}))
    answer = fetch(public(client, lambda_mock, source))
    assert (answer.body, answer.headers.get_all("Content-Type")) == (b"hi", ["text/plain"])


def test_the_front_end_frames_and_dates_the_response_whatever_the_function_says(client, lambda_mock):
    # Not recorded: AWS buffers a BUFFERED URL's response whole (urls-invocation), so the body's length,
    # its framing, its date and its request id are the front end's. Web adapters (Mangum, apig-wsgi)
    # always set a Content-Length of their own; a wrong one, or a chunked encoding, must not reach the client.
    headers = {"Content-Length": "999", "Transfer-Encoding": "chunked", "Date": "Mon, 01 Jan 2001 00:00:00 GMT",
               "x-amzn-RequestId": "mine", "X-Kept": "yes"}
    url = public(client, lambda_mock, returning(repr({"statusCode": 200, "headers": headers, "body": "hello"})))
    answer = fetch(url)
    assert (answer.status, answer.body, answer.headers["X-Kept"]) == (200, b"hello", "yes")
    assert answer.headers.get_all("Content-Length") == ["5"]
    assert answer.headers.get_all("Transfer-Encoding") is None
    assert len(answer.headers.get_all("Date")) == 1 and "2001" not in answer.headers["Date"]
    (invocation,) = lambda_mock.invocations
    assert answer.headers.get_all("x-amzn-RequestId") == [invocation.request_id]


def test_header_values_that_are_not_strings_are_read_from_the_result_s_json(client, lambda_mock):
    # Not recorded: the runtime sends the result as JSON, so the front end never sees Python's spellings.
    headers = {"X-Bool": True, "X-None": None, "X-Number": 5, "X-List": ["a", "b"]}
    url = public(client, lambda_mock, returning(repr({"statusCode": 200, "headers": headers, "cookies": ["a=1", 2]})))
    answer = fetch(url)
    assert [answer.headers[name] for name in headers] == ["true", "null", "5", '["a","b"]']
    assert answer.headers.get_all("Set-Cookie") == ["a=1", "2"]


@pytest.mark.parametrize("result", ['{"statusCode": "teapot", "body": "x"}', '{"statusCode": 0}', '{"statusCode": 600}',
                                    '{"statusCode": 101, "body": "x"}', '{"statusCode": 200, "headers": ["a"]}',
                                    '{"statusCode": 200, "cookies": "a=1"}',
                                    '{"statusCode": 200, "body": "aGk!=", "isBase64Encoded": True}'])
def test_a_response_object_lambda_cannot_send_is_a_502(client, lambda_mock, result):
    # Not recorded: a statusCode that is no final HTTP status, headers that are no object, cookies that are no list, or
    # a body that is not the base64 it claims fails as a function error does.
    url = public(client, lambda_mock, returning(result))
    assert fetch(url).status == 502


def test_the_edges_of_a_response_object(client, lambda_mock):
    # Not recorded: every final status is sent; no body is an empty one; a body that is JSON but no string is sent as
    # compact JSON, as a dict body is (recorded).
    assert fetch(public(client, lambda_mock, returning('{"statusCode": 599}'), name="s")).status == 599
    empty = fetch(public(client, lambda_mock, returning('{"statusCode": 200}'), name="e"))
    assert (empty.status, empty.body, empty.headers["Content-Type"]) == (200, b"", "application/json")
    listed = fetch(public(client, lambda_mock, returning('{"statusCode": 200, "body": [1, "a"]}'), name="l"))
    assert listed.body == b'[1,"a"]'


def test_a_function_error_is_a_502_with_aws_s_body(client, lambda_mock):
    # test_lambda_url_invocation_exception (asserts).
    url = public(client, lambda_mock, "def handler(event, context):\n    raise RuntimeError('some error occurred')\n")
    answer = fetch(url, b"{}", {"User-Agent": "python-requests/testing"})
    assert (answer.status, answer.body) == (502, b"Internal Server Error")
    (invocation,) = lambda_mock.invocations
    assert invocation.function_error == "Unhandled" and invocation.error["errorMessage"] == "some error occurred"


def test_a_function_that_times_out_is_a_502_sent_at_its_timeout(client, lambda_mock):
    # Not recorded for URLs: a timed-out invocation is a function error, answered as the one above. The
    # request's own thread answers at the deadline (the handler's thread never returns in time).
    url = public(client, lambda_mock, "import time\ndef handler(event, context):\n    time.sleep(60)\n")
    client.update_function_configuration(FunctionName="f", Timeout=1)
    answer = fetch(url)
    assert (answer.status, answer.body) == (502, b"Internal Server Error")
    (invocation,) = lambda_mock.invocations
    assert invocation.timed_out and invocation.function_error == "Unhandled"


def test_a_keep_alive_request_to_a_new_environment_times_out_at_the_functions_timeout(client, lambda_mock):
    # Found in an audit: on a connection kept open (requests, urllib3, http.client), the first request of a new
    # environment was timed out only at the connection's idle period (5 s), so a handler that ran past its Timeout
    # and returned before then was answered 200 with its result. Invoke times such a call out at the Timeout.
    url = public(client, lambda_mock, "import time\ndef handler(event, context):\n    time.sleep(3)\n"
                                      "    return {'statusCode': 200, 'body': 'finished'}\n")
    client.update_function_configuration(FunctionName="f", Timeout=1)
    host, _, path = url.split("//", 1)[1].partition("/")
    connection = http.client.HTTPConnection(host, timeout=30)  # HTTP/1.1, no "Connection: close"
    started = time.monotonic()
    connection.request("GET", "/" + path)
    response = connection.getresponse()
    assert (response.status, response.read()) == (502, b"Internal Server Error")
    assert time.monotonic() - started < 2.5
    connection.close()
    (invocation,) = lambda_mock.invocations
    assert invocation.cold and invocation.timed_out


def test_the_event_for_a_post_with_a_query_string(client, lambda_mock):
    # test_lambda_url_echo_http_fixture_default: lower-case header names, values as sent, repeated
    # query keys joined with commas and decoded; the Lambda front end's own headers added. Its client
    # (requests) sends the path /pa2%Fth/1 as /pa2%25Fth/1, after the URL's own trailing slash; the
    # recorded requestContext.http.path is decoded, its slashes merged, and rawPath keeps the encoding
    # (captures of function URL events, hotsock/voker#8) and, unrecorded, the slashes as sent.
    url = public(client, lambda_mock)
    answer = fetch(f"{url}/pa2%25Fth/1?q=query&multiQuery=foo&multiQuery=%2Fbar", b'{"foo": "bar"}',
                   {"Content-Type": "application/json", "ExTrA-HeadErs": "With WeiRd CapS", "User-Agent": "test/echo"})
    event = answer.json()
    identifier = url.rstrip("/").rsplit("/", 1)[1]
    host = f"{identifier}.lambda-url.us-east-1.on.aws"
    assert event["version"] == "2.0" and event["routeKey"] == "$default"
    assert (event["rawPath"], event["rawQueryString"]) == ("//pa2%25Fth/1", "q=query&multiQuery=foo&multiQuery=%2Fbar")
    assert event["queryStringParameters"] == {"q": "query", "multiQuery": "foo,/bar"}
    assert (event["body"], event["isBase64Encoded"]) == ('{"foo": "bar"}', False)
    headers = event["headers"]
    assert headers["extra-headers"] == "With WeiRd CapS" and headers["content-type"] == "application/json"
    assert (headers["host"], headers["content-length"], headers["user-agent"]) == (host, "14", "test/echo")
    assert {"x-amzn-tls-cipher-suite", "x-amzn-tls-version", "x-amzn-trace-id", "x-forwarded-for",
            "x-forwarded-port", "x-forwarded-proto"} <= set(headers)
    # Those the recording hides behind placeholders, as events captured from real function URLs show them (research
    # notes 20, 1.5): the client's TLS 1.3 connection on 443, whatever lambdamock's loopback one was.
    assert [headers[key] for key in ("x-amzn-tls-cipher-suite", "x-amzn-tls-version", "x-forwarded-port",
                                     "x-forwarded-proto")] == ["TLS_AES_128_GCM_SHA256", "TLSv1.3", "443", "https"]
    assert "connection" not in headers  # the recorded echoes show none
    context = event["requestContext"]
    assert context["http"] == {"method": "POST", "path": "/pa2%Fth/1", "protocol": "HTTP/1.1",
                               "sourceIp": "127.0.0.1", "userAgent": "test/echo"}
    assert headers["x-forwarded-for"] == context["http"]["sourceIp"]  # recorded: origin == x-forwarded-for
    # Captured events (research notes 20, 1.5): anonymous caller, the URL id, $default route and stage.
    assert {key: context[key] for key in ("accountId", "apiId", "domainName", "domainPrefix", "routeKey", "stage")} \
        == {"accountId": "anonymous", "apiId": identifier, "domainName": host, "domainPrefix": identifier,
            "routeKey": "$default", "stage": "$default"}
    assert re.fullmatch(r"\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000", context["time"])
    assert isinstance(context["timeEpoch"], int)
    # test_request_id_invoke_url: the response's x-amzn-RequestId is the invocation's request id.
    assert context["requestId"] == answer.headers["x-amzn-RequestId"] == lambda_mock.invocations[-1].request_id
    uuid.UUID(context["requestId"])


def test_the_event_s_time_repeated_headers_and_a_get_s_length(client, lambda_mock):
    # Captured events (research notes 20, 1.5; urls-invocation's example): time as "11/Jan/2023:11:45:34 +0000" and
    # timeEpoch in milliseconds, the same moment; a repeated header's values joined with a comma ("value1,value2");
    # a GET sends no body, and its event has no content-length.
    url = public(client, lambda_mock)
    host, _, path = url.split("//", 1)[1].partition("/")
    before = time.time()
    connection = http.client.HTTPConnection(host, timeout=30)
    connection.putrequest("GET", "/" + path)
    for value in ("1", "2"):
        connection.putheader("X-Rep", value)
    connection.endheaders()
    event = json.loads(connection.getresponse().read())
    connection.close()
    after = time.time()
    context = event["requestContext"]
    assert before * 1000 - 1000 <= context["timeEpoch"] <= after * 1000 + 1000
    moment = datetime.datetime.fromtimestamp(context["timeEpoch"] // 1000, datetime.timezone.utc)
    _, day, month, year, clock, zone = email.utils.format_datetime(moment).replace(",", "").split()  # English always
    assert context["time"] == f"{day}/{month}/{year}:{clock} {zone}"
    assert event["headers"]["x-rep"] == "1,2" and "content-length" not in event["headers"]


def test_the_handler_and_its_event_share_the_requests_trace(client, lambda_mock):
    source = ("import os\ndef handler(event, context):\n"
              "    return {'header': event['headers']['x-amzn-trace-id'], 'env': os.environ['_X_AMZN_TRACE_ID']}\n")
    url = public(client, lambda_mock, source)
    root = "Root=1-3152b799-8954dae64eda91bc9a23a7e8"
    seen = fetch(url, None, {"X-Amzn-Trace-Id": f"{root};Sampled=1"}).json()
    assert seen["header"] == root and seen["env"].startswith(f"{root};Parent=")
    # A request that brings no decision: undecided for a PassThrough function (its Root alone, see test_invoke_tracing's
    # test_pass_through_leaves_a_new_trace_undecided), sampled by X-Ray's rule under Active tracing.
    fresh = fetch(url).json()
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24}", fresh["header"]) and fresh["header"] != root
    assert fresh["env"].split(";Lineage=")[0] == fresh["header"]
    client.update_function_configuration(FunctionName="f", TracingConfig={"Mode": "Active"})
    active = fetch(url).json()
    assert re.fullmatch(re.escape(active["header"]) + r";Parent=[0-9a-f]{16};Sampled=1(;Lineage=.*)?", active["env"])


def test_keys_are_absent_when_empty(client, lambda_mock):
    # test_lambda_url_echo_invoke: a POST with no body has no body key and isBase64Encoded false;
    # captured events: no query string means "" and no queryStringParameters, no cookies no key.
    event = fetch(public(client, lambda_mock), b"").json()
    assert "body" not in event and event["isBase64Encoded"] is False
    assert event["rawQueryString"] == "" and event["rawPath"] == "/"
    assert not {"queryStringParameters", "cookies", "pathParameters", "stageVariables"} & set(event)
    assert "authorizer" not in event["requestContext"]


def test_text_bodies_arrive_as_text_and_others_base64(client, lambda_mock):
    # test_lambda_url_echo_invoke (text/plain arrives as text) and test_lambda_url_form_payload
    # (multipart/form-data arrives base64-encoded).
    url = public(client, lambda_mock)
    text = fetch(url + "custom_path/extend?test_param=test_value", b"text", {"Content-Type": "text/plain"}).json()
    assert (text["body"], text["isBase64Encoded"]) == ("text", False)
    # Media types are case-insensitive (RFC 9110).
    shouted = fetch(url, b"{}", {"Content-Type": "Application/JSON"}).json()
    assert (shouted["body"], shouted["isBase64Encoded"]) == ("{}", False)
    form = b"--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nvalue\r\n--b--\r\n"
    sent = fetch(url, form, {"Content-Type": "multipart/form-data; boundary=b"}).json()
    assert sent["isBase64Encoded"] is True and base64.b64decode(sent["body"]) == form
    # Not recorded: text that is not UTF-8 cannot be text.
    latin = fetch(url, b"caf\xe9", {"Content-Type": "text/plain"}).json()
    assert latin["isBase64Encoded"] is True and base64.b64decode(latin["body"]) == b"caf\xe9"


@pytest.mark.parametrize("content_type, text", [
    ("application/javascript", True), ("application/xml", True), ("application/ld+json", True), ("text/html", True),
    ("application/x-www-form-urlencoded", False), ("application/octet-stream", False), (None, False)])
def test_the_content_types_that_arrive_as_text_are_those_urls_md_names(client, lambda_mock, content_type, text):
    # Not recorded beyond text/plain, JSON and multipart: urls.md ("The event") names what lambdamock sends as text:
    # text/*, JSON, XML and JavaScript bodies; any other (a form post, binary data, no content type) in base64.
    url = public(client, lambda_mock)
    body = b"a=1&b=%2F"
    event = fetch(url, body, {"Content-Type": content_type} if content_type else {}).json()
    assert event["isBase64Encoded"] is not text
    assert event["body"] == (body.decode() if text else base64.b64encode(body).decode())


def test_a_binary_body_arrives_in_standard_base64(client, lambda_mock):
    # Documented (urls-invocation): a binary body is base64-encoded: RFC 4648's alphabet, as base64.b64decode reads it.
    sent = bytes([0xfb, 0xff, 0xbf, 0x00, 0x3e, 0x3f])
    event = fetch(public(client, lambda_mock), sent, {"Content-Type": "image/png"}).json()
    assert (event["isBase64Encoded"], event["body"]) == (True, "+/+/AD4/")


def test_cookies_arrive_as_a_list(client, lambda_mock):
    # Documented (urls-invocation): "cookies" holds every cookie sent; the cookie header is not repeated.
    event = fetch(public(client, lambda_mock), headers={"Cookie": "c1=v1; c2=v2"}).json()
    assert event["cookies"] == ["c1=v1", "c2=v2"] and "cookie" not in event["headers"]


def test_every_method_reaches_the_function(client, lambda_mock):
    url = public(client, lambda_mock)
    for method in ("GET", "PUT", "PATCH", "DELETE", "OPTIONS"):
        assert fetch(url, method=method).json()["requestContext"]["http"]["method"] == method
    head = fetch(url, method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.headers["Content-Length"]) > 0


def test_a_response_stream_url_sends_the_result_chunked(client, lambda_mock):
    # test_lambda_url_echo_invoke[RESPONSE_STREAM] (asserts): a function that does not stream sends its
    # whole result's JSON, statusCode and body not interpreted.
    url = public(client, lambda_mock, ECHO, InvokeMode="RESPONSE_STREAM")
    answer = fetch(url + "custom_path", b"text", {"Content-Type": "text/plain"})
    assert answer.status == 200 and answer.headers["Transfer-Encoding"] == "chunked"
    result = answer.json()
    assert result["statusCode"] == 200 and json.loads(result["body"])["body"] == "text"


def test_a_response_stream_answer_is_typed_as_json(client, lambda_mock):
    # Not recorded: urls.md (What is not recorded) documents the Content-Type of a RESPONSE_STREAM answer as
    # application/json, whatever the function's statusCode and headers say.
    source = returning(repr({"statusCode": 201, "headers": {"Content-Type": "text/plain"}, "body": "x"}))
    answer = fetch(public(client, lambda_mock, source, InvokeMode="RESPONSE_STREAM"))
    assert (answer.status, answer.headers.get_all("Content-Type")) == (200, ["application/json"])
