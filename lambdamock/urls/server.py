"""The loopback HTTP/1.1 server of function URLs: 127.0.0.1 only, a port per URL, a bounded pool of threads."""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
import traceback
from typing import Any

from lambdamock.errors import MockStoppedError
from lambdamock.state.service import Service
from lambdamock.urls.exchange import Exchange, Port
from lambdamock.workers import Workers

# Connections served at once; more wait for a free thread. A kept-alive connection holds its thread until it closes
# or idles out (exchange._IDLE_S), so this is above the pools of common clients (aiohttp's and httpx's 100, a
# requests.Session mounted with a larger pool_maxsize for its threads): a connection of theirs left waiting behind
# the others would get its answer only once another idled out, seconds late, where AWS's front end answers at once.
_WORKERS = 128
# How long close() waits, in all, for the threads that are not running a function to leave.
_CLOSE_JOIN_S = 1.0


class Server:
    """Listens on 127.0.0.1, on a port of each function URL's own (an origin of its own, as on AWS), and hands
    each connection to one of at most _WORKERS threads of the mock."""

    def __init__(self, service: Service) -> None:
        self.service = service
        self._lock = threading.Lock()  # guards _ports, _clients, _new, _open and _closed
        self._ports: dict[str, int] = {}  # each URL id's port
        self._clients: dict[str, Any] = {}  # urllib3's pool of connections to each URL id's port (see client())
        self._listeners: list[socket.socket] = []
        self._new: list[tuple[socket.socket, str]] = []  # listeners the acceptor is yet to watch
        self._open: set[socket.socket] = set()
        self._closed = False
        self._selector = selectors.DefaultSelector()  # the acceptor's alone
        self._wake, self._waker = socket.socketpair()  # readable when there are new listeners, or on close
        self._selector.register(self._wake, selectors.EVENT_READ)
        self._workers: Workers[tuple[socket.socket, Any, str]] = Workers(service.spawn, self._exchange, _WORKERS,
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

    def port(self, url_id: str) -> int:
        """The port of the URL with id ``url_id``, listening from the first time it is asked for."""
        with self._lock:
            if self._closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            if url_id not in self._ports:
                listener = socket.create_server(("127.0.0.1", 0))
                listener.setblocking(False)  # another thread may take a connection first: accept() must not wait
                self._listeners.append(listener)
                self._new.append((listener, url_id))
                self._ports[url_id] = listener.getsockname()[1]
                self._waker.send(b"!")  # connections wait in the listener's backlog until the acceptor watches it
            return self._ports[url_id]

    def client(self, url_id: str) -> Any:
        """urllib3's pool of connections to the URL's port, for the requests a test sends to its AWS host name
        (see lambdamock._handed_out); closed with the server."""
        port = self.port(url_id)
        with self._lock:
            if url_id not in self._clients:
                import urllib3

                self._clients[url_id] = urllib3.HTTPConnectionPool("127.0.0.1", port, maxsize=_WORKERS)
            return self._clients[url_id]

    def _accept(self) -> None:
        while True:
            for key, _ in self._selector.select():
                if key.fileobj is self._wake:
                    self._wake.recv(64)
                    with self._lock:
                        if self._closed:
                            return
                        new, self._new = self._new, []
                    for listener, url_id in new:
                        self._selector.register(listener, selectors.EVENT_READ, url_id)
                    continue
                try:
                    connection, address = key.fileobj.accept()  # type: ignore[union-attr]  # a listener
                except OSError:
                    continue  # taken already, or aborted by the client
                with self._lock:
                    self._open.add(connection)
                if not self._workers.put([(connection, address, key.data)]):
                    self._done(connection)
                    return

    def _exchange(self, accepted: tuple[socket.socket, Any, str]) -> None:
        connection, address, url_id = accepted
        try:
            Exchange(connection, address, Port(self.service, url_id))  # type: ignore[arg-type]  # see Port
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
        """Close the ports and every connection; threads that are not running a function end before this returns."""
        waiting, idle = self._workers.close()
        with self._lock:
            self._closed = True
            connections, clients = list(self._open), list(self._clients.values())
        for client in clients:
            client.close()
        with contextlib.suppress(OSError):
            self._waker.send(b"!")
        deadline = time.monotonic() + _CLOSE_JOIN_S
        if self._acceptor is not threading.current_thread():
            self._acceptor.join(max(0.0, deadline - time.monotonic()))
        for own in [*self._listeners, self._wake, self._waker]:
            own.close()
        self._selector.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)  # wakes a read in progress: the exchange ends
        for connection, _, _ in waiting:
            self._done(connection)
        for thread in idle:
            if thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))
