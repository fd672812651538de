"""One request handed to an execution environment, and what its run (or init) produced."""

from __future__ import annotations

import time
from typing import Any, List, Mapping, Optional

from lambdamock.runtime.cores import Meeting
from lambdamock.runtime.logs import Entry
from lambdamock.runtime.waits import Signal


class Outcome:
    """What the worker reports for one invocation (or for init, when `payload` stays None)."""

    __slots__ = ("duration_ms", "exit_status", "function_error", "output", "payload", "started")

    def __init__(self) -> None:
        self.payload: Optional[bytes] = None
        self.function_error: Optional[str] = None
        self.output: List[Entry] = []
        self.started = time.time()  # wall clock, for the log's timestamps
        self.duration_ms = 0.0
        # Set when the code ended the runtime (sys.exit and the like): Lambda reports an ExitError. Negative: the
        # process ended by that signal.
        self.exit_status: Optional[int] = None


class Call:
    """One request handed to the worker; `done` is set once `outcome` is complete."""

    __slots__ = (
        "client_context",
        "deadline",
        "done",
        "finished",
        "invoked_function_arn",
        "meeting",
        "outcome",
        "payload",
        "request_id",
    )

    def __init__(
        self,
        request_id: str,
        payload: bytes,
        invoked_function_arn: str,
        client_context: Optional[Mapping[str, Any]],
        deadline: float,
    ) -> None:
        self.request_id = request_id
        self.payload = payload
        self.invoked_function_arn = invoked_function_arn
        self.client_context = client_context
        self.deadline = deadline
        self.done = Signal()
        # Created here so the caller can read what was logged so far if the call times out.
        self.outcome = Outcome()
        self.finished = False
        # Its hand-offs, when they keep to one core (see runtime.cores).
        self.meeting: Optional[Meeting] = None

    def taken(self) -> None:
        """The worker took it, and runs it now."""
        if self.meeting is not None:
            self.meeting.arrived()

    def answered(self) -> None:
        """The worker is done with it: ``outcome`` is complete."""
        self.finished = True
        if self.meeting is not None:
            self.meeting.answering()
        self.done.set()
