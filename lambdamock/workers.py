"""A bounded pool of a mock's daemon threads that take items from one queue (Event jobs, URL connections)."""

from __future__ import annotations

import threading
from collections import deque
from typing import Callable, Generic, Iterable, Optional, TypeVar

T = TypeVar("T")
Spawn = Callable[[Callable[[], None], str], threading.Thread]


class Workers(Generic[T]):
    """Items queued in order; threads are started while fewer are idle than items wait, up to ``limit`` of them.

    ``handle`` runs on a worker for each item, and must not raise.
    ``lock`` guards the queue: pass one to share it (with a wait() that must see the queue). The workers wait on a
    condition of their own on it, so a notification meant for them never wakes another waiter of that lock instead.
    """

    def __init__(self, spawn: Spawn, handle: Callable[[T], None], limit: int, name: str,
                 lock: Optional[threading.RLock] = None) -> None:
        self._spawn = spawn
        self._handle = handle
        self._limit = limit
        self._name = name
        self.lock = threading.Condition(lock)
        self._queue: deque[T] = deque()
        self._threads: list[threading.Thread] = []
        self._idle: set[threading.Thread] = set()  # waiting for an item, or about to (just started, or notified)
        self.closed = False

    def put(self, items: Iterable[T]) -> bool:
        """Queue items at the back; False (and nothing queued) once closed."""
        with self.lock:
            if self.closed:
                return False
            added = list(items)
            self._queue.extend(added)
            # Each idle thread takes one item: so many items come at once (events a raised reservation lets go)
            # start as many threads, each counted idle until it takes its item.
            while len(self._idle) < len(self._queue) and len(self._threads) < self._limit:
                thread = self._spawn(self._work, self._name)
                self._threads.append(thread)
                self._idle.add(thread)
            self.lock.notify(len(added))
            return True

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self.lock:
                self._idle.add(me)
                while not self._queue and not self.closed:
                    self.lock.wait()
                self._idle.discard(me)
                if self.closed:
                    return
                item = self._queue.popleft()
            self._handle(item)

    def close(self) -> tuple[list[T], list[threading.Thread]]:
        """Stop taking items: those still queued, and the idle threads (which end now, to join)."""
        with self.lock:
            self.closed = True
            dropped = list(self._queue)
            self._queue.clear()
            self.lock.notify_all()
            return dropped, list(self._idle)
