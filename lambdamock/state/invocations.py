"""Invocations: the record tests assert on, the jobs that make them, and the Invoker that runs them."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import weakref
from dataclasses import dataclass, field
from types import GeneratorType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Optional, Protocol

from lambdamock import ids
from lambdamock.errors import MockStoppedError
from lambdamock.runtime import FunctionSpec, InvocationResult, Runtime, Threads, results
from lambdamock.runtime.spec import Credentials, no_credentials
from lambdamock.runtime.waits import Steps, blocking
from lambdamock.state import lineage
from lambdamock.state.concurrency import Gate, Throttled
from lambdamock.state.event_queue import EventQueue

if TYPE_CHECKING:
    from lambdamock.state.functions import Function
    from lambdamock.state.service import Region

# How long close() waits, in all, for idle workers to leave.
_CLOSE_JOIN_S = 1.0
# How often wait() looks at the steps of calls that run on without their caller.
_AWAITED_POLL_S = 0.02


@dataclass(frozen=True)
class Delivery:
    """Where an Event invocation's outcome was sent: a destination or the dead-letter queue, and what came of it."""

    kind: str
    """``OnSuccess``, ``OnFailure`` or ``DeadLetter``."""
    target: str
    """The ARN it was sent to."""
    error: Optional[str] = None
    """Why it could not be delivered (the service is not mocked, the queue does not exist, ...); None when it was."""


@dataclass(frozen=True)
class Invocation(InvocationResult):
    """One run of a handler, as ``LambdaMock.invocations`` lists it: what ran and what came of it."""

    function_name: str = ""
    """The function's name."""
    qualifier: Optional[str] = None
    """The version or alias the caller named; None when unqualified."""
    executed_version: str = ""
    """The version that ran: ``$LATEST``, a number, or the one a weighted alias drew."""
    invocation_type: str = ""
    """``RequestResponse`` or ``Event``."""
    event: bytes = b""
    """The event exactly as sent."""
    attempt: int = 1
    """1, then 2 and 3 for Lambda's retries of a failed ``Event`` invocation."""
    condition: Optional[str] = None
    """On the last attempt of an ``Event`` invocation: ``Success``, ``RetriesExhausted`` or ``EventAgeExceeded``."""
    deliveries: tuple[Delivery, ...] = ()
    """On the last attempt of an ``Event`` invocation: where its outcome was sent (destinations, dead-letter queue)."""
    tenant_id: Optional[str] = None
    """The ``TenantId`` it was invoked with (a function in tenant isolation mode); else None."""
    trace: str = ""
    """The X-Ray trace header its handler was given (``_X_AMZN_TRACE_ID``); empty for one stopped as a recursive
    loop."""

    @property
    def result(self) -> Any:
        """The handler's result (or error payload) decoded from JSON."""
        return json.loads(self.payload) if self.payload else None

    @property
    def error(self) -> Optional[dict[str, Any]]:
        """The error payload when the invocation failed, else None."""
        return self.result if self.function_error else None


@dataclass(frozen=True)
class Job:
    """An invocation waiting to run: what to run, where, and how it was asked for."""

    spec: FunctionSpec
    region: Region
    event: bytes
    request_id: str
    invoked_arn: str
    qualifier: Optional[str]
    invocation_type: str
    client_context: Optional[dict[str, Any]] = None
    lineage: Mapping[str, int] = field(default_factory=dict)
    """How many times each function ran in this event's chain, this invocation included (see state.lineage)."""
    recursive: bool = False
    """True when this invocation would continue a recursive loop that Lambda stops."""
    trace: Optional[str] = None
    """The X-Ray trace header its caller sent (X-Amzn-Trace-Id), whose trace the invocation continues."""
    function: Optional[Function] = None
    """The function it was made for; another of the same name, made after a deletion, is not it."""
    isolated: bool = False
    """True when the function is in tenant isolation mode (TenancyConfig), whose invocations name a tenant."""
    tenant: Optional[str] = None
    """The caller's TenantId: only environments of that tenant run it."""

    @property
    def gate(self) -> Gate:
        return self.region.gate


def _trace(job: Job) -> str:
    """The handler's trace header (_X_AMZN_TRACE_ID): the caller's trace continued, with the job's Lineage."""
    chain = lineage.text(job.lineage)
    # A trace that brings no decision: Active tracing samples it, PassThrough leaves it undecided.
    sampled = None
    if job.spec.active_tracing and ids.decision(job.trace) is None:
        sampled = job.region.sampler.sampled(job.spec.function_arn)
    return ids.trace_header(job.trace, sampled) + (f";Lineage={chain}" if chain else "")


class Shipper(Protocol):
    """Where what invocations leave goes besides their records (CloudWatch Logs and metrics, through the gate)."""

    endpoint_prefix: str  # the service it ships to: a request from the test there is answered after a flush()

    def ran(self, job: Job, result: InvocationResult) -> None:
        """An invocation ended; what it left is to be shipped."""

    def throttled(self, job: Job) -> None:
        """A request was throttled: it ran nothing."""

    def flush(self) -> None:
        """Ship what is pending, now."""


def _running(steps: Optional[GeneratorType[Any, Any, Any]]) -> bool:
    return steps is not None and steps.gi_frame is not None


class Invoker:
    """Runs jobs on the runtime, records them, and drains Event jobs in the background."""

    def __init__(self, threads: Threads) -> None:
        self.threads = threads
        self._runtime: Optional[Runtime] = None
        self._closed_runtime: Optional[Runtime] = None
        # Guards the records and what wait() waits for; the Event queue shares it, with a condition of its own, so
        # that a notification meant for its workers never wakes a wait() instead.
        self.mutex = threading.RLock()
        self._lock = threading.Condition(self.mutex)
        self._records: list[Invocation] = []
        self._pending = 0  # queued and running background work
        # The steps of calls whose caller, a function's code, was given up on: they run on (see Scope.abandon).
        # Weakly: steps that nothing runs any more (their driver was interrupted) are not waited for.
        self._awaited: list[weakref.ref[GeneratorType[Any, Any, Any]]] = []
        self._closed = False
        self.events = EventQueue(self)
        self.shippers: tuple[Shipper, ...] = ()  # none for a bare Invoker, as unit tests build one
        # What an environment is given as its role's credentials; set before the runtime is first made.
        self.credentials: Credentials = no_credentials

    @property
    def runtime(self) -> Runtime:
        # Created on first use, so start()/stop() of a mock that never invokes stays cheap. Once made it
        # is read without the lock: a caller racing close() gets one that refuses (MockStoppedError).
        runtime = self._runtime
        if runtime is not None:
            return runtime
        with self._lock:
            if self._closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            if self._runtime is None:
                self._runtime = Runtime(self.threads, self.credentials)
            return self._runtime

    @property
    def records(self) -> list[Invocation]:
        with self._lock:
            return list(self._records)

    def run(self, job: Job, attempt: int = 1) -> Invocation:
        """Run a job now, waiting on the calling thread, and record it (see ``steps``)."""
        return blocking(self.steps(job, attempt), orphan=self.orphan)

    def orphan(self, rest: Callable[[], None]) -> None:
        """Run the rest of an invocation whose caller went away: as on Lambda, it runs on to its end."""
        self.background(rest, "lambdamock-orphaned-invoke")

    def steps(self, job: Job, attempt: int = 1) -> Steps[Invocation]:
        """Run a job now, on the caller's behalf, and record it; Throttled when there is no capacity.

        A job that continues a recursive loop is recorded unrun, and RecursiveLoop raised.
        """
        if job.recursive:
            unrun = InvocationResult(job.request_id, b"", None, "", 0.0, None, False, False, stopped=lineage.STOPPED)
            raise lineage.RecursiveLoop(self._record(job, unrun, attempt))
        try:
            ticket = job.gate.enter(job.spec.function_name, job.qualifier, job.spec.version)
        except Throttled:
            for shipper in self.shippers:
                shipper.throttled(job)
            raise
        trace = ""
        try:
            trace = _trace(job)
            result = yield from self.runtime.steps(
                job.spec,
                job.event,
                request_id=job.request_id,
                invoked_function_arn=job.invoked_arn,
                client_context=job.client_context,
                provisioned=ticket.provisioned,
                trace=trace,
                tenant=job.tenant,
            )
        except MockStoppedError:
            raise
        except Exception as error:  # whatever went wrong is this invocation's failure, never a lost worker
            result = results.not_started(job.spec, job.request_id, error)
        finally:
            job.gate.leave(ticket)
        if job.invocation_type == "RequestResponse":
            result = results.answered(result)
        record = self._record(job, result, attempt, trace)
        for shipper in self.shippers:
            shipper.ran(job, result)
        return record

    def _record(self, job: Job, result: InvocationResult, attempt: int, trace: str = "") -> Invocation:
        record = Invocation(
            **vars(result),
            function_name=job.spec.function_name,
            qualifier=job.qualifier,
            executed_version=job.spec.version,
            invocation_type=job.invocation_type,
            event=job.event,
            attempt=attempt,
            tenant_id=job.tenant,
            trace=trace,
        )
        with self._lock:
            self._records.append(record)
        return record

    def replace(self, record: Invocation, updated: Invocation) -> None:
        """Put ``updated`` where ``record`` is in the records (the outcome of an Event invocation, once known)."""
        with self._lock:
            for index in range(len(self._records) - 1, -1, -1):
                if self._records[index] is record:
                    self._records[index] = updated
                    return

    def deliver(self, job: Job, until: Optional[float] = None,
                interrupted: Callable[[], bool] = lambda: False) -> Optional[InvocationResult]:
        """Run a job for an event source mapping: synchronously, waiting while the function is throttled.

        None when the mock stopped before the job could run; Throttled when it is still throttled at ``until``
        (time.monotonic), if given, or once ``interrupted()`` says the mapping changed or is going.
        """
        while not self._closed:
            try:
                return self.run(job)
            except lineage.RecursiveLoop as loop:
                return loop.record  # the batch is dropped, as Lambda drops it
            except Throttled as throttled:
                # Lambda's pollers back off and retry, up to the caller's limit.
                left = 0.5 if until is None else until - time.monotonic()
                if left <= 0 or interrupted():
                    raise
                job.gate.wait(throttled.generation, min(left, 0.5))
        return None

    def begin(self) -> None:
        """Count one more piece of background work in what wait() waits for (caller may hold the condition)."""
        with self._lock:
            self._pending += 1

    def end(self) -> None:
        with self._lock:
            self._pending = max(0, self._pending - 1)
            self._lock.notify_all()

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count work done outside the queue (a mapping's batch in flight) in what wait() waits for."""
        self.begin()
        try:
            yield
        finally:
            self.end()

    def background(self, work: Callable[[], None], name: str) -> None:
        """Run ``work`` on a daemon thread, counted in what wait() waits for."""
        self.begin()

        def run() -> None:
            try:
                work()
            finally:
                self.end()

        self.threads.spawn(run, name)

    def submit(self, job: Job) -> None:
        """Queue an Event job; it runs in the background with Lambda's retries (see event_queue)."""
        self.events.submit(job)

    def awaited(self, steps: GeneratorType[Any, Any, Any]) -> None:
        """Count in what wait() waits for the steps of a call that runs on without its caller, until they end."""
        with self._lock:
            self._awaited.append(weakref.ref(steps))

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until no background job is queued or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while True:
                # Steps that ended let go of their frame; whichever thread ran them had nothing more to do.
                self._awaited = [ref for ref in self._awaited if _running(ref())]
                if not self._pending and not self._awaited:
                    return True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                if self._awaited:  # nothing says when they end: they are looked at again soon
                    remaining = _AWAITED_POLL_S if remaining is None else min(remaining, _AWAITED_POLL_S)
                self._lock.wait(remaining)

    def ship(self, endpoint_prefix: Optional[str] = None) -> None:
        """Ship what invocations left, now: to every service, or to the one of ``endpoint_prefix``."""
        for shipper in self.shippers:
            if endpoint_prefix in (None, shipper.endpoint_prefix):
                shipper.flush()

    def retire(self, function_arn: str, version: Optional[str] = None) -> None:
        """Drop the idle environments of a function (or one version), if any were ever built."""
        with self._lock:
            runtime = self._runtime
        if runtime is not None:
            runtime.retire(function_arn, version)

    def close(self) -> None:
        """Stop the background workers and the runtime; queued jobs are dropped, logs of what ran are shipped."""
        self.ship()
        idle = self.events.close()
        with self._lock:
            self._closed = True
            self._pending = 0
            self._awaited = []
            self._lock.notify_all()
            runtime, self._runtime = self._runtime, None
        # Idle workers leave at once; busy ones when their job returns.
        deadline = time.monotonic() + _CLOSE_JOIN_S
        for worker in idle:
            worker.join(max(0.0, deadline - time.monotonic()))
        if runtime is not None:
            runtime.close()
            self._closed_runtime = runtime

    def unhook(self) -> None:
        """After close, once no thread of this mock is left: undo the runtime's process-wide stand-ins."""
        if self._closed_runtime is not None:
            self._closed_runtime.unhook()

