"""One connection to the function URL server: requests in a row, pipelined, closed, idle; header text; faults.

A response leaves from the thread that ends its invocation while the connection's thread reads on (see
urls.exchange); these tests hold the order and the closing of what one connection carries. HTTP/1.1 framing
only: AWS's front end records nothing about its connections, so nothing here is an AWS text.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import time
from typing import Iterator, Optional

import pytest

from lambdamock.urls import exchange, gateway
from tests.url_helpers import public

PATH_ECHO = (
    "import time\n"
    "def handler(event, context):\n"
    "    time.sleep(0.3 if event['rawPath'].endswith('slow') else 0)\n"
    "    headers = {'Connection': 'close'} if event['rawPath'].endswith('bye') else {}\n"
    "    return {'statusCode': 200, 'headers': headers, 'body': event['rawPath']}\n"
)


def _responses(connection: socket.socket) -> Iterator[tuple[bytes, bytes]]:
    """The responses a connection carries, as (head, body), until the server closes it."""
    received = b""
    while True:
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                assert received == b"", "the connection closed inside a response"
                return
            received += chunk
        head, _, received = received.partition(b"\r\n\r\n")
        length = int(next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")))
        while len(received) < length:
            chunk = connection.recv(65536)
            assert chunk, "the connection closed inside a response"
            received += chunk
        yield head, received[:length]
        received = received[length:]


def _connect(url: str) -> tuple[socket.socket, str]:
    address, _, path = url.split("//", 1)[1].partition("/")
    connection = socket.create_connection((address.split(":")[0], int(address.split(":")[1])), timeout=10)
    return connection, "/" + path


def _get(path: str, headers: str = "") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: h\r\n{headers}\r\n".encode()


@pytest.fixture
def no_idle_close(monkeypatch):
    """An idle connection is kept for a minute: a close that does not come at once times the client out (10 s)."""
    monkeypatch.setattr(exchange, "_IDLE_S", 60)


def test_pipelined_requests_are_answered_in_order_on_one_connection(client, lambda_mock, no_idle_close):
    # The requests arrive in one write: the second is read while the first one's function still runs, and is
    # answered after it.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "slow") + _get(prefix + "fast") + _get(prefix + "bye"))
        bodies = [body for _, body in _responses(connection)]
    assert bodies == [b"/slow", b"/fast", b"/bye"]  # and then the server closed it, as the last response said
    assert [json.loads(record.event)["rawPath"] for record in lambda_mock.invocations] == ["/slow", "/fast", "/bye"]


def test_a_request_that_asks_to_close_is_answered_then_closed(client, lambda_mock, no_idle_close):
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "slow", "Connection: close\r\n"))
        answered = list(_responses(connection))  # ends when the server closes the connection
    assert [body for _, body in answered] == [b"/slow"] and b"\r\nConnection: close" in answered[0][0]


def test_a_response_that_says_close_closes_the_connection_and_later_requests_go_unanswered(client, lambda_mock,
                                                                                           no_idle_close):
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "bye"))
        head, body = next(_responses(connection))
        assert body == b"/bye" and b"\r\nConnection: close" in head
        rest = b""
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):  # the server's end may be gone already
            connection.sendall(_get(prefix + "late"))
            rest = connection.recv(65536)
        assert rest == b""  # closed, and nothing answered
    assert [json.loads(record.event)["rawPath"] for record in lambda_mock.invocations] == ["/bye"]


def _header_lines(head: bytes, name: bytes) -> list[bytes]:
    return [line for line in head.split(b"\r\n")[1:] if line.lower().startswith(name + b":")]


def test_the_server_alone_says_what_becomes_of_the_connection(client, lambda_mock, no_idle_close):
    # A function's own Connection header is not passed on (its "close" is heeded): the one the response
    # carries says what the server does, keep-alive or close (recorded: LocalStack's CloudFormation
    # test_cfn_function_url, "connection": "keep-alive").
    source = "def handler(event, context):\n    return {'statusCode': 200, 'headers': {'Connection': 'keep-alive'}}\n"
    connection, prefix = _connect(public(client, lambda_mock, source))
    with connection:
        connection.sendall(_get(prefix + "a") + _get(prefix + "b", "Connection: close\r\n"))
        heads = [head for head, _ in _responses(connection)]
    assert [_header_lines(head, b"connection") for head in heads] == [[b"Connection: keep-alive"],
                                                                        [b"Connection: close"]]


def test_an_idle_connection_is_closed_by_the_server(client, lambda_mock, monkeypatch):
    monkeypatch.setattr(exchange, "_IDLE_S", 0.2)
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "one"))
        assert next(_responses(connection))[1] == b"/one"
        start = time.monotonic()
        assert connection.recv(65536) == b""  # closed by the server, without a request
        assert time.monotonic() - start < 5


def test_a_lambdamock_fault_is_answered_500_and_the_connection_goes_on(client, lambda_mock, monkeypatch, capsys):
    url = public(client, lambda_mock, PATH_ECHO)
    answer = gateway._answer

    def faulty(*args: object) -> gateway.Steps[Optional[object]]:
        if str(args[2].path).endswith("fault"):  # the Request
            raise RuntimeError("a lambdamock bug")
        return (yield from answer(*args))  # type: ignore[arg-type]

    monkeypatch.setattr(gateway, "_answer", faulty)
    connection, prefix = _connect(url)
    with connection:
        connection.sendall(_get(prefix + "fault") + _get(prefix + "fine"))
        replies = _responses(connection)
        head, body = next(replies)
        assert head.startswith(b"HTTP/1.1 500 ") and body == b"lambdamock failed to answer this request"
        assert next(replies)[1] == b"/fine"
    assert "RuntimeError: a lambdamock bug" in capsys.readouterr().err  # shown, never swallowed


def test_a_request_that_expects_100_continue_gets_it_before_sending_its_body(client, lambda_mock):
    # As curl sends a large body: the headers alone, then the body once the server says to go on.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix}upload HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                           "Expect: 100-continue\r\n\r\n".encode())
        assert connection.recv(65536).startswith(b"HTTP/1.1 100 Continue\r\n")
        connection.sendall(b"hello")
        assert next(_responses(connection))[1] == b"/upload"
    assert json.loads(lambda_mock.invocations[0].event)["body"] == "hello"


def test_a_body_that_comes_slowly_is_read_whole_however_long_it_takes_in_all(client, lambda_mock, monkeypatch):
    # Idle means nothing came for that long, not that the request took longer than that in all.
    monkeypatch.setattr(exchange, "_IDLE_S", 0.5)
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix}slowly HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 6\r\n\r\n".encode())
        for piece in (b"sl", b"ow", b"ly"):
            time.sleep(0.2)  # the client's pace: 0.6 s in all, each piece well within the idle period
            connection.sendall(piece)
        assert next(_responses(connection))[1] == b"/slowly"
    assert json.loads(lambda_mock.invocations[0].event)["body"] == "slowly"


@pytest.fixture
def many_open_files() -> Iterator[None]:
    """Over a thousand descriptors open, so the server's next sockets are numbered past 1023."""
    resource = pytest.importorskip("resource")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    unlimited = resource.RLIM_INFINITY
    if hard != unlimited and hard < 1200:
        pytest.skip("this process may not open 1,200 files")
    if soft != unlimited and soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1200, hard))
    opened = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        yield
    finally:
        for descriptor in opened:
            os.close(descriptor)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_connection_whose_sockets_are_numbered_past_1023_is_served(client, lambda_mock, many_open_files):
    # A process with many files open (a long test session) gives new sockets high numbers, which select() refuses.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        assert connection.fileno() > 1023
        connection.sendall(_get(prefix + "one") + _get(prefix + "two"))
        replies = _responses(connection)
        assert [next(replies)[1], next(replies)[1]] == [b"/one", b"/two"]


def test_header_values_are_utf_8_both_ways(client, lambda_mock):
    # Not recorded. AWS's front end passes UTF-8 in request headers on to the event (aws-lambda-rust-runtime
    # issue #786: a UTF-8 URL, forwarded in a header, reached the function as text the runtime could not read as
    # ASCII); lambdamock reads and writes header values as UTF-8, and reads what is not UTF-8 as U+FFFD.
    source = ("def handler(event, context):\n"
              "    headers = event['headers']\n"
              "    return {'statusCode': 200, 'headers': {'X-City': headers['x-city'], 'X-Town': 'Łódź'},\n"
              "            'body': headers['x-odd']}\n")
    connection, prefix = _connect(public(client, lambda_mock, source))
    with connection:
        connection.sendall(f"GET {prefix} HTTP/1.1\r\nHost: h\r\nX-City: São Paulo\r\n".encode() + b"X-Odd: a\xffb\r\n\r\n")
        head, body = next(_responses(connection))
    assert json.loads(lambda_mock.invocations[0].event)["headers"]["x-city"] == "São Paulo"
    assert head.startswith(b"HTTP/1.1 200 ") and "\r\nX-City: São Paulo\r\n".encode() in head
    assert "\r\nX-Town: Łódź\r\n".encode() in head  # not Latin-1: it is sent all the same
    assert body.decode() == "a\ufffdb"


def test_a_chunked_body_is_read_by_its_hex_sizes_past_extensions_and_trailers(client, lambda_mock, no_idle_close):
    # HTTP/1.1 chunked coding (RFC 9112, 7.1): chunk sizes are hexadecimal, a size may be followed by ";" and
    # extensions, the coding's name is case-insensitive, and trailer fields may follow the last chunk; the next
    # request on the connection starts after the blank line that ends them.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix}chunked HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
                           "Transfer-Encoding: Chunked\r\n\r\n".encode()
                           + b"1a;name=value\r\n" + b"x" * 26 + b"\r\n10\r\n" + b"y" * 16 + b"\r\n"
                           + b"0\r\nX-One: 1\r\nX-Two: 2\r\n\r\n" + _get(prefix + "next"))
        replies = _responses(connection)
        assert [next(replies)[1], next(replies)[1]] == [b"/chunked", b"/next"]
    assert json.loads(lambda_mock.invocations[0].event)["body"] == "x" * 26 + "y" * 16


def test_a_chunked_body_over_the_limit_is_refused_without_reading_on_and_the_connection_closed(client, lambda_mock):
    # The limit counts the chunks so far: a chunk that would take the body past 6 MB is refused as it is announced,
    # before its data comes, as test_function_urls' oversized request is (its 413 is not recorded either).
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix} HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
                           + b"300000\r\n" + b"a" * 0x300000 + b"\r\n400000\r\n")
        head, _ = next(_responses(connection))
        assert head.startswith(b"HTTP/1.1 413 ") and b"\r\nConnection: close" in head
        assert connection.recv(65536) == b""  # closed: the rest of the body is never read
    assert lambda_mock.invocations == []


def test_a_request_whose_body_is_too_large_to_read_closes_its_connection(client, lambda_mock, no_idle_close):
    # Its body is left unread, so nothing after it on the connection can be read as a request.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix} HTTP/1.1\r\nHost: h\r\nContent-Length: {6 * 1024 * 1024 + 1}\r\n\r\n"
                           .encode() + _get(prefix + "smuggled"))
        head, _ = next(_responses(connection))
        assert head.startswith(b"HTTP/1.1 413 ") and b"\r\nConnection: close" in head
        assert connection.recv(65536) == b""
    assert lambda_mock.invocations == []


@pytest.mark.parametrize("headers, size, status", [
    ({}, 7 * 1024 * 1024, 413),  # a body over 6 MB
    ({f"X-Header-{index}": "v" for index in range(101)}, 5 * 1024 * 1024, 431),  # http.server's limit on headers
])
def test_a_client_that_sends_a_refused_request_whole_before_reading_gets_the_refusal(client, lambda_mock, headers,
                                                                                     size, status):
    # AWS's front end answers an upload over 6 MB to a function URL with a 413 that the client reads (Turbo's HTTP
    # client, sending the body whole: ducktors/turborepo-remote-cache#677). http.client and urllib.request send all
    # of a request before they read: the server drops the rest of it after a refusal, never resetting the connection.
    host, _, path = public(client, lambda_mock, PATH_ECHO).split("//", 1)[1].partition("/")
    connection = http.client.HTTPConnection(host, timeout=30)
    with contextlib.closing(connection):
        connection.request("POST", "/" + path, body=b"a" * size, headers={"Content-Type": "text/plain", **headers})
        response = connection.getresponse()
        assert (response.status, response.getheader("Connection")) == (status, "close")
        if status == 413:
            assert response.getheader("x-amzn-ErrorType") == "RequestEntityTooLargeException"
            assert response.getheader("x-amzn-RequestId")
    assert lambda_mock.invocations == []


def test_a_body_over_the_limit_that_expects_100_continue_is_refused_before_it_is_sent(client, lambda_mock):
    # RFC 9110, 10.1.1: a server that will refuse the request answers with its final status instead of 100 Continue,
    # so the client (curl, for a large upload) never sends the body.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix} HTTP/1.1\r\nHost: h\r\nContent-Length: {7 * 1024 * 1024}\r\n"
                           "Expect: 100-continue\r\n\r\n".encode())
        head, _ = next(_responses(connection))
        assert head.startswith(b"HTTP/1.1 413 ") and b"\r\nConnection: close" in head
        assert connection.recv(65536) == b""
    assert lambda_mock.invocations == []


def test_a_body_cut_short_by_the_client_is_never_handed_to_the_function(client, lambda_mock):
    # RFC 9112, 8: a body shorter than its Content-Length when the connection ends is an incomplete request. Lambda's
    # front end hands a function only whole requests; a client that went away mid-upload invoked it with a part.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix}upload HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\n"
                           "Content-Length: 1000\r\n\r\npartial".encode())
        connection.shutdown(socket.SHUT_WR)  # it sends no more, and still reads
        head, _ = next(_responses(connection))
        assert head.startswith(b"HTTP/1.1 400 ")
    assert lambda_mock.invocations == []


def test_a_304_goes_out_without_a_body_and_the_connection_goes_on(client, lambda_mock, no_idle_close):
    # RFC 9110, 15.4.5: a 304 has no content, whatever the function returned (as a 204, see test_function_urls).
    source = "def handler(event, context):\n    return {'statusCode': 304, 'body': 'x'}\n"
    connection, prefix = _connect(public(client, lambda_mock, source))
    with connection:
        connection.sendall(_get(prefix) + _get(prefix, "Connection: close\r\n"))
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    heads = received.split(b"\r\n\r\n")
    assert [head.split(b" ")[1] for head in heads[:2]] == [b"304", b"304"] and heads[2] == b""
    assert not _header_lines(heads[0], b"content-length") and not _header_lines(heads[0], b"transfer-encoding")


def test_a_function_s_header_cannot_add_lines_to_the_response(client, lambda_mock):
    # Line breaks in a function's header name or value are sent as spaces: its header stays one line.
    source = ("def handler(event, context):\n"
              "    return {'statusCode': 200, 'headers': {'X-A': 'a\\rX-B: b\\nX-C: c', 'X-D\\r\\nX-E': 'e'}}\n")
    connection, prefix = _connect(public(client, lambda_mock, source))
    with connection:
        connection.sendall(_get(prefix, "Connection: close\r\n"))
        head, _ = next(_responses(connection))
    assert b"\r\nX-A: a X-B: b X-C: c\r\n" in head and b"\r\nX-D  X-E: e\r\n" in head


def test_a_response_stream_goes_to_an_http_1_0_client_unchunked_then_closes(client, lambda_mock):
    # HTTP/1.0 has no chunked coding (RFC 9112, 7): the streamed result goes out whole, its end the connection's.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO, InvokeMode="RESPONSE_STREAM"))
    with connection:
        connection.sendall(f"GET {prefix}old HTTP/1.0\r\nHost: h\r\n\r\n".encode())
        head, body = next(_responses(connection))
        assert connection.recv(65536) == b""
    assert not _header_lines(head, b"transfer-encoding") and b"\r\nConnection: close" in head
    assert json.loads(body)["body"] == "/old"


def test_a_request_pipelined_after_one_that_closes_is_never_run(client, lambda_mock, no_idle_close):
    # It came in the same write as the request whose response closes the connection: it is read, but too late.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "bye") + _get(prefix + "late"))
        assert [body for _, body in _responses(connection)] == [b"/bye"]
    assert [json.loads(record.event)["rawPath"] for record in lambda_mock.invocations] == ["/bye"]


def test_a_request_line_too_long_to_read_is_refused_after_the_response_before_it(client, lambda_mock, no_idle_close):
    # http.server refuses a request line over 65536 bytes (414) before it parses it: still in order, after the
    # slow response to the request pipelined ahead of it.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(_get(prefix + "slow") + f"GET {prefix}{'x' * 70000} HTTP/1.1\r\nHost: h\r\n\r\n".encode())
        answered = list(_responses(connection))
    assert [head.split(b" ")[1] for head, _ in answered] == [b"200", b"414"] and answered[0][1] == b"/slow"


def test_a_negative_content_length_is_a_bad_request(client, lambda_mock, no_idle_close):
    # RFC 9110, 8.6: Content-Length is a non-negative integer; a request whose framing cannot be read is refused.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"POST {prefix} HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\nhello".encode())
        head, _ = next(_responses(connection))
    assert head.startswith(b"HTTP/1.1 400 ")
    assert lambda_mock.invocations == []


def test_a_function_s_connection_close_is_heeded_in_any_case(client, lambda_mock, no_idle_close):
    # RFC 9110, 7.6.1: connection options are case-insensitive.
    source = "def handler(event, context):\n    return {'statusCode': 200, 'headers': {'Connection': 'Close'}}\n"
    connection, prefix = _connect(public(client, lambda_mock, source))
    with connection:
        connection.sendall(_get(prefix))
        heads = [head for head, _ in _responses(connection)]  # ends when the server closes the connection
    assert [_header_lines(head, b"connection") for head in heads] == [[b"Connection: close"]]


def test_a_head_response_has_no_body_and_the_connection_goes_on(client, lambda_mock, no_idle_close):
    # RFC 9110, 9.3.2: a HEAD response carries the GET's headers, Content-Length too, but never its content.
    connection, prefix = _connect(public(client, lambda_mock, PATH_ECHO))
    with connection:
        connection.sendall(f"HEAD {prefix}head HTTP/1.1\r\nHost: h\r\n\r\n".encode() + _get(prefix + "get"))
        received = b""
        while received.count(b"\r\n\r\n") < 2 or not received.endswith(b"/get"):
            chunk = connection.recv(65536)
            assert chunk, "the connection closed"
            received += chunk
    head, second = received.split(b"\r\n\r\n", 1)
    assert _header_lines(head, b"content-length") == [b"Content-Length: 5"]
    assert second.startswith(b"HTTP/1.1 200 ") and second.endswith(b"\r\n\r\n/get")
