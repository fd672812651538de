"""What Lambda's execution environment lacks, refused to function code as there: POSIX semaphores (no /dev/shm)."""

from __future__ import annotations

import errno
from typing import Any, List

from lambdamock._bound import current
from lambdamock.runtime.swaps import Swap


class _Semaphores:
    """Stands in for ``_multiprocessing.SemLock``, the semaphore multiprocessing's Lock, Queue, Pool and
    ProcessPoolExecutor are made of. On Lambda, whose environment has no /dev/shm, making one fails with
    ``OSError: [Errno 38] Function not implemented`` (users' reports of AWS, e.g.
    github.com/nalepae/pandarallel/issues/128; AWS's advice is Process and Pipe, which work there, and here).
    Not a subclass: Python 3.9's SemLock cannot free instances of one."""

    def __init__(self, module: Any) -> None:
        self.swap = Swap(module, "SemLock", self)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current() is not None:
            raise OSError(errno.ENOSYS, "Function not implemented")
        return self.swap.call(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:  # SEM_VALUE_MAX, _rebuild (a process unpickling one)
        if name == "swap" or name.startswith("__"):
            raise AttributeError(name)  # not yet made (copy.copy), or asked of the stand-in itself
        return getattr(self.swap.replaced, name)


SWAPS: List[Swap] = []
try:
    import _multiprocessing
except ImportError:  # a Python without sem_open: multiprocessing's semaphores fail everywhere already
    pass
else:
    SWAPS.append(_Semaphores(_multiprocessing).swap)
