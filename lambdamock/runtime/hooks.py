"""The process-wide stand-ins (os.environ, streams, logging, imports, sleep, threads), installed while needed."""

from __future__ import annotations

import _thread
import contextlib
import importlib
import importlib.machinery
import logging
import operator
import os
import sys
import threading
import time
import traceback
import warnings
from collections import deque
from types import BuiltinFunctionType, MethodType, ModuleType, TracebackType
from typing import Any, Optional, SupportsIndex, Union

from lambdamock._bound import Abandoned, bind, current
from lambdamock.runtime import environ, ric, sandbox, settings, signals, workdir
from lambdamock.runtime.modules import Distributions, Namespace
from lambdamock.runtime.spec import OwnThread
from lambdamock.runtime.streams import CALL_HANDLERS, IS_ENABLED_FOR, ThreadStream, own_levels, scope_root, unscope_root
from lambdamock.runtime.swaps import Swap

# Python's own threading.excepthook (threading.__excepthook__ from Python 3.10 on).
_default_excepthook = getattr(threading, "__excepthook__", None) or _thread._excepthook
_PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")


def _function_namespace() -> Optional[Namespace]:
    scope = current()
    return None if scope is None else scope.namespace


# importlib.metadata for function code: its own distributions first.
_distributions = Distributions(_function_namespace)


def _import_module(name: str, package: Optional[str] = None) -> ModuleType:
    scope = current()
    if scope is not None:
        module = scope.namespace.import_module(name, package)
        if module is not None:
            return module
    return _IMPORT_MODULE.call(name, package)


def _basic_config(**options: Any) -> None:
    # A function's is on its own root handlers (see streams.ScopedRoot): the runtime's is there before its code is
    # imported, so it does nothing unless forced or that handler was removed, as on AWS.
    own = options.keys() & {"stream", "filename", "handlers"}
    if current() is None and isinstance(sys.stderr, ThreadStream) and not own:
        # The test process's handler writes to its stderr as it was before the mock: functions' records reach it
        # too (see streams.call_handlers), and through the diverted stream they would be in their logs twice.
        stream: Any = sys.stderr
        while isinstance(stream, ThreadStream):
            stream = stream.target
        options["stream"] = stream
    _BASIC_CONFIG.call(**options)


def _reload(module: ModuleType) -> ModuleType:
    scope = current()
    if scope is not None and scope.namespace.owns(module):
        return scope.namespace.reload(module)
    return _RELOAD.call(module)


def _seconds(value: Any) -> float:
    """As time.sleep reads its argument: a float as it is, anything else as an integer (before Python 3.10, one that
    has no __index__ through its __int__, with a warning)."""
    if isinstance(value, float):
        return value
    kind = type(value)
    if sys.version_info < (3, 10) and not hasattr(kind, "__index__"):
        # Named as C names a type: a class of Python's own code (Py_TPFLAGS_HEAPTYPE) or a builtin by its name alone,
        # any other with its module.
        bare = kind.__flags__ & (1 << 9) or kind.__module__ == "builtins"
        text = f"an integer is required (got type {kind.__name__ if bare else f'{kind.__module__}.{kind.__name__}'})"
        if not hasattr(kind, "__int__"):
            raise TypeError(text)
        warnings.warn(f"{text}.  Implicit conversion to integers using __int__ is deprecated, and may be removed in a "
                      "future version of Python.", DeprecationWarning, stacklevel=3)
        return float(int(value))
    return float(operator.index(value))


def _sleep(seconds: Union[float, SupportsIndex]) -> None:
    scope = current()
    if scope is None or scope.worker != threading.get_ident() or not isinstance(_SLEEP.replaced, BuiltinFunctionType):
        # Not Python's own: what a test or tool put in its place before the mock applies inside handlers too, as what
        # they put over the stand-in since does.
        _SLEEP.call(seconds)
        return
    delay = _seconds(seconds)
    if delay != delay:
        raise ValueError("Invalid value NaN (not a number)")
    if delay < 0:
        raise ValueError("sleep length must be non-negative")
    # A handler that timed out, or whose process another of its threads ended or interrupted (see runtime.signals),
    # is woken, so the exception pending in its thread ends the sleep now, as a signal ends one on AWS.
    if not scope.abandoned.is_set():
        scope.wake.clear()  # what woke an earlier sleep (its exception was raised before this call got here)
    try:
        scope.wake.wait(delay)
    except BaseException as error:  # raised from another thread: from time.sleep, as it is on AWS, not from a wait
        raise error.with_traceback(None)  # noqa: B904  # the same exception, not another


def _outside(tb: Optional[TracebackType]) -> Optional[TracebackType]:
    """A traceback from its first frame that is not lambdamock's."""
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_PACKAGE):
        tb = tb.tb_next
    return tb


def _start_thread(self: threading.Thread) -> None:
    scope = current()
    if isinstance(self, OwnThread):
        _START.call_genuine_on(self)  # lambdamock's own, whatever a test put in Thread.start's place
        return
    if scope is None or _START.calling(self):  # not a function's, or a wrapper of this stand-in called it back
        _START.call_on(self)
        return
    # A thread started by function code is part of its environment, as in Lambda's one process: it
    # sees the function's variables, writes to its log, and belongs to the mock that runs it.
    target = self.run
    threads = scope.threads

    def run(_: threading.Thread) -> None:
        bind(scope)
        try:
            threads.adopted(target)
        except (Abandoned, signals.ProcessEnded):
            pass  # its environment timed out, or it ended the runtime's process: stopped, with nothing to report
        except BaseException as error:
            # Reported as the runtime's process reports it, by Python's own hook (not one the test process set, as
            # pytest does), while the thread is still the function's: on stderr, so in its log, from its frames on.
            error = error.with_traceback(_outside(error.__traceback__))
            _default_excepthook(threading.ExceptHookArgs((type(error), error, error.__traceback__, self)))
        finally:
            bind(None)

    # A method, as run is: a tool's Thread.start wrapper that calls run's __func__ with the thread (Sentry's) works.
    self.run = MethodType(run, self)  # type: ignore[method-assign]
    threads.adopt()
    try:
        _START.call_on(self)
    except Exception:
        # Never started (no thread to be had). An exception thrown into this thread as it waited for the new one to
        # start (a timeout's, an interruption's) leaves it counted: it started, and stops counting as it ends.
        threads.adopted(lambda: None)
        raise
    if self.ident is None:  # what a test put in Thread.start's place started nothing: nothing to wait for
        threads.adopted(lambda: None)


class _RawThread:
    """What a thread that function code starts with _thread.start_new_thread runs: the function's, as in
    _start_thread."""

    def __init__(self, scope: Any, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        self.scope, self.function, self.args, self.kwargs = scope, function, args, kwargs

    def __repr__(self) -> str:
        return repr(self.function)

    def __call__(self) -> None:
        bind(self.scope)
        try:
            self.scope.threads.adopted(lambda: self.function(*self.args, **self.kwargs))
        except (Abandoned, signals.ProcessEnded):
            pass  # as in _start_thread
        except SystemExit:
            pass  # as _thread takes it
        except BaseException as error:
            # As Python's own unraisable hook reports it, in the function's log (see _start_thread).
            print(f"Exception ignored in thread started by: {self.function!r}", file=sys.stderr)
            traceback.print_exception(type(error), error, _outside(error.__traceback__))
        finally:
            bind(None)


def _start_new_thread(function: Any, args: tuple[Any, ...], kwargs: Optional[dict[str, Any]] = None) -> int:
    scope = current()
    passed = (function, args) if kwargs is None else (function, args, kwargs)
    if scope is None or _START_NEW.calling(*passed):
        return _START_NEW.call(*passed)
    # _thread's own checks, made before a thread starts.
    if not callable(function):
        raise TypeError("first arg must be callable")
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    scope.threads.adopt()
    try:
        return _START_NEW.call(_RawThread(scope, function, args, kwargs or {}), ())
    except Exception:
        scope.threads.adopted(lambda: None)  # never started: stop counting it
        raise


class Rebound:
    """The process-wide names a handler can rebind (os.environ, sys.stdout, ...), as they were; put back after."""

    __slots__ = ("environ", "environb", "stderr", "stdout")

    def __init__(self) -> None:
        self.environ = os.environ
        self.environb = getattr(os, "environb", None)
        self.stdout = sys.stdout
        self.stderr = sys.stderr

    def restore(self) -> None:
        """Undo what the invocation rebound: ``os.environ = {...}`` or ``sys.stdout = io.StringIO()``."""
        if os.environ is not self.environ:
            os.environ = self.environ  # noqa: B003 - restoring the process's own object
        if self.environb is not None and os.environb is not self.environb:
            os.environb = self.environb
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not getattr(self, name):
                with contextlib.suppress(Exception):  # what it holds back is the invocation's (a TextIOWrapper's)
                    stream.flush()
                _retire(stream)
                setattr(sys, name, getattr(self, name))


# Streams taken out of sys.stdout and sys.stderr stay referenced for a while: print() in another thread uses
# sys.stdout without a reference of its own (CPython issue 130163), and freeing it under that print would
# crash the process.
_KEEP_RETIRED_S = 1.0
_retired: deque[tuple[float, object]] = deque()
_retired_lock = threading.Lock()


_SYS = vars(sys)  # sys.stdout and sys.stderr, read and set without a call (see _swapped)


def wrap_streams() -> None:
    """Divert sys.stdout and sys.stderr (see ThreadStream), unless they already are."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        while type(stream) is not ThreadStream and not _swapped(name, stream, ThreadStream(stream)):
            stream = getattr(sys, name)  # replaced meanwhile: divert the new one


def unwrap_streams() -> None:
    """Put back the streams under every ThreadStream layer (refresh may have added several); a stream someone
    replaced meanwhile stays theirs."""
    for name in ("stdout", "stderr"):
        stream = inner = getattr(sys, name)
        while type(inner) is ThreadStream:
            _retire(inner)
            inner = inner.target
        _swapped(name, stream, inner)


def _swapped(name: str, old: object, new: object) -> bool:
    """Set ``sys.<name>`` to ``new`` if it is still ``old``.

    The last thread of a mock may unwind the streams while another swaps them (pytest's capture does between two
    tests). Neither Python code nor a call runs between this check and this store, so what the other thread set is
    not undone (CPython 3.11 and later switch threads only at calls and loops; older ones may, rarely, in between).
    """
    if _SYS[name] is old:
        _SYS[name] = new
        return True
    return False


def _retire(stream: object) -> None:
    with _retired_lock:
        now = time.monotonic()
        _retired.append((now, stream))
        while now - _retired[0][0] > _KEEP_RETIRED_S:
            _retired.popleft()


_IMPORT_MODULE = Swap(importlib, "import_module", _import_module)
_RELOAD = Swap(importlib, "reload", _reload)
_BASIC_CONFIG = Swap(logging, "basicConfig", _basic_config)
_SLEEP = Swap(time, "sleep", _sleep)
_START = Swap(threading.Thread, "start", _start_thread)
_START_NEW = Swap(_thread, "start_new_thread", _start_new_thread)
# Beside logging's (see acquire and release).
_SWAPS = [_IMPORT_MODULE, _RELOAD, _BASIC_CONFIG, _SLEEP, _START, _START_NEW]
if hasattr(_thread, "start_new"):  # start_new_thread's old name
    _SWAPS.append(Swap(_thread, "start_new", _start_new_thread))
_SWAPS += sandbox.SWAPS + settings.SWAPS


class _Installation:
    """Reference-counted replacement of the process-wide objects; undone by the last release."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self._environ = environ.Layering()
        self._runtime_client: ric.Names = ()

    def acquire(self) -> None:
        with self.lock:
            self.users += 1
            if self.users > 1:
                # What a patch undone since put back (while an earlier mock's release waits for its functions'
                # threads) is replaced again.
                for swap in [CALL_HANDLERS, *_SWAPS, *signals.SWAPS, *environ.SWAPS]:
                    swap.reinstate()
                return
            self._environ.install()
            self._runtime_client = ric.names()
            main = sys.modules.get("__main__")
            if main is not None and not hasattr(main, "awslambdaricmain"):
                # Where tools look for the runtime interface client (see runtime.ric), as the runtime's
                # bootstrap.py has it; nothing else has that name.
                main.awslambdaricmain = ric.MAIN  # type: ignore[attr-defined]
            CALL_HANDLERS.install()
            scope_root()
            for swap in _SWAPS:
                swap.install()
            sys.meta_path.insert(0, _distributions)  # a finder of distributions only
            # What keeps the process's imports on its own directory from threads in a task root (see workdir).
            sys.path_hooks.insert(0, workdir.relative_entries)
            finders = [*sys.meta_path, importlib.machinery.PathFinder]  # just before PathFinder, or last
            sys.meta_path.insert(finders.index(importlib.machinery.PathFinder), workdir.ProcessPaths)
            signals.install()
            wrap_streams()

    def json_logging(self) -> None:
        """A function's root logger has its own level, JSON's or AWS_LAMBDA_LOG_LEVEL's (see streams.ScopedRoot)."""
        with self.lock:
            if self.users:
                own_levels()

    def refresh(self) -> None:
        """Re-divert the streams if someone (pytest's capture, for one) replaced them since."""
        if type(sys.stdout) is ThreadStream and type(sys.stderr) is ThreadStream:
            return
        with self.lock:
            if self.users:
                wrap_streams()

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users:
                return
            # Put back only what is still ours: a later replacement by someone else is theirs to undo.
            self._environ.uninstall()
            main = sys.modules.get("__main__")
            if getattr(main, "awslambdaricmain", None) is ric.MAIN:
                del main.awslambdaricmain  # type: ignore[union-attr]
            ric.undo_function_code(self._runtime_client)
            CALL_HANDLERS.uninstall()
            unscope_root()  # first: a function's thread may not install is_enabled_for again after what follows
            IS_ENABLED_FOR.uninstall()
            for swap in _SWAPS:
                swap.uninstall()
            settings.restore()
            ours = (_distributions, workdir.ProcessPaths)
            if any(finder in ours for finder in sys.meta_path):
                # A new list: removing from the one an import in another thread is going through would make it
                # skip the finder after ours.
                sys.meta_path = [finder for finder in sys.meta_path if all(finder is not own for own in ours)]
            if workdir.relative_entries in sys.path_hooks:
                sys.path_hooks = [hook for hook in sys.path_hooks if hook is not workdir.relative_entries]
            signals.uninstall()
            unwrap_streams()


installation = _Installation()
