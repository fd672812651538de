"""The package URLs of GetFunction and GetLayerVersion, answered in process when a test downloads one.

On AWS, ``Code.Location`` and a layer's ``Content.Location`` are presigned S3 URLs from which the zip
can be fetched with a plain HTTP GET (recorded: LocalStack's test_lambda_api.py,
test_lambda_code_location_zipfile and test_lambda_code_location_s3, ``requests.get(code_location)``).
lambdamock hands out URLs of the form AWS gives, and while a mock is active answers them itself:
through urllib3 (``requests`` sends through it), through urllib.request, or through moto's S3 while
moto's mock takes ``requests``' calls. Any other request to that host through urllib3 or
urllib.request gets S3's AccessDenied, never the network; through moto, see _moto_s3.key_response.
Other HTTP clients are not answered.
"""

from __future__ import annotations

import hashlib
import io
import re
from typing import Any, Mapping, Optional
from urllib.parse import urlsplit

from lambdamock import _active, ids, partitions

# The host of each package URL: an S3 bucket per region, for functions' code (tasks) or layers'.
_HOST = re.compile(r"awslambda-(?P<region>[a-z0-9-]+)-(?:tasks|layers)\.s3\.(?P=region)\.[a-z0-9.-]+")
# One range of bytes, as S3 reads a Range header; any other form gets the whole object.
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _error(code: str, message: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'.encode()


_DENIED = (403, _error("AccessDenied", "Access Denied"))
_UNSATISFIABLE = (416, _error("InvalidRange", "The requested range is not satisfiable"))
_REASONS = {200: "OK", 206: "Partial Content", 403: "Forbidden", 416: "Requested Range Not Satisfiable"}


def url(region: str, kind: str, account: str, name: str) -> str:
    """A package URL (``kind``: tasks or layers) for the package called ``name``."""
    return f"https://awslambda-{region}-{kind}.s3.{region}.{partitions.dns_suffix(region)}/snapshots/{account}/{name}"


def serving() -> Any:
    """The active mock, while it serves; None otherwise."""
    service = _active.serving()
    return None if service is None or service.closed else service


def answer(host: str, path: str, method: str, asked: Optional[str] = None) -> tuple[int, dict[str, str], bytes]:
    """S3's answer to a request for a package URL: the zip for a GET (the bytes a Range header ``asked`` for), or
    AccessDenied; for a HEAD, the same without its body."""
    status, headers, body = _answer(host, path, method, asked)
    return status, headers, b"" if method == "HEAD" else body


def handed_out(host: str, path: str) -> bool:
    """Whether the active mock gave the URL of ``host`` and ``path``."""
    return _code(host, path) is not None


def _code(host: str, path: str) -> Any:
    service = serving()
    return None if service is None else service.packages.get(f"https://{host.lower()}{path}")


def _answer(host: str, path: str, method: str, asked: Optional[str]) -> tuple[int, dict[str, str], bytes]:
    code = _code(host, path)
    data = None if code is None or method not in ("GET", "HEAD") else _package(code)
    if data is None:
        return _failed(*_DENIED)
    headers = {"Content-Type": "application/zip", "Accept-Ranges": "bytes",
               "ETag": f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"',  # a single-part object's
               "x-amz-request-id": ids.s3_request_id()}
    status, body = 200, data
    span = _span(asked, len(data))
    if span is not None:
        start, end = span
        if start > end:  # starts past the end
            return _failed(*_UNSATISFIABLE)
        status, body = 206, data[start:end + 1]
        headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
    headers["Content-Length"] = str(len(body))
    return status, headers, body


def _span(asked: Optional[str], size: int) -> Optional[tuple[int, int]]:
    """The first and last byte a Range header asks for (the first past the last when it starts past the end); None
    for the whole object: no header, or one that is not a single byte range, or whose last byte is before its
    first (RFC 9110 ignores those, as S3 does)."""
    found = _RANGE.fullmatch(asked.strip()) if asked else None
    if found is None or not any(found.groups()):
        return None
    first, last = found.groups()
    if not first:  # the last ``last`` bytes
        return max(0, size - int(last)), size - 1
    if last and int(last) < int(first):
        return None
    return int(first), min(size - 1, int(last)) if last else size - 1


def _package(code: Any) -> Optional[bytes]:
    if code.directory is None:
        return code.zip
    from lambdamock.packaging import package

    try:
        return package(code.directory)  # code in place: the directory as it is now
    except (OSError, ValueError):  # gone, or no longer a directory
        return None


def _failed(status: int, body: bytes) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/xml", "Content-Length": str(len(body))}, body


def ours(host: Optional[str]) -> bool:
    """Whether ``host`` is a package URL's: lambdamock answers it, and nothing is sent."""
    return host is not None and _HOST.fullmatch(host.lower()) is not None


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
    host = next((host for host in hosts if ours(host)), None)
    if host is None:
        return wrapped(*args, **kwargs)
    from urllib3.response import HTTPResponse

    method = args[0] if args else kwargs["method"]
    sent: Mapping[str, str] = (args[3] if len(args) > 3 else kwargs.get("headers")) or {}
    asked = next((value for name, value in sent.items() if name.lower() == "range"), None)
    status, headers, body = answer(host, path, method, asked)

    return HTTPResponse(body=io.BytesIO(body), headers=headers, status=status, reason=_REASONS[status],
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
    if not ours(target.hostname):
        return wrapped(*args, **kwargs)
    import http.client

    method = request.get_method()
    status, headers, body = answer(target.hostname, target.path or "/", method, request.get_header("Range"))
    lines = [f"HTTP/1.1 {status} {_REASONS[status]}", *(f"{name}: {value}" for name, value in headers.items())]
    sent = _Received("\r\n".join([*lines, "", ""]).encode("latin-1") + body)
    response = http.client.HTTPResponse(sent, method=method, url=request.full_url)  # type: ignore[arg-type]
    response.begin()
    # As do_open leaves what it returns: the URL, and the reason as msg (where HTTPErrorProcessor reads it).
    response.url = request.get_full_url()
    response.msg = response.reason  # type: ignore[assignment]
    return response
