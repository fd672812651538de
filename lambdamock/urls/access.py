"""Who may call a function URL (its AuthType and the function's policy), and its CORS headers."""

from __future__ import annotations

import re
from typing import Any, Mapping, Optional
from urllib.parse import parse_qsl

from lambdamock.state.policies import Policy
from lambdamock.state.policies import Request as PolicyRequest
from lambdamock.state.urls import UrlConfig
from lambdamock.urls.messages import Caller, Request, Response

_SIGNATURE = re.compile(r"AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)/")


class Denied(Exception):
    """The caller may not invoke this URL."""


def caller(config: UrlConfig, policy: Optional[Policy], request: Request, account_id: str) -> Optional[Caller]:
    """The signer of an AWS_IAM request (None for AuthType NONE); Denied when the request may not pass.

    NONE: the function's (or alias's) policy must let anyone invoke the URL, as AddPermission with
    FunctionUrlAuthType NONE does. AWS_IAM: the request must be SigV4-signed. lambdamock does not check
    the signature, and takes the signer for a principal of the mock's own account, whose identity
    policies (which lambdamock does not hold) grant the call.
    """
    if config.auth_type == "AWS_IAM":
        access_key = _signer(request)
        if access_key is None:
            raise Denied()
        return Caller(access_key, account_id)
    wanted = PolicyRequest("lambda:InvokeFunctionUrl", url_auth_type=config.auth_type, invoked_via_url=True)
    if policy is None or not policy.allows(wanted):
        raise Denied()
    return None


def _signer(request: Request) -> Optional[str]:
    """The access key a SigV4 signature names, in the Authorization header or, presigned, in the query string."""
    signed = _SIGNATURE.match(request.header("authorization") or "")
    if signed is not None:
        return signed.group(1)
    query = dict(parse_qsl(request.query))
    if query.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" or not query.get("X-Amz-Signature"):
        return None
    return query.get("X-Amz-Credential", "").split("/", 1)[0] or None


def _allowed_origin(cors: Mapping[str, Any], origin: Optional[str]) -> Optional[str]:
    """The Access-Control-Allow-Origin value for ``origin``; None when CORS does not admit it."""
    origins = cors.get("AllowOrigins") or []
    if origin is None:
        return None
    if "*" in origins:
        return "*"
    return origin if origin in origins else None


def _joined(values: Any) -> str:
    return ",".join(str(value) for value in values)


def preflight(cors: Mapping[str, Any], request: Request) -> Response:
    """The answer to a CORS preflight, from the URL's config alone: the function is not invoked."""
    response = Response(200)
    origin = _allowed_origin(cors, request.header("origin"))
    method = request.header("access-control-request-method") or ""
    methods = cors.get("AllowMethods") or []
    if origin is None or not ("*" in methods or method.upper() in (m.upper() for m in methods)):
        return response  # nothing allowed: the browser refuses the request
    response.headers += [("Access-Control-Allow-Origin", origin), ("Access-Control-Allow-Methods", _joined(methods))]
    if cors.get("AllowHeaders"):
        response.headers.append(("Access-Control-Allow-Headers", _joined(cors["AllowHeaders"])))
    if cors.get("AllowCredentials"):
        response.headers.append(("Access-Control-Allow-Credentials", "true"))
    if cors.get("MaxAge"):
        response.headers.append(("Access-Control-Max-Age", str(cors["MaxAge"])))
    return response


def is_preflight(request: Request) -> bool:
    return request.method == "OPTIONS" and request.header("origin") is not None and \
        request.header("access-control-request-method") is not None


def decorate(cors: Mapping[str, Any], request: Request, response: Response) -> None:
    """Add the CORS headers to a response; where the function set its own, the URL's config wins (urls-configuration)."""
    origin = _allowed_origin(cors, request.header("origin"))
    if origin is None:
        return
    added = [("Access-Control-Allow-Origin", origin)]
    if cors.get("ExposeHeaders"):
        added.append(("Access-Control-Expose-Headers", _joined(cors["ExposeHeaders"])))
    if cors.get("AllowCredentials"):
        added.append(("Access-Control-Allow-Credentials", "true"))
    names = {name.lower() for name, _ in added}
    response.headers = [(name, value) for name, value in response.headers if name.lower() not in names] + added
