"""A function's real-time timer (signal.alarm, signal.setitimer's ITIMER_REAL): SIGALRM to its process when due."""

from __future__ import annotations

import operator
import signal
import threading
import time
from typing import Any, List, Optional, Tuple

from lambdamock._bound import Abandoned, bind
from lambdamock.runtime import signals
from lambdamock.runtime.spec import OwnThread
from lambdamock.runtime.swaps import Swap, where_present


class _Timer:
    """One setting of the timer: SIGALRM at ``due`` (time.monotonic()), then every ``interval`` seconds if set."""

    __slots__ = ("cancelled", "due", "interval")

    def __init__(self, seconds: float, interval: float) -> None:
        self.due, self.interval = time.monotonic() + seconds, interval
        self.cancelled = threading.Event()


def _left(timer: Optional[_Timer]) -> Tuple[float, float]:
    return (0.0, 0.0) if timer is None else (max(0.0, timer.due - time.monotonic()), timer.interval)


def _set(scope: Any, seconds: float, interval: float) -> Tuple[float, float]:
    """Set the environment's timer (0 seconds: clear it); what was left of the one before, and its interval."""
    with scope.interrupt_lock:
        before, scope.alarm = scope.alarm, None
        if seconds > 0 and not scope.abandoned.is_set():
            timer = scope.alarm = _Timer(seconds, interval)
            OwnThread(target=_ring, args=(scope, timer), name="lambdamock-alarm", daemon=True).start()
    if before is not None:
        before.cancelled.set()
    return _left(before)


def _ring(scope: Any, timer: _Timer) -> None:
    bind(scope)
    try:
        while not timer.cancelled.wait(max(0.0, timer.due - time.monotonic())):
            with scope.interrupt_lock:
                if scope.alarm is not timer:
                    return
                if timer.interval:
                    timer.due += timer.interval
                else:
                    scope.alarm = None
            signals.received(signal.SIGALRM)
            if not timer.interval:
                return
    except (Abandoned, signals.ProcessEnded):
        pass  # the alarm's default action ended the process, or the environment was given up on
    finally:
        bind(None)


def _alarm(seconds: int) -> int:
    """signal.alarm: what was left of the timer before, in whole seconds as alarm(2) rounds them."""
    scope = signals.function_scope()
    if scope is None:
        assert _ALARM is not None  # installed only where the platform has it
        return int(_ALARM.before(seconds))
    left = _set(scope, operator.index(seconds), 0.0)[0]
    whole = int(left)
    return whole + (1 if left - whole >= 0.5 or (whole == 0 and left > 0) else 0)


def _setitimer(which: int, seconds: float, interval: float = 0.0) -> Tuple[float, float]:
    """signal.setitimer: ITIMER_REAL is the function's own; the CPU-time timers (their signals would reach the test
    process) set nothing."""
    scope = signals.function_scope()
    if scope is None:
        assert _SETITIMER is not None
        return tuple(_SETITIMER.before(which, seconds, interval))
    if which != signal.ITIMER_REAL:
        return (0.0, 0.0)
    return _set(scope, float(seconds), float(interval))


def _getitimer(which: int) -> Tuple[float, float]:
    scope = signals.function_scope()
    if scope is None:
        assert _GETITIMER is not None
        return tuple(_GETITIMER.before(which))
    if which != signal.ITIMER_REAL:
        return (0.0, 0.0)
    with scope.interrupt_lock:
        return _left(scope.alarm)


_ALARM = where_present(signal, "alarm", _alarm)
_SETITIMER = where_present(signal, "setitimer", _setitimer)
_GETITIMER = where_present(signal, "getitimer", _getitimer)
SWAPS: List[Swap] = [swap for swap in (_ALARM, _SETITIMER, _GETITIMER) if swap is not None]
