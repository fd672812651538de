"""Addresses a mock hands out that a test's own HTTP client may ask for, through urllib3 (``requests`` sends
through it) or urllib.request: a package URL is answered in process (see _downloads), and a request for a function
URL's host name goes to the URL's loopback port (see urls). Neither is sent anywhere else: any other client finds
that their host names do not resolve."""

from __future__ import annotations

import io
from http import HTTPStatus
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from lambdamock import _downloads

# The leading parameters of urllib3's HTTPConnectionPool.urlopen, in their order (urllib3 1.26 and 2).
_URLOPEN = ("method", "url", "body", "headers", "retries", "redirect", "assert_same_host", "timeout", "pool_timeout",
            "release_conn", "chunked", "body_pos", "preload_content", "decode_content")
# An answer made here: status, headers and body.
Answer = tuple[int, Mapping[str, str], bytes]


def _function_url(host: Optional[str]) -> Optional[tuple[str, str]]:
    """The URL id and region a function URL's host name names; None for any other host."""
    if not host or not host.lower().endswith((".aws", ".aws.")):  # cheap, for every request: most are not
        return None
    from lambdamock.state import urls  # loaded by a mock already: ``import lambdamock`` stays cheap

    return urls.address(host)


def _routed(hosts: tuple[Optional[str], ...]) -> Any:
    """For the first of ``hosts`` that is a function URL's, while a mock serves: the URL id and the loopback server
    that answers it, or the URL id and the answer to an address the mock never gave; None otherwise."""
    address = next(filter(None, map(_function_url, hosts)), None)
    service = None if address is None else _downloads.serving()
    if address is None or service is None:
        return None
    from lambdamock import urls

    return address[0], urls.route(service, *address)


def getaddrinfo(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # socket.getaddrinfo(host, port, ...), through which every other client (http.client, asyncio's, httpx's,
    # aiohttp's) finds where to connect: a handed-out host name does not resolve, so nothing reaches AWS's.
    host = args[0] if args else kwargs.get("host")
    name = host.decode("ascii", "replace") if isinstance(host, (bytes, bytearray)) else host
    function_url = _function_url(name) if isinstance(name, str) else None
    if function_url is None and not (isinstance(name, str) and _downloads.ours(name)):
        return wrapped(*args, **kwargs)
    import socket

    instead = "; call the function URL at mock.function_url()" if function_url else ""
    raise socket.gaierror(socket.EAI_NONAME, f"lambdamock answers {name} itself, through requests, urllib3 and "
                                             f"urllib.request only{instead}")


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
    routed = None if host is not None else _routed(hosts)
    if host is None and routed is None:
        return wrapped(*args, **kwargs)
    from urllib3._collections import HTTPHeaderDict

    given: dict[str, Any] = {**dict(zip(_URLOPEN, args)), **kwargs}
    headers = HTTPHeaderDict(given.get("headers") or {})
    if routed is None:  # a package host's
        answer = _downloads.answer(str(host), target.split("?", 1)[0] or "/", given["method"], headers.get("Range"))
        return _urllib3(answer, given)
    url_id, way = routed
    if isinstance(way, tuple):
        return _urllib3(way, given)
    headers["Connection"] = "close"  # a connection kept idle would hold one of the server's threads (see urls.server)
    return way.client(url_id).urlopen(**{**given, "url": f"/{url_id}{target}", "headers": headers})


def _urllib3(answer: Answer, given: Mapping[str, Any]) -> Any:
    """urllib3's response, for the request urlopen was ``given``, of an answer made here."""
    from urllib3.response import HTTPResponse

    status, headers, body = answer
    return HTTPResponse(body=io.BytesIO(body), headers=dict(headers), status=status, reason=HTTPStatus(status).phrase,
                        preload_content=given.get("preload_content", True),
                        decode_content=given.get("decode_content", True), request_method=given["method"])


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
    target, method = urlsplit(request.full_url), request.get_method()
    if _downloads.ours(target.hostname):
        answer = _downloads.answer(str(target.hostname), target.path or "/", method, request.get_header("Range"))
        return _http_client(answer, request)
    routed = _routed((target.hostname,))
    if routed is None:
        return wrapped(*args, **kwargs)
    url_id, way = routed
    if isinstance(way, tuple):
        return _http_client(way, request)
    import http.client
    import urllib.request

    query = f"?{target.query}" if target.query else ""
    loopback = urllib.request.Request(f"http://127.0.0.1:{way.port(url_id)}/{url_id}{target.path or '/'}{query}",
                                      data=request.data, headers=dict(request.header_items()), method=method)
    loopback.timeout = request.timeout
    response = wrapped(http.client.HTTPConnection, loopback)
    response.url = request.get_full_url()  # the address asked for, as urllib.request's answers name it
    return response


def _http_client(answer: Answer, request: Any) -> Any:
    """What do_open returns for an answer made here."""
    import http.client

    status, headers, body = answer
    lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}", *(f"{name}: {value}" for name, value in headers.items())]
    sent = _Received("\r\n".join([*lines, "", ""]).encode("latin-1") + body)
    response = http.client.HTTPResponse(sent, method=request.get_method(), url=request.full_url)  # type: ignore[arg-type]
    response.begin()
    # As do_open leaves what it returns: the URL, and the reason as msg (where HTTPErrorProcessor reads it).
    response.url = request.get_full_url()
    response.msg = response.reason  # type: ignore[assignment]
    return response
