"""InvocationResults as Lambda reports each outcome: the payload, the error type and the log."""

from __future__ import annotations

import dataclasses
import json
import time
import uuid
from typing import Optional, Sequence

from lambdamock.errors import SnapStartException, SnapStartTimeoutException
from lambdamock.runtime import signals
from lambdamock.runtime.calls import Outcome
from lambdamock.runtime.environment import Environment
from lambdamock.runtime.logs import Entry, Log
from lambdamock.runtime.payloads import encode_document, sandbox_error
from lambdamock.runtime.spec import FunctionSpec, InvocationResult

# Lambda's limit on a synchronous invocation's response: 6 MB, and the runtime's 100 bytes of envelope.
RESPONSE_LIMIT = 6 * 1024 * 1024 + 100
_TOO_LARGE = json.dumps({
    "errorMessage": f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
    "errorType": "Function.ResponseSizeTooLarge",
}).encode()


def answered(result: InvocationResult) -> InvocationResult:
    """A synchronous invocation's result as its caller gets it: a response over Lambda's limit is that error."""
    if len(result.payload) <= RESPONSE_LIMIT:
        return result
    return dataclasses.replace(result, payload=_TOO_LARGE, function_error="Unhandled")


def _result(log: Log, stream: str, payload: bytes, function_error: Optional[str], duration_ms: float,
            init_ms: Optional[float], cold: bool, timed_out: bool = False) -> InvocationResult:
    return InvocationResult(
        request_id=log.request_id,
        payload=payload,
        function_error=function_error,
        log=log.text,
        duration_ms=duration_ms,
        init_duration_ms=init_ms,
        cold=cold,
        timed_out=timed_out,
        log_stream=stream,
        log_events=log.events,
    )


def _initialised(log: Log, env: Environment, ended: Optional[float], error_type: Optional[str] = None,
                 failed: Optional[Environment] = None) -> None:
    """A cold start's part of the log: the runtime starting, what the code wrote while it was imported, and, if
    init ended (at ``ended``), its report. After an init that ``failed``, that one's, then this one's output and
    its report (only when it failed too), in the invoke phase."""
    init = env.init_outcome
    if failed is None:
        log.init_start(init.started, env.init_type, env.id)
    else:
        before = failed.init_outcome
        _initialised(log, failed, before.started + before.duration_ms / 1000,
                     None if failed.init_timed_out else _init_error_type(failed))
    log.output(init.output, init.started)
    if ended is not None and (failed is None or error_type is not None):
        log.init_end(ended, env.init_type, init.duration_ms, error_type, "init" if failed is None else "invoke",
                     timed_out=failed is None and (env.init_timed_out or env.restore_timed_out))


def _init_error_type(env: Environment) -> str:
    """The error type of an init that raised or exited."""
    return str(env.init_error["errorType"]) if env.init_error is not None else "Runtime.ExitError"


def _init_failure(env: Environment, request_id: str) -> tuple[str, bytes]:
    """The error type and the payload of an init that raised or exited."""
    error_type = _init_error_type(env)
    if env.init_error is not None:  # AWS sends an init error with an empty requestId (test_lambda_runtime_error)
        return error_type, encode_document(env.init_error, env.spec.runtime)
    return error_type, sandbox_error(error_type, _exit_message(request_id, env.init_outcome.exit_status or 0))


def completed(spec: FunctionSpec, request_id: str, env: Environment, outcome: Outcome, cold: bool,
              failed: Optional[Environment] = None) -> InvocationResult:
    """The handler returned, raised, or ended the runtime (sys.exit); after an init that ``failed``, in an
    environment whose init ran in the invoke phase, which its duration takes in."""
    log = Log(spec, request_id, env.tenant)
    init_ms = env.init_outcome.duration_ms if cold and failed is None else None
    if cold:
        _initialised(log, env, outcome.started, failed=failed)
    log.start(outcome.started)
    log.output(outcome.output, outcome.started)
    payload = outcome.payload
    function_error = outcome.function_error
    status, error_type = "success", None
    if outcome.exit_status is not None:
        # The runtime process ended: Lambda itself answers, as it does for a crashed runtime.
        message = _exit_message(request_id, outcome.exit_status)
        payload = sandbox_error("Runtime.ExitError", message)
        function_error = "Unhandled"
        log.output([f"{message}\nRuntime.ExitError\n"], outcome.started)
        status, error_type = "error", "Runtime.ExitError"
    body = payload if payload is not None else b"null"
    ended = outcome.started + outcome.duration_ms / 1000
    duration_ms = outcome.duration_ms + (env.init_outcome.duration_ms if failed is not None else 0.0)
    log.end(ended, duration_ms, init_ms, status, error_type, len(body))
    return _result(log, env.log_stream_name, body, function_error, duration_ms, init_ms, cold)


def init_failed(spec: FunctionSpec, env: Environment, request_id: str,
                failed: Optional[Environment] = None) -> InvocationResult:
    """Init raised or exited (again, after an init that ``failed``); the environment is not kept, so the next
    invoke runs init again, as Lambda does."""
    init = env.init_outcome
    error_type, payload = _init_failure(env, request_id)
    log = Log(spec, request_id, env.tenant)
    ended = init.started + init.duration_ms / 1000
    _initialised(log, env, ended, error_type, failed)
    log.start(ended)
    log.end(ended, init.duration_ms, None, "error", error_type, len(payload))
    return _result(log, env.log_stream_name, payload, "Unhandled", init.duration_ms, init.duration_ms, cold=True)


def timed_out(spec: FunctionSpec, request_id: str, env: Environment, output: Sequence[Entry], started: float,
              duration_ms: float, cold: bool, failed: Optional[Environment] = None) -> InvocationResult:
    """The handler outlived its time: Lambda answers for it."""
    log = Log(spec, request_id, env.tenant)
    if cold:
        _initialised(log, env, started, failed=failed)
    # A cold start's REPORT names its init, timed out or not (AWS's: "... Init Duration: 402.04 ms\tStatus: timeout").
    init_ms = env.init_outcome.duration_ms if cold and failed is None else None
    # After an init run again in the invoke phase, the handler had what that init left of the timeout.
    left_ms = duration_ms - (env.init_outcome.duration_ms if failed is not None else 0.0)
    return _timed_out(log, spec, request_id, env, output, started, started + left_ms / 1000, duration_ms, cold,
                      init_ms)


def init_timed_out(spec: FunctionSpec, request_id: str, env: Environment, duration_ms: float,
                   failed: Optional[Environment] = None) -> InvocationResult:
    """Init outlived its time (and the handler's; after an init that ``failed``, the function's): Lambda answers
    for it."""
    log = Log(spec, request_id, env.tenant)
    started = env.init_outcome.started
    ended = started + duration_ms / 1000
    if failed is None:
        _initialised(log, env, None)
    else:
        # The capture above runtime._INIT_LIMIT_S: "INIT_REPORT Init Duration: 45045.69 ms\tPhase: invoke\tStatus:
        # error\tError Type: Runtime.Unknown" for the init run again that outlived the timeout, then START.
        _initialised(log, env, ended, "Runtime.Unknown", failed)
        started = ended
    return _timed_out(log, spec, request_id, env, (), started, ended, duration_ms, True, None)


def restore_failed(spec: FunctionSpec, request_id: str, env: Environment) -> InvocationResult:
    """A SnapStart environment's after-restore hooks raised, ended the runtime or outlived their time: Lambda runs
    no invocation there, and Invoke answers SnapStartException or SnapStartTimeoutException.

    AWS's Restore phase guide: "RESTORE_REPORT Restore Duration: 1236.04 ms Status: timeout", and "... Status: error
    Error Type: Runtime.ExitError" for a runtime hook that failed (the runtime logs the error and exits)."""
    init = env.init_outcome
    log = Log(spec, request_id, env.tenant)
    timed_out = env.restore_timed_out
    _initialised(log, env, init.started + init.duration_ms / 1000, None if timed_out else "Runtime.ExitError")
    refusal = SnapStartTimeoutException if timed_out else SnapStartException
    payload = sandbox_error(refusal.__name__, refusal.MESSAGE)
    result = _result(log, env.log_stream_name, payload, "Unhandled", 0.0, init.duration_ms, cold=True)
    return dataclasses.replace(result, stopped=refusal.__name__)


def _timed_out(log: Log, spec: FunctionSpec, request_id: str, env: Environment, output: Sequence[Entry],
               started: float, ended: float, duration_ms: float, cold: bool,
               init_ms: Optional[float]) -> InvocationResult:
    message = f"RequestId: {request_id} Error: Task timed out after {spec.timeout:.2f} seconds"
    log.start(started)
    log.output(output, started)
    log.end(ended, duration_ms, init_ms, "timeout")
    return _result(log, env.log_stream_name, sandbox_error("Sandbox.Timedout", message), "Unhandled",
                   duration_ms, init_ms, cold, timed_out=True)


def _bare(spec: FunctionSpec, request_id: str, message: str, error_type: Optional[str], payload: bytes) -> InvocationResult:
    """An invocation that no environment ran: Lambda's own lines around its message."""
    now = time.time()
    log = Log(spec, request_id)
    log.start(now)
    log.output([message + "\n"], now)
    log.end(now, 0.0, None, "error" if error_type else "success", error_type)
    stream = f"{time.strftime('%Y/%m/%d', time.gmtime(now))}/[{spec.version}]{uuid.uuid4().hex}"
    return _result(log, stream, payload, "Unhandled", 0.0, None, cold=True)


def unsupported(spec: FunctionSpec, request_id: str) -> InvocationResult:
    """A function lambdamock cannot run: a runtime other than Python's, or a durable function."""
    # No runtime can start, so (like any runtime crash) Lambda itself answers, in its compact
    # form. The type is lambdamock's own: AWS has no error for "this emulator cannot run it".
    message = unsupported_message(spec)
    return _bare(spec, request_id, message, None, sandbox_error("Runtime.Unsupported", message))


def not_started(spec: FunctionSpec, request_id: str, error: BaseException) -> InvocationResult:
    """No environment could be made (the code could not be put on disk, no thread could start)."""
    message = f"RequestId: {request_id} Error: lambdamock could not start an execution environment: {error}"
    return _bare(spec, request_id, message, "Runtime.Unknown", sandbox_error("Runtime.Unknown", message))


def unsupported_message(spec: FunctionSpec) -> str:
    if spec.durable:
        return "lambdamock does not run durable functions (DurableConfig) yet"
    runtime = spec.runtime or "(container image)"
    return f"lambdamock runs only Python handlers; runtime {runtime} is not supported"


def _exit_message(request_id: str, status: int) -> str:
    if status == 0:
        return f"RequestId: {request_id} Error: Runtime exited without providing a reason"
    if status < 0:  # ended by a signal, as Lambda's runtime manager words it ("signal: killed", ...)
        return f"RequestId: {request_id} Error: Runtime exited with error: signal: {signals.name(-status)}"
    return f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
