"""sys.stdout, sys.stderr and logging as environment threads see them: text goes to the invocation's log."""

from __future__ import annotations

import logging
from typing import Any, Optional, TextIO

from lambdamock._bound import current
from lambdamock.runtime.logs import record_line


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

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


original_call_handlers = logging.Logger.callHandlers


def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    """Logger.callHandlers for environment threads: records also go to the invocation's log, as Lambda's do."""
    scope = current()
    if scope is None or scope.sink is None:
        original_call_handlers(self, record)
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
            scope.sink.append(record_line(record, scope.request_id, scope.logging, scope.tenant))
        if not logger.propagate:
            break
        logger = logger.parent


original_is_enabled_for = logging.Logger.isEnabledFor


def is_enabled_for(self: logging.Logger, level: int) -> bool:
    """Logger.isEnabledFor for environment threads of JSON-logging functions: the root logger is at their level."""
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
