"""One connection to a function URL: its HTTP/1.1 requests read, handed to the gateway and answered, kept alive."""

from __future__ import annotations

import contextlib
import io
import re
import select
import socket
import time
import traceback
from http.server import BaseHTTPRequestHandler
from typing import Any, NamedTuple, Optional

from lambdamock import ids
from lambdamock.protocol.codec import http_date
from lambdamock.runtime import waits
from lambdamock.state.service import Service
from lambdamock.urls import gateway, responses
from lambdamock.urls.messages import BODY_LIMIT, Request, Response

# An idle keep-alive connection is closed after this many seconds (it holds a thread meanwhile).
_IDLE_S = 5.0
_CHUNK = 64 * 1024
_LINE = 65537  # the longest chunk-size line read
# How long, at most, the rest of a refused request is read and dropped (see Exchange._linger).
_LINGER_S = 30.0
# A path that starts with a URL id is for that URL (as mock.function_url's base has it); any other path is for
# the URL of the port it was sent to, so root-relative redirects and links stay on that URL.
_NAMED = re.compile(r"/([0-9a-z]{32})(?=/|$)")
_BODILESS = (204, 304)  # statuses HTTP sends without a body, whatever the function returned
# The front end's own headers: it frames the body it buffered and dates its answer, so the function's values
# of these are not sent (two Content-Lengths, or a chunked one over a plain body, would break the response).
_FRONT_END = frozenset(("connection", "content-length", "transfer-encoding", "date"))


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


def _utf8(text: str) -> str:
    """A header value read as UTF-8 (http.server reads each byte as a character); what is not UTF-8 becomes U+FFFD."""
    return text if text.isascii() else text.encode("latin-1").decode("utf-8", "replace")


class BadRequest(Exception):
    """The request's framing cannot be read."""


class Port(NamedTuple):
    """What a connection's requests are answered from: the mock, and the URL whose port it came in on."""

    service: Service
    url_id: str


class _Incoming(io.RawIOBase):
    """A connection's bytes as they come, for its buffered reader: each read waits in ``Exchange._receive``."""

    def __init__(self, exchange: Exchange) -> None:
        super().__init__()
        self._exchange = exchange

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._exchange._receive(buffer)


class Exchange(BaseHTTPRequestHandler):
    """One connection's requests, read and answered one after the other (the standard library parses them).

    A response is sent by the thread that ends its invocation (the environment's, see waits.relay) while
    the connection's thread reads on (``_receive``): one thread wakes per request fewer than if the
    connection's thread waited for the response and sent it.
    """

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, a keep-alive client's delayed ACK
    # holds every response back by some 40 ms.
    disable_nagle_algorithm = True
    timeout = _IDLE_S
    server: Port  # type: ignore[assignment]  # ours, not a socketserver
    _relay: Optional[waits.Relay[Response]]  # the response in flight
    _unsent: bytes  # what the socket did not take at once, left to the connection's thread
    _closing: bool  # the response in flight closes the connection
    _refused: bool  # a request was refused unread: what the client still sends of it is dropped before closing
    _quiet: float  # since when the connection has been quiet (time.monotonic): the last bytes either way
    _sender: socket.socket  # the connection, for other threads: it never blocks
    _wake: socket.socket  # readable when the thread that sent a response left something to this one
    _waker: socket.socket
    _poll: select.poll

    def setup(self) -> None:
        super().setup()
        self._relay, self._unsent, self._closing, self._quiet = None, b"", False, time.monotonic()
        self._refused = False
        self._sender = self.connection.dup()
        self._sender.setblocking(False)  # a client that does not read never holds up an environment's thread
        self._wake, self._waker = socket.socketpair()
        self._waker.setblocking(False)  # a wake already pending is enough: no sending thread ever waits on it
        self._poll = select.poll()  # not select.select, which takes no descriptor past 1023
        for own in (self._sender, self._wake):
            self._poll.register(own, select.POLLIN)
        self.rfile.close()  # the standard library's reader: ours waits in _receive
        self.rfile = io.BufferedReader(_Incoming(self))

    def handle(self) -> None:
        super().handle()
        self._settle()  # the last response, when the request asked to close
        if self._refused:
            self._linger()

    def _linger(self) -> None:
        """Drop what the client still sends of a request refused unread, once the refusal is out and the connection
        half-closed, until it stops: a client still sending it (http.client and urllib.request send all of a
        request before they read) then reads the refusal instead of a reset, as AWS's clients read its 413 for an
        upload over 6 MB to a function URL (ducktors/turborepo-remote-cache#677)."""
        deadline = time.monotonic() + _LINGER_S
        with contextlib.suppress(OSError):  # a reset, a stop (close() shuts the connection), or quiet too long
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            while time.monotonic() < deadline:
                self.connection.settimeout(min(_IDLE_S, max(0.0, deadline - time.monotonic())))
                if not self.connection.recv(_CHUNK):
                    return

    def handle_expect_100(self) -> bool:
        """A body over the limit is refused at once, in place of a 100 Continue that would have it sent."""
        try:
            too_large = int(self.headers.get("Content-Length") or 0) > BODY_LIMIT
        except ValueError:
            too_large = False  # a bad request: _serve says so
        return True if too_large else super().handle_expect_100()

    def _receive(self, buffer: memoryview) -> int:
        """Read what has come into ``buffer``, waiting for it; 0 once the connection is to close.

        Meanwhile carry the response in flight on at its invocation's deadline, and send what the
        thread that sent it left unsent.
        """
        while True:
            relay = self._relay
            if relay is not None and relay.ended:
                self._settle()  # what the socket did not take at once
                if self._closing:
                    return 0
                relay = None
            if relay is None:
                left = self._quiet + _IDLE_S - time.monotonic()
                if left <= 0:
                    raise socket.timeout("idle")  # as a read that timed out: http.server closes the connection
            else:  # looked at again at least once an idle period, to see whether it ended
                due = relay.due()
                left = _IDLE_S if due is None else min(due, _IDLE_S)
            ready = {descriptor for descriptor, _ in self._poll.poll(left * 1000)}  # readable, or closed
            if self._wake.fileno() in ready:
                self._wake.recv(64)
                if self._unsent or self._closing:  # left to this thread by the one that sent the response
                    self._settle()  # which waits the moment it takes that thread to end the relay
                    if self._closing:
                        return 0
                    continue
            if relay is not None:
                relay.carry_on()  # at its deadline (nothing, before)
            if self._sender.fileno() in ready:
                with contextlib.suppress(BlockingIOError):
                    received = self._sender.recv_into(buffer)
                    self._quiet = time.monotonic()
                    return received

    # What a request gets (its answer, a refusal, a 100 Continue) goes after the response before it.

    def parse_request(self) -> bool:
        self._settle()
        return super().parse_request()

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        self._settle()  # a request line too long to parse is refused before parse_request
        self._refused = True  # it closes the connection: what is left of the request is not read (see _linger)
        super().send_error(code, message, explain)

    def _settle(self) -> None:
        """Return once the response in flight is sent whole."""
        if self._relay is not None:
            self._relay.finish()
            self._relay = None
        if self._unsent:
            unsent, self._unsent = self._unsent, b""
            self.wfile.write(unsent)
            self._quiet = time.monotonic()

    def finish(self) -> None:
        try:
            if self._relay is not None:
                self._relay.finish()  # nothing is left running on a connection that is gone
        finally:
            super().finish()
            for own in (self._sender, self._wake, self._waker):
                own.close()

    def _serve(self) -> None:
        if self._closing:
            self.close_connection = True  # it closed the connection: this request came too late
            return
        path, _, query = self.path.partition("?")
        if not path.startswith("/"):
            self.send_error(400)  # "*", or a proxy's absolute URL: no path of a function URL
            return
        named = _NAMED.match(path)
        identifier, path = (self.server.url_id, path) if named is None else (named.group(1), path[named.end():] or "/")
        try:
            body = self._body()
        except BadRequest:
            self._settle()
            if self._closing:  # its body was cut short by the response before it, which closed the connection
                self.close_connection = True
                return
            self.send_error(400)
            return
        if body is None:
            self.close_connection = True  # the body was not read: the connection cannot be reused
            self._refused = True
            refusal = responses.too_large()
            refusal.headers.append(("x-amzn-RequestId", ids.request_id()))  # as every answer of the front end
            self._send(refusal)
            return
        headers = [(name, _utf8(value)) for name, value in self.headers.items()]
        request = Request(self.command, path, query, headers, body, self.client_address[0])
        self._relay = waits.relay(gateway.answer(self.server.service, identifier, request), self._send,
                                  self._failed, self._nudge)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _body(self) -> Optional[bytes]:
        """The request body; None when it is larger than AWS accepts."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._chunks()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BadRequest() from None
        if length < 0:
            raise BadRequest()
        if length > BODY_LIMIT:
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client ended the connection first: RFC 9112, 8, an incomplete request
            raise BadRequest()
        return body

    def _chunks(self) -> Optional[bytes]:
        data = bytearray()
        while True:
            try:
                size = int(self.rfile.readline(_LINE).split(b";", 1)[0], 16)
            except ValueError:
                raise BadRequest() from None
            if size == 0:
                break
            if len(data) + size > BODY_LIMIT:
                return None
            data += self.rfile.read(size)
            self.rfile.readline(_LINE)  # the chunk's closing CRLF
        while self.rfile.readline(_LINE).strip():
            pass  # trailers, up to the blank line
        return bytes(data)

    def _failed(self, error: BaseException) -> None:
        """A lambdamock bug: shown, and answered, never a dropped connection."""
        traceback.print_exception(type(error), error, error.__traceback__)
        self._send(Response(500, [("Content-Type", "text/plain")], b"lambdamock failed to answer this request"))

    def _nudge(self) -> None:
        """Have the connection's thread look again at when to carry the response in flight on (see _receive)."""
        with contextlib.suppress(OSError):
            self._waker.send(b"!")

    def _send(self, response: Response) -> None:
        """Send what the socket takes now, on whichever thread ends the request; the rest is left in _unsent."""
        data = self._encode(response)
        try:
            while data:
                data = data[self._sender.send(data):]
        except OSError:
            pass  # full (BlockingIOError), or gone: the connection's thread sends the rest, or finds out
        self._unsent = data
        self._quiet = time.monotonic()
        if data or self._closing:
            with contextlib.suppress(OSError):
                self._waker.send(b"!")  # over to the connection's thread (see _receive)

    def _encode(self, response: Response) -> bytes:
        chunked = response.streamed and self.request_version != "HTTP/1.0"
        lines = [f"{self.protocol_version} {response.status} {self.responses.get(response.status, ('',))[0]}"]
        closing = self.close_connection
        for name, value in response.headers:
            # A function's headers cannot add lines of their own to the response.
            name, value = _one_line(name), _one_line(value)
            key = name.lower()
            if key in _FRONT_END:  # the server's to say; a close is heeded
                closing = closing or (key == "connection" and value.lower() == "close")
                continue
            lines.append(f"{name}: {value}")
        lines.append(f"Date: {http_date()}")
        bodiless = response.status in _BODILESS
        if not bodiless:
            lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(response.body)}")
        self._closing = closing = closing or (response.streamed and not chunked)
        # As Lambda's front end says it (recorded: LocalStack's CloudFormation test_cfn_function_url).
        lines.append("Connection: close" if closing else "Connection: keep-alive")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "replace")  # as requests are read
        if self.command == "HEAD" or bodiless:
            return head
        if not chunked:
            return head + response.body
        pieces = [head]
        for start in range(0, len(response.body), _CHUNK):
            piece = response.body[start : start + _CHUNK]
            pieces.append(b"%x\r\n%s\r\n" % (len(piece), piece))
        pieces.append(b"0\r\n\r\n")
        return b"".join(pieces)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a test's output is not an access log."""
