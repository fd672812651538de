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
original_alarm = getattr(signal, "alarm", None)
original_setitimer = getattr(signal, "setitimer", None)

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


def _end(status: int) -> NoReturn:
    """The process ends: the calling thread stops, and so does the handler's, if its code runs (see _throw). The
    environment answers with how it ended: the invocation it runs, unless it had answered, or the next one."""
    scope = current()
    assert scope is not None
    if scope.ended is None:
        scope.ended = status
    if not _in_worker():
        _throw(ProcessEnded)
    raise ProcessEnded()


def check_alive() -> None:
    """What the runtime does next (post its answer) happens only if its process has not ended."""
    scope = current()
    if scope is not None and scope.ended is not None:
        raise ProcessEnded()


def _throw(exception: type[BaseException]) -> bool:
    """Raise ``exception`` in the handler's thread from another of the function's threads, if the handler's code runs
    there now (see Environment._uninterruptible); whether it did."""
    scope = current()
    assert scope is not None and scope.worker is not None
    with scope.interrupt_lock:
        if scope.interruptible:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(scope.worker), ctypes.py_object(exception))
        return bool(scope.interruptible)


def _in_worker() -> bool:
    scope = current()
    return scope is not None and threading.get_ident() == scope.worker


def _own(pid: int) -> bool:
    """Itself, its process group, every process it may signal (-1): the test process, here; or one of its threads
    (kill() given a thread's id signals its process, on Linux)."""
    return pid in (os.getpid(), 0, -1, -os.getpgrp()) or (pid > 0 and os.path.isdir(f"/proc/self/task/{pid}"))


def _checked(signum: Any, error: type[Exception]) -> int:
    number = operator.index(signum)
    if not 0 <= number < signal.NSIG:
        if error is OSError:
            raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
        raise error("signal number out of range")
    return number


def _interrupt() -> None:
    """SIGINT: Python's own handler raises KeyboardInterrupt in the main thread, the handler's (its code may catch
    it). Between invocations the runtime's loop runs there, which it ends."""
    if _in_worker():
        raise KeyboardInterrupt
    if not _throw(KeyboardInterrupt):
        scope = current()
        assert scope is not None
        if scope.ended is None:
            scope.ended = -signal.SIGINT


def _received(signum: int) -> None:
    """What the function's process does with a signal it got, by the signal's default action."""
    if signum == 0 or signum in _HARMLESS:
        return  # 0 only asks whether the process exists
    if signum == signal.SIGINT:
        return _interrupt()
    if signum in _STOPPING:
        if _in_worker():  # stopped, and never continued: as the invocation's timeout finds it
            scope = current()
            assert scope is not None
            scope.abandoned.wait()
            raise Abandoned()
        return  # from another thread, the handler's runs on: unlike AWS, but nothing waits for ever
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
    if _function_code() and _own(pid):
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
        _interrupt()
    return None


def _alarm(seconds: int) -> int:
    """signal.alarm: its SIGALRM would reach the test process, whose handler is not the function's (a function
    cannot set one: signal.signal needs the main thread). Never set: the end it would bring on AWS is left out."""
    if _function_code():
        return 0
    assert original_alarm is not None
    return original_alarm(seconds)


def _setitimer(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
    """signal.setitimer: as _alarm, for its timers' signals."""
    if _function_code():
        return (0.0, 0.0)
    assert original_setitimer is not None
    return original_setitimer(which, seconds, interval)


_STAND_INS = [
    (os, "_exit", _exit, original_exit),
    (os, "abort", _abort, original_abort),
    (os, "kill", _kill, original_kill),
    (signal, "raise_signal", _raise_signal, original_raise_signal),
    (_thread, "interrupt_main", _interrupt_main, original_interrupt_main),
]
for _module, _name, _stand_in, _original in (
    (os, "killpg", _killpg, original_killpg), (signal, "pthread_kill", _pthread_kill, original_pthread_kill),
    (signal, "alarm", _alarm, original_alarm), (signal, "setitimer", _setitimer, original_setitimer),
):
    if _original is not None:  # where the platform has it
        _STAND_INS.append((_module, _name, _stand_in, _original))


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
