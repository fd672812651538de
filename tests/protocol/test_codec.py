"""Round trips of the codec against botocore's own serializer and parser, for every operation."""

from __future__ import annotations

import datetime
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.session
import pytest
from botocore.awsrequest import HeadersDict
from botocore.model import OperationModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lambdamock.protocol.codec import Request, decode, encode, encode_error
from lambdamock.protocol.router import Router
from tests.shapes import values

SESSION = botocore.session.get_session()
MODELS = {v: SESSION.get_service_model("lambda", api_version=v) for v in ("2015-03-31", "2014-11-11")}
OPERATIONS = [(v, name) for v, model in MODELS.items() for name in model.operation_names]

def normal(value: Any) -> Any:
    """Compare timestamps as epoch milliseconds, the precision both sides keep."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp() * 1000)
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normal(v) for v in value]
    if hasattr(value, "read"):
        return value.read()
    return value


def input_strategy(operation: OperationModel) -> st.SearchStrategy[dict[str, Any]]:
    shape = operation.input_shape
    if shape is None:
        return st.just({})
    required = set(shape.required_members)
    fixed, optional = {}, {}
    for name, member in shape.members.items():
        (fixed if name in required or member.serialization.get("location") == "uri" else optional)[name] = values(member)
    return st.fixed_dictionaries(fixed, optional=optional)


@pytest.mark.parametrize(("version", "name"), OPERATIONS)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_request_round_trip(version: str, name: str, data: st.DataObject) -> None:
    operation = MODELS[version].operation_model(name)
    params = data.draw(input_strategy(operation))
    wire = create_serializer("rest-json", include_validation=False).serialize_to_request(params, operation)
    url = urlsplit(wire["url_path"])
    query = {k: v if isinstance(v, list) else [v] for k, v in wire["query_string"].items()} if isinstance(
        wire["query_string"], dict
    ) else parse_qs(wire["query_string"], keep_blank_values=True)
    query.update(parse_qs(url.query, keep_blank_values=True))
    body = wire["body"] if isinstance(wire["body"], bytes) else (wire["body"] or "").encode()
    request = Request(wire["method"], url.path, query, {name.lower(): value for name, value in wire["headers"].items()}, body)
    match = Router(MODELS[version]).match(request.method, request.path, request.query)
    assert match is not None and match.operation.name == name
    decoded = decode(match.operation, match.labels, request)
    payload = operation.input_shape.serialization.get("payload") if operation.input_shape else None
    if payload and payload not in params and decoded.get(payload) == {}:
        # botocore sends an absent structure payload as "{}": the server reads an empty structure.
        del decoded[payload]
    assert normal(decoded) == normal(params)


@pytest.mark.parametrize(("version", "name"), [op for op in OPERATIONS if MODELS[op[0]].operation_model(op[1]).output_shape is not None])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_response_round_trip(version: str, name: str, data: st.DataObject) -> None:
    operation = MODELS[version].operation_model(name)
    shape = operation.output_shape
    if any(m.serialization.get("eventstream") or (m.type_name == "structure" and m.serialization.get("eventstream"))
           for m in shape.members.values()) or operation.has_event_stream_output:
        pytest.skip("event streams are not part of the REST-JSON codec")
    output = data.draw(values(shape))
    status_members = [n for n, m in shape.members.items() if m.serialization.get("location") == "statusCode"]
    for member in status_members:
        if member in output:
            output[member] = data.draw(st.sampled_from([200, 202, 204]))
    response = encode(operation, output)
    parsed = create_parser("rest-json").parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": _Raw(response.body) if operation.has_streaming_output else response.body,
        },
        shape,
    )
    expected = normal(output)
    got = normal(parsed)
    for member in status_members:
        expected.setdefault(member, response.status)
    payload = shape.serialization.get("payload")
    if payload and shape.members[payload].type_name == "blob":
        # botocore hands out a (possibly empty) body for a blob payload either way.
        expected.setdefault(payload, b"")
    assert got == expected


class _Raw:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, amt: Any = None) -> bytes:
        data, self._data = self._data, b""
        return data


def test_an_errors_header_member_is_sent_as_a_header_and_read_back_by_botocore() -> None:
    # No operation sets one yet, so nothing public reaches it: botocore's model puts TooManyRequestsException's
    # retryAfterSeconds in the Retry-After header, and its text member, whatever its case, holds the message.
    model = MODELS["2015-03-31"]
    shape = model.shape_for("TooManyRequestsException")
    response = encode_error(429, "TooManyRequestsException", "Rate Exceeded.",
                            {"Type": "User", "Reason": "CallerRateLimitExceeded", "retryAfterSeconds": "2",
                             "message": "ignored"}, shape)
    assert response.status == 429
    assert response.headers == {"x-amzn-ErrorType": "TooManyRequestsException", "Content-Type": "application/json",
                                "Retry-After": "2"}
    assert json.loads(response.body) == {"Type": "User", "message": "Rate Exceeded.",
                                         "Reason": "CallerRateLimitExceeded"}
    parsed = create_parser("rest-json").parse(
        {"status_code": 429, "headers": HeadersDict(response.headers), "body": response.body}, shape)
    assert parsed["retryAfterSeconds"] == "2" and parsed["Reason"] == "CallerRateLimitExceeded"
    # A field with no value is left out, as botocore never sends one.
    response = encode_error(429, "TooManyRequestsException", "Rate Exceeded.",
                            {"Type": "User", "Reason": None, "retryAfterSeconds": None}, shape)
    assert "Retry-After" not in response.headers
    assert json.loads(response.body) == {"Type": "User", "message": "Rate Exceeded."}
