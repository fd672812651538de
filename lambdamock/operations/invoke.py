"""Invoke and InvokeAsync: run the function's handler, synchronously or in the background."""

from __future__ import annotations

import base64
from typing import Any, Optional

from lambdamock import ids
from lambdamock.errors import (
    InvalidRequestContentException,
    NotServedError,
    RecursiveInvocationException,
    RequestEntityTooLargeException,
    SnapStartException,
    SnapStartTimeoutException,
    TooManyRequestsException,
)
from lambdamock.operations import _invoking
from lambdamock.operations._base import Call
from lambdamock.protocol import jsonread
from lambdamock.runtime.logs import log_bytes
from lambdamock.runtime.waits import Steps
from lambdamock.state import lineage
from lambdamock.state.concurrency import Throttled
from lambdamock.state.invocations import Invocation, Job

SYNC_PAYLOAD_LIMIT = 6 * 1024 * 1024
ASYNC_PAYLOAD_LIMIT = 1024 * 1024
# The deprecated InvokeAsync kept the old limit: "The payload limit is 256KB. For larger payloads, for up to 1MB,
# use Invoke." (API_InvokeAsync).
INVOKE_ASYNC_PAYLOAD_LIMIT = 256 * 1024
_TAIL_BYTES = 4096
# What Invoke answers for an invocation Lambda did not run because its SnapStart restore failed (see its record's
# ``stopped``).
_RESTORE_FAILURES = {error.__name__: error for error in (SnapStartException, SnapStartTimeoutException)}
# The model's description of the error (AWS's message text is not recorded).
_RECURSIVE = (
    "Lambda has detected your function being invoked in a recursive loop with other Amazon Web Services "
    "resources and stopped your function's invocation."
)


def _check_json(payload: bytes) -> None:
    if not payload:
        return
    try:
        jsonread.loads(payload)
    except jsonread.Unreadable as error:
        raise InvalidRequestContentException(
            f"Could not parse request body into json: Could not parse payload into json: {error}"
        ) from None


def _client_context(encoded: Optional[str]) -> Optional[dict[str, Any]]:
    if encoded is None:
        return None
    try:
        decoded = jsonread.loads(base64.b64decode(encoded, validate=True))
    except (jsonread.Unreadable, ValueError):  # binascii.Error, and non-ASCII text, are ValueErrors
        decoded = None
    if not isinstance(decoded, dict):
        raise InvalidRequestContentException("Client context must be a valid Base64-encoded JSON object.")
    return decoded


def _job(call: Call, params: dict[str, Any], kind: str) -> Job:
    """The job a synchronous or Event invocation asks for, once its payload passed AWS's checks."""
    if "DurableExecutionName" in params:
        raise NotServedError("lambdamock does not serve durable executions (DurableExecutionName) yet")
    payload = params.get("Payload") or b""
    limit = ASYNC_PAYLOAD_LIMIT if kind == "Event" else SYNC_PAYLOAD_LIMIT
    if len(payload) > limit:
        if kind == "Event":
            raise RequestEntityTooLargeException(
                f"{len(payload)} byte payload is too large for the Event invocation type (limit {limit} bytes)"
            )
        raise RequestEntityTooLargeException(
            f"Request must be smaller than {limit} bytes for the InvokeFunction operation"
        )
    _check_json(payload)
    context = _client_context(params.get("ClientContext")) if kind == "RequestResponse" else None
    return _invoking.job(call, params["FunctionName"], params.get("Qualifier"), payload, kind, context,
                         params.get("TenantId"))


def _answered(call: Call, trace: str) -> None:
    """The headers Lambda adds to what Invoke answers: its front end's trace, going on with the handler's (a new
    Parent; Sampled=0 unless decided), and the body's length remapped (recorded answers to boto3, 2017 to 2026, e.g.
    Apache Airflow's tests/providers/amazon/aws/hooks/test_lambda_function.py, "x-amzn-remapped-content-length": "0"
    beside "x-amzn-trace-id": "root=1-6679f3e1-...;parent=30345a2039563aa5;sampled=0;...")."""
    call.headers["X-Amzn-Trace-Id"] = ids.next_segment(trace)
    call.headers["x-amzn-Remapped-Content-Length"] = "0"


def _run(call: Call, job: Job) -> Steps[Invocation]:
    """Run a synchronous job: its record, once it ran; AWS's error when Lambda ran no handler for it."""
    try:
        record = yield from call.service.invoker.steps(job)
    except Throttled as throttled:
        # AWS sends no Retry-After with it (LocalStack's test_lambda_concurrency_block recording).
        raise TooManyRequestsException("Rate Exceeded.", Reason=throttled.reason) from None
    except lineage.RecursiveLoop:
        raise RecursiveInvocationException(_RECURSIVE) from None
    if record.stopped is not None:  # Lambda ran no handler: a SnapStart restore failed (a loop raised above)
        refusal = _RESTORE_FAILURES[record.stopped]
        raise refusal(refusal.MESSAGE)
    return record


def _tail(record: Invocation, log_type: Optional[str]) -> Optional[str]:
    """The LogResult, if asked for: the end of the invocation's log, in base64."""
    if log_type != "Tail":
        return None
    return base64.b64encode(log_bytes(record.log)[-_TAIL_BYTES:]).decode("ascii")


def _submitted(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """An Event invocation, queued and answered at once. Its trace begins now, though its handler runs later
    (undecided unless the caller decided)."""
    call.trace = trace = ids.trace_header(call.trace, sampled=None)
    call.service.invoker.submit(_job(call, params, "Event"))
    _answered(call, trace)
    return {"StatusCode": 202}


def invoke(call: Call, params: dict[str, Any]) -> Steps[dict[str, Any]]:
    kind = params.get("InvocationType", "RequestResponse")
    if kind == "Event":
        return _submitted(call, params)
    job = _job(call, params, kind)
    if kind == "DryRun":
        return {"StatusCode": 204}
    record = yield from _run(call, job)
    _answered(call, record.trace)
    return {"StatusCode": 200, "ExecutedVersion": job.spec.version, "Payload": record.payload,
            "FunctionError": record.function_error, "LogResult": _tail(record, params.get("LogType"))}


def invoke_with_response_stream(call: Call, params: dict[str, Any]) -> Steps[dict[str, Any]]:
    kind = params.get("InvocationType", "RequestResponse")
    job = _job(call, params, kind)
    if kind == "DryRun":
        return {"StatusCode": 204}
    record = yield from _run(call, job)
    body, error = record.payload, record.function_error
    # A Python runtime does not stream: the whole result is one chunk. A failure is reported in the
    # closing event, the HTTP status staying 200 (not recorded: the model's shape, and the error payload
    # as the details Invoke would return).
    complete = {"ErrorCode": error, "ErrorDetails": body.decode("utf-8", "replace") if error else None,
                "LogResult": _tail(record, params.get("LogType"))}
    chunks = [] if error else [{"PayloadChunk": {"Payload": body}}]
    return {"StatusCode": 200, "ExecutedVersion": job.spec.version,
            "EventStream": [*chunks, {"InvokeComplete": complete}]}


def invoke_async(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    payload = params.get("InvokeArgs") or b""
    if len(payload) > INVOKE_ASYNC_PAYLOAD_LIMIT:
        raise RequestEntityTooLargeException(
            f"{len(payload)} byte payload is too large for the Event invocation type "
            f"(limit {INVOKE_ASYNC_PAYLOAD_LIMIT} bytes)"
        )
    _check_json(payload)
    call.service.invoker.submit(_invoking.job(call, params["FunctionName"], None, payload, "Event"))
    return {"Status": 202}
