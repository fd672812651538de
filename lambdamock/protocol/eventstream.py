"""The application/vnd.amazon.eventstream framing of event stream responses, laid out by the model's event shapes."""

from __future__ import annotations

import binascii
import json
import struct
from typing import Any, Iterable, Mapping

from botocore.model import StructureShape

CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING = 7  # the header value type of a UTF-8 string
# A payload member's content type by its type; other members travel as one JSON document.
_PAYLOAD_TYPES = {"blob": "application/octet-stream", "string": "text/plain"}


def _header(name: str, value: str) -> bytes:
    key, text = name.encode("utf-8"), value.encode("utf-8")
    return struct.pack("!B", len(key)) + key + struct.pack("!BH", _STRING, len(text)) + text


def message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One message: prelude (lengths and their CRC32), headers, payload, and the CRC32 of all before it."""
    encoded = b"".join(_header(name, value) for name, value in headers.items())
    prelude = struct.pack("!II", 12 + len(encoded) + len(payload) + 4, len(encoded))
    framed = prelude + struct.pack("!I", binascii.crc32(prelude)) + encoded + payload
    return framed + struct.pack("!I", binascii.crc32(framed))


def _event(shape: StructureShape, name: str, members: Mapping[str, Any]) -> bytes:
    content_type, payload = "application/json", None
    document = {}
    # Lambda's event shapes have no header members: a member is the payload itself, or part of the JSON.
    for member_name, member in shape.members.items():
        value = members.get(member_name)
        if value is None:
            continue
        if member.serialization.get("eventpayload") and member.type_name in _PAYLOAD_TYPES:
            content_type = _PAYLOAD_TYPES[member.type_name]
            payload = value if isinstance(value, bytes) else str(value).encode("utf-8")
        else:
            document[member_name] = value
    if payload is None:
        payload = json.dumps(document).encode("utf-8")
    headers = {":event-type": name, ":content-type": content_type, ":message-type": "event"}
    return message(headers, payload)


def encode(stream: StructureShape, events: Iterable[Mapping[str, Mapping[str, Any]]]) -> bytes:
    """The messages of ``events``, each ``{event name: its members}`` as the stream's union shape has them."""
    out = []
    for event in events:
        for name, members in event.items():
            shape = stream.members[name]
            assert isinstance(shape, StructureShape)
            out.append(_event(shape, name, members))
    return b"".join(out)
