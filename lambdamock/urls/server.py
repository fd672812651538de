"""The loopback HTTP/1.1 server of function URLs: 127.0.0.1 only, keep-alive, a bounded pool of threads."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler
from typing import Any, Optional

from lambdamock.errors import MockStoppedError
from lambdamock.runtime import waits
from lambdamock.state.service import Service
from lambdamock.urls import gateway, responses
from lambdamock.urls.messages import BODY_LIMIT, Request, Response
from lambdamock.workers import Workers

# Connections served at once; more wait for a free thread.
_WORKERS = 16
# An idle keep-alive connection is closed after this many seconds (it holds a thread meanwhile).
_IDLE_S = 5.0
# How long close() waits, in all, for the threads that are not running a function to leave.
_CLOSE_JOIN_S = 1.0
_CHUNK = 64 * 1024
_LINE = 65537  # the longest chunk-size line read
_BODILESS = (204, 304)  # statuses HTTP sends without a body, whatever the function returned
_CONNECTION = ("close", "keep-alive")


def _one_line(text: str) -> str:
    return text.replace("\r", " ").replace("\n", " ")


class BadRequest(Exception):
    """The request's framing cannot be read."""


class _Exchange(BaseHTTPRequestHandler):
    """One connection's requests, read and answered one after the other (the standard library parses them)."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, a keep-alive client's delayed ACK
    # holds every response back by some 40 ms.
    disable_nagle_algorithm = True
    timeout = _IDLE_S
    server: Server  # type: ignore[assignment]  # ours, not a socketserver

    def _serve(self) -> None:
        path, _, query = self.path.partition("?")
        # /<url id>/<the URL's own path>: the id says which URL, the rest is what the function sees.
        parts = path.split("/", 2)
        identifier = parts[1] if len(parts) > 1 else ""
        try:
            body = self._body()
        except BadRequest:
            self.send_error(400)
            return
        if body is None:
            self.close_connection = True  # the body was not read: the connection cannot be reused
            self._send(responses.too_large())
            return
        request = Request(self.command, "/" + "".join(parts[2:]), query, list(self.headers.items()), body,
                          self.client_address[0])
        self._unsent = b""
        try:
            # The environment's thread sends the response as its handler returns (see waits.relay).
            waits.relay(gateway.answer(self.server.service, identifier, request), self._send)
        except Exception:  # a lambdamock bug: shown, and answered, never a dropped connection
            traceback.print_exc()
            self._send(Response(500, [("Content-Type", "text/plain")], b"lambdamock failed to answer this request"))
        if self._unsent:
            self.wfile.write(self._unsent)  # what the socket did not take at once

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
        return None if length > BODY_LIMIT else self.rfile.read(length)

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

    def _send(self, response: Response) -> None:
        """Send what the socket takes now, on whichever thread ends the request; the rest is left in _unsent."""
        data = self._encode(response)
        connection = self.connection
        connection.settimeout(0.0)  # a client that does not read never holds up an environment's thread
        try:
            while data:
                data = data[connection.send(data):]
        except OSError:
            pass  # full (BlockingIOError), or gone: the exchange's own thread sends the rest, or finds out
        finally:
            connection.settimeout(self.timeout)
        self._unsent = data

    def _encode(self, response: Response) -> bytes:
        chunked = response.streamed and self.request_version != "HTTP/1.0"
        lines = [f"{self.protocol_version} {response.status} {self.responses.get(response.status, ('',))[0]}"]
        for name, value in response.headers:
            # A function's headers cannot add lines of their own to the response.
            name, value = _one_line(name), _one_line(value)
            lines.append(f"{name}: {value}")
            if name.lower() == "connection" and value.lower() in _CONNECTION:  # as http.server reads it
                self.close_connection = value.lower() == "close"
        lines.append(f"Date: {self.date_time_string()}")
        bodiless = response.status in _BODILESS
        if not bodiless:
            lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(response.body)}")
        if self.close_connection or (response.streamed and not chunked):
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "strict")
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


class Server:
    """Accepts on 127.0.0.1 and hands each connection to one of at most _WORKERS threads of the mock."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()  # guards _open
        self._open: set[socket.socket] = set()
        self._workers: Workers[tuple[socket.socket, Any]] = Workers(service.spawn, self._exchange, _WORKERS,
                                                                    "lambdamock-url")
        self._acceptor = service.spawn(self._accept, "lambdamock-url-accept")

    @classmethod
    def of(cls, service: Service) -> Server:
        """The service's server, started on first use."""
        with service.lock:
            if service.closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            if service.url_server is None:
                service.url_server = cls(service)
            found = service.url_server
        assert isinstance(found, Server)
        return found

    def _accept(self) -> None:
        while True:
            try:
                connection, address = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                self._open.add(connection)
            if not self._workers.put([(connection, address)]):
                self._done(connection)
                return

    def _exchange(self, accepted: tuple[socket.socket, Any]) -> None:
        connection, address = accepted
        try:
            _Exchange(connection, address, self)  # type: ignore[arg-type]  # it needs only .answer
        except OSError:
            pass  # the client went away, or close() shut the connection
        except Exception:  # a lambdamock bug: shown; it ends this connection, never the thread
            traceback.print_exc()
        finally:
            self._done(connection)

    def _done(self, connection: socket.socket) -> None:
        with self._lock:
            self._open.discard(connection)
        connection.close()

    def close(self) -> None:
        """Close the port and every connection; threads that are not running a function end before this returns."""
        waiting, idle = self._workers.close()
        with self._lock:
            connections = list(self._open)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() in progress
        self._listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes a read in progress: the exchange ends
        for connection, _ in waiting:
            self._done(connection)
        deadline = time.monotonic() + _CLOSE_JOIN_S
        for thread in [self._acceptor, *idle]:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
