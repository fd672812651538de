"""Concurrency of one region: the account pool, reserved concurrency and provisioned slots, enforced per call."""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from lambdamock.state.functions import now

# Lambda keeps this much of the account limit unreserved (or the whole limit when it is smaller).
UNRESERVED_MINIMUM = 100
RESERVED_EXCEEDED = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_EXCEEDED = "ConcurrentInvocationLimitExceeded"


@dataclass
class Usage:
    """A function's executions: running now, the most at once so far, and refused calls."""

    current: int = 0
    peak: int = 0
    throttles: int = 0


@dataclass
class Provisioned:
    """A provisioned-concurrency config on one alias or published version."""

    qualifier: str
    version: str  # the version whose environments it keeps warm
    requested: int
    status: str = "IN_PROGRESS"
    allocated: int = 0
    reason: Optional[str] = None
    last_modified: datetime.datetime = field(default_factory=now)
    # The version an alias's config is moving to; until that one is initialised it keeps ``version``'s.
    moving_to: Optional[str] = None


@dataclass(frozen=True)
class Ticket:
    """An admitted execution; ``provisioned`` when it runs on a provisioned environment."""

    function: str
    slot: Optional[tuple[str, str]]  # (function, qualifier) of the provisioned config it uses
    pooled: bool  # counted in the account's unreserved pool

    @property
    def provisioned(self) -> bool:
        return self.slot is not None


class Throttled(Exception):
    """A refused execution: why, and the capacity ``generation`` it was refused in."""

    def __init__(self, reason: str, generation: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.generation = generation


class Gate:
    """Admits executions against the region's limits; every change wakes whoever waits for capacity."""

    def __init__(self, limit: int, on_freed: Callable[[list[Any]], None] = lambda parked: None) -> None:
        self.limit = limit
        self.minimum = min(UNRESERVED_MINIMUM, limit)
        self.reserved: dict[str, int] = {}
        # function -> qualifier -> config
        self.provisioned: dict[str, dict[str, Provisioned]] = {}
        self.generation = 0
        self._changed = threading.Condition()
        # Throttled work kept until capacity may have freed, then handed to on_freed.
        self._parked: list[Any] = []
        self._on_freed = on_freed
        self._capacity = limit  # unreserved_capacity(), recounted on every configuration change
        self._usage: dict[str, Usage] = {}
        self._on_demand: dict[str, int] = {}
        self._unreserved_busy = 0
        self._slot_busy: dict[tuple[str, str], int] = {}

    # -- configuration (callers hold the service lock) --------------------------

    def provisioned_total(self, function: str) -> int:
        return sum(config.requested for config in self.provisioned.get(function, {}).values())

    def unreserved(self) -> int:
        """UnreservedConcurrentExecutions, as GetAccountSettings reports it."""
        return self.limit - sum(self.reserved.values())

    def reserve(self, function: str, count: Optional[int]) -> None:
        with self._changed:
            if count is None:
                self.reserved.pop(function, None)
            else:
                self.reserved[function] = count
            self._recount()
        self.changed()

    def configure(self, function: str, config: Provisioned) -> None:
        with self._changed:
            self.provisioned.setdefault(function, {})[config.qualifier] = config
            self._recount()
        self.changed()

    def unconfigure(self, function: str, qualifier: Optional[str] = None) -> list[Provisioned]:
        """Drop one qualifier's config, or all of the function's (and its reservation); returns what went."""
        with self._changed:
            configs = self.provisioned.get(function, {})
            if qualifier is None:
                self.reserved.pop(function, None)
                gone = list(self.provisioned.pop(function, {}).values())
            else:
                gone = [configs.pop(qualifier)] if qualifier in configs else []
                if not configs:
                    self.provisioned.pop(function, None)
            self._recount()
        self.changed()
        return gone

    def changed(self) -> None:
        """Capacity may have freed: wake waiters and hand back what was parked."""
        with self._changed:
            parked = self._bump()
        if parked:
            self._on_freed(parked)

    def park(self, item: Any, generation: int) -> bool:
        """Keep ``item`` until capacity changes; False when it already changed since ``generation``."""
        with self._changed:
            if self.generation != generation:
                return False
            self._parked.append(item)
            return True

    def _bump(self) -> list[Any]:
        # Caller holds the condition's lock; parking checks the generation under it, so nothing is missed.
        self.generation += 1
        self._changed.notify_all()
        parked, self._parked = self._parked, []
        return parked

    # -- executions ---------------------------------------------------------------

    def enter(self, function: str, qualifier: Optional[str], version: str) -> Ticket:
        """Admit one execution of ``function`` invoked as ``qualifier`` running ``version``, or raise Throttled."""
        with self._changed:
            usage = self._usage.get(function)
            if usage is None:
                usage = self._usage[function] = Usage()
            slot = self._free_slot(function, qualifier, version)
            pooled = False
            if slot is not None:
                self._slot_busy[slot] = self._slot_busy.get(slot, 0) + 1
            else:
                reserved = self.reserved.get(function)
                running = self._on_demand.get(function, 0)
                if reserved is not None:
                    if running >= reserved - self.provisioned_total(function):
                        usage.throttles += 1
                        raise Throttled(RESERVED_EXCEEDED, self.generation)
                else:
                    if self._unreserved_busy >= self._capacity:
                        usage.throttles += 1
                        raise Throttled(ACCOUNT_EXCEEDED, self.generation)
                    self._unreserved_busy += 1
                    pooled = True
                self._on_demand[function] = running + 1
            usage.current += 1
            usage.peak = max(usage.peak, usage.current)
            return Ticket(function, slot, pooled)

    def leave(self, ticket: Ticket) -> None:
        with self._changed:
            self._usage[ticket.function].current -= 1
            if ticket.slot is not None:
                self._slot_busy[ticket.slot] -= 1
            else:
                self._on_demand[ticket.function] -= 1
            if ticket.pooled:
                self._unreserved_busy -= 1
            parked = self._bump()
        if parked:
            self._on_freed(parked)

    def wait(self, generation: int, timeout: float) -> None:
        """Block until capacity changed after ``generation``, or ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.generation != generation, timeout)

    def usage(self, function: str) -> Optional[Usage]:
        with self._changed:
            found = self._usage.get(function)
            return None if found is None else Usage(found.current, found.peak, found.throttles)

    def _free_slot(self, function: str, qualifier: Optional[str], version: str) -> Optional[tuple[str, str]]:
        configs = self.provisioned.get(function)
        if not configs:
            return None
        # The invoked alias's config first, then any config that keeps this version warm: invoking
        # the version itself uses its alias's provisioned environments too (test_provisioned_concurrency_on_alias).
        invoked = configs.get(qualifier) if qualifier is not None else None
        for config in (invoked, *configs.values()):
            if config is not None and config.version == version:
                slot = (function, config.qualifier)
                if self._slot_busy.get(slot, 0) < config.allocated:
                    return slot
        return None

    def unreserved_capacity(self) -> int:
        """What unreserved functions can run at once: the unreserved pool less their provisioned concurrency."""
        return self._capacity

    def _recount(self) -> None:
        # Caller holds the condition's lock. Provisioned concurrency of functions without a
        # reservation comes out of the shared pool.
        held = sum(
            config.requested
            for function, configs in self.provisioned.items()
            if function not in self.reserved
            for config in configs.values()
        )
        self._capacity = self.unreserved() - held
