"""What the runtime is asked to run (FunctionSpec), what one invocation gives back, whose threads and credentials it
uses."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Mapping, Optional, Protocol, Tuple

from lambdamock.runtime import workdir


class Threads(Protocol):
    """How the runtime starts threads: supplied by the mock that owns them, which counts them until they end."""

    def spawn(self, target: Callable[[], None], name: str) -> threading.Thread:
        """Start a daemon thread running ``target``."""

    def adopt(self) -> None:
        """Count a thread that code running in an environment is about to start."""

    def adopted(self, target: Callable[[], None]) -> None:
        """Run ``target`` on an adopted thread, which stops counting when it returns."""


class OwnThread(threading.Thread):
    """A thread lambdamock starts for itself (an environment, a worker pool, a poller, a server): never one of a
    function's, even when a handler's call is what starts it (see hooks._start_thread), nor in its directory."""

    def run(self) -> None:
        workdir.leave()
        super().run()


class DaemonThreads:
    """Threads for a runtime that belongs to no mock: plain daemon threads, counted by nobody."""

    def spawn(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = OwnThread(target=target, name=name, daemon=True)
        thread.start()
        return thread

    def adopt(self) -> None:
        """Nothing counts threads here."""

    def adopted(self, target: Callable[[], None]) -> None:
        target()


@dataclass(frozen=True)
class LayerSpec:
    """One layer version's zip, as the function references it."""

    code: bytes
    code_sha256: str


@dataclass(frozen=True)
class LogSettings:
    """A version's LoggingConfig as the runtime applies it: the format, the levels kept, the log group."""

    format: str = "Text"
    """``Text`` or ``JSON``."""
    application_level: Optional[str] = None
    """With JSON: TRACE, DEBUG, INFO, WARN, ERROR or FATAL; the function's own logs below it are dropped."""
    system_level: Optional[str] = None
    """With JSON: DEBUG, INFO or WARN; Lambda's own records below it are dropped."""
    group: Optional[str] = None
    """The log group; None for ``/aws/lambda/<function name>``."""

    @property
    def json(self) -> bool:
        return self.format == "JSON"


@dataclass(frozen=True)
class FunctionSpec:
    """One function version as the runtime needs it; config_key changes with code or configuration."""

    function_name: str
    function_arn: str
    version: str
    handler: str
    runtime: str
    code: bytes
    code_sha256: str
    timeout: int
    memory_size: int
    environment: Mapping[str, str]
    region: str
    account_id: str
    config_key: str
    # Code in place (hot reload): this directory itself is the task root, read at every invocation.
    code_dir: Optional[str] = None
    # Merged in this order over one another, as Lambda merges them into /opt.
    layers: Tuple[LayerSpec, ...] = ()
    logging: LogSettings = LogSettings()
    # What INIT_START names (see Version.runtime_version_arn).
    runtime_version_arn: str = ""
    # A version SnapStart optimises: its environments start as restored ones (init type snap-start).
    snap_start: bool = False
    # A durable function's version (DurableConfig), which only Lambda's durable execution service can run.
    durable: bool = False
    # TracingConfig Active: Lambda samples the requests that bring no sampling decision (see ids.Sampler).
    active_tracing: bool = False
    # The execution role, whose credentials an environment is given where the mock can issue them.
    role: str = ""

    @property
    def runnable(self) -> bool:
        """Whether lambdamock can run it: a Python handler, outside a durable execution."""
        return self.runtime.startswith("python3") and not self.durable


def no_credentials(spec: FunctionSpec, held: Mapping[str, str]) -> Mapping[str, str]:
    """An environment's credential variables where nothing issues them: none (the test process's own apply)."""
    return {}


# The credential variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) of an environment of
# ``spec``, as its execution role's session: ``held``, those of an environment made before, while still good (else
# that environment is retired: an environment keeps its keys for life). Supplied by the mock that runs it.
Credentials = Callable[[FunctionSpec, Mapping[str, str]], Mapping[str, str]]


@dataclass(frozen=True)
class InvocationResult:
    """The outcome of one invocation, as the Invoke API reports it."""

    request_id: str
    """The invocation's request ID, as in its logs."""
    payload: bytes
    """The response payload: the handler's result, or the error, as JSON."""
    function_error: Optional[str]
    """``Unhandled`` when the invocation failed, else None."""
    log: str
    """The whole log, from ``START`` to ``REPORT``, as ``LogType=Tail`` returns its end."""
    duration_ms: float
    """How long the handler ran."""
    init_duration_ms: Optional[float]
    """How long the cold start's initialisation took; None when warm."""
    cold: bool
    """True when a new execution environment was initialised for this invocation."""
    timed_out: bool
    """True when the handler outlived the function's timeout."""
    log_stream: str = ""
    """The log stream of the execution environment that ran it (``YYYY/MM/DD/[version]<id>``)."""
    log_events: Tuple[Tuple[int, str], ...] = ()
    """The log as CloudWatch Logs receives it: one (milliseconds since the epoch, message) per event."""
    stopped: Optional[str] = None
    """Why Lambda did not run the handler at all: ``RecursiveInvocationException`` (a recursive loop),
    ``SnapStartException`` or ``SnapStartTimeoutException`` (a SnapStart restore that failed); else None."""
