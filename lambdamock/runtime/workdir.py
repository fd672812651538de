"""Each execution environment's working directory: its task root, as on Lambda, for its threads alone (Linux)."""

from __future__ import annotations

import functools
import importlib.machinery
import os
import sys
import zipimport
from typing import Any, Callable, Iterable, List, Optional

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
    cannot have a directory of its own (not Linux; a seccomp profile that refuses unshare; no /proc to tell the
    test process's directory by, which its imports are kept on), nothing changes and False is returned: the thread
    goes on sharing the test process's.
    """
    unshare = _lookup()
    if unshare is None or process_directory() is None:
        return False
    try:
        unshare(_CLONE_FS)
        os.chdir(directory)  # this thread's own directory now, not the process's
    except OSError:
        return False
    return True


def process_directory() -> Optional[str]:
    """The test process's working directory, from any thread: its main thread's; None where it cannot be told (or
    was deleted)."""
    try:
        found = os.readlink("/proc/self/cwd")
    except OSError:
        return None
    return found if os.path.isdir(found) else None


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


def _process_umask() -> Optional[int]:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return None


def leave() -> None:
    """Give a thread that lambdamock starts for itself the test process's directory and umask, where an
    environment's thread (a handler's call) started it with that environment's."""
    process = _elsewhere()
    if process is not None and enter(process):
        umask = _process_umask()
        if umask is not None:
            os.umask(umask)


def _relative(entry: Any) -> bool:
    return isinstance(entry, str) and not os.path.isabs(entry)


def _resolved(entry: Any, process: str) -> Any:
    """A sys.path entry as the test process resolves it: '' is its directory, and a relative entry a folder (or a
    zip) in it; one that names nothing there (setuptools' editable placeholder, '__editable__.x.finder.__path_hook__',
    which only its own hook knows) stays as it is."""
    if not _relative(entry):
        return entry
    if not entry:
        return process
    # A folder or zip of the test's directory, or a place inside one ('deps.zip/pkg', a zipped package's __path__).
    head = entry
    while head and not os.path.exists(os.path.join(process, head)):
        head = os.path.dirname(head)
    return os.path.join(process, entry) if head else entry


def relative_entries(path: str) -> Any:
    """A sys.path_hooks hook, first while a mock is active: a relative sys.path entry ('.', 'src') names a folder
    of the test process's directory, whichever thread looks first.

    Python keeps the finder of an entry in sys.path_importer_cache for every thread, made absolute from the
    directory of the thread that first looked; a handler's import must not make it the task root's for the test
    process. An entry that names nothing in the test's directory gets no finder of a folder (or zip) of this
    thread's either: only one its own hook makes from the entry as it is (an editable install's placeholder).
    """
    process = _elsewhere() if _relative(path) else None
    if process is None:
        raise ImportError("not a relative entry looked up from an environment's directory")
    resolved = _resolved(path, process)
    for hook in sys.path_hooks:
        if hook is relative_entries:
            continue
        try:
            finder = hook(resolved)
        except ImportError:
            continue
        if resolved is path and isinstance(finder, (importlib.machinery.FileFinder, zipimport.zipimporter)):
            return None  # the task root's folder or zip: the test process has none there
        return finder
    return None


def process_path(entries: Optional[Iterable[Any]] = None) -> Optional[List[Any]]:
    """``entries`` (sys.path, by default) as the test process resolves them, for a lookup from a thread working
    elsewhere; None when the calling thread resolves them alike."""
    listed = list(sys.path if entries is None else entries)
    if not any(_relative(entry) for entry in listed):
        return None
    process = _elsewhere()
    if process is None:
        return None
    resolved = [_resolved(entry, process) for entry in listed]
    # Entries that stay as they are (an editable install's placeholder) read alike from every thread.
    return None if all(new is old for new, old in zip(resolved, listed)) else resolved


class ProcessPaths:
    """A sys.meta_path finder, just before PathFinder while a mock is active: on a thread working elsewhere, a
    module is looked for along sys.path (or its package's __path__) as the test process resolves it ('' and
    relative entries).

    Function code falls back to the test process's modules for what it does not ship; one it ships that the test
    process has is the process's too (see code.CodeDir), which '' would otherwise find in the task root first.
    """

    @classmethod
    def find_spec(cls, name: str, path: Any = None, target: Any = None) -> Any:
        resolved = process_path(path)  # a package's own __path__, for a submodule
        return None if resolved is None else importlib.machinery.PathFinder.find_spec(name, resolved, target)
