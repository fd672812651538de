"""A function's own signals and end: the handlers its code sets, what it sends itself, what it would run at exit."""

from __future__ import annotations

import _signal
import _thread
import atexit
import ctypes
import errno
import faulthandler
import operator
import os
import signal
import sys
import threading
from types import FrameType
from typing import Any, Callable, NoReturn, Optional

from lambdamock._bound import Abandoned, current
from lambdamock.runtime.swaps import Swap, where_present

# How Lambda's runtime manager names the signal that ended a runtime ("Runtime exited with error: signal:
# killed"): Go's names for Linux's signals, which lambdamock's host may number otherwise.
_NAMES = {
    "SIGHUP": "hangup", "SIGINT": "interrupt", "SIGQUIT": "quit", "SIGILL": "illegal instruction",
    "SIGTRAP": "trace/breakpoint trap", "SIGABRT": "aborted", "SIGBUS": "bus error",
    "SIGFPE": "floating point exception", "SIGKILL": "killed", "SIGUSR1": "user defined signal 1",
    "SIGSEGV": "segmentation fault", "SIGUSR2": "user defined signal 2", "SIGPIPE": "broken pipe",
    "SIGALRM": "alarm clock", "SIGTERM": "terminated", "SIGXCPU": "CPU time limit exceeded",
    "SIGXFSZ": "file size limit exceeded", "SIGVTALRM": "virtual timer expired", "SIGPROF": "profiling timer expired",
    "SIGSYS": "bad system call", "SIGSTKFLT": "stack fault", "SIGIO": "I/O possible", "SIGPWR": "power failure",
}
_BY_NUMBER = {getattr(signal, name): text for name, text in _NAMES.items() if hasattr(signal, name)}


def _numbers(*names: str) -> frozenset[int]:
    return frozenset(getattr(signal, name) for name in names if hasattr(signal, name))


# What signals do by default (signal(7)): leave the process running, or stop it until SIGCONT.
_HARMLESS = _numbers("SIGCHLD", "SIGURG", "SIGWINCH", "SIGCONT")
_STOPPING = _numbers("SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU")
_home = os.getpid()  # the process the stand-ins serve (see install): a process forked from it ends as any does
# Python's own handlers as a process starts (Lambda's runtime sets none of its own); the rest are SIG_DFL.
_AT_START = {signal.SIGINT: signal.default_int_handler, **dict.fromkeys(_numbers("SIGPIPE", "SIGXFSZ"), signal.SIG_IGN)}
_UNCATCHABLE = _numbers("SIGKILL", "SIGSTOP")
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ProcessEnded(BaseException):
    """The function's runtime process ended; how is its scope's ``ended``. Raised in its threads."""


def name(signum: int) -> str:
    """The signal's name as Lambda reports a runtime it ended."""
    return _BY_NUMBER.get(signum, f"signal {signum}")


def _function_scope() -> Any:
    """The scope of the function whose code calls, in the process that runs it (a child it forked ends as any
    process); else None."""
    scope = current()
    return scope if scope is not None and os.getpid() == _home else None


def _function_code() -> bool:
    return _function_scope() is not None


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
            scope.wake.set()  # a sleep ends, as a signal ends one
        return bool(scope.interruptible)


def _in_worker() -> bool:
    scope = current()
    return scope is not None and threading.get_ident() == scope.worker


def _own(pid: int) -> bool:
    """Itself, its process group, every process it may signal (-1): the test process, here; or one of its threads
    (kill() given a thread's id signals its process, on Linux)."""
    return pid in (os.getpid(), 0, -1, -os.getpgrp()) or (pid > 0 and os.path.isdir(f"/proc/self/task/{pid}"))


def _checked(signum: Any, error: type[Exception]) -> int:
    number = int(operator.index(signum))  # an int, as Python hands handlers (not the Signals member)
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
    """What the function's process does with a signal it got: what its code set it to do, or the default action."""
    if signum == 0:
        return  # 0 only asks whether the process exists
    scope = current()
    assert scope is not None
    handler = _handler(scope, signum)
    if handler is signal.default_int_handler:
        return _interrupt()
    if callable(handler):
        # Python runs it on the main thread, the handler's on Lambda: sent by the handler's own code, it runs there
        # so; sent by another of the function's threads, on that thread (it cannot interrupt the handler's code
        # without running beside it), and what it raises is raised there.
        return handler(signum, _caller())
    if handler == signal.SIG_IGN:
        return None
    if signum in _HARMLESS:
        return None
    if signum in _STOPPING:
        if _in_worker():  # stopped, and never continued: as the invocation's timeout finds it
            scope.abandoned.wait()
            raise Abandoned()
        return None  # from another thread, the handler's runs on: unlike AWS, but nothing waits for ever
    _end(-signum)


def _handler(scope: Any, signum: int) -> Any:
    return scope.signal_handlers.get(signum, _AT_START.get(signum, signal.SIG_DFL))


def _caller() -> Optional[FrameType]:
    """The innermost frame that is not lambdamock's: where the function's code was when the signal came."""
    frame: Optional[FrameType] = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    return frame


def _set_signal(signalnum: int, handler: Any) -> Any:
    """signal.signal: a function's process has its own handlers (its code runs on the main thread there, which
    alone may set them)."""
    scope = _function_scope()
    if scope is None or not _in_worker():
        return _SIGNAL.call(signalnum, handler)  # another of its threads: Python's refusal, as on AWS
    number = _settable(signalnum)
    if not callable(handler) and handler != signal.SIG_IGN and handler != signal.SIG_DFL:
        raise TypeError("signal handler must be signal.SIG_IGN, signal.SIG_DFL, or a callable object")
    if number in _UNCATCHABLE:
        raise OSError(errno.EINVAL, os.strerror(errno.EINVAL))
    with scope.interrupt_lock:
        previous = _handler(scope, number)
        scope.signal_handlers[number] = handler
    return previous


def _get_signal(signalnum: int) -> Any:
    scope = _function_scope()
    if scope is None:
        return _GETSIGNAL.call(signalnum)
    return _handler(scope, _settable(signalnum))


def _settable(signalnum: Any) -> int:
    number = int(operator.index(signalnum))
    if not 1 <= number < signal.NSIG:
        raise ValueError("signal number out of range")
    return number


def _exit(status: Any) -> NoReturn:
    if not _function_code():
        EXIT.call(status)
    _end(operator.index(status) & 0xFF)  # what a parent reads of it


def _abort() -> NoReturn:
    if not _function_code():
        _ABORT.call()
    _end(-signal.SIGABRT)


def _kill(pid: int, signum: int) -> None:
    if _function_code() and _own(pid):
        return _received(_checked(signum, OSError))
    return _KILL.call(pid, signum)


def _killpg(pgid: int, signum: int) -> None:
    if _function_code() and pgid in (0, os.getpgrp()):
        return _received(_checked(signum, OSError))
    assert _KILLPG is not None  # installed only where the platform has it
    return _KILLPG.call(pgid, signum)


def _pthread_kill(thread_id: int, signum: int) -> None:
    if _function_code():  # a signal's default action is the whole process's, whichever thread it is sent to
        return _received(_checked(signum, OSError))
    assert _PTHREAD_KILL is not None
    return _PTHREAD_KILL.call(thread_id, signum)


def _raise_signal(signum: int) -> None:
    if _function_code():
        return _received(_checked(signum, OSError))  # raise() says EINVAL; Python does not check the range first
    return _RAISE_SIGNAL.call(signum)


def _interrupt_main(*args: Any) -> None:
    """_thread.interrupt_main([signum]): the signal as if it came to the main thread, the handler's; only a signal
    whose handler is Python's or the function's does anything (SIGINT's is Python's to begin with)."""
    scope = _function_scope()
    if scope is None:
        return _INTERRUPT_MAIN.call(*args)
    if args and sys.version_info < (3, 10):
        raise TypeError(f"_thread.interrupt_main() takes no arguments ({len(args)} given)")
    number = _checked(args[0] if args else signal.SIGINT, ValueError)
    if callable(_handler(scope, number)):
        _received(number)
    return None


def _alarm(seconds: int) -> int:
    """signal.alarm: its SIGALRM would reach the test process, never the function's handler, which Python would run
    on the main thread. Never set: the handler it would run, or the end it would bring, on AWS is left out."""
    if _function_code():
        return 0
    assert _ALARM is not None
    return _ALARM.call(seconds)


def _setitimer(which: int, seconds: float, interval: float = 0.0) -> tuple[float, float]:
    """signal.setitimer: as _alarm, for its timers' signals."""
    if _function_code():
        return (0.0, 0.0)
    assert _SETITIMER is not None
    return _SETITIMER.call(which, seconds, interval)


def _dump_traceback_later(*args: Any, **kwargs: Any) -> None:
    """faulthandler.dump_traceback_later: as _alarm, its timer would dump the test process's threads, and end the
    test process with exit=True. Never set from the function's code, nor cancelled (pytest's own watchdog uses it)."""
    if not _function_code():
        _DUMP_LATER.call(*args, **kwargs)


def _cancel_dump_traceback_later() -> None:
    if not _function_code():
        _CANCEL_DUMP_LATER.call()


def _register_at_exit(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Callable[..., Any]:
    """atexit.register: what the function's own code registers runs as its runtime's process exits by itself (sys.exit,
    a failed init; not as Lambda ends an environment, with SIGKILL); in the test process it would run after the mock,
    unbound: never registered. A library the process shares registers for the process, as everywhere."""
    scope = _function_scope()
    caller = _caller()
    if scope is None or caller is None or not _own_code(scope, caller.f_code.co_filename):
        return _REGISTER.call(func, *args, **kwargs)
    if not callable(func):
        raise TypeError("the first argument must be callable")
    return func


def _own_code(scope: Any, filename: str) -> bool:
    """Whether ``filename`` is one of the function's own files (its zip's or its layers'), not the process's."""
    for here, there in scope.places:  # deepest first: a virtualenv inside code in place holds the process's
        if filename.startswith(here):
            return there in ("/var/task/", "/opt/")
    return False


EXIT = Swap(os, "_exit", _exit)
_ABORT = Swap(os, "abort", _abort)
_KILL = Swap(os, "kill", _kill)
_RAISE_SIGNAL = Swap(signal, "raise_signal", _raise_signal)
_INTERRUPT_MAIN = Swap(_thread, "interrupt_main", _interrupt_main)
_KILLPG = where_present(os, "killpg", _killpg)
_PTHREAD_KILL = where_present(signal, "pthread_kill", _pthread_kill)
_ALARM = where_present(signal, "alarm", _alarm)
_SETITIMER = where_present(signal, "setitimer", _setitimer)
_SIGNAL = Swap(_signal, "signal", _set_signal)
_GETSIGNAL = Swap(_signal, "getsignal", _get_signal)
_DUMP_LATER = Swap(faulthandler, "dump_traceback_later", _dump_traceback_later)
_CANCEL_DUMP_LATER = Swap(faulthandler, "cancel_dump_traceback_later", _cancel_dump_traceback_later)
_REGISTER = Swap(atexit, "register", _register_at_exit)
SWAPS = [swap for swap in (EXIT, _ABORT, _KILL, _RAISE_SIGNAL, _INTERRUPT_MAIN, _KILLPG, _PTHREAD_KILL, _ALARM,
                            _SETITIMER, _SIGNAL, _GETSIGNAL, _DUMP_LATER, _CANCEL_DUMP_LATER, _REGISTER)
         if swap is not None]


def install() -> None:
    """Put the stand-ins in place (hooks does, while functions may run)."""
    global _home
    _home = os.getpid()
    for swap in SWAPS:
        swap.install()


def uninstall() -> None:
    """Put back what is still ours: a later replacement by someone else is theirs to undo."""
    for swap in SWAPS:
        swap.uninstall()
