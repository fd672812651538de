"""Where an invocation waits for its environment's thread: one path, run by a blocking or by an asyncio caller.

An invocation's steps (``Runtime.steps``, ``Invoker.steps``, the Invoke operation) are generators that
yield a Wait each time they need the environment's thread to finish something. ``blocking`` waits on
the calling thread; lambdamock's aiobotocore door awaits instead, so no thread sits between an event
loop and a handler; ``relay`` has the environment's thread carry the steps on itself, for a caller
whose result leaves by another way than its own stack (a function URL's response, written to a socket),
and which has other things to do meanwhile (read the connection's next request).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from functools import partial
from typing import Callable, Generator, Generic, Optional, TypeVar

from lambdamock import _bound
from lambdamock.runtime.cores import Meeting

T = TypeVar("T")

# Lets another thread run, and have the GIL, without this one sleeping. Not every platform has sched_yield,
# and before Python 3.10 a thread that yields takes the GIL straight back: there, nothing is watched.
_yield: Optional[Callable[[], object]] = (
    getattr(os, "sched_yield", None) if sys.version_info >= (3, 10) else None
)


class Signal:
    """Set once, by an environment's thread; waited for by one caller, on a thread or on an event loop.

    Once set it stays set, for whoever asks again (the steps of a caller that went away, run on).
    """

    __slots__ = ("_callback", "_lock", "is_set")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()
        self._callback: Optional[Callable[[], None]] = None
        self.is_set = False

    def set(self) -> None:
        self.is_set = True
        self._lock.release()
        callback = self._callback  # read after the release: see when_set
        if callback is not None:
            callback()

    def wait(self, timeout: float) -> bool:
        """Block until set, up to ``timeout`` seconds; False when it was not set in time."""
        return self.is_set or self._lock.acquire(timeout=timeout)

    def settles(self, within: float) -> bool:
        """Whether it is set now or within ``within`` seconds, watched without sleeping (the GIL let go meanwhile).

        For an event loop, for which watching briefly costs less than being woken by another thread.
        """
        watch = _yield
        if watch is None:
            return self.is_set
        end = time.perf_counter() + within
        while not self.is_set and time.perf_counter() < end:
            watch()
        return self.is_set

    def when_set(self, callback: Callable[[], None]) -> bool:
        """Have ``callback`` called by the setting thread; False (and no call owed) when it is set already.

        The callback is stored before the check and read by ``set`` after the release, so either the
        check sees the release or ``set`` sees the callback.
        """
        self._callback = callback
        return not (self.is_set or self._lock.acquire(blocking=False))


class Wait:
    """What a step waits for: ``signal``, for at most ``timeout`` seconds; the step is sent whether it came.

    ``meeting``: the hand-off whose answer it waits for, when it keeps to one core (runtime.cores).
    """

    __slots__ = ("deadline", "meeting", "signal")

    def __init__(self, signal: Signal, timeout: float, meeting: Optional[Meeting] = None) -> None:
        self.signal = signal
        self.deadline = time.monotonic() + timeout
        self.meeting = meeting

    def remaining(self, until: Optional[float] = None) -> float:
        """Seconds left until the deadline, or until ``until`` (a monotonic time) if given; 0 once it passed."""
        return max(0.0, (self.deadline if until is None else until) - time.monotonic())


def sooner(wait: Wait, give_up: Optional[float]) -> Optional[float]:
    """``give_up`` (a monotonic time: a client's read timeout) when it comes before ``wait``'s deadline, else None."""
    return give_up if give_up is not None and wait.deadline > give_up else None


Steps = Generator[Wait, bool, T]

# Set on a thread while it carries a relay's steps on (see relaying).
_relaying = threading.local()


def relaying() -> bool:
    """Whether this thread carries a relay's steps on: it takes no answer from the environment it hands a call
    to, and goes on with other work, so the hand-off is not to keep to its core (runtime.cores)."""
    return getattr(_relaying, "on", False)


def blocking(steps: Steps[T], wait: Optional[Wait] = None,
             orphan: Optional[Callable[[Callable[[], None]], None]] = None,
             patience: Optional[Callable[[], BaseException]] = None, within: Optional[float] = None) -> T:
    """Run ``steps`` to their result, waiting on this thread.

    ``wait`` is the one the steps yielded last, when another driver started them. When something
    interrupts a wait (the caller is a handler that timed out, say), the steps go on through
    ``orphan`` (a background runner) as Lambda runs an invocation whose caller went away, and the
    interruption is raised here; without ``orphan`` it is raised inside the steps. So is the error
    ``patience`` makes when the steps still wait ``within`` seconds from now (a client's read timeout).
    """
    give_up = None if within is None or patience is None or orphan is None else time.monotonic() + within
    try:
        if wait is None:
            wait = next(steps)
        while True:
            try:
                until = sooner(wait, give_up)
                ready = _blocked(wait, until)
                if not ready and until is not None:
                    raise patience()  # type: ignore[misc]
            except BaseException as error:
                if orphan is None:
                    wait = steps.throw(error)
                    continue
                orphaned(steps, wait, orphan)
                raise
            wait = steps.send(ready)
    except StopIteration as done:
        result: T = done.value
        return result


def _blocked(wait: Wait, until: Optional[float] = None) -> bool:
    """Wait on this thread (``until`` a monotonic time before the wait's deadline, if given); to be woken on the
    setting thread's core, when a meeting keeps the hand-off to one."""
    meeting = wait.meeting
    left = wait.remaining(until)
    if meeting is None or wait.signal.is_set:
        return wait.signal.wait(left)
    try:
        meeting.waiting()
        return wait.signal.wait(left)
    finally:
        meeting.woken()


def orphaned(steps: Steps[object], wait: Wait, orphan: Callable[[Callable[[], None]], None]) -> None:
    """Hand steps whose caller went away to ``orphan``, to be run on from ``wait`` to their end."""

    def rest() -> None:
        blocking(steps, wait)

    orphan(rest)


def relay(steps: Steps[T], deliver: Callable[[T], None], failed: Callable[[BaseException], None],
          moved: Optional[Callable[[], None]] = None) -> Relay[T]:
    """Start ``steps`` here; from then on each wait is carried on by the thread that sets its signal.

    Whichever thread ends the steps hands their result to ``deliver`` (an environment's, as its handler
    returns: no thread has to wake for it), and what the steps or ``deliver`` raise to ``failed``. The
    caller goes on with other work meanwhile, and carries the steps on at a wait's deadline itself
    (``Relay.due``, ``Relay.carry_on``), or waits for their end (``Relay.finish``). ``moved`` is called
    when another thread's signal moved the steps on to a new wait, so a caller asleep until ``Relay.due`` can
    look again.
    """
    started = Relay(steps, deliver, failed, moved)
    started._advance(None)
    return started


class Relay(Generic[T]):
    """The state of one ``relay``: which wait the steps are at, and whether a thread is carrying them on."""

    __slots__ = ("_claimed", "_condition", "_current", "_deliver", "_failed", "_moved", "_steps", "ended")

    def __init__(self, steps: Steps[T], deliver: Callable[[T], None], failed: Callable[[BaseException], None],
                 moved: Optional[Callable[[], None]] = None) -> None:
        self._steps = steps
        self._deliver = deliver
        self._failed = failed
        self._moved = moved
        self._condition = threading.Condition(threading.Lock())  # guards all below
        self._current: Optional[Wait] = None
        self._claimed = True  # a thread is carrying the steps on; the caller starts them
        self.ended = False  # the result is delivered (or the failure handed over)

    def due(self) -> Optional[float]:
        """Seconds until this thread is to carry the steps on (0: now); None while another thread does, or after."""
        with self._condition:
            return self._left()

    def _left(self) -> Optional[float]:
        wait = self._current
        if self.ended or self._claimed or wait is None:
            return None
        return 0.0 if wait.signal.is_set else wait.remaining()

    def carry_on(self) -> None:
        """Carry the steps on here if the wait they are at is over (its deadline passed) and no thread does."""
        with self._condition:
            wait = self._current
            if self._left() != 0.0 or wait is None:
                return
            self._claimed = True
        self._advance(wait.signal.is_set)

    def finish(self) -> None:
        """Return once the steps ended, carrying them on here at a wait's deadline."""
        condition = self._condition
        with condition:
            while not self.ended:
                left = self._left()
                if left != 0.0:
                    condition.wait(left)  # the thread carrying them on says when it stops
                    continue
                condition.release()
                try:
                    self.carry_on()
                finally:
                    condition.acquire()

    def _set(self, wait: Wait) -> None:
        """The signal of ``wait`` came: carry on here, on the setting thread, unless another thread does."""
        with self._condition:
            if self._claimed or self._current is not wait:
                return
            self._claimed = True
        # Outside the environment's scope: the steps are lambdamock's, not the function's.
        scope = _bound.current()
        _bound.bind(None)
        try:
            self._advance(True)
        finally:
            _bound.bind(scope)
        # A caller asleep until the last wait's deadline (a URL connection's thread) learns of the next one's, which
        # may be sooner: the invocation's timeout, set once its environment is ready.
        if self._moved is not None and not self.ended:
            self._moved()

    def _advance(self, ready: Optional[bool]) -> None:
        """Send the steps ``ready`` and on, to the next wait not yet over (or to their end); by the claiming thread."""
        while True:
            _relaying.on = True
            try:
                wait = self._steps.send(ready)  # type: ignore[arg-type]  # None starts them
            except StopIteration as done:
                self._end(done.value)
                return
            except BaseException as error:
                self._end(None, error)
                return
            finally:
                _relaying.on = False
            registered = wait.signal.when_set(partial(self._set, wait))
            with self._condition:
                if registered and not wait.signal.is_set:
                    self._current = wait
                    self._claimed = False
                    self._condition.notify()
                    return
            ready = True  # it came already: carry on here

    def _end(self, result: Optional[T], error: Optional[BaseException] = None) -> None:
        try:
            if error is None:
                try:
                    self._deliver(result)  # type: ignore[arg-type]  # the steps' result
                except BaseException as failure:
                    error = failure
            if error is not None:
                self._failed(error)
        finally:
            with self._condition:
                self.ended = True
                self._condition.notify()
