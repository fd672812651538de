"""An HTTP request as a function URL receives it, and the response it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

# AWS's limit on what a synchronous invocation carries.
BODY_LIMIT = 6 * 1024 * 1024


@dataclass(frozen=True)
class Request:
    """One request to a function URL; ``path`` is the URL's own path (``/`` and on), not decoded."""

    method: str
    path: str
    query: str  # the raw query string, without its "?"
    headers: list[tuple[str, str]]  # as sent, in order, repeats kept
    body: bytes
    source_ip: str

    def header(self, name: str) -> Optional[str]:
        """The values of a header (any case), joined with commas as HTTP allows; None when absent."""
        values = [value for key, value in self.headers if key.lower() == name]
        return ",".join(values) if values else None


@dataclass
class Response:
    """What the server sends: ``streamed`` bodies go out with chunked transfer encoding."""

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    streamed: bool = False

    def has(self, name: str) -> bool:
        return any(key.lower() == name for key, _ in self.headers)


@dataclass(frozen=True)
class Caller:
    """Who signed an AWS_IAM request, as far as the request tells: its access key, in the mock's account."""

    access_key: str
    account_id: str
