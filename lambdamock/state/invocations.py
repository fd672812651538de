"""Invocations: the record tests assert on, and the queue that runs Event invocations."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional

from lambdamock.errors import MockStoppedError
from lambdamock.runtime import FunctionSpec, InvocationResult, Runtime, Threads, results
from lambdamock.state.concurrency import Gate, Throttled

# Lambda retries a failed asynchronous invocation twice by default.
ASYNC_RETRIES = 2
# Background workers at most; more Event invocations wait in the queue.
_MAX_WORKERS = 64
# How long close() waits, in all, for idle workers to leave.
_CLOSE_JOIN_S = 1.0


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
    """An invocation waiting to run: what to run and how it was asked for."""

    spec: FunctionSpec
    gate: Gate
    event: bytes
    request_id: str
    invoked_arn: str
    qualifier: Optional[str]
    invocation_type: str
    client_context: Optional[dict[str, Any]] = None


class Invoker:
    """Runs jobs on the runtime, records them, and drains Event jobs in the background."""

    def __init__(self, threads: Threads) -> None:
        self._threads = threads
        self._runtime: Optional[Runtime] = None
        self._closed_runtime: Optional[Runtime] = None
        self._lock = threading.Condition()
        self._records: list[Invocation] = []
        self._queue: deque[tuple[Job, int]] = deque()
        self._pending = 0  # queued plus running background jobs
        self._workers: list[threading.Thread] = []
        self._idle: set[threading.Thread] = set()  # workers waiting for a job
        self._closed = False

    @property
    def runtime(self) -> Runtime:
        # Created on first use, so start()/stop() of a mock that never invokes stays cheap.
        with self._lock:
            if self._closed:
                raise MockStoppedError(MockStoppedError.STOPPED)
            if self._runtime is None:
                self._runtime = Runtime(self._threads)
            return self._runtime

    @property
    def records(self) -> list[Invocation]:
        with self._lock:
            return list(self._records)

    def run(self, job: Job, attempt: int = 1) -> InvocationResult:
        """Run a job now, on the calling thread's behalf, and record it; Throttled when there is no capacity."""
        ticket = job.gate.enter(job.spec.function_name, job.qualifier, job.spec.version)
        try:
            result = self.runtime.invoke(
                job.spec,
                job.event,
                request_id=job.request_id,
                invoked_function_arn=job.invoked_arn,
                client_context=job.client_context,
                provisioned=ticket.provisioned,
            )
        except MockStoppedError:
            raise
        except Exception as error:  # whatever went wrong is this invocation's failure, never a lost worker
            result = results.not_started(job.spec, job.request_id, error)
        finally:
            job.gate.leave(ticket)
        record = Invocation(
            **vars(result),
            function_name=job.spec.function_name,
            qualifier=job.qualifier,
            executed_version=job.spec.version,
            invocation_type=job.invocation_type,
            event=job.event,
            attempt=attempt,
        )
        with self._lock:
            self._records.append(record)
        return result

    def deliver(self, job: Job) -> Optional[InvocationResult]:
        """Run a job for an event source mapping: synchronously, waiting while the function is throttled.

        None when the mock stopped before the job could run.
        """
        while not self._closed:
            try:
                return self.run(job)
            except Throttled as throttled:
                # Lambda's pollers back off and retry; nothing is dropped.
                job.gate.wait(throttled.generation, 0.5)
        return None

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count work done outside the queue (a mapping's batch in flight) in what wait() waits for."""
        with self._lock:
            self._pending += 1
        try:
            yield
        finally:
            self._done()

    def background(self, work: Callable[[], None], name: str) -> None:
        """Run ``work`` on a daemon thread, counted in what wait() waits for."""
        with self._lock:
            self._pending += 1

        def run() -> None:
            try:
                work()
            finally:
                self._done()

        self._threads.spawn(run, name)

    def _done(self) -> None:
        with self._lock:
            self._pending = max(0, self._pending - 1)
            self._lock.notify_all()

    def submit(self, job: Job) -> None:
        """Queue an Event job; it runs in the background with Lambda's retries."""
        with self._lock:
            if self._closed:
                return
            self._queue.append((job, 1))
            self._pending += 1
            if not self._idle and len(self._workers) < _MAX_WORKERS:
                self._workers.append(self._threads.spawn(self._work, "lambdamock-event"))
            else:
                self._lock.notify()

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                self._idle.add(me)
                while not self._queue and not self._closed:
                    self._lock.wait()
                self._idle.discard(me)
                if self._closed:
                    return
                job, attempt = self._queue.popleft()
            try:
                result = self.run(job, attempt)
            except Throttled as throttled:
                self._park(job, attempt, throttled.generation)
                continue
            except MockStoppedError:
                return  # the mock stopped while this job was starting
            with self._lock:
                if result.function_error and attempt <= ASYNC_RETRIES and not self._closed:
                    # Lambda waits a minute, then two, between retries; tests
                    # should not. The retry goes to the back of the queue, after
                    # events sent earlier, as on AWS.
                    self._queue.append((job, attempt + 1))
                    self._lock.notify()
                else:
                    self._pending -= 1
                    self._lock.notify_all()

    def _park(self, job: Job, attempt: int, generation: int) -> None:
        # The gate keeps it until capacity may have freed (see unpark); if capacity already
        # changed while we were refused, try again at once.
        if not job.gate.park((job, attempt), generation):
            self.unpark([(job, attempt)])

    def unpark(self, jobs: list[tuple[Job, int]]) -> None:
        """Queue throttled Event jobs again: capacity may have freed."""
        with self._lock:
            if self._closed:
                return
            self._queue.extend(jobs)
            self._lock.notify_all()

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until no background job is queued or running; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._lock:
            while self._pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._lock.wait(remaining)
            return True

    def retire(self, function_arn: str, version: Optional[str] = None) -> None:
        """Drop the idle environments of a function (or one version), if any were ever built."""
        with self._lock:
            runtime = self._runtime
        if runtime is not None:
            runtime.retire(function_arn, version)

    def close(self) -> None:
        """Stop the background workers and the runtime; queued jobs are dropped."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._pending = 0
            self._lock.notify_all()
            idle = list(self._idle)
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

