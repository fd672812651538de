"""Each execution environment's working directory: its task root, as on Lambda, for its threads alone (Linux)."""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable, Optional

# unshare(2)'s flag that gives the calling thread file-system attributes of its own (working directory, root,
# umask), which the threads it starts then share: what a process of its own would have. Python 3.12 names it.
_CLONE_FS = 0x200


@functools.cache
def _lookup() -> Optional[Callable[[int], None]]:
    """unshare(2), where the platform has it: os.unshare (Python 3.12 and later), else libc's through ctypes."""
    found = getattr(os, "unshare", None)
    if found is not None or not sys.platform.startswith("linux"):
        return found
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    function = getattr(libc, "unshare", None)
    if function is None:
        return None

    def unshare(flags: int) -> None:
        if function(flags) != 0:
            error = ctypes.get_errno()
            raise OSError(error, os.strerror(error))

    return unshare


def enter(directory: str) -> bool:
    """Give the calling thread, and the threads it starts from now on, ``directory`` as their working directory.

    On Lambda a function's runtime starts in its task root, and code reads the files it ships by relative paths
    (open("config.json")); its os.chdir() moves its own process. Here the kernel takes every relative path a thread
    gives it (from Python, a C extension or a subprocess) from that thread's directory. Where the calling thread
    cannot have a directory of its own (not Linux; a seccomp profile that refuses unshare), nothing changes and
    False is returned: the thread goes on sharing the test process's.
    """
    unshare = _lookup()
    if unshare is None:
        return False
    try:
        unshare(_CLONE_FS)
    except OSError:
        return False
    os.chdir(directory)  # this thread's own directory now, not the process's
    return True
