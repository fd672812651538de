"""The stack of active mocks, innermost last, shared by every thread of the process."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from lambdamock.state.service import Service

# A process-wide stack, not thread-local: handler threads and test threads
# must all reach the same mock.
_stack: list[Service] = []
_lock = threading.Lock()


def push(service: Service) -> None:
    with _lock:
        _stack.append(service)


def remove(service: Service) -> None:
    with _lock:
        _stack.remove(service)


def current() -> Optional[Service]:
    # Reading the last item of a list is atomic; no lock on the hot path.
    try:
        return _stack[-1]
    except IndexError:
        return None
