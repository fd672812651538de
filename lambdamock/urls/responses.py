"""HTTP responses of a function URL: the function's result as Lambda maps it, and Lambda's own refusals."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from lambdamock.urls.messages import BODY_LIMIT, Response

JSON = "application/json"
# Recorded: LocalStack test_lambda.snapshot.json, TestLambdaPermissions::test_lambda_permission_url_invocation
# and TestLambdaURL::test_lambda_url_persists_after_alias_delete (with x-amzn-ErrorType AccessDeniedException).
_FORBIDDEN = (b'{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: '
              b'https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}')


class Unmappable(Exception):
    """The function returned a response object Lambda cannot send (a statusCode that is no status, ...)."""


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _text(value: Any) -> str:
    """A header value as the front end reads it from the result's JSON: a string as it is, any other value as JSON."""
    return value if isinstance(value, str) else _compact(value).decode("utf-8")


def _refusal(status: int, code: str, body: bytes) -> Response:
    return Response(status, [("Content-Type", JSON), ("x-amzn-ErrorType", code)], body)


def forbidden() -> Response:
    """No permission, or the URL's config was deleted."""
    return _refusal(403, "AccessDeniedException", _FORBIDDEN)


def unknown() -> Response:
    """A URL id that never existed. Recorded: TestLambdaURL::test_lambda_url_non_existing_url (asserts)."""
    return _refusal(403, "AccessDeniedException", b'{"Message":null}')


def function_error() -> Response:
    """The function failed. Recorded: TestLambdaURL::test_lambda_url_invocation_exception (asserts the body)."""
    return Response(502, [("Content-Type", JSON)], b"Internal Server Error")


def throttled() -> Response:
    # Not recorded: the 429 AWS documents for a throttled URL, in the form of its other URL refusals.
    return _refusal(429, "TooManyRequestsException", b'{"Message":"Rate Exceeded."}')


def too_large() -> Response:
    # Not recorded: Invoke's limit and text, in the form of the URL refusals.
    text = f"Request must be smaller than {BODY_LIMIT} bytes for the InvokeFunction operation"
    return _refusal(413, "RequestEntityTooLargeException", _compact({"Message": text}))


def _object(value: dict[str, Any]) -> Response:
    """A response object (it has a statusCode): status, headers, cookies and body as the function set them."""
    try:
        status = int(value["statusCode"])  # recorded: "418" works as well as 418
    except (TypeError, ValueError):
        raise Unmappable("statusCode") from None
    headers, cookies = value.get("headers") or {}, value.get("cookies") or []
    # An informational status (1xx) cannot end an exchange: a client would read the body as the next status line.
    if not (200 <= status <= 599 and isinstance(headers, dict) and isinstance(cookies, list)):
        raise Unmappable("statusCode, headers or cookies")
    body = value.get("body")
    if body is None:
        data = b""
    elif not isinstance(body, str):
        data = _compact(body)  # recorded: an echo fixture's dict body reached the client as JSON
    elif value.get("isBase64Encoded"):
        try:
            data = base64.b64decode(body, validate=True)
        except binascii.Error:
            raise Unmappable("body") from None
    else:
        data = body.encode("utf-8")
    response = Response(status, [(str(name), _text(text)) for name, text in headers.items()], data)
    response.headers += [("Set-Cookie", _text(cookie)) for cookie in cookies]
    return response


def buffered(payload: bytes) -> Response:
    """A BUFFERED URL's response. Recorded: TestLambdaURL::test_lambda_url_invocation[*] and
    ::test_lambda_url_headers_and_status: a response object is sent as it says; a string as itself;
    any other JSON value (a dict without statusCode included) as compact JSON; the type defaults to JSON."""
    try:
        value = json.loads(payload) if payload else None
    except ValueError:
        raise Unmappable("payload") from None
    if isinstance(value, dict) and "statusCode" in value:
        response = _object(value)
    elif isinstance(value, str):
        response = Response(200, body=value.encode("utf-8"))
    else:
        response = Response(200, body=_compact(value))
    if not response.has("content-type"):
        response.headers.insert(0, ("Content-Type", JSON))
    return response


def streamed(payload: bytes) -> Response:
    """A RESPONSE_STREAM URL's response to a function that does not stream (Python's): its result's JSON,
    as it is. Recorded: TestLambdaURL::test_lambda_url_echo_invoke[RESPONSE_STREAM] (asserts)."""
    return Response(200, [("Content-Type", JSON)], payload, streamed=True)
