"""An invocation's log as Lambda writes it: its events, in Text or JSON format, filtered by level, and its Tail text."""

from __future__ import annotations

import json
import logging
import math
import re
import time
import traceback
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from lambdamock.runtime.payloads import Places, keeps_unicode, placed
from lambdamock.runtime.spec import FunctionSpec, LogSettings

# Lambda's levels, most detailed first; a record's Python level is rounded down to tens (the runtime's rule).
APPLICATION_LEVELS = {"TRACE": 0, "DEBUG": 10, "INFO": 20, "WARN": 30, "ERROR": 40, "FATAL": 50}
SYSTEM_LEVELS = {"DEBUG": 10, "INFO": 20, "WARN": 30}
DEBUG, INFO, ERROR = 10, 20, 40
# No per-environment memory can be measured in one process: report a typical small Python figure.
MEMORY_USED_MB = 40
_INDENT = "\u00a0"  # the runtime indents traceback lines of its error reports with no-break spaces
_TEXT = logging.Formatter()


class Line:
    """One log event the runtime wrote whole (a logging record, an error report, context.log): text, level, time."""

    __slots__ = ("level", "text", "time")

    def __init__(self, text: str, level: int, stamp: Optional[float] = None) -> None:
        self.text = text
        self.level = level
        self.time = time.time() if stamp is None else stamp


# What an invocation wrote: text from stdout and stderr (an event per line), and whole Lines.
Entry = Union[str, Line]
Event = Tuple[int, str]  # a CloudWatch Logs event: milliseconds since the epoch, message
# A timestamp Lambda's log-level filtering takes (RFC 3339).
_RFC_3339 = re.compile(r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)")
# Lone surrogates that stand for no byte (surrogateescape gives U+DC80..U+DCFF to bytes that are not UTF-8).
_NOT_A_BYTE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


def log_bytes(text: str) -> bytes:
    """A log's text as the bytes the runtime wrote: a byte that is not UTF-8, which print() passes on as a lone
    surrogate (the runtime's streams escape them), is that byte again; any other lone surrogate is U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return _NOT_A_BYTE.sub("\ufffd", text).encode("utf-8", "surrogateescape")


def text_of(entries: Sequence[Entry]) -> str:
    """What was written, as one text."""
    return "".join(entry if isinstance(entry, str) else _terminated(entry.text) for entry in entries)


def _terminated(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def application_level(settings: LogSettings) -> Optional[int]:
    """The lowest application level kept (JSON only; Text keeps all), as a Python level."""
    return APPLICATION_LEVELS.get(settings.application_level or "INFO", INFO) if settings.json else None


def variable_level(value: Optional[str]) -> Optional[int]:
    """The root logger's level the runtime sets from AWS_LAMBDA_LOG_LEVEL, whatever the format; None for none.

    awslambdaric: lambda_runtime_log_utils.py, _get_log_level_from_env_var (TRACE is DEBUG, upper-cased), and
    bootstrap.py, _setup_logging (``logger.setLevel`` when the name is one of logging's).
    """
    name = {None: "", "TRACE": "DEBUG"}.get(value, value or "").upper()
    level = logging.getLevelName(name) if name else None
    return level if isinstance(level, int) else None


def _formatted(record: logging.LogRecord, line: str, places: Places) -> str:
    """What logging.Formatter.format() makes of the record, ``line`` being its format's result: the traceback and
    stack after it, on a line of their own, naming the function's files as Lambda has them (``/var/task/app.py``);
    unlike format(), it caches nothing on the record, which the test's handlers share."""
    exception = _TEXT.formatException(record.exc_info) if record.exc_info else record.exc_text
    for extra in (exception, record.stack_info and _TEXT.formatStack(record.stack_info)):
        if extra:
            line += ("" if line.endswith("\n") else "\n") + placed(extra, places)
    return line


def record_line(record: logging.LogRecord, request_id: str, settings: LogSettings,
                tenant: Optional[str] = None, places: Places = ()) -> Line:
    """A logging record as the Python runtime's handler on the root logger writes it (JSON names the tenant); the
    files of ``places`` are named as Lambda names them."""
    if not settings.json:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        # The runtime's format ends with a newline; a traceback goes after it, and ends the event without one.
        line = f"[{record.levelname}]\t{stamp}.{int(record.msecs):03d}Z\t{request_id}\t{record.getMessage()}\n"
        return Line(_formatted(record, line, places), record.levelno, record.created)
    level = min(50, max(0, record.levelno)) // 10 * 10
    info = record.exc_info
    document: Dict[str, Any] = {
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
        "level": logging.getLevelName(level),
        "message": record.getMessage(),
        "logger": record.name,
        "stackTrace": [placed(line, places) for line in traceback.format_tb(info[2])] if info else None,
        "errorType": info[0].__name__ if info and info[0] else None,
        "errorMessage": str(info[1]) if info else None,
        "requestId": request_id,
        "location": placed(f"{record.pathname}:{record.funcName}:{record.lineno}", places) if info else None,
    }
    if tenant is not None:  # the runtime adds it only for a tenant: else the code's own extra tenantId comes through
        document["tenantId"] = tenant
    # Whatever the code passed as ``extra=`` comes along, after the runtime's own keys.
    document.update((key, value) for key, value in vars(record).items()
                    if key not in _RECORD_FIELDS and key not in document)
    kept = {key: value for key, value in document.items() if value is not None}
    return Line(json.dumps(kept, ensure_ascii=False, default=str) + "\n", level, record.created)


# A record's own fields, and those the runtime's filter adds (awslambdaric's JsonFormatter leaves them out too).
_RECORD_FIELDS = (frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None)))
                  | {"message", "asctime", "aws_request_id", "tenant_id"})


def error_line(document: Dict[str, Any], settings: LogSettings, runtime: str) -> Line:
    """The runtime's report of an error object (an unhandled exception, an init failure): one event."""
    if settings.json:
        # Encoded as the runtime encodes the error it posts (bootstrap.log_error's to_json): non-ASCII escaped
        # before python3.12.
        shown = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "log_level": "ERROR", **document}
        return Line(json.dumps(shown, ensure_ascii=not keeps_unicode(runtime)), ERROR)
    head = "[ERROR]"
    if document["errorType"]:
        head += f" {document['errorType']}"
    if document["errorMessage"]:
        head += (":" if document["errorType"] else "") + f" {document['errorMessage']}"
    lines = [head, "Traceback (most recent call last):"]
    for element in document["stackTrace"]:
        for line in element.splitlines() or [""]:
            stripped = line.lstrip(" ")
            lines.append(_INDENT * (len(line) - len(stripped)) + stripped)
    # One event, without a final newline (recorded: test_invocation_type_event_error).
    return Line("\n".join(lines), ERROR)


def _stream_level(line: str) -> int:
    # Printed JSON with a "level" and an RFC 3339 "timestamp" is filtered at that level; anything else counts as
    # INFO ("If you don't supply a valid timestamp, Lambda will assign the log the level INFO": AWS's log-level
    # filtering guide).
    if line.startswith("{"):
        try:
            found = json.loads(line)
        except ValueError:
            return INFO
        if (isinstance(found, dict) and isinstance(found.get("level"), str)
                and isinstance(found.get("timestamp"), str) and _RFC_3339.fullmatch(found["timestamp"])):
            return APPLICATION_LEVELS.get(found["level"].upper(), INFO)
    return INFO


def _iso(stamp: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(stamp)) + f".{int(stamp * 1000) % 1000:03d}Z"


class Log:
    """The events of one invocation, in order, and the text LogType=Tail shows of them."""

    def __init__(self, spec: FunctionSpec, request_id: str, tenant: Optional[str] = None) -> None:
        self.spec = spec
        self.request_id = request_id
        # Named by the start and report records of a tenant-isolated function's invocations (JSON).
        self._tenant = {"tenantId": tenant} if tenant is not None else {}
        settings = spec.logging
        self._json = settings.json
        self._application = application_level(settings)
        self._system = SYSTEM_LEVELS.get(settings.system_level or "INFO", INFO) if settings.json else None
        self._events: List[Tuple[int, str, bool]] = []  # (ms, message, shown in the Tail)
        self._restored = False  # a SnapStart environment's first invocation: its init is a restore

    @property
    def events(self) -> Tuple[Event, ...]:
        """What Lambda sends to CloudWatch Logs."""
        return tuple((stamp, message) for stamp, message, _ in self._events)

    @property
    def text(self) -> str:
        """The log as ``LogType=Tail`` returns it (before it is cut to its last 4 KB)."""
        return "".join(_terminated(message) for _, message, shown in self._events if shown)

    def _add(self, stamp: float, message: str, shown: bool = True) -> None:
        self._events.append((int(stamp * 1000), message, shown))

    def _platform(self, stamp: float, level: int, kind: str, record: Dict[str, Any], shown: bool = True) -> None:
        if self._system is not None and level >= self._system:
            # Lambda writes its own records compactly (unlike the runtime's, which the json module spaces).
            self._add(stamp, json.dumps({"time": _iso(stamp), "type": f"platform.{kind}", "record": record},
                                        separators=(",", ":")), shown)

    def output(self, entries: Sequence[Entry], since: float) -> None:
        """What the code wrote: each line of stdout and stderr but empty ones, each whole Line, as one event, minus
        filtered ones."""
        pending = ""
        stamp = since
        for entry in entries:
            if isinstance(entry, str):
                pending += entry
                *lines, pending = pending.split("\n")
                # An empty line is no event (recorded: test_lambda_runtimes TestCloudwatchLogs::test_multi_line_prints).
                for line in filter(None, lines):
                    self._output(stamp, line + "\n", _stream_level(line) if self._application else INFO)
                continue
            if pending:
                self._output(stamp, pending, _stream_level(pending) if self._application else INFO)
                pending = ""
            stamp = max(stamp, entry.time)
            self._output(stamp, entry.text, entry.level)
        if pending:
            self._output(stamp, pending, _stream_level(pending) if self._application else INFO)

    def _output(self, stamp: float, message: str, level: int) -> None:
        if self._application is None or level >= self._application:
            self._add(stamp, message)

    def init_start(self, stamp: float, init_type: str, environment_id: str) -> None:
        """A new environment: Lambda names the runtime version it starts, or restores (not shown in the Tail, in
        either log format: the Text one is recorded without it, and both render the same platform event)."""
        self._restored = init_type == "snap-start"
        spec = self.spec
        # A stand-in release number, of the two digits AWS's have by now (LocalStack test_lambda_runtimes.py,
        # test_multi_line_prints, reads them as "\.v\d{2}").
        version = spec.runtime.replace("python", "python:") + ".v40"
        arn = spec.runtime_version_arn
        if self._json and self._restored:
            self._platform(stamp, INFO, "restoreStart", {
                "runtimeVersion": version, "runtimeVersionArn": arn, "functionName": spec.function_name,
                "functionVersion": spec.version}, shown=False)
        elif self._json:
            # The environment, and its memory in bytes, as a 2026 capture of AWS's record names them.
            instance = f"{time.strftime('%Y/%m/%d', time.gmtime(stamp))}/{spec.function_name}[{spec.version}]{environment_id}"
            self._platform(stamp, INFO, "initStart", {
                "initializationType": init_type, "phase": "init", "runtimeVersion": version,
                "runtimeVersionArn": arn, "functionName": spec.function_name, "functionVersion": spec.version,
                "instanceId": instance, "instanceMaxMemory": spec.memory_size * 1024 * 1024}, shown=False)
        else:
            phase = "RESTORE_START" if self._restored else "INIT_START"
            self._add(stamp, f"{phase} Runtime Version: {version}\tRuntime Version ARN: {arn}\n", shown=False)

    def init_end(self, stamp: float, init_type: str, duration_ms: float, error_type: Optional[str],
                 phase: str = "init", timed_out: bool = False) -> None:
        """Init finished: its report, which Lambda writes as a line only when init failed or ``timed_out``; a
        restore's, always. ``phase`` is "invoke" for an init Lambda ran again in the invocation, after one that
        failed."""
        status = "timeout" if timed_out else "success" if error_type is None else "error"
        error = {"errorType": error_type} if error_type else {}
        if self._restored:
            # AWS's SnapStart monitoring guide: platform.restoreRuntimeDone and platform.restoreReport, and the
            # line that reads "RESTORE_REPORT Restore Duration: ... ms", with a status only when it failed (the
            # lifecycle guide's "Status: timeout" and "Status: error\tError Type: ..." examples).
            if self._json:
                self._platform(stamp, DEBUG, "restoreRuntimeDone", {"status": status, **error})
                self._platform(stamp, INFO, "restoreReport", {
                    "status": status, **error, "metrics": {"durationMs": round(duration_ms, 3)}})
                return
            failure = "" if status == "success" else f"\tStatus: {status}" + (
                f"\tError Type: {error_type}" if error_type else "")
            self._add(stamp, f"RESTORE_REPORT Restore Duration: {duration_ms:.2f} ms{failure}\n")
        elif self._json:
            self._platform(stamp, DEBUG, "initRuntimeDone", {
                "initializationType": init_type, "phase": phase, "status": status, **error})
            self._platform(stamp, DEBUG if status == "success" else INFO, "initReport", {
                "initializationType": init_type, "phase": phase, "status": status, **error,
                "metrics": {"durationMs": round(duration_ms, 3)}})
        elif status != "success":
            failure = f"\tError Type: {error_type}" if error_type else ""
            self._add(stamp, f"INIT_REPORT Init Duration: {duration_ms:.2f} ms\tPhase: {phase}\tStatus: {status}"
                             f"{failure}\n")

    def start(self, stamp: float) -> None:
        if self._json:
            self._platform(stamp, INFO, "start", {"requestId": self.request_id, "functionArn": self.spec.function_arn,
                                                  "version": self.spec.version, **self._tenant})
        else:
            self._add(stamp, f"START RequestId: {self.request_id} Version: {self.spec.version}\n")

    def end(self, stamp: float, duration_ms: float, init_ms: Optional[float], status: str = "success",
            error_type: Optional[str] = None, produced: int = 0) -> None:
        """The invocation ended: END and REPORT (Text), or runtimeDone and report records (JSON)."""
        spec = self.spec
        # Since August 2025 a cold start's init is billed with its invocation (AWS's "Lambda standardizes billing
        # for INIT phase"): REPORT lines show Billed Duration = Duration + Init Duration, rounded up. A restore is
        # billed on its own line.
        billed = max(1, math.ceil(duration_ms + (init_ms if init_ms is not None and not self._restored else 0.0)))
        if self._json:
            error = {"errorType": error_type} if error_type else {}
            self._platform(stamp, DEBUG, "runtimeDone", {
                "requestId": self.request_id, "status": status, **error,
                "metrics": {"durationMs": round(duration_ms, 3), "producedBytes": produced}})
            metrics: Dict[str, Any] = {"durationMs": round(duration_ms, 3), "billedDurationMs": billed,
                                       "memorySizeMB": spec.memory_size,
                                       "maxMemoryUsedMB": min(spec.memory_size, MEMORY_USED_MB)}
            if init_ms is not None:
                metrics["restoreDurationMs" if self._restored else "initDurationMs"] = round(init_ms, 3)
            self._platform(stamp, INFO, "report", {"requestId": self.request_id, "metrics": metrics,
                                                   "status": status, **error, **self._tenant})
            return
        line = (f"REPORT RequestId: {self.request_id}\tDuration: {duration_ms:.2f} ms\tBilled Duration: {billed} ms"
                f"\tMemory Size: {spec.memory_size} MB\tMax Memory Used: {min(spec.memory_size, MEMORY_USED_MB)} MB")
        if init_ms is not None and self._restored:
            # For SnapStart, "the REPORT includes the Restore Duration and Billed Restore Duration fields" and no
            # Init Duration (AWS's SnapStart monitoring guide). The whole restore is the hooks' here: all billed.
            line += f"\tRestore Duration: {init_ms:.2f} ms\tBilled Restore Duration: {math.ceil(init_ms)} ms"
        elif init_ms is not None:
            line += f"\tInit Duration: {init_ms:.2f} ms"
        # AWS ends a plain REPORT with a tab (test_invocation_with_logs); how it ends one with a
        # Status is not recorded, so those stay without.
        if status == "timeout":
            line += "\tStatus: timeout"
        elif status != "success":
            line += f"\tStatus: {status}\tError Type: {error_type}"
        else:
            line += "\t"
        self._add(stamp, f"END RequestId: {self.request_id}\n")
        self._add(stamp, line + "\n")
