"""One request to a function URL, answered as Lambda's front end does: find the URL, check access, invoke, map."""

from __future__ import annotations

import json
from typing import Optional

from lambdamock import ids
from lambdamock.errors import LambdaError, MockStoppedError
from lambdamock.operations import _invoking
from lambdamock.operations._base import Call
from lambdamock.runtime import InvocationResult
from lambdamock.runtime.waits import Steps
from lambdamock.state.concurrency import Throttled
from lambdamock.state.functions import LATEST
from lambdamock.state.policies import Policy
from lambdamock.state.service import Region, Service
from lambdamock.state.urls import RESPONSE_STREAM, UrlConfig
from lambdamock.urls import access, events, responses
from lambdamock.urls.messages import BODY_LIMIT, Request, Response


def _find(service: Service, identifier: str) -> tuple[Optional[Region], Optional[UrlConfig], Optional[Policy]]:
    """The region and config of a URL id, and the policy guarding what it invokes; the region alone when retired."""
    with service.lock:
        for region in service.regions():
            config = region.urls.find(identifier)
            if config is not None:
                function = region.functions.get(config.function_name)
                policy = None if function is None else function.policies.get(config.qualifier or LATEST)
                return region, config, policy
            if region.urls.retired(identifier):
                return region, None, None
    return None, None, None


def answer(service: Service, identifier: str, request: Request) -> Steps[Response]:
    """The response to ``request`` sent to the URL with id ``identifier``, as steps (see waits)."""
    request_id = ids.request_id()
    response = yield from _answer(service, identifier, request, request_id)
    # Recorded: TestRequestIdHandling::test_request_id_invoke_url, the invocation's own request id; the
    # front end's, so it replaces one the function set.
    response.headers = [(name, value) for name, value in response.headers if name.lower() != "x-amzn-requestid"]
    response.headers.append(("x-amzn-RequestId", request_id))
    return response


def _answer(service: Service, identifier: str, request: Request, request_id: str) -> Steps[Response]:
    region, config, policy = _find(service, identifier)
    if region is None:
        return responses.unknown()
    if config is None:
        return responses.forbidden()
    if config.cors is not None and access.is_preflight(request):
        return access.preflight(config.cors, request)
    try:
        caller = access.caller(config, policy, request, region.account_id)
    except access.Denied:
        return responses.forbidden()
    # The front end's trace (the caller's continued, undecided unless the caller decided: the function's tracing
    # mode decides): the event's x-amzn-trace-id and the handler's share its root.
    trace = ids.trace_header(request.header("x-amzn-trace-id"), sampled=None)
    payload = json.dumps(events.event(config, request, request_id, caller, trace.split(";", 1)[0])).encode("utf-8")
    if len(payload) > BODY_LIMIT:
        return responses.too_large()  # the event, as Invoke takes it: a body in base64 grows by a third
    response = yield from _invoke(Call(service, region, request_id, "InvokeFunctionUrl", len(payload), trace), config, payload)
    if config.cors is not None:
        access.decorate(config.cors, request, response)
    return response


def _invoke(call: Call, config: UrlConfig, payload: bytes) -> Steps[Response]:
    """Invoke the function as Invoke does (so it is recorded, throttled and routed by alias weights)."""
    try:
        job = _invoking.job(call, config.function_name, config.qualifier, payload, "RequestResponse")
    except LambdaError:
        return responses.forbidden()  # deleted since its URL was found
    try:
        result = yield from call.service.invoker.steps(job)
    except Throttled:
        return responses.throttled()
    except MockStoppedError:
        response = responses.function_error()  # the mock stopped while it ran
    else:
        response = _mapped(config, result)
    # What the function answered names the request's trace too, unless the function named one (recorded:
    # LocalStack's CloudFormation test_cfn_function_url).
    if not any(name.lower() == "x-amzn-trace-id" for name, _ in response.headers):
        response.headers.append(("x-amzn-trace-id", (call.trace or "").split(";", 1)[0]))
    return response


def _mapped(config: UrlConfig, result: InvocationResult) -> Response:
    """The HTTP response for what the function returned (or the error it ended with)."""
    if result.function_error:
        return responses.function_error()
    if config.mode == RESPONSE_STREAM:
        return responses.streamed(result.payload)
    try:
        return responses.buffered(result.payload)
    except responses.Unmappable:
        return responses.function_error()
