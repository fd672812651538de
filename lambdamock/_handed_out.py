"""Addresses a mock hands out that a test's own HTTP client may ask for: urllib3's requests (``requests`` sends
through it) and urllib.request's to a package URL are answered in process (see _downloads), never sent."""

from __future__ import annotations

import io
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from lambdamock import _downloads


def urlopen(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # urllib3's HTTPConnectionPool.urlopen(method, url, body=None, headers=None, ...): a request for, or to, a
    # package host is answered here, before any connection (or proxy) is made. Through an HTTP proxy, the pool
    # is the proxy's and ``url`` is whole; read as urllib3 reads it. A pool of a package host never connects.
    raw = args[1] if len(args) > 1 else kwargs["url"]
    if raw.startswith("/"):  # a path (which may start with "//"), on the pool's host: the common case, cheap
        hosts: tuple[Optional[str], ...] = (instance.host,)
        path = raw.split("?", 1)[0].split("#", 1)[0]
    else:
        from urllib3.util import parse_url

        target = parse_url(raw)
        hosts, path = (target.host, instance.host), target.path or "/"
    host = next((host for host in hosts if _downloads.ours(host)), None)
    if host is None:
        return wrapped(*args, **kwargs)
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
    # is made. Through a proxy, the request's full URL still names the host.
    request = args[1] if len(args) > 1 else kwargs["req"]
    target = urlsplit(request.full_url)
    if not _downloads.ours(target.hostname):
        return wrapped(*args, **kwargs)
    import http.client

    method = request.get_method()
    status, headers, body = _downloads.answer(target.hostname, target.path or "/", method, request.get_header("Range"))
    lines = [f"HTTP/1.1 {status} {_downloads.REASONS[status]}", *(f"{name}: {value}" for name, value in
                                                                   headers.items())]
    sent = _Received("\r\n".join([*lines, "", ""]).encode("latin-1") + body)
    response = http.client.HTTPResponse(sent, method=method, url=request.full_url)  # type: ignore[arg-type]
    response.begin()
    # As do_open leaves what it returns: the URL, and the reason as msg (where HTTPErrorProcessor reads it).
    response.url = request.get_full_url()
    response.msg = response.reason  # type: ignore[assignment]
    return response
