"""Invocations: the record tests assert on, and the queue that runs Event invocations."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterator, Optional

from lambdamock.runtime import FunctionSpec, InvocationResult, Runtime

# Lambda retries a failed asynchronous invocation twice by default.
ASYNC_RETRIES = 2
# Background workers at most; more Event invocations wait in the queue.
_MAX_WORKERS = 64


@dataclass(frozen=True)
class Invocation(InvocationResult):
    """One run of a handler, as ``LambdaMock.invocations`` lists it: what ran and what came of it."""

    function_name: str = ""
    qualifier: Optional[str] = None
    executed_version: str = ""
    invocation_type: str = ""
    event: bytes = b""
    attempt: int = 1

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
    event: bytes
    request_id: str
    invoked_arn: str
    qualifier: Optional[str]
    invocation_type: str
    client_context: Optional[dict[str, Any]] = None


class Invoker:
    """Runs jobs on the runtime, records them, and drains Event jobs in the background."""

    def __init__(self) -> None:
        self._runtime: Optional[Runtime] = None
        self._lock = threading.Condition()
        self._records: list[Invocation] = []
        self._queue: deque[tuple[Job, int]] = deque()
        self._pending = 0  # queued plus running background jobs
        self._workers: list[threading.Thread] = []
        self._idle_workers = 0
        self._closed = False

    @property
    def runtime(self) -> Runtime:
        # Created on first use, so start()/stop() of a mock that never invokes stays cheap.
        with self._lock:
            if self._runtime is None:
                self._runtime = Runtime()
            return self._runtime

    @property
    def records(self) -> list[Invocation]:
        with self._lock:
            return list(self._records)

    def run(self, job: Job, attempt: int = 1) -> InvocationResult:
        """Run a job now, on the calling thread's behalf, and record it."""
        result = self.runtime.invoke(
            job.spec,
            job.event,
            request_id=job.request_id,
            invoked_function_arn=job.invoked_arn,
            client_context=job.client_context,
        )
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
        if self._closed:
            return None
        return self.run(job)

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        """Count work done outside the queue (a mapping's batch in flight) in what wait() waits for."""
        with self._lock:
            self._pending += 1
        try:
            yield
        finally:
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
            if self._idle_workers == 0 and len(self._workers) < _MAX_WORKERS:
                worker = threading.Thread(target=self._work, name="lambdamock-event", daemon=True)
                self._workers.append(worker)
                worker.start()
            else:
                self._lock.notify()

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle_workers += 1
                while not self._queue and not self._closed:
                    self._lock.wait()
                self._idle_workers -= 1
                if self._closed:
                    return
                job, attempt = self._queue.popleft()
            result = self.run(job, attempt)
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

    def close(self) -> None:
        """Stop the background workers and the runtime; queued jobs are dropped."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._pending = 0
            self._lock.notify_all()
            runtime, self._runtime = self._runtime, None
        if runtime is not None:
            runtime.close()

