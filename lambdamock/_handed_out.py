"""Addresses a mock hands out that a test's own HTTP client may ask for, through urllib3 (``requests`` sends
through it) or urllib.request: a package URL is answered in process (see _downloads), and a request for a function
URL's host name goes to the URL's loopback port (see urls). Neither is sent anywhere else: any other client finds
that their host names do not resolve."""

from __future__ import annotations

import io
import re
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from lambdamock import _downloads

# A function URL's host name (see state.urls.domain): its URL id, then the region's name.
_FUNCTION_URL = re.compile(r"([0-9a-z]{32})\.lambda-url\.[0-9a-z-]+\.on\.aws\.?")


def _url_id(host: Optional[str]) -> Optional[str]:
    """The URL id a function URL's host name names; None for any other host."""
    found = _FUNCTION_URL.fullmatch(host.lower()) if host and host.endswith((".aws", ".aws.")) else None
    return None if found is None else found[1]


def _loopback(hosts: tuple[Optional[str], ...]) -> Optional[tuple[Any, str]]:
    """The loopback server and URL id standing for the first of ``hosts`` that is a function URL's, while a mock
    serves; None otherwise."""
    url_id = next(filter(None, map(_url_id, hosts)), None)
    service = None if url_id is None else _downloads.serving()
    if service is None:
        return None
    from lambdamock.urls import Server

    return Server.of(service), str(url_id)


def getaddrinfo(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # socket.getaddrinfo(host, port, ...), through which every other client (http.client, asyncio's, httpx's,
    # aiohttp's) finds where to connect: a handed-out host name does not resolve, so nothing reaches AWS's.
    host = args[0] if args else kwargs.get("host")
    name = host.decode("ascii", "replace") if isinstance(host, (bytes, bytearray)) else host
    if isinstance(name, str) and (_downloads.ours(name) or _url_id(name) is not None):
        import socket

        instead = "; call the function URL at mock.function_url()" if _url_id(name) else ""
        raise socket.gaierror(socket.EAI_NONAME, f"lambdamock answers {name} itself, through requests, urllib3 and "
                                                 f"urllib.request only{instead}")
    return wrapped(*args, **kwargs)


def urlopen(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # urllib3's HTTPConnectionPool.urlopen(method, url, body=None, headers=None, ...): a request for, or to, a
    # package host is answered here, before any connection (or proxy) is made, and one for a function URL's host
    # goes to its loopback port instead. Through an HTTP proxy, the pool is the proxy's and ``url`` is whole;
    # read as urllib3 reads it. A pool of a package host never connects.
    raw = args[1] if len(args) > 1 else kwargs["url"]
    if raw.startswith("/"):  # a path (which may start with "//"), on the pool's host: the common case, cheap
        hosts: tuple[Optional[str], ...] = (instance.host,)
        target = raw.split("#", 1)[0]
    else:
        from urllib3.util import parse_url

        whole = parse_url(raw)
        hosts, target = (whole.host, instance.host), whole.request_uri
    host = next((host for host in hosts if _downloads.ours(host)), None)
    if host is not None:
        return _answered(host, target.split("?", 1)[0] or "/", args, kwargs)
    found = _loopback(hosts)
    if found is None:
        return wrapped(*args, **kwargs)
    server, url_id = found
    pool, forwarded = server.client(url_id), f"/{url_id}{target}"
    if len(args) > 1:
        return pool.urlopen(args[0], forwarded, *args[2:], **kwargs)
    return pool.urlopen(*args, **{**kwargs, "url": forwarded})


def _answered(host: str, path: str, args: Any, kwargs: Any) -> Any:
    """urllib3's response to its request for a package URL."""
    from urllib3.response import HTTPResponse

    method = args[0] if args else kwargs["method"]
    sent: Mapping[str, str] = (args[3] if len(args) > 3 else kwargs.get("headers")) or {}
    asked = next((value for name, value in sent.items() if name.lower() == "range"), None)
    status, headers, body = _downloads.answer(host, path, method, asked)
    return HTTPResponse(body=io.BytesIO(body), headers=headers, status=status, reason=_downloads.REASONS[status],
                        preload_content=kwargs.get("preload_content", True),
                        decode_content=kwargs.get("decode_content", True), request_method=method)


class _Received:
    """What http.client reads a response from: the bytes of one, already whole."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, *_: Any, **__: Any) -> io.BytesIO:
        return io.BytesIO(self._data)


def do_open(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # urllib.request's AbstractHTTPHandler.do_open(http_class, req, **http_conn_args), which every opener's HTTP
    # and HTTPS handlers call: a request for a package URL is answered here, before any connection (or proxy)
    # is made, and one for a function URL's host goes to its loopback port instead. Through a proxy, the
    # request's full URL still names the host.
    request = args[1] if len(args) > 1 else kwargs["req"]
    target = urlsplit(request.full_url)
    if _downloads.ours(target.hostname):
        return _received(request)
    found = _loopback((target.hostname,))
    if found is None:
        return wrapped(*args, **kwargs)
    import http.client
    import urllib.request

    server, url_id = found
    query = f"?{target.query}" if target.query else ""
    loopback = urllib.request.Request(f"http://127.0.0.1:{server.port(url_id)}/{url_id}{target.path or '/'}{query}",
                                      data=request.data, headers=dict(request.header_items()),
                                      method=request.get_method())
    loopback.timeout = request.timeout
    response = wrapped(http.client.HTTPConnection, loopback)
    response.url = request.get_full_url()  # the address asked for, as urllib.request's answers name it
    return response


def _received(request: Any) -> Any:
    """What do_open returns for urllib.request's request for a package URL."""
    import http.client

    target, method = urlsplit(request.full_url), request.get_method()
    status, headers, body = _downloads.answer(str(target.hostname), target.path or "/", method,
                                              request.get_header("Range"))
    lines = [f"HTTP/1.1 {status} {_downloads.REASONS[status]}", *(f"{name}: {value}" for name, value in
                                                                   headers.items())]
    sent = _Received("\r\n".join([*lines, "", ""]).encode("latin-1") + body)
    response = http.client.HTTPResponse(sent, method=method, url=request.full_url)  # type: ignore[arg-type]
    response.begin()
    # As do_open leaves what it returns: the URL, and the reason as msg (where HTTPErrorProcessor reads it).
    response.url = request.get_full_url()
    response.msg = response.reason  # type: ignore[assignment]
    return response
