"""What one execution environment's threads see (its Scope), and which scope the calling thread acts in."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Dict, List, Optional, Set, cast

from lambdamock.runtime.spec import Threads

if TYPE_CHECKING:
    from lambdamock.runtime.modules import Namespace


class Scope:
    """What one execution environment's threads see: its variables, its log sink, its modules."""

    __slots__ = (
        "abandoned", "closed", "namespace", "overlay", "removed", "request_id", "sink", "threads", "worker",
    )

    def __init__(self, overlay: Dict[str, str], namespace: Namespace, threads: Threads) -> None:
        self.overlay = overlay
        # Keys the handler deleted; the process value must stay hidden from this environment.
        self.removed: Set[str] = set()
        # Text written by the current invocation (or init); None while the environment is idle.
        self.sink: Optional[List[str]] = None
        # The process's streams this invocation closed (sys.stdout.close()): closed for it alone, until it ends.
        self.closed: Set[object] = set()
        self.request_id = ""
        self.namespace = namespace  # its module table: imports, reloads and sys.modules lookups go there
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
