"""The loopback HTTP/1.1 server of function URLs: 127.0.0.1 only, a bounded pool of threads for its connections."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
import traceback
from typing import Any

from lambdamock.errors import MockStoppedError
from lambdamock.state.service import Service
from lambdamock.urls.exchange import Exchange
from lambdamock.workers import Workers

# Connections served at once; more wait for a free thread.
_WORKERS = 16
# How long close() waits, in all, for the threads that are not running a function to leave.
_CLOSE_JOIN_S = 1.0


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
            Exchange(connection, address, self)  # type: ignore[arg-type]  # it needs only .answer
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
