"""Which mock answers a request: the one that started the calling thread, else the innermost active one."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from lambdamock.state.service import Service

# A process-wide stack, not thread-local: handler threads and test threads
# must all reach the same mock.
_stack: list[Service] = []
_lock = threading.Lock()
# The mock a thread works for: set on every thread a mock starts (environments, workers, pollers,
# and threads their handlers start), so that it is never served by another mock, nor by none.
_owned = threading.local()


def _after_fork_in_child() -> None:
    # The child's copy of each active mock refuses every call: its handler threads stayed in the parent.
    global _lock
    _lock = threading.Lock()  # another thread may have held it at the fork
    for service in _stack:
        service.forked = True


os.register_at_fork(after_in_child=_after_fork_in_child)


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


def bind(service: Optional[Service]) -> None:
    """Make the calling thread work for ``service`` for the rest of its life (None: for nobody)."""
    _owned.service = service


def owner() -> Optional[Service]:
    """The mock that started the calling thread, even after it stopped; None for other threads."""
    return getattr(_owned, "service", None)


def serving() -> Optional[Service]:
    """The mock a Lambda request from this thread belongs to: its owner, else the innermost active one."""
    found = getattr(_owned, "service", None)
    return found if found is not None else current()
