"""A handler ending or signalling its own process: the function's runtime ends, never the test process."""

from __future__ import annotations

import _thread
import os
import signal
from typing import Any, NoReturn

from lambdamock._bound import current

original_exit = os._exit
original_abort = os.abort
original_kill = os.kill
original_killpg = getattr(os, "killpg", None)
original_raise_signal = signal.raise_signal
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
# Signals whose default action leaves a process running (signal(7)).
_HARMLESS = frozenset(getattr(signal, name) for name in ("SIGCHLD", "SIGURG", "SIGWINCH", "SIGCONT")
                      if hasattr(signal, name))


_home = os.getpid()  # the process the stand-ins serve (see install): a process forked from it ends as any does


class ProcessEnded(BaseException):
    """The function's runtime process ended (raised in the thread that ended it): ``status`` is its exit status,
    or minus the signal that ended it."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def name(signum: int) -> str:
    return _BY_NUMBER.get(signum, f"signal {signum}")


def _itself(signum: int) -> None:
    """A signal the function's process sends itself."""
    if signum == 0 or signum in _HARMLESS:
        return  # 0 only asks whether the process exists
    if signum == signal.SIGINT:
        raise KeyboardInterrupt  # Python's own SIGINT handler, in the runtime's one thread
    raise ProcessEnded(-signum)


def _own(pid: int) -> bool:
    return pid in (os.getpid(), 0, -os.getpgrp())


def _function_code() -> bool:
    """Whether a function's code calls, in the process that runs it (a child it forked ends as any process)."""
    return current() is not None and os.getpid() == _home


def _exit(status: int) -> NoReturn:
    if not _function_code():
        original_exit(status)
    raise ProcessEnded(status)


def _abort() -> NoReturn:
    if not _function_code():
        original_abort()
    raise ProcessEnded(-signal.SIGABRT)


def _kill(pid: int, signum: int) -> None:
    if _function_code() and _own(pid):
        return _itself(signum)
    return original_kill(pid, signum)


def _killpg(pgid: int, signum: int) -> None:
    if _function_code() and pgid in (0, os.getpgrp()):
        return _itself(signum)
    assert original_killpg is not None  # installed only where the platform has it
    return original_killpg(pgid, signum)


def _raise_signal(signum: int) -> None:
    if _function_code():
        return _itself(signum)
    return original_raise_signal(signum)


def _interrupt_main(*args: Any) -> None:
    """_thread.interrupt_main([signum]): the runtime's main thread is the one its handler runs on."""
    if _function_code():
        return _itself(args[0] if args else signal.SIGINT)
    return original_interrupt_main(*args)


_STAND_INS = [
    (os, "_exit", _exit, original_exit),
    (os, "abort", _abort, original_abort),
    (os, "kill", _kill, original_kill),
    (signal, "raise_signal", _raise_signal, original_raise_signal),
    (_thread, "interrupt_main", _interrupt_main, original_interrupt_main),
]
if original_killpg is not None:
    _STAND_INS.append((os, "killpg", _killpg, original_killpg))


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
