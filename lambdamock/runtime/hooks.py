"""Process-wide, thread-aware stand-ins for os.environ, sys.stdout/stderr, logging, import_module, sleep and threads."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
from types import ModuleType
from typing import (
    Any,
    Callable,
    Dict,
    Iterator,
    List,
    MutableMapping,
    Optional,
    Set,
    SupportsIndex,
    TextIO,
    Union,
    cast,
)

from lambdamock.runtime.spec import Threads

ImportModule = Callable[[str, Optional[str]], Optional[ModuleType]]


class Scope:
    """What one execution environment's threads see: its variables, its log sink, its modules."""

    __slots__ = ("abandoned", "import_module", "overlay", "removed", "request_id", "sink", "threads", "worker")

    def __init__(self, overlay: Dict[str, str], import_module: ImportModule, threads: Threads) -> None:
        self.overlay = overlay
        # Keys the handler deleted; the process value must stay hidden from this environment.
        self.removed: Set[str] = set()
        # Text written by the current invocation (or init); None while the environment is idle.
        self.sink: Optional[List[str]] = None
        self.request_id = ""
        self.import_module = import_module
        # Set when the environment is given up on: its worker's sleeps end at once.
        self.abandoned = threading.Event()
        # Who counts the threads its code starts, and the ident of the environment's own thread.
        self.threads = threads
        self.worker: Optional[int] = None


_local = threading.local()


def current() -> Optional[Scope]:
    """The scope of the calling thread, or None outside execution environments."""
    return cast(Optional[Scope], getattr(_local, "scope", None))


def bind(scope: Optional[Scope]) -> None:
    """Make the calling thread act inside `scope`."""
    _local.scope = scope


def _check_str(value: object) -> str:
    # os.environ refuses non-str keys and values; a handler must get the same TypeError as on AWS.
    if not isinstance(value, str):
        raise TypeError(f"str expected, not {type(value).__name__}")
    return value


class ThreadEnviron(MutableMapping[str, str]):
    """os.environ that shows each environment's threads the process variables plus its own layer."""

    def __init__(self, base: MutableMapping[str, str]) -> None:
        self.base = base

    def __getitem__(self, key: str) -> str:
        scope = current()
        if scope is None:
            return self.base[key]
        value = scope.overlay.get(key)
        if value is not None:
            return value
        if key in scope.removed:
            raise KeyError(key)
        return self.base[key]

    def __setitem__(self, key: str, value: str) -> None:
        scope = current()
        if scope is None:
            self.base[key] = value
            return
        # Writes stay in the environment: the process (and its real C environ) is untouched.
        scope.overlay[_check_str(key)] = _check_str(value)
        scope.removed.discard(key)

    def __delitem__(self, key: str) -> None:
        scope = current()
        if scope is None:
            del self.base[key]
            return
        if key not in self:
            raise KeyError(key)
        scope.overlay.pop(key, None)
        scope.removed.add(key)

    def _keys(self, scope: Scope) -> List[str]:
        keys = [k for k in self.base if k not in scope.overlay and k not in scope.removed]
        keys.extend(scope.overlay)
        return keys

    def __iter__(self) -> Iterator[str]:
        scope = current()
        return iter(self.base) if scope is None else iter(self._keys(scope))

    def __len__(self) -> int:
        scope = current()
        return len(self.base) if scope is None else len(self._keys(scope))

    def copy(self) -> Dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        return f"environ({dict(self)!r})"


class ThreadStream:
    """sys.stdout/sys.stderr that diverts an environment thread's text to its invocation log."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        scope = current()
        if scope is None or scope.sink is None:
            return self.target.write(text)
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        scope.sink.append(text)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        scope = current()
        if scope is None or scope.sink is None:
            self.target.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


_MESSAGE = logging.Formatter()


def format_record(record: logging.LogRecord, request_id: str) -> str:
    """A log record as the Python runtime's text format writes it."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"[{record.levelname}]\t{stamp}.{int(record.msecs):03d}Z\t{request_id}\t{_MESSAGE.format(record)}\n"


_original_call_handlers = logging.Logger.callHandlers
_original_import_module = importlib.import_module
_original_sleep = time.sleep
_original_start_thread = threading.Thread.start


def _call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    scope = current()
    if scope is None or scope.sink is None:
        _original_call_handlers(self, record)
        return
    # Lambda's runtime has its own handler on the root logger: emulate it for environment threads
    # only, so the test process's logging configuration (and basicConfig) is untouched. With that
    # handler present, logging's lastResort never fires, so the walk below has no fallback either.
    logger: Optional[logging.Logger] = self
    while logger is not None:
        for handler in logger.handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
        if logger.parent is None:
            scope.sink.append(format_record(record, scope.request_id))
        if not logger.propagate:
            break
        logger = logger.parent


def _import_module(name: str, package: Optional[str] = None) -> ModuleType:
    scope = current()
    if scope is not None:
        module = scope.import_module(name, package)
        if module is not None:
            return module
    return _original_import_module(name, package)


def _sleep(seconds: Union[float, SupportsIndex]) -> None:
    scope = current()
    if scope is None or scope.worker != threading.get_ident():
        _original_sleep(seconds)
        return
    delay = float(seconds)
    if delay < 0:
        raise ValueError("sleep length must be non-negative")
    # A handler that timed out is woken, so the exception pending in its thread ends it now
    # rather than when a long sleep would have returned.
    scope.abandoned.wait(delay)


def _start_thread(self: threading.Thread) -> None:
    scope = current()
    if scope is None:
        _original_start_thread(self)
        return
    # A thread started by function code is part of its environment, as in Lambda's one process: it
    # sees the function's variables, writes to its log, and belongs to the mock that runs it.
    target = self.run
    threads = scope.threads

    def run() -> None:
        bind(scope)
        try:
            threads.adopted(target)
        finally:
            bind(None)

    self.run = run  # type: ignore[method-assign]
    threads.adopt()
    try:
        _original_start_thread(self)
    except BaseException:
        threads.adopted(lambda: None)  # never started: stop counting it
        raise


class _Installation:
    """Reference-counted replacement of the process-wide objects; undone by the last release."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.environ: Optional[ThreadEnviron] = None

    def acquire(self) -> None:
        with self.lock:
            self.users += 1
            if self.users > 1:
                return
            self.environ = ThreadEnviron(os.environ)
            os.environ = self.environ  # type: ignore[assignment]  # noqa: B003 - replacing, not clearing
            logging.Logger.callHandlers = _call_handlers  # type: ignore[method-assign]
            importlib.import_module = _import_module
            time.sleep = _sleep
            threading.Thread.start = _start_thread  # type: ignore[method-assign]
            self._wrap_streams()

    def refresh(self) -> None:
        """Re-divert the streams if someone (pytest's capture, for one) replaced them since."""
        if type(sys.stdout) is ThreadStream and type(sys.stderr) is ThreadStream:
            return
        with self.lock:
            if self.users:
                self._wrap_streams()

    def _wrap_streams(self) -> None:
        if type(sys.stdout) is not ThreadStream:
            sys.stdout = cast(TextIO, ThreadStream(sys.stdout))
        if type(sys.stderr) is not ThreadStream:
            sys.stderr = cast(TextIO, ThreadStream(sys.stderr))

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users:
                return
            # Put back only what is still ours: a later replacement by someone else is theirs to undo.
            environ, self.environ = self.environ, None
            if environ is not None and os.environ is environ:
                os.environ = environ.base  # type: ignore[assignment]  # noqa: B003 - restoring the original
            if logging.Logger.callHandlers is _call_handlers:
                logging.Logger.callHandlers = _original_call_handlers  # type: ignore[method-assign]
            if importlib.import_module is _import_module:
                importlib.import_module = _original_import_module
            if time.sleep is _sleep:
                time.sleep = _original_sleep
            if threading.Thread.start is _start_thread:
                threading.Thread.start = _original_start_thread  # type: ignore[method-assign]
            # Streams may have been wrapped several times (see refresh); unwind every layer we added.
            while type(sys.stdout) is ThreadStream:
                sys.stdout = cast(ThreadStream, sys.stdout).target
            while type(sys.stderr) is ThreadStream:
                sys.stderr = cast(ThreadStream, sys.stderr).target


installation = _Installation()
