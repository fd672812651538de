"""sys.stdout, sys.stderr and logging as environment threads see them: text goes to the invocation's log."""

from __future__ import annotations

import io
import logging
import time
from typing import TYPE_CHECKING, Any, List, Optional, Set, TextIO

from lambdamock._bound import current
from lambdamock.runtime.logs import Line, record_line
from lambdamock.runtime.swaps import Swap

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

    def detach(self) -> Any:
        """A handler that detaches the stream's buffer gets one that writes to its log; the process's stream keeps
        its own."""
        if current() is None:
            return self.target.detach()  # type: ignore[attr-defined]
        return self.buffer

    def reconfigure(self, **settings: Any) -> None:
        """How the process's stream encodes and buffers is the process's: a handler's text reaches its log as it
        writes it, whatever it asks for (line_buffering=True, as Lambda code often does, changes nothing there)."""
        if current() is None:
            self.target.reconfigure(**settings)  # type: ignore[attr-defined]
        else:  # what Python refuses (an unknown codec or argument) is refused all the same
            io.TextIOWrapper(io.BytesIO(), encoding="utf-8").reconfigure(**settings)

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
    the runtime's file descriptor takes them); other threads' to the stream's own buffer.

    One handed to a function's code is the function's: closing it, as the TextIOWrapper that code wraps it in does
    when it is collected (on whatever thread), or detaching it never reaches the process's buffer."""

    def __init__(self, stream: ThreadStream) -> None:
        self._stream = stream
        self._scope = current()  # the function's it was handed to, or None
        self._closed = False

    def close(self) -> None:
        if self._scope is not None:
            self._closed = True
        else:
            self._stream.target.buffer.close()

    @property
    def closed(self) -> bool:
        return self._closed if self._scope is not None else bool(self._stream.target.buffer.closed)

    def detach(self) -> Any:
        if self._scope is not None:
            raise io.UnsupportedOperation("detach")
        return self._stream.target.buffer.detach()  # type: ignore[attr-defined]

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to closed file")
        scope = current()
        if scope is None or scope.sink is None:
            written: int = self._stream.target.buffer.write(data)
            return written
        self._stream.write(bytes(data).decode("utf-8", "replace"))
        return len(data)

    def flush(self) -> None:
        if self._scope is None:  # a function's bytes reach its log as written: nothing of the process's to flush
            self._stream.flush()

    def __getattr__(self, name: str) -> Any:
        if name == "raw" and self._scope is not None:  # the process's own file
            raise AttributeError(name)
        return getattr(self._stream.target.buffer, name)


def call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    """Logger.callHandlers for environment threads: records also go to the invocation's log, as Lambda's do."""
    scope = current()
    if scope is None:
        CALL_HANDLERS.call_on(self, record)
        return
    # An environment's root handlers are its own (see ScopedRoot), the runtime's first; the process's come after,
    # as the function's records reach them too (pytest's caplog), but are not the function's: as on AWS, logging's
    # lastResort speaks when none of the function's own handlers took the record.
    found = 0
    logger: Optional[logging.Logger] = self
    while logger is not None:
        handlers = logger.handlers
        if logger is logging.root:  # not a Logger made outside the hierarchy, which has no parent either
            handlers = [*scope.root_handlers, *vars(logger).get("handlers", ())]  # its own, then the process's
            found += len(scope.root_handlers)
        else:
            found += len(handlers)
        for handler in handlers:
            if record.levelno >= handler.level:
                handler.handle(record)
        if not logger.propagate:
            break
        logger = logger.parent
    last_resort = logging.lastResort
    if not found and last_resort is not None and record.levelno >= last_resort.level:
        last_resort.handle(record)


# The Python runtime's Text format (awslambdaric bootstrap.py, _setup_logging), for code that reads the runtime's
# formatter; the lines themselves are logs.record_line's, which also names the function's files as Lambda does.
_TEXT_FORMAT = "[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n"


class RuntimeFormatter(logging.Formatter):
    """The formatter the runtime gives its handler: Lambda's Text line, or its JSON document."""

    def __init__(self, scope: Scope) -> None:
        if scope.logging.json:
            super().__init__(datefmt="%Y-%m-%dT%H:%M:%SZ")
        else:
            super().__init__(_TEXT_FORMAT, "%Y-%m-%dT%H:%M:%S")
        self.converter = time.gmtime  # the runtime's
        self._scope = scope

    def line(self, record: logging.LogRecord) -> Line:
        """The record as the log's event (see logs.record_line)."""
        scope = self._scope
        return record_line(record, scope.request_id, scope.logging, scope.tenant, scope.places)

    def format(self, record: logging.LogRecord) -> str:
        return self.line(record).text


# AWS Lambda Powertools' Logger configures its service's named logger once, marks it configured, and gives the root
# logger's handlers a SuppressFilter for that service, so that the records its own handler writes are not written
# twice. On AWS each environment's process does so afresh; here named loggers are the test process's, configured
# once, so the runtime's handler of every environment leaves out what the handler of such a logger writes.
_SUPPRESSING = ("aws_lambda_powertools.logging.filters", "SuppressFilter")
_suppressed: Set[str] = set()


def _written_by_powertools(name: object) -> bool:
    """Whether a record of the logger ``name`` reached the handler of a logger Powertools configured."""
    loggers = logging.Logger.manager.loggerDict  # read without logging's lock, which a handler's may not wait for
    for service in tuple(_suppressed):
        if isinstance(name, str) and (name == service or name.startswith(service + ".")):
            logger = loggers.get(service)
            if isinstance(logger, logging.Logger) and logger.handlers:
                return True
    return False


class LambdaLoggerFilter(logging.Filter):
    """The runtime's filter: it names the invocation (and tenant) on each record, for any handler's format (and
    leaves out what Powertools wrote already, see _suppressed)."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self._scope = scope

    def filter(self, record: logging.LogRecord) -> bool:
        record.aws_request_id = self._scope.request_id
        record.tenant_id = self._scope.tenant
        return not (_suppressed and _written_by_powertools(record.name))


class LambdaLoggerHandler(logging.Handler):
    """The Python runtime's handler on the root logger, one per environment: a record goes to the invocation's log,
    as its formatter (the runtime's, or one the function's code set) writes it."""

    def __init__(self, scope: Scope) -> None:
        super().__init__()
        self._scope = scope
        self.setFormatter(RuntimeFormatter(scope))
        self.addFilter(LambdaLoggerFilter(scope))

    def addFilter(self, filter: Any) -> None:
        super().addFilter(filter)
        service = getattr(filter, "logger", None)
        if (type(filter).__module__, type(filter).__qualname__) == _SUPPRESSING and isinstance(service, str):
            _suppressed.add(service)

    def emit(self, record: logging.LogRecord) -> None:
        sink = self._scope.sink
        if sink is not None:
            formatter = self.formatter
            if isinstance(formatter, RuntimeFormatter):
                line = formatter.line(record)
            else:
                line = Line(self.format(record), record.levelno, record.created)
            if not line.text.isascii():
                # The runtime writes the line to its log as UTF-8, strictly: a lone surrogate fails the logging call.
                line.text.encode("utf-8")
            sink.append(line)


class ScopedRoot(logging.RootLogger):
    """The root logger while the mock runs, as in a process of each environment's own for its threads: its handlers
    are the environment's (the runtime's, which it adds before it imports the function, and what the code adds,
    removes or configures with logging.basicConfig), and so is its level once it has one (the runtime sets it from
    a JSON function's ApplicationLogLevel, and the function's code may set it); every other thread sees the test
    process's."""

    _unscoped: type = logging.RootLogger  # the class it is of without the mock

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
        if scope is None:
            self.__dict__["level"] = value
            return
        own_levels()  # first: a thread of its that reads levels from now on does not fill logging's shared cache
        scope.root_level = value

    @property  # Logger's attribute, served per environment
    def handlers(self) -> List[logging.Handler]:
        scope = current()
        found: List[logging.Handler] = self.__dict__["handlers"] if scope is None else scope.root_handlers
        return found

    @handlers.setter
    def handlers(self, value: List[logging.Handler]) -> None:
        scope = current()
        if scope is None:
            self.__dict__["handlers"] = value
        else:
            scope.root_handlers = value  # ``root.handlers = []``: the runtime's handler goes, as on AWS


def scope_root() -> None:
    """Make the root logger a ScopedRoot, of the kind it is (a tool may have given it a subclass of its own)."""
    root, kind = logging.root, type(logging.root)
    if isinstance(root, logging.RootLogger) and not isinstance(root, ScopedRoot):
        root.__class__ = ScopedRoot if kind is logging.RootLogger else type(kind.__name__, (ScopedRoot, kind),
                                                                           {"_unscoped": kind})


def unscope_root() -> None:
    """Give the root logger its class back."""
    root = logging.root
    if isinstance(root, ScopedRoot):
        root.__class__ = type(root)._unscoped


def own_levels() -> None:
    """Have isEnabledFor read an environment's own root level from now on (left alone until one has its own, so
    that other tests' logging calls keep their speed); not once the mock has let go of the root logger."""
    if isinstance(logging.root, ScopedRoot):
        IS_ENABLED_FOR.install()


def is_enabled_for(self: logging.Logger, level: int) -> bool:
    """Logger.isEnabledFor once an environment's root logger may have a level of its own: its threads read the
    root's level as they see it (see ScopedRoot) and leave logging's cache, which the test process's threads share,
    alone."""
    if current() is None:
        return IS_ENABLED_FOR.call_on(self, level)
    if self.disabled or self.manager.disable >= level:
        return False
    return level >= self.getEffectiveLevel()


CALL_HANDLERS = Swap(logging.Logger, "callHandlers", call_handlers)
IS_ENABLED_FOR = Swap(logging.Logger, "isEnabledFor", is_enabled_for)
