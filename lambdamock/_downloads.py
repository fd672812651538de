"""The package URLs of GetFunction and GetLayerVersion, answered in process when a test downloads one.

On AWS, ``Code.Location`` and a layer's ``Content.Location`` are presigned S3 URLs from which the zip
can be fetched with a plain HTTP GET (recorded: LocalStack's test_lambda_api.py,
test_lambda_code_location_zipfile and test_lambda_code_location_s3, ``requests.get(code_location)``).
lambdamock hands out URLs of the same form on a host of its own naming, and answers them itself:
through urllib3 while a mock is active (``requests`` sends through it), and through moto's S3 while
moto's mock takes ``requests``' calls. A URL a mock did not hand out gets S3's AccessDenied, never
the network.
"""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from typing import Any, Optional
from urllib.parse import urlsplit

from lambdamock import _active, partitions

# The host of each package URL: an S3 bucket per region, for functions' code (tasks) or layers'.
_HOST = re.compile(r"awslambda-(?P<region>[a-z0-9-]+)-(?:tasks|layers)\.s3\.(?P=region)\.[a-z0-9.-]+")
_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message>'
    b"</Error>"
)


def url(region: str, kind: str, account: str, name: str) -> str:
    """A package URL (``kind``: tasks or layers) for the package called ``name``."""
    return f"https://awslambda-{region}-{kind}.s3.{region}.{partitions.dns_suffix(region)}/snapshots/{account}/{name}"


def answer(host: str, path: str, method: str) -> tuple[int, dict[str, str], bytes]:
    """S3's answer to a request for a package URL: the zip for a GET (its headers for a HEAD), or AccessDenied."""
    service = _active.serving()
    code = None if service is None or service.closed else service.packages.get(f"https://{host.lower()}{path}")
    if code is None or method not in ("GET", "HEAD"):
        return 403, {"Content-Type": "application/xml", "Content-Length": str(len(_DENIED))}, _DENIED
    if code.directory is not None:  # code in place: the directory as it is now
        from lambdamock.packaging import package

        data = package(code.directory)
    else:
        data = code.zip
    headers = {"Content-Type": "application/zip", "Content-Length": str(len(data)),
               "ETag": f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"',  # a single-part object's
               "x-amz-request-id": uuid.uuid4().hex[:16].upper()}
    return 200, headers, b"" if method == "HEAD" else data


def ours(host: Optional[str]) -> bool:
    """Whether ``host`` is a package URL's: lambdamock answers it, and nothing is sent."""
    return host is not None and _HOST.fullmatch(host.lower()) is not None


def urlopen(wrapped: Any, instance: Any, args: Any, kwargs: Any) -> Any:
    # urllib3's HTTPConnectionPool.urlopen(method, url, body=None, headers=None, ...): a package URL is
    # answered here, before any connection (or proxy) is made.
    if not ours(instance.host):
        return wrapped(*args, **kwargs)
    method = args[0] if args else kwargs["method"]
    target = args[1] if len(args) > 1 else kwargs["url"]
    status, headers, body = answer(instance.host, urlsplit(target).path, method)
    from urllib3.response import HTTPResponse

    return HTTPResponse(body=io.BytesIO(body), headers=headers, status=status, reason="OK" if status == 200 else
                        "Forbidden", preload_content=kwargs.get("preload_content", True),
                        decode_content=kwargs.get("decode_content", True), request_method=method)
