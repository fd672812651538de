"""What the runtime's process prints as it ends on an exception: Python's own report of it, chain and all."""

from __future__ import annotations

import json
import re
import traceback
from typing import Callable

import pytest

from lambdamock.runtime import Runtime
from lambdamock.runtime.payloads import uncaught_report
from tests.runtime.conftest import invoke, make_spec


def _cause() -> None:
    try:
        raise KeyError("first")
    except KeyError as error:
        raise ValueError("second") from error


def _context() -> None:
    try:
        raise KeyError("first")
    except KeyError:
        raise ValueError("second")  # noqa: B904


def _suppressed() -> None:
    try:
        raise KeyError("first")
    except KeyError:
        raise ValueError("second") from None


def _chain() -> None:
    try:
        _cause()
    except ValueError:
        _context()


def _circle() -> None:
    first, second = KeyError("first"), ValueError("second")
    first.__cause__ = second
    raise second from first  # each the other's cause: Python reports each once


@pytest.mark.parametrize("raising", [_cause, _context, _suppressed, _chain, _circle])
def test_an_uncaught_exception_is_reported_as_python_reports_it(raising: Callable[[], None]) -> None:
    # A cause, a context, a context suppressed (from None), a chain of both and a circle of causes, as Python's
    # excepthook words them.
    with pytest.raises(ValueError) as info:
        raising()
    error = info.value
    report = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    assert uncaught_report(error) == re.sub(r"(?m)^ +[~^]+\n", "", report)  # the stack as the runtime formats it


@pytest.mark.parametrize(("raised", "reason"), [("SystemExit(7)", "exit status 7"), ("KeyboardInterrupt", "signal: interrupt")])
def test_an_init_error_whose_text_ends_the_process_ends_it_so(runtime: Runtime, raised: str, reason: str) -> None:
    # bootstrap.run builds the init error with str() of it, inside its except block: what that raises ends the process.
    files = {"app.py": f"class Boom(Exception):\n    def __str__(self):\n        raise {raised}\nraise Boom()\n"}
    result = invoke(runtime, make_spec(files), request_id="rid-x")
    assert json.loads(result.payload)["errorMessage"] == f"RequestId: rid-x Error: Runtime exited with error: {reason}"
