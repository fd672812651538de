"""Hands a lone invocation between its caller and its environment's thread on one CPU core (Linux).

Waking a thread asleep on another, idle, core can cost a virtual machine more than the rest of a trivial invocation
(docs/benchmark.md). So, for the moment of each hand-off, the thread being woken is narrowed to the waker's core: the
worker as it is given the call, a caller that blocks as it is given the answer; each puts its own mask back as it
wakes, before it runs anything else. Elsewhere than Linux, or where the kernel refuses, nothing is narrowed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from typing import AbstractSet, Callable, Optional

Mask = AbstractSet[int]


def _getcpu() -> Optional[Callable[[], int]]:
    if not hasattr(os, "sched_setaffinity"):
        return None
    try:
        getcpu: Callable[[], int] = ctypes.CDLL(None, use_errno=True).sched_getcpu
    except (AttributeError, OSError):
        return None
    return getcpu


_current_cpu = _getcpu()


def _narrow(thread_id: int) -> Optional[Mask]:
    """Narrow a thread (its native id) to this thread's core: the mask it had, to put back; None if refused."""
    cpu = -1 if _current_cpu is None else _current_cpu()
    if cpu < 0:
        return None
    try:
        before = os.sched_getaffinity(thread_id)
        if cpu not in before:  # a core the thread's own mask leaves out: it keeps its mask
            return None
        os.sched_setaffinity(thread_id, (cpu,))
    except OSError:  # the core is not the thread's to have (a cpuset), or the kernel forbids it
        return None
    return before


def _restore(before: Optional[Mask]) -> None:
    if before is not None:
        with contextlib.suppress(OSError):  # none of its cores is left to it (a cpuset changed): the kernel's stands
            os.sched_setaffinity(0, before)


class Meeting:
    """One invocation's hand-offs, begun by ``meet``; the worker and a caller that blocks each call their part."""

    __slots__ = ("_caller", "_caller_mask", "_lock", "_pid", "_worker_mask")

    def __init__(self, worker_mask: Mask) -> None:
        self._worker_mask = worker_mask  # the worker's own
        self._pid = os.getpid()  # a process the handler forks answers too, and thread ids are the system's
        self._lock = threading.Lock()
        self._caller = 0  # the native id of a caller blocked for the answer, while it is
        self._caller_mask: Optional[Mask] = None  # that caller's own, once it was narrowed

    def arrived(self) -> None:
        """The worker, as it takes the call: its own mask back."""
        _restore(self._worker_mask)

    def waiting(self) -> None:
        """A caller about to block for the answer: it is to wake on the worker's core."""
        self._caller = threading.get_native_id()

    def answering(self) -> None:
        """The worker, about to give the answer: a caller still blocked for it is narrowed to this core."""
        if os.getpid() != self._pid:  # a forked child's copy: its lock may have been copied held
            return
        with self._lock:
            if self._caller:
                self._caller_mask = _narrow(self._caller)

    def woken(self) -> None:
        """The caller, awake (answered or not): its own mask back, and never narrowed after."""
        with self._lock:
            self._caller = 0
            mask, self._caller_mask = self._caller_mask, None
        _restore(mask)


def meet(worker: threading.Thread) -> Optional[Meeting]:
    """Narrow an idle worker to this thread's core, for the call it is about to be given; None if nothing was (and
    then its caller is never narrowed either)."""
    mask = _narrow(worker.native_id) if worker.native_id else None
    return None if mask is None else Meeting(mask)
