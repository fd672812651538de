"""Each execution environment's working directory: its task root, as on Lambda, whatever the test process's is."""

from __future__ import annotations

import builtins
import errno
import io
import os
import pathlib
import stat
from types import BuiltinFunctionType
from typing import Any, Callable, Optional

from lambdamock._bound import current
from lambdamock.runtime.swaps import Swap

# On Lambda a handler's process starts in /var/task, so code reads the files it ships by relative paths
# (open("config.json")). The process here has one working directory, the test's: these stand-ins give the threads of
# an environment its own, for relative paths given to open() and to the functions of os that take one or two paths
# (os.path's, glob's, shutil's and pathlib's go through them), and os.getcwd() and os.chdir() are its own. Other
# threads call on unchanged, as does function code under a test's or a tool's patch of one of them (mock_open,
# pyfakefs), which then sees the path as the code gave it.


def _directory(swap: Swap) -> Optional[str]:
    """The working directory of the calling thread's environment, if it runs in one and ``swap`` calls Python's."""
    scope = current()
    return None if scope is None or not isinstance(swap.replaced, BuiltinFunctionType) else scope.cwd


def _resolved(directory: str, path: Any) -> Any:
    """``path`` taken from ``directory`` if relative; a file descriptor, or anything else os would refuse, as it is."""
    if isinstance(path, int) or not isinstance(path, (str, bytes, os.PathLike)):
        return path
    path = os.fspath(path)
    if not path:  # refused by os as it is ("No such file or directory: ''"), not the directory itself
        return path
    if isinstance(path, bytes):
        return path if os.path.isabs(path) else os.path.join(os.fsencode(directory), path)
    return path if os.path.isabs(path) else os.path.join(directory, path)


# The names of the path arguments, when given by keyword; and of those that make the path relative to a directory.
_PATH_NAMES = ("file", "path", "src", "dst")
_DIRECTORY_NAMES = ("dir_fd", "src_dir_fd", "dst_dir_fd")


def _passing(swap: Swap, paths: int) -> Callable[..., Any]:
    """A stand-in that takes its first ``paths`` arguments from the environment's directory."""

    def stand_in(*args: Any, **kwargs: Any) -> Any:
        directory = _directory(swap)
        if directory is None or any(kwargs.get(name) is not None for name in _DIRECTORY_NAMES):
            return swap.call(*args, **kwargs)
        taken = list(args)
        renamed = []  # (as the code gave it, as passed on) for each path taken from the directory
        for index in range(min(paths, len(args))):
            taken[index] = _resolved(directory, args[index])
            renamed.append((args[index], taken[index]))
        for name in _PATH_NAMES:
            if name in kwargs:
                given, kwargs[name] = kwargs[name], _resolved(directory, kwargs[name])
                renamed.append((given, kwargs[name]))
        try:
            return swap.call(*taken, **kwargs)
        except OSError as error:  # named as the code gave it, as Python's own call would name it
            for given, passed in renamed:
                if passed is not given and error.filename is passed:
                    error.filename = os.fspath(given)
                if passed is not given and error.filename2 is passed:
                    error.filename2 = os.fspath(given)
            raise

    return stand_in


def _listing(swap: Swap) -> Callable[..., Any]:
    """A stand-in for os.listdir or os.scandir, whose path defaults to the working directory."""

    passing = _passing(swap, 1)

    def stand_in(path: Any = None) -> Any:
        if path is not None:
            return passing(path)
        directory = _directory(swap)
        return swap.call() if directory is None else swap.call(directory)

    return stand_in


def _getcwd() -> str:
    directory = _directory(_GETCWD)
    return _GETCWD.call() if directory is None else directory


def _getcwdb() -> bytes:
    directory = _directory(_GETCWDB)
    return _GETCWDB.call() if directory is None else os.fsencode(directory)


def _chdir(path: Any) -> None:
    scope = current()
    directory = _directory(_CHDIR)
    target = None if directory is None else _resolved(directory, path)
    if scope is None or not isinstance(target, (str, bytes)):
        _CHDIR.call(path)  # Python's TypeError; a file descriptor (os.fchdir's way) moves the process, as it would
        return
    # Python's errors, naming the path as given: FileNotFoundError, NotADirectoryError, PermissionError.
    try:
        mode = _STAT.call(target).st_mode
    except OSError as error:
        raise type(error)(error.errno, error.strerror, os.fspath(path)) from None
    if not stat.S_ISDIR(mode):
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), os.fspath(path))
    if not _ACCESS.call(target, os.X_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
    scope.cwd = os.path.normpath(os.fsdecode(target))


_OPEN = Swap(builtins, "open", None)
_IO_OPEN = Swap(io, "open", None)
_OS_OPEN = Swap(os, "open", None)
_STAT = Swap(os, "stat", None)
_LSTAT = Swap(os, "lstat", None)
_ACCESS = Swap(os, "access", None)
_MKDIR = Swap(os, "mkdir", None)
_RMDIR = Swap(os, "rmdir", None)
_REMOVE = Swap(os, "remove", None)
_UNLINK = Swap(os, "unlink", None)
_RENAME = Swap(os, "rename", None)
_REPLACE = Swap(os, "replace", None)
_LISTDIR = Swap(os, "listdir", None)
_SCANDIR = Swap(os, "scandir", None)
_GETCWD = Swap(os, "getcwd", _getcwd)
_GETCWDB = Swap(os, "getcwdb", _getcwdb)
_CHDIR = Swap(os, "chdir", _chdir)
for _swap in (_OPEN, _IO_OPEN, _OS_OPEN, _STAT, _LSTAT, _ACCESS, _MKDIR, _RMDIR, _REMOVE, _UNLINK):
    _swap.stand_in = _passing(_swap, 1)
for _swap in (_RENAME, _REPLACE):
    _swap.stand_in = _passing(_swap, 2)
for _swap in (_LISTDIR, _SCANDIR):
    _swap.stand_in = _listing(_swap)

SWAPS = [_OPEN, _IO_OPEN, _OS_OPEN, _STAT, _LSTAT, _ACCESS, _MKDIR, _RMDIR, _REMOVE, _UNLINK, _RENAME, _REPLACE,
         _LISTDIR, _SCANDIR, _GETCWD, _GETCWDB, _CHDIR]


def _through(owner: Any, name: str) -> Callable[..., Any]:
    """A function that calls ``owner.name`` as it is when called: the stand-in, while installed."""

    def calling(*args: Any, **kwargs: Any) -> Any:
        return getattr(owner, name)(*args, **kwargs)

    return calling


# Python 3.9's and 3.10's pathlib call the functions of os and io that it found on import, kept in its accessor.
_ACCESSOR = getattr(pathlib, "_NormalAccessor", None)
if _ACCESSOR is not None:
    for _name, _value in list(vars(_ACCESSOR).items()):
        _found = next((swap for swap in SWAPS if _value is swap.genuine), None)
        if _found is not None:
            SWAPS.append(Swap(_ACCESSOR, _name, staticmethod(_through(_found.owner, _found.name))))
