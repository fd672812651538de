"""Small builders shared by the tests."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Callable

ROLE = "arn:aws:iam::123456789012:role/lambda-role"


def zip_of(files: dict[str, str]) -> bytes:
    """A deployment package holding ``files`` (name -> source)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files.items():
            archive.writestr(name, source)
    return buffer.getvalue()


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.002)
