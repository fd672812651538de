"""Event invocations as Lambda runs them: a queue, retries by the event invoke config, event age, final outcomes."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
from typing import TYPE_CHECKING, Callable, Optional, Protocol

from lambdamock.errors import MockStoppedError
from lambdamock.state.concurrency import Throttled
from lambdamock.state.lineage import RecursiveLoop
from lambdamock.workers import Workers

if TYPE_CHECKING:
    from lambdamock.state.invocations import Delivery, Invocation, Invoker, Job

# The conditions an Event invocation ends with, as its destination records name them.
SUCCESS = "Success"
RETRIES_EXHAUSTED = "RetriesExhausted"
EVENT_AGE_EXCEEDED = "EventAgeExceeded"
ZERO_RESERVED = "ZeroReservedConcurrency"
# Lambda's defaults: two retries, six hours; it waits a minute, then two, before them. lambdamock
# retries at once, but counts those waits in an event's age, so EventAgeExceeded comes as on AWS.
DEFAULT_RETRIES = 2
DEFAULT_MAXIMUM_AGE = 21600
RETRY_DELAYS = (60.0, 120.0)
# Background workers at most; more Event invocations wait in the queue.
_MAX_WORKERS = 64


class Outcomes(Protocol):
    """What happens once an Event invocation is done for good (destinations, dead-letter queues)."""

    def finished(self, job: Job, condition: str, attempts: int, last: Optional[Invocation]) -> tuple[Delivery, ...]:
        """Send the outcome where the function's settings say; what was sent, and what could not be."""


class NoOutcomes:
    """Outcomes that go nowhere (a bare Invoker, as unit tests build one)."""

    def finished(self, job: Job, condition: str, attempts: int, last: Optional[Invocation]) -> tuple[Delivery, ...]:
        return ()


class _Entry:
    """A queued event: its job, the attempt it is at, and when it was queued (for its age)."""

    __slots__ = ("attempt", "job", "queued_at")

    def __init__(self, job: Job) -> None:
        self.job = job
        self.attempt = 1
        self.queued_at = time.monotonic()

    def age(self, attempts_made: int) -> float:
        """The event's age as Lambda would see it before its next attempt, its retry waits included."""
        return time.monotonic() - self.queued_at + sum(RETRY_DELAYS[: max(0, attempts_made)])


def _as_queued(job: Job) -> Job:
    return job


class EventQueue:
    """The Event invocations of one mock, run by background workers that never die."""

    def __init__(self, invoker: Invoker) -> None:
        self._invoker = invoker
        self.outcomes: Outcomes = NoOutcomes()
        # What a queued job runs as when its turn comes (the service's: state.jobs.current); as queued here.
        self.current: Callable[[Job], Job] = _as_queued
        # One lock for the queue and for wait(), a condition each.
        self._workers: Workers[_Entry] = Workers(invoker.threads.spawn, self._run, _MAX_WORKERS, "lambdamock-event",
                                                 invoker.mutex)

    def submit(self, job: Job) -> None:
        """Queue an Event job; it runs in the background with Lambda's retries."""
        with self._workers.lock:
            if self._workers.put([_Entry(job)]):
                self._invoker.begin()

    def _run(self, entry: _Entry) -> None:
        with contextlib.suppress(MockStoppedError):  # the mock stopped while this job was starting
            self._attempt(entry)

    def _attempt(self, entry: _Entry) -> None:
        # Each attempt runs what its qualifier names at the time, as Lambda's queue invokes it then.
        job = entry.job = self.current(entry.job)
        retries, maximum_age = self._limits(job)
        if entry.age(entry.attempt - 1) > maximum_age:  # it waited too long for capacity
            self._finish(entry, EVENT_AGE_EXCEEDED, entry.attempt - 1, None)
            return
        try:
            record = self._invoker.run(job, entry.attempt)
        except RecursiveLoop:
            self._invoker.end()  # dropped, recorded unrun
            return
        except Throttled as throttled:
            if job.gate.reserved.get(job.spec.function_name) == 0:
                # A reservation of 0 sends events straight to the failure destination, unrun.
                self._finish(entry, ZERO_RESERVED, entry.attempt - 1, None)
            elif not job.gate.park(entry, throttled.generation):
                self.unpark([entry])  # capacity changed while we were refused: try again at once
            return
        if not record.function_error:
            self._finish(entry, SUCCESS, entry.attempt, record)
        elif entry.attempt > retries:
            self._finish(entry, RETRIES_EXHAUSTED, entry.attempt, record)
        elif entry.age(entry.attempt) > maximum_age:
            # Lambda looks ahead: a retry that would come too late is not waited for.
            self._finish(entry, EVENT_AGE_EXCEEDED, entry.attempt, record)
        else:
            # The retry goes to the back of the queue, after events sent earlier, as on AWS.
            entry.attempt += 1
            self._workers.put([entry])

    def _limits(self, job: Job) -> tuple[int, int]:
        """MaximumRetryAttempts and MaximumEventAgeInSeconds of the qualifier invoked, as set now."""
        config = job.region.invoke_configs.effective(job.spec.function_name, job.qualifier)
        retries = DEFAULT_RETRIES if config.maximum_retry_attempts is None else config.maximum_retry_attempts
        age = DEFAULT_MAXIMUM_AGE if config.maximum_event_age is None else config.maximum_event_age
        return retries, age

    def _finish(self, entry: _Entry, condition: str, attempts: int, last: Optional[Invocation]) -> None:
        # Still counted by wait() until its outcome has been sent.
        try:
            deliveries = self.outcomes.finished(entry.job, condition, attempts, last)
            if last is not None:
                self._invoker.replace(last, dataclasses.replace(last, condition=condition, deliveries=deliveries))
        finally:
            self._invoker.end()

    def unpark(self, entries: list[_Entry]) -> None:
        """Queue throttled Event jobs again: capacity may have freed."""
        self._workers.put(entries)

    def close(self) -> list[threading.Thread]:
        """Stop the workers and drop what is queued; the idle workers, to join."""
        return self._workers.close()[1]
