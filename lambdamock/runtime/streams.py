"""sys.stdout, sys.stderr and logging as environment threads see them: text goes to the invocation's log."""

from __future__ import annotations

import itertools
import logging
from typing import TYPE_CHECKING, Any, Iterator, List, Optional, TextIO

from lambdamock._bound import current
from lambdamock.runtime.logs import record_line

if TYPE_CHECKING:
    from lambdamock.runtime.scope import Scope


class ThreadStream:
    """sys.stdout/sys.stderr that diverts an environment thread's text to its invocation log."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        scope = current()
        if scope is None or scope.sink is None:
            return self.target.write(text)
        if self in scope.closed:
            raise ValueError("I/O operation on closed file.")
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

    def close(self) -> None:
        """A handler that closes its stream closes it for the rest of its invocation, never the process's."""
        scope = current()
        if scope is None:
            self.target.close()
        else:
            scope.closed.add(self)

    @property
    def closed(self) -> bool:
        scope = current()
        return (scope is not None and self in scope.closed) or self.target.closed

    @property
    def buffer(self) -> _Bytes:
        """The stream's bytes (``sys.stdout.buffer``), which reach the same log as its text."""
        return _Bytes(self)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


class _Bytes:
    """A ThreadStream's ``buffer``: an environment thread's bytes go to its log as the UTF-8 text they hold (as
    the runtime's file descriptor takes them); other threads' to the stream's own buffer."""

    def __init__(self, stream: ThreadStream) -> None:
        self._stream = stream

    def write(self, data: bytes) -> int:
        scope = current()
        if scope is None or scope.sink is None:
            written: int = self._stream.target.buffer.write(data)
            return written
        self._stream.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream.target.buffer, name)


original_call_handlers = logging.Logger.callHandlers


def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    """Logger.callHandlers for environment threads: records also go to the invocation's log, as Lambda's do."""
    scope = current()
    if scope is None or scope.sink is None:
        original_call_handlers(self, record)
        return
    # Lambda's runtime has its own handler on the root logger: each environment has one, which only its threads
    # see there (see RootHandlers), so the test process's logging configuration (and basicConfig) is untouched.
    # With that handler present, logging's lastResort never fires, so the walk below has no fallback either.
    logger: Optional[logging.Logger] = self
    while logger is not None:
        for handler in list.__iter__(logger.handlers):  # the process's handlers, not the view's
            if record.levelno >= handler.level:
                handler.handle(record)
        if logger.parent is None:
            runtime = scope.runtime_handler
            if runtime is not None and record.levelno >= runtime.level:
                runtime.handle(record)  # through the filters the function's code gave it
        if not logger.propagate:
            break
        logger = logger.parent


class LambdaLoggerHandler(logging.Handler):
    """The Python runtime's handler on the root logger, one per environment: a record goes to the invocation's log."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self._scope = scope

    def emit(self, record: logging.LogRecord) -> None:
        scope = self._scope
        if scope.sink is not None:
            line = record_line(record, scope.request_id, scope.logging, scope.tenant, scope.places)
            if not line.text.isascii():
                # The runtime writes the line to its log as UTF-8, strictly: a lone surrogate fails the logging call.
                line.text.encode("utf-8")
            scope.sink.append(line)


class RootHandlers(List[logging.Handler]):
    """logging.root.handlers as threads see it: an environment's threads see its runtime handler first, as the
    runtime adds it before it imports the function, and may filter, level or remove it as they could on AWS."""

    def __iter__(self) -> Iterator[logging.Handler]:
        runtime = _runtime_handler()
        return super().__iter__() if runtime is None else itertools.chain((runtime,), super().__iter__())

    def __len__(self) -> int:
        return super().__len__() + (_runtime_handler() is not None)

    def __getitem__(self, index: Any) -> Any:
        runtime = _runtime_handler()
        return super().__getitem__(index) if runtime is None else [runtime, *super().__iter__()][index]

    def __contains__(self, handler: object) -> bool:
        return (handler is not None and handler is _runtime_handler()) or super().__contains__(handler)

    def remove(self, handler: logging.Handler) -> None:
        scope = current()
        if scope is not None and handler is scope.runtime_handler:
            scope.runtime_handler = None  # the function took Lambda's handler away: its records are no longer logged
            return
        super().remove(handler)


def _runtime_handler() -> Optional[logging.Handler]:
    scope = current()
    return None if scope is None else scope.runtime_handler


original_is_enabled_for = logging.Logger.isEnabledFor


class ScopedRoot(logging.RootLogger):
    """The root logger, once a function logs in JSON: its level is the environment's own for that function's
    threads (the runtime sets it from ApplicationLogLevel, and the function's code may set it again, as in a
    process of its own), and the test process's for every other thread."""

    @property  # Logger's attribute, served per environment
    def level(self) -> int:
        scope = current()
        if scope is None or scope.root_level is None:
            own: int = self.__dict__["level"]
            return own
        return scope.root_level

    @level.setter
    def level(self, value: int) -> None:
        scope = current()
        if scope is None or scope.root_level is None:
            self.__dict__["level"] = value
        else:
            scope.root_level = value


def is_enabled_for(self: logging.Logger, level: int) -> bool:
    """Logger.isEnabledFor for environment threads of JSON-logging functions: the root logger is at their level
    (logging's cache, shared by all threads, is left alone)."""
    scope = current()
    if scope is None or scope.root_level is None:
        return original_is_enabled_for(self, level)
    if self.disabled or self.manager.disable >= level:
        return False
    logger = self
    while logger.parent is not None:
        if logger.level:
            return level >= logger.level
        logger = logger.parent
    return level >= scope.root_level
