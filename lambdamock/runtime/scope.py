"""What one execution environment's threads see: its Scope (lambdamock._bound says which one a thread acts in)."""

from __future__ import annotations

import threading
import weakref
from logging import Handler
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Set, Tuple

from lambdamock.runtime.logs import DEBUG, Entry, application_level
from lambdamock.runtime.payloads import Places
from lambdamock.runtime.spec import LogSettings, Threads
from lambdamock.runtime.streams import LambdaLoggerHandler

if TYPE_CHECKING:
    from lambdamock.runtime.modules import Namespace


# How many calls' steps a scope keeps before it lets go of those that ended.
_KEPT_CALLS = 64


class Scope:
    """What one execution environment's threads see: its variables, its log sink, its modules."""

    __slots__ = (
        "abandoned", "calls", "calls_lock", "closed", "ended", "interrupt_lock", "interruptible", "logging",
        "namespace", "overlay", "places", "removed", "request_id", "root_handlers", "root_level", "signal_handlers",
        "sink", "tenant", "threads", "wake", "worker",
    )

    def __init__(self, overlay: Dict[str, str], namespace: Namespace, threads: Threads,
                 logging: Optional[LogSettings] = None, places: Places = ()) -> None:
        self.overlay = overlay
        self.places = places  # where its code is here and on Lambda, for the tracebacks its log shows
        # Keys the handler deleted; the process value must stay hidden from this environment.
        self.removed: Set[str] = set()
        # Text written by the current invocation (or init); None while the environment is idle.
        self.sink: Optional[List[Entry]] = None
        # How its log is written; with JSON, the root logger's level is the application log level
        # (TRACE is DEBUG to Python), as the runtime sets it.
        self.logging = logging or LogSettings()
        level = application_level(self.logging)
        self.root_level = None if level is None else max(level, DEBUG)
        # The process's streams this invocation closed (sys.stdout.close()): closed for it alone, until it ends.
        self.closed: Set[object] = set()
        self.request_id = ""
        # The tenant of the current invocation (tenant isolation mode), which JSON logs name; None during init.
        self.tenant: Optional[str] = None
        self.namespace = namespace  # its module table: imports, reloads and sys.modules lookups go there
        # Set when the environment is given up on; ``wake`` then too, and when an exception is raised in its worker
        # from another thread: its worker's sleep ends at once (see hooks._sleep).
        self.abandoned = threading.Event()
        self.wake = threading.Event()
        # The steps of the calls to Lambda its code made, while they live, each with what to hand them to should they
        # run on without it (see lambdamock._dispatch).
        self.calls: List[Tuple[weakref.ref[Any], Callable[[Any], None]]] = []
        self.calls_lock = threading.Lock()
        # Who counts the threads its code starts, and the ident of the environment's own thread.
        self.threads = threads
        self.worker: Optional[int] = None
        # How its runtime's process ended, when its code ended it (see runtime.signals): an exit status, or minus a
        # signal.
        self.ended: Optional[int] = None
        # Whether its handler's code runs on the worker now, so that another of its threads may interrupt it (see
        # runtime.signals); changed and read under the lock.
        self.interruptible = False
        self.interrupt_lock = threading.Lock()
        # The signal handlers its code set (signal.signal), by signal number (see runtime.signals).
        self.signal_handlers: Dict[int, Any] = {}
        # The handlers on its root logger: the runtime's, until its code removes it, and those its code adds.
        self.root_handlers: List[Handler] = [LambdaLoggerHandler(self)]

    def abandon(self) -> None:
        """Give the environment up: its sleeps end, and the calls its code still waits on run on without it."""
        self.abandoned.set()
        self.wake.set()
        for ref, hand_over in list(self.calls):
            steps = ref()
            # Not ended (one read of its frame, which another thread may end meanwhile). Steps never begun are
            # handed over too: nothing will run them, and they are collected as their caller's frame goes.
            if steps is not None and steps.gi_frame is not None:
                hand_over(steps)

    def called(self, steps: Any, hand_over: Callable[[Any], None]) -> None:
        """Keep the steps of a call to Lambda its code makes, for ``hand_over`` should it run on without it.

        Weakly, with no callback: little runs on its code's threads, which the timeout's asynchronous exception may
        interrupt anywhere (once it is given up on, their calls stop before they get here).
        """
        with self.calls_lock:  # the environment's threads call at once; abandon() reads a copy, without it
            if len(self.calls) >= _KEPT_CALLS:
                self.calls[:] = [entry for entry in self.calls if entry[0]() is not None]
            self.calls.append((weakref.ref(steps), hand_over))
