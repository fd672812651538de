"""One mock activation's world: per-region function tables under one lock."""

from __future__ import annotations

import bisect
import random
import threading
from typing import Iterator, Optional

from lambdamock.state.functions import Function
from lambdamock.state.invocations import Invoker


class Region:
    """The functions of the mock's account in one region."""

    def __init__(self, name: str, account_id: str) -> None:
        self.name = name
        self.account_id = account_id
        self.functions: dict[str, Function] = {}
        # Names kept sorted so a ListFunctions page starts with a bisect, not a scan.
        self._names: list[str] = []

    def add(self, function: Function) -> None:
        self.functions[function.name] = function
        bisect.insort(self._names, function.name)

    def remove(self, name: str) -> None:
        del self.functions[name]
        del self._names[bisect.bisect_left(self._names, name)]

    def names_after(self, marker: Optional[str]) -> Iterator[str]:
        """Function names in list order, starting after ``marker``."""
        start = 0 if marker is None else bisect.bisect_right(self._names, marker)
        for index in range(start, len(self._names)):
            yield self._names[index]


class Service:
    """All state of one mock activation; ``lock`` guards every table in it."""

    def __init__(self, account_id: str, concurrency_limit: int = 1000, seed: Optional[int] = None) -> None:
        self.account_id = account_id
        # Draws of weighted aliases; a seed makes their sequence reproducible.
        self.rng = random.Random(seed)
        self.concurrency_limit = concurrency_limit
        self.lock = threading.RLock()
        self._regions: dict[str, Region] = {}
        self.invoker = Invoker()

    def region(self, name: str) -> Region:
        with self.lock:
            found = self._regions.get(name)
            if found is None:
                found = self._regions[name] = Region(name, self.account_id)
            return found

    def close(self) -> None:
        self.invoker.close()
