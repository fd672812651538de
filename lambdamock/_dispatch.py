"""Serves one Lambda HTTP request: route, decode, validate, run the operation, encode."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional
from urllib.parse import parse_qs, urlsplit

from botocore import xform_name
from botocore.awsrequest import AWSPreparedRequest
from botocore.exceptions import ReadTimeoutError
from botocore.model import NoShapeFoundError, OperationModel, ServiceModel, Shape

from lambdamock import _bound, _moto_auth, ids, operations
from lambdamock.errors import LambdaError, NotServedError
from lambdamock.protocol.codec import Request, Response, decode, encode, encode_error, http_date
from lambdamock.protocol.router import Router
from lambdamock.protocol.validate import validate
from lambdamock.runtime.waits import Steps, blocking
from lambdamock.state.service import Service, Unserved

_routers: dict[str, Router] = {}


def _router(service_model: ServiceModel) -> Router:
    # Every client carries its own ServiceModel object; routes depend only on the API version.
    found = _routers.get(service_model.api_version)
    if found is None:
        found = _routers.setdefault(service_model.api_version, Router(service_model))
    return found


def _body(request: AWSPreparedRequest) -> bytes:
    body = request.body
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    data = body.read()
    return data if isinstance(data, bytes) else data.encode("utf-8")


def _headers(headers: Any) -> dict[str, str]:
    """The request's headers as a plain dict, names lower-cased: botocore's own are slow to probe."""
    # botocore's HeadersDict (every version since 1.34) keeps each name lower-cased beside it.
    stored = getattr(headers, "_dict", None)
    if stored is None:
        return {name.lower(): value for name, value in headers.items()}
    return {key._lower: value for key, value in stored.items()}


def _error_response(service_model: ServiceModel, error: LambdaError) -> Response:
    try:
        shape: Optional[Shape] = service_model.shape_for(error.code)
    except NoShapeFoundError:
        shape = None
    status = shape.metadata["error"]["httpStatusCode"] if shape is not None else error.status
    return encode_error(status, error.code, error.message, error.fields, shape)


def _serve(service: Service, request: Request, operation_model: OperationModel, context: Mapping[str, Any],
           url: str) -> Steps[Response]:
    service_model = operation_model.service_model
    match = _router(service_model).match(request.method, request.path, request.query, operation_model.name)
    if match is None:
        return encode_error(404, "UnknownOperationException", "Unknown operation", {}, None)
    name = match.operation.name
    region = context.get("client_region") or "us-east-1"
    call = operations.Call(service, service.region(region), ids.request_id(), name, len(request.body),
                           ids.sent_trace(request.headers))
    try:
        operation = operations.find(service_model.api_version, xform_name(name))
        if operation is None:
            # Lambda Web Functions, Lambda Core and Lambda MicroVMs share Lambda's endpoint: named, since their
            # operations' names (ListTags, TagResource, ...) can be Lambda's too.
            raise NotServedError(f"lambdamock does not serve the {service_model.service_id} operation {name} "
                                 f"(API {service_model.api_version})")
        params = decode(match.operation, match.labels, request)
        tags_shown = _moto_auth.authorize(call, name, params, request, url, context)
        validate(match.operation.input_shape, params)
        answer = operation(call, params)
        if not tags_shown:
            answer.pop("Tags", None)  # type: ignore[union-attr]  # GetFunction's answer: a dict
        # An operation that runs a handler answers through steps: its waits are the caller's (see runtime.waits).
        response = encode(match.operation, answer if isinstance(answer, dict) else (yield from answer))
    except LambdaError as error:
        response = _error_response(service_model, error)
    except NotServedError:
        # Raised, not answered; also kept, so that code catching broad exceptions cannot hide it.
        service.unserved.append(Unserved(name, service_model.api_version))
        raise
    headers = response.headers
    headers.update(call.headers)
    headers["x-amzn-RequestId"] = call.request_id
    headers["Content-Length"] = str(len(response.body))
    headers["Date"] = http_date()
    return response


def serve(
    service: Service, request: AWSPreparedRequest, operation_model: OperationModel, context: Mapping[str, Any],
    read_timeout: Optional[float] = None,
) -> Response:
    """Answer a prepared botocore request the way the Lambda service would (status, headers, body).

    An Invoke still running after the client's ``read_timeout`` raises botocore's ReadTimeoutError, as the socket
    read does on AWS (Lambda sends nothing until the function answers), and botocore retries it as it retries that
    error there, invoking the function again; the invocation goes on without its caller (boto/boto3#883, #1104;
    AWS's knowledge center, "lambda-function-retry-timeout-sdk").
    """
    return blocking(serve_steps(service, request, operation_model, context), orphan=service.invoker.orphan,
                    patience=read_timed_out(operation_model, request, read_timeout), within=read_timeout)


def read_timed_out(operation_model: OperationModel, request: AWSPreparedRequest,
                   read_timeout: Optional[float]) -> Optional[Callable[[], BaseException]]:
    """What a client whose socket reads wait ``read_timeout`` seconds raises while an Invoke runs on (see serve)."""
    if operation_model.name != "Invoke" or read_timeout is None:
        return None
    return lambda: ReadTimeoutError(endpoint_url=request.url)


def serve_steps(
    service: Service, request: AWSPreparedRequest, operation_model: OperationModel, context: Mapping[str, Any]
) -> Steps[Response]:
    """``serve`` as steps: what waits for a handler yields (see runtime.waits); the rest runs at once."""
    url = urlsplit(request.url)
    decoded = Request(
        request.method,
        url.path,
        parse_qs(url.query, keep_blank_values=True),
        _headers(request.headers),
        _body(request),
    )
    steps = _serve(service, decoded, operation_model, context, request.url)
    scope = _bound.current()
    if scope is not None:
        # A call a function's code made: if that function is given up on while it waits (it timed out), the call
        # runs on without it, and mock.wait() waits for it from then. Nothing else is done on the code's thread,
        # which an asynchronous exception may interrupt at any bytecode.
        scope.called(steps, service.invoker.awaited)
    return steps
