"""Each execution environment's working directory: its task root, as on Lambda, for its threads alone (Linux)."""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable, List, Optional

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


def process_directory() -> Optional[str]:
    """The test process's working directory, from any thread: its main thread's; None where it cannot be told."""
    try:
        return os.readlink("/proc/self/cwd")
    except OSError:
        return None


def _elsewhere() -> Optional[str]:
    """The test process's directory, when the calling thread's is another (an environment's); else None."""
    process = process_directory()
    if process is None:
        return None
    try:
        here = os.getcwd()
    except OSError:  # the thread's own directory was deleted
        return process
    return None if here == process else process


def leave() -> None:
    """Give a thread that lambdamock starts for itself the test process's directory, where an environment's thread
    (a handler's call) started it with that environment's."""
    process = _elsewhere()
    if process is not None:
        enter(process)


def relative_entries(path: str) -> Any:
    """A sys.path_hooks hook, first while a mock is active: a relative sys.path entry ('.', 'src') names a folder
    of the test process's directory, whichever thread imports first.

    Python keeps the finder of an entry in sys.path_importer_cache for every thread, made absolute from the
    directory of the thread that first looked; a handler's import of a module the function does not ship must not
    make it the task root's for the test process.
    """
    process = None if not isinstance(path, str) or os.path.isabs(path) else _elsewhere()
    if process is None:
        raise ImportError("not a relative entry looked up from an environment's directory")
    absolute = os.path.join(process, path)
    for hook in sys.path_hooks:
        if hook is not relative_entries:
            try:
                return hook(absolute)
            except ImportError:
                continue
    raise ImportError(f"no finder for {absolute}")


def process_path() -> Optional[List[Any]]:
    """sys.path as the test process resolves it, for a lookup from any thread; None when that is sys.path itself."""
    process = _elsewhere()
    if process is None:
        return None
    # '' is the directory itself; other relative entries are folders in it; what is not a str, Python skips.
    return [(os.path.join(process, entry) if entry else process) if isinstance(entry, str) else entry
            for entry in sys.path]
