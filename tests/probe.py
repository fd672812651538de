"""Shared between a test and the handlers it runs: how many handlers run at once, held until released."""

from __future__ import annotations

import threading

_lock = threading.Lock()
_release = threading.Event()
inside = 0  # handlers running now
peak = 0  # the most that ran at once
entered = 0  # handlers that started since reset()

# The handler source tests deploy: it holds until the test calls release().
HANDLER = "from tests import probe\ndef handler(event, context):\n    probe.hold()\n    return event\n"


def reset() -> None:
    global inside, peak, entered
    with _lock:
        inside = peak = entered = 0
    _release.clear()


def release() -> None:
    _release.set()


def hold(timeout: float = 30.0) -> None:
    """Called by a handler: count it in, wait for release(), count it out."""
    global inside, peak, entered
    with _lock:
        inside += 1
        entered += 1
        peak = max(peak, inside)
    try:
        _release.wait(timeout)
    finally:
        with _lock:
            inside -= 1
