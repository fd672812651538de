"""A handler ending or signalling its own process: the function's runtime ends, never the test process."""

from __future__ import annotations

import _thread
import ctypes
import errno
import operator
import os
import signal
import threading
from typing import Any, NoReturn

from lambdamock._bound import Abandoned, current

original_exit = os._exit
original_abort = os.abort
original_kill = os.kill
original_killpg = getattr(os, "killpg", None)
original_raise_signal = signal.raise_signal
original_pthread_kill = getattr(signal, "pthread_kill", None)
original_interrupt_main = _thread.interrupt_main

# How Lambda's runtime manager names the signal that ended a runtime ("Runtime exited with error: signal:
# killed"): Go's names for Linux's signals, which lambdamock's host may number otherwise.
_NAMES = {
    "SIGHUP": "hangup", "SIGINT": "interrupt", "SIGQUIT": "quit", "SIGILL": "illegal instruction",
    "SIGTRAP": "trace/breakpoint trap", "SIGABRT": "aborted", "SIGBUS": "bus error",
    "SIGFPE": "floating point exception", "SIGKILL": "killed", "SIGUSR1": "user defined signal 1",
    "SIGSEGV": "segmentation fault", "SIGUSR2": "user defined signal 2", "SIGPIPE": "broken pipe",
    "SIGALRM": "alarm clock", "SIGTERM": "terminated", "SIGXCPU": "CPU time limit exceeded",
    "SIGXFSZ": "file size limit exceeded", "SIGVTALRM": "virtual timer expired", "SIGPROF": "profiling timer expired",
    "SIGSYS": "bad system call",
}
_BY_NUMBER = {getattr(signal, name): text for name, text in _NAMES.items() if hasattr(signal, name)}


def _numbers(*names: str) -> frozenset[int]:
    return frozenset(getattr(signal, name) for name in names if hasattr(signal, name))


# What signals do by default (signal(7)): leave the process running, or stop it until SIGCONT.
_HARMLESS = _numbers("SIGCHLD", "SIGURG", "SIGWINCH", "SIGCONT")
_STOPPING = _numbers("SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU")
_home = os.getpid()  # the process the stand-ins serve (see install): a process forked from it ends as any does


class ProcessEnded(BaseException):
    """The function's runtime process ended; how is its scope's ``ended``. Raised in its threads."""


def name(signum: int) -> str:
    """The signal's name as Lambda reports a runtime it ended."""
    return _BY_NUMBER.get(signum, f"signal {signum}")


def _function_code() -> bool:
    """Whether a function's code calls, in the process that runs it (a child it forked ends as any process)."""
    return current() is not None and os.getpid() == _home


def _in_runtime_thread(exception: type[BaseException]) -> None:
    """Raise ``exception`` in the thread the handler runs on, the runtime's main thread, from whichever of the
    function's threads this is."""
    scope = current()
    assert scope is not None and scope.worker is not None
    if threading.get_ident() == scope.worker:
        raise exception()
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(scope.worker), ctypes.py_object(exception))


def _end(status: int) -> NoReturn:
    """The process ends: every thread of the function's stops, and its invocation answers as Lambda's does."""
    scope = current()
    assert scope is not None
    if scope.ended is None:
        scope.ended = status
    scope.abandoned.set()  # its threads' sleeps end, and what they would send reaches nobody
    _in_runtime_thread(ProcessEnded)
    raise ProcessEnded()


def _checked(signum: Any, error: type[Exception]) -> int:
    number = operator.index(signum)
    if not 0 <= number < signal.NSIG:
        if error is OSError:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        raise error("signal number out of range")
    return number


def _received(signum: int) -> None:
    """What the function's process does with a signal it got, by the signal's default action."""
    if signum == 0 or signum in _HARMLESS:
        return  # 0 only asks whether the process exists
    if signum == signal.SIGINT:
        _in_runtime_thread(KeyboardInterrupt)  # Python's own SIGINT handler, in the main thread
        return
    if signum in _STOPPING:
        # Stopped, and never continued: as Lambda's timeout finds it.
        scope = current()
        assert scope is not None
        scope.abandoned.wait()
        raise Abandoned()
    _end(-signum)


def _exit(status: Any) -> NoReturn:
    if not _function_code():
        original_exit(status)
    _end(operator.index(status) & 0xFF)  # what a parent reads of it


def _abort() -> NoReturn:
    if not _function_code():
        original_abort()
    _end(-signal.SIGABRT)


def _kill(pid: int, signum: int) -> None:
    # Itself, its process group, or every process it may signal (-1): the test process, here.
    if _function_code() and pid in (os.getpid(), 0, -1, -os.getpgrp()):
        return _received(_checked(signum, OSError))
    return original_kill(pid, signum)


def _killpg(pgid: int, signum: int) -> None:
    if _function_code() and pgid in (0, os.getpgrp()):
        return _received(_checked(signum, OSError))
    assert original_killpg is not None  # installed only where the platform has it
    return original_killpg(pgid, signum)


def _pthread_kill(thread_id: int, signum: int) -> None:
    if _function_code():  # a signal's default action is the whole process's, whichever thread it is sent to
        return _received(_checked(signum, OSError))
    assert original_pthread_kill is not None
    return original_pthread_kill(thread_id, signum)


def _raise_signal(signum: int) -> None:
    if _function_code():
        return _received(_checked(signum, ValueError))
    return original_raise_signal(signum)


def _interrupt_main(*args: Any) -> None:
    """_thread.interrupt_main([signum]): only a signal Python handles does anything, and SIGINT is the one a
    function's process handles."""
    if not _function_code():
        return original_interrupt_main(*args)
    if _checked(args[0] if args else signal.SIGINT, ValueError) == signal.SIGINT:
        _in_runtime_thread(KeyboardInterrupt)
    return None


_STAND_INS = [
    (os, "_exit", _exit, original_exit),
    (os, "abort", _abort, original_abort),
    (os, "kill", _kill, original_kill),
    (signal, "raise_signal", _raise_signal, original_raise_signal),
    (_thread, "interrupt_main", _interrupt_main, original_interrupt_main),
]
if original_killpg is not None:
    _STAND_INS.append((os, "killpg", _killpg, original_killpg))
if original_pthread_kill is not None:
    _STAND_INS.append((signal, "pthread_kill", _pthread_kill, original_pthread_kill))


def install() -> None:
    """Put the stand-ins in place (hooks does, while functions may run)."""
    global _home
    _home = os.getpid()
    for module, attribute, stand_in, _ in _STAND_INS:
        setattr(module, attribute, stand_in)


def uninstall() -> None:
    """Put back what is still ours: a later replacement by someone else is theirs to undo."""
    for module, attribute, stand_in, original in _STAND_INS:
        if getattr(module, attribute) is stand_in:
            setattr(module, attribute, original)
