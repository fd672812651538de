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


def exit_(status: int) -> NoReturn:
    if current() is None:
        original_exit(status)
    raise ProcessEnded(status)


def abort() -> NoReturn:
    if current() is None:
        original_abort()
    raise ProcessEnded(-signal.SIGABRT)


def kill(pid: int, signum: int) -> None:
    if current() is not None and _own(pid):
        return _itself(signum)
    return original_kill(pid, signum)


def killpg(pgid: int, signum: int) -> None:
    if current() is not None and pgid in (0, os.getpgrp()):
        return _itself(signum)
    assert original_killpg is not None  # installed only where the platform has it
    return original_killpg(pgid, signum)


def raise_signal(signum: int) -> None:
    if current() is not None:
        return _itself(signum)
    return original_raise_signal(signum)


def interrupt_main(*args: Any) -> None:
    """_thread.interrupt_main([signum]): the runtime's main thread is the one its handler runs on."""
    if current() is not None:
        return _itself(args[0] if args else signal.SIGINT)
    return original_interrupt_main(*args)


# (module, attribute, stand-in, original) for hooks to install while functions may run.
STAND_INS = [
    (os, "_exit", exit_, original_exit),
    (os, "abort", abort, original_abort),
    (os, "kill", kill, original_kill),
    (signal, "raise_signal", raise_signal, original_raise_signal),
    (_thread, "interrupt_main", interrupt_main, original_interrupt_main),
]
if original_killpg is not None:
    STAND_INS.append((os, "killpg", killpg, original_killpg))
