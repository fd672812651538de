"""InvocationResults as Lambda reports each outcome: the payload, the error type and the framed log."""

from __future__ import annotations

import math
from typing import Optional

from lambdamock.runtime.environment import Environment, Outcome
from lambdamock.runtime.payloads import encode_document, sandbox_error
from lambdamock.runtime.spec import FunctionSpec, InvocationResult

# No per-environment memory can be measured in one process: report a typical small Python figure.
_MEMORY_USED_MB = 40


def report(spec: FunctionSpec, request_id: str, duration_ms: float, init_ms: Optional[float], extra: str = "") -> str:
    line = (
        f"REPORT RequestId: {request_id}\tDuration: {duration_ms:.2f} ms"
        f"\tBilled Duration: {max(1, math.ceil(duration_ms))} ms\tMemory Size: {spec.memory_size} MB"
        f"\tMax Memory Used: {min(spec.memory_size, _MEMORY_USED_MB)} MB"
    )
    if init_ms is not None:
        line += f"\tInit Duration: {init_ms:.2f} ms"
    # AWS ends a plain REPORT with a tab (test_invocation_with_logs); how it ends one with a
    # Status is not recorded, so those stay as they were.
    return line + (extra or "\t") + "\n"


def log(spec: FunctionSpec, request_id: str, prelude: str, body: str, report: str) -> str:
    if body and not body.endswith("\n"):
        body += "\n"
    return (
        f"{prelude}START RequestId: {request_id} Version: {spec.version}\n{body}END RequestId: {request_id}\n{report}"
    )


def completed(
    spec: FunctionSpec, request_id: str, outcome: Outcome, init_ms: Optional[float], prelude: str
) -> InvocationResult:
    """The handler returned, raised, or ended the runtime (sys.exit)."""
    body = "".join(outcome.output)
    extra = ""
    payload = outcome.payload
    function_error = outcome.function_error
    if outcome.exit_status is not None:
        # The runtime process ended: Lambda itself answers, as it does for a crashed runtime.
        message = _exit_message(request_id, outcome.exit_status)
        payload = sandbox_error("Runtime.ExitError", message)
        function_error = "Unhandled"
        body += f"{message}\nRuntime.ExitError\n"
        extra = "\tStatus: error\tError Type: Runtime.ExitError"
    return InvocationResult(
        request_id=request_id,
        payload=payload if payload is not None else b"null",
        function_error=function_error,
        log=log(spec, request_id, prelude, body, report(spec, request_id, outcome.duration_ms, init_ms, extra)),
        duration_ms=outcome.duration_ms,
        init_duration_ms=init_ms,
        cold=init_ms is not None,
        timed_out=False,
    )


def _failed(request_id: str, payload: bytes, log_text: str, duration_ms: float,
            init_ms: Optional[float], cold: bool, timed_out: bool = False) -> InvocationResult:
    return InvocationResult(
        request_id=request_id,
        payload=payload,
        function_error="Unhandled",
        log=log_text,
        duration_ms=duration_ms,
        init_duration_ms=init_ms,
        cold=cold,
        timed_out=timed_out,
    )


def init_failed(spec: FunctionSpec, env: Environment, request_id: str, prelude: str) -> InvocationResult:
    """Init raised or exited; the environment is not kept, so the next invoke runs init again, as Lambda does."""
    init = env.init_outcome
    if env.init_error is not None:
        document = env.init_error  # AWS sends an init error with an empty requestId (test_lambda_runtime_error)
        error_type = str(document["errorType"])
        payload = encode_document(document)
    else:
        error_type = "Runtime.ExitError"
        payload = sandbox_error(error_type, _exit_message(request_id, init.exit_status or 0))
    prelude += f"INIT_REPORT Init Duration: {init.duration_ms:.2f} ms\tPhase: init\tStatus: error\tError Type: {error_type}\n"
    ending = report(spec, request_id, init.duration_ms, None, f"\tStatus: error\tError Type: {error_type}")
    return _failed(request_id, payload, log(spec, request_id, prelude, "", ending), init.duration_ms,
                   init.duration_ms, cold=True)


def timed_out(
    spec: FunctionSpec, request_id: str, prelude: str, body: str, duration_ms: float, cold: bool
) -> InvocationResult:
    """The handler (or init) outlived its time: Lambda answers for it."""
    message = f"RequestId: {request_id} Error: Task timed out after {spec.timeout:.2f} seconds"
    ending = report(spec, request_id, duration_ms, None, "\tStatus: timeout")
    return _failed(request_id, sandbox_error("Sandbox.Timedout", message),
                   log(spec, request_id, prelude, body, ending), duration_ms, None, cold, timed_out=True)


def unsupported(spec: FunctionSpec, request_id: str) -> InvocationResult:
    """A runtime lambdamock cannot run (anything but Python)."""
    # No runtime can start, so (like any runtime crash) Lambda itself answers, in its compact
    # form. The type is lambdamock's own: AWS has no error for "this emulator cannot run it".
    message = unsupported_message(spec)
    return _failed(request_id, sandbox_error("Runtime.Unsupported", message),
                   log(spec, request_id, "", message + "\n", report(spec, request_id, 0.0, None)), 0.0, None, True)


def not_started(spec: FunctionSpec, request_id: str, error: BaseException) -> InvocationResult:
    """No environment could be made (the code could not be put on disk, no thread could start)."""
    message = f"RequestId: {request_id} Error: lambdamock could not start an execution environment: {error}"
    ending = report(spec, request_id, 0.0, None, "\tStatus: error\tError Type: Runtime.Unknown")
    return _failed(request_id, sandbox_error("Runtime.Unknown", message),
                   log(spec, request_id, "", message + "\n", ending), 0.0, None, True)


def unsupported_message(spec: FunctionSpec) -> str:
    runtime = spec.runtime or "(container image)"
    return f"lambdamock runs only Python handlers; runtime {runtime} is not supported"


def _exit_message(request_id: str, status: int) -> str:
    if status == 0:
        return f"RequestId: {request_id} Error: Runtime exited without providing a reason"
    return f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"
