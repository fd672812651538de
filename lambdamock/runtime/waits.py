"""Where an invocation waits for its environment's thread: one path, run by a blocking or by an asyncio caller.

An invocation's steps (``Runtime.steps``, ``Invoker.steps``, the Invoke operation) are generators that
yield a Wait each time they need the environment's thread to finish something. ``blocking`` waits on
the calling thread; lambdamock's aiobotocore door awaits instead, so no thread sits between an event
loop and a handler.
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Generator, Optional, TypeVar

T = TypeVar("T")


class Signal:
    """Set once, by an environment's thread; waited for by one caller, on a thread or on an event loop."""

    __slots__ = ("_callback", "_lock")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lock.acquire()
        self._callback: Optional[Callable[[], None]] = None

    def set(self) -> None:
        self._lock.release()
        callback = self._callback  # read after the release: see when_set
        if callback is not None:
            callback()

    def wait(self, timeout: float) -> bool:
        """Block until set, up to ``timeout`` seconds; False when it was not set in time."""
        return self._lock.acquire(timeout=timeout)

    def when_set(self, callback: Callable[[], None]) -> bool:
        """Have ``callback`` called by the setting thread; False (and no call owed) when it is set already.

        The callback is stored before the check and read by ``set`` after the release, so either the
        check sees the release or ``set`` sees the callback.
        """
        self._callback = callback
        return not self._lock.acquire(blocking=False)


class Wait:
    """What a step waits for: ``signal``, for at most ``timeout`` seconds; the step is sent whether it came."""

    __slots__ = ("deadline", "signal")

    def __init__(self, signal: Signal, timeout: float) -> None:
        self.signal = signal
        self.deadline = time.monotonic() + timeout

    def remaining(self) -> float:
        """Seconds left until the deadline (0 once it passed)."""
        return max(0.0, self.deadline - time.monotonic())


Steps = Generator[Wait, bool, T]


def blocking(steps: Steps[T], wait: Optional[Wait] = None) -> T:
    """Run ``steps`` to their result, waiting on this thread; whatever interrupts a wait is raised inside them.

    ``wait`` is the one the steps yielded last, when another driver started them.
    """
    try:
        if wait is None:
            wait = next(steps)
        while True:
            try:
                ready = wait.signal.wait(wait.remaining())
            except BaseException as error:  # the steps' own handlers run (an environment is retired), then it goes on
                wait = steps.throw(error)
                continue
            wait = steps.send(ready)
    except StopIteration as done:
        result: T = done.value
        return result
