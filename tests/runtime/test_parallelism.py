"""Concurrency without hidden serialisation: invocations of one function really run at the same time."""

from __future__ import annotations

import threading

from lambdamock.runtime import Runtime
from tests.runtime import sync
from tests.runtime.conftest import handler_source, invoke, make_spec

CALLERS = 16


def test_concurrent_invocations_run_in_parallel(runtime: Runtime) -> None:
    # Every handler waits at one barrier: it only opens if all of them run at once.
    sync.barriers["all"] = threading.Barrier(CALLERS, timeout=10)
    spec = make_spec(handler_source("sync.barriers['all'].wait()\nreturn 1", prelude="from tests.runtime import sync"))
    results: list[bytes] = []

    def caller() -> None:
        results.append(invoke(runtime, spec).payload)

    threads = [threading.Thread(target=caller) for _ in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert results == [b"1"] * CALLERS
