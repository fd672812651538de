"""Which execution environment the calling thread acts in, light enough for the botocore seam to ask."""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Iterator, Optional, cast

if TYPE_CHECKING:
    from lambdamock.runtime.scope import Scope


class Abandoned(BaseException):
    """Raised inside a timed-out environment's threads so that even `except Exception` code unwinds."""


_local = threading.local()


def current() -> Optional[Scope]:
    """The scope of the calling thread, or None outside execution environments."""
    return cast(Optional["Scope"], getattr(_local, "scope", None))


def bind(scope: Optional[Scope]) -> None:
    """Make the calling thread act inside `scope`."""
    _local.scope = scope


@contextlib.contextmanager
def outside() -> Iterator[None]:
    """Act outside any execution environment for a while: the process's variables, not a function's."""
    scope = current()
    bind(None)
    try:
        yield
    finally:
        bind(scope)


def check_not_frozen() -> None:
    """A function that outlived its timeout is frozen on AWS: what its threads do after reaches no service."""
    scope = current()
    if scope is not None and scope.abandoned.is_set():
        raise Abandoned()
