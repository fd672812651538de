"""One mock activation's world: per-region function tables under one lock."""

from __future__ import annotations

import bisect
import random
import threading
import time
from typing import Iterator, Optional

from lambdamock.state.concurrency import Gate, Usage
from lambdamock.state.functions import Function
from lambdamock.state.invocations import Invoker
from lambdamock.state.mappings import Mappings, Pollers


class Region:
    """The functions of the mock's account in one region."""

    def __init__(self, name: str, account_id: str, gate: Gate) -> None:
        self.name = name
        self.account_id = account_id
        # Concurrency limits are per account and region, as on AWS.
        self.gate = gate
        self.functions: dict[str, Function] = {}
        self.mappings = Mappings()
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
        # Event source mapping pollers: set by the sources layer when the first one is needed.
        self.pollers: Optional[Pollers] = None

    def region(self, name: str) -> Region:
        with self.lock:
            found = self._regions.get(name)
            if found is None:
                gate = Gate(self.concurrency_limit, self.invoker.unpark)
                found = self._regions[name] = Region(name, self.account_id, gate)
            return found

    def regions(self) -> list[Region]:
        """The regions used so far, by name."""
        with self.lock:
            return [self._regions[name] for name in sorted(self._regions)]

    def usage(self, function: str, region: Optional[str] = None) -> Optional[Usage]:
        """The function's concurrency usage in ``region``, or in the one region that knows it; None if none."""
        with self.lock:
            if region is None:
                regions = list(self._regions.values())
            else:
                regions = [self._regions[region]] if region in self._regions else []
            known = []
            for candidate in regions:
                usage = candidate.gate.usage(function)
                if usage is not None or function in candidate.functions:
                    known.append(usage or Usage())
        if len(known) > 1:
            raise ValueError(f"functions named {function!r} exist in several regions: pass region=")
        return known[0] if known else None

    def wait(self, timeout: Optional[float] = None) -> bool:
        """Block until pollers have delivered what their sources hold and no background job runs; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.pollers is not None and not self.pollers.sync(timeout):
            return False
        return self.invoker.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def close(self) -> None:
        if self.pollers is not None:
            self.pollers.close()
        self.invoker.close()
