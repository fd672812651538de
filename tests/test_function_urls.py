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


def test_two_requests_run_at_once(client, lambda_mock):
    # Each waits for the other inside the function: they can only finish if both run together.
    sync.barriers["urls"] = threading.Barrier(2, timeout=10)
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.barriers['urls'].wait()\n" \
             "    return event['rawPath']\n"
    url = public(client, lambda_mock, source)
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda path=path: answers.append(fetch(url + path))) for path in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted((answer.status, answer.body) for answer in answers) == [(200, b"/a"), (200, b"/b")]
    assert lambda_mock.concurrency("f").peak == 2


def test_sixteen_connections_are_served_at_once(client, lambda_mock):
    # urls.md: the server "serves up to 16 connections at once"; each request waits for all the others.
    sync.barriers["urls"] = threading.Barrier(16, timeout=20)
    source = "from tests.runtime import sync\ndef handler(event, context):\n    sync.barriers['urls'].wait()\n" \
             "    return event['rawPath']\n"
    url = public(client, lambda_mock, source)
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda path=str(index): answers.append(fetch(url + path))) for index in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answer.body for answer in answers) == sorted(f"/{index}".encode() for index in range(16))
    assert lambda_mock.concurrency("f").peak == 16


def test_a_connection_is_kept_alive_between_requests(client, lambda_mock):
    url = public(client, lambda_mock, "def handler(event, context):\n    return event['rawPath']\n")
    connection = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=10)
    prefix = url.split(str(port_of(url)), 1)[1]
    try:
        bodies = []
        for path in ("one", "two"):
            connection.request("GET", prefix + path)
            response = connection.getresponse()
            bodies.append(response.read())
            # As Lambda's front end says it (recorded: LocalStack's CloudFormation test_cfn_function_url).
            assert response.getheader("Connection") == "keep-alive"
            assert response.getheader("x-amzn-trace-id").startswith("Root=1-")
        sock = connection.sock
        connection.request("POST", prefix + "three", body=b"x" * 10)
        assert connection.getresponse().read() == b"/three" and connection.sock is sock  # the same connection
    finally:
        connection.close()
    assert bodies == [b"/one", b"/two"]


def test_a_client_that_does_not_read_its_response_holds_up_neither_the_function_nor_the_server(client, lambda_mock):
    # The response goes out from the environment's thread as its handler returns; what the socket does not
    # take at once is left to the connection's own thread, so the environment is free for the next invoke.
    big = "def handler(event, context):\n    return {'statusCode': 200, 'body': 'x' * 6_000_000}\n"
    url = public(client, lambda_mock, big)
    port, path = port_of(url), url.split(str(port_of(url)), 1)[1]
    with socket.socket() as stalled:
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # 6 MB will not fit in what the kernel holds
        stalled.settimeout(10)
        stalled.connect(("127.0.0.1", port))
        stalled.sendall(f"GET {path} HTTP/1.1\r\nHost: h\r\n\r\n".encode())
        wait_until(lambda: len(lambda_mock.invocations) == 1)
        # The same function again, through boto3: it gets the environment the URL's invocation used. Were that
        # environment's thread still writing to the stalled client, this would time out (Timeout: 3 s).
        response = client.invoke(FunctionName="f", Payload=b"{}")
        assert "FunctionError" not in response and len(response["Payload"].read()) > 6_000_000
        assert lambda_mock.invocations[-1].cold is False
        # The stalled client gets all of it once it reads.
        received = bytearray()
        while b"\r\n\r\n" not in received or len(received) < received.index(b"\r\n\r\n") + 4 + 6_000_000:
            chunk = stalled.recv(1 << 20)
            assert chunk, "the connection closed before the whole response came"
            received += chunk
        assert received.startswith(b"HTTP/1.1 200 ") and b"Content-Length: 6000000\r\n" in received


def test_an_oversized_request_is_refused_unread():
    # Not recorded: AWS's 6 MB invocation limit, answered with Invoke's text in the URL refusals' form.
    with mock_lambda() as mock:
        url = public(boto3.client("lambda", region_name=REGION), mock)
        connection = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=10)
        connection.putrequest("POST", url.split(str(port_of(url)), 1)[1])
        connection.putheader("Content-Length", str(6 * 1024 * 1024 + 1))
        connection.endheaders()
        response = connection.getresponse()
        assert (response.status, response.getheader("x-amzn-ErrorType")) == (413, "RequestEntityTooLargeException")
        assert response.read() == (b'{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction '
                                   b'operation"}')
        connection.close()
        assert mock.invocations == []


def test_a_request_whose_event_is_over_6_mb_is_refused():
    # "The maximum payload size is 6 MB" (config-rs-invoke-furls): the event's, and a binary body is in base64 in it.
    with mock_lambda() as mock:
        url = public(boto3.client("lambda", region_name=REGION), mock)
        connection = http.client.HTTPConnection("127.0.0.1", port_of(url), timeout=10)
        connection.request("POST", url.split(str(port_of(url)), 1)[1], body=b"\x00" * 5_000_000,
                           headers={"Content-Type": "application/octet-stream"})
        response = connection.getresponse()
        assert (response.status, response.getheader("x-amzn-ErrorType")) == (413, "RequestEntityTooLargeException")
        response.read()
        connection.close()
        assert mock.invocations == []


def test_a_chunked_request_body_arrives_whole(client, lambda_mock):
    url = public(client, lambda_mock)
    body = iter([b"hello ", b"chunked ", b"world"])
    event = fetch(url, body, {"Content-Type": "text/plain", "Transfer-Encoding": "chunked"}).json()  # type: ignore[arg-type]
    assert event["body"] == "hello chunked world" and event["headers"]["content-length"] == "19"
    assert "transfer-encoding" not in event["headers"]  # hop by hop (RFC 9110): framing of the connection alone


def test_odd_requests_get_answers_and_the_server_goes_on(client, lambda_mock):
    url = public(client, lambda_mock, "def handler(event, context):\n    return {'statusCode': 204, 'body': 'x'}\n")
    port, path = port_of(url), url.split(str(port_of(url)), 1)[1]
    for raw in (b"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
                f"POST {path} HTTP/1.1\r\nHost: h\r\nContent-Length: many\r\n\r\n".encode(),
                f"POST {path} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".encode()):
        with socket.create_connection(("127.0.0.1", port), timeout=10) as raw_connection:
            raw_connection.sendall(raw)
            assert raw_connection.recv(65536).split(b" ", 2)[1] in (b"403", b"400")
    # A 204 goes out without a body, whatever the function gave: the connection stays usable.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        for _ in range(2):
            connection.request("GET", path)
            response = connection.getresponse()
            assert (response.status, response.read(), response.getheader("Content-Length")) == (204, b"", None)
    finally:
        connection.close()


def test_function_url_needs_a_url_config(client, lambda_mock, create_function):
    with pytest.raises(KeyError, match="no function 'f' in this mock"):  # not "create a URL": a function first
        lambda_mock.function_url("f")
    create_function("f")
    with pytest.raises(LookupError, match="f has no function URL"):
        lambda_mock.function_url("f")
    client.publish_version(FunctionName="f")
    client.create_alias(FunctionName="f", Name="live", FunctionVersion="1")
    client.create_function_url_config(FunctionName="f", Qualifier="live", AuthType="NONE")
    assert lambda_mock.function_url("f", "live") == lambda_mock.function_url("f:live")
    with pytest.raises(LookupError, match=r"f has no function URL of its own \(aliases with one: live\): pass the "
                                          "alias as qualifier"):
        lambda_mock.function_url("f")


def test_the_invocation_is_an_ordinary_one(client, lambda_mock):
    url = public(client, lambda_mock)
    fetch(url + "x", b"{}", {"Content-Type": "application/json"})
    (invocation,) = lambda_mock.invocations
    assert (invocation.function_name, invocation.qualifier, invocation.invocation_type) == ("f", None, "RequestResponse")
    assert b'"rawPath": "/x"' in invocation.event


def test_a_throttled_url_answers_429(client, lambda_mock):
    # Documented (urls-configuration): reserved concurrency 0 makes every request a 429. The body is
    # not recorded: the text of Invoke's throttle, in the form of the URL refusals.
    url = public(client, lambda_mock)
    client.put_function_concurrency(FunctionName="f", ReservedConcurrentExecutions=0)
    answer = fetch(url)
    assert (answer.status, answer.json()) == (429, {"Message": "Rate Exceeded."})
    assert answer.headers["x-amzn-ErrorType"] == "TooManyRequestsException"


def test_nothing_leaves_the_machine(escapes, client, lambda_mock):
    assert fetch(public(client, lambda_mock)).status == 200
    assert escapes.attempts == []


# -- who may call ---------------------------------------------------------------------------------


def test_without_a_permission_a_public_url_is_forbidden(client, lambda_mock, create_function):
    # TestLambdaPermissions::test_lambda_permission_url_invocation.
    create_function("f")
    client.create_function_url_config(FunctionName="f", AuthType="NONE")
    answer = fetch(lambda_mock.function_url("f"))
    assert (answer.status, answer.json(), answer.headers["x-amzn-ErrorType"]) == \
        (403, FORBIDDEN, "AccessDeniedException")
    assert lambda_mock.invocations == []
    # A permission for another action, or for AWS_IAM URLs only, does not open it either.
    client.add_permission(FunctionName="f", StatementId="iam", Action="lambda:InvokeFunctionUrl", Principal="*",
                          FunctionUrlAuthType="AWS_IAM")
    client.add_permission(FunctionName="f", StatementId="invoke", Action="lambda:InvokeFunction", Principal="*")
    assert fetch(lambda_mock.function_url("f")).status == 403


def test_an_unknown_url_id_is_forbidden_with_a_null_message(client, lambda_mock):
    # TestLambdaURL::test_lambda_url_non_existing_url (asserts the exact body and headers).
    url = public(client, lambda_mock)
    unknown = f"http://127.0.0.1:{port_of(url)}/0123456789abcdefghijklmnopqrstuv/"
    for target in (unknown, unknown + "some/path"):
        answer = fetch(target)
        assert (answer.status, answer.body) == (403, b'{"Message":null}')
        assert answer.headers["Content-Type"] == "application/json"
        assert answer.headers["x-amzn-ErrorType"] == "AccessDeniedException"


def test_each_url_is_an_origin_of_its_own_so_root_relative_paths_stay_on_it(client, lambda_mock):
    # As each AWS URL is a host of its own: a redirect to /landing (as Flask's redirect() sends it), or a
    # page's link to /static/..., reaches the same URL.
    source = """
def handler(event, context):
    if event["rawPath"] == "/start":
        return {"statusCode": 302, "headers": {"Location": "/landing?from=start"}}
    return {"statusCode": 200, "body": context.function_name + " at " + event["rawPath"] + "?" + event["rawQueryString"]}
"""
    first, second = public(client, lambda_mock, source, "first"), public(client, lambda_mock, source, "second")
    assert port_of(first) != port_of(second)
    assert fetch(first + "start").body == b"first at /landing?from=start"  # urllib follows the redirect
    assert fetch(f"http://127.0.0.1:{port_of(second)}/").body == b"second at /?"
    assert lambda_mock.function_url("first") == first  # the same port each time


def test_only_a_first_segment_of_exactly_32_letters_and_digits_is_taken_for_a_url_id(client, lambda_mock):
    # limitations.md: a path whose first segment is 32 lowercase letters and digits is taken for a URL id; a longer
    # segment, or the URL id alone, is a path of the URL whose port it was sent to.
    url = public(client, lambda_mock)
    port, url_id = port_of(url), url.rstrip("/").rsplit("/", 1)[1]
    longer = "a" * 40
    assert fetch(f"http://127.0.0.1:{port}/{longer}/x").json()["rawPath"] == f"/{longer}/x"
    assert fetch(f"http://127.0.0.1:{port}/{url_id}").json()["rawPath"] == "/"


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
