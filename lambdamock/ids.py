"""Identifiers made per request (request IDs, trace IDs): drawn from a private generator, never the test's ``random``."""

from __future__ import annotations

import random
import re
import threading
import time
from typing import Any, Dict, Optional

# Seeded from the system once; a test seeding ``random`` never makes two invocations share an ID.
_draw = random.Random()
# UUID version 4 and its variant bits, as uuid.uuid4() sets them.
_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)


def request_id() -> str:
    """A random UUID (version 4) as text, as Lambda's request IDs are."""
    digits = f"{(_draw.getrandbits(128) & _CLEAR) | _VERSION_4:032x}"
    return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def s3_request_id() -> str:
    """An S3 request ID (its x-amz-request-id): 16 upper-case hex digits."""
    return hex_digits(16).upper()


def hex_digits(count: int) -> str:
    """``count`` random lower-case hex digits."""
    return f"{_draw.getrandbits(4 * count):0{count}x}"


_ROOT = re.compile(r"1-[0-9a-f]{8}-[0-9a-f]{24}")


def _fields(header: Optional[str]) -> Dict[str, str]:
    return dict(part.strip().partition("=")[::2] for part in header.split(";")) if header else {}


def _decided(fields: Dict[str, str]) -> Optional[bool]:
    sampled = fields.get("Sampled")
    return None if sampled not in ("0", "1") or not _ROOT.fullmatch(fields.get("Root", "")) else sampled == "1"


def sent_trace(headers: Any) -> Optional[str]:
    """The X-Ray trace header (X-Amzn-Trace-Id) in a request's headers (botocore's, or moto's view of them), if any;
    prepared requests may hold header values as bytes."""
    value = headers.get("x-amzn-trace-id")
    return value.decode("latin-1") if isinstance(value, bytes) else value


def decision(header: Optional[str]) -> Optional[bool]:
    """The sampling decision of the trace a header names; None when it names none (no valid Root) or carries none
    (no Sampled, or "?")."""
    return _decided(_fields(header))


def trace_header(incoming: Optional[str] = None, sampled: Optional[bool] = False) -> str:
    """An X-Ray trace header for a new segment, with a parent of 16 random hex digits.

    It continues the trace ``incoming`` (a caller's X-Amzn-Trace-Id) names: its Root and its sampling
    decision. Else it starts a new one, a root of the time and 24 random hex digits. A trace that brings no
    decision is sampled as ``sampled`` says; None leaves it undecided, and the header is then its Root alone,
    as Lambda gives a function with PassThrough tracing (recorded on Lambda in aws-xray-sdk-node#651, and
    aws-xray-sdk-java#409: "Root=..." in the PassThrough case).
    """
    digits = hex_digits(40)
    fields = _fields(incoming)
    root = fields.get("Root", "")
    if not _ROOT.fullmatch(root):
        root = f"1-{int(time.time()):08x}-{digits[:24]}"
    brought = _decided(fields)
    sampled = sampled if brought is None else brought
    if sampled is None:
        return f"Root={root}"
    return f"Root={root};Parent={digits[24:]};Sampled={'1' if sampled else '0'}"


def next_segment(header: str) -> str:
    """The header of a new segment in the trace a header of trace_header's making names: its Root, a new Parent,
    and its sampling decision, Sampled=0 when it has none (cheaper than trace_header: nothing to check)."""
    parts = header.split(";")
    return f"{parts[0]};Parent={hex_digits(16)};Sampled={'1' if 'Sampled=1' in parts else '0'}"


class Sampler:
    """X-Ray's rule for Lambda, one per mock and region: which new requests of a function with Active tracing are
    sampled, "1 request per second and 5 percent of additional requests" (AWS's guide to X-Ray with Lambda)."""

    def __init__(self) -> None:
        self._sampled_in: Dict[str, int] = {}  # the second in which each function's reserved request was sampled
        self._lock = threading.Lock()

    def sampled(self, function_arn: str) -> bool:
        second = int(time.time())
        with self._lock:
            if self._sampled_in.get(function_arn) != second:
                self._sampled_in[function_arn] = second
                return True
        return _draw.random() < 0.05
