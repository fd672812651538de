"""Small builders shared by the tests."""

from __future__ import annotations

import time
from typing import Callable

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.002)
