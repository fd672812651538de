"""REST-JSON request decoding and response encoding, driven by botocore shapes."""

from __future__ import annotations

import base64
import datetime
import json
from email.utils import formatdate
from typing import Any, Mapping, Optional

from botocore.model import OperationModel, Shape, StructureShape

from lambdamock.errors import InvalidRequestContentException
from lambdamock.protocol import eventstream, jsonread

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


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
    if isinstance(value, (int, float)):
        return _EPOCH + datetime.timedelta(seconds=value)
    text = str(value)
    try:
        return _EPOCH + datetime.timedelta(seconds=float(text))
    except ValueError:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


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
            key = member.serialization.get("name", name)
            if key in value:
                out[name] = _from_json(member, value[key])
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
        return _parse_timestamp(value)
    return value


def decode(operation: OperationModel, labels: Mapping[str, str], request: Request) -> dict[str, Any]:
    """Read the operation's input members from where the model puts them."""
    shape = operation.input_shape
    if shape is None:
        return {}
    assert isinstance(shape, StructureShape)
    params: dict[str, Any] = {}
    body_members = {}
    payload_name = shape.serialization.get("payload")
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        try:
            if location == "uri":
                if wire in labels:
                    params[name] = _scalar_from_text(member, labels[wire])
            elif location == "querystring":
                if member.type_name == "list" and wire in request.query:
                    params[name] = [
                        _scalar_from_text(member.member, v)
                        for v in request.query[wire]
                    ]
                elif wire in request.query:
                    params[name] = _scalar_from_text(member, request.query[wire][0])
            elif location == "header":
                value = request.headers.get(wire.lower())
                if value is not None:
                    # Prepared requests may carry header values as bytes.
                    text = value.decode("utf-8") if isinstance(value, bytes) else value
                    params[name] = _scalar_from_text(member, text)
            elif name == payload_name:
                if not request.body:
                    continue
                if member.type_name in ("blob", "string"):
                    params[name] = request.body
                else:
                    params[name] = _from_json(member, _load_json(request.body))
            else:
                body_members[name] = member
        except ValueError:
            # A query or header value botocore would have typed for us, sent
            # untyped with validation off: AWS fails it as unreadable input.
            raise InvalidRequestContentException(
                f"Could not parse request: invalid value for {wire}"
            ) from None
    if body_members and request.body:
        document = _load_json(request.body)
        if not isinstance(document, dict):
            raise InvalidRequestContentException("Could not parse request body into json")
        for name, member in body_members.items():
            key = member.serialization.get("name", name)
            if key in document:
                params[name] = _from_json(member, document[key])
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


_plain_shapes: dict[tuple[str, str], bool] = {}


def _plain(api_version: str, shape: Shape) -> bool:
    """True when the output JSON of ``shape`` is the value itself: no blobs,
    timestamps or renamed members anywhere below it, so encoding can skip the walk."""
    key = (api_version, shape.name)
    found = _plain_shapes.get(key)
    if found is None:
        found = _plain_shapes[key] = _is_plain(shape, set())
    return found


_body_only_shapes: dict[tuple[str, str], bool] = {}


def _body_only(api_version: str, shape: StructureShape) -> bool:
    """True when no member of ``shape`` lives in a header, the status code or a payload."""
    key = (api_version, shape.name)
    found = _body_only_shapes.get(key)
    if found is None:
        found = _body_only_shapes[key] = "payload" not in shape.serialization and not any(
            "location" in member.serialization for member in shape.members.values()
        )
    return found


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


def encode(operation: OperationModel, output: Mapping[str, Any]) -> Response:
    """Place the output members where the model says, with the modeled status."""
    status = int(operation.http.get("responseCode", 200))
    headers: dict[str, str] = {}
    shape = operation.output_shape
    if shape is None:
        return Response(status, headers, b"")
    assert isinstance(shape, StructureShape)
    api_version = operation.service_model.api_version
    if _plain(api_version, shape) and _body_only(api_version, shape):
        # The common case: every member is JSON as it stands, in the body.
        document = {name: value for name, value in output.items() if value is not None}
        return Response(status, {"Content-Type": "application/json"}, json.dumps(document).encode("utf-8"))
    payload_name = shape.serialization.get("payload")
    body: Optional[bytes] = None
    # Lambda labels every body JSON, an Invoke payload included, whatever the function returned.
    content_type = "application/json"
    document = {}
    for name, member in shape.members.items():
        value = output.get(name)
        if value is None:
            continue
        location = member.serialization.get("location")
        if location == "statusCode":
            status = int(value)
        elif location == "header":
            headers[member.serialization.get("name", name)] = _header_text(member, value)
        elif name == payload_name:
            if member.serialization.get("eventstream"):
                assert isinstance(member, StructureShape)
                body, content_type = eventstream.encode(member, value), eventstream.CONTENT_TYPE
            elif member.type_name in ("blob", "string"):
                body = value if isinstance(value, bytes) else str(value).encode("utf-8")
            else:
                body = json.dumps(_to_json(member, value)).encode("utf-8")
        elif _plain(api_version, member):
            document[name] = value
        else:
            document[member.serialization.get("name", name)] = _to_json(member, value)
    if body is None:
        body = json.dumps(document).encode("utf-8") if document or payload_name is None else b""
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
        document = {"message": message, **{k: v for k, v in fields.items() if v is not None}}
    return Response(status, headers, json.dumps(document).encode("utf-8"))
