"""sys.stdout, sys.stderr and logging as environment threads see them: text goes to the invocation's log."""

from __future__ import annotations

import logging
import time
from typing import Any, Optional, TextIO

from lambdamock.runtime.scope import current


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


_MESSAGE = logging.Formatter()


def format_record(record: logging.LogRecord, request_id: str) -> str:
    """A log record as the Python runtime's text format writes it."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
    return f"[{record.levelname}]\t{stamp}.{int(record.msecs):03d}Z\t{request_id}\t{_MESSAGE.format(record)}\n"


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
            scope.sink.append(format_record(record, scope.request_id))
        if not logger.propagate:
            break
        logger = logger.parent
