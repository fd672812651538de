"""Batches as Lambda builds them: sent at BatchSize, when the batching window closes, or at 6 MB."""

from __future__ import annotations

import time
from typing import Callable, Generic, Optional, TypeVar

T = TypeVar("T")

# A batch is one synchronous invocation: its event may not pass Invoke's 6 MB request limit.
PAYLOAD_LIMIT = 6 * 1024 * 1024
_HEAD = b'{"Records": ['
_TAIL = b"]}"
_SEPARATOR = b", "


def event(records: list[bytes]) -> bytes:
    """The ``{"Records": [...]}`` event of already encoded records."""
    return _HEAD + _SEPARATOR.join(records) + _TAIL


class Batch(Generic[T]):
    """Records gathered for one invocation, each kept with its JSON encoding.

    The window opens with the first record: an empty batch never waits and is never sent.
    """

    def __init__(self, size: int, window: float, limit: int = PAYLOAD_LIMIT,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.size = size
        self.window = window
        self.limit = limit
        self._clock = clock
        self.items: list[T] = []
        self.encoded: list[bytes] = []
        self._bytes = len(_HEAD) + len(_TAIL)
        self.opened: Optional[float] = None

    def __len__(self) -> int:
        return len(self.items)

    @property
    def room(self) -> int:
        """How many more records the batch takes before it is full."""
        return max(0, self.size - len(self.items))

    def takes(self, encoded: bytes) -> bool:
        """Whether a record is within the payload limit even alone."""
        return len(_HEAD) + len(_TAIL) + len(encoded) <= self.limit

    def fits(self, encoded: bytes) -> bool:
        """Whether one more record keeps the event within the payload limit (a lone record always fits)."""
        return not self.items or self._bytes + len(_SEPARATOR) + len(encoded) <= self.limit

    def add(self, item: T, encoded: bytes) -> None:
        if self.items:
            self._bytes += len(_SEPARATOR)
        else:
            self.opened = self._clock()
        self.items.append(item)
        self.encoded.append(encoded)
        self._bytes += len(encoded)

    @property
    def full(self) -> bool:
        return len(self.items) >= self.size

    @property
    def deadline(self) -> Optional[float]:
        """When the window closes; None while the batch is empty."""
        return None if self.opened is None else self.opened + self.window

    def due(self) -> bool:
        """True when the batch must be sent now: full, or its window has closed."""
        if not self.items:
            return False
        deadline = self.deadline
        return self.full or deadline is None or self._clock() >= deadline

    def take(self) -> tuple[list[T], list[bytes]]:
        """Empty the batch: its items and their encodings (``event`` makes the event to send of those)."""
        items, encoded = self.items, self.encoded
        self.items, self.encoded = [], []
        self._bytes = len(_HEAD) + len(_TAIL)
        self.opened = None
        return items, encoded
