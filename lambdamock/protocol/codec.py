"""REST-JSON request decoding and response encoding, driven by botocore shapes."""

from __future__ import annotations

import base64
import datetime
import functools
import json
import time
from email.utils import formatdate
from typing import Any, Mapping, Optional

from botocore.model import OperationModel, Shape, StructureShape

from lambdamock.errors import InvalidRequestContentException
from lambdamock.memo import per_object
from lambdamock.protocol import eventstream, jsonread

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def http_date() -> str:
    """The Date header of a response sent now."""
    return _http_date(int(time.time()))


@functools.lru_cache(maxsize=1)
def _http_date(second: int) -> str:
    """Formatted once per second."""
    return formatdate(second, usegmt=True)


class Request:
    """What the codec needs of an HTTP request; ``headers`` are keyed by lower-case name."""

    __slots__ = ("body", "headers", "method", "path", "query")

    def __init__(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: Mapping[str, str],
        body: bytes,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body


class Response:
    """An HTTP response as bytes, ready to hand to botocore."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


# -- decoding ---------------------------------------------------------------


def _parse_timestamp(value: Any) -> datetime.datetime:
    """Epoch seconds (a number or its text) or ISO 8601 text; ValueError for anything else, or out of range."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _EPOCH + datetime.timedelta(seconds=value)
        if not isinstance(value, str):
            raise ValueError(f"not a timestamp: {value!r}")
        try:
            return _EPOCH + datetime.timedelta(seconds=float(value))
        except ValueError:
            parsed = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    except OverflowError as error:
        raise ValueError(str(error)) from None


def _scalar_from_text(shape: Shape, text: str) -> Any:
    """Convert a header or query string value to the member's type."""
    kind = shape.type_name
    if kind in ("integer", "long"):
        return int(text)
    if kind in ("float", "double"):
        return float(text)
    if kind == "boolean":
        return text.lower() == "true"
    if kind == "timestamp":
        return _parse_timestamp(text)
    return text


def _from_json(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if value is None:
        return None
    if kind == "structure" and isinstance(value, dict):
        members = shape.members
        out = {}
        for name, member in members.items():
            item = value.get(member.serialization.get("name", name))
            if item is not None:  # a null member is an absent one, as AWS's JSON reader takes it
                out[name] = _from_json(member, item)
        return out
    if kind == "list" and isinstance(value, list):
        return [_from_json(shape.member, item) for item in value]
    if kind == "map" and isinstance(value, dict):
        return {key: _from_json(shape.value, item) for key, item in value.items()}
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError as error:  # binascii.Error, or text that is not even ASCII
            raise InvalidRequestContentException(
                f"Could not parse request body into json: Failed to decode VALUE_STRING as base64 "
                f"(MIME-NO-LINEFEEDS): {error}"
            ) from None
    if kind == "timestamp":
        try:
            return _parse_timestamp(value)
        except ValueError:
            return value  # not one: validation says so, as for any member of the wrong type
    return value


class _Reading:
    """Where an input shape's members are read from, worked out once per shape (see ``_reading``)."""

    __slots__ = ("body", "headers", "labels", "payload", "query")

    def __init__(self, shape: StructureShape) -> None:
        self.labels: list[tuple[str, Shape, str]] = []
        self.query: list[tuple[str, Shape, str, bool]] = []
        self.headers: list[tuple[str, Shape, str, str]] = []  # the name, as sent and as looked up
        self.body: list[tuple[str, Shape, str]] = []
        self.payload: Optional[tuple[str, Shape, bool]] = None
        payload_name = shape.serialization.get("payload")
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                self.labels.append((name, member, wire))
            elif location == "querystring":
                self.query.append((name, member, wire, member.type_name == "list"))
            elif location == "header":
                self.headers.append((name, member, wire, wire.lower()))
            elif name == payload_name:
                self.payload = (name, member, member.type_name in ("blob", "string"))
            else:
                self.body.append((name, member, wire))


# Per input shape (each client has its own model objects).
_reading = per_object(_Reading)


def _typed(member: Shape, text: str, wire: str) -> Any:
    try:
        return _scalar_from_text(member, text)
    except ValueError:
        # A query or header value botocore would have typed for us, sent
        # untyped with validation off: AWS fails it as unreadable input.
        raise InvalidRequestContentException(f"Could not parse request: invalid value for {wire}") from None


def decode(operation: OperationModel, labels: Mapping[str, str], request: Request) -> dict[str, Any]:
    """Read the operation's input members from where the model puts them."""
    shape = operation.input_shape
    if shape is None:
        return {}
    assert isinstance(shape, StructureShape)
    reading = _reading(shape)
    params: dict[str, Any] = {}
    for name, member, wire in reading.labels:
        if wire in labels:
            params[name] = _typed(member, labels[wire], wire)
    query = request.query
    for name, member, wire, listed in reading.query:
        if wire in query:
            values = query[wire]
            params[name] = [_typed(member.member, v, wire) for v in values] if listed else \
                _typed(member, values[0], wire)
    headers = request.headers
    for name, member, wire, key in reading.headers:
        value = headers.get(key)
        if value is not None:
            # Prepared requests may carry header values as bytes.
            params[name] = _typed(member, value.decode("utf-8") if isinstance(value, bytes) else value, wire)
    body = request.body
    if reading.payload is not None and body:
        name, member, raw = reading.payload
        params[name] = body if raw else _from_json(member, _load_json(body))
    if reading.body and body:
        document = _load_json(body)
        if not isinstance(document, dict):
            raise InvalidRequestContentException("Could not parse request body into json")
        for name, member, wire in reading.body:
            value = document.get(wire)
            if value is not None:
                params[name] = _from_json(member, value)
    return params


def _load_json(body: bytes) -> Any:
    try:
        return jsonread.loads(body)
    except jsonread.Unreadable as error:
        raise InvalidRequestContentException(f"Could not parse request body into json: {error}") from None


# -- encoding ---------------------------------------------------------------


def _epoch(value: datetime.datetime) -> float:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return (value - _EPOCH).total_seconds()


def _timestamp(shape: Shape, value: datetime.datetime, default: str) -> Any:
    form = shape.serialization.get("timestampFormat") or shape.metadata.get("timestampFormat") or default
    seconds = _epoch(value)
    if form == "unixTimestamp":
        return int(seconds) if seconds == int(seconds) else round(seconds, 3)
    if form == "rfc822":
        return formatdate(seconds, usegmt=True)
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _to_json(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out = {}
        for name, member in shape.members.items():
            if name in value and value[name] is not None:
                out[member.serialization.get("name", name)] = _to_json(member, value[name])
        return out
    if kind == "list":
        return [_to_json(shape.member, item) for item in value]
    if kind == "map":
        return {key: _to_json(shape.value, item) for key, item in value.items()}
    if kind == "blob":
        return base64.b64encode(value).decode("ascii")
    if kind == "timestamp":
        return _timestamp(shape, value, "unixTimestamp")
    return value


def _is_plain(shape: Shape, seen: set[str]) -> bool:
    if shape.name in seen:
        return True
    seen.add(shape.name)
    kind = shape.type_name
    if kind in ("blob", "timestamp"):
        return False
    if kind == "structure":
        return all(
            member.serialization.get("name", name) == name and _is_plain(member, seen)
            for name, member in shape.members.items()
        )
    if kind == "list":
        return _is_plain(shape.member, seen)
    if kind == "map":
        return _is_plain(shape.value, seen)
    return True


def _header_text(shape: Shape, value: Any) -> str:
    if shape.type_name == "timestamp":
        return str(_timestamp(shape, value, "rfc822"))
    if shape.type_name == "boolean":
        return "true" if value else "false"
    return str(value)


# How an output member is placed (see _Writing).
_STATUS, _HEADER, _EVENTS, _RAW, _JSON_PAYLOAD, _AS_IS, _CONVERTED = range(7)


class _Writing:
    """Where an operation's output members are placed, worked out once per operation (see ``_writing``)."""

    __slots__ = ("has_payload", "members", "simple", "status")

    def __init__(self, operation: OperationModel, shape: StructureShape) -> None:
        self.status = int(operation.http.get("responseCode", 200))
        payload_name = shape.serialization.get("payload")
        self.has_payload = payload_name is not None
        self.members: list[tuple[str, Shape, int, str]] = []
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "statusCode":
                how = _STATUS
            elif location == "header":
                how = _HEADER
            elif name == payload_name:
                how = _EVENTS if member.serialization.get("eventstream") else \
                    _RAW if member.type_name in ("blob", "string") else _JSON_PAYLOAD
            else:
                how = _AS_IS if _is_plain(member, set()) else _CONVERTED
            self.members.append((name, member, how, wire))
        # The common case: every member is JSON as it stands, in the body.
        self.simple = all(how == _AS_IS and wire == name for name, _, how, wire in self.members)


# Per operation (each client has its own model objects).
_writing = per_object(_Writing)

# AWS writes its JSON without blanks (recorded: TestLambdaRevisions::test_function_revisions_permissions, whose
# error body is 149 bytes long).
_compact = json.JSONEncoder(separators=(",", ":")).encode


def encode(operation: OperationModel, output: Mapping[str, Any]) -> Response:
    """Place the output members where the model says, with the modeled status."""
    shape = operation.output_shape
    if shape is None:
        return Response(int(operation.http.get("responseCode", 200)), {}, b"")
    assert isinstance(shape, StructureShape)
    writing = _writing(operation, shape)
    if writing.simple:
        document = {name: value for name, value in output.items() if value is not None}
        return Response(writing.status, {"Content-Type": "application/json"}, _compact(document).encode("utf-8"))
    status = writing.status
    headers: dict[str, str] = {}
    body: Optional[bytes] = None
    # Lambda labels every body JSON, an Invoke payload included, whatever the function returned.
    content_type = "application/json"
    document = {}
    for name, member, how, wire in writing.members:
        value = output.get(name)
        if value is None:
            continue
        if how == _AS_IS:
            document[wire] = value
        elif how == _HEADER:
            headers[wire] = _header_text(member, value)
        elif how == _STATUS:
            status = int(value)
        elif how == _RAW:
            body = value if isinstance(value, bytes) else str(value).encode("utf-8")
        elif how == _EVENTS:
            assert isinstance(member, StructureShape)
            body, content_type = eventstream.encode(member, value), eventstream.CONTENT_TYPE
        elif how == _JSON_PAYLOAD:
            body = _compact(_to_json(member, value)).encode("utf-8")
        else:
            document[wire] = _to_json(member, value)
    if body is None:
        body = _compact(document).encode("utf-8") if document or not writing.has_payload else b""
    if body:  # Invoke's 202 has no body, and no Content-Type (answers captured from 2020 to 2024)
        headers["Content-Type"] = content_type
    return Response(status, headers, body)


def encode_error(
    status: int, code: str, message: str, fields: Mapping[str, Any], shape: Optional[Shape]
) -> Response:
    """AWS's rest-json error: the code in ``x-amzn-ErrorType``, modeled fields in the body."""
    document: dict[str, Any] = {}
    headers = {"x-amzn-ErrorType": code, "Content-Type": "application/json"}
    members = shape.members if isinstance(shape, StructureShape) else {}
    for name, member in members.items():
        wire = member.serialization.get("name", name)
        if name.lower() == "message":
            document[wire] = message
        elif name in fields and fields[name] is not None:
            if member.serialization.get("location") == "header":
                headers[wire] = _header_text(member, fields[name])
            else:
                document[wire] = _to_json(member, fields[name])
    if not members:
        # An error with nothing to say says null (recorded: TestLambdaFunction::test_function_arns, AccessDenied).
        document = {"message": message or None, **{k: v for k, v in fields.items() if v is not None}}
    return Response(status, headers, _compact(document).encode("utf-8"))
