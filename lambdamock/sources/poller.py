"""A mapping's poller thread: read the source, deliver batches, follow lifecycle changes, answer wait()."""

from __future__ import annotations

import threading
import time
from types import MappingProxyType
from typing import TYPE_CHECKING, Callable, Optional

from lambdamock.runtime import InvocationResult
from lambdamock.state import lineage
from lambdamock.state.mappings import DELETING, EventSourceMapping

if TYPE_CHECKING:
    from lambdamock.sources.supervisor import Supervisor

# Idle polls of a remote source back off from the first to the last delay; any
# wait() or lifecycle change wakes the poller at once, so tests never wait them out.
IDLE_FIRST = 0.005
IDLE_LAST = 0.1
# After a source error, polls back off up to this long.
ERROR_LAST = 1.0


class Stopped(Exception):
    """The mock stopped, or the mapping was deleted, while a batch was in flight."""


class FunctionGone(Exception):
    """The mapping's function (or its version or alias) does not exist any more."""


class Poller:
    """Runs one mapping on a daemon thread; subclasses read their kind of source in ``cycle()``.

    Everything that touches the source happens on this thread; API calls only signal it.
    """

    def __init__(self, supervisor: Supervisor, mapping: EventSourceMapping) -> None:
        self.supervisor = supervisor
        self.mapping = mapping
        self._cond = threading.Condition()
        self._stopped = False
        self._closing = False  # the whole mock stops: leave the source as it is
        self._wake = False
        self._busy = False  # a batch is being delivered
        self._change = False  # a lifecycle change waits for the poller to catch up
        self._enabled = mapping.enabled
        self._wanted = 0  # wait() generations asked for ...
        self._answered = 0  # ... and answered: a quiet cycle began after them
        self.delivered = 0  # batches of new records delivered so far ...
        self.fresh_at = 0.0  # ... the last one ending then (monotonic)
        self.quiet_since = 0.0  # when the last quiet cycle began
        self.last_version: Optional[str] = None  # the version that ran the last batch
        self._idle = IDLE_FIRST
        self._thread: Optional[threading.Thread] = None

    # -- called from API threads ---------------------------------------------

    def start(self) -> None:
        """Open the source now (so LATEST means the moment of the call), then poll on the thread."""
        if self._enabled:
            try:
                self.open()
            except Exception as exc:  # the thread tries again; the mapping says why meanwhile
                self.mapping.record(problem=_describe(exc))
        self._thread = self.supervisor.service.spawn(self._run, f"lambdamock-esm-{self.mapping.uuid[:8]}")

    def _alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._busy

    def request_change(self) -> None:
        """The mapping's configuration or Enabled flag changed: apply it between batches."""
        with self._cond:
            self._change = True
            self._wake = True
            self._cond.notify_all()

    def stop(self, closing: bool = False) -> None:
        with self._cond:
            self._stopped = True
            self._closing = self._closing or closing
            self._wake = True
            self._cond.notify_all()

    def join(self, timeout: float) -> None:
        thread = self._thread
        if thread is not None and thread.is_alive() and thread is not threading.current_thread():
            thread.join(timeout)

    def settled(self, timeout: float) -> bool:
        """Wait until a requested change has been applied or the poller stopped."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._change and self._alive():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def wake(self) -> None:
        """New records may be waiting (an in-process source was written to)."""
        with self._cond:
            self._wake = True
            self._cond.notify_all()

    def ask_sync(self) -> int:
        with self._cond:
            self._wanted += 1
            self._wake = True
            self._cond.notify_all()
            return self._wanted

    @property
    def polling(self) -> bool:
        """Reading its source: started, enabled (or about to be) and not stopped."""
        with self._cond:
            return not self._stopped and (self._enabled or self._change) and self._alive()

    def synced(self, generation: int, deadline: Optional[float]) -> bool:
        """Block until a quiet cycle began after ``generation`` was asked for (or there is nothing to poll)."""
        with self._cond:
            while self._answered < generation and self.polling:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    # -- the thread --------------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                with self._cond:
                    if self._stopped:
                        break
                    if self._change:
                        self._apply()
                    if not self._enabled:
                        self._answered = self._wanted
                        self._cond.notify_all()
                        while not (self._wake or self._stopped):
                            self._cond.wait()
                        self._wake = False
                        continue
                    generation = self._wanted
                began = time.monotonic()
                quiet, delay = self._guarded_cycle()
                with self._cond:
                    if quiet:
                        self._answered = max(self._answered, generation)
                        self.quiet_since = began
                        self._cond.notify_all()
                    self._sleep(delay)
        finally:
            self._finish()

    def _apply(self) -> None:
        # Runs with the condition held, between batches.
        was, self._enabled = self._enabled, self.mapping.enabled and self.mapping.state != DELETING
        self._change = False
        if was and not self._enabled:
            self._unlocked(self.release)
        elif self._enabled and not was:
            self._unlocked(self.open)
        self.mapping.settle()
        self._cond.notify_all()

    def _unlocked(self, work: Callable[[], None]) -> None:
        self._cond.release()
        try:
            work()
        except Exception as exc:  # a source problem must not kill the poller
            self.mapping.record(problem=_describe(exc))
        finally:
            self._cond.acquire()

    def _guarded_cycle(self) -> tuple[bool, Optional[float]]:
        try:
            quiet, delay = self.cycle()
        except Stopped:
            return True, 0.0  # the loop ends: the poller is stopped
        except Exception as exc:
            # The source could not be read (deleted, no credentials, no network):
            # say so on the mapping and back off, as Lambda's pollers do.
            self.mapping.record(problem=_describe(exc))
            self._idle = min(ERROR_LAST, max(self._idle * 2, IDLE_LAST))
            return True, self._idle
        if self.mapping.problem is not None:
            self.mapping.record(problem=None)
        return quiet, delay

    def _sleep(self, delay: Optional[float]) -> None:
        # With the condition held; None sleeps until woken.
        if delay is not None and delay <= 0:
            self._wake = False
            return
        deadline = None if delay is None else time.monotonic() + delay
        while not (self._wake or self._stopped or self._change):
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            self._cond.wait(remaining)
        self._wake = False

    def pause(self, seconds: float) -> None:
        """Wait a moment between two reads; a stop or a change cuts it short."""
        deadline = time.monotonic() + seconds
        with self._cond:
            while not (self._stopped or self._change):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def idle_delay(self) -> float:
        """The next back-off of a remote source that had nothing to read."""
        delay, self._idle = self._idle, min(IDLE_LAST, self._idle * 2)
        return delay

    def active(self) -> None:
        """Records were read: poll again without backing off."""
        self._idle = IDLE_FIRST

    def _finish(self) -> None:
        with self._cond:
            closing = self._closing
            self._stopped = True
            self._change = False
            self._cond.notify_all()
        if not closing:
            try:
                self.release()
            except Exception as exc:
                self.mapping.record(problem=_describe(exc))
        self.supervisor.finished(self)

    # -- delivering ----------------------------------------------------------------

    def deliver(self, payload: bytes, fresh: bool = True, chain: lineage.Lineage = MappingProxyType({}),
                until: Optional[float] = None) -> Optional[InvocationResult]:
        """Invoke the function with one batch; None when the function no longer exists.

        ``fresh`` batches hold records never delivered before (retries are not): wait() looks
        again while fresh batches keep coming. ``chain`` is the batch's lineage (see state.lineage).
        Raises Stopped when the mock stopped first, and Throttled when the function is throttled still at
        ``until`` (time.monotonic), if given, or when the mapping changes or goes while it is: a disable, an update
        or a delete is not held up by a throttled function (for a stream's batch, for ever).
        """
        with self._cond:
            if self._stopped:
                raise Stopped()
            self._busy = True
        ran: Optional[tuple[Optional[InvocationResult], Optional[str]]]
        try:
            with self.supervisor.service.invoker.track():
                ran = self.supervisor.deliver(self.mapping, payload, chain, until, lambda: self.stopping)
        except FunctionGone:
            ran = (None, None)  # the function, version or alias is gone: the batch failed
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
        if ran is None:
            # The mock stopped: stop too, and leave the source as it is.
            self.stop(closing=True)
            raise Stopped()
        if fresh:
            self.delivered += 1
            self.fresh_at = time.monotonic()
        result, self.last_version = ran
        return result

    @property
    def stopping(self) -> bool:
        with self._cond:
            return self._stopped or self._change

    @property
    def closing(self) -> bool:
        """The whole mock stops: the source is left as it is."""
        with self._cond:
            return self._closing

    # -- what each kind of source provides ------------------------------------

    def open(self) -> None:
        """Set up reading (find the queue, take shard iterators); runs when the poller starts or is enabled."""

    def release(self) -> None:
        """Give back what was read but not delivered; runs when disabled or deleted."""

    def cycle(self) -> tuple[bool, Optional[float]]:
        """Read and deliver once: (nothing new was read, how long to sleep before the next cycle)."""
        raise NotImplementedError


def _describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return f"PROBLEM: {text}"
