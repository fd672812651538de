"""The loopback server of function URLs: where it listens, when it stops, who may call, CORS and limits.

Recorded texts: LocalStack test_lambda.snapshot.json and test_lambda.py's asserts (TestLambdaURL,
TestLambdaPermissions), validated against AWS in November 2025. What is not recorded says so.
"""

from __future__ import annotations

import http.client
import re
import socket
import threading
from pathlib import Path

import boto3
import pytest
from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from lambdamock import mock_lambda, package
from lambdamock.urls import exchange
from tests.helpers import wait_until
from tests.runtime import sync
from tests.url_helpers import ECHO, FORBIDDEN, Answer, fetch, public

REGION = "us-east-1"


def port_of(url: str) -> int:
    return int(url.split(":")[2].split("/")[0])


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the listening sockets on ``port``, from the kernel's own table (Linux)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def server_threads() -> list[str]:
    return [thread.name for thread in threading.enumerate() if thread.name.startswith("lambdamock-url")]


# -- the server -----------------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads Linux's socket table")
def test_it_listens_on_127_0_0_1_only_and_is_gone_after_stop():
    # An earlier test's worker may still be leaving its exchange (see below): it ends on its own.
    wait_until(lambda: server_threads() == [])
    mock = mock_lambda().start()
    try:
        client = boto3.client("lambda", region_name=REGION)
        assert server_threads() == []  # started on first use only
        url = public(client, mock)
        assert url.startswith("http://127.0.0.1:")
        port = port_of(url)
        assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, and no other address (nor IPv6)
        assert fetch(url).status == 200
    finally:
        mock.stop()
    assert listening_addresses(port) == set()
    # The worker that served the request may still be leaving the exchange the client ended: stop() joins
    # only idle workers (never one running a function), so it ends just after.
    wait_until(lambda: server_threads() == [])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.parametrize("count", [2, 16])
def test_requests_run_at_once(client, lambda_mock, count):
    # Each waits for all the others inside the function: they can only finish if all run together, as many as the
    # server serves at once (urls.md: "up to 128 connections at once").
    sync.barriers["urls"] = threading.Barrier(count, timeout=20)
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.barriers['urls'].wait()\n" \
             "    return event['rawPath']\n"
    url = public(client, lambda_mock, source)
    answers: list[Answer] = []
    paths = [f"/{index}" for index in range(count)]
    threads = [threading.Thread(target=lambda path=path: answers.append(fetch(url + path[1:]))) for path in paths]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted((answer.status, answer.body) for answer in answers) == sorted((200, path.encode()) for path in paths)
    assert lambda_mock.concurrency("f").peak == count


def test_each_kept_alive_connection_of_a_full_client_pool_is_answered_at_once(client, lambda_mock, monkeypatch):
    # A requests.Session shared by 24 threads (pool_maxsize=24) keeps 24 connections open between requests; AWS's
    # front end answers on each at once. Found in an audit: the server took 16 connections at a time, and a request on
    # any other waited until one of those idled out (5 s; a minute here), past the client's timeout.
    monkeypatch.setattr(exchange, "_IDLE_S", 60)
    url = public(client, lambda_mock)
    host, _, path = url.split("//", 1)[1].partition("/")
    connections = [http.client.HTTPConnection(host, timeout=10) for _ in range(24)]
    try:
        for connection in connections:
            connection.request("GET", f"/{path}")
            assert connection.getresponse().read() and connection.sock is not None  # kept open
    finally:
        for connection in connections:
            connection.close()
    assert len(lambda_mock.invocations) == 24


def test_only_a_first_segment_of_exactly_32_letters_and_digits_is_taken_for_a_url_id(client, lambda_mock):
    # limitations.md: a path whose first segment is 32 lowercase letters and digits is taken for a URL id; a longer
    # segment, or the URL id alone, is a path of the URL whose port it was sent to.
    url = public(client, lambda_mock)
    port, url_id = port_of(url), url.rstrip("/").rsplit("/", 1)[1]
    longer = "a" * 40
    assert fetch(f"http://127.0.0.1:{port}/{longer}/x").json()["rawPath"] == f"/{longer}/x"
    assert fetch(f"http://127.0.0.1:{port}/{url_id}").json()["rawPath"] == "/"


def test_a_url_id_the_mock_never_gave_is_refused_at_a_port_as_aws_refuses_an_unknown_url(client, lambda_mock):
    # urls.md: "An unknown URL answers 403 with {"Message":null}" (recorded: test_lambda.py,
    # TestLambdaURL::test_lambda_url_non_existing_url, asserts), at a port as at AWS's address.
    port = port_of(public(client, lambda_mock))
    answer = fetch(f"http://127.0.0.1:{port}/{'a' * 32}/x")
    assert (answer.status, answer.json(), answer.headers["x-amzn-ErrorType"]) == \
        (403, {"Message": None}, "AccessDeniedException")
    assert lambda_mock.invocations == []


def test_the_url_of_a_deleted_alias_is_forbidden(client, lambda_mock, create_function):
    # TestLambdaURL::test_lambda_url_persists_after_alias_delete "invoke_deleted_alias_url_response_delayed".
    create_function("f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.create_function_url_config(FunctionName="f", Qualifier="live", AuthType="NONE", InvokeMode="BUFFERED")
    client.add_permission(FunctionName="f", Qualifier="live", StatementId="urlPermission",
                          Action="lambda:InvokeFunctionUrl", Principal="*", FunctionUrlAuthType="NONE")
    url = lambda_mock.function_url("f", "live")
    assert fetch(url, b"text", {"Content-Type": "text/plain"}).status == 200
    client.delete_alias(FunctionName="f", Name="live")
    answer = fetch(url, b"text", {"Content-Type": "text/plain"})
    assert (answer.status, answer.json(), answer.headers["x-amzn-ErrorType"]) == \
        (403, FORBIDDEN, "AccessDeniedException")


def test_a_none_url_is_forbidden_until_a_statement_lets_anyone_invoke_it(client, lambda_mock, create_function):
    # Recorded: TestLambdaPermissions::test_lambda_permission_url_invocation, a URL with no permission answers 403 with
    # the Forbidden text. urls.md: it answers 403 "until the function's resource policy lets anyone invoke it" (a
    # policy that grants something else does not).
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})})
    client.create_function_url_config(FunctionName="f", AuthType="NONE")
    url = lambda_mock.function_url("f")
    assert (fetch(url, b"text", {"Content-Type": "text/plain"}).status, fetch(url).json()) == (403, FORBIDDEN)
    client.add_permission(FunctionName="f", StatementId="s3", Action="lambda:InvokeFunction",
                          Principal="s3.amazonaws.com")
    assert (fetch(url).status, fetch(url).json()) == (403, FORBIDDEN)
    client.add_permission(FunctionName="f", StatementId="url", Action="lambda:InvokeFunctionUrl", Principal="*",
                          FunctionUrlAuthType="NONE")
    assert fetch(url).status == 200 and len(lambda_mock.invocations) == 1


def signed(url: str, method: str = "GET") -> dict[str, str]:
    """The headers of a SigV4-signed request to ``url``, as an AWS SDK makes them."""
    request = AWSRequest(method=method, url=url)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "lambda", REGION).add_auth(request)
    return dict(request.headers.items())


def test_an_aws_iam_url_wants_a_signed_request(client, lambda_mock, create_function):
    # Unsigned: 403 (reported by AWS users; the body is not recorded, the refusal's recorded one is used).
    # Signed: lambdamock takes any SigV4 signature for a caller of the mock's account with permission.
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})})
    client.create_function_url_config(FunctionName="f", AuthType="AWS_IAM")
    url = lambda_mock.function_url("f")
    assert (fetch(url).status, fetch(url).json()) == (403, FORBIDDEN)
    good = signed(url)["Authorization"]
    for broken in (good.replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256"), "Bearer t " + good):
        assert fetch(url, headers={"Authorization": broken}).status == 403  # no SigV4 Authorization header
    event = fetch(url, headers=signed(url)).json()
    assert event["requestContext"]["accountId"] == "123456789012"
    iam = event["requestContext"]["authorizer"]["iam"]
    assert (iam["accessKey"], iam["accountId"]) == ("AKIDEXAMPLE", "123456789012")
    assert event["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")


def test_an_aws_iam_event_names_its_caller_with_the_keys_aws_documents(client, lambda_mock, create_function):
    # Documented (urls-invocation, "Request payload format"): requestContext.authorizer.iam holds accessKey,
    # accountId, callerId, principalOrgId, userArn and userId (cognitoIdentity null, or left out).
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})})
    client.create_function_url_config(FunctionName="f", AuthType="AWS_IAM")
    url = lambda_mock.function_url("f")
    iam = fetch(url, headers=signed(url)).json()["requestContext"]["authorizer"]["iam"]
    assert {"accessKey", "accountId", "callerId", "principalOrgId", "userArn", "userId"} <= set(iam)
    assert iam.get("cognitoIdentity") is None


def test_an_aws_iam_url_takes_a_presigned_request(client, lambda_mock, create_function):
    # Reported by AWS users (re:Post QUPuq7VvHJRwWxVA3XJIgNKQ): SigV4 in the query string passes too.
    create_function("f", Handler="app.handler", Code={"ZipFile": package({"app.py": ECHO})})
    client.create_function_url_config(FunctionName="f", AuthType="AWS_IAM")
    url = lambda_mock.function_url("f") + "path?x=1"
    request = AWSRequest(method="GET", url=url)
    SigV4QueryAuth(Credentials("AKIDEXAMPLE", "secret"), "lambda", REGION).add_auth(request)
    event = fetch(request.url).json()
    assert event["requestContext"]["authorizer"]["iam"]["accessKey"] == "AKIDEXAMPLE"
    assert event["queryStringParameters"]["x"] == "1"
    unsigned = request.url.replace("X-Amz-Signature=", "X-Amz-Nothing=")
    assert (fetch(unsigned).status, fetch(unsigned).json()) == (403, FORBIDDEN)
    # No SigV4 without its algorithm, or without whose credential it is: AWS cannot check such a signature.
    for broken in (request.url.replace("X-Amz-Algorithm=", "X-Amz-Nothing="),
                   re.sub(r"X-Amz-Credential=[^&]*", "X-Amz-Credential=", request.url)):
        assert fetch(broken).status == 403


# -- CORS ------------------------------------------------------------------------------------------

CORS = {"AllowOrigins": ["https://app.example"], "AllowMethods": ["GET", "POST"], "AllowHeaders": ["x-custom"],
        "ExposeHeaders": ["x-total"], "MaxAge": 300, "AllowCredentials": True}


def test_a_preflight_is_answered_from_the_config_without_invoking(client, lambda_mock):
    # Documented (urls-configuration): Lambda adds the configured CORS headers; the preflight itself is
    # answered by the URL (not recorded: its status and exact headers).
    url = public(client, lambda_mock, Cors=CORS)
    answer = fetch(url, method="OPTIONS", headers={"Origin": "https://app.example",
                                                   "Access-Control-Request-Method": "POST"})
    assert answer.status == 200
    assert {name: answer.headers[name] for name in ("Access-Control-Allow-Origin", "Access-Control-Allow-Methods",
                                                    "Access-Control-Allow-Headers", "Access-Control-Max-Age",
                                                    "Access-Control-Allow-Credentials")} == {
        "Access-Control-Allow-Origin": "https://app.example", "Access-Control-Allow-Methods": "GET,POST",
        "Access-Control-Allow-Headers": "x-custom", "Access-Control-Max-Age": "300",
        "Access-Control-Allow-Credentials": "true"}
    refused = fetch(url, method="OPTIONS", headers={"Origin": "https://evil.example",
                                                    "Access-Control-Request-Method": "POST"})
    assert refused.status == 200 and "Access-Control-Allow-Origin" not in refused.headers
    assert lambda_mock.invocations == []


def test_responses_carry_the_configured_cors_headers_over_the_function_s(client, lambda_mock):
    source = ("def handler(event, context):\n    return {'statusCode': 200, 'body': 'ok', 'headers': "
              "{'Access-Control-Allow-Origin': 'https://wrong.example'}}\n")
    url = public(client, lambda_mock, source, Cors=CORS)
    answer = fetch(url, headers={"Origin": "https://app.example"})
    assert answer.headers.get_all("Access-Control-Allow-Origin") == ["https://app.example"]
    assert (answer.headers["Access-Control-Expose-Headers"], answer.headers["Access-Control-Allow-Credentials"]) \
        == ("x-total", "true")
    # An origin the config does not admit gets no CORS headers of the URL's: the function's pass.
    other = fetch(url, headers={"Origin": "https://evil.example"}).headers
    assert other.get_all("Access-Control-Allow-Origin") == ["https://wrong.example"]
    assert "Access-Control-Expose-Headers" not in other


def test_a_preflight_for_a_method_the_config_does_not_allow_gets_no_cors_headers(client, lambda_mock):
    # urls.md (What is not recorded): lambdamock answers a preflight 200 "with the configured headers, or without them
    # when the origin or method is not allowed".
    url = public(client, lambda_mock, Cors=CORS)
    origin = {"Origin": "https://app.example"}
    refused = fetch(url, method="OPTIONS", headers={**origin, "Access-Control-Request-Method": "DELETE"})
    assert refused.status == 200
    assert not {name.lower() for name in refused.headers} & {"access-control-allow-origin",
                                                              "access-control-allow-methods"}
    assert lambda_mock.invocations == []


def test_an_updated_config_answers_the_next_request(client, lambda_mock):
    # UpdateFunctionUrlConfig's Cors (the API reference): the URL's CORS settings, which Lambda applies to its
    # responses (urls.md); an update applies from the next request on, at the same URL.
    url = public(client, lambda_mock)
    assert "Access-Control-Allow-Origin" not in fetch(url, headers={"Origin": "https://app.example"}).headers
    client.update_function_url_config(FunctionName="f", Cors=CORS)
    assert fetch(url, headers={"Origin": "https://app.example"}).headers["Access-Control-Allow-Origin"] == \
        "https://app.example"


def test_a_wildcard_origin_allows_any(client, lambda_mock):
    url = public(client, lambda_mock, Cors={"AllowOrigins": ["*"], "AllowMethods": ["*"], "AllowCredentials": False})
    preflight = fetch(url, method="OPTIONS", headers={"Origin": "https://any.example",
                                                      "Access-Control-Request-Method": "DELETE"})
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    answer = fetch(url, headers={"Origin": "https://any.example"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    # Credentials only when allowed; a request that names no origin is no cross-origin one (the Fetch standard).
    assert "Access-Control-Allow-Credentials" not in preflight.headers
    assert "Access-Control-Allow-Credentials" not in answer.headers
    assert "Access-Control-Allow-Origin" not in fetch(url).headers


def test_only_an_options_request_naming_origin_and_method_is_a_preflight(client, lambda_mock):
    # The Fetch standard's CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. Any other request
    # reaches the function.
    url = public(client, lambda_mock, Cors=CORS)
    asking = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    for method, headers in (("POST", asking), ("OPTIONS", {"Origin": "https://app.example"}),
                            ("OPTIONS", {"Access-Control-Request-Method": "POST"})):
        assert fetch(url, method=method, headers=headers).json()["requestContext"]["http"]["method"] == method
    assert len(lambda_mock.invocations) == 3


def test_without_a_cors_config_a_preflight_reaches_the_function(client, lambda_mock):
    # urls.md: a URL's Cors config answers preflights itself; a URL without one leaves them to the function, which
    # may answer CORS itself.
    url = public(client, lambda_mock)
    asking = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    answer = fetch(url, method="OPTIONS", headers=asking)
    assert (answer.status, answer.json()["requestContext"]["http"]["method"]) == (200, "OPTIONS")
    assert "Access-Control-Allow-Origin" not in answer.headers and len(lambda_mock.invocations) == 1


def test_a_request_whose_event_would_be_over_6_mb_is_refused_without_invoking(client, lambda_mock):
    # urls.md: "A request whose event would be over 6 MB (a binary body counts in base64) answers 413 with
    # RequestEntityTooLargeException" (Lambda's 6 MB limit on a synchronous invocation's payload; the 413 is not
    # recorded). 5 MB of binary body is under the limit as sent, over it as the event carries it.
    url = public(client, lambda_mock)
    answer = fetch(url, b"\xff" * (5 * 1024 * 1024), {"Content-Type": "application/octet-stream"}, method="POST")
    assert (answer.status, answer.headers["x-amzn-ErrorType"]) == (413, "RequestEntityTooLargeException")
    assert lambda_mock.invocations == []


def test_a_request_over_6_mb_is_refused_with_invoke_s_text_in_the_form_of_the_url_refusals(client, lambda_mock):
    # urls.md (What is not recorded): "The 413 of a request over 6 MB (Invoke's text, in the URL refusals' form)": a
    # JSON Message, as Invoke words its RequestEntityTooLargeException, with x-amzn-ErrorType.
    url = public(client, lambda_mock)
    with pytest.raises(client.exceptions.ClientError) as invoked:
        client.invoke(FunctionName="f", Payload=b'"' + b"x" * (6 * 1024 * 1024) + b'"')
    answer = fetch(url, b"\xff" * (5 * 1024 * 1024), {"Content-Type": "application/octet-stream"}, method="POST")
    assert (answer.status, answer.headers["x-amzn-ErrorType"]) == (413, "RequestEntityTooLargeException")
    assert answer.json() == {"Message": invoked.value.response["Error"]["Message"]}
    assert lambda_mock.invocations == []


def test_a_throttled_url_answers_429_in_the_form_of_the_url_refusals(client, lambda_mock):
    # urls.md: "A throttled function answers 429 with TooManyRequestsException", in the refusals' form (a JSON Message
    # and an x-amzn-ErrorType header); its body, not recorded, is documented as {"Message":"Rate Exceeded."}.
    url = public(client, lambda_mock)
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    throttled = fetch(url)
    assert (throttled.status, throttled.headers["x-amzn-ErrorType"]) == (429, "TooManyRequestsException")
    assert throttled.body == b'{"Message":"Rate Exceeded."}'
    assert lambda_mock.invocations == []


def test_urls_stop_with_the_mock_even_while_a_connection_is_open():
    mock = mock_lambda().start()
    try:
        url = public(boto3.client("lambda", region_name=REGION), mock)
        idle = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=10)
        idle.request("GET", url.split(str(port_of(url)), 1)[1])
        idle.getresponse().read()  # the connection stays open, waiting for a next request
    finally:
        mock.stop()
    wait_until(lambda: server_threads() == [])
    idle.close()


def test_a_response_of_the_function_names_the_requests_trace_unless_the_function_did(client, lambda_mock):
    # Recorded (LocalStack's CloudFormation test_cfn_function_url): "x-amzn-trace-id" among the response's
    # headers; it is the trace of the event's x-amzn-trace-id header.
    url = public(client, lambda_mock, "def handler(event, context):\n"
                                      "    own = {'X-Amzn-Trace-Id': 'mine'} if event['rawPath'] == '/own' else {}\n"
                                      "    return {'statusCode': 200, 'headers': own,\n"
                                      "            'body': event['headers']['x-amzn-trace-id']}\n")
    answer = fetch(url)
    assert answer.headers.get_all("x-amzn-trace-id") == [answer.body.decode()]
    assert answer.body.startswith(b"Root=1-")
    assert fetch(url + "own").headers.get_all("x-amzn-trace-id") == ["mine"]
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    throttled = fetch(url)
    assert throttled.status == 429 and throttled.headers.get_all("x-amzn-trace-id") is None  # nothing ran
