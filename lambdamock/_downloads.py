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
import re
from typing import Any, Optional

from lambdamock import _active, ids, partitions

# The host of each package URL: an S3 bucket per region, for functions' code (tasks) or layers'.
_HOST = re.compile(r"awslambda-(?P<region>[a-z0-9-]+)-(?:tasks|layers)\.s3\.(?P=region)\.[a-z0-9.-]+")
# One range of bytes, as S3 reads a Range header; any other form gets the whole object.
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _error(code: str, message: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message></Error>'.encode()


_DENIED = (403, _error("AccessDenied", "Access Denied"))
_UNSATISFIABLE = (416, _error("InvalidRange", "The requested range is not satisfiable"))


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
    # Host names are case-insensitive, and a trailing dot names the same host.
    return None if service is None else service.packages.get(f"https://{host.lower().rstrip('.')}{path}")


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
