"""How a runtime's process ends: the exit status and output of sys.exit, and of an exception nothing caught."""

from __future__ import annotations

import signal

from lambdamock._bound import Abandoned
from lambdamock.runtime import scope as scopes
from lambdamock.runtime import signals
from lambdamock.runtime.calls import Outcome
from lambdamock.runtime.payloads import uncaught_report


def exited(outcome: Outcome, error: SystemExit) -> None:
    """The runtime's process ends with sys.exit's code: a number's low byte, as a parent reads it (Python gives 255 for
    one beyond a C long), 0 for None; anything else Python prints to stderr, then ends with status 1."""
    code = error.code
    if code is None:
        outcome.exit_status = 0
    elif isinstance(code, int):
        outcome.exit_status = code & 0xFF if -(2**63) <= code < 2**63 else 255
    else:
        try:
            outcome.output.append(f"{code}\n")
        except (Abandoned, signals.ProcessEnded):
            raise
        except BaseException:  # whatever str() of it raises, Python prints an empty line: no line of the log
            pass
        outcome.exit_status = 1


def uncaught(outcome: Outcome, error: BaseException, scope: scopes.Scope) -> None:
    """The runtime's process ends on an exception nothing caught: Python prints it, and ends with status 1, or, for
    KeyboardInterrupt, by its own SIGINT (Python 3.8 and later); or the function ended the process itself."""
    if isinstance(error, signals.ProcessEnded):
        if outcome.payload is None:  # it ended before the runtime posted the answer, which stands otherwise
            outcome.exit_status = 1 if scope.ended is None else scope.ended
        return
    outcome.output.append(uncaught_report(error, scope.places))
    outcome.exit_status = -signal.SIGINT if isinstance(error, KeyboardInterrupt) else 1
