"""Holds a lone invocation's caller and its environment's thread on one CPU core while one hands off to the other.

Waking a thread that sleeps on another core can cost a virtual machine more than the rest of a trivial
invocation (docs/benchmark.md): a thread's affinity is narrowed to the caller's core just before the hand-off,
and each thread puts its own mask back as it wakes, before it runs anything else. Linux alone; elsewhere, or
where the kernel refuses, nothing is held.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import threading
from typing import AbstractSet, Callable, Optional, Tuple

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


def gather(worker: Optional[threading.Thread]) -> Tuple[Optional[int], Optional[Mask]]:
    """Narrow an idle ``worker`` to this thread's core: that core and the mask the worker puts back as it wakes;
    (None, None) when nothing is held."""
    if _current_cpu is None or worker is None or not worker.native_id:
        return None, None
    cpu = _current_cpu()
    before = hold(worker.native_id, cpu) if cpu >= 0 else None
    return (None, None) if before is None else (cpu, before)


def hold(thread_id: int, cpu: int) -> Optional[Mask]:
    """Narrow a thread (0: this one; else its native id) to ``cpu``: the mask it had, to restore; None if refused."""
    try:
        before = os.sched_getaffinity(thread_id)
        os.sched_setaffinity(thread_id, (cpu,))
    except OSError:  # the core is not the thread's to have (a cpuset), or the kernel forbids it
        return None
    return before


def restore(before: Optional[Mask]) -> None:
    """Give this thread back the mask ``hold`` took from it (nothing if none)."""
    if before is not None:
        with contextlib.suppress(OSError):  # a core of it went offline meanwhile: the kernel's mask stands
            os.sched_setaffinity(0, before)
