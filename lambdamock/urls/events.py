"""The event a function URL sends its function: API Gateway's payload format 2.0, as Lambda fills it."""

from __future__ import annotations

import base64
import datetime
import re
from typing import Any, Optional
from urllib.parse import parse_qsl, unquote

from lambdamock.state.urls import UrlConfig, domain
from lambdamock.urls.messages import Caller, Request

# Not passed on: they concern the connection to Lambda's front end, not the request (recorded echoes
# show no "connection"); the cookie header becomes the "cookies" list.
_DROPPED = frozenset(("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                      "upgrade", "cookie"))
# Bodies of these types arrive as text (recorded: text/plain and application/json); any other body,
# or one that is not UTF-8, arrives base64-encoded (recorded: multipart/form-data).
_TEXT = re.compile(r"text/|application/([\w.+-]*\+)?(json|xml|javascript)\b", re.IGNORECASE)
_SLASHES = re.compile("/{2,}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _headers(request: Request, host: str, trace: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in request.headers:
        key = name.lower()
        if key not in _DROPPED:
            # Repeated headers are joined with commas (urls-invocation's example event).
            out[key] = f"{out[key]},{value}" if key in out else value
    if request.body and "content-length" not in out:
        out["content-length"] = str(len(request.body))  # Lambda's front end reads a chunked body whole
    # What Lambda's front end adds; lambdamock's connection is plain HTTP on loopback, AWS's is TLS on 443.
    out.update({
        "host": host,
        "x-amzn-tls-cipher-suite": "TLS_AES_128_GCM_SHA256",
        "x-amzn-tls-version": "TLSv1.3",
        "x-amzn-trace-id": trace,
        "x-forwarded-for": request.source_ip,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    })
    return dict(sorted(out.items()))


def _query(raw: str) -> dict[str, str]:
    """Decoded parameters; a repeated key's values joined with commas (recorded: multiQuery=foo&multiQuery=%2Fbar)."""
    out: dict[str, str] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        out[key] = f"{out[key]},{value}" if key in out else value
    return out


def _body(request: Request) -> tuple[Optional[str], bool]:
    if not request.body:
        return None, False
    if _TEXT.match(request.header("content-type") or ""):
        try:
            return request.body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(request.body).decode("ascii"), True


def _time(moment: datetime.datetime) -> str:
    # Always English month names, whatever the locale: 07/Sep/2021:22:50:22 +0000.
    return (f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment.year}:{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d} +0000")


def event(config: UrlConfig, request: Request, request_id: str, caller: Optional[Caller],
          trace: str) -> dict[str, Any]:
    """The event for ``request``, whose invocation has the trace header ``trace``; keys AWS leaves out when empty
    are left out."""
    host = domain(config.url_id, config.region)
    moment = datetime.datetime.now(datetime.timezone.utc)
    headers = _headers(request, host, trace)
    context: dict[str, Any] = {
        # NONE: "anonymous" (captured events); AWS_IAM: the function owner, with the signer below.
        "accountId": caller.account_id if caller is not None else "anonymous",
        "apiId": config.url_id,
    }
    if caller is not None:
        # Only the access key is known from a signature; the identity behind it is not looked up.
        context["authorizer"] = {"iam": {
            "accessKey": caller.access_key, "accountId": caller.account_id, "callerId": None,
            "cognitoIdentity": None, "principalOrgId": None, "userArn": None, "userId": None,
        }}
    context.update({
        "domainName": host,
        "domainPrefix": config.url_id,
        "http": {
            "method": request.method,
            # Decoded, and runs of slashes merged (recorded: test_lambda_url_echo_http_fixture_default,
            # //pa2%25Fth/1 arrives as /pa2%Fth/1); rawPath keeps the encoding, as captures of function URL
            # events show.
            "path": _SLASHES.sub("/", unquote(request.path)),
            "protocol": "HTTP/1.1",
            "sourceIp": request.source_ip,
            "userAgent": headers.get("user-agent", ""),
        },
        "requestId": request_id,
        "routeKey": "$default",
        "stage": "$default",
        "time": _time(moment),
        "timeEpoch": int(moment.timestamp() * 1000),
    })
    out: dict[str, Any] = {"version": "2.0", "routeKey": "$default", "rawPath": request.path,
                           "rawQueryString": request.query}
    cookies = [part.strip() for name, value in request.headers if name.lower() == "cookie"
               for part in value.split(";") if part.strip()]
    if cookies:
        out["cookies"] = cookies
    out["headers"] = headers
    parameters = _query(request.query)
    if parameters:
        out["queryStringParameters"] = parameters
    out["requestContext"] = context
    body, encoded = _body(request)
    if body is not None:
        out["body"] = body
    out["isBase64Encoded"] = encoded
    return out
